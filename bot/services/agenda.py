"""Agendas: compiled from the team's open problems in the order of docs/user-guide.md ("Program
schůzky"), edited by a coordinator while a draft, frozen at the lead time and sent; later urgent
reports go to "late additions".

Each reader sees only the items they may see: problems reserved for coordinators appear in
coordinators' copies (and their reporter's), never in the group's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.domain.agenda import (
    Agenda,
    AgendaEntry,
    AgendaPapers,
    AgendaProblem,
    AgendaTopic,
    Section,
    arrange,
    closed,
)
from bot.domain.meetings import Meeting, MeetingStatus
from bot.domain.models import Role
from bot.domain.notices import Notice
from bot.domain.problems import Status, Urgency
from bot.domain.tasks import Task
from bot.services import authz, notify
from bot.services.authz import Action, Actor
from bot.services.base import Service
from bot.services.errors import MeetingNotFound, MeetingOver
from bot.services.text import clean_line
from bot.storage.agenda import FrozenItem
from bot.storage.repos import Repos

TOPIC_MIN, TOPIC_MAX = 3, 300
#: urgencies that make a problem reported after the freeze a late addition
LATE_URGENCIES = (Urgency.HIGH, Urgency.ACUTE)
_URGENCY_RANK = {Urgency.ACUTE: 0, Urgency.HIGH: 1, Urgency.NORMAL: 2}
_RANKED = (Section.NEW, Section.DECISIONS, Section.OPEN)


def rank(
    problems: list[AgendaProblem],
    since: datetime | None,
    *,
    removed: set[int] | frozenset[int] = frozenset(),
    ranks: dict[int, int] | None = None,
) -> list[AgendaEntry]:
    """Problems in agenda order: new since the last meeting (most urgent first), those with
    proposals waiting for a decision (most supported first), then the rest, longest without
    progress first. A coordinator's explicit order within a section comes before the default."""
    ranks = ranks or {}
    sections: dict[Section, list[AgendaProblem]] = {s: [] for s in _RANKED}
    for problem in problems:
        if problem.id in removed:
            continue
        if problem.status is Status.NEW and (since is None or problem.created_at > since):
            sections[Section.NEW].append(problem)
        elif problem.open_proposals:
            sections[Section.DECISIONS].append(problem)
        else:
            sections[Section.OPEN].append(problem)
    default_keys: dict[Section, Callable[[AgendaProblem], tuple[object, ...]]] = {
        Section.NEW: lambda p: (_URGENCY_RANK[p.urgency], p.created_at, p.id),
        Section.DECISIONS: lambda p: (-p.proposal_support, p.created_at, p.id),
        Section.OPEN: lambda p: (p.progressed_at, p.id),
    }
    entries = []
    for section in _RANKED:
        default = default_keys[section]

        def order(
            p: AgendaProblem, default: Callable[..., tuple[object, ...]] = default
        ) -> tuple[object, ...]:
            return (0, ranks[p.id], ()) if p.id in ranks else (1, 0, default(p))

        entries += [
            AgendaEntry(section=section, problem=p) for p in sorted(sections[section], key=order)
        ]
    return entries


def shown_to(entry: AgendaEntry, reader: Actor | None, role: Role | None) -> bool:
    """Whether one reader may see an item (``reader`` None: the team's group). The closed
    part is for coordinators only; a problem made coordinators-only after the agenda was
    frozen stays in its section and is left out of others' copies (a gap in the numbering,
    never a different number)."""
    if entry.confidential or entry.section is Section.CLOSED:
        return reader is not None and role is Role.COORDINATOR
    problem = entry.problem
    if problem is None or not problem.coordinators_only:
        return True
    if reader is None:
        return False
    return role is Role.COORDINATOR or problem.reporter_id == reader.user_id


def visible_to(agenda: Agenda, reader: Actor | None, role: Role | None) -> Agenda:
    """The agenda as one reader may see it (``reader`` None: the team's group)."""
    entries = [e for e in agenda.entries if shown_to(e, reader, role)]
    return agenda.model_copy(update={"entries": entries})


class AgendaService(Service):
    async def teams(self, actor: Actor) -> list[tuple[int, str]]:
        async with self.db.read() as repos:
            return [(t.id, t.name) for t in await authz.teams_for(repos, actor, Action.VIEW_TEAM)]

    async def next_meeting(self, actor: Actor, team_id: int) -> Meeting | None:
        async with self.db.read() as repos:
            await authz.require(repos, actor, Action.VIEW_TEAM, team_id)
            upcoming = await repos.meetings.upcoming(team_id, self.clock.now(), limit=1)
        return upcoming[0] if upcoming else None

    async def for_meeting(self, actor: Actor, meeting_id: int) -> tuple[Agenda, bool]:
        """The agenda as the actor may see it, and whether they may edit it."""
        async with self.db.read() as repos:
            access = await authz.require_meeting(repos, actor, Action.VIEW_TEAM, meeting_id)
            meeting, role = access.meeting, access.role
            agenda = await load(repos, meeting)
        may_edit = role is Role.COORDINATOR and agenda.frozen_at is None
        return visible_to(agenda, actor, role), may_edit

    async def for_group(self, meeting_id: int, chat_id: int) -> Agenda | None:
        async with self.db.read() as repos:
            found = await authz.meeting_of_group(repos, meeting_id, chat_id)
            if found is None:
                return None
            return visible_to(await load(repos, found[0]), None, None)

    # --- the printed documents (program, prezenční listina) ---------------------------------

    async def papers(self, actor: Actor, meeting_id: int) -> AgendaPapers:
        """The agenda's documents as the actor may see them: a coordinator's papers have the
        closed part and the attendance (members with their answers, guests so far)."""
        async with self.db.read() as repos:
            access = await authz.require_meeting(repos, actor, Action.VIEW_TEAM, meeting_id)
            agenda = visible_to(await load(repos, access.meeting), actor, access.role)
            return await papers_of(repos, agenda, coordinator=access.role is Role.COORDINATOR)

    async def papers_for_group(self, meeting_id: int, chat_id: int) -> AgendaPapers | None:
        """The members' papers for the team's linked group (no closed part, no attendance)."""
        async with self.db.read() as repos:
            found = await authz.meeting_of_group(repos, meeting_id, chat_id)
            if found is None:
                return None
            agenda = visible_to(await load(repos, found[0]), None, None)
            return await papers_of(repos, agenda, coordinator=False)

    async def attendance_sheet(self, actor: Actor, meeting_id: int) -> AgendaPapers:
        """The papers for the prezenční listina: coordinators only."""
        async with self.db.read() as repos:
            access = await authz.require_meeting(repos, actor, Action.MANAGE_MEETINGS, meeting_id)
            agenda = visible_to(await load(repos, access.meeting), actor, access.role)
            return await papers_of(repos, agenda, coordinator=True)

    # --- a coordinator's edits (draft only) ------------------------------------------------

    async def set_removed(
        self, actor: Actor, meeting_id: int, problem_id: int, removed: bool
    ) -> None:
        async with self.db.transaction() as repos:
            meeting = await self._editable(repos, actor, meeting_id)
            if await repos.problems.get(meeting.team_id, problem_id) is None:
                raise MeetingNotFound(str(meeting_id))
            await repos.agenda.set_removed(meeting_id, problem_id, removed)

    async def move_above(
        self, actor: Actor, meeting_id: int, problem_id: int, above_id: int
    ) -> None:
        """Put a problem right above ``above_id``, the one that was above it when the button
        was shown: a second press of the same button (or one from an older screen) finds it
        there already, or the order changed meanwhile, and changes nothing."""
        async with self.db.transaction() as repos:
            meeting = await self._editable(repos, actor, meeting_id)
            entries = await draft_entries(repos, meeting)
            found = [e for e in entries if e.problem and e.problem.id == problem_id]
            if not found:
                raise MeetingNotFound(str(meeting_id))
            section = [e.problem.id for e in entries if e.problem and e.section is found[0].section]
            index = section.index(problem_id)
            if index > 0 and section[index - 1] == above_id:
                section[index - 1], section[index] = section[index], section[index - 1]
                await repos.agenda.set_ranks(meeting_id, section)

    async def add_topic(self, actor: Actor, meeting_id: int, text: str | None) -> AgendaTopic:
        clean = clean_line(text, min_len=TOPIC_MIN, max_len=TOPIC_MAX)
        async with self.db.transaction() as repos:
            await self._editable(repos, actor, meeting_id)
            topic_id = await repos.agenda.add_topic(
                meeting_id, clean, actor.user_id, self.clock.now()
            )
        return AgendaTopic(id=topic_id, text=clean)

    async def remove_topic(self, actor: Actor, meeting_id: int, topic_id: int) -> None:
        async with self.db.transaction() as repos:
            await self._editable(repos, actor, meeting_id)
            if not await repos.agenda.remove_topic(meeting_id, topic_id):
                raise MeetingNotFound(str(meeting_id))

    async def removed_problems(self, actor: Actor, meeting_id: int) -> list[int]:
        async with self.db.read() as repos:
            await self._editable(repos, actor, meeting_id)
            removed, _ = await repos.agenda.edits(meeting_id)
        return sorted(removed)

    async def _editable(self, repos: Repos, actor: Actor, meeting_id: int) -> Meeting:
        access = await authz.require_meeting(repos, actor, Action.MANAGE_MEETINGS, meeting_id)
        meeting = access.meeting
        if meeting.status is not MeetingStatus.SCHEDULED or meeting.starts_at <= self.clock.now():
            raise MeetingOver(meeting.status.value)
        if await repos.agenda.frozen_at(meeting_id) is not None:
            raise MeetingOver("frozen")
        return meeting


async def papers_of(repos: Repos, agenda: Agenda, *, coordinator: bool) -> AgendaPapers:
    """The documents' material for an agenda already cut to its reader: the meeting's number
    in the year, the problems' details and, for a coordinator, the attendance."""
    meeting = agenda.meeting
    ids = [e.problem.id for e in agenda.entries if e.problem is not None]
    papers = AgendaPapers(
        agenda=agenda,
        number=await repos.meetings.number_in_year(meeting),
        problems=await repos.agenda.papers(meeting.team_id, ids),
        coordinator=coordinator,
    )
    if not coordinator:
        return papers
    return papers.model_copy(
        update={
            "attendance": await repos.meetings.attendance(meeting.team_id, meeting.id),
            "guests": await repos.guests.of_meeting(meeting.id),
        }
    )


async def confidential_problems(repos: Repos, team_id: int, tasks: list[Task]) -> set[int]:
    """Which of the tasks' problems are reserved for coordinators."""
    linked = [task.problem_id for task in tasks if task.problem_id is not None]
    found = await repos.agenda.problems(team_id, linked)
    return {number for number, problem in found.items() if problem.coordinators_only}


async def draft_entries(repos: Repos, meeting: Meeting) -> list[AgendaEntry]:
    problems = await repos.agenda.open_problems(meeting.team_id)
    since = await repos.agenda.previous_start(meeting.team_id, meeting.starts_at)
    removed, ranks = await repos.agenda.edits(meeting.id)
    tasks = await repos.tasks.unfinished(meeting.team_id, due_by=meeting.starts_at)
    secret = await confidential_problems(repos, meeting.team_id, tasks)
    entries = [
        AgendaEntry(section=Section.TASKS, task=task, confidential=task.problem_id in secret)
        for task in tasks
    ]
    entries += rank(problems, since, removed=removed, ranks=ranks)
    topics = await repos.agenda.topics(meeting.id)
    entries += [AgendaEntry(section=Section.TOPICS, topic=topic) for topic in topics]
    entries = [_into_closed(e) for e in entries]
    # the closed part's problems keep a coordinator's order across their original sections
    hidden = [e for e in entries if e.section is Section.CLOSED and e.problem is not None]
    rest = [e for e in entries if e not in hidden]

    def order(entry: AgendaEntry) -> tuple[int, int]:
        assert entry.problem is not None
        number = entry.problem.id
        return (0, ranks[number]) if number in ranks else (1, 0)

    return arrange(rest + sorted(hidden, key=order))


def _into_closed(entry: AgendaEntry) -> AgendaEntry:
    return entry.model_copy(update={"section": Section.CLOSED}) if closed(entry) else entry


async def load(repos: Repos, meeting: Meeting) -> Agenda:
    """The meeting's whole agenda: the frozen items (with late additions) or the draft."""
    team = await repos.teams.get(meeting.team_id)
    since = await repos.agenda.previous_start(meeting.team_id, meeting.starts_at)
    frozen_at = await repos.agenda.frozen_at(meeting.id)
    if frozen_at is None:
        entries = await draft_entries(repos, meeting)
    else:
        entries = await _frozen_entries(repos, meeting, frozen_at)
    return Agenda(
        meeting=meeting,
        team_name=team.name if team else "",
        entries=entries,
        frozen_at=frozen_at,
        since=since,
    )


async def _frozen_entries(repos: Repos, meeting: Meeting, frozen_at: datetime) -> list[AgendaEntry]:
    items = await repos.agenda.frozen_items(meeting.id)
    problems = await repos.agenda.problems(
        meeting.team_id, [i.problem_id for i in items if i.problem_id]
    )
    topics = await repos.agenda.topic_texts(meeting.id, [i.topic_id for i in items if i.topic_id])
    tasks = await repos.tasks.by_ids(meeting.team_id, [i.task_id for i in items if i.task_id])
    entries = []
    for item in items:
        if item.problem_id is not None and item.problem_id in problems:
            entries.append(AgendaEntry(section=item.section, problem=problems[item.problem_id]))
        elif item.topic_id is not None and item.topic_id in topics:
            topic = AgendaTopic(id=item.topic_id, text=topics[item.topic_id])
            entries.append(AgendaEntry(section=item.section, topic=topic))
        elif item.task_id is not None and item.task_id in tasks:
            task = tasks[item.task_id]
            secret = task.problem_id in await confidential_problems(repos, meeting.team_id, [task])
            entries.append(AgendaEntry(section=item.section, task=task, confidential=secret))
    listed = set(problems)
    for problem in await repos.agenda.reported_since(meeting.team_id, frozen_at):
        if problem.urgency in LATE_URGENCIES and problem.id not in listed:
            entries.append(_into_closed(AgendaEntry(section=Section.LATE, problem=problem)))
    return arrange(entries)


async def freeze_and_send(
    repos: Repos, meeting: Meeting, now: datetime, *, late: bool, send: bool = True
) -> bool:
    """Freeze the draft and queue it (text and PDF) to every member and the linked group.
    False if it was frozen before (nothing is sent twice)."""
    entries = await draft_entries(repos, meeting)
    items = [
        FrozenItem(
            e.section,
            e.problem.id if e.problem else None,
            e.topic.id if e.topic else None,
            e.task.id if e.task else None,
        )
        for e in entries
    ]
    if not await repos.agenda.freeze(meeting.id, items, now):
        return False
    if not send:  # frozen for the minutes; too late to be useful as a message
        return True
    payload: dict[str, object] = {
        "meeting_id": meeting.id,
        "starts_at": meeting.starts_at.isoformat(),
    }
    if late:
        payload["late"] = True
    await notify.to_members(repos, meeting.team_id, Notice.AGENDA, dict(payload), now)
    await notify.to_linked_group(repos, meeting.team_id, Notice.AGENDA_GROUP, dict(payload), now)
    return True
