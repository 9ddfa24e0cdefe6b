"""A locality card: what ``/locality`` shows of one locality of a team."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from bot.domain.minutes import Outcome
from bot.domain.problems import ProblemLine
from bot.domain.tasks import Task

#: pinned problems this close to a locality (or to its problems' pins) are "nearby"
NEAR_METRES = 150.0


class PinnedLine(ProblemLine):
    """A problem line with its last status change and its location pin, if it has one."""

    progressed_at: datetime
    latitude: float | None = None
    longitude: float | None = None


def key_hash(key: str) -> str:
    """A locality's key as it travels in callback data (names can be long and personal)."""
    return hashlib.sha1(key.encode()).hexdigest()[:10]


@dataclass(frozen=True)
class LocalityRef:
    team_id: int
    team_name: str
    key: str
    name: str

    @property
    def code(self) -> str:
        return key_hash(self.key)


@dataclass(frozen=True)
class Quarter:
    year: int
    quarter: int  # 1..4
    new: int  # reported in the quarter
    solved: int  # marked solved (or partly solved) in the quarter
    open_at_end: int  # open at the quarter's end (or now, for the current quarter)


@dataclass(frozen=True)
class Discussion:
    meeting_id: int
    starts_at: datetime
    problem_id: int
    outcome: Outcome


@dataclass(frozen=True)
class Nearby:
    problem: PinnedLine
    metres: float


@dataclass(frozen=True)
class LocalityCard:
    locality: LocalityRef
    total: int
    solved_total: int
    open_problems: list[PinnedLine]
    open_total: int
    quarters: list[Quarter]
    discussions: list[Discussion]
    tasks: list[Task]
    tasks_total: int
    nearby: list[Nearby]
    #: where "nearby" was measured from: "locality", "problems", "both" or "" (no pin)
    centre: str

    @property
    def empty(self) -> bool:
        return self.total == 0

    @property
    def has_trend(self) -> bool:
        return any(q.new or q.solved or q.open_at_end for q in self.quarters)


@dataclass(frozen=True)
class Lookup:
    """What a typed name found: one card, several localities to choose from, or none (then
    the closest names)."""

    card: LocalityCard | None = None
    choices: tuple[LocalityRef, ...] = ()
    suggestions: tuple[LocalityRef, ...] = ()
