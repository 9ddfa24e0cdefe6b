"""A person's settings (digest schedule, muted teams) and the queries of the weekly digest."""

from __future__ import annotations

from datetime import datetime, time

import aiosqlite

from bot.domain.digest import CityLine, DigestProblem, DigestSchedule, ProblemList
from bot.domain.meetings import DueKind
from bot.domain.problems import OPEN_STATUSES, Category, Urgency
from bot.storage.base import Repo, from_db, req_time, to_db

_OPEN = "(" + ", ".join(f"'{s.value}'" for s in OPEN_STATUSES) + ")"


class PersonSettingsRepo(Repo):
    async def digest(self, user_id: int) -> DigestSchedule:
        row = await self._one("SELECT * FROM person_settings WHERE user_id = ?", (user_id,))
        if row is None:
            return DigestSchedule()
        minute = int(row["digest_minute"])
        return DigestSchedule(
            weekday=int(row["digest_weekday"]),
            at=time(minute // 60, minute % 60),
            on=bool(row["digest_on"]),
        )

    async def set_digest(self, user_id: int, schedule: DigestSchedule) -> None:
        await self._exec(
            "INSERT INTO person_settings (user_id, digest_weekday, digest_minute, digest_on) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
            "digest_weekday = excluded.digest_weekday, digest_minute = excluded.digest_minute, "
            "digest_on = excluded.digest_on",
            (
                user_id,
                schedule.weekday,
                schedule.at.hour * 60 + schedule.at.minute,
                int(schedule.on),
            ),
        )

    async def muted(self, user_id: int) -> set[int]:
        rows = await self._all("SELECT team_id FROM muted_teams WHERE user_id = ?", (user_id,))
        return {int(r[0]) for r in rows}

    async def is_muted(self, user_id: int, team_id: int) -> bool:
        row = await self._one(
            "SELECT 1 FROM muted_teams WHERE user_id = ? AND team_id = ?", (user_id, team_id)
        )
        return row is not None

    async def set_muted(self, user_id: int, team_id: int, muted: bool, now: datetime) -> bool:
        """True if it changed."""
        if muted:
            changed = await self._exec(
                "INSERT INTO muted_teams (user_id, team_id, muted_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (user_id, team_id, to_db(now)),
            )
        else:
            changed = await self._exec(
                "DELETE FROM muted_teams WHERE user_id = ? AND team_id = ?", (user_id, team_id)
            )
        return changed > 0

    async def forget(self, user_id: int) -> None:
        """Everything of the person here (erasure): settings, mutes, digests planned or done."""
        await self._exec("DELETE FROM person_settings WHERE user_id = ?", (user_id,))
        await self._exec("DELETE FROM muted_teams WHERE user_id = ?", (user_id,))
        await self._exec(
            "DELETE FROM due_work WHERE kind = ? AND ref_id = ?", (DueKind.DIGEST.value, user_id)
        )

    async def last_digest(self, user_id: int) -> datetime | None:
        """When the person's last digest fell due (sent, skipped or with nothing to say)."""
        row = await self._one(
            "SELECT MAX(due_at) FROM due_work WHERE kind = ? AND ref_id = ? "
            "AND done_at IS NOT NULL",
            (DueKind.DIGEST.value, user_id),
        )
        return from_db(row[0]) if row and row[0] else None

    async def prune_digests(self, user_id: int, before: datetime) -> int:
        """Forget the person's digests done before ``before`` (one a week would pile up)."""
        return await self._exec(
            "DELETE FROM due_work WHERE kind = ? AND ref_id = ? AND done_at IS NOT NULL "
            "AND due_at < ?",
            (DueKind.DIGEST.value, user_id, to_db(before)),
        )

    async def pending_digest(self, user_id: int) -> datetime | None:
        row = await self._one(
            "SELECT MIN(due_at) FROM due_work WHERE kind = ? AND ref_id = ? AND done_at IS NULL",
            (DueKind.DIGEST.value, user_id),
        )
        return from_db(row[0]) if row and row[0] else None

    async def digest_readers(self) -> list[int]:
        """Everyone who may get a digest: members of an active team and administrators."""
        rows = await self._all(
            "SELECT DISTINCT m.user_id FROM memberships m JOIN teams t ON t.id = m.team_id "
            "WHERE m.removed_at IS NULL AND t.archived_at IS NULL AND m.user_id > 0 "
            "UNION SELECT user_id FROM admins ORDER BY 1"
        )
        return [int(r[0]) for r in rows]


def _problem(row: aiosqlite.Row, since: str) -> DigestProblem:
    return DigestProblem(
        id=row["id"],
        locality=row["locality_name"],
        category=Category(row["category"]),
        urgency=Urgency(row["urgency"]),
        since=req_time(row[since]),
    )


class DigestRepo(Repo):
    """The digest's queries; each is scoped by team, and confidential (coordinators-only)
    problems are counted only when ``confidential`` is true."""

    async def new_problems(
        self, team_id: int, since: datetime, *, confidential: bool, limit: int
    ) -> ProblemList:
        where = (
            f"team_id = ? AND created_at >= ? AND status IN {_OPEN} "
            "AND (coordinators_only = 0 OR ?)"
        )
        args = (team_id, to_db(since), int(confidential))
        rows = await self._all(
            f"SELECT * FROM problems WHERE {where} ORDER BY urgency = 'acute' DESC, id DESC "
            "LIMIT ?",
            (*args, limit),
        )
        total = await self._one(f"SELECT COUNT(*) FROM problems WHERE {where}", args)
        return ProblemList(
            items=[_problem(r, "created_at") for r in rows], total=int(total[0]) if total else 0
        )

    async def stale_problems(self, team_id: int, before: datetime, *, limit: int) -> ProblemList:
        """Open problems without progress since ``before`` (coordinators: confidential too),
        the longest without progress first."""
        where = f"team_id = ? AND status IN {_OPEN} AND progressed_at <= ?"
        args = (team_id, to_db(before))
        rows = await self._all(
            f"SELECT * FROM problems WHERE {where} ORDER BY progressed_at, id LIMIT ?",
            (*args, limit),
        )
        total = await self._one(f"SELECT COUNT(*) FROM problems WHERE {where}", args)
        return ProblemList(
            items=[_problem(r, "progressed_at") for r in rows],
            total=int(total[0]) if total else 0,
        )

    async def waiting_proposals(self, team_id: int, *, limit: int) -> tuple[int, list[int]]:
        """Open proposals on open problems: how many, and the problems of the first few."""
        where = (
            f"pr.team_id = ? AND pr.status = 'open' AND p.status IN {_OPEN} "
            "AND p.team_id = pr.team_id"
        )
        total = await self._one(
            f"SELECT COUNT(*) FROM proposals pr JOIN problems p ON p.id = pr.problem_id "
            f"WHERE {where}",
            (team_id,),
        )
        rows = await self._all(
            f"SELECT DISTINCT pr.problem_id FROM proposals pr JOIN problems p "
            f"ON p.id = pr.problem_id WHERE {where} ORDER BY pr.problem_id LIMIT ?",
            (team_id, limit),
        )
        return (int(total[0]) if total else 0), [int(r[0]) for r in rows]

    async def unanswered(self, team_id: int, meeting_id: int) -> int:
        """Members of the team who have not answered the meeting's invitation."""
        row = await self._one(
            "SELECT COUNT(*) FROM memberships m WHERE m.team_id = ? AND m.removed_at IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM meeting_answers a "
            "WHERE a.meeting_id = ? AND a.user_id = m.user_id)",
            (team_id, meeting_id),
        )
        return int(row[0]) if row else 0

    async def city(self, since: datetime, stale_before: datetime, now: datetime) -> list[CityLine]:
        """Every active team's counts, for an administrator's overview."""
        rows = await self._all(
            f"""
            SELECT t.id, t.name,
                (SELECT COUNT(*) FROM problems p
                    WHERE p.team_id = t.id AND p.status IN {_OPEN}) AS open_count,
                (SELECT COUNT(*) FROM problems p WHERE p.team_id = t.id
                    AND p.status IN {_OPEN} AND p.created_at >= ?) AS new_count,
                (SELECT COUNT(*) FROM problems p WHERE p.team_id = t.id
                    AND p.status IN {_OPEN} AND p.progressed_at <= ?) AS stale_count,
                (SELECT COUNT(*) FROM tasks k WHERE k.team_id = t.id
                    AND k.status != 'done' AND k.deadline < ?) AS overdue_count,
                (SELECT MIN(m.starts_at) FROM meetings m WHERE m.team_id = t.id
                    AND m.status = 'scheduled' AND m.starts_at > ?) AS next_meeting
            FROM teams t WHERE t.archived_at IS NULL ORDER BY t.name, t.id
            """,
            (to_db(since), to_db(stale_before), to_db(now), to_db(now)),
        )
        return [
            CityLine(
                team_id=r["id"],
                team_name=r["name"],
                open_problems=r["open_count"],
                new_problems=r["new_count"],
                stale_problems=r["stale_count"],
                overdue_tasks=r["overdue_count"],
                next_meeting=from_db(r["next_meeting"]),
            )
            for r in rows
        ]
