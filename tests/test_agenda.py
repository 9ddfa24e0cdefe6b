"""Agendas: the order of docs/user-guide.md, coordinator edits, freezing at the lead time, sending
as text and PDF, late additions, confidentiality, long agendas and 429 during the fan-out."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pypdf

from bot.domain.agenda import AgendaProblem, Section
from bot.domain.problems import Category, Status, Urgency
from bot.services.agenda import rank
from bot.services.authz import Actor
from tests.flows import make_team
from tests.test_meetings import MEETING_UTC, run_due, said, schedule
from tests.test_problems import seed

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def problem(number: int, **fields) -> AgendaProblem:  # type: ignore[no-untyped-def]
    values = {
        "id": number,
        "team_id": 1,
        "category": Category.ADDICTION,
        "locality": f"Místo {number}",
        "urgency": Urgency.NORMAL,
        "status": Status.NEW,
        "coordinators_only": False,
        "reporter_id": 7,
        "created_at": T0 + timedelta(days=number),
        "progressed_at": T0 + timedelta(days=number),
        "open_proposals": 0,
        "proposal_support": 0,
    }
    values.update(fields)
    return AgendaProblem(**values)


def test_rank_follows_the_order_of_the_product() -> None:
    since = T0 + timedelta(days=10)
    problems = [
        problem(1, status=Status.IN_PROGRESS, progressed_at=T0 + timedelta(days=9)),
        problem(2, status=Status.DISCUSSED, progressed_at=T0 + timedelta(days=3)),
        problem(3, status=Status.DISCUSSED, open_proposals=1, proposal_support=1),
        problem(4, status=Status.DISCUSSED, open_proposals=2, proposal_support=5),
        problem(11),
        problem(12, urgency=Urgency.ACUTE),
        problem(13, urgency=Urgency.HIGH),
        problem(5),  # new, but already new at the last meeting: not "new since"
    ]
    entries = rank(problems, since)
    order = [(e.section, e.problem.id) for e in entries if e.problem]
    assert order == [
        (Section.NEW, 12),
        (Section.NEW, 13),
        (Section.NEW, 11),
        (Section.DECISIONS, 4),
        (Section.DECISIONS, 3),
        (Section.OPEN, 2),
        (Section.OPEN, 5),
        (Section.OPEN, 1),
    ]


def test_rank_honours_removals_and_an_explicit_order() -> None:
    problems = [problem(n, status=Status.DISCUSSED) for n in (1, 2, 3)]
    entries = rank(problems, None, removed={2}, ranks={3: 0, 1: 1})
    assert [e.problem.id for e in entries if e.problem] == [3, 1]


async def agenda_messages(person) -> list:  # type: ignore[no-untyped-def]
    return [m for m in person.inbox if "Program schůzky týmu" in m.text]


def pdf_text(message) -> str:  # type: ignore[no-untyped-def]
    assert message.document is not None
    reader = pypdf.PdfReader(io.BytesIO(message.document.data))
    return "\n".join(page.extract_text() for page in reader.pages)


async def team_with_problems(bot):  # type: ignore[no-untyped-def]
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    group = bot.emu.group("MDT Poruba")
    await petra.add_bot_to(group)
    await petra.send_to(group, "/linkgroup")
    await seed(bot, jan, 1, locality="Hulváky", category=Category.ADDICTION)
    await seed(bot, jan, 1, locality="Zárubecká 12", urgency=Urgency.ACUTE)
    secret = (await seed(bot, petra, 1, locality="Tajná ulice"))[0]
    await bot.app.bot_data.services.problems.set_coordinators_only(
        Actor(user_id=petra.id), secret, True
    )
    return petra, jan, eva, group


async def test_the_agenda_is_frozen_at_the_lead_time_and_sent_as_text_and_pdf(bot):
    petra, jan, _eva, group = await team_with_problems(bot)
    await schedule(petra)
    await jan.send("/agenda")
    draft = jan.last().text
    assert "Návrh: může se ještě změnit." in draft
    assert "Nové problémy od minulé schůzky" in draft
    assert draft.index("Zárubecká 12") < draft.index("Hulváky")  # acute first
    assert "Tajná ulice" not in draft  # coordinators only
    await petra.send("/agenda")
    closed_part = petra.last().text.split("Neveřejná část — jen koordinátoři")[1]
    assert "3) Problém #3 · Tajná ulice" in closed_part

    bot.clock.set(MEETING_UTC - timedelta(hours=48, seconds=1))
    await run_due(bot)
    assert await agenda_messages(jan) == [m for m in jan.inbox if "Program schůzky" in m.text]
    assert len([m for m in jan.inbox if "Návrh: může" not in m.text and "Program" in m.text]) == 0
    bot.clock.set(MEETING_UTC - timedelta(hours=48))
    await run_due(bot)
    sent = [m for m in jan.inbox if "Program schůzky týmu Poruba" in m.text and not m.buttons]
    frozen = sent[-1].text
    assert "Návrh" not in frozen
    assert "Zárubecká 12" in frozen and "Tajná ulice" not in frozen
    pdf = jan.inbox[-1]
    assert pdf.document is not None and pdf.document.filename == "program-2026-12-15.pdf"
    text = pdf_text(pdf)
    assert "Program jednání" in text and "1. jednání MDT Poruba v roce 2026" in text
    assert "Nové problémy od minulé schůzky" in text  # Czech letters survive in the PDF
    assert "Tajná ulice" not in text
    assert not any(m.document and "prezencni" in m.document.filename for m in jan.inbox)
    coordinator_pdf = [
        m for m in petra.inbox if m.document and m.document.filename.startswith("program")
    ]
    assert "Tajná ulice" in pdf_text(coordinator_pdf[-1])
    # coordinators also get the attendance sheet, right after the agenda
    sheet = petra.inbox[-1]
    assert sheet.document is not None
    assert sheet.document.filename == "prezencni-listina-2026-12-15.pdf"
    assert "Prezenční listina" in pdf_text(sheet) and "Jan Členová" in pdf_text(sheet)
    start = next(i for i, m in enumerate(group.messages) if "Program schůzky" in m.text)
    group_text = "\n".join(m.text for m in group.messages[start:])
    assert "Zárubecká 12" in group_text and "Tajná ulice" not in group_text
    assert any(m.document and m.document.filename.endswith(".pdf") for m in group.messages)

    # frozen: edits are refused, and nothing is sent twice
    answer = await petra.press_data("ag:e:1:0")
    assert answer is not None and answer.show_alert
    await bot.restart()
    await run_due(bot)
    assert len([m for m in jan.inbox if m.document and m.document.filename.endswith(".pdf")]) == 1
    assert len([m for m in petra.inbox if m.document and "prezencni" in m.document.filename]) == 1


async def test_urgent_reports_after_the_freeze_are_late_additions(bot):
    petra, jan, eva, _group = await team_with_problems(bot)
    await schedule(petra)
    bot.clock.set(MEETING_UTC - timedelta(hours=47))
    await run_due(bot)
    await seed(bot, eva, 1, locality="Nádraží Svinov", urgency=Urgency.ACUTE)
    await seed(bot, eva, 1, locality="Běžná ulice", urgency=Urgency.NORMAL)
    await jan.send("/agenda")
    text = jan.last().text
    assert "Dodatečně zařazeno" in text
    late = text.split("Dodatečně zařazeno")[1]
    assert "Nádraží Svinov" in late and "Běžná ulice" not in text


async def test_coordinator_edits_the_draft_and_members_cannot(bot):
    petra, jan, _eva, _group = await team_with_problems(bot)
    await seed(bot, jan, 1, locality="Opavská")
    await schedule(petra)
    await petra.send("/agenda")
    await petra.press("✏ Upravit program")
    await petra.press("✖ #1")
    await petra.press("⬆ #4")  # new section was #2 (acute), #4 (#3 is closed): now #4, #2
    await petra.press("➕ Přidat bod")
    await petra.send("<b>Rozpočet</b> na rok 2027")
    assert "Přidáno: <b>Rozpočet</b> na rok 2027" in petra.last().text
    await petra.press("✅ Hotovo")
    agenda = petra.last().text
    assert "Hulváky" not in agenda
    assert "Další body" in agenda and "<b>Rozpočet</b> na rok 2027" in agenda
    new_section = agenda.split("Nové problémy od minulé schůzky")[1].split("Další body")[0]
    assert [line.split(" · ")[0] for line in new_section.strip().splitlines()] == [
        "1) Problém #4",
        "2) Problém #2",
    ]
    assert "3) <b>Rozpočet</b> na rok 2027" in agenda
    closed_part = agenda.split("Neveřejná část — jen koordinátoři")[1]
    assert closed_part.strip().startswith("4) Problém #3 · Tajná ulice")

    await petra.press("✏ Upravit program")
    await petra.press("↩ Odebrané problémy")
    await petra.press("↩ #1")
    await petra.press("✅ Hotovo")
    assert "Hulváky" in petra.last().text

    for forged in ("ag:r:1:2", "ag:e:1:0", "ag:a:1", "ag:x:1:1", "ag:u:1:2"):
        answer = await jan.press_data(forged)
        assert answer is not None and answer.show_alert, forged
    await jan.send("/agenda")
    assert "Upravit program" not in str(jan.last().button_texts())
    assert "Hulváky" in jan.last().text


async def test_another_team_cannot_read_or_edit_the_agenda(bot):
    petra, _jan, _eva, _group = await team_with_problems(bot)
    await schedule(petra)
    (karel,) = await make_team(bot, "Jih", "Karel")
    for forged in ("ag:v:1", "ag:p:1", "ag:r:1:1", "ag:e:1:0"):
        answer = await karel.press_data(forged)
        assert answer is not None
        assert "Tato schůzka neexistuje" in answer.text, forged
    assert not any("Hulváky" in m.text for m in karel.inbox)


async def test_no_meeting_no_agenda(bot):
    _petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await jan.send("/agenda")
    assert "Žádná schůzka není naplánována" in jan.last().text


async def test_a_long_agenda_is_split_safely_and_survives_429(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    long_place = "Ulice " + "Dlouhá-" * 7 + "<&>"
    await seed(bot, jan, 150, locality=long_place)
    await schedule(petra)
    bot.clock.set(MEETING_UTC - timedelta(hours=48))
    bot.emu.inject_fault("sendMessage", status=429, retry_after=2, count=2)
    await run_due(bot)
    for _ in range(4):
        bot.advance(timedelta(seconds=5))
        await run_due(bot)
    for person in (petra, jan, eva):
        parts = [m for m in person.inbox if "· " + long_place in m.text and not m.buttons]
        body = "\n".join(m.text for m in parts)
        assert all(len(m.text.encode("utf-16-le")) // 2 <= 4096 for m in parts)
        assert len(parts) >= 2, person.first_name  # split over several messages
        assert body.count("· " + long_place) == 150, person.first_name  # nothing lost twice
        assert "\n150) Problém #" in body
        pdfs = [m for m in person.inbox if m.document and m.document.filename.startswith("program")]
        assert len(pdfs) == 1
        assert pdf_text(pdfs[0]).count("Dlouhá") >= 150


async def test_team_lead_time_from_configuration(bot):
    await bot.stop()
    bot.settings_overrides.update(reminders="2m", agenda_lead="3m")
    await bot.start()
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    start = bot.clock.now() + timedelta(minutes=4)
    local = start.astimezone(bot.app.bot_data.settings.tz)
    await schedule(petra, when=f"{local:%d.%m.%Y %H:%M}")
    bot.advance(timedelta(seconds=59))
    await run_due(bot)
    assert not any(m.document and m.document.filename.endswith(".pdf") for m in jan.inbox)
    bot.advance(timedelta(seconds=1))
    await run_due(bot)
    assert any(m.document and m.document.filename.endswith(".pdf") for m in jan.inbox)
    assert said(jan, "Program schůzky týmu Poruba")


async def test_a_meeting_moved_after_the_freeze_gets_a_new_agenda(bot):
    petra, jan, _eva, _group = await team_with_problems(bot)
    await schedule(petra)
    bot.clock.set(MEETING_UTC - timedelta(hours=48))
    await run_due(bot)
    first = len(await agenda_messages(jan))
    await petra.send("/meeting")
    await petra.press(0)
    await petra.press("🕑 Změnit čas")
    await petra.send("5.1.2027 14:00")
    await petra.press("✅ Ano")
    await seed(bot, jan, 1, locality="Nová lokalita po přesunu")
    await jan.send("/agenda")
    assert "Návrh: může se ještě změnit." in jan.last().text
    assert "Nová lokalita po přesunu" in jan.last().text
    bot.clock.set(datetime(2027, 1, 3, 13, 0, tzinfo=UTC))  # 48 h before the new start
    await run_due(bot)
    sent = await agenda_messages(jan)
    assert len(sent) > first
    assert "Nová lokalita po přesunu" in sent[-1].text


async def test_moving_up_twice_with_the_same_button_moves_once(bot):
    petra, jan, _eva, _group = await team_with_problems(bot)
    await seed(bot, jan, 1, locality="Opavská")
    await schedule(petra)
    await petra.send("/agenda")
    await petra.press("✏ Upravit program")
    screen = petra.last()
    buttons = [b for row in screen.buttons for b in row]
    first_labels = [b.text for b in buttons if b.text.startswith("⬆")]
    assert "⬆ #2" not in first_labels  # the first of its section cannot go higher
    button = next(b for b in buttons if b.text == "⬆ #4")
    await petra.press_data(button.callback_data, message=screen)
    await petra.press_data(button.callback_data, message=screen)  # a double tap, or redelivered
    await petra.press("✅ Hotovo")
    new_section = petra.last().text.split("Nové problémy od minulé schůzky")[1]
    numbers = [line.split(" · ")[0] for line in new_section.strip().splitlines()[:3]]
    assert numbers == ["1) Problém #2", "2) Problém #4", "3) Problém #1"], numbers  # one step
