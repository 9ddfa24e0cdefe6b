"""Meetings: scheduling, moving and cancelling them, attendance answers, and the due work
(reminders, the next occurrence of a series) derived from them.

Everything that must happen later is a row in ``due_work`` keyed by the meeting *and its start*,
so moving a meeting replaces its reminders and re-deriving at start-up adds only what is missing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import parse_duration
from bot.domain.meetings import (
    Answer,
    AttendanceLine,
    DueKind,
    DueOutcome,
    DueWork,
    Meeting,
    MeetingSettings,
    MeetingStatus,
    Recurrence,
    Series,
)
from bot.domain.models import Team
from bot.domain.notices import Notice
from bot.scheduling.clock import Clock
from bot.scheduling.recurrence import next_occurrence, rule_at
from bot.services import agenda, authz, notify
from bot.services.authz import Action, Actor
from bot.services.base import Service
from bot.services.errors import (
    AlreadyDone,
    InputProblem,
    InvalidInput,
    MeetingNotFound,
    MeetingOver,
    NotAllowed,
)
from bot.services.problems import STILL_SOLVED_AFTER
from bot.services.text import clean_line
from bot.storage.db import Database
from bot.storage.repos import Repos

log = logging.getLogger(__name__)

PLACE_MIN, PLACE_MAX = 2, 200
#: how long a meeting is assumed to last (calendar entry; when the next occurrence is planned)
MEETING_LENGTH = timedelta(hours=2)
#: work done later than this after its due time carries a "late" mark
LATE_AFTER = timedelta(minutes=2)
MAX_REMINDERS = 4
STILL_SOLVED_RANGE = (timedelta(days=1), timedelta(days=182))
#: how long before each meeting of a series its invitation goes out, unless the team says
INVITATION_LEAD = timedelta(days=7)
INVITATION_RANGE = (timedelta(days=1), timedelta(days=60))
#: how far ahead a meeting may be scheduled
HORIZON = timedelta(days=730)
_MEETING_WORK = (DueKind.REMINDER, DueKind.AGENDA, DueKind.NEXT_OCCURRENCE)


async def meeting_number(repos: Repos, meeting: Meeting) -> int:
    """The meeting's number in its year: the team's held meetings that started earlier in the
    same calendar year, plus this one (see ``MeetingRepo.number_in_year``)."""
    return await repos.meetings.number_in_year(meeting)


def clean_place(text: str | None) -> str:
    return clean_line(text, min_len=PLACE_MIN, max_len=PLACE_MAX)


@dataclass(frozen=True)
class MeetingView:
    meeting: Meeting
    team: Team
    may_manage: bool
    my_answer: Answer | None
    recurrence: Recurrence | None


@dataclass(frozen=True)
class SeriesAhead:
    """A series with no occurrence planned now: when its next one is, and when that one's
    invitations go out (it is planned then)."""

    series: Series
    next_at: datetime
    invite_at: datetime
    place: str


class MeetingService(Service):
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        reminders: tuple[timedelta, ...],
        agenda_lead: timedelta,
        timezone: str,
    ) -> None:
        super().__init__(db, clock)
        self.default_reminders = reminders
        self.default_agenda_lead = agenda_lead
        self.timezone = timezone
        #: called after a commit that added due work, so the due-work runner re-arms its timer
        self.wake_due: Callable[[], None] = lambda: None

    # --- reading ------------------------------------------------------------------------------

    async def teams_to_manage(self, actor: Actor) -> list[Team]:
        async with self.db.read() as repos:
            return await authz.teams_for(repos, actor, Action.MANAGE_MEETINGS)

    async def my_teams(self, actor: Actor) -> list[Team]:
        async with self.db.read() as repos:
            return await authz.teams_for(repos, actor, Action.VIEW_TEAM)

    async def upcoming(self, actor: Actor, team_id: int) -> list[Meeting]:
        async with self.db.read() as repos:
            await authz.require(repos, actor, Action.VIEW_TEAM, team_id)
            return await repos.meetings.upcoming(team_id, self.clock.now())

    async def series_ahead(self, actor: Actor, team_id: int) -> list[SeriesAhead]:
        """The team's running series that have no occurrence planned at the moment (one was
        cancelled, or the next one's invitations have not gone out yet)."""
        now = self.clock.now()
        async with self.db.read() as repos:
            await authz.require(repos, actor, Action.VIEW_TEAM, team_id)
            settings = await self._settings(repos, team_id)
            out = []
            for series in await repos.meetings.active_series(team_id):
                if await repos.meetings.has_later_occurrence(series.id, now):
                    continue  # its next meeting is in the list of meetings
                last = await repos.meetings.last_in_series(series.id)
                if last is None:
                    continue
                zone = ZoneInfo(series.timezone)
                following = next_occurrence(
                    series.recurrence, last.slot.astimezone(zone).date(), zone
                )
                while following <= now:  # as the planning does after a downtime
                    following = next_occurrence(
                        series.recurrence, following.astimezone(zone).date(), zone
                    )
                out.append(
                    SeriesAhead(
                        series=series,
                        next_at=following,
                        invite_at=max(following - settings.invitation_lead, now),
                        place=series.place or last.place,
                    )
                )
            return out

    async def end_series(self, actor: Actor, series_id: int) -> Series:
        """End a series that has no occurrence planned (from /meeting): nothing more of it is
        planned. Its planned occurrences, if any, are cancelled with it (and everyone told)."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            series = await repos.meetings.series_by_id(series_id)
            if series is None:
                raise MeetingNotFound(series_id)
            try:
                await authz.require(repos, actor, Action.MANAGE_MEETINGS, series.team_id)
            except NotAllowed:  # says no more than about a number that does not exist
                raise MeetingNotFound(series_id) from None
            if series.ended_at is not None:
                raise AlreadyDone("series ended")
            await repos.meetings.end_series(series.team_id, series.id, now)
            for later in await repos.meetings.later_in_series(series.id, now):
                gone = later.model_copy(update={"status": MeetingStatus.CANCELLED})
                await repos.meetings.update(gone, now)
                gone = await _reload(repos, gone)
                await self._announce(repos, gone, Notice.MEETING_CANCELLED, now)
                await self._derive(repos, gone, now)
            await repos.audit.add(
                now,
                actor.user_id,
                "meeting.series_end",
                team_id=series.team_id,
                object_type="series",
                object_id=series.id,
            )
        self._woken()
        return series

    async def view(self, actor: Actor, meeting_id: int) -> MeetingView:
        async with self.db.read() as repos:
            access = await authz.require_meeting(repos, actor, Action.VIEW_TEAM, meeting_id)
            meeting, team = access.meeting, access.team
            recurrence = None
            if meeting.series_id is not None:
                series = await repos.meetings.series(team.id, meeting.series_id)
                if series is not None and series.ended_at is None:
                    recurrence = series.recurrence
            return MeetingView(
                meeting=meeting,
                team=team,
                may_manage=authz.role_allows(access.role, Action.MANAGE_MEETINGS),
                my_answer=await repos.meetings.answer_of(meeting_id, actor.user_id),
                recurrence=recurrence,
            )

    async def attendance(
        self, actor: Actor, meeting_id: int
    ) -> tuple[Meeting, list[AttendanceLine]]:
        async with self.db.read() as repos:
            access = await authz.require_meeting(repos, actor, Action.MANAGE_MEETINGS, meeting_id)
            meeting, team = access.meeting, access.team
            return meeting, await repos.meetings.attendance(team.id, meeting_id)

    async def made_by_press(self, actor: Actor, press: str) -> tuple[str, int] | None:
        """What an earlier press of a final button with this token did and to which meeting
        (if the person may still see it)."""
        async with self.db.read() as repos:
            made = await repos.audit.object_of_press(actor.user_id, press)
            if made is None:
                return None
            await authz.require_meeting(repos, actor, Action.VIEW_TEAM, made[1])
            return made

    async def settings_of(self, team_id: int) -> MeetingSettings:
        async with self.db.read() as repos:
            return await self._settings(repos, team_id)

    async def for_reader(self, reader: Actor, meeting_id: int) -> tuple[Meeting, Team]:
        """The meeting, if the reader (still) belongs to its team: for notices being sent."""
        async with self.db.read() as repos:
            access = await authz.require_meeting(repos, reader, Action.VIEW_TEAM, meeting_id)
            return access.meeting, access.team

    async def for_group(self, meeting_id: int, chat_id: int) -> tuple[Meeting, Team] | None:
        """The meeting, if the chat is still the linked group of its team."""
        async with self.db.read() as repos:
            return await authz.meeting_of_group(repos, meeting_id, chat_id)

    # --- changing -----------------------------------------------------------------------------

    def check_start(self, starts_at: datetime) -> None:
        now = self.clock.now()
        if starts_at <= now:
            raise InvalidInput(InputProblem.PAST)
        if starts_at > now + HORIZON:
            raise InvalidInput(InputProblem.TOO_FAR)

    async def schedule(
        self,
        actor: Actor,
        team_id: int,
        starts_at: datetime,
        place: str | None,
        recurrence: Recurrence | None = None,
        *,
        press: str | None = None,
    ) -> Meeting:
        """With ``press`` (the token of the scheduling dialogue's final button) the dialogue's
        draft is consumed in the same transaction, and a repeated press gives back the meeting
        it made instead of a second one."""
        clean = clean_place(place)
        now = self.clock.now()
        async with self.db.transaction() as repos:
            await authz.require(repos, actor, Action.MANAGE_MEETINGS, team_id)
            made = await _consume(repos, actor, press)
            if made is not None:
                return made
            self.check_start(starts_at)
            series_id = None
            if recurrence is not None:
                series_id = await repos.meetings.create_series(
                    team_id, recurrence, self.timezone, now, place=clean
                )
            meeting = await repos.meetings.create(
                team_id, starts_at, self.timezone, clean, actor.user_id, now, series_id=series_id
            )
            await self._announce(repos, meeting, Notice.MEETING_INVITATION, now)
            await self._derive(repos, meeting, now)
            await _audit(repos, actor, "meeting.schedule", meeting, now, **_pressed(press))
        self._woken()
        return meeting

    async def move(
        self,
        actor: Actor,
        meeting_id: int,
        starts_at: datetime,
        *,
        whole_series: bool = False,
        press: str | None = None,
    ) -> Meeting:
        """A new start: everyone is told, answers are asked again, reminders move.

        In a series, only this occurrence moves (an exception: the rule stays and the series
        goes on from this occurrence's slot), or with ``whole_series`` the rule changes from
        this occurrence on: the later occurrences already planned move with it, except those
        moved on their own before, which keep their time. Answers stay with their occurrence
        (an occurrence whose time changes asks again). ``press``: as in :meth:`schedule`."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            made = await _consume(repos, actor, press)
            if made is not None:
                return made
            self.check_start(starts_at)
            meeting = await self._changeable(repos, actor, meeting_id)
            series = None
            if whole_series and meeting.series_id is not None:
                series = await repos.meetings.series(meeting.team_id, meeting.series_id)
                if series is not None and series.ended_at is not None:
                    series = None
            if series is None:
                if starts_at == meeting.starts_at:
                    return meeting
                moved = await self._move_one(repos, meeting, starts_at, meeting.occurrence_at, now)
                await _audit(repos, actor, "meeting.move", moved, now, **_pressed(press))
            elif starts_at == meeting.starts_at == meeting.slot:
                return meeting
            else:
                zone = ZoneInfo(series.timezone)
                rule = rule_at(series.recurrence, starts_at.astimezone(zone))
                await repos.meetings.set_series_rule(series.team_id, series.id, rule)
                later = await repos.meetings.later_in_series(series.id, meeting.slot)
                moved = await self._move_one(repos, meeting, starts_at, starts_at, now)
                slot = starts_at
                for following in later:
                    slot = next_occurrence(rule, slot.astimezone(zone).date(), zone)
                    if following.starts_at != following.slot:  # moved on its own: stays
                        await repos.meetings.set_slot(following, slot)
                        await self._derive(repos, _reseated(following, slot), now)
                    elif following.starts_at != slot:
                        await self._move_one(repos, following, slot, slot, now)
                await _audit(
                    repos, actor, "meeting.move", moved, now, whole_series=True, **_pressed(press)
                )
        self._woken()
        return moved

    async def _move_one(
        self,
        repos: Repos,
        meeting: Meeting,
        starts_at: datetime,
        slot: datetime | None,
        now: datetime,
    ) -> Meeting:
        moved = meeting.model_copy(update={"starts_at": starts_at, "occurrence_at": slot})
        await repos.meetings.update(moved, now)
        if starts_at != meeting.starts_at:
            await repos.meetings.clear_answers(meeting.id)
            await repos.agenda.unfreeze(meeting.id)  # compiled again for the new date
        moved = await _reload(repos, moved)
        await self._announce(repos, moved, Notice.MEETING_MOVED, now, before=meeting.starts_at)
        await self._derive(repos, moved, now)
        return moved

    async def change_place(
        self,
        actor: Actor,
        meeting_id: int,
        place: str | None,
        *,
        whole_series: bool = False,
        press: str | None = None,
    ) -> Meeting:
        """A new place: everyone is told what it was and what it is. In a series, only this
        meeting (the series keeps its place), or with ``whole_series`` the series from this
        meeting on (the later occurrences already planned with it). ``press``: as in
        :meth:`schedule`."""
        clean = clean_place(place)
        now = self.clock.now()
        async with self.db.transaction() as repos:
            made = await _consume(repos, actor, press)
            if made is not None:
                return made
            meeting = await self._changeable(repos, actor, meeting_id)
            series = None
            if meeting.series_id is not None:
                series = await repos.meetings.series(meeting.team_id, meeting.series_id)
                if series is not None and series.ended_at is not None:
                    series = None
            if series is not None and not whole_series and series.place is None:
                # a series made before it had a place of its own keeps the one it had
                await repos.meetings.set_series_place(series.team_id, series.id, meeting.place)
            if series is not None and whole_series:
                await repos.meetings.set_series_place(series.team_id, series.id, clean)
                for later in await repos.meetings.later_in_series(series.id, meeting.slot):
                    await self._replace_one(repos, later, clean, now)
            changed = await self._replace_one(repos, meeting, clean, now)
            await _audit(
                repos,
                actor,
                "meeting.place",
                changed,
                now,
                **({"whole_series": True} if series is not None and whole_series else {}),
                **_pressed(press),
            )
        self._woken()
        return changed

    async def _replace_one(
        self, repos: Repos, meeting: Meeting, place: str, now: datetime
    ) -> Meeting:
        if place == meeting.place:
            return meeting
        changed = meeting.model_copy(update={"place": place})
        await repos.meetings.update(changed, now)
        changed = await _reload(repos, changed)
        await self._announce(repos, changed, Notice.MEETING_MOVED, now, place_before=meeting.place)
        return changed

    async def cancel(self, actor: Actor, meeting_id: int, *, whole_series: bool) -> Meeting:
        """Cancel one meeting (a series then goes on with its next occurrence) or a series."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            meeting = await self._changeable(repos, actor, meeting_id)
            cancelled = meeting.model_copy(update={"status": MeetingStatus.CANCELLED})
            await repos.meetings.update(cancelled, now)
            cancelled = await _reload(repos, cancelled)
            await self._announce(repos, cancelled, Notice.MEETING_CANCELLED, now)
            if meeting.series_id is not None and whole_series:
                await repos.meetings.end_series(meeting.team_id, meeting.series_id, now)
                # occurrences already invited to go with it
                for later in await repos.meetings.later_in_series(meeting.series_id, meeting.slot):
                    gone = later.model_copy(update={"status": MeetingStatus.CANCELLED})
                    await repos.meetings.update(gone, now)
                    gone = await _reload(repos, gone)
                    await self._announce(repos, gone, Notice.MEETING_CANCELLED, now)
                    await self._derive(repos, gone, now)
            # reminders go; a series goes on with its next occurrence at the invitation lead
            await self._derive(repos, cancelled, now)
            await _audit(repos, actor, "meeting.cancel", cancelled, now, whole_series=whole_series)
        self._woken()
        return cancelled

    async def answer(self, actor: Actor, meeting_id: int, answer: Answer) -> Meeting:
        now = self.clock.now()
        async with self.db.transaction() as repos:
            access = await authz.require_meeting(repos, actor, Action.VIEW_TEAM, meeting_id)
            meeting, _ = access.meeting, access.team
            if meeting.status is not MeetingStatus.SCHEDULED or meeting.starts_at <= now:
                raise MeetingOver(meeting.status.value)
            # an administrator, in no team, may have no user row yet
            await repos.users.ensure(actor.user_id, now)
            await repos.meetings.set_answer(meeting_id, actor.user_id, answer, now)
        return meeting

    async def timing(self, actor: Actor, team_id: int) -> MeetingSettings:
        """The team's reminder offsets and agenda lead (for its coordinators)."""
        async with self.db.read() as repos:
            await authz.require(repos, actor, Action.MANAGE_TEAM, team_id)
            return await self._settings(repos, team_id)

    async def set_timing_text(
        self,
        actor: Actor,
        team_id: int,
        *,
        reminders: str | None = None,
        lead: str | None = None,
        still_solved: str | None = None,
        invitation: str | None = None,
    ) -> MeetingSettings:
        """Change one of them from what a coordinator typed (``24h, 1h``, ``48h``, ``7d``)."""
        if invitation is not None:
            value = _duration(invitation, INVITATION_RANGE)
            now = self.clock.now()
            async with self.db.transaction() as repos:
                await authz.require(repos, actor, Action.MANAGE_TEAM, team_id)
                await repos.teams.set_invitation_lead(team_id, value)
                for meeting in await repos.meetings.upcoming(team_id, now, limit=100):
                    await self._derive(repos, meeting, now)
                settings = await self._settings(repos, team_id)
            self._woken()
            return settings
        if still_solved is not None:
            value = _duration(still_solved, STILL_SOLVED_RANGE)
            async with self.db.transaction() as repos:
                await authz.require(repos, actor, Action.MANAGE_TEAM, team_id)
                await repos.teams.set_still_solved_after(team_id, value)
                return await self._settings(repos, team_id)
        current = await self.timing(actor, team_id)
        offsets = tuple(current.reminders)
        agenda_lead = current.agenda_lead
        if reminders is not None:
            offsets = tuple(
                sorted({_duration(part) for part in reminders.split(",")}, reverse=True)
            )
            if not 1 <= len(offsets) <= MAX_REMINDERS:
                raise InvalidInput(InputProblem.TOO_LONG, limit=MAX_REMINDERS)
        if lead is not None:
            agenda_lead = _duration(lead)
        return await self.set_team_settings(actor, team_id, offsets, agenda_lead)

    async def reset_timing(self, actor: Actor, team_id: int) -> MeetingSettings:
        async with self.db.transaction() as repos:
            await authz.require(repos, actor, Action.MANAGE_TEAM, team_id)
            await repos.teams.set_still_solved_after(team_id, None)
            await repos.teams.set_invitation_lead(team_id, None)
        return await self.set_team_settings(actor, team_id, None, None)

    async def set_team_settings(
        self,
        actor: Actor,
        team_id: int,
        reminders: tuple[timedelta, ...] | None,
        agenda_lead: timedelta | None,
    ) -> MeetingSettings:
        """Change (or, with None, reset to the defaults) a team's offsets; reminders of its
        upcoming meetings follow."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            await authz.require(repos, actor, Action.MANAGE_TEAM, team_id)
            await repos.teams.set_meeting_settings(team_id, reminders, agenda_lead)
            for meeting in await repos.meetings.upcoming(team_id, now, limit=100):
                await self._derive(repos, meeting, now)
            settings = await self._settings(repos, team_id)
        self._woken()
        return settings

    # --- due work -----------------------------------------------------------------------------

    async def rederive_all(self) -> int:
        """Re-create the due work of every upcoming meeting (start-up); returns the count."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            meetings = await repos.meetings.all_upcoming(now)
            for meeting in meetings:
                await self._derive(repos, meeting, now)
        self._woken()
        return len(meetings)

    async def perform(self, repos: Repos, work: DueWork, now: datetime) -> DueOutcome:
        """Do one piece of due work inside the runner's transaction (so the messages it
        queues and its "done" mark commit together: exactly once)."""
        if work.team_id is None:
            return DueOutcome.SKIPPED
        meeting = await repos.meetings.get(work.team_id, work.ref_id)
        if meeting is None:
            return DueOutcome.SKIPPED
        late = now - work.due_at > LATE_AFTER
        done = DueOutcome.LATE if late else DueOutcome.DONE
        if work.kind is DueKind.NEXT_OCCURRENCE:  # also after a held meeting
            return done if await self._plan_next(repos, meeting, now) else DueOutcome.SKIPPED
        if meeting.status is not MeetingStatus.SCHEDULED:
            return DueOutcome.SKIPPED
        if work.kind is DueKind.REMINDER:
            if meeting.starts_at <= now:
                log.info("reminder %s skipped: meeting %s has started", work.key, meeting.id)
                return DueOutcome.SKIPPED
            await self._remind(repos, meeting, now, late=late)
            return done
        if work.kind is DueKind.AGENDA:
            if meeting.starts_at <= now:
                log.info("agenda %s not sent: meeting %s has started", work.key, meeting.id)
                await agenda.freeze_and_send(repos, meeting, now, late=True, send=False)
                return DueOutcome.SKIPPED
            sent = await agenda.freeze_and_send(repos, meeting, now, late=late)
            return done if sent else DueOutcome.SKIPPED
        log.warning("due work %s of unknown kind %s skipped", work.key, work.kind)
        return DueOutcome.SKIPPED

    async def _remind(self, repos: Repos, meeting: Meeting, now: datetime, *, late: bool) -> None:
        payload = _payload(meeting, late=late)

        async def declined(user_id: int) -> bool:
            return await repos.meetings.answer_of(meeting.id, user_id) is Answer.NO

        await notify.to_members(
            repos, meeting.team_id, Notice.MEETING_REMINDER, payload, now, unless=declined
        )
        await notify.to_linked_group(
            repos, meeting.team_id, Notice.MEETING_GROUP_REMINDER, payload, now
        )

    async def _plan_next(self, repos: Repos, meeting: Meeting, now: datetime) -> bool:
        """Schedule the series' occurrence after ``meeting`` (unless there is one already)."""
        if meeting.series_id is None:
            return False
        series = await repos.meetings.series(meeting.team_id, meeting.series_id)
        if series is None or series.ended_at is not None:
            return False
        if await repos.meetings.has_later_occurrence(series.id, meeting.slot):
            return False
        zone = ZoneInfo(series.timezone)
        # from the occurrence's slot: a meeting moved on its own does not move the series
        starts_at = next_occurrence(series.recurrence, meeting.slot.astimezone(zone).date(), zone)
        while starts_at <= now:  # the bot was down over whole occurrences: go to a future one
            starts_at = next_occurrence(series.recurrence, starts_at.astimezone(zone).date(), zone)
        following = await repos.meetings.create(
            meeting.team_id,
            starts_at,
            series.timezone,
            series.place or meeting.place,
            None,
            now,
            series_id=series.id,
        )
        await self._announce(repos, following, Notice.MEETING_INVITATION, now)
        await self._derive(repos, following, now)
        return True

    async def _derive(self, repos: Repos, meeting: Meeting, now: datetime) -> None:
        """Make the pending due work of a meeting what its start and the team's settings say.

        Reminders whose moment has passed when they are derived are not created (the
        invitation came later than they would); those already stored stay and run late.
        """
        settings = await self._settings(repos, meeting.team_id)
        if meeting.status is not MeetingStatus.SCHEDULED:  # the series goes on without it
            keys: list[str] = []
            await self._derive_next(repos, meeting, settings, now, keys)
            await repos.due.drop_pending(_MEETING_WORK, meeting.id, keep=keys)
            return
        stamp = f"m{meeting.id}@{meeting.starts_at:%Y%m%dT%H%MZ}"
        keys = []

        async def want(key: str, kind: DueKind, due_at: datetime, create: bool = True) -> None:
            keys.append(key)
            if create:
                await repos.due.ensure(key, kind, meeting.team_id, meeting.id, due_at, now)

        for offset in settings.reminders:
            due_at = meeting.starts_at - offset
            await want(
                f"{stamp}:remind:{int(offset.total_seconds())}",
                DueKind.REMINDER,
                due_at,
                create=due_at > now,
            )
        if await repos.agenda.frozen_at(meeting.id) is None:
            # an agenda whose lead time has passed is compiled at once
            await want(
                f"{stamp}:agenda:{int(settings.agenda_lead.total_seconds())}",
                DueKind.AGENDA,
                max(meeting.starts_at - settings.agenda_lead, now),
            )
        await self._derive_next(repos, meeting, settings, now, keys)
        await repos.due.drop_pending(_MEETING_WORK, meeting.id, keep=keys)

    async def _derive_next(
        self,
        repos: Repos,
        meeting: Meeting,
        settings: MeetingSettings,
        now: datetime,
        keys: list[str],
    ) -> None:
        """In a series: the next occurrence is planned, and invited to, the team's invitation
        lead before its start (at once if that has passed). Keyed by this occurrence's slot,
        the next one's start and the lead, so a restart neither repeats nor loses it."""
        if meeting.series_id is None:
            return
        series = await repos.meetings.series(meeting.team_id, meeting.series_id)
        if series is None or series.ended_at is not None:
            return
        zone = ZoneInfo(series.timezone)
        following = next_occurrence(series.recurrence, meeting.slot.astimezone(zone).date(), zone)
        lead = settings.invitation_lead
        key = (
            f"m{meeting.id}@{meeting.slot:%Y%m%dT%H%MZ}:next@{following:%Y%m%dT%H%MZ}"
            f":{int(lead.total_seconds())}"
        )
        keys.append(key)
        due_at = max(following - lead, now)
        await repos.due.ensure(
            key, DueKind.NEXT_OCCURRENCE, meeting.team_id, meeting.id, due_at, now
        )

    async def _announce(
        self,
        repos: Repos,
        meeting: Meeting,
        notice: Notice,
        now: datetime,
        *,
        before: datetime | None = None,
        place_before: str | None = None,
    ) -> None:
        """Tell every member (text, then the calendar file) and the linked group."""
        payload = _payload(meeting)
        if before is not None:
            payload["before"] = before.isoformat()
        if place_before is not None:
            payload["place_before"] = place_before
        await notify.to_members(repos, meeting.team_id, notice, payload, now)
        await notify.to_members(repos, meeting.team_id, Notice.MEETING_CALENDAR, payload, now)
        await notify.to_linked_group(
            repos, meeting.team_id, Notice.MEETING_GROUP, {**payload, "event": notice.value}, now
        )

    async def _changeable(self, repos: Repos, actor: Actor, meeting_id: int) -> Meeting:
        access = await authz.require_meeting(repos, actor, Action.MANAGE_MEETINGS, meeting_id)
        meeting, _ = access.meeting, access.team
        if meeting.status is not MeetingStatus.SCHEDULED or meeting.starts_at <= self.clock.now():
            raise MeetingOver(meeting.status.value)
        if await repos.minutes.state(meeting_id) is not None:
            raise MeetingOver("minutes started")  # it is taking place
        return meeting

    async def _settings(self, repos: Repos, team_id: int) -> MeetingSettings:
        reminders, lead = await repos.teams.meeting_settings(team_id)
        still_solved = await repos.teams.still_solved_after(team_id)
        invitation = await repos.teams.invitation_lead(team_id)
        return MeetingSettings(
            reminders=reminders if reminders is not None else self.default_reminders,
            agenda_lead=lead if lead is not None else self.default_agenda_lead,
            still_solved_after=still_solved or STILL_SOLVED_AFTER,
            invitation_lead=invitation or INVITATION_LEAD,
            custom=any(v is not None for v in (reminders, lead, still_solved, invitation)),
        )

    def _woken(self) -> None:
        self.wake_outbox()
        self.wake_due()


def _duration(
    text: str, limits: tuple[timedelta, timedelta] = (timedelta(minutes=1), timedelta(days=14))
) -> timedelta:
    longest = limits[1].days  # the message names the range
    try:
        value = parse_duration(text)
    except ValueError:
        raise InvalidInput(InputProblem.NOT_A_DURATION, limit=longest) from None
    if not limits[0] <= value <= limits[1]:
        raise InvalidInput(InputProblem.NOT_A_DURATION, limit=longest)
    return value


def _payload(meeting: Meeting, *, late: bool = False) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "meeting_id": meeting.id,
        "starts_at": meeting.starts_at.isoformat(),
        "sequence": meeting.sequence,
    }
    if late:
        payload["late"] = True
    return payload


def _pressed(press: str | None) -> dict[str, Any]:
    return {} if press is None else {"press": press}


async def _consume(repos: Repos, actor: Actor, press: str | None) -> Meeting | None:
    """The meeting an earlier press of the same final button made (None if none): else the
    dialogue whose button it is ends here, in the caller's transaction."""
    if press is None:
        return None
    made = await repos.audit.object_of_press(actor.user_id, press)
    if made is not None:
        access = await authz.require_meeting(repos, actor, Action.VIEW_TEAM, made[1])
        return access.meeting
    draft = await repos.drafts.get(actor.user_id)
    if draft is None or draft.data.get("press") != press:
        raise AlreadyDone("dialogue")  # ended or started again meanwhile
    await repos.drafts.delete(actor.user_id)
    return None


def _reseated(meeting: Meeting, slot: datetime) -> Meeting:
    return meeting.model_copy(update={"occurrence_at": slot})


async def _reload(repos: Repos, meeting: Meeting) -> Meeting:
    fresh = await repos.meetings.get(meeting.team_id, meeting.id)
    assert fresh is not None
    return fresh


async def _audit(
    repos: Repos, actor: Actor, action: str, meeting: Meeting, now: datetime, **details: Any
) -> None:
    await repos.audit.add(
        now,
        actor.user_id,
        action,
        team_id=meeting.team_id,
        object_type="meeting",
        object_id=meeting.id,
        details={"starts_at": meeting.starts_at.isoformat(), "place": meeting.place, **details},
    )
