"""``/agenda``: the next meeting's agenda (draft or frozen) any time, as text and PDF (for
coordinators also as an editable DOCX, and the attendance sheet to print); before it is frozen a
coordinator removes and restores problems, moves them up and adds topics.

Callback data: ``ag:<action>:<meeting>[:<object>]``, numbers only; every press re-reads the
meeting and re-checks the role (the service refuses edits once the agenda is frozen).
"""

from __future__ import annotations

import asyncio
import itertools

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.domain.agenda import Agenda, Section
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
    send_file,
    send_long,
    show,
)
from bot.handlers.context import BotContext
from bot.handlers.dialogue import DialogueSteps, checked_text, register_dialogue
from bot.i18n import N_, Translator
from bot.rendering.agenda import agenda_document, agenda_filename, agenda_lines
from bot.rendering.attendance import attendance_document, attendance_filename
from bot.rendering.document import to_docx, to_pdf
from bot.rendering.problems import escape
from bot.services.dialogues import AGENDA_TOPIC

PAGE = 8


@guarded
async def on_agenda(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    teams = await ctx.services.agenda.teams(actor)
    if len(teams) == 1:
        await _team_agenda(update, ctx, t, teams[0][0])
    elif not teams:
        await show(update, t._("There are no teams yet."))
    else:
        rows = [[button(name, f"ag:t:{team_id}")] for team_id, name in teams]
        rows.append([button("✖ " + t._("Cancel"), "ag:c:0")])
        await show(update, t._("The agenda of which team?"), keyboard(rows))


async def _team_agenda(update: Update, ctx: BotContext, t: Translator, team_id: int) -> None:
    actor = require_actor(update, ctx)
    meeting = await ctx.services.agenda.next_meeting(actor, team_id)
    ahead = await ctx.services.meetings.series_ahead(actor, team_id) if meeting is None else []
    if ahead:  # a series between two meetings: when its next one is
        first = min(ahead, key=lambda item: item.next_at)
        await show(
            update,
            t._(
                "The next meeting of the series is {when}; its agenda is compiled before it "
                "(invitations go out on {date}).",
                when=t.datetime(first.next_at),
                date=t.date(first.invite_at),
            ),
        )
        return
    if meeting is None:
        await show(
            update,
            t._(
                "No meeting is planned, so there is no agenda yet. "
                "A coordinator plans one with /meeting."
            ),
        )
        return
    await _show_agenda(update, ctx, t, meeting.id)


async def _show_agenda(update: Update, ctx: BotContext, t: Translator, meeting_id: int) -> None:
    papers = await ctx.services.agenda.papers(require_actor(update, ctx), meeting_id)
    agenda = papers.agenda
    rows: Rows = [[button("📄 " + t._("PDF for printing"), f"ag:p:{meeting_id}")]]
    if papers.coordinator:
        rows[0].append(button("📝 " + t._("DOCX to edit"), f"ag:w:{meeting_id}"))
        rows.append([button("🖊 " + t._("Attendance sheet"), f"ag:s:{meeting_id}")])
    if papers.coordinator and agenda.frozen_at is None:
        rows.insert(0, [button("✏ " + t._("Edit the agenda"), f"ag:e:{meeting_id}:0")])
    now = ctx.services.agenda.clock.now()
    await send_long(update, agenda_lines(t, agenda, now), keyboard(rows))


async def _send_document(
    update: Update, ctx: BotContext, t: Translator, meeting_id: int, kind: str
) -> None:
    """``p``: the agenda as PDF (the reader's copy); ``w``: as DOCX, ``s``: the attendance
    sheet (coordinators only: the service refuses others)."""
    actor = require_actor(update, ctx)
    agendas = ctx.services.agenda
    now = agendas.clock.now()
    chat = update.effective_chat
    if kind == "s":
        papers = await agendas.attendance_sheet(actor, meeting_id)
        data = await asyncio.to_thread(to_pdf, attendance_document(t, papers, now))
        name = attendance_filename(papers)
    else:
        papers = await agendas.papers(actor, meeting_id)
        if kind == "w" and not papers.coordinator:
            raise BadButton("docx for a member")
        document = agenda_document(t, papers, now)
        if kind == "w":
            data = await asyncio.to_thread(to_docx, document)
            name = agenda_filename(papers.agenda, "docx")
        else:
            data = await asyncio.to_thread(to_pdf, document)
            name = agenda_filename(papers.agenda)
    if chat is not None:
        await send_file(update, ctx, chat.id, data, name)


def _edit_screen(t: Translator, agenda: Agenda, page: int) -> tuple[str, Rows]:
    meeting_id = agenda.meeting.id
    problems = [e for e in agenda.entries if e.problem is not None]
    topics = [e for e in agenda.entries if e.topic is not None]
    pages = max(1, (len(problems) + PAGE - 1) // PAGE)
    page = min(max(page, 0), pages - 1)
    rows: Rows = []
    above: dict[int, int] = {}  # problem -> the problem right above it in its section
    for before, after in itertools.pairwise(problems):
        if before.section is after.section:
            assert before.problem is not None and after.problem is not None
            above[after.problem.id] = before.problem.id
    for entry in problems[page * PAGE : (page + 1) * PAGE]:
        assert entry.problem is not None
        number = entry.problem.id
        row = [button(f"✖ #{number}", f"ag:r:{meeting_id}:{number}")]
        if number in above:  # the first of a section cannot go higher
            row.insert(0, button(f"⬆ #{number}", f"ag:u:{meeting_id}:{number}:{above[number]}"))
        rows.append(row)
    if pages > 1:
        nav = []
        if page > 0:
            nav.append(button("«", f"ag:e:{meeting_id}:{page - 1}"))
        nav.append(button(f"{page + 1}/{pages}", f"ag:e:{meeting_id}:{page}"))
        if page < pages - 1:
            nav.append(button("»", f"ag:e:{meeting_id}:{page + 1}"))
        rows.append(nav)
    for entry in topics:
        assert entry.topic is not None
        label = entry.topic.text if len(entry.topic.text) <= 30 else entry.topic.text[:29] + "…"
        rows.append([button("✖ " + label, f"ag:x:{meeting_id}:{entry.topic.id}")])
    rows.append([button("➕ " + t._("Add a topic"), f"ag:a:{meeting_id}")])
    rows.append([button("↩ " + t._("Removed problems"), f"ag:z:{meeting_id}")])
    rows.append([button("✅ " + t._("Done"), f"ag:v:{meeting_id}")])
    text = t._(
        "Editing the agenda of {when}: ⬆ moves a problem up within its section, ✖ removes it "
        "(it stays open). Sections: {sections}.",
        when=t.datetime(agenda.meeting.starts_at),
        sections=", ".join(
            f"{sum(e.section is s for e in problems)}× {t._(_SHORT[s])}" for s in _SHORT
        ),
    )
    return text, rows


_SHORT = {
    Section.NEW: N_("new"),
    Section.DECISIONS: N_("waiting for a decision"),
    Section.OPEN: N_("other open"),
    Section.CLOSED: N_("coordinators only"),
}


@guarded
async def on_button(update: Update, ctx: BotContext) -> None:
    query = update.callback_query
    parts = (query.data or "").split(":") if query else []
    if len(parts) not in (3, 4, 5) or parts[0] != "ag":
        raise BadButton(parts)
    action, target = parts[1], as_int(parts[2])
    extra = as_int(parts[3]) if len(parts) >= 4 else None
    above = as_int(parts[4]) if len(parts) == 5 else None  # ⬆: the item it goes above
    t = await ctx.tr(update)
    actor = require_actor(update, ctx)
    agendas = ctx.services.agenda
    match action, extra:
        case "c", None:  # the team picker: it goes
            await show(update, t._("Cancelled."))
            return
        case "t", None:
            await _team_agenda(update, ctx, t, target)
            return
        case "v", None:
            await _show_agenda(update, ctx, t, target)
            return
        case ("p" | "w" | "s") as kind, None:
            await _send_document(update, ctx, t, target, kind)
            return
        case "e", int(page):
            pass
        case "u", int(problem_id) if above is not None:
            await agendas.move_above(actor, target, problem_id, above)
            page = 0
        case "u", int(_):  # a button from before presses carried their target: show afresh
            page = 0
        case "r", int(problem_id):
            await agendas.set_removed(actor, target, problem_id, True)
            page = 0
        case "b", int(problem_id):
            await agendas.set_removed(actor, target, problem_id, False)
            page = 0
        case "x", int(topic_id):
            await agendas.remove_topic(actor, target, topic_id)
            page = 0
        case "z", None:
            removed = await agendas.removed_problems(actor, target)
            rows: Rows = [[button(f"↩ #{n}", f"ag:b:{target}:{n}")] for n in removed[:40]]
            rows.append([button("« " + t._("Back"), f"ag:e:{target}:0")])
            text = t._("Removed from this agenda:") if removed else t._("Nothing was removed.")
            await show(update, text, keyboard(rows))
            return
        case "a", None:
            agenda, may_edit = await agendas.for_meeting(actor, target)
            if not may_edit:
                raise BadButton("not editable")
            await ctx.services.dialogues.start(
                actor.user_id,
                AGENDA_TOPIC,
                "topic",
                team_id=agenda.meeting.team_id,
                data={"meeting_id": target},
            )
            await show(
                update,
                t._("Write the topic to add (e.g. <i>Grant application 2027</i>)."),
                keyboard([nav_row(t, back=False)]),
            )
            return
        case _:
            raise BadButton(action)
    agenda, may_edit = await agendas.for_meeting(actor, target)
    if not may_edit:
        raise BadButton("not editable")
    text, rows = _edit_screen(t, agenda, page)
    await show(update, text, keyboard(rows))


async def _on_topic_text(update: Update, ctx: BotContext, draft: Draft) -> None:
    t = await ctx.tr(update)
    meeting_id = draft.data.get("meeting_id")
    if not isinstance(meeting_id, int):
        raise BadButton("draft")
    message = update.effective_message
    typed = await checked_text(update, ctx, draft, message.text if message else None)
    if typed is None:  # held back by the personal-data warning
        return
    topic = await ctx.services.agenda.add_topic(require_actor(update, ctx), meeting_id, typed)
    await ctx.services.dialogues.finish(draft.user_id)
    agenda, _ = await ctx.services.agenda.for_meeting(require_actor(update, ctx), meeting_id)
    text, rows = _edit_screen(t, agenda, 0)
    await show(
        update, t._("Added: {topic}", topic=escape(topic.text)) + "\n\n" + text, keyboard(rows)
    )


async def _on_topic_show(update: Update, ctx: BotContext, draft: Draft, lead: str) -> None:
    t = await ctx.tr(update)
    question = t._("Write the topic to add (e.g. <i>Grant application 2027</i>).")
    await show(update, lead_in(lead, question), keyboard([nav_row(t, back=False)]))


async def _on_topic_back(update: Update, ctx: BotContext, draft: Draft) -> None:
    t = await ctx.tr(update)
    await show(update, t._("Write the topic to add (e.g. <i>Grant application 2027</i>)."))


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_dialogue(
        AGENDA_TOPIC,
        DialogueSteps(on_text=_on_topic_text, on_back=_on_topic_back, on_show=_on_topic_show),
    )
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("agenda", on_agenda, filters=private))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^ag:"))
