"""People's rights: /mydata (a copy of one's data), /leave (pseudonymised in the teams left)
and an administrator's erasure of a person."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from bot.sandbox.people import Person
from tests.flows import make_team, report
from tests.test_two_teams import two_teams

JAN_TEXT = "Na dětském hřišti leží použité injekční stříkačky, JANOVO-HŘIŠTĚ."
EVA_TEXT = "U garáží se večer schází skupina a pije, EVINO-TAJEMSTVÍ u garáží."
EVA_COMMENT = "Viděla jsem to i včera večer, EVIN-KOMENTÁŘ."
JAN_COMMENT = "Potvrzuji, JANŮV-KOMENTÁŘ k tomu."
EVA_PROPOSAL = "Strážníci zařadí místo do večerních obchůzek, EVIN-NÁVRH pro tým."


def documents(person: Person) -> list[Any]:
    return [m for m in person.inbox if m.document is not None]


async def comment(person: Person, number: int, text: str) -> None:
    await person.send(f"/problem {number}")
    await person.press("💬 Komentovat")
    await person.send(text)


async def audit(bot, action: str) -> list[Any]:  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        return await repos.audit.by_action(action)


async def test_mydata_holds_the_persons_data_and_nobody_elses(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan, locality="Hulváky", description=JAN_TEXT)  # #1
    await report(eva, locality="Garáže Fifejdy", description=EVA_TEXT, send=False)  # #2
    await eva.press("🔒 Jen pro koordinátory")
    await eva.press("✅ Odeslat")
    await comment(eva, 1, EVA_COMMENT)
    await comment(jan, 1, JAN_COMMENT)
    await eva.send("/propose 1")
    await eva.send(EVA_PROPOSAL)
    await eva.press("Městská policie (MPO)")
    await jan.send("/problem 1")
    await jan.press("👍 1 (0)")  # Jan supports Eva's proposal

    before = len(documents(jan))
    await jan.send("/mydata")
    summary = jan.inbox[-2].text
    assert "Vaše data" in summary, summary
    assert "Problémy, které jste nahlásil(a): 1" in summary
    assert "Komentáře: 1" in summary and "Podpory: 1" in summary
    files = documents(jan)
    assert len(files) == before + 1
    file = files[-1].document
    assert file.filename.startswith(f"mdtbot-data-{jan.id}-") and file.filename.endswith(".json")
    raw = file.data.decode("utf-8")
    data = json.loads(raw)
    assert data["person"]["name"] == "Jan Členová"
    assert data["person"]["organisation"] == "Charita Ostrava"
    assert [m["team"] for m in data["memberships"]] == ["Poruba"]
    assert data["memberships"][0]["role"] == "member"
    assert data["reports"][0]["description"] == JAN_TEXT
    assert data["reports"][0]["created_at"]["utc"].endswith("+00:00")
    assert data["reports"][0]["created_at"]["local"].endswith("+01:00")  # Prague in winter
    assert [c["text"] for c in data["comments"]] == [JAN_COMMENT]
    assert data["supports"] == [
        {"kind": "proposal", "number": 1, "at": data["supports"][0]["at"]}
    ]
    # nobody else's words: not Eva's report (coordinators only), comment or proposal
    for marker in ("EVINO-TAJEMSTVÍ", "EVIN-KOMENTÁŘ", "EVIN-NÁVRH", "Eva Členová", "Petra"):
        assert marker not in raw, marker
    exports = await audit(bot, "privacy.export")
    assert [(e.actor_id, e.object_id) for e in exports] == [(jan.id, str(jan.id))]

    # Eva's own coordinators-only report is hers: it is in her copy
    await eva.send("/mydata")
    eva_data = json.loads(documents(eva)[-1].document.data)
    assert eva_data["reports"][0]["description"] == EVA_TEXT
    assert eva_data["reports"][0]["coordinators_only"] is True
    assert [p["text"] for p in eva_data["proposals"]] == [EVA_PROPOSAL]
    assert "JANŮV-KOMENTÁŘ" not in documents(eva)[-1].document.data.decode()


async def test_an_administrator_exports_a_persons_data_on_request_and_it_is_audited(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan, description=JAN_TEXT)
    admin = bot.admin
    await admin.send(f"/mydata {jan.id}")
    assert "Údaje o osobě: Jan Členová" in admin.inbox[-2].text, admin.inbox[-2].text
    data = json.loads(documents(admin)[-1].document.data)
    assert data["person"]["telegram_user_id"] == jan.id
    assert data["reports"][0]["description"] == JAN_TEXT
    assert not documents(jan)  # Jan gets nothing
    exports = await audit(bot, "privacy.export")
    assert [(e.actor_id, e.object_id) for e in exports] == [(admin.id, str(jan.id))]

    # a member may not ask for somebody else's data
    await jan.send(f"/mydata {petra.id}")
    assert "nemáte oprávnění" in jan.last().text
    assert not documents(jan)
    # an unknown id, and a word
    await admin.send("/mydata 987654321")
    assert "už neexistuje" in admin.last().text, admin.last().text
    await admin.send("/mydata Jan")
    assert "Telegram user id" in admin.last().text or "číslo" in admin.last().text
    assert len(await audit(bot, "privacy.export")) == 1


async def test_mydata_for_a_stranger_and_a_removed_member(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    stranger = bot.person("Cizí")
    await stranger.send("/mydata")
    assert "Neuchovávám o vás žádné údaje" in stranger.last().text, stranger.last().text
    assert not documents(stranger)

    await petra.send("/members")
    await petra.press("Jan Členová")
    await petra.press("Odebrat z týmu")
    await petra.press("Ano, odebrat")
    await jan.send("/mydata")
    data = json.loads(documents(jan)[-1].document.data)
    assert data["person"]["name"] == "Jan Členová"
    assert data["memberships"][0]["removed_at"] is not None
    assert any(e["action"] == "member.remove" and not e["by_me"] for e in data["audit"])
