"""City administrators: those of the configuration (``MDTBOT_ADMINS``, fixed) and those added
with ``/admins`` (stored, changed without a restart).

``user_id in services.admins`` answers "is this person an administrator?" from memory: the
stored ones are loaded at start-up and kept up to date by :meth:`add` and :meth:`remove`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.scheduling.clock import Clock
from bot.services import authz
from bot.services.authz import Action, Actor
from bot.services.base import JoinHook, Service, nobody_told
from bot.services.errors import InputProblem, InvalidInput
from bot.storage.db import Database
from bot.storage.repos import Repos

_MAX_USER_ID = 2**52  # Telegram user ids fit in 52 bits


@dataclass(frozen=True)
class AdminEntry:
    user_id: int
    name: str | None  # the profile name, if the person is known
    configured: bool  # from MDTBOT_ADMINS: cannot be removed with /admins


class AdminService(Service):
    def __init__(self, db: Database, clock: Clock, configured: Iterable[int]) -> None:
        super().__init__(db, clock)
        self.configured = frozenset(configured)
        self._stored: frozenset[int] = frozenset()
        #: told when a person joins (the digest plans their first one)
        self.on_joined: JoinHook = nobody_told

    def __contains__(self, user_id: object) -> bool:
        return user_id in self.configured or user_id in self._stored

    async def load(self) -> None:
        """Read the added administrators and record the configured ones (start-up)."""
        async with self.db.transaction() as repos:
            await repos.admins.sync_configured(sorted(self.configured), self.clock.now())
            self._stored = frozenset(await repos.admins.ids(added_only=True))

    async def list(self, actor: Actor) -> list[AdminEntry]:
        authz.require_admin(actor, Action.MANAGE_ADMINS)
        async with self.db.read() as repos:
            stored = await repos.admins.ids(added_only=True)
            ids = sorted(self.configured) + [i for i in stored if i not in self.configured]
            return [await _entry(repos, i, i in self.configured) for i in ids]

    async def add(self, actor: Actor, text: str | None) -> AdminEntry:
        """Make the person with the Telegram user id in ``text`` an administrator."""
        authz.require_admin(actor, Action.MANAGE_ADMINS)
        typed = (text or "").strip()
        if not typed.isdigit() or not 0 < int(typed) < _MAX_USER_ID:
            raise InvalidInput(InputProblem.NOT_A_USER_ID)
        user_id = int(typed)
        now = self.clock.now()
        async with self.db.transaction() as repos:
            if user_id not in self and await repos.admins.add(user_id, actor.user_id, now):
                await repos.audit.add(
                    now, actor.user_id, "admin.add", object_type="user", object_id=user_id
                )
                await self.on_joined(repos, user_id, now)  # their weekly digest is planned
            stored = frozenset(await repos.admins.ids(added_only=True))
            entry = await _entry(repos, user_id, user_id in self.configured)
        self._stored = stored
        return entry

    async def remove(self, actor: Actor, user_id: int) -> AdminEntry:
        authz.require_admin(actor, Action.MANAGE_ADMINS)
        if user_id in self.configured:
            raise InvalidInput(InputProblem.CONFIGURED_ADMIN)
        now = self.clock.now()
        async with self.db.transaction() as repos:
            if await repos.admins.remove(user_id):
                await repos.audit.add(
                    now, actor.user_id, "admin.remove", object_type="user", object_id=user_id
                )
            stored = frozenset(await repos.admins.ids(added_only=True))
            entry = await _entry(repos, user_id, False)
        self._stored = stored
        return entry


async def _entry(repos: Repos, user_id: int, configured: bool) -> AdminEntry:
    user = await repos.users.get(user_id)
    return AdminEntry(user_id, user.display_name if user else None, configured)
