"""Issue 9 for meetings: no empty keyboards on /meeting, moving one occurrence or the whole
series, repeated attendance presses, and invitations of a series at the team's lead time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.flows import make_team
from tests.test_meetings import calendar_files, invitations, run_due, said, schedule
from tests.test_two_teams import two_teams


def refused(bot) -> list:  # type: ignore[no-untyped-def]
    """Bot API calls Telegram refused (but the per-chat command menus, not under test here)."""
    return [c for c in bot.emu.calls if not c.ok and c.method != "setMyCommands"]


def empty_keyboards(person) -> list:  # type: ignore[no-untyped-def]
    """Messages in the person's chat that carry an inline keyboard without a button."""
    out = []
    for message in person.inbox:
        markup = message.reply_markup or {}
        if "inline_keyboard" in markup and not any(markup["inline_keyboard"]):
            out.append(message)
    return out


# --- 1: no empty keyboard on any /meeting screen --------------------------------------------


async def test_a_member_without_meetings_gets_a_plain_answer_without_an_empty_keyboard(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await jan.send("/meeting")
    assert "Žádná schůzka není naplánována" in jan.last().text
    assert "Něco se pokazilo" not in jan.last().text
    assert jan.last().reply_markup is None
    assert empty_keyboards(jan) == []
    await petra.send("/meeting")
    assert petra.last().button_texts() == ["➕ Naplánovat schůzku"]
    assert empty_keyboards(petra) == []
    assert refused(bot) == []


async def test_an_admin_outside_teams_sees_meetings_without_empty_keyboards(bot):
    await bot.admin.send("/meeting")
    assert empty_keyboards(bot.admin) == []
    await make_team(bot, "Poruba", "Petra", "Jan")
    await bot.admin.send("/meeting")
    assert "Schůzky týmu Poruba" in bot.admin.last().text, bot.admin.last().text
    assert empty_keyboards(bot.admin) == []
    assert refused(bot) == []


async def test_jan_schedules_for_jih_and_sees_porubas_meetings(bot):
    petra, jan, karel = await two_teams(bot)
    await jan.send("/meeting")
    assert jan.last().button_texts() == ["Jih", "Poruba", "✖ Zrušit"]
    await jan.press("Poruba")
    assert "Žádná schůzka není naplánována" in jan.last().text
    assert "➕ Naplánovat schůzku" not in jan.last().button_texts()
    assert empty_keyboards(jan) == []
    await schedule(petra)  # Poruba's meeting
    await schedule(jan, when="16.12. 10:00", place="Radnice Jih", team="Jih")
    assert len(invitations(karel)) == 1 and "Radnice Jih" in invitations(karel)[0].text
    await jan.send("/meeting")
    await jan.press("Poruba")
    await jan.press(0)
    assert "ÚMOb Poruba" in jan.last().text
    assert "🕑 Změnit čas" not in jan.last().button_texts()  # a member in Poruba
    assert empty_keyboards(jan) == [] and empty_keyboards(petra) == []
    assert refused(bot) == []


async def test_every_date_step_has_back_and_cancel(bot):
    petra, _jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await petra.send("/meeting")
    await petra.press("➕ Naplánovat schůzku")
    assert petra.last().button_texts() == ["« Zpět", "✖ Zrušit"]
    await petra.send("někdy příště")
    assert "Tomu datu nerozumím" in petra.last().text
    assert petra.last().button_texts() == ["« Zpět", "✖ Zrušit"]
    await petra.press("« Zpět")  # the first question: back to the team's meetings
    assert "Schůzky týmu Poruba" in petra.last().text
    await petra.send("15.12. 14:00")  # the dialogue is over: not taken as a date
    assert "Rozumím" not in petra.last().text
    await schedule(petra)
    await petra.send("/meeting")
    await petra.press(0)
    await petra.press("🕑 Změnit čas")
    assert petra.last().button_texts() == ["« Zpět", "✖ Zrušit"]
    await petra.send("17.12. 9:30")
    assert "Rozumím" in petra.last().text
    assert petra.last().button_texts() == ["✅ Ano", "✏ Ne, znovu", "« Zpět", "✖ Zrušit"]
    await petra.press("« Zpět")
    assert petra.last().button_texts() == ["« Zpět", "✖ Zrušit"]
    await petra.press("« Zpět")  # back to the meeting, unchanged
    assert "úterý 15. prosince 2026 14:00" in petra.last().text
    assert "🕑 Změnit čas" in petra.last().button_texts()
    await petra.press("📍 Změnit místo")
    assert petra.last().button_texts() == ["« Zpět", "✖ Zrušit"]
    await petra.press("✖ Zrušit")
    assert empty_keyboards(petra) == []
    assert refused(bot) == []


# --- 2: moving one meeting of a series, or the series ------------------------------------


async def meeting_rows(bot) -> list:  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        return [
            m
            for team in await repos.teams.list_all()
            for m in await repos.meetings.upcoming(team.id, bot.clock.now(), limit=50)
        ]


async def answer_of(bot, meeting_id: int, user_id: int):  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        return await repos.meetings.answer_of(meeting_id, user_id)


def moved_notices(person) -> list:  # type: ignore[no-untyped-def]
    return [m for m in person.inbox if "Jednání se přesouvá" in m.text]


async def _series_with_second_occurrence(bot):  # type: ignore[no-untyped-def]
    """Poruba meets every 2 weeks on Tuesday 10:00 from 8 December; the 8 December meeting
    has taken place and the 22 December one is invited to (a week before). Jan said yes to
    the first and maybe to the second."""
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra, when="8.12. 10:00", repeat="Každé 2 týdny v úterý")
    await jan.press("Přijdu", message=invitations(jan)[0])
    bot.clock.set(datetime(2026, 12, 15, 9, 0, tzinfo=UTC))  # a week before 22 December
    await run_due(bot)
    second = invitations(jan)[-1]
    assert "úterý 22. prosince 2026 10:00" in second.text
    await jan.press("Možná", message=second)
    (meeting,) = await meeting_rows(bot)
    return petra, jan, meeting


def done(coordinator):  # type: ignore[no-untyped-def]
    return [m for m in coordinator.inbox if "Schůzka je přesunuta" in m.text][-1]


async def _move(coordinator, when: str, scope: str) -> None:  # type: ignore[no-untyped-def]
    await coordinator.send("/meeting")
    await coordinator.press(0)
    await coordinator.press("🕑 Změnit čas")
    await coordinator.send(when)
    await coordinator.press("✅ Ano")
    assert "jen tuto schůzku, nebo celou řadu" in coordinator.last().text
    await coordinator.press(scope)
    assert said(coordinator, "Schůzka je přesunuta")


async def test_moving_only_this_occurrence_keeps_the_rule(bot):
    petra, jan, second = await _series_with_second_occurrence(bot)
    first_id = second.id - 1
    await _move(petra, "23.12. 14:00", "Jen tuto")
    (notice,) = moved_notices(jan)
    assert (
        "Jednání se přesouvá: původně úterý 22. prosince 2026 10:00 → nově středa 23. prosince "
        "2026 14:00" in notice.text
    )
    assert notice.button_texts()[:3] == ["Přijdu", "Nepřijdu", "Možná"]  # asked again
    ics = calendar_files(jan)[-1].document
    assert ics is not None
    body = ics.data.decode()
    assert "DTSTART;TZID=Europe/Prague:20261223T140000" in body
    assert "SEQUENCE:1" in body and f"UID:meeting-{second.id}@mdtbot" in body
    assert "každé 2 týdny v úterý" in done(petra).text  # the rule stays
    assert (
        "jen tato schůzka je přesunuta, původně úterý 22. prosince 2026 10:00" in done(petra).text
    )
    (moved,) = await meeting_rows(bot)
    assert moved.starts_at == datetime(2026, 12, 23, 13, 0, tzinfo=UTC)
    assert moved.occurrence_at == datetime(2026, 12, 22, 9, 0, tzinfo=UTC)
    assert await answer_of(bot, moved.id, jan.id) is None  # asked again for the new time
    assert (await answer_of(bot, first_id, jan.id)).value == "yes"  # stays with its meeting

    # reminders follow the moved meeting
    bot.clock.set(datetime(2026, 12, 22, 8, 0, tzinfo=UTC))  # 1 h before the old time
    await run_due(bot)
    assert [m for m in jan.inbox if "Připomínka" in m.text and "22. prosince" in m.text] == []
    bot.clock.set(datetime(2026, 12, 23, 12, 0, tzinfo=UTC))  # 1 h before the new time
    await run_due(bot)
    assert any("Připomínka" in m.text and "23. prosince" in m.text for m in jan.inbox)

    # the series goes on from its rule: Tuesday 5 January 10:00
    bot.clock.set(datetime(2026, 12, 31, 10, 0, tzinfo=UTC))
    await run_due(bot)
    latest = invitations(jan)[-1]
    assert "úterý 5. ledna 2027 10:00" in latest.text, latest.text
    assert "každé 2 týdny v úterý" in latest.text
    assert empty_keyboards(jan) == [] and refused(bot) == []


async def test_moving_the_whole_series_changes_the_rule_from_that_occurrence(bot):
    petra, jan, second = await _series_with_second_occurrence(bot)
    await _move(petra, "23.12. 14:00", "Celou řadu")
    (notice,) = moved_notices(jan)
    assert "původně úterý 22. prosince 2026 10:00 → nově středa 23. prosince 2026 14:00" in (
        notice.text
    )
    assert "každé 2 týdny ve středu" in done(petra).text
    (moved,) = await meeting_rows(bot)
    assert moved.starts_at == moved.occurrence_at == datetime(2026, 12, 23, 13, 0, tzinfo=UTC)
    assert (await answer_of(bot, second.id - 1, jan.id)).value == "yes"
    bot.clock.set(datetime(2026, 12, 31, 10, 0, tzinfo=UTC))
    await run_due(bot)
    latest = invitations(jan)[-1]
    assert "středa 6. ledna 2027 14:00" in latest.text, latest.text
    assert "každé 2 týdny ve středu" in latest.text


async def test_jan_moves_a_jih_series_across_the_change_to_summer_time(bot):
    _petra, jan, karel = await two_teams(bot)
    await schedule(jan, when="16.3.2027 10:00", repeat="Každé 2 týdny v úterý", team="Jih")
    await jan.send("/meeting")
    await jan.press("Jih")
    await jan.press(0)
    await jan.press("🕑 Změnit čas")
    await jan.send("17.3.2027 14:00")
    await jan.press("✅ Ano")
    await jan.press("« Zpět")  # from the scope question back to the confirmation
    assert "Rozumím" in jan.last().text
    await jan.press("✅ Ano")
    forged = await karel.press_data("mg:s:all")  # not his dialogue
    assert forged is not None and forged.show_alert
    await jan.press("Celou řadu")
    bot.clock.set(datetime(2027, 3, 24, 12, 0, tzinfo=UTC))  # a week before 31 March
    await run_due(bot)
    latest = invitations(karel)[-1]
    assert "středa 31. března 2027 14:00" in latest.text, latest.text  # summer time
    rows = await meeting_rows(bot)
    assert [m.starts_at for m in rows] == [datetime(2027, 3, 31, 12, 0, tzinfo=UTC)]


# --- 3: the same attendance press twice ---------------------------------------------------


def calls(bot, method: str) -> list:  # type: ignore[no-untyped-def]
    return [c for c in bot.emu.calls if c.method == method]


async def test_the_same_attendance_press_twice_has_one_effect(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra)
    invitation = invitations(jan)[0]
    assert [b.callback_data for b in invitation.buttons[0]] == [
        f"ma:{m}:{state}" for m in ("1",) for state in ("yes", "no", "maybe")
    ]
    first = await jan.press("Přijdu", message=invitation)
    assert first is not None and first.text == "Zapsáno: Přijdu"
    edits = len(calls(bot, "editMessageReplyMarkup"))
    answers = len(calls(bot, "answerCallbackQuery"))
    second = await jan.press("✓ Přijdu", message=invitation)  # a double tap: still "yes"
    assert second is not None and second.text == "Zapsáno: Přijdu" and not second.show_alert
    assert invitations(jan)[0].button_texts()[:3] == ["✓ Přijdu", "Nepřijdu", "Možná"]
    assert len(calls(bot, "editMessageReplyMarkup")) == edits  # nothing to change
    assert len(calls(bot, "answerCallbackQuery")) == answers + 1  # each press answered once
    (meeting,) = await meeting_rows(bot)
    assert (await answer_of(bot, meeting.id, jan.id)).value == "yes"
    await jan.press("Nepřijdu", message=invitation)  # the intended state, not a toggle
    await jan.press("Nepřijdu", message=invitation)
    assert (await answer_of(bot, meeting.id, jan.id)).value == "no"
    assert invitations(jan)[0].button_texts()[:3] == ["Přijdu", "✓ Nepřijdu", "Možná"]
    assert refused(bot) == []
    assert not any("Něco se pokazilo" in m.text for m in jan.inbox)


async def test_a_redelivered_attendance_press_is_done_and_answered_once(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra)
    invitation = invitations(jan)[0]
    delivered: list = []
    dispatcher = bot.emu.dispatcher

    async def spy(update):  # type: ignore[no-untyped-def]
        delivered.append(update)
        await dispatcher(update)

    bot.emu.dispatcher = spy
    await jan.press("Možná", message=invitation)
    bot.emu.dispatcher = dispatcher
    async with bot.db.read() as repos:
        (meeting,) = await repos.meetings.all_upcoming(bot.clock.now())
        before = await repos.meetings.attendance(meeting.team_id, meeting.id)
    answers = len(calls(bot, "answerCallbackQuery"))
    edits = len(calls(bot, "editMessageReplyMarkup"))
    await dispatcher(delivered[-1])  # Telegram delivers the very same update again
    await dispatcher(delivered[-1])
    assert len(calls(bot, "answerCallbackQuery")) == answers
    assert len(calls(bot, "editMessageReplyMarkup")) == edits
    async with bot.db.read() as repos:
        assert await repos.meetings.attendance(meeting.team_id, meeting.id) == before
    assert invitations(jan)[0].button_texts()[:3] == ["Přijdu", "Nepřijdu", "✓ Možná"]
    assert refused(bot) == []
    assert not any("Něco se pokazilo" in m.text for m in jan.inbox)


# --- 4: invitations of a series at the team's lead ----------------------------------------


async def test_a_series_invites_to_each_meeting_a_week_before_once_across_restarts(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra, when="15.12. 14:00", repeat="Každé 2 týdny v úterý")
    assert len(invitations(jan)) == 1  # the first one at once, though three weeks ahead
    await petra.send("/team")
    assert "Pozvánky na opakované schůzky se posílají 7 dní před každou z nich" in petra.last().text
    next_due = datetime(2026, 12, 22, 13, 0, tzinfo=UTC)  # 29 December 14:00 less 7 days
    bot.clock.set(next_due - timedelta(minutes=1))
    await run_due(bot)
    assert len(invitations(jan)) == 1
    await bot.stop()
    bot.clock.set(next_due + timedelta(minutes=1))
    await bot.start()
    await run_due(bot)
    await bot.restart()
    await bot.restart()
    await run_due(bot)
    (_first, second) = invitations(jan)
    assert "úterý 29. prosince 2026 14:00" in second.text
    files = [m.document.filename for m in calendar_files(jan) if m.document is not None]
    assert files.count("schuzka-2026-12-29.ics") == 1
    async with bot.db.read() as repos:
        rows = [r for r in await repos.due.items() if r["kind"] == "meeting.next"]
    assert [r["outcome"] for r in rows if r["done_at"]] == ["done"]


async def test_a_coordinator_sets_the_invitation_lead_and_bad_input_is_refused(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra, when="15.12. 14:00", repeat="Každý týden v úterý")
    await petra.send("/team")
    await petra.press("⏰ Připomínky schůzek a program")
    await petra.press("✉ Změnit, kdy se posílají pozvánky")
    assert "Jak dlouho před každou schůzkou z řady" in petra.last().text
    assert petra.last().button_texts() == ["« Zpět", "✖ Zrušit"]
    for bad in ("3 roky", "90d", "2h", "-1d", ""):
        await petra.send(bad or " ")
        assert "Napište prosím počet dní mezi 1 a 60" in petra.last().text, (bad, petra.last())
    await petra.send("3d")
    assert "se posílají 3 dny před každou z nich" in petra.last().text
    forged = await jan.press_data("tt:i:1")
    assert forged is not None and forged.show_alert
    await petra.send("/team")
    await petra.press("⏰ Připomínky schůzek a program")
    await petra.press("↺ Vrátit výchozí")
    assert "se posílají 7 dní před každou" in petra.last().text
    await petra.press("✉ Změnit, kdy se posílají pozvánky")
    await petra.send("3d")
    # the 22 December meeting is invited to on 19 December, 14:00
    bot.clock.set(datetime(2026, 12, 19, 12, 59, tzinfo=UTC))
    await run_due(bot)
    assert len(invitations(jan)) == 1
    bot.clock.set(datetime(2026, 12, 19, 13, 0, tzinfo=UTC))
    await run_due(bot)
    assert "úterý 22. prosince 2026 14:00" in invitations(jan)[-1].text
    assert len(invitations(jan)) == 2
    assert refused(bot) == []


async def test_a_one_off_meeting_soon_is_invited_to_at_once(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra, when="zítra 10:00")
    (invitation,) = invitations(jan)
    assert "středa 25. listopadu 2026 10:00" in invitation.text


async def test_moving_the_series_keeps_an_occurrence_moved_on_its_own(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra, when="15.12. 14:00", repeat="Každý týden v úterý")
    await petra.send("/team")
    await petra.press("⏰ Připomínky schůzek a program")
    await petra.press("✉ Změnit, kdy se posílají pozvánky")
    await petra.send("14d")
    bot.clock.set(datetime(2026, 12, 10, 12, 0, tzinfo=UTC))
    await run_due(bot)  # the 22 December meeting is invited to
    first, second = await meeting_rows(bot)
    await jan.press("Přijdu", message=invitations(jan)[-1])
    await petra.send("/meeting")
    await petra.press(1)  # 22 December: only this one to Wednesday 9:00
    await petra.press("🕑 Změnit čas")
    await petra.send("23.12. 9:00")
    await petra.press("✅ Ano")
    await petra.press("Jen tuto")
    await jan.press("Přijdu", message=moved_notices(jan)[-1])
    await _move(petra, "16.12. 14:00", "Celou řadu")  # the series: Wednesdays 14:00
    first, second = await meeting_rows(bot)
    assert first.starts_at == datetime(2026, 12, 16, 13, 0, tzinfo=UTC)
    assert second.starts_at == datetime(2026, 12, 23, 8, 0, tzinfo=UTC)  # its own time stays
    assert second.occurrence_at == datetime(2026, 12, 23, 13, 0, tzinfo=UTC)
    assert (await answer_of(bot, second.id, jan.id)).value == "yes"  # stays with it
    assert len(moved_notices(jan)) == 2  # 22 → 23 December, then 15 → 16 December
    bot.clock.set(datetime(2026, 12, 16, 13, 0, tzinfo=UTC))
    await run_due(bot)
    latest = invitations(jan)[-1]
    assert "středa 30. prosince 2026 14:00" in latest.text, latest.text
    assert "každý týden ve středu" in latest.text


async def test_cancelling_in_a_series_one_goes_on_the_whole_takes_the_invited_ones(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra, when="15.12. 14:00", repeat="Každý týden v úterý")
    await petra.send("/meeting")
    await petra.press(0)
    await petra.press("✖ Zrušit schůzku")
    await petra.press("Zrušit tuto schůzku")
    # the series goes on: 22 December is invited to a week before it
    bot.clock.set(datetime(2026, 12, 15, 12, 59, tzinfo=UTC))
    await run_due(bot)
    assert len(invitations(jan)) == 1
    bot.clock.set(datetime(2026, 12, 15, 13, 0, tzinfo=UTC))
    await run_due(bot)
    assert "úterý 22. prosince 2026 14:00" in invitations(jan)[-1].text
    # with a two-week lead the 29 December one is invited to as well; cancelling the whole
    # series from 22 December cancels both
    await petra.send("/team")
    await petra.press("⏰ Připomínky schůzek a program")
    await petra.press("✉ Změnit, kdy se posílají pozvánky")
    await petra.send("14d")
    await run_due(bot)
    assert "úterý 29. prosince 2026 14:00" in invitations(jan)[-1].text
    await petra.send("/meeting")
    await petra.press(0)
    await petra.press("✖ Zrušit schůzku")
    await petra.press("Zrušit celou řadu")
    cancelled = [m for m in jan.inbox if "Schůzka týmu je zrušena" in m.text]
    assert len(cancelled) == 3  # 15, 22 and 29 December
    assert "29. prosince" in cancelled[-1].text
    assert await meeting_rows(bot) == []
    bot.clock.set(datetime(2027, 1, 20, 12, 0, tzinfo=UTC))
    await run_due(bot)
    assert len(invitations(jan)) == 3
