"""``mdtbot check``: one line per item, "ok …" or "FAIL …", for an operator and for monitoring.

Nothing here changes anything: the database is opened for a write that is rolled back, the
Bot API is asked getMe and getWebhookInfo.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram import Bot, WebhookInfo
from telegram.error import InvalidToken, TelegramError
from telegram.request import HTTPXRequest

from bot.config import ConfigError, Settings, load_settings
from bot.storage import backup
from bot.storage.lease import holder_of, is_free
from bot.storage.migrations import MIGRATIONS

#: a backup older than this fails the check (a daily one was missed)
BACKUP_STALE_HOURS = 48
#: a webhook delivery error this recent, with updates waiting, fails the check
WEBHOOK_ERROR_RECENT_SECONDS = 15 * 60


@dataclass(frozen=True)
class Result:
    item: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok' if self.ok else 'FAIL'} {self.item}: {self.detail}"


async def run_checks(**overrides: Any) -> list[Result]:
    """``overrides``: settings given on the command line (``--webhook URL``)."""
    try:
        settings = load_settings(**overrides)
    except ConfigError as error:
        return [Result("configuration", False, str(error))]
    if settings.token is None:
        return [Result("configuration", False, "MDTBOT_TOKEN is not set")]
    detail = f"MDTBOT_DB={settings.db}, MDTBOT_API_URL={settings.api_url}"
    if settings.webhook_url is not None:
        detail += (
            f", webhook mode: {settings.webhook_url} served on "
            f"{settings.webhook_listen}:{settings.webhook_port}{settings.webhook_listen_path}"
        )
    results = [Result("configuration", True, detail)]
    results.extend(check_database(Path(settings.db)))
    if settings.backup_dir is not None:
        results.append(check_backups(settings.backup_dir))
    results.extend(await check_bot_api(settings))
    return results


def check_database(path: Path) -> list[Result]:
    if not path.parent.is_dir():
        return [Result("database", False, f"MDTBOT_DB: the directory {path.parent} does not exist")]
    if not path.is_file():
        return [
            Result(
                "database",
                False,
                f"MDTBOT_DB: {path} does not exist (the first `mdtbot run` creates it; "
                "check the path if the bot has run before)",
            )
        ]
    try:
        conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, isolation_level=None, timeout=5)
    except sqlite3.Error as error:
        return [Result("database", False, f"cannot open {path}: {error}")]
    try:
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("CREATE TABLE mdtbot_write_probe (x)")
            finally:
                conn.execute("ROLLBACK")
            holder = holder_of(conn)
        except sqlite3.Error as error:
            return [Result("database", False, f"cannot write to {path}: {error}")]
    finally:
        conn.close()
    results = []
    expected = len(MIGRATIONS)
    if version == expected:
        results.append(Result("database", True, f"{path} writable, schema {version}"))
    elif version < expected:
        results.append(
            Result(
                "database",
                False,
                f"{path} is at schema {version}, this mdtbot migrates it to {expected} "
                "when it starts",
            )
        )
    else:
        results.append(
            Result(
                "database",
                False,
                f"{path} is at schema {version}, newer than this mdtbot ({expected})",
            )
        )
    now = time.time()
    if holder is None or is_free(holder, now=now, host="", pid=-1):
        results.append(Result("instance", True, "none running on this database"))
    else:
        results.append(Result("instance", True, f"running ({holder.describe(now)})"))
    return results


def check_backups(directory: Path) -> Result:
    if not directory.is_dir():
        return Result("backups", False, f"MDTBOT_BACKUP_DIR {directory} does not exist")
    existing = backup.backups(directory)
    if not existing:
        return Result("backups", False, f"none yet in {directory}")
    newest = existing[-1]
    age = datetime.now(UTC) - datetime.fromtimestamp(newest.stat().st_mtime, UTC)
    hours = int(age.total_seconds() // 3600)
    detail = f"newest {newest.name}, {hours} h old, {len(existing)} kept"
    return Result("backups", hours < BACKUP_STALE_HOURS, detail)


async def check_bot_api(settings: Settings) -> list[Result]:
    assert settings.token is not None
    request = HTTPXRequest(connect_timeout=5, read_timeout=10, write_timeout=10)
    bot = Bot(
        settings.token,
        base_url=settings.bot_base_url,
        base_file_url=settings.bot_file_url,
        request=request,
        get_updates_request=request,
    )
    try:
        return await _ask_bot_api(bot, settings)
    finally:
        await request.shutdown()


async def _ask_bot_api(bot: Bot, settings: Settings) -> list[Result]:
    try:
        me = await bot.get_me()
    except InvalidToken:
        return [Result("Bot API", False, "MDTBOT_TOKEN was refused")]
    except TelegramError as error:
        return [Result("Bot API", False, f"cannot reach {settings.api_url}: {error}")]
    results = [Result("Bot API", True, f"reachable, the bot is @{me.username}")]
    try:
        info = await bot.get_webhook_info()
    except TelegramError as error:
        results.append(Result("webhook", False, f"getWebhookInfo failed: {error}"))
        return results
    results.append(webhook_state(info, settings.webhook_url, datetime.now(UTC)))
    return results


def webhook_state(info: WebhookInfo, expected: str | None, now: datetime) -> Result:
    """In polling mode no webhook may be set; in webhook mode ours must be, and Telegram must
    have delivered to it lately (a recent delivery error with updates waiting fails)."""
    waiting = f"{info.pending_update_count} updates waiting"
    if expected is None:
        if info.url:
            return Result(
                "webhook",
                False,
                f"a webhook is set ({info.url}): Telegram refuses polling while it is "
                "(409 Conflict); `mdtbot run` removes it when it starts (deleteWebhook)",
            )
        detail = f"none, the bot polls; {waiting}"
        if info.last_error_message:
            detail += f"; last error: {info.last_error_message}"
        return Result("webhook", True, detail)
    if not info.url:
        return Result(
            "webhook",
            False,
            f"none set, expected {expected} (`mdtbot run` sets it when it starts); {waiting}",
        )
    if info.url != expected:
        return Result(
            "webhook",
            False,
            f"set to {info.url}, expected {expected}: another deployment uses this token, "
            "or MDTBOT_WEBHOOK_URL changed and the bot has not been restarted",
        )
    detail = f"set to {info.url}; {waiting}"
    last_error = info.last_error_date
    if last_error is not None and info.last_error_message:
        if last_error.tzinfo is None:
            last_error = last_error.replace(tzinfo=UTC)
        ago = max(0, int((now - last_error).total_seconds()))
        detail += f"; last delivery error {_ago(ago)} ago: {info.last_error_message}"
        if ago < WEBHOOK_ERROR_RECENT_SECONDS and info.pending_update_count:
            return Result("webhook", False, f"Telegram cannot deliver: {detail}")
    return Result("webhook", True, detail)


def _ago(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"
