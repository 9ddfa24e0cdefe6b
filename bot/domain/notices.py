"""Kinds of messages the outbox sends; each is rendered in the reader's language when sent."""

from __future__ import annotations

from enum import StrEnum


class Notice(StrEnum):
    PROBLEM_NEW = "problem.new"  # to a coordinator: the whole new report
    PROBLEM_GROUP = "problem.group"  # to the team's group: number, locality, category only
    PROBLEM_STATUS = "problem.status"  # to the reporter: their problem moved on
    PROPOSAL_NEW = "proposal.new"  # to a coordinator: a solution waits for a decision
    PROPOSAL_DECIDED = "proposal.decided"  # to the proposer: accepted or rejected
