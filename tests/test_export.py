"""``/export``: problems (with the ``/problems`` filters), tasks and meetings with attendance as
XLSX or CSV, for a team's coordinators or the whole city (administrators), over a period; every
export audited; coordinators-only rows only for those who may see them."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta

import openpyxl

from bot.domain.problems import Category, Status, Urgency
from bot.services.authz import Actor
from tests.flows import invite_code, join, make_team, report
from tests.test_minutes import prepared
from tests.test_problems import seed
from tests.test_two_teams import two_teams

SECRET = "TAJNEHLASENI policie o skupine u garazi"


def workbook(message):  # type: ignore[no-untyped-def]
    assert message.document is not None, message.text
    assert message.document.filename.endswith(".xlsx")
    return openpyxl.load_workbook(io.BytesIO(message.document.data))


def sheet_rows(message) -> list[tuple]:  # type: ignore[no-untyped-def, type-arg]
    return [tuple(row) for row in workbook(message).active.iter_rows(values_only=True)]


async def audit(bot) -> list[tuple]:  # type: ignore[no-untyped-def, type-arg]
    async with (
        bot.db.read() as repos,
        repos.audit.conn.execute(
            "SELECT actor_id, team_id, details FROM audit_events WHERE action = 'data.export'"
        ) as cur,
    ):
        return [(r[0], r[1], json.loads(r[2] or "{}")) for r in await cur.fetchall()]


async def test_a_coordinator_exports_the_teams_problems_as_xlsx(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await seed(bot, jan, 2)
    await seed(bot, jan, 1, category=Category.ADDICTION, urgency=Urgency.ACUTE, locality="Dubina")
    services = bot.app.bot_data.services
    await services.problems.change_status(Actor(petra.id), 1, Status.SOLVED)
    await services.problems.set_support(Actor(petra.id), 2, True)
    await services.problems.comment(Actor(jan.id), 2, 'Doplňuji: =HYPERLINK("x") večer.')

    await petra.send("/export")
    screen = petra.last()
    assert "Tým: Poruba" in screen.text and "Období: 2026" in screen.text
    assert "• Problémy" in screen.button_texts() and "• Rok" in screen.button_texts()
    assert "👥 Tým…" not in screen.button_texts()  # one team only
    await petra.press("📥 XLSX")
    sent = petra.last()
    assert sent.document is not None and sent.document.filename == "problemy-poruba-y2026.xlsx"
    assert "Problémy · Poruba · 2026 · 3 řádky" in sent.text
    book = workbook(sent)
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:Q4"
    assert sheet.column_dimensions["Q"].width == 60
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["Číslo", "Tým", "Nahlášeno", "Kategorie", "Lokalita", "Stav"]
    assert "Popis" in header and "Podpory" in header and "Jen koordinátoři" in header
    rows = sheet_rows(sent)[1:]
    assert [r[0] for r in rows] == [1, 2, 3]  # every status, by number
    first, second, third = rows
    assert isinstance(first[0], int) and isinstance(first[2], datetime)
    assert first[2] == datetime(2026, 11, 24, 9, 0)  # 8:00 UTC is 9:00 in Prague
    assert first[5] == "vyřešeno" and second[5] == "nový"
    assert third[3] == "návykové látky" and third[4] == "Dubina" and third[7] == "akutní"
    assert second[header.index("Podpory")] == 1 and second[header.index("Komentáře")] == 1
    assert isinstance(second[header.index("Podpory")], int)
    assert first[header.index("Jen koordinátoři")] == "ne"
    assert "Hlučná skupina" in first[header.index("Popis")]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    (entry,) = await audit(bot)
    assert entry[0] == petra.id and entry[2]["rows"] == 3 and entry[2]["what"] == "p"
    assert entry[2]["format"] == "x" and entry[2]["period"] == "y2026"


async def test_csv_is_what_czech_excel_opens(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await seed(bot, jan, 1, description='Skupina "u vchodu"; hluk =1+1 po 22. hodině.')
    await petra.send("/export csv")  # the format typed: the file at once
    sent = petra.last()
    assert sent.document is not None and sent.document.filename.endswith(".csv")
    data = sent.document.data
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0].startswith("Číslo;Tým;Nahlášeno;Kategorie;Lokalita;Stav;")
    assert lines[1].startswith("1;Poruba;24.11.2026 9:00;veřejný pořádek a bezpečnost;")
    assert '"Skupina ""u vchodu""; hluk =1+1 po 22. hodině."' in lines[1]
    assert lines[-1] == "" and len(lines) == 3
    assert (await audit(bot))[0][2]["format"] == "c"


async def test_problem_filters_and_periods(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await seed(bot, jan, 2)
    await seed(bot, jan, 1, category=Category.ADDICTION)
    await bot.app.bot_data.services.problems.change_status(Actor(petra.id), 3, Status.SOLVED)

    await petra.send("/export drogy xlsx")
    assert [r[0] for r in sheet_rows(petra.last())[1:]] == [3]
    await petra.send("/export otevřené xlsx")
    assert [r[0] for r in sheet_rows(petra.last())[1:]] == [1, 2]
    await petra.send("/export drogy otevřené")
    assert "Co: problémy (otevřené, návykové látky)" in petra.last().text
    await petra.press("📥 CSV")
    assert "Není co exportovat" in petra.last().text and petra.last().document is None

    await petra.send("/export listopad 2026 xlsx")
    assert len(sheet_rows(petra.last())) == 4
    await petra.send("/export od 1.9. do 30.11. xlsx")
    assert len(sheet_rows(petra.last())) == 4
    await petra.send("/export Q3 2026")
    assert "Období: 3. čtvrtletí 2026" in petra.last().text
    await petra.press("📥 XLSX")
    assert "Není co exportovat" in petra.last().text and "3. čtvrtletí 2026" in petra.last().text
    screen = petra.inbox[-2]
    await petra.press("Tento měsíc", message=screen)
    assert "Období: listopad 2026" in screen.text  # the same screen, edited
    await petra.press("📥 XLSX", message=screen)
    assert petra.last().document is not None

    for typed, said in [
        ("Q5 2026", "Rok má čtyři čtvrtletí"),
        ("od 31.2.", "Takový den v kalendáři není"),
        ("od 30.11.2026 do 1.9.2026", "Období končí dřív, než začíná"),
        ("1999", "rok mezi 2000 a 2099"),
    ]:
        await petra.send(f"/export {typed}")
        assert said in petra.last().text, (typed, petra.last().text)
        assert petra.last().document is None
    await petra.send("/export blábolení")
    assert "Nerozuměl jsem: blábolení" in petra.last().text
    assert "Období:" in petra.last().text
    assert len(await audit(bot)) == 5  # the five files; nothing for empty or refused ones


async def test_tasks_and_meetings_with_attendance(bot):
    petra, _, _ = await prepared(bot)  # a meeting about to be held, Jan said "yes"
    await petra.send("/minutes")
    await petra.press("▫ Eva Členová")
    await petra.press("Pokračovat programem ▶")
    await petra.press("🏁 Dokončit")
    await petra.press("✅ Uložit a rozeslat zápis")
    from tests.test_tasks import new_task

    await new_task(petra)
    await petra.send("/export úkoly xlsx")
    rows = sheet_rows(petra.last())
    assert rows[0][:5] == ("Číslo", "Tým", "Problém", "Úkol", "Odpovídá")
    task = rows[1]
    assert task[2] == 1 and "večerní hlídky" in task[3] and task[4] == "Jan Členová"
    assert isinstance(task[6], datetime) and task[7] == "otevřený"

    await petra.send("/export schůzky xlsx")
    rows = sheet_rows(petra.last())
    header = list(rows[0])
    meeting = dict(zip(header, rows[1], strict=True))
    assert meeting["Místo"] == "ÚMOb Poruba, zasedačka 214"
    assert meeting["Stav"] == "proběhla" and meeting["Přijde"] == 1
    assert meeting["Přítomno"] == 2 and isinstance(meeting["Přítomno"], int)
    assert meeting["NNO"] == 1 and meeting["MPO"] == 1 and meeting["PCR"] == 0
    assert meeting["Začátek"] == datetime(2026, 12, 15, 14, 0)


async def test_members_and_strangers_are_refused_politely(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await seed(bot, jan, 1)
    stranger = bot.person("Eva")
    await stranger.send("/start")
    for person in (jan, stranger):
        await person.send("/export")
        assert "Export je pro koordinátory týmu a pro správce za město" in person.last().text
        assert person.last().document is None
        await person.press_data("ex:x:p:1:y2026:sa")  # forged: the coordinator's button
        assert person.last().document is None
    assert await audit(bot) == []


async def test_an_empty_team_gets_a_sentence_not_an_empty_file(bot):
    (petra,) = await make_team(bot, "Poruba", "Petra")
    await petra.send("/export xlsx")
    assert "Není co exportovat (tým: Poruba, období: 2026): žádné problémy" in petra.last().text
    await petra.send("/export schůzky csv")
    assert "žádné schůzky" in petra.last().text and petra.last().document is None
    assert await audit(bot) == []


async def test_the_administrator_exports_the_whole_city_or_one_team(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    (karel,) = await make_team(bot, "Jih", "Karel")
    await seed(bot, jan, 2)
    await seed(bot, karel, 1)
    admin = bot.admin
    await admin.send("/export")
    assert "Který tým exportovat?" in admin.last().text
    assert admin.last().button_texts() == ["🏙 Celé město", "Jih", "Poruba"]
    await admin.press("🏙 Celé město")
    assert "Tým: celé město" in admin.last().text
    await admin.press("📥 XLSX")
    rows = sheet_rows(admin.last())
    assert {r[1] for r in rows[1:]} == {"Poruba", "Jih"} and len(rows) == 4
    assert admin.last().document.filename == "problemy-mesto-y2026.xlsx"
    await admin.send("/export Jih csv")
    assert admin.last().document.data.decode("utf-8-sig").count("\r\n") == 2
    entries = await audit(bot)
    assert entries[0][1] is None and entries[0][2]["city"] is True
    await admin.send("/export město vše xlsx")
    assert len(sheet_rows(admin.last())) == 4
    await admin.send("/audit")
    assert "export (/export): problémy, 2026, 3 řádky, celé město" in admin.last().text
    # a coordinator cannot ask for the city
    await karel.send("/export město")
    assert "Export je pro koordinátory" in karel.last().text


async def test_coordinators_only_rows_and_a_person_in_two_teams(bot):
    petra, jan, karel = await two_teams(bot)
    await report(petra, locality="Confaulice 7", description=SECRET, send=False)
    await petra.press("🔒 Jen pro koordinátory")
    await petra.press("✅ Odeslat")
    await report(karel, description="JIHOVE hlaseni z Hrabuvky", locality="Hrabůvka")
    # Jan: a member in Poruba, the coordinator in Jih: Jih only, without a picker
    await jan.send("/export")
    assert "Tým: Jih" in jan.last().text and "👥 Tým…" not in jan.last().button_texts()
    await jan.press("📥 CSV")
    data = jan.last().document.data.decode("utf-8-sig")
    assert "JIHOVE" in data and SECRET not in data and "Confaulice" not in data
    await jan.send("/export Poruba xlsx")
    assert "Export je pro koordinátory" in jan.last().text
    # a forged press for Poruba: refused, no file, nothing audited for Poruba
    poruba = (await bot.app.bot_data.services.problems.filter_teams(Actor(petra.id)))[0].id
    before = len(jan.inbox)
    answer = await jan.press_data(f"ex:x:p:{poruba}:a:sa")
    assert answer is not None and answer.text == "Promiňte, k tomu nemáte oprávnění."
    assert all(m.document is None for m in jan.inbox[before:])
    assert all(e[1] != poruba for e in await audit(bot) if e[0] == jan.id)
    # Petra, the coordinator, has her secret in her export
    await petra.send("/export xlsx")
    assert any(SECRET in str(r) for r in sheet_rows(petra.last()))


async def test_forged_stale_and_group_presses(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await seed(bot, jan, 1)
    await petra.send("/export")
    for data in (
        "ex:x:p:1:q20265:-",  # no fifth quarter
        "ex:x:z:1:a:-",  # no such kind
        "ex:x:p:abc:a:-",
        "ex:x:p:1:a:cZ",  # no such category
        "ex:x:p:1:a:t1",  # the team travels on its own
        "ex:q:p:1:a:-",  # no such operation
        "ex:x:p:1:a",  # a field short
        "ex:x:p:999:a:-",  # no such team
    ):
        before = len(petra.inbox)
        answer = await petra.press_data(data)
        assert answer is not None and answer.text in (
            "Toto tlačítko už neplatí. Začněte prosím znovu.",
            "Promiňte, k tomu nemáte oprávnění.",
        ), (data, answer)
        assert all(m.document is None for m in petra.inbox[before:]), data
    assert await audit(bot) == []
    # a press in a group does nothing there
    group = bot.emu.group("MDT Poruba")
    await petra.add_bot_to(group)
    await petra.send_to(group, "/linkgroup")
    await petra.send_to(group, "/export")
    assert "soukrom" in group.messages[-1].text
    answer = await petra.press_data("ex:x:p:1:a:-", message=group.messages[-1])
    assert answer is not None and "soukromém chatu" in answer.text
    assert all(m.document is None for m in group.messages)
    assert await audit(bot) == []
    # a double tap gives two files, each audited (nothing is changed by an export)
    await petra.send("/export")
    await petra.press("📥 CSV")
    await petra.press("📥 CSV", message=petra.inbox[-2])
    assert len(await audit(bot)) == 2


async def test_a_removed_coordinator_cannot_use_an_old_screen(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    code = await invite_code(petra, role="Koordinátor", team="Poruba")
    olga = bot.person("Olga")
    await join(olga, code, name="Olga Nováková")
    await seed(bot, jan, 1)
    await olga.send("/export")
    screen = olga.last()
    await petra.send("/members")
    async with bot.db.transaction() as repos:
        team = (await repos.teams.list_all())[0]
        await repos.memberships.remove(team.id, olga.id, bot.clock.now())
    answer = await olga.press("📥 XLSX", message=screen)
    assert answer is not None and answer.show_alert and "jen pro členy týmu" in answer.text
    assert olga.last().document is None
    assert await audit(bot) == []


async def test_fifty_rows_over_a_chunk_boundary(bot, monkeypatch):
    from bot.services import exports

    monkeypatch.setattr(exports, "CHUNK", 7)
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await seed(bot, jan, 50)
    bot.advance(timedelta(days=1))
    await petra.send("/export vše xlsx")
    assert [r[0] for r in sheet_rows(petra.last())[1:]] == list(range(1, 51))
    await petra.send("/export vše csv")
    assert petra.last().document.data.count(b"\r\n") == 51
