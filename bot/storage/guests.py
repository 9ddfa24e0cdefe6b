"""Guests at a meeting, always read through their meeting.

There is no retention sweep in the bot yet; when one is added, a meeting's guests are personal
data to remove with (or anonymise before) the meeting's other records.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.guests import Guest
from bot.storage.base import Repo, to_db


class GuestRepo(Repo):
    async def of_meeting(self, meeting_id: int) -> list[Guest]:
        rows = await self._all(
            "SELECT id, meeting_id, name, org FROM meeting_guests WHERE meeting_id = ? ORDER BY id",
            (meeting_id,),
        )
        return [Guest(id=r[0], meeting_id=r[1], name=r[2], org=r[3]) for r in rows]

    async def add(
        self, meeting_id: int, name: str, org: str | None, by: int, now: datetime
    ) -> Guest:
        guest_id = await self._insert(
            "INSERT INTO meeting_guests (meeting_id, name, org, added_by, added_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (meeting_id, name, org, by, to_db(now)),
        )
        return Guest(id=guest_id, meeting_id=meeting_id, name=name, org=org)

    async def remove(self, meeting_id: int, guest_id: int) -> Guest | None:
        row = await self._one(
            "SELECT id, meeting_id, name, org FROM meeting_guests WHERE id = ? AND meeting_id = ?",
            (guest_id, meeting_id),
        )
        if row is None:
            return None
        await self._exec("DELETE FROM meeting_guests WHERE id = ?", (guest_id,))
        return Guest(id=row[0], meeting_id=row[1], name=row[2], org=row[3])
