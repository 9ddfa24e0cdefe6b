"""``/meeting``: a team's upcoming meetings; coordinators schedule, move, re-place and cancel
them; everyone answers přijdu / nepřijdu / možná.

Scheduling is a dialogue: when (typed in Czech, echoed back for confirmation) → place →
recurrence → preview → save. Moving asks "when" (and, in a series, this meeting only or the
whole series from it on), re-placing only "where"; every step has Back and Cancel. Callback data
carries numbers only (``mt:v:12``); every press re-checks the person's role in the team.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.domain.meetings import LAST, Answer, Recurrence, RecurrenceRule
from bot.domain.models import Draft
from bot.handlers.common import (
    BadButton,
    Rows,
    answer_query,
    as_int,
    button,
    callback_args,
    edit_buttons,
    guarded,
    keyboard,
    nav_row,
    require_actor,
    show,
)
from bot.handlers.context import BotContext
from bot.handlers.dialogue import (
    DialogueSteps,
    checked_text,
    current_draft,
    register_dialogue,
    stale_press,
)
from bot.handlers.guests import guests_button
from bot.i18n import Translator
from bot.rendering.calendar import ics_filename, meeting_ics
from bot.rendering.meetings import (
    answer_label,
    attendance_text,
    capitalised,
    date_problem_text,
    meeting_button_label,
    recurrence_text,
    when_where,
)
from bot.rendering.problems import escape
from bot.scheduling.dates import DateParseError, parse_moment
from bot.scheduling.recurrence import monthly_position
from bot.services.dialogues import MEETING
from bot.services.errors import AlreadyDone, NotAllowed
from bot.services.meetings import MEETING_LENGTH, MeetingView, SeriesAhead, clean_place

WHEN, CONFIRM, PLACE, REPEAT, PREVIEW = "when", "confirm", "place", "repeat", "preview"
SCOPE = "scope"  # moving a meeting of a series: this one only, or the series from it on
NEW, MOVE, REPLACE = "new", "move", "place"
_PREVIOUS = {CONFIRM: WHEN, PLACE: WHEN, REPEAT: PLACE, PREVIEW: REPEAT, SCOPE: CONFIRM}
_REPEATS = ("none", "w1", "w2", "w4", "m")


# --- overview and detail -------------------------------------------------------------------


@guarded
async def on_meeting(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    teams = await ctx.services.meetings.my_teams(actor)
    if not teams:
        await show(update, t._("There are no teams yet."))
    elif len(teams) == 1:
        await _team_overview(update, ctx, t, teams[0].id)
    else:
        rows = [[button(team.name, f"mt:t:{team.id}")] for team in teams]
        rows.append([button("✖ " + t._("Cancel"), "mt:c:0")])
        await show(update, t._("Meetings of which team?"), keyboard(rows))


async def _team_overview(update: Update, ctx: BotContext, t: Translator, team_id: int) -> None:
    actor = require_actor(update, ctx)
    meetings = await ctx.services.meetings.upcoming(actor, team_id)
    name = await ctx.services.teams.name_of(team_id) or "?"
    manage = team_id in await _manageable(ctx, update)
    ahead = await ctx.services.meetings.series_ahead(actor, team_id)
    lines = ["📅 <b>" + t._("Meetings of the team {team}", team=escape(name)) + "</b>"]
    if not meetings and not ahead:
        lines.append(t._("No meeting is planned."))
    elif meetings:
        lines.append(t._("Pick a meeting to see it or answer whether you will come."))
    for item in ahead:
        lines += ["", *series_ahead_lines(t, item)]
    rows: Rows = [[button(meeting_button_label(t, m), f"mt:v:{m.id}")] for m in meetings]
    if manage:
        rows += [
            [button("✖ " + t._("Cancel the series"), f"mt:xr:{item.series.id}")] for item in ahead
        ]
        rows.append([button("➕ " + t._("Schedule a meeting"), f"mt:n:{team_id}")])
    await show(update, "\n".join(lines), keyboard(rows))


async def _manageable(ctx: BotContext, update: Update) -> list[int]:
    try:
        teams = await ctx.services.meetings.teams_to_manage(require_actor(update, ctx))
    except NotAllowed:  # an ordinary member (NotMember included)
        return []
    return [team.id for team in teams]


def series_ahead_lines(t: Translator, item: SeriesAhead) -> list[str]:
    """A series between two occurrences: its rule and place, its next meeting and when that
    one's invitations go out."""
    return [
        "🔁 "
        + capitalised(recurrence_text(t, item.series.recurrence))
        + " · "
        + escape(item.place),
        t._(
            "Next meeting of the series: {when} — invitations go out on {date}",
            when=t.datetime(item.next_at),
            date=t.date(item.invite_at),
        ),
    ]


def _detail_text(t: Translator, view: MeetingView) -> str:
    lines = [
        "<b>" + t._("Team meeting") + "</b>",
        *when_where(t, view.meeting, view.team.name),
        "🔁 " + recurrence_text(t, view.recurrence),
        t._("Your answer: {answer}", answer=answer_label(t, view.my_answer)),
    ]
    slot = view.meeting.occurrence_at
    if view.recurrence is not None and slot is not None and slot != view.meeting.starts_at:
        lines.insert(-1, t._("(this meeting only, moved from {when})", when=t.datetime(slot)))
    return "\n".join(lines)


def answer_row(t: Translator, meeting_id: int, chosen: Answer | None) -> list[InlineKeyboardButton]:
    labels = {
        Answer.YES: t._("I will come"),
        Answer.NO: t._("I will not"),
        Answer.MAYBE: t._("Maybe"),
    }
    return [
        button(("✓ " if answer is chosen else "") + label, f"ma:{meeting_id}:{answer.value}")
        for answer, label in labels.items()
    ]


def _detail_rows(t: Translator, view: MeetingView) -> Rows:
    meeting_id = view.meeting.id
    rows: Rows = [answer_row(t, meeting_id, view.my_answer)]
    rows.append([button("📎 " + t._("Calendar file (.ics)"), f"mt:i:{meeting_id}")])
    if view.may_manage:
        rows.append([button("👥 " + t._("Who is coming"), f"mt:a:{meeting_id}")])
        rows.append(guests_button(t, meeting_id, "m"))
        rows.append(
            [
                button("🕑 " + t._("Change time"), f"mt:m:{meeting_id}"),
                button("📍 " + t._("Change place"), f"mt:p:{meeting_id}"),
            ]
        )
        rows.append([button("✖ " + t._("Cancel the meeting"), f"mt:x:{meeting_id}")])
    rows.append([button("« " + t._("All meetings"), f"mt:t:{view.team.id}")])
    return rows


async def _show_detail(update: Update, ctx: BotContext, t: Translator, meeting_id: int) -> None:
    view = await ctx.services.meetings.view(require_actor(update, ctx), meeting_id)
    await show(update, _detail_text(t, view), keyboard(_detail_rows(t, view)))


@guarded
async def on_button(update: Update, ctx: BotContext) -> None:
    action, value = callback_args(update, "mt", 2)
    t = await ctx.tr(update)
    actor = require_actor(update, ctx)
    number = as_int(value)
    meetings = ctx.services.meetings
    match action:
        case "c":  # the team picker: it goes
            await show(update, t._("Cancelled."))
        case "t":
            await _team_overview(update, ctx, t, number)
        case "v":
            await _show_detail(update, ctx, t, number)
        case "i":
            view = await meetings.view(actor, number)
            await _send_ics(update, ctx, t, view)
        case "a":
            meeting, lines = await meetings.attendance(actor, number)
            text = "\n".join(
                [
                    "<b>" + t._("Who is coming") + "</b> · " + t.datetime(meeting.starts_at),
                    *lines_or_none(t, attendance_text(t, lines)),
                ]
            )
            await show(update, text, keyboard([[button("« " + t._("Back"), f"mt:v:{number}")]]))
        case "n":
            await _start(update, ctx, t, NEW, team_id=number)
        case "m" | "p":
            view = await meetings.view(actor, number)
            if not view.may_manage:
                raise BadButton("not a coordinator")
            mode = MOVE if action == "m" else REPLACE
            await _start(
                update,
                ctx,
                t,
                mode,
                team_id=view.team.id,
                meeting_id=number,
                in_series=view.recurrence is not None,
            )
        case "x":
            view = await meetings.view(actor, number)
            if not view.may_manage:
                raise BadButton("not a coordinator")
            rows: Rows = [[button(t._("Cancel this meeting"), f"mt:xo:{number}")]]
            if view.recurrence is not None:
                rows.append([button(t._("Cancel the whole series"), f"mt:xs:{number}")])
            rows.append([button("« " + t._("Back"), f"mt:v:{number}")])
            text = _detail_text(t, view) + "\n\n" + t._("Cancel it? Everyone will be told.")
            await show(update, text, keyboard(rows))
        case "xr":  # a series with no occurrence planned: ask first
            found = [
                i
                for team in await _manageable(ctx, update)
                for i in await meetings.series_ahead(actor, team)
                if i.series.id == number
            ]
            item = found[0] if found else None
            if item is None:
                raise BadButton("no such series to cancel")
            text = "\n".join(
                [
                    *series_ahead_lines(t, item),
                    "",
                    t._("Cancel the whole series? Nothing more of it is planned."),
                ]
            )
            rows = [
                [button("✖ " + t._("Cancel the whole series"), f"mt:xrs:{number}")],
                [button("« " + t._("Back"), f"mt:t:{item.series.team_id}")],
            ]
            await show(update, text, keyboard(rows))
        case "xrs":
            series = await meetings.end_series(actor, number)
            await show(
                update,
                "✖ " + t._("The series is cancelled; no more meetings of it are planned."),
                keyboard([[button("« " + t._("All meetings"), f"mt:t:{series.team_id}")]]),
            )
        case "xo" | "xs":
            meeting = await meetings.cancel(actor, number, whole_series=action == "xs")
            await show(
                update,
                "✖ "
                + t._(
                    "The meeting of {when} is cancelled; everyone is being told.",
                    when=t.datetime(meeting.starts_at),
                ),
            )
        case _:
            raise BadButton(action)


def lines_or_none(t: Translator, lines: list[str]) -> list[str]:
    return lines or [t._("The team has no members yet.")]


async def _send_ics(update: Update, ctx: BotContext, t: Translator, view: MeetingView) -> None:
    data = meeting_ics(
        view.meeting,
        t._("MDT meeting — {team}", team=view.team.name),
        t._("Meeting of the multidisciplinary team {team}.", team=view.team.name),
        ctx.services.meetings.clock.now(),
        MEETING_LENGTH,
    )
    chat = update.effective_chat
    if chat is not None:
        await update.get_bot().send_document(
            chat.id, document=data, filename=ics_filename(view.meeting)
        )


@guarded
async def on_answer(update: Update, ctx: BotContext) -> None:
    meeting_id, value = callback_args(update, "ma", 2)
    try:
        answer = Answer(value)
    except ValueError:
        raise BadButton(value) from None
    t = await ctx.tr(update)
    actor = require_actor(update, ctx)
    meeting = await ctx.services.meetings.answer(actor, as_int(meeting_id), answer)
    query = update.callback_query
    assert query is not None
    await answer_query(ctx, query, t._("Noted: {answer}", answer=answer_label(t, answer)))
    message = query.message
    if message is None or not hasattr(message, "reply_markup") or not message.reply_markup:
        return
    current = message.reply_markup
    if any(
        (b.callback_data or "").startswith("mt:i:") for row in current.inline_keyboard for b in row
    ):
        # the meeting's detail: the whole screen again ("your answer" is in its text); an
        # unchanged screen (a repeated press) is not edited
        view = await ctx.services.meetings.view(actor, meeting.id)
        await show(update, _detail_text(t, view), keyboard(_detail_rows(t, view)))
        return
    rows = [
        answer_row(t, meeting.id, answer)
        if any((b.callback_data or "").startswith("ma:") for b in row)
        else list(row)
        for row in current.inline_keyboard
    ]
    markup = keyboard(rows)
    if markup is None:
        return
    await edit_buttons(update, markup)  # nothing if a double tap shows this answer already


# --- the scheduling dialogue ---------------------------------------------------------------


async def _start(
    update: Update,
    ctx: BotContext,
    t: Translator,
    mode: str,
    *,
    team_id: int,
    meeting_id: int | None = None,
    in_series: bool = False,
) -> None:
    actor = require_actor(update, ctx)
    if mode == NEW and team_id not in await _manageable(ctx, update):
        raise BadButton("not a coordinator")
    draft = await ctx.services.dialogues.start(
        actor.user_id,
        MEETING,
        PLACE if mode == REPLACE else WHEN,
        team_id=team_id,
        data={
            "mode": mode,
            "meeting_id": meeting_id,
            "in_series": in_series,
            # carried by the final buttons: a repeated press shows what the first one made
            "press": secrets.token_hex(4),
        },
    )
    await _prompt(update, t, draft)


def _zone(ctx: BotContext) -> ZoneInfo:
    return ctx.bot_data.settings.tz


def _starts_at(draft: Draft) -> datetime:
    value = draft.data.get("starts_at")
    if not isinstance(value, str):
        raise BadButton("no time yet")
    return datetime.fromisoformat(value)


def _recurrence(draft: Draft, zone: ZoneInfo) -> Recurrence | None:
    choice = draft.data.get("repeat", "none")
    if choice == "none":
        return None
    local = _starts_at(draft).astimezone(zone)
    if choice in ("w1", "w2", "w4"):
        return Recurrence(
            rule=RecurrenceRule.WEEKLY,
            every_weeks=int(choice[1:]),
            weekday=local.weekday(),
            local_time=local.time().replace(tzinfo=None),
        )
    if choice == "m":
        position = monthly_position(local.date())
        return Recurrence(
            rule=RecurrenceRule.MONTHLY,
            nth=LAST if position == 5 else position,
            weekday=local.weekday(),
            local_time=local.time().replace(tzinfo=None),
        )
    raise BadButton(str(choice))


async def _prompt(update: Update, t: Translator, draft: Draft, note: str = "") -> None:
    text, rows = _question(t, draft)
    await show(update, (note + "\n\n" if note else "") + text, keyboard(rows))


def _back_step(draft: Draft) -> str | None:
    """Where Back leads; moving and re-placing a meeting are one question only."""
    if draft.data.get("mode") == REPLACE:
        return PLACE if draft.step == SCOPE else None
    return _PREVIOUS.get(draft.step)


def _question(t: Translator, draft: Draft) -> tuple[str, Rows]:
    nav = nav_row(t)  # every step: Back (the first one leaves to where it began) and Cancel
    match draft.step:
        case "when":
            return (
                t._(
                    "When is the meeting? Write the date and time, e.g. <i>15.12. 14:00</i>, "
                    "<i>15. 12. 2026 14:00</i>, <i>zítra 9:30</i> or <i>příští úterý 10:00</i>."
                ),
                [nav],
            )
        case "confirm":
            starts_at = _starts_at(draft)
            text = t._("I understood: <b>{when}</b>. Is that right?", when=t.datetime(starts_at))
            if draft.data.get("ambiguous"):
                text += "\n" + t._(
                    "(That night the clocks go back and {time} happens twice; "
                    "I take the first one, in summer time.)",
                    time=t.time(starts_at),
                )
            rows: Rows = [
                [
                    button("✅ " + t._("Yes"), f"mg:ok:{_press(draft)}"),
                    button("✏ " + t._("No, again"), "mg:again"),
                ],
                nav,
            ]
            return text, rows
        case "scope" if draft.data.get("mode") == REPLACE:
            text = t._(
                "Change the place to <b>{place}</b> only for this meeting, or for the whole "
                "series from this meeting on?",
                place=escape(str(draft.data.get("place", ""))),
            )
            return text, [
                [button(t._("Only this meeting"), f"mg:s:one:{_press(draft)}")],
                [button(t._("The whole series"), f"mg:s:all:{_press(draft)}")],
                nav,
            ]
        case "scope":
            text = t._(
                "Move to <b>{when}</b> only this meeting, or the whole series from this meeting "
                "on?",
                when=t.datetime(_starts_at(draft)),
            )
            return text, [
                [button(t._("Only this meeting"), f"mg:s:one:{_press(draft)}")],
                [button(t._("The whole series"), f"mg:s:all:{_press(draft)}")],
                nav,
            ]
        case "place":
            return t._("Where is the meeting? (e.g. <i>ÚMOb Poruba, room 214</i>)"), [nav]
        case "repeat":
            return t._("Does the meeting repeat?"), [
                *[[button(label, f"mg:r:{key}")] for key, label in _repeat_labels(t, draft)],
                nav,
            ]
        case "preview":
            return _preview(t, draft), [
                [button("✅ " + t._("Schedule and invite everyone"), f"mg:save:{_press(draft)}")],
                nav,
            ]
    raise BadButton(draft.step)


def _press(draft: Draft) -> str:
    return str(draft.data.get("press", ""))


def _repeat_labels(t: Translator, draft: Draft) -> list[tuple[str, str]]:
    local = _starts_at(draft).astimezone(t.timezone)  # the weekday people see, not UTC's
    weekday = local.weekday()
    labels = [("none", t._("No, one-off"))]
    for key, weeks in (("w1", 1), ("w2", 2), ("w4", 4)):
        rec = Recurrence(
            rule=RecurrenceRule.WEEKLY, every_weeks=weeks, weekday=weekday, local_time=local.time()
        )
        labels.append((key, capitalised(recurrence_text(t, rec))))
    position = monthly_position(local.date())
    monthly = Recurrence(
        rule=RecurrenceRule.MONTHLY,
        nth=LAST if position == 5 else position,
        weekday=weekday,
        local_time=local.time(),
    )
    labels.append(("m", capitalised(recurrence_text(t, monthly))))
    return labels


def _preview(t: Translator, draft: Draft) -> str:
    starts_at = _starts_at(draft)
    lines = [
        "<b>" + t._("New meeting") + "</b>",
        "🗓 <b>" + t.datetime(starts_at) + "</b>",
        "📍 " + escape(str(draft.data.get("place", ""))),
    ]
    recurrence = draft.data.get("repeat", "none")
    label = dict(_repeat_labels(t, draft)).get(str(recurrence), "")
    lines.append("🔁 " + label)
    lines.append("")
    lines.append(t._("Every member gets an invitation with a calendar file and reminders."))
    return "\n".join(lines)


async def _on_show(update: Update, ctx: BotContext, draft: Draft, lead: str) -> None:
    await _prompt(update, await ctx.tr(update), draft, lead)


async def _on_text(update: Update, ctx: BotContext, draft: Draft) -> None:
    t = await ctx.tr(update)
    message = update.effective_message
    text = message.text if message is not None else None
    match draft.step:
        case "when":
            now = ctx.services.meetings.clock.now()
            try:
                moment = parse_moment(text or "", now, _zone(ctx))
            except DateParseError as error:
                await show(update, date_problem_text(t, error.problem), keyboard([nav_row(t)]))
                return
            draft = await ctx.services.dialogues.advance(
                draft, CONFIRM, starts_at=moment.utc.isoformat(), ambiguous=moment.ambiguous
            )
            await _prompt(update, t, draft)
        case "place":
            # streets and squares are named after people: there only numbers and addresses
            typed = await checked_text(update, ctx, draft, text, names=False)
            if typed is None:  # held back by the personal-data warning
                return
            place = clean_place(typed)
            if draft.data.get("mode") == REPLACE and draft.data.get("in_series"):
                draft = await ctx.services.dialogues.advance(draft, SCOPE, place=place)
                await _prompt(update, t, draft)
                return
            if draft.data.get("mode") == REPLACE:
                await _finish(
                    update,
                    ctx,
                    t,
                    draft.model_copy(update={"data": {**draft.data, "place": place}}),
                )
                return
            draft = await ctx.services.dialogues.advance(draft, REPEAT, place=place)
            await _prompt(update, t, draft)
        case _:
            await _prompt(update, t, draft, t._("Please use the buttons."))


async def _on_back(update: Update, ctx: BotContext, draft: Draft) -> None:
    t = await ctx.tr(update)
    previous = _back_step(draft)
    if previous is None:  # the first question: back to the meeting or the team's meetings
        await ctx.services.dialogues.finish(draft.user_id)
        meeting_id = draft.data.get("meeting_id")
        if isinstance(meeting_id, int):
            await _show_detail(update, ctx, t, meeting_id)
        elif draft.team_id is not None:
            await _team_overview(update, ctx, t, draft.team_id)
        return
    draft = await ctx.services.dialogues.advance(draft, previous)
    await _prompt(update, t, draft)


@guarded
async def on_dialogue_button(update: Update, ctx: BotContext) -> None:
    query = update.callback_query
    data = query.data if query is not None else None
    t = await ctx.tr(update)
    parts = (data or "").split(":")[1:]
    final = {"ok": 2, "save": 2, "s": 3}  # the final buttons: their parts, token last
    press = parts[-1] if parts and final.get(parts[0]) == len(parts) else None
    if press and await _shown_made(update, ctx, t, press):
        return
    draft = await current_draft(update, ctx)
    if draft is None or draft.kind != MEETING or (press is not None and press != _press(draft)):
        # ended, or a button of an abandoned dialogue (or the first press finished meanwhile)
        if press and await _shown_made(update, ctx, t, press):
            return
        if draft is not None and draft.kind == MEETING:
            await stale_press(update, ctx, draft, MEETING)
        raise BadButton(data)
    match parts[:-1] if press is not None else parts, draft.step:
        case ["ok"], "confirm":
            starts_at = _starts_at(draft)
            ctx.services.meetings.check_start(starts_at)
            if draft.data.get("mode") == MOVE:
                if draft.data.get("in_series"):
                    draft = await ctx.services.dialogues.advance(draft, SCOPE)
                    await _prompt(update, t, draft)
                    return
                await _finish(update, ctx, t, draft)
                return
            draft = await ctx.services.dialogues.advance(draft, PLACE)
        case ["s", scope], "scope" if scope in ("one", "all"):
            if draft.data.get("mode") != REPLACE:
                ctx.services.meetings.check_start(_starts_at(draft))
            chosen = {**draft.data, "whole_series": scope == "all"}
            draft = draft.model_copy(update={"data": chosen})
            await _finish(update, ctx, t, draft)
            return
        case ["again"], "confirm":
            draft = await ctx.services.dialogues.advance(draft, WHEN)
        case ["r", choice], "repeat" if choice in _REPEATS:
            draft = await ctx.services.dialogues.advance(draft, PREVIEW, repeat=choice)
        case ["save"], "preview":
            await _finish(update, ctx, t, draft)
            return
        case _:  # a button of another step: pressed twice, scrolled up or redelivered
            await stale_press(update, ctx, draft, MEETING)
    await _prompt(update, t, draft)


async def _shown_made(update: Update, ctx: BotContext, t: Translator, press: str) -> bool:
    """A final button pressed again (or late): show the meeting its first press made, as
    that press showed it; False if it made none."""
    made = await ctx.services.meetings.made_by_press(require_actor(update, ctx), press)
    if made is None:
        return False
    action, meeting_id = made
    modes = {"meeting.schedule": NEW, "meeting.move": MOVE, "meeting.place": REPLACE}
    note = _done_note(t, modes.get(action, MOVE))
    view = await ctx.services.meetings.view(require_actor(update, ctx), meeting_id)
    await show(update, note + "\n\n" + _detail_text(t, view), keyboard(_detail_rows(t, view)))
    return True


async def _finish(update: Update, ctx: BotContext, t: Translator, draft: Draft) -> None:
    actor = require_actor(update, ctx)
    meetings = ctx.services.meetings
    mode = draft.data.get("mode")
    meeting_id = draft.data.get("meeting_id")
    press = _press(draft) or None
    whole_series = draft.data.get("whole_series") is True
    try:
        if mode == NEW:
            assert draft.team_id is not None
            meeting = await meetings.schedule(
                actor,
                draft.team_id,
                _starts_at(draft),
                str(draft.data.get("place", "")),
                _recurrence(draft, _zone(ctx)),
                press=press,
            )
        elif mode == MOVE and isinstance(meeting_id, int):
            meeting = await meetings.move(
                actor, meeting_id, _starts_at(draft), whole_series=whole_series, press=press
            )
        elif mode == REPLACE and isinstance(meeting_id, int):
            place = str(draft.data.get("place"))
            meeting = await meetings.change_place(
                actor, meeting_id, place, whole_series=whole_series, press=press
            )
        else:
            raise BadButton(str(mode))
    except AlreadyDone:  # the dialogue ended or began again while this press waited
        if press and await _shown_made(update, ctx, t, press):
            return
        await stale_press(update, ctx, await current_draft(update, ctx), MEETING)
        raise
    if press is None:  # else the service ended the dialogue with the change
        await ctx.services.dialogues.finish(actor.user_id)
    view = await meetings.view(actor, meeting.id)
    note = _done_note(t, str(mode))
    await show(update, note + "\n\n" + _detail_text(t, view), keyboard(_detail_rows(t, view)))


def _done_note(t: Translator, mode: str) -> str:
    if mode == NEW:
        return t._("✅ The meeting is scheduled; invitations are on their way.")
    if mode == MOVE:
        return t._("✅ The meeting is moved; everyone is being told.")
    return t._("✅ The place is changed; everyone is being told.")


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_dialogue(MEETING, DialogueSteps(on_text=_on_text, on_back=_on_back, on_show=_on_show))
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("meeting", on_meeting, filters=private))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^mt:"))
    app.add_handler(CallbackQueryHandler(on_answer, pattern=r"^ma:"))
    app.add_handler(CallbackQueryHandler(on_dialogue_button, pattern=r"^mg:"))
