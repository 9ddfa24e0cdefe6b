"""Proposed solutions: anyone in the team proposes and supports; a coordinator decides."""

from __future__ import annotations

from datetime import datetime

from bot.domain.models import OrgType
from bot.domain.notices import Notice
from bot.domain.problems import EventKind, Proposal, ProposalStatus
from bot.services import authz, notify
from bot.services.authz import Action, Actor, ProblemAccess
from bot.services.base import Service
from bot.services.errors import AlreadyDone, BadTransition, NotFound
from bot.services.text import clean_text
from bot.storage.repos import Repos

# one rule, the same in the prompt and in the error: at least 10 characters
PROPOSAL_MIN, PROPOSAL_MAX = 10, 1000
REASON_MIN, REASON_MAX = 3, 500


def clean_proposal(text: str | None) -> str:
    return clean_text(text, min_len=PROPOSAL_MIN, max_len=PROPOSAL_MAX)


def clean_reason(text: str | None) -> str:
    return clean_text(text, min_len=REASON_MIN, max_len=REASON_MAX)


class ProposalService(Service):
    async def check_may_propose(self, actor: Actor, problem_id: int) -> ProblemAccess:
        async with self.db.read() as repos:
            access = await authz.require_problem(repos, actor, Action.REPORT, problem_id)
        if not access.problem.status.is_open:
            raise BadTransition(access.problem.status.value)
        return access

    async def propose(
        self, actor: Actor, problem_id: int, text: str | None, responsible: OrgType | None
    ) -> Proposal:
        clean = clean_proposal(text)
        now = self.clock.now()
        async with self.db.transaction() as repos:
            access = await authz.require_problem(repos, actor, Action.REPORT, problem_id)
            problem = access.problem
            if not problem.status.is_open:
                raise BadTransition(problem.status.value)
            proposal_id = await repos.proposals.create(
                problem.team_id, problem_id, actor.user_id, clean, responsible, now
            )
            await repos.problems.add_event(
                problem_id, EventKind.PROPOSAL, actor.user_id, now, text=clean
            )
            await notify.to_coordinators(
                repos,
                problem.team_id,
                Notice.PROPOSAL_NEW,
                {"proposal_id": proposal_id, "problem_id": problem_id},
                now,
                except_user=actor.user_id,
            )
            proposal = await repos.proposals.get(problem.team_id, proposal_id)
        self.wake_outbox()
        assert proposal is not None
        return proposal

    async def set_support(self, actor: Actor, proposal_id: int, on: bool) -> Proposal:
        """Support (``on``) or withdraw the support; the same press twice has one effect."""
        async with self.db.transaction() as repos:
            proposal = await _visible(repos, actor, proposal_id, Action.REPORT)
            if proposal.status is not ProposalStatus.OPEN:
                raise AlreadyDone(proposal.status.value)
            # an administrator, in no team, may have no user row yet
            await repos.users.ensure(actor.user_id, self.clock.now())
            await repos.proposals.set_support(proposal_id, actor.user_id, on, self.clock.now())
            changed = await repos.proposals.get(proposal.team_id, proposal_id)
        assert changed is not None
        return changed

    async def get(self, actor: Actor, proposal_id: int, action: Action) -> Proposal:
        async with self.db.read() as repos:
            return await _visible(repos, actor, proposal_id, action)

    async def decide(
        self, actor: Actor, proposal_id: int, accept: bool, reason: str | None
    ) -> Proposal:
        """Accept (reason optional) or reject (reason required) an open proposal; the proposer
        is told."""
        clean = clean_reason(reason) if (reason or not accept) else ""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            proposal = await _visible(repos, actor, proposal_id, Action.MANAGE_PROBLEMS)
            decided = await apply_decision(repos, actor, proposal, accept, clean, now)
        self.wake_outbox()
        assert decided is not None
        return decided


async def _visible(repos: Repos, actor: Actor, proposal_id: int, action: Action) -> Proposal:
    """The proposal, if the actor may see its problem and do ``action``; NotFound otherwise."""
    team_id = await repos.proposals.team_of(proposal_id)
    proposal = await repos.proposals.get(team_id, proposal_id) if team_id is not None else None
    if proposal is None:
        raise NotFound(str(proposal_id))
    await authz.require_problem(repos, actor, action, proposal.problem_id)
    return proposal


async def apply_decision(
    repos: Repos, actor: Actor, proposal: Proposal, accept: bool, reason: str, now: datetime
) -> Proposal:
    """Accept or reject inside the caller's transaction (the caller checked the actor may
    manage the problem); the timeline, the audit and the proposer's notice go with it."""
    status = ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED
    if not await repos.proposals.decide(
        proposal.team_id, proposal.id, status, reason, actor.user_id, now
    ):
        raise AlreadyDone(proposal.status.value)
    await repos.problems.add_event(
        proposal.problem_id,
        EventKind.PROPOSAL_ACCEPTED if accept else EventKind.PROPOSAL_REJECTED,
        actor.user_id,
        now,
        text=reason,
    )
    await repos.audit.add(
        now,
        actor.user_id,
        f"proposal.{status.value}",
        team_id=proposal.team_id,
        object_type="proposal",
        object_id=proposal.id,
    )
    if proposal.proposer_id is not None and proposal.proposer_id != actor.user_id:
        await notify.to_person(
            repos,
            proposal.proposer_id,
            proposal.team_id,
            Notice.PROPOSAL_DECIDED,
            {"proposal_id": proposal.id, "problem_id": proposal.problem_id},
            now,
        )
    decided = await repos.proposals.get(proposal.team_id, proposal.id)
    assert decided is not None
    return decided
