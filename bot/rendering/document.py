"""One style for every document the teams print, sign and file (agenda, attendance sheet,
zápis, and whatever comes later): an A4 page with DejaVu Sans (Czech letters), a header with the
team and the document's title, a footer "strana 1 z 3", and a few building blocks. The same
content renders to PDF (fpdf2) and to an editable DOCX (python-docx).

How to use it::

    from bot.rendering import document as doc

    # number = await bot.services.meetings.meeting_number(repos, meeting)  (in a service)
    b = doc.Builder(t, team=doc.team_label(t, team_name), title=t._("Agenda of the meeting"))
    b.title_block(
        subtitle=doc.meeting_heading(t, team_name, number, meeting),  # "3. jednání MDT …"
        fields=doc.meeting_fields(t, meeting),      # Datum / Čas / Místo, Babel's Czech formats
    )
    b.heading("1. Úkoly po termínu")                # level 1; b.heading(text, level=2) smaller
    b.item("1.", "Problém #12 — Zárubecká 12",      # a numbered item with a hanging indent
           lines=["návykové látky · vysoká · 5 dní"], excerpt=doc.excerpt(description),
           more=["Návrh: …"])                        # lines under the grey excerpt
    b.paragraph("Text.", muted=False)
    b.table(
        [doc.Column("Jméno", 3), doc.Column("Organizace", 3), doc.Column("Podpis", 2)],
        rows=[("Jana Nováková", "MP Ostrava", "")],
        blank_rows=5,       # empty rows to fill in by hand
        tall=True,          # rows high enough to sign in
    )                       # the header row repeats on every page; cells wrap
    b.signatures([(t._("Recorded by"), "Jana Nováková"), (t._("Verified by"), "")])
    b.closed_part(t._("Closed part — coordinators only"))
    # ...blocks after closed_part() start on a new page marked "coordinators only"
    document = b.build()

    pdf: bytes = doc.to_pdf(document)                   # cached: a fan-out renders once
    docx: bytes = doc.to_docx(document)
    members = document.members_copy()                   # everything before closed_part()

Texts are plain (no markup); characters the font cannot show (emoji) are dropped. Dates and
times come from the Translator (``t.long_date``, ``t.date``, ``t.time``: "9:00").
Rendering is CPU work: call ``to_pdf``/``to_docx`` through ``asyncio.to_thread``.
fpdf2 and python-docx are imported inside the functions that use them (start-up time).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import datetime
from functools import cache, lru_cache
from importlib import resources
from io import BytesIO
from typing import TYPE_CHECKING, Any

from bot.i18n import Translator

if TYPE_CHECKING:
    from bot.domain.meetings import Meeting

FONT = "DejaVu"
#: the font of the editable copy: any office has it, with Czech letters
DOCX_FONT = "Arial"
#: A4 in millimetres, and the margins (left, top, right, bottom)
PAGE_W, PAGE_H = 210.0, 297.0
MARGINS = (20.0, 22.0, 20.0, 20.0)
GREY = (110, 110, 110)
LINE_GREY = (170, 170, 170)
HEAD_FILL = (232, 232, 232)
CLOSED_RED = (160, 30, 30)


# --- the blocks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TitleBlock:
    title: str
    subtitle: str = ""
    fields: tuple[tuple[str, str], ...] = ()  # (label, value): "Datum", "úterý 15. prosince 2026"


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    muted: bool = False  # smaller and grey: notes, explanations
    bold: bool = False


@dataclass(frozen=True)
class Item:
    """A numbered item: ``number`` in the left column, a bold ``title``, then ``lines``, a
    grey ``excerpt`` and ``more`` lines under it."""

    number: str
    title: str
    lines: tuple[str, ...] = ()
    excerpt: str = ""
    more: tuple[str, ...] = ()


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 1.0  # relative to the other columns
    align: str = "L"  # "L", "C" or "R"


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    blank_rows: int = 0
    tall: bool = False  # rows high enough to write or sign in by hand


@dataclass(frozen=True)
class Signatures:
    """Signature lines side by side: (label, name), e.g. ("Zapsal(a)", "Jana Nováková");
    an empty name leaves a line to write it on."""

    people: tuple[tuple[str, str], ...]
    sign_label: str = ""  # "podpis"
    date_label: str = ""  # "dne"


@dataclass(frozen=True)
class ClosedPart:
    """Starts the coordinators-only part on a new page; every block after it is left out of
    a members' copy."""

    title: str
    note: str = ""


@dataclass(frozen=True)
class PageBreak:
    pass


Block = TitleBlock | Heading | Paragraph | Item | Table | Signatures | ClosedPart | PageBreak


@dataclass(frozen=True)
class Document:
    team: str
    title: str
    blocks: tuple[Block, ...]
    language: str = "cs"
    #: "strana {page} z {pages}" in the reader's language
    page_label: str = "{page} / {pages}"
    #: the header's mark on the pages of the closed part
    closed_label: str = ""
    #: "Vytvořeno 1. 12. 2026 9:00" or empty
    created_label: str = ""

    @property
    def has_closed_part(self) -> bool:
        return any(isinstance(b, ClosedPart) for b in self.blocks)

    def members_copy(self) -> Document:
        """The document without the closed part (everything from ``ClosedPart`` on)."""
        kept: list[Block] = []
        for block in self.blocks:
            if isinstance(block, ClosedPart):
                break
            kept.append(block)
        return replace(self, blocks=tuple(kept))

    def texts(self) -> list[str]:
        """Every text of the document, in order (for tests and checks)."""
        out: list[str] = []
        for block in self.blocks:
            match block:
                case TitleBlock():
                    out += [block.title, block.subtitle]
                    out += [f"{k}: {v}" for k, v in block.fields]
                case Heading() | Paragraph():
                    out.append(block.text)
                case Item():
                    out += [f"{block.number} {block.title}", *block.lines, block.excerpt]
                    out += block.more
                case Table():
                    out += [c.header for c in block.columns]
                    out += [cell for row in block.rows for cell in row]
                case Signatures():
                    out += [f"{label}: {name}" for label, name in block.people]
                case ClosedPart():
                    out += [block.title, block.note]
        return [x for x in out if x]


@dataclass
class Builder:
    """Collects the blocks of one document in the reader's language."""

    t: Translator
    team: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    created: datetime | None = None  # shown small in the footer when given

    def title_block(self, subtitle: str = "", fields: Iterable[tuple[str, str]] = ()) -> None:
        self.blocks.append(TitleBlock(self.title, subtitle, tuple(fields)))

    def heading(self, text: str, level: int = 1) -> None:
        self.blocks.append(Heading(text, level))

    def paragraph(self, text: str, *, muted: bool = False, bold: bool = False) -> None:
        self.blocks.append(Paragraph(text, muted, bold))

    def item(
        self,
        number: str,
        title: str,
        lines: Iterable[str] = (),
        excerpt: str = "",
        more: Iterable[str] = (),
    ) -> None:
        self.blocks.append(
            Item(number, title, tuple(x for x in lines if x), excerpt, tuple(x for x in more if x))
        )

    def table(
        self,
        columns: Sequence[Column],
        rows: Iterable[Sequence[str]],
        *,
        blank_rows: int = 0,
        tall: bool = False,
    ) -> None:
        self.blocks.append(Table(tuple(columns), tuple(tuple(r) for r in rows), blank_rows, tall))

    def signatures(self, people: Iterable[tuple[str, str]]) -> None:
        self.blocks.append(Signatures(tuple(people), self.t._("signature"), self.t._("date")))

    def closed_part(self, title: str, note: str = "") -> None:
        self.blocks.append(ClosedPart(title, note))

    def page_break(self) -> None:
        self.blocks.append(PageBreak())

    def build(self) -> Document:
        t = self.t
        return Document(
            team=self.team,
            title=self.title,
            blocks=tuple(self.blocks),
            language=t.language,
            page_label=t._("page {page} of {pages}"),
            closed_label=t._("Coordinators only"),
            created_label=(
                t._("Created {moment}", moment=t.short_datetime(self.created))
                if self.created
                else ""
            ),
        )


# --- helpers for the content ------------------------------------------------------------------


def team_label(t: Translator, name: str) -> str:
    """``MDT Poruba``: the team as documents name it (a name may already say "MDT")."""
    if name.upper().startswith(("MDT", "MULTIDISCIPLIN")):
        return name
    return t._("MDT {team}", team=name)


def meeting_heading(t: Translator, team_name: str, number: int, meeting: Meeting) -> str:
    """``3. jednání MDT Poruba v roce 2027``; ``number`` from
    ``bot.services.meetings.meeting_number``."""
    return t._(
        "Meeting no. {n} of {team} in {year}",
        n=number,
        team=team_label(t, team_name),
        year=meeting.local_start.year,
    )


def meeting_fields(t: Translator, meeting: Meeting) -> list[tuple[str, str]]:
    """Datum / Čas / Místo of a meeting, in Babel's Czech formats ("9:00")."""
    return [
        (t._("Date"), t.long_date(meeting.starts_at)),
        (t._("Time"), t.time(meeting.starts_at)),
        (t._("Place"), meeting.place),
    ]


def excerpt(text: str, limit: int = 170) -> str:
    """About two printed lines of a longer text, cut at a word, with "…"."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0].rstrip(",.;:–- ")
    return cut + "…"


@cache
def _glyphs() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with resources.as_file(resources.files("bot.rendering") / "fonts" / "DejaVuSans.ttf") as f:
        return frozenset(TTFont(str(f)).getBestCmap())


def printable(text: str) -> str:
    """The text without characters the font cannot show (emoji people type)."""
    glyphs = _glyphs()
    kept = "".join(ch if ord(ch) in glyphs or ch == "\n" else " " for ch in text)
    return re.sub(r"[ \t]{2,}", " ", kept).strip()


def filename(stem: str, moment: datetime, ext: str) -> str:
    """``program-2026-12-15.pdf``: ASCII, sortable."""
    return f"{stem}-{moment:%Y-%m-%d}.{ext}"


# --- PDF ----------------------------------------------------------------------------------------


def to_pdf(document: Document) -> bytes:
    """The document as an A4 PDF (cached: the same content is rendered once)."""
    return _pdf(document)


@lru_cache(maxsize=16)
def _pdf(document: Document) -> bytes:
    pdf = _pdf_class()(document)
    pdf.add_page()
    for block in document.blocks:
        _pdf_block(pdf, block)
    return bytes(pdf.output())


@cache
def _pdf_class() -> type[Any]:
    from fpdf import FPDF

    class _Pdf(FPDF):
        def __init__(self, document: Document) -> None:
            super().__init__(format="A4", unit="mm")
            self.document = document
            self.closed = False
            self.set_title(printable(f"{document.title} — {document.team}"))
            self.set_creator("mdtbot")
            self.set_lang(document.language)
            fonts = resources.files("bot.rendering") / "fonts"
            with resources.as_file(fonts / "DejaVuSans.ttf") as regular:
                self.add_font(FONT, "", str(regular))
            with resources.as_file(fonts / "DejaVuSans-Bold.ttf") as bold:
                self.add_font(FONT, "B", str(bold))
            left, top, right, bottom = MARGINS
            self.set_margins(left, top, right)
            self.set_auto_page_break(auto=True, margin=bottom)
            self.alias_nb_pages("{nb}")

        def header(self) -> None:
            doc = self.document
            self.set_y(10)
            self.set_font(FONT, "", 8)
            self.set_text_color(*GREY)
            half = self.epw / 2 - 2
            self.cell(self.epw / 2, 4, _fit(self, printable(doc.team), half), align="L")
            right = doc.title
            if self.closed and doc.closed_label:
                right = f"{doc.title} · {doc.closed_label}"
                self.set_text_color(*CLOSED_RED)
            self.cell(self.epw / 2, 4, _fit(self, printable(right), half), align="R")
            self.set_draw_color(*LINE_GREY)
            self.set_line_width(0.2)
            self.line(self.l_margin, 15, self.w - self.r_margin, 15)
            self.set_text_color(0, 0, 0)
            self.set_y(MARGINS[1])

        def footer(self) -> None:
            doc = self.document
            self.set_y(-13)
            self.set_font(FONT, "", 8)
            self.set_text_color(*GREY)
            label = doc.page_label.format(page=self.page_no(), pages="{nb}")
            if doc.created_label:
                self.cell(
                    self.epw / 2,
                    4,
                    _fit(self, printable(doc.created_label), self.epw / 2 - 2),
                    align="L",
                )
                self.cell(self.epw / 2, 4, label, align="R")
            else:
                self.cell(self.epw, 4, label, align="C")
            self.set_text_color(0, 0, 0)

    return _Pdf


def _fit(pdf: Any, text: str, width: float) -> str:
    """The text cut with "…" to fit ``width`` in the current font (header and footer lines)."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _pdf_block(pdf: Any, block: Block) -> None:
    from fpdf.enums import XPos, YPos

    nl = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
    match block:
        case TitleBlock():
            pdf.set_font(FONT, "B", 17)
            pdf.multi_cell(pdf.epw, 8, printable(block.title), **nl, align="L")
            if block.subtitle:
                pdf.set_font(FONT, "", 12)
                pdf.multi_cell(pdf.epw, 6.5, printable(block.subtitle), **nl, align="L")
            pdf.ln(2)
            label_w = 22.0
            for label, value in block.fields:
                pdf.set_font(FONT, "B", 10)
                pdf.cell(label_w, 5.5, printable(label) + ":")
                pdf.set_font(FONT, "", 10)
                pdf.multi_cell(pdf.epw - label_w, 5.5, printable(value), **nl, align="L")
            pdf.ln(2)
            pdf.set_draw_color(*LINE_GREY)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
            pdf.ln(2)
        case Heading():
            size = 12.5 if block.level == 1 else 10.5
            if pdf.get_y() > pdf.h - 45:  # no heading alone at the foot of a page
                pdf.add_page()
            pdf.ln(3 if block.level == 1 else 1.5)
            pdf.set_font(FONT, "B", size)
            pdf.multi_cell(pdf.epw, size * 0.5, printable(block.text), **nl, align="L")
            pdf.ln(1.5)
        case Paragraph():
            pdf.set_font(FONT, "B" if block.bold else "", 8.5 if block.muted else 10)
            if block.muted:
                pdf.set_text_color(*GREY)
            pdf.multi_cell(
                pdf.epw, 4.6 if block.muted else 5.2, printable(block.text), **nl, align="L"
            )
            pdf.set_text_color(0, 0, 0)
            pdf.ln(1)
        case Item():
            _pdf_item(pdf, block, nl)
        case Table():
            _pdf_table(pdf, block)
        case Signatures():
            _pdf_signatures(pdf, block)
        case ClosedPart():
            pdf.closed = True
            pdf.add_page()
            pdf.set_font(FONT, "B", 13)
            pdf.set_text_color(*CLOSED_RED)
            pdf.multi_cell(pdf.epw, 7, printable(block.title), **nl, align="L")
            pdf.set_text_color(0, 0, 0)
            if block.note:
                pdf.set_font(FONT, "", 8.5)
                pdf.set_text_color(*GREY)
                pdf.multi_cell(pdf.epw, 4.6, printable(block.note), **nl, align="L")
                pdf.set_text_color(0, 0, 0)
            pdf.ln(2)
        case PageBreak():
            pdf.add_page()


def _pdf_item(pdf: Any, item: Item, nl: dict[str, Any]) -> None:
    indent = 10.0
    width = pdf.epw - indent
    # keep an item's first lines together with its number
    if pdf.get_y() > pdf.h - MARGINS[3] - 16:
        pdf.add_page()
    pdf.ln(1)
    top = pdf.get_y()
    pdf.set_font(FONT, "B", 10)
    pdf.cell(indent, 5.2, printable(item.number))
    pdf.set_xy(pdf.l_margin + indent, top)
    pdf.multi_cell(width, 5.2, printable(item.title), **nl, align="L")
    pdf.set_font(FONT, "", 9.5)
    for line in item.lines:
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width, 4.8, printable(line), **nl, align="L")
    if item.excerpt:
        pdf.set_font(FONT, "", 8.5)
        pdf.set_text_color(*GREY)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width, 4.4, printable(item.excerpt), **nl, align="L")
        pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "", 9.5)
    for line in item.more:
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width, 4.8, printable(line), **nl, align="L")
    pdf.ln(1)


def _pdf_table(pdf: Any, table: Table) -> None:
    from fpdf.fonts import FontFace

    pdf.set_font(FONT, "", 9.5)
    pdf.set_draw_color(*LINE_GREY)
    pdf.set_line_width(0.2)
    rows = [*table.rows, *[("",) * len(table.columns)] * table.blank_rows]
    with pdf.table(
        col_widths=tuple(c.width for c in table.columns),
        headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL),
        line_height=5,
        padding=(1.2, 1.5),
        text_align=tuple(c.align for c in table.columns),
        v_align="MIDDLE",
        repeat_headings=1,
        min_row_height=10 if table.tall else None,
        width=pdf.epw,
    ) as grid:
        head = grid.row()
        for column in table.columns:
            head.cell(printable(column.header))
        for values in rows:
            row = grid.row()
            for value in values:
                row.cell(printable(value))
    pdf.ln(3)


def _pdf_signatures(pdf: Any, block: Signatures) -> None:
    """Side by side: the label, the name (or room to write it), a line to sign on and a small
    caption under it; kept together on one page."""
    n = max(1, len(block.people))
    gap = 10.0
    width = (pdf.epw - gap * (n - 1)) / n
    height = 8 + 5.5 + 5.5 + 12 + 5
    if pdf.get_y() + height > pdf.h - MARGINS[3]:
        pdf.add_page()
    pdf.ln(8)
    top = pdf.get_y()
    caption = ", ".join(x for x in (block.date_label, block.sign_label) if x)
    for i, (label, name) in enumerate(block.people):
        x = pdf.l_margin + i * (width + gap)
        pdf.set_xy(x, top)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(width, 5.5, _fit(pdf, printable(label) + ":", width))
        pdf.set_xy(x, top + 5.5)
        pdf.set_font(FONT, "", 10)
        pdf.cell(width, 5.5, _fit(pdf, printable(name), width))
        line_y = top + 5.5 + 5.5 + 12
        pdf.set_draw_color(90, 90, 90)
        pdf.line(x, line_y, x + width, line_y)
        pdf.set_xy(x, line_y + 0.5)
        pdf.set_font(FONT, "", 8)
        pdf.set_text_color(*GREY)
        pdf.cell(width, 4, printable(caption), align="C")
        pdf.set_text_color(0, 0, 0)
    pdf.set_xy(pdf.l_margin, top + height - 8 + 2)


# --- DOCX ---------------------------------------------------------------------------------------


def to_docx(document: Document) -> bytes:
    """The document as an editable DOCX with the same content (cached like the PDF)."""
    return _docx(document)


def _cleaned(value: Any) -> Any:
    """Every text of a block (or a tuple of them) through ``printable``: the DOCX shows what the
    PDF shows, and XML gets no control characters."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, tuple):
        return tuple(_cleaned(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _cleaned(getattr(value, f.name)) for f in fields(value)}
        return replace(value, **changes)
    return value


@lru_cache(maxsize=16)
def _docx(document: Document) -> bytes:
    import docx
    from docx.enum.section import WD_SECTION
    from docx.shared import Mm, Pt

    document = replace(document, blocks=_cleaned(document.blocks))
    out = docx.Document()
    props = out.core_properties
    props.title = document.title
    props.subject = document.team
    props.author = "mdtbot"
    props.language = document.language
    normal = out.styles["Normal"]
    normal.font.name = DOCX_FONT
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(3)
    for name in ("Heading 1", "Heading 2", "Title", "Subtitle"):
        style = out.styles[name]
        style.font.name = DOCX_FONT
        style.font.color.rgb = None
    out.styles["Heading 1"].font.size = Pt(12.5)
    out.styles["Heading 2"].font.size = Pt(10.5)
    section = out.sections[0]
    section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
    left, top, right, bottom = MARGINS
    section.left_margin, section.top_margin = Mm(left), Mm(top)
    section.right_margin, section.bottom_margin = Mm(right), Mm(bottom)
    section.header_distance = section.footer_distance = Mm(9)
    _docx_header(section, document, closed=False)
    _docx_footer(section, document)
    for block in document.blocks:
        if isinstance(block, ClosedPart):
            closed = out.add_section(WD_SECTION.NEW_PAGE)
            closed.header.is_linked_to_previous = False
            _docx_header(closed, document, closed=True)
        _docx_block(out, block)
    buffer = BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _docx_header(section: Any, document: Document, *, closed: bool) -> None:
    from docx.shared import Pt, RGBColor

    paragraph = section.header.paragraphs[0]
    paragraph.clear()
    _right_tab_only(paragraph, section)
    right = document.title
    if closed and document.closed_label:
        right = f"{document.title} · {document.closed_label}"
    run = paragraph.add_run(f"{document.team}\t{right}")
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor(*CLOSED_RED) if closed else RGBColor(*GREY)


def _right_tab_only(paragraph: Any, section: Any) -> None:
    """One right tab at the margin, instead of the header style's centre and right tabs (set
    for a Letter page)."""
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.oxml.ns import qn
    from docx.shared import Twips

    tabs = paragraph.paragraph_format.tab_stops
    style = paragraph.style.element.pPr
    inherited = style.findall(f"{qn('w:tabs')}/{qn('w:tab')}") if style is not None else []
    for tab in inherited:
        tabs.add_tab_stop(Twips(int(tab.get(qn("w:pos")))), WD_TAB_ALIGNMENT.CLEAR)
    width = section.page_width - section.left_margin - section.right_margin
    tabs.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)


def _docx_field(paragraph: Any, code: str, size: Any) -> None:
    """A field Word fills in (PAGE, NUMPAGES): begin, instruction, a placeholder, end."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run_with(element: Any) -> None:
        run = paragraph.add_run()
        run.font.size = size
        run._r.append(element)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {code} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    placeholder = paragraph.add_run("1")
    placeholder.font.size = size
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _docx_footer(section: Any, document: Document) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    paragraph = section.footer.paragraphs[0]
    paragraph.clear()
    size = Pt(8)
    if document.created_label:
        _right_tab_only(paragraph, section)
        paragraph.add_run(document.created_label + "\t").font.size = size
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # "strana {page} z {pages}": the words as runs, the numbers as fields
    for part in re.split(r"(\{page\}|\{pages\})", document.page_label):
        if part == "{page}":
            _docx_field(paragraph, "PAGE", size)
        elif part == "{pages}":
            _docx_field(paragraph, "NUMPAGES", size)
        elif part:
            paragraph.add_run(part).font.size = size
    for run in paragraph.runs:
        run.font.color.rgb = RGBColor(*GREY)


def _docx_block(out: Any, block: Block) -> None:
    from docx.enum.text import WD_BREAK
    from docx.shared import Mm, Pt, RGBColor

    grey = RGBColor(*GREY)
    match block:
        case TitleBlock():
            title = out.add_paragraph()
            run = title.add_run(block.title)
            run.bold = True
            run.font.size = Pt(17)
            title.paragraph_format.space_after = Pt(2)
            if block.subtitle:
                sub = out.add_paragraph()
                sub.add_run(block.subtitle).font.size = Pt(12)
            for label, value in block.fields:
                line = out.add_paragraph()
                line.paragraph_format.space_after = Pt(0)
                line.paragraph_format.tab_stops.add_tab_stop(Mm(22))
                line.add_run(f"{label}:").bold = True
                line.add_run(f"\t{value}")
            out.add_paragraph().paragraph_format.space_after = Pt(0)
        case Heading():
            heading = out.add_heading(block.text, level=1 if block.level == 1 else 2)
            heading.paragraph_format.keep_with_next = True
        case Paragraph():
            paragraph = out.add_paragraph()
            run = paragraph.add_run(block.text)
            run.bold = block.bold
            if block.muted:
                run.font.size = Pt(8.5)
                run.font.color.rgb = grey
        case Item():
            _docx_item(out, block)
        case Table():
            _docx_table(out, block)
        case Signatures():
            _docx_signatures(out, block)
        case ClosedPart():
            heading = out.add_heading(block.title, level=1)
            for run in heading.runs:
                run.font.color.rgb = RGBColor(*CLOSED_RED)
            if block.note:
                note = out.add_paragraph().add_run(block.note)
                note.font.size = Pt(8.5)
                note.font.color.rgb = grey
        case PageBreak():
            out.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _docx_item(out: Any, item: Item) -> None:
    from docx.shared import Mm, Pt, RGBColor

    indent = Mm(10)

    def hanging(first: bool) -> Any:
        paragraph = out.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.left_indent = indent
        fmt.space_after = Pt(0)
        fmt.keep_with_next = True
        if first:
            fmt.first_line_indent = -indent
            fmt.tab_stops.add_tab_stop(indent)
            fmt.space_before = Pt(5)
        return paragraph

    head = hanging(True)
    head.add_run(f"{item.number}\t{item.title}").bold = True
    for line in item.lines:
        hanging(False).add_run(line).font.size = Pt(9.5)
    if item.excerpt:
        run = hanging(False).add_run(item.excerpt)
        run.font.size = Pt(8.5)
        run.font.color.rgb = RGBColor(*GREY)
    for line in item.more:
        hanging(False).add_run(line).font.size = Pt(9.5)
    last = out.paragraphs[-1].paragraph_format
    last.keep_with_next = False
    last.space_after = Pt(3)


def _docx_table(out: Any, table: Table) -> None:
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    aligns = {"L": WD_ALIGN_PARAGRAPH.LEFT, "C": WD_ALIGN_PARAGRAPH.CENTER}
    aligns["R"] = WD_ALIGN_PARAGRAPH.RIGHT
    rows = [*table.rows, *[("",) * len(table.columns)] * table.blank_rows]
    grid = out.add_table(rows=1 + len(rows), cols=len(table.columns))
    grid.style = "Table Grid"
    grid.autofit = False
    total = sum(c.width for c in table.columns)
    usable = PAGE_W - MARGINS[0] - MARGINS[2]
    widths = [Mm(usable * c.width / total) for c in table.columns]
    for r, values in enumerate([tuple(c.header for c in table.columns), *rows]):
        row = grid.rows[r]
        tr_pr = row._tr.get_or_add_trPr()
        cant_split = OxmlElement("w:cantSplit")
        tr_pr.append(cant_split)
        if r == 0:  # the header row repeats on every page
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            tr_pr.append(header)
            for cell in row.cells:
                shading = OxmlElement("w:shd")
                shading.set(qn("w:val"), "clear")
                shading.set(qn("w:fill"), "E8E8E8")
                cell._tc.get_or_add_tcPr().append(shading)
        elif table.tall:
            row.height = Mm(10)
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        for c, value in enumerate(values):
            cell = row.cells[c]
            cell.width = widths[c]
            paragraph = cell.paragraphs[0]
            paragraph.alignment = aligns.get(table.columns[c].align, WD_ALIGN_PARAGRAPH.LEFT)
            paragraph.paragraph_format.space_after = Pt(0)
            run = paragraph.add_run(value)
            run.font.size = Pt(9.5)
            run.bold = r == 0
    out.add_paragraph()


def _docx_signatures(out: Any, block: Signatures) -> None:
    from docx.shared import Pt, RGBColor

    caption = ", ".join(x for x in (block.date_label, block.sign_label) if x)
    grid = out.add_table(rows=1, cols=max(1, len(block.people)))
    for cell, (label, name) in zip(grid.rows[0].cells, block.people, strict=False):
        first = cell.paragraphs[0]
        first.add_run(f"{label}:").bold = True
        cell.add_paragraph(name)
        cell.add_paragraph()
        cell.add_paragraph("." * 40)
        run = cell.add_paragraph().add_run(caption)
        run.font.size = Pt(8)
        run.font.color.rgb = RGBColor(*GREY)
