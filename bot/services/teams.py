"""Teams: creation and listing (city administrator), and "my teams" for everyone else."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.models import Role, Team
from bot.services import authz, retention
from bot.services.authz import Action, Actor
from bot.services.base import Service
from bot.services.errors import InputProblem, InvalidInput
from bot.services.text import clean_line, name_key
from bot.storage.repos import Repos

TEAM_NAME_MIN, TEAM_NAME_MAX = 2, 80


@dataclass(frozen=True)
class TeamOverview:
    team: Team
    members: int
    coordinators: int


class TeamService(Service):
    async def create(self, actor: Actor, name: str) -> Team:
        authz.require_admin(actor, Action.CREATE_TEAM)
        clean = clean_line(name, min_len=TEAM_NAME_MIN, max_len=TEAM_NAME_MAX)
        now = self.clock.now()
        async with self.db.transaction() as repos:
            if await repos.teams.exists_name(name_key(clean)):
                raise InvalidInput(InputProblem.DUPLICATE)
            team = await repos.teams.create(clean, name_key(clean), actor.user_id, now)
            await repos.audit.add(
                now,
                actor.user_id,
                "team.create",
                team_id=team.id,
                object_type="team",
                object_id=team.id,
                details={"name": clean},
            )
            await retention.schedule_round(repos, team.id, now, now)
        return team

    async def overview(self, actor: Actor) -> list[TeamOverview]:
        authz.require_admin(actor, Action.LIST_ALL_TEAMS)
        async with self.db.read() as repos:
            return [await _overview(repos, team) for team in await repos.teams.list_all()]

    async def team_overview(self, actor: Actor, team_id: int) -> TeamOverview:
        """One team for the city administrator (not an archived one)."""
        authz.require_admin(actor, Action.EDIT_TEAM)
        async with self.db.read() as repos:
            team = await authz.require(repos, actor, Action.VIEW_TEAM, team_id)
            return await _overview(repos, team)

    async def rename(self, actor: Actor, team_id: int, name: str | None) -> Team:
        authz.require_admin(actor, Action.EDIT_TEAM)
        clean = clean_line(name, min_len=TEAM_NAME_MIN, max_len=TEAM_NAME_MAX)
        now = self.clock.now()
        async with self.db.transaction() as repos:
            team = await authz.require(repos, actor, Action.VIEW_TEAM, team_id)
            if clean == team.name:
                return team
            if name_key(clean) != name_key(team.name) and await repos.teams.exists_name(
                name_key(clean)
            ):
                raise InvalidInput(InputProblem.DUPLICATE)
            await repos.teams.rename(team_id, clean, name_key(clean))
            await repos.audit.add(
                now,
                actor.user_id,
                "team.rename",
                team_id=team_id,
                object_type="team",
                object_id=team_id,
                details={"from": team.name, "to": clean},
            )
            renamed = await repos.teams.get(team_id)
        assert renamed is not None
        return renamed

    async def archive(self, actor: Actor, team_id: int) -> Team:
        """Archive a team: out of every list and picker, no reports, no notices, its group
        unlinked and its dialogues ended; everything it holds stays in the database."""
        authz.require_admin(actor, Action.EDIT_TEAM)
        now = self.clock.now()
        async with self.db.transaction() as repos:
            team = await authz.require(repos, actor, Action.VIEW_TEAM, team_id)
            members = await repos.memberships.list_members(team_id)
            await repos.teams.archive(team_id, now)
            ended = await repos.drafts.delete_for_team(team_id)
            await repos.audit.add(
                now,
                actor.user_id,
                "team.archive",
                team_id=team_id,
                object_type="team",
                object_id=team_id,
                details={
                    "name": team.name,
                    "members": len(members),
                    "group_chat_id": team.group_chat_id,
                    "dialogues_ended": ended,
                },
            )
            archived = await repos.teams.get(team_id)
        assert archived is not None
        return archived

    async def teams_for(self, actor: Actor, action: Action) -> list[Team]:
        async with self.db.read() as repos:
            return await authz.teams_for(repos, actor, action)

    async def get_for(self, actor: Actor, action: Action, team_id: int) -> Team:
        async with self.db.read() as repos:
            return await authz.require(repos, actor, action, team_id)

    async def name_of(self, team_id: int) -> str | None:
        async with self.db.read() as repos:
            team = await repos.teams.get(team_id)
        return team.name if team else None

    async def roles_of(self, user_id: int) -> dict[int, Role]:
        async with self.db.read() as repos:
            return await repos.memberships.roles_of(user_id)

    async def set_group_notices(self, actor: Actor, team_id: int, enabled: bool) -> Team:
        """Whether the team's group gets a short notice of each new problem."""
        async with self.db.transaction() as repos:
            await authz.require(repos, actor, Action.MANAGE_TEAM, team_id)
            await repos.teams.set_group_notices(team_id, enabled)
            await repos.audit.add(
                self.clock.now(),
                actor.user_id,
                "team.group_notices",
                team_id=team_id,
                details={"enabled": enabled},
            )
            team = await repos.teams.get(team_id)
        assert team is not None
        return team


async def _overview(repos: Repos, team: Team) -> TeamOverview:
    members = await repos.memberships.list_members(team.id)
    return TeamOverview(
        team=team,
        members=len(members),
        coordinators=sum(m.role is Role.COORDINATOR for m in members),
    )
