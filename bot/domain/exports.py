"""What ``/export`` writes: one row per problem, task or meeting (plain values, read by
``bot/storage/exports.py``, written by ``bot/rendering/exports.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.models import OrgType
from bot.domain.problems import Category, Status, Urgency
from bot.domain.tasks import TaskStatus


@dataclass(frozen=True)
class ProblemRow:
    id: int
    team: str
    category: Category
    locality: str
    status: Status
    urgency: Urgency
    coordinators_only: bool
    created_at: datetime
    progressed_at: datetime
    reporter_org_type: OrgType | None
    lead_org_type: OrgType | None
    lead_org_name: str | None
    supporters: int
    proposals: int
    comments: int
    duplicate_of: int | None
    description: str
    anonymised: bool


@dataclass(frozen=True)
class TaskRow:
    id: int
    team: str
    problem_id: int | None
    text: str
    owner_name: str | None
    owner_former: bool  # the owner left or was erased (a stand-in without a name)
    owner_org_type: OrgType | None  # of the owner, when a member
    owner_org: str | None  # the organisation the task was given to
    deadline: datetime
    status: TaskStatus
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class MeetingRow:
    id: int
    team: str
    starts_at: datetime
    timezone: str
    place: str
    status: str  # scheduled / cancelled / held
    yes: int
    no: int
    maybe: int
    present: int  # recorded in the minutes
    present_by_org: dict[OrgType, int]
    guests: int
