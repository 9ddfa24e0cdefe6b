"""Backups with SQLite's online backup API, and restoring one.

A backup is one consistent snapshot even while the bot writes: the whole file is copied in one
step of the backup API, inside one read transaction. It is written next to its target first,
checked with ``PRAGMA integrity_check`` and only then renamed into place, so a half-written
backup never looks like a good one. Restoring checks the backup before, keeps a copy of the
current database, copies the backup in and checks the result again; it is refused while an
instance runs on the database (see :mod:`bot.storage.lease`).

Synchronous on purpose: used from the command line, and from the daily job in a thread.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.storage.lease import CREATE_TABLE, LeaseHeld, holder_of, is_free
from bot.storage.migrations import MIGRATIONS

log = logging.getLogger(__name__)

PREFIX = "mdtbot-"
SUFFIX = ".db"
#: a daily backup is made when the newest one is older than this
EVERY = timedelta(days=1)


class BackupError(Exception):
    """The backup or restore could not be done; the message says why."""


def _connect_existing(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    mode = "ro" if read_only else "rw"
    try:
        return sqlite3.connect(f"file:{path}?mode={mode}", uri=True, isolation_level=None)
    except sqlite3.Error as error:
        raise BackupError(f"cannot open {path}: {error}") from error


def integrity(path: Path) -> str:
    """``ok``, or what ``PRAGMA integrity_check`` found wrong (also: not a database)."""
    conn = _connect_existing(path, read_only=True)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as error:
        return str(error)
    finally:
        conn.close()
    found = [str(row[0]) for row in rows]
    return "ok" if found == ["ok"] else "; ".join(found[:3])


def schema_version(path: Path) -> int:
    conn = _connect_existing(path, read_only=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def backup_name(moment: datetime) -> str:
    return f"{PREFIX}{moment.astimezone(UTC).strftime('%Y%m%d-%H%M%S')}{SUFFIX}"


def _copy(source: sqlite3.Connection, target: Path) -> None:
    dest = sqlite3.connect(target, isolation_level=None)
    try:
        source.backup(dest)  # all pages in one step: one consistent snapshot
        dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        dest.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup(db_path: Path, target: Path, *, now: datetime | None = None) -> Path:
    """Copy the database at ``db_path`` to ``target`` (a file, or a directory to put a dated
    file in); returns the file written."""
    if target.is_dir():
        target = target / backup_name(now or datetime.now(UTC))
    if not target.parent.is_dir():
        raise BackupError(f"the directory {target.parent} does not exist")
    partial = target.with_name(target.name + ".partial")
    source = _connect_existing(db_path)
    try:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        _copy(source, partial)
    except sqlite3.Error as error:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise BackupError(f"backup failed: {error}") from error
    finally:
        source.close()
    found = integrity(partial)
    if found != "ok":
        partial.unlink()
        raise BackupError(f"the copy failed its integrity check: {found}")
    _fsync(partial)
    os.replace(partial, target)
    _fsync(target.parent)
    return target


def backups(directory: Path) -> list[Path]:
    """The daily backups in ``directory``, oldest first."""
    return sorted(
        p for p in directory.glob(f"{PREFIX}*{SUFFIX}") if p.is_file() and p.name[7:8].isdigit()
    )


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` daily backups; returns the deleted ones."""
    old = backups(directory)[:-keep] if keep > 0 else []
    for path in old:
        path.unlink()
    return old


def due(directory: Path, now: datetime) -> bool:
    """Whether the newest daily backup in ``directory`` is older than a day (or missing)."""
    existing = backups(directory)
    if not existing:
        return True
    newest = datetime.fromtimestamp(existing[-1].stat().st_mtime, UTC)
    return now - newest >= EVERY - timedelta(minutes=5)


def daily(db_path: Path, directory: Path, keep: int, now: datetime) -> Path | None:
    """Make today's backup if it is due and keep the newest ``keep``."""
    if not directory.is_dir():
        raise BackupError(f"MDTBOT_BACKUP_DIR {directory} does not exist")
    if not due(directory, now):
        return None
    made = backup(db_path, directory, now=now)
    for path in prune(directory, keep):
        log.info("old backup %s deleted", path.name)
    return made


def restore(backup_path: Path, db_path: Path, *, now: datetime | None = None) -> Path | None:
    """Replace the database at ``db_path`` with the backup; returns the copy kept of the
    database as it was (None if there was none). Raises :class:`LeaseHeld` while an instance
    runs, :class:`BackupError` for a backup that is damaged or from a newer version."""
    found = integrity(backup_path)
    if found != "ok":
        raise BackupError(f"{backup_path} failed its integrity check: {found}")
    version = schema_version(backup_path)
    if version == 0:
        raise BackupError(f"{backup_path} is not an mdtbot database")
    if version > len(MIGRATIONS):
        raise BackupError(
            f"{backup_path} was made by a newer mdtbot (schema {version}, this one knows "
            f"{len(MIGRATIONS)})"
        )
    if not db_path.parent.is_dir():
        raise BackupError(f"the directory {db_path.parent} does not exist")
    moment = now or datetime.now(UTC)
    existed = db_path.exists()
    dest = sqlite3.connect(db_path, isolation_level=None, timeout=5)
    try:
        _take_lease(dest)  # LeaseHeld while an instance runs; one starting meanwhile refuses
        kept: Path | None = None
        try:
            if existed:
                stamp = moment.strftime("%Y%m%d-%H%M%S")
                kept = backup(db_path, db_path.with_name(f"{db_path.name}.before-restore-{stamp}"))
            source = sqlite3.connect(f"file:{backup_path}?mode=ro", uri=True)
            try:
                source.backup(dest)
            finally:
                source.close()
        finally:
            dest.execute(CREATE_TABLE)
            dest.execute("DELETE FROM instance_lease")  # nor is the backup's holder running
    except sqlite3.Error as error:
        raise BackupError(f"restore failed: {error}") from error
    finally:
        dest.close()
    found = integrity(db_path)
    if found != "ok":
        raise BackupError(f"the restored database failed its integrity check: {found}")
    return kept


def _take_lease(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(CREATE_TABLE)
        now = time.time()
        holder = holder_of(conn)
        if not is_free(holder, now=now, host=socket.gethostname(), pid=os.getpid()):
            assert holder is not None
            raise LeaseHeld(holder, now)
        conn.execute(
            "INSERT OR REPLACE INTO instance_lease VALUES (1, ?, ?, 'restore', ?, ?)",
            (socket.gethostname(), os.getpid(), now, now),
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
