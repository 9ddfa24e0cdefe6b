"""The files of ``/export``: XLSX (typed cells: numbers, dates; frozen header row, auto-filter,
column widths) and CSV as Czech Excel opens it (UTF-8 with BOM, ``;``, CRLF).

Writers take rows a chunk at a time (:meth:`ExportWriter.add`) and are meant to run off the
event loop (``asyncio.to_thread``); the XLSX one uses openpyxl's write-only mode, so memory
stays bounded however many rows there are. openpyxl is imported only when an XLSX is written.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.domain.exports import MeetingRow, ProblemRow, TaskRow
from bot.domain.models import OrgType
from bot.domain.periods import Period, PeriodKind
from bot.domain.tasks import TaskStatus
from bot.i18n import N_, Translator
from bot.rendering.labels import former_member, org_type_name
from bot.rendering.problems import category_name, status_name, urgency_name

Cell = str | int | datetime | None


@dataclass(frozen=True)
class Column:
    header: str  # English source, translated when written
    width: int  # in characters
    value: Callable[[Translator, Any], Cell]
    kind: str = "text"  # text / int / datetime


def _local(t: Translator, moment: datetime) -> datetime:
    """A spreadsheet date: local wall time without a zone (Excel has no zones)."""
    return moment.astimezone(t.timezone).replace(tzinfo=None, microsecond=0)


def _yes_no(t: Translator, value: bool) -> str:
    return t._("yes") if value else t._("no")


def _org(t: Translator, org: OrgType | None) -> str:
    return org_type_name(t, org) if org is not None else ""


_TASK_STATUS = {
    TaskStatus.OPEN: N_("to do"),
    TaskStatus.DONE: N_("done"),
    TaskStatus.BLOCKED: N_("blocked"),
}
_MEETING_STATUS = {
    "scheduled": N_("scheduled"),
    "held": N_("held"),
    "cancelled": N_("cancelled"),
}


def _owner(t: Translator, row: TaskRow) -> str:
    if row.owner_former:
        return former_member(t, row.owner_org_type)
    return row.owner_name or ""


PROBLEM_COLUMNS = [
    Column(N_("Number"), 9, lambda t, r: r.id, "int"),
    Column(N_("Team"), 18, lambda t, r: r.team),
    Column(N_("Reported"), 17, lambda t, r: _local(t, r.created_at), "datetime"),
    Column(N_("Category"), 22, lambda t, r: category_name(t, r.category)),
    Column(N_("Locality"), 22, lambda t, r: r.locality),
    Column(N_("Status"), 16, lambda t, r: status_name(t, r.status)),
    Column(N_("Last status change"), 17, lambda t, r: _local(t, r.progressed_at), "datetime"),
    Column(N_("Urgency"), 10, lambda t, r: urgency_name(t, r.urgency)),
    Column(N_("Coordinators only"), 12, lambda t, r: _yes_no(t, r.coordinators_only)),
    Column(N_("Reporter's organisation"), 24, lambda t, r: _org(t, r.reporter_org_type)),
    Column(N_("Lead organisation type"), 24, lambda t, r: _org(t, r.lead_org_type)),
    Column(N_("Lead organisation"), 24, lambda t, r: r.lead_org_name or ""),
    Column(N_("Supporters"), 10, lambda t, r: r.supporters, "int"),
    Column(N_("Proposals"), 10, lambda t, r: r.proposals, "int"),
    Column(N_("Comments"), 10, lambda t, r: r.comments, "int"),
    Column(N_("Duplicate of"), 10, lambda t, r: r.duplicate_of, "int"),
    Column(
        N_("Description"),
        60,
        lambda t, r: t._("(anonymised)") if r.anonymised else r.description,
    ),
]

TASK_COLUMNS = [
    Column(N_("Number"), 9, lambda t, r: r.id, "int"),
    Column(N_("Team"), 18, lambda t, r: r.team),
    Column(N_("Problem"), 9, lambda t, r: r.problem_id, "int"),
    Column(N_("Task"), 50, lambda t, r: r.text),
    Column(N_("Owner"), 22, _owner),
    Column(N_("Organisation"), 22, lambda t, r: r.owner_org or _org(t, r.owner_org_type)),
    Column(N_("Deadline"), 17, lambda t, r: _local(t, r.deadline), "datetime"),
    Column(N_("Status"), 12, lambda t, r: t._(_TASK_STATUS[r.status])),
    Column(N_("Agreed"), 17, lambda t, r: _local(t, r.created_at), "datetime"),
    Column(N_("Last change"), 17, lambda t, r: _local(t, r.updated_at), "datetime"),
]


def _present(org: OrgType) -> Column:
    return Column(
        org.value, 8, lambda t, r: r.present_by_org.get(org, 0) if r.status == "held" else None
    )


MEETING_COLUMNS = [
    Column(N_("Number"), 9, lambda t, r: r.id, "int"),
    Column(N_("Team"), 18, lambda t, r: r.team),
    Column(N_("Start"), 17, lambda t, r: _local(t, r.starts_at), "datetime"),
    Column(N_("Place"), 28, lambda t, r: r.place),
    Column(N_("Status"), 12, lambda t, r: t._(_MEETING_STATUS.get(r.status, r.status))),
    Column(N_("Coming"), 9, lambda t, r: r.yes, "int"),
    Column(N_("Not coming"), 9, lambda t, r: r.no, "int"),
    Column(N_("Maybe"), 9, lambda t, r: r.maybe, "int"),
    Column(N_("Present"), 9, lambda t, r: r.present if r.status == "held" else None, "int"),
    *[Column(c.header, c.width, c.value, "int") for c in (_present(org) for org in OrgType)],
    Column(N_("Guests"), 8, lambda t, r: r.guests, "int"),
]


def columns_for(kind: str) -> list[Column]:
    return {"p": PROBLEM_COLUMNS, "t": TASK_COLUMNS, "m": MEETING_COLUMNS}[kind]


def header(t: Translator, column: Column) -> str:
    return column.header if column.header in OrgType.__members__ else t._(column.header)


def _text_cell(value: str) -> str:
    """Text a spreadsheet shows as text: one typed as ``=1+1`` is not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


class ExportWriter(Protocol):
    def add(self, rows: Sequence[ProblemRow | TaskRow | MeetingRow]) -> None: ...

    def finish(self) -> bytes: ...


class CsvWriter:
    """UTF-8 with BOM, ``;`` between cells, CRLF; dates as ``15.12.2026 14:00``."""

    def __init__(self, t: Translator, kind: str) -> None:
        self.t = t
        self.columns = columns_for(kind)
        self.buffer = io.BytesIO()
        self.text = io.TextIOWrapper(self.buffer, encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.text, delimiter=";", lineterminator="\r\n")
        self.writer.writerow([header(t, c) for c in self.columns])

    def _cell(self, value: Cell) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            return f"{value.day}.{value.month}.{value.year} {value.hour}:{value.minute:02d}"
        if isinstance(value, int):
            return str(value)
        return _text_cell(value)

    def add(self, rows: Sequence[Any]) -> None:
        for row in rows:
            self.writer.writerow([self._cell(c.value(self.t, row)) for c in self.columns])

    def finish(self) -> bytes:
        self.text.flush()
        data = self.buffer.getvalue()
        self.text.detach()
        return data


class XlsxWriter:
    """One sheet, openpyxl write-only: the header row frozen and filtered, typed cells."""

    def __init__(self, t: Translator, kind: str, title: str) -> None:
        from openpyxl import Workbook  # heavy: imported only when a file is written
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter

        self.t = t
        self.columns = columns_for(kind)
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(title=_sheet_title(title))
        self.cell = WriteOnlyCell
        for index, column in enumerate(self.columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        self.sheet.freeze_panes = "A2"
        self.bold = Font(bold=True)
        self.wrap = Alignment(wrap_text=False, vertical="top")
        header_cells = []
        for column in self.columns:
            cell = WriteOnlyCell(self.sheet, value=header(t, column))
            cell.font = self.bold
            header_cells.append(cell)
        self.sheet.append(header_cells)
        self.rows = 0
        self.last_column = get_column_letter(len(self.columns))

    def add(self, rows: Sequence[Any]) -> None:
        # one styled date cell per column, reused: a row is serialised when it is appended
        dates = {}
        for index, column in enumerate(self.columns):
            if column.kind == "datetime":
                dates[index] = self.cell(self.sheet)
                dates[index].number_format = "d.m.yyyy h:mm"
        for row in rows:
            values: list[Any] = []
            for index, column in enumerate(self.columns):
                value = column.value(self.t, row)
                if isinstance(value, datetime):
                    cell = dates[index]
                    cell.value = value
                    values.append(cell)
                elif isinstance(value, str):
                    values.append(_xlsx_text(value) if value else None)  # no empty cells
                else:
                    values.append(value)
            self.sheet.append(values)
            self.rows += 1

    def finish(self) -> bytes:
        self.sheet.auto_filter.ref = f"A1:{self.last_column}{self.rows + 1}"
        out = io.BytesIO()
        self.workbook.save(out)
        return out.getvalue()


#: characters XML 1.0 cannot hold (openpyxl refuses a cell with one)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_text(value: str) -> str:
    """Text as a string cell: openpyxl would take ``=…`` for a formula; control characters
    XML cannot hold are dropped; at most Excel's 32,767 characters."""
    return _text_cell(_ILLEGAL.sub("", value))[:32000]


def _sheet_title(title: str) -> str:
    for bad in "[]:*?/\\":
        title = title.replace(bad, " ")
    return title[:31] or "Export"


def writer(t: Translator, kind: str, xlsx: bool, title: str) -> ExportWriter:
    return XlsxWriter(t, kind, title) if xlsx else CsvWriter(t, kind)


# --- names -----------------------------------------------------------------------------------

KIND_NAMES = {"p": N_("problems"), "t": N_("tasks"), "m": N_("meetings")}


def period_label(t: Translator, period: Period) -> str:
    """``2026``, ``Q3 2026``, ``listopad 2026``, ``1. 9. 2026 – 30. 11. 2026``, ``vše``."""
    start, end = period.start, period.end
    match period.kind:
        case PeriodKind.ALL:
            return t._("all time")
        case PeriodKind.YEAR if start is not None:
            return str(start.year)
        case PeriodKind.QUARTER if start is not None:
            return t._("Q{n} {year}", n=period.quarter, year=start.year)
        case PeriodKind.MONTH if start is not None:
            return t._(MONTH_NAMES[start.month - 1]) + f" {start.year}"
    first = f"{start.day}. {start.month}. {start.year}" if start else ""
    last = f"{end.day}. {end.month}. {end.year}" if end else ""
    if start and not end:
        return t._("since {day}", day=first)
    if end and not start:
        return t._("until {day}", day=last)
    return f"{first} – {last}"


MONTH_NAMES = [
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
]


def file_name(kind: str, team: str | None, period: Period, xlsx: bool) -> str:
    """``problemy-poruba-2026.xlsx``: ASCII, no spaces."""
    base = {"p": "problemy", "t": "ukoly", "m": "schuzky"}[kind]
    folded = unicodedata.normalize("NFKD", team.casefold()) if team else "mesto"
    where = "".join(ch for ch in folded if not unicodedata.combining(ch))
    where = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in where).strip("-")
    return f"{base}-{where or 'tym'}-{period.code}.{'xlsx' if xlsx else 'csv'}"
