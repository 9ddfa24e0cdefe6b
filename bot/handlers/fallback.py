"""Last in line: unknown commands, stale buttons, and the error handler."""

from __future__ import annotations

import logging
import time
import weakref
from typing import Any

from telegram import Update
from telegram.error import Conflict, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.handlers.common import BadButton, answer_query, answered, cannot_save, guarded, show
from bot.handlers.context import BotContext
from bot.storage.db import StorageUnavailable

log = logging.getLogger(__name__)

#: commands that show personal or team details, answered only in private chats
PRIVATE_ONLY_COMMANDS = [
    "start",
    "members",
    "invite",
    "invites",
    "profile",
    "newteam",
    "teams",
    "lang",
    "settings",
    "cancel",
    "report",
    "problems",
    "export",
    "problem",
    "meeting",
    "agenda",
    "tasks",
    "minutes",
    "documents",
    "propose",
    "team",
    "stats",
    "locality",
]


@guarded
async def on_unknown_command(update: Update, ctx: BotContext) -> None:
    t = await ctx.tr(update)
    await show(update, t._("I do not know that command. /help lists what I can do."))


@guarded
async def on_private_only(update: Update, ctx: BotContext) -> None:
    t = await ctx.tr(update)
    await show(update, t._("Please write this command to me in a private chat."))


@guarded
async def on_unknown_button(update: Update, ctx: BotContext) -> None:
    query = update.callback_query
    raise BadButton(query.data if query else None)


#: at most one log line per this many seconds about another poller of the same token
CONFLICT_LOG_EVERY = 60.0
_conflict_logged: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()


def _log_conflict(ctx: BotContext, error: Conflict) -> None:
    """409 Conflict from getUpdates: the same token is polled elsewhere (or a webhook is set).
    Polling goes on retrying; the log says so once a minute, not at every retry."""
    now = time.monotonic()
    last = _conflict_logged.get(ctx.bot_data)
    if last is not None and now - last < CONFLICT_LOG_EVERY:
        return
    _conflict_logged[ctx.bot_data] = now
    log.error(
        "Telegram refuses getUpdates (409 Conflict: %s): another process polls with the same "
        "MDTBOT_TOKEN, or a webhook is set; only one may run. Retrying.",
        error.message,
    )


async def on_error(update: object, ctx: BotContext) -> None:
    """Log with the update id (never the token) and tell the person something went wrong.

    Only a handler that failed before anything was done gets here: a reply that cannot be
    delivered after what the handler did is retried and queued by :func:`show` and
    :func:`send_long`, never reported as a failure. A press is answered at most once."""
    if update is None and isinstance(ctx.error, Conflict):
        _log_conflict(ctx, ctx.error)
        return
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(ctx.error, StorageUnavailable):  # logged where it happened; not a bug
        log.warning("update %s not saved: %s", update_id, ctx.error)
    else:
        log.error("error while handling update %s", update_id, exc_info=ctx.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != update.effective_chat.PRIVATE:
        return
    try:
        t = await ctx.tr(update)
        if isinstance(ctx.error, StorageUnavailable):
            text = cannot_save(t)
        else:
            text = t._("Something went wrong. Nothing was lost; please try again.")
        query = update.callback_query
        if query is not None and not answered(ctx, query):
            await answer_query(ctx, query, text[:200], alert=True)
        else:
            await update.effective_chat.send_message(text)
    except (TelegramError, Exception) as error:  # the error handler must never raise
        log.warning("could not report an error to the user: %s", error)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Register after every other module: within a group only the first matching handler runs."""
    private = filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private & filters.COMMAND, on_unknown_command))
    app.add_handler(
        CommandHandler(PRIVATE_ONLY_COMMANDS, on_private_only, filters=filters.ChatType.GROUPS)
    )
    app.add_handler(CallbackQueryHandler(on_unknown_button))
    app.add_error_handler(on_error)
