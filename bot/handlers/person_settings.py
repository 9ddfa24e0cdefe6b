"""``/settings`` (Nastavení), a person's own settings: language, the weekly digest (day, time,
off) and, for a person in several teams, muting one team's notices.

Callback data (``se:`` + fields; every press says the state it wants, never toggles):
``se:v`` the screen, ``se:l:<cs|en>`` language, ``se:d`` the digest screen,
``se:dd:<0-6>`` its weekday, ``se:dt:<HHMM>`` its time, ``se:dt:x`` a typed time,
``se:do:<on|off>``, ``se:m`` the teams screen, ``se:mt:<team>:<on|off>`` mute or hear a team.
The service re-checks membership for everything but the language.
"""

from __future__ import annotations

from datetime import time

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.config import SUPPORTED_LANGUAGES
from bot.domain.models import Draft
from bot.handlers.common import (
    BadButton,
    Rows,
    as_int,
    button,
    escape,
    guarded,
    keyboard,
    lead_in,
    nav_row,
    require_actor,
    show,
)
from bot.handlers.context import BotContext
from bot.handlers.dialogue import DialogueSteps, register_dialogue
from bot.i18n import Translator
from bot.services.dialogues import DIGEST_TIME
from bot.services.settings import PersonSettings

LANGUAGE_NAMES = {"cs": "Čeština", "en": "English"}
#: the times offered as buttons (others can be typed)
TIMES = (time(7, 0), time(7, 30), time(8, 0), time(12, 0), time(16, 0), time(18, 0))
TIME_STEP = "time"


def clock(at: time) -> str:
    """``7:30`` (no leading zero, as people write it)."""
    return f"{at.hour}:{at.minute:02d}"


def digest_line(t: Translator, view: PersonSettings) -> str:
    if not view.has_digest:
        return t._("Weekly digest: for team members only.")
    if not view.digest.on:
        return t._("Weekly digest: off.")
    line = t._(
        "Weekly digest: each week, {weekday} at {time}.",
        weekday=t.weekday(view.digest.weekday),
        time=clock(view.digest.at),
    )
    if view.next_digest is not None:
        line += " " + t._("The next one: {when}.", when=t.short_datetime(view.next_digest))
    return line


async def _main(update: Update, ctx: BotContext, t: Translator, lead: str = "") -> None:
    view = await ctx.services.settings.view(require_actor(update, ctx))
    language = view.language or t.language
    lines = [
        "⚙ <b>" + t._("Settings") + "</b>",
        "🌐 " + t._("Language: {language}", language=LANGUAGE_NAMES[language]),
        "📰 " + digest_line(t, view),
    ]
    if view.can_mute:
        muted = [team.name for team in view.teams if team.id in view.muted]
        lines.append(
            "🔕 " + t._("Muted teams: {teams}", teams=", ".join(muted))
            if muted
            else "🔔 " + t._("You get the notices of all your teams.")
        )
    rows: Rows = [
        [
            button(("✓ " if code == language else "") + LANGUAGE_NAMES[code], f"se:l:{code}")
            for code in SUPPORTED_LANGUAGES
        ]
    ]
    if view.has_digest:
        rows.append([button("📰 " + t._("Weekly digest"), "se:d")])
    if view.can_mute:
        rows.append([button("🔕 " + t._("Notices of my teams"), "se:m")])
    await show(update, lead_in(lead, "\n".join(lines)), keyboard(rows))


async def _digest(update: Update, ctx: BotContext, t: Translator, view: PersonSettings) -> None:
    lines = [
        "📰 <b>" + t._("Weekly digest") + "</b>",
        digest_line(t, view),
        "",
        t._(
            "Once a week: new problems of your teams, your tasks and the next meeting; "
            "coordinators also problems without progress, overdue tasks, unanswered "
            "invitations and proposals waiting for a decision. Nothing comes when there is "
            "nothing to say."
        ),
        t._("Choose the day and the time, or type a time (e.g. 7:30 or 18)."),
    ]
    on = view.digest.on

    def mark(chosen: bool) -> str:
        return "✓ " if on and chosen else ""

    days = [
        button(mark(view.digest.weekday == day) + t.weekday(day)[:2].capitalize(), f"se:dd:{day}")
        for day in range(7)
    ]
    times = [button(mark(view.digest.at == at) + clock(at), f"se:dt:{at:%H%M}") for at in TIMES]
    rows: Rows = [days[:4], days[4:], times[:3], times[3:]]
    rows.append([button("✏ " + t._("Another time"), "se:dt:x")])
    if on:
        rows.append([button("🔕 " + t._("Switch the digest off"), "se:do:off")])
    else:
        rows.append([button("🔔 " + t._("Switch the digest on"), "se:do:on")])
    rows.append([button("« " + t._("Back"), "se:v")])
    await show(update, "\n".join(lines), keyboard(rows))


async def _teams(update: Update, ctx: BotContext, t: Translator, view: PersonSettings) -> None:
    lines = [
        "🔕 <b>" + t._("Notices of my teams") + "</b>",
        t._(
            "A muted team sends you no news of problems, proposals, tasks and members. "
            "Meeting invitations, changes, reminders, agendas and minutes always come; its "
            "part of the weekly digest is left out."
        ),
        "",
    ]
    rows: Rows = []
    for team in view.teams:
        if team.id in view.muted:
            lines.append("🔕 " + t._("{team}: muted", team=_name(team.name)))
            rows.append([button("🔔 " + t._("Hear {team}", team=team.name), f"se:mt:{team.id}:on")])
        else:
            lines.append("🔔 " + t._("{team}: you get its notices", team=_name(team.name)))
            rows.append(
                [button("🔕 " + t._("Mute {team}", team=team.name), f"se:mt:{team.id}:off")]
            )
    rows.append([button("« " + t._("Back"), "se:v")])
    await show(update, "\n".join(lines), keyboard(rows))


def _name(name: str) -> str:
    return "<b>" + escape(name) + "</b>"


@guarded
async def on_settings(update: Update, ctx: BotContext) -> None:
    await _main(update, ctx, await ctx.tr(update))


def _fields(update: Update) -> list[str]:
    query = update.callback_query
    data = query.data if query is not None else None
    if not data or not data.startswith("se:"):
        raise BadButton(data)
    fields = data.split(":")[1:]
    if not fields or any(not f for f in fields):
        raise BadButton(data)
    return fields


@guarded
async def on_button(update: Update, ctx: BotContext) -> None:
    fields = _fields(update)
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    settings = ctx.services.settings
    match fields:
        case ["v"]:
            await _main(update, ctx, t)
        case ["l", code] if code in SUPPORTED_LANGUAGES:
            await settings.set_language(actor, code)
            await _main(update, ctx, ctx.translator_for(code))
        case ["d"]:
            view = await settings.view(actor)
            if not view.has_digest:
                raise BadButton("digest")
            await _digest(update, ctx, t, view)
        case ["dd", day]:
            await _digest(update, ctx, t, await settings.set_digest_day(actor, as_int(day)))
        case ["dt", "x"]:
            view = await settings.view(actor)
            if not view.has_digest:
                raise BadButton("digest")
            draft = await ctx.services.dialogues.start(actor.user_id, DIGEST_TIME, TIME_STEP)
            await _on_show(update, ctx, draft)
        case ["dt", hhmm] if len(hhmm) == 4 and hhmm.isdigit():
            hour, minute = int(hhmm[:2]), int(hhmm[2:])
            if hour > 23 or minute > 59:
                raise BadButton(hhmm)
            at = time(hour, minute)
            await _digest(update, ctx, t, await settings.set_digest_time(actor, at))
        case ["do", ("on" | "off") as state]:
            await _digest(update, ctx, t, await settings.set_digest_on(actor, state == "on"))
        case ["m"]:
            view = await settings.view(actor)
            if not view.can_mute:
                raise BadButton("mute")
            await _teams(update, ctx, t, view)
        case ["mt", team, ("on" | "off") as state]:
            view = await settings.set_muted(actor, as_int(team), muted=state == "off")
            await _teams(update, ctx, t, view)
        case _:
            raise BadButton(":".join(fields))


async def _on_show(update: Update, ctx: BotContext, draft: Draft, lead: str = "") -> None:
    t = await ctx.tr(update)
    question = t._(
        "At what time should the weekly digest come? Write a time between 7:00 and 19:59, "
        "e.g. <i>7:30</i> or <i>18</i>."
    )
    await show(update, lead_in(lead, question), keyboard([nav_row(t, step=TIME_STEP)]))


async def _on_text(update: Update, ctx: BotContext, draft: Draft) -> None:
    t = await ctx.tr(update)
    actor = require_actor(update, ctx)
    message = update.effective_message
    text = (message.text if message is not None else None) or ""
    view = await ctx.services.settings.set_digest_time_text(actor, text)  # refusal: ask again
    await ctx.services.dialogues.finish(actor.user_id)
    await _digest(update, ctx, t, view)


async def _on_back(update: Update, ctx: BotContext, draft: Draft) -> None:
    await ctx.services.dialogues.finish(draft.user_id)
    t = await ctx.tr(update)
    await _digest(update, ctx, t, await ctx.services.settings.view(require_actor(update, ctx)))


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_dialogue(
        DIGEST_TIME, DialogueSteps(on_text=_on_text, on_back=_on_back, on_show=_on_show)
    )
    app.add_handler(CommandHandler("settings", on_settings, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^se:"))
