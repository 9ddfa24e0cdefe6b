"""The weekly digest as one short message (Telegram HTML): fits a phone screen, lists capped
with "and N more"."""

from __future__ import annotations

from bot.domain.digest import CityLine, Digest, DigestProblem, DigestTask, TeamDigest
from bot.domain.meetings import Answer
from bot.domain.problems import Urgency
from bot.i18n import Translator
from bot.rendering.problems import category_name, escape, shorten

TASK_TEXT = 60


def digest_lines(t: Translator, digest: Digest, at_date: str) -> list[str]:
    lines = ["📰 <b>" + t._("Weekly digest") + "</b> · " + at_date]
    for team in digest.teams:
        if not team.empty:
            lines += ["", *_team_lines(t, team)]
    city = [line for line in digest.city if not line.empty]
    if city:
        lines += ["", "🏙 <b>" + t._("The city: open problems per team") + "</b>"]
        lines += [_city_line(t, line) for line in city]
    lines += ["", "<i>" + t._("Change the day or time, or switch it off: /settings") + "</i>"]
    return lines


def _team_lines(t: Translator, team: TeamDigest) -> list[str]:
    lines = ["👥 <b>" + escape(team.team_name) + "</b>"]
    if team.new_problems.total:
        lines.append(
            "🆕 "
            + t.n_(
                "{n} new problem this week:",
                "{n} new problems this week:",
                team.new_problems.total,
            )
        )
        lines += [_problem(t, p) for p in team.new_problems.items]
        lines += _more(t, team.new_problems.total, len(team.new_problems.items))
    if team.my_tasks.total:
        lines.append(
            "📌 " + t.n_("You have {n} open task:", "You have {n} open tasks:", team.my_tasks.total)
        )
        lines += [_task(t, task, owner=False) for task in team.my_tasks.items]
        lines += _more(t, team.my_tasks.total, len(team.my_tasks.items))
    if team.next_meeting is not None:
        meeting = team.next_meeting
        line = "📅 " + t._(
            "Next meeting: {when}, {place}",
            when=t.datetime(meeting.starts_at),
            place=escape(meeting.place),
        )
        if meeting.my_answer is None:
            line += " — " + t._("you have not answered yet (/meeting)")
        elif meeting.my_answer is Answer.NO:
            line += " — " + t._("you will not come")
        lines.append(line)
        if meeting.unanswered:
            lines.append(
                "✉ "
                + t.n_(
                    "{n} member has not answered the invitation yet",
                    "{n} members have not answered the invitation yet",
                    meeting.unanswered,
                )
            )
    if team.stale_problems.total:
        lines.append(
            "⏳ "
            + t.n_(
                "{n} problem without progress for 30 days or more:",
                "{n} problems without progress for 30 days or more:",
                team.stale_problems.total,
            )
        )
        lines += [_problem(t, p) for p in team.stale_problems.items]
        lines += _more(t, team.stale_problems.total, len(team.stale_problems.items))
    if team.overdue_tasks.total:
        lines.append(
            "⚠ "
            + t.n_(
                "{n} task past its deadline:",
                "{n} tasks past their deadline:",
                team.overdue_tasks.total,
            )
        )
        lines += [_task(t, task, owner=True) for task in team.overdue_tasks.items]
        lines += _more(t, team.overdue_tasks.total, len(team.overdue_tasks.items))
    if team.waiting_proposals:
        numbers = ", ".join(f"#{n}" for n in team.proposal_problems)
        lines.append(
            "💡 "
            + t.n_(
                "{n} proposal waits for a decision ({problems})",
                "{n} proposals wait for a decision ({problems})",
                team.waiting_proposals,
                problems=numbers,
            )
        )
    return lines


def _problem(t: Translator, problem: DigestProblem) -> str:
    text = t._(
        "#{number} {locality} — {category}",
        number=problem.id,
        locality=escape(shorten(problem.locality, 40)),
        category=category_name(t, problem.category),
    )
    if problem.urgency is Urgency.ACUTE:
        text = "🚨 " + text
    return " • " + text


def _task(t: Translator, task: DigestTask, *, owner: bool) -> str:
    text = escape(shorten(task.text, TASK_TEXT))
    deadline = t._("deadline {date}", date=t.date(task.deadline))
    if owner and task.owner_name:
        return f" • {text} — {escape(task.owner_name)}, {deadline}"
    return f" • {text} — {deadline}"


def _more(t: Translator, total: int, shown: int) -> list[str]:
    if total <= shown:
        return []
    return [" • " + t.n_("and {n} more", "and {n} more", total - shown)]


def _city_line(t: Translator, line: CityLine) -> str:
    parts = [
        t.n_("{n} open", "{n} open", line.open_problems),
        t.n_("{n} new", "{n} new", line.new_problems),
    ]
    if line.stale_problems:
        parts.append(t.n_("{n} without progress", "{n} without progress", line.stale_problems))
    if line.overdue_tasks:
        parts.append(t.n_("{n} task overdue", "{n} tasks overdue", line.overdue_tasks))
    if line.next_meeting is not None:
        parts.append(t._("meeting {date}", date=t.date(line.next_meeting)))
    return "• <b>" + escape(line.team_name) + "</b>: " + " · ".join(parts)
