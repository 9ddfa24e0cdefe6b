"""One running instance per database: a lease row that the running bot renews.

Two ``mdtbot run`` on one database would both poll and both send the same outbox rows. The
instance that starts takes the lease (host, pid, started, renewed) before it migrates or sends
anything, and renews it every :data:`RENEW_EVERY`; another instance refuses to start while the
lease is held. A lease is free when

* nobody holds it (released on a clean stop),
* it was not renewed for :data:`EXPIRES_AFTER` (the holder hung, or its host died),
* its holder ran on this host and its process is gone (a restart after a crash is immediate),
* its holder is this very process (an in-process restart: the test harness, the sandbox).

The lease compares moments across processes, so it reads the system time itself (seconds since
the epoch), not the application's :class:`~bot.scheduling.clock.Clock`.

The table is created here, not by a migration: the lease is taken *before* migrating, so that a
newer version started next to a running one neither migrates nor touches its database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import sqlite3
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite

from bot.storage.db import Database, StorageUnavailable

log = logging.getLogger(__name__)

RENEW_EVERY = 5.0
EXPIRES_AFTER = 15.0

CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS instance_lease (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    token TEXT NOT NULL,
    started_at REAL NOT NULL,
    renewed_at REAL NOT NULL
)
"""


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    token: str
    started_at: float
    renewed_at: float

    def describe(self, now: float) -> str:
        started = datetime.fromtimestamp(self.started_at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        ago = max(0, round(now - self.renewed_at))
        return f"host {self.host}, pid {self.pid}, started {started}, renewed {ago} s ago"


class LeaseHeld(Exception):
    """Another instance runs on this database."""

    def __init__(self, holder: Holder, now: float) -> None:
        super().__init__(
            f"another mdtbot instance is running on this database ({holder.describe(now)})"
        )
        self.holder = holder


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except OSError:
        return False
    return True


def is_free(
    holder: Holder | None,
    *,
    now: float,
    host: str,
    pid: int,
    expires_after: float = EXPIRES_AFTER,
) -> bool:
    if holder is None:
        return True
    if holder.host == host and holder.pid == pid:
        return True
    if now - holder.renewed_at > expires_after:
        return True
    return holder.host == host and not pid_alive(holder.pid)


async def _holder(conn: aiosqlite.Connection) -> Holder | None:
    async with conn.execute(
        "SELECT host, pid, token, started_at, renewed_at FROM instance_lease WHERE id = 1"
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    return Holder(str(row[0]), int(row[1]), str(row[2]), float(row[3]), float(row[4]))


def holder_of(conn: sqlite3.Connection) -> Holder | None:
    """The lease row, read on a synchronous connection (the command line)."""
    try:
        row = conn.execute(
            "SELECT host, pid, token, started_at, renewed_at FROM instance_lease WHERE id = 1"
        ).fetchone()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):
            return None
        raise
    if row is None:
        return None
    return Holder(str(row[0]), int(row[1]), str(row[2]), float(row[3]), float(row[4]))


class InstanceLease:
    def __init__(
        self,
        db: Database,
        *,
        renew_every: float = RENEW_EVERY,
        expires_after: float = EXPIRES_AFTER,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self.renew_every = renew_every
        self.expires_after = expires_after
        self.now = now
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.token = uuid.uuid4().hex
        self.held = False
        self._task: asyncio.Task[None] | None = None

    async def acquire(self) -> None:
        """Take the lease, or raise :class:`LeaseHeld` naming the instance that holds it."""
        async with self.db.raw_transaction() as conn:
            await conn.execute(CREATE_TABLE)
            holder = await _holder(conn)
            now = self.now()
            if not is_free(
                holder, now=now, host=self.host, pid=self.pid, expires_after=self.expires_after
            ):
                assert holder is not None
                raise LeaseHeld(holder, now)
            if holder is not None and holder.token != self.token:
                log.info("taking over the lease of a stopped instance (%s)", holder.describe(now))
            await conn.execute(
                "INSERT OR REPLACE INTO instance_lease "
                "(id, host, pid, token, started_at, renewed_at) VALUES (1, ?, ?, ?, ?, ?)",
                (self.host, self.pid, self.token, now, now),
            )
        self.held = True

    async def renew(self) -> bool:
        """Mark the lease as alive; False when another instance has taken it meanwhile."""
        async with self.db.raw_transaction() as conn:
            cur = await conn.execute(
                "UPDATE instance_lease SET renewed_at = ? WHERE id = 1 AND token = ?",
                (self.now(), self.token),
            )
            kept = cur.rowcount == 1
        self.held = kept
        return kept

    async def release(self) -> None:
        """Give the lease up if this instance holds it (also when a stop cut :meth:`acquire`
        short after its write: the row is found by this instance's token)."""
        self.held = False
        if not self.db.is_open:
            return
        try:
            async with self.db.raw_transaction() as conn:
                await conn.execute(
                    "DELETE FROM instance_lease WHERE id = 1 AND token = ?", (self.token,)
                )
        except (StorageUnavailable, sqlite3.Error) as error:  # it expires on its own
            log.warning("could not release the lease: %s", error)

    def keep_renewed(self, on_lost: Callable[[], Awaitable[None]]) -> None:
        """Renew in the background until :meth:`stop`; ``on_lost`` if another took it."""
        self._task = asyncio.get_running_loop().create_task(
            self._renew_loop(on_lost), name="instance-lease"
        )

    async def stop(self) -> None:
        """Stop renewing and release the lease (a clean stop)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.release()

    async def _renew_loop(self, on_lost: Callable[[], Awaitable[None]]) -> None:
        while True:
            await asyncio.sleep(self.renew_every)
            try:
                kept = await self.renew()
            except (StorageUnavailable, sqlite3.Error) as error:
                log.warning("could not renew the instance lease: %s", error)
                continue
            if not kept:
                log.error(
                    "another instance has taken over this database (this one stalled for "
                    "longer than %d s); stopping",
                    self.expires_after,
                )
                await on_lost()
                return
