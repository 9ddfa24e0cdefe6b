"""Czech date-and-time input for meetings: every accepted form, and refusals with a reason."""

from __future__ import annotations

import time as clock
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.scheduling.dates import (
    DateParseError,
    DateProblem,
    ParsedMoment,
    parse_deadline,
    parse_moment,
    parse_time_of_day,
)

PRAGUE = ZoneInfo("Europe/Prague")
#: Wednesday 25 November 2026, 10:00 in Prague (09:00 UTC)
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=PRAGUE)


def parsed(text: str, now: datetime = NOW) -> ParsedMoment:
    moment = parse_moment(text, now, PRAGUE)
    assert moment.local.tzinfo is PRAGUE
    return moment


def local(text: str, now: datetime = NOW) -> datetime:
    """The wall time understood, naive, so that comparisons cannot hide a wrong offset."""
    moment = parsed(text, now)
    assert moment.local.fold == 0
    return moment.local.replace(tzinfo=None)


def problem(text: str, now: datetime = NOW) -> DateProblem:
    with pytest.raises(DateParseError) as caught:
        parse_moment(text, now, PRAGUE)
    return caught.value.problem


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute)


DEC_15_14 = at(2026, 12, 15, 14)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15.12. 14:00", DEC_15_14),
        ("15. 12. 14:00", DEC_15_14),
        ("15.12 14:00", DEC_15_14),
        ("15. 12 14:00", DEC_15_14),
        ("15.12.2026 14:00", DEC_15_14),
        ("15. 12. 2026 14:00", DEC_15_14),
        ("15. 12. 2026, 14:00", DEC_15_14),
        ("15.12.26 14:00", DEC_15_14),
        ("15.12.26 14.00", DEC_15_14),
        ("15. 12. 2026 v 14:00", DEC_15_14),
        ("15.12. ve 14 h", DEC_15_14),
        ("15.12. 14 hod", DEC_15_14),
        ("15.12. 14h", DEC_15_14),
        ("15.12. 14:00 h", DEC_15_14),
        ("15.12. 14", DEC_15_14),
        ("15.12. 14.00", DEC_15_14),
        ("15.12 14.00", DEC_15_14),
        ("14.00 15.12", DEC_15_14),
        ("14:00 15.12.", DEC_15_14),
        ("14.00 15.12.", DEC_15_14),
        ("ve 14 h 15.12.", DEC_15_14),
        ("na 15.12. od 14:00", DEC_15_14),
        ("dne 15. 12. 2026 v 14.00 hod.", DEC_15_14),
        ("15.12. 14:00 odpoledne", DEC_15_14),
        ("út 15.12. 14:00", DEC_15_14),
        ("2026-12-15 14:00", DEC_15_14),
        ("2026-12-15T14:00", DEC_15_14),
        ("15. prosince 14:00", DEC_15_14),
        ("15. PROSINCE 2026 v 14:00", DEC_15_14),
        ("15 prosinec 2026 14:00", DEC_15_14),
        ("15. December 2026, 14:00", DEC_15_14),
        ("15 dec 14:00", DEC_15_14),
        ("1. března 9:00", at(2027, 3, 1, 9)),
        ("1. brezna 9:00", at(2027, 3, 1, 9)),
        ("3. December 9:15", at(2026, 12, 3, 9, 15)),
        ("1. května 2027 8:00", at(2027, 5, 1, 8)),
        ("20. září 2027 17:30", at(2027, 9, 20, 17, 30)),
        ("6. ledna 10:00", at(2027, 1, 6, 10)),
        ("15.3. 9:00", at(2027, 3, 15, 9)),  # March has passed long ago: next year's
        ("15.03 9:00", at(2027, 3, 15, 9)),
        ("dnes 16:00", at(2026, 11, 25, 16)),
        ("dneska v 16", at(2026, 11, 25, 16)),
        ("dnes večer v 19:30", at(2026, 11, 25, 19, 30)),
        ("zítra 9:30", at(2026, 11, 26, 9, 30)),
        ("zitra 9:30", at(2026, 11, 26, 9, 30)),
        ("ZÍTRA, v 9:30 h", at(2026, 11, 26, 9, 30)),
        ("  Zítra   v 9:30  ", at(2026, 11, 26, 9, 30)),
        ("zítra ráno v 7", at(2026, 11, 26, 7)),
        ("pozítří 8:00", at(2026, 11, 27, 8)),
        ("pozitri 8:00", at(2026, 11, 27, 8)),
    ],
)
def test_accepted_forms(typed: str, expected: datetime) -> None:
    assert local(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("pondělí 9:00", at(2026, 11, 30, 9)),
        ("po 9:00", at(2026, 11, 30, 9)),
        ("úterý 10:00", at(2026, 12, 1, 10)),
        ("v út v 10", at(2026, 12, 1, 10)),
        ("utery 10:00", at(2026, 12, 1, 10)),
        ("středa 11:00", at(2026, 11, 25, 11)),  # today, still ahead
        ("ve středu v 11", at(2026, 11, 25, 11)),
        ("středa 9:00", at(2026, 12, 2, 9)),  # today's has passed: next week's
        ("st 10:00", at(2026, 12, 2, 10)),  # exactly now is not ahead
        ("čtvrtek 10:00", at(2026, 11, 26, 10)),
        ("ctvrtek 10:00", at(2026, 11, 26, 10)),
        ("pá 8:00", at(2026, 11, 27, 8)),
        ("patek 8:00", at(2026, 11, 27, 8)),
        ("v sobotu v 9", at(2026, 11, 28, 9)),
        ("neděle 18:00", at(2026, 11, 29, 18)),
        ("ne. 18:00", at(2026, 11, 29, 18)),
        ("příští úterý 10:00", at(2026, 12, 1, 10)),
        ("příští čtvrtek 10:00", at(2026, 12, 3, 10)),  # not tomorrow: next week's
        ("příští středa 11:00", at(2026, 12, 2, 11)),  # not today
        ("pristi patek 10:00", at(2026, 12, 4, 10)),
        ("příští týden v pondělí 8:00", at(2026, 11, 30, 8)),
        ("přístí týden v úterý 10:00", at(2026, 12, 1, 10)),
        ("v příštím týdnu ve středu v 9", at(2026, 12, 2, 9)),
        ("v úterý příští týden v 10", at(2026, 12, 1, 10)),
        ("pristi tyden v nedeli 18:00", at(2026, 12, 6, 18)),
        ("tento pátek 12:00", at(2026, 11, 27, 12)),
        ("tuto středu 11:00", at(2026, 11, 25, 11)),
        ("tenhle čtvrtek 9:00", at(2026, 11, 26, 9)),
        ("tento týden v neděli 18:00", at(2026, 11, 29, 18)),
    ],
)
def test_weekdays(typed: str, expected: datetime) -> None:
    assert local(typed) == expected


@pytest.mark.parametrize("day", range(23, 30))  # Monday 23 to Sunday 29 November
def test_next_weekday_is_in_the_next_calendar_week_whatever_today_is(day: int) -> None:
    now = datetime(2026, 11, day, 12, 0, tzinfo=PRAGUE)
    assert local("příští úterý 10:00", now) == at(2026, 12, 1, 10)
    assert local("příští neděle 10:00", now) == at(2026, 12, 6, 10)


def test_on_a_sunday_next_monday_is_tomorrow() -> None:
    sunday = datetime(2026, 11, 29, 20, 0, tzinfo=PRAGUE)
    assert local("příští pondělí 9:00", sunday) == at(2026, 11, 30, 9)
    assert local("pondělí 9:00", sunday) == at(2026, 11, 30, 9)
    assert local("neděle 21:00", sunday) == at(2026, 11, 29, 21)
    assert local("neděle 19:00", sunday) == at(2026, 12, 6, 19)


def test_on_a_monday_the_plain_and_the_next_monday_differ_by_the_time() -> None:
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=PRAGUE)
    assert local("pondělí 11:00", monday) == at(2026, 11, 23, 11)
    assert local("pondělí 9:00", monday) == at(2026, 11, 30, 9)
    assert local("příští pondělí 11:00", monday) == at(2026, 11, 30, 11)
    assert problem("toto pondělí 9:00", monday) == DateProblem.PAST


def test_a_date_without_a_year_rolls_over_to_next_year() -> None:
    december = datetime(2026, 12, 20, 10, 0, tzinfo=PRAGUE)
    assert local("5.1. 10:00", december) == at(2027, 1, 5, 10)
    assert local("5. ledna 10:00", december) == at(2027, 1, 5, 10)
    assert local("24.10. 10:00") == at(2027, 10, 24, 10)  # 32 days ago: next year's


def test_a_recent_date_without_a_year_is_past_not_next_year() -> None:
    assert problem("20.11. 10:00") == DateProblem.PAST
    assert problem("26.10. 10:00") == DateProblem.PAST  # 30 days ago
    assert problem("25.10. 10:00") == DateProblem.PAST  # exactly 31 days ago
    assert problem("toto úterý 10:00") == DateProblem.PAST  # yesterday


def test_29_february() -> None:
    summer = datetime(2027, 6, 1, 10, 0, tzinfo=PRAGUE)
    assert problem("29.2.2027 10:00", summer) == DateProblem.INVALID_DATE
    assert local("29.2.2028 10:00", summer) == at(2028, 2, 29, 10)
    assert local("29. února 2028 10:00", summer) == at(2028, 2, 29, 10)
    assert local("29.2. 10:00", summer) == at(2028, 2, 29, 10)  # 2028 has one
    assert problem("29.2. 10:00") == DateProblem.INVALID_DATE  # 2027 does not


def test_the_spring_gap_does_not_exist() -> None:
    assert problem("28.3.2027 2:30") == DateProblem.NONEXISTENT_TIME
    assert problem("28. března 2027 2:00") == DateProblem.NONEXISTENT_TIME
    moment = parsed("28.3.2027 3:30")
    assert moment.local.replace(tzinfo=None) == at(2027, 3, 28, 3, 30)
    assert moment.utc == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert not moment.ambiguous


def test_the_autumn_fold_takes_the_first_occurrence_and_says_so() -> None:
    october = datetime(2026, 10, 1, 10, 0, tzinfo=PRAGUE)
    moment = parsed("25.10.2026 2:30", october)
    assert moment.ambiguous
    assert moment.local.fold == 0
    assert moment.local.utcoffset() == timedelta(hours=2)
    assert moment.utc == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    after = parsed("25.10.2026 3:30", october)
    assert not after.ambiguous
    assert after.utc == datetime(2026, 10, 25, 2, 30, tzinfo=UTC)
    before = parsed("25.10.2026 1:59", october)
    assert not before.ambiguous
    assert before.utc == datetime(2026, 10, 24, 23, 59, tzinfo=UTC)


def test_during_the_repeated_hour_its_first_occurrence_is_already_past() -> None:
    second_pass = datetime(2026, 10, 25, 2, 20, fold=1, tzinfo=PRAGUE)  # 01:20 UTC
    assert problem("dnes 2:30", second_pass) == DateProblem.PAST  # 00:30 UTC
    assert parsed("dnes 3:00", second_pass).utc == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)


def test_a_weekday_landing_in_the_fold_is_ambiguous() -> None:
    saturday = datetime(2026, 10, 24, 12, 0, tzinfo=PRAGUE)
    moment = parsed("neděle 2:15", saturday)
    assert moment.ambiguous
    assert moment.utc == datetime(2026, 10, 25, 0, 15, tzinfo=UTC)


def test_utc_of_a_winter_moment() -> None:
    assert parsed("15.12. 14:00").utc == datetime(2026, 12, 15, 13, 0, tzinfo=UTC)


def test_now_in_another_zone_is_converted() -> None:
    now_utc = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # 10:00 in Prague
    assert problem("dnes 9:30", now_utc) == DateProblem.PAST
    assert local("dnes 10:30", now_utc) == at(2026, 11, 25, 10, 30)
    late = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)  # already Thursday in Prague
    assert local("dnes 8:00", late) == at(2026, 11, 26, 8)
    assert local("zítra 8:00", late) == at(2026, 11, 27, 8)


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_moment("zítra 10:00", datetime(2026, 11, 25, 10, 0), PRAGUE)


def test_two_years_ahead_is_the_limit() -> None:
    assert local("24.11.2028 10:00") == at(2028, 11, 24, 10)  # exactly 730 days
    assert problem("25.11.2028 10:00") == DateProblem.TOO_FAR


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", DateProblem.EMPTY),
        ("   ", DateProblem.EMPTY),
        ("\n\t", DateProblem.EMPTY),
        ("zítra", DateProblem.NO_TIME),
        ("15.12.", DateProblem.NO_TIME),
        ("15. prosince", DateProblem.NO_TIME),
        ("příští úterý", DateProblem.NO_TIME),
        ("dnes odpoledne", DateProblem.NO_TIME),
        ("14:00", DateProblem.NO_DATE),
        ("14.00", DateProblem.NO_DATE),
        ("v 10", DateProblem.NO_DATE),
        ("10 h", DateProblem.NO_DATE),
        ("31.2. 10:00", DateProblem.INVALID_DATE),
        ("31.4. 10:00", DateProblem.INVALID_DATE),
        ("32.1. 10:00", DateProblem.INVALID_DATE),
        ("0.5. 10:00", DateProblem.INVALID_DATE),
        ("15.13. 10:00", DateProblem.INVALID_DATE),
        ("2026-02-30 10:00", DateProblem.INVALID_DATE),
        ("32.1.", DateProblem.INVALID_DATE),
        ("15.12. 25:00", DateProblem.INVALID_TIME),
        ("25:00 15.12.", DateProblem.INVALID_TIME),
        ("15.12. 24:00", DateProblem.INVALID_TIME),
        ("15.12. 14:75", DateProblem.INVALID_TIME),
        ("15.12. v 25", DateProblem.INVALID_TIME),
        ("1.1.2020 10:00", DateProblem.PAST),
        ("1.1.0001 0:30", DateProblem.PAST),
        ("31.12.9999 23:59", DateProblem.TOO_FAR),
        ("dnes 9:00", DateProblem.PAST),
        ("dnes 10:00", DateProblem.PAST),
        ("15.12.2030 10:00", DateProblem.TOO_FAR),
        ("blabla", DateProblem.UNREADABLE),
        ("někdy příště", DateProblem.UNREADABLE),
        ("v", DateProblem.UNREADABLE),
        ("týden", DateProblem.UNREADABLE),
        ("15.12", DateProblem.UNREADABLE),  # 15 December or 15:12?
        ("10.11 11.10", DateProblem.UNREADABLE),  # both readings make sense
        ("15 12 14:00", DateProblem.UNREADABLE),
        ("15.12. 25", DateProblem.UNREADABLE),
        ("15.12. 14:00 16.12.", DateProblem.UNREADABLE),
        ("zítra 14:00 15:00", DateProblem.UNREADABLE),
        ("15.12. 14 15", DateProblem.UNREADABLE),
        ("úterý středa 10:00", DateProblem.UNREADABLE),
        ("zítra úterý 10:00", DateProblem.UNREADABLE),
        ("dnes 15.12. 14:00", DateProblem.UNREADABLE),
        ("st 15.12. 14:00", DateProblem.UNREADABLE),  # 15 December is a Tuesday
        ("příští 10:00", DateProblem.UNREADABLE),
        ("příští týden 10:00", DateProblem.UNREADABLE),
        ("2 odpoledne zítra", DateProblem.UNREADABLE),
        ("zítra v 8 večer", DateProblem.UNREADABLE),
        ("zítra 10:00 hodně", DateProblem.UNREADABLE),
        ("<b>15.12.</b> 14:00", DateProblem.UNREADABLE),
        ("15/12 14:00", DateProblem.UNREADABLE),
        ("15.12. 14:00:00", DateProblem.UNREADABLE),
        ("15.12.14:00", DateProblem.UNREADABLE),
        ("zítra" + " " * 90 + "v 14:00", DateProblem.UNREADABLE),  # over 100 characters
    ],
)
def test_refusals_say_why(typed: str, expected: DateProblem) -> None:
    assert problem(typed) == expected


def test_input_up_to_the_limit_is_read() -> None:
    typed = "zítra" + " " * 80 + "v 14:00"
    assert len(typed) <= 100
    assert local(typed) == at(2026, 11, 26, 14)


@pytest.mark.parametrize(
    "typed", ["x" * 5000, "1" * 5000, "15.12. 14:00 " * 400, "1." * 2500, "zítra " + "v " * 2500]
)
def test_long_input_is_refused_quickly(typed: str) -> None:
    started = clock.perf_counter()
    assert problem(typed) == DateProblem.UNREADABLE
    assert clock.perf_counter() - started < 0.05


def test_the_error_is_a_value_error_naming_the_problem() -> None:
    with pytest.raises(ValueError, match=r"^no_time$") as caught:
        parse_moment("zítra", NOW, PRAGUE)
    assert isinstance(caught.value, DateParseError)
    assert caught.value.problem is DateProblem.NO_TIME


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14:00", time(14, 0)),
        ("9:30", time(9, 30)),
        ("14.00", time(14, 0)),
        ("9.30", time(9, 30)),
        ("14h", time(14, 0)),
        ("14 h", time(14, 0)),
        ("v 14", time(14, 0)),
        ("ve 14 hod.", time(14, 0)),
        ("14 hod", time(14, 0)),
        ("14:00 h", time(14, 0)),
        ("od 8:15", time(8, 15)),
        ("0:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("14:00 odpoledne", time(14, 0)),
    ],
)
def test_time_of_day(typed: str, expected: time) -> None:
    assert parse_time_of_day(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", DateProblem.EMPTY),
        ("  ", DateProblem.EMPTY),
        ("25:00", DateProblem.INVALID_TIME),
        ("14:75", DateProblem.INVALID_TIME),
        ("v 25", DateProblem.INVALID_TIME),
        ("14", DateProblem.UNREADABLE),  # a bare number could be anything
        ("zítra", DateProblem.UNREADABLE),
        ("15.12.", DateProblem.UNREADABLE),
        ("14:00 15:00", DateProblem.UNREADABLE),
        ("v 2 odpoledne", DateProblem.UNREADABLE),
        ("2 pm", DateProblem.UNREADABLE),
        ("x" * 5000, DateProblem.UNREADABLE),
    ],
)
def test_time_of_day_refusals(typed: str, expected: DateProblem) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_time_of_day(typed)
    assert caught.value.problem == expected


# --- deadlines ---------------------------------------------------------------------------------


def deadline(text: str, now: datetime = NOW) -> datetime:
    return parse_deadline(text, now, PRAGUE).local.replace(tzinfo=None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4.12.", datetime(2026, 12, 4, 16, 0)),  # a day alone: the end of the working day
        ("do 4.12.", datetime(2026, 12, 4, 16, 0)),
        ("4.12. 9:30", datetime(2026, 12, 4, 9, 30)),
        ("zítra", datetime(2026, 11, 26, 16, 0)),
        ("do pátku", datetime(2026, 11, 27, 16, 0)),  # NOW is a Wednesday
        ("Nejpozději do pátku", datetime(2026, 11, 27, 16, 0)),
        ("pátek 12:00", datetime(2026, 11, 27, 12, 0)),
        ("za týden", datetime(2026, 12, 2, 16, 0)),
        ("za 14 dní", datetime(2026, 12, 9, 16, 0)),
        ("za dva týdny", datetime(2026, 12, 9, 16, 0)),
        ("za 3 dny 10:00", datetime(2026, 11, 28, 10, 0)),
        ("konec měsíce", datetime(2026, 11, 30, 16, 0)),
        ("do konce měsíce", datetime(2026, 11, 30, 16, 0)),
        ("do konce měsíce 12:00", datetime(2026, 11, 30, 12, 0)),
    ],
)
def test_deadline_forms(text: str, expected: datetime) -> None:
    assert deadline(text) == expected


def test_deadline_edges() -> None:
    friday_evening = datetime(2026, 11, 27, 17, 0, tzinfo=PRAGUE)
    assert deadline("do pátku", friday_evening) == datetime(2026, 12, 4, 16, 0)
    last_day_evening = datetime(2026, 11, 30, 17, 0, tzinfo=PRAGUE)
    assert deadline("konec měsíce", last_day_evening) == datetime(2026, 12, 31, 16, 0)
    december = datetime(2026, 12, 10, 10, 0, tzinfo=PRAGUE)
    assert deadline("do konce měsíce", december) == datetime(2026, 12, 31, 16, 0)
    # 16:00 local in summer is 14:00 UTC, in winter 15:00 UTC
    summer = parse_deadline("1.7.", NOW, PRAGUE).utc
    assert (summer.hour, summer.minute) == (14, 0)
    assert parse_deadline("4.12.", NOW, PRAGUE).utc.hour == 15


@pytest.mark.parametrize("text", ["za nic dní", "do", "za týden blbost", "konec roku", "x" * 200])
def test_deadlines_not_understood(text: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_deadline(text, NOW, PRAGUE)
    assert caught.value.problem is DateProblem.UNREADABLE


def test_a_deadline_too_far_or_past() -> None:
    with pytest.raises(DateParseError) as caught:
        parse_deadline("za 999 dní", NOW, PRAGUE)
    assert caught.value.problem is DateProblem.TOO_FAR
    with pytest.raises(DateParseError) as caught:
        parse_deadline("dnes", datetime(2026, 11, 25, 17, 0, tzinfo=PRAGUE), PRAGUE)
    assert caught.value.problem is DateProblem.PAST
