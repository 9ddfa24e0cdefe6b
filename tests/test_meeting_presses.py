"""Black-box trial findings on meetings: the final confirmation is idempotent, a place change in
a series asks "this one / the series", a series is visible between occurrences, the detail
follows an answer, the frozen agenda's wording, and Cancel on the team pickers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from tests.flows import make_team
from tests.test_meeting_changes import empty_keyboards, meeting_rows, refused
from tests.test_meetings import invitations, run_due, said, schedule
from tests.test_two_teams import two_teams

SAVE = "✅ Naplánovat a pozvat všechny"


def screen(person, text: str):  # type: ignore[no-untyped-def]
    """The one message in the person's chat that says ``text`` (edited in place)."""
    (found,) = [m for m in person.inbox if text in m.text]
    return found


def not_stale(answer) -> bool:  # type: ignore[no-untyped-def]
    return answer is None or "už neplatí" not in answer.text


def data_of(message, text: str) -> str:  # type: ignore[no-untyped-def]
    """The callback data of a button, kept to press it again after the message changed."""
    (found,) = [b for row in message.buttons for b in row if b.text == text]
    assert found.callback_data is not None
    return str(found.callback_data)


async def _to_preview(petra, when: str = "15.12. 14:00", repeat: str = "Ne, jednorázově"):  # type: ignore[no-untyped-def]
    await petra.send("/meeting")
    await petra.press("➕ Naplánovat schůzku")
    await petra.send(when)
    await petra.press("✅ Ano")
    await petra.send("ÚMOb Poruba, zasedačka 214")
    await petra.press(repeat)
    return petra.last(), data_of(petra.last(), SAVE)


async def test_a_second_tap_on_schedule_shows_the_meeting_made_not_an_error(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    preview = await _to_preview(petra)
    await petra.press_data(preview[1], message=preview[0])
    again = await petra.press_data(preview[1], message=preview[0])  # again, or redelivered
    assert not said(petra, "už neplatí") and not_stale(again)
    done = screen(petra, "Schůzka je naplánována")
    assert "úterý 15. prosince 2026 14:00" in done.text
    assert "📍 Změnit místo" in done.button_texts()
    assert len(await meeting_rows(bot)) == 1
    await petra.send("ÚMOb Poruba")  # the dialogue is over: not taken as an answer
    assert len(await meeting_rows(bot)) == 1
    assert len(invitations(jan)) == 1
    assert empty_keyboards(petra) == [] and refused(bot) == []


async def test_two_taps_processed_at_once_make_one_meeting(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    preview = await _to_preview(petra)
    await asyncio.gather(
        petra.press_data(preview[1], message=preview[0]),
        petra.press_data(preview[1], message=preview[0]),
    )
    assert len(await meeting_rows(bot)) == 1
    assert len(invitations(jan)) == 1
    assert "15. prosince" in screen(petra, "Schůzka je naplánována").text
    assert not said(petra, "už neplatí")


async def test_a_save_button_of_an_abandoned_dialogue_does_not_save_the_new_one(bot):
    petra, _jan = await make_team(bot, "Poruba", "Petra", "Jan")
    old = await _to_preview(petra)
    await petra.press("✖ Zrušit")
    new = await _to_preview(petra, when="16.12. 9:00")
    await petra.press_data(old[1], message=old[0])
    assert await meeting_rows(bot) == []  # the old button neither saves the new dialogue
    await petra.press_data(new[1], message=new[0])
    (meeting,) = await meeting_rows(bot)
    assert meeting.starts_at == datetime(2026, 12, 16, 8, 0, tzinfo=UTC)


async def test_a_second_tap_on_yes_of_a_move_shows_the_moved_meeting(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra)
    await petra.send("/meeting")
    await petra.press(0)
    await petra.press("🕑 Změnit čas")
    await petra.send("17.12. 9:30")
    yes = petra.last(), data_of(petra.last(), "✅ Ano")
    await petra.press_data(yes[1], message=yes[0])
    again = await petra.press_data(yes[1], message=yes[0])
    assert not said(petra, "už neplatí") and not_stale(again)
    assert "čtvrtek 17. prosince 2026 9:30" in screen(petra, "Schůzka je přesunuta").text
    (meeting,) = await meeting_rows(bot)
    assert meeting.starts_at == datetime(2026, 12, 17, 8, 30, tzinfo=UTC)
    assert len([m for m in jan.inbox if "Jednání se přesouvá" in m.text]) == 1


async def test_jan_schedules_for_jih_twice_tapped_once_made(bot):
    _petra, jan, karel = await two_teams(bot)
    await jan.send("/meeting")
    await jan.press("Jih")
    await jan.press("➕ Naplánovat schůzku")
    await jan.send("16.12. 10:00")
    await jan.press("✅ Ano")
    await jan.send("Radnice Jih")
    await jan.press("Ne, jednorázově")
    preview = jan.last(), data_of(jan.last(), SAVE)
    await jan.press_data(preview[1], message=preview[0])
    again = await jan.press_data(preview[1], message=preview[0])
    assert not_stale(again) and "Radnice Jih" in screen(jan, "Schůzka je naplánována").text
    assert len(await meeting_rows(bot)) == 1
    assert len(invitations(karel)) == 1


# --- 2: the place of one meeting of a series, or of the series ----------------------------


async def _series(bot):  # type: ignore[no-untyped-def]
    """Poruba meets every week on Tuesday 10:00 from 8 December."""
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra, when="8.12. 10:00", repeat="Každý týden v úterý")
    return petra, jan


async def _change_place(petra, place: str, scope: str) -> None:  # type: ignore[no-untyped-def]
    await petra.send("/meeting")
    await petra.press(0)
    await petra.press("📍 Změnit místo")
    await petra.send(place)
    assert "jen pro tuto schůzku, nebo pro celou řadu" in petra.last().text, petra.last().text
    assert petra.last().button_texts() == ["Jen tuto", "Celou řadu", "« Zpět", "✖ Zrušit"]
    await petra.press(scope)
    assert said(petra, "Místo je změněno")


def place_notices(person) -> list:  # type: ignore[no-untyped-def]
    return [m for m in person.inbox if "Místo: původně" in m.text]


async def test_changing_the_place_of_one_occurrence_asks_and_keeps_the_series_place(bot):
    petra, jan = await _series(bot)
    await _change_place(petra, "Radnice, sál 3", "Jen tuto")
    await run_due(bot)
    (notice,) = place_notices(jan)
    assert "Místo: původně ÚMOb Poruba, zasedačka 214 → nově Radnice, sál 3" in notice.text
    (meeting,) = await meeting_rows(bot)
    assert meeting.place == "Radnice, sál 3"
    bot.clock.set(datetime(2026, 12, 8, 10, 0, tzinfo=UTC))  # the next one is invited to
    await run_due(bot)
    latest = invitations(jan)[-1]
    assert "úterý 15. prosince 2026 10:00" in latest.text
    assert "ÚMOb Poruba, zasedačka 214" in latest.text  # the series keeps its place
    assert empty_keyboards(petra) == [] and refused(bot) == []


async def test_changing_the_place_of_the_series_changes_the_later_ones(bot):
    petra, jan = await _series(bot)
    await _change_place(petra, "Radnice, sál 3", "Celou řadu")
    await run_due(bot)
    assert len(place_notices(jan)) == 1
    bot.clock.set(datetime(2026, 12, 8, 10, 0, tzinfo=UTC))
    await run_due(bot)
    latest = invitations(jan)[-1]
    assert "úterý 15. prosince 2026 10:00" in latest.text
    assert "Radnice, sál 3" in latest.text


async def test_back_from_the_place_scope_asks_for_the_place_again(bot):
    petra, _jan = await _series(bot)
    await petra.send("/meeting")
    await petra.press(0)
    await petra.press("📍 Změnit místo")
    await petra.send("Radnice, sál 3")
    await petra.press("« Zpět")
    assert "Kde bude schůzka" in petra.last().text, petra.last().text
    (meeting,) = await meeting_rows(bot)
    assert meeting.place == "ÚMOb Poruba, zasedačka 214"


# --- 3: a series between its occurrences ---------------------------------------------------


async def test_a_series_after_a_cancelled_occurrence_is_shown_and_can_be_cancelled(bot):
    petra, jan = await _series(bot)  # every Tuesday 10:00 from 8 December
    await petra.send("/meeting")
    await petra.press(0)
    await petra.press("✖ Zrušit schůzku")
    await petra.press("Zrušit tuto schůzku")
    assert await meeting_rows(bot) == []
    await jan.send("/meeting")
    text = jan.last().text
    assert "Žádná schůzka není naplánována" not in text
    assert "Každý týden v úterý · ÚMOb Poruba, zasedačka 214" in text, text
    assert "Další schůzka řady: úterý 15. prosince 2026 10:00 — pozvánky odejdou 8. 12. 2026" in (
        text
    )
    assert jan.last().reply_markup is None  # a member: nothing to press
    await jan.send("/agenda")
    assert "Další schůzka řady bude úterý 15. prosince 2026 10:00" in jan.last().text
    assert "Žádná schůzka není naplánována" not in jan.last().text

    await petra.send("/meeting")
    assert "Další schůzka řady" in petra.last().text
    await petra.press("✖ Zrušit řadu")
    assert "Zrušit celou řadu?" in petra.last().text
    await petra.press("✖ Zrušit celou řadu")
    assert "Řada je zrušena" in petra.last().text
    async with bot.db.read() as repos:
        (team,) = await repos.teams.list_all()
        assert await repos.meetings.active_series(team.id) == []
    bot.clock.set(datetime(2026, 12, 8, 10, 0, tzinfo=UTC))  # nothing more is planned
    await run_due(bot)
    assert await meeting_rows(bot) == []
    await petra.send("/meeting")
    assert "Žádná schůzka není naplánována" in petra.last().text
    assert empty_keyboards(petra) == [] and empty_keyboards(jan) == [] and refused(bot) == []


async def test_a_series_before_its_next_invitation_is_shown(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra, when="8.12. 10:00", repeat="Každé 2 týdny v úterý")
    bot.clock.set(datetime(2026, 12, 9, 9, 0, tzinfo=UTC))  # the 8 December meeting is over
    await run_due(bot)
    assert await meeting_rows(bot) == []  # the 22 December one is invited to on 15 December
    await jan.send("/meeting")
    assert (
        "Další schůzka řady: úterý 22. prosince 2026 10:00 — pozvánky odejdou 15. 12. 2026"
        in jan.last().text
    ), jan.last().text
    await jan.send("/agenda")
    assert "Další schůzka řady bude úterý 22. prosince 2026 10:00" in jan.last().text
    bot.clock.set(datetime(2026, 12, 15, 9, 0, tzinfo=UTC))
    await run_due(bot)
    await jan.send("/meeting")  # now the meeting itself is listed, the series line no more
    assert "Další schůzka řady" not in jan.last().text
    assert len(jan.last().button_texts()) == 1


async def test_forged_series_buttons_change_nothing(bot):
    _petra, jan = await _series(bot)
    (karel,) = await make_team(bot, "Jih", "Karel")
    for who in (jan, karel):
        answer = await who.press_data("mt:xrs:1")
        assert answer is not None and "neexistuje" in answer.text, answer
        answer = await who.press_data("mt:xr:1")
        assert answer is not None
    async with bot.db.read() as repos:
        (team,) = [t for t in await repos.teams.list_all() if t.name == "Poruba"]
        assert len(await repos.meetings.active_series(team.id)) == 1


# --- 4: the detail follows an answer ---------------------------------------------------------


async def test_an_answer_on_the_detail_updates_the_text_and_a_repeat_is_not_refused(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra)
    await jan.send("/meeting")
    await jan.press(0)
    detail = jan.last()
    assert "Vaše odpověď: zatím bez odpovědi" in detail.text
    await jan.press("Přijdu", message=detail)
    detail = jan.emu.current(detail)
    assert "Vaše odpověď: Přijdu" in detail.text, detail.text
    assert "zatím bez odpovědi" not in detail.text
    assert detail.button_texts()[:3] == ["✓ Přijdu", "Nepřijdu", "Možná"]
    await jan.press("Možná", message=detail)
    detail = jan.emu.current(detail)
    assert "Vaše odpověď: Možná" in detail.text, detail.text
    await jan.press("✓ Možná", message=detail)  # again: nothing to edit, nothing refused
    assert refused(bot) == []
    assert empty_keyboards(jan) == []


# --- 5: a frozen, sent agenda with nothing on it ---------------------------------------------


async def test_an_empty_agenda_sent_at_the_lead_time_says_it_without_yet(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra)
    await jan.send("/agenda")  # the draft: "yet" fits
    assert "Program je zatím prázdný." in jan.last().text
    bot.clock.set(datetime(2026, 12, 13, 13, 0, tzinfo=UTC))  # 48 hours before
    await run_due(bot)
    sent = [m for m in jan.inbox if "Program schůzky týmu Poruba" in m.text][-1]
    assert "Program je prázdný." in sent.text, sent.text
    assert "zatím" not in sent.text
    await jan.send("/agenda")  # the frozen agenda, asked for
    assert "Program je prázdný." in jan.last().text and "zatím" not in jan.last().text


# --- 6: Cancel on the team pickers -----------------------------------------------------------


async def test_the_team_pickers_of_meeting_and_agenda_have_cancel(bot):
    _petra, jan, _karel = await two_teams(bot)
    for command in ("/meeting", "/agenda"):
        await jan.send(command)
        picker = jan.last()
        assert picker.button_texts() == ["Jih", "Poruba", "✖ Zrušit"], command
        await jan.press("✖ Zrušit", message=picker)
        picker = jan.emu.current(picker)
        assert picker.text == "Zrušeno." and not picker.buttons, command
    assert empty_keyboards(jan) == [] and refused(bot) == []
    async with bot.db.read() as repos:
        assert await repos.drafts.get(jan.id) is None


async def test_the_minutes_team_picker_has_cancel(bot):
    await two_teams(bot)
    admin = bot.admin  # coordinates every team: the picker is shown
    await admin.send("/minutes")
    picker = admin.last()
    assert picker.button_texts()[-1] == "✖ Zrušit", picker.button_texts()
    await admin.press("✖ Zrušit", message=picker)
    picker = admin.emu.current(picker)
    assert picker.text == "Zrušeno." and not picker.buttons
    assert refused(bot) == []
