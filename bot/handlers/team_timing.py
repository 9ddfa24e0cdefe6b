"""A team's meeting timing (coordinator, from ``/team``): how long before a meeting reminders
go out and when the agenda is frozen and sent, when the still-solved question is asked, and the
quiet hours (``20:00–7:00``). Durations are typed as ``24h, 1h``, ``48h`` or ``2 dny 12 hodin``
(see :func:`bot.config.parse_duration`).

Callback data ``tt:<action>:<team>``; the service re-checks the coordinator role.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.domain.models import Draft
from bot.domain.notices import QuietHours
from bot.handlers.common import (
    BadButton,
    Rows,
    as_int,
    button,
    callback_args,
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
from bot.rendering.meetings import timing_lines
from bot.services.dialogues import TEAM_TIMING
from bot.services.errors import InputProblem, InvalidInput

REMINDERS, LEAD, STILL_SOLVED, QUIET = "reminders", "lead", "still_solved", "quiet"
INVITATION = "invitation"


def quiet_line(t: Translator, quiet: QuietHours) -> str:
    """``Quiet hours 20:00–7:00: …`` (times as people write them, 7:00 not 07:00)."""
    return t._(
        "Quiet hours {start}–{end}: reminders, tasks and news of problems that are not acute "
        "wait for the morning; meetings go out at once.",
        start=f"{quiet.start.hour}:{quiet.start.minute:02d}",
        end=f"{quiet.end.hour}:{quiet.end.minute:02d}",
    )


async def _screen(update: Update, ctx: BotContext, t: Translator, team_id: int) -> None:
    actor = require_actor(update, ctx)
    settings = await ctx.services.meetings.timing(actor, team_id)
    quiet, _ = await ctx.services.quiet.get(actor, team_id)
    lines = [
        "<b>" + t._("Meeting reminders and agenda") + "</b>",
        *timing_lines(t, settings),
        quiet_line(t, quiet),
    ]
    if not settings.custom:
        lines.append("<i>" + t._("(the defaults of the configuration)") + "</i>")
    rows: Rows = [
        [button("⏰ " + t._("Change reminders"), f"tt:r:{team_id}")],
        [button("📋 " + t._("Change the agenda lead time"), f"tt:l:{team_id}")],
        [button("✉ " + t._("Change when invitations go out"), f"tt:i:{team_id}")],
        [button("❔ " + t._("Change the still-solved question"), f"tt:s:{team_id}")],
        [button("🌙 " + t._("Change the quiet hours"), f"tt:q:{team_id}")],
    ]
    if settings.custom:
        rows.append([button("↺ " + t._("Back to the defaults"), f"tt:d:{team_id}")])
    rows.append([button("« " + t._("Back"), f"ts:t:{team_id}")])
    await show(update, "\n".join(lines), keyboard(rows))


@guarded
async def on_button(update: Update, ctx: BotContext) -> None:
    action, value = callback_args(update, "tt", 2)
    team_id = as_int(value)
    t = await ctx.tr(update)
    actor = require_actor(update, ctx)
    meetings = ctx.services.meetings
    match action:
        case "v":
            await _screen(update, ctx, t, team_id)
        case "d":
            await meetings.reset_timing(actor, team_id)
            await _screen(update, ctx, t, team_id)
        case "r" | "l" | "s" | "i" | "q":
            await meetings.timing(actor, team_id)
            steps = {"r": REMINDERS, "l": LEAD, "s": STILL_SOLVED, "i": INVITATION, "q": QUIET}
            step = steps[action]
            draft = await ctx.services.dialogues.start(
                actor.user_id, TEAM_TIMING, step, team_id=team_id
            )
            await _on_show(update, ctx, draft)
        case _:
            raise BadButton(action)


async def _on_show(update: Update, ctx: BotContext, draft: Draft, lead: str = "") -> None:
    t = await ctx.tr(update)
    step = draft.step
    question = {
        REMINDERS: t._(
            "How long before a meeting should reminders go out? Write one to four "
            "durations separated by commas, e.g. <i>24h, 1h</i> or "
            "<i>1 day, 30 minutes</i>."
        ),
        LEAD: t._(
            "How long before a meeting is the agenda frozen and sent? E.g. <i>48h</i> "
            "or <i>2 days 12 hours</i>."
        ),
        INVITATION: t._(
            "How long before each meeting of a series should its invitation go out? "
            "E.g. <i>7d</i> (1 to 60 days)."
        ),
        STILL_SOLVED: t._(
            "How long after a problem is solved should its reporter be asked whether it "
            "still is? E.g. <i>28 days</i> or <i>4 weeks</i> (1 to 182 days)."
        ),
        QUIET: t._(
            "From when until when should the team's nights be quiet? E.g. "
            "<i>20:00–7:00</i>. Task reminders, escalations, still-solved questions and "
            "news of problems that are not acute then wait for the morning; meeting "
            "invitations and reminders go out at once."
        ),
    }[step]
    await show(update, lead_in(lead, question), keyboard([nav_row(t, step=step)]))


async def _on_text(update: Update, ctx: BotContext, draft: Draft) -> None:
    t = await ctx.tr(update)
    actor = require_actor(update, ctx)
    assert draft.team_id is not None
    message = update.effective_message
    text = message.text if message is not None else ""
    meetings = ctx.services.meetings
    if draft.step == QUIET:
        await ctx.services.quiet.set_text(actor, draft.team_id, text or "")
    elif draft.step == REMINDERS:
        try:
            await meetings.set_timing_text(actor, draft.team_id, reminders=text or "")
        except InvalidInput as error:
            if error.problem is InputProblem.TOO_LONG:  # a count of reminders, not characters
                raise InvalidInput(InputProblem.TOO_MANY_REMINDERS, limit=error.limit) from error
            raise
    elif draft.step == INVITATION:
        await meetings.set_timing_text(actor, draft.team_id, invitation=text or "")
    elif draft.step == STILL_SOLVED:
        await meetings.set_timing_text(actor, draft.team_id, still_solved=text or "")
    else:
        await meetings.set_timing_text(actor, draft.team_id, lead=text or "")
    await ctx.services.dialogues.finish(actor.user_id)
    await _screen(update, ctx, t, draft.team_id)


async def _on_back(update: Update, ctx: BotContext, draft: Draft) -> None:
    await ctx.services.dialogues.finish(draft.user_id)
    assert draft.team_id is not None
    await _screen(update, ctx, await ctx.tr(update), draft.team_id)


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_dialogue(
        TEAM_TIMING, DialogueSteps(on_text=_on_text, on_back=_on_back, on_show=_on_show)
    )
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^tt:"))
