"""Splitting long Telegram HTML texts on line boundaries, within Telegram's limits."""

from __future__ import annotations

#: Telegram refuses texts over 4096 UTF-16 units; stay well below.
MESSAGE_LIMIT = 3800


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_lines(lines: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Join lines into as few messages as fit; a line never spans two messages.

    Each line must be self-contained HTML (no tag open across lines). The HTML source is
    measured, which is never shorter than what Telegram counts after parsing. A single line
    longer than ``limit`` is cut at a character boundary (it must not contain tags then).
    """
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        for piece in _cut(line, limit):
            extra = utf16_len(piece) + (1 if current else 0)
            if current and size + extra > limit:
                chunks.append("\n".join(current))
                current, size = [], 0
                extra = utf16_len(piece)
            current.append(piece)
            size += extra
    if current:
        chunks.append("\n".join(current))
    return chunks


def _cut(line: str, limit: int) -> list[str]:
    """Cut an over-long line, never inside a character entity such as ``&amp;``."""
    if utf16_len(line) <= limit:
        return [line]
    pieces: list[str] = []
    piece, size = "", 0
    for ch in line:
        width = 2 if ord(ch) > 0xFFFF else 1
        if size + width > limit:
            amp = piece.rfind("&")
            carry = piece[amp:] if amp > piece.rfind(";") else ""
            pieces.append(piece[: len(piece) - len(carry)])
            piece, size = carry, utf16_len(carry)
        piece += ch
        size += width
    if piece:
        pieces.append(piece)
    return pieces
