"""The agenda as Telegram HTML lines (split safely over messages) and as the printed "Program
jednání" (PDF and DOCX, in the style of ``bot.rendering.document``)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.agenda import (
    Agenda,
    AgendaEntry,
    AgendaPapers,
    AgendaProblem,
    ProblemPaper,
    Section,
)
from bot.domain.problems import Urgency
from bot.domain.tasks import Task, TaskStatus
from bot.i18n import N_, Translator
from bot.rendering import document as doc
from bot.rendering.labels import org_type_name
from bot.rendering.pdf import Block, Style, html_lines
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


def agenda_document(
    t: Translator, papers: AgendaPapers, now: datetime, *, with_closed: bool | None = None
) -> doc.Document:
    """The printed agenda: title block (team, the meeting's number in the year, date, time,
    place), the sections in the official order and numbering, each problem with its locality,
    category, urgency, age, status, the reporter's organisation, a two-line excerpt of the
    description, open proposals with their support and unfinished tasks. The closed part
    (coordinators only) starts on its own page, and only in a coordinator's copy."""
    agenda = papers.agenda
    meeting = agenda.meeting
    b = doc.Builder(t, team=doc.team_label(t, agenda.team_name), title=t._("Agenda"), created=now)
    b.title_block(
        subtitle=doc.meeting_heading(t, agenda.team_name, papers.number, meeting),
        fields=doc.meeting_fields(t, meeting),
    )
    if agenda.frozen_at is None:
        b.paragraph(t._("Draft: it may still change."), muted=True)
    for section in SECTION_TITLES:
        entries = agenda.section(section)
        if not entries:
            continue
        if section is Section.CLOSED:
            b.closed_part(t._(SECTION_TITLES[section]), t._("This part is not in members' copies."))
        else:
            b.heading(t._(SECTION_TITLES[section]))
        for entry in entries:
            _document_item(t, b, entry, papers, now)
    if not agenda.entries:
        b.paragraph(
            t._("Nothing is on the agenda yet.")
            if agenda.frozen_at is None
            else t._("There is nothing on the agenda.")
        )
    document = b.build()
    keep = papers.coordinator if with_closed is None else with_closed and papers.coordinator
    return document if keep else document.members_copy()


def _document_item(
    t: Translator, b: doc.Builder, entry: AgendaEntry, papers: AgendaPapers, now: datetime
) -> None:
    number = f"{entry.number}."
    if entry.problem is not None:
        problem = entry.problem
        paper = papers.problems.get(problem.id)
        title = t._("Problem #{n} — {locality}", n=problem.id, locality=problem.locality)
        facts = [
            category_name(t, problem.category),
            urgency_name(t, problem.urgency),
            age(t, problem.created_at, now),
            status_name(t, problem.status),
        ]
        if problem.coordinators_only and entry.section is not Section.CLOSED:
            facts.insert(0, t._("coordinators only"))
        if paper is None:
            b.item(number, title, [" · ".join(facts)])
            return
        b.item(
            number,
            title,
            [" · ".join(facts)],
            doc.excerpt(paper.description),
            _paper_lines(t, paper, now, _task_items(papers)),
        )
    elif entry.task is not None:
        task = entry.task
        b.item(number, t._("Task: {text}", text=task.text), [task_facts(t, task, now)])
    elif entry.topic is not None:
        b.item(number, entry.topic.text)


def _task_items(papers: AgendaPapers) -> dict[int, int]:
    """Tasks that are items of their own (due or overdue): task id -> item number."""
    return {e.task.id: e.number for e in papers.agenda.entries if e.task is not None}


def _paper_lines(
    t: Translator, paper: ProblemPaper, now: datetime, items: dict[int, int]
) -> list[str]:
    lines = []
    org = paper.reporter_org or (
        org_type_name(t, paper.reporter_org_type) if paper.reporter_org_type else None
    )
    if org:
        lines.append(t._("Reported by: {org}", org=org))
    for proposal in paper.proposals:
        parts = [
            t._("Proposal: {text}", text=proposal.text),
            t.n_("{n} supporter", "{n} supporters", proposal.support),
        ]
        if proposal.responsible is not None:
            parts.append(t._("responsible: {org}", org=org_type_name(t, proposal.responsible)))
        lines.append(" · ".join(parts))
    for task in paper.tasks:
        facts = (
            t._("see item {n}", n=items[task.id]) if task.id in items else task_facts(t, task, now)
        )
        lines.append(t._("Task: {text}", text=task.text) + " · " + facts)
    return lines


def task_facts(t: Translator, task: Task, now: datetime) -> str:
    """``Odpovídá: Jan Novák, MP Ostrava · Termín: 15. 12. 2026 · po termínu · k problému #12``"""
    owner = ", ".join(x for x in (task.owner_name, task.owner_org) if x)
    parts = [t._("Responsible: {who}", who=owner)] if owner else []
    parts.append(t._("Deadline: {date}", date=t.date(task.deadline)))
    if task.status is TaskStatus.BLOCKED:
        parts.append(t._("blocked"))
    elif task.deadline <= now:
        parts.append(t._("overdue"))
    if task.problem_id is not None:
        parts.append(t._("on problem #{n}", n=task.problem_id))
    return " · ".join(parts)


def agenda_filename(agenda: Agenda, ext: str = "pdf") -> str:
    return doc.filename("program", agenda.meeting.local_start, ext)
