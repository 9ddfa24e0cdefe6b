"""Wall-clock arithmetic: series keep their local time across DST; skipped and repeated times."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.domain.meetings import LAST, Recurrence, RecurrenceRule
from bot.scheduling.recurrence import (
    exists,
    is_ambiguous,
    monthly_position,
    next_date,
    next_occurrence,
    nth_weekday,
    to_utc,
)

PRAGUE = ZoneInfo("Europe/Prague")


def weekly(every: int = 1, at: time = time(14, 0), weekday: int = 1) -> Recurrence:
    return Recurrence(rule=RecurrenceRule.WEEKLY, every_weeks=every, weekday=weekday, local_time=at)


def test_a_weekly_series_keeps_its_wall_clock_time_when_summer_time_ends() -> None:
    # Tuesday 20 October 2026 14:00 CEST (12:00 UTC) → Tuesday 27 October 14:00 CET (13:00 UTC)
    after = next_occurrence(weekly(), date(2026, 10, 20), PRAGUE)
    assert after == datetime(2026, 10, 27, 13, 0, tzinfo=UTC)
    assert after.astimezone(PRAGUE).hour == 14


def test_a_weekly_series_keeps_its_wall_clock_time_when_summer_time_begins() -> None:
    after = next_occurrence(weekly(), date(2027, 3, 23), PRAGUE)
    assert after == datetime(2027, 3, 30, 12, 0, tzinfo=UTC)


def test_every_two_weeks() -> None:
    assert next_date(weekly(2), date(2026, 12, 1)) == date(2026, 12, 15)


def test_a_time_skipped_by_dst_moves_forward_by_the_gap() -> None:
    # 28 March 2027: clocks go from 02:00 to 03:00; 02:30 does not exist → 03:30 CEST
    moment = to_utc(date(2027, 3, 28), time(2, 30), PRAGUE)
    assert moment == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert moment.astimezone(PRAGUE).strftime("%H:%M") == "03:30"


def test_a_repeated_time_takes_its_first_occurrence() -> None:
    # 25 October 2026: 02:30 happens twice; the first is still summer time (UTC+2)
    moment = to_utc(date(2026, 10, 25), time(2, 30), PRAGUE)
    assert moment == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_a_weekly_series_at_0230_over_both_dst_nights() -> None:
    series = weekly(at=time(2, 30), weekday=6)  # Sundays 02:30
    assert next_occurrence(series, date(2027, 3, 21), PRAGUE) == datetime(
        2027, 3, 28, 1, 30, tzinfo=UTC
    )
    assert next_occurrence(series, date(2026, 10, 18), PRAGUE) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    assert next_occurrence(series, date(2026, 10, 25), PRAGUE) == datetime(
        2026, 11, 1, 1, 30, tzinfo=UTC
    )


def test_exists_and_ambiguous() -> None:
    assert not exists(datetime(2027, 3, 28, 2, 30, tzinfo=PRAGUE))
    assert exists(datetime(2027, 3, 28, 3, 30, tzinfo=PRAGUE))
    assert is_ambiguous(datetime(2026, 10, 25, 2, 30, tzinfo=PRAGUE))
    assert not is_ambiguous(datetime(2026, 10, 25, 3, 30, tzinfo=PRAGUE))
    assert not is_ambiguous(datetime(2027, 3, 28, 2, 30, tzinfo=PRAGUE))


@pytest.mark.parametrize(
    ("year", "month", "nth", "expected"),
    [
        (2026, 12, 1, date(2026, 12, 1)),  # first Tuesday of December 2026
        (2026, 12, 3, date(2026, 12, 15)),
        (2026, 12, LAST, date(2026, 12, 29)),
        (2027, 2, 4, date(2027, 2, 23)),
        (2027, 3, LAST, date(2027, 3, 30)),
    ],
)
def test_nth_weekday(year: int, month: int, nth: int, expected: date) -> None:
    assert nth_weekday(year, month, 1, nth) == expected


def test_a_monthly_series_on_the_third_tuesday_crosses_the_year() -> None:
    series = Recurrence(rule=RecurrenceRule.MONTHLY, nth=3, weekday=1, local_time=time(14, 0))
    assert monthly_position(date(2026, 12, 15)) == 3
    assert next_date(series, date(2026, 12, 15)) == date(2027, 1, 19)
    assert next_occurrence(series, date(2027, 3, 16), PRAGUE) == datetime(
        2027, 4, 20, 12, 0, tzinfo=UTC
    )


def test_a_monthly_series_on_the_last_weekday() -> None:
    series = Recurrence(rule=RecurrenceRule.MONTHLY, nth=LAST, weekday=1, local_time=time(9, 0))
    assert monthly_position(date(2026, 12, 29)) == 5
    assert next_date(series, date(2026, 12, 29)) == date(2027, 1, 26)
