"""Process-level reliability: one instance per database, storage faults, backups, `mdtbot check`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.error import Conflict

from bot import health
from bot.__main__ import main
from bot.app import build_application, daily_backup, on_shutdown, on_startup
from bot.config import ConfigError, load_settings
from bot.handlers import fallback
from bot.health import run_checks
from bot.sandbox.emulator import TelegramEmulator
from bot.sandbox.request import EmulatorRequest
from bot.storage import backup
from bot.storage import lease as lease_module
from bot.storage.db import Database, DatabaseUnusable, StorageUnavailable
from bot.storage.lease import InstanceLease, LeaseHeld


def _env(emulator: TelegramEmulator, base: str, db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MDTBOT_")}
    env.update(
        MDTBOT_TOKEN=emulator.token,
        MDTBOT_API_URL=base,
        MDTBOT_DB=str(db),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


class Proc:
    """``python -m bot ...`` as its own process; output collected line by line."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self._reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def start(cls, env: dict[str, str], cwd: Path, *args: str) -> Proc:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            *args,
            env=env,
            cwd=cwd,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        return cls(process)

    async def _read(self) -> None:
        assert self.process.stdout is not None
        async for raw in self.process.stdout:
            self.lines.append(raw.decode(errors="replace").rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    async def wait_for(self, text: str, within: float = 30) -> None:
        deadline = time.monotonic() + within
        while text not in self.output:
            if self.process.returncode is not None or time.monotonic() > deadline:
                await asyncio.sleep(0.2)
                raise AssertionError(f"{text!r} not in output:\n{self.output}")
            await asyncio.sleep(0.05)

    async def finish(self, within: float = 30) -> int:
        code = await asyncio.wait_for(self.process.wait(), within)
        await self._reader
        return code

    async def stop(self) -> int:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await self.finish()


@pytest.fixture
async def served() -> AsyncIterator[tuple[TelegramEmulator, str]]:
    emulator = TelegramEmulator()
    base = await emulator.start_server()
    try:
        yield emulator, base
    finally:
        await emulator.stop_server()


def _lease_row(db: Path) -> tuple[Any, ...] | None:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT host, pid FROM instance_lease").fetchone()  # type: ignore[no-any-return]
    finally:
        conn.close()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _put_lease(db: Path, host: str, pid: int, renewed_ago: float) -> None:
    now = time.time()
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(lease_module.CREATE_TABLE)
        conn.execute(
            "INSERT OR REPLACE INTO instance_lease VALUES (1, ?, ?, 'other', ?, ?)",
            (host, pid, now - 3600, now - renewed_ago),
        )
    conn.close()


# -- 1. one instance per database -----------------------------------------------------------


@pytest.mark.timeout_sensitive
async def test_a_second_instance_on_one_database_refuses_and_a_clean_stop_frees_it(
    served, tmp_path
):
    emulator, base = served
    db = tmp_path / "mdt.db"
    admin = emulator.user("Správce")
    env = _env(emulator, base, db, MDTBOT_ADMINS=str(admin.id))
    first = await Proc.start(env, tmp_path, "run")
    try:
        await first.wait_for("mdtbot started")
        second = await Proc.start(env, tmp_path, "run")
        assert await second.finish() == 1
        refusal = [line for line in second.lines if line.startswith("mdtbot:")]
        assert len(refusal) == 1, second.output
        assert "another mdtbot instance is running on this database" in refusal[0]
        assert f"pid {first.process.pid}" in refusal[0]
        assert socket.gethostname() in refusal[0]
        assert "Traceback" not in second.output
        # the first one still answers, and only once
        await admin.send("/newteam Hrabůvka")
        await admin.expect("Tým Hrabůvka byl založen")
        assert _lease_row(db) == (socket.gethostname(), first.process.pid)
    finally:
        assert await first.stop() == 0, first.output
    assert "Traceback" not in first.output
    assert _lease_row(db) is None  # released on a clean stop
    third = await Proc.start(env, tmp_path, "run")
    try:
        await third.wait_for("mdtbot started", within=15)
    finally:
        assert await third.stop() == 0, third.output
    assert sum("Hrabůvka byl založen" in m.text for m in admin.inbox) == 1


@pytest.mark.timeout_sensitive
async def test_a_killed_instance_is_taken_over_at_once_on_the_same_host(served, tmp_path):
    emulator, base = served
    db = tmp_path / "mdt.db"
    env = _env(emulator, base, db)
    first = await Proc.start(env, tmp_path, "run")
    await first.wait_for("mdtbot started")
    first.process.kill()
    await first.finish()
    assert _lease_row(db) == (socket.gethostname(), first.process.pid)  # left behind
    conn = sqlite3.connect(db)  # as if renewed just now (for a minute): it has not expired
    with conn:
        conn.execute("UPDATE instance_lease SET renewed_at = ?", (time.time() + 60,))
    conn.close()
    second = await Proc.start(env, tmp_path, "run")
    try:
        await second.wait_for("mdtbot started")
        assert "taking over the lease of a stopped instance" in second.output
        assert f"pid {first.process.pid}" in second.output
    finally:
        assert await second.stop() == 0, second.output


async def test_the_lease_decides_by_host_pid_and_age(tmp_path):
    path = tmp_path / "mdt.db"
    db = Database(path)
    await db.connect()
    here = socket.gethostname()
    try:
        # a live process on this host that renewed lately holds it
        _put_lease(path, here, os.getppid(), renewed_ago=1)
        with pytest.raises(LeaseHeld) as held:
            await InstanceLease(db).acquire()
        assert f"pid {os.getppid()}" in str(held.value)
        # another host that renewed lately holds it (its pid means nothing here)
        _put_lease(path, "elsewhere", _dead_pid(), renewed_ago=1)
        with pytest.raises(LeaseHeld):
            await InstanceLease(db).acquire()
        # not renewed for longer than the expiry: free
        _put_lease(path, "elsewhere", 4242, renewed_ago=lease_module.EXPIRES_AFTER + 1)
        await InstanceLease(db).acquire()
        # a dead process on this host: free at once
        _put_lease(path, here, _dead_pid(), renewed_ago=0)
        await InstanceLease(db).acquire()
        # this very process (a restart in-process): free
        _put_lease(path, here, os.getpid(), renewed_ago=0)
        mine = InstanceLease(db)
        await mine.acquire()
        assert _lease_row(path) == (here, os.getpid())
        await mine.stop()
        assert _lease_row(path) is None
    finally:
        await db.close()


async def test_an_instance_that_lost_its_lease_stops(tmp_path):
    db = Database(tmp_path / "mdt.db")
    await db.connect()
    lost = asyncio.Event()

    async def on_lost() -> None:
        lost.set()

    lease = InstanceLease(db, renew_every=0.05)
    try:
        await lease.acquire()
        lease.keep_renewed(on_lost)
        await asyncio.sleep(0.15)
        assert not lost.is_set()
        async with db.raw_transaction() as conn:  # another instance took over
            await conn.execute("UPDATE instance_lease SET token = 'someone else'")
        await asyncio.wait_for(lost.wait(), 2)
        assert not lease.held
    finally:
        await lease.stop()
        await db.close()
    assert _lease_row(tmp_path / "mdt.db") is not None  # the other instance's row stays


async def test_the_in_process_harness_restarts_on_its_own_lease(bot):
    admin = bot.admin
    await admin.send("/newteam Zábřeh")
    await admin.expect("Tým Zábřeh byl založen")
    assert _lease_row(bot.db_path) == (socket.gethostname(), os.getpid())
    await bot.restart()
    await admin.send("/teams")
    await admin.expect("Zábřeh")


async def test_another_instance_refuses_the_in_process_bot_too(bot, tmp_path):
    await bot.stop()
    _put_lease(bot.db_path, socket.gethostname(), os.getppid(), renewed_ago=0)
    app = build_application(
        bot.settings(),
        clock=bot.clock,
        request=EmulatorRequest(bot.emu),
        get_updates_request=EmulatorRequest(bot.emu),
        rate_limit=False,
    )
    await app.initialize()
    try:
        with pytest.raises(LeaseHeld):
            await on_startup(app)
    finally:
        await on_shutdown(app)
        await app.shutdown()
    assert _lease_row(bot.db_path) == (socket.gethostname(), os.getppid())  # not released


async def test_409_conflict_is_logged_once_a_minute_without_a_traceback(bot, caplog):
    ctx = bot.context()
    caplog.set_level(logging.INFO)
    for _ in range(3):
        ctx.error = Conflict("terminated by other getUpdates request")
        await fallback.on_error(None, ctx)
    lines = [r for r in caplog.records if "409 Conflict" in r.getMessage()]
    assert len(lines) == 1
    assert "MDTBOT_TOKEN" in lines[0].getMessage()
    assert lines[0].exc_info is None
    assert not [r for r in caplog.records if "error while handling update" in r.getMessage()]


@pytest.mark.timeout_sensitive
async def test_polling_elsewhere_with_the_same_token_is_logged_and_retried(served, tmp_path):
    emulator, base = served
    db = tmp_path / "mdt.db"
    admin = emulator.user("Správce")
    process = await Proc.start(
        _env(emulator, base, db, MDTBOT_ADMINS=str(admin.id)), tmp_path, "run"
    )
    try:
        await process.wait_for("mdtbot started")
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline:  # another poller with the same token
            await emulator.call(emulator.token, "getUpdates", {"timeout": 1})
        await process.wait_for("409 Conflict")
        # the other poller is gone: polling goes on
        await admin.send("/newteam Bělský Les")
        await admin.expect("Tým Bělský Les byl založen", timeout=30)
    finally:
        assert await process.stop() == 0, process.output
    assert process.output.count("409 Conflict") == 1, process.output
    assert "Traceback" not in process.output


# -- 2. database faults are told apart from a fresh start -----------------------------------


async def _make_db(path: Path) -> None:
    db = Database(path)
    await db.connect()
    await db.close()


@pytest.mark.timeout_sensitive
async def test_a_read_only_database_refuses_to_start(served, tmp_path):
    emulator, base = served
    path = tmp_path / "mdt.db"
    await _make_db(path)
    before = path.read_bytes()
    env = _env(emulator, base, Path(f"file:{path}?mode=ro"))
    process = await Proc.start(env, tmp_path, "run")
    assert await process.finish() == 1, process.output
    assert "mdtbot started" not in process.output
    assert "Traceback" not in process.output
    (line,) = [line for line in process.lines if line.startswith("mdtbot:")]
    assert line.startswith("mdtbot: MDTBOT_DB=")
    assert "cannot write" in line and "readonly" in line
    assert path.read_bytes() == before


async def test_a_read_only_database_refuses_in_process_too(tmp_path):
    path = tmp_path / "mdt.db"
    await _make_db(path)
    db = Database(f"file:{path}?mode=ro")
    with pytest.raises(DatabaseUnusable, match="cannot write"):
        await db.connect()


@pytest.mark.timeout_sensitive
async def test_a_missing_database_directory_names_mdtbot_db(served, tmp_path):
    emulator, base = served
    path = tmp_path / "nowhere" / "mdt.db"
    process = await Proc.start(_env(emulator, base, path), tmp_path, "run")
    assert await process.finish() == 1, process.output
    (line,) = [line for line in process.lines if line.startswith("mdtbot:")]
    assert "MDTBOT_DB" in line and "does not exist" in line and "nowhere" in line
    assert not path.parent.exists()
    assert "Traceback" not in process.output


async def test_a_fresh_database_file_is_created_in_an_existing_directory(tmp_path):
    db = Database(tmp_path / "new.db")
    await db.connect()
    try:
        assert await db.schema_version() > 0
    finally:
        await db.close()


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def _quick_busy(bot: Any) -> None:
    bot.db.busy_timeout = 0.05
    bot.db.retry_pause = 0.05


async def _team_names(bot: Any) -> list[str]:
    async with bot.db.read() as repos:
        return [team.name for team in await repos.teams.list_all()]


async def test_a_write_locked_past_the_busy_timeout_is_refused_politely_and_saves_nothing(bot):
    admin = bot.admin
    await admin.send("/start")
    await bot.db.conn.execute("PRAGMA busy_timeout = 50")
    _quick_busy(bot)
    other = _hold_write_lock(bot.db_path)
    try:
        await admin.send("/newteam Poruba")
        await admin.expect("Teď nelze uložit, zkuste to prosím za chvíli.")
        assert "Poruba" not in await _team_names(bot)
    finally:
        other.execute("ROLLBACK")
        other.close()
    await admin.send("/newteam Poruba")
    await admin.expect("Tým Poruba byl založen")
    assert await _team_names(bot) == ["Poruba"]


async def test_a_write_lock_released_during_the_retries_saves(bot):
    admin = bot.admin
    await admin.send("/start")
    await bot.db.conn.execute("PRAGMA busy_timeout = 100")
    bot.db.retry_pause = 0.2
    other = _hold_write_lock(bot.db_path)
    asyncio.get_running_loop().call_later(0.15, other.execute, "ROLLBACK")
    try:
        await admin.send("/newteam Jih")
        await admin.expect("Tým Jih byl založen")
    finally:
        other.close()
    assert "nelze uložit" not in "\n".join(m.text for m in admin.inbox)


async def test_a_full_disk_is_refused_politely_and_saving_works_when_space_returns(bot):
    admin = bot.admin
    await admin.send("/newteam Poruba")
    await admin.expect("Tým Poruba byl založen")
    async with bot.db.read() as repos:
        pages = await (await repos.teams.conn.execute("PRAGMA page_count")).fetchone()
    await bot.db.conn.execute(f"PRAGMA max_page_count = {pages[0]}")
    # the file may not grow: teams are saved until their pages are full
    created = 0
    for number in range(1, 200):
        await admin.send(f"/newteam {number:03d} " + "x" * 70)
        if "nelze uložit" in admin.last().text:
            break
        assert "byl založen" in admin.last().text
        created = number
    else:
        raise AssertionError("the disk never became full")
    assert admin.last().text == "Teď nelze uložit, zkuste to prosím za chvíli."
    names = await _team_names(bot)
    assert len(names) == created + 1  # the refused one is not there, not even in part
    assert not any(name.startswith(f"{created + 1:03d}") for name in names)
    admin.language_code = "en"  # in the reader's language
    await admin.send(f"/newteam {created + 1:03d} " + "y" * 70)
    await admin.expect("Cannot save right now, please try again in a moment.")
    admin.language_code = "cs"
    await bot.db.conn.execute("PRAGMA max_page_count = 1073741823")
    await admin.send("/newteam Vítkovice")
    await admin.expect("Tým Vítkovice byl založen")
    assert "Vítkovice" in await _team_names(bot)


# -- 3. backups and restoring one -----------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch, tmp_path):
    """The environment `mdtbot backup/restore/check` read, for main() in this process."""
    for name in list(os.environ):
        if name.startswith("MDTBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


async def _run_cli(env: dict[str, str], cwd: Path, *args: str) -> tuple[int, str]:
    process = await Proc.start(env, cwd, *args)
    code = await process.finish()
    return code, process.output


@pytest.mark.timeout_sensitive
async def test_backup_while_running_and_restore_only_when_stopped(bot, tmp_path, cli_env, capsys):
    admin = bot.admin
    await admin.send("/newteam Poruba")
    await admin.expect("Tým Poruba byl založen")
    cli_env.setenv("MDTBOT_DB", str(bot.db_path))
    saved = tmp_path / "saved.db"
    assert main(["backup", str(saved)]) == 0  # while the bot runs
    assert "integrity ok" in capsys.readouterr().out
    await admin.send("/newteam Jih")
    await admin.expect("Tým Jih byl založen")

    env = {k: v for k, v in os.environ.items() if not k.startswith("MDTBOT_")}
    env.update(MDTBOT_DB=str(bot.db_path), PYTHONUNBUFFERED="1")
    code, output = await _run_cli(env, tmp_path, "restore", str(saved))
    assert code == 1, output
    assert "restore refused: another mdtbot instance is running" in output
    assert sorted(await _team_names(bot)) == ["Jih", "Poruba"]

    await bot.stop()
    code, output = await _run_cli(env, tmp_path, "restore", str(saved))
    assert code == 0, output
    assert f"integrity of {saved}: ok" in output
    assert "integrity ok" in output
    (kept,) = tmp_path.glob("mdt.db.before-restore-*")
    assert str(kept) in output
    await bot.start()
    assert await _team_names(bot) == ["Poruba"]
    await admin.send("/teams")
    reply = await admin.expect("Poruba")
    assert "Jih" not in reply.text
    # the database as it was before the restore is kept, whole
    conn = sqlite3.connect(kept)
    assert [r[0] for r in conn.execute("SELECT name FROM teams ORDER BY id")] == ["Poruba", "Jih"]
    conn.close()


async def test_restore_refuses_a_damaged_or_foreign_backup(tmp_path, cli_env, capsys):
    db = tmp_path / "mdt.db"
    await _make_db(db)
    before = db.read_bytes()
    cli_env.setenv("MDTBOT_DB", str(db))
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database at all" * 100)
    assert main(["restore", str(garbage)]) == 1
    err = capsys.readouterr().err
    assert "restore refused" in err and "integrity check" in err
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).execute("CREATE TABLE x (y)").connection.close()
    assert main(["restore", str(empty)]) == 1
    assert "not an mdtbot database" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "missing.db")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert db.read_bytes() == before
    assert not list(tmp_path.glob("*.before-restore-*"))


async def test_daily_backups_are_made_once_a_day_and_the_newest_kept(bot, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    day = 24 * 3600
    for age in (5, 4, 3):
        old = folder / f"mdtbot-2026110{9 - age}-030000.db"
        old.write_bytes(b"old")
        os.utime(old, (time.time() - age * day, time.time() - age * day))
    ctx = bot.context()
    ctx.bot_data.settings = bot.settings().model_copy(
        update={"backup_dir": folder, "backup_keep": 2}
    )
    await bot.admin.send("/newteam Poruba")
    await daily_backup(ctx)
    kept = backup.backups(folder)
    assert len(kept) == 2
    assert kept[0].name == "mdtbot-20261106-030000.db"  # the newest old one
    assert backup.integrity(kept[1]) == "ok"
    conn = sqlite3.connect(kept[1])
    assert [r[0] for r in conn.execute("SELECT name FROM teams")] == ["Poruba"]
    conn.close()
    await daily_backup(ctx)  # not again the same day
    assert backup.backups(folder) == kept
    assert not list(folder.glob("*.partial"))


def test_the_daily_backup_job_is_scheduled_only_with_a_backup_dir(bot, tmp_path):
    with_dir = build_application(bot.settings().model_copy(update={"backup_dir": tmp_path}))
    without = build_application(bot.settings())
    assert with_dir.job_queue is not None and without.job_queue is not None
    assert len(with_dir.job_queue.get_jobs_by_name("daily-backup")) == 1
    assert not without.job_queue.get_jobs_by_name("daily-backup")


def test_backup_settings_are_read_from_the_environment(cli_env, tmp_path):
    cli_env.setenv("MDTBOT_BACKUP_DIR", str(tmp_path))
    cli_env.setenv("MDTBOT_BACKUP_KEEP", "3")
    settings = load_settings()
    assert settings.backup_dir == tmp_path and settings.backup_keep == 3
    cli_env.setenv("MDTBOT_BACKUP_KEEP", "0")
    with pytest.raises(ConfigError, match="MDTBOT_BACKUP_KEEP"):
        load_settings()


# -- 4. mdtbot check, and a quiet stop -------------------------------------------------------


async def _check_lines(cli_env: Any, emulator: TelegramEmulator, base: str, db: Path) -> list[str]:
    cli_env.setenv("MDTBOT_TOKEN", emulator.token)
    cli_env.setenv("MDTBOT_API_URL", base)
    cli_env.setenv("MDTBOT_DB", str(db))
    return [result.line() for result in await run_checks()]


async def test_check_reports_each_item_in_one_line(served, tmp_path, cli_env):
    emulator, base = served
    db = tmp_path / "mdt.db"
    await _make_db(db)
    lines = await _check_lines(cli_env, emulator, base, db)
    assert [line.split(":")[0] for line in lines] == [
        "ok configuration",
        "ok database",
        "ok instance",
        "ok Bot API",
        "ok webhook",
    ], lines
    assert f"{db} writable, schema" in lines[1]
    assert "none running" in lines[2]
    assert "@" + emulator.bot_username in lines[3]
    # a webhook set elsewhere: polling would get 409 Conflict
    await emulator.call(emulator.token, "setWebhook", {"url": "https://example.org/hook"})
    lines = await _check_lines(cli_env, emulator, base, db)
    (webhook,) = [line for line in lines if "webhook" in line]
    assert webhook.startswith("FAIL webhook: a webhook is set (https://example.org/hook)")
    assert "deleteWebhook" in webhook


async def test_check_fails_a_missing_database_a_bad_token_and_missing_backups(
    served, tmp_path, cli_env
):
    emulator, base = served
    cli_env.setenv("MDTBOT_BACKUP_DIR", str(tmp_path / "nobackups"))
    lines = await _check_lines(cli_env, emulator, base, tmp_path / "nothere.db")
    assert lines[1].startswith("FAIL database: MDTBOT_DB:") and "does not exist" in lines[1]
    assert lines[2].startswith("FAIL backups: MDTBOT_BACKUP_DIR")
    cli_env.setenv("MDTBOT_TOKEN", "123:wrong")
    results = await run_checks()
    assert results[-1].line() == "FAIL Bot API: MDTBOT_TOKEN was refused"
    cli_env.setenv("MDTBOT_TIMEZONE", "Mars/Olympus")
    (only,) = await run_checks()
    assert only.line().startswith("FAIL configuration: MDTBOT_TIMEZONE")


async def test_check_fails_a_database_newer_than_the_bot(tmp_path):
    db = tmp_path / "mdt.db"
    await _make_db(db)
    assert health.check_database(db)[0].ok
    newer = sqlite3.connect(db)
    newer.execute("PRAGMA user_version = 999")
    newer.close()
    (result, _) = health.check_database(db)
    assert result.line().startswith("FAIL database:") and "newer than this mdtbot" in result.line()


@pytest.mark.timeout_sensitive
async def test_check_exit_code_for_monitoring(served, tmp_path):
    emulator, base = served
    db = tmp_path / "mdt.db"
    await _make_db(db)
    code, output = await _run_cli(_env(emulator, base, db), tmp_path, "check")
    assert code == 0, output
    assert output.count("\nok ") + output.startswith("ok ") == 5, output
    code, output = await _run_cli(_env(emulator, base, tmp_path / "none.db"), tmp_path, "check")
    assert code == 1, output
    assert "FAIL database" in output and "Traceback" not in output


@pytest.mark.timeout_sensitive
async def test_sigterm_while_starting_ends_quietly(served, tmp_path):
    emulator, base = served
    db = tmp_path / "mdt.db"  # fresh: start-up migrates it
    process = await Proc.start(_env(emulator, base, db), tmp_path, "run")
    await process.wait_for("Migrating database to version 2")
    process.process.send_signal(signal.SIGTERM)
    assert await process.finish() == 0, process.output
    assert "Traceback" not in process.output
    assert "never retrieved" not in process.output
    assert _lease_row(db) is None, process.output
    again = await Proc.start(_env(emulator, base, db), tmp_path, "run")
    try:
        await again.wait_for("mdtbot started")
    finally:
        assert await again.stop() == 0
    assert "Traceback" not in again.output


@pytest.mark.timeout_sensitive
async def test_sigterm_before_the_bot_is_even_loaded_ends_quietly(served, tmp_path):
    emulator, base = served
    process = await Proc.start(_env(emulator, base, tmp_path / "mdt.db"), tmp_path, "run")
    await asyncio.sleep(0.3)  # still importing
    process.process.send_signal(signal.SIGTERM)
    assert await process.finish() == 0, process.output
    assert "Traceback" not in process.output


async def test_outbox_and_due_work_wait_while_the_database_cannot_be_written(bot, caplog):
    admin = bot.admin
    await admin.send("/newteam Poruba")
    await admin.expect("Tým Poruba byl založen")
    await bot.db.conn.execute("PRAGMA busy_timeout = 50")
    _quick_busy(bot)
    caplog.set_level(logging.INFO)
    other = _hold_write_lock(bot.db_path)
    try:
        outbox, due = bot.app.bot_data.outbox, bot.app.bot_data.due
        outbox.kick()
        with contextlib.suppress(StorageUnavailable):
            await outbox.settle()
        due.kick()
        await due.settle()
        await asyncio.sleep(0)  # the done callbacks
    finally:
        other.execute("ROLLBACK")
        other.close()
    messages = [r.getMessage() for r in caplog.records]
    assert any("outbox waits: the database cannot be written now" in m for m in messages)
    assert any("due work waits: the database cannot be written now" in m for m in messages)
    assert not [r for r in caplog.records if r.exc_info is not None]


async def test_a_transaction_cancelled_while_beginning_leaves_none_open(tmp_path):
    """A stop (SIGTERM) cancels work wherever it waits, also on BEGIN: the connection's thread
    begins the transaction all the same, and the next one must still work."""
    db = Database(tmp_path / "mdt.db")
    await db.connect()
    try:
        for begin in (db.transaction, db.read):

            async def waits(begin: Any = begin) -> None:
                async with begin():
                    await asyncio.sleep(10)

            task = asyncio.get_running_loop().create_task(waits())
            await asyncio.sleep(0)  # the task now awaits its BEGIN
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            async with db.transaction() as repos:
                await repos.teams.conn.execute("PRAGMA user_version")
            assert not db.conn.in_transaction
    finally:
        await db.close()


async def test_an_unsaved_update_outside_the_guard_is_answered_politely_too(bot, caplog):
    admin = bot.admin
    await admin.send("/start")
    raw = {
        "update_id": 99,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": admin.id, "type": "private"},
            "from": admin.to_user(),
            "text": "Holvekova 12",
        },
    }
    ctx = bot.context()
    ctx.error = StorageUnavailable("database or disk is full")
    await fallback.on_error(Update.de_json(raw, bot.app.bot), ctx)
    await admin.expect("Teď nelze uložit, zkuste to prosím za chvíli.")
    assert not [r for r in caplog.records if r.exc_info is not None]
