""" "Still solved?": weeks after a problem is marked solved its reporter is asked; "no" reopens
it for the next agenda."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.problems import Status
from bot.services.authz import Actor
from bot.services.problems import STILL_SOLVED_AFTER
from tests.flows import make_team, report
from tests.test_meetings import run_due, said, schedule
from tests.test_problems import stored


async def solve(bot, petra) -> None:  # type: ignore[no-untyped-def]
    await bot.app.bot_data.services.problems.change_status(
        Actor(user_id=petra.id), 1, Status.SOLVED
    )


async def test_the_reporter_is_asked_and_no_reopens_the_problem(bot):
    petra, jan, _eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan)
    await solve(bot, petra)
    bot.advance(STILL_SOLVED_AFTER - timedelta(minutes=1))
    await run_due(bot)
    assert not said(jan, "Je stále vyřešený?")
    bot.advance(timedelta(minutes=1))
    await run_due(bot)
    assert said(jan, "Je stále vyřešený?")
    asked = next(m for m in jan.inbox if "Je stále vyřešený?" in m.text).text
    assert asked.startswith("Váš problém byl před časem označen jako vyřešený: ")
    assert "#1 Zárubecká 12" in asked and asked.endswith(". Je stále vyřešený?")
    await jan.press("↩ Ne, problém se vrátil")
    assert "je znovu otevřený" in jan.last().text
    assert (await stored(bot, 1)).status is Status.NEW
    told = next(m for m in petra.inbox if "Podle oznamovatele" in m.text).text
    assert told.startswith(
        "↩ Podle oznamovatele už není vyřešený, je znovu otevřený a půjde na program příští "
        "schůzky: "
    )
    assert "#1 Zárubecká 12" in told
    await schedule(petra, when="1.2.2027 10:00")
    await jan.send("/agenda")
    assert "#1 · Zárubecká 12" in jan.last().text
    stale = await jan.press_data("ss:y:1")  # an old button pressed again: nothing changes
    assert stale is not None and stale.show_alert
    assert (await stored(bot, 1)).status is Status.NEW


async def test_yes_keeps_it_solved_and_others_cannot_answer(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan)
    await solve(bot, petra)
    bot.advance(STILL_SOLVED_AFTER)
    await run_due(bot)
    answer = await eva.press_data("ss:n:1")
    assert answer is not None and answer.show_alert
    assert (await stored(bot, 1)).status is Status.SOLVED
    await jan.press("✅ Ano, stále vyřešeno")
    assert "zůstává vyřešený" in jan.last().text
    assert (await stored(bot, 1)).status is Status.SOLVED
    for junk in ("ss:x:1", "ss:n:abc", "ss:n:999"):
        answer = await jan.press_data(junk)
        assert answer is not None and answer.show_alert, junk


async def test_a_problem_reopened_meanwhile_is_not_asked_about(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await solve(bot, petra)
    await bot.app.bot_data.services.problems.change_status(Actor(user_id=petra.id), 1, Status.NEW)
    bot.advance(STILL_SOLVED_AFTER)
    await run_due(bot)
    assert not said(jan, "Je stále vyřešený?")


async def test_a_team_sets_when_the_question_is_asked(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await petra.send("/team")
    await petra.press("⏰ Připomínky schůzek a program")
    assert "zeptám 28 dní po vyřešení" in petra.last().text
    await petra.press("❔ Změnit dotaz „stále vyřešeno?“")
    await petra.send("200d")
    assert "Napište prosím počet dní mezi 1 a 182" in petra.last().text
    await petra.send("14d")
    assert "zeptám 14 dní po vyřešení" in petra.last().text
    await report(jan)
    await solve(bot, petra)
    bot.advance(timedelta(days=14))
    await run_due(bot)
    assert said(jan, "Je stále vyřešený?")


async def test_solved_reopened_and_solved_again_asks_once_at_the_right_time(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await solve(bot, petra)
    problems = bot.app.bot_data.services.problems
    await problems.change_status(Actor(user_id=petra.id), 1, Status.NEW)
    bot.advance(timedelta(days=7))
    await solve(bot, petra)
    bot.advance(STILL_SOLVED_AFTER - timedelta(days=7))
    await run_due(bot)
    assert not said(jan, "Je stále vyřešený?")  # the first, voided question
    bot.advance(timedelta(days=7))
    await run_due(bot)
    assert len([m for m in jan.inbox if "Je stále vyřešený?" in m.text]) == 1
