"""The one place where the application is assembled: handlers, jobs, start-up and shutdown."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot.config import SUPPORTED_LANGUAGES, Settings
from bot.handlers import dialogue, fallback, groups, invites, members, onboarding, start, teams
from bot.handlers.context import BotContext, BotData
from bot.i18n import Translator
from bot.scheduling.clock import Clock, SystemClock
from bot.services.container import Services
from bot.storage.db import Database

log = logging.getLogger(__name__)

MDTApplication = Application[Any, BotContext, Any, Any, BotData, Any]

#: how often the bot looks for groups nobody linked
GROUP_SWEEP_INTERVAL = timedelta(minutes=1)


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limit: bool = True,
) -> MDTApplication:
    """Wire everything; the database opens in :func:`on_startup` (``post_init``)."""
    if settings.token is None:
        raise ValueError("a token is needed to build the application")
    context_types = ContextTypes(context=BotContext, bot_data=BotData)
    builder = (
        Application.builder()
        .token(settings.token)
        .base_url(settings.bot_base_url)
        .base_file_url(settings.bot_file_url)
        .context_types(context_types)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=settings.tz,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
    )
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    app: MDTApplication = builder.build()

    db = Database(settings.db)
    app.bot_data.settings = settings
    app.bot_data.services = Services(db, clock or SystemClock(), settings)

    for module in (start, onboarding, teams, invites, members, groups, dialogue, fallback):
        module.register(app)
    if app.job_queue is not None:
        app.job_queue.run_repeating(
            groups.leave_unlinked_groups,
            interval=GROUP_SWEEP_INTERVAL,
            first=5,
            name="leave-unlinked-groups",
        )
    return app


async def on_startup(app: MDTApplication) -> None:
    await app.bot_data.services.db.connect()
    await set_command_menus(app)
    log.info("mdtbot started as @%s", app.bot.username)


async def on_shutdown(app: MDTApplication) -> None:
    await app.bot_data.services.db.close()


async def set_command_menus(app: MDTApplication) -> None:
    """Command menus per chat type and language; a server that refuses one is not fatal."""
    settings = app.bot_data.settings
    private = start.EVERYONE_COMMANDS + start.MEMBER_COMMANDS + start.COORDINATOR_COMMANDS
    menus: list[tuple[Any, list[tuple[str, str]]]] = [
        (BotCommandScopeAllPrivateChats(), private),
        (BotCommandScopeAllGroupChats(), start.GROUP_COMMANDS),
    ]
    for language in (None, *SUPPORTED_LANGUAGES):
        t = Translator(language or settings.language, settings.tz)
        for scope, commands in menus:
            await _set_menu(app, t, commands, scope, language)
    t = Translator(settings.language, settings.tz)
    for admin_id in settings.admins:  # fails until the admin has written to the bot
        await _set_menu(app, t, private + start.ADMIN_COMMANDS, BotCommandScopeChat(admin_id), None)


async def _set_menu(
    app: MDTApplication,
    t: Translator,
    commands: list[tuple[str, str]],
    scope: Any,
    language: str | None,
) -> None:
    menu = [BotCommand(name, t._(description)) for name, description in commands]
    try:
        await app.bot.set_my_commands(menu, scope=scope, language_code=language)
    except TelegramError as error:
        log.warning("could not set the command menu for %s: %s", scope.type, error)
