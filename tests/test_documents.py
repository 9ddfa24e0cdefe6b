"""The one document style (bot/rendering/document.py): A4, Czech letters, header and footer
with "strana 1 z N", tables whose header repeats, the coordinators-only part on its own pages and
out of members' copies; the same content as DOCX with PAGE fields; the meeting's number."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import docx
import pypdf

from bot.domain.meetings import MeetingStatus
from bot.i18n import Translator
from bot.rendering import document as doc
from bot.services.meetings import meeting_number

PRAGUE = ZoneInfo("Europe/Prague")
START = datetime(2027, 3, 2, 8, 0, tzinfo=UTC)  # Tuesday 2 March 2027, 9:00 in Prague


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def docx_texts(data: bytes) -> tuple[list[str], list[list[list[str]]], list[str], list[str]]:
    """Paragraphs, tables (rows of cells), headers and footers' XML."""
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    headers = [s.header.paragraphs[0].text for s in document.sections]
    footers = [s.footer._element.xml for s in document.sections]
    return paragraphs, tables, headers, footers


def sample(t: Translator, *, items: int = 3, members: int = 3) -> doc.Document:
    b = doc.Builder(t, team="MDT Poruba", title="Zkušební dokument")
    b.title_block(
        subtitle="3. jednání MDT Poruba v roce 2027",
        fields=[("Datum", t.long_date(START)), ("Čas", t.time(START)), ("Místo", "Žižkova 5")],
    )
    b.heading("Příliš žluťoučký kůň úpěl ďábelské ódy")
    for n in range(1, items + 1):
        b.item(f"{n}.", f"Problém #{n} — Dělnická {n}", ["návykové látky · vysoká"], "Popis 🚓")
    b.table(
        [doc.Column("Jméno", 3), doc.Column("Organizace", 3), doc.Column("Podpis", 2)],
        [(f"Řehoř Čížek {n}", "Městská policie Ostrava", "") for n in range(members)],
        blank_rows=2,
        tall=True,
    )
    b.signatures([("Zapsal(a)", "Jana Nováková"), ("Ověřil(a)", "")])
    b.closed_part("Neveřejná část — jen pro koordinátory", "Jen v kopii koordinátorů.")
    b.item("9.", "Problém #99 — Tajná 1")
    return b.build()


def test_pdf_has_czech_letters_header_footer_and_page_numbers() -> None:
    t = Translator("cs", PRAGUE)
    pages = pdf_pages(doc.to_pdf(sample(t, items=40)))
    assert len(pages) >= 3
    text = "\n".join(pages)
    for word in ("Příliš žluťoučký kůň úpěl ďábelské ódy", "Řehoř Čížek", "úterý 2. března 2027"):
        assert word in text
    assert "9:00" in text and "09:00" not in text
    assert "🚓" not in text and "Popis" in text  # emoji dropped, the text kept
    for n, page in enumerate(pages, start=1):
        assert f"strana {n} z {len(pages)}" in page
        assert page.startswith("MDT Poruba")  # the header on every page
    # the closed part starts on a page of its own, marked in the header
    assert "Neveřejná část" in pages[-1] and "Jen koordinátoři" in pages[-1]
    assert "Neveřejná část" not in pages[-2]


def test_a_long_table_repeats_its_header_on_every_page() -> None:
    t = Translator("cs", PRAGUE)
    pages = pdf_pages(doc.to_pdf(sample(t, items=1, members=60)))
    table_pages = [p for p in pages if "Řehoř Čížek" in p]
    assert len(table_pages) >= 2
    assert all("Jméno" in p and "Organizace" in p for p in table_pages)


def test_members_copy_leaves_out_the_closed_part() -> None:
    t = Translator("cs", PRAGUE)
    full = sample(t)
    members = full.members_copy()
    assert full.has_closed_part and not members.has_closed_part
    text = "\n".join(pdf_pages(doc.to_pdf(members)))
    assert "Tajná" not in text and "Neveřejná" not in text
    assert "Problém #1" in text
    paragraphs, _tables, headers, _ = docx_texts(doc.to_docx(members))
    assert not any("Tajná" in p for p in paragraphs)
    assert len(headers) == 1


def test_docx_has_the_same_content_a_page_field_and_a_repeated_table_header() -> None:
    t = Translator("cs", PRAGUE)
    document = docx.Document(io.BytesIO(doc.to_docx(sample(t))))
    paragraphs, tables, headers, footers = docx_texts(doc.to_docx(sample(t)))
    assert "Zkušební dokument" in paragraphs and "3. jednání MDT Poruba v roce 2027" in paragraphs
    assert "Datum:\túterý 2. března 2027" in paragraphs
    assert "1.\tProblém #1 — Dělnická 1" in paragraphs
    assert tables[0][0] == ["Jméno", "Organizace", "Podpis"]
    assert tables[0][1] == ["Řehoř Čížek 0", "Městská policie Ostrava", ""]
    assert len(tables[0]) == 1 + 3 + 2  # header, members, blank rows
    assert "tblHeader" in document.tables[0].rows[0]._tr.xml
    # a page field in the footer: "strana {PAGE} z {NUMPAGES}"
    assert " PAGE " in footers[0] and " NUMPAGES " in footers[0] and "strana " in footers[0]
    # the closed part: a new section whose header says so
    assert headers == [
        "MDT Poruba\tZkušební dokument",
        "MDT Poruba\tZkušební dokument · Jen koordinátoři",
    ]
    assert paragraphs.index("Neveřejná část — jen pro koordinátory") > paragraphs.index(
        "1.\tProblém #1 — Dělnická 1"
    )
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_english_reader_gets_english_labels() -> None:
    t = Translator("en", PRAGUE)
    text = "\n".join(pdf_pages(doc.to_pdf(sample(t))))
    assert "page 1 of" in text


def test_helpers() -> None:
    t = Translator("cs", PRAGUE)
    assert doc.team_label(t, "Poruba") == "MDT Poruba"
    assert doc.team_label(t, "MDT Jih") == "MDT Jih"
    long = "slovo " * 100
    cut = doc.excerpt(long)
    assert cut.endswith("…") and len(cut) <= 171
    assert doc.excerpt("  krátký\n text ") == "krátký text"
    assert doc.filename("program", START, "pdf") == "program-2027-03-02.pdf"


async def test_meeting_number_counts_held_meetings_of_the_team_in_that_year(bot) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2026, 12, 1, tzinfo=UTC)
    async with bot.db.transaction() as repos:
        team = await repos.teams.create("Poruba", "poruba", 1, now)
        other = await repos.teams.create("Jih", "jih", 1, now)

        async def meeting(team_id: int, start: datetime, status: MeetingStatus):  # type: ignore[no-untyped-def]
            m = await repos.meetings.create(team_id, start, "Europe/Prague", "Tam", None, now)
            if status is not MeetingStatus.SCHEDULED:
                await repos.meetings.update(m.model_copy(update={"status": status}), now)
            return m

        # 1 January 2027 0:30 in Prague is still 2026 in UTC: it counts for 2027
        await meeting(team.id, datetime(2026, 12, 31, 23, 30, tzinfo=UTC), MeetingStatus.HELD)
        await meeting(team.id, datetime(2026, 12, 10, 9, tzinfo=UTC), MeetingStatus.HELD)
        await meeting(team.id, datetime(2027, 1, 20, 9, tzinfo=UTC), MeetingStatus.CANCELLED)
        await meeting(team.id, datetime(2027, 2, 2, 9, tzinfo=UTC), MeetingStatus.HELD)
        await meeting(other.id, datetime(2027, 2, 9, 9, tzinfo=UTC), MeetingStatus.HELD)
        this = await meeting(team.id, START, MeetingStatus.SCHEDULED)
        later = await meeting(team.id, START + timedelta(days=30), MeetingStatus.SCHEDULED)
        assert await meeting_number(repos, this) == 3
        # held afterwards, the number stays
        await repos.meetings.update(this.model_copy(update={"status": MeetingStatus.HELD}), now)
        assert await meeting_number(repos, this) == 3
        assert await meeting_number(repos, later) == 4
    t = Translator("cs", PRAGUE)
    assert doc.meeting_heading(t, "Poruba", 3, this) == "3. jednání MDT Poruba v roce 2027"


def test_odd_texts_do_not_break_either_document() -> None:
    t = Translator("cs", PRAGUE)
    unbroken = "Ž" * 400
    b = doc.Builder(t, team="MDT " + "Velmi dlouhé jméno týmu " * 8, title="Program " * 12)
    b.title_block(subtitle=unbroken, fields=[("Místo", unbroken)])
    b.heading(unbroken)
    b.item("999.", unbroken, [unbroken], unbroken, [unbroken])
    b.table([doc.Column("Jméno", 1), doc.Column("x", 3)], [(unbroken, "")], blank_rows=1)
    b.signatures([("Zapsal(a)", unbroken), ("Ověřil(a)", "")])
    b.paragraph("<b>tučně</b> & \x00\x07 konec 🚓")
    document = b.build()
    pages = pdf_pages(doc.to_pdf(document))
    assert all(f"strana {n} z {len(pages)}" in page for n, page in enumerate(pages, start=1))
    assert "<b>tučně</b> & konec" in pages[-1]
    paragraphs, tables, _, _ = docx_texts(doc.to_docx(document))
    assert "<b>tučně</b> & konec" in paragraphs  # control characters and emoji dropped
    assert tables[0][1][0] == unbroken


def test_signatures_stay_together_wherever_the_page_ends() -> None:
    t = Translator("cs", PRAGUE)
    for lines in range(38, 52):  # the signatures fall at every height near the page's foot
        b = doc.Builder(t, team="MDT Poruba", title="Zápis")
        for n in range(lines):
            b.paragraph(f"Řádek {n}")
        b.signatures([("Zapsal(a)", "Jana Nováková"), ("Ověřil(a)", "")])
        pages = pdf_pages(doc.to_pdf(b.build()))
        signed = [p for p in pages if "Zapsal(a)" in p]
        assert len(signed) == 1, lines
        assert signed[0].count("datum, podpis") == 2 and "Ověřil(a)" in signed[0], lines
        assert all("datum, podpis" not in p for p in pages if p is not signed[0]), lines
