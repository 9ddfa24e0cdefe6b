"""Forged button presses: callback data harvested from a full run, with other teams' ids and
mangled fields, pressed by a stranger and by another team's coordinator. Nothing changes in
the database, nothing breaks, every press is answered."""

from __future__ import annotations

import itertools
import re

from tests.flows import invite_code, join, report
from tests.test_meetings import schedule
from tests.test_two_teams import two_teams

#: what a stray press may legitimately touch: the presser's own user row, their dialogue draft
#: and the audit of refusals; and the running instance's lease, renewed every 5 s of wall-clock
#: time (a cell that spans a renewal is not a change anyone made)
VOLATILE = {"users", "drafts", "audit_events", "due_work", "instance_lease"}
MANGLED = ["0", "-1", "999999", "9" * 25, "x", "", "1.5", "%00", "NaN"]


async def snapshot(bot) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        conn = repos.problems.conn
        async with conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ) as cur:
            tables = [row[0] for row in await cur.fetchall()]
        state = {}
        for table in tables:
            if table in VOLATILE:
                continue
            async with conn.execute(f"SELECT * FROM {table} ORDER BY 1") as cur:
                state[table] = [tuple(row) for row in await cur.fetchall()]
    return state


def variants(data: str) -> set[str]:
    """The data itself, each numeric field replaced by mangled values, and truncations."""
    fields = data.split(":")
    out = {data, data[: len(data) // 2], data + ":1", ":".join(fields[:-1])}
    for index, field in enumerate(fields):
        if re.fullmatch(r"-?\d+", field):
            for value in MANGLED:
                out.add(":".join([*fields[:index], value, *fields[index + 1 :]]))
    return {v for v in out if 0 < len(v.encode()) <= 64}


async def test_forged_presses_change_nothing_and_are_all_answered(bot):
    petra, _, karel = await two_teams(bot)
    olga = bot.person("Olga")
    await join(olga, await invite_code(petra, team="Poruba"), name="Olga Nováková")
    await report(olga, team=None, description="Za garážemi se schází skupina mladistvých.")
    await schedule(petra)
    await olga.send("/problem 1")
    await petra.send("/problem 1")
    await petra.send("/agenda")
    await petra.send("/members")
    await petra.send("/tasks")
    await petra.send("/team")
    harvested = sorted(
        {
            b.callback_data
            for person in (petra, olga)
            for message in person.inbox
            for row in message.buttons
            for b in row
            if b.callback_data
        }
    )
    assert len(harvested) >= 15, harvested
    presses = sorted(set(itertools.chain.from_iterable(variants(d) for d in harvested)))
    stranger = bot.person("Eva")
    await stranger.send("/start")
    before = await snapshot(bot)
    calls_before = len(bot.emu.calls)
    unanswered = []
    for presser in (stranger, karel):
        for data in presses:
            answer = await presser.press_data(data)
            if answer is None:
                unanswered.append((presser.first_name, data))
            assert "Něco se pokazilo" not in (answer.text if answer else ""), data
    assert not unanswered, unanswered[:10]
    after = await snapshot(bot)
    changed = {t for t in before if before[t] != after.get(t)}
    assert not changed, {t: (before[t], after[t]) for t in changed}
    refused = [c for c in bot.emu.calls[calls_before:] if not c.ok]
    assert not refused, refused[:5]
    print(f"{len(presses) * 2} forged presses")  # the figure for the closing note
