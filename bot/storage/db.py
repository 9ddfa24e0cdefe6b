"""The SQLite file: one connection, serialised transactions, numbered migrations.

All access goes through :meth:`Database.transaction` (writes, ``BEGIN IMMEDIATE``) or
:meth:`Database.read`. Both hold one asyncio lock, so transactions of different coroutines
never interleave on the shared connection.

Faults are told apart from a fresh start: a missing directory, a file that cannot be opened or
written stop start-up (:class:`DatabaseUnusable`); a write that cannot be done now (another
process holds the write lock past the busy timeout, the disk is full) rolls back and raises
:class:`StorageUnavailable`, which handlers turn into "cannot save now, try again shortly".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Protocol

import aiosqlite

from bot.storage.migrations import MIGRATIONS
from bot.storage.repos import Repos

log = logging.getLogger(__name__)

#: how long one attempt waits for another connection's write lock
BUSY_TIMEOUT = 5.0
#: attempts to begin a write before the person is told to try again shortly
WRITE_ATTEMPTS = 3
#: the pause before the second attempt (doubled for each further one)
RETRY_PAUSE = 0.25

#: SQLite's primary result codes that mean "cannot write now", not a bug
_UNAVAILABLE_CODES = {
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_CANTOPEN,
}


class StorageUnavailable(Exception):
    """A write could not be done now (locked past the busy timeout, disk full, read-only);
    it was rolled back as a whole: nothing is half-saved."""


class DatabaseUnusable(Exception):
    """The database cannot be used at all (missing directory, unreadable or read-only file);
    raised at start-up with a sentence for the operator."""


def unavailable(error: BaseException) -> bool:
    """Whether ``error`` is SQLite saying "not now" (busy, full, read-only, I/O)."""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _UNAVAILABLE_CODES
    text = str(error).lower()
    return any(w in text for w in ("locked", "full", "readonly", "read-only", "disk i/o"))


class CommitHook(Protocol):
    """Writes that ride along with whatever transaction commits next (the update journal marks
    the update being handled in the same transaction as the handler's own writes)."""

    async def before_commit(self, conn: aiosqlite.Connection) -> None: ...

    def committed(self) -> None: ...

    def rolled_back(self) -> None: ...


def is_uri(path: str) -> bool:
    return path.startswith("file:")


class Database:
    def __init__(
        self,
        path: Path | str,
        *,
        busy_timeout: float | None = None,
        write_attempts: int | None = None,
        retry_pause: float | None = None,
    ) -> None:
        self.path = str(path)
        self.busy_timeout = BUSY_TIMEOUT if busy_timeout is None else busy_timeout
        self.write_attempts = WRITE_ATTEMPTS if write_attempts is None else write_attempts
        self.retry_pause = RETRY_PAUSE if retry_pause is None else retry_pause
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self.commit_hook: CommitHook | None = None

    async def connect(self) -> None:
        """Open (see :meth:`open`) and migrate."""
        await self.open()
        await self.migrate()

    async def open(self) -> None:
        """Open the file (created if missing, in an existing directory) and make sure it can be
        written; :class:`DatabaseUnusable` otherwise."""
        if self._conn is not None:
            return
        if self.path != ":memory:" and not is_uri(self.path):
            directory = Path(self.path).parent
            if not directory.is_dir():
                raise DatabaseUnusable(f"the directory {directory} does not exist")
        try:
            conn = await aiosqlite.connect(self.path, isolation_level=None, uri=is_uri(self.path))
        except sqlite3.Error as error:
            raise DatabaseUnusable(f"cannot open {self.path}: {error}") from error
        conn.row_factory = aiosqlite.Row
        try:
            for pragma in (
                "PRAGMA journal_mode=WAL",
                "PRAGMA foreign_keys=ON",
                f"PRAGMA busy_timeout={int(self.busy_timeout * 1000)}",
                "PRAGMA synchronous=FULL",
                # deleted personal data is overwritten, not left in the file
                "PRAGMA secure_delete=ON",
            ):
                await conn.execute(pragma)
            await _probe_write(conn)
        except sqlite3.Error as error:
            await conn.close()
            if isinstance(error, sqlite3.DatabaseError) and "not a database" in str(error):
                raise DatabaseUnusable(f"{self.path} is not an SQLite database") from error
            if unavailable(error) and "locked" not in str(error):
                raise DatabaseUnusable(
                    f"cannot write to {self.path} ({error}): check that the file and its "
                    "directory are writable and the disk has space"
                ) from error
            raise DatabaseUnusable(f"cannot use {self.path}: {error}") from error
        self._conn = conn

    async def migrate(self) -> None:
        await self._migrate()

    async def close(self) -> None:
        if self._conn is not None:
            async with self._lock:
                await self._conn.close()
                self._conn = None

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("Database.connect() has not been called")
        return self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Repos]:
        """A write transaction: committed when the block ends, rolled back on an exception."""
        async with self._raw_transaction() as conn:
            yield Repos(conn)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Repos]:
        """A consistent read: sees no other coroutine's half-done write."""
        async with self._lock:
            conn = self.conn
            try:
                await conn.execute("BEGIN")
            except asyncio.CancelledError:
                await _end_begun(conn)
                raise
            try:
                yield Repos(conn)
            finally:
                await conn.execute("COMMIT")

    @asynccontextmanager
    async def raw_transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """:meth:`transaction` on the bare connection, for storage code outside the repos."""
        async with self._raw_transaction() as conn:
            yield conn

    @asynccontextmanager
    async def _raw_transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """``BEGIN IMMEDIATE`` takes the write lock before the block runs: when another
        connection holds it past the busy timeout, beginning is tried again after a pause
        (the lock released meanwhile); the block itself runs once."""
        attempt = 1
        while True:
            async with self._lock:
                conn = self.conn
                try:
                    await conn.execute("BEGIN IMMEDIATE")
                except asyncio.CancelledError:
                    await _end_begun(conn)
                    raise
                except sqlite3.OperationalError as error:
                    if not unavailable(error):
                        raise
                    if attempt >= self.write_attempts:
                        log.warning("cannot begin a write after %d attempts: %s", attempt, error)
                        raise StorageUnavailable(str(error)) from error
                    log.info("cannot begin a write (attempt %d): %s", attempt, error)
                else:
                    hook = self.commit_hook
                    try:
                        yield conn
                        if hook is not None:
                            await hook.before_commit(conn)
                    except BaseException as error:
                        await _rollback(conn)
                        if hook is not None:
                            hook.rolled_back()
                        if unavailable(error):
                            log.warning("write rolled back: %s", error)
                            raise StorageUnavailable(str(error)) from error
                        raise
                    try:
                        await conn.execute("COMMIT")
                    except sqlite3.OperationalError as error:
                        await _rollback(conn)
                        if hook is not None:
                            hook.rolled_back()
                        if unavailable(error):
                            log.warning("commit failed, rolled back: %s", error)
                            raise StorageUnavailable(str(error)) from error
                        raise
                    if hook is not None:
                        hook.committed()
                    return
            await asyncio.sleep(self.retry_pause * 2 ** (attempt - 1))
            attempt += 1

    async def checkpoint(self) -> None:
        """Copy the write-ahead log into the file and empty it: after an erasure, so that no
        older copy of a page with the erased data stays in the log."""
        async with self._lock:
            await self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def schema_version(self) -> int:
        async with self._lock, self.conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        current = await self.schema_version()
        for version, script in enumerate(MIGRATIONS, start=1):
            if version <= current:
                continue
            log.info("Migrating database to version %d", version)
            async with self._raw_transaction() as conn:
                for statement in _statements(script):
                    await conn.execute(statement)
                await conn.execute(f"PRAGMA user_version = {version}")


async def _rollback(conn: aiosqlite.Connection) -> None:
    """Roll back what is left: SQLite may have rolled back on its own (a full disk)."""
    if conn.in_transaction:
        try:
            await conn.execute("ROLLBACK")
        except sqlite3.Error as error:
            log.warning("rollback failed: %s", error)


async def _end_begun(conn: aiosqlite.Connection) -> None:
    """Cancelled while awaiting ``BEGIN``: the connection's thread begins the transaction all
    the same, later; end it, or the next ``BEGIN`` fails ("within a transaction")."""
    with contextlib.suppress(sqlite3.Error):  # the BEGIN failed
        await conn.execute("ROLLBACK")  # queued after the BEGIN on the same thread


async def _probe_write(conn: aiosqlite.Connection) -> None:
    """A write that is never committed: a file SQLite could only open read-only fails here, not
    at the first thing a person saves."""
    await conn.execute("BEGIN IMMEDIATE")
    try:
        await conn.execute("CREATE TABLE mdtbot_write_probe (x)")
    finally:
        await _rollback(conn)


def _statements(script: str) -> list[str]:
    """Split a migration into statements (``executescript`` would commit on its own)."""
    return [s.strip() for s in script.split(";\n") if s.strip()]
