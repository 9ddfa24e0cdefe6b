"""Rows for ``/export``: problems (with the ``/problems`` filters), tasks and meetings with their
attendance, read in chunks by id so that a large export never holds the database (or much
memory) for long.

Every read takes the team ids the exporter may export and, for problems, their visibility; a
task of a problem the viewer may not see is left out with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.exports import MeetingRow, ProblemRow, TaskRow
from bot.domain.models import OrgType
from bot.domain.problems import Category, ProblemFilter, Status, Urgency
from bot.domain.tasks import TaskStatus
from bot.storage.base import Repo, req_time, to_db
from bot.storage.problems import Visibility, _marks, filter_sql


@dataclass(frozen=True)
class Span:
    """[since, until) in UTC; None: open."""

    since: datetime | None = None
    until: datetime | None = None

    def sql(self, column: str) -> tuple[str, list[Any]]:
        clauses, params = [], []
        if self.since is not None:
            clauses.append(f"{column} >= ?")
            params.append(to_db(self.since))
        if self.until is not None:
            clauses.append(f"{column} < ?")
            params.append(to_db(self.until))
        return (" AND ".join(clauses) or "1"), params


def _org(value: str | None) -> OrgType | None:
    return OrgType(value) if value is not None and value in OrgType.__members__ else None


class ExportRepo(Repo):
    async def count_problems(
        self,
        team_ids: list[int],
        flt: ProblemFilter,
        visible: Visibility,
        now: datetime,
        span: Span,
    ) -> int:
        if not team_ids:
            return 0
        where, params = filter_sql(team_ids, flt, visible, now)
        period, period_params = span.sql("p.created_at")
        row = await self._one(
            "SELECT COUNT(*) FROM problems p LEFT JOIN localities l ON l.id = p.locality_id "
            f"LEFT JOIN users u ON u.id = p.reporter_id WHERE {where} AND {period}",
            [*params, *period_params],
        )
        return int(row[0]) if row else 0

    async def problems(
        self,
        team_ids: list[int],
        flt: ProblemFilter,
        visible: Visibility,
        now: datetime,
        span: Span,
        *,
        after: int,
        limit: int,
    ) -> list[ProblemRow]:
        """Problems reported in the span, by number, after number ``after``."""
        if not team_ids:
            return []
        where, params = filter_sql(team_ids, flt, visible, now)
        period, period_params = span.sql("p.created_at")
        rows = await self._all(
            "SELECT p.id, t.name AS team, p.category, COALESCE(l.name, p.locality_name) AS "
            "locality, p.status, p.urgency, p.coordinators_only, p.created_at, p.progressed_at, "
            "u.org_type AS reporter_org_type, p.lead_org_type, p.lead_org_name, p.duplicate_of, "
            "p.description, p.anonymised_at, "
            "(SELECT COUNT(*) FROM problem_supporters s WHERE s.problem_id = p.id) AS supporters, "
            "(SELECT COUNT(*) FROM proposals pr WHERE pr.problem_id = p.id) AS proposals, "
            "(SELECT COUNT(*) FROM problem_events e WHERE e.problem_id = p.id "
            "AND e.kind = 'comment') AS comments "
            # NOT INDEXED: walk the rows by number from ``after`` (the team index would sort
            # the whole team again for every chunk)
            "FROM problems p NOT INDEXED JOIN teams t ON t.id = p.team_id "
            "LEFT JOIN localities l ON l.id = p.locality_id "
            "LEFT JOIN users u ON u.id = p.reporter_id "
            f"WHERE {where} AND {period} AND p.id > ? ORDER BY p.id LIMIT ?",
            [*params, *period_params, after, limit],
        )
        return [
            ProblemRow(
                id=r["id"],
                team=r["team"],
                category=Category(r["category"]),
                locality=r["locality"],
                status=Status(r["status"]),
                urgency=Urgency(r["urgency"]),
                coordinators_only=bool(r["coordinators_only"]),
                created_at=req_time(r["created_at"]),
                progressed_at=req_time(r["progressed_at"]),
                reporter_org_type=_org(r["reporter_org_type"]),
                lead_org_type=_org(r["lead_org_type"]),
                lead_org_name=r["lead_org_name"],
                supporters=r["supporters"],
                proposals=r["proposals"],
                comments=r["comments"],
                duplicate_of=r["duplicate_of"],
                description=r["description"],
                anonymised=r["anonymised_at"] is not None,
            )
            for r in rows
        ]

    def _task_where(
        self, team_ids: list[int], visible: Visibility, span: Span
    ) -> tuple[str, list[Any]]:
        seen, seen_params = visible.sql()
        period, period_params = span.sql("k.created_at")
        return (
            f"k.team_id IN ({_marks(team_ids)}) AND {period} "
            f"AND (k.problem_id IS NULL OR EXISTS (SELECT 1 FROM problems p "
            f"WHERE p.id = k.problem_id AND {seen}))",
            [*team_ids, *period_params, *seen_params],
        )

    async def count_tasks(self, team_ids: list[int], visible: Visibility, span: Span) -> int:
        if not team_ids:
            return 0
        where, params = self._task_where(team_ids, visible, span)
        row = await self._one(f"SELECT COUNT(*) FROM tasks k WHERE {where}", params)
        return int(row[0]) if row else 0

    async def tasks(
        self, team_ids: list[int], visible: Visibility, span: Span, *, after: int, limit: int
    ) -> list[TaskRow]:
        """Tasks agreed in the span, by number, after number ``after``."""
        if not team_ids:
            return []
        where, params = self._task_where(team_ids, visible, span)
        rows = await self._all(
            "SELECT k.*, t.name AS team, u.display_name AS owner_name, "
            "u.org_type AS owner_org_type "
            "FROM tasks k NOT INDEXED JOIN teams t ON t.id = k.team_id "
            f"LEFT JOIN users u ON u.id = k.owner_id WHERE {where} AND k.id > ? "
            "ORDER BY k.id LIMIT ?",
            [*params, after, limit],
        )
        return [
            TaskRow(
                id=r["id"],
                team=r["team"],
                problem_id=r["problem_id"],
                text=r["text"],
                owner_name=r["owner_name"],
                owner_former=r["owner_id"] is not None and r["owner_id"] < 0,
                owner_org_type=_org(r["owner_org_type"]),
                owner_org=r["owner_org"],
                deadline=req_time(r["deadline"]),
                status=TaskStatus(r["status"]),
                created_at=req_time(r["created_at"]),
                updated_at=req_time(r["updated_at"]),
            )
            for r in rows
        ]

    async def count_meetings(self, team_ids: list[int], span: Span) -> int:
        if not team_ids:
            return 0
        period, period_params = span.sql("m.starts_at")
        row = await self._one(
            f"SELECT COUNT(*) FROM meetings m WHERE m.team_id IN ({_marks(team_ids)}) AND {period}",
            [*team_ids, *period_params],
        )
        return int(row[0]) if row else 0

    async def meetings(
        self, team_ids: list[int], span: Span, *, after: datetime | None, after_id: int, limit: int
    ) -> list[MeetingRow]:
        """Meetings starting in the span, by start, after (``after``, ``after_id``)."""
        if not team_ids:
            return []
        period, period_params = span.sql("m.starts_at")
        keyset, keyset_params = "1", []
        if after is not None:
            keyset = "(m.starts_at > ? OR (m.starts_at = ? AND m.id > ?))"
            keyset_params = [to_db(after), to_db(after), after_id]
        rows = await self._all(
            "SELECT m.id, t.name AS team, m.starts_at, m.timezone, m.place, m.status, "
            "(SELECT COUNT(*) FROM meeting_answers a WHERE a.meeting_id = m.id "
            "AND a.answer = 'yes') AS yes, "
            "(SELECT COUNT(*) FROM meeting_answers a WHERE a.meeting_id = m.id "
            "AND a.answer = 'no') AS no, "
            "(SELECT COUNT(*) FROM meeting_answers a WHERE a.meeting_id = m.id "
            "AND a.answer = 'maybe') AS maybe, "
            "(SELECT COUNT(*) FROM meeting_guests g WHERE g.meeting_id = m.id) AS guests "
            "FROM meetings m JOIN teams t ON t.id = m.team_id "
            f"WHERE m.team_id IN ({_marks(team_ids)}) AND {period} AND {keyset} "
            "ORDER BY m.starts_at, m.id LIMIT ?",
            [*team_ids, *period_params, *keyset_params, limit],
        )
        ids = [int(r["id"]) for r in rows]
        present: dict[int, dict[OrgType, int]] = {i: {} for i in ids}
        if ids:
            counted = await self._all(
                "SELECT a.meeting_id, COALESCE(u.org_type, 'JINE') AS org, COUNT(*) AS n "
                "FROM minutes_attendance a LEFT JOIN users u ON u.id = a.user_id "
                f"WHERE a.meeting_id IN ({_marks(ids)}) GROUP BY a.meeting_id, org",
                ids,
            )
            for c in counted:
                org = _org(c["org"]) or OrgType.JINE
                by_org = present[int(c["meeting_id"])]
                by_org[org] = by_org.get(org, 0) + int(c["n"])
        return [
            MeetingRow(
                id=r["id"],
                team=r["team"],
                starts_at=req_time(r["starts_at"]),
                timezone=r["timezone"],
                place=r["place"],
                status=r["status"],
                yes=r["yes"],
                no=r["no"],
                maybe=r["maybe"],
                present=sum(present[int(r["id"])].values()),
                present_by_org=present[int(r["id"])],
                guests=r["guests"],
            )
            for r in rows
        ]
