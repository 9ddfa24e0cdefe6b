"""Reading the files the bot sends (PDF, DOCX, XLSX, CSV, .ics) back as text, for tests that
scan everything a person was shown."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
from pypdf import PdfReader


def docx_text(data: bytes) -> str:
    """Paragraphs, table cells, headers and footers of a DOCX, in order."""
    opened = docx.Document(io.BytesIO(data))
    parts = [p.text for p in opened.paragraphs]
    parts += [cell.text for table in opened.tables for row in table.rows for cell in row.cells]
    for section in opened.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


def xlsx_text(data: bytes) -> str:
    """Every cell of every sheet of an XLSX file, as text."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        " ".join(str(value) for value in row if value is not None)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def file_text(data: bytes) -> str:
    """The text of any file the bot sends: PDF pages, DOCX or XLSX content, else the bytes."""
    if data.startswith(b"%PDF"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    if data.startswith(b"PK"):
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        return xlsx_text(data) if any(n.startswith("xl/") for n in names) else docx_text(data)
    return data.decode("utf-8", "replace")
