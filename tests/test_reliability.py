"""Process-level reliability: one instance per database, storage faults, backups, `mdtbot check`."""

from __future__ import annotations

import asyncio
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
from telegram.error import Conflict

from bot.app import build_application, on_shutdown, on_startup
from bot.handlers import fallback
from bot.sandbox.emulator import TelegramEmulator
from bot.sandbox.request import EmulatorRequest
from bot.storage import lease as lease_module
from bot.storage.db import Database
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
    began = time.monotonic()
    second = await Proc.start(env, tmp_path, "run")
    try:
        await second.wait_for("mdtbot started", within=14)
        assert time.monotonic() - began < 10  # not after the lease expired
        assert "taking over the lease" in second.output
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
