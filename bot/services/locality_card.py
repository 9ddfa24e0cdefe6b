"""``/locality``: one locality of a team at a glance — its open and solved problems over the
last two years (per quarter), the open ones, the meetings that discussed them, their open
tasks, and pinned problems of other localities within :data:`NEAR_METRES`.

Which localities a person may name: every named locality of their teams (members pick them
when reporting) and every locality their *visible* problems are filed under; a name typed only
on a coordinators-only problem exists for coordinators (and its reporter) alone. Names are
matched without case and accents, like ``/problems``.

"Nearby" is measured from the locality's own pin (a coordinator sets it in ``/team``) and
from the pins of its visible problems; a locality without a pin thus has its problems' pins
as its centre, and one with neither has no "nearby" at all.
"""

from __future__ import annotations

import asyncio
import difflib
import math
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.domain.locality_card import (
    NEAR_METRES,
    Discussion,
    LocalityCard,
    LocalityRef,
    Lookup,
    Nearby,
    PinnedLine,
    Quarter,
)
from bot.domain.models import Team
from bot.domain.problems import OPEN_STATUSES, Status
from bot.scheduling.clock import Clock
from bot.services import authz
from bot.services.authz import Action, Actor
from bot.services.base import Service
from bot.services.errors import NotFound
from bot.services.localities import LOCALITY_MAX, distance_m
from bot.services.problems import _visibility
from bot.services.text import name_key
from bot.storage.db import Database
from bot.storage.problems import Visibility
from bot.storage.repos import Repos

#: quarters in the trend: the current one and the seven before (two years)
QUARTERS = 8
OPEN_SHOWN = 20
DISCUSSIONS_SHOWN = 8
TASKS_SHOWN = 10
NEARBY_SHOWN = 10
CHOICES_SHOWN = 10
SUGGESTIONS_SHOWN = 5
#: typed text shorter than this is not matched inside longer names
PART_MIN = 3
SOLVED = (Status.SOLVED, Status.PARTLY_SOLVED)


class LocalityCardService(Service):
    def __init__(self, db: Database, clock: Clock, tz: ZoneInfo) -> None:
        super().__init__(db, clock)
        self.tz = tz

    async def known(self, actor: Actor) -> list[LocalityRef]:
        """Every locality the actor may look at, by name."""
        async with self.db.read() as repos:
            return await _known(repos, actor)

    async def find(self, actor: Actor, text: str) -> Lookup:
        """A locality by a typed name: the same words (``dubina sever`` is ``Dubina –
        sever``), else the names with words starting so (``dub``), else the closest."""
        async with self.db.read() as repos:
            known = await _known(repos, actor)
        # comparing with thousands of typed names is CPU work: off the event loop
        found, suggestions = await asyncio.to_thread(match, text, known)
        if len(found) == 1:
            async with self.db.read() as repos:
                return Lookup(card=await self._card(repos, actor, found[0]))
        return Lookup(choices=tuple(found[:CHOICES_SHOWN]), suggestions=tuple(suggestions))

    async def card(self, actor: Actor, team_id: int, code: str) -> LocalityCard:
        """The card of a locality pressed on a button (``code``: :func:`key_hash`); a locality
        the actor may not see answers like one that does not exist."""
        async with self.db.read() as repos:
            team = await authz.require(repos, actor, Action.VIEW_TEAM, team_id)
            for ref in await _known(repos, actor, [team]):
                if ref.code == code:
                    return await self._card(repos, actor, ref)
        raise NotFound(code)

    async def card_of_problem(self, actor: Actor, problem_id: int) -> LocalityCard:
        """The card of the locality a problem (that the actor may see) is filed under."""
        async with self.db.read() as repos:
            access = await authz.require_problem(repos, actor, Action.VIEW_TEAM, problem_id)
            problem = access.problem
            team = await repos.teams.get(problem.team_id)
            assert team is not None
            key = name_key(problem.locality)
            if problem.locality_id is not None:
                named = await repos.localities.get(problem.team_id, problem.locality_id)
                key = name_key(named.name) if named is not None else key
            ref = LocalityRef(team.id, team.name, key, problem.locality)
            return await self._card(repos, actor, ref)

    async def _card(self, repos: Repos, actor: Actor, ref: LocalityRef) -> LocalityCard:
        team_id, key = ref.team_id, ref.key
        visible = await _visibility(repos, actor, [team_id])
        now = self.clock.now()
        problems = await repos.locality_card.problems(team_id, key, visible)
        changes = await repos.locality_card.status_changes(team_id, key, visible)
        discussions = await repos.locality_card.discussions(
            team_id, key, visible, DISCUSSIONS_SHOWN
        )
        tasks = await repos.locality_card.open_tasks(team_id, key, visible)
        own_pin = await repos.locality_card.position(team_id, key)
        nearby, centre = await _nearby(repos, team_id, key, visible, own_pin, problems)
        open_problems = [p for p in problems if p.status.is_open]
        return LocalityCard(
            locality=ref,
            total=len(problems),
            solved_total=sum(1 for p in problems if p.status in SOLVED),
            open_problems=open_problems[:OPEN_SHOWN],
            open_total=len(open_problems),
            quarters=quarters(problems, changes, now, self.tz),
            discussions=[Discussion(*row) for row in discussions],
            tasks=tasks[:TASKS_SHOWN],
            tasks_total=len(tasks),
            nearby=nearby[:NEARBY_SHOWN],
            centre=centre,
        )


async def _known(repos: Repos, actor: Actor, teams: list[Team] | None = None) -> list[LocalityRef]:
    """The localities the actor may see in ``teams`` (all their teams by default)."""
    if teams is None:
        teams = await authz.teams_for(repos, actor, Action.VIEW_TEAM)
    names = {team.id: team.name for team in teams}
    visible = await _visibility(repos, actor, list(names))
    rows = await repos.locality_card.names(list(names), visible)
    refs = [LocalityRef(team_id, names[team_id], key, name) for team_id, key, name in rows]
    return sorted(refs, key=lambda ref: (ref.key, name_key(ref.team_name)))


_WORD = re.compile(r"[^\W_]+")


def match(text: str, known: list[LocalityRef]) -> tuple[list[LocalityRef], list[LocalityRef]]:
    """The localities ``text`` names (one, or several to choose from) and, when it names
    none, the closest ones."""
    typed = words(text[: LOCALITY_MAX * 2])
    found = [ref for ref in known if _key_words(ref) == typed]
    if not found and len(" ".join(typed)) >= PART_MIN:
        found = [ref for ref in known if _starts(typed, _key_words(ref))]
    if found:
        return found, []
    return [], closest(" ".join(typed), known)


def _key_words(ref: LocalityRef) -> tuple[str, ...]:
    return tuple(_WORD.findall(ref.key))  # the key is the name without case and accents


def words(name: str) -> tuple[str, ...]:
    """The words of a name without case, accents and punctuation."""
    return tuple(_WORD.findall(name_key(name)))


def _starts(typed: tuple[str, ...], name: tuple[str, ...]) -> bool:
    """Every typed word begins a word of the name, in order (``dub sev`` → Dubina – sever)."""
    i = 0
    for word in name:
        if i < len(typed) and word.startswith(typed[i]):
            i += 1
    return i == len(typed) > 0


def closest(typed: str, known: list[LocalityRef]) -> list[LocalityRef]:
    """The known localities whose names are most like ``typed``, best first."""
    if not typed:
        return known[:SUGGESTIONS_SHOWN]

    def likeness(ref: LocalityRef) -> float:
        name = " ".join(_key_words(ref))
        whole = difflib.SequenceMatcher(None, typed, name).ratio()
        each = [difflib.SequenceMatcher(None, typed, w).ratio() for w in name.split()]
        return max([whole, *each])

    ranked = sorted(known, key=lambda ref: (-likeness(ref), ref.key, ref.team_id))
    return ranked[:SUGGESTIONS_SHOWN]


# --- the trend ---------------------------------------------------------------------------------


def quarter_starts(now: datetime, tz: ZoneInfo, count: int = QUARTERS) -> list[tuple[int, int]]:
    """(year, quarter) of the last ``count`` quarters, oldest first, the current one last."""
    local = now.astimezone(tz)
    index = local.year * 4 + (local.month - 1) // 3
    return [((i // 4), i % 4 + 1) for i in range(index - count + 1, index + 1)]


def _start(year: int, quarter: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(date(year, 3 * quarter - 2, 1), time(), tz)


def quarters(
    problems: list[PinnedLine],
    changes: list[tuple[int, datetime, Status]],
    now: datetime,
    tz: ZoneInfo,
) -> list[Quarter]:
    """New, solved and open-at-end counts for the last :data:`QUARTERS` quarters (local
    time). A problem's status at a moment comes from its status changes; one without any
    recorded change counts its present status from its last progress."""
    history: dict[int, list[tuple[datetime, Status]]] = {p.id: [] for p in problems}
    for problem_id, at, status in changes:
        if problem_id in history:
            history[problem_id].append((at, status))
    for p in problems:
        if not history[p.id] and p.status is not Status.NEW:
            history[p.id].append((p.progressed_at, p.status))
    result = []
    for year, q in quarter_starts(now, tz):
        start = _start(year, q, tz)
        end = _start(year + (q == 4), q % 4 + 1, tz)
        moment = min(end, now)
        new = sum(1 for p in problems if start <= p.created_at < end)
        solved = sum(
            1 for p in problems if any(start <= at < end and s in SOLVED for at, s in history[p.id])
        )
        still_open = sum(
            1
            for p in problems
            if p.created_at < moment and _status_at(history[p.id], moment) in OPEN_STATUSES
        )
        result.append(Quarter(year, q, new, solved, still_open))
    return result


def _status_at(changes: list[tuple[datetime, Status]], moment: datetime) -> Status:
    status = Status.NEW
    for at, changed in changes:
        if at >= moment:
            break
        status = changed
    return status


# --- nearby ------------------------------------------------------------------------------------


async def _nearby(
    repos: Repos,
    team_id: int,
    key: str,
    visible: Visibility,
    own_pin: tuple[float, float] | None,
    problems: list[PinnedLine],
) -> tuple[list[Nearby], str]:
    pins = [
        (p.latitude, p.longitude)
        for p in problems
        if p.latitude is not None and p.longitude is not None
    ]
    centres = ([own_pin] if own_pin else []) + pins
    if not centres:
        return [], ""
    centre = "both" if own_pin and pins else "locality" if own_pin else "problems"
    # a box around every centre, widened by the radius; the haversine decides
    d_lat = NEAR_METRES / 111_000 * 1.1
    lat_max = max(abs(lat) for lat, _ in centres)
    d_lon = d_lat / max(math.cos(math.radians(min(lat_max, 89.0))), 0.01)
    box = (
        min(lat for lat, _ in centres) - d_lat,
        min(lon for _, lon in centres) - d_lon,
        max(lat for lat, _ in centres) + d_lat,
        max(lon for _, lon in centres) + d_lon,
    )
    found = []
    for candidate in await repos.locality_card.pinned_in_box(team_id, key, visible, box):
        assert candidate.latitude is not None and candidate.longitude is not None
        metres = min(
            distance_m(lat, lon, candidate.latitude, candidate.longitude) for lat, lon in centres
        )
        if metres <= NEAR_METRES:
            found.append(Nearby(candidate, metres))
    found.sort(key=lambda n: (not n.problem.status.is_open, n.metres, -n.problem.id))
    return found, centre
