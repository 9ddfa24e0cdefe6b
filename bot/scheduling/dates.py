"""Strict parsing of the date and time a coordinator types when scheduling a meeting.

A wrong guess sends a whole team to the wrong place on the wrong day, while asking again costs
one message. So anything that is not clearly one day and one time of day is refused with a
reason (:class:`DateProblem`) the bot can explain, instead of being guessed at.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum, StrEnum
from zoneinfo import ZoneInfo

MAX_LENGTH = 100
"""Longer input is refused unread: no real answer is that long, and it bounds the work."""

HORIZON = timedelta(days=730)
"""Meetings more than two years ahead are almost certainly a typo in the year."""

RECENT_PAST = timedelta(days=31)
"""A yearless date this far in the past was probably mistyped; further back it means next year."""


class DateProblem(StrEnum):
    """Why the input was refused; each has its own explanation for the user."""

    EMPTY = "empty"
    UNREADABLE = "unreadable"
    NO_TIME = "no_time"
    NO_DATE = "no_date"
    INVALID_DATE = "invalid_date"
    INVALID_TIME = "invalid_time"
    NONEXISTENT_TIME = "nonexistent_time"
    PAST = "past"
    TOO_FAR = "too_far"


class DateParseError(ValueError):
    """The input does not name one clear future moment."""

    problem: DateProblem

    def __init__(self, problem: DateProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class ParsedMoment:
    """A moment in the meeting's zone.

    ``ambiguous`` marks a wall time that occurs twice (the hour repeated when summer time
    ends); ``local`` is then its first occurrence (``fold=0``), which the bot can point out.
    """

    local: datetime
    ambiguous: bool

    @property
    def utc(self) -> datetime:
        return self.local.astimezone(UTC)


# ---------------------------------------------------------------------------------------------
# Vocabulary (lower case, without diacritics: input is folded the same way)

_MONTHS: dict[str, int] = {
    "leden": 1, "ledna": 1, "january": 1, "jan": 1,
    "unor": 2, "unora": 2, "february": 2, "feb": 2,
    "brezen": 3, "brezna": 3, "march": 3, "mar": 3,
    "duben": 4, "dubna": 4, "april": 4, "apr": 4,
    "kveten": 5, "kvetna": 5, "may": 5,
    "cerven": 6, "cervna": 6, "june": 6, "jun": 6,
    "cervenec": 7, "cervence": 7, "july": 7, "jul": 7,
    "srpen": 8, "srpna": 8, "august": 8, "aug": 8,
    "zari": 9, "september": 9, "sep": 9, "sept": 9,
    "rijen": 10, "rijna": 10, "october": 10, "oct": 10,
    "listopad": 11, "listopadu": 11, "november": 11, "nov": 11,
    "prosinec": 12, "prosince": 12, "december": 12, "dec": 12,
}  # fmt: skip

_WEEKDAYS: dict[str, int] = {
    "po": 0, "pon": 0, "pondeli": 0,
    "ut": 1, "ute": 1, "utery": 1,
    "st": 2, "str": 2, "streda": 2, "stredu": 2, "stredy": 2,
    "ct": 3, "ctv": 3, "ctvrtek": 3, "ctvrtka": 3,
    "pa": 4, "pat": 4, "patek": 4, "patku": 4,
    "so": 5, "sob": 5, "sobota": 5, "sobotu": 5, "soboty": 5,
    "ne": 6, "ned": 6, "nedele": 6, "nedeli": 6,
}  # fmt: skip

_RELATIVE_DAYS = {"dnes": 0, "dneska": 0, "zitra": 1, "pozitri": 2}
_FILLERS = frozenset({"v", "ve", "od", "na", "dne"})
_HOUR_FILLERS = frozenset({"v", "ve", "od"})
_WEEK_WORDS = frozenset({"tyden", "tydnu"})  # "příští týden", "v příštím týdnu"

# A part of the day only confirms a 24-hour time ("14:00 odpoledne"); it never shifts one, so
# "2 odpoledne" is refused instead of being turned into 14:00.
_DAY_PARTS: dict[str, range] = {
    "rano": range(4, 12),
    "dopoledne": range(6, 12),
    "poledne": range(11, 14),
    "odpoledne": range(12, 19),
    "vecer": range(17, 24),
}


class _Week(Enum):
    NEAREST = "nearest"  # "úterý": the next Tuesday whose time is still ahead, maybe today
    THIS = "this"  # "tento úterý": this calendar week's, even if already past
    NEXT = "next"  # "příští úterý": the next calendar week's


_MODIFIERS: dict[str, _Week] = {
    **dict.fromkeys(("pristi", "pristim"), _Week.NEXT),
    **dict.fromkeys(("tento", "toto", "tuto", "tenhle", "tuhle", "tohle"), _Week.THIS),
}


# ---------------------------------------------------------------------------------------------
# Tokens


@dataclass(frozen=True)
class _CalendarDate:
    day: int
    month: int
    year: int | None


@dataclass(frozen=True)
class _Clock:
    hour: int
    minute: int


@dataclass(frozen=True)
class _Dotted:
    """ "15.12" or "14.00": a date or a time, decided by what else was typed."""

    left: int
    right: int


@dataclass(frozen=True)
class _Number:
    """A bare number: an hour ("15.12. 14"). ``marked`` when after "v"/"ve"/"od"."""

    value: int
    marked: bool


@dataclass(frozen=True)
class _RelativeDay:
    offset: int


@dataclass(frozen=True)
class _Weekday:
    weekday: int
    week: _Week


@dataclass(frozen=True)
class _Modifier:
    week: _Week


@dataclass(frozen=True)
class _WeekWord:
    pass


@dataclass(frozen=True)
class _Filler:
    word: str


@dataclass(frozen=True)
class _DayPart:
    hours: range


_Token = (
    _CalendarDate
    | _Clock
    | _Dotted
    | _Number
    | _RelativeDay
    | _Weekday
    | _Modifier
    | _WeekWord
    | _Filler
    | _DayPart
)

_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MARKER = r"\s*(?:hodin[ay]?|hod|h)\b\.?"
_YEAR_DOT = r"(?:\.(?!\d))?"

_ISO_T = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})t(?=\d)")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?![\d-])")
_NAMED = re.compile(rf"(\d{{1,2}})\s*\.?\s*({_MONTH_NAMES})\b(?:\s*(\d{{4}})(?![\d:]){_YEAR_DOT})?")
_FULL_YEAR = re.compile(rf"(\d{{1,2}})\s*\.\s*(\d{{1,2}})\s*\.\s*(\d{{4}})(?![\d:]){_YEAR_DOT}")
# "15.12.26" only written together: "15.12. 14" is a date and an hour.
_SHORT_YEAR = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{2})(?![\d:.])")
_DAY_MONTH_DOT = re.compile(r"(\d{1,2})\s*\.\s*(\d{1,2})\s*\.(?!\d)")
_CLOCK = re.compile(rf"(\d{{1,2}}):(\d{{2}})(?!\d)(?:{_MARKER})?")
_DOTTED = re.compile(rf"(\d{{1,2}})\.(\d{{2}})(?![\d.])({_MARKER})?")
_DAY_MONTH = re.compile(r"(\d{1,2})\s*\.\s*(\d{1,2})(?![\d.:])")
_HOUR = re.compile(rf"(\d{{1,2}}){_MARKER}")
_NUMBER = re.compile(r"\d+")
_WORD = re.compile(r"[a-z]+\.?")


def _unreadable() -> DateParseError:
    return DateParseError(DateProblem.UNREADABLE)


def _normalise(text: str) -> str:
    """Lower case without diacritics ("Příští" → "pristi"), commas as spaces, one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = _ISO_T.sub(r"\1 ", folded.replace(",", " "))
    return " ".join(folded.split())


def _word(word: str) -> _Token:
    word = word.removesuffix(".")
    if word in _FILLERS:
        return _Filler(word)
    if word in _RELATIVE_DAYS:
        return _RelativeDay(_RELATIVE_DAYS[word])
    if word in _WEEKDAYS:
        return _Weekday(_WEEKDAYS[word], _Week.NEAREST)
    if word in _MODIFIERS:
        return _Modifier(_MODIFIERS[word])
    if word in _WEEK_WORDS:
        return _WeekWord()
    if word in _DAY_PARTS:
        return _DayPart(_DAY_PARTS[word])
    raise _unreadable()


def _tokenise(text: str) -> list[_Token]:
    """Split normalised text into tokens; any character or word we do not know is refused."""
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        if text[pos] == " ":
            pos += 1
            continue
        token: _Token
        if m := _ISO.match(text, pos):
            token = _CalendarDate(int(m[3]), int(m[2]), int(m[1]))
        elif m := _NAMED.match(text, pos):
            year = int(m[3]) if m[3] else None
            token = _CalendarDate(int(m[1]), _MONTHS[m[2]], year)
        elif m := _FULL_YEAR.match(text, pos):
            token = _CalendarDate(int(m[1]), int(m[2]), int(m[3]))
        elif m := _SHORT_YEAR.match(text, pos):
            token = _CalendarDate(int(m[1]), int(m[2]), 2000 + int(m[3]))
        elif m := _DAY_MONTH_DOT.match(text, pos):
            token = _CalendarDate(int(m[1]), int(m[2]), None)
        elif m := _CLOCK.match(text, pos):
            token = _Clock(int(m[1]), int(m[2]))
        elif m := _DOTTED.match(text, pos):
            left, right = int(m[1]), int(m[2])
            token = _Clock(left, right) if m[3] else _Dotted(left, right)
        elif m := _DAY_MONTH.match(text, pos):
            token = _CalendarDate(int(m[1]), int(m[2]), None)
        elif m := _HOUR.match(text, pos):
            token = _Clock(int(m[1]), 0)
        elif m := _NUMBER.match(text, pos):
            if len(m[0]) > 2:
                raise _unreadable()
            previous = tokens[-1] if tokens else None
            marked = isinstance(previous, _Filler) and previous.word in _HOUR_FILLERS
            token = _Number(int(m[0]), marked)
        elif m := _WORD.match(text, pos):
            token = _word(m[0])
        else:
            raise _unreadable()
        tokens.append(token)
        pos = m.end()
    return tokens


def _attach_modifiers(tokens: list[_Token]) -> list[_Token]:
    """Drop fillers and join "příští [týden] úterý" / "úterý příští týden" into one weekday.

    A modifier that does not end up on a weekday ("příští 10:00") is refused.
    """
    items = [t for t in tokens if not isinstance(t, _Filler)]
    result: list[_Token] = []
    i = 0
    while i < len(items):
        item = items[i]
        i += 1
        if isinstance(item, _WeekWord):
            raise _unreadable()
        if not isinstance(item, _Modifier):
            result.append(item)
            continue
        has_week = i < len(items) and isinstance(items[i], _WeekWord)
        i += has_week
        following = items[i] if i < len(items) else None
        previous = result[-1] if result else None
        if isinstance(following, _Weekday) and following.week is _Week.NEAREST:
            result.append(_Weekday(following.weekday, item.week))
            i += 1
        elif has_week and isinstance(previous, _Weekday) and previous.week is _Week.NEAREST:
            result[-1] = _Weekday(previous.weekday, item.week)
        else:
            raise _unreadable()
    return result


# ---------------------------------------------------------------------------------------------
# Structure: exactly one day and one time of day


def _plausible_date(day: int, month: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(2000, month)[1]


def _plausible_time(hour: int, minute: int) -> bool:
    return hour <= 23 and minute <= 59


_Day = _CalendarDate | _RelativeDay | _Weekday


@dataclass(frozen=True)
class _Parts:
    day: _Day | None
    clock: _Clock | None
    check_weekday: int | None  # "út 15.12.": the weekday the date must fall on
    day_part: _DayPart | None


def _resolve_dotted(
    dotted: list[_Dotted], has_day: bool, has_time: bool
) -> tuple[list[_CalendarDate], list[_Clock]]:
    """Decide whether each "a.b" is a date or a time from the rest of the input.

    With nothing else to go by, the one reading that makes sense wins; if both do
    ("10.11 11.10"), the input is refused.
    """
    if not dotted:
        return [], []
    if len(dotted) == 1:
        (only,) = dotted
        as_date = _CalendarDate(only.left, only.right, None)
        as_clock = _Clock(only.left, only.right)
        if has_day:
            return [], [as_clock]
        if has_time:
            return [as_date], []
        # Alone, it is refused unless only one reading makes sense ("14.00" is no date).
        could_be_date = _plausible_date(only.left, only.right)
        if could_be_date == _plausible_time(only.left, only.right):
            raise _unreadable()
        return ([as_date], []) if could_be_date else ([], [as_clock])
    if len(dotted) > 2 or has_day or has_time:
        raise _unreadable()
    readings = [
        (first, second)
        for first, second in (dotted, dotted[::-1])
        if _plausible_date(first.left, first.right) and _plausible_time(second.left, second.right)
    ]
    if len(readings) != 1:
        raise _unreadable()
    ((day, clock),) = readings
    return [_CalendarDate(day.left, day.right, None)], [_Clock(clock.left, clock.right)]


def _structure(tokens: list[_Token]) -> _Parts:
    """Sort tokens into one day and one time; two of either, or stray pieces, are refused."""
    items = _attach_modifiers(tokens)
    dates = [t for t in items if isinstance(t, _CalendarDate)]
    others: list[_Day] = [t for t in items if isinstance(t, _RelativeDay)]
    others += [t for t in items if isinstance(t, _Weekday) and t.week is not _Week.NEAREST]
    plain = [t for t in items if isinstance(t, _Weekday) and t.week is _Week.NEAREST]
    clocks = [t for t in items if isinstance(t, _Clock)]
    numbers = [t for t in items if isinstance(t, _Number)]
    day_parts = [t for t in items if isinstance(t, _DayPart)]
    dotted = [t for t in items if isinstance(t, _Dotted)]

    more_dates, more_clocks = _resolve_dotted(
        dotted, has_day=bool(dates or others or plain), has_time=bool(clocks or numbers)
    )
    dates += more_dates
    clocks += more_clocks

    if numbers:
        if clocks or len(numbers) > 1:
            raise _unreadable()
        (number,) = numbers
        if number.value > 23 and not number.marked:
            raise _unreadable()
        clocks.append(_Clock(number.value, 0))

    days: list[_Day] = [*dates, *others]
    if len(days) > 1 or len(plain) > 1 or len(clocks) > 1 or len(day_parts) > 1:
        raise _unreadable()
    check_weekday: int | None = None
    day: _Day | None = days[0] if days else None
    if plain:
        if day is None:
            day = plain[0]
        elif isinstance(day, _CalendarDate):
            check_weekday = plain[0].weekday
        else:
            raise _unreadable()
    return _Parts(
        day=day,
        clock=clocks[0] if clocks else None,
        check_weekday=check_weekday,
        day_part=day_parts[0] if day_parts else None,
    )


def _read(text: str) -> list[_Token]:
    stripped = text.strip()
    if not stripped:
        raise DateParseError(DateProblem.EMPTY)
    if len(stripped) > MAX_LENGTH:
        raise _unreadable()
    return _tokenise(_normalise(stripped))


def _time_of(clock: _Clock, day_part: _DayPart | None) -> time:
    if not _plausible_time(clock.hour, clock.minute):
        raise DateParseError(DateProblem.INVALID_TIME)
    if day_part is not None and clock.hour not in day_part.hours:
        raise _unreadable()
    return time(clock.hour, clock.minute)


# ---------------------------------------------------------------------------------------------
# Public API


def parse_time_of_day(text: str) -> time:
    """A time of day alone ("14:00", "9.30", "v 14", "14 h"), e.g. for a series' time.

    A bare number ("14") is refused here: without a date next to it, it may as well be a day.
    """
    items = _attach_modifiers(_read(text))
    clocks: list[_Clock] = []
    day_parts: list[_DayPart] = []
    for item in items:
        if isinstance(item, _Clock):
            clocks.append(item)
        elif isinstance(item, _Dotted):
            clocks.append(_Clock(item.left, item.right))
        elif isinstance(item, _Number) and item.marked:
            clocks.append(_Clock(item.value, 0))
        elif isinstance(item, _DayPart):
            day_parts.append(item)
        else:
            raise _unreadable()
    if len(clocks) != 1 or len(day_parts) > 1:
        raise _unreadable()
    return _time_of(clocks[0], day_parts[0] if day_parts else None)


def parse_moment(text: str, now: datetime, zone: ZoneInfo) -> ParsedMoment:
    """The future moment a coordinator typed, as a wall time in ``zone``.

    ``now`` is an aware datetime (any zone); "today", weekdays and missing years are
    reckoned from it as seen in ``zone``.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    parts = _structure(_read(text))
    day = parts.day
    if isinstance(day, _CalendarDate):
        _check_date(day)
    at = _time_of(parts.clock, parts.day_part) if parts.clock is not None else None
    if day is None and at is None:
        raise _unreadable()
    if day is None:
        raise DateParseError(DateProblem.NO_DATE)
    if at is None:
        raise DateParseError(DateProblem.NO_TIME)

    now_utc = now.astimezone(UTC)
    on = _resolve_day(day, at, now_utc, zone)
    if parts.check_weekday is not None and on.weekday() != parts.check_weekday:
        raise _unreadable()
    if on.year < now_utc.year - 1:  # also keeps "1.1.0001" from overflowing in UTC
        raise DateParseError(DateProblem.PAST)

    local = datetime.combine(on, at, tzinfo=zone)
    if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise DateParseError(DateProblem.NONEXISTENT_TIME)
    ambiguous = local.replace(fold=1).utcoffset() != local.utcoffset()
    moment = local.astimezone(UTC)
    if moment <= now_utc:
        raise DateParseError(DateProblem.PAST)
    if moment - now_utc > HORIZON:
        raise DateParseError(DateProblem.TOO_FAR)
    return ParsedMoment(local=local, ambiguous=ambiguous)


#: a deadline typed without a time of day means the end of that working day
END_OF_WORKDAY = "16:00"
_NUMBER_WORDS = {
    "jeden": 1, "jednu": 1, "jedno": 1, "dva": 2, "dve": 2, "tri": 3, "ctyri": 4, "pet": 5,
    "sest": 6, "sedm": 7, "osm": 8, "devet": 9, "deset": 10, "ctrnact": 14,
}  # fmt: skip
#: "za 14 dní", "za týden", "za 3 dny", "za dva týdny" (and a time after it, if any)
_IN_DAYS = re.compile(r"za (?:(\d{1,3}|[a-z]+) )?(den|dny|dni|dnu|tyden|tydny|tydnu)(?: (.+))?")
#: "konec měsíce", "do konce měsíce", "koncem měsíce" (and a time after it, if any)
_MONTH_END = re.compile(r"(?:konec|konce|koncem) (?:tohoto )?mesice(?: (.+))?")
#: "do pátku", "do 4.12.", "nejpozději zítra": the words before the day say nothing more
_BY = re.compile(r"(?:do|nejpozdeji)\s+")


def parse_deadline(text: str, now: datetime, zone: ZoneInfo) -> ParsedMoment:
    """Like :func:`parse_moment`, but a day alone (``15.12.``, ``do pátku``) means by the end
    of that working day, 16:00; also ``za 14 dní``, ``za týden`` and ``do konce měsíce``."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    if len(text.strip()) > MAX_LENGTH:
        raise _unreadable()
    folded = _normalise(text)
    while m := _BY.match(folded):
        folded = folded[m.end() :]
    today = now.astimezone(zone).date()
    if m := _IN_DAYS.fullmatch(folded):
        count = _count(m[1])
        days = count * (7 if m[2].startswith("tyd") else 1)
        if days > HORIZON.days:
            raise DateParseError(DateProblem.TOO_FAR)
        return _on_day(today + timedelta(days=days), m[3], now, zone)
    if m := _MONTH_END.fullmatch(folded):
        month_end = _last_day(today)
        try:
            return _on_day(month_end, m[1], now, zone)
        except DateParseError as error:
            if error.problem is not DateProblem.PAST:
                raise
            return _on_day(_last_day(month_end + timedelta(days=1)), m[1], now, zone)
    try:
        return parse_moment(folded, now, zone)
    except DateParseError as error:
        if error.problem is not DateProblem.NO_TIME:
            raise
        return parse_moment(f"{folded} {END_OF_WORKDAY}", now, zone)


def _count(word: str | None) -> int:
    if word is None:
        return 1
    count = int(word) if word.isdigit() else _NUMBER_WORDS.get(word)
    if count is None or count < 1:
        raise _unreadable()
    return count


def _last_day(day: date) -> date:
    next_month = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return next_month - timedelta(days=1)


def _on_day(on: date, at: str | None, now: datetime, zone: ZoneInfo) -> ParsedMoment:
    """The given day at the time typed after it (16:00 if none), with parse_moment's checks."""
    return parse_moment(f"{on.day}.{on.month}.{on.year} {at or END_OF_WORKDAY}", now, zone)


def _check_date(day: _CalendarDate) -> None:
    """Refuse dates no year has (31.2., 32.1., month 13) or, with a year, this one lacks."""
    if day.year is None:
        valid = _plausible_date(day.day, day.month)
    else:
        try:
            date(day.year, day.month, day.day)
        except ValueError:
            valid = False
        else:
            valid = True
    if not valid:
        raise DateParseError(DateProblem.INVALID_DATE)


def _utc(on: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(on, at, tzinfo=zone).astimezone(UTC)


def _resolve_day(day: _Day, at: time, now_utc: datetime, zone: ZoneInfo) -> date:
    today = now_utc.astimezone(zone).date()
    if isinstance(day, _RelativeDay):
        return today + timedelta(days=day.offset)
    if isinstance(day, _Weekday):
        monday = today - timedelta(days=today.weekday())
        if day.week is _Week.THIS:
            return monday + timedelta(days=day.weekday)
        if day.week is _Week.NEXT:
            return monday + timedelta(days=7 + day.weekday)
        on = today + timedelta(days=(day.weekday - today.weekday()) % 7)
        if _utc(on, at, zone) <= now_utc:
            on += timedelta(days=7)
        return on
    year = day.year
    if year is None:
        # This year's date unless it passed more than RECENT_PAST ago. A 29 February this
        # year lacks is measured as 1 March for this decision only.
        year = today.year
        probe = date(year, day.month, 1) + timedelta(days=day.day - 1)
        if now_utc - _utc(probe, at, zone) > RECENT_PAST:
            year += 1
    try:
        return date(year, day.month, day.day)
    except ValueError:
        raise DateParseError(DateProblem.INVALID_DATE) from None
