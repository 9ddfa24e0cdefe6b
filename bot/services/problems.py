"""Working on problems: detail, lists with filters, support, comments and the coordinator's
decisions (status, lead organisation, duplicates, confidentiality)."""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.meetings import DueKind, DueOutcome, DueWork
from bot.domain.models import OrgType, Role, Team
from bot.domain.notices import Notice
from bot.domain.problems import (
    EventKind,
    Organisation,
    Problem,
    ProblemFilter,
    ProblemLine,
    Proposal,
    Status,
    StatusFilter,
    TimelineEntry,
    allowed_transitions,
)
from bot.domain.tasks import Task
from bot.services import authz, notify
from bot.services.authz import Action, Actor, ProblemAccess
from bot.services.base import Service
from bot.services.errors import (
    AlreadyDone,
    BadTransition,
    InputProblem,
    InvalidInput,
    NotAllowed,
    NotFound,
    ProblemNotFound,
)
from bot.services.text import clean_text, name_key
from bot.storage.problems import Visibility
from bot.storage.repos import Repos
from bot.storage.search import SearchHit

PAGE_SIZE = 10
SEARCH_SHOWN = 10  # the best matches shown; more words or filters narrow the rest
SEARCH_TERMS = 6  # words searched at most
_WORD = re.compile(r"[^\W_]+")
TIMELINE_SHOWN = 5  # the detail shows the newest entries; the rest behind a button
HISTORY_MAX = 1000
COMMENT_MIN, COMMENT_MAX = 2, 1000
LEAD_MIN, LEAD_MAX = 2, 100


def clean_comment(text: str | None) -> str:
    return clean_text(text, min_len=COMMENT_MIN, max_len=COMMENT_MAX)


def org_key(org: Organisation) -> str:
    """A short, stable key for an organisation in callback data (names can be long)."""
    return hashlib.sha1(f"{org.org_type.value}|{org.name}".encode()).hexdigest()[:8]


@dataclass(frozen=True)
class ProblemDetail:
    access: ProblemAccess
    team: Team
    timeline: list[TimelineEntry]
    timeline_total: int
    proposals: list[Proposal]
    tasks: list[Task] = field(default_factory=list)

    @property
    def problem(self) -> Problem:
        return self.access.problem

    @property
    def open_tasks(self) -> list[Task]:
        return [task for task in self.tasks if not task.is_finished]


@dataclass(frozen=True)
class ProblemPage:
    lines: list[ProblemLine]
    total: int
    page: int
    pages: int
    teams: dict[int, str]  # names of the teams searched, to label lines when there are several
    filter: ProblemFilter


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    total: int
    terms: list[str]  # what was searched for (folded words, see :func:`search_terms`)
    teams: dict[int, str]
    filter: ProblemFilter


def search_terms(words: list[str]) -> list[str]:
    """Typed words as search terms: without case and accents, one letter or digit alone
    dropped, and a word of five letters or more without its last letter, so that Czech endings
    do not matter ("stříkačky" → "strikack", which finds "stříkačka" and "stříkačkami")."""
    terms: list[str] = []
    for word in words:
        for token in _WORD.findall(name_key(word)):
            term = token[:-1] if len(token) >= 5 else token
            if len(term) >= 2 and term not in terms:
                terms.append(term[:40])
    return terms[:SEARCH_TERMS]


class ProblemService(Service):
    async def detail(self, actor: Actor, problem_id: int) -> ProblemDetail:
        """Everything about a problem; reading a confidential one is audited."""
        async with self.db.transaction() as repos:
            access = await authz.require_problem(repos, actor, Action.VIEW_TEAM, problem_id)
            problem = access.problem
            team = await repos.teams.get(problem.team_id)
            assert team is not None
            timeline, total = await repos.problems.timeline(problem_id, last=TIMELINE_SHOWN)
            proposals = await repos.proposals.for_problem(problem.team_id, problem_id)
            tasks = await repos.tasks.of_problem(problem.team_id, problem_id)
            if problem.coordinators_only:
                await repos.audit.add(
                    self.clock.now(),
                    actor.user_id,
                    "problem.read_confidential",
                    team_id=problem.team_id,
                    object_type="problem",
                    object_id=problem_id,
                )
        return ProblemDetail(access, team, timeline, total, proposals, tasks)

    async def history(self, actor: Actor, problem_id: int) -> list[TimelineEntry]:
        """The whole timeline (up to a generous limit), oldest first."""
        async with self.db.transaction() as repos:
            access = await authz.require_problem(repos, actor, Action.VIEW_TEAM, problem_id)
            entries, _ = await repos.problems.timeline(problem_id, last=HISTORY_MAX)
            if access.problem.coordinators_only:
                await repos.audit.add(
                    self.clock.now(),
                    actor.user_id,
                    "problem.read_confidential",
                    team_id=access.problem.team_id,
                    object_type="problem",
                    object_id=problem_id,
                )
        return entries

    async def for_group_notice(self, problem_id: int, chat_id: int) -> Problem | None:
        """The problem, if the team's linked group ``chat_id`` may still get a notice of it."""
        async with self.db.read() as repos:
            team_id = await repos.problems.team_of(problem_id)
            team = await repos.teams.get(team_id) if team_id is not None else None
            if team is None or team.group_chat_id != chat_id or not team.group_notices:
                return None
            problem = await repos.problems.get(team.id, problem_id)
        if problem is None or problem.coordinators_only:
            return None
        return problem

    async def access(self, actor: Actor, problem_id: int, action: Action) -> ProblemAccess:
        async with self.db.read() as repos:
            return await authz.require_problem(repos, actor, action, problem_id)

    async def search(self, actor: Actor, flt: ProblemFilter, page: int) -> ProblemPage:
        """A page of the problems the actor may see in their teams (all teams for the city
        administrator), newest first."""
        now = self.clock.now()
        async with self.db.read() as repos:
            teams = await authz.teams_for(repos, actor, Action.VIEW_TEAM)
            if flt.team_id is not None:
                teams = [t for t in teams if t.id == flt.team_id]
                if not teams:
                    raise NotAllowed(Action.VIEW_TEAM.value)
            team_ids = [t.id for t in teams]
            visibility = await _visibility(repos, actor, team_ids)
            page = max(page, 0)
            lines, total = await repos.problems.search(
                team_ids, flt, visibility, now, offset=page * PAGE_SIZE, limit=PAGE_SIZE
            )
            pages = max(1, math.ceil(total / PAGE_SIZE))
            if page >= pages:  # the list shrank since the button was made: show the last page
                page = pages - 1
                lines, total = await repos.problems.search(
                    team_ids, flt, visibility, now, offset=page * PAGE_SIZE, limit=PAGE_SIZE
                )
        return ProblemPage(lines, total, page, pages, {t.id: t.name for t in teams}, flt)

    async def search_text(self, actor: Actor, flt: ProblemFilter, words: list[str]) -> SearchResult:
        """The visible problems whose description, comments or proposals contain the words,
        best match first; all statuses unless the filter names one."""
        terms = search_terms(words)
        if "status" not in flt.model_fields_set:
            flt = flt.model_copy(update={"status": StatusFilter.ALL})
        async with self.db.read() as repos:
            teams = await authz.teams_for(repos, actor, Action.VIEW_TEAM)
            if flt.team_id is not None:
                teams = [t for t in teams if t.id == flt.team_id]
                if not teams:
                    raise NotAllowed(Action.VIEW_TEAM.value)
            team_ids = [t.id for t in teams]
            visibility = await _visibility(repos, actor, team_ids)
            hits, total = await repos.search.find(
                team_ids, flt, visibility, self.clock.now(), terms, limit=SEARCH_SHOWN
            )
        return SearchResult(hits, total, terms, {t.id: t.name for t in teams}, flt)

    async def filter_teams(self, actor: Actor) -> list[Team]:
        async with self.db.read() as repos:
            return await authz.teams_for(repos, actor, Action.VIEW_TEAM)

    async def filter_localities(self, actor: Actor, flt: ProblemFilter) -> list[tuple[str, str]]:
        """(key, name) of the localities with visible problems, to filter by."""
        async with self.db.read() as repos:
            teams = await authz.teams_for(repos, actor, Action.VIEW_TEAM)
            team_ids = [t.id for t in teams if flt.team_id in (None, t.id)]
            visibility = await _visibility(repos, actor, team_ids)
            return await repos.problems.locality_names(team_ids, visibility)

    async def set_support(self, actor: Actor, problem_id: int, on: bool) -> bool:
        """Support a problem (``on``) or withdraw the support. The press carries the wanted
        state, so a double tap or a redelivered update has one effect; True if it changed."""
        async with self.db.transaction() as repos:
            access = await authz.require_problem(repos, actor, Action.REPORT, problem_id)
            if not access.problem.status.is_open:
                raise BadTransition(access.problem.status.value)
            # an administrator, in no team, may have no user row yet
            await repos.users.ensure(actor.user_id, self.clock.now())
            return await repos.problems.set_support(problem_id, actor.user_id, on, self.clock.now())

    async def comment(self, actor: Actor, problem_id: int, text: str | None) -> None:
        clean = clean_comment(text)
        async with self.db.transaction() as repos:
            await authz.require_problem(repos, actor, Action.REPORT, problem_id)
            await repos.problems.add_event(
                problem_id, EventKind.COMMENT, actor.user_id, self.clock.now(), text=clean
            )

    async def change_status(self, actor: Actor, problem_id: int, status: Status) -> Problem:
        now = self.clock.now()
        async with self.db.transaction() as repos:
            access = await authz.require_problem(repos, actor, Action.MANAGE_PROBLEMS, problem_id)
            changed = await apply_status(repos, actor, access.problem, status, now)
        self.wake_outbox()
        assert changed is not None
        return changed

    async def organisations(self, actor: Actor, problem_id: int) -> list[Organisation]:
        """The organisations represented in the problem's team, to pick a lead from."""
        async with self.db.read() as repos:
            access = await authz.require_problem(repos, actor, Action.MANAGE_PROBLEMS, problem_id)
            return await _team_organisations(repos, access.problem.team_id)

    async def set_lead(self, actor: Actor, problem_id: int, key: str | None) -> Problem:
        """Make the team member's organisation with ``key`` the lead (None: no lead)."""
        async with self.db.transaction() as repos:
            access = await authz.require_problem(repos, actor, Action.MANAGE_PROBLEMS, problem_id)
            team_id = access.problem.team_id
            org = await _organisation(repos, team_id, key) if key is not None else None
            return await self._apply_lead(repos, actor, access.problem, org)

    async def set_lead_named(
        self, actor: Actor, problem_id: int, org_type: OrgType, name: str | None
    ) -> Problem:
        """Any organisation of any type can lead, also one with no member in the team."""
        clean = clean_text(name, min_len=LEAD_MIN, max_len=LEAD_MAX)
        async with self.db.transaction() as repos:
            access = await authz.require_problem(repos, actor, Action.MANAGE_PROBLEMS, problem_id)
            org = Organisation(org_type=org_type, name=clean)
            return await self._apply_lead(repos, actor, access.problem, org)

    async def _apply_lead(
        self, repos: Repos, actor: Actor, problem: Problem, org: Organisation | None
    ) -> Problem:
        if problem.lead != org:  # the same choice again changes nothing, not even the timeline
            await repos.problems.set_lead(problem.team_id, problem.id, org)
            await repos.problems.add_event(
                problem.id,
                EventKind.LEAD,
                actor.user_id,
                self.clock.now(),
                text=org.name if org else "",
            )
        changed = await repos.problems.get(problem.team_id, problem.id)
        assert changed is not None
        return changed

    async def set_contributor(self, actor: Actor, problem_id: int, key: str, on: bool) -> Problem:
        """Mark a team member's organisation as contributing (``on``) or not; idempotent."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            access = await authz.require_problem(repos, actor, Action.MANAGE_PROBLEMS, problem_id)
            team_id = access.problem.team_id
            org = await _organisation(repos, team_id, key)
            added = await repos.problems.set_contributor(problem_id, org, on)
            if added and on:
                await repos.problems.add_event(
                    problem_id, EventKind.CONTRIBUTOR, actor.user_id, now, text=org.name
                )
            changed = await repos.problems.get(team_id, problem_id)
        assert changed is not None
        return changed

    async def mark_duplicate(self, actor: Actor, problem_id: int, original_id: int) -> bool:
        """Mark the problem a duplicate of an original of the same team; the original gets its
        supporters and comments — unless the duplicate is for coordinators only and the original
        is not: then they stay where only coordinators see them. True if they were merged."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            access = await authz.require_problem(repos, actor, Action.MANAGE_PROBLEMS, problem_id)
            problem = access.problem
            if original_id == problem_id:
                raise InvalidInput(InputProblem.SAME_PROBLEM)
            if problem.status in (Status.DUPLICATE, Status.WITHDRAWN):
                raise BadTransition(problem.status.value)
            original = await authz.require_problem(
                repos, actor, Action.MANAGE_PROBLEMS, original_id
            )
            if original.problem.team_id != problem.team_id:
                raise ProblemNotFound(original_id)  # another team's problem is not to be known
            if original.problem.status in (Status.DUPLICATE, Status.WITHDRAWN):
                raise InvalidInput(InputProblem.NOT_ORIGINAL)
            merged = not problem.coordinators_only or original.problem.coordinators_only
            if merged:
                await repos.problems.merge_into(problem_id, original_id)
            await repos.problems.mark_duplicate(problem.team_id, problem_id, original_id, now)
            await repos.problems.add_event(
                problem_id,
                EventKind.DUPLICATE,
                actor.user_id,
                now,
                status=Status.DUPLICATE,
                other_problem=original_id,
            )
            if merged:  # members of the team must not learn of a closed duplicate
                await repos.problems.add_event(
                    original_id, EventKind.MERGED, actor.user_id, now, other_problem=problem_id
                )
            await repos.audit.add(
                now,
                actor.user_id,
                "problem.duplicate",
                team_id=problem.team_id,
                object_type="problem",
                object_id=problem_id,
                details={"original": original_id},
            )
            if problem.reporter_id is not None and problem.reporter_id != actor.user_id:
                await notify.to_person(
                    repos,
                    problem.reporter_id,
                    problem.team_id,
                    Notice.PROBLEM_DUPLICATE,
                    {"problem_id": problem_id, "original_id": original_id},
                    now,
                )
        self.wake_outbox()
        return merged

    async def move_targets(self, actor: Actor, problem_id: int) -> list[Team]:
        """The other teams the actor may hand the problem to: those they coordinate (all for
        the city administrator)."""
        async with self.db.read() as repos:
            access = await authz.require_problem(repos, actor, Action.MANAGE_PROBLEMS, problem_id)
            return await _move_targets(repos, actor, access.problem)

    async def move(self, actor: Actor, problem_id: int, team_id: int) -> Problem:
        """Hand the problem to another team the actor coordinates; a locality not among the new
        team's stays as a typed name; "coordinators only" stays; the reporter is told."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            access = await authz.require_problem(repos, actor, Action.MANAGE_PROBLEMS, problem_id)
            problem = access.problem
            if problem.team_id == team_id:  # the same press again: it is there already
                return problem
            targets = {t.id: t for t in await _move_targets(repos, actor, problem)}
            target = targets.get(team_id)
            if target is None:
                raise NotAllowed(Action.MANAGE_PROBLEMS.value)
            if problem.status is Status.WITHDRAWN:
                raise BadTransition(problem.status.value)
            source = await repos.teams.get(problem.team_id)
            assert source is not None
            known = await repos.localities.by_key(team_id, name_key(problem.locality))
            await repos.problems.move(
                problem_id,
                problem.team_id,
                team_id,
                known.id if known is not None else None,
                known.name if known is not None else problem.locality,
                name_key(known.name if known is not None else problem.locality),
            )
            await repos.problems.add_event(
                problem_id,
                EventKind.MOVED,
                actor.user_id,
                now,
                text=f"{source.name} → {target.name}",
            )
            await repos.audit.add(
                now,
                actor.user_id,
                "problem.move",
                team_id=team_id,
                object_type="problem",
                object_id=problem_id,
                details={"from": problem.team_id, "to": team_id},
            )
            if problem.reporter_id is not None and problem.reporter_id != actor.user_id:
                await notify.to_person(
                    repos,
                    problem.reporter_id,
                    team_id,
                    Notice.PROBLEM_MOVED,
                    {"problem_id": problem_id, "team": target.name},
                    now,
                )
            moved = await repos.problems.get(team_id, problem_id)
        self.wake_outbox()
        assert moved is not None
        return moved

    async def withdraw(self, actor: Actor, problem_id: int) -> Problem:
        """The reporter takes back a report nobody has worked on yet ("nový"): it leaves the
        lists and agendas, the timeline keeps it, the coordinators are told. A second press
        changes nothing."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            access = await authz.require_problem(repos, actor, Action.VIEW_TEAM, problem_id)
            problem = access.problem
            if problem.reporter_id != actor.user_id:
                raise NotAllowed("withdraw")
            if problem.status is Status.WITHDRAWN:
                return problem
            if problem.status is not Status.NEW:
                raise BadTransition(problem.status.value)
            await repos.problems.set_status(problem.team_id, problem_id, Status.WITHDRAWN, now)
            await repos.problems.add_event(
                problem_id, EventKind.WITHDRAWN, actor.user_id, now, status=Status.WITHDRAWN
            )
            await repos.audit.add(
                now,
                actor.user_id,
                "problem.withdraw",
                team_id=problem.team_id,
                object_type="problem",
                object_id=problem_id,
            )
            await notify.to_coordinators(
                repos,
                problem.team_id,
                Notice.PROBLEM_WITHDRAWN,
                {"problem_id": problem_id},
                now,
                except_user=actor.user_id,
            )
            changed = await repos.problems.get(problem.team_id, problem_id)
        self.wake_outbox()
        assert changed is not None
        return changed

    async def set_coordinators_only(self, actor: Actor, problem_id: int, value: bool) -> None:
        now = self.clock.now()
        async with self.db.transaction() as repos:
            access = await authz.require_problem(repos, actor, Action.MANAGE_PROBLEMS, problem_id)
            problem = access.problem
            if problem.coordinators_only == value:
                return
            await repos.problems.set_coordinators_only(problem.team_id, problem_id, value)
            await repos.problems.add_event(
                problem_id,
                EventKind.CONFIDENTIALITY,
                actor.user_id,
                now,
                text="coordinators" if value else "team",
            )
            await repos.audit.add(
                now,
                actor.user_id,
                "problem.confidentiality",
                team_id=problem.team_id,
                object_type="problem",
                object_id=problem_id,
                details={"coordinators_only": value},
            )

    async def still_solved(self, repos: Repos, work: DueWork, now: datetime) -> DueOutcome:
        """Ask the reporter whether a problem marked solved weeks ago still is (due work)."""
        if work.team_id is None:
            return DueOutcome.SKIPPED
        problem = await repos.problems.get(work.team_id, work.ref_id)
        if problem is None or problem.status is not Status.SOLVED or problem.reporter_id is None:
            return DueOutcome.SKIPPED
        if await repos.memberships.get(problem.team_id, problem.reporter_id) is None:
            return DueOutcome.SKIPPED
        await notify.to_person(
            repos,
            problem.reporter_id,
            problem.team_id,
            Notice.STILL_SOLVED,
            {"problem_id": problem.id},
            now,
        )
        return DueOutcome.DONE

    async def answer_still_solved(self, actor: Actor, problem_id: int, still: bool) -> Problem:
        """The reporter's answer; "no" reopens the problem for the next agenda and tells the
        coordinators."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            access = await authz.require_problem(repos, actor, Action.REPORT, problem_id)
            problem = access.problem
            if problem.reporter_id != actor.user_id:
                raise NotAllowed("still_solved")
            if problem.status is not Status.SOLVED:
                raise AlreadyDone(problem.status.value)
            await repos.audit.add(
                now,
                actor.user_id,
                "problem.still_solved",
                team_id=problem.team_id,
                object_type="problem",
                object_id=problem_id,
                details={"still_solved": still},
            )
            if still:
                return problem
            changed = await apply_status(repos, actor, problem, Status.NEW, now)
            await notify.to_coordinators(
                repos,
                problem.team_id,
                Notice.PROBLEM_REOPENED,
                {"problem_id": problem_id},
                now,
                except_user=actor.user_id,
            )
        self.wake_outbox()
        return changed


async def _move_targets(repos: Repos, actor: Actor, problem: Problem) -> list[Team]:
    teams = await authz.teams_for(repos, actor, Action.MANAGE_PROBLEMS)
    return [t for t in teams if t.id != problem.team_id]


async def _team_organisations(repos: Repos, team_id: int) -> list[Organisation]:
    found = {
        Organisation(org_type=m.org_type, name=m.org_name)
        for m in await repos.memberships.list_members(team_id)
        if m.org_name
    }
    return sorted(found, key=lambda o: (o.org_type.value, o.name.casefold()))


async def _organisation(repos: Repos, team_id: int, key: str) -> Organisation:
    for org in await _team_organisations(repos, team_id):
        if org_key(org) == key:
            return org
    raise NotFound(key)


#: how long after a problem is marked solved its reporter is asked whether it still is
STILL_SOLVED_AFTER = timedelta(weeks=4)


async def apply_status(
    repos: Repos, actor: Actor, problem: Problem, status: Status, now: datetime
) -> Problem:
    """Move a problem to ``status`` inside the caller's transaction (the caller has checked the
    actor may manage it): timeline, audit, the reporter told, and for "solved" the later
    "still solved?" question scheduled."""
    if status not in allowed_transitions(problem.status):
        raise BadTransition(status.value)
    await repos.problems.set_status(problem.team_id, problem.id, status, now)
    await repos.problems.add_event(problem.id, EventKind.STATUS, actor.user_id, now, status=status)
    await repos.audit.add(
        now,
        actor.user_id,
        "problem.status",
        team_id=problem.team_id,
        object_type="problem",
        object_id=problem.id,
        details={"from": problem.status.value, "to": status.value},
    )
    if problem.reporter_id is not None and problem.reporter_id != actor.user_id:
        await notify.to_person(
            repos,
            problem.reporter_id,
            problem.team_id,
            Notice.PROBLEM_STATUS,
            {"problem_id": problem.id, "status": status.value},
            now,
        )
    if status is not Status.SOLVED:  # a question about an earlier "solved" is void now
        await repos.due.drop_pending((DueKind.STILL_SOLVED,), problem.id)
    if status is Status.SOLVED and problem.reporter_id is not None:
        await repos.due.ensure(
            f"p{problem.id}@{now:%Y%m%dT%H%M%SZ}:still-solved",
            DueKind.STILL_SOLVED,
            problem.team_id,
            problem.id,
            now + (await repos.teams.still_solved_after(problem.team_id) or STILL_SOLVED_AFTER),
            now,
        )
    changed = await repos.problems.get(problem.team_id, problem.id)
    assert changed is not None
    return changed


async def _visibility(repos: Repos, actor: Actor, team_ids: list[int]) -> Visibility:
    """All problems of the teams the actor coordinates (all teams for an administrator); of
    the others, those not reserved for coordinators and the actor's own reports."""
    if actor.is_admin:
        return Visibility(actor.user_id, team_ids)
    roles = await repos.memberships.roles_of(actor.user_id)
    return Visibility(actor.user_id, [t for t in team_ids if roles.get(t) is Role.COORDINATOR])
