"""Tasks, always read through their team."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain.tasks import Task, TaskStatus
from bot.storage.base import Repo, req_time, to_db

_SELECT = """
    SELECT t.*, u.display_name AS owner_name FROM tasks t LEFT JOIN users u ON u.id = t.owner_id
"""


def _task(row: aiosqlite.Row) -> Task:
    return Task(
        id=row["id"],
        team_id=row["team_id"],
        problem_id=row["problem_id"],
        meeting_id=row["meeting_id"],
        text=row["text"],
        owner_id=row["owner_id"],
        owner_name=row["owner_name"],
        owner_org=row["owner_org"],
        deadline=req_time(row["deadline"]),
        status=TaskStatus(row["status"]),
        created_at=req_time(row["created_at"]),
        updated_at=req_time(row["updated_at"]),
    )


class TaskRepo(Repo):
    async def create(
        self,
        team_id: int,
        text: str,
        deadline: datetime,
        now: datetime,
        *,
        owner_id: int | None,
        owner_org: str | None,
        problem_id: int | None,
        meeting_id: int | None,
        created_by: int | None,
    ) -> Task:
        task_id = await self._insert(
            "INSERT INTO tasks (team_id, problem_id, meeting_id, text, owner_id, owner_org, "
            "deadline, status, created_by, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)",
            (
                team_id,
                problem_id,
                meeting_id,
                text,
                owner_id,
                owner_org,
                to_db(deadline),
                created_by,
                to_db(now),
                to_db(now),
            ),
        )
        task = await self.get(team_id, task_id)
        assert task is not None
        return task

    async def get(self, team_id: int, task_id: int) -> Task | None:
        row = await self._one(_SELECT + " WHERE t.id = ? AND t.team_id = ?", (task_id, team_id))
        return _task(row) if row else None

    async def team_of(self, task_id: int) -> int | None:
        row = await self._one("SELECT team_id FROM tasks WHERE id = ?", (task_id,))
        return int(row[0]) if row else None

    async def of_owner(self, user_id: int) -> list[Task]:
        """The person's unfinished tasks in teams they still belong to, soonest first."""
        rows = await self._all(
            _SELECT + " JOIN memberships m ON m.team_id = t.team_id AND m.user_id = t.owner_id "
            "AND m.removed_at IS NULL WHERE t.owner_id = ? AND t.status != 'done' "
            "ORDER BY t.deadline, t.id",
            (user_id,),
        )
        return [_task(r) for r in rows]

    async def unfinished(self, team_id: int, *, due_by: datetime | None = None) -> list[Task]:
        """The team's open and blocked tasks (with a deadline by ``due_by``), soonest first."""
        rows = await self._all(
            _SELECT + " WHERE t.team_id = ? AND t.status != 'done' AND (? IS NULL OR "
            "t.deadline <= ?) ORDER BY t.deadline, t.id",
            (team_id, to_db(due_by), to_db(due_by)),
        )
        return [_task(r) for r in rows]

    async def by_ids(self, team_id: int, ids: list[int]) -> dict[int, Task]:
        if not ids:
            return {}
        marks = ",".join("?" for _ in ids)
        rows = await self._all(
            _SELECT + f" WHERE t.team_id = ? AND t.id IN ({marks})", (team_id, *ids)
        )
        return {r["id"]: _task(r) for r in rows}

    async def of_problem(self, team_id: int, problem_id: int) -> list[Task]:
        """The problem's tasks, unfinished first, then by deadline."""
        rows = await self._all(
            _SELECT + " WHERE t.team_id = ? AND t.problem_id = ? "
            "ORDER BY t.status = 'done', t.deadline, t.id",
            (team_id, problem_id),
        )
        return [_task(r) for r in rows]

    async def of_meeting(self, team_id: int, meeting_id: int) -> list[Task]:
        rows = await self._all(
            _SELECT + " WHERE t.team_id = ? AND t.meeting_id = ? ORDER BY t.id",
            (team_id, meeting_id),
        )
        return [_task(r) for r in rows]

    async def set_status(self, task: Task, status: TaskStatus, now: datetime) -> None:
        await self._exec(
            "UPDATE tasks SET status = ?, updated_at = ? WHERE id = ? AND team_id = ?",
            (status.value, to_db(now), task.id, task.team_id),
        )

    async def set_owner(
        self, task: Task, owner_id: int | None, owner_org: str | None, now: datetime
    ) -> None:
        await self._exec(
            "UPDATE tasks SET owner_id = ?, owner_org = ?, updated_at = ? "
            "WHERE id = ? AND team_id = ?",
            (owner_id, owner_org, to_db(now), task.id, task.team_id),
        )

    async def set_deadline(self, task: Task, deadline: datetime, now: datetime) -> None:
        await self._exec(
            "UPDATE tasks SET deadline = ?, updated_at = ? WHERE id = ? AND team_id = ?",
            (to_db(deadline), to_db(now), task.id, task.team_id),
        )

    async def unfinished_of(self, team_id: int, owner_id: int) -> list[Task]:
        """The member's open and blocked tasks in this team (whether they are still in it)."""
        rows = await self._all(
            _SELECT + " WHERE t.team_id = ? AND t.owner_id = ? AND t.status != 'done' "
            "ORDER BY t.deadline, t.id",
            (team_id, owner_id),
        )
        return [_task(r) for r in rows]
