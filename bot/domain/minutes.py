"""Minutes (zápis): what the meeting decided, item by item."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.agenda import AgendaEntry
from bot.domain.guests import Guest
from bot.domain.meetings import Meeting
from bot.domain.models import MemberView, OrgType
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


class Attendee(BaseModel):
    """A person named in the zápis's attendance: a member, or a former member who has only
    a pseudonym (no name, the organisation type kept)."""

    model_config = ConfigDict(frozen=True)

    user_id: int
    name: str | None
    org: str
    org_type: OrgType | None = None


class Zapis(BaseModel):
    """Everything the zápis (Zápis z jednání) shows, for one copy: a coordinator's copy has the
    closed part (``closed_items``, ``closed_tasks``), a members' copy has it empty and
    ``full`` False. Items keep the agenda's official numbering in every copy."""

    model_config = ConfigDict(frozen=True)

    meeting: Meeting
    team_name: str
    #: the meeting's number in its year among the team's held meetings ("3. jednání … v roce")
    number: int
    present: list[Attendee]
    #: members who answered "nepřijdu" and did not come
    excused: list[Attendee]
    #: the other members who did not come
    absent: list[Attendee]
    guests: list[Guest]
    #: the program and its course (průběh jednání), the open part
    items: list[MinutesItem]
    #: tasks agreed at the meeting on the open part's items
    tasks: list[Task]
    #: the coordinators-only part: its items and tasks (empty in a members' copy)
    closed_items: list[MinutesItem] = []
    closed_tasks: list[Task] = []
    #: the team's next scheduled meeting after this one
    next_meeting: Meeting | None = None
    #: "Zapsal(a)": the coordinator who ran /minutes (None: not known)
    recorded_by: Attendee | None = None
    finished_at: datetime | None = None
    #: a coordinator's copy (with the closed part)
    full: bool = False


def carried(items: list[MinutesItem]) -> list[MinutesItem]:
    """The items that stay open for the next meeting (carried over or not dealt with)."""
    return [item for item in items if item.outcome in (None, Outcome.CARRIED)]
