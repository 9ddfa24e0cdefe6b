"""Periods for exports and statistics: this month, quarter, year, all, or typed in Czech
("2026", "Q3 2026", "3. čtvrtletí 2026", "listopad 2026", "od 1.9. do 30.11.", "1.9.–30.11.2026").

A period is a span of local calendar days (both ends included; either may be open). Typed input
is read strictly: something that looks like a period but cannot be one ("Q5 2026", "od 31.2.")
is refused with a reason (:class:`PeriodProblem`) instead of being guessed at; something that is
no period at all is :attr:`PeriodProblem.UNREADABLE`, so a caller scanning words can tell the two
apart. No I/O here: ``today`` is passed in (the local date of the caller's clock).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

MAX_LENGTH = 60
"""Longer input is refused unread: no period is written that long."""

FIRST_YEAR, LAST_YEAR = 2000, 2099
"""Years a period may name (the short callback code keeps two digits of the year)."""


class PeriodKind(StrEnum):
    ALL = "all"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    RANGE = "range"  # days typed by hand (either end may be open)


class PeriodProblem(StrEnum):
    """Why typed text is not a period; all but UNREADABLE mean "a period, written wrong"."""

    EMPTY = "empty"
    UNREADABLE = "unreadable"  # not a period at all
    BAD_QUARTER = "bad_quarter"  # "Q5 2026"
    INVALID_DATE = "invalid_date"  # "31.2.", month 13
    BAD_YEAR = "bad_year"  # outside FIRST_YEAR..LAST_YEAR
    REVERSED = "reversed"  # ends before it starts


class PeriodError(ValueError):
    problem: PeriodProblem

    def __init__(self, problem: PeriodProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem

    @property
    def recognised(self) -> bool:
        """The text was meant as a period (and is wrong), as opposed to being no period."""
        return self.problem not in (PeriodProblem.EMPTY, PeriodProblem.UNREADABLE)


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date | None = None  # first day, included; None: since the beginning
    end: date | None = None  # last day, included; None: until now

    @property
    def is_all(self) -> bool:
        return self.start is None and self.end is None

    @property
    def quarter(self) -> int:
        return (self.start.month - 1) // 3 + 1 if self.start else 0

    def contains(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def utc_bounds(self, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
        """[since, until) in UTC: local midnight of the first day, local midnight after the
        last one (so DST days count whole)."""
        since = _midnight(self.start, zone) if self.start else None
        until = _midnight(self.end + timedelta(days=1), zone) if self.end else None
        return since, until

    @property
    def code(self) -> str:
        """A short form for callback data (≤ 14 characters): ``a``, ``y2026``, ``q20263``,
        ``m202611``, ``r260901-261130`` (``r260901-`` / ``r-261130`` open-ended)."""
        match self.kind:
            case PeriodKind.ALL:
                return "a"
            case PeriodKind.YEAR:
                assert self.start is not None
                return f"y{self.start.year}"
            case PeriodKind.QUARTER:
                assert self.start is not None
                return f"q{self.start.year}{self.quarter}"
            case PeriodKind.MONTH:
                assert self.start is not None
                return f"m{self.start.year}{self.start.month:02d}"
        return "r" + _short(self.start) + "-" + _short(self.end)

    @staticmethod
    def from_code(code: str) -> Period:
        """Read :attr:`code` back; anything else raises :class:`PeriodError` (UNREADABLE)."""
        try:
            return _from_code(code)
        except (ValueError, IndexError):
            raise PeriodError(PeriodProblem.UNREADABLE) from None


def _short(day: date | None) -> str:
    return f"{day.year % 100:02d}{day.month:02d}{day.day:02d}" if day else ""


def _from_code(code: str) -> Period:
    tag, rest = code[:1], code[1:]
    if tag == "a" and not rest:
        return ALL
    if tag == "y" and re.fullmatch(r"\d{4}", rest):
        return year(_year(int(rest)))
    if tag == "q" and re.fullmatch(r"\d{5}", rest):
        return quarter(_year(int(rest[:4])), int(rest[4]))
    if tag == "m" and re.fullmatch(r"\d{6}", rest):
        return month(_year(int(rest[:4])), int(rest[4:]))
    if tag == "r" and re.fullmatch(r"(\d{6})?-(\d{6})?", rest) and rest != "-":
        first, last = rest.split("-")
        return _range(_from_short(first), _from_short(last))
    raise ValueError(code)


def _from_short(text: str) -> date | None:
    if not text:
        return None
    return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:]))


def _year(value: int) -> int:
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise PeriodError(PeriodProblem.BAD_YEAR)
    return value


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


ALL = Period(PeriodKind.ALL)


def year(value: int) -> Period:
    return Period(PeriodKind.YEAR, date(value, 1, 1), date(value, 12, 31))


def quarter(value: int, number: int) -> Period:
    if not 1 <= number <= 4:
        raise PeriodError(PeriodProblem.BAD_QUARTER)
    first = date(value, 3 * number - 2, 1)
    return Period(PeriodKind.QUARTER, first, _month_end(value, 3 * number))


def month(value: int, number: int) -> Period:
    if not 1 <= number <= 12:
        raise PeriodError(PeriodProblem.INVALID_DATE)
    return Period(PeriodKind.MONTH, date(value, number, 1), _month_end(value, number))


def _month_end(value: int, number: int) -> date:
    following = date(value + 1, 1, 1) if number == 12 else date(value, number + 1, 1)
    return following - timedelta(days=1)


def _range(start: date | None, end: date | None) -> Period:
    if start is not None and end is not None and end < start:
        raise PeriodError(PeriodProblem.REVERSED)
    return Period(PeriodKind.RANGE, start, end)


def this_month(today: date) -> Period:
    return month(today.year, today.month)


def this_quarter(today: date) -> Period:
    return quarter(today.year, (today.month - 1) // 3 + 1)


def this_year(today: date) -> Period:
    return year(today.year)


# --- typed periods ---------------------------------------------------------------------------

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "leden ledna lednu january jan",
        "unor unora unoru february feb",
        "brezen brezna breznu march mar",
        "duben dubna dubnu april apr",
        "kveten kvetna kvetnu may",
        "cerven cervna cervnu june jun",
        "cervenec cervence cervenci july jul",
        "srpen srpna srpnu august aug",
        "zari september sep sept",
        "rijen rijna rijnu october oct",
        "listopad listopadu november nov",
        "prosinec prosince prosinci december dec",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_WORDS: dict[str, str] = {
    **dict.fromkeys(("vse", "vsechno", "cele obdobi", "celkem", "all", "all time", "ever"), "a"),
    **dict.fromkeys(
        ("tento mesic", "tenhle mesic", "mesic", "this month", "month", "za mesic"), "m"
    ),
    **dict.fromkeys(("minuly mesic", "predchozi mesic", "last month"), "m-"),
    **dict.fromkeys(
        ("toto ctvrtleti", "tohle ctvrtleti", "ctvrtleti", "this quarter", "quarter"), "q"
    ),
    **dict.fromkeys(("minule ctvrtleti", "predchozi ctvrtleti", "last quarter"), "q-"),
    **dict.fromkeys(("letos", "tento rok", "rok", "this year", "year", "za rok"), "y"),
    **dict.fromkeys(("loni", "vloni", "minuly rok", "predchozi rok", "last year"), "y-"),
}

_YEAR = r"(\d{4})"
_QUARTER_FORMS = (
    re.compile(rf"^q\s?(\d+)(?:\s?[/-]?\s?{_YEAR})?$"),  # Q3 2026, q3/2026, Q3
    re.compile(rf"^(\d+)\s?q(?:\s?{_YEAR})?$"),  # 3Q 2026
    re.compile(rf"^(\d+)\.?\s?(?:ctvrtleti|quarter)(?:\s{_YEAR})?$"),  # 3. čtvrtletí 2026
)
_YEAR_ONLY = re.compile(rf"^(?:rok\s)?{_YEAR}$")
_MONTH_NUMERIC = re.compile(rf"^(\d{{1,2}})\s?/\s?{_YEAR}$|^{_YEAR}-(\d{{1,2}})$")
_MONTH_NAMED = re.compile(rf"^([a-z]+)(?:\s{_YEAR})?$")
_DAY = r"(\d{1,2})\.\s?(\d{1,2})\.(?:\s?(\d{4}))?"
_RANGE = re.compile(rf"^(?:od\s|from\s)?{_DAY}\s?(?:-|do\s|to\s|until\s)\s?{_DAY}$")
_SINCE = re.compile(rf"^(?:od|from|since)\s{_DAY}$")
_UNTIL = re.compile(rf"^(?:do|to|until)\s{_DAY}$")
_ONE_DAY = re.compile(rf"^{_DAY}$")


def normalise(text: str) -> str:
    """Lower case, no diacritics, dashes as ``-``, one space ("Září – Říjen": "zari - rijen")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = re.sub(r"[\u2010-\u2015\u2212]", "-", folded).replace(",", " ")
    folded = re.sub(r"\s*-\s*", " - ", folded)
    folded = re.sub(r"(\d)\s+-\s+(\d)", r"\1-\2", folded)  # keep 2026-11 together
    return " ".join(folded.split())


def parse_period(text: str, today: date) -> Period:
    """The period ``text`` names, relative to ``today`` (local); :class:`PeriodError` if none."""
    if len(text) > MAX_LENGTH:
        raise PeriodError(PeriodProblem.UNREADABLE)
    clean = normalise(text)
    if not clean:
        raise PeriodError(PeriodProblem.EMPTY)
    word = _WORDS.get(clean)
    if word is not None:
        return _relative(word, today)
    if m := _YEAR_ONLY.match(clean):
        return year(_year(int(m[1])))
    for form in _QUARTER_FORMS:
        if m := form.match(clean):
            number = int(m[1]) if len(m[1]) <= 2 else 0
            return quarter(_year(int(m[2])) if m[2] else today.year, number)
    if m := _MONTH_NUMERIC.match(clean):
        if m[1] is not None:
            return month(_year(int(m[2])), int(m[1]))
        return month(_year(int(m[3])), int(m[4]))
    if (m := _MONTH_NAMED.match(clean)) and m[1] in _MONTHS:
        return month(_year(int(m[2])) if m[2] else today.year, _MONTHS[m[1]])
    return _days(clean, today)


def _relative(word: str, today: date) -> Period:
    if word == "a":
        return ALL
    back = word.endswith("-")
    match word[0]:
        case "m":
            first = today.replace(day=1)
            if back:
                first = (first - timedelta(days=1)).replace(day=1)
            return month(first.year, first.month)
        case "q":
            number = (today.month - 1) // 3 + 1
            value = today.year
            if back:
                number, value = (number - 1, value) if number > 1 else (4, value - 1)
            return quarter(value, number)
    return year(today.year - 1 if back else today.year)


def _days(clean: str, today: date) -> Period:
    if m := _RANGE.match(clean):
        first, last = _typed_day(m[1], m[2], m[3]), _typed_day(m[4], m[5], m[6])
        return _resolve(first, last, today)
    if m := _SINCE.match(clean):
        return _resolve(_typed_day(m[1], m[2], m[3]), None, today)
    if m := _UNTIL.match(clean):
        return _resolve(None, _typed_day(m[1], m[2], m[3]), today)
    if m := _ONE_DAY.match(clean):
        day = _typed_day(m[1], m[2], m[3])
        return _resolve(day, day, today)
    raise PeriodError(PeriodProblem.UNREADABLE)


#: a typed day: (day, month, year or None)
_Typed = tuple[int, int, int | None]


def _typed_day(day: str, month_text: str, year_text: str | None) -> _Typed:
    typed = (int(day), int(month_text), _year(int(year_text)) if year_text else None)
    if not 1 <= typed[1] <= 12 or not 1 <= typed[0] <= 31:
        raise PeriodError(PeriodProblem.INVALID_DATE)
    _check(typed[0], typed[1], typed[2] if typed[2] is not None else 2024)  # 29.2. is a day
    return typed


def _check(day: int, month_number: int, year_value: int) -> date:
    try:
        return date(year_value, month_number, day)
    except ValueError:
        raise PeriodError(PeriodProblem.INVALID_DATE) from None


def _resolve(first: _Typed | None, last: _Typed | None, today: date) -> Period:
    """Days without a year: the end's year for the start (the year before, if that put the
    start after the end); with no year at all, the latest span starting by today."""
    start = end = None
    if first is not None and last is not None:
        if last[2] is not None:
            end = _check(last[0], last[1], last[2])
            start_year = first[2] if first[2] is not None else end.year
            start = _check(first[0], first[1], start_year)
            if first[2] is None and start > end:
                start = _check(first[0], first[1], end.year - 1)
        else:
            start_year = first[2] if first[2] is not None else today.year
            start = _check(first[0], first[1], start_year)
            if first[2] is None and start > today:
                start = _check(first[0], first[1], today.year - 1)
            end = _check(last[0], last[1], start.year)
            if end < start:
                end = _check(last[0], last[1], start.year + 1)
    elif first is not None:
        start = _check(first[0], first[1], first[2] if first[2] is not None else today.year)
        if first[2] is None and start > today:
            start = _check(first[0], first[1], today.year - 1)
    elif last is not None:
        end = _check(last[0], last[1], last[2] if last[2] is not None else today.year)
    return _range(start, end)
