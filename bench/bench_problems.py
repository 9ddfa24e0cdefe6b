"""Reporting and listing problems, in-process against the emulator (no network).

Run: .venv/bin/python bench/bench_problems.py [problems]
Prints the time of a whole /report dialogue (9 updates, notices included), of /problems with a
filter, of paging and of /problem N on a team with ``problems`` problems.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import Update

from bot.app import build_application, on_shutdown, on_startup
from bot.config import Settings
from bot.domain.models import OrgType, Role
from bot.domain.problems import Category, Urgency
from bot.sandbox.emulator import TelegramEmulator
from bot.sandbox.request import EmulatorRequest
from bot.services.authz import Actor
from bot.services.members import Profile
from bot.services.reports import ReportDraft


def ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:.1f} ms, max {max(samples) * 1000:.1f} ms"


async def timed(samples: list[float], action) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    await action()
    samples.append(time.perf_counter() - started)


async def main(count: int) -> None:
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
            await app.bot_data.outbox.settle()

        emu.dispatcher = dispatch
        services = app.bot_data.services
        boss = Actor(user_id=admin.id, is_admin=True)
        team = await services.teams.create(boss, "Poruba")
        people = []
        for first, role in (("Petra", Role.COORDINATOR), ("Jan", Role.MEMBER)):
            person = emu.user(first)
            emu.mark_started(person)
            invite = await services.invites.create(boss, team.id, role)
            opened = await services.invites.open(invite.code, person.id)
            profile = Profile(f"{first} Test", OrgType.NNO, "Charita Ostrava")
            await services.members.join(person.id, team.id, opened.invite.id, profile)
            people.append(person)
        petra, jan = people
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
        await on_shutdown(app)
        await app.shutdown()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
