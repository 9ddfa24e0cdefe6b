"""Retention: which final problems are due for the notice and for anonymisation, the
anonymisation itself, old meeting guests and old audit entries removed.

A problem is "final since" its last status change (``progressed_at``) while its status is
final; a notice counts only for the final period it was given in (``retention_noticed_at``
not before ``progressed_at``), so reopening and closing again starts afresh.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.meetings import DueKind
from bot.domain.problems import FINAL_STATUSES
from bot.storage.base import Repo, to_db

_FINAL = "(" + ", ".join(f"'{s.value}'" for s in FINAL_STATUSES) + ")"


class RetentionRepo(Repo):
    async def has_pending_sweep(self, team_id: int) -> bool:
        row = await self._one(
            "SELECT 1 FROM due_work WHERE kind = ? AND team_id = ? AND done_at IS NULL",
            (DueKind.RETENTION.value, team_id),
        )
        return row is not None

    async def teams_without_sweep(self) -> list[int]:
        """Teams (archived ones too: their data stays) with no retention round waiting."""
        rows = await self._all(
            "SELECT id FROM teams WHERE id NOT IN "
            "(SELECT team_id FROM due_work WHERE kind = ? AND done_at IS NULL) ORDER BY id",
            (DueKind.RETENTION.value,),
        )
        return [int(r[0]) for r in rows]

    async def prune_rounds(self, team_id: int) -> int:
        """Forget the team's finished retention rounds (one a day would pile up)."""
        return await self._exec(
            "DELETE FROM due_work WHERE kind = ? AND team_id = ? AND done_at IS NOT NULL",
            (DueKind.RETENTION.value, team_id),
        )

    async def to_notice(self, team_id: int, final_before: datetime) -> list[int]:
        """Final problems, final since before ``final_before``, not yet told about."""
        rows = await self._all(
            f"SELECT id FROM problems WHERE team_id = ? AND status IN {_FINAL} "
            "AND anonymised_at IS NULL AND progressed_at <= ? "
            "AND (retention_noticed_at IS NULL OR retention_noticed_at < progressed_at) "
            "ORDER BY id",
            (team_id, to_db(final_before)),
        )
        return [int(r[0]) for r in rows]

    async def mark_noticed(self, problem_ids: list[int], now: datetime) -> None:
        for problem_id in problem_ids:
            await self._exec(
                "UPDATE problems SET retention_noticed_at = ? WHERE id = ?",
                (to_db(now), problem_id),
            )

    async def to_anonymise(
        self, team_id: int, final_before: datetime, noticed_before: datetime
    ) -> list[int]:
        """Final problems past the retention whose coordinators were told long enough ago."""
        rows = await self._all(
            f"SELECT id FROM problems WHERE team_id = ? AND status IN {_FINAL} "
            "AND anonymised_at IS NULL AND progressed_at <= ? "
            "AND retention_noticed_at >= progressed_at AND retention_noticed_at <= ? "
            "ORDER BY id",
            (team_id, to_db(final_before), to_db(noticed_before)),
        )
        return [int(r[0]) for r in rows]

    async def anonymise(self, problem_id: int, now: datetime) -> bool:
        """Remove the texts, photos and people of a problem; keep category, locality,
        organisations, dates and status. False if it was anonymised already."""
        changed = await self._exec(
            "UPDATE problems SET description = '', reporter_id = NULL, submission_key = NULL, "
            "anonymised_at = ? WHERE id = ? AND anonymised_at IS NULL",
            (to_db(now), problem_id),
        )
        if not changed:
            return False
        await self._exec("DELETE FROM problem_photos WHERE problem_id = ?", (problem_id,))
        await self._exec("DELETE FROM problem_supporters WHERE problem_id = ?", (problem_id,))
        await self._exec(
            "UPDATE problem_events SET text = '', actor_id = NULL WHERE problem_id = ?",
            (problem_id,),
        )
        await self._exec(
            "DELETE FROM proposal_supporters WHERE proposal_id IN "
            "(SELECT id FROM proposals WHERE problem_id = ?)",
            (problem_id,),
        )
        await self._exec(
            "UPDATE proposals SET text = '', reason = '', proposer_id = NULL, decided_by = NULL "
            "WHERE problem_id = ?",
            (problem_id,),
        )
        return True

    async def remove_old_guests(self, team_id: int, started_before: datetime) -> int:
        """Guests of the team's meetings that started before the moment."""
        return await self._exec(
            "DELETE FROM meeting_guests WHERE meeting_id IN "
            "(SELECT id FROM meetings WHERE team_id = ? AND starts_at <= ?)",
            (team_id, to_db(started_before)),
        )

    async def purge_audit(self, before: datetime) -> int:
        return await self._exec("DELETE FROM audit_events WHERE at < ?", (to_db(before),))
