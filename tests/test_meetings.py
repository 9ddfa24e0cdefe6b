"""Meetings through the real PTB stack: scheduling in Czech, invitations with .ics, attendance,
reminders at the team's offsets, moving and cancelling, series, restarts and bad input."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from tests.flows import make_team

# the harness clock starts on Tuesday 24 November 2026, 09:00 in Prague
MEETING_UTC = datetime(2026, 12, 15, 13, 0, tzinfo=UTC)  # Tuesday 15 December, 14:00 Prague


async def run_due(bot) -> None:  # type: ignore[no-untyped-def]
    """What the scheduler does when its timer fires: due work, then the outbox."""
    bot.app.bot_data.due.kick()
    await bot.app.bot_data.due.settle()
    bot.app.bot_data.outbox.kick()
    await bot.app.bot_data.outbox.settle()


async def schedule(  # type: ignore[no-untyped-def]
    coordinator,
    when: str = "15.12. 14:00",
    place: str = "ÚMOb Poruba, zasedačka 214",
    repeat: str = "Ne, jednorázově",
    team: str | None = None,
):
    await coordinator.send("/meeting")
    if team is not None:
        await coordinator.press(team)
    await coordinator.press("➕ Naplánovat schůzku")
    await coordinator.send(when)
    assert "Rozumím" in coordinator.last().text, coordinator.last().text
    await coordinator.press("✅ Ano")
    await coordinator.send(place)
    await coordinator.press(repeat)
    await coordinator.press("✅ Naplánovat a pozvat všechny")
    assert said(coordinator, "Schůzka je naplánována")


def said(person, text: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether any message in the person's chat (edited ones as they are now) has ``text``."""
    return any(text in m.text for m in person.inbox)


def invitations(person) -> list:  # type: ignore[no-untyped-def]
    return [m for m in person.inbox if "Pozvánka na schůzku" in m.text]


def calendar_files(person) -> list:  # type: ignore[no-untyped-def]
    return [m for m in person.inbox if m.document is not None]


def reminders(chat_messages) -> list:  # type: ignore[no-untyped-def]
    return [m for m in chat_messages if "Připomínka: schůzka týmu" in m.text]


async def due_rows(bot) -> list[dict]:  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        return await repos.due.items()


async def test_coordinator_schedules_members_get_invitation_and_calendar_file(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await petra.send("/meeting")
    assert "Žádná schůzka není naplánována" in petra.last().text
    await petra.press("➕ Naplánovat schůzku")
    await petra.send("15.12. 14:00")
    assert "Rozumím: <b>úterý 15. prosince 2026 14:00</b>" in petra.last().html
    await petra.press("✅ Ano")
    await petra.send("ÚMOb Poruba, <b>zasedačka</b> 214")
    await petra.press("Ne, jednorázově")
    preview = petra.last().text
    assert "úterý 15. prosince 2026 14:00" in preview
    assert "ÚMOb Poruba, <b>zasedačka</b> 214" in preview  # HTML shown literally
    await petra.press("✅ Naplánovat a pozvat všechny")
    assert said(petra, "Schůzka je naplánována")

    for person in (jan, eva, petra):
        (invitation,) = invitations(person)
        assert "úterý 15. prosince 2026 14:00" in invitation.text
        assert "ÚMOb Poruba, <b>zasedačka</b> 214" in invitation.text
        assert invitation.button_texts()[:3] == ["Přijdu", "Nepřijdu", "Možná"]
        (ics,) = calendar_files(person)
        assert ics.document is not None
        assert ics.document.filename == "schuzka-2026-12-15.ics"
        body = ics.document.data.decode()
        assert "DTSTART;TZID=Europe/Prague:20261215T140000" in body
        assert "BEGIN:VTIMEZONE" in body
        assert "LOCATION:ÚMOb Poruba\\, <b>zasedačka</b> 214" in body

    async with bot.db.read() as repos:
        (row,) = await repos.audit.by_action("meeting.schedule")
    assert row.actor_id == petra.id


async def test_attendance_answers_and_who_is_coming(bot):
    petra, jan, eva, _ota = await make_team(bot, "Poruba", "Petra", "Jan", "Eva", "Ota")
    await schedule(petra)
    answer = await jan.press("Přijdu", message=invitations(jan)[0])
    assert answer is not None and "Zapsáno: Přijdu" in answer.text
    assert invitations(jan)[0].button_texts()[:3] == ["✓ Přijdu", "Nepřijdu", "Možná"]
    await eva.press("Nepřijdu", message=invitations(eva)[0])
    await eva.press("Možná", message=invitations(eva)[0])  # a change of mind counts
    await petra.send("/meeting")
    await petra.press(0)  # the meeting
    await petra.press("👥 Kdo přijde")
    text = petra.last().text
    assert "Přijdu (1)\n  • Jan Členová" in text
    assert "Možná (1)\n  • Eva Členová" in text
    assert "Nepřijdu (0)" in text
    assert "Ota Členová" in text.split("Zatím bez odpovědi")[1]


async def test_reminders_go_to_those_who_did_not_decline_and_to_the_group(bot):
    petra, jan, eva, ota = await make_team(bot, "Poruba", "Petra", "Jan", "Eva", "Ota")
    group = bot.emu.group("MDT Poruba")
    await petra.add_bot_to(group)
    await petra.send_to(group, "/linkgroup")
    await schedule(petra)
    assert any("Tým má naplánovanou schůzku" in m.text for m in group.messages)
    await jan.press("Přijdu", message=invitations(jan)[0])
    await eva.press("Nepřijdu", message=invitations(eva)[0])

    bot.clock.set(MEETING_UTC - timedelta(hours=24, minutes=1))
    await run_due(bot)
    assert reminders(jan.inbox) == []
    bot.clock.set(MEETING_UTC - timedelta(hours=24))
    await run_due(bot)
    for person in (jan, ota, petra):
        (reminder,) = reminders(person.inbox)
        assert "úterý 15. prosince 2026 14:00" in reminder.text
        assert "opožděně" not in reminder.text
    assert reminders(eva.inbox) == []  # she declined
    assert len(reminders(group.messages)) == 1

    bot.clock.set(MEETING_UTC - timedelta(hours=1))
    await run_due(bot)
    await run_due(bot)  # nothing twice
    assert len(reminders(jan.inbox)) == 2
    assert len(reminders(group.messages)) == 2
    assert reminders(eva.inbox) == []


async def test_team_offsets_from_configuration(bot):
    await bot.stop()
    bot.settings_overrides.update(reminders="2m", agenda_lead="3m")
    await bot.start()
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    start = bot.clock.now() + timedelta(minutes=4)
    local = start.astimezone(bot.app.bot_data.settings.tz)
    await schedule(petra, when=f"{local:%d.%m.%Y %H:%M}")
    assert len(invitations(jan)) == 1
    bot.advance(timedelta(minutes=1, seconds=59))
    await run_due(bot)
    assert reminders(jan.inbox) == []
    bot.advance(timedelta(seconds=1))
    await run_due(bot)
    assert len(reminders(jan.inbox)) == 1


async def test_a_reminder_due_while_the_bot_was_down_is_sent_late_once(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra)
    await bot.stop()
    bot.clock.set(MEETING_UTC - timedelta(hours=20))  # the 24-hour reminder fell due meanwhile
    await bot.start()
    await run_due(bot)
    (reminder,) = reminders(jan.inbox)
    assert "opožděně" in reminder.text
    await bot.restart()  # and two restarts in a row repeat nothing
    await bot.restart()
    await run_due(bot)
    assert len(reminders(jan.inbox)) == 1
    outcomes = {r["kind"]: r["outcome"] for r in await due_rows(bot) if r["done_at"]}
    outcomes.pop("retention.sweep", None)  # the team's daily retention round
    outcomes.pop("person.digest", None)  # the weekly digests (tests/test_digest.py)
    assert outcomes == {"meeting.agenda": "late", "meeting.reminder": "late"}
    agendas = [m for m in jan.inbox if "Program schůzky týmu Poruba" in m.text]
    assert len(agendas) == 1 and "opožděně" in agendas[0].text


async def test_a_reminder_no_longer_useful_after_downtime_is_skipped(bot, caplog):
    caplog.set_level(logging.INFO, logger="bot.scheduling.due")
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra)
    await bot.stop()
    bot.clock.set(MEETING_UTC + timedelta(minutes=30))  # the meeting has started
    await bot.start()
    await run_due(bot)
    assert reminders(jan.inbox) == []
    rows = [r for r in await due_rows(bot) if r["kind"] not in ("retention.sweep", "person.digest")]
    assert {r["outcome"] for r in rows} == {"skipped"}
    assert "skipped" in caplog.text


async def test_moving_a_meeting_tells_everyone_and_moves_the_reminders(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra)
    await jan.press("Nepřijdu", message=invitations(jan)[0])
    await petra.send("/meeting")
    await petra.press(0)
    await petra.press("🕑 Změnit čas")
    await petra.send("17. 12. 2026 9:30")
    assert "čtvrtek 17. prosince 2026 9:30" in petra.last().text
    await petra.press("✅ Ano")
    assert said(petra, "Schůzka je přesunuta")

    moved = [m for m in jan.inbox if "Schůzka se mění" in m.text]
    assert len(moved) == 1
    assert "čtvrtek 17. prosince 2026 9:30" in moved[0].text
    assert (
        "Jednání se přesouvá: původně úterý 15. prosince 2026 14:00 → nově čtvrtek 17. prosince "
        "2026 9:30" in moved[0].text
    )
    newest_ics = calendar_files(jan)[-1].document
    assert newest_ics is not None and "SEQUENCE:1" in newest_ics.data.decode()

    # his "no" was for the old time: he is asked again and reminded for the new one
    bot.clock.set(datetime(2026, 12, 16, 8, 30, tzinfo=UTC))
    await run_due(bot)
    (reminder,) = reminders(jan.inbox)
    assert "čtvrtek 17. prosince 2026 9:30" in reminder.text
    bot.clock.set(MEETING_UTC - timedelta(hours=1))  # the old reminder time: nothing
    await run_due(bot)
    assert len(reminders(jan.inbox)) == 1


async def test_cancelling_tells_everyone_and_stops_reminders(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra)
    await petra.send("/meeting")
    await petra.press(0)
    await petra.press("✖ Zrušit schůzku")
    await petra.press("Zrušit tuto schůzku")
    assert said(petra, "Schůzka úterý 15. prosince 2026 14:00 je zrušena")
    (notice,) = [m for m in jan.inbox if "Schůzka týmu je zrušena" in m.text]
    assert "úterý 15. prosince 2026 14:00" in notice.text
    cancel_ics = calendar_files(jan)[-1].document
    assert cancel_ics is not None
    assert "METHOD:CANCEL" in cancel_ics.data.decode()
    assert "STATUS:CANCELLED" in cancel_ics.data.decode()
    bot.clock.set(MEETING_UTC - timedelta(hours=1))
    await run_due(bot)
    assert reminders(jan.inbox) == []
    stale = await jan.press("Přijdu", message=invitations(jan)[0])
    assert stale is not None and "už začala, proběhla nebo byla zrušena" in stale.text


async def test_weekly_series_plans_the_next_meeting_after_each_one(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra, when="15.12. 14:00", repeat="Každé 2 týdny v úterý")
    assert "každé 2 týdny v úterý" in invitations(jan)[0].text
    bot.clock.set(MEETING_UTC + timedelta(hours=2))
    await run_due(bot)
    assert len(invitations(jan)) == 1  # invitations go out a week before (the team's lead)
    bot.clock.set(MEETING_UTC + timedelta(days=7))
    await run_due(bot)
    (_first, second) = invitations(jan)
    assert "úterý 29. prosince 2026 14:00" in second.text
    await run_due(bot)
    assert len(invitations(jan)) == 2


async def test_a_member_removed_after_the_invitation_gets_no_reminder(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra)
    async with bot.db.transaction() as repos:
        team = (await repos.teams.list_all())[0]
        await repos.memberships.remove(team.id, jan.id, bot.clock.now())
    bot.clock.set(MEETING_UTC - timedelta(hours=24))
    await run_due(bot)
    assert reminders(jan.inbox) == []
    assert len(reminders(petra.inbox)) == 1


async def test_a_member_who_blocked_the_bot_is_reported_to_the_coordinator(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra)
    jan.block_bot()
    await bot.app.bot_data.outbox.settle()
    bot.clock.set(MEETING_UTC - timedelta(hours=24))
    await run_due(bot)
    warnings = [m for m in petra.inbox if "nedocházejí" in m.text]
    assert len(warnings) == 1
    assert "Jan Členová" in warnings[0].text
    async with bot.db.read() as repos:
        user = await repos.users.get(jan.id)
    assert user is not None and user.unreachable


async def test_reminder_fan_out_survives_429(bot):
    petra, *members = await make_team(bot, "Poruba", "Petra", "Jan", "Eva", "Ota", "Iva")
    await schedule(petra)
    bot.clock.set(MEETING_UTC - timedelta(hours=24))
    bot.emu.inject_fault("sendMessage", status=429, retry_after=3, count=2)
    await run_due(bot)
    for _ in range(3):
        bot.advance(timedelta(seconds=5))
        await run_due(bot)
    for person in (petra, *members):
        assert len(reminders(person.inbox)) == 1, person.first_name


async def test_bad_dates_get_a_clear_answer_and_nothing_is_scheduled(bot):
    petra, _ = await make_team(bot, "Poruba", "Petra", "Jan")
    await petra.send("/meeting")
    await petra.press("➕ Naplánovat schůzku")
    cases = {
        "někdy příště": "Tomu datu nerozumím",
        "31.2. 10:00": "Takový den v kalendáři není",
        "15.12.": "Doplňte prosím i čas",
        "1.1.2020 10:00": "Ten okamžik už minul",
        "28.3.2027 2:30": "posouvají z 2:00 na 3:00",
        "15.12.2030 10:00": "příliš daleko",
        "25:00 15.12.": "Takový čas neexistuje",
    }
    for typed, expected in cases.items():
        await petra.send(typed)
        assert expected in petra.last().text, (typed, petra.last().text)
    async with bot.db.read() as repos:
        team = (await repos.teams.list_all())[0]
        assert await repos.meetings.upcoming(team.id, bot.clock.now()) == []


async def test_0230_on_the_night_summer_time_ends_is_taken_once_and_said(bot):
    bot.clock.set(datetime(2026, 10, 1, 8, 0, tzinfo=UTC))
    petra, _ = await make_team(bot, "Poruba", "Petra", "Jan")
    await petra.send("/meeting")
    await petra.press("➕ Naplánovat schůzku")
    await petra.send("25.10.2026 2:30")
    assert "neděle 25. října 2026 2:30" in petra.last().text
    assert "se hodiny vracejí" in petra.last().text
    await petra.press("✅ Ano")
    await petra.send("Služebna MP")
    await petra.press("Ne, jednorázově")
    await petra.press("✅ Naplánovat a pozvat všechny")
    async with bot.db.read() as repos:
        team = (await repos.teams.list_all())[0]
        (meeting,) = await repos.meetings.upcoming(team.id, bot.clock.now())
    assert meeting.starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


async def test_only_coordinators_schedule_move_and_cancel(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra)
    async with bot.db.read() as repos:
        team = (await repos.teams.list_all())[0]
        (meeting,) = await repos.meetings.upcoming(team.id, bot.clock.now())
    await jan.send("/meeting")
    assert "Naplánovat schůzku" not in jan.last().button_texts()
    await jan.press(0)
    assert "Změnit čas" not in str(jan.last().button_texts())
    for forged in (
        f"mt:n:{team.id}",
        f"mt:x:{meeting.id}",
        f"mt:xo:{meeting.id}",
        f"mt:m:{meeting.id}",
        f"mt:a:{meeting.id}",
    ):
        answer = await jan.press_data(forged)
        assert answer is not None and answer.show_alert, forged
    async with bot.db.read() as repos:
        still = await repos.meetings.get(team.id, meeting.id)
    assert still is not None and still.status.value == "scheduled"
    assert still.sequence == 0


async def test_another_team_and_forged_buttons_learn_nothing(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra)
    (karel,) = await make_team(bot, "Jih", "Karel")
    async with bot.db.read() as repos:
        meeting_id = (await repos.meetings.all_upcoming(bot.clock.now()))[0].id
    for forged in (f"mt:v:{meeting_id}", f"mt:xo:{meeting_id}", f"ma:{meeting_id}:yes"):
        answer = await karel.press_data(forged)
        assert answer is not None
        assert "Tato schůzka neexistuje, nebo k ní nemáte přístup" in answer.text
    for junk in ("ma:999999:yes", f"ma:{meeting_id}:always", "mt:v:abc", "mt:zz:1", "mg:save"):
        answer = await jan.press_data(junk)
        assert answer is not None and answer.show_alert, junk
    async with bot.db.read() as repos:
        answers = await repos.meetings.attendance((await repos.teams.list_all())[1].id, meeting_id)
    assert all(line.answer is None for line in answers)


async def test_a_restart_mid_dialogue_keeps_what_was_typed(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await petra.send("/meeting")
    await petra.press("➕ Naplánovat schůzku")
    await petra.send("15.12. 14:00")
    await bot.restart()
    await petra.press("✅ Ano")
    await petra.send("Radnice Poruba")
    await petra.press("Ne, jednorázově")
    await petra.press("✅ Naplánovat a pozvat všechny")
    assert said(petra, "Schůzka je naplánována")
    assert len(invitations(jan)) == 1


async def test_a_coordinator_changes_the_team_timing_and_reminders_follow(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra)
    await petra.send("/team")
    assert "Připomínky: 24 hodin, 1 hodinu před schůzkou" in petra.last().text
    assert "Program se uzavírá a rozesílá 48 hodin předem" in petra.last().text
    await petra.press("⏰ Připomínky schůzek a program")
    await petra.press("⏰ Změnit připomínky")
    await petra.send("3 týdny")
    assert "Napište prosím doby mezi 1 minutou a 14 dny" in petra.last().text
    await petra.send("30d")
    assert "Napište prosím doby" in petra.last().text
    await petra.send("2h, 90m, 2h")
    assert "Připomínky: 2 hodiny, 1 hodinu 30 minut před schůzkou" in petra.last().text
    await petra.press("📋 Změnit, kdy se uzavírá program")
    await petra.send("3d")
    assert "Program se uzavírá a rozesílá 3 dny předem" in petra.last().text
    # the meeting's reminders moved: nothing a day before, one 2 hours before
    bot.clock.set(MEETING_UTC - timedelta(hours=24))
    await run_due(bot)
    assert reminders(jan.inbox) == []
    bot.clock.set(MEETING_UTC - timedelta(hours=2))
    await run_due(bot)
    assert len(reminders(jan.inbox)) == 1
    # members may not change it
    answer = await jan.press_data("tt:r:1")
    assert answer is not None and answer.show_alert
    await petra.send("/team")
    await petra.press("⏰ Připomínky schůzek a program")
    await petra.press("↺ Vrátit výchozí")
    assert "Připomínky: 24 hodin, 1 hodinu před schůzkou" in petra.last().text


async def test_a_reminder_follows_a_group_that_became_a_supergroup_unnoticed(bot):
    petra, _jan = await make_team(bot, "Poruba", "Petra", "Jan")
    group = bot.emu.group("MDT Poruba")
    await petra.add_bot_to(group)
    await petra.send_to(group, "/linkgroup")
    await schedule(petra)
    old_id = group.id
    dispatcher, bot.emu.dispatcher = bot.emu.dispatcher, None  # the bot misses the news
    await group.migrate_to_supergroup()
    bot.emu.dispatcher = dispatcher
    bot.clock.set(MEETING_UTC - timedelta(hours=24))
    await run_due(bot)
    await run_due(bot)  # the retry after "migrated"
    assert group.id != old_id
    assert len(reminders(bot.emu.messages(group.id))) == 1
    async with bot.db.read() as repos:
        team = (await repos.teams.list_all())[0]
    assert team.group_chat_id == group.id


async def test_strangers_get_a_polite_refusal_from_every_meeting_command(bot):
    await make_team(bot, "Poruba", "Petra", "Jan")
    stranger = bot.person("Karel")
    expected = {
        "/meeting": "jen pro členy týmu",
        "/agenda": "jen pro členy týmu",
        "/minutes": "jen pro členy týmu",
        "/tasks": "Nemáte žádné otevřené úkoly",
    }
    for command, answer in expected.items():
        await stranger.send(command)
        assert answer in stranger.last().text, (command, stranger.last().text)
