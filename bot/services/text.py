"""Cleaning of short free-text fields (names, titles) typed by people."""

from __future__ import annotations

import re
import unicodedata

from bot.services.errors import InputProblem, InvalidInput

_SPACES = re.compile(r"\s+")


def clean_line(text: str | None, *, min_len: int, max_len: int) -> str:
    """One line of text: control characters dropped, whitespace collapsed, length checked.

    HTML is kept as typed; it is escaped wherever it is shown.
    """
    if text is None:
        raise InvalidInput(InputProblem.EMPTY)
    printable = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch)[0] != "C"
    )
    line = _SPACES.sub(" ", printable).strip()
    if not line:
        raise InvalidInput(InputProblem.EMPTY)
    if len(line) < min_len:
        raise InvalidInput(InputProblem.TOO_SHORT, limit=min_len)
    if len(line) > max_len:
        raise InvalidInput(InputProblem.TOO_LONG, limit=max_len)
    return line


def name_key(name: str) -> str:
    """Case- and accent-insensitive key, so "Poruba" and "PORUBA" are one team."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_BLANK_LINES = re.compile(r"\n{3,}")
_LINE_SPACES = re.compile(r"[^\S\n]+")


def clean_text(text: str | None, *, min_len: int, max_len: int, min_words: int = 1) -> str:
    """Several lines of free text (a description, a comment): control characters dropped,
    spaces collapsed within lines, at most one empty line in a row, limits checked."""
    if text is None:
        raise InvalidInput(InputProblem.EMPTY)
    kept = "".join(
        ch
        for ch in text.replace("\r\n", "\n").replace("\r", "\n")
        if ch == "\n" or ch.isspace() or unicodedata.category(ch)[0] != "C"
    )
    lines = [_LINE_SPACES.sub(" ", line).strip() for line in kept.split("\n")]
    clean = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    if not clean:
        raise InvalidInput(InputProblem.EMPTY)
    if len(clean) > max_len:
        raise InvalidInput(InputProblem.TOO_LONG, limit=max_len)
    if len(clean) < min_len:
        raise InvalidInput(InputProblem.TOO_SHORT, limit=min_len)
    if len(clean.split()) < min_words:
        raise InvalidInput(InputProblem.FEW_WORDS, limit=min_words)
    return clean
