"""A person's settings (the weekly digest, muted teams) and the weekly digest's content."""

from __future__ import annotations

from datetime import datetime, time

from pydantic import BaseModel, ConfigDict

from bot.domain.meetings import Answer
from bot.domain.problems import Category, Urgency

#: the digest's default: Monday 7:30 local time
DEFAULT_DIGEST_WEEKDAY = 0
DEFAULT_DIGEST_TIME = time(7, 30)
#: a digest time must be outside the default quiet hours (the bot sends no nudge at night)
DIGEST_EARLIEST = time(7, 0)
DIGEST_LATEST = time(19, 59)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class DigestSchedule(_Model):
    weekday: int = DEFAULT_DIGEST_WEEKDAY  # Monday = 0, as in Python
    at: time = DEFAULT_DIGEST_TIME  # local wall-clock time
    on: bool = True


class DigestProblem(_Model):
    id: int
    locality: str
    category: Category
    urgency: Urgency
    since: datetime  # reported (new problems) or last progress (stale ones)


class DigestTask(_Model):
    id: int
    text: str
    deadline: datetime
    owner_name: str | None = None


class DigestMeeting(_Model):
    starts_at: datetime
    place: str
    my_answer: Answer | None = None
    #: members who have not answered the invitation (for coordinators)
    unanswered: int = 0


class ProblemList(_Model):
    """The first few problems of a list and how many there are in all."""

    items: list[DigestProblem] = []
    total: int = 0


class TaskList(_Model):
    """The first few tasks of a list and how many there are in all."""

    items: list[DigestTask] = []
    total: int = 0


class TeamDigest(_Model):
    team_id: int
    team_name: str
    coordinator: bool
    new_problems: ProblemList = ProblemList()
    my_tasks: TaskList = TaskList()
    next_meeting: DigestMeeting | None = None
    # for coordinators only
    stale_problems: ProblemList = ProblemList()
    overdue_tasks: TaskList = TaskList()
    waiting_proposals: int = 0
    #: problems the waiting proposals are about (the first few)
    proposal_problems: list[int] = []

    @property
    def empty(self) -> bool:
        return not (
            self.new_problems.total
            or self.my_tasks.total
            or self.next_meeting
            or self.stale_problems.total
            or self.overdue_tasks.total
            or self.waiting_proposals
        )


class CityLine(_Model):
    """One team in an administrator's city overview."""

    team_id: int
    team_name: str
    open_problems: int
    new_problems: int  # in the digest's week
    stale_problems: int
    overdue_tasks: int
    next_meeting: datetime | None = None

    @property
    def empty(self) -> bool:
        return not (
            self.open_problems or self.new_problems or self.overdue_tasks or self.next_meeting
        )


class Digest(_Model):
    since: datetime
    teams: list[TeamDigest] = []
    city: list[CityLine] = []

    @property
    def empty(self) -> bool:
        return all(team.empty for team in self.teams) and all(line.empty for line in self.city)
