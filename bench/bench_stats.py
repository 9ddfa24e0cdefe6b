"""``/stats`` on a large city, in-process against the emulator (no network).

Run: .venv/bin/python bench/bench_stats.py [problems]   (default 50,000)
Seeds ``problems`` problems over seven teams and five years (with monthly meetings, minutes and
tasks) through :class:`bot.storage.history.HistoryRepo`, then prints:

- the city's figures and text without charts (the service and the rendering of the text),
  for the default period (this year) and for all time;
- one team's figures;
- the whole ``/stats`` press for the city (text + four charts sent as an album);
- one chart rendered cold (matplotlib imported) and warm;
- the longest the event loop was blocked during the presses (a 5 ms ticker);
- ``/help`` as the baseline of one update through the same path.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import time
from datetime import timedelta

os.environ.setdefault("PTB_TIMEDELTA", "1")

from harness import add_member, ms, running_bot

from bot.domain.minutes import Outcome
from bot.domain.models import OrgType, Role
from bot.domain.periods import ALL, this_year
from bot.domain.problems import Category, Status, Urgency
from bot.domain.tasks import TaskStatus
from bot.i18n import Translator
from bot.rendering.charts import render_png
from bot.rendering.stats import stats_charts, stats_text
from bot.sandbox.emulator import TelegramEmulator
from bot.services.authz import Actor
from bot.services.text import name_key
from bot.storage.history import PastMeeting, PastMinutesItem, PastProblem, PastTask

TEAMS = ["Moravská Ostrava a Přívoz", "Mariánské Hory a Hulváky", "Vítkovice", "Poruba", "Jih",
         "Slezská Ostrava", "Kunčičky"]  # fmt: skip
YEARS = 5


async def seed(app, emu, admin, count: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    services = app.bot_data.services
    boss = Actor(user_id=admin.id, is_admin=True)
    rng = random.Random(7)
    now = services.clock.now()
    start = now - timedelta(days=365 * YEARS)
    teams: dict[str, int] = {}
    members: dict[int, list[int]] = {}
    for index, name in enumerate(TEAMS):
        team = await services.teams.create(boss, name)
        teams[name] = team.id
        people = [await add_member(app, emu, admin, team.id, f"K{index}", Role.COORDINATOR)]
        for j in range(5):
            people.append(await add_member(app, emu, admin, team.id, f"M{index}{j}", Role.MEMBER))
        members[team.id] = [p.id for p in people]
    per_team = count // len(TEAMS)
    categories = list(Category)
    orgs = list(OrgType)
    async with services.db.transaction() as repos:
        for team_id in teams.values():
            rows = []
            for _ in range(per_team):
                created = start + timedelta(seconds=rng.uniform(0, 365 * YEARS * 86400))
                age = (now - created).days
                final = rng.random() < min(0.95, age / 120)
                status = (
                    rng.choice([Status.SOLVED, Status.SOLVED, Status.PARTLY_SOLVED, Status.CLOSED])
                    if final
                    else rng.choice([Status.NEW, Status.DISCUSSED, Status.IN_PROGRESS])
                )
                progressed = (
                    created + timedelta(days=rng.uniform(1, min(age, 200)) if age > 1 else 0)
                    if status is not Status.NEW
                    else created
                )
                place = f"Lokalita {rng.randint(1, 40)}"
                rows.append(
                    PastProblem(
                        team_id=team_id,
                        category=rng.choice(categories),
                        locality_id=None,
                        locality_name=place,
                        locality_key=name_key(place),
                        description="Popis situace v lokalitě, opakuje se každý večer. " * 4,
                        urgency=rng.choice(list(Urgency)),
                        status=status,
                        reporter_id=rng.choice(members[team_id]),
                        created_at=created,
                        progressed_at=progressed,
                        coordinators_only=rng.random() < 0.05,
                        lead=(rng.choice(orgs), "Organizace") if rng.random() < 0.6 else None,
                    )
                )
            rows.sort(key=lambda p: p.created_at)
            numbers = await repos.history.add_problems(rows)
            by_month: dict[int, list[int]] = {}
            for number, row in zip(numbers, rows, strict=True):
                by_month.setdefault((row.created_at - start).days // 28, []).append(number)
            tasks = []
            for month in range(365 * YEARS // 28):
                held = start + timedelta(days=28 * (month + 1), hours=8)
                if held >= now:
                    break
                items = by_month.get(month, [])[:20]
                meeting_id = await repos.history.add_meeting(
                    PastMeeting(
                        team_id=team_id,
                        starts_at=held,
                        place="Úřad",
                        created_by=members[team_id][0],
                        present=[u for u in members[team_id] if rng.random() < 0.8],
                        items=[PastMinutesItem(n, rng.choice(list(Outcome)[:4])) for n in items],
                    )
                )
                for number in items[:6]:
                    deadline = held + timedelta(days=21)
                    done = deadline + timedelta(days=rng.uniform(-10, 8))
                    tasks.append(
                        PastTask(
                            team_id=team_id,
                            text="Úkol",
                            deadline=deadline,
                            status=TaskStatus.DONE if done < now else TaskStatus.OPEN,
                            created_at=held,
                            updated_at=min(done, now),
                            owner_id=rng.choice(members[team_id]),
                            problem_id=number,
                            meeting_id=meeting_id,
                        )
                    )
            await repos.history.add_tasks(tasks)
    return teams


async def timed(samples: list[float], action) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    await action()
    samples.append(time.perf_counter() - started)


async def main(count: int) -> None:
    emu = TelegramEmulator()
    admin = emu.user("Správce")
    async with running_bot(emu, admin) as app:
        services = app.bot_data.services
        started = time.perf_counter()
        teams = await seed(app, emu, admin, count)
        print(f"seeded {count} problems over {len(teams)} teams, {YEARS} years "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
        stats = services.stats
        boss = Actor(user_id=admin.id, is_admin=True)
        t = Translator("cs", stats.zone)
        today = stats.today()

        async def city_text(period) -> None:  # type: ignore[no-untyped-def]
            view = await stats.city(boss, period)
            stats_text(t, view, period, stats.clock.now())

        year: list[float] = []
        ever: list[float] = []
        team: list[float] = []
        for _ in range(10):
            await timed(year, lambda: city_text(this_year(today)))
            await timed(ever, lambda: city_text(ALL))
            await timed(team, lambda: stats.team(boss, teams["Poruba"], this_year(today)))

        view = await stats.city(boss, ALL)
        charts = stats_charts(t, view)
        started = time.perf_counter()
        render_png(charts[0])
        cold = time.perf_counter() - started
        warm: dict[str, list[float]] = {}
        for chart in charts:
            for _ in range(5):
                await timed(warm.setdefault(chart.title, []), lambda c=chart: asyncio.to_thread(
                    render_png, c))  # fmt: skip

        lag = [0.0]

        async def ticker() -> None:
            while True:
                before = time.perf_counter()
                await asyncio.sleep(0.005)
                lag[0] = max(lag[0], time.perf_counter() - before - 0.005)

        presses: list[float] = []
        baseline: list[float] = []
        tick = asyncio.create_task(ticker())
        try:
            for _ in range(5):
                await admin.send("/stats vše")
                await timed(presses, lambda: admin.press("🏙 Celé město"))
                await timed(baseline, lambda: admin.send("/help"))
        finally:
            tick.cancel()

        print(f"city /stats this year, figures + text (no charts): {ms(year)}")
        print(f"city /stats all time, figures + text (no charts): {ms(ever)}")
        print(f"one team /stats this year (figures): {ms(team)}")
        print(f"one chart, cold (imports matplotlib): {cold * 1000:.0f} ms")
        for title, samples in warm.items():
            print(f"chart '{title}', warm: {ms(samples)}")
        print(f"city /stats press, text + 4 charts as an album: {ms(presses)}")
        print(f"baseline /help through the same path: {ms(baseline)}")
        print(f"longest event-loop block during the presses: {lag[0] * 1000:.1f} ms")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000))
