"""End to end over loopback HTTP: report → notification → detail → proposal → support →
decision → status → filtered list → isolation, and the outbox under faults."""

from __future__ import annotations

import asyncio

from tests.test_e2e import invite_over_http, join_over_http


async def _team(live_bot, name: str, coordinator: str, *members: str):  # type: ignore[no-untyped-def]
    admin = live_bot.admin
    await admin.send(f"/newteam {name}")
    await admin.expect(f"Tým {name} byl založen")
    lead = live_bot.person(coordinator)
    await admin.send("/invite")
    question = await admin.expect()
    if "Do kterého týmu" in question.text:
        await admin.press(name)
        await admin.expect("s rolí")
    await admin.press("Koordinátor")
    code = (await admin.expect("start=")).text.split("start=")[1].split()[0]
    await join_over_http(lead, code, f"{coordinator} K.", f"ÚMOb {name}")
    people = [lead]
    for member in members:
        person = live_bot.person(member)
        await join_over_http(person, await invite_over_http(lead, "Člen"), f"{member} Č.", "OO")
        people.append(person)
    return people


async def test_problem_lifecycle_over_http(live_bot):
    petra, jan, eva, ota = await _team(live_bot, "Poruba", "Petra", "Jan", "Eva", "Ota")

    await jan.send("/report")
    await jan.expect("Jaký je to problém")
    await jan.press("návykové látky")
    await jan.expect("Kde to je")
    await jan.send("Hulváky, u trati")
    await jan.expect("Popište problém")
    await jan.send("Pod mostem u trati leží použité stříkačky, každé ráno nové.")
    await jan.expect("Pošlete fotky")
    await jan.send_photo()
    await jan.expect("Přidána 1 fotka")
    await jan.press("Hotovo")
    await jan.expect("Jak je to naléhavé")
    await jan.press("🔴 akutní")
    await jan.expect("Zkontrolujte hlášení")
    await jan.press("✅ Odeslat")
    await jan.expect("uložen jako #1")
    notice = await petra.expect("Nový problém", since=0)
    assert "AKUTNÍ" in notice.text

    await petra.send("/problem 1")
    await petra.expect("Hulváky, u trati")
    await petra.press("📷 1 fotka")
    await petra.expect(None)
    assert any(m.kind == "photo" for m in petra.inbox)

    await eva.send("/propose 1")
    await eva.expect("Navrhněte řešení")
    await eva.send("Městská policie zařadí místo do ranních obchůzek.")
    await eva.expect("Která organizace")
    await eva.press("Nikdo konkrétní")
    await eva.expect("návrh k #1 byl uložen")

    await ota.send("/problem 1")
    await ota.expect("Navržená řešení")
    await ota.press("👍 1 (0)")
    await ota.expect("Navržená řešení")

    await petra.send("/problem 1")
    await petra.expect("Navržená řešení")
    await petra.press("✅ Přijmout 1")
    await petra.expect("přijato")
    await eva.expect("byl přijat")
    await petra.press("⚙ Koordinace ▸")
    await petra.expect("Koordinace:")
    await petra.press("🔄 Stav")
    await petra.expect("Změnit na")
    await petra.press("řeší se")
    await petra.expect("Opravdu změnit stav")
    await petra.press("✅ Ano")
    await petra.expect("Stav: řeší se")
    await jan.expect("Váš problém se teď řeší")

    await petra.send("/problems drogy akutní")
    listing = await petra.expect("1 problém")
    assert "#1" in listing.text
    await petra.send("/problems sexbyznys")
    await petra.expect("0 problémů")

    (karel,) = await _team(live_bot, "Jih", "Karel")
    await karel.send("/problem 1")
    await karel.expect("neexistuje, nebo k němu nemáte přístup")
    await karel.send("/problems")
    other = await karel.expect("0 problémů")
    assert "Hulváky" not in other.text


async def test_notice_survives_429_and_a_blocked_coordinator_is_marked(live_bot):
    petra, jan = await _team(live_bot, "Poruba", "Petra", "Jan")
    live_bot.emu.inject_fault("sendMessage", status=429, retry_after=1, count=2)
    await jan.send("/report")
    await jan.expect("Jaký je to problém", timeout=10)
    await jan.press("jiné")
    await jan.expect("Kde to je")
    await jan.send("Náměstí")
    await jan.expect("Popište problém")
    await jan.send("Rozbité veřejné osvětlení v celé ulici, večer je tma.")
    await jan.expect("Pošlete fotky")
    await jan.press("Přeskočit")
    await jan.expect("Jak je to naléhavé")
    await jan.press("běžná")
    await jan.expect("Zkontrolujte hlášení")
    petra.block_bot()
    await jan.press("✅ Odeslat")
    await jan.expect("uložen jako #1", timeout=10)
    state: dict[str, object] = {}
    for _ in range(100):  # the outbox retries the 429s, then meets the block
        async with live_bot.db.read() as repos:
            rows = await repos.outbox.items(chat_id=petra.id)
            items = [i for i in rows if i.kind == "problem.new"]
            state = await repos.outbox.state(items[0].id) if items else {}
        if state.get("failed_at") or state.get("sent_at"):
            break
        await asyncio.sleep(0.1)
    assert state.get("failed_at") is not None and state.get("sent_at") is None
    assert "blocked" in str(state.get("last_error")).lower()
    async with live_bot.db.read() as repos:
        user = await repos.users.get(petra.id)
    assert user is not None and user.unreachable
    refused = [c for c in live_bot.emu.calls if c.method == "sendMessage" and not c.ok]
    assert len(refused) >= 3  # two 429s and the 403
