"""Redaction (issue 10, item 11): the author and the team's coordinators edit or redact a
description, comment, proposal or minutes note; coordinators remove a photo. The earlier text is
gone from every table and from the database file, the timeline says who and when, and notices
already delivered are edited where Telegram allows."""

from __future__ import annotations

from pathlib import Path

from bot.services.authz import Actor
from tests.flows import make_team, report
from tests.test_minutes import prepared
from tests.test_problems import stored
from tests.test_two_teams import two_teams

SECRET = "ZQX9K"  # stands for a name or a number plate: it must vanish everywhere
DESCRIPTION = f"U vchodu stojí auto {SECRET} a řidič tam prodává drogy dětem."
UNREACHABLE = (
    "Dokumenty (PDF programu a zápisu) už stažené a zálohy do jejich vypršení nelze změnit."
)


async def tables_with(bot, needle: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Every table.column whose stored value contains ``needle``."""
    found = []
    async with bot.db.read() as repos:
        conn = repos.problems.conn
        async with conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cur:
            tables = [row[0] for row in await cur.fetchall()]
        for table in tables:
            async with conn.execute(f"PRAGMA table_info({table})") as cur:
                columns = [row[1] for row in await cur.fetchall()]
            for column in columns:
                sql = f"SELECT COUNT(*) FROM {table} WHERE CAST({column} AS TEXT) LIKE ?"
                async with conn.execute(sql, (f"%{needle}%",)) as cur:
                    row = await cur.fetchone()
                if row and row[0]:
                    found.append(f"{table}.{column}")
    return found


def in_files(bot, needle: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The database's files (main, write-ahead log, journal) whose bytes contain ``needle``."""
    path = Path(bot.db_path)
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")]
    return [f.name for f in files if f.exists() and needle.encode() in f.read_bytes()]


def notice_with(person, needle: str):  # type: ignore[no-untyped-def]
    return next(m for m in person.inbox if needle in m.text)


async def test_a_coordinator_redacts_a_description_everywhere(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan, description=DESCRIPTION)
    notice = notice_with(petra, SECRET)  # the coordinators' new-problem notice
    assert "Nový problém" in notice.text
    assert await tables_with(bot, SECRET)  # the test can see it before

    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("✏ Upravit texty")
    screen = petra.last().text
    assert "Úprava textů u problému #1" in screen and SECRET in screen
    await petra.press("🗑 1")
    assert "značkou [odstraněno]" in petra.last().text
    (yes,) = [b for row in petra.last().buttons for b in row if b.text == "🗑 Ano, odstranit"]
    await petra.press("🗑 Ano, odstranit")
    done = petra.last().text
    assert "Text byl změněn" in done
    assert "Upraveno 1 už odeslané oznámení." in done
    assert UNREACHABLE in done

    # what people see: the notice in Petra's chat was edited, the detail shows the marker
    assert notice.edited and SECRET not in notice.text and "[odstraněno]" in notice.text
    assert (await stored(bot, 1)).description == "[odstraněno]"
    await eva.send("/problem 1")
    assert SECRET not in eva.last().text and "[odstraněno]" in eva.last().text
    assert "text upraven (popis)" in eva.last().text and "Petra" in eva.last().text
    # what is stored: no table, no page of the file, no log holds the text any more
    assert await tables_with(bot, SECRET) == []
    assert in_files(bot, SECRET) == []

    # the confirmation pressed again (a double tap, a redelivered update): nothing more happens
    assert yes.callback_data is not None
    await petra.press_data(yes.callback_data)
    await petra.press_data(yes.callback_data)
    assert "Text už takto zní" in petra.last().text or "už byl odstraněn" in petra.last().text
    async with bot.db.read() as repos:
        entries, _ = await repos.problems.timeline(1, last=50)
    assert [e.kind.value for e in entries].count("edited") == 1
    assert all(SECRET not in e.text for e in entries)


async def test_the_author_edits_a_comment_and_others_may_not(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(petra, locality="Hlavní třída 5")
    await jan.send("/problem 1")
    await jan.press("💬 Komentovat")
    await jan.send(f"Viděl jsem tam pana {SECRET} z vedlejšího domu.")
    async with bot.db.read() as repos:
        (comment,) = await repos.redaction.comments(1, 10)

    # another member sees no button for Jan's comment, and a forged one is refused
    await eva.send("/problem 1")
    await eva.press("✏ Upravit texty")
    assert "Nejsou tu žádné vaše texty" in eva.last().text
    for data in (f"rd:e:c:{comment.id}", f"rd:r:c:{comment.id}:y", "rd:r:d:1:y", "rd:f:1"):
        answer = await eva.press_data(data)
        assert answer is not None and answer.show_alert, data
    assert SECRET in (await repos_comment(bot, comment.id))
    # forged, bad and unknown references
    for data in ("rd:e:c:x", "rd:r:c:999:y", "rd:r:n:1:y", "rd:e:q:1", "rd:r:c:1:n", "rd:zz:1"):
        answer = await jan.press_data(data)
        assert answer is not None and answer.show_alert, data

    # Jan edits his own comment: typed, with Back first
    await jan.press_data("rd:l:1")
    await jan.press("✏ 1")
    prompt = jan.last()
    assert "Napište nový text (komentář)" in prompt.text and SECRET in prompt.text
    await jan.press("« Zpět")
    assert "Úprava textů u problému #1" in jan.last().text
    await jan.press("✏ 1")
    prompt = jan.last()
    await jan.send("x")  # too short: the same rule as a new comment
    assert "Úprava" not in jan.last().text
    await jan.send("Viděl jsem tam souseda <z vedlejšího domu>.")
    assert "Text byl změněn" in jan.last().text
    assert SECRET not in prompt.text  # the prompt that quoted the earlier text is cleared
    assert await repos_comment(bot, comment.id) == "Viděl jsem tam souseda <z vedlejšího domu>."
    await eva.send("/problem 1")
    assert "souseda <z vedlejšího domu>" in eva.last().text
    assert "text upraven (komentář)" in eva.last().text
    assert await tables_with(bot, SECRET) == []
    assert in_files(bot, SECRET) == []


async def repos_comment(bot, comment_id: int) -> str:  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        comment = await repos.redaction.comment(comment_id)
    assert comment is not None
    return comment.text


async def test_as_jan_a_coordinator_of_jih_and_a_member_of_poruba(bot):
    petra, jan, karel = await two_teams(bot)
    await report(petra, locality="Hlavní třída 5", description=DESCRIPTION)  # #1 Poruba
    await report(karel, locality="Hrabůvka, Horní 5", description=DESCRIPTION)  # #2 Jih

    # in Poruba Jan is a member: not his description
    await jan.send("/problem 1")
    await jan.press("✏ Upravit texty")
    assert "Nejsou tu žádné vaše texty" in jan.last().text
    answer = await jan.press_data("rd:r:d:1:y")
    assert answer is not None and answer.show_alert
    assert (await stored(bot, 1)).description == DESCRIPTION
    # in Jih he coordinates: he redacts Karel's description
    await jan.send("/problem 2")
    await jan.press("⚙ Koordinace ▸")
    await jan.press("✏ Upravit texty")
    await jan.press("🗑 1")
    await jan.press("🗑 Ano, odstranit")
    assert "Text byl změněn" in jan.last().text
    assert (await stored(bot, 2)).description == "[odstraněno]"
    jans_notice = next(m for m in jan.inbox if "Nový problém" in m.text and "#2" in m.text)
    assert SECRET not in jans_notice.text and "[odstraněno]" in jans_notice.text
    # Poruba's #1 is untouched; Karel (Jih) cannot reach it
    answer = await karel.press_data("rd:r:d:1:y")
    assert answer is not None and answer.show_alert
    assert (await stored(bot, 1)).description == DESCRIPTION


async def test_a_proposal_edited_and_a_notice_telegram_refuses_to_edit(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan, locality="Hlavní třída 5")
    await eva.send("/propose 1")
    await eva.send(f"Ať si s panem {SECRET} promluví sociální pracovnice z Charity.")
    await eva.press("Nikdo konkrétní")
    notice = notice_with(petra, "Nový návrh")
    assert SECRET in notice.text

    # Jan (the reporter, not the proposer) may not; the coordinator's notice refuses the edit
    await jan.send("/problem 1")
    await jan.press("✏ Upravit texty")
    assert "Popis:" in jan.last().text and "Návrh:" not in jan.last().text
    team_id = (await stored(bot, 1)).team_id
    async with bot.db.read() as repos:
        (proposal,) = await repos.proposals.for_problem(team_id, 1)
    answer = await jan.press_data(f"rd:r:p:{proposal.id}:y")
    assert answer is not None and answer.show_alert
    await eva.send("/problem 1")
    await eva.press("✏ Upravit texty")
    assert "Návrh:" in eva.last().text
    await eva.press("✏ 1")
    bot.emu.inject_fault("editMessageText", status=400, description="message can't be edited")
    await eva.send("Ať si s tím člověkem promluví sociální pracovnice z Charity.")
    done = eva.last().text
    assert "Text byl změněn" in done
    assert "1 oznámení nešlo upravit" in done and UNREACHABLE in done
    assert SECRET in notice.text  # Telegram refused: the copy stays, and the person is told
    team_id = (await stored(bot, 1)).team_id
    async with bot.db.read() as repos:
        (proposal,) = await repos.proposals.for_problem(team_id, 1)
    assert proposal.text == "Ať si s tím člověkem promluví sociální pracovnice z Charity."
    assert await tables_with(bot, SECRET) == []

    # Petra (coordinator) redacts it: now her notice is edited
    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("✏ Upravit texty")
    assert "Popis:" in petra.last().text and "Návrh:" in petra.last().text
    await petra.press("🗑 2")
    await petra.press("🗑 Ano, odstranit")
    assert "Upraveno 1 už odeslané oznámení." in petra.last().text
    assert "[odstraněno]" in notice.text and "sociální pracovnice" not in notice.text


async def test_coordinators_only_problems_stay_invisible_to_members(bot):
    petra, jan, _eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(petra, locality="Hlavní třída 5", description=DESCRIPTION)
    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🔒 Jen koordinátoři")
    await petra.press("✅ Ano")
    for data in ("rd:l:1", "rd:e:d:1", "rd:r:d:1:y", "rd:f:1"):
        answer = await jan.press_data(data)
        assert answer is not None and answer.show_alert, data
        assert "nemáte přístup" in answer.text, answer.text
    assert (await stored(bot, 1)).description == DESCRIPTION


async def test_a_coordinator_removes_a_photo(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan, photos=2)
    before = (await stored(bot, 1)).photos
    assert len(before) == 2

    # the reporter (a member) may not remove photos
    answer = await jan.press_data("rd:f:1:0:y")
    assert answer is not None and answer.show_alert
    assert len((await stored(bot, 1)).photos) == 2

    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("✏ Upravit texty")
    await petra.press("📷 Odebrat fotku (2)")
    await petra.press("📷 2")
    assert "Odebrat fotku 2 u problému #1?" in petra.last().text
    (yes,) = [b for row in petra.last().buttons for b in row if b.text == "🗑 Ano, odebrat"]
    await petra.press("🗑 Ano, odebrat")
    done = petra.last().text
    assert "Fotka byla odebrána" in done
    assert "Kopie už doručené do chatů nelze z Telegramu odvolat" in done and UNREACHABLE in done
    after = (await stored(bot, 1)).photos
    assert after == before[:1]
    assert await tables_with(bot, before[1].file_id) == []
    # pressed again: the other photo stays
    assert yes.callback_data is not None
    await petra.press_data(yes.callback_data)
    assert "už byla odebrána" in petra.last().text
    assert (await stored(bot, 1)).photos == before[:1]
    await eva.send("/problem 1")
    assert "odebral(a) fotku" in eva.last().text


async def test_a_coordinator_redacts_a_note_of_held_minutes(bot):
    petra, jan, _eva = await prepared(bot)
    await petra.send("/minutes")
    await petra.press("Pokračovat programem ▶")
    await petra.press("📝 Poznámka")
    await petra.send(f"Řidič {SECRET} slíbil, že tam už nebude parkovat.")
    await petra.press("💬 projednáno")
    await petra.press("🏁 Dokončit")
    await petra.press("✅ Uložit a rozeslat zápis")
    zapis = notice_with(jan, "Zápis ze schůzky týmu Poruba")
    assert SECRET in zapis.text

    # a member sees the note in the minutes but may not change it
    await jan.send("/problem 1")
    await jan.press("✏ Upravit texty")
    assert "Poznámka v zápisu" not in jan.last().text
    answer = await jan.press_data("rd:r:n:1.0:y")
    assert answer is not None and answer.show_alert

    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("✏ Upravit texty")
    assert "Poznámka v zápisu:" in petra.last().text
    labels = petra.last().button_texts()
    index = next(line for line in petra.last().text.splitlines() if "Poznámka v zápisu" in line)
    number = index.split(".")[0]
    assert f"🗑 {number}" in labels
    await petra.press(f"🗑 {number}")
    await petra.press("🗑 Ano, odstranit")
    done = petra.last().text
    assert "Text byl změněn" in done and UNREACHABLE in done
    assert SECRET not in zapis.text and "[odstraněno]" in zapis.text  # Jan's copy edited
    assert await tables_with(bot, SECRET) == []
    assert in_files(bot, SECRET) == []


async def test_a_comment_copied_to_the_original_of_a_duplicate_goes_too(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(petra, locality="Hlavní třída 5")
    await report(eva, locality="Zárubecká 12")
    await jan.send("/problem 2")
    await jan.press("💬 Komentovat")
    await jan.send(f"Viděl jsem tam pana {SECRET} z vedlejšího domu.")
    services = bot.app.bot_data.services
    await services.problems.mark_duplicate(Actor(user_id=petra.id), 2, 1)
    await bot.app.bot_data.outbox.settle()  # Eva is told first
    await eva.send("/problem 1")
    assert SECRET in eva.last().text  # the comment came along to the original

    await jan.send("/problem 2")
    await jan.press("✏ Upravit texty")
    await jan.press("🗑 1")
    await jan.press("🗑 Ano, odstranit")
    assert "Text byl změněn" in jan.last().text
    await eva.send("/problem 1")
    assert SECRET not in eva.last().text and "[odstraněno]" in eva.last().text
    assert await tables_with(bot, SECRET) == []
    assert in_files(bot, SECRET) == []


async def test_a_stranger_and_a_removed_author_cannot_edit(bot):
    petra, jan, _eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan, description=DESCRIPTION)
    await jan.send("/problem 1")
    await jan.press("✏ Upravit texty")
    await jan.press("✏ 1")  # Jan starts editing his description...
    assert "Napište nový text (popis)" in jan.last().text

    stranger = bot.person("Cizí")
    await stranger.send("/start")
    for data in ("rd:l:1", "rd:e:d:1", "rd:r:d:1:y", "rd:f:1:0:y"):
        answer = await stranger.press_data(data)
        assert answer is not None and answer.show_alert, data

    # ...and is removed from the team before he sends it: nothing changes
    services = bot.app.bot_data.services
    team_id = (await stored(bot, 1)).team_id
    await services.members.remove(Actor(user_id=petra.id), team_id, jan.id)
    await jan.send("Úplně jiný popis bez jména, jen stříkačky na hřišti.")
    assert (await stored(bot, 1)).description == DESCRIPTION
    answer = await jan.press_data("rd:r:d:1:y")
    assert answer is not None and answer.show_alert
    assert (await stored(bot, 1)).description == DESCRIPTION


async def test_an_administrator_edits_like_a_coordinator(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan, description=DESCRIPTION)
    notice = notice_with(petra, SECRET)
    admin = bot.admin
    await admin.send("/problem 1")
    await admin.press("⚙ Koordinace ▸")
    await admin.press("✏ Upravit texty")
    await admin.press("✏ 1")
    await admin.send("Na hřišti <b>někdo</b> prodává drogy dětem, auto bez popisu.")
    assert "Text byl změněn" in admin.last().text
    expected = "Na hřišti <b>někdo</b> prodává drogy dětem, auto bez popisu."
    assert (await stored(bot, 1)).description == expected
    assert expected in notice.text and SECRET not in notice.text  # escaped, shown as typed
    assert await tables_with(bot, SECRET) == []
