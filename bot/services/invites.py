"""One-time, expiring invite codes (only a hash of a code is stored), and joining a team.

An invite is used up when its joining finishes (name, organisation type and name entered), by
the first person to finish; opening it reserves nothing. It expires for everybody, also in the
middle of joining. Nobody joins a team they were removed from (or left) through an invite made
before that: removal is final until a new invite. Wrong codes are throttled per person.
Refusals name no team to someone who does not belong to it.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.models import Invite, Role, Team
from bot.domain.notices import Notice
from bot.scheduling.clock import Clock
from bot.services import authz, notify
from bot.services.authz import Action, Actor
from bot.services.base import JoinHook, Service, nobody_told
from bot.services.errors import (
    InputProblem,
    InvalidInput,
    InviteProblem,
    InviteUnusable,
    NotAllowed,
)
from bot.services.members import Joined, Profile
from bot.storage.db import Database
from bot.storage.repos import Repos

#: what Telegram allows in a /start parameter
_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


#: at most this many wrong codes per person within the window; then every code is refused
#: (a right one too) until the oldest of them is older than the window
FAILED_LIMIT = 5
FAILED_WINDOW = timedelta(minutes=10)
#: refusals that count as a wrong code ("you are a member already" does not)
_FAILURES = frozenset(
    {
        InviteProblem.UNKNOWN,
        InviteProblem.USED,
        InviteProblem.EXPIRED,
        InviteProblem.REVOKED,
        InviteProblem.REMOVED,
    }
)


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
        #: told when a person joins (the digest plans their first one)
        self.on_joined: JoinHook = nobody_told

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
            if invite.used_by is not None:  # opened but not finished can still be stopped
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
        """Check that ``user_id`` may join through the invite with ``code``; reserves nothing
        (the first to finish joining uses it up). A wrong code counts towards the throttle."""
        now = self.clock.now()
        refusal: InviteUnusable | None = None
        async with self.db.transaction() as repos:
            await repos.invite_failures.forget_before(now - FAILED_WINDOW)
            wait = await _wait_minutes(repos, user_id, now)
            if wait:
                raise InviteUnusable(InviteProblem.THROTTLED, wait_minutes=wait)
            invite = await repos.invites.by_hash(hash_code(code)) if _CODE_RE.match(code) else None
            try:
                team = await check_joinable(repos, invite, user_id, now)
            except InviteUnusable as error:
                if error.problem in _FAILURES:
                    await _count_failure(repos, user_id, now)
                refusal = error  # raised after the commit, so the failure stays counted
            else:
                assert invite is not None
                await repos.users.ensure(user_id, now)
                await repos.audit.add(
                    now,
                    user_id,
                    "invite.open",
                    team_id=team.id,
                    object_type="invite",
                    object_id=invite.id,
                    details={"role": invite.role.value},
                )
                opened = OpenedInvite(invite=invite, team=team)
        if refusal is not None:
            raise refusal
        return opened

    async def join(
        self, user_id: int, team_id: int, invite_id: int, profile: Profile | None
    ) -> Joined:
        """Finish joining: everything is checked again, then the invite is used up and the
        person becomes a member with its role. ``profile`` None keeps the stored one."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            invite = await repos.invites.get(team_id, invite_id)
            team = await check_joinable(repos, invite, user_id, now)
            assert invite is not None
            await repos.users.ensure(user_id, now)
            if profile is not None:
                await repos.users.set_profile(
                    user_id, profile.display_name, profile.org_type, profile.org_name
                )
            user = await repos.users.get(user_id)
            assert user is not None
            if not user.has_profile:
                raise InvalidInput(InputProblem.EMPTY)
            if not await repos.invites.consume(invite.id, user_id, now):
                raise InviteUnusable(InviteProblem.USED)
            await repos.memberships.activate(team_id, user_id, invite.role, now)
            await self.on_joined(repos, user_id, now)  # their weekly digest is planned
            await repos.audit.add(
                now,
                user_id,
                "member.join",
                team_id=team_id,
                object_type="invite",
                object_id=invite_id,
                details={"role": invite.role.value, "invited_by": invite.created_by},
            )
            # the inviter and the team's coordinators learn of the new member (through the
            # outbox: sent even if this reply fails, and kept out of the night)
            told = {invite.created_by, *await notify.coordinator_ids(repos, team_id)}
            for reader in sorted(told - {user_id, None}):
                await notify.to_person(
                    repos, reader, team_id, Notice.MEMBER_JOINED, {"member_id": user_id}, now
                )
        self.wake_outbox()
        return Joined(team=team, role=invite.role, user=user, invited_by=invite.created_by)


async def check_joinable(repos: Repos, invite: Invite | None, user_id: int, now: datetime) -> Team:
    """The team ``user_id`` may join through ``invite`` now; else why not (raised).

    Only a member of the team hears its name (ALREADY_MEMBER)."""
    team = await repos.teams.get(invite.team_id) if invite is not None else None
    if invite is None or team is None:
        raise InviteUnusable(InviteProblem.UNKNOWN)
    if await repos.memberships.get(team.id, user_id) is not None:
        raise InviteUnusable(InviteProblem.ALREADY_MEMBER, team.name)
    if invite.revoked_at is not None or team.archived:
        raise InviteUnusable(InviteProblem.REVOKED)
    if invite.used_by is not None:
        raise InviteUnusable(InviteProblem.USED)
    if invite.expires_at <= now:
        raise InviteUnusable(InviteProblem.EXPIRED)
    # an invite made at the very instant of the removal counts as made after it
    removed_at = await repos.invites.removed_at(team.id, user_id)
    if removed_at is not None and invite.created_at < removed_at:
        raise InviteUnusable(InviteProblem.REMOVED)
    return team


async def _wait_minutes(repos: Repos, user_id: int, now: datetime) -> int:
    """Whole minutes until ``user_id`` may try a code again; 0 if they may now."""
    failures = await repos.invite_failures.since(user_id, now - FAILED_WINDOW)
    if len(failures) < FAILED_LIMIT:
        return 0
    free_at = failures[len(failures) - FAILED_LIMIT] + FAILED_WINDOW
    return max(1, math.ceil((free_at - now) / timedelta(minutes=1)))


async def _count_failure(repos: Repos, user_id: int, now: datetime) -> None:
    await repos.invite_failures.add(user_id, now)
    recent = await repos.invite_failures.since(user_id, now - FAILED_WINDOW)
    if len(recent) == FAILED_LIMIT:  # from now on locked out: said once, without any code
        await repos.audit.add(
            now,
            user_id,
            "invite.lockout",
            object_type="user",
            object_id=user_id,
            details={
                "failures": len(recent),
                "minutes": int(FAILED_WINDOW / timedelta(minutes=1)),
            },
        )
