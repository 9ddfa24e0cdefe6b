"""City administrator: ``/newteam <name>`` and ``/teams`` (each team renamed or archived from
its card: ``tm:<action>:<team>``)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.domain.models import Draft, Team
from bot.handlers.common import (
    BadButton,
    Rows,
    as_int,
    button,
    callback_args,
    escape,
    guarded,
    keyboard,
    lead_in,
    nav_row,
    no_teams_yet,
    require_actor,
    send_long,
    show,
)
from bot.handlers.context import BotContext
from bot.handlers.dialogue import DialogueSteps, register_dialogue
from bot.i18n import Translator
from bot.services import authz
from bot.services.authz import Action
from bot.services.dialogues import RENAME_TEAM
from bot.services.teams import TeamOverview

NEWTEAM = "newteam"
MAX_TEAM_BUTTONS = 90


def _created(t: Translator, team: Team) -> str:
    return t._(
        "Team <b>{team}</b> was created. Invite its first coordinator with /invite.",
        team=escape(team.name),
    )


@guarded
async def on_newteam(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    authz.require_admin(actor, Action.CREATE_TEAM)
    t = await ctx.tr(update)
    name = " ".join(ctx.args or [])
    if name:
        team = await ctx.services.teams.create(actor, name)
        await show(update, _created(t, team))
        return
    draft = await ctx.services.dialogues.start(actor.user_id, NEWTEAM, "name")
    await _on_show(update, ctx, draft)


async def _on_name(update: Update, ctx: BotContext, draft: Draft) -> None:
    actor = require_actor(update, ctx)
    message = update.effective_message
    team = await ctx.services.teams.create(actor, message.text if message and message.text else "")
    await ctx.services.dialogues.finish(draft.user_id)
    await show(update, _created(await ctx.tr(update), team))


async def _on_show(update: Update, ctx: BotContext, draft: Draft, lead: str = "") -> None:
    """The one question: the team's name (nothing before it, so Cancel only)."""
    t = await ctx.tr(update)
    await show(
        update,
        lead_in(lead, t._("What is the new team called? E.g. <i>Poruba</i>.")),
        keyboard([nav_row(t, back=False, step="name")]),
    )


def _overview_line(t: Translator, item: TeamOverview) -> str:
    members = t.n_("{n} member", "{n} members", item.members)
    coordinators = t.n_("{n} coordinator", "{n} coordinators", item.coordinators)
    group = t._("group linked") if item.team.group_chat_id else t._("no group")
    return f"{members}, {coordinators}, {group}"


@guarded
async def on_teams(update: Update, ctx: BotContext) -> None:
    await _list(update, ctx)


async def _list(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    overview = await ctx.services.teams.overview(actor)
    if not overview:
        await no_teams_yet(update, t)
        return
    lines = [t.n_("<b>{n} team</b>", "<b>{n} teams</b>", len(overview))]
    for item in overview:
        lines.append(f"• <b>{escape(item.team.name)}</b> — {_overview_line(t, item)}")
    lines += ["", t._("Tap a team to rename or archive it.")]
    rows: Rows = [
        [button(item.team.name[:40], f"tm:v:{item.team.id}")]
        for item in overview[:MAX_TEAM_BUTTONS]
    ]
    if update.callback_query is not None and len(overview) <= 40:
        await show(update, "\n".join(lines), keyboard(rows))
    else:
        await send_long(update, lines, keyboard(rows))


async def _card(update: Update, ctx: BotContext, t: Translator, team_id: int) -> None:
    item = await ctx.services.teams.team_overview(require_actor(update, ctx), team_id)
    text = f"<b>{escape(item.team.name)}</b>\n{_overview_line(t, item)}"
    rows: Rows = [
        [button("✏ " + t._("Rename"), f"tm:rn:{team_id}")],
        [button("🗄 " + t._("Archive"), f"tm:ar:{team_id}")],
        [button("« " + t._("Back to the list"), "tm:l:0")],
    ]
    await show(update, text, keyboard(rows))


@guarded
async def on_team_button(update: Update, ctx: BotContext) -> None:
    """``tm:<action>:<team>``: a team's card, renaming and archiving (administrator only;
    the service re-checks)."""
    action, value = callback_args(update, "tm", 2)
    team_id = as_int(value)
    actor = require_actor(update, ctx)
    authz.require_admin(actor, Action.EDIT_TEAM)
    t = await ctx.tr(update)
    teams = ctx.services.teams
    match action:
        case "l":
            await _list(update, ctx)
        case "v":
            await _card(update, ctx, t, team_id)
        case "rn":
            item = await teams.team_overview(actor, team_id)
            await ctx.services.dialogues.start(actor.user_id, RENAME_TEAM, "name", team_id=team_id)
            await show(
                update,
                t._("What should the team {team} be called now?", team=escape(item.team.name)),
                keyboard([nav_row(t)]),
            )
        case "ar":
            item = await teams.team_overview(actor, team_id)
            text = t._(
                "Archive the team <b>{team}</b>? It disappears from every list and choice, its "
                "members can no longer report in it and its group gets no more notices. "
                "Everything it holds stays stored.",
                team=escape(item.team.name),
            )
            rows: Rows = [
                [button(t._("Yes, archive"), f"tm:ak:{team_id}")],
                [button("« " + t._("No, go back"), f"tm:v:{team_id}")],
            ]
            await show(update, text, keyboard(rows))
        case "ak":
            team = await teams.archive(actor, team_id)
            await show(
                update,
                t._("The team {team} is archived.", team=escape(team.name)),
                keyboard([[button("« " + t._("Back to the list"), "tm:l:0")]]),
            )
        case _:
            raise BadButton(action)


async def _on_rename(update: Update, ctx: BotContext, draft: Draft) -> None:
    actor = require_actor(update, ctx)
    assert draft.team_id is not None
    message = update.effective_message
    team = await ctx.services.teams.rename(
        actor, draft.team_id, message.text if message is not None else None
    )
    await ctx.services.dialogues.finish(draft.user_id)
    t = await ctx.tr(update)
    await show(
        update,
        t._("The team is now called <b>{team}</b>.", team=escape(team.name)),
        keyboard([[button("« " + t._("Back to the list"), "tm:l:0")]]),
    )


async def _on_rename_back(update: Update, ctx: BotContext, draft: Draft) -> None:
    await ctx.services.dialogues.finish(draft.user_id)
    assert draft.team_id is not None
    await _card(update, ctx, await ctx.tr(update), draft.team_id)


def register(app: Application) -> None:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    register_dialogue(NEWTEAM, DialogueSteps(on_text=_on_name, on_back=_on_show, on_show=_on_show))
    register_dialogue(RENAME_TEAM, DialogueSteps(on_text=_on_rename, on_back=_on_rename_back))
    app.add_handler(CommandHandler("newteam", on_newteam, filters=private))
    app.add_handler(CommandHandler("teams", on_teams, filters=private))
    app.add_handler(CallbackQueryHandler(on_team_button, pattern=r"^tm:"))
