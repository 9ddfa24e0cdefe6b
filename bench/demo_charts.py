"""Render the ``/stats`` charts of the demo data (``mdtbot sandbox --demo``) as PNG files.

Run: .venv/bin/python bench/demo_charts.py [folder]   (default docs/img)
Writes ``stats-<team|city>-<n>.png`` for Poruba (this year) and the whole city (all time),
and prints how long the demo took to seed.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("PTB_TIMEDELTA", "1")

from harness import running_bot

from bot.domain.periods import ALL, this_year
from bot.i18n import Translator
from bot.rendering.charts import render_png
from bot.rendering.stats import stats_charts
from bot.sandbox.demo import seed_demo
from bot.sandbox.emulator import TelegramEmulator
from bot.services.authz import Actor


async def charts() -> dict[str, bytes]:
    """The demo's charts as PNG, by file name."""
    emu = TelegramEmulator()
    admin = emu.user("Správce")
    files = {}
    async with running_bot(emu, admin) as app:
        services = app.bot_data.services
        started = time.perf_counter()
        people = await seed_demo(services, emu, admin)
        print(f"demo seeded in {time.perf_counter() - started:.2f} s")
        stats = services.stats
        t = Translator("cs", stats.zone)
        petra = next(p for p in people if p.first_name == "Petra")
        poruba = (await stats.choices(Actor(petra.id)))[0][0][0]
        views = {
            "poruba": await stats.team(Actor(petra.id), poruba, this_year(stats.today())),
            "city": await stats.city(Actor(admin.id, is_admin=True), ALL),
        }
        for name, view in views.items():
            for index, chart in enumerate(stats_charts(t, view), start=1):
                files[f"stats-{name}-{index}.png"] = render_png(chart)
    return files


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in asyncio.run(charts()).items():
        (folder / name).write_bytes(data)
        print(folder / name)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/img"))
