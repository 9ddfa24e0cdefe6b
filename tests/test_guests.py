"""Guests at a meeting (name, organisation, no Telegram): recorded by a coordinator from the
meeting's screen or while minuting, kept with that meeting, listed in the zápis."""

from __future__ import annotations

from datetime import timedelta

from tests.flows import make_team, report
from tests.test_meetings import MEETING_UTC, run_due, said, schedule
from tests.test_minutes import pdf_text
from tests.test_two_teams import two_teams


async def guests_of(bot, meeting_id: int) -> list[tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        return [(g.name, g.org) for g in await repos.guests.of_meeting(meeting_id)]


async def test_a_coordinator_records_guests_before_the_meeting(bot):
    petra, jan, _eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await schedule(petra)
    await petra.send("/meeting")
    await petra.press(0)
    await petra.press("🧑‍💼 Hosté")
    assert "Zatím žádní hosté." in petra.last().text
    await petra.press("➕ Přidat hosta")
    assert "Jméno hosta?" in petra.last().text
    await petra.press("« Zpět")  # back to the list, nothing stored
    assert "Zatím žádní hosté." in petra.last().text
    await petra.press("➕ Přidat hosta")
    await petra.send("x" * 81)
    assert "příliš dlouhé" in petra.last().text.lower() or "nejvýše 80" in petra.last().text
    assert "Jméno hosta?" in petra.last().text
    assert "« Zpět" in petra.last().button_texts() and "✖ Zrušit" in petra.last().button_texts()
    await petra.send("<b>Eva</b> Malá")
    assert "Host: <b>Eva</b> Malá. Z jaké organizace?" in petra.last().text
    await petra.press("« Zpět")
    assert "Jméno hosta?" in petra.last().text
    await petra.send("<b>Eva</b> Malá")
    await petra.send("SVJ Zárubecká")
    assert "Přidán host: <b>Eva</b> Malá — SVJ Zárubecká" in petra.last().text
    await petra.press("➕ Přidat hosta")
    await petra.send("Pavel Novák")
    await petra.press("Bez organizace")
    assert "• Pavel Novák" in petra.last().text
    await petra.press("➕ Přidat hosta")
    await petra.send("Ota Zrušený")
    await petra.press("✖ Zrušit")
    assert said(petra, "Nic nebylo uloženo")
    assert await guests_of(bot, 1) == [("<b>Eva</b> Malá", "SVJ Zárubecká"), ("Pavel Novák", None)]

    await petra.send("/meeting")
    await petra.press(0)
    await petra.press("🧑‍💼 Hosté")
    listing = petra.last()
    await petra.press("✖ Pavel Novák")
    assert "Odebrán host: Pavel Novák" in petra.last().text
    again = await petra.press_data("gs:x:1:m:2", message=listing)  # a redelivered press
    assert again is not None and again.show_alert
    assert await guests_of(bot, 1) == [("<b>Eva</b> Malá", "SVJ Zárubecká")]
    await petra.press("« Zpět")
    assert "Schůzka týmu" in petra.last().text

    # members and other teams cannot, and learn nothing
    await jan.send("/meeting")
    await jan.press(0)
    assert not any("Hosté" in b for b in jan.last().button_texts())
    for forged in ("gs:l:1:m", "gs:a:1:m", "gs:x:1:m:1", "gs:s:1:m"):
        answer = await jan.press_data(forged)
        assert answer is not None and answer.show_alert, forged
    (karel,) = await make_team(bot, "Jih", "Karel")
    answer = await karel.press_data("gs:l:1:m")
    assert answer is not None and "Tato schůzka neexistuje" in answer.text
    for junk in ("gs:l:1:q", "gs:l:x:m", "gs:z:1:m", "gs:s:1:m"):
        answer = await petra.press_data(junk)
        assert answer is not None and answer.show_alert, junk
    assert not any("SVJ" in m.text for m in karel.inbox + jan.inbox)


async def test_guests_added_while_minuting_are_in_the_zapis(bot):
    petra, jan, _eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan)
    await schedule(petra)
    await petra.send("/meeting")
    await petra.press(0)
    await petra.press("🧑‍💼 Hosté")
    await petra.press("➕ Přidat hosta")
    await petra.send("Eva Malá")
    await petra.send("SVJ Zárubecká")
    bot.clock.set(MEETING_UTC + timedelta(minutes=5))
    await run_due(bot)
    await petra.send("/minutes")
    await petra.press("🧑‍💼 Hosté (1)")
    await petra.press("➕ Přidat hosta")
    await petra.send("Ing. Petr Dlouhý")
    await petra.send("Úřad práce")
    assert "• Ing. Petr Dlouhý — Úřad práce" in petra.last().text
    await petra.press("« Zpět")
    assert "Kdo je přítomen?" in petra.last().text
    assert "🧑‍💼 Hosté (2)" in petra.last().button_texts()
    await petra.press("Pokračovat programem ▶")
    await petra.press("🏁 Dokončit")
    await petra.press("✅ Uložit a rozeslat zápis")
    await run_due(bot)
    zapis = next(m for m in jan.inbox if "Zápis ze schůzky" in m.text).text
    assert "Hosté (2)\nEva Malá (SVJ Zárubecká), Ing. Petr Dlouhý (Úřad práce)" in zapis
    pdf = next(m for m in jan.inbox if m.document and m.document.filename.startswith("zapis"))
    assert "Ing. Petr Dlouhý" in pdf_text(pdf) and "Hosté (2)" in pdf_text(pdf)
    # the meeting is over: its guest list is closed
    for late in ("gs:a:1:n", "gs:l:1:m", "gs:x:1:n:1"):
        answer = await petra.press_data(late)
        assert answer is not None and answer.show_alert, late
    assert len(await guests_of(bot, 1)) == 2


async def test_jan_records_guests_for_the_team_he_coordinates_only(bot):
    petra, jan, karel = await two_teams(bot)
    await schedule(petra)  # Poruba's meeting 1: Jan is a member there
    await schedule(jan, team="Jih", place="Jih, zasedačka")  # meeting 2
    await jan.send("/meeting")
    await jan.press("Jih")
    await jan.press(0)
    await jan.press("🧑‍💼 Hosté")
    await jan.press("➕ Přidat hosta")
    await jan.send("Eva Malá")
    await jan.send("Charita")
    assert "Přidán host: Eva Malá — Charita" in jan.last().text
    assert await guests_of(bot, 2) == [("Eva Malá", "Charita")]
    answer = await jan.press_data("gs:l:1:m")  # Poruba's meeting
    assert answer is not None and answer.show_alert
    answer = await jan.press_data("gs:a:1:m")
    assert answer is not None and answer.show_alert
    await jan.send("/meeting")
    await jan.press("Poruba")
    await jan.press(0)
    assert not any("Hosté" in b for b in jan.last().button_texts())
    assert await guests_of(bot, 1) == []
    assert not any("Eva Malá" in m.text for m in petra.inbox + karel.inbox)
