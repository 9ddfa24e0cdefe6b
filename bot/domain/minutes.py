"""Minutes (zápis): what the meeting decided, item by item."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.agenda import AgendaEntry
from bot.domain.guests import Guest
from bot.domain.meetings import Meeting
from bot.domain.models import MemberView
from bot.domain.problems import Proposal
from bot.domain.tasks import Task


class Outcome(StrEnum):
    DISCUSSED = "discussed"  # projednáno (a new problem becomes "projednává se")
    SOLVED = "solved"  # vyřešeno
    CARRIED = "carried"  # odloženo na příště: stays open, comes back on the next agenda
    TASK = "task"  # a task was agreed
    ACCEPTED = "accepted"  # a proposal was accepted
    DONE = "done"  # a task on the agenda is done


class MinutesItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    position: int
    entry: AgendaEntry
    outcome: Outcome | None = None
    note: str | None = None
    #: the proposal accepted (outcome "accepted"): decided when the minutes are finished
    proposal: Proposal | None = None
    #: tasks agreed on the item while minuting: given out when the minutes are finished
    tasks: list[Task] = []


class Minutes(BaseModel):
    model_config = ConfigDict(frozen=True)

    meeting: Meeting
    team_name: str
    items: list[MinutesItem]
    members: list[MemberView]
    present: set[int]
    #: people from outside the team recorded at the meeting
    guests: list[Guest] = []
    started_at: datetime
    finished_at: datetime | None
