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


def _recorded_actions() -> set[str]:
    """Every action any code writes to the audit: literal names, either branch of a
    conditional, and the names built from a variable (expanded by the values they take)."""
    import ast
    from pathlib import Path

    import bot
    from bot.domain.problems import ProposalStatus

    built = {  # f-string actions: each value they can take (not OPEN: never decided)
        "f'proposal.{status.value}'": {
            f"proposal.{s.value}" for s in ProposalStatus if s is not ProposalStatus.OPEN
        },
    }
    recorded: set[str] = set()
    for source in Path(bot.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = (
                func.value.attr
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute)
                else ""
            )
            if not ((name == "add" and owner == "audit") or name == "_audit"):
                continue
            if name == "_audit" and len(node.args) == 1:
                continue  # storage's row reader of the same name
            action = node.args[2] if len(node.args) > 2 else None
            assert action is not None, f"{source}: audit without a positional action"
            if isinstance(action, ast.Name):  # only _audit passes its parameter on
                assert action.id == "action", f"{source}: audit action from {action.id}"
                continue
            parts = [action.body, action.orelse] if isinstance(action, ast.IfExp) else [action]
            for part in parts:
                if isinstance(part, ast.JoinedStr):
                    key = ast.unparse(part)
                    assert key in built, f"{source}: expand {key} in this test"
                    recorded |= built[key]
                else:
                    assert isinstance(part, ast.Constant), f"{source}: {ast.unparse(part)}"
                    recorded.add(str(part.value))
    return recorded


def test_every_recorded_action_has_a_readable_label():
    """/audit shows each action in words: an action recorded anywhere needs a label."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from bot.i18n import Translator
    from bot.rendering.audit import action_text
    from bot.storage.audit_log import AuditEntry

    recorded = _recorded_actions()
    assert {"admin.add", "meeting.schedule", "proposal.accepted", "text.redacted"} <= recorded
    t = Translator("cs", ZoneInfo("Europe/Prague"))
    raw = []
    for action in sorted(recorded):
        entry = AuditEntry(
            id=1,
            at=datetime(2026, 12, 1, tzinfo=UTC),
            actor_id=None,
            actor_name=None,
            action=action,
            team_id=None,
            team_name=None,
            object_type="problem",
            object_id="3",
            details={},
        )
        text = action_text(t, entry, {})
        if action in text or "." in text.split("#")[0]:
            raw.append((action, text))
    assert raw == []


async def test_decided_proposals_are_said_in_words_in_the_audit(bot):
    petra, jan, _karel = await two_teams(bot)
    services = bot.app.bot_data.services
    await report(jan, team="Poruba")
    first = await services.proposals.propose(
        Actor(user_id=jan.id), 1, "Městská policie zařadí místo do obchůzek", None
    )
    second = await services.proposals.propose(
        Actor(user_id=jan.id), 1, "Charita osloví lidi v parku", None
    )
    await services.proposals.decide(Actor(user_id=petra.id), first.id, True, None)
    await services.proposals.decide(Actor(user_id=petra.id), second.id, False, "Už se řeší")
    await bot.admin.send("/audit")
    text = bot.admin.last().text
    assert "Petra Koordinátorová · přijetí návrhu · tým Poruba" in text
    assert "Petra Koordinátorová · zamítnutí návrhu · tým Poruba" in text
    assert "proposal." not in text
