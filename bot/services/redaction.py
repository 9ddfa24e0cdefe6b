"""Editing and redacting texts afterwards (docs/user-guide.md, "Soukromí"): the author of a
description, comment or proposal, and the coordinators of the problem's team (administrators
count as coordinators), may replace it with a new text or with a fixed marker; coordinators may
edit or redact a note of a held meeting's minutes and remove a photo.

The earlier text is replaced in place wherever it is stored (with its copies) and the
write-ahead log is emptied afterwards, so no older copy stays in the database file. The
problem's timeline records who and when, never the text. Notices already delivered that show the
text are returned to the caller to be edited (:meth:`OutboxSender.refresh`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.notices import Notice
from bot.domain.problems import EventKind, Problem
from bot.services import authz
from bot.services.authz import Action, Actor
from bot.services.base import Service
from bot.services.errors import NotAllowed, NotFound, NotMember, ProblemNotFound
from bot.services.minutes import NOTE_MAX
from bot.services.problems import clean_comment
from bot.services.proposals import clean_proposal
from bot.services.reports import clean_description
from bot.services.text import clean_text
from bot.storage.outbox import SentItem
from bot.storage.redaction import Comment, Note, StoredPhoto
from bot.storage.repos import Repos

#: what a redacted text becomes (stored as it is: the same in every language)
REDACTED = "[odstraněno]"
#: how many comments and notes the redaction screen offers (newest first)
SHOWN = 10


class TextKind(StrEnum):
    DESCRIPTION = "d"  # ref: the problem
    COMMENT = "c"  # ref: the timeline entry
    PROPOSAL = "p"  # ref: the proposal
    NOTE = "n"  # ref: meeting id and agenda position


@dataclass(frozen=True)
class Target:
    """A text the actor may edit, looked up and authorised afresh."""

    kind: TextKind
    ref: tuple[int, ...]
    team_id: int
    problem_id: int | None  # None for a note on a topic
    text: str

    @property
    def redacted(self) -> bool:
        return self.text == REDACTED


@dataclass(frozen=True)
class Editable:
    """What the actor may edit on one problem, for the redaction screen."""

    problem: Problem
    may_manage: bool
    texts: list[Target] = field(default_factory=list)
    photos: list[StoredPhoto] = field(default_factory=list)


@dataclass(frozen=True)
class Change:
    target: Target
    changed: bool  # False: the text was that already (a double tap, a redelivered press)
    sent: list[SentItem] = field(default_factory=list)  # delivered notices to edit


def clean_for(kind: TextKind, text: str | None) -> str:
    """The same rules as when the text was first written."""
    match kind:
        case TextKind.DESCRIPTION:
            return clean_description(text)
        case TextKind.COMMENT:
            return clean_comment(text)
        case TextKind.PROPOSAL:
            return clean_proposal(text)
        case TextKind.NOTE:
            return clean_text(text, min_len=1, max_len=NOTE_MAX)


#: the notices that show a text, and the payload key that names it
_NOTICES: dict[TextKind, tuple[list[str], str]] = {
    TextKind.DESCRIPTION: ([Notice.PROBLEM_NEW.value], "problem_id"),
    TextKind.PROPOSAL: (
        [Notice.PROPOSAL_NEW.value, Notice.PROPOSAL_DECIDED.value],
        "proposal_id",
    ),
    TextKind.NOTE: ([Notice.MINUTES.value], "meeting_id"),
}


class RedactionService(Service):
    async def editable(self, actor: Actor, problem_id: int) -> Editable:
        """The texts of the problem the actor may edit (and its photos, for a coordinator)."""
        async with self.db.read() as repos:
            access = await authz.require_problem(repos, actor, Action.VIEW_TEAM, problem_id)
            problem, manage = access.problem, access.may_manage
            texts: list[Target] = []
            if manage or problem.reporter_id == actor.user_id:
                texts.append(_description(problem))
            for proposal in await repos.proposals.for_problem(problem.team_id, problem_id):
                if manage or proposal.proposer_id == actor.user_id:
                    texts.append(
                        Target(
                            TextKind.PROPOSAL,
                            (proposal.id,),
                            problem.team_id,
                            problem_id,
                            proposal.text,
                        )
                    )
            for comment in await repos.redaction.comments(problem_id, SHOWN * 3):
                if manage or comment.author_id == actor.user_id:
                    texts.append(_comment(comment, problem.team_id))
            photos: list[StoredPhoto] = []
            if manage:
                notes = await repos.redaction.notes_on_problem(problem.team_id, problem_id, SHOWN)
                texts += [_note(note) for note in notes]
                photos = await repos.redaction.photos(problem_id)
        return Editable(problem, manage, texts[: SHOWN * 2], photos)

    async def target(self, actor: Actor, kind: TextKind, ref: tuple[int, ...]) -> Target:
        async with self.db.read() as repos:
            return await _authorised(repos, actor, kind, ref)

    async def replace(
        self, actor: Actor, kind: TextKind, ref: tuple[int, ...], text: str | None
    ) -> Change:
        """Replace the text with ``text`` (an edit) or with the marker (``None``: redact)."""
        new = REDACTED if text is None else clean_for(kind, text)
        now = self.clock.now()
        async with self.db.transaction() as repos:
            target = await _authorised(repos, actor, kind, ref)
            if target.text == new:
                return Change(target, changed=False)
            match kind:
                case TextKind.DESCRIPTION:
                    await repos.redaction.replace_description(target.team_id, ref[0], new)
                case TextKind.COMMENT:
                    comment = await repos.redaction.comment(ref[0])
                    assert comment is not None
                    await repos.redaction.replace_comment(comment, new)
                case TextKind.PROPOSAL:
                    await repos.redaction.replace_proposal(target.team_id, ref[0], target.text, new)
                case TextKind.NOTE:
                    note = await repos.redaction.note(ref[0], ref[1])
                    assert note is not None
                    await repos.redaction.replace_note(note, new)
            if kind is not TextKind.NOTE:  # the search index keeps no word of the old text
                await repos.search.purge()
            if target.problem_id is not None:
                await repos.problems.add_event(
                    target.problem_id, EventKind.EDITED, actor.user_id, now, text=kind.value
                )
            await repos.audit.add(
                now,
                actor.user_id,
                "text.redacted" if text is None else "text.edited",
                team_id=target.team_id,
                object_type=kind.name.lower(),
                object_id=":".join(str(x) for x in ref),
            )
            sent: list[SentItem] = []
            if kind in _NOTICES:
                kinds, key = _NOTICES[kind]
                sent = await repos.outbox.sent_about(kinds, key, ref[0])
            if kind is TextKind.PROPOSAL:  # an accepted proposal is quoted in the zápis too
                for meeting_id in await repos.minutes.meetings_accepting(ref[0]):
                    sent += await repos.outbox.sent_about(
                        [Notice.MINUTES.value], "meeting_id", meeting_id
                    )
        await self.db.checkpoint()  # no page with the earlier text stays in the log
        return Change(target, changed=True, sent=sent)

    async def photos(self, actor: Actor, problem_id: int) -> list[StoredPhoto]:
        async with self.db.read() as repos:
            await authz.require_problem(repos, actor, Action.MANAGE_PROBLEMS, problem_id)
            return await repos.redaction.photos(problem_id)

    async def remove_photo(self, actor: Actor, problem_id: int, position: int) -> bool:
        """Remove one photo (coordinators); False if it was removed already."""
        now = self.clock.now()
        async with self.db.transaction() as repos:
            access = await authz.require_problem(repos, actor, Action.MANAGE_PROBLEMS, problem_id)
            if not await repos.redaction.remove_photo(problem_id, position):
                return False
            await repos.problems.add_event(problem_id, EventKind.PHOTO_REMOVED, actor.user_id, now)
            await repos.audit.add(
                now,
                actor.user_id,
                "photo.removed",
                team_id=access.problem.team_id,
                object_type="problem",
                object_id=problem_id,
            )
        await self.db.checkpoint()
        return True


def _description(problem: Problem) -> Target:
    return Target(
        TextKind.DESCRIPTION, (problem.id,), problem.team_id, problem.id, problem.description
    )


def _comment(comment: Comment, team_id: int) -> Target:
    return Target(TextKind.COMMENT, (comment.id,), team_id, comment.problem_id, comment.text)


def _note(note: Note) -> Target:
    return Target(
        TextKind.NOTE, (note.meeting_id, note.position), note.team_id, note.problem_id, note.text
    )


async def _authorised(repos: Repos, actor: Actor, kind: TextKind, ref: tuple[int, ...]) -> Target:
    """The text, if the actor may edit it: its author or a coordinator of its team. A text the
    actor may not see answers like one that does not exist (and does not name its problem)."""
    if kind is TextKind.DESCRIPTION:
        return await _check(repos, actor, kind, ref)
    try:
        return await _check(repos, actor, kind, ref)
    except (ProblemNotFound, NotMember):
        raise NotFound(str(ref[0])) from None


async def _check(repos: Repos, actor: Actor, kind: TextKind, ref: tuple[int, ...]) -> Target:
    match kind:
        case TextKind.DESCRIPTION:
            access = await authz.require_problem(repos, actor, Action.VIEW_TEAM, ref[0])
            author = access.problem.reporter_id
            target = _description(access.problem)
        case TextKind.COMMENT:
            comment = await repos.redaction.comment(ref[0])
            if comment is None:
                raise NotFound(str(ref[0]))
            access = await authz.require_problem(repos, actor, Action.VIEW_TEAM, comment.problem_id)
            author = comment.author_id
            target = _comment(comment, access.problem.team_id)
        case TextKind.PROPOSAL:
            team_id = await repos.proposals.team_of(ref[0])
            proposal = await repos.proposals.get(team_id, ref[0]) if team_id else None
            if proposal is None:
                raise NotFound(str(ref[0]))
            access = await authz.require_problem(
                repos, actor, Action.VIEW_TEAM, proposal.problem_id
            )
            author = proposal.proposer_id
            target = Target(
                kind, (proposal.id,), proposal.team_id, proposal.problem_id, proposal.text
            )
        case TextKind.NOTE:
            note = await repos.redaction.note(ref[0], ref[1]) if len(ref) == 2 else None
            if note is None:
                raise NotFound(str(ref[0]))
            await authz.require(repos, actor, Action.MANAGE_MEETINGS, note.team_id)
            return _note(note)
    if not access.may_manage and (author is None or author != actor.user_id):
        raise NotAllowed("redact")
    return target
