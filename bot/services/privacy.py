"""People's rights: a copy of one's data (/mydata), leaving a team (/leave) and an
administrator's erasure of a person on request (GDPR Art. 15 and 17).

Leaving a team pseudonymises the person's records *in that team*: a pseudonym with only the
organisation type stands in for them ("former member (State police)"); in their other teams
they stay who they are. Erasure does the same in every team, deletes the profile and keeps in
the audit log only a pseudonym ("erased person #12").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.models import Role, Team
from bot.scheduling.clock import Clock
from bot.services import tasks
from bot.services.authz import Actor
from bot.services.base import Service
from bot.services.errors import NotAllowed, NotFound, NotMember
from bot.services.members import after_leaving, end_membership
from bot.storage.db import Database
from bot.storage.privacy import pseudonym_user_id
from bot.storage.repos import Repos

#: the kinds of /mydata, in the order of the summary
EXPORT_KINDS = (
    "memberships",
    "reports",
    "comments",
    "proposals",
    "supports",
    "attendance",
    "tasks",
    "audit",
)
_TIME_FIELDS = {
    "at",
    "created_at",
    "joined_at",
    "removed_at",
    "answered_at",
    "starts_at",
    "deadline",
    "decided_at",
    "updated_at",
}


@dataclass(frozen=True)
class DataExport:
    user_id: int
    display_name: str | None
    document: bytes  # UTF-8 JSON
    counts: dict[str, int]


@dataclass(frozen=True)
class ErasureTarget:
    user_id: int
    display_name: str | None
    teams: list[Team]


@dataclass(frozen=True)
class Left:
    teams: list[Team]
    tasks_returned: int


class PrivacyService(Service):
    def __init__(self, db: Database, clock: Clock, tz: ZoneInfo) -> None:
        super().__init__(db, clock)
        self.tz = tz

    # --- /mydata ---------------------------------------------------------------------------

    async def export(self, actor: Actor, user_id: int | None = None) -> DataExport | None:
        """Everything stored about ``user_id`` (the actor by default; another person only for
        an administrator). None when nothing is stored about the actor themselves."""
        target = actor.user_id if user_id is None else user_id
        if target != actor.user_id and not actor.is_admin:
            raise NotAllowed("export")
        now = self.clock.now()
        async with self.db.transaction() as repos:
            user = await repos.users.get(target) if target > 0 else None
            rows = await repos.privacy.export(target) if user is not None else None
            if user is None or rows is None:
                if target != actor.user_id:
                    raise NotFound("person")
                return None
            if target == actor.user_id and not user.has_profile and not any(rows.values()):
                return None  # nothing but perhaps a language setting
            await repos.audit.add(
                now, actor.user_id, "privacy.export", object_type="user", object_id=target
            )
            digest = await repos.person_settings.digest(target)
            muted = sorted(await repos.person_settings.muted(target))
        for row in rows["dialogue"]:
            row["data"] = json.loads(row["data"])
        person = {
            "telegram_user_id": user.id,
            "name": user.display_name,
            "organisation_type": user.org_type.value if user.org_type else None,
            "organisation": user.org_name,
            "language": user.language,
            "blocked_the_bot": user.unreachable,
            "weekly_digest": {
                "on": digest.on,
                "weekday": digest.weekday,
                "time": digest.at.strftime("%H:%M"),
            },
            "muted_team_ids": muted,
            "known_since": user.created_at.isoformat(),
            "city_administrator": target in await self._admin_ids(),
        }
        document: dict[str, Any] = {
            "exported_at": self._time(now.isoformat()),
            "time_zone": str(self.tz),
            "person": self._times(person),
            **{kind: [self._times(row) for row in found] for kind, found in rows.items()},
        }
        data = json.dumps(document, ensure_ascii=False, indent=2).encode()
        counts = {kind: len(rows[kind]) for kind in EXPORT_KINDS}
        return DataExport(
            user_id=target, display_name=user.display_name, document=data, counts=counts
        )

    async def _admin_ids(self) -> list[int]:
        async with self.db.read() as repos:
            return await repos.admins.ids()

    def _time(self, value: str) -> dict[str, str]:
        moment = datetime.fromisoformat(value)
        return {"utc": moment.isoformat(), "local": moment.astimezone(self.tz).isoformat()}

    def _times(self, row: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in row.items():
            if key == "known_since" or (key in _TIME_FIELDS and isinstance(value, str)):
                out[key] = self._time(value)
            elif key in ("coordinators_only", "by_me", "present") and value is not None:
                out[key] = bool(value)
            else:
                out[key] = value
        return out

    # --- /leave ----------------------------------------------------------------------------

    async def teams_to_leave(self, actor: Actor) -> list[Team]:
        async with self.db.read() as repos:
            roles = await repos.memberships.roles_of(actor.user_id)
            teams = [await repos.teams.get(team_id) for team_id in roles]
        return sorted((t for t in teams if t is not None), key=lambda t: t.name.casefold())

    async def leave(self, actor: Actor, team_id: int | None) -> Left:
        """Leave one team (or every team with None) at once."""
        now = self.clock.now()
        told = False
        left: list[Team] = []
        returned = 0
        async with self.db.transaction() as repos:
            roles = await repos.memberships.roles_of(actor.user_id)
            wanted = list(roles) if team_id is None else [team_id]
            if not wanted or any(t not in roles for t in wanted):
                raise NotMember("leave")
            for tid in wanted:
                team = await repos.teams.get(tid)
                assert team is not None
                count, notified = await _leave_team(repos, tid, actor.user_id, now, "left")
                returned += count
                told = told or notified
                await repos.audit.add(
                    now,
                    actor.user_id,
                    "member.leave",
                    team_id=tid,
                    object_type="user",
                    object_id=actor.user_id,
                    details={"role": roles[tid].value, "tasks_returned": count},
                )
                left.append(team)
        if told:
            self.wake_outbox()
        left.sort(key=lambda team: team.name.casefold())
        return Left(teams=left, tasks_returned=returned)

    # --- erasure ---------------------------------------------------------------------------

    async def erasure_target(self, actor: Actor, user_id: int) -> ErasureTarget:
        if not actor.is_admin:
            raise NotAllowed("erase")
        async with self.db.read() as repos:
            return await _target(repos, user_id)

    async def erase(self, actor: Actor, user_id: int) -> int:
        """Erase the person (an administrator, on request); returns the pseudonym's number
        the audit log keeps for them."""
        now = self.clock.now()
        told = False
        if not actor.is_admin:
            raise NotAllowed("erase")
        async with self.db.transaction() as repos:
            await _target(repos, user_id)
            if user_id == actor.user_id or user_id in await repos.admins.ids():
                raise NotAllowed("erase an administrator")
            teams = await repos.privacy.teams_with_records(user_id)
            for team_id in teams:
                _, notified = await _leave_team(repos, team_id, user_id, now, "erased")
                told = told or notified
            number = await repos.privacy.new_pseudonym(None, "erased", None, now)
            await repos.privacy.erase_person(user_id, pseudonym_user_id(number))
            await repos.audit.add(
                now,
                actor.user_id,
                "privacy.erase",
                object_type="person",
                object_id=f"#{number}",
                details={"teams": len(teams)},
            )
        await self.db.checkpoint()
        if told:
            self.wake_outbox()
        return number


async def _target(repos: Repos, user_id: int) -> ErasureTarget:
    user = await repos.users.get(user_id) if user_id > 0 else None
    if user is None:
        raise NotFound("person")
    teams = []
    for team_id in await repos.privacy.teams_with_records(user_id):
        team = await repos.teams.get(team_id)
        if team is not None:
            teams.append(team)
    return ErasureTarget(user_id=user_id, display_name=user.display_name, teams=teams)


async def _leave_team(
    repos: Repos, team_id: int, user_id: int, now: datetime, reason: str
) -> tuple[int, bool]:
    """End the membership (if active), hand the open tasks back and pseudonymise the team's
    records of the person. Returns the tasks handed back and whether anybody was told."""
    told = False
    member = await repos.memberships.member(team_id, user_id)
    handed_back = len(await repos.privacy.open_tasks(team_id, user_id))
    if member is not None:
        await end_membership(repos, team_id, user_id, now)  # tasks back to the coordinators
    else:  # a former member or an administrator: a dialogue about the team still ends
        draft = await repos.drafts.get(user_id)
        if draft is not None and draft.team_id == team_id:
            await repos.drafts.delete(user_id)
        await tasks.release(repos, team_id, user_id, now)
    await repos.privacy.return_tasks(team_id, user_id, now)  # and those planned in minutes
    user = await repos.users.get(user_id)
    org_type = user.org_type if user is not None else None
    number = await repos.privacy.new_pseudonym(org_type, reason, team_id, now)
    await repos.privacy.pseudonymise_team(team_id, user_id, pseudonym_user_id(number))
    if member is not None and member.role is Role.COORDINATOR:
        told = await after_leaving(repos, team_id, member, now)
    return handed_back, told or handed_back > 0
