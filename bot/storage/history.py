"""Writing past records in bulk, with the times they happened: the demo's year of history
(``mdtbot sandbox --demo``) and the benchmarks' large databases.

Nothing here notifies anyone or derives due work: these are records of what already happened
(problems reported and solved, meetings held with their minutes, tasks done). Rows are written
with ``executemany``; the numbers of new problems are consecutive (one writer, AUTOINCREMENT).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.minutes import Outcome
from bot.domain.models import OrgType
from bot.domain.problems import Category, Status, Urgency
from bot.domain.tasks import TaskStatus
from bot.storage.base import Repo, to_db


@dataclass(frozen=True)
class PastProblem:
    team_id: int
    category: Category
    locality_id: int | None
    locality_name: str
    locality_key: str
    description: str
    urgency: Urgency
    status: Status
    reporter_id: int | None
    created_at: datetime
    progressed_at: datetime  # the last status change (creation if never changed)
    coordinators_only: bool = False
    lead: tuple[OrgType, str] | None = None


@dataclass(frozen=True)
class PastMinutesItem:
    problem_id: int
    outcome: Outcome


@dataclass(frozen=True)
class PastMeeting:
    team_id: int
    starts_at: datetime
    place: str
    created_by: int | None
    present: Sequence[int]
    items: Sequence[PastMinutesItem]
    timezone: str = "Europe/Prague"


@dataclass(frozen=True)
class PastTask:
    team_id: int
    text: str
    deadline: datetime
    status: TaskStatus
    created_at: datetime
    updated_at: datetime  # when it was marked done (or last changed)
    owner_id: int | None = None
    owner_org: str | None = None
    problem_id: int | None = None
    meeting_id: int | None = None
    created_by: int | None = None


class HistoryRepo(Repo):
    async def add_problems(self, problems: Sequence[PastProblem]) -> list[int]:
        """Insert the problems with a "created" timeline entry (and a status entry when their
        status changed); returns their numbers in order."""
        if not problems:
            return []
        row = await self._one("SELECT COALESCE(MAX(id), 0) AS top FROM problems")
        first = (row["top"] if row is not None else 0) + 1
        await self.conn.executemany(
            "INSERT INTO problems (team_id, category, locality_id, locality_name, locality_key,"
            " description, urgency, status, coordinators_only, reporter_id, lead_org_type,"
            " lead_org_name, created_at, progressed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    p.team_id,
                    p.category.value,
                    p.locality_id,
                    p.locality_name,
                    p.locality_key,
                    p.description,
                    p.urgency.value,
                    p.status.value,
                    int(p.coordinators_only),
                    p.reporter_id,
                    p.lead[0].value if p.lead else None,
                    p.lead[1] if p.lead else None,
                    to_db(p.created_at),
                    to_db(p.progressed_at),
                )
                for p in problems
            ],
        )
        ids = list(range(first, first + len(problems)))
        events: list[tuple[object, ...]] = []
        for number, p in zip(ids, problems, strict=True):
            events.append((number, to_db(p.created_at), p.reporter_id, "created", None))
            if p.status is not Status.NEW:
                events.append((number, to_db(p.progressed_at), None, "status", p.status.value))
        await self.conn.executemany(
            "INSERT INTO problem_events (problem_id, at, actor_id, kind, status)"
            " VALUES (?, ?, ?, ?, ?)",
            events,
        )
        return ids

    async def add_meeting(self, meeting: PastMeeting) -> int:
        """A meeting held at ``starts_at`` whose minutes were finished two hours later."""
        start = to_db(meeting.starts_at)
        meeting_id = await self._insert(
            "INSERT INTO meetings (team_id, starts_at, timezone, place, status, created_at,"
            " created_by, updated_at) VALUES (?, ?, ?, ?, 'held', ?, ?, ?)",
            (meeting.team_id, start, meeting.timezone, meeting.place, start,
             meeting.created_by, start),
        )  # fmt: skip
        await self._exec(
            "INSERT INTO minutes (meeting_id, started_by, started_at, finished_at)"
            " VALUES (?, ?, ?, ?)",
            (meeting_id, meeting.created_by, start, to_db(meeting.starts_at + timedelta(hours=2))),
        )
        await self.conn.executemany(
            "INSERT INTO minutes_attendance (meeting_id, user_id) VALUES (?, ?)",
            [(meeting_id, user_id) for user_id in meeting.present],
        )
        await self.conn.executemany(
            "INSERT INTO minutes_items (meeting_id, position, section, problem_id, outcome)"
            " VALUES (?, ?, 'open', ?, ?)",
            [
                (meeting_id, position, item.problem_id, item.outcome.value)
                for position, item in enumerate(meeting.items)
            ],
        )
        return meeting_id

    async def add_tasks(self, tasks: Sequence[PastTask]) -> None:
        await self.conn.executemany(
            "INSERT INTO tasks (team_id, problem_id, meeting_id, text, owner_id, owner_org,"
            " deadline, status, created_by, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    task.team_id,
                    task.problem_id,
                    task.meeting_id,
                    task.text,
                    task.owner_id,
                    task.owner_org,
                    to_db(task.deadline),
                    task.status.value,
                    task.created_by,
                    to_db(task.created_at),
                    to_db(task.updated_at),
                )
                for task in tasks
            ],
        )
