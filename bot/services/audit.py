"""The audit log for city administrators: the latest entries, filtered by person, team and
period, paged, and exported as CSV (the export itself is audited).

Entries say who did what and when, never the content (no report text is ever stored here).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import timedelta

from bot.config import parse_duration
from bot.services import authz
from bot.services.authz import Action, Actor
from bot.services.base import Service
from bot.services.text import name_key
from bot.storage.audit_log import AuditEntry
from bot.storage.repos import Repos

PAGE_SIZE = 10
#: the longest period one can filter by (beyond it, "all" is the same)
MAX_PERIOD = timedelta(days=3660)
_TEAM_WORDS = ("tým", "tym", "team")


@dataclass(frozen=True)
class AuditFilter:
    user_id: int | None = None
    team_id: int | None = None
    period: timedelta | None = None

    @property
    def empty(self) -> bool:
        return self.user_id is None and self.team_id is None and self.period is None


@dataclass(frozen=True)
class ParsedFilter:
    """A typed filter, or why it could not be used."""

    filter: AuditFilter
    unknown_team: str | None = None
    unknown_person: str | None = None
    #: several people match the name: (user id, name)
    several: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    total: int
    page: int
    pages: int
    filter: AuditFilter
    #: names of the users the entries are about (member role changes, removals...)
    object_names: dict[int, str]
    person: str | None  # the name of the person filtered by
    team: str | None  # the name of the team filtered by


class AuditService(Service):
    async def parse(self, actor: Actor, text: str) -> ParsedFilter:
        """``tým Poruba``, ``30d``, ``7 dní``, a user id or a name, in any order (one each)."""
        authz.require_admin(actor, Action.VIEW_AUDIT)
        words = text.split()
        flt = AuditFilter()
        rest: list[str] = []
        i = 0
        async with self.db.read() as repos:
            while i < len(words):
                word = words[i]
                if word.casefold() in _TEAM_WORDS and i + 1 < len(words):
                    tail = words[i + 1 :]
                    for size in (1, 2):  # "tým Poruba 30d", "tým Poruba 7 dní"
                        period = _period(" ".join(tail[-size:])) if len(tail) > size else None
                        if period is not None:
                            flt = replace(flt, period=period)
                            tail = tail[:-size]
                            break
                    name = " ".join(tail)
                    team_id = await _team_named(repos, name)
                    if team_id is None:
                        return ParsedFilter(flt, unknown_team=name)
                    flt = replace(flt, team_id=team_id)
                    break
                period = _period(word)
                if period is None and i + 1 < len(words):
                    period = _period(word + " " + words[i + 1])
                    if period is not None:
                        i += 1
                if period is not None:
                    flt = replace(flt, period=period)
                else:
                    rest.append(word)
                i += 1
            who = " ".join(rest).strip()
            if who.isdigit():
                flt = replace(flt, user_id=int(who))
            elif who:
                ids = await repos.audit_log.users_named(who)
                if not ids:
                    return ParsedFilter(flt, unknown_person=who)
                if len(ids) > 1:
                    several = []
                    for user_id in ids[:10]:
                        user = await repos.users.get(user_id)
                        several.append((user_id, (user.display_name if user else None) or "?"))
                    return ParsedFilter(flt, several=several)
                flt = replace(flt, user_id=ids[0])
        return ParsedFilter(flt)

    async def page(self, actor: Actor, flt: AuditFilter, page: int) -> AuditPage:
        authz.require_admin(actor, Action.VIEW_AUDIT)
        since = self.clock.now() - flt.period if flt.period is not None else None
        actors = [flt.user_id] if flt.user_id is not None else None
        async with self.db.read() as repos:
            total = await repos.audit_log.count(actors, flt.team_id, since)
            pages = max(1, math.ceil(total / PAGE_SIZE))
            page = min(max(page, 0), pages - 1)
            entries = await repos.audit_log.latest(
                actors, flt.team_id, since, offset=page * PAGE_SIZE, limit=PAGE_SIZE
            )
            names = await _object_names(repos, entries)
            person, team = await _filter_names(repos, flt)
        return AuditPage(entries, total, page, pages, flt, names, person, team)

    async def export(
        self, actor: Actor, flt: AuditFilter
    ) -> tuple[list[AuditEntry], dict[int, str]]:
        """Every entry the filter selects, newest first; the export is audited."""
        authz.require_admin(actor, Action.VIEW_AUDIT)
        now = self.clock.now()
        since = now - flt.period if flt.period is not None else None
        actors = [flt.user_id] if flt.user_id is not None else None
        async with self.db.transaction() as repos:
            entries = await repos.audit_log.latest(actors, flt.team_id, since)
            names = await _object_names(repos, entries)
            await repos.audit.add(
                now,
                actor.user_id,
                "audit.export",
                team_id=flt.team_id,
                details={
                    "rows": len(entries),
                    "user_id": flt.user_id,
                    "period_s": int(flt.period.total_seconds()) if flt.period else None,
                },
            )
        return entries, names

    async def teams(self, actor: Actor) -> list[tuple[int, str]]:
        authz.require_admin(actor, Action.VIEW_AUDIT)
        async with self.db.read() as repos:
            return [(t.id, t.name) for t in await repos.teams.list_all()]


def _period(text: str) -> timedelta | None:
    if not re.match(r"^\d", text):
        return None
    try:
        return min(parse_duration(text), MAX_PERIOD)
    except ValueError:
        return None


async def _team_named(repos: Repos, name: str) -> int | None:
    key = name_key(name)
    teams = await repos.teams.list_all()
    for team in teams:
        if name_key(team.name) == key:
            return team.id
    found = [t.id for t in teams if key in name_key(t.name)]
    return found[0] if len(found) == 1 else None


async def _object_names(repos: Repos, entries: list[AuditEntry]) -> dict[int, str]:
    names: dict[int, str] = {}
    for entry in entries:
        if entry.object_type == "user" and entry.object_id and entry.object_id.isdigit():
            user_id = int(entry.object_id)
            if user_id not in names:
                user = await repos.users.get(user_id)
                if user is not None and user.display_name:
                    names[user_id] = user.display_name
    return names


async def _filter_names(repos: Repos, flt: AuditFilter) -> tuple[str | None, str | None]:
    person = team = None
    if flt.user_id is not None:
        user = await repos.users.get(flt.user_id)
        person = (user.display_name if user else None) or f"id {flt.user_id}"
    if flt.team_id is not None:
        found = await repos.teams.get(flt.team_id)
        team = found.name if found else "?"
    return person, team
