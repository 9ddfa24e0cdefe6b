"""The agenda's and the minutes' messages as blocks of plain text, rendered to Telegram HTML.
The printed documents (PDF, DOCX) are made by ``bot/rendering/document.py``."""

from __future__ import annotations

import html
from dataclasses import dataclass
from enum import StrEnum


class Style(StrEnum):
    TITLE = "title"
    META = "meta"
    HEADING = "heading"
    ITEM = "item"
    NOTE = "note"


@dataclass(frozen=True)
class Block:
    style: Style
    text: str  # plain text, no markup


def html_lines(blocks: list[Block], icon: str) -> list[str]:
    """The same content as Telegram HTML, one self-contained line per block."""
    lines = []
    for block in blocks:
        text = html.escape(block.text, quote=False)
        match block.style:
            case Style.TITLE:
                lines.append(f"{icon} <b>{text}</b>")
            case Style.META:
                lines.append(f"🗓 {text}")
            case Style.HEADING:
                lines += ["", f"<b>{text}</b>"]
            case Style.NOTE:
                lines.append(f"<i>{text}</i>")
            case _:
                lines.append(text)
    return lines
