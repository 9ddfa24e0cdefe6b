"""Logging that never writes what people wrote.

No report text, personal data, invite code or token reaches a log line at any level:
libraries that log request parameters, SQL parameters or URLs are held at a level where they do
not; the token and invite codes are masked in every line; and the message of an exception is
withheld unless it comes from a kind of error that describes the system (Telegram, network,
disk, SQLite) rather than echoing input.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import sys
import traceback
from collections.abc import Iterable
from types import TracebackType
from typing import TextIO

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

#: loggers that write payloads below these levels: PTB logs every request's parameters and
#: every update at DEBUG, aiosqlite every statement, httpx every URL (which holds the token)
QUIET = {
    "telegram": logging.INFO,
    "aiosqlite": logging.WARNING,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "apscheduler": logging.WARNING,
}

WITHHELD = "(message withheld: it may contain what someone wrote)"
_TOKEN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{20,}")
_INVITE = re.compile(r"(start[=\s])[A-Za-z0-9_-]{6,}")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "«secret»")
    text = _TOKEN.sub("«token»", text)
    return _INVITE.sub(r"\1«code»", text)


class RedactingFormatter(logging.Formatter):
    def __init__(self, fmt: str = FORMAT, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        self.secrets = tuple(s for s in secrets if s)

    def format(self, record: logging.LogRecord) -> str:
        cached, record.exc_text = record.exc_text, None  # another handler's text may hold input
        try:
            return redact(super().format(record), self.secrets)
        finally:
            record.exc_text = cached

    def formatException(
        self,
        ei: tuple[type[BaseException], BaseException, TracebackType | None]
        | tuple[None, None, None],
    ) -> str:
        if ei[1] is None:
            return ""
        summary = traceback.TracebackException.from_exception(ei[1])
        seen: set[int] = set()
        stack = [summary]
        while stack:  # the chain of causes and contexts
            current = stack.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            if current.exc_type is not None and not _error_is_systemic(current.exc_type):
                # TracebackException keeps the message in _str (stable since 3.10)
                current._str = WITHHELD  # type: ignore[attr-defined]
            stack += [e for e in (current.__cause__, current.__context__) if e is not None]
        return "".join(summary.format()).rstrip("\n")


def _error_is_systemic(exc_type: type[BaseException]) -> bool:
    from telegram.error import TelegramError

    return issubclass(exc_type, TelegramError | OSError | sqlite3.Error | TimeoutError)


def configure(
    verbose: bool,
    *,
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
    level: int | None = None,
) -> None:
    """Log to ``stream`` (stderr) at DEBUG or INFO (or ``level``), with payload-writing
    libraries held back."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_mdtbot", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(RedactingFormatter(FORMAT, secrets))
    handler._mdtbot = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    chosen = level if level is not None else logging.DEBUG if verbose else logging.INFO
    root.setLevel(chosen)
    for name, floor in QUIET.items():
        logging.getLogger(name).setLevel(max(floor, chosen))
