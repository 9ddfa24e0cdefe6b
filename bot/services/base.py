from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.scheduling.clock import Clock
from bot.storage.db import Database
from bot.storage.repos import Repos

#: told, inside the transaction, that a person joined a team or became an administrator
JoinHook = Callable[[Repos, int, datetime], Awaitable[None]]


def _nothing() -> None:
    return None


async def nobody_told(repos: Repos, user_id: int, now: datetime) -> None:
    return None


class Service:
    """A use-case group: a database and a clock, nothing from Telegram."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        #: called after a commit that queued messages in the outbox, so they go out at once
        self.wake_outbox: Callable[[], None] = _nothing
