"""What a locality card reads: a locality's problems, their status changes, the meetings that
discussed them, their open tasks and pinned problems nearby.

A locality is named by its *effective key*: the current name key of the team's named locality
a problem is filed under, or the key of the name the reporter typed (``COALESCE(l.name_key,
p.locality_key)``), so a renamed locality keeps its problems. Every query takes the team and a
:class:`~bot.storage.problems.Visibility`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.locality_card import PinnedLine
from bot.domain.minutes import Outcome
from bot.domain.problems import Category, Status, Urgency
from bot.domain.tasks import Task
from bot.storage.base import Repo, req_time
from bot.storage.problems import Visibility
from bot.storage.tasks import _task

_KEY = "COALESCE(l.name_key, p.locality_key)"
_FROM = "FROM problems p LEFT JOIN localities l ON l.id = p.locality_id"


def _pinned(row: aiosqlite.Row) -> PinnedLine:
    return PinnedLine(
        id=row["id"],
        team_id=row["team_id"],
        category=Category(row["category"]),
        locality=row["locality"],
        urgency=Urgency(row["urgency"]),
        status=Status(row["status"]),
        coordinators_only=bool(row["coordinators_only"]),
        created_at=req_time(row["created_at"]),
        progressed_at=req_time(row["progressed_at"]),
        latitude=row["latitude"],
        longitude=row["longitude"],
    )


_LINE = (
    "SELECT p.id, p.team_id, p.category, COALESCE(l.name, p.locality_name) AS locality, "
    "p.urgency, p.status, p.coordinators_only, p.created_at, p.progressed_at, "
    "p.latitude, p.longitude "
)


class LocalityCardRepo(Repo):
    def _where(self, team_id: int, key: str, visible: Visibility) -> tuple[str, list[Any]]:
        where, params = visible.sql()
        return (
            f"p.team_id = ? AND {_KEY} = ? AND p.status != 'withdrawn' AND {where}",
            [team_id, key, *params],
        )

    async def names(self, team_ids: list[int], visible: Visibility) -> list[tuple[int, str, str]]:
        """(team, key, name) of the localities the viewer may see: every named locality of
        the teams that is not retired, and every locality their visible problems are filed
        under (a name typed only on a coordinators-only problem stays hidden from members)."""
        if not team_ids:
            return []
        marks = ", ".join("?" for _ in team_ids)
        named = await self._all(
            f"SELECT team_id, name_key, name FROM localities "
            f"WHERE team_id IN ({marks}) AND retired_at IS NULL",
            team_ids,
        )
        where, params = visible.sql()
        typed = await self._all(
            f"SELECT p.team_id, {_KEY}, MAX(COALESCE(l.name, p.locality_name)) "
            f"{_FROM} WHERE p.team_id IN ({marks}) AND p.status != 'withdrawn' AND {where} "
            f"GROUP BY p.team_id, {_KEY}",
            [*team_ids, *params],
        )
        found: dict[tuple[int, str], str] = {}
        for row in [*named, *typed]:  # a named locality's own spelling first
            found.setdefault((int(row[0]), str(row[1])), str(row[2]))
        return sorted(
            ((team, key, name) for (team, key), name in found.items()),
            key=lambda x: (x[1], x[0]),
        )

    async def position(self, team_id: int, key: str) -> tuple[float, float] | None:
        """The named locality's own pin, if it has one."""
        row = await self._one(
            "SELECT latitude, longitude FROM localities WHERE team_id = ? AND name_key = ? "
            "AND latitude IS NOT NULL AND longitude IS NOT NULL",
            (team_id, key),
        )
        return (float(row[0]), float(row[1])) if row else None

    async def problems(self, team_id: int, key: str, visible: Visibility) -> list[PinnedLine]:
        """The locality's visible problems (not withdrawn), newest first."""
        where, params = self._where(team_id, key, visible)
        rows = await self._all(_LINE + f"{_FROM} WHERE {where} ORDER BY p.id DESC", params)
        return [_pinned(r) for r in rows]

    async def status_changes(
        self, team_id: int, key: str, visible: Visibility
    ) -> list[tuple[int, datetime, Status]]:
        """(problem, when, new status) of every status change of those problems, in order."""
        where, params = self._where(team_id, key, visible)
        rows = await self._all(
            "SELECT e.problem_id, e.at, e.status FROM problem_events e "
            f"JOIN problems p ON p.id = e.problem_id "
            f"LEFT JOIN localities l ON l.id = p.locality_id "
            f"WHERE e.status IS NOT NULL AND {where} ORDER BY e.at, e.id",
            params,
        )
        return [(int(r[0]), req_time(r[1]), Status(r[2])) for r in rows]

    async def discussions(
        self, team_id: int, key: str, visible: Visibility, limit: int
    ) -> list[tuple[int, datetime, int, Outcome]]:
        """(meeting, its start, problem, outcome) of finished minutes that recorded an outcome
        for one of those problems, newest first."""
        where, params = self._where(team_id, key, visible)
        rows = await self._all(
            "SELECT m.id, m.starts_at, mi.problem_id, mi.outcome FROM minutes_items mi "
            "JOIN minutes mn ON mn.meeting_id = mi.meeting_id AND mn.finished_at IS NOT NULL "
            "JOIN meetings m ON m.id = mi.meeting_id AND m.team_id = ? "
            "JOIN problems p ON p.id = mi.problem_id "
            "LEFT JOIN localities l ON l.id = p.locality_id "
            f"WHERE mi.outcome IS NOT NULL AND {where} "
            "ORDER BY m.starts_at DESC, mi.position LIMIT ?",
            [team_id, *params, limit],
        )
        return [(int(r[0]), req_time(r[1]), int(r[2]), Outcome(r[3])) for r in rows]

    async def open_tasks(self, team_id: int, key: str, visible: Visibility) -> list[Task]:
        """Unfinished tasks of those problems, soonest deadline first."""
        where, params = self._where(team_id, key, visible)
        rows = await self._all(
            "SELECT t.*, u.display_name AS owner_name FROM tasks t "
            "LEFT JOIN users u ON u.id = t.owner_id "
            "JOIN problems p ON p.id = t.problem_id "
            "LEFT JOIN localities l ON l.id = p.locality_id "
            f"WHERE t.team_id = ? AND t.status != 'done' AND {where} "
            "ORDER BY t.deadline, t.id",
            [team_id, *params],
        )
        return [_task(r) for r in rows]

    async def pinned_in_box(
        self,
        team_id: int,
        key: str,
        visible: Visibility,
        box: tuple[float, float, float, float],
    ) -> list[PinnedLine]:
        """The team's visible pinned problems of *other* localities inside the box
        (south, west, north, east); the caller measures the real distance."""
        where, params = visible.sql()
        south, west, north, east = box
        rows = await self._all(
            _LINE + f"{_FROM} WHERE p.team_id = ? AND {_KEY} != ? AND p.status != 'withdrawn' "
            "AND p.latitude BETWEEN ? AND ? AND p.longitude BETWEEN ? AND ? "
            f"AND {where} ORDER BY p.id DESC",
            [team_id, key, south, north, west, east, *params],
        )
        return [_pinned(r) for r in rows]
