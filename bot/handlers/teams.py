"""City administrator: ``/newteam <name>`` and ``/teams``."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from bot.domain.models import Draft, Team
from bot.handlers.common import (
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

NEWTEAM = "newteam"


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


@guarded
async def on_teams(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    overview = await ctx.services.teams.overview(actor)
    if not overview:
        await no_teams_yet(update, t)
        return
    lines = [t.n_("<b>{n} team</b>", "<b>{n} teams</b>", len(overview))]
    for item in overview:
        members = t.n_("{n} member", "{n} members", item.members)
        coordinators = t.n_("{n} coordinator", "{n} coordinators", item.coordinators)
        group = t._("group linked") if item.team.group_chat_id else t._("no group")
        lines.append(f"• <b>{escape(item.team.name)}</b> — {members}, {coordinators}, {group}")
    await send_long(update, lines)


def register(app: Application) -> None:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    register_dialogue(NEWTEAM, DialogueSteps(on_text=_on_name, on_back=_on_show, on_show=_on_show))
    app.add_handler(CommandHandler("newteam", on_newteam, filters=private))
    app.add_handler(CommandHandler("teams", on_teams, filters=private))
