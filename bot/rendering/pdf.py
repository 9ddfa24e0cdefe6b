"""Documents (agenda, minutes) as blocks of plain text, rendered to a printable PDF with Czech
letters or to Telegram HTML.

The 14 standard PDF fonts cannot show č ř ě ů, so DejaVu Sans (shipped in ``fonts/``, under
its free licence) is embedded. fpdf2 does the layout: line wrapping and page breaks.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT = "DejaVu"


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


_SIZES = {Style.TITLE: 16, Style.META: 10, Style.HEADING: 12, Style.ITEM: 10, Style.NOTE: 9}


@cache
def _glyphs() -> frozenset[int]:
    with resources.as_file(resources.files("bot.rendering") / "fonts" / "DejaVuSans.ttf") as f:
        return frozenset(TTFont(str(f)).getBestCmap())


def printable(text: str) -> str:
    """The text without characters the font cannot show (emoji people type)."""
    glyphs = _glyphs()
    kept = "".join(ch if ord(ch) in glyphs or ch == "\n" else " " for ch in text)
    return re.sub(r" {2,}", " ", kept).strip()


def render_pdf(title: str, blocks: list[Block]) -> bytes:
    """The document; the same content is rendered once (a fan-out sends it to many)."""
    return _render(title, tuple(blocks))


@lru_cache(maxsize=16)
def _render(title: str, blocks: tuple[Block, ...]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(printable(title))
    pdf.set_creator("mdtbot")
    fonts = resources.files("bot.rendering") / "fonts"
    with resources.as_file(fonts / "DejaVuSans.ttf") as regular:
        pdf.add_font(FONT, "", str(regular))
    with resources.as_file(fonts / "DejaVuSans-Bold.ttf") as bold:
        pdf.add_font(FONT, "B", str(bold))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(18, 15, 18)
    pdf.add_page()
    for block in blocks:
        style = "B" if block.style in (Style.TITLE, Style.HEADING) else ""
        pdf.set_font(FONT, style, _SIZES[block.style])
        if block.style is Style.HEADING:
            pdf.ln(3)
        indent = 4 if block.style is Style.ITEM else 0
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(pdf.epw - indent, 5.5, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


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
