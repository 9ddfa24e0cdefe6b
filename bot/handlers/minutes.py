"""``/minutes``: after (or during) a meeting the coordinator marks who is present and steps
through the agenda: discussed / solved / carry over / new task / accept proposal / note. Finishing
applies the outcomes and sends the minutes (text + PDF) to every member.

Callback data ``mn:<action>:<meeting>[:<position>[:<value>]]``, numbers and short codes only;
the service re-checks the coordinator role and that the minutes are still open at every press.
"""

from __future__ import annotations

from datetime import datetime

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.domain.agenda import Section
from bot.domain.minutes import Minutes, Outcome
from bot.domain.models import Draft
from bot.handlers.common import (
    BadButton,
    Rows,
    as_int,
    button,
    guarded,
    keyboard,
    lead_in,
    nav_row,
    require_actor,
    show,
)
from bot.handlers.context import BotContext
from bot.handlers.dialogue import DialogueSteps, checked_text, register_dialogue
from bot.handlers.guests import guests_button
from bot.i18n import Translator
from bot.rendering.agenda import SECTION_TITLES, entry_text, task_item
from bot.rendering.minutes import outcome_name
from bot.rendering.problems import escape
from bot.services.dialogues import MINUTES_NOTE, TASK
from bot.services.minutes import allowed_outcomes

_CODES = {
    "d": Outcome.DISCUSSED,
    "s": Outcome.SOLVED,
    "c": Outcome.CARRIED,
    "k": Outcome.DONE,
}
_LABELS = {
    Outcome.DISCUSSED: "💬 ",
    Outcome.SOLVED: "✅ ",
    Outcome.CARRIED: "⏭ ",
    Outcome.DONE: "✅ ",
}


@guarded
async def on_minutes(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    teams = await ctx.services.minutes.teams(actor)
    if not teams:
        await show(update, t._("There are no teams yet."))
        return
    if len(teams) > 1:
        rows = [[button(team.name, f"mn:t:{team.id}")] for team in teams]
        rows.append([button("✖ " + t._("Cancel"), "mn:c:0")])
        await show(update, t._("Minutes of which team?"), keyboard(rows))
        return
    await _team(update, ctx, t, teams[0].id)


async def _team(update: Update, ctx: BotContext, t: Translator, team_id: int) -> None:
    actor = require_actor(update, ctx)
    meeting_id = await ctx.services.minutes.meeting_to_minute(actor, team_id)
    if meeting_id is None:
        await show(
            update,
            t._(
                "There is no meeting to write minutes for: minutes can be started from an hour "
                "before a scheduled meeting."
            ),
        )
        return
    minutes = await ctx.services.minutes.start(actor, meeting_id)
    await _attendance(update, t, minutes)


async def _attendance(update: Update, t: Translator, minutes: Minutes) -> None:
    meeting_id = minutes.meeting.id
    rows: Rows = [
        [
            button(
                ("✅ " if m.user_id in minutes.present else "▫ ") + m.display_name,
                f"mn:p:{meeting_id}:{m.user_id}:{0 if m.user_id in minutes.present else 1}",
            )
        ]
        for m in minutes.members[:60]
    ]
    first = _first_position(minutes)
    rows.append(guests_button(t, meeting_id, "n", len(minutes.guests)))
    rows.append([button(t._("Continue to the agenda") + " ▶", f"mn:i:{meeting_id}:{first}")])
    rows.append([button("✖ " + t._("Cancel"), f"mn:x:{meeting_id}")])
    text = t._(
        "Minutes of {when}. Who is present? (Tap to change; those who said they would come "
        "are marked.)",
        when=t.datetime(minutes.meeting.starts_at),
    )
    await show(update, text, keyboard(rows))


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _item_screen(
    t: Translator, minutes: Minutes, index: int, now_text: str, now: datetime
) -> tuple[str, Rows]:
    meeting_id = minutes.meeting.id
    if not minutes.items:
        return t._("The agenda is empty."), [[button("🏁 " + t._("Finish"), f"mn:f:{meeting_id}")]]
    index = min(max(index, 0), len(minutes.items) - 1)
    item = minutes.items[index]
    pos = item.position
    lines = [
        t._("Item {n} of {total}", n=item.entry.number, total=minutes.items[-1].entry.number),
        "<b>" + escape(now_text) + "</b>",
        t._("Outcome: {outcome}", outcome=outcome_name(t, item.outcome)),
    ]
    if item.entry.section is Section.CLOSED:
        lines.insert(1, "🔒 " + t._(SECTION_TITLES[Section.CLOSED]))
    if item.outcome is Outcome.ACCEPTED and item.proposal is not None:
        lines.append(t._("Proposal to accept: {text}", text=escape(_short(item.proposal.text))))
    if item.note:
        lines.append(t._("Note: {note}", note=escape(item.note)))
    if item.tasks:
        lines.append(t._("Tasks agreed here (given out when the minutes are finished):"))
        lines += ["• " + escape(task_item(t, task, now)) for task in item.tasks]
    allowed = allowed_outcomes(item.entry)
    outcome_buttons = [
        button(_LABELS[outcome] + outcome_name(t, outcome), f"mn:o:{meeting_id}:{pos}:{code}")
        for code, outcome in _CODES.items()
        if outcome in allowed
    ]
    rows: Rows = [outcome_buttons[i : i + 2] for i in range(0, len(outcome_buttons), 2)]
    extra = []
    if Outcome.TASK in allowed and item.entry.problem is not None:
        extra.append(button("📌 " + t._("New task"), f"mn:k:{meeting_id}:{pos}"))
    if Outcome.ACCEPTED in allowed and item.entry.problem and item.entry.problem.open_proposals:
        extra.append(button("💡 " + t._("Accept a proposal"), f"mn:a:{meeting_id}:{pos}"))
    extra.append(button("📝 " + t._("Note"), f"mn:n:{meeting_id}:{pos}"))
    rows.append(extra)
    for task in item.tasks[:8]:
        label = "✖ " + t._("Withdraw the task: {text}", text=_short(task.text, 24))
        rows.append([button(label, f"mn:x:{meeting_id}:{task.id}")])
    nav = []
    if index > 0:
        nav.append(button("«", f"mn:i:{meeting_id}:{minutes.items[index - 1].position}"))
    if index < len(minutes.items) - 1:
        nav.append(button("»", f"mn:i:{meeting_id}:{minutes.items[index + 1].position}"))
    nav.append(button("🏁 " + t._("Finish"), f"mn:f:{meeting_id}"))
    rows.append(nav)
    return "\n".join(lines), rows


async def _show_item(
    update: Update, ctx: BotContext, t: Translator, minutes: Minutes, index: int
) -> None:
    now = ctx.services.minutes.clock.now()
    index = min(max(index, 0), max(len(minutes.items) - 1, 0))
    label = entry_text(t, minutes.items[index].entry, now) if minutes.items else ""
    text, rows = _item_screen(t, minutes, index, label, now)
    await show(update, text, keyboard(rows))


def _first_position(minutes: Minutes) -> int:
    return minutes.items[0].position if minutes.items else 0


def _index_of(minutes: Minutes, position: int) -> int:
    for index, item in enumerate(minutes.items):
        if item.position == position:
            return index
    raise BadButton(position)


@guarded
async def on_button(update: Update, ctx: BotContext) -> None:
    query = update.callback_query
    parts = (query.data or "").split(":") if query else []
    if not 3 <= len(parts) <= 5 or parts[0] != "mn":
        raise BadButton(parts)
    action, meeting_id = parts[1], as_int(parts[2])
    args = parts[3:]
    t = await ctx.tr(update)
    actor = require_actor(update, ctx)
    service = ctx.services.minutes
    match action, len(args):
        case "t", 0:
            await _team(update, ctx, t, meeting_id)  # here the number is a team
        case "c", 0:  # ✖ on the team picker: nothing was started
            await show(update, t._("Cancelled."))
        case "x", 0:  # ✖ on the attendance: closed; what was marked stays for /minutes
            await service.get(actor, meeting_id)  # may this person still write them?
            await show(
                update,
                t._(
                    "Closed. What you have marked so far is kept; /minutes continues the "
                    "minutes."
                ),
            )
        case "w", 0:  # back to the attendance
            await _attendance(update, t, await service.get(actor, meeting_id))
        case "p", 2:  # the press says what it wants: present (1) or absent (0)
            if args[1] not in ("0", "1"):
                raise BadButton(args[1])
            minutes = await service.set_present(
                actor, meeting_id, as_int(args[0]), present=args[1] == "1"
            )
            await _attendance(update, t, minutes)
        case "p", 1:  # a button from before presses carried their state: show it afresh
            await _attendance(update, t, await service.get(actor, meeting_id))
        case "i", 1:  # an item by its position on the agenda
            minutes = await service.get(actor, meeting_id)
            index = _index_of(minutes, as_int(args[0])) if minutes.items else 0
            await _show_item(update, ctx, t, minutes, index)
        case "o", 2:
            outcome = _CODES.get(args[1])
            if outcome is None:
                raise BadButton(args[1])
            minutes = await service.set_outcome(actor, meeting_id, as_int(args[0]), outcome)
            await _show_item(update, ctx, t, minutes, _index_of(minutes, as_int(args[0])) + 1)
        case "a", 1:
            proposals = await service.proposals(actor, meeting_id, as_int(args[0]))
            rows: Rows = [
                [button(f"💡 {p.text[:40]}", f"mn:y:{meeting_id}:{args[0]}:{p.id}")]
                for p in proposals[:8]
            ]
            rows.append([button("« " + t._("Back"), f"mn:i:{meeting_id}:{args[0]}")])
            lines = [t._("Which proposal does the team accept?")]
            lines += [f"• {escape(p.text)}" for p in proposals[:8]]
            await show(update, "\n".join(lines), keyboard(rows))
        case "y", 2:
            minutes = await service.accept_proposal(
                actor, meeting_id, as_int(args[0]), as_int(args[1])
            )
            await _show_item(update, ctx, t, minutes, _index_of(minutes, as_int(args[0])) + 1)
        case "n", 1:
            minutes = await service.get(actor, meeting_id)
            _index_of(minutes, as_int(args[0]))
            await ctx.services.dialogues.start(
                actor.user_id,
                MINUTES_NOTE,
                "note",
                team_id=minutes.meeting.team_id,
                data={"meeting_id": meeting_id, "position": as_int(args[0])},
            )
            await show(
                update, t._("Write the note for this item."), keyboard([nav_row(t, back=False)])
            )
        case "k", 1:
            minutes = await service.get(actor, meeting_id)
            item = minutes.items[_index_of(minutes, as_int(args[0]))]
            if item.entry.problem is None:
                raise BadButton("task without a problem")
            await ctx.services.dialogues.start(
                actor.user_id,
                TASK,
                "what",
                team_id=minutes.meeting.team_id,
                data={
                    "problem_id": item.entry.problem.id,
                    "meeting_id": meeting_id,
                    "position": item.position,
                },
            )
            await show(
                update,
                t._("New task for #{n}: what is to be done?", n=item.entry.problem.id),
                keyboard([nav_row(t, back=False)]),
            )
        case "x", 1:  # withdraw a task agreed while minuting
            minutes, position = await service.remove_task(actor, meeting_id, as_int(args[0]))
            await _show_item(update, ctx, t, minutes, _index_of(minutes, position))
        case "f", 0:
            minutes = await service.get(actor, meeting_id)
            dealt = sum(item.outcome is not None for item in minutes.items)
            text = t._(
                "Finish the minutes? {dealt} of {total} items have an outcome; the others stay "
                "open for the next agenda. {present} present. The outcomes, accepted proposals "
                "and tasks take effect when you save.",
                dealt=dealt,
                total=len(minutes.items),
                present=len(minutes.present),
            )
            rows = [
                [button("✅ " + t._("Save and send the minutes"), f"mn:F:{meeting_id}")],
                [button("« " + t._("Back"), f"mn:i:{meeting_id}:{_first_position(minutes)}")],
            ]
            await show(update, text, keyboard(rows))
        case "F", 0:
            await service.finish(actor, meeting_id)
            await show(
                update, "✅ " + t._("The minutes are saved and on their way to every member.")
            )
        case _:
            raise BadButton(action)


async def _on_note(update: Update, ctx: BotContext, draft: Draft) -> None:
    t = await ctx.tr(update)
    meeting_id, position = draft.data.get("meeting_id"), draft.data.get("position")
    if not isinstance(meeting_id, int) or not isinstance(position, int):
        raise BadButton("draft")
    message = update.effective_message
    actor = require_actor(update, ctx)
    typed = await checked_text(update, ctx, draft, message.text if message else None)
    if typed is None:  # held back by the personal-data warning
        return
    await ctx.services.minutes.set_note(actor, meeting_id, position, typed)
    await ctx.services.dialogues.finish(actor.user_id)
    minutes = await ctx.services.minutes.get(actor, meeting_id)
    await _show_item(update, ctx, t, minutes, _index_of(minutes, position))


async def _on_note_show(update: Update, ctx: BotContext, draft: Draft, lead: str) -> None:
    t = await ctx.tr(update)
    question = t._("Write the note for this item.")
    await show(update, lead_in(lead, question), keyboard([nav_row(t, back=False)]))


async def _on_note_back(update: Update, ctx: BotContext, draft: Draft) -> None:
    t = await ctx.tr(update)
    await show(update, t._("Write the note for this item."))


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_dialogue(
        MINUTES_NOTE,
        DialogueSteps(on_text=_on_note, on_back=_on_note_back, on_show=_on_note_show),
    )
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("minutes", on_minutes, filters=private))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^mn:"))
