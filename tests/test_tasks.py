"""Tasks: created by a coordinator on a problem, owned by a member or an organisation, marked
done or blocked, reminded before the deadline, escalated after it, first on the next agenda."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.flows import make_team, report
from tests.test_meetings import run_due, said, schedule

#: 15 December 2026 16:00 in Prague: a day alone means the end of the working day
DEADLINE = datetime(2026, 12, 15, 15, 0, tzinfo=UTC)


async def new_task(coordinator, owner: str = "Jan Členová", when: str = "15.12.") -> None:  # type: ignore[no-untyped-def]
    await coordinator.send("/problem 1")
    await coordinator.press("⚙ Koordinace ▸")
    await coordinator.press("📌 Úkoly")
    await coordinator.press("📌 Nový úkol")
    await coordinator.send("Domluvit s MP večerní hlídky u hřiště")
    if owner == "org":
        await coordinator.press("🏢 Jen organizace")
        await coordinator.send("MP Ostrava <b>Jih</b>")
    else:
        await coordinator.press(owner)
    await coordinator.send(when)
    assert "Rozumím" in coordinator.last().text, coordinator.last().text
    await coordinator.press("✅ Ano")


async def test_a_coordinator_gives_a_member_a_task_on_a_problem(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan)
    await new_task(petra)
    assert "Úkol je uložen" in petra.last().text
    assert (
        "Domluvit s MP večerní hlídky u hřiště — Jan Členová, Charita Ostrava" in petra.last().text
    )
    assert "termín 15. 12. 2026" in petra.last().text
    notice = [m for m in jan.inbox if "Nový úkol pro vás" in m.text]
    assert len(notice) == 1 and notice[0].button_texts() == ["✅ Hotovo", "⛔ Zablokováno"]
    async with bot.db.read() as repos:
        (task,) = await repos.tasks.of_owner(jan.id)
    assert task.deadline == DEADLINE
    assert task.problem_id == 1

    await jan.send("/tasks")
    assert "Máte 1 úkol" in "\n".join(m.text for m in jan.inbox[-2:])
    await jan.press("✅ Hotovo")
    assert "Hotovo. Děkujeme!" in jan.last().text
    async with bot.db.read() as repos:
        assert await repos.tasks.of_owner(jan.id) == []
    await eva.send("/tasks")
    assert "Nemáte žádné otevřené úkoly" in eva.last().text


async def test_reminder_before_the_deadline_and_escalation_after_it(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await new_task(petra)
    bot.clock.set(DEADLINE - timedelta(hours=24))
    await run_due(bot)
    assert said(jan, "Připomínka: blíží se termín vašeho úkolu")
    assert not said(petra, "Úkol je po termínu")
    bot.clock.set(DEADLINE)
    await run_due(bot)
    assert said(petra, "Úkol je po termínu")
    escalation = next(m for m in petra.inbox if "Úkol je po termínu" in m.text)
    assert "termín 15. 12. 2026 · po termínu · #1" in escalation.text


async def test_a_done_task_is_neither_reminded_nor_escalated(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await new_task(petra)
    await jan.press("✅ Hotovo")
    bot.clock.set(DEADLINE + timedelta(hours=1))
    await run_due(bot)
    assert not said(jan, "Připomínka: blíží se termín")
    assert not said(petra, "Úkol je po termínu")


async def test_blocked_tasks_are_told_to_the_coordinator_and_head_the_agenda(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await new_task(petra, owner="org")
    await new_task(petra, when="10.12.")
    await jan.send("/tasks")
    await jan.press("⛔ Zablokováno")
    assert said(petra, "Úkol je zablokovaný")
    await schedule(petra, when="16.12. 14:00")
    await jan.send("/agenda")
    agenda = jan.last().text
    first_section = agenda.split("\n\n")[1]
    assert first_section.startswith("Úkoly k termínu a po termínu")
    assert "Úkol: Domluvit s MP večerní hlídky u hřiště — MP Ostrava <b>Jih</b>" in first_section
    assert "zablokováno" in first_section
    assert agenda.index("Úkoly k termínu") < agenda.index("Nové problémy od minulé schůzky")


async def test_only_coordinators_create_and_only_owners_or_coordinators_change(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan)
    answer = await jan.press_data("tk:n:1")
    assert answer is not None and answer.show_alert
    await new_task(petra)
    async with bot.db.read() as repos:
        (task,) = await repos.tasks.of_owner(jan.id)
    answer = await eva.press_data(f"tk:d:{task.id}")
    assert answer is not None and "nemáte oprávnění" in answer.text
    (karel,) = await make_team(bot, "Jih", "Karel")
    answer = await karel.press_data(f"tk:d:{task.id}")
    assert answer is not None and "Toto už neexistuje" in answer.text
    for junk in ("tk:d:abc", "tk:z:1", "tk:d:99999", "tko:5"):
        answer = await eva.press_data(junk)
        assert answer is not None and answer.show_alert, junk
    async with bot.db.read() as repos:
        (still,) = await repos.tasks.of_owner(jan.id)
    assert still.status.value == "open"


async def test_bad_task_input_is_explained(bot):
    petra, jan, _eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan)
    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("📌 Úkoly")
    await petra.press("📌 Nový úkol")
    await petra.send("ab")
    assert "příliš krátké" in petra.last().text
    await petra.send("Zajistit úklid <script>alert(1)</script>")
    await petra.press("Jan Členová")
    await petra.send("1.1.2020")
    assert "Ten okamžik už minul" in petra.last().text
    await petra.send("31.2.")
    assert "Takový den v kalendáři není" in petra.last().text
    await petra.send("zítra 12:00")
    await petra.press("✅ Ano")
    assert "Zajistit úklid <script>alert(1)</script>" in petra.last().text
    async with bot.db.read() as repos:
        (task,) = await repos.tasks.of_owner(jan.id)
    assert task.text == "Zajistit úklid <script>alert(1)</script>"


async def test_a_task_on_a_confidential_problem_stays_with_the_coordinators(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan)
    await new_task(petra, owner="org", when="10.12.")
    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🔒 Jen koordinátoři")
    await petra.press("✅ Ano")
    await schedule(petra, when="16.12. 14:00")
    await eva.send("/agenda")
    assert "Domluvit s MP" not in eva.last().text
    await petra.send("/agenda")
    assert "Úkol: Domluvit s MP večerní hlídky u hřiště" in petra.last().text


async def test_the_new_task_question_goes_back_to_the_problems_tasks(bot):
    petra, jan, _ = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan)
    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("📌 Úkoly")
    await petra.press("📌 Nový úkol")
    assert "Nový úkol k #1" in petra.last().text
    assert petra.last().button_texts() == ["« Zpět", "✖ Zrušit"]
    await petra.press("« Zpět")
    assert "Úkoly k problému #1" in petra.last().text
    assert "📌 Nový úkol" in petra.last().button_texts()
    await petra.send("Domluvit s MP večerní hlídky u hřiště")  # the dialogue has ended
    async with bot.db.read() as repos:
        (team,) = await repos.teams.list_all()
        assert await repos.tasks.unfinished(team.id) == []
    # and the dialogue starts afresh
    await petra.press("📌 Nový úkol")
    await petra.send("Domluvit s MP večerní hlídky u hřiště")
    assert "Kdo za úkol odpovídá?" in petra.last().text
