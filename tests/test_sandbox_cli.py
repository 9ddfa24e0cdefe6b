"""``mdtbot sandbox`` as a newcomer runs it: no token, no network, a script on stdin."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from bot.sandbox.demo import PROBLEMS, TEAMS
from bot.sandbox.history import DEFAULT_REPORTS, REPORTS

SCRIPT = "\n".join(
    [
        "/newteam Poruba",
        "/invite",
        ":2",  # Koordinátor
        "/as Jana",
        ":link",
        "Jana <b>Nováková</b>",
        ":2",  # Policie ČR
        "OO PČR Poruba",
        "/members",
        ":clock +2h",
        ":nonsense",
        ":quit",
    ]
)


def run_sandbox(*args: str, script: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MDTBOT_")}
    env["PYTHONUNBUFFERED"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", *args],
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_sandbox_runs_a_whole_onboarding_from_a_script():
    result = run_sandbox(script=SCRIPT)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Tým Poruba byl založen" in out
    assert "[1] Člen   " not in out  # buttons are one per row here
    assert "[2] Koordinátor" in out
    assert "Nový člen týmu Poruba: Jana <b>Nováková</b>" in out
    assert "Poruba — 1 člen" in out
    assert "Neznámý příkaz sandboxu :nonsense" in out
    assert "Traceback" not in result.stderr


def test_sandbox_demo_has_ostrava_teams():
    result = run_sandbox("--demo", script="/teams\n:quit\n")
    assert result.returncode == 0, result.stderr
    assert "7 týmů" in result.stdout
    assert "Moravská Ostrava a Přívoz" in result.stdout
    assert "Poruba — 4 členové, 1 koordinátor" in result.stdout


#: problems of the demo: its year of history in every team, and today's two in Poruba
DEMO_PROBLEMS = sum(REPORTS.get(team, DEFAULT_REPORTS) for team in TEAMS) + len(PROBLEMS)

REPORT_SCRIPT = "\n".join(
    [
        "/as Jan",
        "/report",
        ":4",  # návykové látky
        "Zátiší u koupaliště",  # the demo has an open problem there: offered first
        ":3",  # report a new one anyway
        "Na cestě za koupalištěm leží rozbité lahve a stříkačky.",
        ":photo",
        ":1",  # Done
        ":3",  # akutní
        ":1",  # Send
        "/as Petra",
        "/problem {number}",
        "/problems akutní",
        ":quit",
    ]
)


def test_sandbox_report_with_photo_reaches_the_coordinator():
    # the demo's year of history comes first: today's two reports are its last numbers
    number = DEMO_PROBLEMS + 1
    result = run_sandbox("--demo", script=REPORT_SCRIPT.format(number=number))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Už tu je 1 otevřený problém tohoto druhu" in out
    assert "Přidána 1 fotka" in out
    assert re.search(rf"Problém byl uložen jako #{number}\b", out)
    assert f"Nový problém · 🚨 AKUTNÍ · #{number} Zátiší u koupaliště — návykové látky" in out
    assert "Jan Novák: nahlásil(a) problém" in out
    assert "1 problém · otevřené, 🔴 akutní" in out
    assert "Traceback" not in result.stderr


MEETING_SCRIPT = "\n".join(
    [
        "/as Petra",
        "/meeting",
        ":1",  # Naplánovat schůzku
        "pozítří 14:00",
        ":1",  # Ano
        "Radnice Poruba, zasedačka 2",
        ":1",  # Ne, jednorázově
        ":1",  # Naplánovat a pozvat všechny
        "/as Lucie",
        ":2",  # Nepřijdu (on the newest message with buttons: her invitation)
        ":clock +3d",
        ":quit",
    ]
)


def test_sandbox_meeting_invitation_agenda_and_reminders_as_the_clock_moves():
    result = run_sandbox("--demo", script=MEETING_SCRIPT)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Rozumím:" in out
    assert "[→ Jan · zpráva" in out and "Pozvánka na schůzku týmu" in out
    assert "📎 schuzka-" in out and ".ics" in out
    assert "Program schůzky týmu Poruba" in out  # the lead time had passed: sent at once
    assert "📎 program-" in out
    reminders = [block for block in out.split("\n[") if "Připomínka: schůzka týmu" in block]
    assert any(block.startswith("→ Jan") for block in reminders)
    assert not any(block.startswith("→ Lucie") for block in reminders)  # she declined
    assert "opožděně" not in out  # moving the clock is time passing, not downtime
    assert "Traceback" not in result.stderr


def test_sandbox_prints_button_answers_as_a_phone_shows_them():
    script = "\n".join(
        [
            "/newteam Poruba",
            "/report",
            "ahoj",  # typed instead of pressing: the question comes again, in a new message
            ":4",  # návykové látky, on the newest question
            ":4@4",  # the same button on the first question, now a step behind
            ":2",  # Cancel
            ":1@4",  # a button of the cancelled dialogue
            ":quit",
        ]
    )
    result = run_sandbox(script=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[→ Správce · odpověď na tlačítko] Tento krok už je uložený" in out
    assert "[→ Správce · odpověď na tlačítko] Tento dialog už skončil." in out
    assert "Traceback" not in result.stderr


def test_sandbox_with_a_database_keeps_people_and_a_second_demo_goes_on(tmp_path):
    db = tmp_path / "sandbox.db"
    first = run_sandbox("--demo", "--db", str(db), script="/as Eva\n:people\n:quit\n")
    assert first.returncode == 0, first.stderr
    ids = {
        line.split(" (id ")[0].strip(" *"): line.split("(id ")[1].rstrip(")")
        for line in first.stdout.splitlines()
        if "(id " in line
    }
    assert ids["Jan"] and ids["Eva"]
    assert (tmp_path / "sandbox.db.people.json").exists()

    again = run_sandbox(
        "--demo", "--db", str(db), script="/as Jan\n/members\n/as Eva\n:people\n:quit\n"
    )
    assert again.returncode == 0, again.stderr
    out = again.stdout
    assert "Traceback" not in again.stderr
    assert "Databáze už data má: ukázková data nepřidávám" in out
    assert f"Teď jednáte jako Jan (Telegram id {ids['Jan']})" in out
    assert "Jan Novák" in out and "Poruba — 4 členové" in out  # still a member: same person
    assert f"Teď jednáte jako Eva (Telegram id {ids['Eva']})" in out


def test_sandbox_speaks_english_when_chosen():
    result = run_sandbox("--lang", "en", script=":help\n:nonsense\n/report\n:quit\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Sandbox commands (anything else is sent to the bot" in out
    assert "Unknown sandbox command :nonsense" in out
    assert "you are Správce, the city administrator" in out
    assert "There are no teams yet." in out  # the bot too
    czech = run_sandbox(script=":help\n:quit\n")
    assert "Příkazy sandboxu" in czech.stdout and "Sandbox commands" not in czech.stdout
