"""A person's own settings (``/settings``): language, the weekly digest, muted teams.

Nothing here is team-bound but muting, which needs an active membership of the team and
applies only to a person in several teams (which notices it covers:
:data:`bot.domain.notices.NEVER_MUTED`). Every change re-plans the person's digest in the
same transaction (:func:`bot.services.digest.schedule`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.config import SUPPORTED_LANGUAGES
from bot.domain.digest import DIGEST_EARLIEST, DIGEST_LATEST, DigestSchedule
from bot.domain.models import Team
from bot.scheduling.clock import Clock
from bot.services import digest
from bot.services.authz import Actor
from bot.services.base import Service
from bot.services.errors import InputProblem, InvalidInput, NotAllowed, NotMember
from bot.storage.db import Database
from bot.storage.repos import Repos


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class PersonSettings:
    language: str | None  # None: not chosen (the Telegram app's language or the default)
    digest: DigestSchedule
    #: when the next digest falls due (None: off, or the person gets none)
    next_digest: datetime | None
    #: whether the person may get a digest at all (a member of a team, or an administrator)
    has_digest: bool
    #: the person's active teams, and which of them are muted
    teams: list[Team]
    muted: frozenset[int]

    @property
    def can_mute(self) -> bool:
        return len(self.teams) > 1


class SettingsService(Service):
    def __init__(self, db: Database, clock: Clock, timezone: str) -> None:
        super().__init__(db, clock)
        self.zone = ZoneInfo(timezone)
        #: called after a commit that changed due work, so the due-work runner re-arms
        self.wake_due = _nothing

    async def view(self, actor: Actor) -> PersonSettings:
        async with self.db.read() as repos:
            return await self._view(repos, actor.user_id)

    async def _view(self, repos: Repos, user_id: int) -> PersonSettings:
        user = await repos.users.get(user_id)
        roles = await repos.memberships.roles_of(user_id)
        teams = [team for team_id in sorted(roles) if (team := await repos.teams.get(team_id))]
        muted = await repos.person_settings.muted(user_id)
        return PersonSettings(
            language=user.language if user else None,
            digest=await repos.person_settings.digest(user_id),
            next_digest=await repos.person_settings.pending_digest(user_id),
            has_digest=await digest.may_get_digest(repos, user_id),
            teams=teams,
            muted=frozenset(t.id for t in teams if t.id in muted),
        )

    async def set_language(self, actor: Actor, language: str) -> PersonSettings:
        if language not in SUPPORTED_LANGUAGES:
            raise InvalidInput(InputProblem.EMPTY)
        async with self.db.transaction() as repos:
            await repos.users.ensure(actor.user_id, self.clock.now())
            await repos.users.set_language(actor.user_id, language)
            return await self._view(repos, actor.user_id)

    async def set_digest_day(self, actor: Actor, weekday: int) -> PersonSettings:
        if not 0 <= weekday <= 6:
            raise InvalidInput(InputProblem.NOT_A_DIGEST_TIME)
        return await self._change_digest(actor, weekday=weekday, on=True)

    async def set_digest_time(self, actor: Actor, at: time) -> PersonSettings:
        if not DIGEST_EARLIEST <= at <= DIGEST_LATEST or at.second or at.microsecond:
            raise InvalidInput(InputProblem.NOT_A_DIGEST_TIME)
        return await self._change_digest(actor, at=at, on=True)

    async def set_digest_time_text(self, actor: Actor, text: str) -> PersonSettings:
        at = digest.parse_digest_time(text)
        if at is None:
            raise InvalidInput(InputProblem.NOT_A_DIGEST_TIME)
        return await self.set_digest_time(actor, at)

    async def set_digest_on(self, actor: Actor, on: bool) -> PersonSettings:
        return await self._change_digest(actor, on=on)

    async def _change_digest(
        self,
        actor: Actor,
        *,
        weekday: int | None = None,
        at: time | None = None,
        on: bool | None = None,
    ) -> PersonSettings:
        now = self.clock.now()
        async with self.db.transaction() as repos:
            if not await digest.may_get_digest(repos, actor.user_id):
                raise NotMember()
            current = await repos.person_settings.digest(actor.user_id)
            changed = current.model_copy(
                update={
                    k: v
                    for k, v in {"weekday": weekday, "at": at, "on": on}.items()
                    if v is not None
                }
            )
            await repos.users.ensure(actor.user_id, now)
            await repos.person_settings.set_digest(actor.user_id, changed)
            await digest.schedule(repos, actor.user_id, now, self.zone)
            view = await self._view(repos, actor.user_id)
        self.wake_due()
        return view

    async def set_muted(self, actor: Actor, team_id: int, muted: bool) -> PersonSettings:
        """Mute or unmute one team's notices; at least one team stays heard."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            roles = await repos.memberships.roles_of(actor.user_id)
            if team_id not in roles:
                raise NotMember()
            if len(roles) < 2:  # muting is for a person in several teams
                raise NotAllowed("mute")
            already = await repos.person_settings.muted(actor.user_id)
            if muted and not (set(roles) - already - {team_id}):
                raise InvalidInput(InputProblem.LAST_HEARD_TEAM)
            await repos.person_settings.set_muted(actor.user_id, team_id, muted, now)
            return await self._view(repos, actor.user_id)

    async def is_muted(self, user_id: int, team_id: int) -> bool:
        async with self.db.read() as repos:
            return await repos.person_settings.is_muted(user_id, team_id)
