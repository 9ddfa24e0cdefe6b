"""Minutes: the snapshot of the agenda being minuted, attendance, outcomes and notes."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from bot.domain.agenda import Section
from bot.domain.minutes import Attendee, Outcome
from bot.domain.models import OrgType
from bot.storage.agenda import FrozenItem
from bot.storage.base import Repo, from_db, req_time, to_db


class ItemRow(NamedTuple):
    position: int
    frozen: FrozenItem
    outcome: Outcome | None
    note: str | None
    proposal_id: int | None  # the proposal the item accepts (with the outcome "accepted")


class PlannedRow(NamedTuple):
    """A task agreed on an item, given out when the minutes are finished."""

    id: int
    position: int
    text: str
    owner_id: int | None
    owner_name: str | None
    owner_org: str | None
    deadline: datetime
    created_at: datetime


class MinutesRepo(Repo):
    async def meetings_accepting(self, proposal_id: int) -> list[int]:
        """The meetings whose minutes accepted the proposal (their zápis quotes it)."""
        rows = await self._all(
            "SELECT DISTINCT meeting_id FROM minutes_items WHERE proposal_id = ?", (proposal_id,)
        )
        return [int(row[0]) for row in rows]

    async def start(self, meeting_id: int, items: list[FrozenItem], by: int, now: datetime) -> bool:
        """Begin minuting with a snapshot of the agenda; False if it was begun before."""
        changed = await self._exec(
            "INSERT OR IGNORE INTO minutes (meeting_id, started_by, started_at) VALUES (?, ?, ?)",
            (meeting_id, by, to_db(now)),
        )
        if not changed:
            return False
        for position, item in enumerate(items):
            await self._exec(
                "INSERT INTO minutes_items (meeting_id, position, section, problem_id, topic_id, "
                "task_id) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    meeting_id,
                    position,
                    item.section.value,
                    item.problem_id,
                    item.topic_id,
                    item.task_id,
                ),
            )
        return True

    async def state(self, meeting_id: int) -> tuple[datetime, datetime | None] | None:
        row = await self._one(
            "SELECT started_at, finished_at FROM minutes WHERE meeting_id = ?", (meeting_id,)
        )
        if row is None:
            return None
        started = from_db(row[0])
        assert started is not None
        return started, from_db(row[1])

    async def items(self, meeting_id: int) -> list[ItemRow]:
        rows = await self._all(
            "SELECT position, section, problem_id, topic_id, task_id, outcome, note, proposal_id "
            "FROM minutes_items WHERE meeting_id = ? ORDER BY position",
            (meeting_id,),
        )
        return [
            ItemRow(
                r[0],
                FrozenItem(Section(r[1]), r[2], r[3], r[4]),
                Outcome(r[5]) if r[5] else None,
                r[6],
                r[7],
            )
            for r in rows
        ]

    async def set_outcome(
        self,
        meeting_id: int,
        position: int,
        outcome: Outcome | None,
        proposal_id: int | None = None,
    ) -> bool:
        """The item's one outcome (the last choice wins: an accepted proposal goes with the
        outcome "accepted" only)."""
        return (
            await self._exec(
                "UPDATE minutes_items SET outcome = ?, proposal_id = ? "
                "WHERE meeting_id = ? AND position = ?",
                (outcome.value if outcome else None, proposal_id, meeting_id, position),
            )
            > 0
        )

    # --- tasks agreed on an item, given out at "finish" ---------------------------------------

    async def add_planned(
        self,
        meeting_id: int,
        position: int,
        text: str,
        deadline: datetime,
        *,
        owner_id: int | None,
        owner_org: str | None,
        by: int,
        now: datetime,
    ) -> int:
        return await self._insert(
            "INSERT INTO minutes_tasks (meeting_id, position, text, owner_id, owner_org, "
            "deadline, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (meeting_id, position, text, owner_id, owner_org, to_db(deadline), by, to_db(now)),
        )

    async def planned(self, meeting_id: int) -> list[PlannedRow]:
        rows = await self._all(
            "SELECT x.id, x.position, x.text, x.owner_id, u.display_name, x.owner_org, "
            "x.deadline, x.created_at FROM minutes_tasks x LEFT JOIN users u ON u.id = x.owner_id "
            "WHERE x.meeting_id = ? ORDER BY x.position, x.id",
            (meeting_id,),
        )
        return [
            PlannedRow(r[0], r[1], r[2], r[3], r[4], r[5], req_time(r[6]), req_time(r[7]))
            for r in rows
        ]

    async def remove_planned(self, meeting_id: int, planned_id: int) -> bool:
        return (
            await self._exec(
                "DELETE FROM minutes_tasks WHERE id = ? AND meeting_id = ?",
                (planned_id, meeting_id),
            )
            > 0
        )

    async def clear_planned(self, meeting_id: int) -> None:
        await self._exec("DELETE FROM minutes_tasks WHERE meeting_id = ?", (meeting_id,))

    async def set_note(self, meeting_id: int, position: int, note: str) -> bool:
        return (
            await self._exec(
                "UPDATE minutes_items SET note = ? WHERE meeting_id = ? AND position = ?",
                (note, meeting_id, position),
            )
            > 0
        )

    async def present(self, meeting_id: int) -> set[int]:
        rows = await self._all(
            "SELECT user_id FROM minutes_attendance WHERE meeting_id = ?", (meeting_id,)
        )
        return {r[0] for r in rows}

    async def set_present(self, meeting_id: int, user_id: int, present: bool) -> None:
        if present:
            await self._exec(
                "INSERT OR IGNORE INTO minutes_attendance (meeting_id, user_id) VALUES (?, ?)",
                (meeting_id, user_id),
            )
        else:
            await self._exec(
                "DELETE FROM minutes_attendance WHERE meeting_id = ? AND user_id = ?",
                (meeting_id, user_id),
            )

    async def finish(self, meeting_id: int, now: datetime) -> bool:
        return (
            await self._exec(
                "UPDATE minutes SET finished_at = ? WHERE meeting_id = ? AND finished_at IS NULL",
                (to_db(now), meeting_id),
            )
            > 0
        )

    async def in_progress(self, team_id: int) -> int | None:
        row = await self._one(
            "SELECT m.id FROM minutes x JOIN meetings m ON m.id = x.meeting_id "
            "WHERE m.team_id = ? AND x.finished_at IS NULL ORDER BY m.starts_at DESC LIMIT 1",
            (team_id,),
        )
        return int(row[0]) if row else None

    async def minutable(self, team_id: int, until: datetime) -> int | None:
        """The team's latest scheduled meeting that has started by ``until``, not yet minuted."""
        row = await self._one(
            "SELECT m.id FROM meetings m LEFT JOIN minutes x ON x.meeting_id = m.id "
            "WHERE m.team_id = ? AND m.status = 'scheduled' AND m.starts_at <= ? "
            "AND x.meeting_id IS NULL ORDER BY m.starts_at DESC LIMIT 1",
            (team_id, to_db(until)),
        )
        return int(row[0]) if row else None

    async def recorder(self, meeting_id: int) -> Attendee | None:
        """Who ran /minutes ("Zapsal(a)"): a former member has no name, only the
        organisation type; None if not known at all."""
        row = await self._one(
            "SELECT u.id, u.display_name, u.org_name, u.org_type FROM minutes x "
            "JOIN users u ON u.id = x.started_by WHERE x.meeting_id = ?",
            (meeting_id,),
        )
        if row is None:
            return None
        return Attendee(
            user_id=row[0],
            name=row[1] or None,
            org=row[2] or "",
            org_type=OrgType(row[3]) if row[3] else None,
        )

    async def present_people(self, meeting_id: int) -> list[Attendee]:
        """Who was marked present, by name, also those who have left the team since (a
        pseudonym has no name, only the organisation type)."""
        rows = await self._all(
            "SELECT u.id, u.display_name, u.org_name, u.org_type FROM minutes_attendance x "
            "JOIN users u ON u.id = x.user_id WHERE x.meeting_id = ? "
            "ORDER BY u.display_name IS NULL, u.display_name COLLATE NOCASE, u.id",
            (meeting_id,),
        )
        return [
            Attendee(
                user_id=r[0],
                name=r[1] or None,
                org=r[2] or "",
                org_type=OrgType(r[3]) if r[3] else None,
            )
            for r in rows
        ]
