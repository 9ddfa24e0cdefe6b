"""``/problem N`` and ``/propose N``: a problem's detail and what people do with it — support,
comment, propose, and the coordinator's status, lead, duplicate and confidentiality buttons.

Callback data carries only numbers (``pb:sp:12``); each press looks the problem up again and
re-checks what this person may do with it.
"""

from __future__ import annotations

import logging

from telegram import InputMediaDocument, InputMediaPhoto, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.domain.models import Draft, OrgType
from bot.domain.problems import FINAL_STATUSES, ProposalStatus, Status, allowed_transitions
from bot.handlers.common import (
    BadButton,
    Rows,
    as_int,
    button,
    guarded,
    keyboard,
    nav_row,
    require_actor,
    send_long,
    show,
)
from bot.handlers.context import BotContext
from bot.handlers.dialogue import DialogueSteps, checked_text, current_draft, register_dialogue
from bot.i18n import Translator
from bot.rendering.labels import org_type_name
from bot.rendering.problems import (
    detail_lines,
    escape,
    headline,
    organisation,
    status_name,
    task_line,
    timeline_line,
)
from bot.rendering.split import split_lines
from bot.services.authz import Action
from bot.services.dialogues import COMMENT, DUPLICATE, LEAD, PROPOSE, REJECT
from bot.services.errors import (
    BadTransition,
    InputProblem,
    InvalidInput,
    NotAllowed,
    ProblemNotFound,
)
from bot.services.problems import ProblemDetail, org_key
from bot.services.proposals import clean_proposal

log = logging.getLogger(__name__)

MAX_PROPOSAL_BUTTONS = 8


# --- the detail ----------------------------------------------------------------------------


def _number(text: str | None) -> int | None:
    if not text:
        return None
    text = text.strip().lstrip("#")
    return int(text) if text.isdigit() and len(text) < 16 else None


@guarded
async def on_problem(update: Update, ctx: BotContext) -> None:
    t = await ctx.tr(update)
    number = _number(ctx.args[0]) if ctx.args else None
    if number is None:
        await show(update, t._("Which problem? Write its number, e.g. /problem 12."))
        return
    await show_detail(update, ctx, number, fresh=True)


async def show_detail(update: Update, ctx: BotContext, problem_id: int, *, fresh: bool) -> None:
    """The detail with buttons; as a new message (``fresh``) or on the pressed one."""
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    detail = await ctx.services.problems.detail(actor, problem_id)
    p = detail.problem
    now = ctx.services.problems.clock.now()
    lines = detail_lines(
        t, p, detail.team.name, detail.proposals, *_timeline(detail), detail.tasks, now
    )
    markup = keyboard(_detail_buttons(t, detail, actor.user_id))
    parts = split_lines(lines)
    if not fresh and len(parts) == 1:
        await show(update, parts[0], markup)
    else:
        await send_long(update, lines, markup)


def _timeline(detail: ProblemDetail) -> tuple[list, int]:  # type: ignore[type-arg]
    return detail.timeline, detail.timeline_total


def _detail_buttons(t: Translator, detail: ProblemDetail, user_id: int) -> Rows:
    p = detail.problem
    n = p.id
    rows: Rows = []
    if p.status.is_open:
        if user_id in p.supporters:  # the button says what the press does: never a toggle
            support = button("👎 " + t._("Withdraw support"), f"pb:sp:{n}:0")
        else:
            support = button("👍 " + t._("Support ({n})", n=len(p.supporters)), f"pb:sp:{n}:1")
        rows.append([support, button("💬 " + t._("Comment"), f"pb:cm:{n}")])
        rows.append([button("💡 " + t._("Propose a solution"), f"pb:pr:{n}")])
    else:
        rows.append([button("💬 " + t._("Comment"), f"pb:cm:{n}")])
    open_proposals = [
        (index, pr)
        for index, pr in enumerate(detail.proposals, start=1)
        if pr.status is ProposalStatus.OPEN
    ]
    for index, proposal in open_proposals[:MAX_PROPOSAL_BUTTONS]:
        if user_id in proposal.supporters:
            support = button("👎 " + t._("Withdraw support {n}", n=index), f"pp:sp:{proposal.id}:0")
        else:
            count = len(proposal.supporters)
            support = button(f"👍 {index} ({count})", f"pp:sp:{proposal.id}:1")
        row = [support]
        if detail.access.may_manage:
            row.append(button("✅ " + t._("Accept {n}", n=index), f"pp:ok:{proposal.id}"))
            row.append(button("❌ " + t._("Reject {n}", n=index), f"pp:no:{proposal.id}"))
        rows.append(row)
    place = [button("📍 " + t._("Locality"), f"lc:p:{n}")]
    if p.photos:
        place.insert(
            0, button("📷 " + t.n_("{n} photo", "{n} photos", len(p.photos)), f"pb:ph:{n}")
        )
    rows.append(place)
    if p.status is Status.NEW and p.reporter_id == user_id:
        rows.append([button("↩ " + t._("Withdraw my report"), f"pb:wd:{n}")])
    last = []
    if detail.timeline_total > len(detail.timeline):
        last.append(button("📜 " + t._("Whole history"), f"pb:hi:{n}"))
    if detail.access.may_manage:  # everything a coordinator decides is one press away
        last.append(button("⚙ " + t._("Coordination ▸"), f"pb:co:{n}"))
    else:  # a coordinator finds it under "Coordination"
        last.append(button("✏ " + t._("Edit texts"), f"rd:l:{n}"))
    rows.append(last)
    return rows


def _coordination_buttons(t: Translator, detail: ProblemDetail, may_move: bool) -> Rows:
    """The coordinator's actions; the same buttons in the same places whatever the status
    (one not possible in the current status answers so when pressed)."""
    p = detail.problem
    n = p.id
    privacy = (
        button("👥 " + t._("Show to the whole team"), f"pb:cf:{n}:t")
        if p.coordinators_only
        else button("🔒 " + t._("Coordinators only"), f"pb:cf:{n}:c")
    )
    return [
        [
            button("🔄 " + t._("Status"), f"pb:st:{n}"),
            button("🏢 " + t._("Organisations"), f"pb:ld:{n}"),
        ],
        [button("🔁 " + t._("Duplicate of…"), f"pb:dp:{n}"), privacy],
        [button("📌 " + t._("Tasks"), f"pb:tk:{n}")]
        + ([button("➡ " + t._("Another team"), f"pb:mv:{n}")] if may_move else []),
        [button("✏ " + t._("Edit texts"), f"rd:l:{n}")],
        [button("« " + t._("Back"), f"pb:v:{n}")],
    ]


def _confirm_rows(t: Translator, yes: str, no: str) -> Rows:
    return [[button("✅ " + t._("Yes"), yes), button("✖ " + t._("No"), no)]]


# --- buttons -------------------------------------------------------------------------------


@guarded
async def on_button(update: Update, ctx: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    if len(parts) < 3 or parts[1] not in _BUTTONS:
        raise BadButton(query.data)
    await _BUTTONS[parts[1]](update, ctx, as_int(parts[2]), parts[3:])


async def _view(update: Update, ctx: BotContext, n: int, extra: list[str]) -> None:
    _no_more(extra)
    await show_detail(update, ctx, n, fresh=False)


async def _support(update: Update, ctx: BotContext, n: int, extra: list[str]) -> None:
    if extra:  # pb:sp:12:1 supports, pb:sp:12:0 withdraws; pressing it again changes nothing
        on = _on_off(extra)
        await ctx.services.problems.set_support(require_actor(update, ctx), n, on)
    # else an old toggle button (pb:sp:12) from before: it must not toggle, show the detail
    await show_detail(update, ctx, n, fresh=False)


def _on_off(extra: list[str]) -> bool:
    value = _one(extra)
    if value not in ("0", "1"):
        raise BadButton(extra)
    return value == "1"


async def _comment(update: Update, ctx: BotContext, n: int, extra: list[str]) -> None:
    _no_more(extra)
    actor = require_actor(update, ctx)
    access = await ctx.services.problems.access(actor, n, Action.REPORT)
    t = await ctx.tr(update)
    await ctx.services.dialogues.start(
        actor.user_id, COMMENT, "text", team_id=access.problem.team_id, data={"problem_id": n}
    )
    await show(
        update,
        t._("Write your comment on problem #{n} (at most 1,000 characters):", n=n),
        keyboard([nav_row(t)]),
    )


async def _propose(update: Update, ctx: BotContext, n: int, extra: list[str]) -> None:
    _no_more(extra)
    await start_proposal(update, ctx, n)


async def start_proposal(update: Update, ctx: BotContext, n: int) -> None:
    actor = require_actor(update, ctx)
    access = await ctx.services.proposals.check_may_propose(actor, n)
    t = await ctx.tr(update)
    await ctx.services.dialogues.start(
        actor.user_id, PROPOSE, "text", team_id=access.problem.team_id, data={"problem_id": n}
    )
    await show(
        update,
        t._(
            "Propose a solution for problem #{n}: who should do what? "
            "(at least 10 characters, at most 1,000)",
            n=n,
        ),
        keyboard([nav_row(t)]),
    )


async def _photos(update: Update, ctx: BotContext, n: int, extra: list[str]) -> None:
    _no_more(extra)
    actor = require_actor(update, ctx)
    detail = await ctx.services.problems.detail(actor, n)
    photos = detail.problem.photos
    chat = update.effective_chat
    if not photos or chat is None:
        return
    bot = update.get_bot()
    for kind_is_document in (False, True):
        group = [p for p in photos if p.is_document is kind_is_document]
        for start in range(0, len(group), 10):
            batch = group[start : start + 10]
            media = [
                InputMediaDocument(p.file_id) if p.is_document else InputMediaPhoto(p.file_id)
                for p in batch
            ]
            try:
                if len(media) == 1:
                    if kind_is_document:
                        await bot.send_document(chat.id, batch[0].file_id, caption=f"#{n}")
                    else:
                        await bot.send_photo(chat.id, batch[0].file_id, caption=f"#{n}")
                else:
                    await bot.send_media_group(chat.id, media, caption=f"#{n}")
            except TelegramError as error:
                log.warning("photos of #%s could not be sent: %s", n, error)
                t = await ctx.tr(update)
                await show(update, t._("The photos could not be sent; please try again later."))
                return


async def _status(update: Update, ctx: BotContext, n: int, extra: list[str]) -> None:
    """pb:st:12 offers the statuses, pb:st:12:solved asks to confirm, pb:st:12:solved:y does it."""
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    access = await ctx.services.problems.access(actor, n, Action.MANAGE_PROBLEMS)
    current = access.problem.status
    if extra:
        if len(extra) > 2 or (len(extra) == 2 and extra[1] != "y"):
            raise BadButton(extra)
        try:
            status = Status(extra[0])
        except ValueError:
            raise BadButton(extra) from None
        if len(extra) == 2:
            await ctx.services.problems.change_status(actor, n, status)
            await show_detail(update, ctx, n, fresh=False)
            return
        if status not in allowed_transitions(current):
            raise BadTransition(status.value)
        question = t._(
            "Really change the status of problem #{n} from “{old}” to “{new}”?",
            n=n,
            old=status_name(t, current),
            new=status_name(t, status),
        )
        if status in FINAL_STATUSES:
            detail = await ctx.services.problems.detail(actor, n)
            if detail.open_tasks:
                question = (
                    "⚠ "
                    + t.n_(
                        "The problem has {n} open task. Close it anyway?",
                        "The problem has {n} open tasks. Close it anyway?",
                        len(detail.open_tasks),
                    )
                    + "\n\n"
                    + question
                )
        await show(
            update,
            question,
            keyboard(_confirm_rows(t, f"pb:st:{n}:{status.value}:y", f"pb:st:{n}")),
        )
        return
    rows: Rows = []
    for status in allowed_transitions(current):
        label = t._("Reopen") if not current.is_open else status_name(t, status)
        rows.append([button(label, f"pb:st:{n}:{status.value}")])
    rows.append([button("« " + t._("Back"), f"pb:co:{n}")])
    await show(
        update,
        t._(
            "Problem #{n} is “{status}”. Change it to:",
            n=n,
            status=status_name(t, current),
        ),
        keyboard(rows),
    )


async def _coordination(update: Update, ctx: BotContext, n: int, extra: list[str]) -> None:
    _no_more(extra)
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    detail = await ctx.services.problems.detail(actor, n)
    if not detail.access.may_manage:
        raise NotAllowed(Action.MANAGE_PROBLEMS.value)
    p = detail.problem
    text = "\n".join(
        [
            f"<b>{headline(t, p)}</b>",
            t._("Status: {status}", status=status_name(t, p.status)),
            "",
            t._("Coordination: what do you want to do with the problem?"),
        ]
    )
    may_move = bool(await ctx.services.problems.move_targets(actor, n))
    await show(update, text, keyboard(_coordination_buttons(t, detail, may_move)))


async def _move(update: Update, ctx: BotContext, n: int, extra: list[str]) -> None:
    """pb:mv:12 the teams to move to, pb:mv:12:3 asks, pb:mv:12:3:y moves to team 3."""
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    if len(extra) > 2 or (len(extra) == 2 and extra[1] != "y"):
        raise BadButton(extra)
    targets = {team.id: team for team in await ctx.services.problems.move_targets(actor, n)}
    if len(extra) == 2:
        await ctx.services.problems.move(actor, n, as_int(extra[0]))
        await show_detail(update, ctx, n, fresh=False)
        return
    if extra:
        team = targets.get(as_int(extra[0]))
        if team is None:
            raise NotAllowed(Action.MANAGE_PROBLEMS.value)
        question = t._(
            "Really hand problem #{n} to the team {team}? Its reporter will be told.",
            n=n,
            team=escape(team.name),
        )
        rows = _confirm_rows(t, f"pb:mv:{n}:{team.id}:y", f"pb:mv:{n}")
        await show(update, question, keyboard(rows))
        return
    rows = [[button(team.name, f"pb:mv:{n}:{team.id}")] for team in list(targets.values())[:30]]
    rows.append([button("« " + t._("Back"), f"pb:co:{n}")])
    await show(update, t._("Which team should handle problem #{n}?", n=n), keyboard(rows))


async def _withdraw(update: Update, ctx: BotContext, n: int, extra: list[str]) -> None:
    """pb:wd:12 asks the reporter, pb:wd:12:y withdraws the report."""
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    if extra:
        if extra != ["y"]:
            raise BadButton(extra)
        await ctx.services.problems.withdraw(actor, n)
        await show_detail(update, ctx, n, fresh=False)
        return
    access = await ctx.services.problems.access(actor, n, Action.VIEW_TEAM)
    if access.problem.reporter_id != actor.user_id:
        raise NotAllowed("withdraw")
    if access.problem.status is not Status.NEW:
        raise BadTransition(access.problem.status.value)
    question = t._(
        "Really withdraw your report #{n}? It disappears from the lists and the agenda; "
        "the coordinators are told.",
        n=n,
    )
    await show(update, question, keyboard(_confirm_rows(t, f"pb:wd:{n}:y", f"pb:v:{n}")))


async def _tasks(update: Update, ctx: BotContext, n: int, extra: list[str]) -> None:
    """The problem's tasks for a coordinator, with a new one for an open problem."""
    _no_more(extra)
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    detail = await ctx.services.problems.detail(actor, n)
    if not detail.access.may_manage:
        raise NotAllowed(Action.MANAGE_PROBLEMS.value)
    now = ctx.services.problems.clock.now()
    lines = ["<b>" + t._("Tasks for problem #{n}", n=n) + "</b>"]
    lines += [task_line(t, task, now) for task in detail.tasks[:30]]
    if not detail.tasks:
        lines.append(t._("No tasks yet."))
    rows: Rows = []
    if detail.problem.status.is_open:
        rows.append([button("📌 " + t._("New task"), f"tk:n:{n}")])
    rows.append([button("« " + t._("Back"), f"pb:co:{n}")])
    await show(update, "\n".join(lines), keyboard(rows))


async def problem_tasks(update: Update, ctx: BotContext, n: int) -> None:
    """The problem's tasks screen (where « Back in the new-task dialogue returns)."""
    await _tasks(update, ctx, n, [])


async def _history(update: Update, ctx: BotContext, n: int, extra: list[str]) -> None:
    _no_more(extra)
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    entries = await ctx.services.problems.history(actor, n)
    lines = ["<b>" + t._("Whole history of problem #{n}", n=n) + "</b>"]
    lines += [timeline_line(t, e) for e in entries]
    markup = keyboard([[button("« " + t._("Back"), f"pb:v:{n}")]])
    if len(split_lines(lines)) == 1:
        await show(update, "\n".join(lines), markup)
    else:
        await send_long(update, lines, markup)


async def _organisations(update: Update, ctx: BotContext, n: int, extra: list[str]) -> None:
    """The lead organisation (any type, any name) and the contributing ones (from the team).

    ``pb:ld:12`` the overview; ``pb:ld:12:lt`` the lead's type; ``pb:ld:12:lt:MPO`` its name
    (typed, or one of the members' organisations of that type); ``pb:ld:12:lead:<key>`` a
    member's organisation leads, ``pb:ld:12:lead:-`` no lead; ``pb:ld:12:co:<key>:1`` (or
    ``:0``) an organisation contributes (or not). Every press says the wanted state.
    """
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    what = extra[0] if extra else ""
    if what == "lt":
        if len(extra) == 1:
            await _lead_types(update, ctx, t, n)
            return
        if len(extra) != 2:
            raise BadButton(extra)
        try:
            org_type = OrgType(extra[1])
        except ValueError:
            raise BadButton(extra) from None
        await _lead_name(update, ctx, t, n, org_type)
        return
    if what == "lead":
        if len(extra) != 2 or not extra[1]:
            raise BadButton(extra)
        await ctx.services.problems.set_lead(actor, n, None if extra[1] == "-" else extra[1])
        await _finish_lead_dialogue(update, ctx)
    elif what == "co":
        if len(extra) == 3:
            await ctx.services.problems.set_contributor(actor, n, extra[1], _on_off(extra[2:]))
        elif len(extra) != 2:  # pb:ld:12:co:<key> is an old toggle: show the current state
            raise BadButton(extra)
    elif extra:
        raise BadButton(extra)
    await show_organisations(update, ctx, n)


async def show_organisations(update: Update, ctx: BotContext, n: int) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    access = await ctx.services.problems.access(actor, n, Action.MANAGE_PROBLEMS)
    orgs = await ctx.services.problems.organisations(actor, n)
    problem = access.problem
    rows: Rows = [[button("★ " + t._("Choose the lead organisation"), f"pb:ld:{n}:lt")]]
    if problem.lead is not None:
        rows[0].append(button("✖ " + t._("No lead"), f"pb:ld:{n}:lead:-"))
    for org in orgs[:30]:
        contributing = org in problem.contributors
        mark, on = ("☑", 0) if contributing else ("☐", 1)
        name = f"{mark} {org.name} — {org_type_name(t, org.org_type)}"
        rows.append([button(name, f"pb:ld:{n}:co:{org_key(org)}:{on}")])
    rows.append([button("« " + t._("Back"), f"pb:co:{n}")])
    lead = (
        t._("Lead organisation: {org}", org=organisation(t, problem.lead))
        if problem.lead is not None
        else t._("No lead organisation yet.")
    )
    lines = ["<b>" + t._("Organisations for #{n}", n=n) + "</b>", lead]
    if orgs:
        lines.append(t._("☑ marks the organisations that help; tap to change."))
    await show(update, "\n".join(lines), keyboard(rows))


async def _lead_types(update: Update, ctx: BotContext, t: Translator, n: int) -> None:
    await ctx.services.problems.access(require_actor(update, ctx), n, Action.MANAGE_PROBLEMS)
    await _finish_lead_dialogue(update, ctx)
    buttons = [button(org_type_name(t, o), f"pb:ld:{n}:lt:{o.value}") for o in OrgType]
    rows: Rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [button("« " + t._("Back"), f"pb:ld:{n}"), button("✖ " + t._("Cancel"), f"pb:co:{n}")]
    )
    await show(
        update, t._("Which type of organisation leads the solution of #{n}?", n=n), keyboard(rows)
    )


async def _lead_name(
    update: Update, ctx: BotContext, t: Translator, n: int, org_type: OrgType
) -> None:
    actor = require_actor(update, ctx)
    access = await ctx.services.problems.access(actor, n, Action.MANAGE_PROBLEMS)
    await ctx.services.dialogues.start(
        actor.user_id,
        LEAD,
        "name",
        team_id=access.problem.team_id,
        data={"problem_id": n, "org_type": org_type.value},
    )
    orgs = await ctx.services.problems.organisations(actor, n)
    rows: Rows = [
        [button(org.name, f"pb:ld:{n}:lead:{org_key(org)}")]
        for org in orgs
        if org.org_type is org_type
    ][:20]
    rows.append(nav_row(t))
    text = t._(
        "Write the name of the leading organisation ({type}), e.g. <i>MP Ostrava</i>.",
        type=escape(org_type_name(t, org_type)),
    )
    if len(rows) > 1:
        text += "\n" + t._("Or choose one of the team's organisations:")
    await show(update, text, keyboard(rows))


async def _finish_lead_dialogue(update: Update, ctx: BotContext) -> None:
    draft = await current_draft(update, ctx)
    if draft is not None and draft.kind == LEAD:
        await ctx.services.dialogues.finish(draft.user_id)


async def _duplicate(update: Update, ctx: BotContext, n: int, extra: list[str]) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    if extra:  # confirmed: pb:dp:12:7
        original = as_int(_one(extra))
        draft = await current_draft(update, ctx)
        if draft is None or draft.kind != DUPLICATE or draft.data.get("problem_id") != n:
            raise BadButton(extra)
        merged = await ctx.services.problems.mark_duplicate(actor, n, original)
        await ctx.services.dialogues.finish(actor.user_id)
        text = (
            t._(
                "Problem #{n} is now marked a duplicate of #{m}; its supporters and comments "
                "were added to #{m}.",
                n=n,
                m=original,
            )
            if merged
            else t._(
                "Problem #{n} is now marked a duplicate of #{m}. It is for coordinators only and "
                "#{m} is not, so its comments and supporters stay with #{n}.",
                n=n,
                m=original,
            )
        )
        await show(
            update,
            text,
            keyboard([[button(t._("Open #{n}", n=original), f"pb:v:{original}")]]),
        )
        return
    access = await ctx.services.problems.access(actor, n, Action.MANAGE_PROBLEMS)
    await ctx.services.dialogues.start(
        actor.user_id, DUPLICATE, "number", team_id=access.problem.team_id, data={"problem_id": n}
    )
    await _ask_original(update, ctx, n)


def _example_original(n: int) -> int:
    """A number to show as an example of the original: never the problem's own (refused)."""
    return n - 1 if n > 1 else n + 1


async def _ask_original(update: Update, ctx: BotContext, n: int) -> None:
    t = await ctx.tr(update)
    await show(
        update,
        t._(
            "Problem #{n} is a duplicate of which problem? Write its number, e.g. {example}.",
            n=n,
            example=_example_original(n),
        ),
        keyboard([nav_row(t)]),
    )


async def _confidentiality(update: Update, ctx: BotContext, n: int, extra: list[str]) -> None:
    """pb:cf:12:c asks "really coordinators only?", pb:cf:12:c:y does it (t: the whole team)."""
    if not extra or len(extra) > 2 or extra[0] not in ("c", "t"):
        raise BadButton(extra)
    if len(extra) == 2 and extra[1] != "y":
        raise BadButton(extra)
    actor = require_actor(update, ctx)
    choice = extra[0] == "c"
    if len(extra) == 2:
        await ctx.services.problems.set_coordinators_only(actor, n, choice)
        await show_detail(update, ctx, n, fresh=False)
        return
    await ctx.services.problems.access(actor, n, Action.MANAGE_PROBLEMS)
    t = await ctx.tr(update)
    question = (
        t._("Really make problem #{n} visible to coordinators only?", n=n)
        if choice
        else t._("Really show problem #{n} to the whole team?", n=n)
    )
    await show(
        update, question, keyboard(_confirm_rows(t, f"pb:cf:{n}:{extra[0]}:y", f"pb:co:{n}"))
    )


def _one(extra: list[str]) -> str:
    if len(extra) != 1 or not extra[0]:
        raise BadButton(extra)
    return extra[0]


def _no_more(extra: list[str]) -> None:
    if extra:
        raise BadButton(extra)


_BUTTONS = {
    "v": _view,
    "sp": _support,
    "cm": _comment,
    "pr": _propose,
    "ph": _photos,
    "st": _status,
    "ld": _organisations,
    "dp": _duplicate,
    "cf": _confidentiality,
    "co": _coordination,
    "hi": _history,
    "tk": _tasks,
    "mv": _move,
    "wd": _withdraw,
}


# --- proposals -----------------------------------------------------------------------------


@guarded
async def on_propose_command(update: Update, ctx: BotContext) -> None:
    t = await ctx.tr(update)
    number = _number(ctx.args[0]) if ctx.args else None
    if number is None:
        await show(update, t._("For which problem? Write its number, e.g. /propose 12."))
        return
    await start_proposal(update, ctx, number)


@guarded
async def on_proposal_button(update: Update, ctx: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    support = len(parts) == 4 and parts[1] == "sp"
    if not support and (len(parts) != 3 or parts[1] not in ("sp", "ok", "no")):
        raise BadButton(query.data)
    proposal_id = as_int(parts[2])
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    if support:  # pp:sp:5:1 supports, pp:sp:5:0 withdraws
        proposal = await ctx.services.proposals.set_support(actor, proposal_id, _on_off(parts[3:]))
        await show_detail(update, ctx, proposal.problem_id, fresh=False)
    elif parts[1] == "sp":  # an old toggle button (pp:sp:5): show the current state instead
        proposal = await ctx.services.proposals.get(actor, proposal_id, Action.VIEW_TEAM)
        await show_detail(update, ctx, proposal.problem_id, fresh=False)
    elif parts[1] == "ok":
        proposal = await ctx.services.proposals.decide(actor, proposal_id, True, None)
        await show_detail(update, ctx, proposal.problem_id, fresh=False)
    else:
        proposal = await ctx.services.proposals.get(actor, proposal_id, Action.MANAGE_PROBLEMS)
        if proposal.status is not ProposalStatus.OPEN:
            await show_detail(update, ctx, proposal.problem_id, fresh=False)
            return
        await ctx.services.dialogues.start(
            actor.user_id,
            REJECT,
            "reason",
            team_id=proposal.team_id,
            data={"proposal_id": proposal_id, "problem_id": proposal.problem_id},
        )
        await show(
            update,
            t._("Why is the proposal rejected? The proposer will read your answer.")
            + "\n\n<i>"
            + escape(proposal.text[:300])
            + "</i>",
            keyboard([nav_row(t)]),
        )


@guarded
async def on_responsible(update: Update, ctx: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    value = (query.data or "").removeprefix("prr:")
    draft = await current_draft(update, ctx)
    if draft is None or draft.kind != PROPOSE or draft.step != "org":
        raise BadButton(value)
    if value == "-":
        responsible = None
    else:
        try:
            responsible = OrgType(value)
        except ValueError:
            raise BadButton(value) from None
    await _save_proposal(update, ctx, draft, responsible)


async def _save_proposal(
    update: Update, ctx: BotContext, draft: Draft, responsible: OrgType | None
) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    n = int(draft.data["problem_id"])
    await ctx.services.proposals.propose(actor, n, draft.data.get("text"), responsible)
    await ctx.services.dialogues.finish(actor.user_id)
    await show(
        update,
        t._("Thank you, your proposal for #{n} was saved. Others can now support it.", n=n),
        keyboard([[button(t._("Open #{n}", n=n), f"pb:v:{n}")]]),
    )


# --- typed answers of the small dialogues ---------------------------------------------------


async def _on_text(update: Update, ctx: BotContext, draft: Draft) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    message = update.effective_message
    text = message.text if message else None
    n = int(draft.data.get("problem_id", 0))
    if draft.kind in (COMMENT, REJECT) or (draft.kind == PROPOSE and draft.step == "text"):
        text = await checked_text(update, ctx, draft, text)
    elif draft.kind == LEAD:  # organisations are often named after people
        text = await checked_text(update, ctx, draft, text, names=False)
    if text is None:  # held back by the personal-data warning
        return
    if draft.kind == COMMENT:
        await ctx.services.problems.comment(actor, n, text)
        await ctx.services.dialogues.finish(actor.user_id)
        await show(
            update,
            t._("Your comment on #{n} was saved.", n=n),
            keyboard([[button(t._("Open #{n}", n=n), f"pb:v:{n}")]]),
        )
    elif draft.kind == PROPOSE and draft.step == "text":
        clean = clean_proposal(text)
        await ctx.services.dialogues.advance(draft, "org", text=clean)
        buttons = [button(org_type_name(t, org), f"prr:{org.value}") for org in OrgType]
        rows: Rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        rows.append([button(t._("Nobody in particular"), "prr:-")])
        rows.append(nav_row(t))
        await show(update, t._("Which organisation should be responsible for it?"), keyboard(rows))
    elif draft.kind == DUPLICATE:
        original = _number(text)
        if original is None:
            await show(
                update,
                t._(
                    "Please write just the number of the original problem, e.g. {example}.",
                    example=_example_original(n),
                ),
                keyboard([nav_row(t)]),
            )
            return
        if original == n:
            raise InvalidInput(InputProblem.SAME_PROBLEM)
        detail = await ctx.services.problems.detail(actor, original)
        if detail.problem.team_id != draft.team_id:  # as the service answers: not known here
            raise ProblemNotFound(original)
        if detail.problem.status is Status.DUPLICATE:
            raise InvalidInput(InputProblem.NOT_ORIGINAL)
        await ctx.services.dialogues.advance(draft, "confirm", original=original)
        await show(
            update,
            t._("Mark #{n} as a duplicate of this problem?", n=n)
            + "\n\n"
            + detail_lines(t, detail.problem, detail.team.name, [], [], 0)[0],
            keyboard(
                [
                    [button(t._("Yes, #{n} is a duplicate", n=n), f"pb:dp:{n}:{original}")],
                    nav_row(t),
                ]
            ),
        )
    elif draft.kind == LEAD:
        org_type = OrgType(str(draft.data["org_type"]))
        await ctx.services.problems.set_lead_named(actor, n, org_type, text)
        await ctx.services.dialogues.finish(actor.user_id)
        await show_organisations(update, ctx, n)
    elif draft.kind == REJECT:
        proposal_id = int(draft.data["proposal_id"])
        await ctx.services.proposals.decide(actor, proposal_id, False, text)
        await ctx.services.dialogues.finish(actor.user_id)
        await show(
            update,
            t._("The proposal was rejected and its author told."),
            keyboard([[button(t._("Open #{n}", n=n), f"pb:v:{n}")]]),
        )
    else:  # the proposal waits for the organisation button
        await show(update, t._("Please choose one of the buttons."), keyboard([nav_row(t)]))


async def _on_back(update: Update, ctx: BotContext, draft: Draft) -> None:
    if draft.kind == PROPOSE and draft.step == "org":
        await ctx.services.dialogues.advance(draft, "text")
        t = await ctx.tr(update)
        n = draft.data.get("problem_id")
        await show(
            update,
            t._("Propose a solution for problem #{n}: who should do what?", n=n)
            + "\n\n"
            + t._("So far:")
            + "\n"
            + escape(str(draft.data.get("text", ""))),
            keyboard([nav_row(t)]),
        )
        return
    n = int(draft.data["problem_id"])
    if draft.kind == LEAD:  # back to the organisation types
        await _lead_types(update, ctx, await ctx.tr(update), n)
    elif draft.kind == DUPLICATE and draft.step == "confirm":  # back to the number
        await ctx.services.dialogues.advance(draft, "number")
        await _ask_original(update, ctx, n)
    elif draft.kind == DUPLICATE:  # back where the coordinator came from
        await ctx.services.dialogues.finish(draft.user_id)
        await _coordination(update, ctx, n, [])
    elif draft.kind in (COMMENT, PROPOSE, REJECT):  # the first question: back to the problem
        await ctx.services.dialogues.finish(draft.user_id)
        await show_detail(update, ctx, n, fresh=False)
    else:
        raise BadButton(draft.step)


def register(app: Application) -> None:  # type: ignore[type-arg]
    steps = DialogueSteps(on_text=_on_text, on_back=_on_back)
    for kind in (COMMENT, PROPOSE, DUPLICATE, REJECT, LEAD):
        register_dialogue(kind, steps)
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("problem", on_problem, filters=private))
    app.add_handler(CommandHandler("propose", on_propose_command, filters=private))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^pb:"))
    app.add_handler(CallbackQueryHandler(on_proposal_button, pattern=r"^pp:"))
    app.add_handler(CallbackQueryHandler(on_responsible, pattern=r"^prr:"))
