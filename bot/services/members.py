"""Members: profiles, listing members, roles and removal (joining: services/invites.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.models import MemberView, OrgType, Role, Team, User
from bot.domain.notices import Notice
from bot.services import authz, notify, tasks
from bot.services.authz import Action, Actor
from bot.services.base import Service
from bot.services.errors import (
    InputProblem,
    InvalidInput,
    NotAllowed,
)
from bot.services.text import clean_line
from bot.storage.repos import Repos

NAME_MIN, NAME_MAX = 2, 60
ORG_NAME_MIN, ORG_NAME_MAX = 2, 100


@dataclass(frozen=True)
class Profile:
    display_name: str
    org_type: OrgType
    org_name: str


@dataclass(frozen=True)
class Joined:
    team: Team
    role: Role
    user: User
    invited_by: int


@dataclass(frozen=True)
class Roster:
    team: Team
    members: list[MemberView]
    may_manage: bool


def clean_display_name(text: str | None) -> str:
    return clean_line(text, min_len=NAME_MIN, max_len=NAME_MAX)


def clean_org_name(text: str | None) -> str:
    return clean_line(text, min_len=ORG_NAME_MIN, max_len=ORG_NAME_MAX)


class MemberService(Service):
    async def profile(self, user_id: int) -> User | None:
        async with self.db.read() as repos:
            return await repos.users.get(user_id)

    async def require_member(self, actor: Actor) -> None:
        async with self.db.read() as repos:
            await authz.require_member(repos, actor)

    async def update_profile(
        self,
        actor: Actor,
        *,
        display_name: str | None = None,
        org_type: OrgType | None = None,
        org_name: str | None = None,
    ) -> User:
        """A member corrects their name or organisation (visible to their teams)."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            await authz.require_member(repos, actor)
            user = await repos.users.ensure(actor.user_id, now)
            name = user.display_name if display_name is None else clean_display_name(display_name)
            org = clean_org_name(org_name) if org_name is not None else user.org_name
            kind = org_type or user.org_type
            if not (name and org and kind):
                raise InvalidInput(InputProblem.EMPTY)
            await repos.users.set_profile(actor.user_id, name, kind, org)
            await repos.audit.add(
                now,
                actor.user_id,
                "profile.update",
                object_type="user",
                object_id=actor.user_id,
            )
            updated = await repos.users.get(actor.user_id)
        assert updated is not None
        return updated

    async def roster(self, actor: Actor, team_id: int) -> Roster:
        async with self.db.read() as repos:
            team = await authz.require(repos, actor, Action.VIEW_TEAM, team_id)
            try:
                await authz.require(repos, actor, Action.MANAGE_MEMBERS, team_id)
                may_manage = True
            except NotAllowed:
                may_manage = False
            members = await repos.memberships.list_members(team_id)
        return Roster(team=team, members=members, may_manage=may_manage)

    async def member(self, actor: Actor, team_id: int, user_id: int) -> tuple[Team, MemberView]:
        """One member's card, for someone who may manage the team's members."""
        async with self.db.read() as repos:
            team = await authz.require(repos, actor, Action.MANAGE_MEMBERS, team_id)
            return team, await _member_of(repos, team_id, user_id)

    async def change_role(self, actor: Actor, team_id: int, user_id: int, role: Role) -> MemberView:
        now = self.clock.now()
        async with self.db.transaction() as repos:
            await authz.require(repos, actor, Action.MANAGE_MEMBERS, team_id)
            member = await _member_of(repos, team_id, user_id)
            await _check_may_change(repos, actor, member, team_id)
            if member.role is role:
                return member
            await repos.memberships.set_role(team_id, user_id, role)
            await repos.audit.add(
                now,
                actor.user_id,
                "member.role",
                team_id=team_id,
                object_type="user",
                object_id=user_id,
                details={"from": member.role.value, "to": role.value},
            )
            await notify.to_person(
                repos, user_id, team_id, Notice.ROLE_CHANGED, {"role": role.value}, now
            )
            changed = await _member_of(repos, team_id, user_id)
        self.wake_outbox()
        return changed

    async def remove(self, actor: Actor, team_id: int, user_id: int) -> tuple[Team, MemberView]:
        """Remove at once; a dialogue the member had running for this team ends too."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            team = await authz.require(repos, actor, Action.MANAGE_MEMBERS, team_id)
            member = await _member_of(repos, team_id, user_id)
            await _check_may_change(repos, actor, member, team_id, removing=True)
            await end_membership(repos, team_id, user_id, now)
            await repos.audit.add(
                now,
                actor.user_id,
                "member.remove",
                team_id=team_id,
                object_type="user",
                object_id=user_id,
                details={"role": member.role.value},
            )
            told = await after_leaving(repos, team_id, member, now)
        if told:
            self.wake_outbox()
        return team, member


async def _member_of(repos: Repos, team_id: int, user_id: int) -> MemberView:
    member = await repos.memberships.member(team_id, user_id)
    if member is None:
        raise NotAllowed("member")
    return member


async def _check_may_change(
    repos: Repos, actor: Actor, member: MemberView, team_id: int, *, removing: bool = False
) -> None:
    """Nobody changes their own role here, and a coordinator does not leave a team without
    one. An administrator may remove the last coordinator (after a confirmation): the
    administrators then coordinate the team until a new coordinator joins."""
    if member.user_id == actor.user_id and not actor.is_admin:
        raise InvalidInput(InputProblem.SELF)
    last = (
        member.role is Role.COORDINATOR and await repos.memberships.count_coordinators(team_id) <= 1
    )
    if last and not (removing and actor.is_admin):
        raise InvalidInput(InputProblem.LAST_COORDINATOR)


async def end_membership(repos: Repos, team_id: int, user_id: int, now: datetime) -> None:
    """The person is out of the team at once: their open tasks go back to the coordinators and
    a dialogue they had running for it ends."""
    await repos.memberships.remove(team_id, user_id, now)
    await tasks.release(repos, team_id, user_id, now)
    draft = await repos.drafts.get(user_id)
    if draft is not None and draft.team_id == team_id:
        await repos.drafts.delete(user_id)


async def after_leaving(repos: Repos, team_id: int, member: MemberView, now: datetime) -> bool:
    """If the team has just lost its last coordinator, tell the administrators, who stand in
    for them from now on. True if anybody was told."""
    if member.role is not Role.COORDINATOR or await repos.memberships.count_coordinators(team_id):
        return False
    told = 0
    for admin_id in await notify.coordinator_ids(repos, team_id):  # the administrators now
        await notify.to_person(
            repos, admin_id, team_id, Notice.NO_COORDINATOR, {"former": member.user_id}, now
        )
        told += 1
    return told > 0
