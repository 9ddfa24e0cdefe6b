"""A team's localities: coordinators manage them; reports offer the active ones."""

from __future__ import annotations

from tests.flows import make_team


async def localities(bot, team_id: int = 1):  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        return await repos.localities.list(team_id, include_retired=True)


async def add(coordinator, name: str) -> None:  # type: ignore[no-untyped-def]
    await coordinator.send("/team")
    await coordinator.press("📍 Lokality")
    await coordinator.press("➕ Přidat lokalitu")
    await coordinator.send(name)


async def test_add_rename_retire_and_restore(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await add(petra, "Hulváky")
    assert "Uloženo: Hulváky." in petra.last().text
    await add(petra, "<b>Dubina</b> & okolí")
    assert "Uloženo: <b>Dubina</b> & okolí." in petra.last().text  # shown literally
    await petra.press("« Lokality")
    await petra.press("Hulváky")
    await petra.press("✏️ Přejmenovat")
    await petra.send("Hulváky – nádraží")
    await petra.press("« Lokality")
    await petra.press("Hulváky – nádraží")
    await petra.press("Vyřadit")
    assert "Vyřazená" in petra.last().text
    names = {(loc.name, loc.retired) for loc in await localities(bot)}
    assert names == {("Hulváky – nádraží", True), ("<b>Dubina</b> & okolí", False)}

    await jan.send("/report")
    await jan.press("jiné")
    offered = jan.last().button_texts()
    assert "<b>Dubina</b> & okolí" in offered and "Hulváky – nádraží" not in offered

    await petra.press("Znovu nabízet")
    assert not any(loc.retired for loc in await localities(bot))


async def test_bad_names_are_refused_politely(bot):
    petra, _ = await make_team(bot, "Poruba", "Petra", "Jan")
    await add(petra, "Hulváky")
    await add(petra, "HULVÁKY")
    assert "Tento název už existuje." in petra.last().text
    await petra.send("x")
    assert "příliš krátké" in petra.last().text
    await petra.send("y" * 61)
    assert "příliš dlouhé" in petra.last().text
    assert [loc.name for loc in await localities(bot)] == ["Hulváky"]


async def test_members_and_other_teams_cannot_manage_localities(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    (karel,) = await make_team(bot, "Jih", "Karel")
    await add(petra, "Hulváky")
    await jan.send("/team")
    assert "nemáte oprávnění" in jan.last().text
    for person in (jan, karel):
        for data in ("ts:a:1", "ts:v:1:1", "ts:x:1:1:1", "ts:r:1:1", "ts:l:1"):
            answer = await person.press_data(data)
            assert answer is not None and answer.show_alert, data
    assert [(loc.name, loc.retired) for loc in await localities(bot)] == [("Hulváky", False)]
    # a locality of team 1 addressed through team 2 is not found either
    await karel.send("/team")
    answer = await karel.press_data("ts:x:2:1:1")
    assert answer is not None and answer.show_alert
    assert not (await localities(bot))[0].retired
