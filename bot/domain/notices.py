"""Kinds of messages the outbox sends; each is rendered in the reader's language when sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class Notice(StrEnum):
    PROBLEM_NEW = "problem.new"  # to a coordinator: the whole new report
    PROBLEM_GROUP = "problem.group"  # to the team's group: number, locality, category only
    PROBLEM_STATUS = "problem.status"  # to the reporter: their problem moved on
    PROPOSAL_NEW = "proposal.new"  # to a coordinator: a solution waits for a decision
    PROPOSAL_DECIDED = "proposal.decided"  # to the proposer: accepted or rejected
    MEETING_INVITATION = "meeting.invitation"  # to a member: when, where, attendance buttons
    MEETING_CALENDAR = "meeting.ics"  # to a member: the .ics file (request or cancellation)
    MEETING_MOVED = "meeting.moved"  # to a member: new time or place, attendance buttons again
    MEETING_CANCELLED = "meeting.cancelled"  # to a member
    MEETING_GROUP = "meeting.group"  # to the group: scheduled, moved or cancelled
    MEETING_REMINDER = "meeting.reminder"  # to a member who did not decline
    MEETING_GROUP_REMINDER = "meeting.group_reminder"  # to the group
    MEMBER_UNREACHABLE = "member.unreachable"  # to a coordinator: a member blocked the bot
    AGENDA = "agenda"  # to a member: the frozen agenda as text parts and a PDF
    AGENDA_GROUP = "agenda.group"  # to the group: the same without confidential items
    TASK_NEW = "task.new"  # to the owner: a task for you
    TASK_REMINDER = "task.reminder"  # to the owner: the deadline is near
    TASK_OVERDUE = "task.overdue"  # to a coordinator: a task is past its deadline
    TASK_BLOCKED = "task.blocked"  # to a coordinator: the owner cannot go on
    TASK_TAKEN_OVER = "task.taken_over"  # to the former owner: the task went to someone else
    TASK_DEADLINE = "task.deadline"  # to the owner: the deadline was changed
    TASKS_ORPHANED = "task.orphaned"  # to a coordinator: a departed member's tasks to reassign
    STILL_SOLVED = "problem.still_solved"  # to the reporter: is it still solved?
    PROBLEM_REOPENED = "problem.reopened"  # to a coordinator: the reporter says it is back
    PROBLEM_DUPLICATE = "problem.duplicate"  # to the reporter: merged into another problem
    PROBLEM_MOVED = "problem.moved"  # to the reporter: another team handles it now
    PROBLEM_WITHDRAWN = "problem.withdrawn"  # to a coordinator: the reporter withdrew it
    MINUTES = "minutes"  # to a member: the minutes as text and PDF
    MINUTES_GROUP = "minutes.group"  # to the group: the minutes are out (details privately)
    ROLE_CHANGED = "member.role"  # to the member: their role in a team changed
    NO_COORDINATOR = "team.no_coordinator"  # to an administrator: a team lost its last one
    RETENTION_NOTICE = "retention.notice"  # to a coordinator: problems anonymised in a week
    MEMBER_JOINED = "member.joined"  # to the inviter and the coordinators: a new member
    REPLY = "reply"  # to a chat: a handler's answer Telegram did not take at once, as written
    DIGEST = "digest"  # to a person: the weekly digest of their teams (no team of its own)


class Timing(StrEnum):
    """When a notice may reach a person, given the team's quiet hours."""

    AT_ONCE = "at_once"  # meetings: invitations, changes, reminders, agendas, minutes
    MORNING = "morning"  # nudges: wait for the end of the quiet hours
    MORNING_UNLESS_ACUTE = "morning_unless_acute"  # a problem's news: acute ones go at once


#: every notice kind and its timing (a test checks that none is missing)
TIMING: dict[Notice, Timing] = {
    Notice.PROBLEM_NEW: Timing.MORNING_UNLESS_ACUTE,
    Notice.PROBLEM_GROUP: Timing.MORNING_UNLESS_ACUTE,
    Notice.PROBLEM_REOPENED: Timing.MORNING_UNLESS_ACUTE,
    Notice.PROBLEM_STATUS: Timing.MORNING,
    Notice.PROPOSAL_NEW: Timing.MORNING,
    Notice.PROPOSAL_DECIDED: Timing.MORNING,
    Notice.STILL_SOLVED: Timing.MORNING,
    Notice.TASK_NEW: Timing.MORNING,
    Notice.TASK_REMINDER: Timing.MORNING,
    Notice.TASK_OVERDUE: Timing.MORNING,
    Notice.TASK_BLOCKED: Timing.MORNING,
    Notice.TASK_TAKEN_OVER: Timing.MORNING,
    Notice.TASK_DEADLINE: Timing.MORNING,
    Notice.TASKS_ORPHANED: Timing.MORNING,
    Notice.MEMBER_UNREACHABLE: Timing.MORNING,
    Notice.PROBLEM_DUPLICATE: Timing.MORNING,
    Notice.PROBLEM_MOVED: Timing.MORNING,
    Notice.PROBLEM_WITHDRAWN: Timing.MORNING,
    Notice.ROLE_CHANGED: Timing.AT_ONCE,
    Notice.NO_COORDINATOR: Timing.AT_ONCE,
    Notice.RETENTION_NOTICE: Timing.MORNING,
    Notice.REPLY: Timing.AT_ONCE,
    Notice.MEMBER_JOINED: Timing.MORNING,
    Notice.MEETING_INVITATION: Timing.AT_ONCE,
    Notice.MEETING_CALENDAR: Timing.AT_ONCE,
    Notice.MEETING_MOVED: Timing.AT_ONCE,
    Notice.MEETING_CANCELLED: Timing.AT_ONCE,
    Notice.MEETING_GROUP: Timing.AT_ONCE,
    Notice.MEETING_REMINDER: Timing.AT_ONCE,
    Notice.MEETING_GROUP_REMINDER: Timing.AT_ONCE,
    Notice.AGENDA: Timing.AT_ONCE,
    Notice.AGENDA_GROUP: Timing.AT_ONCE,
    Notice.MINUTES: Timing.AT_ONCE,
    Notice.MINUTES_GROUP: Timing.AT_ONCE,
    # a person's own hour (7:00–19:59); sent late after a night the bot was down: morning
    Notice.DIGEST: Timing.MORNING,
}

#: Muting a team (``/settings``, for a person in several teams) silences every notice to that
#: person about that team's work — new and reopened problems, status changes, proposals and
#: decisions, tasks, members, retention — except these, which always go: everything about the
#: meetings the person is invited to (invitation, calendar file, change, cancellation,
#: reminder, agenda, minutes) and a change of their own role. Notices to a group chat and the
#: digest (which leaves muted teams out itself) are not muted. The outbox renderer applies this
#: at sending time, so a notice queued before the team was muted is not sent either.
NEVER_MUTED: frozenset[Notice] = frozenset(
    {
        Notice.MEETING_INVITATION,
        Notice.MEETING_CALENDAR,
        Notice.MEETING_MOVED,
        Notice.MEETING_CANCELLED,
        Notice.MEETING_REMINDER,
        Notice.AGENDA,
        Notice.MINUTES,
        Notice.ROLE_CHANGED,
        Notice.REPLY,
        Notice.DIGEST,
        Notice.PROBLEM_GROUP,
        Notice.MEETING_GROUP,
        Notice.MEETING_GROUP_REMINDER,
        Notice.AGENDA_GROUP,
        Notice.MINUTES_GROUP,
    }
)


def mutable(notice: Notice) -> bool:
    """Whether a person who muted a team no longer gets this notice about it."""
    return notice not in NEVER_MUTED


@dataclass(frozen=True)
class QuietHours:
    """A team's night, in local time: from ``start`` until ``end`` (``start`` > ``end``
    crosses midnight, e.g. 20:00–7:00)."""

    start: time
    end: time

    def morning_after(self, moment: datetime, zone: ZoneInfo) -> datetime | None:
        """The end of the quiet hours ``moment`` falls in (UTC), or None outside them."""
        local = moment.astimezone(zone)
        now = local.time().replace(tzinfo=None)
        day = local.date()
        if self.start > self.end:  # over midnight
            if now >= self.start:
                day += timedelta(days=1)
            elif now >= self.end:
                return None
        elif not self.start <= now < self.end:
            return None
        # wall time in the zone; a morning the clocks skip is read in the offset before
        return datetime.combine(day, self.end, tzinfo=zone).astimezone(UTC)


DEFAULT_QUIET_HOURS = QuietHours(time(20, 0), time(7, 0))
