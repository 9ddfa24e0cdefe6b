"""The weekly digest through the real stack: planned as due work per person (Monday 7:30 by
default), sent once (also across a restart), nothing when there is nothing to say, contents by
role (member, coordinator, administrator), confidential problems only for coordinators, the
person's language and muted teams, and re-planned when the day or time changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.flows import make_team, report
from tests.test_meetings import run_due, schedule
from tests.test_tasks import new_task
from tests.test_two_teams import two_teams

# the harness clock starts on Tuesday 24 November 2026, 9:00 in Prague
MONDAY_0730 = datetime(2026, 11, 30, 6, 30, tzinfo=UTC)  # Monday 30 November, 7:30 Prague
DIGEST = "Týdenní přehled"


def digests(person) -> list:  # type: ignore[no-untyped-def]
    return [m for m in person.inbox if m.text.startswith(f"📰 {DIGEST} · ")]


async def until(bot, moment: datetime) -> None:  # type: ignore[no-untyped-def]
    bot.advance(moment - bot.clock.now())
    await run_due(bot)


async def digest_rows(bot, person) -> list[dict]:  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        rows = await repos.due.items(person.id)
    return [r for r in rows if r["kind"] == "person.digest"]


async def test_a_member_gets_the_digest_on_monday_at_730_once(bot):
    _petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)  # #1, new this week
    rows = await digest_rows(bot, jan)
    assert [r["due_at"] for r in rows] == [MONDAY_0730.isoformat()]

    await until(bot, MONDAY_0730 - timedelta(minutes=1))
    assert digests(jan) == []
    await until(bot, MONDAY_0730)
    [digest] = digests(jan)
    assert "Poruba" in digest.text, digest.text
    assert "#1 Zárubecká 12 — návykové látky" in digest.text
    assert "1 nový problém za týden" in digest.text

    await bot.restart()
    await until(bot, MONDAY_0730 + timedelta(hours=1))
    assert len(digests(jan)) == 1
    rows = await digest_rows(bot, jan)
    assert [r["due_at"] for r in rows if r["done_at"] is None] == [
        (MONDAY_0730 + timedelta(days=7)).isoformat()
    ]


async def test_nothing_is_sent_when_there_is_nothing_to_say(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await until(bot, MONDAY_0730 + timedelta(minutes=1))
    assert digests(jan) == [] and digests(petra) == []
    [done, _next] = await digest_rows(bot, jan)
    assert done["done_at"] is not None and done["outcome"] == "done"
    async with bot.db.read() as repos:
        kinds = {item.kind for item in await repos.outbox.items()}
    assert "digest" not in kinds


async def roles_world(bot):  # type: ignore[no-untyped-def]
    """Poruba: Petra coordinates, Jan and Olga are members. #1 by Jan with Olga's proposal,
    an overdue task for Jan, a meeting nobody answered; #2 for coordinators only."""
    petra, jan, olga = await make_team(bot, "Poruba", "Petra", "Jan", "Olga")
    await report(jan)  # #1
    await olga.send("/propose 1")
    await olga.send("Městská policie zařadí místo do večerních obchůzek, Charita pomůže.")
    await olga.press("Městská policie (MPO)")
    await new_task(petra, when="27.11.")
    await schedule(petra)
    await report(petra, locality="Confaulice 7", send=False)  # #2
    await petra.press("🔒 Jen pro koordinátory")
    await petra.press("✅ Odeslat")
    return petra, jan, olga


async def test_member_coordinator_and_administrator_get_what_their_role_needs(bot):
    petra, jan, olga = await roles_world(bot)
    await until(bot, MONDAY_0730)

    [member] = digests(jan)
    text = member.text
    assert "1 nový problém za týden" in text and "#1 Zárubecká 12" in text, text
    assert "Máte 1 otevřený úkol" in text and "Domluvit s MP" in text
    assert "Příští schůzka: úterý 15. prosince 2026 14:00" in text
    assert "zatím jste neodpověděli" in text
    for coordinators_only in ("Confaulice", "#2", "po termínu", "čeká na rozhodnutí", "Město"):
        assert coordinators_only not in text, coordinators_only

    [plain] = digests(olga)
    assert "Confaulice" not in plain.text and "Máte" not in plain.text

    [coordinator] = digests(petra)
    text = coordinator.text
    assert "2 nové problémy za týden" in text and "Confaulice 7" in text, text
    assert "1 úkol po termínu" in text and "Jan Členová" in text
    assert "1 návrh čeká na rozhodnutí (#1)" in text
    assert "Na pozvánku zatím neodpověděli 3 členové" in text

    [city] = digests(bot.admin)
    text = city.text
    assert "Město: otevřené problémy po týmech" in text, text
    assert "Poruba: 2 otevřené · 2 nové · 1 úkol po termínu · schůzka 15. 12. 2026" in text
    assert "Confaulice" not in text  # counted, never named


async def test_a_coordinator_hears_of_problems_without_progress_for_a_month(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    for week in range(5):  # to Monday 28 December, a digest every Monday
        await until(bot, MONDAY_0730 + timedelta(days=7 * week))
    # 30 November: a new problem; then nothing to say until it is 30 days without progress
    assert [m.text.split("\n")[0] for m in digests(petra)] == [
        "📰 Týdenní přehled · 30. 11. 2026",
        "📰 Týdenní přehled · 28. 12. 2026",
    ]
    text = digests(petra)[-1].text
    assert "1 problém bez pokroku 30 a více dní" in text, text
    assert len(digests(jan)) == 1  # a member is not told of problems without progress


async def test_lists_are_capped_with_and_n_more(bot):
    _petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    for number in range(5):
        await report(jan, locality=f"Ulice {number}", category="jiné")
    await until(bot, MONDAY_0730)
    text = digests(jan)[-1].text
    assert "5 nových problémů za týden" in text, text
    assert text.count(" • #") == 3 and "a 2 další" in text
    assert len(text) < 1500


async def test_the_digest_comes_in_the_readers_language(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await jan.send("/settings")
    await jan.press("English")
    await until(bot, MONDAY_0730)
    [digest] = [m for m in jan.inbox if m.text.startswith("📰 Weekly digest · ")]
    assert "1 new problem this week" in digest.text, digest.text
    assert digests(petra), "Petra keeps Czech"


async def test_changing_the_day_and_time_replans_the_digest(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await jan.send("/settings")
    await jan.press("📰 Týdenní přehled")
    await jan.press("Čt")
    assert "čtvrtek v 7:30" in jan.last().text, jan.last().text
    await jan.press("18:00")
    assert "čtvrtek v 18:00" in jan.last().text
    thursday_18 = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
    rows = [r for r in await digest_rows(bot, jan) if r["done_at"] is None]
    assert [r["due_at"] for r in rows] == [thursday_18.isoformat()]
    assert "Příští: 26. 11. 2026 18:00" in jan.last().text

    await until(bot, thursday_18)
    assert len(digests(jan)) == 1
    await until(bot, MONDAY_0730)
    assert len(digests(jan)) == 1 and len(digests(petra)) == 1  # Monday no longer
    await report(petra, locality="Hlavní třída 5")  # something new for the next Thursday
    await until(bot, thursday_18 + timedelta(days=7, minutes=1))
    assert len(digests(jan)) == 2


async def test_after_this_weeks_digest_a_new_time_waits_for_next_week(bot):
    _petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await until(bot, MONDAY_0730)
    assert len(digests(jan)) == 1
    await jan.send("/settings")
    await jan.press("📰 Týdenní přehled")
    await jan.press("12:00")  # the same Monday, later: no second digest today
    rows = [r for r in await digest_rows(bot, jan) if r["done_at"] is None]
    assert rows[0]["due_at"] == datetime(2026, 12, 7, 11, 0, tzinfo=UTC).isoformat()
    await until(bot, MONDAY_0730 + timedelta(hours=6))
    assert len(digests(jan)) == 1


async def test_switching_the_digest_off_and_on(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await jan.send("/settings")
    await jan.press("📰 Týdenní přehled")
    await jan.press("🔕 Vypnout přehled")
    assert "Týdenní přehled: vypnutý" in jan.last().text
    assert [r for r in await digest_rows(bot, jan) if r["done_at"] is None] == []
    await until(bot, MONDAY_0730)
    assert digests(jan) == [] and len(digests(petra)) == 1
    await bot.restart()  # start-up plans nothing for a person who switched it off
    assert [r for r in await digest_rows(bot, jan) if r["done_at"] is None] == []

    await jan.send("/settings")
    await jan.press("📰 Týdenní přehled")
    await jan.press("🔔 Zapnout přehled")
    rows = [r for r in await digest_rows(bot, jan) if r["done_at"] is None]
    assert [r["due_at"] for r in rows] == [(MONDAY_0730 + timedelta(days=7)).isoformat()]


async def test_a_digest_due_while_the_bot_was_down_comes_once_late_or_not_at_all(bot):
    _petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await bot.stop()
    bot.advance(MONDAY_0730 + timedelta(hours=1) - bot.clock.now())
    await bot.start()  # an hour late: sent once
    await run_due(bot)
    await bot.restart()
    await run_due(bot)
    assert len(digests(jan)) == 1

    await bot.stop()
    bot.advance(timedelta(days=8))  # over a day late: skipped, the next one planned
    await bot.start()
    await run_due(bot)
    assert len(digests(jan)) == 1
    rows = [r for r in await digest_rows(bot, jan) if r["done_at"] is None]
    assert [r["due_at"] for r in rows] == [(MONDAY_0730 + timedelta(days=14)).isoformat()]


async def test_a_muted_team_is_left_out_of_the_digest(bot):
    petra, jan, karel = await two_teams(bot)
    await report(petra, team=None)  # Poruba
    await report(karel, locality="Hrabůvka, Horní 5")  # Jih
    await jan.send("/settings")
    await jan.press("🔕 Oznámení mých týmů")
    await jan.press("🔕 Ztlumit Jih")
    await until(bot, MONDAY_0730)
    [digest] = digests(jan)
    assert "Poruba" in digest.text and "Jih" not in digest.text, digest.text


async def test_a_digest_late_into_the_night_waits_for_the_morning(bot):
    _petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await jan.send("/settings")
    await jan.press("📰 Týdenní přehled")
    await jan.press("✏ Jiný čas")
    await jan.send("19:30")  # Monday 19:30 Prague = 18:30 UTC
    await bot.stop()
    bot.clock.set(datetime(2026, 11, 30, 20, 0, tzinfo=UTC))  # 21:00: quiet hours
    await bot.start()
    await run_due(bot)
    assert digests(jan) == []
    bot.clock.set(datetime(2026, 12, 1, 6, 1, tzinfo=UTC))  # 7:01 on Tuesday
    await run_due(bot)
    [digest] = digests(jan)
    assert "30. 11. 2026" in digest.text


def test_the_digest_keeps_its_wall_clock_time_across_dst():
    from zoneinfo import ZoneInfo

    from bot.domain.digest import DigestSchedule
    from bot.services.digest import next_moment

    prague = ZoneInfo("Europe/Prague")
    monday = DigestSchedule()
    # winter: 7:30 is 6:30 UTC; after the clocks go forward (28 March 2027) it is 5:30 UTC
    assert next_moment(monday, datetime(2027, 3, 16, tzinfo=UTC), prague) == datetime(
        2027, 3, 22, 6, 30, tzinfo=UTC
    )
    assert next_moment(monday, datetime(2027, 3, 23, tzinfo=UTC), prague) == datetime(
        2027, 3, 29, 5, 30, tzinfo=UTC
    )
    # exactly at the moment: the next week's
    at = datetime(2027, 3, 29, 5, 30, tzinfo=UTC)
    assert next_moment(monday, at, prague) == at + timedelta(days=7)


async def test_a_removed_member_gets_no_digest(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await petra.send("/members")
    await petra.press("Jan Členová")
    await petra.press("Odebrat z týmu")
    await petra.press("Ano, odebrat")
    await until(bot, MONDAY_0730)
    assert digests(jan) == [] and len(digests(petra)) == 1
    assert [r for r in await digest_rows(bot, jan) if r["done_at"] is None] == []
