"""``/stats``: who sees which figures, for which team or the whole city, in which period.

- a coordinator sees everything about their team; an administrator about any team and the whole
  city; a member sees their team's open-problem counts only;
- coordinators-only problems are counted only for coordinators and administrators (a member's
  counts leave them out, also those the member reported);
- open-problem counts are as of now; the rest (new and solved, medians, meetings, tasks) is for
  the period. All counting is done by SQL aggregates in :mod:`bot.storage.stats`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.models import Role
from bot.domain.periods import Period
from bot.domain.stats import (
    LOCALITIES,
    OLDEST,
    Bucket,
    Flow,
    OpenCounts,
    StatsView,
    TeamFigures,
)
from bot.scheduling.clock import Clock
from bot.services import authz
from bot.services.authz import Action, Actor
from bot.services.base import Service
from bot.storage.db import Database
from bot.storage.repos import Repos
from bot.storage.stats import StatsScope

#: a flow over more months than this is shown by years
MAX_MONTHS = 24


class StatsService(Service):
    def __init__(self, db: Database, clock: Clock, timezone: str) -> None:
        super().__init__(db, clock)
        self.zone = ZoneInfo(timezone)

    def today(self) -> date:
        return self.clock.now().astimezone(self.zone).date()

    async def choices(self, actor: Actor) -> tuple[list[tuple[int, str, bool]], bool]:
        """The teams the actor may ask about, as (id, name, full figures), by name; and whether
        the whole city may be asked about too. NotMember for someone in no team."""
        async with self.db.read() as repos:
            teams = await authz.teams_for(repos, actor, Action.VIEW_TEAM)
            result = []
            for team in teams:
                role = await authz.role_in(repos, actor, team.id)
                result.append((team.id, team.name, role is Role.COORDINATOR))
        return result, actor.is_admin

    async def team(self, actor: Actor, team_id: int, period: Period) -> StatsView:
        """A team's figures; a member gets the open-problem counts only."""
        now = self.clock.now()
        async with self.db.read() as repos:
            team = await authz.require(repos, actor, Action.VIEW_TEAM, team_id)
            full = await authz.role_in(repos, actor, team_id) is Role.COORDINATOR
            scope = StatsScope((team_id,), confidential=full)
            counts = await _open_counts(repos, scope)
            figures = await self._figures(repos, scope, period, now) if full else None
        return StatsView(
            team_id=team.id,
            name=team.name,
            start=period.start if full else None,
            end=period.end if full else None,
            open=counts,
            figures=figures,
        )

    async def city(self, actor: Actor, period: Period) -> StatsView:
        """All teams together (administrators only); archived teams are left out."""
        authz.require_admin(actor, Action.CITY_STATS)
        now = self.clock.now()
        async with self.db.read() as repos:
            teams = await repos.teams.list_all()
            names = {team.id: team.name for team in teams}
            scope = StatsScope(tuple(names), confidential=True)
            counts = await _open_counts(repos, scope)
            figures = await self._figures(repos, scope, period, now)
            by_team = [(names[k], n) for k, n in await repos.stats.open_by(scope, "team")]
        return StatsView(
            team_id=None,
            name="",
            start=period.start,
            end=period.end,
            open=counts,
            figures=figures.model_copy(update={"by_team": by_team}),
        )

    async def _figures(
        self, repos: Repos, scope: StatsScope, period: Period, now: datetime
    ) -> TeamFigures:
        start, end = period.utc_bounds(self.zone)
        first = period.start
        if first is None:
            reported = await repos.stats.first_report(scope)
            first = reported.astimezone(self.zone).date() if reported else self.today()
        after = period.end + timedelta(days=1) if period.end is not None else None
        bucket, starts = _buckets(first, after, self.today())
        bounds = [_utc(day, self.zone) for day in starts]
        flows = await repos.stats.new_and_solved(scope, bounds)
        flow = [
            Flow(start=day, new=new, solved=solved)
            for day, (new, solved) in zip(starts, flows, strict=False)
        ]
        to_discussion = await repos.stats.to_discussion(scope, start, end)
        to_solution = await repos.stats.to_solution(scope, start, end)
        meetings, attendance = await repos.stats.meetings_held(scope.team_ids, start, end)
        on_time, late, overdue = await repos.stats.tasks(scope.team_ids, start, end, now)
        # the buckets cover the whole period up to today, so they add up to its totals
        new_total = sum(new for new, _ in flows)
        solved_total = sum(solved for _, solved in flows)
        return TeamFigures(
            by_lead=await repos.stats.open_by_lead(scope),
            by_team=[],
            new=new_total,
            solved=solved_total,
            bucket=bucket,
            flow=flow,
            to_discussion=to_discussion,
            to_solution=to_solution,
            oldest=await repos.stats.oldest_open(scope, OLDEST),
            meetings=meetings,
            attendance=attendance,
            tasks_on_time=on_time,
            tasks_late=late,
            tasks_overdue=overdue,
        )


async def _open_counts(repos: Repos, scope: StatsScope) -> OpenCounts:
    by_status = await repos.stats.open_by_status(scope)
    localities = await repos.stats.open_by_locality(scope, LOCALITIES)
    named = [(name, n) for name, n in localities if name]
    return OpenCounts(
        total=sum(n for _, n in by_status),
        by_category=await repos.stats.open_by_category(scope),
        by_status=by_status,
        by_locality=named,
        other_localities=sum(n for name, n in localities if not name),
    )


def _utc(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone).astimezone(UTC)


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _buckets(first: date, end: date | None, today: date) -> tuple[Bucket, list[date]]:
    """The starts of the months (or years) from ``first`` up to ``end`` (exclusive) but not
    beyond the current month, with the end of the last one appended."""
    stop = add_months(today.replace(day=1), 1)
    if end is not None and end < stop:
        stop = end
    start = first.replace(day=1)
    months = (stop.year - start.year) * 12 + stop.month - start.month
    if months <= MAX_MONTHS:
        starts = [add_months(start, i) for i in range(max(months, 1))]
        bucket = Bucket.MONTH
    else:
        last_year = (stop - timedelta(days=1)).year
        starts = [date(year, 1, 1) for year in range(start.year, last_year + 1)]
        bucket = Bucket.YEAR
    starts[0] = max(starts[0], first)
    return bucket, [*starts, stop]
