"""Quiet hours: nudges wait for the morning, acute news and meetings do not."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.domain.notices import DEFAULT_QUIET_HOURS, TIMING, Notice, QuietHours, Timing
from bot.services.errors import InvalidInput
from bot.services.quiet import parse_quiet_hours
from tests.flows import make_team, report
from tests.test_meetings import run_due, said, schedule
from tests.test_tasks import new_task
from tests.test_two_teams import two_teams

PRAGUE = ZoneInfo("Europe/Prague")


def prague(*args: int) -> datetime:
    return datetime(*args, tzinfo=PRAGUE).astimezone(UTC)  # type: ignore[misc]


async def test_a_task_reminder_due_at_night_arrives_at_seven(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await new_task(petra, when="2.12. 21:30")  # reminded 24 hours before: 1.12. 21:30
    bot.clock.set(prague(2026, 12, 1, 21, 30))
    await run_due(bot)
    assert not said(jan, "Připomínka: blíží se termín")
    bot.clock.set(prague(2026, 12, 2, 6, 59))
    await run_due(bot)
    assert not said(jan, "Připomínka: blíží se termín")
    bot.clock.set(prague(2026, 12, 2, 7, 0))
    await run_due(bot)
    reminders = [m for m in jan.inbox if "Připomínka: blíží se termín" in m.text]
    assert len(reminders) == 1
    # the escalation at 21:30 the next evening waits too
    bot.clock.set(prague(2026, 12, 2, 21, 30))
    await run_due(bot)
    assert not said(petra, "Úkol je po termínu")
    bot.clock.set(prague(2026, 12, 3, 7, 0))
    await run_due(bot)
    assert said(petra, "Úkol je po termínu")
    async with bot.db.read() as repos:
        rows = [r for r in await repos.outbox.items(chat_id=jan.id) if r.kind == "task.reminder"]
    assert len(rows) == 1 and rows[0].attempts == 1
    assert rows[0].due_at == prague(2026, 12, 2, 7, 0)


async def test_an_acute_problem_at_night_is_told_at_once_a_common_one_in_the_morning(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    bot.clock.set(prague(2026, 11, 24, 23, 0))
    await report(jan, urgency="akutní")
    await run_due(bot)
    assert said(petra, "#1")
    await report(
        jan,
        locality="Hlavní třída 5",
        description="Večer tu někdo rozbíjí lavičky a láhve, každý den kolem desáté.",
    )
    await run_due(bot)
    assert not said(petra, "#2")
    bot.clock.set(prague(2026, 11, 25, 7, 0))
    await run_due(bot)
    assert said(petra, "#2")


async def test_a_meeting_reminder_at_night_goes_out_as_scheduled(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra, when="26.11. 22:00")  # reminders 24 and 1 hours before
    bot.clock.set(prague(2026, 11, 26, 21, 0))
    await run_due(bot)
    reminders = [m for m in jan.inbox if "Připomínka: schůzka týmu" in m.text]
    assert len(reminders) == 2  # yesterday's 22:00 one and tonight's 21:00 one, both at once


async def test_a_coordinator_changes_the_quiet_hours(bot):
    petra, jan, _karel = await two_teams(bot)
    await petra.send("/team")
    assert "Noční klid 20:00–7:00" in petra.last().text
    await petra.press("⏰ Připomínky schůzek a program")
    await petra.press("🌙 Změnit noční klid")
    for bad in ("7:00–7:00", "zítra", "25–6"):
        await petra.send(bad)
        assert "dva různé časy" in petra.last().text, bad
    await petra.send("22–6:30")
    assert "Noční klid 22:00–6:30" in petra.last().text
    async with bot.db.read() as repos:
        teams = {t.name: t.id for t in await repos.teams.list_all()}
        assert await repos.teams.quiet_hours(teams["Poruba"]) == QuietHours(time(22), time(6, 30))
        assert await repos.teams.quiet_hours(teams["Jih"]) is None
        (event,) = await repos.audit.by_action("team.quiet_hours")
    assert event.team_id == teams["Poruba"]

    # Jan, a plain member of Poruba, may not; as Jih's coordinator he sets Jih's only
    answer = await jan.press_data(f"tt:q:{teams['Poruba']}")
    assert answer is not None and answer.show_alert
    await jan.send("/team")
    assert "Noční klid 20:00–7:00" in jan.last().text and "Jih" in jan.last().text

    # a task reminder at 21:30 now goes at once in Poruba, one at 22:30 waits until 6:30
    await report(jan, team="Poruba")
    await new_task(petra, when="2.12. 21:30")
    await new_task(petra, when="2.12. 22:30")
    bot.clock.set(prague(2026, 12, 1, 21, 30))
    await run_due(bot)
    assert len([m for m in jan.inbox if "Připomínka: blíží se termín" in m.text]) == 1
    bot.clock.set(prague(2026, 12, 2, 6, 29))
    await run_due(bot)
    assert len([m for m in jan.inbox if "Připomínka: blíží se termín" in m.text]) == 1
    bot.clock.set(prague(2026, 12, 2, 6, 30))
    await run_due(bot)
    assert len([m for m in jan.inbox if "Připomínka: blíží se termín" in m.text]) == 2


def test_every_notice_has_a_timing() -> None:
    assert set(TIMING) == set(Notice)
    assert TIMING[Notice.MEETING_REMINDER] is Timing.AT_ONCE
    assert TIMING[Notice.TASK_REMINDER] is Timing.MORNING
    assert TIMING[Notice.PROBLEM_NEW] is Timing.MORNING_UNLESS_ACUTE


@pytest.mark.parametrize(
    ("moment", "morning"),
    [
        (prague(2026, 11, 24, 19, 59), None),
        (prague(2026, 11, 24, 20, 0), prague(2026, 11, 25, 7, 0)),
        (prague(2026, 11, 25, 0, 30), prague(2026, 11, 25, 7, 0)),
        (prague(2026, 11, 25, 7, 0), None),
        # the clocks go forward in the night to 28 March 2027 and back to 25 October 2026
        (prague(2027, 3, 27, 23, 0), datetime(2027, 3, 28, 5, 0, tzinfo=UTC)),
        (prague(2026, 10, 24, 21, 0), datetime(2026, 10, 25, 6, 0, tzinfo=UTC)),
    ],
)
def test_the_morning_after_is_seven_local_time(moment: datetime, morning: datetime | None) -> None:
    assert DEFAULT_QUIET_HOURS.morning_after(moment, PRAGUE) == morning


def test_quiet_hours_within_one_day_and_input() -> None:
    afternoon = QuietHours(time(12), time(14))
    assert afternoon.morning_after(prague(2026, 11, 24, 13, 0), PRAGUE) == prague(
        2026, 11, 24, 14, 0
    )
    assert afternoon.morning_after(prague(2026, 11, 24, 23, 0), PRAGUE) is None
    assert parse_quiet_hours("od 21 do 6") == QuietHours(time(21), time(6))
    assert parse_quiet_hours("20:00 – 7:00") == DEFAULT_QUIET_HOURS
    for bad in ("7-7", "x", "25-6", "", "20:00"):
        with pytest.raises(InvalidInput):
            parse_quiet_hours(bad)
