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


async def teams(bot):  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        return {team.name: team for team in await repos.teams.list_all()}


async def test_a_member_of_two_teams_reports_in_either(bot):
    petra, jan, karel = await two_teams(bot)

    done = await report(jan, team="Poruba")
    assert "uložen jako #1" in done.text, done.text
    assert "Nový problém" in petra.last().text and "#1" in petra.last().text

    await report(jan, team="Jih", locality="Hrabůvka, Horní 5", send=False)
    assert "Tým: Jih" in jan.last().text  # the preview says where it goes
    await jan.press("✅ Odeslat")
    done = jan.last()
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


async def test_coordinator_tools_offer_only_the_team_jan_coordinates(bot):
    _, jan, _ = await two_teams(bot)

    await jan.send("/invite")
    assert "Jih" in jan.last().text and "Poruba" not in jan.last().text, jan.last().text
    await jan.press("Člen")
    assert "start=" in jan.last().text

    await jan.send("/team")
    assert "Jih" in jan.last().text and "Poruba" not in jan.last().text, jan.last().text

    await jan.send("/members")
    assert {"Jih", "Poruba"} <= set(jan.last().button_texts())  # he may see both rosters
    await jan.press("Poruba")
    assert "Petra" in jan.last().text
    # a plain member of Poruba gets no management buttons there
    assert not any("Petra" in label for label in jan.last().button_texts()), jan.last().buttons


async def test_problem_screens_follow_the_role_in_the_problems_team(bot):
    petra, jan, karel = await two_teams(bot)
    await report(petra, locality="Hlavní třída 5")  # #1 in Poruba
    await report(karel, locality="Hrabůvka, Horní 5")  # #2 in Jih

    await jan.send("/problems")
    listing = jan.last().text
    assert "#1" in listing and "#2" in listing

    await jan.send("/problem 1")
    poruba_labels = " ".join(jan.last().button_texts())
    await jan.send("/problem 2")
    jih_labels = " ".join(jan.last().button_texts())
    assert "⚙ Koordinace ▸" in jih_labels  # coordinator actions only in Jih
    assert "Stav" not in poruba_labels and "Koordinace" not in poruba_labels


async def test_jan_links_the_group_of_the_team_he_coordinates_only(bot):
    _, jan, _ = await two_teams(bot)
    jih_group = bot.emu.group("MDT Jih")
    await jan.add_bot_to(jih_group)
    await jan.send_to(jih_group, "/linkgroup")
    assert "propojena s týmem" in jih_group.messages[-1].text, jih_group.messages[-1].text
    assert "Jih" in jih_group.messages[-1].text

    # another group: Jih's link moves only after a confirming tap, and the old group is told
    other = bot.emu.group("Sousedská skupina")
    await jan.add_bot_to(other)
    await jan.send_to(other, "/linkgroup")
    assert "už má propojenou skupinu" in other.messages[-1].text, other.messages[-1].text
    assert (await teams(bot))["Jih"].group_chat_id == jih_group.id
    await jan.press("Ano, propojit tuto skupinu", message=other.messages[-1])
    assert "propojena s týmem" in other.messages[-1].text
    assert "už není propojena" in jih_group.messages[-1].text
    assert (await teams(bot))["Jih"].group_chat_id == other.id
    assert (await teams(bot))["Poruba"].group_chat_id is None


async def test_forged_team_ids_cannot_tell_existing_teams_from_missing_ones(bot):
    *_, outsider = await two_teams(bot)  # Karel: coordinator of Jih only
    answers = []
    for data in ("mem:t:1", "mem:t:999", "ts:l:1", "ts:l:999", "inv:r:1:m", "inv:r:999:m"):
        answer = await outsider.press_data(data)
        answers.append(answer.text if answer else outsider.last().text)
    assert answers[0::2] == answers[1::2], answers


async def test_a_linkgroup_press_in_a_private_chat_links_nothing(bot):
    _, jan, _ = await two_teams(bot)
    group = bot.emu.group("MDT Jih")
    await jan.add_bot_to(group)
    await jan.send_to(group, "/linkgroup")
    for data in ("lg:2", "lgm:2", "lg:1"):
        answer = await jan.press_data(data)  # forged in his private chat
        assert answer is not None and "neplatí" in answer.text, answer
    teams_now = await teams(bot)
    assert teams_now["Jih"].group_chat_id == group.id
    assert teams_now["Poruba"].group_chat_id is None


async def test_another_teams_group_is_not_offered_to_a_coordinator_who_is_not_its_own(bot):
    petra, jan, karel = await two_teams(bot)
    poruba_group = bot.emu.group("MDT Poruba")
    await petra.add_bot_to(poruba_group)
    await petra.send_to(poruba_group, "/linkgroup")
    await karel.send_to(poruba_group, "/linkgroup")  # coordinator of Jih only
    answer = poruba_group.messages[-1]
    assert "patří týmu Poruba" in answer.text, answer.text
    assert not answer.buttons  # nothing to press
    await jan.send_to(poruba_group, "/linkgroup")  # member of Poruba, coordinator of Jih
    assert "patří týmu Poruba" in poruba_group.messages[-1].text
    assert (await teams(bot))["Poruba"].group_chat_id == poruba_group.id
    assert (await teams(bot))["Jih"].group_chat_id is None


async def test_jans_team_picker_for_members_can_be_cancelled(bot):
    _, jan, _ = await two_teams(bot)
    await jan.send("/members")
    picker = jan.last()
    assert picker.button_texts()[-1] == "✖ Zrušit"
    await jan.press("✖ Zrušit")
    assert "Zrušeno" in jan.last().text
    await jan.send("/members")
    await jan.press("Poruba")
    assert "Petra" in jan.last().text
