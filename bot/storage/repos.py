"""Repositories: the only place with SQL. Each returns domain models.

Team-owned rows are always read through a ``team_id`` so one team can never see another's.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from typing import Any

import aiosqlite

from bot.domain.models import (
    AuditEvent,
    Draft,
    GroupChat,
    Invite,
    Membership,
    MemberView,
    OrgType,
    Role,
    Team,
    User,
)
from bot.domain.notices import QuietHours
from bot.storage.agenda import AgendaRepo
from bot.storage.audit_log import AuditLogRepo
from bot.storage.base import Repo, from_db, req_time, to_db
from bot.storage.digest import DigestRepo, PersonSettingsRepo
from bot.storage.exports import ExportRepo
from bot.storage.guests import GuestRepo
from bot.storage.history import HistoryRepo
from bot.storage.journal import JournalRepo
from bot.storage.locality_card import LocalityCardRepo
from bot.storage.meetings import DueWorkRepo, MeetingRepo, offsets_from_db, offsets_to_db
from bot.storage.minutes import MinutesRepo
from bot.storage.outbox import OutboxRepo
from bot.storage.privacy import PrivacyRepo
from bot.storage.problems import LocalityRepo, ProblemRepo, ProposalRepo
from bot.storage.redaction import RedactionRepo
from bot.storage.retention import RetentionRepo
from bot.storage.search import SearchRepo
from bot.storage.stats import StatsRepo
from bot.storage.tasks import TaskRepo


def _team(row: aiosqlite.Row) -> Team:
    return Team(
        id=row["id"],
        name=row["name"],
        area=row["area"],
        group_chat_id=row["group_chat_id"],
        group_notices=bool(row["group_notices"]),
        created_at=req_time(row["created_at"]),
        archived_at=from_db(row["archived_at"]),
    )


#: memberships count only in teams that are not archived
_ACTIVE_TEAM = "AND team_id IN (SELECT id FROM teams WHERE archived_at IS NULL)"


class TeamRepo(Repo):
    async def create(self, name: str, name_key: str, created_by: int, now: datetime) -> Team:
        team_id = await self._insert(
            "INSERT INTO teams (name, name_key, created_at, created_by) VALUES (?, ?, ?, ?)",
            (name, name_key, to_db(now), created_by),
        )
        team = await self.get(team_id)
        assert team is not None
        return team

    async def get(self, team_id: int) -> Team | None:
        row = await self._one("SELECT * FROM teams WHERE id = ?", (team_id,))
        return _team(row) if row else None

    async def exists_name(self, name_key: str) -> bool:
        return await self._one("SELECT 1 FROM teams WHERE name_key = ?", (name_key,)) is not None

    async def list_all(self) -> list[Team]:
        """The teams that are not archived, by name."""
        rows = await self._all("SELECT * FROM teams WHERE archived_at IS NULL ORDER BY name_key")
        return [_team(r) for r in rows]

    async def by_group(self, chat_id: int) -> Team | None:
        row = await self._one(
            "SELECT * FROM teams WHERE group_chat_id = ? AND archived_at IS NULL", (chat_id,)
        )
        return _team(row) if row else None

    async def rename(self, team_id: int, name: str, name_key: str) -> None:
        await self._exec(
            "UPDATE teams SET name = ?, name_key = ? WHERE id = ?", (name, name_key, team_id)
        )

    async def archive(self, team_id: int, now: datetime) -> bool:
        """Archive the team and unlink its group; False if it was archived already."""
        changed = await self._exec(
            "UPDATE teams SET archived_at = ?, group_chat_id = NULL "
            "WHERE id = ? AND archived_at IS NULL",
            (to_db(now), team_id),
        )
        return changed > 0

    async def set_group(self, team_id: int, chat_id: int | None) -> None:
        await self._exec("UPDATE teams SET group_chat_id = ? WHERE id = ?", (chat_id, team_id))

    async def set_group_notices(self, team_id: int, enabled: bool) -> None:
        await self._exec("UPDATE teams SET group_notices = ? WHERE id = ?", (int(enabled), team_id))

    async def meeting_settings(
        self, team_id: int
    ) -> tuple[tuple[timedelta, ...] | None, timedelta | None]:
        """The team's own reminder offsets and agenda lead (None where it keeps the default)."""
        row = await self._one(
            "SELECT reminder_offsets, agenda_lead FROM teams WHERE id = ?", (team_id,)
        )
        if row is None:
            return None, None
        lead = timedelta(seconds=row[1]) if row[1] is not None else None
        return offsets_from_db(row[0]), lead

    async def still_solved_after(self, team_id: int) -> timedelta | None:
        row = await self._one("SELECT still_solved_after FROM teams WHERE id = ?", (team_id,))
        return timedelta(seconds=row[0]) if row and row[0] is not None else None

    async def set_still_solved_after(self, team_id: int, value: timedelta | None) -> None:
        await self._exec(
            "UPDATE teams SET still_solved_after = ? WHERE id = ?",
            (int(value.total_seconds()) if value is not None else None, team_id),
        )

    async def invitation_lead(self, team_id: int) -> timedelta | None:
        row = await self._one("SELECT invitation_lead FROM teams WHERE id = ?", (team_id,))
        return timedelta(seconds=row[0]) if row and row[0] is not None else None

    async def set_invitation_lead(self, team_id: int, value: timedelta | None) -> None:
        await self._exec(
            "UPDATE teams SET invitation_lead = ? WHERE id = ?",
            (int(value.total_seconds()) if value is not None else None, team_id),
        )

    async def quiet_hours(self, team_id: int) -> QuietHours | None:
        """The team's own quiet hours (None: it keeps the default)."""
        row = await self._one("SELECT quiet_start, quiet_end FROM teams WHERE id = ?", (team_id,))
        if row is None or row[0] is None or row[1] is None:
            return None
        return QuietHours(time(row[0] // 60, row[0] % 60), time(row[1] // 60, row[1] % 60))

    async def set_quiet_hours(self, team_id: int, value: QuietHours | None) -> None:
        start = value.start.hour * 60 + value.start.minute if value is not None else None
        end = value.end.hour * 60 + value.end.minute if value is not None else None
        await self._exec(
            "UPDATE teams SET quiet_start = ?, quiet_end = ? WHERE id = ?", (start, end, team_id)
        )

    async def set_meeting_settings(
        self, team_id: int, reminders: tuple[timedelta, ...] | None, agenda_lead: timedelta | None
    ) -> None:
        await self._exec(
            "UPDATE teams SET reminder_offsets = ?, agenda_lead = ? WHERE id = ?",
            (
                offsets_to_db(reminders),
                int(agenda_lead.total_seconds()) if agenda_lead is not None else None,
                team_id,
            ),
        )

    async def move_group(self, old_chat_id: int, new_chat_id: int) -> None:
        await self._exec(
            "UPDATE teams SET group_chat_id = ? WHERE group_chat_id = ?", (new_chat_id, old_chat_id)
        )


def _user(row: aiosqlite.Row) -> User:
    return User(
        id=row["id"],
        display_name=row["display_name"],
        org_type=OrgType(row["org_type"]) if row["org_type"] else None,
        org_name=row["org_name"],
        language=row["language"],
        unreachable=bool(row["unreachable"]),
        created_at=req_time(row["created_at"]),
    )


class UserRepo(Repo):
    async def get(self, user_id: int) -> User | None:
        row = await self._one("SELECT * FROM users WHERE id = ?", (user_id,))
        return _user(row) if row else None

    async def ensure(self, user_id: int, now: datetime) -> User:
        await self._exec(
            "INSERT OR IGNORE INTO users (id, created_at) VALUES (?, ?)", (user_id, to_db(now))
        )
        user = await self.get(user_id)
        assert user is not None
        return user

    async def set_profile(
        self, user_id: int, display_name: str, org_type: OrgType, org_name: str
    ) -> None:
        await self._exec(
            "UPDATE users SET display_name = ?, org_type = ?, org_name = ? WHERE id = ?",
            (display_name, org_type.value, org_name, user_id),
        )

    async def set_language(self, user_id: int, language: str) -> None:
        await self._exec("UPDATE users SET language = ? WHERE id = ?", (language, user_id))

    async def set_unreachable(self, user_id: int, unreachable: bool) -> None:
        await self._exec(
            "UPDATE users SET unreachable = ? WHERE id = ?", (int(unreachable), user_id)
        )


class MembershipRepo(Repo):
    async def get(self, team_id: int, user_id: int) -> Membership | None:
        """The active membership, or None (also for a removed member)."""
        row = await self._one(
            "SELECT * FROM memberships WHERE team_id = ? AND user_id = ? AND removed_at IS NULL "
            + _ACTIVE_TEAM,
            (team_id, user_id),
        )
        if row is None:
            return None
        return Membership(
            team_id=row["team_id"],
            user_id=row["user_id"],
            role=Role(row["role"]),
            joined_at=req_time(row["joined_at"]),
        )

    async def roles_of(self, user_id: int) -> dict[int, Role]:
        rows = await self._all(
            "SELECT team_id, role FROM memberships WHERE user_id = ? AND removed_at IS NULL "
            + _ACTIVE_TEAM,
            (user_id,),
        )
        return {r["team_id"]: Role(r["role"]) for r in rows}

    async def activate(self, team_id: int, user_id: int, role: Role, now: datetime) -> None:
        """Add a member, or bring a removed one back with the new role."""
        await self._exec(
            """
            INSERT INTO memberships (team_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (team_id, user_id) DO UPDATE SET
                role = excluded.role, joined_at = excluded.joined_at, removed_at = NULL
            """,
            (team_id, user_id, role.value, to_db(now)),
        )

    async def set_role(self, team_id: int, user_id: int, role: Role) -> bool:
        changed = await self._exec(
            "UPDATE memberships SET role = ? "
            "WHERE team_id = ? AND user_id = ? AND removed_at IS NULL",
            (role.value, team_id, user_id),
        )
        return changed > 0

    async def remove(self, team_id: int, user_id: int, now: datetime) -> bool:
        changed = await self._exec(
            "UPDATE memberships SET removed_at = ? "
            "WHERE team_id = ? AND user_id = ? AND removed_at IS NULL",
            (to_db(now), team_id, user_id),
        )
        return changed > 0

    async def list_members(self, team_id: int) -> list[MemberView]:
        return await self._members(team_id)

    async def member(self, team_id: int, user_id: int) -> MemberView | None:
        found = await self._members(team_id, user_id)
        return found[0] if found else None

    async def _members(self, team_id: int, user_id: int | None = None) -> list[MemberView]:
        rows = await self._all(
            """
            SELECT m.user_id, m.role, m.joined_at, u.display_name, u.org_type, u.org_name
            FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.team_id = ? AND m.removed_at IS NULL AND (? IS NULL OR m.user_id = ?)
                AND m.team_id IN (SELECT id FROM teams WHERE archived_at IS NULL)
            ORDER BY m.role = 'member', u.display_name COLLATE NOCASE
            """,
            (team_id, user_id, user_id),
        )
        return [
            MemberView(
                user_id=r["user_id"],
                display_name=r["display_name"] or "?",
                org_type=OrgType(r["org_type"] or OrgType.JINE.value),
                org_name=r["org_name"] or "",
                role=Role(r["role"]),
                joined_at=req_time(r["joined_at"]),
            )
            for r in rows
        ]

    async def count_coordinators(self, team_id: int) -> int:
        row = await self._one(
            "SELECT COUNT(*) FROM memberships "
            "WHERE team_id = ? AND role = 'coordinator' AND removed_at IS NULL",
            (team_id,),
        )
        return int(row[0]) if row else 0


def _invite(row: aiosqlite.Row) -> Invite:
    return Invite(
        id=row["id"],
        team_id=row["team_id"],
        role=Role(row["role"]),
        created_by=row["created_by"],
        created_at=req_time(row["created_at"]),
        expires_at=req_time(row["expires_at"]),
        used_by=row["used_by"],
        used_at=from_db(row["used_at"]),
        revoked_at=from_db(row["revoked_at"]),
    )


class InviteRepo(Repo):
    async def create(
        self,
        team_id: int,
        role: Role,
        code_hash: str,
        created_by: int,
        now: datetime,
        expires_at: datetime,
    ) -> Invite:
        invite_id = await self._insert(
            "INSERT INTO invites (team_id, role, code_hash, created_by, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (team_id, role.value, code_hash, created_by, to_db(now), to_db(expires_at)),
        )
        invite = await self.get(team_id, invite_id)
        assert invite is not None
        return invite

    async def get(self, team_id: int, invite_id: int) -> Invite | None:
        row = await self._one(
            "SELECT * FROM invites WHERE id = ? AND team_id = ?", (invite_id, team_id)
        )
        return _invite(row) if row else None

    async def by_hash(self, code_hash: str) -> Invite | None:
        """Look an invite up by the hash of its code (the one lookup that has no team yet)."""
        row = await self._one("SELECT * FROM invites WHERE code_hash = ?", (code_hash,))
        return _invite(row) if row else None

    async def consume(self, invite_id: int, user_id: int, now: datetime) -> bool:
        """Mark the invite used by ``user_id`` (their joining finished); False if it was used
        or cancelled first."""
        changed = await self._exec(
            "UPDATE invites SET used_by = ?, used_at = ? "
            "WHERE id = ? AND revoked_at IS NULL AND used_by IS NULL",
            (user_id, to_db(now), invite_id),
        )
        return changed > 0

    async def removed_at(self, team_id: int, user_id: int) -> datetime | None:
        """When ``user_id`` was last removed from (or left) the team; None if never, or if they
        are a member now."""
        row = await self._one(
            "SELECT removed_at FROM memberships WHERE team_id = ? AND user_id = ?",
            (team_id, user_id),
        )
        return from_db(row["removed_at"]) if row else None

    async def revoke(self, team_id: int, invite_id: int, by: int, now: datetime) -> bool:
        changed = await self._exec(
            "UPDATE invites SET revoked_at = ?, revoked_by = ? "
            "WHERE id = ? AND team_id = ? AND revoked_at IS NULL",
            (to_db(now), by, invite_id, team_id),
        )
        return changed > 0

    async def pending(self, team_id: int, now: datetime) -> list[Invite]:
        rows = await self._all(
            "SELECT * FROM invites WHERE team_id = ? AND used_by IS NULL "
            "AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at",
            (team_id, to_db(now)),
        )
        return [_invite(r) for r in rows]


class InviteFailureRepo(Repo):
    """Failed ``/start <code>`` attempts per person: who and when, never the code."""

    async def add(self, user_id: int, now: datetime) -> None:
        await self._exec(
            "INSERT INTO invite_failures (user_id, at) VALUES (?, ?)", (user_id, to_db(now))
        )

    async def since(self, user_id: int, cutoff: datetime) -> list[datetime]:
        """The person's failures after ``cutoff``, oldest first."""
        rows = await self._all(
            "SELECT at FROM invite_failures WHERE user_id = ? AND at > ? ORDER BY at",
            (user_id, to_db(cutoff)),
        )
        return [req_time(r["at"]) for r in rows]

    async def forget_before(self, cutoff: datetime) -> None:
        await self._exec("DELETE FROM invite_failures WHERE at <= ?", (to_db(cutoff),))


def _group(row: aiosqlite.Row) -> GroupChat:
    return GroupChat(
        chat_id=row["chat_id"],
        title=row["title"],
        team_id=row["team_id"],
        added_by=row["added_by"],
        added_at=req_time(row["added_at"]),
    )


class GroupRepo(Repo):
    async def get(self, chat_id: int) -> GroupChat | None:
        row = await self._one("SELECT * FROM group_chats WHERE chat_id = ?", (chat_id,))
        return _group(row) if row else None

    async def added(self, chat_id: int, title: str, added_by: int | None, now: datetime) -> None:
        await self._exec(
            """
            INSERT INTO group_chats (chat_id, title, added_by, added_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (chat_id) DO UPDATE SET title = excluded.title
            """,
            (chat_id, title, added_by, to_db(now)),
        )

    async def link(self, chat_id: int, team_id: int | None) -> None:
        await self._exec("UPDATE group_chats SET team_id = ? WHERE chat_id = ?", (team_id, chat_id))

    async def forget(self, chat_id: int) -> None:
        await self._exec("DELETE FROM group_chats WHERE chat_id = ?", (chat_id,))

    async def unlinked_since(self, cutoff: datetime) -> list[GroupChat]:
        rows = await self._all(
            "SELECT * FROM group_chats WHERE team_id IS NULL AND added_at <= ?", (to_db(cutoff),)
        )
        return [_group(r) for r in rows]

    async def migrate(self, old_chat_id: int, new_chat_id: int) -> None:
        await self._exec(
            "UPDATE OR REPLACE group_chats SET chat_id = ? WHERE chat_id = ?",
            (new_chat_id, old_chat_id),
        )


class AdminRepo(Repo):
    """City administrators added at run time (besides those of the configuration)."""

    async def ids(self, *, added_only: bool = False) -> list[int]:
        """Every administrator, or only those added with /admins."""
        where = "WHERE configured = 0 " if added_only else ""
        rows = await self._all(f"SELECT user_id FROM admins {where}ORDER BY added_at, user_id")
        return [int(r[0]) for r in rows]

    async def sync_configured(self, user_ids: list[int], now: datetime) -> None:
        """Mirror the configuration's administrators (at start-up)."""
        marks = ", ".join("?" for _ in user_ids) or "NULL"
        await self._exec(
            f"DELETE FROM admins WHERE configured = 1 AND user_id NOT IN ({marks})", user_ids
        )
        for user_id in user_ids:
            await self._exec(
                "INSERT INTO admins (user_id, configured, added_at) VALUES (?, 1, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET configured = 1",
                (user_id, to_db(now)),
            )

    async def add(self, user_id: int, added_by: int, now: datetime) -> bool:
        changed = await self._exec(
            "INSERT OR IGNORE INTO admins (user_id, added_by, added_at) VALUES (?, ?, ?)",
            (user_id, added_by, to_db(now)),
        )
        return changed > 0

    async def remove(self, user_id: int) -> bool:
        """Remove one added with /admins (never a configured one)."""
        changed = await self._exec(
            "DELETE FROM admins WHERE user_id = ? AND configured = 0", (user_id,)
        )
        return changed > 0


class DraftRepo(Repo):
    async def get(self, user_id: int) -> Draft | None:
        row = await self._one("SELECT * FROM drafts WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        return Draft(
            user_id=row["user_id"],
            kind=row["kind"],
            step=row["step"],
            team_id=row["team_id"],
            data=json.loads(row["data"]),
            updated_at=req_time(row["updated_at"]),
        )

    async def save(self, draft: Draft) -> None:
        await self._exec(
            """
            INSERT INTO drafts (user_id, kind, step, team_id, data, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET kind = excluded.kind, step = excluded.step,
                team_id = excluded.team_id, data = excluded.data, updated_at = excluded.updated_at
            """,
            (
                draft.user_id,
                draft.kind,
                draft.step,
                draft.team_id,
                json.dumps(draft.data, ensure_ascii=False),
                to_db(draft.updated_at),
            ),
        )

    async def delete_for_team(self, team_id: int) -> int:
        """End every dialogue about the team (it was archived)."""
        return await self._exec("DELETE FROM drafts WHERE team_id = ?", (team_id,))

    async def delete(self, user_id: int) -> None:
        await self._exec("DELETE FROM drafts WHERE user_id = ?", (user_id,))


class AuditRepo(Repo):
    async def add(
        self,
        at: datetime,
        actor_id: int | None,
        action: str,
        *,
        team_id: int | None = None,
        object_type: str | None = None,
        object_id: str | int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        await self._exec(
            "INSERT INTO audit_events (at, actor_id, action, team_id, object_type, object_id,"
            " details) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                to_db(at),
                actor_id,
                action,
                team_id,
                object_type,
                None if object_id is None else str(object_id),
                json.dumps(details or {}, ensure_ascii=False),
            ),
        )

    async def for_team(self, team_id: int) -> list[AuditEvent]:
        rows = await self._all(
            "SELECT * FROM audit_events WHERE team_id = ? ORDER BY id", (team_id,)
        )
        return [_audit(r) for r in rows]

    async def object_of_press(self, actor_id: int, press: str) -> tuple[str, int] | None:
        """What an actor's press of a dialogue's final button (its token) did, to which
        meeting."""
        row = await self._one(
            "SELECT action, object_id FROM audit_events"
            " WHERE actor_id = ? AND object_type = 'meeting'"
            " AND json_extract(details, '$.press') = ? ORDER BY id DESC LIMIT 1",
            (actor_id, press),
        )
        if row is None or row["object_id"] is None:
            return None
        return str(row["action"]), int(row["object_id"])

    async def by_action(self, action: str) -> list[AuditEvent]:
        rows = await self._all("SELECT * FROM audit_events WHERE action = ? ORDER BY id", (action,))
        return [_audit(r) for r in rows]


def _audit(row: aiosqlite.Row) -> AuditEvent:
    return AuditEvent(
        id=row["id"],
        at=req_time(row["at"]),
        actor_id=row["actor_id"],
        action=row["action"],
        team_id=row["team_id"],
        object_type=row["object_type"],
        object_id=row["object_id"],
        details=json.loads(row["details"]),
    )


class Repos:
    """All repositories bound to one connection inside one transaction."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.teams = TeamRepo(conn)
        self.users = UserRepo(conn)
        self.memberships = MembershipRepo(conn)
        self.invites = InviteRepo(conn)
        self.invite_failures = InviteFailureRepo(conn)
        self.groups = GroupRepo(conn)
        self.drafts = DraftRepo(conn)
        self.admins = AdminRepo(conn)
        self.audit = AuditRepo(conn)
        self.localities = LocalityRepo(conn)
        self.locality_card = LocalityCardRepo(conn)
        self.problems = ProblemRepo(conn)
        self.proposals = ProposalRepo(conn)
        self.outbox = OutboxRepo(conn)
        self.journal = JournalRepo(conn)
        self.meetings = MeetingRepo(conn)
        self.due = DueWorkRepo(conn)
        self.agenda = AgendaRepo(conn)
        self.tasks = TaskRepo(conn)
        self.minutes = MinutesRepo(conn)
        self.guests = GuestRepo(conn)
        self.privacy = PrivacyRepo(conn)
        self.retention = RetentionRepo(conn)
        self.audit_log = AuditLogRepo(conn)
        self.redaction = RedactionRepo(conn)
        self.search = SearchRepo(conn)
        self.exports = ExportRepo(conn)
        self.stats = StatsRepo(conn)
        self.history = HistoryRepo(conn)
        self.person_settings = PersonSettingsRepo(conn)
        self.digest = DigestRepo(conn)
