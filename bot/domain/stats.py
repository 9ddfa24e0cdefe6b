"""Figures of ``/stats``: what a team (or the whole city) did in a period, and what is open now."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.models import OrgType
from bot.domain.problems import Category, Status


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Bucket(StrEnum):
    """How the flow of new and solved problems is grouped."""

    MONTH = "month"
    YEAR = "year"


class Flow(_Model):
    """New and solved problems in one month (or year) starting on ``start`` (local date)."""

    start: date
    new: int
    solved: int


class OldProblem(_Model):
    id: int
    category: Category
    locality: str
    created_at: datetime


class Median(_Model):
    """The median of a duration over ``count`` problems (None when there are none)."""

    count: int
    days: float | None


class OpenCounts(_Model):
    """Open problems now (nový, projednává se, řeší se), as the reader may count them."""

    total: int
    by_category: list[tuple[Category, int]]
    by_status: list[tuple[Status, int]]
    by_locality: list[tuple[str, int]]  # the most frequent first, at most LOCALITIES
    other_localities: int  # open problems in the localities left out


class TeamFigures(_Model):
    """What a coordinator or an administrator sees for a team or the city, besides the open
    counts: the rest of the open problems now, and what happened in a period."""

    by_lead: list[tuple[OrgType | None, int]]  # None: no lead organisation yet
    by_team: list[tuple[str, int]]  # the city only: open problems per team
    new: int  # reported in the period (withdrawn reports and duplicates left out)
    solved: int  # solved or partly solved in the period
    bucket: Bucket
    flow: list[Flow]
    to_discussion: Median  # first discussed in the period: days from the report
    to_solution: Median  # solved in the period: days from the report
    oldest: list[OldProblem]
    meetings: int  # held in the period
    attendance: list[tuple[OrgType | None, int]]  # presences at those meetings per org type
    tasks_on_time: int  # deadline in the period, done by it
    tasks_late: int  # deadline in the period, done after it
    tasks_overdue: int  # deadline in the period and past, not done


class StatsView(_Model):
    """One answer of ``/stats``: a team's (or the city's) figures as the reader may see them.

    ``figures`` is None for a member, who sees the open-problem counts only."""

    team_id: int | None  # None: the whole city
    name: str  # the team's name ("" for the city)
    start: date | None  # the period's first and last local day; None: open-ended
    end: date | None
    open: OpenCounts
    figures: TeamFigures | None

    @property
    def is_empty(self) -> bool:
        """Nothing to show at all: no open problem and nothing happened in the period."""
        if self.open.total:
            return False
        f = self.figures
        return f is None or not (
            f.new or f.solved or f.meetings or f.tasks_on_time or f.tasks_late or f.tasks_overdue
        )


#: how many localities the open counts name; the rest are summed up
LOCALITIES = 5
#: how many of the oldest open problems are shown
OLDEST = 5
