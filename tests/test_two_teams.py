"""A person in two teams: member of one, coordinator of another. Every flow must work for them."""

from __future__ import annotations

from tests.flows import invite_code, join, make_team, report


async def two_teams(bot):  # type: ignore[no-untyped-def]
    """Poruba (coordinator Petra, member Jan) and Jih (coordinator Karel); Jan is also
    Jih's coordinator. Returns petra, jan, karel."""
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    (karel,) = await make_team(bot, "Jih", "Karel")
    code = await invite_code(karel, role="Koordinátor", team="Jih")
    await join(jan, code, name="Jan Členová")
    assert "Jih" in jan.last().text, jan.last().text
    return petra, jan, karel


async def test_a_member_of_two_teams_reports_in_either(bot):
    petra, jan, karel = await two_teams(bot)

    done = await report(jan, team="Poruba")
    assert "uložen jako #1" in done.text, done.text
    assert "Nový problém" in petra.last().text and "#1" in petra.last().text

    done = await report(jan, team="Jih", locality="Hrabůvka, Horní 5")
    assert "uložen jako #2" in done.text, done.text
    assert "#2" in karel.last().text

    async with bot.db.read() as repos:
        poruba = await repos.problems.team_of(1)
        jih = await repos.problems.team_of(2)
    assert poruba != jih


async def test_a_member_of_two_teams_goes_back_to_the_team_choice(bot):
    _, jan, _ = await two_teams(bot)
    await jan.send("/report")
    assert "Kterého týmu se problém týká" in jan.last().text, jan.last().text
    await jan.press("Jih")
    assert "Jaký je to problém" in jan.last().text
    await jan.press("« Zpět")
    assert "Kterého týmu se problém týká" in jan.last().text
    await jan.press("Poruba")
    await jan.press("jiné")
    assert "Kde to je" in jan.last().text
