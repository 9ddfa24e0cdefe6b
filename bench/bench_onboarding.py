"""How long the bot takes per update, in-process against the emulator (no network).

Run: .venv/bin/python bench/bench_onboarding.py [people]
Prints the time per joining person (4 updates each) and per /members of a large team.
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import Update

from bot.app import build_application, on_shutdown, on_startup
from bot.config import Settings
from bot.sandbox.emulator import TelegramEmulator
from bot.sandbox.request import EmulatorRequest

LINK = re.compile(r"start=([A-Za-z0-9_-]+)")


async def main(people: int) -> None:
    emu = TelegramEmulator()
    admin = emu.user("Správce")
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            token=emu.token,
            db=Path(tmp) / "bench.db",
            admins=[admin.id],
            api_url="http://emulator.invalid",
        )
        app = build_application(
            settings,
            request=EmulatorRequest(emu),
            get_updates_request=EmulatorRequest(emu),
            rate_limit=False,
        )
        await app.initialize()
        await on_startup(app)

        async def dispatch(raw: dict) -> None:  # type: ignore[type-arg]
            await app.process_update(Update.de_json(raw, app.bot))

        emu.dispatcher = dispatch
        await admin.send("/newteam Poruba")
        joins = []
        for number in range(people):
            await admin.send("/invite")
            await admin.press("Člen")
            match = LINK.search(admin.last().text)
            assert match
            person = emu.user(f"Člověk{number}")
            started = time.perf_counter()
            await person.send(f"/start {match.group(1)}")
            await person.send(f"Člověk Číslo{number}")
            await person.press("Jiná")
            await person.send("Organizace")
            joins.append(time.perf_counter() - started)
            assert "Hotovo" in person.last().text
        rosters = []
        for _ in range(50):
            started = time.perf_counter()
            await admin.send("/members")
            rosters.append(time.perf_counter() - started)
        emu.dispatcher = None
        await on_shutdown(app)
        await app.shutdown()
    print(
        f"join (4 updates): median {statistics.median(joins) * 1000:.1f} ms, "
        f"max {max(joins) * 1000:.1f} ms over {people} people"
    )
    print(f"/members with {people} members: median {statistics.median(rosters) * 1000:.1f} ms")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100))
