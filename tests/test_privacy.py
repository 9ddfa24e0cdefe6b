"""People's rights: /mydata (a copy of one's data), /leave (pseudonymised in the teams left)
and an administrator's erasure of a person."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.domain.models import Role
from bot.sandbox.people import Person
from tests.flows import make_team, report
from tests.test_sweep import BROKEN, failures, seeded
from tests.test_tasks import new_task
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
    _, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
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
    assert data["supports"] == [{"kind": "proposal", "number": 1, "at": data["supports"][0]["at"]}]
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


FORMER_JAN = "bývalý člen (Nestátní nezisková organizace)"


async def test_jan_leaves_poruba_only_and_is_pseudonymised_there_alone(bot):
    petra, jan, karel = await two_teams(bot)
    await report(jan, team="Poruba", locality="Hulváky", description=JAN_TEXT)  # #1
    await report(jan, team="Jih", locality="Hrabůvka, Horní 5")  # #2
    await comment(jan, 1, JAN_COMMENT)
    await jan.send("/propose 1")
    await jan.send("Charita nabídne výměnu stříkaček a terénní práci u hřiště.")
    await jan.press("Nestátní nezisková organizace")
    await new_task(petra)  # an open task for Jan in Poruba
    await jan.send("/report")
    await jan.press("Poruba")  # a dialogue running in Poruba

    await jan.send("/leave")
    assert "Ze kterého týmu chcete odejít" in jan.last().text
    assert jan.last().button_texts() == ["Jih", "Poruba", "Všechny mé týmy", "« Ne, zůstávám"]
    await jan.press("Poruba")
    confirm = jan.last()
    ask = confirm.text
    assert "Odejít z týmu Poruba?" in ask and "Ve vašich ostatních týmech se nic nemění" in ask
    await jan.press("Ano, odejít")
    done = jan.last().text
    assert "Odešel(a) jste z týmu Poruba." in done, done
    assert "1 otevřený úkol se vrátil koordinátorům" in done

    # Poruba shows a former member; Jih still shows Jan
    await petra.send("/problem 1")
    detail = petra.last().text
    assert f"Nahlásil(a) {FORMER_JAN}" in detail, detail
    assert f"{FORMER_JAN}: {JAN_COMMENT}" in detail
    assert "Jan Členová" not in detail
    await karel.send("/problem 2")
    assert "Nahlásil(a) Jan Členová (Charita Ostrava)" in karel.last().text
    returned = [m for m in petra.inbox if "čekají na nové přidělení" in m.text]
    assert len(returned) == 1, [m.text for m in petra.inbox[-3:]]

    async with bot.db.read() as repos:
        teams = {t.name: t.id for t in await repos.teams.list_all()}
        assert await repos.memberships.roles_of(jan.id) == {teams["Jih"]: Role.COORDINATOR}
        assert await repos.drafts.get(jan.id) is None  # the Poruba dialogue ended
        poruba = await repos.problems.get(teams["Poruba"], 1)
        jih = await repos.problems.get(teams["Jih"], 2)
        (task,) = await repos.tasks.unfinished(teams["Poruba"])
        leaves = await repos.audit.by_action("member.leave")
    assert poruba.reporter_id != jan.id and poruba.reporter_id < 0
    assert jih.reporter_id == jan.id
    assert task.owner_id is None
    assert [(e.actor_id, e.team_id) for e in leaves] == [(jan.id, teams["Poruba"])]
    # nothing of Poruba is linked to Jan any more
    for table, column in [
        ("problems", "reporter_id"),
        ("problem_events", "actor_id"),
        ("proposals", "proposer_id"),
        ("tasks", "owner_id"),
    ]:
        assert await count(bot, table, column, jan.id, teams["Poruba"]) == 0, table

    # a second tap on the old confirmation changes nothing
    answer = await jan.press_data(f"prv:lok:{teams['Poruba']}", message=confirm)
    assert answer is not None and "jen pro členy týmu" in (answer.text or "")
    assert len(await audit(bot, "member.leave")) == 1
    # Jan's copy of his data no longer holds the Poruba records
    await jan.send("/mydata")
    data = json.loads(documents(jan)[-1].document.data)
    assert [r["problem"] for r in data["reports"]] == [2]
    assert "JANOVO-HŘIŠTĚ" not in documents(jan)[-1].document.data.decode()
    # /leave offers only Jih now, without "all"
    await jan.send("/leave")
    assert jan.last().button_texts() == ["Jih", "« Ne, zůstávám"]
    await jan.press("« Ne, zůstávám")
    assert "Nic se nezměnilo" in jan.last().text


async def count(bot, table: str, column: str, user_id: int, team_id: int) -> int:  # type: ignore[no-untyped-def]
    team_of = {
        "problems": "team_id = ?",
        "problem_events": "problem_id IN (SELECT id FROM problems WHERE team_id = ?)",
        "proposals": "team_id = ?",
        "tasks": "team_id = ?",
    }[table]
    async with (
        bot.db.read() as repos,
        repos.teams.conn.execute(
            f"SELECT COUNT(*) FROM {table} WHERE {column} = ? AND {team_of}", (user_id, team_id)
        ) as cur,
    ):
        row = await cur.fetchone()
    return int(row[0])


async def test_the_last_coordinator_leaves_and_the_administrators_are_told(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(petra, description=JAN_TEXT)
    await new_task(petra, owner="Petra Koordinátorová")  # her own task
    await petra.send("/leave")
    await petra.press("Poruba")
    assert "Pro návrat do týmu budete potřebovat novou pozvánku" in petra.last().text
    await petra.press("Ano, odejít")
    assert "Odešel(a) jste z týmu Poruba." in petra.last().text
    told = [m.text for m in bot.admin.inbox[-2:]]
    assert any("Tým Poruba teď nemá koordinátora" in text for text in told), told
    # her open task goes to the administrators, who stand in for the coordinators
    assert any("čekají na nové přidělení" in text for text in told), told
    await jan.send("/problem 1")
    assert "Nahlásil(a) bývalý člen (Úřad městského obvodu)" in jan.last().text
    await petra.send("/problems")
    assert "jen pro členy týmu" in petra.last().text


async def test_leave_as_a_stranger_a_removed_member_and_with_forged_buttons(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    (karel,) = await make_team(bot, "Jih", "Karel")
    stranger = bot.person("Cizí")
    await stranger.send("/leave")
    assert "Nejste členem žádného týmu" in stranger.last().text
    await stranger.press_data("prv:lok:all")  # forged
    async with bot.db.read() as repos:
        teams = {t.name: t.id for t in await repos.teams.list_all()}
        assert await repos.memberships.roles_of(petra.id)  # nothing happened to anyone
    # Eva forges leaving Jih (not hers) and a nonsense team
    for data in (f"prv:lok:{teams['Jih']}", "prv:lok:x", "prv:l:999"):
        await eva.send("/leave")
        answer = await eva.press_data(data)
        assert answer is not None and answer.text, data
    async with bot.db.read() as repos:
        assert await repos.memberships.roles_of(eva.id) == {teams["Poruba"]: Role.MEMBER}
        assert await repos.memberships.roles_of(karel.id) == {teams["Jih"]: Role.COORDINATOR}
    assert await audit(bot, "member.leave") == []

    await petra.send("/members")
    await petra.press("Jan Členová")
    await petra.press("Odebrat z týmu")
    await petra.press("Ano, odebrat")
    await jan.send("/leave")
    assert "Nejste členem žádného týmu" in jan.last().text


def cells(path: Path) -> list[tuple[str, Any]]:
    """Every (table, value) of the SQLite file, read apart from the bot."""
    found = []
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f"SELECT * FROM {table}"):
                found += [(table, value) for value in row]
    return found


async def test_an_administrator_erases_a_person_on_request(bot):
    petra, jan, karel = await two_teams(bot)
    await report(jan, team="Poruba", locality="Hulváky", description=JAN_TEXT)  # #1
    await report(jan, team="Jih", locality="Hrabůvka, Horní 5")  # #2
    await comment(jan, 1, JAN_COMMENT)
    await jan.send("/propose 2")
    await jan.send("Charita nabídne výměnu stříkaček a terénní práci u hřiště.")
    await jan.press("Nestátní nezisková organizace")
    await new_task(petra)
    await jan.send("/mydata")  # audited: an entry about him, by him
    await jan.send("/report")  # a draft
    admin = bot.admin

    await admin.send("/erase")
    assert "Napište /erase a za něj telegramové id" in admin.last().text
    await admin.send(f"/erase {jan.id}")
    ask = admin.last().text
    assert "zcela vymazat osobu Jan Členová" in ask, ask
    assert "Týmy: Poruba, Jih" in ask
    await admin.press("Ano, vše vymazat")
    done = admin.last().text
    assert "smazaná osoba #" in done, done
    number = done.split("#")[1].split("“")[0].rstrip("”").rstrip("“")

    # the reports stay, pseudonymous, in both teams
    await petra.send("/problem 1")
    assert f"Nahlásil(a) {FORMER_JAN}" in petra.last().text
    assert f"{FORMER_JAN}: {JAN_COMMENT}" in petra.last().text
    await karel.send("/problem 2")
    assert f"Nahlásil(a) {FORMER_JAN}" in karel.last().text
    assert "Jan Členová" not in karel.last().text
    # no table holds his name, and no cell his Telegram id
    stored = cells(bot.db_path)
    assert not [(t, v) for t, v in stored if isinstance(v, str) and "Jan Členová" in v]
    assert not [(t, v) for t, v in stored if v in (jan.id, str(jan.id))]
    # nor does any leftover byte of the file or its write-ahead log
    for path in (bot.db_path, Path(f"{bot.db_path}-wal")):
        if path.exists():
            assert "Jan Členová".encode() not in path.read_bytes(), path
    async with bot.db.read() as repos:
        assert await repos.users.get(jan.id) is None
        assert await repos.drafts.get(jan.id) is None
        assert await repos.problems.team_of(1) and await repos.problems.team_of(2)
        (erasure,) = await repos.audit.by_action("privacy.erase")
        joins = await repos.audit.by_action("member.join")
    assert erasure.actor_id == admin.id and erasure.object_id == f"#{number}"
    assert "Jan" not in str(erasure.details)
    assert int(number) > 0 and -int(number) in {e.actor_id for e in joins}

    # he is a stranger now; a second confirmation changes nothing
    await jan.send("/mydata")
    assert "Neuchovávám o vás žádné údaje" in jan.last().text
    await jan.send("/problems")
    assert "jen pro členy týmu" in jan.last().text
    answer = await admin.press_data(f"prv:eok:{jan.id}")
    assert answer is not None and "už neexistuje" in (answer.text or "")
    assert len(await audit(bot, "privacy.erase")) == 1


async def test_erasure_is_for_administrators_and_never_of_one(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await petra.send(f"/erase {jan.id}")
    assert "nemáte oprávnění" in petra.last().text
    answer = await petra.press_data(f"prv:eok:{jan.id}")
    assert answer is not None and "nemáte oprávnění" in (answer.text or "")
    stranger = bot.person("Cizí")
    await stranger.send(f"/erase {jan.id}")
    assert "nemáte oprávnění" in stranger.last().text
    admin = bot.admin
    await admin.send(f"/erase {admin.id}")
    assert "už neexistuje" in admin.last().text or "Ano, vše vymazat" in str(admin.last().buttons)
    if "Ano, vše vymazat" in str(admin.last().buttons):
        answer = await admin.press("Ano, vše vymazat")
        assert answer is not None and "nemáte oprávnění" in (answer.text or "")
    await admin.send("/erase 424242")
    assert "už neexistuje" in admin.last().text
    async with bot.db.read() as repos:
        assert (await repos.users.get(jan.id)).display_name == "Jan Členová"
    assert await audit(bot, "privacy.erase") == []


async def test_the_member_card_offers_an_administrator_the_data_and_the_erasure(bot):
    petra, _jan = await make_team(bot, "Poruba", "Petra", "Jan")
    admin = bot.admin
    await admin.send("/members")
    if "Poruba" in admin.last().button_texts():
        await admin.press("Poruba")
    await admin.press("Jan Členová")
    assert "🗑 Vymazat osobu (na žádost)" in admin.last().button_texts()
    await admin.press("📄 Údaje osoby (na žádost)")
    assert json.loads(documents(admin)[-1].document.data)["person"]["name"] == "Jan Členová"
    await petra.send("/members")
    await petra.press("Jan Členová")
    assert not any("na žádost" in label for label in petra.last().button_texts())


async def test_jan_leaves_all_his_teams_at_once(bot):
    petra, jan, karel = await two_teams(bot)
    await report(jan, team="Poruba", locality="Hulváky")  # #1
    await report(jan, team="Jih", locality="Hrabůvka, Horní 5")  # #2
    await jan.send("/leave")
    await jan.press("Všechny mé týmy")
    assert "Odejít z týmů Jih, Poruba?" in jan.last().text, jan.last().text
    await jan.press("Ano, odejít")
    assert "Odešel(a) jste z týmů Jih, Poruba." in jan.last().text
    for person, number in ((petra, 1), (karel, 2)):
        await person.send(f"/problem {number}")
        assert f"Nahlásil(a) {FORMER_JAN}" in person.last().text
    # Karel still coordinates Jih: the administrators are not told about it
    assert not any("nemá koordinátora" in m.text for m in bot.admin.inbox)
    assert len(await audit(bot, "member.leave")) == 2
    await jan.send("/leave")
    assert "Nejste členem žádného týmu" in jan.last().text
    # his profile stays (he may be invited again): /mydata still answers with it
    await jan.send("/mydata")
    data = json.loads(documents(jan)[-1].document.data)
    assert data["person"]["name"] == "Jan Členová" and data["reports"] == []


async def test_in_english_the_summary_and_the_former_member_read_in_english(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan, description=JAN_TEXT)
    for person in (jan, petra):
        await person.send("/lang")
        await person.press("English")
    await jan.send("/mydata")
    summary = jan.inbox[-2].text
    assert "Your data" in summary and "Problems you reported: 1" in summary, summary
    await jan.send("/leave")
    await jan.press("Poruba")
    assert "Leave the team Poruba?" in jan.last().text
    await jan.press("Yes, leave")
    assert "You have left the team Poruba." in jan.last().text
    await petra.send("/problem 1")
    assert "former member (NGO)" in petra.last().text, petra.last().text


@pytest.mark.parametrize("who", ["jan", "member", "petra", "admin", "stranger"])
async def test_every_privacy_command_and_button_answers_politely(bot, who):
    people = await seeded(bot)
    person = people[who]
    problems: list[str] = []
    commands = ["/mydata", f"/mydata {people['jan'].id}", "/erase", f"/erase {people['member'].id}"]
    commands += ["/erase 12x", "/leave"]  # /leave last: its buttons really leave
    for command in commands:
        for path in await button_paths(person, command):
            before = len(failures(bot))
            await person.send("/cancel")
            await person.send(command)
            for label in path:
                screen = person.inbox[-1]
                if label not in screen.button_texts():
                    break
                await person.press(label, message=screen)
            refused = failures(bot)[before:]
            if refused:
                problems.append(f"{command} {path}: refused {refused}")
            if person.inbox and BROKEN in person.inbox[-1].text:
                problems.append(f"{command} {path}: {BROKEN}")
    assert not problems, "\n".join(problems)


async def button_paths(person: Person, command: str) -> list[list[str]]:
    """The command alone, each of its buttons, and each button behind those (two deep)."""
    await person.send("/cancel")
    await person.send(command)
    first = person.inbox[-1] if person.inbox else None
    paths: list[list[str]] = [[]]
    for label in first.button_texts() if first is not None else []:
        paths.append([label])
        await person.send("/cancel")
        await person.send(command)
        screen = person.inbox[-1]
        if label not in screen.button_texts():
            continue
        await person.press(label, message=screen)
        paths += [[label, inner] for inner in person.inbox[-1].button_texts()]
    return paths


async def test_erasure_leaves_no_id_in_the_audits_details(bot):
    """Who invited whom, whose task went where: after an erasure these name the pseudonym."""
    from bot.services.authz import Actor
    from tests.flows import make_team

    petra, _jan, _eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    services = bot.app.bot_data.services
    await services.privacy.erase(Actor(user_id=bot.admin.id, is_admin=True), petra.id)
    async with (
        bot.db.read() as repos,
        repos.problems.conn.execute(
            "SELECT action, actor_id, object_id, details FROM audit_events"
        ) as cur,
    ):
        rows = [tuple(row) for row in await cur.fetchall()]
    assert any("invited_by" in (row[3] or "") for row in rows)  # the scan has something to see
    hits = [row for row in rows if str(petra.id) in " ".join(str(v) for v in row)]
    assert hits == []


async def test_mydata_whose_file_cannot_be_sent_says_so_plainly(bot):
    from tests.flows import make_team

    _petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    bot.emu.inject_fault("sendDocument", status=502, count=10)
    await jan.send("/mydata")
    texts = [m.text for m in jan.inbox[-3:]]
    assert any("nepodařilo poslat" in text for text in texts), texts
    assert not any("Něco se pokazilo" in text for text in texts), texts
