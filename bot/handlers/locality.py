"""``/locality Dubina``: a locality's card — its problems over the last two years (text and a
trend chart), the open ones with buttons to their detail, the meetings that discussed them,
their open tasks and pinned problems nearby. Also "📍 Locality" on a problem's detail.

Callback data: ``lc:v:<team>:<key hash>`` (a locality of a team; the name never travels) and
``lc:p:<problem>`` (the locality of that problem); every press looks the locality up again
among those the presser may see.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.domain.locality_card import LocalityCard, LocalityRef
from bot.handlers.common import (
    BadButton,
    Rows,
    as_int,
    button,
    guarded,
    keyboard,
    require_actor,
    send_long,
    send_new,
)
from bot.handlers.context import BotContext
from bot.handlers.delivery import Undelivered, with_retries
from bot.i18n import Translator
from bot.rendering.locality import card_lines, choice_label, locality_title
from bot.rendering.locality_chart import render_trend_png, trend_chart
from bot.rendering.problems import escape

log = logging.getLogger(__name__)

#: localities offered as buttons when /locality comes without a name
LIST_MAX = 40
#: buttons to the open problems' details (five to a row)
PROBLEM_BUTTONS = 20


@guarded
async def on_locality(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    text = " ".join(ctx.args or [])
    if not text.strip():
        known = await ctx.services.locality_cards.known(actor)
        await _offer(update, t, known[:LIST_MAX], _which(t, bool(known)))
        return
    found = await ctx.services.locality_cards.find(actor, text)
    if found.card is not None:
        await send_card(update, ctx, t, found.card)
    elif found.choices:
        await _offer(update, t, list(found.choices), t._("Several localities match. Which one?"))
    else:
        said = t._("I do not know the locality “{name}”.", name=escape(text.strip()[:60]))
        if found.suggestions:
            said += "\n" + t._("The closest ones I know:")
        await _offer(update, t, list(found.suggestions), said)


def _which(t: Translator, any_known: bool) -> str:
    if not any_known:
        return t._("Your teams have no localities yet.")
    return t._("Which locality? Choose one, or write its name: /locality Dubina")


async def _offer(update: Update, t: Translator, refs: list[LocalityRef], text: str) -> None:
    several = len({ref.team_id for ref in refs}) > 1
    rows: Rows = [
        [button("📍 " + choice_label(ref, several), f"lc:v:{ref.team_id}:{ref.code}")]
        for ref in refs
    ]
    await send_new(update, text, keyboard(rows))


@guarded
async def on_button(update: Update, ctx: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    if len(parts) == 4 and parts[1] == "v" and parts[3].isalnum() and len(parts[3]) <= 16:
        card = await ctx.services.locality_cards.card(actor, as_int(parts[2]), parts[3])
    elif len(parts) == 3 and parts[1] == "p":
        card = await ctx.services.locality_cards.card_of_problem(actor, as_int(parts[2]))
    else:
        raise BadButton(query.data)
    await send_card(update, ctx, t, card)


async def send_card(update: Update, ctx: BotContext, t: Translator, card: LocalityCard) -> None:
    """The chart (when there is a trend to show), then the card with its buttons."""
    if card.has_trend:
        png = await asyncio.to_thread(render_trend_png, trend_chart(t, card))
        caption = locality_title(t, card.locality) + " — " + t._("problems by quarter")
        await _send_photo(update, png, caption)
    now = ctx.services.clock.now()
    numbers = [button(f"#{p.id}", f"pb:v:{p.id}") for p in card.open_problems[:PROBLEM_BUTTONS]]
    rows: Rows = [numbers[i : i + 5] for i in range(0, len(numbers), 5)]
    await send_long(update, card_lines(t, card, now), keyboard(rows))


async def _send_photo(update: Update, png: bytes, caption: str) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    bot = update.get_bot()
    try:
        await with_retries(lambda: bot.send_photo(chat.id, photo=png, caption=caption))
    except Undelivered as error:  # the card itself still goes; the chart is a bonus
        log.warning("locality chart not delivered: %s", error)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("locality", on_locality, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^lc:"))
