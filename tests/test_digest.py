"""The weekly digest through the real stack: planned as due work per person (Monday 7:30 by
default), sent once (also across a restart), nothing when there is nothing to say, contents by
role (member, coordinator, administrator), confidential problems only for coordinators, the
person's language and muted teams, and re-planned when the day or time changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.flows import make_team, report
from tests.test_meetings import run_due, schedule
from tests.test_two_teams import two_teams

# the harness clock starts on Tuesday 24 November 2026, 9:00 in Prague
MONDAY_0730 = datetime(2026, 11, 30, 6, 30, tzinfo=UTC)  # Monday 30 November, 7:30 Prague
DIGEST = "Týdenní přehled"


def digests(person) -> list:  # type: ignore[no-untyped-def]
    return [m for m in person.inbox if DIGEST in m.text and "📰" in m.text]


async def until(bot, moment: datetime) -> None:  # type: ignore[no-untyped-def]
    bot.advance(moment - bot.clock.now())
    await run_due(bot)


async def digest_rows(bot, person) -> list[dict]:  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        rows = await repos.due.items(person.id)
    return [r for r in rows if r["kind"] == "person.digest"]


async def test_a_member_gets_the_digest_on_monday_at_730_once(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)  # #1, new this week
    rows = await digest_rows(bot, jan)
    assert [r["due_at"] for r in rows] == [MONDAY_0730.isoformat()]

    await until(bot, MONDAY_0730 - timedelta(minutes=1))
    assert digests(jan) == []
    await until(bot, MONDAY_0730)
    [digest] = digests(jan)
    assert "Poruba" in digest.text and "#1 Zárubecká 12 — návykové látky" in digest.text, digest.text
    assert "1 nový problém za týden" in digest.text

    await bot.restart()
    await until(bot, MONDAY_0730 + timedelta(hours=1))
    assert len(digests(jan)) == 1
    rows = await digest_rows(bot, jan)
    assert [r["due_at"] for r in rows if r["done_at"] is None] == [
        (MONDAY_0730 + timedelta(days=7)).isoformat()
    ]
