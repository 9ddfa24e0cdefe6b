"""``/settings`` (Nastavení) through the real stack: language, the weekly digest's day and
time (buttons and typed, bad input answered politely), on and off, and muting one team's
notices for a person in two teams (meeting reminders still come); forged and stale presses,
strangers and group chats."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from tests.flows import make_team, report
from tests.test_meetings import run_due, schedule
from tests.test_two_teams import teams, two_teams

STALE = "Toto tlačítko už neplatí"


async def stored(bot, person):  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        return (
            await repos.person_settings.digest(person.id),
            await repos.person_settings.muted(person.id),
            (await repos.users.get(person.id)),
        )


async def test_the_language_changes_and_the_next_answers_follow(bot):
    _petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await jan.send("/settings")
    screen = jan.last().text
    assert "Nastavení" in screen and "Jazyk: Čeština" in screen, screen
    assert "Týdenní přehled: každý týden, pondělí v 7:30." in screen
    assert "Příští: 30. 11. 2026 7:30." in screen
    assert "Ztlumené" not in screen and "Oznámení mých týmů" not in jan.last().button_texts()

    await jan.press("English")
    assert "Settings" in jan.last().text and "Language: English" in jan.last().text
    assert "Weekly digest: each week, Monday at 7:30." in jan.last().text
    _, _, user = await stored(bot, jan)
    assert user.language == "en"
    await jan.send("/help")
    assert "What you can do" in jan.last().text
    await jan.send("/settings")
    await jan.press("Čeština")
    await jan.send("/help")
    assert "Co můžete dělat" in jan.last().text or "/report" in jan.last().text
    assert "What you can do" not in jan.last().text


async def test_day_and_time_by_buttons_and_typed(bot):
    _petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await jan.send("/settings")
    await jan.press("📰 Týdenní přehled")
    await jan.press("Pá")
    await jan.press("8:00")
    assert "každý týden, pátek v 8:00" in jan.last().text, jan.last().text
    await jan.press("✏ Jiný čas")
    assert "V kolik hodin" in jan.last().text
    await jan.send("18")
    assert "pátek v 18:00" in jan.last().text, jan.last().text
    await jan.press("✏ Jiný čas")
    await jan.send("7.45")
    assert "pátek v 7:45" in jan.last().text, jan.last().text
    schedule_, _, _ = await stored(bot, jan)
    assert (schedule_.weekday, schedule_.at, schedule_.on) == (4, time(7, 45), True)


async def test_bad_typed_times_are_answered_politely_and_change_nothing(bot):
    _petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await jan.send("/settings")
    await jan.press("📰 Týdenní přehled")
    await jan.press("✏ Jiný čas")
    for bad in ("25:00", "3:00", "22", "zítra", "<b>9</b>", "7:30" * 40, "19:60", "-1", "0"):
        await jan.send(bad)
        answer = jan.last().text
        assert "Napište prosím čas mezi 7:00 a 19:59" in answer, (bad, answer)
        assert "Něco se pokazilo" not in answer
    schedule_, _, _ = await stored(bot, jan)
    assert (schedule_.weekday, schedule_.at) == (0, time(7, 30))
    await jan.send("19:59")  # the edge is fine
    assert "pondělí v 19:59" in jan.last().text
    await jan.send("/settings")
    await jan.press("📰 Týdenní přehled")
    await jan.press("✏ Jiný čas")
    await jan.press("✖ Zrušit")
    await jan.send("8:00")  # no dialogue any more: not taken as a time
    schedule_, _, _ = await stored(bot, jan)
    assert schedule_.at == time(19, 59)


async def test_forged_and_stale_presses_are_refused_and_change_nothing(bot):
    petra, jan, karel = await two_teams(bot)
    olga = bot.person("Olga")
    await olga.send("/start")
    ids = {name: team.id for name, team in (await teams(bot)).items()}
    await jan.send("/settings")
    before = await stored(bot, jan)
    for data in (
        "se:dd:9",
        "se:dd:x",
        "se:dt:2599",
        "se:dt:0300",  # in the night
        "se:dt:2100",
        "se:do:maybe",
        "se:l:de",
        "se:zz",
        "se:",
        "se:mt:999:off",
        "se:mt:x:off",
        f"se:mt:{ids['Jih']}:toggle",
    ):
        answer = await jan.press_data(data)
        assert answer is not None and answer.text, data
        assert "Něco se pokazilo" not in answer.text, data
    assert await stored(bot, jan) == before

    # Karel is in one team only: nothing to mute, not even with a forged button
    answer = await karel.press_data(f"se:mt:{ids['Jih']}:off")
    assert "nemáte povoleno" in answer.text or "nemáte oprávnění" in answer.text, answer.text
    # Petra is not in Jih
    answer = await petra.press_data(f"se:mt:{ids['Jih']}:off")
    assert "jen pro členy" in answer.text, answer.text
    # a stranger may choose a language, nothing else
    await olga.send("/settings")
    assert "Týdenní přehled: jen pro členy týmů." in olga.last().text
    assert olga.last().button_texts() == ["✓ Čeština", "English"]
    for data in ("se:d", "se:dd:1", "se:dt:0800", "se:dt:x", "se:do:off", "se:m"):
        answer = await olga.press_data(data)
        assert answer is not None and answer.text and "Něco se pokazilo" not in answer.text
    async with bot.db.read() as repos:
        rows = [r for r in await repos.due.items(olga.id) if r["kind"] == "person.digest"]
        assert rows == [] and await repos.drafts.get(olga.id) is None
    assert (await stored(bot, olga))[0].on  # the default, nothing stored


async def test_in_a_group_settings_are_refused_politely(bot):
    _petra, _jan, karel = await two_teams(bot)
    group = bot.emu.group("MDT Jih")
    await karel.add_bot_to(group)
    await karel.send_to(group, "/linkgroup")
    await karel.send_to(group, "/settings")
    assert "soukromého chatu" in group.messages[-1].text, group.messages[-1].text
    before = await stored(bot, karel)
    answer = await karel.press_data("se:dd:3", message=group.messages[-1])
    assert answer is not None and "soukromém chatu" in answer.text, answer
    assert await stored(bot, karel) == before


async def test_a_double_tap_sets_the_same_state_twice(bot):
    _petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await jan.send("/settings")
    await jan.press("📰 Týdenní přehled")
    screen = jan.last()
    await jan.press("🔕 Vypnout přehled", message=screen)
    await jan.press_data("se:do:off", message=screen)  # the same button again
    schedule_, _, _ = await stored(bot, jan)
    assert not schedule_.on
    assert "Týdenní přehled: vypnutý" in jan.last().text


async def test_a_person_in_two_teams_mutes_one_and_still_gets_its_meetings(bot):
    petra, jan, karel = await two_teams(bot)
    await jan.send("/settings")
    assert "Dostáváte oznámení všech svých týmů" in jan.last().text
    await jan.press("🔕 Oznámení mých týmů")
    await jan.press("🔕 Ztlumit Jih")
    assert "Jih: ztlumený" in jan.last().text and "Poruba: oznámení dostáváte" in jan.last().text
    # the other one cannot be muted as well: one team always stays heard
    answer = await jan.press("🔕 Ztlumit Poruba")
    assert answer is not None and "musí zůstat zapnutý" in answer.text, answer
    assert "Poruba: oznámení dostáváte" in jan.last().text
    _, muted, _ = await stored(bot, jan)
    assert muted == {(await teams(bot))["Jih"].id}
    await jan.send("/settings")
    assert "Ztlumené týmy: Jih" in jan.last().text

    mark = len(jan.inbox)
    await report(karel, locality="Hrabůvka, Horní 5")  # Jih: Jan coordinates it
    await report(petra, team=None)  # Poruba: Jan is a member (no notice to members)
    await schedule(karel, place="ÚMOb Jih")
    bot.clock.set(datetime(2026, 12, 15, 12, 0, tzinfo=UTC))  # an hour before
    await run_due(bot)
    seen = "\n".join(m.text for m in jan.inbox[mark:])
    assert "Nový problém" not in seen, seen
    assert "Pozvánka na schůzku" in seen and "Připomínka: schůzka týmu" in seen

    # heard again: the next problem of Jih reaches him
    await jan.send("/settings")
    await jan.press("🔕 Oznámení mých týmů")
    await jan.press("🔔 Zapnout Jih")
    await report(karel, locality="Hrabůvka, Horní 7", category="jiné")
    assert any("Nový problém" in m.text for m in jan.inbox[mark:])


async def test_a_notice_queued_before_muting_is_not_sent_after(bot):
    _petra, jan, karel = await two_teams(bot)
    bot.clock.set(datetime(2026, 11, 24, 21, 0, tzinfo=UTC))  # 22:00: quiet hours
    await report(karel, locality="Hrabůvka, Horní 5")  # waits for the morning
    await jan.send("/settings")
    await jan.press("🔕 Oznámení mých týmů")
    await jan.press("🔕 Ztlumit Jih")
    async with bot.db.read() as repos:
        [queued] = [i for i in await repos.outbox.items(chat_id=jan.id) if i.kind == "problem.new"]
    bot.advance(timedelta(hours=10))
    await run_due(bot)
    assert not any("Nový problém" in m.text for m in jan.inbox)
    async with bot.db.read() as repos:
        state = await repos.outbox.state(queued.id)
    assert state["sent_at"] is None and state["failed_at"] is not None  # given up


async def test_leaving_a_team_forgets_its_mute_and_erasure_forgets_everything(bot):
    _petra, jan, _karel = await two_teams(bot)
    ids = {name: team.id for name, team in (await teams(bot)).items()}
    await jan.send("/settings")
    await jan.press("🔕 Oznámení mých týmů")
    await jan.press("🔕 Ztlumit Poruba")
    await jan.send("/leave")
    await jan.press("Poruba")
    await jan.press("Ano, odejít")
    _, muted, _ = await stored(bot, jan)
    assert ids["Poruba"] not in muted

    await jan.send("/settings")
    await jan.press("📰 Týdenní přehled")
    await jan.press("St")
    admin = bot.admin
    await admin.send(f"/erase {jan.id}")
    await admin.press("Ano, vše vymazat")
    async with bot.db.read() as repos:
        rows = [r for r in await repos.due.items(jan.id) if r["kind"] == "person.digest"]
        assert rows == []
    schedule_, muted, user = await stored(bot, jan)
    assert user is None and muted == set() and schedule_.weekday == 0


async def test_mydata_lists_the_settings(bot):
    _petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await jan.send("/settings")
    await jan.press("📰 Týdenní přehled")
    await jan.press("Út")
    await jan.send("/mydata")
    document = [m for m in jan.inbox if m.document is not None][-1].document
    assert document is not None
    text = document.data.decode()
    assert '"weekly_digest"' in text and '"weekday": 1' in text and '"07:30"' in text
