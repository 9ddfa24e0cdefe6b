"""End to end: the bot polls the emulator over loopback HTTP, as it polls Telegram."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys

import pytest

from bot.sandbox.emulator import TelegramEmulator

LINK = re.compile(r"start=([A-Za-z0-9_-]+)")


async def invite_over_http(inviter, role_button: str) -> str:
    await inviter.send("/invite")
    await inviter.expect("s rolí")
    await inviter.press(role_button)
    message = await inviter.expect("start=")
    match = LINK.search(message.text)
    assert match
    return match.group(1)


async def join_over_http(person, code: str, name: str, org: str) -> None:
    await person.send(f"/start {code}")
    await person.expect("Jak se jmenujete")
    await person.send(name)
    await person.expect("Jaký typ organizace")
    await person.press("Policie ČR (PČR)")
    await person.expect("jak se jmenuje vaše organizace")
    await person.send(org)
    await person.expect("Hotovo")


async def test_onboarding_over_http_with_polling(live_bot):
    admin = live_bot.admin
    await admin.send("/newteam Poruba")
    await admin.expect("Tým Poruba byl založen")
    petra = live_bot.person("Petra")
    await join_over_http(petra, await invite_over_http(admin, "Koordinátor"), "Petra S.", "ÚMOb")
    jan = live_bot.person("Jan")
    await join_over_http(jan, await invite_over_http(petra, "Člen"), "Jan N.", "OO PČR")
    await jan.send("/members")
    roster = await jan.expect("Poruba — 2 členové")
    assert "Petra S." in roster.text and "Jan N." in roster.text


async def test_rate_limited_answer_is_retried_not_lost(live_bot):
    admin = live_bot.admin
    live_bot.emu.inject_fault("sendMessage", status=429, retry_after=1, count=1)
    await admin.send("/newteam Jih")
    await admin.expect("Tým Jih byl založen", timeout=10)
    refused = [c for c in live_bot.emu.calls if c.method == "sendMessage" and not c.ok]
    assert len(refused) == 1


async def test_restart_between_polls_continues_the_dialogue(live_bot):
    admin = live_bot.admin
    await admin.send("/newteam")
    await admin.expect("Jak se nový tým jmenuje")
    await live_bot.restart()
    await admin.send("Slezská Ostrava")
    await admin.expect("Tým Slezská Ostrava byl založen")


@pytest.mark.timeout_sensitive
async def test_mdtbot_run_process_against_the_emulator(tmp_path):
    """``mdtbot run`` as its own process, configured only by environment variables."""
    emulator = TelegramEmulator()
    admin = emulator.user("Správce")
    base = await emulator.start_server()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MDTBOT_")}
    env.update(
        MDTBOT_TOKEN=emulator.token,
        MDTBOT_API_URL=base,
        MDTBOT_DB=str(tmp_path / "run.db"),
        MDTBOT_ADMINS=str(admin.id),
        PYTHONUNBUFFERED="1",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await admin.send("/newteam Kunčičky")
        await admin.expect("Tým Kunčičky byl založen", timeout=30)
        member = emulator.user("Olga")
        await join_over_http(member, await invite_over_http(admin, "Člen"), "Olga K.", "MP")
        await admin.expect("Nový člen týmu Kunčičky: Olga K.")
        # a person in two teams (member of one, coordinator of the other) reports in both
        await admin.send("/newteam Vítkovice")
        await admin.expect("Tým Vítkovice byl založen")
        jan = emulator.user("Jan")
        await admin.send("/invite")
        await admin.expect("Do kterého týmu")
        await admin.press("Kunčičky")
        await admin.expect("s rolí")
        await admin.press("Člen")
        code = LINK.search((await admin.expect("start=")).text)
        assert code is not None
        await join_over_http(jan, code.group(1), "Jan Dvořák", "OO PČR Vítkovice")
        await admin.send("/invite")
        await admin.expect("Do kterého týmu")
        await admin.press("Vítkovice")
        await admin.expect("s rolí")
        await admin.press("Koordinátor")
        code = LINK.search((await admin.expect("start=")).text)
        assert code is not None
        await jan.send(f"/start {code.group(1)}")
        await jan.expect("Vítkovice")
        for team, place in (("Kunčičky", "Holvekova 12"), ("Vítkovice", "Sirotčí 40")):
            await jan.send("/report")
            await jan.expect("Kterého týmu se problém týká")
            await jan.press(team)
            await jan.expect("Jaký je to problém")
            await jan.press("návykové látky")
            await jan.expect("Kde to je")
            await jan.send(place)
            await jan.expect("Popište problém")
            await jan.send("V průchodu u domu leží použité stříkačky, asi deset kusů.")
            await jan.expect("Pošlete fotky")
            await jan.press("Přeskočit")
            await jan.expect("Jak je to naléhavé")
            await jan.press("běžná")
            await jan.expect("Zkontrolujte hlášení")
            await jan.press("✅ Odeslat")
            await jan.expect("uložen jako")
        refused = [f"{c.method}: {c.error}" for c in emulator.calls if not c.ok]
        assert not refused, refused
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
        await emulator.stop_server()
    log = output.decode()
    assert process.returncode == 0, log
    assert emulator.token.split(":")[1] not in log
    assert "mdtbot started" in log
