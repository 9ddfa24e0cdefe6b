"""Czech date-and-time input for meetings: every accepted form, and refusals with a reason."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.scheduling.dates import DateParseError, DateProblem, parse_moment, parse_time_of_day

PRAGUE = ZoneInfo("Europe/Prague")
#: Wednesday 25 November 2026, 10:00 in Prague
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=PRAGUE)


def local(text: str, now: datetime = NOW) -> str:
    return f"{parse_moment(text, now, PRAGUE).local:%Y-%m-%d %H:%M}"


def problem(text: str, now: datetime = NOW) -> DateProblem:
    with pytest.raises(DateParseError) as caught:
        parse_moment(text, now, PRAGUE)
    return caught.value.problem


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15.12. 14:00", "2026-12-15 14:00"),
        ("15. 12. 14:00", "2026-12-15 14:00"),
        ("15.12 14:00", "2026-12-15 14:00"),
        ("15.12.2026 14:00", "2026-12-15 14:00"),
        ("15. 12. 2026 14:00", "2026-12-15 14:00"),
        ("15. 12. 2026, 14:00", "2026-12-15 14:00"),
        ("15.12.26 14.00", "2026-12-15 14:00"),
        ("15. 12. 2026 v 14:00", "2026-12-15 14:00"),
        ("15.12. ve 14 h", "2026-12-15 14:00"),
        ("15.12. 14 hod", "2026-12-15 14:00"),
        ("15.12. 14h", "2026-12-15 14:00"),
        ("15.12. 14", "2026-12-15 14:00"),
        ("14:00 15.12.", "2026-12-15 14:00"),
        ("14.00 15.12.", "2026-12-15 14:00"),
        ("2026-12-15 14:00", "2026-12-15 14:00"),
        ("2026-12-15T14:00", "2026-12-15 14:00"),
        ("15. prosince 14:00", "2026-12-15 14:00"),
        ("15. PROSINCE 2026 v 14:00", "2026-12-15 14:00"),
        ("15 prosinec 2026 14:00", "2026-12-15 14:00"),
        ("1. března 9:00", "2027-03-01 09:00"),
        ("1. brezna 9:00", "2027-03-01 09:00"),
        ("3. December 9:15", "2026-12-03 09:15"),
        ("dnes 16:00", "2026-11-25 16:00"),
        ("dneska v 16", "2026-11-25 16:00"),
        ("zítra 9:30", "2026-11-26 09:30"),
        ("zitra 9:30", "2026-11-26 09:30"),
        ("pozítří 8:00", "2026-11-27 08:00"),
        ("  Zítra   v 9:30  ", "2026-11-26 09:30"),
    ],
)
def test_accepted_forms(typed: str, expected: str) -> None:
    assert local(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("středa 11:00", "2026-11-25 11:00"),  # today, still ahead
        ("středa 9:00", "2026-12-02 09:00"),  # today's has passed: next week's
        ("ve středu v 9", "2026-12-02 09:00"),
        ("čtvrtek 10:00", "2026-11-26 10:00"),
        ("pá 8:00", "2026-11-27 08:00"),
        ("úterý 10:00", "2026-12-01 10:00"),
        ("v út v 10", "2026-12-01 10:00"),
        ("utery 10:00", "2026-12-01 10:00"),
        ("neděle 18:00", "2026-11-29 18:00"),
        ("příští úterý 10:00", "2026-12-01 10:00"),  # Tuesday of next calendar week
        ("příští čtvrtek 10:00", "2026-12-03 10:00"),  # not tomorrow
        ("pristi patek 10:00", "2026-12-04 10:00"),
        ("příští týden v pondělí 8:00", "2026-11-30 08:00"),
        ("příští středa 9:00", "2026-12-02 09:00"),
        ("tento pátek 12:00", "2026-11-27 12:00"),
    ],
)
def test_weekdays(typed: str, expected: str) -> None:
    assert local(typed) == expected


def test_next_weekday_from_a_sunday_means_the_coming_week() -> None:
    sunday = datetime(2026, 11, 29, 20, 0, tzinfo=PRAGUE)
    assert local("příští pondělí 9:00", sunday) == "2026-11-30 09:00"
    assert local("pondělí 9:00", sunday) == "2026-11-30 09:00"


def test_a_date_without_a_year_rolls_over_to_next_year() -> None:
    december = datetime(2026, 12, 20, 10, 0, tzinfo=PRAGUE)
    assert local("5.1. 10:00", december) == "2027-01-05 10:00"
    assert local("5.1. 10:00") == "2027-01-05 10:00"


def test_a_recent_date_without_a_year_is_past_not_next_year() -> None:
    assert problem("20.11. 10:00") == DateProblem.PAST
    assert problem("toto úterý 10:00") == DateProblem.PAST  # yesterday


def test_29_february() -> None:
    summer = datetime(2027, 6, 1, 10, 0, tzinfo=PRAGUE)
    assert problem("29.2.2027 10:00", summer) == DateProblem.INVALID_DATE
    assert local("29.2.2028 10:00", summer) == "2028-02-29 10:00"
    assert local("29.2. 10:00", summer) == "2028-02-29 10:00"  # the next one that exists


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", DateProblem.EMPTY),
        ("   ", DateProblem.EMPTY),
        ("blabla", DateProblem.UNREADABLE),
        ("někdy příště", DateProblem.UNREADABLE),
        ("zítra", DateProblem.NO_TIME),
        ("15.12.", DateProblem.NO_TIME),
        ("15. prosince", DateProblem.NO_TIME),
        ("14:00", DateProblem.NO_DATE),
        ("v 10", DateProblem.NO_DATE),
        ("31.2. 10:00", DateProblem.INVALID_DATE),
        ("32.1. 10:00", DateProblem.INVALID_DATE),
        ("15.13. 10:00", DateProblem.INVALID_DATE),
        ("25:00 15.12.", DateProblem.INVALID_TIME),
        ("15.12. 14:75", DateProblem.INVALID_TIME),
        ("1.1.2020 10:00", DateProblem.PAST),
        ("dnes 9:00", DateProblem.PAST),
        ("15.12.2030 10:00", DateProblem.TOO_FAR),
        ("15.12. 14:00 16.12.", DateProblem.UNREADABLE),
        ("zítra 14:00 15:00", DateProblem.UNREADABLE),
        ("úterý středa 10:00", DateProblem.UNREADABLE),
        ("zítra úterý 10:00", DateProblem.UNREADABLE),
        ("<b>15.12.</b> 14:00", DateProblem.UNREADABLE),
        ("15.12", DateProblem.UNREADABLE),
        ("příští 10:00", DateProblem.UNREADABLE),
        ("2 odpoledne zítra", DateProblem.UNREADABLE),
        ("15.12. 14:00 " + "x" * 5000, DateProblem.UNREADABLE),
    ],
)
def test_refusals_say_why(typed: str, expected: DateProblem) -> None:
    assert problem(typed) == expected


def test_the_spring_gap_does_not_exist() -> None:
    assert problem("28.3.2027 2:30") == DateProblem.NONEXISTENT_TIME
    assert local("28.3.2027 3:30") == "2027-03-28 03:30"


def test_the_autumn_fold_takes_the_first_occurrence_and_says_so() -> None:
    october = datetime(2026, 10, 1, 10, 0, tzinfo=PRAGUE)
    moment = parse_moment("25.10.2026 2:30", october, PRAGUE)
    assert moment.ambiguous
    assert moment.utc == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    plain = parse_moment("25.10.2026 3:30", october, PRAGUE)
    assert not plain.ambiguous
    assert plain.utc == datetime(2026, 10, 25, 2, 30, tzinfo=UTC)


def test_now_in_another_zone_is_converted() -> None:
    now_utc = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # 10:00 in Prague
    assert problem("dnes 9:30", now_utc) == DateProblem.PAST
    assert local("dnes 10:30", now_utc) == "2026-11-25 10:30"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14:00", "14:00"),
        ("9.30", "09:30"),
        ("14h", "14:00"),
        ("v 14", "14:00"),
        ("14 hod", "14:00"),
    ],
)
def test_time_of_day(typed: str, expected: str) -> None:
    assert parse_time_of_day(typed).strftime("%H:%M") == expected


@pytest.mark.parametrize("typed", ["", "zítra", "25:00", "14"])
def test_time_of_day_refusals(typed: str) -> None:
    with pytest.raises(DateParseError):
        parse_time_of_day(typed)
