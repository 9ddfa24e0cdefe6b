"""Calendar files (.ics) for meetings, so members get them into their phone's calendar.

The event carries the meeting's time zone (with its VTIMEZONE), a stable UID per meeting and
the meeting's SEQUENCE, so a moved or cancelled meeting replaces the entry it was imported as.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event

from bot.domain.meetings import Meeting, MeetingStatus

PRODID = "-//mdtbot//Ostrava MDT//CS"


def meeting_ics(
    meeting: Meeting, title: str, description: str, now: datetime, length: timedelta
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    cancelled = meeting.status is MeetingStatus.CANCELLED
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@mdtbot")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", now)
    event.add("dtstart", meeting.local_start)
    event.add("dtend", meeting.local_start + length)
    event.add("summary", title)
    event.add("location", meeting.place)
    event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    start = meeting.local_start
    calendar.add_missing_timezones(
        first_date=start.date() - timedelta(days=1), last_date=start.date() + timedelta(days=2)
    )
    return bytes(calendar.to_ical())


def ics_filename(meeting: Meeting) -> str:
    return f"schuzka-{meeting.local_start:%Y-%m-%d}.ics"
