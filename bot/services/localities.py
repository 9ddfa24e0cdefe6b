"""A team's named localities: coordinators add, rename, retire and pin them on the map."""

from __future__ import annotations

import math

from bot.domain.problems import Locality
from bot.services import authz
from bot.services.authz import Action, Actor
from bot.services.base import Service
from bot.services.errors import InputProblem, InvalidInput, NotFound
from bot.services.text import clean_line, name_key
from bot.storage.repos import Repos

LOCALITY_MIN, LOCALITY_MAX = 2, 60
#: a shared pin closer than this to a named locality is filed under it
NEAR_METRES = 400.0
#: how many localities a team keeps offered as buttons (Telegram allows ~100 buttons)
MAX_ACTIVE = 40


def clean_locality_name(text: str | None) -> str:
    return clean_line(text, min_len=LOCALITY_MIN, max_len=LOCALITY_MAX)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine; plenty for a city)."""
    radius = 6_371_000.0
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))


def nearest(localities: list[Locality], latitude: float, longitude: float) -> Locality | None:
    """The closest pinned, active locality within :data:`NEAR_METRES`, if any."""
    best: tuple[float, Locality] | None = None
    for locality in localities:
        if locality.retired or locality.latitude is None or locality.longitude is None:
            continue
        metres = distance_m(latitude, longitude, locality.latitude, locality.longitude)
        if metres <= NEAR_METRES and (best is None or metres < best[0]):
            best = (metres, locality)
    return best[1] if best else None


def valid_position(latitude: float, longitude: float) -> bool:
    return -90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0


class LocalityService(Service):
    async def active(self, actor: Actor, team_id: int) -> list[Locality]:
        """The localities a member may pick when reporting."""
        async with self.db.read() as repos:
            await authz.require(repos, actor, Action.VIEW_TEAM, team_id)
            return await repos.localities.list(team_id)

    async def all(self, actor: Actor, team_id: int) -> list[Locality]:
        """Active and retired, for the coordinator's management screen."""
        async with self.db.read() as repos:
            await authz.require(repos, actor, Action.MANAGE_TEAM, team_id)
            return await repos.localities.list(team_id, include_retired=True)

    async def get(self, actor: Actor, team_id: int, locality_id: int) -> Locality:
        async with self.db.read() as repos:
            await authz.require(repos, actor, Action.MANAGE_TEAM, team_id)
            return await _existing(repos, team_id, locality_id)

    async def add(self, actor: Actor, team_id: int, name: str | None) -> Locality:
        clean = clean_locality_name(name)
        now = self.clock.now()
        async with self.db.transaction() as repos:
            await authz.require(repos, actor, Action.MANAGE_TEAM, team_id)
            existing = await repos.localities.by_key(team_id, name_key(clean))
            if existing is not None and not existing.retired:
                raise InvalidInput(InputProblem.DUPLICATE)
            if len(await repos.localities.list(team_id)) >= MAX_ACTIVE:
                raise InvalidInput(InputProblem.TOO_LONG, limit=MAX_ACTIVE)
            if existing is not None:  # typed again after it was retired: bring it back
                await repos.localities.set_retired(team_id, existing.id, None)
                await repos.localities.rename(team_id, existing.id, clean, name_key(clean))
                locality = await _existing(repos, team_id, existing.id)
            else:
                locality = await repos.localities.add(team_id, clean, name_key(clean), now)
            await repos.audit.add(
                now,
                actor.user_id,
                "locality.add",
                team_id=team_id,
                object_type="locality",
                object_id=locality.id,
                details={"name": clean},
            )
            return locality

    async def rename(
        self, actor: Actor, team_id: int, locality_id: int, name: str | None
    ) -> Locality:
        clean = clean_locality_name(name)
        now = self.clock.now()
        async with self.db.transaction() as repos:
            await authz.require(repos, actor, Action.MANAGE_TEAM, team_id)
            old = await _existing(repos, team_id, locality_id)
            other = await repos.localities.by_key(team_id, name_key(clean))
            if other is not None and other.id != locality_id:
                raise InvalidInput(InputProblem.DUPLICATE)
            await repos.localities.rename(team_id, locality_id, clean, name_key(clean))
            await repos.audit.add(
                now,
                actor.user_id,
                "locality.rename",
                team_id=team_id,
                object_type="locality",
                object_id=locality_id,
                details={"from": old.name, "to": clean},
            )
            return await _existing(repos, team_id, locality_id)

    async def set_retired(
        self, actor: Actor, team_id: int, locality_id: int, retired: bool
    ) -> Locality:
        """Retire a locality (no longer offered; its problems keep it) or bring it back."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            await authz.require(repos, actor, Action.MANAGE_TEAM, team_id)
            await _existing(repos, team_id, locality_id)
            if not retired and len(await repos.localities.list(team_id)) >= MAX_ACTIVE:
                raise InvalidInput(InputProblem.TOO_LONG, limit=MAX_ACTIVE)
            await repos.localities.set_retired(team_id, locality_id, now if retired else None)
            await repos.audit.add(
                now,
                actor.user_id,
                "locality.retire" if retired else "locality.restore",
                team_id=team_id,
                object_type="locality",
                object_id=locality_id,
            )
            return await _existing(repos, team_id, locality_id)

    async def set_position(
        self, actor: Actor, team_id: int, locality_id: int, latitude: float, longitude: float
    ) -> Locality:
        if not valid_position(latitude, longitude):
            raise InvalidInput(InputProblem.EMPTY)
        async with self.db.transaction() as repos:
            await authz.require(repos, actor, Action.MANAGE_TEAM, team_id)
            await _existing(repos, team_id, locality_id)
            await repos.localities.set_position(team_id, locality_id, latitude, longitude)
            return await _existing(repos, team_id, locality_id)


async def _existing(repos: Repos, team_id: int, locality_id: int) -> Locality:
    locality = await repos.localities.get(team_id, locality_id)
    if locality is None:
        raise NotFound(str(locality_id))
    return locality
