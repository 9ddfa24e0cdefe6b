"""The zápis (Zápis z jednání) as a document — PDF to print and sign, DOCX to edit — sent after
the minutes and taken again with ``/documents``: its content, Czech letters, page numbers, the
closed part only in a coordinator's copy; ``/documents`` for coordinators, members, the
administrator and a person in two teams; stale and forged buttons."""

from __future__ import annotations

import io
from datetime import timedelta

import docx
import pypdf

from bot.services.authz import Actor
from bot.services.redaction import TextKind
from tests.documents import docx_text
from tests.flows import invite_code, join, make_team, report
from tests.test_meetings import MEETING_UTC, run_due, said, schedule
from tests.test_two_teams import two_teams

SECRET_PLACE = "Confaulice 7"
SECRET_TEXT = "TAJNEHLASENI policie o skupine u garazi"


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def docx_tables(data: bytes) -> list[list[list[str]]]:
    document = docx.Document(io.BytesIO(data))
    return [[[c.text for c in row.cells] for row in table.rows] for table in document.tables]


def named(person, filename: str) -> bytes:  # type: ignore[no-untyped-def]
    """The newest document of that name the person received."""
    found = [m for m in person.inbox if m.document and m.document.filename == filename]
    assert found, [m.document.filename for m in person.inbox if m.document]
    return found[-1].document.data  # type: ignore[no-any-return]


def zapis_files(person, ext: str = "pdf") -> list:  # type: ignore[no-untyped-def]
    return [
        m
        for m in person.inbox
        if m.document is not None
        and m.document.filename.startswith("zapis-")
        and m.document.filename.endswith("." + ext)
    ]


async def held_meeting(bot, *, secret: bool = False):  # type: ignore[no-untyped-def]
    """Poruba: Petra (coordinator), Jan (comes), Eva (proposes, absent), Olga (excused); #1 at
    Zárubecká 12 discussed with a note, #2 Hulváky with Eva's proposal accepted and a task for
    Jan; a guest; minutes finished by Petra. ``secret``: also a coordinators-only #3."""
    petra, jan, eva, olga = await make_team(bot, "Poruba", "Petra", "Jan", "Eva", "Olga")
    await report(jan, locality="Zárubecká 12")
    await report(jan, locality="Hulváky", category="veřejný pořádek a bezpečnost")
    await eva.send("/propose 2")
    await eva.send("Městská policie zařadí místo do večerních obchůzek každý pátek.")
    await eva.press("Městská policie (MPO)")
    if secret:
        await report(petra, locality=SECRET_PLACE, description=SECRET_TEXT, send=False)
        await petra.press("🔒 Jen pro koordinátory")
        await petra.press("✅ Odeslat")
    await schedule(petra)
    await jan.press("Přijdu", message=next(m for m in jan.inbox if "Pozvánka" in m.text))
    await olga.press("Nepřijdu", message=next(m for m in olga.inbox if "Pozvánka" in m.text))
    await schedule(petra, when="12.1.2027 14:00", place="ÚMOb Poruba, sál 3")
    bot.clock.set(MEETING_UTC + timedelta(minutes=5))
    await run_due(bot)
    services = bot.app.bot_data.services
    await petra.send("/minutes")
    await services.guests.add(Actor(petra.id), 1, "Šárka Žlutá", "Kurátorka ÚMOb")
    await services.guests.add(Actor(petra.id), 1, "Řehoř Ďábelský", "Kurátorka ÚMOb")
    await petra.press("▫ Petra Koordinátorová")
    await petra.press("Pokračovat programem ▶")
    await petra.press("📝 Poznámka")
    await petra.send("Hlídka MP v pátek; ověřit osvětlení u garáží.")
    await petra.press("💬 projednáno")
    await petra.press("💡 Přijmout návrh")
    await petra.press(0)
    await petra.press("📌 Nový úkol")
    await petra.send("Oslovit správce objektu kvůli osvětlení")
    await petra.press("Jan Členová")
    await petra.send("20.12.")
    await petra.press("✅ Ano")
    await petra.press("« Zpět k zápisu")
    await petra.press("🏁 Dokončit")
    await petra.press("✅ Uložit a rozeslat zápis")
    assert said(petra, "Zápis je uložen")
    await run_due(bot)
    return petra, jan, eva, olga


async def test_the_zapis_pdf_after_the_minutes(bot):
    petra, jan, _eva, _olga = await held_meeting(bot)
    (message,) = zapis_files(jan)
    assert message.document.filename == "zapis-2026-12-15.pdf"
    pages = pdf_pages(message.document.data)
    text = "\n".join(pages)
    assert "Zápis z jednání" in text
    assert "1. jednání MDT Poruba v roce 2026" in text
    assert "úterý 15. prosince 2026" in text and "14:00" in text
    assert "ÚMOb Poruba, zasedačka 214" in text
    assert f"strana 1 z {len(pages)}" in pages[0]
    flat = " ".join(text.split())
    assert "Přítomni (2): Jan Členová" in flat
    assert "Omluveni (1): Olga Členová" in flat
    assert "Nepřítomni (1): Eva Členová" in flat
    assert "Hosté (2): Kurátorka ÚMOb: Šárka Žlutá, Řehoř Ďábelský" in flat
    assert "Program" in text and "Průběh jednání" in text
    assert "Hlídka MP v pátek; ověřit osvětlení u garáží." in flat
    assert "Přijatý návrh: Městská policie zařadí místo do večerních obchůzek" in flat
    assert "Usnesení a úkoly" in text
    assert "Oslovit správce objektu kvůli osvětlení" in flat
    assert "Přesouvá se na příští jednání" in text
    assert "Příští jednání" in text and "12. ledna 2027" in flat
    assert "Zapsal(a):" in text and "Petra Koordinátorová" in text
    assert "Ověřil(a):" in text
    assert "Jen pro koordinátory" not in text
    # Petra's copy: the same (no closed part at this meeting)
    (own,) = zapis_files(petra)
    assert "Zápis z jednání" in pdf_text(own.document.data)


async def test_documents_gives_the_zapis_as_pdf_and_docx(bot):
    petra, _jan, _eva, _olga = await held_meeting(bot)
    await petra.send("/documents")
    screen = petra.last()
    assert "Dokumenty schůzek týmu Poruba" in screen.text, screen.text
    assert screen.button_texts()[0].startswith("📝 15. 12. 2026 14:00 · ÚMOb Poruba")
    await petra.press(0)
    assert "Který dokument?" in petra.last().text
    await petra.press("📝 Zápis (DOCX)")
    (message,) = zapis_files(petra, "docx")
    assert message.document.filename == "zapis-2026-12-15.docx"
    data = message.document.data
    text = docx_text(data)
    assert "Zápis z jednání" in text
    assert "Přítomni (2): Jan Členová" in text
    assert "Šárka Žlutá, Řehoř Ďábelský" in text
    assert "Hlídka MP v pátek; ověřit osvětlení u garáží." in text
    rows = [row for table in docx_tables(data) for row in table]
    header = next(row for row in rows if "Úkol nebo usnesení" in row)
    assert header[2:] == ["Odpovídá", "Termín"], header
    task = next(row for row in rows if "Oslovit správce objektu kvůli osvětlení" in row)
    assert "Jan Členová" in task[2] and "20. 12. 2026" in task[3], task
    accepted = next(row for row in rows if any("Přijat návrh" in cell for cell in row))
    assert accepted[0] == "2." and "Městská policie" in accepted[2], accepted
    footer = docx.Document(io.BytesIO(data)).sections[0].footer._element.xml
    assert "PAGE" in footer
    await petra.press("📝 Zápis (PDF)")
    assert len(zapis_files(petra)) == 2  # the one sent after the minutes, and this one
    # the agenda and the attendance sheet of the same meeting
    await petra.press("📋 Program (PDF)")
    agenda = named(petra, "program-2026-12-15.pdf")
    pages = pdf_pages(agenda)
    assert (
        "1. jednání MDT Poruba v roce 2026" in pages[0] and f"strana 1 z {len(pages)}" in pages[0]
    )
    assert "Zárubecká 12" in pdf_text(agenda) and "Hulváky" in pdf_text(agenda)
    await petra.press("📋 Program (DOCX)")
    assert "Zárubecká 12" in docx_text(named(petra, "program-2026-12-15.docx"))
    await petra.press("🖊 Prezenční listina (PDF)")
    sheet = " ".join(pdf_text(named(petra, "prezencni-listina-2026-12-15.pdf")).split())
    assert "Prezenční listina" in sheet and "Olga Členová" in sheet and "Šárka Žlutá" in sheet
    async with bot.db.read() as repos:
        entries = await repos.audit_log.latest(None, None, None)
    taken = [e.details for e in entries if e.action == "meeting.document"]
    assert taken == [  # newest first
        {"document": "sheet", "format": "pdf"},
        {"document": "agenda", "format": "docx"},
        {"document": "agenda", "format": "pdf"},
        {"document": "zapis", "format": "pdf"},
        {"document": "zapis", "format": "docx"},
    ]


async def test_the_closed_part_is_only_in_a_coordinators_copy(bot):
    petra, jan, _eva, _olga = await held_meeting(bot, secret=True)
    (members,) = zapis_files(jan)
    text = pdf_text(members.document.data)
    assert SECRET_PLACE not in text and "#3" not in text
    assert "Neveřejná část" not in text and "Jen koordinátoři" not in text
    (coordinators,) = zapis_files(petra)
    pages = pdf_pages(coordinators.document.data)
    closed = [n for n, page in enumerate(pages) if SECRET_PLACE in page]
    assert closed, "the coordinators' copy has the closed part"
    first_closed = min(closed)
    assert "Neveřejná část — jen koordinátoři" in pages[first_closed]
    assert all(SECRET_PLACE not in page for page in pages[:first_closed])
    assert "Ověřil(a)" in "\n".join(pages[:first_closed])  # signatures end the open part
    assert f"strana {first_closed + 1} z {len(pages)}" in pages[first_closed]
    # the DOCX from /documents has it too
    await petra.send("/documents")
    await petra.press(0)
    await petra.press("📝 Zápis (DOCX)")
    (word,) = zapis_files(petra, "docx")
    assert SECRET_PLACE in docx_text(word.document.data)
    await petra.press("📋 Program (PDF)")
    assert SECRET_PLACE in pdf_text(named(petra, "program-2026-12-15.pdf"))


async def test_documents_are_made_afresh(bot):
    """A note redacted after the meeting is gone from a zápis taken later."""
    petra, _jan, _eva, _olga = await held_meeting(bot)
    services = bot.app.bot_data.services
    await services.redaction.replace(Actor(petra.id), TextKind.NOTE, (1, 0), None)
    await petra.send("/documents")
    await petra.press(0)
    await petra.press("📝 Zápis (PDF)")
    text = pdf_text(zapis_files(petra)[-1].document.data)
    assert "Hlídka MP" not in text and "[odstraněno]" in text


async def test_documents_refused_to_members_and_strangers(bot):
    _petra, jan, _eva, _olga = await held_meeting(bot)
    await jan.send("/documents")
    assert "nemáte oprávnění" in jan.last().text
    stranger = bot.person("Zdeněk")
    await stranger.send("/start")
    await stranger.send("/documents")
    assert "jen pro členy týmu" in stranger.last().text
    for forged in ("dc:m:1", "dc:g:1:z:p", "dc:g:1:z:d", "dc:g:1:a:p", "dc:g:1:s:p", "dc:l:1:0"):
        for person in (jan, stranger):
            answer = await person.press_data(forged)
            assert answer is not None and answer.show_alert, (person.first_name, forged)
    assert not zapis_files(stranger) and len(zapis_files(jan)) == 1
    (karel,) = await make_team(bot, "Jih", "Karel")
    answer = await karel.press_data("dc:g:1:z:p")
    assert answer is not None and "Tato schůzka neexistuje" in answer.text
    await karel.send("/documents")
    assert "zatím nemá žádnou proběhlou schůzku" in karel.last().text
    for junk in (
        "dc:g:1:q:p",
        "dc:g:1:z:x",
        "dc:g:1:s:d",
        "dc:g:abc:z:p",
        "dc:m",
        "dc:zz:1",
        "dc:l:1",
    ):
        answer = await karel.press_data(junk)
        assert answer is not None and answer.show_alert, junk
    async with bot.db.read() as repos:
        entries = await repos.audit_log.latest(None, None, None)
    assert not [e for e in entries if e.action == "meeting.document"]


async def test_no_zapis_for_a_meeting_without_minutes(bot):
    petra, jan, _eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan)
    await schedule(petra)
    await petra.send("/documents")
    assert "zatím nemá žádnou proběhlou schůzku" in petra.last().text
    bot.clock.set(MEETING_UTC + timedelta(hours=2))
    await run_due(bot)
    await petra.send("/documents")
    assert petra.last().button_texts()[0].startswith("🗓 ")
    await petra.press(0)
    assert "Zápis (PDF)" not in " ".join(petra.last().button_texts())
    assert "zápis" in petra.last().text
    await petra.press_data("dc:g:1:z:p")  # a forged or stale press: the meeting's screen
    assert "nebyl dokončen" in petra.last().text and not zapis_files(petra)


async def test_documents_for_the_administrator_and_a_person_in_two_teams(bot):
    petra, jan, karel = await two_teams(bot)
    await schedule(jan, team="Jih", place="ÚMOb Jih")
    bot.clock.set(MEETING_UTC + timedelta(minutes=5))
    await run_due(bot)
    await jan.send("/minutes")
    await jan.press("Pokračovat programem ▶")
    await jan.press("🏁 Dokončit")
    await jan.press("✅ Uložit a rozeslat zápis")
    # Jan coordinates Jih only: no picker, Jih's list at once
    await jan.send("/documents")
    assert "týmu Jih" in jan.last().text
    await jan.press(0)
    await jan.press("📝 Zápis (PDF)")
    text = pdf_text(zapis_files(jan)[-1].document.data)
    assert "jednání MDT Jih" in text and "Zapsal(a):" in text and "Jan" in text
    # the administrator picks among every team
    admin = bot.admin
    await admin.send("/documents")
    assert "Dokumenty kterého týmu?" in admin.last().text
    assert {"Jih", "Poruba"} <= set(admin.last().button_texts())
    await admin.press("Jih")
    await admin.press(0)
    await admin.press("📝 Zápis (DOCX)")
    assert zapis_files(admin, "docx")
    # Petra (Poruba) cannot take Jih's
    answer = await petra.press_data("dc:g:1:z:p")
    assert answer is not None and answer.show_alert
    del karel


async def test_documents_are_paged_newest_first(bot):
    from datetime import UTC, datetime

    petra, _jan = await make_team(bot, "Poruba", "Petra", "Jan")
    services = bot.app.bot_data.services
    async with bot.db.read() as repos:
        team_id = (await repos.teams.list_all())[0].id
    first = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)
    for week in range(10):
        when = first + timedelta(weeks=week)
        bot.clock.set(when - timedelta(days=2))
        await services.meetings.schedule(Actor(petra.id), team_id, when, f"Sál {week + 1}")
    cancelled = await services.meetings.schedule(
        Actor(petra.id), team_id, first + timedelta(weeks=10), "Zrušená"
    )
    await services.meetings.cancel(Actor(petra.id), cancelled.id, whole_series=False)
    bot.clock.set(first + timedelta(weeks=12))
    await run_due(bot)
    await petra.send("/documents")
    screen = petra.last()
    assert "Strana 1 z 2" in screen.text
    labels = screen.button_texts()
    assert labels[0].startswith("🗓 ") and "Sál 10" in labels[0] and "Sál 3" in labels[7]
    assert labels[8:] == ["Starší »"]
    await petra.press("Starší »")
    labels = petra.last().button_texts()
    assert "Strana 2 z 2" in petra.last().text
    assert ["Sál 2" in labels[0], "Sál 1" in labels[1]] == [True, True]
    assert labels[2:] == ["« Novější"]
    assert "Zrušená" not in " ".join(labels)
    await petra.press("Sál 1")
    assert "Sál 1" in petra.last().text and "nebyl dokončen" in petra.last().text
    await petra.press("« Zpět")
    assert "Strana 1 z 2" in petra.last().text
    # a page number out of range (stale or forged) shows the nearest page
    await petra.press_data(f"dc:l:{team_id}:99")
    assert "Strana 2 z 2" in petra.last().text


async def test_a_coordinator_of_two_teams_picks_the_team(bot):
    petra, jan, karel = await two_teams(bot)
    await join(petra, await invite_code(karel, role="Koordinátor"), name="Petra Koordinátorová")
    await petra.send("/documents")
    assert "Dokumenty kterého týmu?" in petra.last().text
    assert petra.last().button_texts() == ["Jih", "Poruba", "✖ Zrušit"]
    await petra.press("Jih")
    assert "Tým Jih zatím nemá žádnou proběhlou schůzku" in petra.last().text
    await petra.send("/documents")
    await petra.press("✖ Zrušit")
    assert petra.last().text == "Zrušeno."
    del jan


async def test_people_who_left_are_former_members_in_a_zapis_taken_later(bot):
    petra, jan, _eva, _olga = await held_meeting(bot)
    await jan.send("/leave")
    await jan.press("Poruba")
    await jan.press("Ano, odejít")
    assert "Odešel(a) jste z týmu Poruba." in jan.last().text
    await petra.send("/leave")
    await petra.press("Poruba")
    await petra.press("Ano, odejít")
    admin = bot.admin
    await admin.send("/documents")
    await admin.press("Poruba")
    await admin.press(0)
    await admin.press("📝 Zápis (PDF)")
    text = " ".join(pdf_text(zapis_files(admin)[-1].document.data).split())
    assert "Jan Členová" not in text and "Petra Koordinátorová" not in text
    assert "Přítomni (2): bývalý člen (" in text, text
    assert "Zapsal(a): bývalý člen (Úřad městského obvodu)" in text


async def test_the_demo_zapis_as_a_czech_office_files_it(bot):
    """The sandbox demo's Poruba (tests/test_agenda_documents.py) minuted: the third meeting of
    the year. ``MDTBOT_DOC_IMAGES=dir`` also writes the members' zápis to ``dir/zapis.pdf``
    (docs/img/zapis.png is its first page)."""
    from bot.domain.minutes import Outcome
    from tests.test_agenda_documents import SECRET_PLACE as DEMO_SECRET
    from tests.test_agenda_documents import demo_meeting, export

    people, meeting = await demo_meeting(bot)
    petra, jan = people["Petra"], people["Jan"]
    bot.clock.set(MEETING_UTC + timedelta(minutes=5))
    await run_due(bot)
    await petra.send("/minutes")
    await petra.press("▫ Petra Svobodová")
    services = bot.app.bot_data.services
    actor = Actor(petra.id)
    minutes = await services.minutes.get(actor, meeting.id)
    for item in minutes.items:
        position, problem = item.position, item.entry.problem
        if item.entry.task is not None:
            await services.minutes.set_outcome(actor, meeting.id, position, Outcome.DONE)
        elif problem is not None and problem.coordinators_only:
            await services.minutes.set_note(
                actor,
                meeting.id,
                position,
                "Policie prověří informace z domu, další postup příště.",
            )
            await services.minutes.set_outcome(actor, meeting.id, position, Outcome.CARRIED)
        elif problem is not None and problem.id == 1:
            await services.minutes.set_note(
                actor,
                meeting.id,
                position,
                "Charita sbírá stříkačky dvakrát týdně; Technické služby prořežou křoví u plotu.",
            )
            (proposal,) = await services.minutes.proposals(actor, meeting.id, position)
            await services.minutes.accept_proposal(actor, meeting.id, position, proposal.id)
            await services.minutes.add_task(
                actor,
                meeting.id,
                position,
                "Doplnit kontejner na ostré předměty u koupaliště",
                MEETING_UTC + timedelta(days=14),
                owner_org="Technické služby Poruba",
            )
        elif problem is not None and problem.urgency.value == "acute":
            await services.minutes.set_outcome(actor, meeting.id, position, Outcome.DISCUSSED)
    await petra.press("Pokračovat programem ▶")
    await petra.press("🏁 Dokončit")
    await petra.press("✅ Uložit a rozeslat zápis")
    await run_due(bot)

    (members,) = zapis_files(jan)
    export("zapis.pdf", members.document.data)
    pages = pdf_pages(members.document.data)
    text = " ".join("\n".join(pages).split())
    assert "3. jednání MDT Poruba v roce 2026" in text
    assert "Omluveni (1): Lucie Dvořáková" in text
    assert "Hosté (1): Probační a mediační služba: Mgr. Eva Řeháková" in text
    assert "Přijat návrh: Častější hlídky MP a PČR v pátek večer" in text
    assert "Doplnit kontejner na ostré předměty u koupaliště" in text
    assert "Výsledek: úkol splněn" in text
    assert "Zapsal(a): Petra Svobodová" in text
    assert DEMO_SECRET not in text and "Neveřejná" not in text
    assert all(f"strana {n} z {len(pages)}" in page for n, page in enumerate(pages, start=1))
    (coordinators,) = zapis_files(petra)
    closed = " ".join(pdf_text(coordinators.document.data).split()).split("Neveřejná část")[1]
    assert DEMO_SECRET in closed and "Policie prověří informace z domu" in closed
