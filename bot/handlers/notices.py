"""Rendering the outbox's notices in the reader's language, at the moment they are sent.

Each renderer checks again that the reader may still see what the notice is about (a member
removed or a problem made confidential meanwhile gets nothing).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.config import Settings
from bot.domain.notices import Notice
from bot.domain.problems import Problem, ProposalStatus, Status
from bot.handlers.common import button, keyboard
from bot.i18n import Translator
from bot.rendering.problems import (
    category_name,
    escape,
    headline,
    problem_facts,
    shorten,
    status_name,
)
from bot.scheduling.outbox import OutMessage, Renderer
from bot.services.authz import Action, Actor
from bot.services.container import Services
from bot.services.errors import ServiceError
from bot.storage.outbox import OutboxItem

NoticeRenderer = Callable[[Services, Translator, OutboxItem], Awaitable[OutMessage | None]]


def renderer(services: Services, settings: Settings) -> Renderer:
    async def render(item: OutboxItem) -> list[OutMessage] | None:
        language = settings.language
        if item.user_id is not None:
            language = await services.users.language(item.user_id) or language
        t = Translator(language, settings.tz)
        try:
            message = await _RENDERERS[Notice(item.kind)](services, t, item)
        except ServiceError:  # the reader may no longer see it
            return None
        return [message] if message is not None else None

    return render


def _reader(services: Services, item: OutboxItem) -> Actor:
    assert item.user_id is not None
    return Actor(user_id=item.user_id, is_admin=item.user_id in services.admins)


def _open_button(t: Translator, problem_id: int):  # type: ignore[no-untyped-def]
    return keyboard([[button(t._("Open #{n}", n=problem_id), f"pb:v:{problem_id}")]])


async def _visible_problem(services: Services, item: OutboxItem) -> Problem:
    access = await services.problems.access(
        _reader(services, item), int(item.payload["problem_id"]), Action.VIEW_TEAM
    )
    return access.problem


async def _problem_new(services: Services, t: Translator, item: OutboxItem) -> OutMessage | None:
    problem = await _visible_problem(services, item)
    team = await services.teams.name_of(problem.team_id)
    lines = [
        "🆕 <b>" + t._("New problem") + "</b> · " + headline(t, problem),
        *problem_facts(t, problem, team or ""),
        "",
        escape(shorten(problem.description)),
    ]
    return OutMessage("\n".join(lines), _open_button(t, problem.id))


async def _problem_group(services: Services, t: Translator, item: OutboxItem) -> OutMessage | None:
    problem = await services.problems.for_group_notice(
        int(item.payload["problem_id"]), item.chat_id
    )
    if problem is None:
        return None
    text = t._(
        "New problem #{n}, {locality} — {category}",
        n=problem.id,
        locality=escape(problem.locality),
        category=category_name(t, problem.category),
    )
    if problem.urgency.value == "acute":
        text = "🚨 " + t._("ACUTE") + " · " + text
    text += "\n" + t._("Details in a private chat with me: /problem {n}", n=problem.id)
    return OutMessage(text)


async def _problem_status(services: Services, t: Translator, item: OutboxItem) -> OutMessage | None:
    problem = await _visible_problem(services, item)
    status = Status(item.payload["status"])
    text = t._(
        "Your problem {headline} has a new status: “{status}”.",
        headline=headline(t, problem),
        status=status_name(t, status),
    )
    return OutMessage(text, _open_button(t, problem.id))


async def _proposal_new(services: Services, t: Translator, item: OutboxItem) -> OutMessage | None:
    reader = _reader(services, item)
    proposal = await services.proposals.get(
        reader, int(item.payload["proposal_id"]), Action.VIEW_TEAM
    )
    if proposal.status is not ProposalStatus.OPEN:
        return None
    text = t._(
        "💡 New proposed solution for #{n} from {who}:",
        n=proposal.problem_id,
        who=escape(proposal.proposer_name or "?"),
    )
    text += "\n" + escape(shorten(proposal.text))
    return OutMessage(text, _open_button(t, proposal.problem_id))


async def _proposal_decided(
    services: Services, t: Translator, item: OutboxItem
) -> OutMessage | None:
    reader = _reader(services, item)
    proposal = await services.proposals.get(
        reader, int(item.payload["proposal_id"]), Action.VIEW_TEAM
    )
    if proposal.status is ProposalStatus.ACCEPTED:
        text = "✅ " + t._("Your proposal for #{n} was accepted.", n=proposal.problem_id)
    elif proposal.status is ProposalStatus.REJECTED:
        text = "❌ " + t._("Your proposal for #{n} was rejected.", n=proposal.problem_id)
    else:
        return None
    if proposal.reason:
        text += "\n" + t._("Reason: {reason}", reason=escape(proposal.reason))
    text += "\n<i>" + escape(shorten(proposal.text, 300)) + "</i>"
    return OutMessage(text, _open_button(t, proposal.problem_id))


_RENDERERS: dict[Notice, NoticeRenderer] = {
    Notice.PROBLEM_NEW: _problem_new,
    Notice.PROBLEM_GROUP: _problem_group,
    Notice.PROBLEM_STATUS: _problem_status,
    Notice.PROPOSAL_NEW: _proposal_new,
    Notice.PROPOSAL_DECIDED: _proposal_decided,
}
