"""How long the bot takes per update, in-process against the emulator (no network).

Run: .venv/bin/python bench/bench_onboarding.py [people]
Prints the time per joining person (4 updates each) and per /members of a large team.
"""

from __future__ import annotations

import asyncio
import re
import sys
import time

from harness import ms, running_bot

from bot.sandbox.emulator import TelegramEmulator

LINK = re.compile(r"start=([A-Za-z0-9_-]+)")


async def main(people: int) -> None:
    emu = TelegramEmulator()
    admin = emu.user("Správce")
    async with running_bot(emu, admin):
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
    print(f"join (4 updates): {ms(joins)} over {people} people")
    print(f"/members with {people} members: {ms(rosters)}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100))
