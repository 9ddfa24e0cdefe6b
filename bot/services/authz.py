"""The one place that answers "may this user do this to this team?".

Called inside the same transaction as the change it guards, on every command, button press
and dialogue step; nothing a client sends (callback data included) is trusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.meetings import Meeting
from bot.domain.models import Role, Team
from bot.domain.problems import Problem
from bot.services.errors import MeetingNotFound, NotAllowed, NotMember, ProblemNotFound
from bot.storage.repos import Repos


@dataclass(frozen=True)
class Actor:
    user_id: int
    is_admin: bool = False


class Action(StrEnum):
    CREATE_TEAM = "create_team"
    EDIT_TEAM = "edit_team"  # rename or archive a team (city administrator)
    MANAGE_ADMINS = "manage_admins"  # add and remove city administrators
    VIEW_AUDIT = "view_audit"  # read and export the audit log (city administrator)
    CITY_STATS = "city_stats"  # statistics of all teams together (city administrator)
    LIST_ALL_TEAMS = "list_all_teams"
    VIEW_TEAM = "view_team"  # see the team's members and (later) its problems
    INVITE = "invite"
    MANAGE_MEMBERS = "manage_members"
    LINK_GROUP = "link_group"
    REPORT = "report"  # report problems, comment, propose and support solutions
    MANAGE_PROBLEMS = "manage_problems"  # status, lead, duplicates, confidentiality, decisions
    MANAGE_TEAM = "manage_team"  # localities and team settings
    MANAGE_MEETINGS = "manage_meetings"  # schedule, move, cancel, minute meetings
    EXPORT = "export"  # export the team's problems, tasks and meetings (/export)


_ADMIN_ONLY = {
    Action.CREATE_TEAM,
    Action.EDIT_TEAM,
    Action.LIST_ALL_TEAMS,
    Action.MANAGE_ADMINS,
    Action.VIEW_AUDIT,
    Action.CITY_STATS,
}
_COORDINATOR = {
    Action.INVITE,
    Action.MANAGE_MEMBERS,
    Action.LINK_GROUP,
    Action.MANAGE_PROBLEMS,
    Action.MANAGE_TEAM,
    Action.MANAGE_MEETINGS,
    Action.EXPORT,
}


def role_allows(role: Role | None, action: Action) -> bool:
    if role is None or action in _ADMIN_ONLY:
        return False
    if action in _COORDINATOR:
        return role is Role.COORDINATOR
    return True


async def require(repos: Repos, actor: Actor, action: Action, team_id: int) -> Team:
    """Return the team if ``actor`` may do the team-scoped ``action`` to it; raise otherwise.

    For a team the actor may not see, the answer is the same as for a team that does not exist.
    """
    if action in _ADMIN_ONLY:
        raise ValueError(f"{action} is not team-scoped; use require_admin")
    team = await repos.teams.get(team_id)
    if team is None or team.archived:
        # the same answer as for a team one is not in: team ids cannot be probed, and an
        # archived team is kept only for the record
        raise NotMember(action.value)
    if actor.is_admin:
        return team
    membership = await repos.memberships.get(team_id, actor.user_id)
    if membership is None:
        raise NotMember(action.value)
    if not role_allows(membership.role, action):
        raise NotAllowed(action.value)
    return team


async def role_in(repos: Repos, actor: Actor, team_id: int) -> Role | None:
    """The actor's role in the team; administrators count as coordinators everywhere."""
    if actor.is_admin:
        team = await repos.teams.get(team_id)
        return Role.COORDINATOR if team is not None and not team.archived else None
    membership = await repos.memberships.get(team_id, actor.user_id)  # not in archived teams
    return membership.role if membership else None


@dataclass(frozen=True)
class ProblemAccess:
    problem: Problem
    role: Role  # the actor's role in the problem's team (administrators: coordinator)

    @property
    def may_manage(self) -> bool:
        return self.role is Role.COORDINATOR


def may_see(problem: Problem, actor: Actor, role: Role | None) -> bool:
    """Team members see their team's problems, except those reserved for coordinators, which
    only coordinators (and the reporter) see."""
    if role is None:
        return False
    return (
        not problem.coordinators_only
        or role is Role.COORDINATOR
        or problem.reporter_id == actor.user_id
    )


async def require_problem(
    repos: Repos, actor: Actor, action: Action, problem_id: int
) -> ProblemAccess:
    """The problem, if the actor may see it and do ``action`` to it.

    A problem the actor may not see gives the same answer as a number that does not exist.
    """
    team_id = await repos.problems.team_of(problem_id)
    if team_id is None:
        raise ProblemNotFound(problem_id)
    role = await role_in(repos, actor, team_id)
    problem = await repos.problems.get(team_id, problem_id)
    if problem is None or not may_see(problem, actor, role):
        raise ProblemNotFound(problem_id)
    assert role is not None
    if not role_allows(role, action):
        raise NotAllowed(action.value)
    return ProblemAccess(problem, role)


@dataclass(frozen=True)
class MeetingAccess:
    meeting: Meeting
    team: Team
    role: Role  # the actor's role in the meeting's team (administrators: coordinator)


async def require_meeting(
    repos: Repos, actor: Actor, action: Action, meeting_id: int
) -> MeetingAccess:
    """The meeting, if the actor belongs to its team and may do ``action``.

    Another team's meeting gives the same answer as a number that does not exist.
    """
    team_id = await repos.meetings.team_of(meeting_id)
    role = await role_in(repos, actor, team_id) if team_id is not None else None
    if team_id is None or role is None:
        raise MeetingNotFound(str(meeting_id))
    team = await repos.teams.get(team_id)
    meeting = await repos.meetings.get(team_id, meeting_id)
    if team is None or meeting is None:
        raise MeetingNotFound(str(meeting_id))
    if not role_allows(role, action):
        raise NotAllowed(action.value)
    return MeetingAccess(meeting, team, role)


async def meeting_of_group(
    repos: Repos, meeting_id: int, chat_id: int
) -> tuple[Meeting, Team] | None:
    """The meeting and its team, if ``chat_id`` is (still) the team's linked group."""
    team_id = await repos.meetings.team_of(meeting_id)
    team = await repos.teams.get(team_id) if team_id is not None else None
    if team is None or team.group_chat_id != chat_id:
        return None
    meeting = await repos.meetings.get(team.id, meeting_id)
    return (meeting, team) if meeting is not None else None


async def require_member(repos: Repos, actor: Actor) -> None:
    """The actor belongs to at least one team (or is a city administrator)."""
    if not actor.is_admin and not await repos.memberships.roles_of(actor.user_id):
        raise NotMember("member")


def require_admin(actor: Actor, action: Action) -> None:
    if not actor.is_admin:
        raise NotAllowed(action.value)


async def teams_for(repos: Repos, actor: Actor, action: Action) -> list[Team]:
    """Teams on which ``actor`` may do ``action``, by name. Raises NotMember if none at all."""
    if actor.is_admin:
        return await repos.teams.list_all()
    roles = await repos.memberships.roles_of(actor.user_id)
    if not roles:
        raise NotMember(action.value)
    teams = []
    for team_id, role in roles.items():
        if role_allows(role, action):
            team = await repos.teams.get(team_id)
            if team is not None:
                teams.append(team)
    if not teams:
        raise NotAllowed(action.value)
    return sorted(teams, key=lambda t: t.name.casefold())
