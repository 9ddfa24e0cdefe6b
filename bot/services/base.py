from __future__ import annotations

from collections.abc import Callable

from bot.scheduling.clock import Clock
from bot.storage.db import Database


def _nothing() -> None:
    return None


class Service:
    """A use-case group: a database and a clock, nothing from Telegram."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        #: called after a commit that queued messages in the outbox, so they go out at once
        self.wake_outbox: Callable[[], None] = _nothing
