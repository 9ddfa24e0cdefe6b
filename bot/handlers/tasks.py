"""``/tasks``: my open tasks with Done / Blocked buttons (coordinators also see the team's
overdue ones), and the coordinator's "new task" dialogue started from a problem:
what → who (a member, or an organisation only) → by when.

Callback data: ``tk:<action>:<id>`` and ``tko:<user id | 0>`` in the dialogue; every press
re-checks the person (owner or coordinator) in the service.
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
from bot.handlers.dialogue import DialogueSteps, current_draft, register_dialogue
from bot.i18n import Translator
from bot.rendering.agenda import task_item
from bot.rendering.meetings import date_problem_text
from bot.rendering.problems import escape
from bot.scheduling.dates import DateParseError, parse_deadline
from bot.services.authz import Action
from bot.services.dialogues import TASK
from bot.services.tasks import clean_task

WHAT, WHO, ORG, WHEN = "what", "who", "org", "when"
_PREVIOUS = {WHO: WHAT, ORG: WHO, WHEN: WHO}


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


@guarded
async def on_tasks(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    tasks = ctx.services.tasks
    mine = await tasks.mine(actor)
    overdue = [task for task in await tasks.overdue(actor) if task.owner_id != actor.user_id]
    now = tasks.clock.now()
    if not mine and not overdue:
        await show(update, t._("You have no open tasks."))
        return
    if mine:
        await show(
            update, "<b>" + t.n_("{n} task of yours", "{n} tasks of yours", len(mine)) + "</b>"
        )
    for task in mine[:30]:
        await show(update, _task_text(t, task, now), keyboard(task_rows(t, task)))
    if overdue:
        lines = ["<b>" + t._("Overdue tasks in your teams") + "</b>"]
        lines += ["• " + _task_text(t, task, now) for task in overdue[:30]]
        await show(update, "\n".join(lines))


@guarded
async def on_task_button(update: Update, ctx: BotContext) -> None:
    action, value = callback_args(update, "tk", 2)
    t = await ctx.tr(update)
    actor = require_actor(update, ctx)
    if action == "n":
        await _start(update, ctx, t, as_int(value))
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


# --- the new-task dialogue -----------------------------------------------------------------


async def _start(update: Update, ctx: BotContext, t: Translator, problem_id: int) -> None:
    actor = require_actor(update, ctx)
    access = await ctx.services.problems.access(actor, problem_id, Action.MANAGE_PROBLEMS)
    draft = await ctx.services.dialogues.start(
        actor.user_id, TASK, WHAT, team_id=access.problem.team_id, data={"problem_id": problem_id}
    )
    await _prompt(update, ctx, t, draft)


async def _prompt(
    update: Update, ctx: BotContext, t: Translator, draft: Draft, note: str = ""
) -> None:
    nav = nav_row(t, back=draft.step in _PREVIOUS)
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
        case _:
            text = t._("By when? (e.g. <i>15.12.</i> or <i>15.12. 12:00</i>)")
    await show(update, (note + "\n\n" if note else "") + text, keyboard(rows))


async def _on_text(update: Update, ctx: BotContext, draft: Draft) -> None:
    t = await ctx.tr(update)
    message = update.effective_message
    text = message.text if message is not None else None
    match draft.step:
        case "what":
            draft = await ctx.services.dialogues.advance(draft, WHO, text=clean_task(text))
        case "org":
            draft = await ctx.services.dialogues.advance(draft, WHEN, org=text or "")
        case "when":
            await _save(update, ctx, t, draft, text or "")
            return
        case _:
            await _prompt(update, ctx, t, draft, t._("Please use the buttons."))
            return
    await _prompt(update, ctx, t, draft)


async def _save(update: Update, ctx: BotContext, t: Translator, draft: Draft, typed: str) -> None:
    zone = ctx.bot_data.settings.tz
    now = ctx.services.tasks.clock.now()
    try:
        moment = parse_deadline(typed, now, zone)
    except DateParseError as error:
        await _prompt(update, ctx, t, draft, date_problem_text(t, error.problem))
        return
    assert draft.team_id is not None
    owner = draft.data.get("owner_id")
    meeting_id, position = draft.data.get("meeting_id"), draft.data.get("position")
    if isinstance(meeting_id, int) and isinstance(position, int):  # agreed in the minutes
        planned = await ctx.services.minutes.add_task(
            require_actor(update, ctx),
            meeting_id,
            position,
            str(draft.data.get("text", "")),
            moment.utc,
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
        moment.utc,
        owner_id=owner if isinstance(owner, int) and owner else None,
        owner_org=str(draft.data.get("org") or "") or None,
        problem_id=draft.data.get("problem_id"),
    )
    await ctx.services.dialogues.finish(draft.user_id)
    await show(update, "📌 " + t._("Task saved:") + "\n" + _task_text(t, task, now))


async def _on_back(update: Update, ctx: BotContext, draft: Draft) -> None:
    t = await ctx.tr(update)
    previous = _PREVIOUS.get(draft.step)
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
    register_dialogue(TASK, DialogueSteps(on_text=_on_text, on_back=_on_back))
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("tasks", on_tasks, filters=private))
    app.add_handler(CallbackQueryHandler(on_task_button, pattern=r"^tk:"))
    app.add_handler(CallbackQueryHandler(on_owner, pattern=r"^tko:"))
