"""The minutes (zápis) as Telegram HTML lines, and the zápis as a document (Zápis z jednání) in
the shared template of ``bot/rendering/document.py``: PDF to print and sign, DOCX to edit."""

from __future__ import annotations

from datetime import datetime

from bot.domain.agenda import Section
from bot.domain.minutes import Attendee, Minutes, MinutesItem, Outcome, Zapis, carried
from bot.domain.problems import Urgency
from bot.domain.tasks import Task
from bot.i18n import N_, Translator
from bot.rendering import document as doc
from bot.rendering.agenda import SECTION_TITLES, entry_text, numbered, task_item
from bot.rendering.labels import former_member, org_type_name
from bot.rendering.pdf import Block, Style, html_lines
from bot.rendering.problems import category_name, urgency_name

OUTCOME_NAMES = {
    Outcome.DISCUSSED: N_("discussed"),
    Outcome.SOLVED: N_("solved"),
    Outcome.CARRIED: N_("carried over to the next meeting"),
    Outcome.TASK: N_("task agreed"),
    Outcome.ACCEPTED: N_("proposal accepted"),
    Outcome.DONE: N_("task done"),
}


def outcome_name(t: Translator, outcome: Outcome | None) -> str:
    return t._(OUTCOME_NAMES[outcome]) if outcome else t._("not dealt with")


def minutes_blocks(
    t: Translator, minutes: Minutes, tasks: list[Task], now: datetime
) -> list[Block]:
    meeting = minutes.meeting
    present = [m for m in minutes.members if m.user_id in minutes.present]
    absent = [m for m in minutes.members if m.user_id not in minutes.present]

    def names(people: list) -> str:  # type: ignore[type-arg]
        return ", ".join(f"{p.display_name} ({p.org_name})" for p in people) or "—"

    blocks = [
        Block(
            Style.TITLE, t._("Minutes of the meeting of the team {team}", team=minutes.team_name)
        ),
        Block(Style.META, t.datetime(meeting.starts_at) + " · " + meeting.place),
        Block(Style.HEADING, t._("Present ({n})", n=len(present))),
        Block(Style.ITEM, names(present)),
        Block(Style.HEADING, t._("Absent ({n})", n=len(absent))),
        Block(Style.ITEM, names(absent)),
    ]
    if minutes.guests:
        guests = ", ".join(g.name + (f" ({g.org})" if g.org else "") for g in minutes.guests)
        blocks += [
            Block(Style.HEADING, t._("Guests ({n})", n=len(minutes.guests))),
            Block(Style.ITEM, guests),
        ]
    blocks += [
        Block(Style.HEADING, t._("Items and decisions")),
    ]
    closed_heading = False
    for item in minutes.items:
        if item.entry.section is Section.CLOSED and not closed_heading:
            blocks.append(Block(Style.HEADING, t._(SECTION_TITLES[Section.CLOSED])))
            closed_heading = True
        text = entry_text(t, item.entry, now) + " — " + outcome_name(t, item.outcome)
        blocks.append(Block(Style.ITEM, numbered(item.entry.number, text)))
        if item.outcome is Outcome.ACCEPTED and item.proposal is not None:
            blocks.append(
                Block(Style.NOTE, t._("Accepted proposal: {text}", text=item.proposal.text))
            )
        if item.note:
            blocks.append(Block(Style.NOTE, t._("Note: {note}", note=item.note)))
    if not minutes.items:
        blocks.append(Block(Style.NOTE, t._("The agenda was empty.")))
    blocks.append(Block(Style.HEADING, t._("Tasks agreed")))
    blocks += [Block(Style.ITEM, "• " + task_item(t, task, now)) for task in tasks]
    if not tasks:
        blocks.append(Block(Style.NOTE, t._("No new tasks.")))
    return blocks


def minutes_lines(t: Translator, minutes: Minutes, tasks: list[Task], now: datetime) -> list[str]:
    return html_lines(minutes_blocks(t, minutes, tasks, now), "📝")


# --- the zápis as a document ------------------------------------------------------------------


def zapis_document(t: Translator, zapis: Zapis) -> doc.Document:
    """Zápis z jednání: header (team, number in the year, date, time, place), attendance,
    program, the course of the meeting item by item, resolutions and tasks as a table, items
    carried over, the next meeting, signatures; a coordinator's copy ends with the closed part
    on its own pages (a members' copy has none)."""
    meeting = zapis.meeting
    when = meeting.starts_at
    b = doc.Builder(t, team=doc.team_label(t, zapis.team_name), title=t._("Minutes of the meeting"))
    b.title_block(
        subtitle=doc.meeting_heading(t, zapis.team_name, zapis.number, meeting),
        fields=doc.meeting_fields(t, meeting),
    )
    b.heading(t._("Attendance"))
    b.paragraph(
        t._("Present ({n}): {names}", n=len(zapis.present), names=_people(t, zapis.present))
    )
    b.paragraph(
        t._("Excused ({n}): {names}", n=len(zapis.excused), names=_people(t, zapis.excused))
    )
    b.paragraph(t._("Absent ({n}): {names}", n=len(zapis.absent), names=_people(t, zapis.absent)))
    b.paragraph(t._("Guests ({n}): {names}", n=len(zapis.guests), names=_guests(t, zapis)))
    _part(t, b, zapis.items, zapis.tasks, when)
    b.heading(t._("Next meeting"))
    following = zapis.next_meeting
    if following is None:
        b.paragraph(t._("Not scheduled yet."))
    else:
        b.paragraph(t.datetime(following.starts_at) + " · " + following.place)
    recorder = zapis.recorded_by
    recorded = _person(t, recorder, with_org=False) if recorder is not None else ""
    b.signatures([(t._("Recorded by"), recorded), (t._("Verified by"), "")])
    if zapis.full and (zapis.closed_items or zapis.closed_tasks):
        b.closed_part(
            t._(SECTION_TITLES[Section.CLOSED]),
            t._(
                "These pages are for the coordinators only: they are not in the members' copy "
                "and are not to be handed out."
            ),
        )
        _part(t, b, zapis.closed_items, zapis.closed_tasks, when)
    return b.build()


def _part(
    t: Translator, b: doc.Builder, items: list[MinutesItem], tasks: list[Task], when: datetime
) -> None:
    """Program, course of the meeting, resolutions and tasks, items carried over: of the open
    part or of the closed part."""
    b.heading(t._("Program"))
    if not items:
        b.paragraph(t._("The agenda was empty."), muted=True)
    for item in items:
        b.item(f"{item.entry.number}.", _title(t, item, when))
    if items:
        b.heading(t._("Course of the meeting"))
    for item in items:
        lines = [t._("Discussion: {note}", note=item.note)] if item.note else []
        lines.append(t._("Outcome: {outcome}", outcome=outcome_name(t, item.outcome)))
        if item.outcome is Outcome.ACCEPTED and item.proposal is not None:
            lines.append(t._("Accepted proposal: {text}", text=item.proposal.text))
        lines += [
            t._(
                "Task: {text} — {owner}, by {date}",
                text=task.text,
                owner=_owner(task) or "—",
                date=t.date(task.deadline),
            )
            for task in tasks
            if item.entry.problem is not None and task.problem_id == item.entry.problem.id
        ]
        b.item(
            f"{item.entry.number}.",
            _title(t, item, when),
            lines=lines,
        )
    b.heading(t._("Resolutions and tasks"))
    numbers = {i.entry.problem.id: i.entry.number for i in items if i.entry.problem is not None}
    #: (item number, order within the item, the row): decisions first, then the item's tasks
    found: list[tuple[int, int, tuple[str, str, str, str]]] = []
    for item in items:
        number = item.entry.number
        if item.outcome is Outcome.ACCEPTED and item.proposal is not None:
            responsible = item.proposal.responsible
            text = t._("Proposal accepted: {text}", text=item.proposal.text)
            who = org_type_name(t, responsible) if responsible else "—"
            found.append((number, 0, (f"{number}.", text, who, "—")))
        elif item.outcome is Outcome.SOLVED and item.entry.problem is not None:
            text = t._("Problem #{n} is solved.", n=item.entry.problem.id)
            found.append((number, 0, (f"{number}.", text, "—", "—")))
    for task in tasks:
        number = numbers.get(task.problem_id, 0) if task.problem_id is not None else 0
        row = (
            f"{number}." if number else "—",
            task.text,
            _owner(task) or "—",
            t.date(task.deadline),
        )
        found.append((number, 1, row))
    rows = [row for _n, _o, row in sorted(found, key=lambda x: (x[0], x[1]))]
    if rows:
        b.table(
            [
                doc.Column(t._("Item"), 0.6, "C"),
                doc.Column(t._("Resolution or task"), 5),
                doc.Column(t._("Responsible"), 2.6),
                doc.Column(t._("Deadline"), 1.6),
            ],
            rows,
        )
    else:
        b.paragraph(t._("No resolutions or tasks."), muted=True)
    b.heading(t._("Carried over to the next meeting"))
    left = carried(items)
    for item in left:
        b.item(
            f"{item.entry.number}.", _title(t, item, when), lines=[outcome_name(t, item.outcome)]
        )
    if not left:
        b.paragraph(t._("Nothing; every item was dealt with."), muted=True)


def _title(t: Translator, item: MinutesItem, when: datetime) -> str:
    """``Problém #12 · Zárubecká 12 · návykové látky · vysoká``: what the item was about, without
    an age or a status that would be today's, not the meeting's."""
    problem = item.entry.problem
    if problem is None:
        return entry_text(t, item.entry, when)
    parts = [
        t._("Problem #{n}", n=problem.id),
        problem.locality,
        category_name(t, problem.category),
    ]
    if problem.urgency is not Urgency.NORMAL:
        parts.append(urgency_name(t, problem.urgency))
    return " · ".join(parts)


def _owner(task: Task) -> str:
    return ", ".join(x for x in (task.owner_name, task.owner_org) if x)


def _person(t: Translator, person: Attendee, *, with_org: bool = True) -> str:
    """``Jan Novák (Charita Ostrava)``; a former member as "bývalý člen (Policie ČR)"."""
    if not person.name:
        return former_member(t, person.org_type)
    return f"{person.name} ({person.org})" if with_org and person.org else person.name


def _people(t: Translator, people: list[Attendee]) -> str:
    return ", ".join(_person(t, p) for p in people) or "—"


def _guests(t: Translator, zapis: Zapis) -> str:
    """Guests by organisation: "MP Ostrava: Jana Nová, Petr Malý; Kurátorka: …"."""
    by_org: dict[str, list[str]] = {}
    for guest in zapis.guests:
        by_org.setdefault(guest.org or t._("without an organisation"), []).append(guest.name)
    return "; ".join(f"{org}: {', '.join(names)}" for org, names in by_org.items()) or "—"


def zapis_pdf(t: Translator, zapis: Zapis) -> bytes:
    return doc.to_pdf(zapis_document(t, zapis))


def zapis_docx(t: Translator, zapis: Zapis) -> bytes:
    return doc.to_docx(zapis_document(t, zapis))


def zapis_filename(zapis: Zapis, ext: str) -> str:
    """``zapis-2026-12-15.pdf``."""
    return doc.filename("zapis", zapis.meeting.local_start, ext)
