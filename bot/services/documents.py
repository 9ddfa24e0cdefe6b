"""``/documents``: the documents of a team's past meetings for its coordinators (and the city
administrators): agenda, attendance sheet and zápis, generated afresh at every request so that
redactions, anonymisation and departures since the meeting apply. Every document handed out is
audited (``meeting.document``), as every export is."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.agenda import AgendaPapers
from bot.domain.meetings import Meeting
from bot.domain.minutes import Zapis
from bot.domain.models import Team
from bot.services import agenda, authz
from bot.services.authz import Action, Actor
from bot.services.base import Service
from bot.services.errors import NoMinutes
from bot.services.minutes import load_zapis
from bot.storage.repos import Repos

PAGE_SIZE = 8


class DocKind(StrEnum):
    AGENDA = "agenda"
    SHEET = "sheet"  # the attendance sheet (prezenční listina)
    ZAPIS = "zapis"


class DocFormat(StrEnum):
    PDF = "pdf"
    DOCX = "docx"


@dataclass(frozen=True)
class PastMeeting:
    meeting: Meeting
    #: the minutes are finished: there is a zápis
    minuted: bool


@dataclass(frozen=True)
class DocumentsPage:
    team: Team
    meetings: list[PastMeeting]
    page: int
    pages: int
    total: int


class DocumentService(Service):
    async def teams(self, actor: Actor) -> list[Team]:
        """The teams whose documents the actor may take (coordinators; administrators: all)."""
        async with self.db.read() as repos:
            return await authz.teams_for(repos, actor, Action.MANAGE_MEETINGS)

    async def page(self, actor: Actor, team_id: int, page: int) -> DocumentsPage:
        """The team's past meetings, newest first, one page."""
        now = self.clock.now()
        async with self.db.read() as repos:
            team = await authz.require(repos, actor, Action.MANAGE_MEETINGS, team_id)
            total = await repos.meetings.count_past(team_id, now)
            pages = max(1, math.ceil(total / PAGE_SIZE))
            page = min(max(page, 0), pages - 1)
            found = await repos.meetings.past(
                team_id, now, offset=page * PAGE_SIZE, limit=PAGE_SIZE
            )
            meetings = [PastMeeting(m, await _minuted(repos, m.id)) for m in found]
        return DocumentsPage(team, meetings, page, pages, total)

    async def meeting(self, actor: Actor, meeting_id: int) -> tuple[PastMeeting, Team]:
        """One meeting and what documents it has (a coordinator of its team only)."""
        async with self.db.read() as repos:
            access = await authz.require_meeting(repos, actor, Action.MANAGE_MEETINGS, meeting_id)
            return PastMeeting(access.meeting, await _minuted(repos, meeting_id)), access.team

    async def papers(
        self, actor: Actor, meeting_id: int, kind: DocKind, fmt: DocFormat
    ) -> AgendaPapers:
        """The material of the agenda or the attendance sheet, a coordinator's copy (with the
        closed part and the attendance); audited."""
        if kind is DocKind.ZAPIS:
            raise ValueError(kind)
        async with self.db.transaction() as repos:
            access = await authz.require_meeting(repos, actor, Action.MANAGE_MEETINGS, meeting_id)
            whole = await agenda.load(repos, access.meeting)
            papers = await agenda.papers_of(repos, whole, coordinator=True)
            await _record(self, repos, actor, access.meeting, kind, fmt)
        return papers

    async def zapis(self, actor: Actor, meeting_id: int, fmt: DocFormat) -> Zapis:
        """The zápis's content for a coordinator (with the closed part); audited."""
        async with self.db.transaction() as repos:
            access = await authz.require_meeting(repos, actor, Action.MANAGE_MEETINGS, meeting_id)
            if not await _minuted(repos, meeting_id):
                raise NoMinutes(str(meeting_id))
            zapis = await load_zapis(repos, access.meeting, full=True)
            await _record(self, repos, actor, access.meeting, DocKind.ZAPIS, fmt)
        return zapis


async def _minuted(repos: Repos, meeting_id: int) -> bool:
    state = await repos.minutes.state(meeting_id)
    return state is not None and state[1] is not None


async def _record(
    service: Service,
    repos: Repos,
    actor: Actor,
    meeting: Meeting,
    kind: DocKind,
    fmt: DocFormat,
) -> None:
    await repos.audit.add(
        service.clock.now(),
        actor.user_id,
        "meeting.document",
        team_id=meeting.team_id,
        object_type="meeting",
        object_id=meeting.id,
        details={"document": kind.value, "format": fmt.value},
    )
