"""Meeting texts (Telegram HTML): when and where, recurrence, attendance."""

from __future__ import annotations

from bot.domain.meetings import LAST, Answer, AttendanceLine, Meeting, Recurrence, RecurrenceRule
from bot.i18n import N_, Translator
from bot.rendering.problems import escape

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
