"""The agenda as Telegram HTML lines (split safely over messages) and as a printable PDF."""

from __future__ import annotations

from datetime import datetime

from bot.domain.agenda import Agenda, AgendaEntry, AgendaProblem, Section
from bot.domain.problems import Urgency
from bot.domain.tasks import Task, TaskStatus
from bot.i18n import N_, Translator
from bot.rendering.pdf import Block, Style, html_lines, render_pdf
from bot.rendering.problems import age, category_name, status_name, urgency_name

SECTION_TITLES = {
    Section.TASKS: N_("Tasks due or overdue"),
    Section.NEW: N_("New problems since the last meeting"),
    Section.DECISIONS: N_("Proposals waiting for a decision"),
    Section.OPEN: N_("Other open problems (longest without progress first)"),
    Section.TOPICS: N_("Other topics"),
    Section.LATE: N_("Late additions"),
    Section.CLOSED: N_("Closed part — coordinators only"),
}


def problem_item(
    t: Translator, problem: AgendaProblem, now: datetime, *, marked: bool = True
) -> str:
    """``Problem #12 · Zárubecká 12 · drugs · acute · 5 days · new · 2 proposals (3 supporters)``:
    no emoji, so the printed agenda says the same as the message; the word keeps the problem's
    number apart from the item's. ``marked``: say "coordinators only" where it applies."""
    parts = [
        t._("Problem #{n}", n=problem.id),
        problem.locality,
        category_name(t, problem.category),
    ]
    if problem.urgency is not Urgency.NORMAL:
        parts.append(urgency_name(t, problem.urgency))
    parts += [age(t, problem.created_at, now), status_name(t, problem.status)]
    if problem.open_proposals:
        parts.append(
            t.n_("{n} proposal", "{n} proposals", problem.open_proposals)
            + " ("
            + t.n_("{n} supporter", "{n} supporters", problem.proposal_support)
            + ")"
        )
    text = " · ".join(parts)
    if problem.coordinators_only and marked:
        text = "[" + t._("coordinators only") + "] " + text
    return text


def task_item(t: Translator, task: Task, now: datetime) -> str:
    """``Task: text — Jan Novák (MP Ostrava) · by 15. 12. 2026 · overdue``"""
    owner = ", ".join(x for x in (task.owner_name, task.owner_org) if x)
    parts = [t._("Task: {text}", text=task.text) + (f" — {owner}" if owner else "")]
    parts.append(t._("by {date}", date=t.date(task.deadline)))
    if task.status is TaskStatus.BLOCKED:
        parts.append(t._("blocked"))
    elif task.deadline <= now:
        parts.append(t._("overdue"))
    if task.problem_id is not None:
        parts.append(f"#{task.problem_id}")
    return " · ".join(parts)


def entry_text(t: Translator, entry: AgendaEntry, now: datetime) -> str:
    if entry.problem is not None:
        return problem_item(t, entry.problem, now, marked=entry.section is not Section.CLOSED)
    if entry.task is not None:
        return task_item(t, entry.task, now)
    return entry.topic.text if entry.topic else ""


def numbered(number: int, text: str) -> str:
    """``3) Problem #12 · …``: the item's number in the official numbering."""
    return f"{number}) {text}"


def agenda_blocks(t: Translator, agenda: Agenda, now: datetime) -> list[Block]:
    """The agenda's content in plain text, section by section, items in the official numbering
    (a reader's copy leaves out what they may not see without renumbering)."""
    meeting = agenda.meeting
    blocks = [
        Block(Style.TITLE, t._("Agenda of the team {team}", team=agenda.team_name)),
        Block(Style.META, t.datetime(meeting.starts_at) + " · " + meeting.place),
    ]
    if agenda.frozen_at is None:
        blocks.append(Block(Style.NOTE, t._("Draft: it may still change.")))
    for section in SECTION_TITLES:
        entries = [e for e in agenda.entries if e.section is section]
        if not entries:
            continue
        blocks.append(Block(Style.HEADING, t._(SECTION_TITLES[section])))
        for entry in entries:
            blocks.append(Block(Style.ITEM, numbered(entry.number, entry_text(t, entry, now))))
    if not agenda.entries and agenda.frozen_at is None:
        blocks.append(Block(Style.NOTE, t._("Nothing is on the agenda yet.")))
    elif not agenda.entries:  # frozen and sent: final, no "yet"
        blocks.append(Block(Style.NOTE, t._("There is nothing on the agenda.")))
    return blocks


def agenda_lines(t: Translator, agenda: Agenda, now: datetime) -> list[str]:
    """Telegram HTML, one self-contained line per block."""
    return html_lines(agenda_blocks(t, agenda, now), "📋")


def agenda_pdf(t: Translator, agenda: Agenda, now: datetime) -> bytes:
    blocks = agenda_blocks(t, agenda, now)
    return render_pdf(blocks[0].text, blocks)


def agenda_filename(agenda: Agenda) -> str:
    return f"program-{agenda.meeting.local_start:%Y-%m-%d}.pdf"
