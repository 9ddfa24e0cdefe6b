"""Agenda material: the team's open problems with their proposals, a coordinator's edits of a
draft, extra topics, and the items frozen at the lead time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

import aiosqlite

from bot.domain.agenda import AgendaProblem, AgendaTopic, PaperProposal, ProblemPaper, Section
from bot.domain.models import OrgType
from bot.domain.problems import OPEN_STATUSES, Category, Status, Urgency
from bot.domain.tasks import Task
from bot.storage.base import Repo, from_db, req_time, to_db
from bot.storage.tasks import _SELECT as TASK_SELECT
from bot.storage.tasks import _task as task_of_row

_SELECT = """
    SELECT p.id, p.team_id, p.category, COALESCE(l.name, p.locality_name) AS locality,
           p.urgency, p.status, p.coordinators_only, p.reporter_id, p.created_at,
           p.progressed_at,
           (SELECT COUNT(*) FROM proposals pr
             WHERE pr.problem_id = p.id AND pr.status = 'open') AS open_proposals,
           (SELECT COUNT(*) FROM proposal_supporters s JOIN proposals pr ON pr.id = s.proposal_id
             WHERE pr.problem_id = p.id AND pr.status = 'open') AS proposal_support
    FROM problems p LEFT JOIN localities l ON l.id = p.locality_id
"""


def _problem(row: aiosqlite.Row) -> AgendaProblem:
    return AgendaProblem(
        id=row["id"],
        team_id=row["team_id"],
        category=Category(row["category"]),
        locality=row["locality"],
        urgency=Urgency(row["urgency"]),
        status=Status(row["status"]),
        coordinators_only=bool(row["coordinators_only"]),
        reporter_id=row["reporter_id"],
        created_at=req_time(row["created_at"]),
        progressed_at=req_time(row["progressed_at"]),
        open_proposals=row["open_proposals"],
        proposal_support=row["proposal_support"],
    )


class FrozenItem(NamedTuple):
    section: Section
    problem_id: int | None
    topic_id: int | None
    task_id: int | None


def _marks(values: Iterable[object]) -> str:
    return ",".join("?" for _ in values)


class AgendaRepo(Repo):
    async def open_problems(self, team_id: int) -> list[AgendaProblem]:
        statuses = [s.value for s in OPEN_STATUSES]
        rows = await self._all(
            _SELECT + f" WHERE p.team_id = ? AND p.status IN ({_marks(statuses)}) ORDER BY p.id",
            (team_id, *statuses),
        )
        return [_problem(r) for r in rows]

    async def problems(self, team_id: int, ids: list[int]) -> dict[int, AgendaProblem]:
        if not ids:
            return {}
        rows = await self._all(
            _SELECT + f" WHERE p.team_id = ? AND p.id IN ({_marks(ids)})", (team_id, *ids)
        )
        return {r["id"]: _problem(r) for r in rows}

    async def previous_start(self, team_id: int, before: datetime) -> datetime | None:
        """The start of the team's last meeting (held or scheduled) before ``before``."""
        row = await self._one(
            "SELECT MAX(starts_at) FROM meetings WHERE team_id = ? AND starts_at < ? "
            "AND status != 'cancelled'",
            (team_id, to_db(before)),
        )
        return from_db(row[0]) if row else None

    # --- a coordinator's edits of the draft ------------------------------------------------

    async def edits(self, meeting_id: int) -> tuple[set[int], dict[int, int]]:
        """Problems removed from the draft, and the explicit ranks of reordered ones."""
        rows = await self._all(
            "SELECT problem_id, removed, rank FROM agenda_edits WHERE meeting_id = ?",
            (meeting_id,),
        )
        removed = {r[0] for r in rows if r[1]}
        ranks = {r[0]: r[2] for r in rows if r[2] is not None}
        return removed, ranks

    async def set_removed(self, meeting_id: int, problem_id: int, removed: bool) -> None:
        await self._exec(
            "INSERT INTO agenda_edits (meeting_id, problem_id, removed) VALUES (?, ?, ?) "
            "ON CONFLICT (meeting_id, problem_id) DO UPDATE SET removed = excluded.removed",
            (meeting_id, problem_id, int(removed)),
        )

    async def set_ranks(self, meeting_id: int, problem_ids: list[int]) -> None:
        """Store the order of one section (its problems, first to last)."""
        for rank, problem_id in enumerate(problem_ids):
            await self._exec(
                "INSERT INTO agenda_edits (meeting_id, problem_id, rank) VALUES (?, ?, ?) "
                "ON CONFLICT (meeting_id, problem_id) DO UPDATE SET rank = excluded.rank",
                (meeting_id, problem_id, rank),
            )

    async def topics(self, meeting_id: int) -> list[AgendaTopic]:
        rows = await self._all(
            "SELECT id, text FROM agenda_topics WHERE meeting_id = ? AND removed = 0 ORDER BY id",
            (meeting_id,),
        )
        return [AgendaTopic(id=r[0], text=r[1]) for r in rows]

    async def add_topic(self, meeting_id: int, text: str, by: int, now: datetime) -> int:
        return await self._insert(
            "INSERT INTO agenda_topics (meeting_id, text, added_by, added_at) VALUES (?, ?, ?, ?)",
            (meeting_id, text, by, to_db(now)),
        )

    async def remove_topic(self, meeting_id: int, topic_id: int) -> bool:
        return (
            await self._exec(
                "UPDATE agenda_topics SET removed = 1 WHERE id = ? AND meeting_id = ?",
                (topic_id, meeting_id),
            )
            > 0
        )

    # --- the frozen agenda ------------------------------------------------------------------

    async def frozen_at(self, meeting_id: int) -> datetime | None:
        row = await self._one("SELECT agenda_frozen_at FROM meetings WHERE id = ?", (meeting_id,))
        return from_db(row[0]) if row else None

    async def freeze(self, meeting_id: int, items: list[FrozenItem], now: datetime) -> bool:
        """Store the agenda's items in order; False if it was frozen before."""
        changed = await self._exec(
            "UPDATE meetings SET agenda_frozen_at = ? WHERE id = ? AND agenda_frozen_at IS NULL",
            (to_db(now), meeting_id),
        )
        if not changed:
            return False
        for position, item in enumerate(items):
            await self._exec(
                "INSERT INTO agenda_items (meeting_id, position, section, problem_id, topic_id, "
                "task_id) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    meeting_id,
                    position,
                    item.section.value,
                    item.problem_id,
                    item.topic_id,
                    item.task_id,
                ),
            )
        return True

    async def unfreeze(self, meeting_id: int) -> None:
        """Forget a frozen agenda (the meeting moved: it is compiled again for the new date)."""
        await self._exec("DELETE FROM agenda_items WHERE meeting_id = ?", (meeting_id,))
        await self._exec("UPDATE meetings SET agenda_frozen_at = NULL WHERE id = ?", (meeting_id,))

    async def frozen_items(self, meeting_id: int) -> list[FrozenItem]:
        rows = await self._all(
            "SELECT section, problem_id, topic_id, task_id FROM agenda_items "
            "WHERE meeting_id = ? ORDER BY position",
            (meeting_id,),
        )
        return [FrozenItem(Section(r[0]), r[1], r[2], r[3]) for r in rows]

    async def topic_texts(self, meeting_id: int, ids: list[int]) -> dict[int, str]:
        if not ids:
            return {}
        rows = await self._all(
            f"SELECT id, text FROM agenda_topics WHERE meeting_id = ? AND id IN ({_marks(ids)})",
            (meeting_id, *ids),
        )
        return {r[0]: r[1] for r in rows}

    async def reported_since(self, team_id: int, since: datetime) -> list[AgendaProblem]:
        """Open problems of the team reported after ``since`` (late-addition candidates)."""
        statuses = [s.value for s in OPEN_STATUSES]
        rows = await self._all(
            _SELECT + f" WHERE p.team_id = ? AND p.created_at >= ? AND p.status IN "
            f"({_marks(statuses)}) ORDER BY p.id",
            (team_id, to_db(since), *statuses),
        )
        return [_problem(r) for r in rows]

    async def papers(self, team_id: int, ids: list[int]) -> dict[int, ProblemPaper]:
        """The printed agenda's detail of the problems: description, the reporter's
        organisation, open proposals (most supported first) and unfinished tasks (by deadline);
        three statements for any number of problems."""
        if not ids:
            return {}
        marks = _marks(ids)
        rows = await self._all(
            "SELECT p.id, p.description, u.org_type, u.org_name FROM problems p "
            f"LEFT JOIN users u ON u.id = p.reporter_id WHERE p.team_id = ? AND p.id IN ({marks})",
            (team_id, *ids),
        )
        proposals: dict[int, list[PaperProposal]] = {}
        for r in await self._all(
            "SELECT pr.problem_id, pr.text, pr.responsible, "
            "(SELECT COUNT(*) FROM proposal_supporters s WHERE s.proposal_id = pr.id) AS support "
            f"FROM proposals pr WHERE pr.team_id = ? AND pr.status = 'open' "
            f"AND pr.problem_id IN ({marks}) ORDER BY support DESC, pr.id",
            (team_id, *ids),
        ):
            proposals.setdefault(r["problem_id"], []).append(
                PaperProposal(
                    text=r["text"],
                    support=r["support"],
                    responsible=OrgType(r["responsible"]) if r["responsible"] else None,
                )
            )
        tasks: dict[int, list[Task]] = {}
        for r in await self._all(
            TASK_SELECT + f" WHERE t.team_id = ? AND t.status != 'done' "
            f"AND t.problem_id IN ({marks}) ORDER BY t.deadline, t.id",
            (team_id, *ids),
        ):
            task = task_of_row(r)
            assert task.problem_id is not None
            tasks.setdefault(task.problem_id, []).append(task)
        return {
            r["id"]: ProblemPaper(
                description=r["description"],
                reporter_org=r["org_name"] or None,
                reporter_org_type=OrgType(r["org_type"]) if r["org_type"] else None,
                proposals=proposals.get(r["id"], []),
                tasks=tasks.get(r["id"], []),
            )
            for r in rows
        }
