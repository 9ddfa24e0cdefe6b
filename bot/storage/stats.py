"""The aggregates behind ``/stats``: every figure is counted by SQLite (COUNT, GROUP BY, a median
by ORDER BY … LIMIT/OFFSET), never by reading all problems into Python.

A :class:`StatsScope` names the teams and whether coordinators-only problems count; a time range
is ``[start, end)`` in UTC (None: open-ended). Times are stored as ISO-8601 UTC strings, so they
compare as text.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.models import OrgType
from bot.domain.problems import OPEN_STATUSES, Category, Status
from bot.domain.stats import Median, OldProblem
from bot.storage.base import Repo, from_db, req_time, to_db

_OPEN = "('new', 'discussed', 'in_progress')"
_SOLVED = "('solved', 'partly_solved')"
#: reports that are not problems of their own: taken back by the reporter, or a duplicate
_NOT_COUNTED = "('withdrawn', 'duplicate')"


@dataclass(frozen=True)
class StatsScope:
    team_ids: tuple[int, ...]
    #: coordinators-only problems count (coordinators and administrators); never for members
    confidential: bool

    def where(self, alias: str = "p") -> tuple[str, list[Any]]:
        marks = ", ".join("?" for _ in self.team_ids) or "NULL"
        sql = f"{alias}.team_id IN ({marks})"
        if not self.confidential:
            sql += f" AND {alias}.coordinators_only = 0"
        return sql, list(self.team_ids)


def _range(column: str, start: datetime | None, end: datetime | None) -> tuple[str, list[Any]]:
    parts, params = [], []
    if start is not None:
        parts.append(f"{column} >= ?")
        params.append(to_db(start))
    if end is not None:
        parts.append(f"{column} < ?")
        params.append(to_db(end))
    return (" AND ".join(parts) or "1"), params


def _median_sql(durations: str) -> str:
    """The count and the median of the ``days`` column of the query ``durations``: the middle
    one or two rows in order (the durations are computed once: MATERIALIZED)."""
    return (
        f"WITH d AS MATERIALIZED ({durations}) "
        "SELECT (SELECT COUNT(*) FROM d) AS n, "
        "(SELECT AVG(days) FROM (SELECT days FROM d ORDER BY days "
        "LIMIT 2 - (SELECT COUNT(*) FROM d) % 2 OFFSET (SELECT (COUNT(*) - 1) / 2 FROM d)))"
        " AS median"
    )


class StatsRepo(Repo):
    # --- open problems now ----------------------------------------------------------------

    async def open_by(self, scope: StatsScope, column: str) -> list[tuple[Any, int]]:
        """Open problems grouped by ``category``, ``status``, ``lead`` or ``team``, the largest
        group first."""
        expr = {
            "category": "p.category",
            "status": "p.status",
            "lead": "p.lead_org_type",
            "team": "p.team_id",
        }[column]
        where, params = scope.where()
        rows = await self._all(
            f"SELECT {expr} AS k, COUNT(*) AS n FROM problems p "
            f"WHERE {where} AND p.status IN {_OPEN} GROUP BY k ORDER BY k IS NULL, n DESC, k",
            params,
        )
        return [(r["k"], r["n"]) for r in rows]

    async def open_by_category(self, scope: StatsScope) -> list[tuple[Category, int]]:
        return [(Category(k), n) for k, n in await self.open_by(scope, "category")]

    async def open_by_status(self, scope: StatsScope) -> list[tuple[Status, int]]:
        counts = dict(await self.open_by(scope, "status"))
        return [(s, counts[s.value]) for s in OPEN_STATUSES if counts.get(s.value)]

    async def open_by_lead(self, scope: StatsScope) -> list[tuple[OrgType | None, int]]:
        return [
            (OrgType(k) if k in OrgType.__members__ else None, n)
            for k, n in await self.open_by(scope, "lead")
        ]

    async def open_by_locality(self, scope: StatsScope, limit: int) -> list[tuple[str, int]]:
        """The ``limit`` localities with the most open problems (named as the team calls them
        now) and, last, ``("", rest)`` for all the others together if there are any."""
        where, params = scope.where()
        rows = await self._all(
            "WITH g AS (SELECT p.team_id, p.locality_key, MIN(COALESCE(l.name, p.locality_name))"
            " AS name, COUNT(*) AS n FROM problems p"
            " LEFT JOIN localities l ON l.id = p.locality_id"
            f" WHERE {where} AND p.status IN {_OPEN} GROUP BY p.team_id, p.locality_key),"
            " top AS (SELECT name, n FROM g ORDER BY n DESC, name LIMIT ?)"
            " SELECT name, n FROM top"
            " UNION ALL SELECT '', (SELECT COALESCE(SUM(n), 0) FROM g)"
            " - (SELECT COALESCE(SUM(n), 0) FROM top)",
            [*params, limit],
        )
        named = [(r["name"], r["n"]) for r in rows[:-1]]
        rest = rows[-1]["n"]
        return [*named, ("", rest)] if rest else named

    async def oldest_open(self, scope: StatsScope, limit: int) -> list[OldProblem]:
        where, params = scope.where()
        rows = await self._all(
            "SELECT p.id, p.category, COALESCE(l.name, p.locality_name) AS locality, "
            "p.created_at FROM problems p LEFT JOIN localities l ON l.id = p.locality_id "
            f"WHERE {where} AND p.status IN {_OPEN} ORDER BY p.created_at, p.id LIMIT ?",
            [*params, limit],
        )
        return [
            OldProblem(
                id=r["id"],
                category=Category(r["category"]),
                locality=r["locality"],
                created_at=req_time(r["created_at"]),
            )
            for r in rows
        ]

    async def first_report(self, scope: StatsScope) -> datetime | None:
        where, params = scope.where()
        row = await self._one(
            f"SELECT MIN(p.created_at) AS first FROM problems p WHERE {where}", params
        )
        return from_db(row["first"]) if row is not None else None

    # --- the flow in a period -------------------------------------------------------------

    async def new_and_solved(
        self, scope: StatsScope, bounds: Sequence[datetime]
    ) -> list[tuple[int, int]]:
        """Reported and solved problems between each pair of consecutive ``bounds`` (UTC)."""
        if len(bounds) < 2:
            return []
        where, params = scope.where()
        values = ", ".join("(?, ?, ?)" for _ in bounds[1:])
        buckets: list[Any] = []
        for index, (start, end) in enumerate(itertools.pairwise(bounds)):
            buckets += [index, to_db(start), to_db(end)]
        rows = await self._all(
            f"WITH b(i, s, e) AS (VALUES {values}) SELECT b.i, "
            f"(SELECT COUNT(*) FROM problems p WHERE {where} "
            f"AND p.created_at >= b.s AND p.created_at < b.e "
            f"AND p.status NOT IN {_NOT_COUNTED}) AS new, "
            f"(SELECT COUNT(*) FROM problems p WHERE {where} AND p.status IN {_SOLVED} "
            "AND p.progressed_at >= b.s AND p.progressed_at < b.e) AS solved "
            "FROM b ORDER BY b.i",
            [*buckets, *params, *params],
        )
        return [(r["new"], r["solved"]) for r in rows]

    async def to_discussion(
        self, scope: StatsScope, start: datetime | None, end: datetime | None
    ) -> Median:
        """Days from the report to the first meeting whose finished minutes recorded an outcome
        for the problem other than "carried over", for problems first discussed in the range."""
        where, params = scope.where()
        when, range_params = _range("first_at", start, end)
        durations = (
            "SELECT julianday(first_at) - julianday(created_at) AS days FROM ("
            "SELECT p.created_at, MIN(m.starts_at) AS first_at FROM minutes_items i "
            "JOIN minutes n ON n.meeting_id = i.meeting_id AND n.finished_at IS NOT NULL "
            "JOIN meetings m ON m.id = i.meeting_id "
            "JOIN problems p ON p.id = i.problem_id "
            f"WHERE {where} AND i.outcome IS NOT NULL AND i.outcome != 'carried' "
            f"GROUP BY p.id) WHERE {when}"
        )
        row = await self._one(_median_sql(durations), [*params, *range_params])
        assert row is not None
        return Median(count=row["n"], days=row["median"])

    async def to_solution(
        self, scope: StatsScope, start: datetime | None, end: datetime | None
    ) -> Median:
        """Days from the report to the solution, for problems solved (or partly) in the range;
        a final status is set at ``progressed_at`` and stays until the problem is reopened."""
        where, params = scope.where()
        when, range_params = _range("p.progressed_at", start, end)
        durations = (
            "SELECT julianday(p.progressed_at) - julianday(p.created_at) AS days "
            f"FROM problems p WHERE {where} AND p.status IN {_SOLVED} AND {when}"
        )
        row = await self._one(_median_sql(durations), [*params, *range_params])
        assert row is not None
        return Median(count=row["n"], days=row["median"])

    # --- meetings and tasks ---------------------------------------------------------------

    async def meetings_held(
        self, team_ids: Sequence[int], start: datetime | None, end: datetime | None
    ) -> tuple[int, list[tuple[OrgType | None, int]]]:
        """Meetings held in the range, and the presences recorded at them per organisation
        type (the most first)."""
        marks = ", ".join("?" for _ in team_ids) or "NULL"
        when, range_params = _range("m.starts_at", start, end)
        held = (
            f"SELECT m.id FROM meetings m WHERE m.team_id IN ({marks}) "
            f"AND m.status = 'held' AND {when}"
        )
        row = await self._one(f"SELECT COUNT(*) AS n FROM ({held})", [*team_ids, *range_params])
        rows = await self._all(
            "SELECT u.org_type AS k, COUNT(*) AS n FROM minutes_attendance a "
            "JOIN users u ON u.id = a.user_id "
            f"WHERE a.meeting_id IN ({held}) GROUP BY k ORDER BY n DESC, k",
            [*team_ids, *range_params],
        )
        count = row["n"] if row is not None else 0
        return count, [
            (OrgType(r["k"]) if r["k"] in OrgType.__members__ else None, r["n"]) for r in rows
        ]

    async def tasks(
        self,
        team_ids: Sequence[int],
        start: datetime | None,
        end: datetime | None,
        now: datetime,
    ) -> tuple[int, int, int]:
        """Tasks with the deadline in the range: done by the deadline, done after it, and not
        done with the deadline past. A done task's last change is when it was marked done."""
        marks = ", ".join("?" for _ in team_ids) or "NULL"
        when, range_params = _range("deadline", start, end)
        row = await self._one(
            "SELECT "
            "COALESCE(SUM(status = 'done' AND updated_at <= deadline), 0) AS on_time, "
            "COALESCE(SUM(status = 'done' AND updated_at > deadline), 0) AS late, "
            "COALESCE(SUM(status != 'done' AND deadline < ?), 0) AS overdue "
            f"FROM tasks WHERE team_id IN ({marks}) AND {when}",
            [to_db(now), *team_ids, *range_params],
        )
        assert row is not None
        return row["on_time"], row["late"], row["overdue"]
