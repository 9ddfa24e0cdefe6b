"""Quiet hours: which notice may wake a person at night. The one place that decides it; the
outbox asks it for every row it is about to send (see :data:`bot.domain.notices.TIMING`).

A nudge that falls due in the team's quiet hours (default 20:00–7:00 local time) waits for
their end, in the configured zone (so across daylight-saving changes too); news of an acute
problem and everything about meetings go out at once.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.notices import DEFAULT_QUIET_HOURS, TIMING, Notice, Timing
from bot.domain.problems import Urgency
from bot.storage.outbox import OutboxItem
from bot.storage.repos import Repos


async def hold_until(
    repos: Repos, item: OutboxItem, now: datetime, zone: ZoneInfo
) -> datetime | None:
    """When the row may go out if not now (the end of its team's quiet hours), else None.
    A nudge about no team in particular (the weekly digest) keeps the default quiet hours."""
    try:
        timing = TIMING[Notice(item.kind)]
    except (KeyError, ValueError):
        return None
    if timing is Timing.AT_ONCE:
        return None
    quiet = DEFAULT_QUIET_HOURS
    if item.team_id is not None:
        quiet = await repos.teams.quiet_hours(item.team_id) or DEFAULT_QUIET_HOURS
    morning = quiet.morning_after(now, zone)
    if morning is None:
        return None
    if timing is Timing.MORNING_UNLESS_ACUTE and await _acute(repos, item):
        return None
    return morning


async def _acute(repos: Repos, item: OutboxItem) -> bool:
    problem_id = item.payload.get("problem_id")
    if item.team_id is None or not isinstance(problem_id, int):
        return False
    problem = await repos.problems.get(item.team_id, problem_id)
    return problem is not None and problem.urgency is Urgency.ACUTE
