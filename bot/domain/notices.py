"""Kinds of messages the outbox sends; each is rendered in the reader's language when sent."""

from __future__ import annotations

from enum import StrEnum


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
    STILL_SOLVED = "problem.still_solved"  # to the reporter: is it still solved?
    PROBLEM_REOPENED = "problem.reopened"  # to a coordinator: the reporter says it is back
    MINUTES = "minutes"  # to a member: the minutes as text and PDF
    MINUTES_GROUP = "minutes.group"  # to the group: the minutes are out (details privately)
    ROLE_CHANGED = "member.role"  # to the member: their role in a team changed
    NO_COORDINATOR = "team.no_coordinator"  # to an administrator: a team lost its last one
    RETENTION_NOTICE = "retention.notice"  # to a coordinator: problems anonymised in a week
