"""The outbox: messages committed together with the change that causes them, sent later.

A row is *claimed* just before it is sent and *marked sent* just after. A row claimed but not
marked (the process died in between) is sent again at the next start: a rare duplicate is
better than a lost notice (see :mod:`bot.scheduling.outbox`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite
from pydantic import BaseModel, ConfigDict

from bot.storage.base import Repo, req_time, to_db


class OutboxItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    chat_id: int
    user_id: int | None  # the person, for private chats (to mark them unreachable)
    team_id: int | None
    kind: str
    payload: dict[str, Any]
    attempts: int
    created_at: datetime
    due_at: datetime


class SentMessage(BaseModel):
    model_config = ConfigDict(frozen=True)

    part: int
    chat_id: int
    message_id: int
    is_text: bool
    #: a hash of what the message shows now (never the text itself)
    shown: str | None = None


class SentItem(BaseModel):
    """A sent row and the messages it became."""

    model_config = ConfigDict(frozen=True)

    item: OutboxItem
    messages: list[SentMessage]


def _item(row: aiosqlite.Row) -> OutboxItem:
    return OutboxItem(
        id=row["id"],
        chat_id=row["chat_id"],
        user_id=row["user_id"],
        team_id=row["team_id"],
        kind=row["kind"],
        payload=json.loads(row["payload"]),
        attempts=row["attempts"],
        created_at=req_time(row["created_at"]),
        due_at=req_time(row["due_at"]),
    )


class OutboxRepo(Repo):
    async def add(
        self,
        chat_id: int,
        kind: str,
        payload: dict[str, Any],
        now: datetime,
        *,
        user_id: int | None = None,
        team_id: int | None = None,
        due_at: datetime | None = None,
    ) -> int:
        return await self._insert(
            "INSERT INTO outbox (created_at, due_at, chat_id, user_id, team_id, kind, payload) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                to_db(now),
                to_db(due_at or now),
                chat_id,
                user_id,
                team_id,
                kind,
                json.dumps(payload, ensure_ascii=False),
            ),
        )

    async def claim_next(self, now: datetime) -> OutboxItem | None:
        """The oldest due row that is neither sent nor given up, marked as being sent."""
        row = await self._one(
            "SELECT * FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND due_at <= ? "
            "ORDER BY due_at, id LIMIT 1",
            (to_db(now),),
        )
        if row is None:
            return None
        await self._exec(
            "UPDATE outbox SET claimed_at = ?, attempts = attempts + 1 WHERE id = ?",
            (to_db(now), row["id"]),
        )
        return _item(row).model_copy(update={"attempts": row["attempts"] + 1})

    async def set_progress(self, item_id: int, parts_sent: int) -> None:
        """Remember how many messages of a multi-part row went out (a retry goes on from there)."""
        await self._exec(
            "UPDATE outbox SET payload = json_set(payload, '$.parts_sent', ?) WHERE id = ?",
            (parts_sent, item_id),
        )

    async def mark_sent(self, item_id: int, now: datetime) -> None:
        await self._exec("UPDATE outbox SET sent_at = ? WHERE id = ?", (to_db(now), item_id))

    async def forget_payload(self, item_id: int) -> None:
        """Drop what a row carried once it is done with (a deferred reply's rendered text)."""
        await self._exec("UPDATE outbox SET payload = '{}' WHERE id = ?", (item_id,))

    async def give_up(self, item_id: int, error: str, now: datetime) -> None:
        await self._exec(
            "UPDATE outbox SET failed_at = ?, last_error = ? WHERE id = ?",
            (to_db(now), error[:500], item_id),
        )

    async def retry_at(self, item_id: int, due_at: datetime, error: str) -> None:
        await self._exec(
            "UPDATE outbox SET due_at = ?, claimed_at = NULL, last_error = ? WHERE id = ?",
            (to_db(due_at), error[:500], item_id),
        )

    async def hold(self, item_id: int, due_at: datetime) -> None:
        """Put a claimed row back, unsent and not counted as an attempt, until ``due_at``."""
        await self._exec(
            "UPDATE outbox SET due_at = ?, claimed_at = NULL, attempts = MAX(attempts - 1, 0) "
            "WHERE id = ?",
            (to_db(due_at), item_id),
        )

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        await self._exec(
            "UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND sent_at IS NULL",
            (new_chat_id, old_chat_id),
        )

    async def next_due(self) -> datetime | None:
        row = await self._one(
            "SELECT MIN(due_at) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL"
        )
        return req_time(row[0]) if row and row[0] else None

    async def items(self, *, chat_id: int | None = None) -> list[OutboxItem]:
        """Every row (for tests and diagnostics), oldest first."""
        rows = await self._all(
            "SELECT * FROM outbox WHERE ? IS NULL OR chat_id = ? ORDER BY id", (chat_id, chat_id)
        )
        return [_item(r) for r in rows]

    async def state(self, item_id: int) -> dict[str, Any]:
        row = await self._one("SELECT * FROM outbox WHERE id = ?", (item_id,))
        return dict(row) if row else {}

    async def add_sent(
        self,
        item_id: int,
        part: int,
        chat_id: int,
        message_id: int,
        *,
        is_text: bool,
        shown: str | None = None,
    ) -> None:
        """Remember the message a part of a row became (to edit it after a redaction)."""
        await self._exec(
            "INSERT OR REPLACE INTO outbox_messages (outbox_id, part, chat_id, message_id, "
            "is_text, shown) VALUES (?, ?, ?, ?, ?, ?)",
            (item_id, part, chat_id, message_id, int(is_text), shown),
        )

    async def set_shown(self, item_id: int, part: int, shown: str) -> None:
        await self._exec(
            "UPDATE outbox_messages SET shown = ? WHERE outbox_id = ? AND part = ?",
            (shown, item_id, part),
        )

    async def sent_about(self, kinds: list[str], key: str, value: int) -> list[SentItem]:
        """The sent rows of ``kinds`` whose payload has ``key`` = ``value``, with the messages
        they became, oldest first."""
        marks = ", ".join("?" for _ in kinds)
        rows = await self._all(
            f"SELECT * FROM outbox WHERE kind IN ({marks}) AND sent_at IS NOT NULL "
            "AND json_extract(payload, '$.' || ?) = ? ORDER BY id",
            (*kinds, key, value),
        )
        found = []
        for row in rows:
            parts = await self._all(
                "SELECT part, chat_id, message_id, is_text, shown FROM outbox_messages "
                "WHERE outbox_id = ? ORDER BY part",
                (row["id"],),
            )
            messages = [
                SentMessage(
                    part=p["part"],
                    chat_id=p["chat_id"],
                    message_id=p["message_id"],
                    is_text=bool(p["is_text"]),
                    shown=p["shown"],
                )
                for p in parts
            ]
            found.append(SentItem(item=_item(row), messages=messages))
        return found
