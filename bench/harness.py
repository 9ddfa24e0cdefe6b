"""What every benchmark needs: the real application on a temporary database, talking to the
in-process emulator (no network), and members joined through the services."""

from __future__ import annotations

import os
import statistics
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import Update

from bot.app import MDTApplication, build_application, on_shutdown, on_startup
from bot.config import Settings
from bot.domain.models import OrgType, Role
from bot.sandbox.emulator import TelegramEmulator
from bot.sandbox.people import Person
from bot.scheduling.clock import Clock
from bot.services.authz import Actor
from bot.services.members import Profile


def ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:.1f} ms, max {max(samples) * 1000:.1f} ms"


@asynccontextmanager
async def running_bot(
    emu: TelegramEmulator, admin: Person, clock: Clock | None = None
) -> AsyncIterator[MDTApplication]:
    """The application started against ``emu``; each update is handled and its notices sent
    before the person's next step."""
    from bot.sandbox.request import EmulatorRequest

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            token=emu.token,
            db=Path(tmp) / "bench.db",
            admins=[admin.id],
            api_url="http://emulator.invalid",
        )
        app = build_application(
            settings,
            clock=clock,
            request=EmulatorRequest(emu),
            get_updates_request=EmulatorRequest(emu),
            rate_limit=False,
        )
        await app.initialize()
        await on_startup(app)

        async def dispatch(raw: dict[str, Any]) -> None:
            await app.process_update(Update.de_json(raw, app.bot))
            await app.bot_data.outbox.settle()

        emu.dispatcher = dispatch
        try:
            yield app
        finally:
            emu.dispatcher = None
            await on_shutdown(app)
            await app.shutdown()


async def add_member(
    app: MDTApplication, emu: TelegramEmulator, admin: Person, team_id: int, name: str, role: Role
) -> Person:
    """A person who joined ``team_id`` by invite (through the services, not the dialogue)."""
    services = app.bot_data.services
    boss = Actor(user_id=admin.id, is_admin=True)
    person = emu.user(name)
    emu.mark_started(person)
    invite = await services.invites.create(boss, team_id, role)
    opened = await services.invites.open(invite.code, person.id)
    profile = Profile(f"{name} Test", OrgType.NNO, "Charita Ostrava")
    await services.invites.join(person.id, team_id, opened.invite.id, profile)
    return person
