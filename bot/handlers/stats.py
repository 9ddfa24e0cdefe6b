"""``/stats [period]``: a team's (or, for an administrator, the whole city's) figures on one
screen, with charts below it; the period as buttons or typed (``/stats Q3 2026``).

Callback data: ``st:<team id | c>:<period code>`` (``c``: the whole city; the code is that of
:meth:`bot.domain.periods.Period.code`), ``st:p:<period code>`` (the team picker again) and
``st:x`` (close the picker). The service re-checks the team and the role at every press.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import date

from telegram import InputMediaPhoto, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.domain.periods import (
    ALL,
    Period,
    PeriodError,
    parse_period,
    this_month,
    this_quarter,
    this_year,
)
from bot.domain.stats import StatsView
from bot.handlers import delivery
from bot.handlers.common import (
    BadButton,
    Rows,
    as_int,
    button,
    guarded,
    keyboard,
    require_actor,
    send_new,
    show,
)
from bot.handlers.context import BotContext
from bot.handlers.delivery import Undelivered, with_retries
from bot.i18n import N_, Translator
from bot.rendering.charts import Chart, render_png
from bot.rendering.problems import escape
from bot.rendering.stats import period_label, period_problem, stats_charts, stats_text

log = logging.getLogger(__name__)

CITY = "c"
PERIOD_BUTTONS = (
    (this_month, N_("Month")),
    (this_quarter, N_("Quarter")),
    (this_year, N_("Year")),
    (lambda _today: ALL, N_("All")),
)


@guarded
async def on_stats(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    stats = ctx.services.stats
    words = " ".join(ctx.args or [])
    if words:
        try:
            period = parse_period(words, stats.today())
        except PeriodError as error:
            await show(update, period_problem(t, error.problem))
            return
    else:
        period = this_year(stats.today())
    teams, city = await stats.choices(actor)
    if len(teams) == 1 and not city:
        await _show_stats(update, ctx, t, teams[0][0], period)
        return
    await _picker(update, ctx, t, period)


async def _picker(update: Update, ctx: BotContext, t: Translator, period: Period) -> None:
    teams, city = await ctx.services.stats.choices(require_actor(update, ctx))
    code = period.code
    rows: Rows = []
    if city:
        rows.append([button("🏙 " + t._("Whole city"), f"st:{CITY}:{code}")])
    names = [button(name, f"st:{team_id}:{code}") for team_id, name, _ in teams]
    rows += [names[i : i + 2] for i in range(0, len(names), 2)]
    rows.append([button("✖ " + t._("Close"), "st:x")])
    text = t._("Statistics of which team? ({period})", period=period_label(t, period))
    await show(update, text, keyboard(rows))


@guarded
async def on_button(update: Update, ctx: BotContext) -> None:
    query = update.callback_query
    parts = (query.data or "").split(":") if query else []
    if parts == ["st", "x"]:
        t = await ctx.tr(update)
        await show(update, t._("Closed."))
        return
    if len(parts) != 3 or parts[0] != "st":
        raise BadButton(parts)
    try:
        period = Period.from_code(parts[2])
    except PeriodError:
        raise BadButton(parts) from None
    t = await ctx.tr(update)
    if parts[1] == "p":
        await _picker(update, ctx, t, period)
    elif parts[1] == CITY:
        await _show_stats(update, ctx, t, None, period)
    else:
        await _show_stats(update, ctx, t, as_int(parts[1]), period)


async def _show_stats(
    update: Update, ctx: BotContext, t: Translator, team_id: int | None, period: Period
) -> None:
    actor = require_actor(update, ctx)
    stats = ctx.services.stats
    if team_id is None:
        view = await stats.city(actor, period)
    else:
        view = await stats.team(actor, team_id, period)
    teams, city = await stats.choices(actor)
    shown_period = period if view.figures is not None else None
    text = stats_text(t, view, shown_period, stats.clock.now())
    markup = keyboard(_buttons(t, view, period, len(teams) > 1 or city, stats.today()))
    charts = stats_charts(t, view)
    if not charts:
        await show(update, text, markup)
        return
    # the charts first, then the figures with the buttons below them, where the thumb is
    caption = f"{escape(view.name) or t._('Whole city')} · {period_label(t, period)}"
    sent = await _send_charts(update, charts, caption)
    await send_new(update, text, markup)
    if not sent:
        await send_new(
            update, t._("The charts could not be sent just now; press a period to try again.")
        )


def _buttons(t: Translator, view: StatsView, period: Period, others: bool, today: date) -> Rows:
    scope = CITY if view.team_id is None else str(view.team_id)
    rows: Rows = []
    if view.figures is not None:
        row = []
        for make, label in PERIOD_BUTTONS:
            choice = make(today)
            mark = "• " if choice == period else ""
            row.append(button(mark + t._(label), f"st:{scope}:{choice.code}"))
        rows.append(row)
    if others:
        rows.append([button("« " + t._("Another team"), f"st:p:{period.code}")])
    return rows


def _render(charts: list[Chart]) -> list[bytes]:
    return [render_png(chart) for chart in charts]


async def _send_charts(update: Update, charts: list[Chart], caption: str) -> bool:
    """Render the charts off the event loop and send them as one photo or one album."""
    chat = update.effective_chat
    if chat is None:
        return True
    bot = update.get_bot()
    with contextlib.suppress(TelegramError):  # only a hint that something is coming
        await bot.send_chat_action(chat.id, ChatAction.UPLOAD_PHOTO)
    images = await asyncio.to_thread(_render, charts)
    try:
        if len(images) == 1:
            await with_retries(
                lambda: bot.send_photo(
                    chat.id, images[0], caption=caption, **delivery.rate_limit_args(bot)
                )
            )
        else:
            media = [
                InputMediaPhoto(image, caption=caption if index == 0 else None)
                for index, image in enumerate(images)
            ]
            await with_retries(
                lambda: bot.send_media_group(chat.id, media, **delivery.rate_limit_args(bot))
            )
    except Undelivered as error:  # the figures are on the screen; the charts can be asked again
        log.warning("charts not delivered: %s", error)
        return False
    return True


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("stats", on_stats, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^st:"))
