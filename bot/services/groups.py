"""Team group chats: the bot stays only in groups a coordinator links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from bot.domain.models import GroupChat, Team
from bot.scheduling.clock import Clock
from bot.services import authz
from bot.services.authz import Action, Actor
from bot.services.base import Service
from bot.services.errors import NotAllowed, ServiceError
from bot.storage.db import Database


class Arrival(StrEnum):
    LINKED = "linked"  # the group already belongs to a team
    AWAIT_LINK = "await_link"  # added by someone who can link it: wait for /linkgroup
    LEAVE = "leave"  # nobody who could link it is around


@dataclass(frozen=True)
class LinkResult:
    team: Team
    previous_chat_id: int | None


class GroupService(Service):
    def __init__(self, db: Database, clock: Clock, grace: timedelta) -> None:
        super().__init__(db, clock)
        self.grace = grace

    async def bot_added(self, chat_id: int, title: str, added_by: Actor | None) -> Arrival:
        now = self.clock.now()
        async with self.db.transaction() as repos:
            if await repos.teams.by_group(chat_id) is not None:
                return Arrival.LINKED
            may_link = False
            if added_by is not None:
                try:
                    await authz.teams_for(repos, added_by, Action.LINK_GROUP)
                    may_link = True
                except NotAllowed:
                    may_link = False
            if not may_link:
                return Arrival.LEAVE
            await repos.groups.added(chat_id, title, added_by.user_id if added_by else None, now)
        return Arrival.AWAIT_LINK

    async def bot_removed(self, chat_id: int) -> Team | None:
        """The bot was removed from a group: unlink it from its team, if any."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            team = await repos.teams.by_group(chat_id)
            if team is not None:
                await repos.teams.set_group(team.id, None)
                await repos.audit.add(
                    now,
                    None,
                    "group.unlink",
                    team_id=team.id,
                    object_type="chat",
                    object_id=chat_id,
                )
            await repos.groups.forget(chat_id)
        return team

    async def link(self, actor: Actor, chat_id: int, title: str, team_id: int) -> LinkResult:
        now = self.clock.now()
        async with self.db.transaction() as repos:
            team = await authz.require(repos, actor, Action.LINK_GROUP, team_id)
            other = await repos.teams.by_group(chat_id)
            if other is not None and other.id != team_id:
                await authz.require(repos, actor, Action.LINK_GROUP, other.id)
                await repos.teams.set_group(other.id, None)
            previous = team.group_chat_id
            await repos.groups.added(chat_id, title, actor.user_id, now)
            await repos.groups.link(chat_id, team_id)
            await repos.teams.set_group(team_id, chat_id)
            if previous is not None and previous != chat_id:
                await repos.groups.link(previous, None)
            await repos.audit.add(
                now,
                actor.user_id,
                "group.link",
                team_id=team_id,
                object_type="chat",
                object_id=chat_id,
                details={"previous": previous},
            )
            linked = await repos.teams.get(team_id)
        assert linked is not None
        return LinkResult(team=linked, previous_chat_id=previous)

    async def linkable_team(self, actor: Actor, team_id: int) -> Team:
        """The team, if the actor may link its group."""
        async with self.db.read() as repos:
            return await authz.require(repos, actor, Action.LINK_GROUP, team_id)

    async def may_link(self, actor: Actor, team_id: int) -> bool:
        """Whether the actor may link (or unlink) the team's group."""
        async with self.db.read() as repos:
            try:
                await authz.require(repos, actor, Action.LINK_GROUP, team_id)
            except ServiceError:
                return False
        return True

    async def team_of(self, chat_id: int) -> Team | None:
        async with self.db.read() as repos:
            return await repos.teams.by_group(chat_id)

    async def to_leave(self) -> list[GroupChat]:
        """Groups nobody linked within the grace period."""
        async with self.db.read() as repos:
            return await repos.groups.unlinked_since(self.clock.now() - self.grace)

    async def forget(self, chat_id: int) -> None:
        async with self.db.transaction() as repos:
            await repos.groups.forget(chat_id)

    async def migrated(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: keep its link under the new id."""
        async with self.db.transaction() as repos:
            await repos.groups.migrate(old_chat_id, new_chat_id)
            await repos.teams.move_group(old_chat_id, new_chat_id)
            await repos.outbox.move_chat(old_chat_id, new_chat_id)
