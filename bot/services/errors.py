"""Errors services raise; handlers turn them into polite messages in the user's language."""

from __future__ import annotations

from enum import StrEnum


class ServiceError(Exception):
    pass


class NotAllowed(ServiceError):
    """The actor may not do this (also used for objects they may not know exist)."""


class NotMember(NotAllowed):
    """The actor belongs to no team (or no longer to the team in question)."""


class NotFound(ServiceError):
    pass


class ProblemNotFound(NotFound):
    """No such problem *for this person*: also for another team's or a confidential one, so
    that the answer does not tell whether the number exists."""

    def __init__(self, number: int) -> None:
        super().__init__(str(number))
        self.number = number


class MeetingNotFound(NotFound):
    """No such meeting for this person (also another team's)."""


class MeetingOver(ServiceError):
    """The meeting has started, was held or was cancelled: it can no longer be changed."""


class AlreadyDone(ServiceError):
    """A state change that someone else made first (e.g. a proposal decided meanwhile)."""


class BadTransition(ServiceError):
    """A status change the workflow does not allow from the current status."""


class InputProblem(StrEnum):
    EMPTY = "empty"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    DUPLICATE = "duplicate"
    LAST_COORDINATOR = "last_coordinator"
    SELF = "self"
    FEW_WORDS = "few_words"
    SAME_PROBLEM = "same_problem"
    NOT_ORIGINAL = "not_original"
    TOO_MANY_PHOTOS = "too_many_photos"
    PERSONAL_DATA = "personal_data"
    TOO_LARGE = "too_large"
    NOT_A_PHOTO = "not_a_photo"
    PAST = "past"
    TOO_FAR = "too_far"
    NOT_A_DURATION = "not_a_duration"
    NOT_A_USER_ID = "not_a_user_id"
    CONFIGURED_ADMIN = "configured_admin"
    NOT_QUIET_HOURS = "not_quiet_hours"
    TOO_MANY_REMINDERS = "too_many_reminders"
    NOT_A_DIGEST_TIME = "not_a_digest_time"  # the digest: a time of day from 7:00 to 19:59
    LAST_HEARD_TEAM = "last_heard_team"  # muting: at least one team must stay heard


class InvalidInput(ServiceError):
    def __init__(self, problem: InputProblem, *, limit: int = 0) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.limit = limit


class InviteProblem(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"
    ALREADY_MEMBER = "already_member"
    #: the person was removed from (or left) the team after this invite was made
    REMOVED = "removed"
    #: too many wrong codes lately: ``wait_minutes`` until the next try
    THROTTLED = "throttled"


class InviteUnusable(ServiceError):
    """``team_name`` only for a team the person belongs to (ALREADY_MEMBER): a refusal never
    tells a stranger which teams exist."""

    def __init__(
        self, problem: InviteProblem, team_name: str | None = None, *, wait_minutes: int = 0
    ) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.team_name = team_name
        self.wait_minutes = wait_minutes


class NoMinutes(NotFound):
    """The meeting's minutes are not finished (or were never written): no zápis yet."""
