"""The weekly digest: scheduled per person as due work, composed from their teams.

Each person who may get one (a member of an active team, or a city administrator) has one
pending ``due_work`` row of kind ``person.digest`` (``ref_id`` the person, no team), keyed by
its moment, so a restart neither repeats nor loses it. It is derived:

* at start-up for everyone (``derive_all``), when a person joins a team and when they change
  the day, the time or switch the digest off or on (:func:`schedule`);
* after each digest, the next one a week later.

The next digest falls on the person's weekday and local time (default Monday 7:30, in
``MDTBOT_TIMEZONE``, across DST the same wall-clock time), but never sooner than
``MIN_GAP`` after the last one: changing Monday 7:30 to 8:00 on a Monday after the digest
came gives the next one a week later, not a second one that day.

A digest is composed in the due-work runner's transaction; if there is nothing to say, nothing
is queued. Otherwise one outbox row (``Notice.DIGEST``) is queued, rendered when sent in the
reader's language, composed again then (so it is current and visibility is checked again).
A digest more than ``LATE_LIMIT`` late (the bot was down) is skipped; the next one is planned.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.digest import (
    Digest,
    DigestMeeting,
    DigestSchedule,
    DigestTask,
    TaskList,
    TeamDigest,
)
from bot.domain.meetings import DueKind, DueOutcome, DueWork
from bot.domain.models import Role
from bot.domain.notices import Notice
from bot.domain.tasks import Task
from bot.scheduling.clock import Clock
from bot.scheduling.dates import DateParseError, parse_time_of_day
from bot.scheduling.recurrence import to_utc
from bot.services import notify
from bot.services.base import Service
from bot.storage.db import Database
from bot.storage.repos import Repos

log = logging.getLogger(__name__)


def _nothing() -> None:
    return None


#: what "new" means in a digest, and after how long without progress a problem is "stale"
WEEK = timedelta(days=7)
STALE_AFTER = timedelta(days=30)
#: the least time between two digests of one person
MIN_GAP = timedelta(days=6)
#: a digest later than this (the bot was down) is skipped
LATE_LIMIT = timedelta(hours=12)
#: how many items each list of the digest shows (the rest are counted: "and 3 more")
LIST_CAP = 3


def next_moment(schedule: DigestSchedule, after: datetime, zone: ZoneInfo) -> datetime:
    """The first moment after ``after`` on the schedule's weekday and local time (UTC)."""
    local = after.astimezone(zone)
    day = local.date() + timedelta(days=(schedule.weekday - local.weekday()) % 7)
    moment = to_utc(day, schedule.at, zone)
    while moment <= after:
        day += timedelta(days=7)
        moment = to_utc(day, schedule.at, zone)
    return moment


def digest_key(user_id: int, at: datetime) -> str:
    return f"u{user_id}@{at:%Y%m%dT%H%MZ}:digest"


async def may_get_digest(repos: Repos, user_id: int) -> bool:
    if user_id <= 0:
        return False
    if await repos.memberships.roles_of(user_id):
        return True
    return user_id in await repos.admins.ids()


async def schedule(
    repos: Repos,
    user_id: int,
    now: datetime,
    zone: ZoneInfo,
    *,
    last: datetime | None = None,
    keep: tuple[str, ...] = (),
) -> datetime | None:
    """Make the person's pending digest what their settings say (inside the caller's
    transaction); returns its moment, or None if they get none. ``last``: when the last one
    fell due (else read from the done rows)."""
    settings = await repos.person_settings.digest(user_id)
    at: datetime | None = None
    keys = list(keep)
    if settings.on and await may_get_digest(repos, user_id):
        if last is None:
            last = await repos.person_settings.last_digest(user_id)
        after = max(now, last + MIN_GAP) if last is not None else now
        at = next_moment(settings, after, zone)
        key = digest_key(user_id, at)
        keys.append(key)
        await repos.due.ensure(key, DueKind.DIGEST, None, user_id, at, now)
    await repos.due.drop_pending((DueKind.DIGEST,), user_id, keep=keys)
    return at


class DigestService(Service):
    def __init__(self, db: Database, clock: Clock, timezone: str) -> None:
        super().__init__(db, clock)
        self.zone = ZoneInfo(timezone)
        #: called after a commit that added due work, so the due-work runner re-arms its timer
        self.wake_due = _nothing

    async def derive_all(self) -> int:
        """Give everyone who may get a digest and has none planned their next one (start-up);
        returns how many were planned."""
        now = self.clock.now()
        count = 0
        async with self.db.transaction() as repos:
            for user_id in await repos.person_settings.digest_readers():
                # a pending one stays as it is (derived at the last change; one that fell due
                # while the bot was down is done late or skipped by the runner, not lost)
                if await repos.person_settings.pending_digest(user_id) is not None:
                    continue
                if await schedule(repos, user_id, now, self.zone) is not None:
                    count += 1
        self.wake_due()
        return count

    async def joined(self, repos: Repos, user_id: int, now: datetime) -> None:
        """A person joined a team or became an administrator (the caller's transaction)."""
        await schedule(repos, user_id, now, self.zone)

    async def perform(self, repos: Repos, work: DueWork, now: datetime) -> DueOutcome:
        """One person's digest (the due-work runner's transaction: exactly once)."""
        user_id = work.ref_id
        await repos.person_settings.prune_digests(user_id, work.due_at)
        # the next one first: a week on, whatever happens to this one
        await schedule(repos, user_id, now, self.zone, last=work.due_at, keep=(work.key,))
        settings = await repos.person_settings.digest(user_id)
        if not settings.on or not await may_get_digest(repos, user_id):
            return DueOutcome.SKIPPED
        if now - work.due_at > LATE_LIMIT:
            log.info("digest %s skipped: %s late", work.key, now - work.due_at)
            return DueOutcome.SKIPPED
        digest = await compose(repos, user_id, work.due_at)
        if not digest.empty:
            await notify.to_person(
                repos, user_id, None, Notice.DIGEST, {"at": work.due_at.isoformat()}, now
            )  # no team: the digest is the person's own (its quiet hours: the default)
        return DueOutcome.DONE if now - work.due_at <= timedelta(minutes=5) else DueOutcome.LATE

    async def for_reader(self, user_id: int, at: datetime) -> Digest:
        """The digest as the reader may see it now (the renderer, at sending time)."""
        async with self.db.read() as repos:
            return await compose(repos, user_id, at)

    async def next_for(self, user_id: int) -> datetime | None:
        async with self.db.read() as repos:
            return await repos.person_settings.pending_digest(user_id)


async def compose(repos: Repos, user_id: int, at: datetime) -> Digest:
    """What the person's digest says at ``at``: per team they belong to (but the muted ones),
    new problems of the week, their open tasks and the next meeting; where they coordinate
    also problems without progress, overdue tasks, unanswered invitations and proposals
    waiting for a decision; for an administrator the city overview. Coordinators-only
    problems appear only where the person coordinates (an administrator's overview counts
    them: it names none)."""
    since = at - WEEK
    stale_before = at - STALE_AFTER
    is_admin = user_id in await repos.admins.ids()
    muted = await repos.person_settings.muted(user_id)
    teams: list[TeamDigest] = []
    for team_id, role in sorted((await repos.memberships.roles_of(user_id)).items()):
        team = await repos.teams.get(team_id)
        if team is None or team.archived or team_id in muted:
            continue
        coordinator = role is Role.COORDINATOR
        meetings = await repos.meetings.upcoming(team_id, at, limit=1)
        meeting = None
        if meetings:
            next_one = meetings[0]
            meeting = DigestMeeting(
                starts_at=next_one.starts_at,
                place=next_one.place,
                my_answer=await repos.meetings.answer_of(next_one.id, user_id),
                unanswered=(
                    await repos.digest.unanswered(team_id, next_one.id) if coordinator else 0
                ),
            )
        digest = TeamDigest(
            team_id=team_id,
            team_name=team.name,
            coordinator=coordinator,
            new_problems=await repos.digest.new_problems(
                team_id, since, confidential=coordinator, limit=LIST_CAP
            ),
            my_tasks=_tasks(await repos.tasks.unfinished_of(team_id, user_id)),
            next_meeting=meeting,
        )
        if coordinator:
            waiting, about = await repos.digest.waiting_proposals(team_id, limit=LIST_CAP)
            digest = digest.model_copy(
                update={
                    "stale_problems": await repos.digest.stale_problems(
                        team_id, stale_before, limit=LIST_CAP
                    ),
                    "overdue_tasks": _tasks(
                        [t for t in await repos.tasks.unfinished(team_id) if t.deadline < at]
                    ),
                    "waiting_proposals": waiting,
                    "proposal_problems": about,
                }
            )
        teams.append(digest)
    city = await repos.digest.city(since, stale_before, at) if is_admin else []
    return Digest(since=since, teams=teams, city=city)


def _tasks(tasks: list[Task]) -> TaskList:
    return TaskList(
        items=[
            DigestTask(id=t.id, text=t.text, deadline=t.deadline, owner_name=t.owner_name)
            for t in tasks[:LIST_CAP]
        ],
        total=len(tasks),
    )


def parse_digest_time(text: str) -> time | None:
    """``7:30``, ``7.30``, ``18``, ``18 h`` → a time of day, or None."""
    text = (text or "").strip()
    if not text or len(text) > 20:
        return None
    if text.isdigit():
        text += ":00"
    try:
        return parse_time_of_day(text)
    except DateParseError:
        return None
