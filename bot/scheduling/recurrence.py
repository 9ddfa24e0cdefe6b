"""Wall-clock arithmetic for meetings: local times that DST skips or repeats, and series.

A series keeps its wall-clock time (Tuesday 14:00 stays 14:00 in winter and summer), so every
occurrence is computed as a local date + local time and converted to UTC on its own — never by
adding 7×24 hours to the previous occurrence in UTC.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.meetings import LAST, Recurrence, RecurrenceRule


def exists(local: datetime) -> bool:
    """Whether a naive wall-clock time exists in ``zone`` (False inside a DST gap)."""
    assert local.tzinfo is not None
    round_trip = local.astimezone(UTC).astimezone(local.tzinfo)
    return round_trip.replace(tzinfo=None) == local.replace(tzinfo=None)


def is_ambiguous(local: datetime) -> bool:
    """Whether the wall-clock time occurs twice (the hour repeated when DST ends)."""
    first = local.replace(fold=0)
    second = local.replace(fold=1)
    return exists(first) and first.utcoffset() != second.utcoffset()


def to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The moment of a wall-clock time: a time DST skips moves forward by the gap
    (02:30 on the spring night becomes 03:30), a repeated one takes its first occurrence."""
    local = datetime.combine(day, at, tzinfo=zone).replace(fold=0)
    if not exists(local):
        gap = local.replace(fold=1).utcoffset() - local.replace(fold=0).utcoffset()  # type: ignore[operator]
        local = (local.replace(tzinfo=None) + abs(gap)).replace(tzinfo=zone)
    return local.astimezone(UTC)


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The n-th (1–4) or last (``LAST``) given weekday of a month."""
    days = [
        d
        for d in calendar.Calendar().itermonthdates(year, month)
        if d.month == month and d.weekday() == weekday
    ]
    return days[-1] if nth == LAST else days[nth - 1]


def monthly_position(day: date) -> int:
    """Which occurrence of its weekday in its month a day is (1–5)."""
    return (day.day - 1) // 7 + 1


def next_date(recurrence: Recurrence, previous: date) -> date:
    """The local date of the occurrence after ``previous``."""
    if recurrence.rule is RecurrenceRule.WEEKLY:
        return previous + timedelta(weeks=recurrence.every_weeks)
    assert recurrence.nth is not None
    year, month = (
        (previous.year + 1, 1) if previous.month == 12 else (previous.year, previous.month + 1)
    )
    return nth_weekday(year, month, recurrence.weekday, recurrence.nth)


def next_occurrence(recurrence: Recurrence, previous: date, zone: ZoneInfo) -> datetime:
    return to_utc(next_date(recurrence, previous), recurrence.local_time, zone)


def rule_at(recurrence: Recurrence, local: datetime) -> Recurrence:
    """The same kind of rule, moved to ``local``'s weekday, time and (monthly) position."""
    update: dict[str, object] = {
        "weekday": local.weekday(),
        "local_time": local.time().replace(tzinfo=None, fold=0),
    }
    if recurrence.rule is RecurrenceRule.MONTHLY:
        position = monthly_position(local.date())
        update["nth"] = LAST if position == 5 else position
    return recurrence.model_copy(update=update)
