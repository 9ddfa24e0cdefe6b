"""/audit: who did what and when (never the content), for city administrators only; filters,
pages, CSV export (itself audited)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from bot.domain.models import Role
from bot.domain.problems import Status
from bot.services.authz import Actor
from tests.flows import invite_code, join, report
from tests.test_retention import rows
from tests.test_two_teams import two_teams

MARKER = "MARKERZ77 hřiště za školou"


async def confidential_flow(bot):  # type: ignore[no-untyped-def]
    """Two teams; a confidential report with a marker in every text, opened, merged..."""
    petra, jan, karel = await two_teams(bot)
    services = bot.app.bot_data.services
    await report(jan, team="Poruba", description=f"Popis {MARKER}, každý večer")
    await report(jan, team="Poruba", description=f"Druhý popis {MARKER}, znovu")
    await services.problems.set_coordinators_only(Actor(user_id=petra.id), 1, True)
    await services.problems.comment(Actor(user_id=petra.id), 1, f"Komentář {MARKER}")
    await services.proposals.propose(Actor(user_id=jan.id), 1, f"Návrh {MARKER} a dál", None)
    await petra.send("/problem 1")  # a read of a coordinators-only problem
    await services.problems.mark_duplicate(Actor(user_id=petra.id), 2, 1)
    await services.problems.change_status(Actor(user_id=petra.id), 1, Status.SOLVED)
    olga = bot.person("Olga")
    await join(olga, await invite_code(petra, team="Poruba"), name="Olga Nováková")
    await petra.send("/members")
    return petra, jan, karel, olga


async def test_only_administrators_read_the_audit(bot):
    petra, jan, karel = await two_teams(bot)
    stranger = bot.person("Eva")
    for person in (petra, jan, karel, stranger):
        await person.send("/audit")
        assert "nemáte oprávnění" in person.last().text.lower() or "jen pro" in (
            person.last().text
        ), person.last().text
        answer = await person.press_data("au:p:0:0:0:0")
        assert answer is not None and answer.show_alert
        answer = await person.press_data("au:c:0:0:0:0")
        assert answer is not None and answer.show_alert
        assert not any(m.document for m in person.inbox)


async def test_reads_and_changes_are_recorded_without_any_text(bot):
    petra, _jan, _karel, olga = await confidential_flow(bot)
    services = bot.app.bot_data.services
    await services.members.change_role(Actor(user_id=petra.id), 1, olga.id, Role.COORDINATOR)
    await services.members.remove(Actor(user_id=petra.id), 1, olga.id)
    stored = await rows(bot, "SELECT * FROM audit_events")
    assert not any("MARKERZ77" in str(r) for r in stored)
    actions = [r[3] for r in stored]
    for needed in (
        "problem.read_confidential",
        "problem.duplicate",
        "member.role",
        "member.remove",
        "invite.create",
        "member.join",
    ):
        assert needed in actions, needed
    admin = bot.admin
    await admin.send("/audit")
    text = admin.last().text
    assert "Auditní záznamy" in text
    assert "Petra Koordinátorová · odebrání z týmu: Olga Nováková · tým Poruba" in text
    assert "Petra Koordinátorová · změna role: Olga Nováková" in text
    assert "MARKERZ77" not in text
    # older pages, and back
    everything = await _all_pages(admin)
    assert "strana 2 z 3" in everything and "strana 3 z 3" in everything
    assert "Petra Koordinátorová · otevření #1 (jen pro koordinátory) · tým Poruba" in everything
    assert "Petra Koordinátorová · sloučení #2 do #1 · tým Poruba" in (everything)
    assert "MARKERZ77" not in everything
    await admin.press("« Novější")
    assert "strana 2 z 3" in admin.last().text


async def _all_pages(admin) -> str:  # type: ignore[no-untyped-def]
    seen = admin.last().text
    while any("Starší" in b.text for row in admin.last().buttons for b in row):
        await admin.press("Starší »")
        seen += admin.last().text
    return seen


async def test_filters_by_team_person_and_period(bot):
    petra, _jan, karel, _olga = await confidential_flow(bot)
    admin = bot.admin
    await admin.send("/audit tým Jih")
    text = admin.last().text
    assert "Filtr: tým Jih" in text and "tým Poruba" not in text and "tým Jih" in text
    await admin.send("/audit Petra")
    text = admin.last().text
    assert "osoba: Petra Koordinátorová" in text
    lines = [line for line in text.split("\n") if line[:1].isdigit() and ". 20" in line[:12]]
    assert lines and all("· Petra Koordinátorová ·" in line for line in lines)
    await admin.send(f"/audit {karel.id}")
    assert "osoba: Karel Koordinátorová" in admin.last().text
    await admin.send("/audit tým Jih 30 dní")
    assert "Filtr: tým Jih, posledních 30 dní" in admin.last().text
    await admin.send("/audit 7d tým Poruba")
    assert "Filtr: tým Poruba, posledních 7 dní" in admin.last().text
    await admin.send("/audit tým Nikde")
    assert "Žádný tým se nejmenuje „Nikde“" in admin.last().text
    await admin.send("/audit Zdeněk")
    assert "Nikoho jménem „Zdeněk“" in admin.last().text
    await admin.send("/audit Koordinátorová")  # Petra and Karel
    assert "Odpovídá víc lidí" in admin.last().text and f"/audit {petra.id}" in admin.last().text
    # a period: everything is older than a day now
    bot.advance(timedelta(days=3))
    await petra.send("/problem 1")  # a fresh read
    await admin.send("/audit 24h")
    text = admin.last().text
    assert "1 záznam" in text and "otevření #1 (jen pro koordinátory)" in text
    await admin.press("7 dní")
    assert "posledních 7 dní" in admin.last().text and "záznam" in admin.last().text
    await admin.press("👥 Tým…")
    await admin.press("Jih")
    assert "tým Jih" in admin.last().text and "posledních 7 dní" in admin.last().text
    assert "založení týmu · tým Jih" in admin.last().text
    await admin.press("• 7 dní")  # the chosen period is marked
    await admin.press("24 hodin")
    assert "Filtr: tým Jih, posledních 24 hodin" in admin.last().text
    assert "Žádné záznamy." in admin.last().text
    await admin.press("✖ Zrušit filtr")
    assert "Filtr:" not in admin.last().text
    for junk in (
        "au:p:x:0:0:0",
        "au:z:0:0:0:0",
        "au:p:0:-1:0:0",
        "au:p:0:0",
        "au:p:0:0:99999999999999999999:0",
    ):
        answer = await admin.press_data(junk)
        assert answer is not None and answer.show_alert, junk
    await admin.press_data("au:p:0:0:9007199254740991:0")  # a forged period: at most ten years
    assert "posledních 3660 dní" in admin.last().text
    await admin.press_data("au:p:99:0:0:0")  # a page past the end shows the last one
    assert "Auditní záznamy" in admin.last().text


async def test_csv_export_is_utf8_with_bom_and_semicolons_and_audited(bot):
    _petra, _jan, _karel = await two_teams(bot)
    admin = bot.admin
    await admin.send("/audit tým Poruba")
    await admin.press("📄 Export do CSV")
    document = admin.last().document
    assert document is not None and document.filename.endswith(".csv")
    assert document.data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(document.data.decode("utf-8-sig")), delimiter=";"))
    assert table[0] == ["čas", "kdo", "id uživatele", "co", "akce", "tým"]
    assert all(row[5] == "Poruba" for row in table[1:]) and len(table) > 3
    assert any(row[1] == "Petra Koordinátorová" and row[4] == "invite.create" for row in table)
    actions = [r[0] for r in await rows(bot, "SELECT action FROM audit_events")]
    assert actions[-1] == "audit.export"
    await admin.send("/audit")
    assert "export auditu" in admin.last().text


def test_every_recorded_action_has_a_readable_label():
    """/audit shows each action in words: an action recorded anywhere needs a label."""
    import re
    from pathlib import Path

    import bot

    package = Path(bot.__file__).parent
    labels = (package / "rendering" / "audit.py").read_text()
    recorded = set()
    for source in package.rglob("*.py"):
        for call in re.finditer(r"audit\.add\((.*?)\)", source.read_text(), re.S):
            recorded |= set(re.findall(r'"([a-z_]+\.[a-z_.]+)"', call.group(1)))
    assert recorded, "no audit.add calls found: the scan is broken"
    assert sorted(a for a in recorded if f'"{a}"' not in labels) == []
