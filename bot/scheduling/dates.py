"""Reading the date and time a coordinator types for a meeting, in the Czech forms people use.

Accepted (case and diacritics optional, extra words ``v``/``ve``/``od``/``h``/``hod`` allowed):
``15.12. 14:00`` · ``15. 12. 2026 14:00`` · ``15.12.26 14.00`` · ``2026-12-15 14:00`` ·
``15. prosince 14:00`` · ``dnes/zítra/pozítří 9:30`` · ``úterý 10:00`` / ``v út v 10`` (the nearest
Tuesday, today if the time is still ahead) · ``příští úterý 10:00`` (Tuesday of next calendar
week) · ``toto úterý 10:00`` (this week's).

The parser is strict on purpose: anything left over or contradictory is refused rather than
guessed, and the caller always echoes back what was understood before saving.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

MAX_INPUT = 100
HORIZON = timedelta(days=730)
#: a date typed without a year that passed at most this long ago is taken as a mistake
RECENT_PAST = timedelta(days=31)


class DateProblem(StrEnum):
    EMPTY = "empty"
    UNREADABLE = "unreadable"
    NO_TIME = "no_time"
    NO_DATE = "no_date"
    INVALID_DATE = "invalid_date"
    INVALID_TIME = "invalid_time"
    NONEXISTENT_TIME = "nonexistent_time"  # skipped when summer time begins
    PAST = "past"
    TOO_FAR = "too_far"


class DateParseError(ValueError):
    def __init__(self, problem: DateProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class ParsedMoment:
    local: datetime  # aware, in the zone asked for
    #: the wall time occurs twice (summer time ends); the first occurrence is taken
    ambiguous: bool

    @property
    def utc(self) -> datetime:
        return self.local.astimezone(UTC)


_WEEKDAYS = {
    "pondeli": 0, "po": 0, "pon": 0,
    "utery": 1, "ut": 1, "ute": 1,
    "streda": 2, "stredu": 2, "st": 2, "str": 2,
    "ctvrtek": 3, "ct": 3, "ctv": 3,
    "patek": 4, "pa": 4, "pat": 4,
    "sobota": 5, "sobotu": 5, "so": 5, "sob": 5,
    "nedele": 6, "nedeli": 6, "ne": 6, "ned": 6,
}  # fmt: skip
_MONTHS = {
    **dict.fromkeys(("leden", "ledna", "january", "jan"), 1),
    **dict.fromkeys(("unor", "unora", "february", "feb"), 2),
    **dict.fromkeys(("brezen", "brezna", "march", "mar"), 3),
    **dict.fromkeys(("duben", "dubna", "april", "apr"), 4),
    **dict.fromkeys(("kveten", "kvetna", "may"), 5),
    **dict.fromkeys(("cerven", "cervna", "june", "jun"), 6),
    **dict.fromkeys(("cervenec", "cervence", "july", "jul"), 7),
    **dict.fromkeys(("srpen", "srpna", "august", "aug"), 8),
    **dict.fromkeys(("zari", "september", "sep", "sept"), 9),
    **dict.fromkeys(("rijen", "rijna", "october", "oct"), 10),
    **dict.fromkeys(("listopad", "listopadu", "november", "nov"), 11),
    **dict.fromkeys(("prosinec", "prosince", "december", "dec"), 12),
}
_RELATIVE = {"dnes": 0, "dneska": 0, "zitra": 1, "pozitri": 2}
_NEXT_WEEK = {"pristi", "pristim"}
_THIS_WEEK = {"tento", "toto", "tuto", "tenhle", "tuhle", "tohle", "tento tyden"}
_FILLER = {"v", "ve", "od", "na", "o", "dne", "tyden", "tydnu", "at", "on", "a"}
_HOUR_WORDS = {"h", "hod", "hodin", "hodine", "hod."}

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:t(\d{1,2}):(\d{2}))?$")
_FULL_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})?$")
_DAY_MONTH = re.compile(r"^(\d{1,2})\.(\d{1,2})$")  # 15.12 (a date) or 14.00 (a time)
_DAY_DOT = re.compile(r"^(\d{1,2})\.$")
_DAY_NUMBER = re.compile(r"^(\d{1,2})$")
_COLON_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?:h)?$")
_HOUR_H = re.compile(r"^(\d{1,2})h$")
_NUMBER = re.compile(r"^\d{1,4}$")


def _plain(text: str) -> str:
    """Lower case without diacritics; commas and extra spaces removed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = re.sub(r"[,;]", " ", plain)
    plain = re.sub(r"(\d{1,2})\.\s+(\d{1,2})\.", r"\1.\2.", plain)  # 15. 12. → 15.12.
    plain = re.sub(r"(\d{1,2}\.\d{1,2}\.)\s+(\d{4})\b", r"\1\2", plain)  # 15.12. 2026
    return re.sub(r"\s+", " ", plain).strip()


@dataclass
class _Found:
    relative: int | None = None  # days from today
    day_month: tuple[int, int, int | None] | None = None  # day, month, year (None: infer)
    weekday: int | None = None
    week: str | None = None  # "next" | "this"
    at: tuple[int, int] | None = None
    specs: int = 0  # how many day specifications were given

    def set_time(self, hour: int, minute: int) -> None:
        if self.at is not None:
            raise DateParseError(DateProblem.UNREADABLE)
        self.at = (hour, minute)


def parse_time_of_day(text: str) -> time:
    """A time of day alone: ``14:00``, ``9.30``, ``14h``, ``v 14``, ``14 hod``."""
    plain = _plain(text or "")
    if not plain:
        raise DateParseError(DateProblem.EMPTY)
    found = _Found()
    tokens = plain.split(" ")
    for index, token in enumerate(tokens):
        if token in _FILLER or token in _HOUR_WORDS:
            continue
        if match := _COLON_TIME.match(token) or _HOUR_H.match(token):
            groups = match.groups()
            found.set_time(int(groups[0]), int(groups[1]) if len(groups) > 1 else 0)
        elif match := _DAY_MONTH.match(token):
            found.set_time(int(match.group(1)), int(match.group(2)))
        elif _NUMBER.match(token) and len(token) <= 2 and _marked_hour(tokens, index):
            found.set_time(int(token), 0)
        else:
            raise DateParseError(DateProblem.UNREADABLE)
    if found.at is None:
        raise DateParseError(DateProblem.UNREADABLE)
    return _time(*found.at)


def parse_moment(text: str, now: datetime, zone: ZoneInfo) -> ParsedMoment:
    """The meeting's moment in ``zone``; raises :class:`DateParseError` with the reason."""
    if text is None or not text.strip():
        raise DateParseError(DateProblem.EMPTY)
    if len(text) > MAX_INPUT:
        raise DateParseError(DateProblem.UNREADABLE)
    found = _scan(_plain(text))
    today = now.astimezone(zone).date()
    if found.specs > 1:
        raise DateParseError(DateProblem.UNREADABLE)
    if found.specs == 0:
        raise DateParseError(DateProblem.NO_DATE if found.at else DateProblem.UNREADABLE)
    if found.at is None:
        raise DateParseError(DateProblem.NO_TIME)
    at = _time(*found.at)
    if found.day_month is not None:
        day = _explicit_day(*found.day_month, at=at, now=now, zone=zone)
    elif found.weekday is not None:
        day = _weekday(found.weekday, found.week, today, at, now, zone)
    else:
        assert found.relative is not None
        day = today + timedelta(days=found.relative)
    return _moment(day, at, now, zone)


def _scan(plain: str) -> _Found:
    found = _Found()
    tokens = plain.split(" ")
    has_colon_time = any(_COLON_TIME.match(t) for t in tokens)
    has_other_date = any(_FULL_DATE.match(t) or _ISO.match(t) for t in tokens)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        nxt = tokens[index + 1] if index + 1 < len(tokens) else ""
        if match := _ISO.match(token):
            year, month, day_, hour, minute = match.groups()
            _set_day(found, day_month=(int(day_), int(month), int(year)))
            if hour is not None:
                found.set_time(int(hour), int(minute))
        elif match := _FULL_DATE.match(token):
            day_, month, year = match.groups()
            _set_day(found, day_month=(int(day_), int(month), _year(year)))
        elif match := _DAY_MONTH.match(token):
            if has_colon_time or (not has_other_date and found.at is not None):
                _set_day(found, day_month=(int(match.group(1)), int(match.group(2)), None))
            elif has_other_date or found.specs:
                found.set_time(int(match.group(1)), int(match.group(2)))
            else:
                raise DateParseError(DateProblem.UNREADABLE)  # 15.12 or 15:12? ask again
        elif (match := _DAY_DOT.match(token) or _DAY_NUMBER.match(token)) and nxt in _MONTHS:
            year = None  # "15. prosince", "15 prosinec 2026"
            if index + 2 < len(tokens) and re.fullmatch(r"\d{4}", tokens[index + 2]):
                year = int(tokens[index + 2])
                index += 1
            _set_day(found, day_month=(int(match.group(1)), _MONTHS[nxt], year))
            index += 1
        elif match := _COLON_TIME.match(token):
            found.set_time(int(match.group(1)), int(match.group(2)))
        elif match := _HOUR_H.match(token):
            found.set_time(int(match.group(1)), 0)
        elif token in _RELATIVE:
            _set_day(found, relative=_RELATIVE[token])
        elif token in _WEEKDAYS or token.rstrip(".") in _WEEKDAYS:
            _set_day(found, weekday=_WEEKDAYS[token.rstrip(".")])
        elif token in _NEXT_WEEK:
            found.week = "next"
        elif token in _THIS_WEEK:
            found.week = "this"
        elif token in _FILLER or token in _HOUR_WORDS:
            pass
        elif (
            token.isdigit()
            and len(token) <= 2
            and (_marked_hour(tokens, index) or (found.specs and found.at is None and not nxt))
        ):
            found.set_time(int(token), 0)
        else:
            raise DateParseError(DateProblem.UNREADABLE)
        index += 1
    if found.week is not None and found.weekday is None:
        raise DateParseError(DateProblem.UNREADABLE)
    return found


def _marked_hour(tokens: list[str], index: int) -> bool:
    """A bare number is an hour when ``v``/``ve``/``od`` precede it or ``h``/``hod`` follow."""
    before = tokens[index - 1] if index > 0 else ""
    after = tokens[index + 1] if index + 1 < len(tokens) else ""
    return before in {"v", "ve", "od", "o"} or after in _HOUR_WORDS


def _set_day(
    found: _Found,
    *,
    day_month: tuple[int, int, int | None] | None = None,
    relative: int | None = None,
    weekday: int | None = None,
) -> None:
    found.specs += 1
    if day_month is not None:
        found.day_month = day_month
    if relative is not None:
        found.relative = relative
    if weekday is not None:
        found.weekday = weekday


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    return 2000 + int(text) if len(text) == 2 else int(text)


def _time(hour: int, minute: int) -> time:
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise DateParseError(DateProblem.INVALID_TIME)
    return time(hour, minute)


def _valid(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateParseError(DateProblem.INVALID_DATE) from None


def _explicit_day(
    day: int, month: int, year: int | None, *, at: time, now: datetime, zone: ZoneInfo
) -> date:
    if year is not None:
        return _valid(year, month, day)
    today = now.astimezone(zone).date()
    if not 1 <= month <= 12:
        raise DateParseError(DateProblem.INVALID_DATE)
    try:
        candidate = date(today.year, month, day)
    except ValueError:  # 29 February in a common year: maybe next year's
        candidate = _valid(today.year + 1, month, day)
        return candidate
    moment = datetime.combine(candidate, at, tzinfo=zone)
    if moment <= now and now - moment > RECENT_PAST:
        return _valid(today.year + 1, month, day)
    return candidate


def _weekday(
    weekday: int, week: str | None, today: date, at: time, now: datetime, zone: ZoneInfo
) -> date:
    monday = today - timedelta(days=today.weekday())
    if week == "next":
        return monday + timedelta(weeks=1, days=weekday)
    if week == "this":
        return monday + timedelta(days=weekday)
    ahead = (weekday - today.weekday()) % 7
    candidate = today + timedelta(days=ahead)
    if ahead == 0 and datetime.combine(candidate, at, tzinfo=zone) <= now:
        candidate += timedelta(weeks=1)
    return candidate


def _moment(day: date, at: time, now: datetime, zone: ZoneInfo) -> ParsedMoment:
    local = datetime.combine(day, at, tzinfo=zone).replace(fold=0)
    round_trip = local.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise DateParseError(DateProblem.NONEXISTENT_TIME)
    ambiguous = local.utcoffset() != local.replace(fold=1).utcoffset()
    if local <= now:
        raise DateParseError(DateProblem.PAST)
    if local - now > HORIZON:
        raise DateParseError(DateProblem.TOO_FAR)
    return ParsedMoment(local=local, ambiguous=ambiguous)
