"""Editing and redacting texts after the fact: a problem's description, a comment, a proposal, a
note of held minutes, and removing a photo.

Every statement replaces the text in place (``secure_delete`` is on, so the freed bytes are
overwritten); copies of the same text elsewhere (a comment copied to the original of a duplicate,
a proposal's timeline entry) are replaced with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from bot.storage.base import Repo


@dataclass(frozen=True)
class Comment:
    id: int
    problem_id: int
    author_id: int | None
    text: str


@dataclass(frozen=True)
class Note:
    meeting_id: int
    position: int
    team_id: int
    problem_id: int | None
    text: str


@dataclass(frozen=True)
class StoredPhoto:
    position: int
    file_id: str
    is_document: bool


class RedactionRepo(Repo):
    async def comment(self, event_id: int) -> Comment | None:
        """A comment as written (not a copy brought over from a duplicate)."""
        row = await self._one(
            "SELECT id, problem_id, actor_id, text FROM problem_events "
            "WHERE id = ? AND kind = 'comment' AND other_problem IS NULL",
            (event_id,),
        )
        if row is None:
            return None
        return Comment(row["id"], row["problem_id"], row["actor_id"], row["text"])

    async def comments(self, problem_id: int, limit: int) -> list[Comment]:
        """The newest comments written on the problem, newest first."""
        rows = await self._all(
            "SELECT id, problem_id, actor_id, text FROM problem_events "
            "WHERE problem_id = ? AND kind = 'comment' AND other_problem IS NULL "
            "ORDER BY id DESC LIMIT ?",
            (problem_id, limit),
        )
        return [Comment(r["id"], r["problem_id"], r["actor_id"], r["text"]) for r in rows]

    async def replace_comment(self, comment: Comment, text: str) -> None:
        """The comment and its copies on the originals it was merged into."""
        await self._exec("UPDATE problem_events SET text = ? WHERE id = ?", (text, comment.id))
        await self._exec(
            "UPDATE problem_events SET text = ? "
            "WHERE kind = 'comment' AND other_problem = ? AND text = ?",
            (text, comment.problem_id, comment.text),
        )

    async def replace_description(self, team_id: int, problem_id: int, text: str) -> bool:
        return (
            await self._exec(
                "UPDATE problems SET description = ? WHERE id = ? AND team_id = ?",
                (text, problem_id, team_id),
            )
            > 0
        )

    async def replace_proposal(self, team_id: int, proposal_id: int, old: str, text: str) -> None:
        """The proposal and its "proposed: …" timeline entry."""
        row = await self._one(
            "SELECT problem_id, proposer_id FROM proposals WHERE id = ? AND team_id = ?",
            (proposal_id, team_id),
        )
        if row is None:
            return
        await self._exec("UPDATE proposals SET text = ? WHERE id = ?", (text, proposal_id))
        await self._exec(
            "UPDATE problem_events SET text = ? WHERE problem_id = ? AND kind = 'proposal' "
            "AND actor_id IS ? AND text = ?",
            (text, row["problem_id"], row["proposer_id"], old),
        )

    async def note(self, meeting_id: int, position: int) -> Note | None:
        """A note of the minutes of a held meeting."""
        row = await self._one(
            "SELECT i.meeting_id, i.position, i.problem_id, i.note, m.team_id "
            "FROM minutes_items i JOIN meetings m ON m.id = i.meeting_id "
            "WHERE i.meeting_id = ? AND i.position = ? AND m.status = 'held' "
            "AND i.note IS NOT NULL AND i.note != ''",
            (meeting_id, position),
        )
        return _note(row) if row is not None else None

    async def notes_on_problem(self, team_id: int, problem_id: int, limit: int) -> list[Note]:
        """Notes about the problem in the minutes of the team's held meetings, newest first."""
        rows = await self._all(
            "SELECT i.meeting_id, i.position, i.problem_id, i.note, m.team_id "
            "FROM minutes_items i JOIN meetings m ON m.id = i.meeting_id "
            "WHERE i.problem_id = ? AND m.team_id = ? AND m.status = 'held' "
            "AND i.note IS NOT NULL AND i.note != '' ORDER BY m.starts_at DESC LIMIT ?",
            (problem_id, team_id, limit),
        )
        return [_note(r) for r in rows]

    async def replace_note(self, note: Note, text: str) -> None:
        await self._exec(
            "UPDATE minutes_items SET note = ? WHERE meeting_id = ? AND position = ?",
            (text, note.meeting_id, note.position),
        )

    async def photos(self, problem_id: int) -> list[StoredPhoto]:
        rows = await self._all(
            "SELECT position, file_id, is_document FROM problem_photos WHERE problem_id = ? "
            "ORDER BY position",
            (problem_id,),
        )
        return [StoredPhoto(r["position"], r["file_id"], bool(r["is_document"])) for r in rows]

    async def remove_photo(self, problem_id: int, position: int) -> bool:
        return (
            await self._exec(
                "DELETE FROM problem_photos WHERE problem_id = ? AND position = ?",
                (problem_id, position),
            )
            > 0
        )


def _note(row: aiosqlite.Row) -> Note:
    return Note(
        meeting_id=row["meeting_id"],
        position=row["position"],
        team_id=row["team_id"],
        problem_id=row["problem_id"],
        text=row["note"],
    )
