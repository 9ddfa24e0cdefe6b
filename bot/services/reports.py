"""Reporting a problem: the draft a member fills in step by step, and its one-time submission.

The draft is kept in the dialogue table (it survives restarts); :meth:`ReportService.submit`
re-validates all of it, because a draft is only as trustworthy as the buttons that filled it.
A draft carries a random token that becomes the problem's submission key, so pressing Send
twice (or again after a restart) yields the same problem, never a second one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from pydantic import BaseModel

from bot.domain.models import Role, Team
from bot.domain.notices import Notice
from bot.domain.problems import Category, EventKind, Photo, ProblemLine, Urgency
from bot.services import authz, notify
from bot.services.authz import Action, Actor
from bot.services.base import Service
from bot.services.errors import InputProblem, InvalidInput
from bot.services.localities import clean_locality_name, nearest, valid_position
from bot.services.personal_data import Finding, find_personal_data
from bot.services.text import clean_text, name_key
from bot.storage.problems import NewProblem, Visibility

#: one rule for a description, stated the same in the question and in the error: its length
DESCRIPTION_MIN, DESCRIPTION_MAX = 15, 3000
MAX_PHOTOS = 10  # one Telegram album
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic", "image/heif")


def clean_description(text: str | None) -> str:
    return clean_text(text, min_len=DESCRIPTION_MIN, max_len=DESCRIPTION_MAX)


class ReportDraft(BaseModel):
    """What the reporter has given so far (stored as the dialogue's data)."""

    token: str
    category: Category | None = None
    locality_id: int | None = None
    locality: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    description: str | None = None
    photos: list[Photo] = []
    urgency: Urgency | None = None
    coordinators_only: bool = False

    @classmethod
    def new(cls) -> ReportDraft:
        return cls(token=secrets.token_urlsafe(12))

    def findings(self) -> list[Finding]:
        return find_personal_data(self.description) if self.description else []


@dataclass(frozen=True)
class Submitted:
    problem_id: int
    created: bool  # False when this draft had been submitted before


@dataclass(frozen=True)
class PinnedPlace:
    latitude: float
    longitude: float
    locality_id: int | None
    locality: str | None  # the nearby named locality, if there is one


class ReportService(Service):
    async def teams(self, actor: Actor) -> list[Team]:
        async with self.db.read() as repos:
            return await authz.teams_for(repos, actor, Action.REPORT)

    async def place_for_pin(
        self, actor: Actor, team_id: int, latitude: float, longitude: float
    ) -> PinnedPlace:
        if not valid_position(latitude, longitude):
            raise InvalidInput(InputProblem.EMPTY)
        async with self.db.read() as repos:
            await authz.require(repos, actor, Action.REPORT, team_id)
            near = nearest(await repos.localities.list(team_id), latitude, longitude)
        return PinnedPlace(
            latitude, longitude, near.id if near else None, near.name if near else None
        )

    async def pick_locality(self, actor: Actor, team_id: int, locality_id: int) -> str:
        """The name of an offered locality (NotFound if it is not the team's any more)."""
        async with self.db.read() as repos:
            await authz.require(repos, actor, Action.REPORT, team_id)
            locality = await repos.localities.get(team_id, locality_id)
        if locality is None or locality.retired:
            raise InvalidInput(InputProblem.EMPTY)
        return locality.name

    async def similar(self, actor: Actor, team_id: int, draft: ReportDraft) -> list[ProblemLine]:
        """Open problems the reporter could support instead of reporting the same again."""
        if draft.category is None or not draft.locality:
            return []
        async with self.db.read() as repos:
            await authz.require(repos, actor, Action.REPORT, team_id)
            role = await authz.role_in(repos, actor, team_id)
            full = [team_id] if role is Role.COORDINATOR else []
            return await repos.problems.open_similar(
                team_id, draft.category, name_key(draft.locality), Visibility(actor.user_id, full)
            )

    async def submitted(self, actor: Actor, token: str) -> int | None:
        """The number of the problem this actor's draft ``token`` became, if it was sent."""
        async with self.db.read() as repos:
            return await repos.problems.by_submission(actor.user_id, token)

    async def submit(
        self, actor: Actor, team_id: int, draft: ReportDraft, *, personal_data_confirmed: bool
    ) -> Submitted:
        """Save the problem and queue its notices in one transaction; idempotent per draft."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            await authz.require(repos, actor, Action.REPORT, team_id)
            earlier = await repos.problems.by_submission(actor.user_id, draft.token)
            if earlier is not None:
                return Submitted(earlier, created=False)
            description = clean_description(draft.description)
            if draft.category is None or draft.urgency is None:
                raise InvalidInput(InputProblem.EMPTY)
            if len(draft.photos) > MAX_PHOTOS:
                raise InvalidInput(InputProblem.TOO_MANY_PHOTOS, limit=MAX_PHOTOS)
            findings = find_personal_data(description)
            if findings and not personal_data_confirmed:
                raise InvalidInput(InputProblem.PERSONAL_DATA)
            if draft.locality_id is not None:
                known = await repos.localities.get(team_id, draft.locality_id)
            else:  # a typed name that is one of the team's localities is filed under it
                typed = clean_locality_name(draft.locality)
                known = await repos.localities.by_key(team_id, name_key(typed))
            if known is not None:
                locality_id, locality = known.id, known.name
            else:
                locality_id, locality = None, clean_locality_name(draft.locality)
            position = (draft.latitude, draft.longitude)
            if None in position or not valid_position(*position):  # type: ignore[arg-type]
                position = (None, None)
            problem_id = await repos.problems.create(
                NewProblem(
                    team_id=team_id,
                    category=draft.category,
                    locality_id=locality_id,
                    locality_name=locality,
                    locality_key=name_key(locality),
                    latitude=position[0],
                    longitude=position[1],
                    description=description,
                    urgency=draft.urgency,
                    coordinators_only=draft.coordinators_only,
                    reporter_id=actor.user_id,
                    submission_key=draft.token,
                ),
                draft.photos,
                now,
            )
            await repos.problems.add_event(problem_id, EventKind.CREATED, actor.user_id, now)
            await repos.audit.add(
                now,
                actor.user_id,
                "problem.create",
                team_id=team_id,
                object_type="problem",
                object_id=problem_id,
            )
            if findings:
                await repos.audit.add(
                    now,
                    actor.user_id,
                    "problem.personal_data_confirmed",
                    team_id=team_id,
                    object_type="problem",
                    object_id=problem_id,
                    details={"kinds": sorted({f.kind.value for f in findings})},
                )
            await repos.drafts.delete(actor.user_id)
            payload = {"problem_id": problem_id}
            await notify.to_coordinators(
                repos, team_id, Notice.PROBLEM_NEW, payload, now, except_user=actor.user_id
            )
            if not draft.coordinators_only:
                await notify.to_group(repos, team_id, Notice.PROBLEM_GROUP, payload, now)
        self.wake_outbox()
        return Submitted(problem_id, created=True)
