"""One-time, expiring invite codes. Only a hash of a code is stored."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from bot.domain.models import Invite, Role, Team
from bot.scheduling.clock import Clock
from bot.services import authz
from bot.services.authz import Action, Actor
from bot.services.base import Service
from bot.services.errors import InviteProblem, InviteUnusable, NotAllowed
from bot.storage.db import Database

#: what Telegram allows in a /start parameter
_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@dataclass(frozen=True)
class NewInvite:
    invite: Invite
    code: str  # shown once, to its creator; never stored


@dataclass(frozen=True)
class OpenedInvite:
    invite: Invite
    team: Team


class InviteService(Service):
    def __init__(self, db: Database, clock: Clock, ttl: timedelta) -> None:
        super().__init__(db, clock)
        self.ttl = ttl

    async def create(self, actor: Actor, team_id: int, role: Role) -> NewInvite:
        code = secrets.token_urlsafe(18)
        now = self.clock.now()
        async with self.db.transaction() as repos:
            await authz.require(repos, actor, Action.INVITE, team_id)
            invite = await repos.invites.create(
                team_id, role, hash_code(code), actor.user_id, now, now + self.ttl
            )
            await repos.audit.add(
                now,
                actor.user_id,
                "invite.create",
                team_id=team_id,
                object_type="invite",
                object_id=invite.id,
                details={"role": role.value},
            )
        return NewInvite(invite=invite, code=code)

    async def revoke(self, actor: Actor, team_id: int, invite_id: int) -> Invite:
        now = self.clock.now()
        async with self.db.transaction() as repos:
            await authz.require(repos, actor, Action.INVITE, team_id)
            invite = await repos.invites.get(team_id, invite_id)
            if invite is None:
                raise NotAllowed("invite")
            if invite.revoked_at is not None:
                raise InviteUnusable(InviteProblem.REVOKED)
            joined = invite.used_by is not None and (
                await repos.memberships.get(team_id, invite.used_by) is not None
            )
            if joined:  # opened but not finished can still be stopped
                raise InviteUnusable(InviteProblem.USED)
            await repos.invites.revoke(team_id, invite_id, actor.user_id, now)
            await repos.audit.add(
                now,
                actor.user_id,
                "invite.revoke",
                team_id=team_id,
                object_type="invite",
                object_id=invite_id,
            )
            revoked = await repos.invites.get(team_id, invite_id)
        assert revoked is not None
        return revoked

    async def pending(self, actor: Actor, team_id: int) -> list[Invite]:
        async with self.db.read() as repos:
            await authz.require(repos, actor, Action.INVITE, team_id)
            return await repos.invites.pending(team_id, self.clock.now())

    async def open(self, code: str, user_id: int) -> OpenedInvite:
        """Claim an invite for ``user_id`` (one-time: nobody else can use it afterwards).

        The same person may open their claimed link again, e.g. after cancelling the dialogue.
        """
        if not _CODE_RE.match(code):
            raise InviteUnusable(InviteProblem.UNKNOWN)
        now = self.clock.now()
        async with self.db.transaction() as repos:
            invite = await repos.invites.by_hash(hash_code(code))
            if invite is None:
                raise InviteUnusable(InviteProblem.UNKNOWN)
            team = await repos.teams.get(invite.team_id)
            if team is None:
                raise InviteUnusable(InviteProblem.UNKNOWN)
            if invite.revoked_at is not None or team.archived:
                raise InviteUnusable(InviteProblem.REVOKED, team.name)
            if invite.used_by is not None and invite.used_by != user_id:
                raise InviteUnusable(InviteProblem.USED, team.name)
            if invite.used_by is None and invite.expires_at <= now:
                raise InviteUnusable(InviteProblem.EXPIRED, team.name)
            if await repos.memberships.get(team.id, user_id) is not None:
                raise InviteUnusable(InviteProblem.ALREADY_MEMBER, team.name)
            await repos.users.ensure(user_id, now)
            await repos.invites.claim(invite.id, user_id, now)
            await repos.audit.add(
                now,
                user_id,
                "invite.open",
                team_id=team.id,
                object_type="invite",
                object_id=invite.id,
            )
            claimed = await repos.invites.get(team.id, invite.id)
        assert claimed is not None
        return OpenedInvite(invite=claimed, team=team)
