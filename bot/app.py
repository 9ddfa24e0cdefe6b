"""The one place where the application is assembled: handlers, jobs, start-up and shutdown."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot.config import Settings
from bot.handlers import (
    admins,
    agenda,
    dialogue,
    fallback,
    groups,
    guests,
    invites,
    meetings,
    members,
    menus,
    minutes,
    notices,
    onboarding,
    privacy,
    problem_detail,
    problem_list,
    redaction,
    report,
    start,
    still_solved,
    tasks,
    team_settings,
    team_timing,
    teams,
)
from bot.handlers.context import BotContext, BotData
from bot.scheduling.clock import Clock, SystemClock
from bot.scheduling.due import DueWorkRunner
from bot.scheduling.outbox import OutboxSender
from bot.services.container import Services
from bot.storage.db import Database

log = logging.getLogger(__name__)

MDTApplication = Application[Any, BotContext, Any, Any, BotData, Any]

#: how often the bot looks for groups nobody linked
GROUP_SWEEP_INTERVAL = timedelta(minutes=1)
#: how often the outbox looks for retries that became due (new messages go out at once)
OUTBOX_INTERVAL = timedelta(seconds=15)


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
    clock = clock or SystemClock()
    services = Services(db, clock, settings)
    outbox = OutboxSender(
        db, clock, app.bot, notices.renderer(services, settings), zone=settings.tz
    )
    services.on_outbox_queued(outbox.kick)
    due = DueWorkRunner(db, clock, services.perform_due, after_round=outbox.kick)
    services.meetings.wake_due = due.kick
    app.bot_data.settings = settings
    app.bot_data.services = services
    app.bot_data.outbox = outbox
    app.bot_data.due = due

    for module in (
        start,
        admins,
        onboarding,
        teams,
        invites,
        members,
        groups,
        report,
        problem_list,
        problem_detail,
        team_settings,
        team_timing,
        meetings,
        agenda,
        tasks,
        still_solved,
        minutes,
        guests,
        privacy,
        redaction,
        dialogue,
        fallback,
    ):
        module.register(app)
    if app.job_queue is not None:
        app.job_queue.run_repeating(
            groups.leave_unlinked_groups,
            interval=GROUP_SWEEP_INTERVAL,
            first=5,
            name="leave-unlinked-groups",
        )
        app.job_queue.run_repeating(
            _kick_outbox, interval=OUTBOX_INTERVAL, first=OUTBOX_INTERVAL, name="outbox"
        )
    return app


async def _kick_outbox(ctx: BotContext) -> None:
    ctx.bot_data.outbox.kick()


async def on_startup(app: MDTApplication) -> None:
    await app.bot_data.services.db.connect()
    await app.bot_data.services.admins.load()
    app.bot_data.outbox.kick()  # also what a crash left claimed but unmarked
    count = await app.bot_data.services.meetings.rederive_all()  # kicks the due-work runner
    log.info("due work of %d upcoming meetings derived", count)
    await menus.set_command_menus(app.bot, app.bot_data.settings)
    log.info("mdtbot started as @%s", app.bot.username)


async def on_shutdown(app: MDTApplication) -> None:
    await app.bot_data.due.stop()
    await app.bot_data.outbox.stop()
    await app.bot_data.services.db.close()
