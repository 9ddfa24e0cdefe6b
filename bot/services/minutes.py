"""Minutes (zápis): the coordinator marks attendance and steps through the agenda item by item;
on finishing, the outcomes are applied (problem statuses, tasks), the meeting is marked held and
the minutes go to every member as text and PDF. Items left open simply stay open, so they come
back on the next agenda.

Nothing decided while minuting takes effect before "finish": an item has one outcome (the last
choice wins; an accepted proposal is the outcome "accepted" with its proposal), and the tasks
agreed on an item wait with it. At "finish" the outcomes become status changes, decided
proposals and tasks in one transaction, so the zápis, the problems' timelines and the notices
say the same; finishing twice applies once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.domain.agenda import AgendaEntry, AgendaTopic
from bot.domain.meetings import Answer, DueKind, Meeting, MeetingStatus
from bot.domain.minutes import Attendee, Minutes, MinutesItem, Outcome, Zapis
from bot.domain.models import Role, Team
from bot.domain.notices import Notice
from bot.domain.problems import Proposal, ProposalStatus, Status
from bot.domain.tasks import Task, TaskStatus
from bot.services import agenda, authz, notify
from bot.services.authz import Action, Actor
from bot.services.base import Service
from bot.services.errors import (
    AlreadyDone,
    BadTransition,
    InputProblem,
    InvalidInput,
    MeetingOver,
    NotAllowed,
    NotFound,
)
from bot.services.meetings import meeting_number
from bot.services.problems import apply_status
from bot.services.proposals import apply_decision
from bot.services.tasks import ORG_MAX, clean_task, give_out
from bot.services.text import clean_line, clean_text
from bot.storage.agenda import FrozenItem
from bot.storage.repos import Repos

log = logging.getLogger(__name__)

#: minutes may be started this long before the meeting's start (people arrive early)
EARLY = timedelta(hours=1)
NOTE_MAX = 1000
_FOR_PROBLEMS = {Outcome.DISCUSSED, Outcome.SOLVED, Outcome.CARRIED, Outcome.TASK, Outcome.ACCEPTED}
_FOR_TASKS = {Outcome.DONE, Outcome.CARRIED}
_FOR_TOPICS = {Outcome.DISCUSSED, Outcome.CARRIED, Outcome.TASK}


def allowed_outcomes(entry: AgendaEntry) -> set[Outcome]:
    if entry.problem is not None:
        return _FOR_PROBLEMS
    if entry.task is not None:
        return _FOR_TASKS
    return _FOR_TOPICS


class MinutesService(Service):
    async def teams(self, actor: Actor) -> list[Team]:
        async with self.db.read() as repos:
            return await authz.teams_for(repos, actor, Action.MANAGE_MEETINGS)

    async def meeting_to_minute(self, actor: Actor, team_id: int) -> int | None:
        """The meeting being minuted, else the latest one that has (nearly) started."""
        async with self.db.read() as repos:
            await authz.require(repos, actor, Action.MANAGE_MEETINGS, team_id)
            running = await repos.minutes.in_progress(team_id)
            if running is not None:
                return running
            return await repos.minutes.minutable(team_id, self.clock.now() + EARLY)

    async def start(self, actor: Actor, meeting_id: int) -> Minutes:
        """Begin (or resume) the minutes: the agenda is frozen if it was not, the items are
        snapshotted, those who said they would come are marked present."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            meeting = await _managed(repos, actor, meeting_id)
            if await repos.minutes.state(meeting_id) is None:
                if meeting.status is not MeetingStatus.SCHEDULED:
                    raise MeetingOver(meeting.status.value)
                if meeting.starts_at > now + EARLY:
                    raise MeetingOver("not started")
                # an agenda not yet sent (a short lead time) still goes out before the start
                await agenda.freeze_and_send(
                    repos, meeting, now, late=False, send=meeting.starts_at > now
                )
                whole = await agenda.load(repos, meeting)
                items = [_frozen(entry) for entry in whole.entries]
                await repos.minutes.start(meeting_id, items, actor.user_id, now)
                for line in await repos.meetings.attendance(meeting.team_id, meeting_id):
                    if line.answer is Answer.YES:
                        await repos.minutes.set_present(meeting_id, line.user_id, True)
            minutes = await _load(repos, meeting)
        self.wake_outbox()
        return minutes

    async def get(self, actor: Actor, meeting_id: int) -> Minutes:
        async with self.db.read() as repos:
            meeting = await _managed(repos, actor, meeting_id)
            if await repos.minutes.state(meeting_id) is None:
                raise MeetingOver("minutes not started")
            return await _load(repos, meeting)

    async def set_present(
        self, actor: Actor, meeting_id: int, user_id: int, *, present: bool
    ) -> Minutes:
        """Mark a member present or absent (the same press twice has one effect)."""
        async with self.db.transaction() as repos:
            meeting = await _editable(repos, actor, meeting_id)
            if await repos.memberships.get(meeting.team_id, user_id) is None:
                raise NotFound(str(user_id))
            await repos.minutes.set_present(meeting_id, user_id, present)
            return await _load(repos, meeting)

    async def set_outcome(
        self, actor: Actor, meeting_id: int, position: int, outcome: Outcome
    ) -> Minutes:
        async with self.db.transaction() as repos:
            meeting = await _editable(repos, actor, meeting_id)
            minutes = await _load(repos, meeting)
            item = _item(minutes, position)
            if outcome not in allowed_outcomes(item.entry):
                raise BadTransition(outcome.value)
            await repos.minutes.set_outcome(meeting_id, position, outcome)
            return await _load(repos, meeting)

    async def set_note(
        self, actor: Actor, meeting_id: int, position: int, text: str | None
    ) -> None:
        note = clean_text(text, min_len=1, max_len=NOTE_MAX)
        async with self.db.transaction() as repos:
            meeting = await _editable(repos, actor, meeting_id)
            _item(await _load(repos, meeting), position)
            await repos.minutes.set_note(meeting_id, position, note)

    async def proposals(self, actor: Actor, meeting_id: int, position: int) -> list[Proposal]:
        async with self.db.read() as repos:
            meeting = await _editable(repos, actor, meeting_id)
            item = _item(await _load(repos, meeting), position)
            if item.entry.problem is None:
                return []
            found = await repos.proposals.for_problem(meeting.team_id, item.entry.problem.id)
            return [p for p in found if p.status is ProposalStatus.OPEN]

    async def accept_proposal(
        self, actor: Actor, meeting_id: int, position: int, proposal_id: int
    ) -> Minutes:
        """The item's outcome becomes "this proposal accepted"; it is decided at "finish"."""
        async with self.db.transaction() as repos:
            meeting = await _editable(repos, actor, meeting_id)
            item = _item(await _load(repos, meeting), position)
            proposal = await repos.proposals.get(meeting.team_id, proposal_id)
            problem = item.entry.problem
            if proposal is None or problem is None or proposal.problem_id != problem.id:
                raise NotFound(str(proposal_id))
            if proposal.status is not ProposalStatus.OPEN:
                raise AlreadyDone(proposal.status.value)
            await repos.minutes.set_outcome(meeting_id, position, Outcome.ACCEPTED, proposal_id)
            return await _load(repos, meeting)

    async def add_task(
        self,
        actor: Actor,
        meeting_id: int,
        position: int,
        text: str | None,
        deadline: datetime,
        *,
        owner_id: int | None = None,
        owner_org: str | None = None,
    ) -> Task:
        """Agree a task on a problem's item; it is given out when the minutes are finished.
        An item without an outcome gets "task agreed"."""
        clean = clean_task(text)
        org = clean_line(owner_org, min_len=2, max_len=ORG_MAX) if owner_org else None
        now = self.clock.now()
        if deadline <= now:
            raise InvalidInput(InputProblem.PAST)
        async with self.db.transaction() as repos:
            meeting = await _editable(repos, actor, meeting_id)
            item = _item(await _load(repos, meeting), position)
            if item.entry.problem is None:
                raise BadTransition("task without a problem")
            if owner_id is not None:
                owner = await repos.memberships.member(meeting.team_id, owner_id)
                if owner is None:
                    raise NotAllowed("owner")
                org = org or owner.org_name  # the member answers for their organisation
            if owner_id is None and org is None:
                raise InvalidInput(InputProblem.EMPTY)
            await repos.minutes.add_planned(
                meeting_id,
                position,
                clean,
                deadline,
                owner_id=owner_id,
                owner_org=org,
                by=actor.user_id,
                now=now,
            )
            if item.outcome is None:
                await repos.minutes.set_outcome(meeting_id, position, Outcome.TASK)
            fresh = _item(await _load(repos, meeting), position)
        return fresh.tasks[-1]

    async def remove_task(
        self, actor: Actor, meeting_id: int, planned_id: int
    ) -> tuple[Minutes, int]:
        """Withdraw a task agreed while minuting (before "finish"); an item left without tasks
        loses the outcome "task agreed"."""
        async with self.db.transaction() as repos:
            meeting = await _editable(repos, actor, meeting_id)
            minutes = await _load(repos, meeting)
            found = [i for i in minutes.items if any(x.id == planned_id for x in i.tasks)]
            if not found:
                raise NotFound(str(planned_id))
            item = found[0]
            await repos.minutes.remove_planned(meeting_id, planned_id)
            if item.outcome is Outcome.TASK and len(item.tasks) == 1:
                await repos.minutes.set_outcome(meeting_id, item.position, None)
            return await _load(repos, meeting), item.position

    async def finish(self, actor: Actor, meeting_id: int) -> Minutes:
        """Apply the outcomes, mark the meeting held and send the minutes to every member;
        a second "finish" (double tap, redelivered update) is refused and changes nothing."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            meeting = await _editable(repos, actor, meeting_id)
            minutes = await _load(repos, meeting)
            if not await repos.minutes.finish(meeting_id, now):
                raise AlreadyDone("minutes finished")
            for item in minutes.items:
                await _apply(repos, actor, meeting, item, now)
            await repos.minutes.clear_planned(meeting_id)
            held = meeting.model_copy(update={"status": MeetingStatus.HELD})
            await repos.meetings.update(held, now)
            payload = {"meeting_id": meeting_id}
            await notify.to_members(repos, meeting.team_id, Notice.MINUTES, payload, now)
            await notify.to_linked_group(repos, meeting.team_id, Notice.MINUTES_GROUP, payload, now)
            await repos.audit.add(
                now,
                actor.user_id,
                "meeting.minutes",
                team_id=meeting.team_id,
                object_type="meeting",
                object_id=meeting_id,
                details={"items": len(minutes.items), "present": len(minutes.present)},
            )
            fresh = await repos.meetings.get(meeting.team_id, meeting_id)
            assert fresh is not None
            result = await _load(repos, fresh)
        self.wake_outbox()
        return result

    async def for_reader(self, reader: Actor, meeting_id: int) -> tuple[Minutes, list[Task]]:
        """Finished minutes as a member may read them, with the tasks agreed at the meeting."""
        async with self.db.read() as repos:
            access = await authz.require_meeting(repos, reader, Action.VIEW_TEAM, meeting_id)
            meeting, role, team_id = access.meeting, access.role, access.team.id
            minutes = await _load(repos, meeting)
            items = [i for i in minutes.items if agenda.shown_to(i.entry, reader, role)]
            tasks = await repos.tasks.of_meeting(team_id, meeting_id)
            if role is not Role.COORDINATOR:  # tasks on coordinators-only problems stay hidden
                secret = await agenda.confidential_problems(repos, team_id, tasks)
                tasks = [task for task in tasks if task.problem_id not in secret]
            return minutes.model_copy(update={"items": items}), tasks

    async def zapis(self, reader: Actor, meeting_id: int) -> Zapis:
        """The zápis of finished minutes as the reader may have it: a coordinator's copy
        with the closed part, anyone else's without it."""
        async with self.db.read() as repos:
            access = await authz.require_meeting(repos, reader, Action.VIEW_TEAM, meeting_id)
            if await repos.minutes.state(meeting_id) is None:
                raise MeetingOver("minutes not started")
            return await load_zapis(repos, access.meeting, full=access.role is Role.COORDINATOR)


#: a plain member, to ask what belongs to the open part
_PLAIN_MEMBER = Actor(user_id=0)


async def load_zapis(repos: Repos, meeting: Meeting, *, full: bool) -> Zapis:
    """The zápis's content; ``full``: a coordinator's copy, with the closed part (the items and
    tasks a plain member may not see). The minutes must have been started."""
    minutes = await _load(repos, meeting)
    team_id = meeting.team_id
    open_items, closed_items = [], []
    for item in minutes.items:
        if agenda.shown_to(item.entry, _PLAIN_MEMBER, Role.MEMBER):
            open_items.append(item)
        else:
            closed_items.append(item)
    tasks = await repos.tasks.of_meeting(team_id, meeting.id)
    secret = await agenda.confidential_problems(repos, team_id, tasks)
    secret |= {i.entry.problem.id for i in closed_items if i.entry.problem is not None}
    open_tasks = [task for task in tasks if task.problem_id not in secret]
    closed_tasks = [task for task in tasks if task.problem_id in secret]
    present = await repos.minutes.present_people(meeting.id)
    here = {person.user_id for person in present}
    answers = {
        line.user_id: line.answer for line in await repos.meetings.attendance(team_id, meeting.id)
    }
    excused: list[Attendee] = []
    absent: list[Attendee] = []
    for member in minutes.members:
        if member.user_id in here or member.joined_at > meeting.starts_at:
            continue  # came, or joined the team only later
        person = Attendee(
            user_id=member.user_id,
            name=member.display_name,
            org=member.org_name,
            org_type=member.org_type,
        )
        (excused if answers.get(member.user_id) is Answer.NO else absent).append(person)
    following = await repos.meetings.upcoming(team_id, meeting.starts_at, limit=1)
    return Zapis(
        meeting=meeting,
        team_name=minutes.team_name,
        number=await meeting_number(repos, meeting),
        present=present,
        excused=excused,
        absent=absent,
        guests=minutes.guests,
        items=open_items,
        tasks=open_tasks,
        closed_items=closed_items if full else [],
        closed_tasks=closed_tasks if full else [],
        next_meeting=following[0] if following else None,
        recorded_by=await repos.minutes.recorder(meeting.id),
        finished_at=minutes.finished_at,
        full=full,
    )


async def _apply(
    repos: Repos, actor: Actor, meeting: Meeting, item: MinutesItem, now: datetime
) -> None:
    """Turn one item's outcome into the change it means; a change no longer possible (the
    proposal was decided elsewhere meanwhile, the status moved on) is skipped."""
    entry = item.entry
    if entry.problem is not None:
        for planned in item.tasks:
            await give_out(
                repos,
                actor,
                meeting.team_id,
                planned.text,
                planned.deadline,
                now,
                owner_id=planned.owner_id,
                owner_org=planned.owner_org,
                problem_id=entry.problem.id,
                meeting_id=meeting.id,
            )
    try:
        if entry.problem is not None:
            problem = await repos.problems.get(entry.problem.team_id, entry.problem.id)
            if problem is None:
                return
            if item.outcome is Outcome.ACCEPTED and item.proposal is not None:
                proposal = await repos.proposals.get(meeting.team_id, item.proposal.id)
                if proposal is not None and proposal.status is ProposalStatus.OPEN:
                    await apply_decision(repos, actor, proposal, True, "", now)
                elif proposal is None or proposal.status is not ProposalStatus.ACCEPTED:
                    # decided otherwise meanwhile: the zápis must not claim it was accepted
                    await repos.minutes.set_outcome(meeting.id, item.position, Outcome.DISCUSSED)
            if item.outcome in (Outcome.DISCUSSED, Outcome.TASK, Outcome.ACCEPTED) and (
                problem.status is Status.NEW
            ):
                await apply_status(repos, actor, problem, Status.DISCUSSED, now)
            elif item.outcome is Outcome.SOLVED and problem.status is not Status.SOLVED:
                await apply_status(repos, actor, problem, Status.SOLVED, now)
        elif entry.task is not None and item.outcome is Outcome.DONE:
            task = await repos.tasks.get(entry.task.team_id, entry.task.id)
            if task is not None and task.status is not TaskStatus.DONE:
                await repos.tasks.set_status(task, TaskStatus.DONE, now)
                await repos.due.drop_pending((DueKind.TASK_REMINDER, DueKind.TASK_OVERDUE), task.id)
    except (BadTransition, AlreadyDone) as error:
        log.info("minutes outcome %s not applied: %s", item.outcome, error)


def _frozen(entry: AgendaEntry) -> FrozenItem:
    return FrozenItem(
        entry.section,
        entry.problem.id if entry.problem else None,
        entry.topic.id if entry.topic else None,
        entry.task.id if entry.task else None,
    )


def _item(minutes: Minutes, position: int) -> MinutesItem:
    for item in minutes.items:
        if item.position == position:
            return item
    raise NotFound(str(position))


async def _managed(repos: Repos, actor: Actor, meeting_id: int) -> Meeting:
    access = await authz.require_meeting(repos, actor, Action.MANAGE_MEETINGS, meeting_id)
    return access.meeting


async def _editable(repos: Repos, actor: Actor, meeting_id: int) -> Meeting:
    meeting = await _managed(repos, actor, meeting_id)
    if meeting.status is not MeetingStatus.SCHEDULED:
        raise MeetingOver(meeting.status.value)
    state = await repos.minutes.state(meeting_id)
    if state is None:
        raise MeetingOver("not started")
    if state[1] is not None:
        raise AlreadyDone("minutes finished")
    return meeting


async def _load(repos: Repos, meeting: Meeting) -> Minutes:
    state = await repos.minutes.state(meeting.id)
    assert state is not None
    rows = await repos.minutes.items(meeting.id)
    problems = await repos.agenda.problems(
        meeting.team_id, [r.frozen.problem_id for r in rows if r.frozen.problem_id]
    )
    topics = await repos.agenda.topic_texts(
        meeting.id, [r.frozen.topic_id for r in rows if r.frozen.topic_id]
    )
    tasks = await repos.tasks.by_ids(
        meeting.team_id, [r.frozen.task_id for r in rows if r.frozen.task_id]
    )
    proposal_ids = {r.proposal_id for r in rows if r.proposal_id is not None}
    proposals = {
        p.id: p
        for number in {r.frozen.problem_id for r in rows if r.proposal_id is not None}
        if number is not None
        for p in await repos.proposals.for_problem(meeting.team_id, number)
        if p.id in proposal_ids
    }
    planned: dict[int, list[Task]] = {}
    for row in await repos.minutes.planned(meeting.id):
        planned.setdefault(row.position, []).append(
            Task(
                id=row.id,
                team_id=meeting.team_id,
                problem_id=None,
                meeting_id=meeting.id,
                text=row.text,
                owner_id=row.owner_id,
                owner_name=row.owner_name,
                owner_org=row.owner_org,
                deadline=row.deadline,
                status=TaskStatus.OPEN,
                created_at=row.created_at,
                updated_at=row.created_at,
            )
        )
    items = []
    for position, frozen, outcome, note, proposal_id in rows:
        number = position + 1  # the snapshot keeps the agenda's official numbering
        if frozen.problem_id in problems:
            entry = AgendaEntry(
                section=frozen.section, problem=problems[frozen.problem_id], number=number
            )
        elif frozen.task_id in tasks:
            task = tasks[frozen.task_id]
            secret = await agenda.confidential_problems(repos, meeting.team_id, [task])
            entry = AgendaEntry(
                section=frozen.section,
                task=task,
                confidential=task.problem_id in secret,
                number=number,
            )
        elif frozen.topic_id in topics:
            topic = AgendaTopic(id=frozen.topic_id, text=topics[frozen.topic_id])
            entry = AgendaEntry(section=frozen.section, topic=topic, number=number)
        else:
            continue
        item_tasks = [
            t.model_copy(update={"problem_id": frozen.problem_id})
            for t in planned.get(position, [])
        ]
        items.append(
            MinutesItem(
                position=position,
                entry=entry,
                outcome=outcome,
                note=note,
                proposal=proposals.get(proposal_id) if proposal_id is not None else None,
                tasks=item_tasks,
            )
        )
    team = await repos.teams.get(meeting.team_id)
    return Minutes(
        meeting=meeting,
        team_name=team.name if team else "",
        items=items,
        members=await repos.memberships.list_members(meeting.team_id),
        present=await repos.minutes.present(meeting.id),
        guests=await repos.guests.of_meeting(meeting.id),
        started_at=state[0],
        finished_at=state[1],
    )
