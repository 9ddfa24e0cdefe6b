"""Test harness: the real application talking to the Telegram emulator.

``bot`` runs in-process: a person's action is handed straight to ``application.process_update``
and every Bot API call goes to the emulator through :class:`EmulatorRequest`. ``live_bot``
polls the emulator over loopback HTTP like a deployed bot. Both use the same emulator, so what
Telegram would refuse fails in both.
"""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.app import MDTApplication, build_application, on_shutdown, on_startup
from bot.config import Settings
from bot.handlers.context import BotContext
from bot.sandbox.emulator import TelegramEmulator
from bot.sandbox.people import Person
from bot.sandbox.request import EmulatorRequest
from bot.scheduling.clock import FakeClock
from bot.storage.db import Database

START = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


class BotHarness:
    """One bot on one database file, restartable, with a fake clock."""

    def __init__(
        self,
        emulator: TelegramEmulator,
        clock: FakeClock,
        db_path: Path,
        admin: Person,
        *,
        live: bool = False,
        **settings: Any,
    ) -> None:
        self.emu = emulator
        self.clock = clock
        self.admin = admin
        self.live = live
        self.settings_overrides = settings
        self.db_path = db_path
        self.app: MDTApplication | None = None

    def settings(self, base_url: str = "http://emulator.invalid") -> Settings:
        values: dict[str, Any] = {
            "token": self.emu.token,
            "db": self.db_path,
            "admins": [self.admin.id],
            "api_url": base_url,
            "language": "cs",
        }
        values.update(self.settings_overrides)
        return Settings(**values)

    async def start(self) -> None:
        if self.live:
            base = await self.emu.start_server()
            app = build_application(self.settings(base), clock=self.clock)
            await app.initialize()
            await on_startup(app)
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=1)
            await app.start()
        else:
            app = build_application(
                self.settings(),
                clock=self.clock,
                request=EmulatorRequest(self.emu),
                get_updates_request=EmulatorRequest(self.emu),
                rate_limit=False,
            )
            await app.initialize()
            await on_startup(app)

            async def dispatch(raw: dict[str, Any]) -> None:
                await app.process_update(Update.de_json(raw, app.bot))
                await app.bot_data.outbox.settle()  # notices go out before the next step

            self.emu.dispatcher = dispatch
        self.app = app

    async def stop(self) -> None:
        app = self.app
        if app is None:
            return
        self.app = None
        if self.live:
            assert app.updater is not None
            await app.updater.stop()
            await app.stop()
            await on_shutdown(app)
            await app.shutdown()
            await self.emu.stop_server()
        else:
            self.emu.dispatcher = None
            await on_shutdown(app)
            await app.shutdown()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    @property
    def db(self) -> Database:
        assert self.app is not None
        return self.app.bot_data.services.db

    def context(self) -> BotContext:
        assert self.app is not None
        return BotContext(self.app)

    def person(self, first_name: str, **kwargs: Any) -> Person:
        return self.emu.user(first_name, **kwargs)

    def advance(self, delta: timedelta) -> None:
        self.clock.advance(delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def emulator(clock: FakeClock) -> TelegramEmulator:
    return TelegramEmulator(clock=clock.now)


async def _harness(
    emulator: TelegramEmulator, clock: FakeClock, tmp_path: Path, live: bool
) -> AsyncIterator[BotHarness]:
    admin = emulator.user("Správce", last_name="Města")
    harness = BotHarness(emulator, clock, tmp_path / "mdt.db", admin, live=live)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


@pytest.fixture
async def bot(
    emulator: TelegramEmulator, clock: FakeClock, tmp_path: Path
) -> AsyncIterator[BotHarness]:
    async for harness in _harness(emulator, clock, tmp_path, live=False):
        yield harness


@pytest.fixture
async def live_bot(
    emulator: TelegramEmulator, clock: FakeClock, tmp_path: Path
) -> AsyncIterator[BotHarness]:
    async for harness in _harness(emulator, clock, tmp_path, live=True):
        yield harness
