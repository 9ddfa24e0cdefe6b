"""/export and full-text search on a large database, in-process against the emulator.

Run: .venv/bin/python bench/bench_export.py [problems]   (default 50000)
Seeds ``problems`` problems over 7 teams and 5 years (with comments and proposals, through the
real schema and its search triggers), then measures, through the real handlers:
- an XLSX and a CSV of every problem of the city (the administrator), time; the peak of Python
  memory while the XLSX is written (tracemalloc, a separate run); the longest the event loop
  was blocked meanwhile (a 5 ms heartbeat's worst lateness);
- ``/problems <word>`` searches (a rare word, a common one, two words), as the administrator
  and as one team's coordinator;
- purging the search index after a redaction (the FTS5 'optimize' at this size).
"""

from __future__ import annotations

import asyncio
import os
import random
import resource
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta

os.environ.setdefault("PTB_TIMEDELTA", "1")

from harness import add_member, ms, running_bot

from bot.domain.models import Role
from bot.domain.problems import Category, Status, Urgency
from bot.sandbox.emulator import TelegramEmulator
from bot.services.authz import Actor

TEAMS = ["Poruba", "Jih", "Vítkovice", "Moravská Ostrava", "Mariánské Hory", "Slezská", "Kunčičky"]
#: words of the invented descriptions (split once)
VOCABULARY = (
    "skupina mládeže se schází večer u obchodu hluk odpadky pokřikování parku hřiště zastávky "
    "garáží vchodu domu ubytovny kontejnery rozbité osvětlení lavičky sprejeři graffiti opilí "
    "lidé alkohol kouření dětí škole cestou noci víkend opakovaně stížnosti sousedů policie "
    "hlídka asistenti prevence terénní pracovníci charita obvod úřad byt nájemníci"
)
WORDS = VOCABULARY.split()
ALL_XLSX = "/export město vše xlsx"
RARE = "Na hřišti leží použité injekční stříkačky."


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


async def seed(app, team_ids: list[int], reporters: list[int], count: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(7)
    start = datetime(2021, 12, 1, tzinfo=UTC)
    # changed lately: no retention round anonymises them while the benchmark runs
    recent = datetime(2026, 11, 1, tzinfo=UTC).isoformat()
    statuses = [Status.NEW, Status.DISCUSSED, Status.IN_PROGRESS, Status.SOLVED, Status.CLOSED]
    problems, comments, proposals = [], [], []
    for i in range(1, count + 1):
        at = (start + timedelta(minutes=i * 5 * 365 * 24 * 60 // count)).isoformat()
        team = team_ids[i % len(team_ids)]
        description = RARE if i % 100 == 0 else text(rng, 25)
        problems.append(
            (
                i, team, rng.choice(list(Category)).value, f"Lokalita {i % 40}",
                f"lokalita {i % 40}", description, rng.choice(list(Urgency)).value,
                rng.choice(statuses).value, int(i % 20 == 0), reporters[i % len(reporters)],
                at, recent,
            )
        )  # fmt: skip
        if i % 2 == 0:
            comments.append((i, at, reporters[i % len(reporters)], text(rng, 12)))
        if i % 5 == 0:
            proposals.append((i, team, reporters[i % len(reporters)], text(rng, 15), at))
    async with app.bot_data.services.db.raw_transaction() as conn:
        await conn.executemany(
            "INSERT INTO problems (id, team_id, category, locality_name, locality_key, "
            "description, urgency, status, coordinators_only, reporter_id, created_at, "
            "progressed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            problems,
        )
        await conn.executemany(
            "INSERT INTO problem_events (problem_id, at, actor_id, kind, text) "
            "VALUES (?, ?, ?, 'comment', ?)",
            comments,
        )
        await conn.executemany(
            "INSERT INTO proposals (problem_id, team_id, proposer_id, text, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            proposals,
        )


async def blocked(action) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(seconds the action took, the longest the event loop was blocked meanwhile)."""
    worst = 0.0
    running = True

    async def heartbeat() -> None:
        nonlocal worst
        loop = asyncio.get_running_loop()
        while running:
            before = loop.time()
            await asyncio.sleep(0.005)
            worst = max(worst, loop.time() - before - 0.005)

    beat = asyncio.create_task(heartbeat())
    started = time.perf_counter()
    await action()
    took = time.perf_counter() - started
    running = False
    await beat
    return took, worst


async def main(count: int) -> None:
    emu = TelegramEmulator()
    admin = emu.user("Správce")
    async with running_bot(emu, admin) as app:
        services = app.bot_data.services
        boss = Actor(user_id=admin.id, is_admin=True)
        team_ids, reporters = [], []
        coordinator = None
        for name in TEAMS:
            team = await services.teams.create(boss, name)
            team_ids.append(team.id)
            lead = await add_member(app, emu, admin, team.id, f"Koord {team.id}", Role.COORDINATOR)
            coordinator = coordinator or lead
            reporters.append(lead.id)
        started = time.perf_counter()
        await seed(app, team_ids, reporters, count)
        print(f"{count} problems over {len(TEAMS)} teams and 5 years, with comments and proposals")
        print(f"seeding through the search triggers: {time.perf_counter() - started:.1f} s")

        for command, label in (
            (ALL_XLSX, "XLSX (openpyxl imported on first use)"),
            (ALL_XLSX, "XLSX"),
            ("/export město vše csv", "CSV"),
        ):
            took, worst = await blocked(lambda command=command: admin.send(command))
            sent = admin.last()
            assert sent.document is not None, sent.text
            size = len(sent.document.data) / 1e6
            print(
                f"{label} of all {count} problems: {took:.2f} s, {size:.1f} MB, "
                f"event loop blocked at most {worst * 1000:.0f} ms"
            )
        # bounded memory: the peak of a fifth of the rows and of all of them (tracemalloc)
        for typed, label in (("/export město 2023 xlsx", "one year"), (ALL_XLSX, "all")):
            tracemalloc.start()
            await admin.send(typed)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rows = admin.last().text.split(" · ")[-1]
            print(f"XLSX peak Python memory, {label} ({rows}): {peak / 1e6:.1f} MB")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
        print(f"process max RSS at the end of the exports: {rss:.0f} MB")

        assert coordinator is not None
        for who, person in (
            ("administrator, 7 teams", admin),
            ("coordinator, 1 team", coordinator),
        ):
            for query in ("strikacky", "vecer", "skupina mladeze", "kontejnery osvetleni"):
                samples: list[float] = []
                worst_all = 0.0
                for _ in range(10):
                    took, worst = await blocked(
                        lambda query=query, person=person: person.send(f"/problems {query}")
                    )
                    samples.append(took)
                    worst_all = max(worst_all, worst)
                shown = person.last().text.splitlines()[0]
                print(
                    f"/problems {query} ({who}): {ms(samples)}, loop blocked at most "
                    f"{worst_all * 1000:.0f} ms — {shown}"
                )
            search: list[float] = []
            actor = Actor(user_id=person.id, is_admin=person is admin)
            from bot.domain.problems import ProblemFilter

            for _ in range(10):
                started = time.perf_counter()
                await services.problems.search_text(actor, ProblemFilter(), ["vecer"])
                search.append(time.perf_counter() - started)
            print(f"search service alone, 'vecer' ({who}): {ms(search)}")

        purges: list[float] = []
        for _ in range(3):
            started = time.perf_counter()
            async with services.db.transaction() as repos:
                await repos.search.purge()
            purges.append(time.perf_counter() - started)
        print(f"search index purge (after a redaction): {ms(purges)}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 50000))
