"""``/export``: problems (with the ``/problems`` filters), tasks and meetings with attendance,
for one team (its coordinators) or the whole city (administrators), over a period.

:meth:`ExportService.start` checks the permission, counts the rows and audits the export in one
transaction; :meth:`ExportService.chunks` then reads the rows in chunks, each in its own short
read, so a large export neither holds the database nor much memory. Rows reserved for
coordinators are read only for those who may see them (the same visibility as ``/problems``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.exports import MeetingRow, ProblemRow, TaskRow
from bot.domain.models import Role, Team
from bot.domain.periods import Period
from bot.domain.problems import ProblemFilter
from bot.scheduling.clock import Clock
from bot.services import authz
from bot.services.authz import Action, Actor
from bot.services.base import Service
from bot.services.errors import NotAllowed
from bot.storage.db import Database
from bot.storage.exports import Span
from bot.storage.problems import Visibility
from bot.storage.repos import Repos

#: rows read per chunk
CHUNK = 1000


class ExportKind(StrEnum):
    PROBLEMS = "p"
    TASKS = "t"
    MEETINGS = "m"


class ExportFormat(StrEnum):
    XLSX = "x"
    CSV = "c"


@dataclass(frozen=True)
class ExportRequest:
    kind: ExportKind
    team_id: int | None  # None: the whole city (administrators)
    period: Period
    filter: ProblemFilter = field(default_factory=ProblemFilter)  # problems; team: team_id


@dataclass(frozen=True)
class ExportPlan:
    request: ExportRequest
    team_ids: list[int]
    team_name: str | None  # None: the whole city
    rows: int
    visibility: Visibility
    span: Span
    now: datetime


Row = ProblemRow | TaskRow | MeetingRow


class ExportService(Service):
    def __init__(self, db: Database, clock: Clock, zone: ZoneInfo) -> None:
        super().__init__(db, clock)
        self.zone = zone  # periods are local calendar days

    async def teams(self, actor: Actor) -> list[Team]:
        """The teams the actor may export (all for administrators); NotMember / NotAllowed
        for a stranger or a plain member."""
        async with self.db.read() as repos:
            return await authz.teams_for(repos, actor, Action.EXPORT)

    async def start(self, actor: Actor, request: ExportRequest, fmt: ExportFormat) -> ExportPlan:
        """Check, count and audit the export; nothing is audited when there is nothing to
        export."""
        now = self.clock.now()
        since, until = request.period.utc_bounds(self.zone)
        span = Span(since, until)
        async with self.db.transaction() as repos:
            if request.team_id is None:
                if not actor.is_admin:
                    raise NotAllowed(Action.EXPORT.value)
                teams = await repos.teams.list_all()
                team_name = None
            else:
                team = await authz.require(repos, actor, Action.EXPORT, request.team_id)
                teams, team_name = [team], team.name
            team_ids = [t.id for t in teams]
            visibility = await _visibility(repos, actor, team_ids)
            flt = request.filter.model_copy(update={"team_id": None})
            match request.kind:
                case ExportKind.PROBLEMS:
                    rows = await repos.exports.count_problems(team_ids, flt, visibility, now, span)
                case ExportKind.TASKS:
                    rows = await repos.exports.count_tasks(team_ids, visibility, span)
                case ExportKind.MEETINGS:
                    rows = await repos.exports.count_meetings(team_ids, span)
            if rows:
                await repos.audit.add(
                    now,
                    actor.user_id,
                    "data.export",
                    team_id=request.team_id,
                    details={
                        "what": request.kind.value,
                        "format": fmt.value,
                        "period": request.period.code,
                        "rows": rows,
                        "city": request.team_id is None,
                    },
                )
        return ExportPlan(request, team_ids, team_name, rows, visibility, span, now)

    async def chunks(self, plan: ExportPlan) -> AsyncIterator[Sequence[Row]]:
        """The rows of the export, a chunk at a time, each chunk read on its own."""
        flt = plan.request.filter.model_copy(update={"team_id": None})
        after = 0
        after_start: datetime | None = None
        while True:
            chunk: Sequence[Row]
            async with self.db.read() as repos:
                match plan.request.kind:
                    case ExportKind.PROBLEMS:
                        problems = await repos.exports.problems(
                            plan.team_ids,
                            flt,
                            plan.visibility,
                            plan.now,
                            plan.span,
                            after=after,
                            limit=CHUNK,
                        )
                        chunk = problems
                        after = problems[-1].id if problems else after
                    case ExportKind.TASKS:
                        tasks = await repos.exports.tasks(
                            plan.team_ids, plan.visibility, plan.span, after=after, limit=CHUNK
                        )
                        chunk = tasks
                        after = tasks[-1].id if tasks else after
                    case ExportKind.MEETINGS:
                        meetings = await repos.exports.meetings(
                            plan.team_ids,
                            plan.span,
                            after=after_start,
                            after_id=after,
                            limit=CHUNK,
                        )
                        chunk = meetings
                        if meetings:
                            after, after_start = meetings[-1].id, meetings[-1].starts_at
            if not chunk:
                return
            yield chunk
            if len(chunk) < CHUNK:
                return


async def _visibility(repos: Repos, actor: Actor, team_ids: list[int]) -> Visibility:
    """As ``/problems``: everything of the teams the actor coordinates (all for an
    administrator), of the others nothing reserved for coordinators."""
    if actor.is_admin:
        return Visibility(actor.user_id, team_ids)
    roles = await repos.memberships.roles_of(actor.user_id)
    return Visibility(actor.user_id, [t for t in team_ids if roles.get(t) is Role.COORDINATOR])
