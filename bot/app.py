"""The one place where the application is assembled: handlers, jobs, start-up and shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import Application, ContextTypes, Defaults
from telegram.request import BaseRequest, HTTPXRequest

from bot.config import Settings
from bot.handlers import (
    admins,
    agenda,
    audit,
    dialogue,
    documents,
    exports,
    fallback,
    groups,
    guests,
    invites,
    locality,
    meetings,
    members,
    menus,
    minutes,
    notices,
    onboarding,
    person_settings,
    privacy,
    problem_detail,
    problem_list,
    redaction,
    report,
    start,
    stats,
    still_solved,
    tasks,
    team_settings,
    team_timing,
    teams,
)
from bot.handlers.context import BotContext, BotData
from bot.handlers.delivery import RateLimiter
from bot.scheduling.clock import Clock, SystemClock
from bot.scheduling.due import DueWorkRunner
from bot.scheduling.outbox import OutboxSender
from bot.services.container import Services
from bot.storage import backup
from bot.storage.db import Database
from bot.storage.lease import InstanceLease
from bot.updates import JournalProcessor, JournalQueue, JournalRequest, UpdateJournal

log = logging.getLogger(__name__)

MDTApplication = Application[Any, BotContext, Any, Any, BotData, Any]

#: how often the bot looks for groups nobody linked
GROUP_SWEEP_INTERVAL = timedelta(minutes=1)
#: how often the outbox looks for retries that became due (new messages go out at once)
OUTBOX_INTERVAL = timedelta(seconds=15)
#: how often the bot looks whether the daily backup is due (MDTBOT_BACKUP_DIR)
BACKUP_CHECK_INTERVAL = timedelta(hours=1)
#: how often the ids of handled updates older than two days are forgotten
JOURNAL_PRUNE_INTERVAL = timedelta(hours=6)


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
    db = Database(settings.db)
    clock = clock or SystemClock()
    journal = UpdateJournal(db, clock)  # every update is stored before it is acknowledged
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
        .update_queue(JournalQueue(journal))
        .concurrent_updates(JournalProcessor(journal))
        .get_updates_request(
            JournalRequest(get_updates_request or HTTPXRequest(connection_pool_size=1), journal)
        )
    )
    if rate_limit:
        # replies leave their 429s to their own short retries (bot.handlers.delivery)
        builder = builder.rate_limiter(RateLimiter(max_retries=3))  # type: ignore[arg-type]
    if request is not None:
        builder = builder.request(request)
    app: MDTApplication = builder.build()

    services = Services(db, clock, settings)
    outbox = OutboxSender(
        db, clock, app.bot, notices.renderer(services, settings), zone=settings.tz
    )
    services.on_outbox_queued(outbox.kick)
    due = DueWorkRunner(db, clock, services.perform_due, after_round=outbox.kick)
    services.meetings.wake_due = due.kick
    services.retention.wake_due = due.kick
    services.digest.wake_due = due.kick
    services.settings.wake_due = due.kick
    app.bot_data.settings = settings
    app.bot_data.services = services
    app.bot_data.outbox = outbox
    app.bot_data.due = due
    app.bot_data.lease = InstanceLease(db)
    app.bot_data.journal = journal

    for module in (
        start,
        admins,
        audit,
        onboarding,
        teams,
        invites,
        members,
        groups,
        report,
        problem_list,
        problem_detail,
        exports,
        locality,
        team_settings,
        team_timing,
        meetings,
        agenda,
        tasks,
        still_solved,
        minutes,
        documents,
        guests,
        stats,
        privacy,
        redaction,
        person_settings,
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
        app.job_queue.run_repeating(
            _prune_journal, interval=JOURNAL_PRUNE_INTERVAL, first=60, name="prune-journal"
        )
        if settings.backup_dir is not None:
            app.job_queue.run_repeating(
                daily_backup, interval=BACKUP_CHECK_INTERVAL, first=60, name="daily-backup"
            )
    return app


async def daily_backup(ctx: BotContext) -> None:
    """Back the database up to MDTBOT_BACKUP_DIR once a day (whatever restarts happen: the
    newest file there tells when the last one was made), keeping MDTBOT_BACKUP_KEEP."""
    settings = ctx.bot_data.settings
    if settings.backup_dir is None:
        return
    try:
        made = await asyncio.to_thread(
            backup.daily,
            Path(settings.db),
            settings.backup_dir,
            settings.backup_keep,
            datetime.now(UTC),  # files and their times are the system's, not the app clock
        )
    except (backup.BackupError, OSError) as error:
        log.error("daily backup failed: %s", error)
        return
    if made is not None:
        log.info("daily backup written to %s", made)


async def _prune_journal(ctx: BotContext) -> None:
    pruned = await ctx.bot_data.journal.prune()
    if pruned:
        log.info("%d handled updates forgotten", pruned)


async def _kick_outbox(ctx: BotContext) -> None:
    ctx.bot_data.outbox.kick()


async def on_startup(app: MDTApplication) -> None:
    app.bot_data.starting = asyncio.current_task()
    try:
        await _start(app)
    finally:
        app.bot_data.starting = None


async def _start(app: MDTApplication) -> None:
    db = app.bot_data.services.db
    await db.open()  # DatabaseUnusable: missing directory, read-only file
    await app.bot_data.lease.acquire()  # LeaseHeld: another instance runs on this database
    await db.migrate()
    app.bot_data.lease.keep_renewed(lambda: _lease_lost(app))
    # what was received before the last stop and not handled goes first
    await app.bot_data.journal.replay(app.update_queue, app.bot)
    await app.bot_data.services.admins.load()
    app.bot_data.outbox.kick()  # also what a crash left claimed but unmarked
    count = await app.bot_data.services.meetings.rederive_all()  # kicks the due-work runner
    log.info("due work of %d upcoming meetings derived", count)
    await app.bot_data.services.retention.derive()  # a retention round for every team
    digests = await app.bot_data.services.digest.derive_all()  # everyone's next weekly digest
    log.info("weekly digests of %d people planned", digests)
    services = app.bot_data.services
    admins = await services.users.known(list(app.bot_data.settings.admins))
    await menus.set_command_menus(app.bot, app.bot_data.settings, admins)
    backup_dir = app.bot_data.settings.backup_dir
    if backup_dir is not None and not backup_dir.is_dir():
        log.error("MDTBOT_BACKUP_DIR %s does not exist: no daily backups are made", backup_dir)
    log.info("mdtbot started as @%s", app.bot.username)


async def _lease_lost(app: MDTApplication) -> None:
    """Another instance took the database over: send nothing more, and stop."""
    await app.bot_data.due.stop()
    await app.bot_data.outbox.stop()
    app.stop_running()


async def on_shutdown(app: MDTApplication) -> None:
    starting = app.bot_data.starting
    if starting is not None and starting is not asyncio.current_task():
        # stopped (SIGTERM) while starting: run_polling left on_startup half-way; end it first
        starting.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await starting
    await app.bot_data.due.stop()
    await app.bot_data.outbox.stop()
    await app.bot_data.journal.close()  # the marks of the last updates handled
    await app.bot_data.lease.stop()
    await app.bot_data.services.db.close()
