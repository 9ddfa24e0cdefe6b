"""People's rights: what is stored about one person (for /mydata), and pseudonymising a
person's records in a team they leave (or in every team, when they are erased).

A pseudonym is a row of ``pseudonyms`` plus a stand-in row of ``users`` with the negative id
``-pseudonym.id``: no name, no organisation name, only the organisation type. Nothing links a
pseudonym back to the person.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from typing import Any

from bot.domain.models import OrgType
from bot.storage.base import Repo, to_db

#: rows that belong to a team, found through the team's problems, proposals or meetings
_TEAM_PROBLEMS = "SELECT id FROM problems WHERE team_id = ?"
_TEAM_PROPOSALS = "SELECT id FROM proposals WHERE team_id = ?"
_TEAM_MEETINGS = "SELECT id FROM meetings WHERE team_id = ?"

#: (table, column, the team's rows) of every reference to a person in a team's records
_TEAM_REFERENCES: list[tuple[str, str, str]] = [
    ("problems", "reporter_id", "team_id = ?"),
    ("problem_events", "actor_id", f"problem_id IN ({_TEAM_PROBLEMS})"),
    ("problem_supporters", "user_id", f"problem_id IN ({_TEAM_PROBLEMS})"),
    ("proposals", "proposer_id", "team_id = ?"),
    ("proposals", "decided_by", "team_id = ?"),
    ("proposal_supporters", "user_id", f"proposal_id IN ({_TEAM_PROPOSALS})"),
    ("meetings", "created_by", "team_id = ?"),
    ("meeting_answers", "user_id", f"meeting_id IN ({_TEAM_MEETINGS})"),
    ("agenda_topics", "added_by", f"meeting_id IN ({_TEAM_MEETINGS})"),
    ("minutes", "started_by", f"meeting_id IN ({_TEAM_MEETINGS})"),
    ("minutes_attendance", "user_id", f"meeting_id IN ({_TEAM_MEETINGS})"),
    ("minutes_tasks", "created_by", f"meeting_id IN ({_TEAM_MEETINGS})"),
    ("meeting_guests", "added_by", f"meeting_id IN ({_TEAM_MEETINGS})"),
    ("tasks", "owner_id", "team_id = ?"),  # finished ones: the open ones went back first
    ("tasks", "created_by", "team_id = ?"),
    ("invites", "created_by", "team_id = ?"),
    ("invites", "used_by", "team_id = ?"),
    ("invites", "revoked_by", "team_id = ?"),
]


def pseudonym_user_id(pseudonym: int) -> int:
    return -pseudonym


def is_pseudonym(user_id: int | None) -> bool:
    return user_id is not None and user_id < 0


class PrivacyRepo(Repo):
    # --- /mydata ---------------------------------------------------------------------------

    async def _rows(self, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
        return [dict(r) for r in await self._all(sql, params)]

    async def export(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every row about ``user_id`` or by them, kind by kind. Only their own texts: of
        another person's rows nothing but what identifies the row (a number, a team)."""
        u = (user_id,)
        return {
            "memberships": await self._rows(
                "SELECT m.team_id, t.name AS team, m.role, m.joined_at, m.removed_at "
                "FROM memberships m JOIN teams t ON t.id = m.team_id WHERE m.user_id = ? "
                "ORDER BY m.joined_at",
                u,
            ),
            "reports": await self._rows(
                "SELECT p.id AS problem, t.name AS team, p.category, "
                "COALESCE(l.name, p.locality_name) AS locality, p.latitude, p.longitude, "
                "p.description, p.urgency, p.status, p.coordinators_only, p.created_at, "
                "(SELECT COUNT(*) FROM problem_photos f WHERE f.problem_id = p.id) AS photos "
                "FROM problems p JOIN teams t ON t.id = p.team_id "
                "LEFT JOIN localities l ON l.id = p.locality_id "
                "WHERE p.reporter_id = ? ORDER BY p.id",
                u,
            ),
            "comments": await self._rows(
                "SELECT e.problem_id AS problem, e.text, e.at FROM problem_events e "
                "WHERE e.actor_id = ? AND e.kind = 'comment' AND e.other_problem IS NULL "
                "ORDER BY e.id",
                u,
            ),
            "problem_changes": await self._rows(
                "SELECT e.problem_id AS problem, e.kind, e.status, e.at FROM problem_events e "
                "WHERE e.actor_id = ? AND e.kind NOT IN ('comment', 'created') ORDER BY e.id",
                u,
            ),
            "proposals": await self._rows(
                "SELECT pr.id AS proposal, pr.problem_id AS problem, t.name AS team, pr.text, "
                "pr.responsible, pr.status, pr.created_at, pr.decided_at FROM proposals pr "
                "JOIN teams t ON t.id = pr.team_id WHERE pr.proposer_id = ? ORDER BY pr.id",
                u,
            ),
            "supports": [
                *await self._rows(
                    "SELECT 'problem' AS kind, problem_id AS number, at "
                    "FROM problem_supporters WHERE user_id = ? ORDER BY at",
                    u,
                ),
                *await self._rows(
                    "SELECT 'proposal' AS kind, proposal_id AS number, at "
                    "FROM proposal_supporters WHERE user_id = ? ORDER BY at",
                    u,
                ),
            ],
            "attendance": await self._rows(
                "SELECT a.meeting_id AS meeting, t.name AS team, m.starts_at, a.answer, "
                "a.answered_at, EXISTS (SELECT 1 FROM minutes_attendance x "
                "WHERE x.meeting_id = a.meeting_id AND x.user_id = a.user_id) AS present "
                "FROM meeting_answers a JOIN meetings m ON m.id = a.meeting_id "
                "JOIN teams t ON t.id = m.team_id WHERE a.user_id = ? "
                "UNION ALL "
                "SELECT x.meeting_id, t.name, m.starts_at, NULL, NULL, 1 "
                "FROM minutes_attendance x JOIN meetings m ON m.id = x.meeting_id "
                "JOIN teams t ON t.id = m.team_id WHERE x.user_id = ? AND NOT EXISTS "
                "(SELECT 1 FROM meeting_answers a WHERE a.meeting_id = x.meeting_id "
                "AND a.user_id = x.user_id) ORDER BY 3",
                (user_id, user_id),
            ),
            "tasks": await self._rows(
                "SELECT k.id AS task, t.name AS team, k.problem_id AS problem, k.text, "
                "k.owner_org, k.deadline, k.status, k.created_at, k.updated_at FROM tasks k "
                "JOIN teams t ON t.id = k.team_id WHERE k.owner_id = ? ORDER BY k.id",
                u,
            ),
            "audit": await self._rows(
                "SELECT at, action, team_id, object_type, object_id, actor_id = ? AS by_me "
                "FROM audit_events WHERE actor_id = ? "
                "OR (object_type = 'user' AND object_id = ?) ORDER BY id",
                (user_id, user_id, str(user_id)),
            ),
            "dialogue": await self._rows(
                "SELECT kind, step, team_id, data, updated_at FROM drafts WHERE user_id = ?", u
            ),
        }

    # --- pseudonymising ----------------------------------------------------------------------

    async def new_pseudonym(
        self, org_type: OrgType | None, reason: str, team_id: int | None, now: datetime
    ) -> int:
        """A new pseudonym and its stand-in user row; returns the pseudonym's number."""
        number = await self._insert(
            "INSERT INTO pseudonyms (team_id, org_type, reason, created_at) VALUES (?, ?, ?, ?)",
            # the day only: the moment would match the membership's end
            (team_id, org_type.value if org_type else None, reason, now.date().isoformat()),
        )
        day = datetime.combine(now.date(), time(), tzinfo=UTC)
        await self._exec(
            "INSERT INTO users (id, org_type, created_at) VALUES (?, ?, ?)",
            (pseudonym_user_id(number), org_type.value if org_type else None, to_db(day)),
        )
        return number

    async def open_tasks(self, team_id: int, user_id: int) -> list[int]:
        rows = await self._all(
            "SELECT id FROM tasks WHERE team_id = ? AND owner_id = ? AND status != 'done' "
            "ORDER BY id",
            (team_id, user_id),
        )
        return [int(r[0]) for r in rows]

    async def return_tasks(self, team_id: int, user_id: int, now: datetime) -> None:
        """The person's unfinished tasks (and those waiting in unfinished minutes) lose
        their owner: the coordinators take them over."""
        await self._exec(
            "UPDATE tasks SET owner_id = NULL, updated_at = ? "
            "WHERE team_id = ? AND owner_id = ? AND status != 'done'",
            (to_db(now), team_id, user_id),
        )
        await self._exec(
            f"UPDATE minutes_tasks SET owner_id = NULL WHERE owner_id = ? "
            f"AND meeting_id IN ({_TEAM_MEETINGS})",
            (user_id, team_id),
        )

    async def pseudonymise_team(self, team_id: int, user_id: int, stand_in: int) -> int:
        """Replace ``user_id`` by ``stand_in`` in every record of the team; the number of
        rows changed."""
        changed = 0
        for table, column, where in _TEAM_REFERENCES:
            changed += await self._exec(
                f"UPDATE {table} SET {column} = ? WHERE {column} = ? AND {where}",
                (stand_in, user_id, team_id),
            )
        await self._exec(  # nor is the team muted for them any more
            "DELETE FROM muted_teams WHERE user_id = ? AND team_id = ?", (user_id, team_id)
        )
        # messages about the team not sent yet to the person are not sent any more
        await self._exec(
            "DELETE FROM outbox WHERE user_id = ? AND team_id = ? AND sent_at IS NULL",
            (user_id, team_id),
        )
        return changed

    async def teams_with_records(self, user_id: int) -> list[int]:
        """Every team that holds anything of the person (a membership, even an old one, or a
        record: an administrator may have commented without being a member)."""
        rows = await self._all(
            f"""
            WITH me(u) AS (SELECT ?)
            SELECT team_id FROM memberships WHERE user_id IN me
            UNION SELECT team_id FROM problems WHERE reporter_id IN me
            UNION SELECT p.team_id FROM problem_events e JOIN problems p ON p.id = e.problem_id
                WHERE e.actor_id IN me
            UNION SELECT p.team_id FROM problem_supporters s
                JOIN problems p ON p.id = s.problem_id WHERE s.user_id IN me
            UNION SELECT team_id FROM proposals WHERE proposer_id IN me OR decided_by IN me
            UNION SELECT pr.team_id FROM proposal_supporters s
                JOIN proposals pr ON pr.id = s.proposal_id WHERE s.user_id IN me
            UNION SELECT team_id FROM meetings WHERE created_by IN me
            UNION SELECT m.team_id FROM meeting_answers a JOIN meetings m ON m.id = a.meeting_id
                WHERE a.user_id IN me
            UNION SELECT m.team_id FROM minutes_attendance a
                JOIN meetings m ON m.id = a.meeting_id WHERE a.user_id IN me
            UNION SELECT team_id FROM tasks WHERE owner_id IN me OR created_by IN me
            UNION SELECT team_id FROM invites
                WHERE created_by IN me OR used_by IN me OR revoked_by IN me
            {_MORE_TEAMS}
            """,
            (user_id,),
        )
        return sorted({int(r[0]) for r in rows if r[0] is not None})

    async def erase_person(self, user_id: int, audit_stand_in: int) -> None:
        """After every team is pseudonymised: the audit keeps the pseudonym, and the person's
        own rows (profile, memberships, drafts, messages) go."""
        await self._exec(
            "UPDATE audit_events SET actor_id = ? WHERE actor_id = ?", (audit_stand_in, user_id)
        )
        await self._exec(
            "UPDATE audit_events SET object_id = ? WHERE object_type = 'user' AND object_id = ?",
            (str(audit_stand_in), str(user_id)),
        )
        # ids in the audit's details (who invited, from and to whom a task went, whose data
        # was exported): the pseudonym stands there too, so nothing leads back to the person
        rows = await self._all(
            "SELECT id, details FROM audit_events WHERE details LIKE ?", (f"%{user_id}%",)
        )
        for row in rows:
            details = json.loads(row["details"] or "null")
            replaced = _replace_id(details, user_id, audit_stand_in)
            if replaced != details:
                await self._exec(
                    "UPDATE audit_events SET details = ? WHERE id = ?",
                    (json.dumps(replaced, ensure_ascii=False), row["id"]),
                )
        await self._exec("UPDATE admins SET added_by = NULL WHERE added_by = ?", (user_id,))
        await self._exec("DELETE FROM invite_failures WHERE user_id = ?", (user_id,))
        await self._exec("DELETE FROM drafts WHERE user_id = ?", (user_id,))
        await self._exec("DELETE FROM outbox WHERE user_id = ? OR chat_id = ?", (user_id, user_id))
        # the ids of messages delivered to them (kept to edit notices after a redaction)
        await self._exec("DELETE FROM outbox_messages WHERE chat_id = ?", (user_id,))
        # notices about the person to others: "can't reach them" goes, "a team lost its last
        # coordinator" stays without naming whom
        await self._exec(
            "DELETE FROM outbox WHERE json_extract(payload, '$.member_id') = ?", (user_id,)
        )
        await self._exec(
            "UPDATE outbox SET payload = json_remove(payload, '$.former') "
            "WHERE json_extract(payload, '$.former') = ?",
            (user_id,),
        )
        await self._exec(  # "tasks of a departed member": the list stays, the name goes
            "UPDATE outbox SET payload = json_remove(payload, '$.member_name') "
            "WHERE json_extract(payload, '$.member_name') = "
            "(SELECT display_name FROM users WHERE id = ?)",
            (user_id,),
        )
        await self._exec("UPDATE teams SET created_by = NULL WHERE created_by = ?", (user_id,))
        await self._exec("UPDATE group_chats SET added_by = NULL WHERE added_by = ?", (user_id,))
        # their settings, muted teams and digests (planned or done)
        await self._exec("DELETE FROM person_settings WHERE user_id = ?", (user_id,))
        await self._exec("DELETE FROM muted_teams WHERE user_id = ?", (user_id,))
        await self._exec(
            "DELETE FROM due_work WHERE kind = 'person.digest' AND ref_id = ?", (user_id,)
        )
        await self._exec("DELETE FROM memberships WHERE user_id = ?", (user_id,))
        await self._exec("DELETE FROM users WHERE id = ?", (user_id,))


_MORE_TEAMS = """
    UNION SELECT m.team_id FROM agenda_topics a JOIN meetings m ON m.id = a.meeting_id
        WHERE a.added_by IN me
    UNION SELECT m.team_id FROM minutes x JOIN meetings m ON m.id = x.meeting_id
        WHERE x.started_by IN me
    UNION SELECT m.team_id FROM minutes_tasks x JOIN meetings m ON m.id = x.meeting_id
        WHERE x.owner_id IN me OR x.created_by IN me
    UNION SELECT m.team_id FROM meeting_guests g JOIN meetings m ON m.id = g.meeting_id
        WHERE g.added_by IN me
"""


def _replace_id(value: Any, old: int, new: int) -> Any:
    """``value`` (parsed JSON) with every number equal to ``old`` replaced by ``new``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return new if value == old else value
    if isinstance(value, list):
        return [_replace_id(item, old, new) for item in value]
    if isinstance(value, dict):
        return {key: _replace_id(item, old, new) for key, item in value.items()}
    return value
