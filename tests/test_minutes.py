"""Minutes: attendance, stepping through the agenda, outcomes applied on finishing, the zápis
sent as text and PDF, unfinished items on the next agenda, and who may do what."""

from __future__ import annotations

import io
from datetime import timedelta

import pypdf

from bot.domain.problems import Status
from tests.flows import make_team, report
from tests.test_meetings import MEETING_UTC, run_due, said, schedule
from tests.test_problems import stored


async def prepared(bot):  # type: ignore[no-untyped-def]
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan, locality="Zárubecká 12")
    await report(jan, locality="Hulváky", category="veřejný pořádek a bezpečnost")
    await eva.send("/propose 2")
    await eva.send("Městská policie zařadí místo do večerních obchůzek každý pátek.")
    await eva.press("Městská policie (MPO)")
    await schedule(petra)
    await jan.press("Přijdu", message=next(m for m in jan.inbox if "Pozvánka" in m.text))
    bot.clock.set(MEETING_UTC + timedelta(minutes=5))
    await run_due(bot)
    return petra, jan, eva


def pdf_text(message) -> str:  # type: ignore[no-untyped-def]
    assert message.document is not None
    reader = pypdf.PdfReader(io.BytesIO(message.document.data))
    return "\n".join(page.extract_text() for page in reader.pages)


async def test_minutes_from_attendance_to_the_zapis(bot):
    petra, jan, eva = await prepared(bot)
    await petra.send("/minutes")
    assert "Kdo je přítomen?" in petra.last().text
    assert "✅ Jan Členová" in petra.last().button_texts()
    await petra.press("▫ Eva Členová")
    assert "✅ Eva Členová" in petra.last().button_texts()
    await petra.press("Pokračovat programem ▶")
    assert "Bod 1 z 2" in petra.last().text
    first = petra.last().text
    await petra.press("📝 Poznámka")
    await petra.send("Hlídka MP <b>každý</b> pátek")
    assert "Poznámka: Hlídka MP <b>každý</b> pátek" in petra.last().text
    await petra.press("💬 projednáno")
    assert "Bod 2 z 2" in petra.last().text
    await petra.press("💡 Přijmout návrh")
    await petra.press(0)
    assert "Bod 2 z 2" in petra.last().text
    assert "Výsledek: návrh přijat" in petra.last().text
    await petra.press("🏁 Dokončit")
    assert "Výsledek má 2 z 2 bodů" in petra.last().text
    await petra.press("✅ Uložit a rozeslat zápis")
    assert said(petra, "Zápis je uložen")

    zapis = next(m for m in jan.inbox if "Zápis ze schůzky týmu Poruba" in m.text)
    assert "Přítomni (2)" in zapis.text
    assert "Jan Členová" in zapis.text.split("Nepřítomni")[0]
    assert "Petra Koordinátorová" in zapis.text.split("Nepřítomni")[1]
    assert "— projednáno" in zapis.text
    assert "— návrh přijat" in zapis.text
    assert "Poznámka: Hlídka MP <b>každý</b> pátek" in zapis.text
    pdf = next(m for m in jan.inbox if m.document and m.document.filename == "zapis-2026-12-15.pdf")
    assert "Zápis z jednání" in pdf_text(pdf)
    assert "1. jednání MDT Poruba v roce 2026" in pdf_text(pdf)
    assert "projednáno" in pdf_text(pdf)

    assert "Zárubecká 12" in first  # item 1 is #1, item 2 is #2 (with the proposal)
    assert (await stored(bot, 1)).status is Status.DISCUSSED
    assert (await stored(bot, 2)).status is Status.DISCUSSED
    assert said(eva, "byl přijat")  # the proposer is told
    async with bot.db.read() as repos:
        team = (await repos.teams.list_all())[0]
        meeting = await repos.meetings.get(team.id, 1)
    assert meeting is not None and meeting.status.value == "held"

    # finished: nothing can be changed any more
    answer = await petra.press_data("mn:o:1:0:s")
    assert answer is not None and answer.show_alert
    answer = await petra.press_data("mn:F:1")
    assert answer is not None and answer.show_alert
    assert len([m for m in jan.inbox if "Zápis ze schůzky týmu Poruba" in m.text]) == 1

    # both problems are still open: they come back on the next agenda
    await schedule(petra, when="12.1.2027 14:00")
    await jan.send("/agenda")
    assert "Zárubecká 12" in jan.last().text and "Hulváky" in jan.last().text


async def test_solved_and_a_task_agreed_in_the_minutes(bot):
    petra, jan, _eva = await prepared(bot)
    await petra.send("/minutes")
    await petra.press("Pokračovat programem ▶")
    await petra.press("✅ vyřešeno")
    await petra.press("📌 Nový úkol")
    await petra.send("Oslovit majitele objektu kvůli osvětlení")
    await petra.press("Jan Členová")
    await petra.send("20.12.")
    await petra.press("✅ Ano")
    assert "Úkol je zapsán; zadá se při dokončení zápisu" in petra.last().text
    async with bot.db.read() as repos:  # nothing is given out before "finish"
        assert await repos.tasks.of_owner(jan.id) == []
    assert not said(jan, "Nový úkol pro vás")
    await petra.press("« Zpět k zápisu")
    assert "Oslovit majitele objektu" in petra.last().text
    await petra.press("🏁 Dokončit")
    await petra.press("✅ Uložit a rozeslat zápis")
    await run_due(bot)
    assert said(jan, "Nový úkol pro vás")
    zapis = next(m for m in jan.inbox if "Zápis ze schůzky týmu Poruba" in m.text)
    assert "— vyřešeno" in zapis.text
    assert "— zadán úkol" in zapis.text
    assert "Úkol: Oslovit majitele objektu kvůli osvětlení — Jan Členová" in zapis.text
    assert (await stored(bot, 1)).status is Status.SOLVED
    assert (await stored(bot, 2)).status is Status.DISCUSSED


async def test_only_coordinators_minute_and_not_too_early(bot):
    petra, jan, _eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan)
    await schedule(petra)
    await petra.send("/minutes")
    assert "Není schůzka, ze které by šlo psát zápis" in petra.last().text
    bot.clock.set(MEETING_UTC - timedelta(minutes=30))
    await run_due(bot)  # the agenda went out at its lead time
    await jan.send("/minutes")
    assert "nemáte oprávnění" in jan.last().text
    await petra.send("/minutes")
    assert "Kdo je přítomen?" in petra.last().text
    for forged in ("mn:o:1:0:s", "mn:F:1", "mn:p:1:1", "mn:i:1:0", "mn:n:1:0"):
        answer = await jan.press_data(forged)
        assert answer is not None and answer.show_alert, forged
    (karel,) = await make_team(bot, "Jih", "Karel")
    answer = await karel.press_data("mn:i:1:0")
    assert answer is not None and "Tato schůzka neexistuje" in answer.text
    for junk in ("mn:o:1:0:zz", "mn:o:1:99:d", "mn:i:abc:0", "mn:q:1"):
        answer = await petra.press_data(junk)
        assert answer is not None and answer.show_alert, junk
    assert (await stored(bot, 1)).status is Status.NEW


async def test_minutes_for_an_administrator_without_teams(bot):
    await bot.admin.send("/minutes")
    assert bot.admin.last().text == "Zatím neexistují žádné týmy."


async def test_tasks_on_confidential_problems_stay_out_of_members_minutes(bot):
    petra, jan, eva = await prepared(bot)
    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🔒 Jen koordinátoři")
    await petra.press("✅ Ano")
    await petra.send("/minutes")
    await petra.press("Pokračovat programem ▶")
    await petra.press("📌 Nový úkol")
    await petra.send("Tajný úkol SECRETXYZ k prověření")
    await petra.press("🏢 Jen organizace")
    await petra.send("MP Ostrava")
    await petra.send("20.12.")
    await petra.press("✅ Ano")
    await petra.press("« Zpět k zápisu")
    await petra.press("🏁 Dokončit")
    await petra.press("✅ Uložit a rozeslat zápis")
    member_copy = next(m for m in eva.inbox if "Zápis ze schůzky týmu Poruba" in m.text)
    assert "SECRETXYZ" not in member_copy.text
    pdf = next(m for m in eva.inbox if m.document and m.document.filename.startswith("zapis"))
    assert "SECRETXYZ" not in pdf_text(pdf)
    coordinator_copy = next(m for m in petra.inbox if "Zápis ze schůzky týmu Poruba" in m.text)
    assert "SECRETXYZ" in coordinator_copy.text
    assert not any("SECRETXYZ" in m.text for m in jan.inbox)


async def test_a_meeting_being_minuted_can_no_longer_be_cancelled_or_moved(bot):
    petra, jan, _eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan)
    await schedule(petra)
    answer = await petra.press_data("mn:i:1:0")  # minutes not started yet
    assert answer is not None and answer.show_alert
    bot.clock.set(MEETING_UTC - timedelta(minutes=30))
    await petra.send("/minutes")
    for forged in ("mt:xo:1", "mt:xs:1"):
        answer = await petra.press_data(forged)
        assert answer is not None and "už začala" in answer.text, forged
    async with bot.db.read() as repos:
        team = (await repos.teams.list_all())[0]
        meeting = await repos.meetings.get(team.id, 1)
    assert meeting is not None and meeting.status.value == "scheduled"
    assert not said(jan, "Schůzka týmu je zrušena")


async def test_an_attendance_press_twice_marks_once(bot):
    petra, _, eva = await prepared(bot)
    await petra.send("/minutes")
    screen = petra.last()
    button = next(b for row in screen.buttons for b in row if b.text == "▫ Eva Členová")
    await petra.press_data(button.callback_data, message=screen)
    await petra.press_data(button.callback_data, message=screen)  # a double tap
    assert "✅ Eva Členová" in petra.last().button_texts()
    await petra.press_data(f"mn:p:1:{eva.id}")  # a button from before presses carried a state
    assert "✅ Eva Členová" in petra.last().button_texts()


async def test_the_attendance_screen_can_be_closed_and_continued(bot):
    petra, _jan, eva = await prepared(bot)
    await petra.send("/minutes")
    await petra.press("▫ Eva Členová")
    assert "✖ Zrušit" in petra.last().button_texts()
    await petra.press("✖ Zrušit")
    assert "Zavřeno" in petra.last().text and "/minutes" in petra.last().text
    await petra.send("/minutes")
    assert "✅ Eva Členová" in petra.last().button_texts()  # kept
    # someone else cannot close (or peek at) the minutes with a forged press
    meeting_id = next(
        b.callback_data for row in petra.last().buttons for b in row if b.text == "✖ Zrušit"
    ).split(":")[2]
    answer = await eva.press_data(f"mn:x:{meeting_id}")
    assert answer is not None and answer.show_alert


async def test_a_redacted_accepted_proposal_is_gone_from_the_zapis_members_received(bot):
    petra, jan, _eva = await prepared(bot)
    await petra.send("/minutes")
    await petra.press("Pokračovat programem ▶")
    await petra.press("💬 projednáno")
    await petra.press("💡 Přijmout návrh")
    await petra.press(0)
    await petra.press("🏁 Dokončit")
    await petra.press("✅ Uložit a rozeslat zápis")
    zapis = next(m for m in jan.inbox if "Zápis ze schůzky týmu Poruba" in m.text)
    assert "večerních obchůzek" in zapis.text  # the accepted proposal is quoted
    async with bot.db.read() as repos:
        (proposal,) = await repos.proposals.for_problem(1, 2)
    answer = await petra.press_data(f"rd:r:p:{proposal.id}:y")
    assert answer is not None
    zapis = bot.emu.current(zapis)
    assert "večerních obchůzek" not in zapis.text, zapis.text
