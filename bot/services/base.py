from __future__ import annotations

from bot.scheduling.clock import Clock
from bot.storage.db import Database


class Service:
    """A use-case group: a database and a clock, nothing from Telegram."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
