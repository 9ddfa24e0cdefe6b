"""Meeting texts (Telegram HTML): when and where, recurrence, attendance."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.meetings import (
    LAST,
    Answer,
    AttendanceLine,
    Meeting,
    MeetingSettings,
    Recurrence,
    RecurrenceRule,
)
from bot.i18n import N_, Translator
from bot.rendering.problems import escape
from bot.scheduling.dates import DateProblem

#: "on Monday"… as the phrase reads after "every week" (Czech declines and picks v/ve)
_ON_WEEKDAY = (
    N_("on Monday"),
    N_("on Tuesday"),
    N_("on Wednesday"),
    N_("on Thursday"),
    N_("on Friday"),
    N_("on Saturday"),
    N_("on Sunday"),
)


def recurrence_text(t: Translator, recurrence: Recurrence | None) -> str:
    if recurrence is None:
        return t._("one-off")
    weekday = t.weekday(recurrence.weekday)
    if recurrence.rule is RecurrenceRule.WEEKLY:
        on_weekday = t._(_ON_WEEKDAY[recurrence.weekday])
        if recurrence.every_weeks == 1:
            return t._("every week {on_weekday}", on_weekday=on_weekday)
        return t.n_(
            "every {n} week {on_weekday}",
            "every {n} weeks {on_weekday}",
            recurrence.every_weeks,
            on_weekday=on_weekday,
        )
    if recurrence.nth == LAST:
        return t._("monthly, the last {weekday} of the month", weekday=weekday)
    return t._("monthly, the {nth}. {weekday} of the month", nth=recurrence.nth, weekday=weekday)


def answer_label(t: Translator, answer: Answer | None) -> str:
    match answer:
        case Answer.YES:
            return t._("I will come")
        case Answer.NO:
            return t._("I will not come")
        case Answer.MAYBE:
            return t._("Maybe")
    return t._("no answer yet")


def when_where(t: Translator, meeting: Meeting, team_name: str) -> list[str]:
    return [
        "🗓 <b>" + t.datetime(meeting.starts_at) + "</b>",
        "📍 " + escape(meeting.place),
        "👥 " + t._("Team {team}", team=escape(team_name)),
    ]


def meeting_button_label(t: Translator, meeting: Meeting) -> str:
    place = meeting.place if len(meeting.place) <= 24 else meeting.place[:23] + "…"
    return f"{t.short_datetime(meeting.starts_at)} · {place}"


def attendance_text(t: Translator, lines: list[AttendanceLine]) -> list[str]:
    groups: dict[Answer | None, list[str]] = {a: [] for a in (*Answer, None)}
    for line in lines:
        label = escape(line.display_name)
        if line.org_name:
            label += f" ({escape(line.org_name)})"
        groups[line.answer].append(label)
    out = []
    for answer, icon in ((Answer.YES, "✅"), (Answer.MAYBE, "❔"), (Answer.NO, "❌"), (None, "…")):
        names = groups[answer]
        out.append(f"{icon} <b>{capitalised(answer_label(t, answer))}</b> ({len(names)})")
        out.extend("  • " + name for name in names)
    return out


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def date_problem_text(t: Translator, problem: DateProblem) -> str:
    match problem:
        case DateProblem.EMPTY | DateProblem.UNREADABLE:
            return t._(
                "I could not read that date. Please write it e.g. as <i>15.12. 14:00</i> "
                "or <i>příští úterý 10:00</i>."
            )
        case DateProblem.NO_TIME:
            return t._("Please add the time too, e.g. <i>15.12. 14:00</i>.")
        case DateProblem.NO_DATE:
            return t._("Please add the day too, e.g. <i>zítra 14:00</i>.")
        case DateProblem.INVALID_DATE:
            return t._("That day does not exist in the calendar. Please check the date.")
        case DateProblem.INVALID_TIME:
            return t._("That time does not exist. Please write it as hours:minutes, e.g. 14:00.")
        case DateProblem.NONEXISTENT_TIME:
            return t._(
                "That night the clocks go forward from 2:00 to 3:00, so this time does not "
                "exist. Please pick another time."
            )
        case DateProblem.PAST:
            return t._("That moment has already passed. Please give a time in the future.")
        case DateProblem.TOO_FAR:
            return t._("That is too far ahead: at most two years, please.")
    return t._("Please check the date.")


def duration_text(t: Translator, value: timedelta) -> str:
    """Written out, in the form that follows a number in "… předem" / "… po vyřešení":
    ``3 dny``, ``48 hodin``, ``1 hodinu 30 minut`` (whole days from three days up)."""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days >= 3 and not rest:
        return t.n_("{n} day", "{n} days", days)
    hours += days * 24
    if hours:
        parts.append(t.n_("{n} hour", "{n} hours", hours))
    if mins or not parts:
        parts.append(t.n_("{n} minute", "{n} minutes", mins))
    return " ".join(parts)


def timing_lines(t: Translator, settings: MeetingSettings) -> list[str]:
    reminders = ", ".join(duration_text(t, r) for r in settings.reminders) or "—"
    return [
        t._("Reminders before a meeting: {offsets}", offsets=reminders),
        t._(
            "The agenda is frozen and sent {lead} before.",
            lead=duration_text(t, settings.agenda_lead),
        ),
        t._(
            "Invitations to the meetings of a series go out {lead} before each.",
            lead=duration_text(t, settings.invitation_lead),
        ),
        t._(
            "Reporters are asked whether a solved problem still is after {after}.",
            after=duration_text(t, settings.still_solved_after),
        ),
    ]
