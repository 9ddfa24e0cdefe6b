"""Tasks: a coordinator gives one an owner (member and/or organisation) and a deadline; the
owner marks it done or blocked. A reminder goes to the owner before the deadline; an overdue
task is escalated to the coordinators and comes first on the next agenda."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.domain.meetings import DueKind, DueOutcome, DueWork
from bot.domain.models import MemberView, Role, Team
from bot.domain.notices import Notice
from bot.domain.tasks import Task, TaskStatus
from bot.services import authz, notify
from bot.services.authz import Action, Actor
from bot.services.base import Service
from bot.services.errors import InputProblem, InvalidInput, NotAllowed, NotFound
from bot.services.text import clean_line
from bot.storage.repos import Repos

log = logging.getLogger(__name__)

TASK_MIN, TASK_MAX = 3, 300
ORG_MAX = 80
#: how long before the deadline the owner is reminded
REMIND_BEFORE = timedelta(hours=24)
_TASK_WORK = (DueKind.TASK_REMINDER, DueKind.TASK_OVERDUE)


class TaskNotFound(NotFound):
    """No such task for this person (also another team's)."""


def clean_task(text: str | None) -> str:
    return clean_line(text, min_len=TASK_MIN, max_len=TASK_MAX)


class TaskService(Service):
    async def owners(self, actor: Actor, team_id: int) -> list[MemberView]:
        """Members a coordinator may give a task to."""
        async with self.db.read() as repos:
            await authz.require(repos, actor, Action.MANAGE_MEETINGS, team_id)
            return await repos.memberships.list_members(team_id)

    async def create(
        self,
        actor: Actor,
        team_id: int,
        text: str | None,
        deadline: datetime,
        *,
        owner_id: int | None = None,
        owner_org: str | None = None,
        problem_id: int | None = None,
        meeting_id: int | None = None,
    ) -> Task:
        clean = clean_task(text)
        org = clean_line(owner_org, min_len=2, max_len=ORG_MAX) if owner_org else None
        now = self.clock.now()
        if deadline <= now:
            raise InvalidInput(InputProblem.PAST)
        async with self.db.transaction() as repos:
            await authz.require(repos, actor, Action.MANAGE_MEETINGS, team_id)
            if owner_id is not None:
                owner = await repos.memberships.member(team_id, owner_id)
                if owner is None:
                    raise NotAllowed("owner")
            if owner_id is None and org is None:
                raise InvalidInput(InputProblem.EMPTY)
            if problem_id is not None:
                await authz.require_problem(repos, actor, Action.MANAGE_PROBLEMS, problem_id)
            task = await give_out(
                repos,
                actor,
                team_id,
                clean,
                deadline,
                now,
                owner_id=owner_id,
                owner_org=org,
                problem_id=problem_id,
                meeting_id=meeting_id,
            )
        self.wake_outbox()
        return task

    async def mine(self, actor: Actor) -> list[Task]:
        async with self.db.read() as repos:
            return await repos.tasks.of_owner(actor.user_id)

    async def coordinated(self, actor: Actor) -> list[tuple[Team, list[Task]]]:
        """The unfinished tasks of every team the actor coordinates, team by team."""
        async with self.db.read() as repos:
            roles = await repos.memberships.roles_of(actor.user_id)
            result: list[tuple[Team, list[Task]]] = []
            for team_id, role in roles.items():
                team = await repos.teams.get(team_id)
                if role is Role.COORDINATOR and team is not None:
                    result.append((team, await repos.tasks.unfinished(team_id)))
        return sorted(result, key=lambda pair: pair[0].name)

    async def view(self, actor: Actor, task_id: int) -> tuple[Task, bool]:
        """The task (for its owner and the team's coordinators only: it may belong to a
        coordinators-only problem) and whether the actor may reassign it and move its deadline."""
        async with self.db.read() as repos:
            task = await _visible(repos, actor, task_id)
            role = await authz.role_in(repos, actor, task.team_id)
        if role is not Role.COORDINATOR and task.owner_id != actor.user_id:
            raise TaskNotFound(str(task_id))
        return task, role is Role.COORDINATOR

    async def owners_for(self, actor: Actor, task_id: int) -> tuple[Task, list[MemberView]]:
        """The task and the members a coordinator may give it to."""
        async with self.db.read() as repos:
            task = await _managed(repos, actor, task_id)
            return task, await repos.memberships.list_members(task.team_id)

    async def get(self, actor: Actor, task_id: int) -> Task:
        async with self.db.read() as repos:
            return await _visible(repos, actor, task_id)

    async def set_status(self, actor: Actor, task_id: int, status: TaskStatus) -> Task:
        """The owner or a coordinator marks a task done, blocked or open again."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            task = await _visible(repos, actor, task_id)
            role = await authz.role_in(repos, actor, task.team_id)
            if task.owner_id != actor.user_id and role is not Role.COORDINATOR:
                raise NotAllowed("task")
            if task.status is status:
                return task
            await repos.tasks.set_status(task, status, now)
            if status is TaskStatus.BLOCKED:
                await notify.to_coordinators(
                    repos,
                    task.team_id,
                    Notice.TASK_BLOCKED,
                    {"task_id": task.id},
                    now,
                    except_user=actor.user_id,
                )
            changed = await repos.tasks.get(task.team_id, task.id)
            assert changed is not None
            await derive(repos, changed, now)
        self.wake_outbox()
        return changed

    async def reassign(
        self,
        actor: Actor,
        task_id: int,
        *,
        owner_id: int | None = None,
        owner_org: str | None = None,
    ) -> Task:
        """A coordinator gives the task to another member (who answers for their organisation)
        or to an organisation only; the new owner and the former one are told."""
        org = clean_line(owner_org, min_len=2, max_len=ORG_MAX) if owner_org else None
        now = self.clock.now()
        async with self.db.transaction() as repos:
            task = await _managed(repos, actor, task_id)
            if owner_id is not None:
                owner = await repos.memberships.member(task.team_id, owner_id)
                if owner is None:
                    raise NotAllowed("owner")
                org = owner.org_name
            elif org is None:
                raise InvalidInput(InputProblem.EMPTY)
            if task.owner_id == owner_id and task.owner_org == org:
                return task
            await repos.tasks.set_owner(task, owner_id, org, now)
            if task.status is TaskStatus.BLOCKED and (owner_id, org) != (
                task.owner_id,
                task.owner_org,
            ):
                # a blocked task handed to someone else is theirs to do: it is open again
                await repos.tasks.set_status(task, TaskStatus.OPEN, now)
            payload = {"task_id": task.id}
            if owner_id is not None and owner_id != task.owner_id and owner_id != actor.user_id:
                await notify.to_person(repos, owner_id, task.team_id, Notice.TASK_NEW, payload, now)
            former = task.owner_id
            if (
                former is not None
                and former not in (owner_id, actor.user_id)
                and await repos.memberships.get(task.team_id, former) is not None
            ):
                await notify.to_person(
                    repos, former, task.team_id, Notice.TASK_TAKEN_OVER, payload, now
                )
            await repos.audit.add(
                now,
                actor.user_id,
                "task.reassign",
                team_id=task.team_id,
                object_type="task",
                object_id=task.id,
                details={
                    "from_owner": former,
                    "from_org": task.owner_org,
                    "to_owner": owner_id,
                    "to_org": org,
                },
            )
            changed = await repos.tasks.get(task.team_id, task.id)
            assert changed is not None
            await derive(repos, changed, now)
        self.wake_outbox()
        return changed

    async def set_deadline(self, actor: Actor, task_id: int, deadline: datetime) -> Task:
        """A coordinator moves the deadline; the owner is told, reminders follow the new one."""
        now = self.clock.now()
        if deadline <= now:
            raise InvalidInput(InputProblem.PAST)
        async with self.db.transaction() as repos:
            task = await _managed(repos, actor, task_id)
            if task.deadline == deadline:
                return task
            await repos.tasks.set_deadline(task, deadline, now)
            if task.owner_id is not None and task.owner_id != actor.user_id:
                await notify.to_person(
                    repos,
                    task.owner_id,
                    task.team_id,
                    Notice.TASK_DEADLINE,
                    {"task_id": task.id, "deadline": deadline.isoformat()},
                    now,
                )
            await repos.audit.add(
                now,
                actor.user_id,
                "task.deadline",
                team_id=task.team_id,
                object_type="task",
                object_id=task.id,
                details={"from": task.deadline.isoformat(), "to": deadline.isoformat()},
            )
            changed = await repos.tasks.get(task.team_id, task.id)
            assert changed is not None
            await derive(repos, changed, now)
        self.wake_outbox()
        return changed

    async def perform(self, repos: Repos, work: DueWork, now: datetime) -> DueOutcome:
        if work.team_id is None:
            return DueOutcome.SKIPPED
        task = await repos.tasks.get(work.team_id, work.ref_id)
        if task is None or task.status is TaskStatus.DONE:
            return DueOutcome.SKIPPED
        payload = {"task_id": task.id}
        if work.kind is DueKind.TASK_REMINDER:
            if task.deadline <= now or task.owner_id is None:
                return DueOutcome.SKIPPED  # the overdue notice covers it
            if await repos.memberships.get(task.team_id, task.owner_id) is None:
                return DueOutcome.SKIPPED
            await notify.to_person(
                repos, task.owner_id, task.team_id, Notice.TASK_REMINDER, payload, now
            )
        else:
            await notify.to_coordinators(repos, task.team_id, Notice.TASK_OVERDUE, payload, now)
        return DueOutcome.DONE


async def give_out(
    repos: Repos,
    actor: Actor,
    team_id: int,
    text: str,
    deadline: datetime,
    now: datetime,
    *,
    owner_id: int | None,
    owner_org: str | None,
    problem_id: int | None,
    meeting_id: int | None,
) -> Task:
    """Store a checked task inside the caller's transaction: the owner told, the reminders
    derived, the audit written. A member owner who has left meanwhile is dropped (their
    organisation stays responsible)."""
    if owner_id is not None:
        owner = await repos.memberships.member(team_id, owner_id)
        if owner is None:
            owner_id = None
        else:
            owner_org = owner_org or owner.org_name  # the member answers for their organisation
    task = await repos.tasks.create(
        team_id,
        text,
        deadline,
        now,
        owner_id=owner_id,
        owner_org=owner_org,
        problem_id=problem_id,
        meeting_id=meeting_id,
        created_by=actor.user_id,
    )
    if owner_id is not None and owner_id != actor.user_id:
        await notify.to_person(repos, owner_id, team_id, Notice.TASK_NEW, {"task_id": task.id}, now)
    await derive(repos, task, now)
    await repos.audit.add(
        now,
        actor.user_id,
        "task.create",
        team_id=team_id,
        object_type="task",
        object_id=task.id,
        details={"deadline": deadline.isoformat(), "problem_id": problem_id},
    )
    return task


async def release(repos: Repos, team_id: int, user_id: int, now: datetime) -> list[Task]:
    """A member left the team: their unfinished tasks lose the member (keeping the
    organisation) and go back to the coordinators, who are told with a list to reassign."""
    tasks = await repos.tasks.unfinished_of(team_id, user_id)
    if not tasks:
        return []
    for task in tasks:
        await repos.tasks.set_owner(task, None, task.owner_org, now)
    user = await repos.users.get(user_id)
    await notify.to_coordinators(
        repos,
        team_id,
        Notice.TASKS_ORPHANED,
        {
            "task_ids": [task.id for task in tasks],
            "member_name": user.display_name if user is not None else None,
        },
        now,
        except_user=user_id,
    )
    await repos.audit.add(
        now,
        None,
        "task.release",
        team_id=team_id,
        object_type="user",
        object_id=user_id,
        details={"task_ids": [task.id for task in tasks]},
    )
    return tasks


async def derive(repos: Repos, task: Task, now: datetime) -> None:
    """The reminder before the deadline and the escalation at it, while the task is unfinished."""
    if task.status is TaskStatus.DONE:
        await repos.due.drop_pending(_TASK_WORK, task.id)
        return
    stamp = f"t{task.id}@{task.deadline:%Y%m%dT%H%MZ}"
    keys = [f"{stamp}:remind", f"{stamp}:overdue"]
    reminder_at = task.deadline - REMIND_BEFORE
    if reminder_at > now:
        await repos.due.ensure(
            keys[0], DueKind.TASK_REMINDER, task.team_id, task.id, reminder_at, now
        )
    await repos.due.ensure(keys[1], DueKind.TASK_OVERDUE, task.team_id, task.id, task.deadline, now)
    await repos.due.drop_pending(_TASK_WORK, task.id, keep=keys)


async def _managed(repos: Repos, actor: Actor, task_id: int) -> Task:
    """The task, if the actor coordinates its team (another team's task: not found)."""
    task = await _visible(repos, actor, task_id)
    await authz.require(repos, actor, Action.MANAGE_MEETINGS, task.team_id)
    return task


async def _visible(repos: Repos, actor: Actor, task_id: int) -> Task:
    team_id = await repos.tasks.team_of(task_id)
    if team_id is None or await authz.role_in(repos, actor, team_id) is None:
        raise TaskNotFound(str(task_id))
    task = await repos.tasks.get(team_id, task_id)
    if task is None:
        raise TaskNotFound(str(task_id))
    return task
