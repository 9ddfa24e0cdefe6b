"""Periods for statistics and exports: this month, quarter or year, everything, or what a person
types ("2026", "Q3 2026", "3. čtvrtletí 2026", "září 2026", "od 1.9. do 30.11.").

A period is a range of local dates ``[start, end)``; :meth:`Period.bounds` gives it in UTC for
the queries. Anything not clearly one period is refused with a reason (:class:`PeriodProblem`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

MAX_LENGTH = 60
#: the earliest year a period may start in (the teams began in the 2010s)
FIRST_YEAR = 2000


class PeriodKind(StrEnum):
    MONTH = "m"
    QUARTER = "q"
    YEAR = "y"
    ALL = "a"
    RANGE = "r"  # typed dates, or a month, quarter or year other than the current one


class PeriodProblem(StrEnum):
    EMPTY = "empty"
    UNREADABLE = "unreadable"
    INVALID_DATE = "invalid_date"
    REVERSED = "reversed"  # the end is before the start
    FUTURE = "future"  # starts after today
    TOO_OLD = "too_old"


class PeriodError(ValueError):
    def __init__(self, problem: PeriodProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date | None = None  # inclusive; None: since the beginning
    end: date | None = None  # exclusive; None: up to now

    def bounds(self, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
        """The period in UTC: local midnight of the start and of the end."""
        return _utc(self.start, zone), _utc(self.end, zone)

    @property
    def quarter(self) -> int | None:
        """1–4 when the period is exactly one calendar quarter."""
        if (
            self.start is None
            or self.end is None
            or self.start.day != 1
            or self.start.month % 3 != 1
            or self.end != add_months(self.start, 3)
        ):
            return None
        return (self.start.month - 1) // 3 + 1

    @property
    def is_month(self) -> bool:
        return (
            self.start is not None and self.start.day == 1 and self.end == add_months(self.start, 1)
        )

    @property
    def is_year(self) -> bool:
        return (
            self.start is not None
            and (self.start.month, self.start.day) == (1, 1)
            and self.end == date(self.start.year + 1, 1, 1)
        )

    def code(self) -> str:
        """A short form for callback data: ``m``, ``q``, ``y``, ``a`` (relative to the day of
        the press) or ``r20260901-20261201``."""
        if self.kind is not PeriodKind.RANGE:
            return self.kind.value
        assert self.start is not None and self.end is not None
        return f"r{self.start:%Y%m%d}-{self.end:%Y%m%d}"


def _utc(day: date | None, zone: ZoneInfo) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, time(0), zone).astimezone(UTC)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def this(kind: PeriodKind, today: date) -> Period:
    """The current month, quarter or year (up to its end), or everything."""
    if kind is PeriodKind.MONTH:
        start = today.replace(day=1)
        return Period(kind, start, add_months(start, 1))
    if kind is PeriodKind.QUARTER:
        start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        return Period(kind, start, add_months(start, 3))
    if kind is PeriodKind.YEAR:
        return Period(kind, date(today.year, 1, 1), date(today.year + 1, 1, 1))
    if kind is PeriodKind.ALL:
        return Period(kind)
    raise ValueError(kind)


def from_code(code: str, today: date) -> Period:
    """Read :meth:`Period.code` back; ValueError for anything else."""
    if code in ("m", "q", "y", "a"):
        return this(PeriodKind(code), today)
    match = re.fullmatch(r"r(\d{8})-(\d{8})", code)
    if match is None:
        raise ValueError(code)
    start = datetime.strptime(match.group(1), "%Y%m%d").date()
    end = datetime.strptime(match.group(2), "%Y%m%d").date()
    return _checked(start, end, today)


# --- typed periods ----------------------------------------------------------------------------

_MONTHS = {
    "leden": 1, "ledna": 1, "january": 1,
    "unor": 2, "unora": 2, "february": 2,
    "brezen": 3, "brezna": 3, "march": 3,
    "duben": 4, "dubna": 4, "april": 4,
    "kveten": 5, "kvetna": 5, "may": 5,
    "cerven": 6, "cervna": 6, "june": 6,
    "cervenec": 7, "cervence": 7, "july": 7,
    "srpen": 8, "srpna": 8, "august": 8,
    "zari": 9, "september": 9,
    "rijen": 10, "rijna": 10, "october": 10,
    "listopad": 11, "listopadu": 11, "november": 11,
    "prosinec": 12, "prosince": 12, "december": 12,
}  # fmt: skip
_WORDS = {
    "tento mesic": PeriodKind.MONTH,
    "mesic": PeriodKind.MONTH,
    "this month": PeriodKind.MONTH,
    "month": PeriodKind.MONTH,
    "toto ctvrtleti": PeriodKind.QUARTER,
    "ctvrtleti": PeriodKind.QUARTER,
    "this quarter": PeriodKind.QUARTER,
    "quarter": PeriodKind.QUARTER,
    "letos": PeriodKind.YEAR,
    "tento rok": PeriodKind.YEAR,
    "rok": PeriodKind.YEAR,
    "this year": PeriodKind.YEAR,
    "year": PeriodKind.YEAR,
    "vse": PeriodKind.ALL,
    "vsechno": PeriodKind.ALL,
    "celkem": PeriodKind.ALL,
    "cele obdobi": PeriodKind.ALL,
    "all": PeriodKind.ALL,
}
_YEAR = re.compile(r"(?:rok )?(\d{4})")
_QUARTER = re.compile(r"(?:q\s*([1-4])|([1-4])\s*\.?\s*(?:ctvrtleti|q))\s*(\d{4})?")
_MONTH_YEAR = re.compile(r"([a-z]+)\s*(\d{4})?")
_NUMERIC_MONTH = re.compile(r"(\d{1,2})\s*/\s*(\d{4})")
_DAY = r"(\d{1,2})\s*\.\s*(\d{1,2})\s*\.?\s*(\d{4})?"
_RANGE = re.compile(rf"(?:od\s+)?{_DAY}\s*(?:do|-|–|—)\s*{_DAY}")


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.replace(",", " ").split())


def parse_period(text: str, today: date) -> Period:
    """The period ``text`` names (``today`` is the local date); PeriodError otherwise."""
    if not text.strip():
        raise PeriodError(PeriodProblem.EMPTY)
    if len(text) > MAX_LENGTH:
        raise PeriodError(PeriodProblem.UNREADABLE)
    key = _normalise(text)
    if key in _WORDS:
        return this(_WORDS[key], today)
    if match := _YEAR.fullmatch(key):
        year = int(match.group(1))
        return _checked(date(_year(year), 1, 1), date(year + 1, 1, 1), today)
    if match := _QUARTER.fullmatch(key):
        quarter = int(match.group(1) or match.group(2))
        year = int(match.group(3)) if match.group(3) else today.year
        start = date(_year(year), quarter * 3 - 2, 1)
        return _checked(start, add_months(start, 3), today)
    if match := _NUMERIC_MONTH.fullmatch(key):
        month, year = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(PeriodProblem.INVALID_DATE)
        start = date(_year(year), month, 1)
        return _checked(start, add_months(start, 1), today)
    if (match := _MONTH_YEAR.fullmatch(key)) and match.group(1) in _MONTHS:
        year = int(match.group(2)) if match.group(2) else today.year
        start = date(_year(year), _MONTHS[match.group(1)], 1)
        return _checked(start, add_months(start, 1), today)
    if match := _RANGE.fullmatch(key):
        d1, m1, y1, d2, m2, y2 = match.groups()
        end_year = int(y2) if y2 else today.year
        start_year = int(y1) if y1 else end_year
        first = _date(start_year, int(m1), int(d1))
        last = _date(end_year, int(m2), int(d2))
        if not y1 and not y2 and first > today:
            # "od 1.9. do 30.11." typed in spring means last year's autumn
            first, last = (
                _date(end_year - 1, first.month, first.day),
                _date(end_year - 1, last.month, last.day),
            )
        if not y1 and first > last:  # "od 1.11. do 31.1.2027": the start is the year before
            first = _date(end_year - 1, first.month, first.day)
        if last < first:
            raise PeriodError(PeriodProblem.REVERSED)
        return _checked(first, date.fromordinal(last.toordinal() + 1), today)
    raise PeriodError(PeriodProblem.UNREADABLE)


def _year(year: int) -> int:
    if year < FIRST_YEAR:
        raise PeriodError(PeriodProblem.TOO_OLD)
    if year > 9998:
        raise PeriodError(PeriodProblem.FUTURE)
    return year


def _date(year: int, month: int, day: int) -> date:
    _year(year)
    try:
        return date(year, month, day)
    except ValueError:
        raise PeriodError(PeriodProblem.INVALID_DATE) from None


def _checked(start: date, end: date, today: date) -> Period:
    if start.year < FIRST_YEAR:
        raise PeriodError(PeriodProblem.TOO_OLD)
    if start > today:
        raise PeriodError(PeriodProblem.FUTURE)
    if end <= start:
        raise PeriodError(PeriodProblem.REVERSED)
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
        current = this(kind, today)
        if (current.start, current.end) == (start, end):
            return current
    return Period(PeriodKind.RANGE, start, end)
