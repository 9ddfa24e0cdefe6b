"""Coordinators reassign tasks and move deadlines, see the whole team's tasks, and get back
the tasks of a member who left."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.flows import make_team, report
from tests.test_meetings import run_due, said
from tests.test_tasks import DEADLINE, new_task
from tests.test_two_teams import two_teams


async def only_task(bot):  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        (team,) = [t for t in await repos.teams.list_all() if t.name == "Poruba"]
        (task,) = await repos.tasks.unfinished(team.id)
    return task


async def test_a_coordinator_reassigns_a_task_from_the_team_view(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan)
    await new_task(petra)
    await petra.send("/tasks")
    assert "👥 Celý tým" in petra.last().button_texts()
    await petra.press("👥 Celý tým")
    view = petra.last().text
    assert "Poruba" in view and "1 otevřený úkol" in view
    assert "Domluvit s MP večerní hlídky u hřiště — Jan Členová" in view
    await petra.press(next(b for b in petra.last().button_texts() if b.startswith("1. ")))
    await petra.press("👤 Přidělit jinému")
    assert "Kdo má úkol převzít?" in petra.last().text
    assert "Jan Členová" not in petra.last().button_texts()  # the present owner
    await petra.press("Eva Členová")
    assert "Úkol je přidělen jinému" in petra.last().text
    assert "— Eva Členová" in petra.last().text

    task = await only_task(bot)
    assert task.owner_id == eva.id and task.owner_org is not None and "Eva" not in task.owner_org
    new = next(m for m in eva.inbox if "Nový úkol pro vás" in m.text)
    assert new.button_texts() == ["✅ Hotovo", "⛔ Zablokováno"]
    taken = next(m for m in jan.inbox if "Váš úkol byl předán někomu jinému" in m.text)
    assert "— Eva Členová" in taken.text and taken.button_texts() == []
    async with bot.db.read() as repos:
        (event,) = await repos.audit.by_action("task.reassign")
    assert event.details["from_owner"] == jan.id and event.details["to_owner"] == eva.id

    # the reminder goes to the new owner only
    bot.clock.set(DEADLINE - timedelta(hours=24))
    await run_due(bot)
    assert said(eva, "Připomínka: blíží se termín")
    assert not said(jan, "Připomínka: blíží se termín")
    await jan.send("/tasks")
    assert "Nemáte žádné otevřené úkoly" in jan.last().text
    # a plain member sees their own tasks only, with no team view
    await eva.send("/tasks")
    assert all("Celý tým" not in m.text for m in eva.inbox)
    assert eva.last().button_texts() == ["✅ Hotovo", "⛔ Zablokováno"]
    answer = await eva.press_data("tk:l:a")
    assert answer is not None and answer.show_alert


async def test_a_task_goes_to_an_organisation_only(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await new_task(petra)
    task = await only_task(bot)
    await petra.press_data(f"tk:v:{task.id}")
    await petra.press("👤 Přidělit jinému")
    await petra.press("🏢 Jen organizace")
    await petra.send("Magistrát <i>OSV</i>")
    assert "Úkol je přidělen jinému" in petra.last().text
    assert "— Magistrát <i>OSV</i> ·" in petra.last().text
    task = await only_task(bot)
    assert task.owner_id is None and task.owner_org == "Magistrát <i>OSV</i>"
    assert said(jan, "Váš úkol byl předán někomu jinému")


async def test_a_coordinator_moves_the_deadline(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await new_task(petra)
    task = await only_task(bot)
    await petra.press_data(f"tk:v:{task.id}")
    await petra.press("📅 Změnit termín")
    await petra.send("1.1.2020")
    assert "Ten okamžik už minul" in petra.last().text
    await petra.send("22.12.")
    assert "Rozumím" in petra.last().text and "22. prosince 2026" in petra.last().text
    await petra.press("✅ Ano")
    assert "Termín je změněn" in petra.last().text
    assert "termín 22. 12. 2026" in petra.last().text
    moved = next(m for m in jan.inbox if "Termín vašeho úkolu se změnil" in m.text)
    assert "termín 22. 12. 2026" in moved.text
    assert moved.button_texts() == ["✅ Hotovo", "⛔ Zablokováno"]
    task = await only_task(bot)
    new_deadline = task.deadline
    assert new_deadline.astimezone(UTC).date() == datetime(2026, 12, 22).date()
    async with bot.db.read() as repos:
        (event,) = await repos.audit.by_action("task.deadline")
    assert event.details["from"] == DEADLINE.isoformat()

    # the old deadline no longer reminds nor escalates; the new one does
    bot.clock.set(DEADLINE + timedelta(hours=1))
    await run_due(bot)
    assert not said(jan, "Připomínka: blíží se termín")
    assert not said(petra, "Úkol je po termínu")
    bot.clock.set(new_deadline - timedelta(hours=24))
    await run_due(bot)
    assert said(jan, "Připomínka: blíží se termín")
    bot.clock.set(new_deadline)
    await run_due(bot)
    assert said(petra, "Úkol je po termínu")


async def test_only_the_tasks_coordinator_may_change_it(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan)
    await new_task(petra)
    task = await only_task(bot)
    # the owner sees the task's screen, without the coordinator's buttons
    await jan.press_data(f"tk:v:{task.id}")
    assert jan.last().button_texts() == ["✅ Hotovo", "⛔ Zablokováno"]
    for data in (f"tk:r:{task.id}", f"tk:t:{task.id}", f"tkr:{task.id}:{eva.id}"):
        answer = await jan.press_data(data)
        assert answer is not None and "nemáte oprávnění" in answer.text, data
    # another member does not even see it
    answer = await eva.press_data(f"tk:v:{task.id}")
    assert answer is not None and "Toto už neexistuje" in answer.text
    (karel,) = await make_team(bot, "Jih", "Karel")
    for data in (f"tk:v:{task.id}", f"tk:r:{task.id}", f"tkr:{task.id}:{karel.id}"):
        answer = await karel.press_data(data)
        assert answer is not None and "Toto už neexistuje" in answer.text, data
    # a member of another team is no owner here; junk is refused
    for data in (f"tkr:{task.id}:{karel.id}", "tkr:abc:1", "tkr:1", "tkc:ok", "tk:l:x"):
        answer = await petra.press_data(data)
        assert answer is not None and answer.show_alert, data
    task = await only_task(bot)
    assert task.owner_id == jan.id and task.deadline == DEADLINE
    async with bot.db.read() as repos:
        assert await repos.audit.by_action("task.reassign") == []


async def test_a_removed_members_tasks_go_back_to_the_coordinators(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan)
    await new_task(petra)
    await new_task(petra, owner="Eva Členová", when="20.12.")
    await petra.send("/members")
    await petra.press("Jan Členová")
    await petra.press("Odebrat z týmu")
    await petra.press("Ano, odebrat")
    await run_due(bot)
    notice = next(
        m for m in petra.inbox if "Úkoly po odcházejícím členovi čekají na nové přidělení" in m.text
    )
    assert "— Jan Členová" in notice.text
    assert "Domluvit s MP večerní hlídky u hřiště" in notice.text
    assert notice.button_texts() == ["1. 👤 Přidělit jinému"]
    team = await only_team(bot)
    async with bot.db.read() as repos:
        tasks = await repos.tasks.unfinished(team.id)
    left = next(t for t in tasks if t.deadline == DEADLINE)
    assert left.owner_id is None and left.owner_org  # the organisation stays
    assert any(t.owner_id == eva.id for t in tasks)  # another member's task stays hers

    # neither a reminder nor an escalation goes to the departed member
    bot.clock.set(DEADLINE + timedelta(hours=1))
    await run_due(bot)
    assert not said(jan, "Připomínka")
    assert not said(jan, "po termínu")

    # the coordinator gives it to Eva from the notice
    await petra.press("1. 👤 Přidělit jinému", message=notice)
    await petra.press("Eva Členová")
    async with bot.db.read() as repos:
        assert (await repos.tasks.get(left.team_id, left.id)).owner_id == eva.id


async def only_team(bot):  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        (team,) = [t for t in await repos.teams.list_all() if t.name == "Poruba"]
    return team


async def test_the_team_view_of_a_coordinator_in_two_teams(bot):
    petra, jan, karel = await two_teams(bot)
    await report(jan, team="Poruba")
    await report(karel, locality="Hrabůvka, Horní 5")
    await new_task(petra)  # Poruba's task for Jan
    await karel.send("/problem 2")
    await karel.press("⚙ Koordinace ▸")
    await karel.press("📌 Úkoly")
    await karel.press("📌 Nový úkol")
    await karel.send("Zjistit majitele pozemku u garáží")
    await karel.press("Karel Koordinátorová")
    await karel.send("18.12.")
    await karel.press("✅ Ano")

    await jan.send("/tasks")
    mine = jan.last().text
    assert "Máte 1 úkol" in mine and "Domluvit s MP" in mine
    await jan.press("👥 Celý tým")
    team_view = jan.last().text
    assert "Jih" in team_view and "Zjistit majitele pozemku" in team_view
    assert "Poruba" not in team_view and "Domluvit s MP" not in team_view
    # Jan reassigns Jih's task, not Poruba's
    await jan.press(next(b for b in jan.last().button_texts() if b.startswith("1. ")))
    assert "👤 Přidělit jinému" in jan.last().button_texts()
    await jan.press("👤 Přidělit jinému")
    await jan.press("Jan Členová")
    assert said(karel, "Váš úkol byl předán někomu jinému")
    poruba_task = await only_task(bot)
    answer = await jan.press_data(f"tk:r:{poruba_task.id}")
    assert answer is not None and "nemáte oprávnění" in answer.text


async def test_the_deadline_understood_is_echoed_and_unknown_words_get_examples(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("📌 Úkoly")
    await petra.press("📌 Nový úkol")
    await petra.send("Domluvit s MP večerní hlídky u hřiště")
    await petra.press("Jan Členová")
    await petra.send("až to půjde")
    assert "Tomuto termínu nerozumím" in petra.last().text
    assert "do pátku" in petra.last().text and "za 14 dní" in petra.last().text
    async with bot.db.read() as repos:
        assert await repos.tasks.of_owner(jan.id) == []
    await petra.send("do pátku")  # the clock stands on Tuesday 24 November 2026
    assert "Rozumím: pátek 27. listopadu 2026 16:00" in petra.last().text
    await petra.press("✏ Ne, znovu")
    await petra.send("za 14 dní")
    assert "Rozumím: úterý 8. prosince 2026 16:00" in petra.last().text
    await petra.press("✅ Ano")
    assert "Úkol je uložen" in petra.last().text
    async with bot.db.read() as repos:
        (task,) = await repos.tasks.of_owner(jan.id)
    assert task.deadline == datetime(2026, 12, 8, 15, 0, tzinfo=UTC)


async def test_a_long_team_view_fits_one_message(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    team = await only_team(bot)
    long_text = "Prověřit " + "velmi dlouhý popis úkolu <b>se značkami</b> " * 8
    async with bot.db.transaction() as repos:
        for n in range(20):
            await repos.tasks.create(
                team.id,
                f"{n + 1}: {long_text}",
                DEADLINE + timedelta(days=n),
                bot.clock.now(),
                owner_id=jan.id,
                owner_org="Charita Ostrava",
                problem_id=None,
                meeting_id=None,
                created_by=petra.id,
            )
    await petra.send("/tasks")
    await petra.press("👥 Celý tým")
    view = petra.last()
    assert "20 otevřených úkolů" in view.text and "… a ještě 5 dalších" in view.text
    assert len(view.text) < 4096 and "<b>se značkami</b>" in view.text
    assert len(view.button_texts()) == 15 + 2
    await petra.press("15. ")
    assert "15: Prověřit" in petra.last().text


async def test_a_double_tap_reassigns_once_and_a_removed_member_cannot_take_over(bot):
    petra, jan, eva, ota = await make_team(bot, "Poruba", "Petra", "Jan", "Eva", "Ota")
    await report(jan)
    await new_task(petra)
    task = await only_task(bot)
    await petra.press_data(f"tk:r:{task.id}")
    screen = next(m for m in reversed(petra.inbox) if "Kdo má úkol převzít" in m.text)
    await petra.press("Eva Členová", message=screen)
    await petra.press_data(f"tkr:{task.id}:{eva.id}", message=screen)  # the same press again
    assert len([m for m in eva.inbox if "Nový úkol pro vás" in m.text]) == 1
    assert len([m for m in jan.inbox if "Váš úkol byl předán" in m.text]) == 1
    async with bot.db.read() as repos:
        assert len(await repos.audit.by_action("task.reassign")) == 1
    await petra.send("/members")
    await petra.press("Ota Členová")
    await petra.press("Odebrat z týmu")
    await petra.press("Ano, odebrat")
    answer = await petra.press_data(f"tkr:{task.id}:{ota.id}")
    assert answer is not None and answer.show_alert
    assert (await only_task(bot)).owner_id == eva.id


async def test_jan_removed_from_one_team_keeps_his_tasks_in_the_other(bot):
    petra, jan, karel = await two_teams(bot)
    await report(jan, team="Poruba")
    await report(karel, locality="Hrabůvka, Horní 5")
    await new_task(petra)  # Poruba's task for Jan
    await karel.send("/problem 2")
    await karel.press("⚙ Koordinace ▸")
    await karel.press("📌 Úkoly")
    await karel.press("📌 Nový úkol")
    await karel.send("Zjistit majitele pozemku u garáží")
    await karel.press("Jan Členová")
    await karel.send("18.12.")
    await karel.press("✅ Ano")
    await petra.send("/members")
    await petra.press("Jan Členová")
    await petra.press("Odebrat z týmu")
    await petra.press("Ano, odebrat")
    await run_due(bot)
    assert said(petra, "Úkoly po odcházejícím členovi čekají na nové přidělení")
    assert not said(karel, "Úkoly po odcházejícím členovi")
    async with bot.db.read() as repos:
        (mine,) = await repos.tasks.of_owner(jan.id)
    assert mine.text == "Zjistit majitele pozemku u garáží"
    assert (await only_task(bot)).owner_id is None
    await jan.send("/tasks")
    assert "Zjistit majitele" in jan.last().text and "Domluvit s MP" not in jan.last().text


async def test_a_blocked_task_handed_to_someone_else_is_open_again(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan)
    await new_task(petra)
    task = await only_task(bot)
    await jan.press_data(f"tk:v:{task.id}")
    await jan.press("⛔ Zablokováno")
    assert (await only_task(bot)).status.value == "blocked"
    await petra.press_data(f"tk:r:{task.id}")
    screen = next(m for m in reversed(petra.inbox) if "Kdo má úkol převzít" in m.text)
    await petra.press("Eva Členová", message=screen)
    task = await only_task(bot)
    assert task.owner_id == eva.id and task.status.value == "open"
    new = next(m for m in eva.inbox if "Nový úkol pro vás" in m.text)
    assert "zablokováno" not in new.text
    assert new.button_texts() == ["✅ Hotovo", "⛔ Zablokováno"]
    await eva.send("/tasks")
    assert eva.last().button_texts() == ["✅ Hotovo", "⛔ Zablokováno"]


async def test_jan_takes_over_a_blocked_task_in_the_team_he_coordinates(bot):
    _petra, jan, karel = await two_teams(bot)
    await report(karel, locality="Hrabůvka, Horní 5")  # #1 in Jih
    await jan.send("/problem 1")
    await jan.press("⚙ Koordinace ▸")
    await jan.press("📌 Úkoly")
    await jan.press("📌 Nový úkol")
    await jan.send("Zjistit majitele pozemku u garáží")
    await jan.press("Karel Koordinátorová")
    await jan.send("18.12.")
    await jan.press("✅ Ano")
    async with bot.db.read() as repos:
        (team,) = [t for t in await repos.teams.list_all() if t.name == "Jih"]
        (task,) = await repos.tasks.unfinished(team.id)
    await karel.press_data(f"tk:v:{task.id}")
    await karel.press("⛔ Zablokováno")
    await jan.press_data(f"tk:r:{task.id}")
    await jan.press("Jan Členová")
    async with bot.db.read() as repos:
        (task,) = await repos.tasks.unfinished(team.id)
    assert task.owner_id == jan.id and task.status.value == "open"
    await jan.press_data(f"tk:v:{task.id}")
    screen = next(m for m in reversed(jan.inbox) if "Zjistit majitele" in m.text and m.buttons)
    assert screen.button_texts()[:2] == ["✅ Hotovo", "⛔ Zablokováno"], screen.text
