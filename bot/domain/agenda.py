"""A meeting's agenda: sections in the order of docs/user-guide.md ("Program schůzky")."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.guests import Guest
from bot.domain.meetings import AttendanceLine, Meeting
from bot.domain.models import OrgType
from bot.domain.problems import Category, Status, Urgency
from bot.domain.tasks import Task


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Section(StrEnum):
    TASKS = "tasks"  # 1. tasks due or overdue since the last meeting
    NEW = "new"  # 2. new problems since the last meeting
    DECISIONS = "decisions"  # 3. problems with proposals that need a decision
    OPEN = "open"  # 4. other open problems, longest without progress first
    TOPICS = "topics"  # topics a coordinator added
    LATE = "late"  # 5. urgent problems reported after the agenda was frozen
    #: the closed part at the very end: coordinators-only problems and tasks on them (late
    #: ones too); members' copies leave it out, so every copy numbers the items alike
    CLOSED = "closed"


#: the official order of the sections, the closed part last
SECTION_ORDER = list(Section)


class AgendaProblem(_Model):
    """What the agenda shows of one problem."""

    id: int
    team_id: int
    category: Category
    locality: str
    urgency: Urgency
    status: Status
    coordinators_only: bool
    reporter_id: int | None
    created_at: datetime
    progressed_at: datetime
    open_proposals: int
    proposal_support: int  # supporters of its open proposals, together


class AgendaTopic(_Model):
    id: int
    text: str


class AgendaEntry(_Model):
    section: Section
    problem: AgendaProblem | None = None
    topic: AgendaTopic | None = None
    task: Task | None = None
    #: a task on a problem reserved for coordinators (shown to them only)
    confidential: bool = False
    #: the item's number in the official numbering (the same in every reader's copy)
    number: int = 0


class Agenda(_Model):
    meeting: Meeting
    team_name: str
    entries: list[AgendaEntry]
    #: when the agenda was frozen (None: still a draft)
    frozen_at: datetime | None
    #: the previous meeting's start: "new since the last meeting" counts from here
    since: datetime | None

    def section(self, section: Section) -> list[AgendaEntry]:
        return [e for e in self.entries if e.section is section]


def closed(entry: AgendaEntry) -> bool:
    """Whether an item belongs to the closed part (coordinators only)."""
    return entry.confidential or (entry.problem is not None and entry.problem.coordinators_only)


def arrange(entries: list[AgendaEntry]) -> list[AgendaEntry]:
    """The official order and numbering: sections in order, the closed part last; within a
    section the order given is kept."""
    ordered = sorted(entries, key=lambda e: SECTION_ORDER.index(e.section))
    return [e.model_copy(update={"number": n}) for n, e in enumerate(ordered, start=1)]


class PaperProposal(_Model):
    """An open proposal as the printed agenda shows it (no proposer's name)."""

    text: str
    support: int
    responsible: OrgType | None = None


class ProblemPaper(_Model):
    """What the printed agenda adds to a problem: the description, the reporter's organisation
    (never a person's name), open proposals with their support and unfinished tasks."""

    description: str
    reporter_org: str | None = None
    reporter_org_type: OrgType | None = None
    proposals: list[PaperProposal] = []
    tasks: list[Task] = []


class AgendaPapers(_Model):
    """Everything the agenda's documents (program, prezenční listina) show for one reader."""

    agenda: Agenda  # as the reader may see it
    #: the meeting's number in its year ("3. jednání MDT Poruba v roce 2027")
    number: int
    problems: dict[int, ProblemPaper]
    #: whether the reader coordinates the team (their copy has the closed part)
    coordinator: bool
    #: the members with their answers and the guests so far (coordinators' papers only)
    attendance: list[AttendanceLine] = []
    guests: list[Guest] = []
