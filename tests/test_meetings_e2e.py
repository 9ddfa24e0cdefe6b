"""Meetings end to end over loopback HTTP with short offsets (as MDTBOT_REMINDERS=2m and
MDTBOT_AGENDA_LEAD=3m would be set): a meeting four minutes ahead brings the invitation with its
.ics, the agenda (text + PDF) at the lead time and the reminder; and the due-work timer is armed
for the next due moment."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.domain.meetings import DueKind
from tests.flows import make_team
from tests.test_problems_e2e import _team


async def test_meeting_four_minutes_ahead_over_http(live_bot):
    await live_bot.stop()
    live_bot.settings_overrides.update(reminders="2m", agenda_lead="3m")
    await live_bot.start()
    petra, jan = await _team(live_bot, "Poruba", "Petra", "Jan")
    start = live_bot.clock.now() + timedelta(minutes=4)
    local = start.astimezone(live_bot.app.bot_data.settings.tz)

    await petra.send("/meeting")
    await petra.expect("Schůzky týmu Poruba")
    await petra.press("➕ Naplánovat schůzku")
    await petra.expect("Kdy bude schůzka")
    await petra.send(f"{local:%d.%m.%Y %H:%M}")
    await petra.expect("Rozumím")
    await petra.press("✅ Ano")
    await petra.expect("Kde bude schůzka")
    await petra.send("Radnice Poruba, zasedačka")
    await petra.expect("Opakuje se")
    await petra.press("Ne, jednorázově")
    await petra.expect("Nová schůzka")
    await petra.press("✅ Naplánovat a pozvat všechny")
    await jan.expect("Pozvánka na schůzku týmu")
    ics = await jan.expect("Do kalendáře")
    assert ics.document is not None and b"BEGIN:VEVENT" in ics.document.data

    due = live_bot.app.bot_data.due
    live_bot.advance(timedelta(minutes=1))  # the agenda lead time (3 minutes before)
    due.kick()  # what the runner's timer does at that moment
    await jan.expect("Program schůzky týmu Poruba")
    pdf = await jan.expect("Program k vytištění (PDF)")
    assert pdf.document is not None and pdf.document.data.startswith(b"%PDF")

    live_bot.advance(timedelta(minutes=1))  # the reminder (2 minutes before)
    due.kick()
    reminder = await jan.expect("Připomínka: schůzka týmu")
    assert f"{local.hour}:{local:%M}" in reminder.text  # Czech time: 9:04, not 09:04


async def test_the_runner_wakes_at_the_next_due_moment(bot):
    await make_team(bot, "Poruba", "Petra", "Jan")
    async with bot.db.transaction() as repos:
        team = (await repos.teams.list_all())[0]
        await repos.due.ensure(
            "test:soon",
            DueKind.REMINDER,
            team.id,
            999,
            bot.clock.now() + timedelta(seconds=2),
            bot.clock.now(),
        )
    runner = bot.app.bot_data.due
    runner.kick()
    await runner.settle()
    timer = runner._timer
    assert timer is not None
    delay = timer.when() - asyncio.get_running_loop().time()
    assert 1.0 < delay <= 2.0  # not the 30-second safety sleep
