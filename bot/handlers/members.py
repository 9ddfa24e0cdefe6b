"""``/members``: the team with organisations; coordinators change roles and remove members."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.domain.models import MemberView, Role, Team
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
from bot.rendering.labels import org_type_name, role_name
from bot.services.authz import Action

log = logging.getLogger(__name__)

MAX_MEMBER_BUTTONS = 90


def member_line(t: Translator, member: MemberView) -> str:
    line = (
        f"• <b>{escape(member.display_name)}</b> — "
        f"{escape(org_type_name(t, member.org_type))}, {escape(member.org_name)}"
    )
    if member.role is Role.COORDINATOR:
        line += f" ({role_name(t, member.role)})"
    return line


async def _show_roster(update: Update, ctx: BotContext, team_id: int) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    roster = await ctx.services.members.roster(actor, team_id)
    header = t.n_(
        "<b>{team}</b> — {n} member",
        "<b>{team}</b> — {n} members",
        len(roster.members),
        team=escape(roster.team.name),
    )
    lines = [header, *(member_line(t, m) for m in roster.members)]
    rows = []
    if roster.may_manage:
        lines.append("")
        lines.append(t._("Tap a name to change the role or remove the member."))
        rows = [
            [button(m.display_name[:40], f"mem:u:{roster.team.id}:{m.user_id}")]
            for m in roster.members[:MAX_MEMBER_BUTTONS]
            if m.user_id != actor.user_id or actor.is_admin
        ]
    markup = keyboard(rows) if rows else None
    if update.callback_query is not None and len(roster.members) <= 40:
        await show(update, "\n".join(lines), markup)
    else:
        await send_long(update, lines, markup)


@guarded
async def on_members(update: Update, ctx: BotContext) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    teams = await ctx.services.teams.teams_for(actor, Action.VIEW_TEAM)
    if not teams:
        await no_teams_yet(update, t)
    elif len(teams) == 1:
        await _show_roster(update, ctx, teams[0].id)
    else:
        rows = [[button(team.name, f"mem:t:{team.id}")] for team in teams]
        rows.append([button("✖ " + t._("Cancel"), "mem:x")])
        await show(update, t._("Which team?"), keyboard(rows))


@guarded
async def on_close(update: Update, ctx: BotContext) -> None:
    """✖ Cancel on the team picker: nothing was chosen, the picker is closed."""
    t = await ctx.tr(update)
    await show(update, t._("Cancelled. Nothing was saved."))


@guarded
async def on_pick_team(update: Update, ctx: BotContext) -> None:
    (team_id,) = callback_args(update, "mem:t", 1)
    await _show_roster(update, ctx, as_int(team_id))


def _card(
    t: Translator, team: Team, member: MemberView, *, admin: bool = False
) -> tuple[str, Rows]:
    text = "\n".join(
        [
            f"<b>{escape(member.display_name)}</b>",
            f"{escape(org_type_name(t, member.org_type))}, {escape(member.org_name)}",
            t._("Role in {team}: {role}", team=escape(team.name), role=role_name(t, member.role)),
            t._("Member since {date}", date=t.date(member.joined_at)),
        ]
    )
    ids = f"{team.id}:{member.user_id}"
    if member.role is Role.MEMBER:
        role_button = button(t._("Make coordinator"), f"mem:role:{ids}:c")
    else:
        role_button = button(t._("Make ordinary member"), f"mem:role:{ids}:m")
    rows = [
        [role_button],
        [button(t._("Remove from the team"), f"mem:rm:{ids}")],
    ]
    if admin:  # on the person's request: a copy of their data, or their erasure (privacy.py)
        rows += [
            [button("📄 " + t._("Their data (on request)"), f"prv:x:{member.user_id}")],
            [button("🗑 " + t._("Erase the person (on request)"), f"prv:e:{member.user_id}")],
        ]
    rows += [
        [button("« " + t._("Back to the list"), f"mem:t:{team.id}")],
    ]
    return text, rows


@guarded
async def on_card(update: Update, ctx: BotContext) -> None:
    team_id, user_id = callback_args(update, "mem:u", 2)
    actor = require_actor(update, ctx)
    team, member = await ctx.services.members.member(actor, as_int(team_id), as_int(user_id))
    text, rows = _card(await ctx.tr(update), team, member, admin=actor.is_admin)
    await show(update, text, keyboard(rows))


@guarded
async def on_role(update: Update, ctx: BotContext) -> None:
    team_id, user_id, code = callback_args(update, "mem:role", 3)
    roles = {"c": Role.COORDINATOR, "m": Role.MEMBER}
    if code not in roles:
        raise BadButton(code)
    actor = require_actor(update, ctx)
    member = await ctx.services.members.change_role(
        actor, as_int(team_id), as_int(user_id), roles[code]
    )
    team, member = await ctx.services.members.member(actor, as_int(team_id), member.user_id)
    text, rows = _card(await ctx.tr(update), team, member, admin=actor.is_admin)
    await show(update, text, keyboard(rows))


@guarded
async def on_remove_ask(update: Update, ctx: BotContext) -> None:
    team_id, user_id = callback_args(update, "mem:rm", 2)
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    team, member = await ctx.services.members.member(actor, as_int(team_id), as_int(user_id))
    ids = f"{team.id}:{member.user_id}"
    text = t._(
        "Remove <b>{name}</b> from the team {team}? They lose access at once.",
        name=escape(member.display_name),
        team=escape(team.name),
    )
    if member.role is Role.COORDINATOR:
        roster = await ctx.services.members.roster(actor, team.id)
        if sum(m.role is Role.COORDINATOR for m in roster.members) <= 1:
            text += "\n\n" + t._(
                "This is the team's last coordinator: until a new one joins, the administrators "
                "coordinate the team."
            )
    rows = [
        [button(t._("Yes, remove"), f"mem:rmok:{ids}")],
        [button("« " + t._("No, go back"), f"mem:u:{ids}")],
    ]
    await show(update, text, keyboard(rows))


@guarded
async def on_remove(update: Update, ctx: BotContext) -> None:
    team_id, user_id = callback_args(update, "mem:rmok", 2)
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    team, member = await ctx.services.members.remove(actor, as_int(team_id), as_int(user_id))
    await show(
        update,
        t._(
            "Removed from the team {team}: {name}.",
            name=escape(member.display_name),
            team=escape(team.name),
        ),
        keyboard([[button("« " + t._("Back to the list"), f"mem:t:{team.id}")]]),
    )
    await _tell_removed(ctx, team, member)


async def _tell_removed(ctx: BotContext, team: Team, member: MemberView) -> None:
    language = await ctx.services.users.language(member.user_id)
    t = ctx.translator_for(language or ctx.settings.language)
    try:
        await ctx.bot.send_message(
            member.user_id,
            t._("You are no longer a member of the team {team}.", team=escape(team.name)),
        )
    except TelegramError as error:
        log.info("could not tell removed member %s: %s", member.user_id, error)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("members", on_members, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_pick_team, pattern=r"^mem:t:"))
    app.add_handler(CallbackQueryHandler(on_close, pattern=r"^mem:x$"))
    app.add_handler(CallbackQueryHandler(on_card, pattern=r"^mem:u:"))
    app.add_handler(CallbackQueryHandler(on_role, pattern=r"^mem:role:"))
    app.add_handler(CallbackQueryHandler(on_remove_ask, pattern=r"^mem:rm:"))
    app.add_handler(CallbackQueryHandler(on_remove, pattern=r"^mem:rmok:"))
