"""``/invite`` (pick team and role, get a one-time link) and ``/invites`` (open ones, revoke)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.domain.models import Invite, Role, Team
from bot.handlers.common import (
    BadButton,
    Rows,
    as_int,
    button,
    callback_args,
    escape,
    guarded,
    keyboard,
    no_teams_yet,
    require_actor,
    send_long,
    show,
)
from bot.handlers.context import BotContext
from bot.i18n import Translator
from bot.rendering.labels import role_name
from bot.services.authz import Action

_ROLE_CODES = {"m": Role.MEMBER, "c": Role.COORDINATOR}


#: the steps of /invite keep no draft: each press carries the team, so Back and Cancel need none
_BACK, _CANCEL = "inv:b", "inv:c"


def _cancel(t: Translator) -> InlineKeyboardButton:
    return button("✖ " + t._("Cancel"), _CANCEL)


def _role_screen(t: Translator, team: Team, *, several: bool) -> tuple[str, Rows]:
    text = t._("Invite to <b>{team}</b> with the role:", team=escape(team.name))
    rows = [
        [button(role_name(t, role).capitalize(), f"inv:r:{team.id}:{code}")]
        for code, role in _ROLE_CODES.items()
    ]
    nav = [button("« " + t._("Back"), _BACK)] if several else []
    return text, [*rows, [*nav, _cancel(t)]]


@guarded
async def on_invite(update: Update, ctx: BotContext) -> None:
    await _team_choice(update, ctx)


async def _team_choice(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    teams = await ctx.services.teams.teams_for(actor, Action.INVITE)
    if not teams:
        await no_teams_yet(update, t)
        return
    if len(teams) == 1:
        text, rows = _role_screen(t, teams[0], several=False)
    else:
        text = t._("Which team do you want to invite someone to?")
        rows = [[button(team.name, f"inv:t:{team.id}")] for team in teams]
        rows.append([_cancel(t)])
    await show(update, text, keyboard(rows))


@guarded
async def on_pick_team(update: Update, ctx: BotContext) -> None:
    (team_id,) = callback_args(update, "inv:t", 1)
    actor = require_actor(update, ctx)
    team = await ctx.services.teams.get_for(actor, Action.INVITE, as_int(team_id))
    several = len(await ctx.services.teams.teams_for(actor, Action.INVITE)) > 1
    text, rows = _role_screen(await ctx.tr(update), team, several=several)
    await show(update, text, keyboard(rows))


@guarded
async def on_nav(update: Update, ctx: BotContext) -> None:
    """Back to the team choice, or Cancel: nothing was created yet either way."""
    query = update.callback_query
    t = await ctx.tr(update)
    if query is not None and query.data == _CANCEL:
        await show(update, t._("Cancelled. Nothing was saved."))
        return
    await _team_choice(update, ctx)


@guarded
async def on_pick_role(update: Update, ctx: BotContext) -> None:
    team_id, code = callback_args(update, "inv:r", 2)
    role = _ROLE_CODES.get(code)
    if role is None:
        raise BadButton(code)
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    created = await ctx.services.invites.create(actor, as_int(team_id), role)
    team = await ctx.services.teams.get_for(actor, Action.INVITE, as_int(team_id))
    link = f"https://t.me/{ctx.bot.username}?start={created.code}"
    text = t._(
        "Invite to <b>{team}</b> (role: {role}), valid until {expires}. It works once.\n"
        "Forward this link to the person (only to them):\n{link}",
        team=escape(team.name),
        role=role_name(t, role),
        expires=t.short_datetime(created.invite.expires_at),
        link=escape(link),
    )
    revoke = button(t._("Cancel this invite"), f"inv:x:{team.id}:{created.invite.id}")
    await show(update, text, keyboard([[revoke]]))


@guarded
async def on_revoke(update: Update, ctx: BotContext) -> None:
    team_id, invite_id = callback_args(update, "inv:x", 2)
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    await ctx.services.invites.revoke(actor, as_int(team_id), as_int(invite_id))
    await show(update, t._("The invite was cancelled; its link no longer works."))


def _invite_line(t: Translator, invite: Invite) -> str:
    return t._(
        "#{id} role: {role}, valid until {expires}",
        id=invite.id,
        role=role_name(t, invite.role),
        expires=t.short_datetime(invite.expires_at),
    )


@guarded
async def on_invites(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    teams = await ctx.services.teams.teams_for(actor, Action.INVITE)
    lines: list[str] = []
    rows: Rows = []
    for team in teams:
        pending = await ctx.services.invites.pending(actor, team.id)
        if not pending:
            continue
        lines.append(f"<b>{escape(team.name)}</b>")
        for invite in pending:
            lines.append("• " + _invite_line(t, invite))
            if len(rows) < 90:
                label = t._("Cancel #{id} ({team})", id=invite.id, team=team.name)
                rows.append([button(label, f"inv:x:{team.id}:{invite.id}")])
    if not lines:
        await show(update, t._("There are no open invites."))
        return
    await send_long(update, [t._("Open invites:"), *lines], keyboard(rows))


def register(app: Application) -> None:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("invite", on_invite, filters=private))
    app.add_handler(CommandHandler("invites", on_invites, filters=private))
    app.add_handler(CallbackQueryHandler(on_pick_team, pattern=r"^inv:t:"))
    app.add_handler(CallbackQueryHandler(on_pick_role, pattern=r"^inv:r:"))
    app.add_handler(CallbackQueryHandler(on_revoke, pattern=r"^inv:x:"))
    app.add_handler(CallbackQueryHandler(on_nav, pattern=r"^inv:[bc]$"))
