"""``/admins``: a city administrator lists, adds (by Telegram user id) and removes the other
administrators; those of the configuration stay. Callback data ``adm:<action>:<user>``."""

from __future__ import annotations

import logging

from telegram import BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.domain.models import Draft
from bot.handlers import menus
from bot.handlers.common import (
    BadButton,
    Rows,
    as_int,
    button,
    callback_args,
    escape,
    guarded,
    keyboard,
    nav_row,
    require_actor,
    show,
)
from bot.handlers.context import BotContext
from bot.handlers.dialogue import DialogueSteps, register_dialogue
from bot.services.admins import AdminEntry
from bot.services.dialogues import ADD_ADMIN

log = logging.getLogger(__name__)


def _who(entry: AdminEntry) -> str:
    if entry.name:
        return f"{escape(entry.name)} (id {entry.user_id})"
    return f"id {entry.user_id}"


async def _list(update: Update, ctx: BotContext, note: str | None = None) -> None:
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    entries = await ctx.services.admins.list(actor)
    lines = ["<b>" + t._("City administrators") + "</b>"]
    if note:
        lines.insert(0, note + "\n")
    for entry in entries:
        line = "• " + _who(entry)
        if entry.configured:
            line += " — " + t._("from the configuration")
        lines.append(line)
    rows: Rows = [
        [
            button(
                "✖ " + t._("Remove {name}", name=entry.name or str(entry.user_id))[:60],
                f"adm:rm:{entry.user_id}",
            )
        ]
        for entry in entries
        if not entry.configured
    ]
    rows.append([button("➕ " + t._("Add an administrator"), "adm:add:0")])
    await show(update, "\n".join(lines), keyboard(rows))


@guarded
async def on_admins(update: Update, ctx: BotContext) -> None:
    await _list(update, ctx)


@guarded
async def on_button(update: Update, ctx: BotContext) -> None:
    action, value = callback_args(update, "adm", 2)
    user_id = as_int(value)
    actor = require_actor(update, ctx)
    t = await ctx.tr(update)
    admins = ctx.services.admins
    match action:
        case "l":
            await _list(update, ctx)
        case "add":
            await admins.list(actor)  # administrators only
            await ctx.services.dialogues.start(actor.user_id, ADD_ADMIN, "id")
            await show(
                update,
                t._(
                    "Write the Telegram user id of the new administrator: a number such as "
                    "<i>123456789</i> (anyone can learn theirs e.g. from @userinfobot)."
                ),
                keyboard([nav_row(t)]),
            )
        case "rm":
            entries = {e.user_id: e for e in await admins.list(actor)}
            entry = entries.get(user_id)
            if entry is None:
                raise BadButton(value)  # not an administrator (any more)
            text = t._("Take the administrator's rights away from {who}?", who=_who(entry))
            rows: Rows = [
                [button(t._("Yes, remove"), f"adm:rmok:{user_id}")],
                [button("« " + t._("No, go back"), "adm:l:0")],
            ]
            await show(update, text, keyboard(rows))
        case "rmok":
            was = user_id in admins
            entry = await admins.remove(actor, user_id)
            if user_id == actor.user_id:  # gave up their own rights: no list to show any more
                await show(update, t._("You no longer have the city administrator's rights."))
                return
            await _list(update, ctx, t._("Removed: {who}", who=_who(entry)))
            if was:
                await _tell(ctx, user_id, removed=True)
        case _:
            raise BadButton(action)


async def _on_text(update: Update, ctx: BotContext, draft: Draft) -> None:
    actor = require_actor(update, ctx)
    message = update.effective_message
    text = message.text if message is not None else None
    was = text is not None and text.strip().isdigit() and int(text.strip()) in ctx.services.admins
    entry = await ctx.services.admins.add(actor, text)
    await ctx.services.dialogues.finish(draft.user_id)
    t = await ctx.tr(update)
    if was:  # nothing changed: say so rather than announce a "new" one
        await _list(update, ctx, t._("Already an administrator: {who}", who=_who(entry)))
        return
    await _list(update, ctx, t._("New administrator: {who}", who=_who(entry)))
    await _tell(ctx, entry.user_id, removed=False)


async def _on_back(update: Update, ctx: BotContext, draft: Draft) -> None:
    await ctx.services.dialogues.finish(draft.user_id)
    await _list(update, ctx)


async def _tell(ctx: BotContext, user_id: int, *, removed: bool) -> None:
    """Tell the person (if they ever wrote to the bot) and update their command menu."""
    language = await ctx.services.users.language(user_id) or ctx.settings.language
    t = ctx.translator_for(language)
    if removed:
        text = t._("You no longer have the city administrator's rights.")
    else:
        text = t._("You now have the city administrator's rights. /help shows what you can do.")
    try:
        await ctx.bot.send_message(user_id, text)
        if removed:  # back to the menu of everyone
            await ctx.bot.delete_my_commands(scope=BotCommandScopeChat(user_id))
        else:
            await menus.set_admin_menu(ctx.bot, ctx.settings, user_id, language)
    except TelegramError as error:
        log.info("could not tell administrator %s: %s", user_id, error)


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_dialogue(ADD_ADMIN, DialogueSteps(on_text=_on_text, on_back=_on_back))
    app.add_handler(CommandHandler("admins", on_admins, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^adm:"))
