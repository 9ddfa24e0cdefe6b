"""Queueing notices in the outbox, inside the transaction of the change they announce."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from bot.domain.models import Role
from bot.domain.notices import Notice
from bot.storage.repos import Repos


async def to_coordinators(
    repos: Repos,
    team_id: int,
    notice: Notice,
    payload: dict[str, Any],
    now: datetime,
    *,
    except_user: int | None = None,
) -> int:
    """Queue a notice to every coordinator of the team (but the one who caused it); while the
    team has no coordinator, the city administrators stand in for them."""
    coordinators = await coordinator_ids(repos, team_id)
    count = 0
    for user_id in coordinators:
        if user_id != except_user:
            await repos.outbox.add(user_id, notice, payload, now, user_id=user_id, team_id=team_id)
            count += 1
    return count


async def coordinator_ids(repos: Repos, team_id: int) -> list[int]:
    """Who coordinates the team: its coordinators, or the administrators while it has none
    (nobody for an archived team)."""
    members = await repos.memberships.list_members(team_id)
    coordinators = [m.user_id for m in members if m.role is Role.COORDINATOR]
    if coordinators:
        return coordinators
    team = await repos.teams.get(team_id)
    if team is None or team.archived:
        return []
    return await repos.admins.ids()


async def to_members(
    repos: Repos,
    team_id: int,
    notice: Notice,
    payload: dict[str, Any],
    now: datetime,
    *,
    unless: Callable[[int], Awaitable[bool]] | None = None,
) -> int:
    """Queue a notice to every member of the team (but those for whom ``unless`` is true)."""
    count = 0
    for member in await repos.memberships.list_members(team_id):
        if unless is not None and await unless(member.user_id):
            continue
        await repos.outbox.add(
            member.user_id, notice, payload, now, user_id=member.user_id, team_id=team_id
        )
        count += 1
    return count


async def to_linked_group(
    repos: Repos, team_id: int, notice: Notice, payload: dict[str, Any], now: datetime
) -> bool:
    """Queue a message to the team's linked group whatever its problem-notice setting
    (meeting news and reminders are what a group is linked for)."""
    team = await repos.teams.get(team_id)
    if team is None or team.group_chat_id is None or team.archived:
        return False
    await repos.outbox.add(team.group_chat_id, notice, payload, now, team_id=team_id)
    return True


async def to_person(
    repos: Repos,
    user_id: int,
    team_id: int | None,
    notice: Notice,
    payload: dict[str, Any],
    now: datetime,
) -> None:
    if user_id < 0:  # a pseudonym stands in for a former member: nobody to tell
        return
    await repos.outbox.add(user_id, notice, payload, now, user_id=user_id, team_id=team_id)


async def to_group(
    repos: Repos, team_id: int, notice: Notice, payload: dict[str, Any], now: datetime
) -> bool:
    """Queue a short notice to the team's linked group, if it has one and wants notices."""
    team = await repos.teams.get(team_id)
    if team is None or not team.group_notices:
        return False
    return await to_linked_group(repos, team_id, notice, payload, now)


async def member_unreachable(repos: Repos, user_id: int, now: datetime) -> bool:
    """Mark a person unreachable (they blocked the bot) and, the first time, tell the
    coordinators of their teams. True if anybody was told."""
    user = await repos.users.get(user_id)
    if user is None or user.unreachable:
        return False
    await repos.users.set_unreachable(user_id, True)
    told = 0
    for team_id in await repos.memberships.roles_of(user_id):
        told += await to_coordinators(
            repos,
            team_id,
            Notice.MEMBER_UNREACHABLE,
            {"member_id": user_id},
            now,
            except_user=user_id,
        )
    return told > 0
