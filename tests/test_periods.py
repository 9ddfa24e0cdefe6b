"""Periods typed in Czech (and English) for /export and /stats; refusals with a reason."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.periods import (
    ALL,
    Period,
    PeriodError,
    PeriodKind,
    PeriodProblem,
    parse_period,
    this_month,
    this_quarter,
    this_year,
)

TODAY = date(2026, 12, 1)
PRAGUE = ZoneInfo("Europe/Prague")


def span(text: str, today: date = TODAY) -> tuple[date | None, date | None]:
    period = parse_period(text, today)
    return period.start, period.end


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("rok 2025", date(2025, 1, 1), date(2025, 12, 31)),
        ("Q3 2026", date(2026, 7, 1), date(2026, 9, 30)),
        ("q1/2026", date(2026, 1, 1), date(2026, 3, 31)),
        ("3Q 2026", date(2026, 7, 1), date(2026, 9, 30)),
        ("4. čtvrtletí 2025", date(2025, 10, 1), date(2025, 12, 31)),
        ("Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("listopad 2026", date(2026, 11, 1), date(2026, 11, 30)),
        ("Únor 2028", date(2028, 2, 1), date(2028, 2, 29)),
        ("11/2026", date(2026, 11, 1), date(2026, 11, 30)),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("září", date(2026, 9, 1), date(2026, 9, 30)),
        ("od 1.9. do 30.11.", date(2026, 9, 1), date(2026, 11, 30)),
        ("od 1. 9. 2025 do 30. 11. 2025", date(2025, 9, 1), date(2025, 11, 30)),
        ("1.9.–30.11.2026", date(2026, 9, 1), date(2026, 11, 30)),
        ("1.9. - 30.11.", date(2026, 9, 1), date(2026, 11, 30)),
        ("od 1.11. do 31.1.", date(2026, 11, 1), date(2027, 1, 31)),
        ("od 1.9.", date(2026, 9, 1), None),
        ("do 30.6.2026", None, date(2026, 6, 30)),
        ("15.3.2026", date(2026, 3, 15), date(2026, 3, 15)),
        ("letos", date(2026, 1, 1), date(2026, 12, 31)),
        ("loni", date(2025, 1, 1), date(2025, 12, 31)),
        ("tento měsíc", date(2026, 12, 1), date(2026, 12, 31)),
        ("minulý měsíc", date(2026, 11, 1), date(2026, 11, 30)),
        ("toto čtvrtletí", date(2026, 10, 1), date(2026, 12, 31)),
        ("minulé čtvrtletí", date(2026, 7, 1), date(2026, 9, 30)),
        ("vše", None, None),
    ],
)
def test_typed_periods(text: str, start: date | None, end: date | None) -> None:
    assert span(text) == (start, end)


def test_a_yearless_start_after_today_is_last_year() -> None:
    assert span("od 1.9. do 30.11.", date(2026, 3, 5)) == (date(2025, 9, 1), date(2025, 11, 30))
    assert span("minulé čtvrtletí", date(2026, 2, 1)) == (date(2025, 10, 1), date(2025, 12, 31))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", PeriodProblem.EMPTY),
        ("   ", PeriodProblem.EMPTY),
        ("Q5 2026", PeriodProblem.BAD_QUARTER),
        ("Q0", PeriodProblem.BAD_QUARTER),
        ("5. čtvrtletí 2026", PeriodProblem.BAD_QUARTER),
        ("od 31.2.", PeriodProblem.INVALID_DATE),
        ("od 1.9. do 31.9.", PeriodProblem.INVALID_DATE),
        ("29.2.2026", PeriodProblem.INVALID_DATE),
        ("13/2026", PeriodProblem.INVALID_DATE),
        ("od 30.11.2026 do 1.9.2026", PeriodProblem.REVERSED),
        ("1999", PeriodProblem.BAD_YEAR),
        ("Q1 2150", PeriodProblem.BAD_YEAR),
        ("drogy", PeriodProblem.UNREADABLE),
        ("30", PeriodProblem.UNREADABLE),
        ("<b>2026</b>", PeriodProblem.UNREADABLE),
        ("2026 " * 30, PeriodProblem.UNREADABLE),
    ],
)
def test_refused(text: str, problem: PeriodProblem) -> None:
    with pytest.raises(PeriodError) as caught:
        parse_period(text, TODAY)
    assert caught.value.problem is problem
    assert caught.value.recognised is (
        problem not in (PeriodProblem.EMPTY, PeriodProblem.UNREADABLE)
    )


@pytest.mark.parametrize(
    "period",
    [
        ALL,
        this_month(TODAY),
        this_quarter(TODAY),
        this_year(TODAY),
        parse_period("od 1.9. do 30.11.", TODAY),
        parse_period("od 1.9.", TODAY),
        parse_period("do 1.9.2030", TODAY),
    ],
)
def test_codes_round_trip(period: Period) -> None:
    assert len(period.code) <= 14
    assert Period.from_code(period.code) == period


@pytest.mark.parametrize(
    "code",
    ["", "x", "a1", "y20", "y1999", "q20265", "m202613", "r-", "r261301-", "r2609-", "q2026"],
)
def test_forged_codes(code: str) -> None:
    with pytest.raises(PeriodError):
        Period.from_code(code)


def test_utc_bounds_are_local_midnights_across_dst() -> None:
    since, until = parse_period("Q1 2026", TODAY).utc_bounds(PRAGUE)
    assert since == datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
    assert until == datetime(2026, 3, 31, 22, 0, tzinfo=UTC)  # summer time by then
    assert ALL.utc_bounds(PRAGUE) == (None, None)
    assert this_month(TODAY).kind is PeriodKind.MONTH
