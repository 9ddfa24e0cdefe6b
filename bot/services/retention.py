"""Retention: the content of problems final for longer than the retention is anonymised, the
guests of old meetings removed, and old audit entries deleted.

Every team has one retention round waiting in ``due_work`` (kind ``retention.sweep``): made
when the team is created and at start-up for any team without one; each round schedules the
next a day later. A round, in the due-work runner's single transaction (so a restart neither
loses nor repeats it):

1. tells the coordinators which problems will be anonymised in a week (numbers and headlines,
   never texts), and marks them told;
2. anonymises the problems past the retention that were told about at least a week ago and are
   still final (reopening one in that week cancels it; closing it again starts afresh);
3. removes the guests of the team's meetings older than the retention;
4. deletes audit entries older than the audit retention.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.domain.meetings import DueKind, DueOutcome, DueWork
from bot.domain.notices import Notice
from bot.domain.problems import FINAL_STATUSES, Problem
from bot.scheduling.clock import Clock
from bot.services import authz, notify
from bot.services.authz import Action, Actor
from bot.services.base import Service
from bot.services.errors import ServiceError
from bot.storage.db import Database
from bot.storage.repos import Repos

log = logging.getLogger(__name__)

#: how long before the anonymisation the coordinators are told
NOTICE_AHEAD = timedelta(days=7)
#: how often a team's retention round runs
ROUND_EVERY = timedelta(days=1)


async def schedule_round(repos: Repos, team_id: int, at: datetime, now: datetime) -> bool:
    """Make sure the team has a retention round at ``at`` (inside the caller's transaction);
    its ``ref_id`` is 0, as the round is about the whole team."""
    return await repos.due.ensure(
        f"t{team_id}@{at:%Y%m%dT%H%M%SZ}:retention", DueKind.RETENTION, team_id, 0, at, now
    )


def _nothing() -> None:
    return None


class RetentionService(Service):
    def __init__(
        self, db: Database, clock: Clock, retention: timedelta, audit_retention: timedelta
    ) -> None:
        super().__init__(db, clock)
        self.retention = retention
        self.audit_retention = audit_retention
        #: called after a commit that added due work, so the due-work runner re-arms its timer
        self.wake_due = _nothing

    async def derive(self) -> int:
        """Give every team without a waiting retention round one now (start-up)."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            teams = await repos.retention.teams_without_sweep()
            for team_id in teams:
                await schedule_round(repos, team_id, now, now)
        if teams:
            self.wake_due()
        return len(teams)

    async def perform(self, repos: Repos, work: DueWork, now: datetime) -> DueOutcome:
        """One team's retention round (the due-work runner's transaction)."""
        team_id = work.team_id
        if team_id is None or await repos.teams.get(team_id) is None:
            return DueOutcome.SKIPPED
        told = await repos.retention.to_notice(team_id, now + NOTICE_AHEAD - self.retention)
        if told:
            await repos.retention.mark_noticed(told, now)
            await notify.to_coordinators(
                repos,
                team_id,
                Notice.RETENTION_NOTICE,
                {"problem_ids": told, "on": (now + NOTICE_AHEAD).isoformat()},
                now,
            )
            await repos.audit.add(
                now, None, "retention.notice", team_id=team_id, details={"problems": told}
            )
        anonymised = 0
        for problem_id in await repos.retention.to_anonymise(
            team_id, now - self.retention, now - NOTICE_AHEAD
        ):
            if await repos.retention.anonymise(problem_id, now):
                anonymised += 1
                await repos.due.drop_pending((DueKind.STILL_SOLVED,), problem_id)
                await repos.audit.add(
                    now,
                    None,
                    "problem.anonymised",
                    team_id=team_id,
                    object_type="problem",
                    object_id=problem_id,
                )
        if anonymised:  # the search index keeps no word of the emptied texts
            await repos.search.purge()
        guests = await repos.retention.remove_old_guests(team_id, now - self.retention)
        if guests:
            await repos.audit.add(
                now, None, "retention.guests", team_id=team_id, details={"removed": guests}
            )
        purged = await repos.retention.purge_audit(now - self.audit_retention)
        if purged:
            log.info("%d audit entries older than %s deleted", purged, self.audit_retention)
            await repos.audit.add(now, None, "audit.purged", details={"removed": purged})
        await repos.retention.prune_rounds(team_id)  # this one is marked done after us
        await schedule_round(repos, team_id, now + ROUND_EVERY, now)
        return DueOutcome.DONE

    async def for_notice(
        self, reader: Actor, team_id: int, problem_ids: list[int]
    ) -> list[Problem]:
        """The problems of a notice that will still be anonymised, if the reader (still)
        coordinates the team; empty otherwise."""
        async with self.db.read() as repos:
            try:
                await authz.require(repos, reader, Action.MANAGE_PROBLEMS, team_id)
            except ServiceError:
                return []
            found = []
            for problem_id in problem_ids:
                problem = await repos.problems.get(team_id, problem_id)
                if (
                    problem is not None
                    and problem.status in FINAL_STATUSES
                    and problem.anonymised_at is None
                ):
                    found.append(problem)
        return found
