"""Teams: creation and listing (city administrator), and "my teams" for everyone else."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.models import Role, Team
from bot.services import authz
from bot.services.authz import Action, Actor
from bot.services.base import Service
from bot.services.errors import InputProblem, InvalidInput
from bot.services.text import clean_line, name_key

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
        return team

    async def overview(self, actor: Actor) -> list[TeamOverview]:
        authz.require_admin(actor, Action.LIST_ALL_TEAMS)
        async with self.db.read() as repos:
            result = []
            for team in await repos.teams.list_all():
                members = await repos.memberships.list_members(team.id)
                result.append(
                    TeamOverview(
                        team=team,
                        members=len(members),
                        coordinators=sum(m.role is Role.COORDINATOR for m in members),
                    )
                )
        return result

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
