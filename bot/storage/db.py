"""The SQLite file: one connection, serialised transactions, numbered migrations.

All access goes through :meth:`Database.transaction` (writes, ``BEGIN IMMEDIATE``) or
:meth:`Database.read`. Both hold one asyncio lock, so transactions of different coroutines
never interleave on the shared connection.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.storage.migrations import MIGRATIONS
from bot.storage.repos import Repos

log = logging.getLogger(__name__)


class Database:
    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    async def connect(self) -> None:
        if self._conn is not None:
            return
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA foreign_keys=ON",
            "PRAGMA busy_timeout=5000",
            "PRAGMA synchronous=FULL",
            "PRAGMA secure_delete=ON",  # removed text (retention, erasure) is overwritten
        ):
            await conn.execute(pragma)
        self._conn = conn
        await self._migrate()

    async def close(self) -> None:
        if self._conn is not None:
            async with self._lock:
                await self._conn.close()
                self._conn = None

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
            await conn.execute("BEGIN")
            try:
                yield Repos(conn)
            finally:
                await conn.execute("COMMIT")

    @asynccontextmanager
    async def _raw_transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            conn = self.conn
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")

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


def _statements(script: str) -> list[str]:
    """Split a migration into statements (``executescript`` would commit on its own)."""
    return [s.strip() for s in script.split(";\n") if s.strip()]
