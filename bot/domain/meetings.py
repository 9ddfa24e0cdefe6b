"""Meetings, their recurrence and attendance, and the work that falls due around them."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    HELD = "held"


class Answer(StrEnum):
    """Attendance answers: přijdu / nepřijdu / možná."""

    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


class RecurrenceRule(StrEnum):
    WEEKLY = "weekly"  # every N weeks on the same weekday
    MONTHLY = "monthly"  # the n-th (or last) given weekday of every month


#: ``nth`` of a monthly rule that means "the last such weekday of the month"
LAST = -1


class Recurrence(_Model):
    """When a series repeats; always at the same wall-clock time in the team's zone."""

    rule: RecurrenceRule
    every_weeks: int = Field(default=1, ge=1, le=8)
    nth: int | None = None  # monthly: 1–4 or LAST
    weekday: int = Field(ge=0, le=6)  # Monday = 0, as in Python
    local_time: time


class Series(_Model):
    id: int
    team_id: int
    recurrence: Recurrence
    timezone: str
    ended_at: datetime | None = None
    place: str | None = None  # for occurrences planned later; None: the one before's


class Meeting(_Model):
    id: int
    team_id: int
    series_id: int | None
    starts_at: datetime  # UTC
    timezone: str
    place: str
    status: MeetingStatus
    #: bumped on every change, so calendars replace the event (iCalendar SEQUENCE)
    sequence: int = 0
    created_at: datetime
    updated_at: datetime
    #: in a series: the start its rule gave this occurrence (UTC); differs from ``starts_at``
    #: when this occurrence alone was moved (an exception); None for a one-off meeting
    occurrence_at: datetime | None = None

    @property
    def slot(self) -> datetime:
        """Where the occurrence sits in its series (its start, if it has no rule slot)."""
        return self.occurrence_at or self.starts_at

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(self.timezone))


class AttendanceLine(_Model):
    user_id: int
    display_name: str
    org_name: str
    answer: Answer | None


class MeetingSettings(_Model):
    """A team's reminder offsets and agenda lead time (the configured defaults unless set)."""

    reminders: tuple[timedelta, ...]
    agenda_lead: timedelta
    #: when the reporter of a solved problem is asked whether it still is
    still_solved_after: timedelta
    #: how long before each meeting of a series its invitation goes out
    invitation_lead: timedelta = timedelta(days=7)
    custom: bool = False


class DueKind(StrEnum):
    """Work that falls due at a moment; derived from meetings (and later tasks)."""

    REMINDER = "meeting.reminder"  # remind members who did not decline, and the group
    AGENDA = "meeting.agenda"  # freeze and send the agenda
    NEXT_OCCURRENCE = "meeting.next"  # schedule the next meeting of a series
    TASK_REMINDER = "task.reminder"  # remind the owner before the deadline
    TASK_OVERDUE = "task.overdue"  # tell the coordinators the deadline passed
    STILL_SOLVED = "problem.still_solved"  # ask the reporter whether it is still solved
    RETENTION = "retention.sweep"  # a team's daily retention round (notice, anonymise, purge)
    DIGEST = "person.digest"  # a person's weekly digest (``ref_id`` the person, no team)


class DueOutcome(StrEnum):
    DONE = "done"
    LATE = "late"  # done, but later than due (the bot was down)
    SKIPPED = "skipped"  # no longer useful (e.g. the meeting has started)
    FAILED = "failed"  # an error while doing it (logged)


class DueWork(_Model):
    id: int
    key: str
    kind: DueKind
    team_id: int | None  # None: work about a person, not a team (the digest)
    ref_id: int
    due_at: datetime
    payload: dict[str, Any] = {}
