"""The update journal's rows: every update Telegram gave the bot, stored before it is
acknowledged and marked handled when its handling is done (see :mod:`bot.updates`).

A row keeps the update as Telegram sent it (JSON) only until it is handled; then the text is
removed (it may hold what a person wrote) and the row stays a little while as the update's id,
so that the same update delivered again is recognised.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.storage.base import Repo, to_db


@dataclass(frozen=True)
class Fetched:
    """One update as received: its id, the id of its button press (if any) and the JSON."""

    update_id: int
    query_id: str | None
    raw: dict[str, Any]


@dataclass(frozen=True)
class Pending:
    """An update received and not handled yet (the process stopped or died meanwhile)."""

    update_id: int
    raw: dict[str, Any]
    attempts: int


class JournalRepo(Repo):
    async def record(self, updates: Sequence[Fetched], now: datetime) -> set[int]:
        """Store the updates not stored yet; returns the ids of those not to handle: stored
        already and handled (a delivery again), or a button press stored already under another
        update (marked handled here)."""
        if not updates:
            return set()
        await self.conn.executemany(
            "INSERT OR IGNORE INTO update_journal (update_id, query_id, payload, received_at) "
            "VALUES (?, ?, ?, ?)",
            [
                (u.update_id, u.query_id, json.dumps(u.raw, ensure_ascii=False), to_db(now))
                for u in updates
            ],
        )
        ids = [u.update_id for u in updates]
        marks = ",".join("?" * len(ids))
        handled = {
            int(row[0])
            for row in await self._all(
                f"SELECT update_id FROM update_journal WHERE update_id IN ({marks}) "
                "AND handled_at IS NOT NULL",
                ids,
            )
        }
        again = []
        for update in updates:
            if update.query_id is None or update.update_id in handled:
                continue
            earlier = await self._one(
                "SELECT 1 FROM update_journal WHERE query_id = ? AND update_id < ?",
                (update.query_id, update.update_id),
            )
            if earlier is not None:
                again.append(update.update_id)
        await self.mark_handled(again, now)
        return handled | set(again)

    async def mark_handled(self, update_ids: Iterable[int], now: datetime) -> None:
        """Handled: keep only the id (and when), not what the update said."""
        ids = list(update_ids)
        if not ids:
            return
        marks = ",".join("?" * len(ids))
        await self._exec(
            f"UPDATE update_journal SET handled_at = ?, payload = NULL "
            f"WHERE update_id IN ({marks}) AND handled_at IS NULL",
            [to_db(now), *ids],
        )

    async def pending(self) -> list[Pending]:
        rows = await self._all(
            "SELECT update_id, payload, attempts FROM update_journal "
            "WHERE handled_at IS NULL ORDER BY update_id"
        )
        return [
            Pending(int(row["update_id"]), json.loads(row["payload"]), int(row["attempts"]))
            for row in rows
            if row["payload"] is not None
        ]

    async def count_attempt(self, update_ids: Iterable[int]) -> None:
        ids = list(update_ids)
        if ids:
            marks = ",".join("?" * len(ids))
            await self._exec(
                f"UPDATE update_journal SET attempts = attempts + 1 WHERE update_id IN ({marks})",
                ids,
            )

    async def prune(self, handled_before: datetime) -> int:
        """Forget handled updates older than ``handled_before`` (Telegram redelivers an update
        for at most a day)."""
        return await self._exec(
            "DELETE FROM update_journal WHERE handled_at IS NOT NULL AND handled_at < ?",
            (to_db(handled_before),),
        )
