"""The printed agenda (Program jednání, PDF and DOCX) and the attendance sheet (Prezenční
listina): what they hold, who gets which copy, page numbers, long agendas, two teams.

``MDTBOT_DOC_IMAGES=dir pytest tests/test_agenda_documents.py`` also writes the demo's PDFs
into ``dir`` (docs/img/ shows one page of each, rendered with ``pdftoppm``).
"""

from __future__ import annotations

import io
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import docx
import pypdf

from bot.domain.meetings import Answer, MeetingStatus
from bot.domain.models import OrgType
from bot.domain.problems import Category, Urgency
from bot.sandbox.demo import seed_demo
from bot.services.authz import Actor
from tests.flows import make_team
from tests.test_meetings import MEETING_UTC, run_due, schedule
from tests.test_problems import seed
from tests.test_two_teams import two_teams

SECRET_PLACE = "Skrytá 13"
SECRET_TEXT = "DUVERNE sdeleni o skupine v domě"


def pages_of(message) -> list[str]:  # type: ignore[no-untyped-def]
    assert message.document is not None and message.document.data.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(message.document.data))
    return [page.extract_text() for page in reader.pages]


def docx_of(message):  # type: ignore[no-untyped-def]
    assert message.document is not None and message.document.data.startswith(b"PK")
    return docx.Document(io.BytesIO(message.document.data))


def files(person, prefix: str) -> list:  # type: ignore[no-untyped-def]
    return [m for m in person.inbox if m.document and m.document.filename.startswith(prefix)]


async def demo_meeting(bot):  # type: ignore[no-untyped-def]
    """The sandbox demo's Poruba with a meeting on 15 December 2026 14:00, two meetings held
    earlier that year, proposals, tasks, answers, a guest and a coordinators-only problem."""
    services = bot.app.bot_data.services
    people = {p.first_name: p for p in await seed_demo(services, bot.emu, bot.admin, history=False)}
    petra, jan, lucie, radek = (people[n] for n in ("Petra", "Jan", "Lucie", "Radek"))
    async with bot.db.transaction() as repos:  # two meetings held earlier in 2026
        team = next(t for t in await repos.teams.list_all() if t.name == "Poruba")
        for month in (3, 9):
            start = datetime(2026, month, 10, 13, tzinfo=UTC)
            held = await repos.meetings.create(
                team.id, start, "Europe/Prague", "ÚMOb", petra.id, bot.clock.now()
            )
            held = held.model_copy(update={"status": MeetingStatus.HELD})
            await repos.meetings.update(held, bot.clock.now())
    await seed(
        bot,
        radek,
        1,
        locality="Hlavní třída – oblouk",
        category=Category.PUBLIC_ORDER,
        urgency=Urgency.ACUTE,
        description="U zastávky Hlavní třída se v noci perou skupinky lidí, ráno jsou na "
        "chodníku střepy. Řidiči autobusů hlásí, že se bojí zastavovat; cestující "
        "přecházejí na jinou zastávku. Situace se opakuje každý pátek a sobotu.",
    )
    (secret,) = await seed(bot, petra, 1, locality=SECRET_PLACE, description=SECRET_TEXT)
    await services.problems.set_coordinators_only(Actor(user_id=petra.id), secret, True)
    proposal = await services.proposals.propose(
        Actor(user_id=lucie.id), 1, "Častější hlídky MP a PČR v pátek večer", OrgType.MPO
    )
    for person in (jan, radek):
        await services.proposals.set_support(Actor(user_id=person.id), proposal.id, True)
    await services.tasks.create(
        Actor(user_id=petra.id),
        team.id,
        "Domluvit úklid křoví s obvodem",
        datetime(2026, 12, 10, 11, tzinfo=UTC),
        owner_id=jan.id,
        owner_org="Charita Ostrava",
        problem_id=1,
    )
    await schedule(petra, place="ÚMOb Poruba, zasedací místnost 214")
    async with bot.db.read() as repos:
        (meeting,) = await repos.meetings.upcoming(team.id, bot.clock.now())
    for person, answer in ((jan, Answer.YES), (lucie, Answer.NO), (radek, Answer.MAYBE)):
        await services.meetings.answer(Actor(user_id=person.id), meeting.id, answer)
    await services.guests.add(
        Actor(user_id=petra.id), meeting.id, "Mgr. Eva Řeháková", "Probační a mediační služba"
    )
    bot.clock.set(MEETING_UTC - timedelta(hours=48))
    await run_due(bot)
    return people, meeting


def export(name: str, data: bytes) -> None:
    target = os.environ.get("MDTBOT_DOC_IMAGES")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        (Path(target) / name).write_bytes(data)


async def test_the_frozen_agenda_and_the_attendance_sheet_as_a_czech_office_files_them(bot):
    people, _meeting = await demo_meeting(bot)
    petra, jan = people["Petra"], people["Jan"]

    (members_pdf,) = files(jan, "program")
    export("program.pdf", files(petra, "program")[0].document.data)
    export("prezencni-listina.pdf", files(petra, "prezencni-listina")[0].document.data)
    assert members_pdf.document.filename == "program-2026-12-15.pdf"
    pages = pages_of(members_pdf)
    text = "\n".join(pages)
    flat = " ".join(text.split())  # lines wrap where the layout says
    for n, page in enumerate(pages, start=1):
        assert f"strana {n} z {len(pages)}" in page
    assert "Program jednání" in text
    assert "3. jednání MDT Poruba v roce 2026" in text  # two held before it that year
    assert "Datum: úterý 15. prosince 2026" in text and "Čas: 14:00" in text
    assert "Místo: ÚMOb Poruba, zasedací místnost 214" in text
    # the items: locality, category, urgency, age, status, the reporter's organisation
    assert "Problém #1 — Zátiší u koupaliště" in text
    assert "návykové látky · vysoká · " in text and "Oznamovatel: Charita Ostrava" in text
    assert "Jan Novák" not in text.split("Úkol")[0]  # reporters by organisation, not by name
    assert "V křoví za koupalištěm leží použité injekční stříkačky" in flat  # the excerpt
    assert "Návrh: Častější hlídky MP a PČR v pátek večer · 2 podporovatelé" in flat
    assert "odpovídá: Městská policie (MPO)" in flat
    assert "Úkol: Domluvit úklid křoví s obvodem" in text
    # the overdue task is item 1; under its problem it is referred to, not repeated
    assert "1. Úkol: Domluvit úklid křoví s obvodem" in text
    assert "Úkol: Domluvit úklid křoví s obvodem · viz bod 1" in flat
    assert "Odpovídá: Jan Novák, Charita Ostrava · Termín: 10. 12. 2026 · po termínu" in flat
    # the long description is cut to about two lines
    assert "přecházejí na jinou zastávku" not in text and "…" in text
    # the same numbering as the text agenda
    message = next(m for m in jan.inbox if "Program schůzky týmu Poruba" in m.text)
    for number, locality in re.findall(r"(\d+)\) Problém #\d+ · ([^·]+) ·", message.text):
        assert f"{number}. Problém #" in text and locality.strip() in text
    # a members' copy holds no coordinators-only item, nor the closed part's title
    assert SECRET_PLACE not in text and SECRET_TEXT not in text and "Neveřejná" not in text
    assert not files(jan, "prezencni")

    (coordinator_pdf,) = files(petra, "program")
    pages = pages_of(coordinator_pdf)
    closed = [i for i, page in enumerate(pages) if "Neveřejná část" in page]
    assert closed and SECRET_PLACE in pages[closed[0]]
    assert all(SECRET_PLACE not in page for page in pages[: closed[0]])  # on its own page(s)
    assert "Jen koordinátoři" in pages[closed[0]]  # the header marks the closed part

    (sheet,) = files(petra, "prezencni-listina")
    sheet_text = "\n".join(pages_of(sheet))
    assert "Prezenční listina" in sheet_text and "3. jednání MDT Poruba v roce 2026" in sheet_text
    assert "strana 1 z 1" in sheet_text
    assert "Č. Jméno a příjmení Organizace Odpověď Podpis" in sheet_text
    for line in (
        "Jan Novák Charita Ostrava, terénní program přijdu",
        "Lucie Dvořáková OO PČR Poruba nepřijdu",
        "Radek Kovář Statutární město Ostrava možná",
        "Petra Svobodová ÚMOb Poruba, odbor sociálních věcí bez odpovědi",
    ):
        assert line in sheet_text.replace("\n", " "), line
    assert "Mgr. Eva Řeháková Probační a mediační služba" in sheet_text
    assert "Tomáš Černý" not in sheet_text  # another team's coordinator
    assert "\n8.\n" in sheet_text and "9." not in sheet_text  # empty rows for more guests


async def test_agenda_buttons_pdf_for_everyone_docx_and_sheet_for_coordinators(bot):
    people, meeting = await demo_meeting(bot)
    petra, jan = people["Petra"], people["Jan"]

    await jan.send("/agenda")
    assert "📄 PDF k vytištění" in jan.last().button_texts()
    assert "📝 DOCX k úpravě" not in jan.last().button_texts()
    assert "🖊 Prezenční listina" not in jan.last().button_texts()
    await jan.press("📄 PDF k vytištění")
    assert SECRET_PLACE not in "\n".join(pages_of(jan.last()))
    for forged in (f"ag:w:{meeting.id}", f"ag:s:{meeting.id}"):
        answer = await jan.press_data(forged)
        assert answer is not None and answer.show_alert, forged
    assert not files(jan, "prezencni") and not [
        m for m in jan.inbox if m.document and m.document.filename.endswith(".docx")
    ]

    await petra.send("/agenda")
    await petra.press("📝 DOCX k úpravě")
    document = docx_of(petra.last())
    assert petra.last().document.filename == "program-2026-12-15.docx"
    export("program.docx", petra.last().document.data)
    paragraphs = [p.text for p in document.paragraphs]
    assert "Program jednání" in paragraphs and "3. jednání MDT Poruba v roce 2026" in paragraphs
    assert "Čas:\t14:00" in paragraphs
    assert "1.\tÚkol: Domluvit úklid křoví s obvodem" in paragraphs
    assert "2.\tProblém #3 — Hlavní třída – oblouk" in paragraphs
    assert "Oznamovatel: Charita Ostrava, terénní program" in paragraphs
    closed_at = paragraphs.index("Neveřejná část — jen koordinátoři")
    assert any(SECRET_PLACE in p for p in paragraphs[closed_at:])
    assert not any(SECRET_PLACE in p for p in paragraphs[:closed_at])
    footer = document.sections[0].footer._element.xml
    assert " PAGE " in footer and " NUMPAGES " in footer
    assert len(document.sections) == 2  # the closed part is a section with its own header
    assert "Jen koordinátoři" in document.sections[1].header.paragraphs[0].text

    await petra.send("/agenda")
    await petra.press("🖊 Prezenční listina")
    assert petra.last().document.filename == "prezencni-listina-2026-12-15.pdf"
    assert "Mgr. Eva Řeháková" in "\n".join(pages_of(petra.last()))


async def test_a_long_agenda_spans_pages_with_numbers_and_the_same_numbering(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await seed(bot, jan, 45, description="Dlouhý popis problému s ř, ů, ě. " * 12)
    await schedule(petra)
    bot.clock.set(MEETING_UTC - timedelta(hours=48))
    await run_due(bot)
    (pdf,) = files(jan, "program")
    pages = pages_of(pdf)
    assert len(pages) >= 4
    for n, page in enumerate(pages, start=1):
        assert f"strana {n} z {len(pages)}" in page
        assert page.startswith("MDT Poruba")
    text = "\n".join(pages)
    numbers = [int(n) for n in re.findall(r"^(\d+)\. Problém #", text, flags=re.MULTILINE)]
    assert numbers == list(range(1, 46))
    assert "ř, ů, ě" in text


async def test_two_teams_each_sheet_and_agenda_of_its_own_team(bot):
    petra, jan, karel = await two_teams(bot)  # Jan: member in Poruba, coordinator in Jih
    await seed(bot, petra, 1, locality="Porubská 1")
    await schedule(petra)
    await schedule(karel, team=None, place="ÚMOb Jih")
    await jan.send("/agenda")
    await jan.press("Jih")
    assert "🖊 Prezenční listina" in jan.last().button_texts()
    await jan.press("🖊 Prezenční listina")
    sheet = "\n".join(pages_of(jan.last()))
    assert "MDT Jih" in sheet and "Karel Koordinátorová" in sheet and "Jan Členová" in sheet
    assert "Petra" not in sheet
    await jan.send("/agenda")
    await jan.press("Poruba")
    assert "🖊 Prezenční listina" not in jan.last().button_texts()
    await jan.press("📄 PDF k vytištění")
    text = "\n".join(pages_of(jan.last()))
    assert "MDT Poruba" in text and "Porubská 1" in text and "ÚMOb Jih" not in text
