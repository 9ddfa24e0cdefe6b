"""The minutes (zápis) as Telegram HTML lines and as a printable PDF."""

from __future__ import annotations

from datetime import datetime

from bot.domain.agenda import Section
from bot.domain.minutes import Minutes, Outcome
from bot.domain.tasks import Task
from bot.i18n import N_, Translator
from bot.rendering.agenda import SECTION_TITLES, entry_text, numbered, task_item
from bot.rendering.pdf import Block, Style, html_lines, render_pdf

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


def minutes_pdf(t: Translator, minutes: Minutes, tasks: list[Task], now: datetime) -> bytes:
    blocks = minutes_blocks(t, minutes, tasks, now)
    return render_pdf(blocks[0].text, blocks)


def minutes_filename(minutes: Minutes) -> str:
    return f"zapis-{minutes.meeting.local_start:%Y-%m-%d}.pdf"
