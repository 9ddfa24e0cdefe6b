"""Locality problems, their localities, timelines and proposed solutions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.models import OrgType


class Category(StrEnum):
    """The default problem themes of Ostrava's strategic plan, in the order members see them."""

    YOUTH = "youth"
    EX_OFFENDERS = "ex_offenders"
    PUBLIC_ORDER = "public_order"
    ADDICTION = "addiction"
    SEX_WORK = "sex_work"
    OTHER = "other"


class Urgency(StrEnum):
    NORMAL = "normal"
    HIGH = "high"
    ACUTE = "acute"


class Status(StrEnum):
    NEW = "new"
    DISCUSSED = "discussed"
    IN_PROGRESS = "in_progress"
    SOLVED = "solved"
    PARTLY_SOLVED = "partly_solved"
    CLOSED = "closed"  # closed without a solution
    DUPLICATE = "duplicate"
    WITHDRAWN = "withdrawn"  # the reporter took a new report back: out of lists and agendas

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


OPEN_STATUSES = (Status.NEW, Status.DISCUSSED, Status.IN_PROGRESS)
FINAL_STATUSES = (Status.SOLVED, Status.PARTLY_SOLVED, Status.CLOSED, Status.DUPLICATE)


def allowed_transitions(current: Status) -> list[Status]:
    """Where a coordinator may move a problem from ``current`` with a plain status change.

    Open problems only move forward (nový → projednává se → řeší se) or to a final status;
    a final problem can only be reopened (back to "nový", so it comes up again). Duplicates are
    marked with their own action, which needs the number of the original.
    """
    if current is Status.WITHDRAWN:
        return []  # the reporter's decision; the team reports again if it comes back
    if current in FINAL_STATUSES:
        return [Status.NEW]
    later = list(OPEN_STATUSES[OPEN_STATUSES.index(current) + 1 :])
    return [*later, Status.SOLVED, Status.PARTLY_SOLVED, Status.CLOSED]


class ProposalStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class EventKind(StrEnum):
    """Entries of a problem's timeline."""

    CREATED = "created"
    STATUS = "status"
    COMMENT = "comment"
    PROPOSAL = "proposal"
    PROPOSAL_ACCEPTED = "proposal_accepted"
    PROPOSAL_REJECTED = "proposal_rejected"
    LEAD = "lead"
    CONTRIBUTOR = "contributor"
    DUPLICATE = "duplicate"
    MERGED = "merged"  # another problem was marked a duplicate of this one
    CONFIDENTIALITY = "confidentiality"
    MOVED = "moved"  # to another team; the text names both
    WITHDRAWN = "withdrawn"  # by its reporter
    EDITED = "edited"  # a text was edited or redacted; the entry names which, never the text
    PHOTO_REMOVED = "photo_removed"  # a coordinator removed a photo


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Locality(_Model):
    id: int
    team_id: int
    name: str
    latitude: float | None = None
    longitude: float | None = None
    retired: bool = False


class Organisation(_Model):
    """An organisation as members name it: a type and the name of the unit."""

    org_type: OrgType
    name: str


class Photo(_Model):
    file_id: str
    file_unique_id: str
    is_document: bool = False  # sent as a file rather than a compressed photo


class Problem(_Model):
    id: int  # the global number people see: #12
    team_id: int
    category: Category
    locality_id: int | None
    locality: str  # the locality's current name, or the one typed by the reporter
    latitude: float | None = None
    longitude: float | None = None
    description: str
    urgency: Urgency
    status: Status
    coordinators_only: bool = False
    reporter_id: int | None
    reporter_name: str | None = None
    reporter_org: Organisation | None = None
    lead: Organisation | None = None
    contributors: list[Organisation] = []
    duplicate_of: int | None = None
    photos: list[Photo] = []
    supporters: list[int] = []
    created_at: datetime
    progressed_at: datetime  # the last status change (or creation)
    #: when its texts, photos and people were removed (retention); None while it keeps them
    anonymised_at: datetime | None = None


class TimelineEntry(_Model):
    id: int
    problem_id: int
    at: datetime
    actor_id: int | None
    actor_name: str | None
    actor_org_type: OrgType | None = None  # shown for a former member (who has no name)
    kind: EventKind
    status: Status | None = None
    text: str = ""
    other_problem: int | None = None


class Proposal(_Model):
    id: int
    problem_id: int
    team_id: int
    proposer_id: int | None
    proposer_name: str | None = None
    proposer_org_type: OrgType | None = None  # shown for a former member (who has no name)
    text: str
    responsible: OrgType | None = None
    status: ProposalStatus = ProposalStatus.OPEN
    reason: str = ""
    supporters: list[int] = []
    created_at: datetime
    decided_at: datetime | None = None


class ProblemLine(_Model):
    """What a list shows of one problem."""

    id: int
    team_id: int
    category: Category
    locality: str
    urgency: Urgency
    status: Status
    coordinators_only: bool
    created_at: datetime


#: around each matched word in a search excerpt (private-use characters, which typed texts
#: never keep); the renderer turns them into bold after escaping the text
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"


class StatusFilter(StrEnum):
    OPEN = "open"
    ALL = "all"


class ProblemFilter(_Model):
    """What ``/problems`` narrows the list to; every field is optional."""

    team_id: int | None = None
    category: Category | None = None
    locality_key: str | None = None
    locality: str | None = None  # the name shown for ``locality_key``
    status: Status | StatusFilter = StatusFilter.OPEN
    urgency: Urgency | None = None
    older_than_days: int | None = None
    org_type: OrgType | None = None

    @property
    def is_default(self) -> bool:
        return self == ProblemFilter()
