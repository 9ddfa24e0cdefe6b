"""A team's quiet hours (coordinator, from ``/team``): nudges wait for the morning."""

from __future__ import annotations

import re
from datetime import time

from bot.domain.notices import DEFAULT_QUIET_HOURS, QuietHours
from bot.scheduling.dates import DateParseError, parse_time_of_day
from bot.services import authz
from bot.services.authz import Action, Actor
from bot.services.base import Service
from bot.services.errors import InputProblem, InvalidInput

#: "21:00–6:30", "21-6:30", "22:00 do 7:00", "od 21 h do 6 h"
_RANGE = re.compile(r"^\s*(?:od\s+)?(.+?)\s*(?:[-–—]|\bdo\b|\bto\b)\s*(.+?)\s*$", re.IGNORECASE)
_BARE_HOUR = re.compile(r"^\d{1,2}$")


def parse_quiet_hours(text: str) -> QuietHours:
    """Two times of day; the night may cross midnight but may not be empty or the whole day."""
    match = _RANGE.match(text or "")
    if match is None:
        raise InvalidInput(InputProblem.NOT_QUIET_HOURS)
    try:
        start, end = (_time(part) for part in match.groups())
    except DateParseError:
        raise InvalidInput(InputProblem.NOT_QUIET_HOURS) from None
    if start == end:
        raise InvalidInput(InputProblem.NOT_QUIET_HOURS)
    return QuietHours(start, end)


def _time(text: str) -> time:
    return parse_time_of_day(f"{text}:00" if _BARE_HOUR.match(text) else text)


class QuietHoursService(Service):
    async def get(self, actor: Actor, team_id: int) -> tuple[QuietHours, bool]:
        """The team's quiet hours and whether they are its own (not the default)."""
        async with self.db.read() as repos:
            await authz.require(repos, actor, Action.MANAGE_TEAM, team_id)
            own = await repos.teams.quiet_hours(team_id)
        return own or DEFAULT_QUIET_HOURS, own is not None

    async def set_text(self, actor: Actor, team_id: int, text: str) -> QuietHours:
        value = parse_quiet_hours(text)
        now = self.clock.now()
        async with self.db.transaction() as repos:
            await authz.require(repos, actor, Action.MANAGE_TEAM, team_id)
            await repos.teams.set_quiet_hours(
                team_id, None if value == DEFAULT_QUIET_HOURS else value
            )
            await repos.audit.add(
                now,
                actor.user_id,
                "team.quiet_hours",
                team_id=team_id,
                object_type="team",
                object_id=team_id,
                details={"start": value.start.isoformat(), "end": value.end.isoformat()},
            )
        return value
