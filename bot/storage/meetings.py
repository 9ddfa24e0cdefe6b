"""Meetings, series, attendance answers and due work."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

import aiosqlite

from bot.domain.meetings import (
    Answer,
    AttendanceLine,
    DueKind,
    DueOutcome,
    DueWork,
    Meeting,
    MeetingStatus,
    Recurrence,
    RecurrenceRule,
    Series,
)
from bot.storage.base import Repo, from_db, req_time, to_db


def _meeting(row: aiosqlite.Row) -> Meeting:
    return Meeting(
        id=row["id"],
        team_id=row["team_id"],
        series_id=row["series_id"],
        starts_at=req_time(row["starts_at"]),
        timezone=row["timezone"],
        place=row["place"],
        status=MeetingStatus(row["status"]),
        sequence=row["sequence"],
        created_at=req_time(row["created_at"]),
        updated_at=req_time(row["updated_at"]),
        occurrence_at=from_db(row["occurrence_at"]),
    )


def _series(row: aiosqlite.Row) -> Series:
    return Series(
        id=row["id"],
        team_id=row["team_id"],
        recurrence=Recurrence(
            rule=RecurrenceRule(row["rule"]),
            every_weeks=row["every_weeks"],
            nth=row["nth"],
            weekday=row["weekday"],
            local_time=time.fromisoformat(row["local_time"]),
        ),
        timezone=row["timezone"],
        ended_at=from_db(row["ended_at"]),
        place=row["place"],
    )


class MeetingRepo(Repo):
    async def create_series(
        self,
        team_id: int,
        recurrence: Recurrence,
        timezone: str,
        now: datetime,
        place: str | None = None,
    ) -> int:
        return await self._insert(
            "INSERT INTO meeting_series (team_id, rule, every_weeks, nth, weekday, local_time, "
            "timezone, created_at, place) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                team_id,
                recurrence.rule.value,
                recurrence.every_weeks,
                recurrence.nth,
                recurrence.weekday,
                recurrence.local_time.isoformat(timespec="minutes"),
                timezone,
                to_db(now),
                place,
            ),
        )

    async def set_series_place(self, team_id: int, series_id: int, place: str) -> None:
        await self._exec(
            "UPDATE meeting_series SET place = ? WHERE id = ? AND team_id = ?",
            (place, series_id, team_id),
        )

    async def series(self, team_id: int, series_id: int) -> Series | None:
        row = await self._one(
            "SELECT * FROM meeting_series WHERE id = ? AND team_id = ?", (series_id, team_id)
        )
        return _series(row) if row else None

    async def active_series(self, team_id: int) -> list[Series]:
        rows = await self._all(
            "SELECT * FROM meeting_series WHERE team_id = ? AND ended_at IS NULL ORDER BY id",
            (team_id,),
        )
        return [_series(r) for r in rows]

    async def series_by_id(self, series_id: int) -> Series | None:
        """A series by its number alone (the caller checks the person's role in its team)."""
        row = await self._one("SELECT * FROM meeting_series WHERE id = ?", (series_id,))
        return _series(row) if row else None

    async def last_in_series(self, series_id: int) -> Meeting | None:
        """The occurrence in the latest slot, whatever its status."""
        row = await self._one(
            "SELECT * FROM meetings WHERE series_id = ? "
            "ORDER BY COALESCE(occurrence_at, starts_at) DESC, id DESC LIMIT 1",
            (series_id,),
        )
        return _meeting(row) if row else None

    async def end_series(self, team_id: int, series_id: int, now: datetime) -> None:
        await self._exec(
            "UPDATE meeting_series SET ended_at = ? WHERE id = ? AND team_id = ?",
            (to_db(now), series_id, team_id),
        )

    async def create(
        self,
        team_id: int,
        starts_at: datetime,
        timezone: str,
        place: str,
        created_by: int | None,
        now: datetime,
        *,
        series_id: int | None = None,
    ) -> Meeting:
        """A meeting; one of a series sits in the slot of its start."""
        meeting_id = await self._insert(
            "INSERT INTO meetings (team_id, series_id, starts_at, timezone, place, status, "
            "created_at, created_by, updated_at, occurrence_at) "
            "VALUES (?, ?, ?, ?, ?, 'scheduled', ?, ?, ?, ?)",
            (
                team_id,
                series_id,
                to_db(starts_at),
                timezone,
                place,
                to_db(now),
                created_by,
                to_db(now),
                to_db(starts_at) if series_id is not None else None,
            ),
        )
        meeting = await self.get(team_id, meeting_id)
        assert meeting is not None
        return meeting

    async def get(self, team_id: int, meeting_id: int) -> Meeting | None:
        row = await self._one(
            "SELECT * FROM meetings WHERE id = ? AND team_id = ?", (meeting_id, team_id)
        )
        return _meeting(row) if row else None

    async def number_in_year(self, meeting: Meeting) -> int:
        """The meeting's number in its year ("3. jednání MDT Poruba v roce 2027"): the team's
        held meetings that started earlier in the same calendar year (in the meeting's time
        zone), plus this one. The same for the agenda before the meeting and the zápis after
        it; cancelled meetings and meetings never minuted do not count."""
        local = meeting.local_start
        new_year = local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        row = await self._one(
            "SELECT COUNT(*) FROM meetings WHERE team_id = ? AND status = 'held' "
            "AND starts_at >= ? AND starts_at < ?",
            (meeting.team_id, to_db(new_year), to_db(meeting.starts_at)),
        )
        return (int(row[0]) if row else 0) + 1

    async def team_of(self, meeting_id: int) -> int | None:
        """The team a meeting belongs to (to check the reader's membership before reading it)."""
        row = await self._one("SELECT team_id FROM meetings WHERE id = ?", (meeting_id,))
        return int(row[0]) if row else None

    async def upcoming(self, team_id: int, now: datetime, limit: int = 10) -> list[Meeting]:
        rows = await self._all(
            "SELECT * FROM meetings WHERE team_id = ? AND status = 'scheduled' AND starts_at > ? "
            "ORDER BY starts_at LIMIT ?",
            (team_id, to_db(now), limit),
        )
        return [_meeting(r) for r in rows]

    async def past(
        self, team_id: int, now: datetime, *, offset: int = 0, limit: int = 10
    ) -> list[Meeting]:
        """The team's meetings that have started (not cancelled), newest first."""
        rows = await self._all(
            "SELECT * FROM meetings WHERE team_id = ? AND status != 'cancelled' "
            "AND starts_at <= ? ORDER BY starts_at DESC, id DESC LIMIT ? OFFSET ?",
            (team_id, to_db(now), limit, offset),
        )
        return [_meeting(r) for r in rows]

    async def count_past(self, team_id: int, now: datetime) -> int:
        row = await self._one(
            "SELECT COUNT(*) FROM meetings WHERE team_id = ? AND status != 'cancelled' "
            "AND starts_at <= ?",
            (team_id, to_db(now)),
        )
        return int(row[0]) if row else 0

    async def all_upcoming(self, now: datetime) -> list[Meeting]:
        rows = await self._all(
            "SELECT * FROM meetings WHERE status = 'scheduled' AND starts_at > ? "
            "ORDER BY starts_at",
            (to_db(now),),
        )
        return [_meeting(r) for r in rows]

    async def has_later_occurrence(self, series_id: int, after: datetime) -> bool:
        """Whether a scheduled occurrence of the series sits in a later slot than ``after``."""
        row = await self._one(
            "SELECT 1 FROM meetings WHERE series_id = ? AND COALESCE(occurrence_at, starts_at) > ? "
            "AND status = 'scheduled'",
            (series_id, to_db(after)),
        )
        return row is not None

    async def later_in_series(self, series_id: int, after: datetime) -> list[Meeting]:
        """The scheduled occurrences in later slots than ``after``, in slot order."""
        rows = await self._all(
            "SELECT * FROM meetings WHERE series_id = ? AND COALESCE(occurrence_at, starts_at) > ? "
            "AND status = 'scheduled' ORDER BY COALESCE(occurrence_at, starts_at)",
            (series_id, to_db(after)),
        )
        return [_meeting(r) for r in rows]

    async def set_slot(self, meeting: Meeting, occurrence_at: datetime) -> None:
        """Re-seat an occurrence in its series (its start stays; not a change people see)."""
        await self._exec(
            "UPDATE meetings SET occurrence_at = ? WHERE id = ? AND team_id = ?",
            (to_db(occurrence_at), meeting.id, meeting.team_id),
        )

    async def set_series_rule(self, team_id: int, series_id: int, recurrence: Recurrence) -> None:
        await self._exec(
            "UPDATE meeting_series SET rule = ?, every_weeks = ?, nth = ?, weekday = ?, "
            "local_time = ? WHERE id = ? AND team_id = ?",
            (
                recurrence.rule.value,
                recurrence.every_weeks,
                recurrence.nth,
                recurrence.weekday,
                recurrence.local_time.isoformat(timespec="minutes"),
                series_id,
                team_id,
            ),
        )

    async def update(self, meeting: Meeting, now: datetime) -> None:
        """Store a changed start, place or status; bumps the calendar sequence."""
        await self._exec(
            "UPDATE meetings SET starts_at = ?, place = ?, status = ?, sequence = sequence + 1, "
            "updated_at = ?, occurrence_at = ? WHERE id = ? AND team_id = ?",
            (
                to_db(meeting.starts_at),
                meeting.place,
                meeting.status.value,
                to_db(now),
                to_db(meeting.occurrence_at) if meeting.occurrence_at is not None else None,
                meeting.id,
                meeting.team_id,
            ),
        )

    async def set_answer(
        self, meeting_id: int, user_id: int, answer: Answer, now: datetime
    ) -> None:
        await self._exec(
            "INSERT INTO meeting_answers (meeting_id, user_id, answer, answered_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (meeting_id, user_id) "
            "DO UPDATE SET answer = excluded.answer, answered_at = excluded.answered_at",
            (meeting_id, user_id, answer.value, to_db(now)),
        )

    async def answer_of(self, meeting_id: int, user_id: int) -> Answer | None:
        row = await self._one(
            "SELECT answer FROM meeting_answers WHERE meeting_id = ? AND user_id = ?",
            (meeting_id, user_id),
        )
        return Answer(row[0]) if row else None

    async def clear_answers(self, meeting_id: int) -> None:
        await self._exec("DELETE FROM meeting_answers WHERE meeting_id = ?", (meeting_id,))

    async def attendance(self, team_id: int, meeting_id: int) -> list[AttendanceLine]:
        """Every current member of the team with their answer (or none), by name."""
        rows = await self._all(
            "SELECT u.id, u.display_name, u.org_name, a.answer FROM memberships m "
            "JOIN users u ON u.id = m.user_id "
            "LEFT JOIN meeting_answers a ON a.meeting_id = ? AND a.user_id = m.user_id "
            "WHERE m.team_id = ? AND m.removed_at IS NULL AND u.display_name IS NOT NULL "
            "ORDER BY u.display_name COLLATE NOCASE, u.id",
            (meeting_id, team_id),
        )
        return [
            AttendanceLine(
                user_id=r[0],
                display_name=r[1],
                org_name=r[2] or "",
                answer=Answer(r[3]) if r[3] else None,
            )
            for r in rows
        ]


def _work(row: aiosqlite.Row) -> DueWork:
    return DueWork(
        id=row["id"],
        key=row["key"],
        kind=DueKind(row["kind"]),
        team_id=row["team_id"],
        ref_id=row["ref_id"],
        due_at=req_time(row["due_at"]),
        payload=json.loads(row["payload"]),
    )


class DueWorkRepo(Repo):
    async def ensure(
        self,
        key: str,
        kind: DueKind,
        team_id: int | None,
        ref_id: int,
        due_at: datetime,
        now: datetime,
        payload: dict[str, Any] | None = None,
    ) -> bool:
        """Add the work unless work with this key exists (done or not); True if added."""
        changed = await self._exec(
            "INSERT INTO due_work (key, kind, team_id, ref_id, due_at, payload, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
            (
                key,
                kind.value,
                team_id,
                ref_id,
                to_db(due_at),
                json.dumps(payload or {}),
                to_db(now),
            ),
        )
        return changed > 0

    async def drop_pending(
        self, kinds: Iterable[DueKind], ref_id: int, keep: Iterable[str] = ()
    ) -> int:
        """Forget work not yet done for an object (but the keys in ``keep``)."""
        kind_list = [k.value for k in kinds]
        keep_list = list(keep)
        return await self._exec(
            f"DELETE FROM due_work WHERE done_at IS NULL AND ref_id = ? "
            f"AND kind IN ({','.join('?' * len(kind_list))}) "
            f"AND key NOT IN ({','.join('?' * len(keep_list))})",
            (ref_id, *kind_list, *keep_list),
        )

    async def claim_next(self, now: datetime) -> DueWork | None:
        row = await self._one(
            "SELECT * FROM due_work WHERE done_at IS NULL AND due_at <= ? "
            "ORDER BY due_at, id LIMIT 1",
            (to_db(now),),
        )
        return _work(row) if row else None

    async def mark_done(self, work_id: int, outcome: DueOutcome, now: datetime) -> None:
        await self._exec(
            "UPDATE due_work SET done_at = ?, outcome = ? WHERE id = ?",
            (to_db(now), outcome.value, work_id),
        )

    async def next_due(self) -> datetime | None:
        row = await self._one("SELECT MIN(due_at) FROM due_work WHERE done_at IS NULL")
        return req_time(row[0]) if row and row[0] else None

    async def items(self, ref_id: int | None = None) -> list[dict[str, Any]]:
        """Every row as stored (for tests and diagnostics)."""
        rows = await self._all(
            "SELECT * FROM due_work WHERE ? IS NULL OR ref_id = ? ORDER BY due_at, id",
            (ref_id, ref_id),
        )
        return [dict(r) for r in rows]


def offsets_to_db(offsets: Iterable[timedelta] | None) -> str | None:
    if offsets is None:
        return None
    return json.dumps([int(o.total_seconds()) for o in offsets])


def offsets_from_db(text: str | None) -> tuple[timedelta, ...] | None:
    if text is None:
        return None
    return tuple(timedelta(seconds=s) for s in json.loads(text))
