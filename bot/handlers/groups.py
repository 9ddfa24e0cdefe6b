"""Team group chats: ``/linkgroup``, arriving in and leaving groups, supergroup migration."""

from __future__ import annotations

import logging

from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.handlers.common import (
    BadButton,
    as_int,
    button,
    callback_args,
    escape,
    guarded,
    guarded_in_groups,
    keyboard,
    require_actor,
    show,
)
from bot.handlers.context import BotContext
from bot.services.authz import Action
from bot.services.groups import Arrival

log = logging.getLogger(__name__)

GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP)
_PRESENT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED)


@guarded
async def on_linkgroup(update: Update, ctx: BotContext) -> None:
    chat = update.effective_chat
    t = await ctx.tr(update)
    if chat is None or chat.type not in GROUP_TYPES:
        await show(update, t._("Send /linkgroup in the team's group chat, not here."))
        return
    actor = require_actor(update, ctx)
    teams = await ctx.services.teams.teams_for(actor, Action.LINK_GROUP)
    if len(teams) == 1:
        await _link_or_ask(update, ctx, teams[0].id)
        return
    rows = [[button(team.name, f"lg:{team.id}")] for team in teams]
    await show(update, t._("Which team does this group belong to?"), keyboard(rows))


@guarded_in_groups
async def on_pick_team(update: Update, ctx: BotContext) -> None:
    (team_id,) = callback_args(update, "lg", 1)
    await _link_or_ask(update, ctx, as_int(team_id))


@guarded_in_groups
async def on_confirm_move(update: Update, ctx: BotContext) -> None:
    (team_id,) = callback_args(update, "lgm", 1)
    await _link(update, ctx, as_int(team_id))


async def _link_or_ask(update: Update, ctx: BotContext, team_id: int) -> None:
    """Link at once, unless the team already has another group: moving the link is asked."""
    actor = require_actor(update, ctx)
    chat = update.effective_chat
    if chat is None or chat.type not in GROUP_TYPES:  # a forged press in a private chat
        raise BadButton("linkgroup outside a group")
    team = await ctx.services.groups.linkable_team(actor, team_id)
    t = await ctx.tr(update)
    owner = await ctx.services.groups.team_of(chat.id)
    # another team's group: only one who may link groups for that team may move it
    if (
        owner is not None
        and owner.id != team.id
        and not await ctx.services.groups.may_link(actor, owner.id)
    ):
        await show(
            update,
            t._(
                "This group belongs to the team {team}; only its coordinators can link "
                "it to another team.",
                team=escape(owner.name),
            ),
        )
        return
    if team.group_chat_id is None or team.group_chat_id == chat.id:
        await _link(update, ctx, team_id)
        return
    await show(
        update,
        t._(
            "The team <b>{team}</b> already has a linked group. Link this group instead? "
            "The other one will then get nothing more.",
            team=escape(team.name),
        ),
        keyboard([[button(t._("Yes, link this group"), f"lgm:{team.id}")]]),
    )


async def _link(update: Update, ctx: BotContext, team_id: int) -> None:
    actor = require_actor(update, ctx)
    chat = update.effective_chat
    if chat is None or chat.type not in GROUP_TYPES:  # a forged press in a private chat
        raise BadButton("linkgroup outside a group")
    t = await ctx.tr(update)
    result = await ctx.services.groups.link(actor, chat.id, chat.title or "", team_id)
    if result.previous_chat_id is not None and result.previous_chat_id != chat.id:
        await _say(
            ctx,
            result.previous_chat_id,
            t._(
                "This group is no longer linked to the team {team}: a coordinator linked "
                "another group.",
                team=escape(result.team.name),
            ),
        )
    await show(
        update,
        t._(
            "This group is now linked to the team <b>{team}</b>. It will get short notices, "
            "meeting reminders and agendas; details stay in private chats.",
            team=escape(result.team.name),
        ),
    )


async def on_my_chat_member(update: Update, ctx: BotContext) -> None:
    change = update.my_chat_member
    if change is None:
        return
    if change.chat.type == ChatType.PRIVATE:  # the person blocked or unblocked the bot
        blocked = change.new_chat_member.status == ChatMember.BANNED
        await ctx.services.users.set_reachable(change.chat.id, not blocked)
        return
    if change.chat.type not in GROUP_TYPES:
        return
    chat = change.chat
    if _was_removed(change):
        team = await ctx.services.groups.bot_removed(chat.id)
        log.info("removed from group %s (team %s)", chat.id, team.id if team else None)
        return
    if not _was_added(change):
        return
    actor = ctx.actor(update)
    arrival = await ctx.services.groups.bot_added(chat.id, chat.title or "", actor)
    t = await ctx.tr(update)
    if arrival is Arrival.AWAIT_LINK:
        await _say(
            ctx,
            chat.id,
            t._(
                "Hello! A coordinator can now send /linkgroup here to link this group to their "
                "team. If nobody does, I will leave."
            ),
        )
    elif arrival is Arrival.LEAVE:
        await _say(
            ctx,
            chat.id,
            t._("I work only in group chats of MDT teams, added by their coordinator. Goodbye."),
        )
        await _leave(ctx, chat.id)


def _was_added(change: ChatMemberUpdated) -> bool:
    was_present = change.old_chat_member.status in _PRESENT
    return not was_present and change.new_chat_member.status in _PRESENT


def _was_removed(change: ChatMemberUpdated) -> bool:
    return change.new_chat_member.status in (ChatMember.LEFT, ChatMember.BANNED)


async def on_migrate(update: Update, ctx: BotContext) -> None:
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    await ctx.services.groups.migrated(message.chat.id, message.migrate_to_chat_id)


async def leave_unlinked_groups(ctx: BotContext) -> None:
    """Job: leave groups that nobody linked within the grace period."""
    t = ctx.translator_for(ctx.settings.language)
    for group in await ctx.services.groups.to_leave():
        await _say(ctx, group.chat_id, t._("Nobody linked this group to a team, so I am leaving."))
        await _leave(ctx, group.chat_id)
        await ctx.services.groups.forget(group.chat_id)


async def _say(ctx: BotContext, chat_id: int, text: str) -> None:
    try:
        await ctx.bot.send_message(chat_id, text)
    except TelegramError as error:
        log.info("could not write to group %s: %s", chat_id, error)


async def _leave(ctx: BotContext, chat_id: int) -> None:
    try:
        await ctx.bot.leave_chat(chat_id)
    except TelegramError as error:
        log.info("could not leave group %s: %s", chat_id, error)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("linkgroup", on_linkgroup))
    app.add_handler(CallbackQueryHandler(on_pick_team, pattern=r"^lg:"))
    app.add_handler(CallbackQueryHandler(on_confirm_move, pattern=r"^lgm:"))
    app.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_migrate))
