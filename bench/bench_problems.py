"""Reporting and listing problems, in-process against the emulator (no network).

Run: .venv/bin/python bench/bench_problems.py [problems]
Prints the time of a whole /report dialogue (9 updates, notices included), of /problems with a
filter, of paging and of /problem N on a team with ``problems`` problems.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

os.environ.setdefault("PTB_TIMEDELTA", "1")


from harness import add_member, ms, running_bot

from bot.domain.models import Role
from bot.domain.problems import Category, Urgency
from bot.sandbox.emulator import TelegramEmulator
from bot.services.authz import Actor
from bot.services.reports import ReportDraft


async def timed(samples: list[float], action) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    await action()
    samples.append(time.perf_counter() - started)


async def main(count: int) -> None:
    emu = TelegramEmulator()
    admin = emu.user("Správce")
    async with running_bot(emu, admin) as app:
        services = app.bot_data.services
        boss = Actor(user_id=admin.id, is_admin=True)
        team = await services.teams.create(boss, "Poruba")
        petra = await add_member(app, emu, admin, team.id, "Petra", Role.COORDINATOR)
        jan = await add_member(app, emu, admin, team.id, "Jan", Role.MEMBER)
        categories = list(Category)
        for i in range(count):
            draft = ReportDraft.new().model_copy(
                update={
                    "category": categories[i % len(categories)],
                    "locality": f"Lokalita {i % 37}",
                    "description": f"Popis situace číslo {i}, " + "opakuje se každý večer. " * 20,
                    "urgency": Urgency.ACUTE if i % 10 == 0 else Urgency.NORMAL,
                }
            )
            await services.reports.submit(
                Actor(user_id=jan.id), team.id, draft, personal_data_confirmed=True
            )
        await app.bot_data.outbox.settle()

        reports: list[float] = []
        for i in range(20):

            async def one_report(i: int = i) -> None:
                await jan.send("/report")
                await jan.press("jiné")
                await jan.send(f"Nové místo {i}")
                await jan.send("Rozbité osvětlení v celé ulici, večer je tam úplná tma.")
                await jan.send_photo()
                await jan.press("Hotovo")
                await jan.press("běžná")
                await jan.press("✅ Odeslat")

            await timed(reports, one_report)
        lists: list[float] = []
        pages: list[float] = []
        details: list[float] = []
        for _ in range(20):
            await timed(lists, lambda: petra.send("/problems drogy akutní"))
            await timed(lists, lambda: petra.send("/problems"))
            await timed(pages, lambda: petra.press("Starší »"))
            await timed(details, lambda: petra.send(f"/problem {count // 2}"))
        print(f"{count} problems in the team")
        print(f"/report, whole dialogue (8 updates + notice): {ms(reports)}")
        print(f"/problems (with and without filters): {ms(lists)}")
        print(f"next page: {ms(pages)}")
        print(f"/problem N: {ms(details)}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
