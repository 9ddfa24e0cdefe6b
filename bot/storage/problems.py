"""Repositories for localities, problems (with photos, supporters, timeline) and proposals.

Problem numbers are global (#12), but every read that returns a problem's content takes the
team it must belong to; :meth:`ProblemRepo.team_of` is the one lookup by number alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.domain.models import OrgType
from bot.domain.problems import (
    Category,
    EventKind,
    Locality,
    Organisation,
    Photo,
    Problem,
    ProblemFilter,
    ProblemLine,
    Proposal,
    ProposalStatus,
    Status,
    StatusFilter,
    TimelineEntry,
    Urgency,
)
from bot.storage.base import Repo, from_db, req_time, to_db


def _locality(row: aiosqlite.Row) -> Locality:
    return Locality(
        id=row["id"],
        team_id=row["team_id"],
        name=row["name"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        retired=row["retired_at"] is not None,
    )


class LocalityRepo(Repo):
    async def list(self, team_id: int, *, include_retired: bool = False) -> list[Locality]:
        rows = await self._all(
            "SELECT * FROM localities WHERE team_id = ? AND (? OR retired_at IS NULL) "
            "ORDER BY retired_at IS NOT NULL, name_key",
            (team_id, include_retired),
        )
        return [_locality(r) for r in rows]

    async def get(self, team_id: int, locality_id: int) -> Locality | None:
        row = await self._one(
            "SELECT * FROM localities WHERE id = ? AND team_id = ?", (locality_id, team_id)
        )
        return _locality(row) if row else None

    async def by_key(self, team_id: int, name_key: str) -> Locality | None:
        row = await self._one(
            "SELECT * FROM localities WHERE team_id = ? AND name_key = ?", (team_id, name_key)
        )
        return _locality(row) if row else None

    async def add(self, team_id: int, name: str, name_key: str, now: datetime) -> Locality:
        locality_id = await self._insert(
            "INSERT INTO localities (team_id, name, name_key, created_at) VALUES (?, ?, ?, ?)",
            (team_id, name, name_key, to_db(now)),
        )
        found = await self.get(team_id, locality_id)
        assert found is not None
        return found

    async def rename(self, team_id: int, locality_id: int, name: str, name_key: str) -> None:
        await self._exec(
            "UPDATE localities SET name = ?, name_key = ? WHERE id = ? AND team_id = ?",
            (name, name_key, locality_id, team_id),
        )

    async def set_retired(
        self, team_id: int, locality_id: int, retired_at: datetime | None
    ) -> None:
        await self._exec(
            "UPDATE localities SET retired_at = ? WHERE id = ? AND team_id = ?",
            (to_db(retired_at), locality_id, team_id),
        )

    async def set_position(
        self, team_id: int, locality_id: int, latitude: float, longitude: float
    ) -> None:
        await self._exec(
            "UPDATE localities SET latitude = ?, longitude = ? WHERE id = ? AND team_id = ?",
            (latitude, longitude, locality_id, team_id),
        )


_PROBLEM_SELECT = """
    SELECT p.*, COALESCE(l.name, p.locality_name) AS locality,
           u.display_name AS reporter_name, u.org_type AS reporter_org_type,
           u.org_name AS reporter_org_name
    FROM problems p
    LEFT JOIN localities l ON l.id = p.locality_id
    LEFT JOIN users u ON u.id = p.reporter_id
"""


def _org(org_type: str | None, name: str | None) -> Organisation | None:
    if not org_type:
        return None
    return Organisation(org_type=OrgType(org_type), name=name or "")


def _line(row: aiosqlite.Row) -> ProblemLine:
    return ProblemLine(
        id=row["id"],
        team_id=row["team_id"],
        category=Category(row["category"]),
        locality=row["locality"],
        urgency=Urgency(row["urgency"]),
        status=Status(row["status"]),
        coordinators_only=bool(row["coordinators_only"]),
        created_at=req_time(row["created_at"]),
    )


class NewProblem:
    """The fields a report brings; the rest starts empty."""

    def __init__(
        self,
        *,
        team_id: int,
        category: Category,
        locality_id: int | None,
        locality_name: str,
        locality_key: str,
        latitude: float | None,
        longitude: float | None,
        description: str,
        urgency: Urgency,
        coordinators_only: bool,
        reporter_id: int,
        submission_key: str,
    ) -> None:
        self.values = {
            "team_id": team_id,
            "category": category.value,
            "locality_id": locality_id,
            "locality_name": locality_name,
            "locality_key": locality_key,
            "latitude": latitude,
            "longitude": longitude,
            "description": description,
            "urgency": urgency.value,
            "coordinators_only": int(coordinators_only),
            "reporter_id": reporter_id,
            "submission_key": submission_key,
        }


class ProblemRepo(Repo):
    async def create(self, new: NewProblem, photos: Iterable[Photo], now: datetime) -> int:
        values = {**new.values, "status": Status.NEW.value}
        values["created_at"] = values["progressed_at"] = to_db(now)
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        problem_id = await self._insert(
            f"INSERT INTO problems ({columns}) VALUES ({marks})", values.values()
        )
        for position, photo in enumerate(photos):
            await self._exec(
                "INSERT INTO problem_photos (problem_id, position, file_id, file_unique_id, "
                "is_document) VALUES (?, ?, ?, ?, ?)",
                (problem_id, position, photo.file_id, photo.file_unique_id, photo.is_document),
            )
        return problem_id

    async def team_of(self, problem_id: int) -> int | None:
        row = await self._one("SELECT team_id FROM problems WHERE id = ?", (problem_id,))
        return int(row["team_id"]) if row else None

    async def by_submission(self, reporter_id: int, submission_key: str) -> int | None:
        row = await self._one(
            "SELECT id FROM problems WHERE reporter_id = ? AND submission_key = ?",
            (reporter_id, submission_key),
        )
        return int(row["id"]) if row else None

    async def get(self, team_id: int, problem_id: int) -> Problem | None:
        row = await self._one(
            _PROBLEM_SELECT + " WHERE p.id = ? AND p.team_id = ?", (problem_id, team_id)
        )
        if row is None:
            return None
        photos = await self._all(
            "SELECT * FROM problem_photos WHERE problem_id = ? ORDER BY position", (problem_id,)
        )
        contributors = await self._all(
            "SELECT * FROM problem_contributors WHERE problem_id = ? ORDER BY org_type, org_name",
            (problem_id,),
        )
        return Problem(
            id=row["id"],
            team_id=row["team_id"],
            category=Category(row["category"]),
            locality_id=row["locality_id"],
            locality=row["locality"],
            latitude=row["latitude"],
            longitude=row["longitude"],
            description=row["description"],
            urgency=Urgency(row["urgency"]),
            status=Status(row["status"]),
            coordinators_only=bool(row["coordinators_only"]),
            reporter_id=row["reporter_id"],
            reporter_name=row["reporter_name"],
            reporter_org=_org(row["reporter_org_type"], row["reporter_org_name"]),
            lead=_org(row["lead_org_type"], row["lead_org_name"]),
            contributors=[
                Organisation(org_type=OrgType(c["org_type"]), name=c["org_name"])
                for c in contributors
            ],
            duplicate_of=row["duplicate_of"],
            photos=[
                Photo(
                    file_id=p["file_id"],
                    file_unique_id=p["file_unique_id"],
                    is_document=bool(p["is_document"]),
                )
                for p in photos
            ],
            supporters=await self.supporters(problem_id),
            created_at=req_time(row["created_at"]),
            progressed_at=req_time(row["progressed_at"]),
            anonymised_at=from_db(row["anonymised_at"]),
        )

    async def supporters(self, problem_id: int) -> list[int]:
        rows = await self._all(
            "SELECT user_id FROM problem_supporters WHERE problem_id = ? ORDER BY at",
            (problem_id,),
        )
        return [int(r["user_id"]) for r in rows]

    async def open_similar(
        self, team_id: int, category: Category, locality_key: str, visible: Visibility
    ) -> list[ProblemLine]:
        """Open problems of the team in the same category and locality, newest first."""
        where, params = visible.sql()
        rows = await self._all(
            _PROBLEM_SELECT
            + " WHERE p.team_id = ? AND p.category = ? AND (p.locality_key = ? OR l.name_key = ?)"
            + f" AND p.status IN ({_marks(_OPEN)}) AND {where} ORDER BY p.id DESC",
            (team_id, category.value, locality_key, locality_key, *_OPEN, *params),
        )
        return [_line(r) for r in rows]

    async def search(
        self,
        team_ids: list[int],
        flt: ProblemFilter,
        visible: Visibility,
        now: datetime,
        *,
        offset: int,
        limit: int,
    ) -> tuple[list[ProblemLine], int]:
        """One page of the problems of ``team_ids`` that match ``flt``, newest first, and
        how many match in all."""
        if not team_ids:
            return [], 0
        where_all, params = filter_sql(team_ids, flt, visible, now)
        count_row = await self._one(
            "SELECT COUNT(*) FROM problems p LEFT JOIN localities l ON l.id = p.locality_id "
            f"LEFT JOIN users u ON u.id = p.reporter_id WHERE {where_all}",
            params,
        )
        total = int(count_row[0]) if count_row else 0
        rows = await self._all(
            _PROBLEM_SELECT + f" WHERE {where_all} ORDER BY p.id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [_line(r) for r in rows], total

    async def locality_names(
        self, team_ids: list[int], visible: Visibility
    ) -> list[tuple[str, str]]:
        """(key, current name) of every locality that visible problems of these teams are
        filed under."""
        if not team_ids:
            return []
        where, params = visible.sql()
        rows = await self._all(
            "SELECT p.locality_key AS key, MAX(COALESCE(l.name, p.locality_name)) AS name "
            "FROM problems p LEFT JOIN localities l ON l.id = p.locality_id "
            f"WHERE p.team_id IN ({_marks(team_ids)}) AND {where} "
            "GROUP BY p.locality_key ORDER BY key",
            [*team_ids, *params],
        )
        return [(r["key"], r["name"]) for r in rows]

    async def set_status(
        self, team_id: int, problem_id: int, status: Status, now: datetime
    ) -> None:
        await self._exec(
            "UPDATE problems SET status = ?, progressed_at = ?, "
            "duplicate_of = CASE WHEN ? = 'duplicate' THEN duplicate_of END "
            "WHERE id = ? AND team_id = ?",
            (status.value, to_db(now), status.value, problem_id, team_id),
        )

    async def mark_duplicate(
        self, team_id: int, problem_id: int, original_id: int, now: datetime
    ) -> None:
        await self._exec(
            "UPDATE problems SET status = 'duplicate', duplicate_of = ?, progressed_at = ? "
            "WHERE id = ? AND team_id = ?",
            (original_id, to_db(now), problem_id, team_id),
        )

    async def set_lead(self, team_id: int, problem_id: int, org: Organisation | None) -> None:
        await self._exec(
            "UPDATE problems SET lead_org_type = ?, lead_org_name = ? WHERE id = ? AND team_id = ?",
            (org.org_type.value if org else None, org.name if org else None, problem_id, team_id),
        )

    async def set_contributor(self, problem_id: int, org: Organisation, on: bool) -> bool:
        """Add the organisation as contributing (``on``) or take it away; True if changed."""
        if not on:
            removed = await self._exec(
                "DELETE FROM problem_contributors WHERE problem_id = ? AND org_type = ? "
                "AND org_name = ?",
                (problem_id, org.org_type.value, org.name),
            )
            return removed > 0
        added = await self._exec(
            "INSERT OR IGNORE INTO problem_contributors (problem_id, org_type, org_name) "
            "VALUES (?, ?, ?)",
            (problem_id, org.org_type.value, org.name),
        )
        return added > 0

    async def move(
        self,
        problem_id: int,
        from_team: int,
        to_team: int,
        locality_id: int | None,
        locality_name: str,
        locality_key: str,
    ) -> None:
        """Hand the problem and its proposals to another team, under a locality of that team
        (``locality_id``) or the name typed as it was."""
        await self._exec(
            "UPDATE problems SET team_id = ?, locality_id = ?, locality_name = ?, "
            "locality_key = ? WHERE id = ? AND team_id = ?",
            (to_team, locality_id, locality_name, locality_key, problem_id, from_team),
        )
        await self._exec(
            "UPDATE proposals SET team_id = ? WHERE problem_id = ? AND team_id = ?",
            (to_team, problem_id, from_team),
        )

    async def set_coordinators_only(self, team_id: int, problem_id: int, value: bool) -> None:
        await self._exec(
            "UPDATE problems SET coordinators_only = ? WHERE id = ? AND team_id = ?",
            (int(value), problem_id, team_id),
        )

    async def set_support(self, problem_id: int, user_id: int, on: bool, now: datetime) -> bool:
        """Support the problem (``on``) or withdraw the support; True if anything changed, so
        the same press delivered twice has one effect."""
        if not on:
            removed = await self._exec(
                "DELETE FROM problem_supporters WHERE problem_id = ? AND user_id = ?",
                (problem_id, user_id),
            )
            return removed > 0
        added = await self._exec(
            "INSERT OR IGNORE INTO problem_supporters (problem_id, user_id, at) VALUES (?, ?, ?)",
            (problem_id, user_id, to_db(now)),
        )
        return added > 0

    async def merge_into(self, source_id: int, target_id: int) -> None:
        """Copy supporters and comments of ``source_id`` to ``target_id`` (same team)."""
        await self._exec(
            "INSERT OR IGNORE INTO problem_supporters (problem_id, user_id, at) "
            "SELECT ?, user_id, at FROM problem_supporters WHERE problem_id = ?",
            (target_id, source_id),
        )
        await self._exec(
            "INSERT INTO problem_events (problem_id, at, actor_id, kind, text, other_problem) "
            "SELECT ?, at, actor_id, kind, text, ? FROM problem_events "
            "WHERE problem_id = ? AND kind = 'comment' ORDER BY id",
            (target_id, source_id, source_id),
        )

    async def add_event(
        self,
        problem_id: int,
        kind: EventKind,
        actor_id: int | None,
        now: datetime,
        *,
        status: Status | None = None,
        text: str = "",
        other_problem: int | None = None,
    ) -> None:
        await self._exec(
            "INSERT INTO problem_events (problem_id, at, actor_id, kind, status, text, "
            "other_problem) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                problem_id,
                to_db(now),
                actor_id,
                kind.value,
                status.value if status else None,
                text,
                other_problem,
            ),
        )

    async def timeline(self, problem_id: int, *, last: int) -> tuple[list[TimelineEntry], int]:
        """The newest ``last`` timeline entries in time order, and how many there are in all."""
        count_row = await self._one(
            "SELECT COUNT(*) FROM problem_events WHERE problem_id = ?", (problem_id,)
        )
        rows = await self._all(
            "SELECT e.*, u.display_name AS actor_name, u.org_type AS actor_org_type "
            "FROM problem_events e "
            "LEFT JOIN users u ON u.id = e.actor_id WHERE e.problem_id = ? "
            "ORDER BY e.id DESC LIMIT ?",
            (problem_id, last),
        )
        entries = [
            TimelineEntry(
                id=r["id"],
                problem_id=r["problem_id"],
                at=req_time(r["at"]),
                actor_id=r["actor_id"],
                actor_name=r["actor_name"],
                actor_org_type=OrgType(r["actor_org_type"]) if r["actor_org_type"] else None,
                kind=EventKind(r["kind"]),
                status=Status(r["status"]) if r["status"] else None,
                text=r["text"],
                other_problem=r["other_problem"],
            )
            for r in reversed(rows)
        ]
        return entries, int(count_row[0]) if count_row else 0


_OPEN = [Status.NEW.value, Status.DISCUSSED.value, Status.IN_PROGRESS.value]


def _marks(values: list[Any]) -> str:
    return ", ".join("?" for _ in values)


def filter_sql(
    team_ids: list[int], flt: ProblemFilter, visible: Visibility, now: datetime
) -> tuple[str, list[Any]]:
    """The WHERE clause (over ``problems p``, ``localities l``, ``users u`` of the reporter) of
    the problems of ``team_ids`` the viewer may see that match ``flt`` (its team aside): one
    place for ``/problems``, its full-text search and ``/export``."""
    clauses = [f"p.team_id IN ({_marks(team_ids)})", "p.status != 'withdrawn'"]
    params: list[Any] = list(team_ids)
    where, visible_params = visible.sql()
    clauses.append(where)
    params += visible_params
    if flt.category is not None:
        clauses.append("p.category = ?")
        params.append(flt.category.value)
    if flt.locality_key is not None:
        clauses.append("(p.locality_key = ? OR l.name_key = ?)")
        params += [flt.locality_key, flt.locality_key]
    if flt.status == StatusFilter.OPEN:
        clauses.append(f"p.status IN ({_marks(_OPEN)})")
        params += _OPEN
    elif isinstance(flt.status, Status):
        clauses.append("p.status = ?")
        params.append(flt.status.value)
    if flt.urgency is not None:
        clauses.append("p.urgency = ?")
        params.append(flt.urgency.value)
    if flt.older_than_days is not None:
        clauses.append("p.created_at <= ?")
        params.append(to_db(now - timedelta(days=flt.older_than_days)))
    if flt.org_type is not None:
        clauses.append(
            "(p.lead_org_type = ? OR u.org_type = ? OR EXISTS (SELECT 1 FROM "
            "problem_contributors c WHERE c.problem_id = p.id AND c.org_type = ?))"
        )
        params += [flt.org_type.value] * 3
    return " AND ".join(clauses), params


class Visibility:
    """Which problems a viewer may see: all of some teams, and of the others only those not
    reserved for coordinators (plus their own reports)."""

    def __init__(self, viewer_id: int, full_access_teams: Iterable[int]) -> None:
        self.viewer_id = viewer_id
        self.full = sorted(set(full_access_teams))

    def sql(self) -> tuple[str, list[Any]]:
        full = f" OR p.team_id IN ({_marks(self.full)})" if self.full else ""
        return (
            f"(p.coordinators_only = 0 OR p.reporter_id = ?{full})",
            [self.viewer_id, *self.full],
        )


def _proposal(row: aiosqlite.Row, supporters: list[int]) -> Proposal:
    return Proposal(
        id=row["id"],
        problem_id=row["problem_id"],
        team_id=row["team_id"],
        proposer_id=row["proposer_id"],
        proposer_name=row["proposer_name"],
        proposer_org_type=OrgType(row["proposer_org_type"]) if row["proposer_org_type"] else None,
        text=row["text"],
        responsible=OrgType(row["responsible"]) if row["responsible"] else None,
        status=ProposalStatus(row["status"]),
        reason=row["reason"],
        supporters=supporters,
        created_at=req_time(row["created_at"]),
        decided_at=from_db(row["decided_at"]),
    )


_PROPOSAL_SELECT = (
    "SELECT pr.*, u.display_name AS proposer_name, u.org_type AS proposer_org_type "
    "FROM proposals pr "
    "LEFT JOIN users u ON u.id = pr.proposer_id "
)


class ProposalRepo(Repo):
    async def create(
        self,
        team_id: int,
        problem_id: int,
        proposer_id: int,
        text: str,
        responsible: OrgType | None,
        now: datetime,
    ) -> int:
        return await self._insert(
            "INSERT INTO proposals (problem_id, team_id, proposer_id, text, responsible, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                problem_id,
                team_id,
                proposer_id,
                text,
                responsible.value if responsible else None,
                to_db(now),
            ),
        )

    async def team_of(self, proposal_id: int) -> int | None:
        row = await self._one("SELECT team_id FROM proposals WHERE id = ?", (proposal_id,))
        return int(row["team_id"]) if row else None

    async def get(self, team_id: int, proposal_id: int) -> Proposal | None:
        row = await self._one(
            _PROPOSAL_SELECT + "WHERE pr.id = ? AND pr.team_id = ?", (proposal_id, team_id)
        )
        return _proposal(row, await self._supporters(proposal_id)) if row else None

    async def for_problem(self, team_id: int, problem_id: int) -> list[Proposal]:
        rows = await self._all(
            _PROPOSAL_SELECT + "WHERE pr.team_id = ? AND pr.problem_id = ? ORDER BY pr.id",
            (team_id, problem_id),
        )
        return [_proposal(r, await self._supporters(r["id"])) for r in rows]

    async def _supporters(self, proposal_id: int) -> list[int]:
        rows = await self._all(
            "SELECT user_id FROM proposal_supporters WHERE proposal_id = ? ORDER BY at",
            (proposal_id,),
        )
        return [int(r["user_id"]) for r in rows]

    async def set_support(self, proposal_id: int, user_id: int, on: bool, now: datetime) -> bool:
        """Support the proposal (``on``) or withdraw the support; True if anything changed."""
        if not on:
            removed = await self._exec(
                "DELETE FROM proposal_supporters WHERE proposal_id = ? AND user_id = ?",
                (proposal_id, user_id),
            )
            return removed > 0
        added = await self._exec(
            "INSERT OR IGNORE INTO proposal_supporters (proposal_id, user_id, at) VALUES (?, ?, ?)",
            (proposal_id, user_id, to_db(now)),
        )
        return added > 0

    async def decide(
        self,
        team_id: int,
        proposal_id: int,
        status: ProposalStatus,
        reason: str,
        by: int,
        now: datetime,
    ) -> bool:
        """Accept or reject an open proposal; False if it was decided meanwhile."""
        changed = await self._exec(
            "UPDATE proposals SET status = ?, reason = ?, decided_by = ?, decided_at = ? "
            "WHERE id = ? AND team_id = ? AND status = 'open'",
            (status.value, reason, by, to_db(now), proposal_id, team_id),
        )
        return changed > 0
