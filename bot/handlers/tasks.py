"""``/tasks``: my open tasks with Done / Blocked buttons; a coordinator switches between
"mine" and "the whole team" (every unfinished task of the teams they coordinate, team by team)
and opens a task's screen to reassign it or move its deadline. The coordinator's "new task"
dialogue is started from a problem: what → who (a member, or an organisation only) → by when
→ "I understood: …" → saved.

Callback data: ``tk:<action>:<id>``, ``tkr:<task>:<user id | 0>`` (reassign), ``tkc:<ok |
again>`` (the deadline understood) and ``tko:<user id | 0>`` in the dialogue; every press
re-checks the person (owner or coordinator of the task's team) in the service.
"""

from __future__ import annotations

from datetime import datetime

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.domain.models import Draft
from bot.domain.tasks import Task, TaskStatus
from bot.handlers.common import (
    BadButton,
    Rows,
    as_int,
    button,
    callback_args,
    guarded,
    keyboard,
    nav_row,
    require_actor,
    show,
)
from bot.handlers.context import BotContext
from bot.handlers.dialogue import DialogueSteps, checked_text, current_draft, register_dialogue
from bot.handlers.problem_detail import problem_tasks
from bot.i18n import Translator
from bot.rendering.agenda import task_item
from bot.rendering.meetings import date_problem_text
from bot.rendering.problems import escape, shorten
from bot.scheduling.dates import DateParseError, DateProblem, parse_deadline
from bot.services.authz import Action
from bot.services.dialogues import TASK, TASK_EDIT
from bot.services.tasks import clean_task

WHAT, WHO, ORG, WHEN, CONFIRM = "what", "who", "org", "when", "confirm"
_PREVIOUS = {WHO: WHAT, ORG: WHO, WHEN: WHO, CONFIRM: WHEN}
#: tasks listed on one screen (text and buttons stay well under Telegram's limits)
LIST_MAX = 15
#: characters of a task's text on a list button, and in a list line
LABEL_MAX = 40
LINE_MAX = 80


def _task_text(t: Translator, task: Task, now: datetime) -> str:
    return escape(task_item(t, task, now))


def task_rows(t: Translator, task: Task) -> Rows:
    if task.status is TaskStatus.OPEN:
        return [
            [
                button("✅ " + t._("Done"), f"tk:d:{task.id}"),
                button("⛔ " + t._("Blocked"), f"tk:b:{task.id}"),
            ]
        ]
    return [[button("↩ " + t._("Open again"), f"tk:o:{task.id}")]]


def list_line(t: Translator, task: Task, now: datetime) -> str:
    """A task on a list: its text shortened, so that fifteen of them fit one message."""
    short = task.model_copy(update={"text": shorten(task.text, LINE_MAX)})
    return _task_text(t, short, now)


def _label(task: Task) -> str:
    text = task.text if len(task.text) <= LABEL_MAX else task.text[: LABEL_MAX - 1] + "…"
    return f"{text} · {task.owner_name or task.owner_org or '—'}"


@guarded
async def on_tasks(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    if await ctx.services.tasks.coordinated(actor):
        await _list(update, ctx, t, whole_team=False)
        return
    tasks = ctx.services.tasks
    mine = await tasks.mine(actor)
    now = tasks.clock.now()
    if not mine:
        await show(update, t._("You have no open tasks."))
        return
    await show(update, "<b>" + t.n_("{n} task of yours", "{n} tasks of yours", len(mine)) + "</b>")
    for task in mine[:30]:
        await show(update, _task_text(t, task, now), keyboard(task_rows(t, task)))


async def _list(update: Update, ctx: BotContext, t: Translator, *, whole_team: bool) -> None:
    """A coordinator's list: their own tasks, or the whole team's, each opening its screen."""
    actor = require_actor(update, ctx)
    tasks = ctx.services.tasks
    now = tasks.clock.now()
    switch = [
        button(("• " if not whole_team else "") + "👤 " + t._("Mine"), "tk:l:m"),
        button(("• " if whole_team else "") + "👥 " + t._("Whole team"), "tk:l:a"),
    ]
    groups: list[tuple[str | None, list[Task]]]
    if whole_team:
        groups = [(team.name, found) for team, found in await tasks.coordinated(actor)]
        if not groups:
            raise BadButton("tk:l:a")  # not (or no longer) a coordinator anywhere
    else:
        groups = [(None, await tasks.mine(actor))]
    lines: list[str] = []
    rows: Rows = []
    shown = 0
    for name, found in groups:
        if name is not None:
            lines.append("")
            lines.append(
                f"<b>{escape(name)}</b> · " + t.n_("{n} open task", "{n} open tasks", len(found))
            )
        if name is not None and not found:
            lines.append(t._("No open tasks."))
        for task in found:
            if shown >= LIST_MAX:
                break
            shown += 1
            lines.append(f"{shown}. " + list_line(t, task, now))
            rows.append([button(f"{shown}. {_label(task)}", f"tk:v:{task.id}")])
    total = sum(len(found) for _, found in groups)
    if total > shown:
        lines.append(t.n_("… and {n} more", "… and {n} more", total - shown))
    if whole_team:
        title = t._("Open tasks of the teams you coordinate")
    else:
        title = (
            t.n_("{n} task of yours", "{n} tasks of yours", total)
            if total
            else t._("You have no open tasks.")
        )
    rows.append(switch)
    await show(update, "\n".join(["<b>" + title + "</b>", *lines]), keyboard(rows))


async def _screen(
    update: Update, ctx: BotContext, t: Translator, task_id: int, note: str = ""
) -> None:
    """One task: what, who, by when; Done/Blocked; a coordinator reassigns or moves it."""
    actor = require_actor(update, ctx)
    task, manages = await ctx.services.tasks.view(actor, task_id)
    now = ctx.services.tasks.clock.now()
    rows: Rows = []
    if task.owner_id == actor.user_id or manages:
        rows += task_rows(t, task)
    if manages and task.status is not TaskStatus.DONE:
        rows.append(
            [
                button("👤 " + t._("Reassign"), f"tk:r:{task.id}"),
                button("📅 " + t._("Change deadline"), f"tk:t:{task.id}"),
            ]
        )
    if manages:
        rows.append([button("« " + t._("All tasks"), "tk:l:a")])
    text = (note + "\n\n" if note else "") + _task_text(t, task, now)
    await show(update, text, keyboard(rows) if rows else None)


@guarded
async def on_task_button(update: Update, ctx: BotContext) -> None:
    action, value = callback_args(update, "tk", 2)
    t = await ctx.tr(update)
    actor = require_actor(update, ctx)
    match action:
        case "n":
            await _start(update, ctx, t, as_int(value))
            return
        case "l" if value in ("m", "a"):
            await _list(update, ctx, t, whole_team=value == "a")
            return
        case "v":
            await _screen(update, ctx, t, as_int(value))
            return
        case "r":
            await _owners(update, ctx, t, as_int(value))
            return
        case "t":
            task, _ = await ctx.services.tasks.owners_for(actor, as_int(value))
            draft = await ctx.services.dialogues.start(
                actor.user_id, TASK_EDIT, WHEN, team_id=task.team_id, data={"task_id": task.id}
            )
            await _prompt(update, ctx, t, draft)
            return
    status = {"d": TaskStatus.DONE, "b": TaskStatus.BLOCKED, "o": TaskStatus.OPEN}.get(action)
    if status is None:
        raise BadButton(action)
    task = await ctx.services.tasks.set_status(actor, as_int(value), status)
    now = ctx.services.tasks.clock.now()
    note = {
        TaskStatus.DONE: "✅ " + t._("Done. Thank you!"),
        TaskStatus.BLOCKED: "⛔ " + t._("Marked as blocked; the coordinators are told."),
        TaskStatus.OPEN: "↩ " + t._("Open again."),
    }[status]
    await show(update, _task_text(t, task, now) + "\n" + note, keyboard(task_rows(t, task)))


# --- reassigning ---------------------------------------------------------------------------


async def _owners(update: Update, ctx: BotContext, t: Translator, task_id: int) -> None:
    task, members = await ctx.services.tasks.owners_for(require_actor(update, ctx), task_id)
    now = ctx.services.tasks.clock.now()
    rows: Rows = [
        [button(m.display_name, f"tkr:{task.id}:{m.user_id}")]
        for m in members[:40]
        if m.user_id != task.owner_id
    ]
    rows.append([button("🏢 " + t._("An organisation only"), f"tkr:{task.id}:0")])
    rows.append([button("« " + t._("Back"), f"tk:v:{task.id}")])
    text = _task_text(t, task, now) + "\n\n" + t._("Who is to take the task over?")
    await show(update, text, keyboard(rows))


@guarded
async def on_reassign(update: Update, ctx: BotContext) -> None:
    task_value, owner_value = callback_args(update, "tkr", 2)
    t = await ctx.tr(update)
    actor = require_actor(update, ctx)
    task_id, owner_id = as_int(task_value), as_int(owner_value)
    if owner_id == 0:
        task, _ = await ctx.services.tasks.owners_for(actor, task_id)
        draft = await ctx.services.dialogues.start(
            actor.user_id, TASK_EDIT, ORG, team_id=task.team_id, data={"task_id": task.id}
        )
        await _prompt(update, ctx, t, draft)
        return
    task = await ctx.services.tasks.reassign(actor, task_id, owner_id=owner_id)
    await _screen(update, ctx, t, task.id, "👤 " + t._("Reassigned."))


# --- the new-task dialogue (and the edits typed in) ------------------------------------------


async def _start(update: Update, ctx: BotContext, t: Translator, problem_id: int) -> None:
    actor = require_actor(update, ctx)
    access = await ctx.services.problems.access(actor, problem_id, Action.MANAGE_PROBLEMS)
    draft = await ctx.services.dialogues.start(
        actor.user_id, TASK, WHAT, team_id=access.problem.team_id, data={"problem_id": problem_id}
    )
    await _prompt(update, ctx, t, draft)


def _back_step(draft: Draft) -> str | None:
    if draft.kind == TASK_EDIT:
        return WHEN if draft.step == CONFIRM else None
    return _PREVIOUS.get(draft.step)


async def _prompt(
    update: Update, ctx: BotContext, t: Translator, draft: Draft, note: str = ""
) -> None:
    # on the first step of a new task, « Back returns to the problem's tasks screen
    first = draft.kind == TASK and draft.step == WHAT
    nav = nav_row(t, back=first or _back_step(draft) is not None)
    rows: Rows = [nav]
    match draft.step:
        case "what":
            text = t._("New task for #{n}: what is to be done?", n=draft.data.get("problem_id"))
        case "who":
            assert draft.team_id is not None
            members = await ctx.services.tasks.owners(require_actor(update, ctx), draft.team_id)
            rows = [[button(m.display_name, f"tko:{m.user_id}")] for m in members[:40]]
            rows.append([button("🏢 " + t._("An organisation only"), "tko:0")])
            rows.append(nav)
            text = t._("Who is responsible?")
        case "org":
            text = t._("Which organisation? (e.g. <i>MP Ostrava</i>)")
        case "confirm":
            deadline = datetime.fromisoformat(str(draft.data["deadline"]))
            text = t._("I understood: <b>{when}</b>. Is that right?", when=t.datetime(deadline))
            rows = [
                [
                    button("✅ " + t._("Yes"), "tkc:ok"),
                    button("✏ " + t._("No, again"), "tkc:again"),
                ],
                nav,
            ]
        case _:
            text = t._(
                "By when? (e.g. <i>15.12.</i>, <i>15.12. 12:00</i>, <i>do pátku</i> or "
                "<i>za 14 dní</i>; a day alone means by 16:00)"
            )
    await show(update, (note + "\n\n" if note else "") + text, keyboard(rows))


async def _on_show(update: Update, ctx: BotContext, draft: Draft, lead: str) -> None:
    await _prompt(update, ctx, await ctx.tr(update), draft, lead)


async def _on_text(update: Update, ctx: BotContext, draft: Draft) -> None:
    t = await ctx.tr(update)
    message = update.effective_message
    text = message.text if message is not None else None
    if draft.step in ("what", "org"):
        # an organisation is often named after a person: there only numbers and addresses
        text = await checked_text(update, ctx, draft, text, names=draft.step == "what")
        if text is None:  # held back by the personal-data warning
            return
    match draft.step:
        case "what":
            draft = await ctx.services.dialogues.advance(draft, WHO, text=clean_task(text))
        case "org" if draft.kind == TASK_EDIT:
            task = await ctx.services.tasks.reassign(
                require_actor(update, ctx), int(draft.data["task_id"]), owner_org=text or ""
            )
            await ctx.services.dialogues.finish(draft.user_id)
            await _screen(update, ctx, t, task.id, "👤 " + t._("Reassigned."))
            return
        case "org":
            draft = await ctx.services.dialogues.advance(draft, WHEN, org=text or "")
        case "when":
            await _understood(update, ctx, t, draft, text or "")
            return
        case _:
            await _prompt(update, ctx, t, draft, t._("Please use the buttons."))
            return
    await _prompt(update, ctx, t, draft)


async def _understood(
    update: Update, ctx: BotContext, t: Translator, draft: Draft, typed: str
) -> None:
    """Read the deadline and say what was understood before anything is saved."""
    zone = ctx.bot_data.settings.tz
    now = ctx.services.tasks.clock.now()
    try:
        moment = parse_deadline(typed, now, zone)
    except DateParseError as error:
        await _prompt(update, ctx, t, draft, _deadline_problem_text(t, error.problem))
        return
    if moment.utc <= now:
        await _prompt(update, ctx, t, draft, date_problem_text(t, DateProblem.PAST))
        return
    draft = await ctx.services.dialogues.advance(draft, CONFIRM, deadline=moment.utc.isoformat())
    await _prompt(update, ctx, t, draft)


def _deadline_problem_text(t: Translator, problem: DateProblem) -> str:
    if problem in (DateProblem.EMPTY, DateProblem.UNREADABLE, DateProblem.NO_DATE):
        return t._(
            "I did not understand that deadline. I understand e.g. <i>4.12.</i>, "
            "<i>4.12. 12:00</i>, <i>zítra</i>, <i>do pátku</i>, <i>za týden</i>, "
            "<i>za 14 dní</i> or <i>do konce měsíce</i> (a day alone means by 16:00)."
        )
    return date_problem_text(t, problem)


@guarded
async def on_confirm(update: Update, ctx: BotContext) -> None:
    (value,) = callback_args(update, "tkc", 1)
    t = await ctx.tr(update)
    draft = await current_draft(update, ctx)
    if draft is None or draft.kind not in (TASK, TASK_EDIT) or draft.step != CONFIRM:
        raise BadButton("tkc")
    if value == "again":
        draft = await ctx.services.dialogues.advance(draft, WHEN)
        await _prompt(update, ctx, t, draft)
        return
    if value != "ok":
        raise BadButton(value)
    deadline = datetime.fromisoformat(str(draft.data["deadline"]))
    if draft.kind == TASK_EDIT:
        task = await ctx.services.tasks.set_deadline(
            require_actor(update, ctx), int(draft.data["task_id"]), deadline
        )
        await ctx.services.dialogues.finish(draft.user_id)
        await _screen(update, ctx, t, task.id, "📅 " + t._("Deadline changed."))
        return
    await _save(update, ctx, t, draft, deadline)


async def _save(
    update: Update, ctx: BotContext, t: Translator, draft: Draft, deadline: datetime
) -> None:
    now = ctx.services.tasks.clock.now()
    assert draft.team_id is not None
    owner = draft.data.get("owner_id")
    meeting_id, position = draft.data.get("meeting_id"), draft.data.get("position")
    if isinstance(meeting_id, int) and isinstance(position, int):  # agreed in the minutes
        planned = await ctx.services.minutes.add_task(
            require_actor(update, ctx),
            meeting_id,
            position,
            str(draft.data.get("text", "")),
            deadline,
            owner_id=owner if isinstance(owner, int) and owner else None,
            owner_org=str(draft.data.get("org") or "") or None,
        )
        await ctx.services.dialogues.finish(draft.user_id)
        back = [[button("« " + t._("Back to the minutes"), f"mn:i:{meeting_id}:{position}")]]
        await show(
            update,
            "📌 "
            + t._("Task agreed; it is given out when the minutes are finished:")
            + "\n"
            + _task_text(t, planned, now),
            keyboard(back),
        )
        return
    task = await ctx.services.tasks.create(
        require_actor(update, ctx),
        draft.team_id,
        str(draft.data.get("text", "")),
        deadline,
        owner_id=owner if isinstance(owner, int) and owner else None,
        owner_org=str(draft.data.get("org") or "") or None,
        problem_id=draft.data.get("problem_id"),
    )
    await ctx.services.dialogues.finish(draft.user_id)
    await show(update, "📌 " + t._("Task saved:") + "\n" + _task_text(t, task, now))


async def _on_back(update: Update, ctx: BotContext, draft: Draft) -> None:
    t = await ctx.tr(update)
    problem_id = draft.data.get("problem_id")
    if draft.kind == TASK and draft.step == WHAT and isinstance(problem_id, int):
        await ctx.services.dialogues.finish(draft.user_id)
        await problem_tasks(update, ctx, problem_id)
        return
    previous = _back_step(draft)
    if previous is not None:
        draft = await ctx.services.dialogues.advance(draft, previous)
    await _prompt(update, ctx, t, draft)


@guarded
async def on_owner(update: Update, ctx: BotContext) -> None:
    (value,) = callback_args(update, "tko", 1)
    t = await ctx.tr(update)
    draft = await current_draft(update, ctx)
    if draft is None or draft.kind != TASK or draft.step != WHO or draft.team_id is None:
        raise BadButton("tko")
    team_id = draft.team_id
    owner_id = as_int(value)
    if owner_id == 0:
        draft = await ctx.services.dialogues.advance(draft, ORG, owner_id=None)
    else:
        members = await ctx.services.tasks.owners(require_actor(update, ctx), team_id)
        if owner_id not in {m.user_id for m in members}:
            raise BadButton("owner")
        draft = await ctx.services.dialogues.advance(draft, WHEN, owner_id=owner_id, org=None)
    await _prompt(update, ctx, t, draft)


def register(app: Application) -> None:  # type: ignore[type-arg]
    steps = DialogueSteps(on_text=_on_text, on_back=_on_back, on_show=_on_show)
    register_dialogue(TASK, steps)
    register_dialogue(TASK_EDIT, steps)
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("tasks", on_tasks, filters=private))
    app.add_handler(CallbackQueryHandler(on_task_button, pattern=r"^tk:"))
    app.add_handler(CallbackQueryHandler(on_reassign, pattern=r"^tkr:"))
    app.add_handler(CallbackQueryHandler(on_confirm, pattern=r"^tkc:"))
    app.add_handler(CallbackQueryHandler(on_owner, pattern=r"^tko:"))
