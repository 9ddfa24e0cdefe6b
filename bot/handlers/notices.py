"""Rendering the outbox's notices in the reader's language, at the moment they are sent.

Each renderer checks again that the reader may still see what the notice is about (a member
removed or a problem made confidential meanwhile gets nothing).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.config import Settings
from bot.domain.agenda import Agenda, AgendaPapers
from bot.domain.meetings import Answer, Meeting, MeetingStatus
from bot.domain.models import Role
from bot.domain.notices import Notice, mutable
from bot.domain.problems import Problem, ProposalStatus, Status
from bot.domain.tasks import TaskStatus
from bot.handlers.common import button, keyboard
from bot.handlers.meetings import answer_row
from bot.handlers.tasks import LIST_MAX, list_line, task_rows
from bot.i18n import Translator
from bot.rendering.agenda import agenda_document, agenda_filename, agenda_lines, task_item
from bot.rendering.attendance import attendance_document, attendance_filename
from bot.rendering.calendar import ics_filename, meeting_ics
from bot.rendering.digest import digest_lines
from bot.rendering.document import to_pdf
from bot.rendering.labels import former_member, org_type_name, role_name
from bot.rendering.meetings import recurrence_text, when_where
from bot.rendering.minutes import minutes_lines, zapis_filename, zapis_pdf
from bot.rendering.problems import (
    category_name,
    escape,
    headline,
    problem_facts,
    shorten,
    status_change_sentence,
)
from bot.rendering.split import split_lines
from bot.scheduling.outbox import Attachment, OutMessage, Renderer
from bot.services.authz import Action, Actor
from bot.services.container import Services
from bot.services.errors import ServiceError
from bot.services.meetings import MEETING_LENGTH, MeetingView
from bot.storage.outbox import OutboxItem

NoticeRenderer = Callable[[Services, Translator, OutboxItem], Awaitable[OutMessage | None]]
MultiRenderer = Callable[[Services, Translator, OutboxItem], Awaitable[list[OutMessage] | None]]


def renderer(services: Services, settings: Settings) -> Renderer:
    async def render(item: OutboxItem) -> list[OutMessage] | None:
        language = settings.language
        if item.user_id is not None:
            language = await services.users.language(item.user_id) or language
        t = Translator(language, settings.tz)
        notice = Notice(item.kind)
        if (
            item.user_id is not None
            and item.team_id is not None
            and mutable(notice)
            and await services.settings.is_muted(item.user_id, item.team_id)
        ):
            return None  # the reader muted the team (/settings)
        try:
            if notice in _MULTI_RENDERERS:
                return await _MULTI_RENDERERS[notice](services, t, item)
            message = await _RENDERERS[notice](services, t, item)
        except ServiceError:  # the reader may no longer see it
            return None
        return [message] if message is not None else None

    return render


def _reader(services: Services, item: OutboxItem) -> Actor:
    assert item.user_id is not None
    return Actor(user_id=item.user_id, is_admin=item.user_id in services.admins)


def _open_button(t: Translator, problem_id: int):  # type: ignore[no-untyped-def]
    return keyboard([[button(t._("Open #{n}", n=problem_id), f"pb:v:{problem_id}")]])


async def _visible_problem(services: Services, item: OutboxItem) -> Problem:
    access = await services.problems.access(
        _reader(services, item), int(item.payload["problem_id"]), Action.VIEW_TEAM
    )
    return access.problem


async def _problem_new(services: Services, t: Translator, item: OutboxItem) -> OutMessage | None:
    problem = await _visible_problem(services, item)
    team = await services.teams.name_of(problem.team_id)
    lines = [
        "🆕 <b>" + t._("New problem") + "</b> · " + headline(t, problem),
        *problem_facts(t, problem, team or ""),
        "",
        escape(shorten(problem.description)),
    ]
    return OutMessage("\n".join(lines), _open_button(t, problem.id))


async def _problem_group(services: Services, t: Translator, item: OutboxItem) -> OutMessage | None:
    problem = await services.problems.for_group_notice(
        int(item.payload["problem_id"]), item.chat_id
    )
    if problem is None:
        return None
    text = t._(
        "New problem #{n}, {locality} — {category}",
        n=problem.id,
        locality=escape(problem.locality),
        category=category_name(t, problem.category),
    )
    if problem.urgency.value == "acute":
        text = "🚨 " + t._("ACUTE") + " · " + text
    text += "\n" + t._("Details in a private chat with me: /problem {n}", n=problem.id)
    return OutMessage(text)


async def _problem_status(services: Services, t: Translator, item: OutboxItem) -> OutMessage | None:
    problem = await _visible_problem(services, item)
    status = Status(item.payload["status"])
    text = status_change_sentence(t, status, headline(t, problem))
    return OutMessage(text, _open_button(t, problem.id))


async def _problem_duplicate(
    services: Services, t: Translator, item: OutboxItem
) -> OutMessage | None:
    """The reporter learns the number of the original only if they may see it (a problem for
    coordinators only is never named)."""
    problem = await _visible_problem(services, item)
    original = int(item.payload["original_id"])
    try:
        await services.problems.access(_reader(services, item), original, Action.VIEW_TEAM)
    except ServiceError:
        text = t._(
            "Your problem {headline} was merged with another problem, which the coordinators "
            "handle.",
            headline=headline(t, problem),
        )
        return OutMessage(text, _open_button(t, problem.id))
    text = t._(
        "Your problem {headline} was marked a duplicate of #{m}; it is handled there now.",
        headline=headline(t, problem),
        m=original,
    )
    return OutMessage(text, _open_button(t, original))


async def _problem_moved(services: Services, t: Translator, item: OutboxItem) -> OutMessage | None:
    """The reporter may not belong to the new team: the notice says only the number and the
    team, with the problem's button when they can still open it."""
    number = int(item.payload["problem_id"])
    text = t._(
        "Your problem #{n} is handled by the team {team} now.",
        n=number,
        team=escape(str(item.payload["team"])),
    )
    try:
        await _visible_problem(services, item)
    except ServiceError:
        return OutMessage(text)
    return OutMessage(text, _open_button(t, number))


async def _problem_withdrawn(
    services: Services, t: Translator, item: OutboxItem
) -> OutMessage | None:
    problem = await _visible_problem(services, item)
    if problem.status is not Status.WITHDRAWN:
        return None
    text = "↩ " + t._(
        "The reporter withdrew problem {headline}; it is no longer on the lists or agendas.",
        headline=headline(t, problem),
    )
    return OutMessage(text, _open_button(t, problem.id))


async def _proposal_new(services: Services, t: Translator, item: OutboxItem) -> OutMessage | None:
    reader = _reader(services, item)
    proposal = await services.proposals.get(
        reader, int(item.payload["proposal_id"]), Action.VIEW_TEAM
    )
    if proposal.status is not ProposalStatus.OPEN and not item.payload.get("refresh"):
        return None  # (a redaction edits the delivered notice whatever the status)
    text = t._(
        "💡 New proposed solution for #{n} — {who}:",
        n=proposal.problem_id,
        who=escape(proposal.proposer_name or former_member(t, proposal.proposer_org_type)),
    )
    text += "\n" + escape(shorten(proposal.text))
    return OutMessage(text, _open_button(t, proposal.problem_id))


async def _proposal_decided(
    services: Services, t: Translator, item: OutboxItem
) -> OutMessage | None:
    reader = _reader(services, item)
    proposal = await services.proposals.get(
        reader, int(item.payload["proposal_id"]), Action.VIEW_TEAM
    )
    if proposal.status is ProposalStatus.ACCEPTED:
        text = "✅ " + t._("Your proposal for #{n} was accepted.", n=proposal.problem_id)
    elif proposal.status is ProposalStatus.REJECTED:
        text = "❌ " + t._("Your proposal for #{n} was rejected.", n=proposal.problem_id)
    else:
        return None
    if proposal.reason:
        text += "\n" + t._("Reason: {reason}", reason=escape(proposal.reason))
    text += "\n<i>" + escape(shorten(proposal.text, 300)) + "</i>"
    return OutMessage(text, _open_button(t, proposal.problem_id))


# --- meetings ------------------------------------------------------------------------------


async def _current_view(services: Services, item: OutboxItem) -> MeetingView | None:
    """The meeting as the reader may see it, if it is still the one the notice was about."""
    view = await services.meetings.view(_reader(services, item), int(item.payload["meeting_id"]))
    if view.meeting.starts_at != datetime.fromisoformat(item.payload["starts_at"]):
        return None  # moved since: a newer notice is on its way
    return view


def _late_note(t: Translator, item: OutboxItem) -> str:
    if not item.payload.get("late"):
        return ""
    return "\n<i>" + t._("(Sent late: the bot was not running at the planned time.)") + "</i>"


def _meeting_keyboard(t: Translator, view: MeetingView) -> InlineKeyboardMarkup | None:
    return keyboard(
        [
            answer_row(t, view.meeting.id, view.my_answer),
            [button(t._("Meeting details"), f"mt:v:{view.meeting.id}")],
        ]
    )


async def _meeting_invitation(
    services: Services, t: Translator, item: OutboxItem
) -> OutMessage | None:
    view = await _current_view(services, item)
    if view is None or view.meeting.status is not MeetingStatus.SCHEDULED:
        return None
    lines = [
        "📅 <b>" + t._("Invitation to a team meeting") + "</b>",
        *when_where(t, view.meeting, view.team.name),
        "🔁 " + recurrence_text(t, view.recurrence),
        "",
        t._("Will you come? The calendar file follows."),
    ]
    return OutMessage("\n".join(lines), _meeting_keyboard(t, view))


async def _meeting_calendar(
    services: Services, t: Translator, item: OutboxItem
) -> OutMessage | None:
    view = await services.meetings.view(_reader(services, item), int(item.payload["meeting_id"]))
    if view.meeting.sequence != int(item.payload.get("sequence", -1)):
        return None  # changed since: the newer file is on its way
    meeting = view.meeting
    data = meeting_ics(
        meeting,
        t._("MDT meeting — {team}", team=view.team.name),
        t._("Meeting of the multidisciplinary team {team}.", team=view.team.name),
        services.clock.now(),
        MEETING_LENGTH,
    )
    caption = t._("Calendar file: {when}", when=t.short_datetime(meeting.starts_at))
    if meeting.status is MeetingStatus.CANCELLED:
        caption = t._(
            "Cancelled in your calendar: {when}", when=t.short_datetime(meeting.starts_at)
        )
    return OutMessage(caption, document=Attachment(ics_filename(meeting), data))


async def _meeting_moved(services: Services, t: Translator, item: OutboxItem) -> OutMessage | None:
    view = await _current_view(services, item)
    if view is None or view.meeting.status is not MeetingStatus.SCHEDULED:
        return None
    lines = ["🕑 <b>" + t._("The team meeting has changed") + "</b>"]
    lines += when_where(t, view.meeting, view.team.name)
    if "place_before" in item.payload:
        lines += ["", _place_line(t, item, view.meeting)]
    if "before" in item.payload:
        lines += ["", _moved_line(t, item, view.meeting)]
        lines.append(t._("Please answer again whether you will come."))
    return OutMessage("\n".join(lines), _meeting_keyboard(t, view))


def _place_line(t: Translator, item: OutboxItem, meeting: Meeting) -> str:
    """The line "place: originally … → now …" of a notice about a new place."""
    return t._(
        "Place: originally {before} → now {after}",
        before=escape(str(item.payload["place_before"])),
        after=escape(meeting.place),
    )


def _moved_line(t: Translator, item: OutboxItem, meeting: Meeting) -> str:
    """The line "the meeting is moved: originally … → now …" of a notice about a new time."""
    before = datetime.fromisoformat(item.payload["before"])
    return t._(
        "The meeting is moved: originally {before} → now {after}",
        before=t.datetime(before),
        after=t.datetime(meeting.starts_at),
    )


async def _meeting_cancelled(
    services: Services, t: Translator, item: OutboxItem
) -> OutMessage | None:
    view = await services.meetings.view(_reader(services, item), int(item.payload["meeting_id"]))
    if view.meeting.status is not MeetingStatus.CANCELLED:
        return None
    text = "✖ <b>" + t._("The team meeting is cancelled") + "</b>\n"
    text += "\n".join(when_where(t, view.meeting, view.team.name))
    return OutMessage(text)


async def _meeting_group(services: Services, t: Translator, item: OutboxItem) -> OutMessage | None:
    found = await services.meetings.for_group(int(item.payload["meeting_id"]), item.chat_id)
    if found is None:
        return None
    meeting, team = found
    event = Notice(item.payload.get("event", Notice.MEETING_INVITATION))
    if event is Notice.MEETING_CANCELLED:
        if meeting.status is not MeetingStatus.CANCELLED:
            return None
        title = "✖ " + t._("The team meeting is cancelled")
    else:
        if (
            meeting.status is not MeetingStatus.SCHEDULED
            or meeting.starts_at != datetime.fromisoformat(item.payload["starts_at"])
        ):
            return None
        title = (
            "🕑 " + t._("The team meeting has changed")
            if event is Notice.MEETING_MOVED
            else "📅 " + t._("A team meeting is scheduled")
        )
    lines = ["<b>" + title + "</b>", *when_where(t, meeting, team.name)]
    if event is Notice.MEETING_MOVED and "before" in item.payload:
        lines.append(_moved_line(t, item, meeting))
    if event is Notice.MEETING_MOVED and "place_before" in item.payload:
        lines.append(_place_line(t, item, meeting))
    if meeting.status is MeetingStatus.SCHEDULED:
        lines.append(t._("Please answer in a private chat with me: /meeting"))
    return OutMessage("\n".join(lines))


async def _meeting_reminder(
    services: Services, t: Translator, item: OutboxItem
) -> OutMessage | None:
    view = await _current_view(services, item)
    if view is None or not _still_ahead(services, view.meeting) or view.my_answer is Answer.NO:
        return None
    lines = ["⏰ <b>" + t._("Reminder: team meeting") + "</b>"]
    lines += when_where(t, view.meeting, view.team.name)
    return OutMessage("\n".join(lines) + _late_note(t, item), _meeting_keyboard(t, view))


async def _meeting_group_reminder(
    services: Services, t: Translator, item: OutboxItem
) -> OutMessage | None:
    found = await services.meetings.for_group(int(item.payload["meeting_id"]), item.chat_id)
    if found is None:
        return None
    meeting, team = found
    if meeting.starts_at != datetime.fromisoformat(item.payload["starts_at"]):
        return None
    if not _still_ahead(services, meeting):
        return None
    lines = ["⏰ <b>" + t._("Reminder: team meeting") + "</b>", *when_where(t, meeting, team.name)]
    return OutMessage("\n".join(lines) + _late_note(t, item))


def _still_ahead(services: Services, meeting: Meeting) -> bool:
    return meeting.status is MeetingStatus.SCHEDULED and meeting.starts_at > services.clock.now()


async def _member_unreachable(
    services: Services, t: Translator, item: OutboxItem
) -> OutMessage | None:
    if item.team_id is None:
        return None
    team, member = await services.members.member(
        _reader(services, item), item.team_id, int(item.payload["member_id"])
    )
    text = "⚠ " + t._(
        "Messages to {name} ({team}) are not delivered: they have blocked the bot. "
        "Please reach them another way.",
        name=escape(member.display_name),
        team=escape(team.name),
    )
    return OutMessage(text)


async def _member_joined(services: Services, t: Translator, item: OutboxItem) -> OutMessage | None:
    """A new member, told to the inviter and the coordinators (unless they left again)."""
    if item.team_id is None:
        return None
    member_id = int(item.payload["member_id"])
    role = (await services.teams.roles_of(member_id)).get(item.team_id)
    user = await services.members.profile(member_id)
    if role is None or user is None or not user.has_profile:
        return None
    assert user.display_name and user.org_type and user.org_name
    text = t._(
        "New in the team {team}: {name} — {org_type}, {org}; role: {role}.",
        name=escape(user.display_name),
        org_type=escape(org_type_name(t, user.org_type)),
        org=escape(user.org_name),
        team=escape(await services.teams.name_of(item.team_id) or ""),
        role=role_name(t, role),
    )
    return OutMessage(text)


async def _role_changed(services: Services, t: Translator, item: OutboxItem) -> OutMessage | None:
    """Told to the member whose role changed, unless it changed again (or they left) since."""
    if item.team_id is None or item.user_id is None:
        return None
    role = Role(item.payload["role"])
    if (await services.teams.roles_of(item.user_id)).get(item.team_id) is not role:
        return None
    team = await services.teams.name_of(item.team_id)
    lines = [
        t._(
            "Your role in the team {team}: {role}", team=escape(team or ""), role=role_name(t, role)
        )
    ]
    if role is Role.COORDINATOR:
        lines.append(
            t._(
                "You can now manage the team's members (/members), meetings (/meeting) and "
                "settings (/team) and decide about problems. /help shows everything."
            )
        )
    else:
        lines.append(t._("You keep reporting and working on problems as before."))
    return OutMessage("\n".join(lines))


async def _no_coordinator(services: Services, t: Translator, item: OutboxItem) -> OutMessage | None:
    """To an administrator: a team lost its last coordinator (unless it has one again)."""
    if item.team_id is None:
        return None
    roster = await services.members.roster(_reader(services, item), item.team_id)
    if any(m.role is Role.COORDINATOR for m in roster.members):
        return None
    text = "⚠ " + t._(
        "The team {team} has no coordinator now. Until a new one joins, the administrators "
        "coordinate it: its coordinators' notices come to you. Invite a new coordinator with "
        "/invite.",
        team=escape(roster.team.name),
    )
    return OutMessage(text)


# --- agendas ---------------------------------------------------------------------------------


async def _agenda_messages(
    t: Translator, papers: AgendaPapers, item: OutboxItem, now: datetime
) -> list[OutMessage]:
    """The agenda as text, the printed agenda (PDF) and, for a coordinator, the attendance
    sheet (prezenční listina) to print and sign at the meeting."""
    agenda = papers.agenda
    lines = agenda_lines(t, agenda, now)
    if item.payload.get("late"):
        lines.append(_late_note(t, item).strip())
    parts = [OutMessage(part) for part in split_lines(lines)]
    # a PDF takes a few hundred milliseconds: not on the event loop
    pdf = await asyncio.to_thread(to_pdf, agenda_document(t, papers, now))
    caption = t._("Agenda for printing (PDF)")
    parts.append(OutMessage(caption, document=Attachment(agenda_filename(agenda), pdf)))
    if papers.coordinator:
        sheet = await asyncio.to_thread(to_pdf, attendance_document(t, papers, now))
        caption = t._("Attendance sheet to print and sign at the meeting (PDF)")
        parts.append(OutMessage(caption, document=Attachment(attendance_filename(papers), sheet)))
    return parts


async def _agenda(services: Services, t: Translator, item: OutboxItem) -> list[OutMessage] | None:
    papers = await services.agenda.papers(_reader(services, item), int(item.payload["meeting_id"]))
    if not _agenda_current(services, papers.agenda, item):
        return None
    return await _agenda_messages(t, papers, item, services.clock.now())


async def _agenda_group(
    services: Services, t: Translator, item: OutboxItem
) -> list[OutMessage] | None:
    papers = await services.agenda.papers_for_group(int(item.payload["meeting_id"]), item.chat_id)
    if papers is None or not _agenda_current(services, papers.agenda, item):
        return None
    return await _agenda_messages(t, papers, item, services.clock.now())


def _agenda_current(services: Services, agenda: Agenda, item: OutboxItem) -> bool:
    meeting = agenda.meeting
    return (
        meeting.status is MeetingStatus.SCHEDULED
        and meeting.starts_at > services.clock.now()
        and meeting.starts_at == datetime.fromisoformat(item.payload["starts_at"])
    )


# --- tasks -----------------------------------------------------------------------------------


async def _task_notice(services: Services, t: Translator, item: OutboxItem) -> OutMessage | None:
    task = await services.tasks.get(_reader(services, item), int(item.payload["task_id"]))
    if task.status is TaskStatus.DONE:
        return None
    now = services.clock.now()
    kind = Notice(item.kind)
    if kind is Notice.TASK_BLOCKED and task.status is not TaskStatus.BLOCKED:
        return None
    mine = task.owner_id == item.user_id
    if kind in _TO_THE_OWNER and not mine:
        return None  # given to somebody else meanwhile
    if kind is Notice.TASK_TAKEN_OVER and mine:
        return None  # given back meanwhile
    title = {
        Notice.TASK_NEW: "📌 " + t._("A new task for you"),
        Notice.TASK_REMINDER: "⏰ " + t._("Reminder: the deadline of your task is near"),
        Notice.TASK_OVERDUE: "⚠ " + t._("A task is past its deadline"),
        Notice.TASK_BLOCKED: "⛔ " + t._("A task is blocked"),
        Notice.TASK_TAKEN_OVER: "↪ " + t._("Your task was given to someone else"),
        Notice.TASK_DEADLINE: "📅 " + t._("The deadline of your task was changed"),
    }[kind]
    text = f"<b>{title}</b>\n" + escape(task_item(t, task, now))
    return OutMessage(text, keyboard(task_rows(t, task)) if mine else None)


_TO_THE_OWNER = (Notice.TASK_NEW, Notice.TASK_REMINDER, Notice.TASK_DEADLINE)


async def _tasks_orphaned(services: Services, t: Translator, item: OutboxItem) -> OutMessage | None:
    """To a coordinator: the open tasks a departed member left, each to be given anew."""
    reader = _reader(services, item)
    now = services.clock.now()
    lines = [
        "<b>"
        + t._(
            "Tasks of a departing member wait to be reassigned — {name}",
            name=escape(str(item.payload.get("member_name") or "")),
        )
        + "</b>"
    ]
    rows: list[list[InlineKeyboardButton]] = []
    for task_id in item.payload.get("task_ids", []):
        try:
            task = await services.tasks.get(reader, int(task_id))
        except ServiceError:
            continue
        if task.status is TaskStatus.DONE or task.owner_id is not None:
            continue  # done or given to somebody meanwhile
        lines.append(f"{len(rows) + 1}. " + list_line(t, task, now))
        rows.append([button(f"{len(rows) + 1}. 👤 " + t._("Reassign"), f"tk:r:{task.id}")])
        if len(rows) == LIST_MAX:
            break
    if not rows:
        return None
    return OutMessage("\n".join(lines), keyboard(rows))


async def _still_solved(services: Services, t: Translator, item: OutboxItem) -> OutMessage | None:
    problem = await _visible_problem(services, item)
    if problem.status is not Status.SOLVED:
        return None
    text = t._(
        "Your problem was marked solved a while ago: {headline}. Is it still solved?",
        headline=headline(t, problem),
    )
    rows = [
        [button("✅ " + t._("Yes, still solved"), f"ss:y:{problem.id}")],
        [button("↩ " + t._("No, it is back"), f"ss:n:{problem.id}")],
    ]
    return OutMessage(text, keyboard(rows))


async def _problem_reopened(
    services: Services, t: Translator, item: OutboxItem
) -> OutMessage | None:
    problem = await _visible_problem(services, item)
    text = "↩ " + t._(
        "The reporter says it is not solved any more; it is open again and goes on the next "
        "agenda: {headline}",
        headline=headline(t, problem),
    )
    return OutMessage(text, _open_button(t, problem.id))


async def _retention_notice(
    services: Services, t: Translator, item: OutboxItem
) -> OutMessage | None:
    assert item.team_id is not None
    ids = [int(i) for i in item.payload["problem_ids"]]
    problems = await services.retention.for_notice(_reader(services, item), item.team_id, ids)
    if not problems:
        return None
    team = await services.teams.name_of(item.team_id) or ""
    on = datetime.fromisoformat(str(item.payload["on"]))
    lines = [
        "🗄 "
        + t.n_(
            "On {date}, the content of {n} finished problem of the team {team} will be anonymised:",
            "On {date}, the content of {n} finished problems of the team {team} will be "
            "anonymised:",
            len(problems),
            date=t.date(on),
            team=escape(team),
        ),
        *[headline(t, p) for p in problems],
        "",
        t._(
            "Descriptions, comments, proposals, photos and names are removed; category, "
            "locality, organisations, dates and status stay for statistics. Reopening a problem "
            "before then keeps it as it is."
        ),
    ]
    return OutMessage("\n".join(lines))


# --- minutes ---------------------------------------------------------------------------------


async def _minutes(services: Services, t: Translator, item: OutboxItem) -> list[OutMessage] | None:
    reader = _reader(services, item)
    minutes, tasks = await services.minutes.for_reader(reader, int(item.payload["meeting_id"]))
    if minutes.finished_at is None:
        return None
    now = services.clock.now()
    parts = [OutMessage(p) for p in split_lines(minutes_lines(t, minutes, tasks, now))]
    # the zápis to print: a coordinator's copy has the closed part, a member's has none
    zapis = await services.minutes.zapis(reader, int(item.payload["meeting_id"]))
    pdf = await asyncio.to_thread(zapis_pdf, t, zapis)
    document = Attachment(zapis_filename(zapis, "pdf"), pdf)
    return [*parts, OutMessage(t._("Minutes for printing (PDF)"), document=document)]


async def _minutes_group(services: Services, t: Translator, item: OutboxItem) -> OutMessage | None:
    found = await services.meetings.for_group(int(item.payload["meeting_id"]), item.chat_id)
    if found is None:
        return None
    meeting, _team = found
    text = "📝 " + t._(
        "The minutes of the meeting of {when} are out; members have them in a private chat "
        "with me.",
        when=t.datetime(meeting.starts_at),
    )
    return OutMessage(text)


# --- the weekly digest -----------------------------------------------------------------------


async def _digest(services: Services, t: Translator, item: OutboxItem) -> list[OutMessage] | None:
    """Composed again at sending time: current, and what the reader may see now."""
    if item.user_id is None:
        return None
    at = datetime.fromisoformat(str(item.payload["at"]))
    digest = await services.digest.for_reader(item.user_id, at)
    if digest.empty:
        return None
    return [OutMessage(part) for part in split_lines(digest_lines(t, digest, t.date(at)))]


_RENDERERS: dict[Notice, NoticeRenderer] = {
    Notice.PROBLEM_NEW: _problem_new,
    Notice.PROBLEM_GROUP: _problem_group,
    Notice.PROBLEM_STATUS: _problem_status,
    Notice.PROPOSAL_NEW: _proposal_new,
    Notice.PROPOSAL_DECIDED: _proposal_decided,
    Notice.MEETING_INVITATION: _meeting_invitation,
    Notice.MEETING_CALENDAR: _meeting_calendar,
    Notice.MEETING_MOVED: _meeting_moved,
    Notice.MEETING_CANCELLED: _meeting_cancelled,
    Notice.MEETING_GROUP: _meeting_group,
    Notice.MEETING_REMINDER: _meeting_reminder,
    Notice.MEETING_GROUP_REMINDER: _meeting_group_reminder,
    Notice.MEMBER_UNREACHABLE: _member_unreachable,
    Notice.ROLE_CHANGED: _role_changed,
    Notice.MEMBER_JOINED: _member_joined,
    Notice.NO_COORDINATOR: _no_coordinator,
    Notice.TASK_NEW: _task_notice,
    Notice.TASK_REMINDER: _task_notice,
    Notice.TASK_OVERDUE: _task_notice,
    Notice.TASK_BLOCKED: _task_notice,
    Notice.TASK_TAKEN_OVER: _task_notice,
    Notice.TASK_DEADLINE: _task_notice,
    Notice.TASKS_ORPHANED: _tasks_orphaned,
    Notice.STILL_SOLVED: _still_solved,
    Notice.PROBLEM_REOPENED: _problem_reopened,
    Notice.PROBLEM_DUPLICATE: _problem_duplicate,
    Notice.PROBLEM_MOVED: _problem_moved,
    Notice.PROBLEM_WITHDRAWN: _problem_withdrawn,
    Notice.MINUTES_GROUP: _minutes_group,
    Notice.RETENTION_NOTICE: _retention_notice,
}
#: notices that render to several messages
_MULTI_RENDERERS: dict[Notice, MultiRenderer] = {
    Notice.AGENDA: _agenda,
    Notice.AGENDA_GROUP: _agenda_group,
    Notice.MINUTES: _minutes,
    Notice.DIGEST: _digest,
}
