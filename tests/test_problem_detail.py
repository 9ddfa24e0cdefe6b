"""The problem detail as issue 9 wants it: presses that carry their state, the coordinator's
screen, tasks on the problem, lead organisations of any type, duplicates told to the reporter,
moving and withdrawing problems, and Back on every dialogue step."""

from __future__ import annotations

from tests.flows import make_team, report
from tests.test_problems import seed, stored
from tests.test_two_teams import two_teams


async def _proposal(bot, problem_id: int):  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        team_id = await repos.problems.team_of(problem_id)
        assert team_id is not None
        (proposal,) = await repos.proposals.for_problem(team_id, problem_id)
    return proposal


async def test_support_press_carries_its_state_double_and_redelivered(bot):
    _, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await seed(bot, jan, 1)
    await eva.send("/problem 1")
    screen = eva.last()
    (support,) = [b for row in screen.buttons for b in row if b.text.startswith("👍 Podpořit")]
    await eva.press("👍 Podpořit (0)")
    assert (await stored(bot, 1)).supporters == [eva.id]
    assert "👎 Zrušit podporu" in eva.last().button_texts()
    # a double tap / Telegram delivering the same press again: still supported, once
    await eva.press_data(support.callback_data, message=screen)
    await eva.press_data(support.callback_data, message=screen)
    assert (await stored(bot, 1)).supporters == [eva.id]
    assert "👎 Zrušit podporu" in eva.last().button_texts()
    await eva.press("👎 Zrušit podporu")
    withdraw = eva.last()
    assert (await stored(bot, 1)).supporters == []
    await eva.press_data("pb:sp:1:0", message=withdraw)  # the withdrawal redelivered
    assert (await stored(bot, 1)).supporters == []
    assert "👍 Podpořit (0)" in eva.last().button_texts()
    # an old toggle-style button from a message already in the chat does not toggle
    await eva.press_data("pb:sp:1")
    assert (await stored(bot, 1)).supporters == []
    assert "👍 Podpořit (0)" in eva.last().button_texts()
    await eva.press("👍 Podpořit (0)")
    await eva.press_data("pb:sp:1")
    assert (await stored(bot, 1)).supporters == [eva.id]
    answer = await eva.press_data("pb:sp:1:x")
    assert answer is not None and answer.show_alert


async def test_proposal_support_press_carries_its_state(bot):
    _, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await seed(bot, jan, 1)
    await jan.send("/propose 1")
    await jan.send("Městská policie zařadí místo do večerních obchůzek.")
    await jan.press("Nikdo konkrétní")
    await eva.send("/problem 1")
    screen = eva.last()
    await eva.press("👍 1 (0)")
    proposal = await _proposal(bot, 1)
    assert proposal.supporters == [eva.id]
    assert "👎 Zrušit podporu 1" in eva.last().button_texts()
    await eva.press_data(f"pp:sp:{proposal.id}:1", message=screen)  # double tap
    assert (await _proposal(bot, 1)).supporters == [eva.id]
    await eva.press_data(f"pp:sp:{proposal.id}")  # an old toggle button: shows, no change
    assert (await _proposal(bot, 1)).supporters == [eva.id]
    assert "👎 Zrušit podporu 1" in eva.last().button_texts()
    await eva.press("👎 Zrušit podporu 1")
    await eva.press_data(f"pp:sp:{proposal.id}:0")
    assert (await _proposal(bot, 1)).supporters == []
    assert "👍 1 (0)" in eva.last().button_texts()


async def test_jan_supports_in_both_teams(bot):
    petra, jan, karel = await two_teams(bot)
    await report(petra, team=None)
    await report(karel, locality="Hrabůvka")
    for number in (1, 2):
        await jan.send(f"/problem {number}")
        await jan.press("👍 Podpořit (0)")
        await jan.press_data(f"pb:sp:{number}:1")
        assert (await stored(bot, number)).supporters == [jan.id]
