"""Reading the audit log for administrators: the latest entries, filtered and paged."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.domain.models import AuditEvent
from bot.storage.base import Repo, req_time, to_db


class AuditEntry(AuditEvent):
    actor_name: str | None = None
    team_name: str | None = None


def _where(
    actor_ids: list[int] | None, team_id: int | None, since: datetime | None
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if actor_ids is not None:
        clauses.append(f"a.actor_id IN ({','.join('?' * len(actor_ids)) or 'NULL'})")
        params += actor_ids
    if team_id is not None:
        clauses.append("a.team_id = ?")
        params.append(team_id)
    if since is not None:
        clauses.append("a.at >= ?")
        params.append(to_db(since))
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


class AuditLogRepo(Repo):
    async def count(
        self, actor_ids: list[int] | None, team_id: int | None, since: datetime | None
    ) -> int:
        where, params = _where(actor_ids, team_id, since)
        row = await self._one(f"SELECT COUNT(*) FROM audit_events a {where}", params)
        return int(row[0]) if row else 0

    async def latest(
        self,
        actor_ids: list[int] | None,
        team_id: int | None,
        since: datetime | None,
        *,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[AuditEntry]:
        """Newest first."""
        where, params = _where(actor_ids, team_id, since)
        rows = await self._all(
            "SELECT a.*, u.display_name AS actor_name, t.name AS team_name "
            "FROM audit_events a LEFT JOIN users u ON u.id = a.actor_id "
            f"LEFT JOIN teams t ON t.id = a.team_id {where} "
            "ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?",
            (*params, -1 if limit is None else limit, offset),
        )
        return [
            AuditEntry(
                id=r["id"],
                at=req_time(r["at"]),
                actor_id=r["actor_id"],
                action=r["action"],
                team_id=r["team_id"],
                object_type=r["object_type"],
                object_id=r["object_id"],
                details=json.loads(r["details"]),
                actor_name=r["actor_name"],
                team_name=r["team_name"],
            )
            for r in rows
        ]

    async def users_named(self, text: str) -> list[int]:
        """Users whose display name contains the text (case-insensitive, any letters)."""
        rows = await self._all(
            "SELECT id, display_name FROM users WHERE display_name IS NOT NULL ORDER BY id"
        )
        needle = text.casefold()
        return [int(r[0]) for r in rows if needle in str(r[1]).casefold()]

    async def all_rows(self) -> list[dict[str, Any]]:
        """Every stored row as it is (for tests and diagnostics)."""
        rows = await self._all("SELECT * FROM audit_events ORDER BY id")
        return [dict(r) for r in rows]
