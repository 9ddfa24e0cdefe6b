"""The locality card, in-process against the emulator (no network).

Run: .venv/bin/python bench/bench_locality.py [problems]
Seeds ``problems`` problems over 37 localities of one team, then prints the time of the card
without the chart (the service), of the chart alone (warm renderer), and of a whole
``/locality`` (card text + chart) for a coordinator, and the longest the event loop was
blocked meanwhile.
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
from bot.i18n import Translator
from bot.rendering.locality_chart import render_trend_png, trend_chart
from bot.sandbox.emulator import TelegramEmulator
from bot.services.authz import Actor
from bot.services.reports import ReportDraft


async def timed(samples: list[float], action) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    await action()
    samples.append(time.perf_counter() - started)


async def watch_loop(longest: list[float], stop: asyncio.Event) -> None:
    """How late a 5 ms sleep wakes up: the longest the loop was blocked."""
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(0.005)
        longest[0] = max(longest[0], time.perf_counter() - started - 0.005)


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
                    "description": f"Popis situace číslo {i}, opakuje se každý večer.",
                    "urgency": Urgency.ACUTE if i % 10 == 0 else Urgency.NORMAL,
                }
            )
            await services.reports.submit(
                Actor(user_id=jan.id), team.id, draft, personal_data_confirmed=True
            )
        await app.bot_data.outbox.settle()
        coordinator = Actor(user_id=petra.id)
        translator = Translator("cs", app.bot_data.settings.tz)
        found = await services.locality_cards.find(coordinator, "Lokalita 5")
        assert found.card is not None
        render_trend_png(trend_chart(translator, found.card))  # warm the renderer
        charts: list[float] = []
        for _ in range(10):
            started = time.perf_counter()
            render_trend_png(trend_chart(translator, found.card))
            charts.append(time.perf_counter() - started)
        cards: list[float] = []
        commands: list[float] = []
        longest = [0.0]
        stop = asyncio.Event()
        watcher = asyncio.create_task(watch_loop(longest, stop))
        for _ in range(10):
            await timed(cards, lambda: services.locality_cards.find(coordinator, "Lokalita 5"))
            await timed(commands, lambda: petra.send("/locality Lokalita 5"))
        stop.set()
        await watcher
        print(f"{count} problems in the team, {count // 37} in the locality")
        print(f"card (service, no chart): {ms(cards)}")
        print(f"chart alone (warm): {ms(charts)}")
        print(f"/locality, text and chart: {ms(commands)}")
        print(f"longest event-loop block while /locality ran: {longest[0] * 1000:.1f} ms")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
