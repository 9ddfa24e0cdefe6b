"""Managing people and teams: a role change told to the person, teams renamed and archived,
administrators managed with /admins, and a team left without a coordinator."""

from __future__ import annotations

from bot.services.authz import Actor
from tests.flows import invite_code, join, make_team, report
from tests.test_two_teams import two_teams


def texts(person, since: int = 0) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.text for m in person.inbox if m.seq > since]


async def test_the_member_is_told_when_their_role_changes(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await petra.send("/members")
    await petra.press("Jan Členová")
    mark = bot.emu.seq
    await petra.press("Udělat koordinátorem")
    told = [t for t in texts(jan, mark) if "Vaše role v týmu Poruba" in t]
    assert told == [told[0]] and "Vaše role v týmu Poruba: koordinátor" in told[0]
    async with bot.db.read() as repos:
        assert (await repos.memberships.roles_of(jan.id))[1].value == "coordinator"
    # a second press with the same intent changes nothing and tells nothing again
    await petra.press_data(f"mem:role:1:{jan.id}:c")
    assert len([t for t in texts(jan, mark) if "Vaše role" in t]) == 1
    await petra.press("Udělat řadovým členem")
    assert "Vaše role v týmu Poruba: člen" in jan.last().text
    async with bot.db.read() as repos:
        events = await repos.audit.by_action("member.role")
    assert [e.details["to"] for e in events] == ["coordinator", "member"]


async def test_jan_is_told_about_the_team_whose_role_changed(bot):
    _, jan, karel = await two_teams(bot)
    await karel.send("/members")
    await karel.press("Jan Členová")
    await karel.press("Udělat řadovým členem")
    assert "Vaše role v týmu Jih: člen" in jan.last().text
    async with bot.db.read() as repos:
        roles = await repos.memberships.roles_of(jan.id)
    assert {r.value for r in roles.values()} == {"member"}


# --- renaming and archiving a team -----------------------------------------------------------


async def team_id(bot, name: str) -> int:  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        for team in await repos.teams.list_all():
            if team.name == name:
                return team.id
    raise AssertionError(name)


async def test_an_administrator_renames_a_team(bot):
    petra, _ = await make_team(bot, "Poruba", "Petra", "Jan")
    await make_team(bot, "Jih", "Karel")
    poruba = await team_id(bot, "Poruba")
    admin = bot.admin
    await admin.send("/teams")
    assert "Klepnutím na tým" in admin.last().text
    await admin.press("Poruba")
    await admin.press("✏ Přejmenovat")
    assert "Jak se má tým Poruba nově jmenovat" in admin.last().text
    await admin.send("JIH")
    assert "Tento název už existuje" in admin.last().text
    await admin.send("Ostrava-Poruba")
    assert "Tým se teď jmenuje Ostrava-Poruba" in admin.last().text
    await admin.press("« Zpět na seznam")
    assert "Ostrava-Poruba" in admin.last().text
    async with bot.db.read() as repos:
        team = await repos.teams.get(poruba)
        events = await repos.audit.by_action("team.rename")
    assert team is not None and team.name == "Ostrava-Poruba"
    assert [e.details for e in events] == [{"from": "Poruba", "to": "Ostrava-Poruba"}]
    await petra.send("/members")
    assert "Ostrava-Poruba" in petra.last().text
    # a coordinator cannot rename, not even with a forged button
    answer = await petra.press_data(f"tm:rn:{poruba}")
    assert answer is not None and answer.show_alert
    await petra.send("/teams")
    assert "Ostrava-Poruba" not in petra.last().text


async def test_an_archived_team_is_gone_from_lists_reports_and_notices_but_kept(bot):
    _, jan, karel = await two_teams(bot)
    jih = await team_id(bot, "Jih")
    group = bot.emu.group("MDT Jih")
    await karel.add_bot_to(group)
    await karel.send_to(group, "/linkgroup")
    await report(jan, team="Jih", locality="Hrabůvka")  # #1, in Jih
    await karel.send("/report")  # Karel is in the middle of a report when Jih is archived
    before = len(group.messages)

    admin = bot.admin
    await admin.send("/teams")
    await admin.press("Jih")
    await admin.press("🗄 Archivovat")
    assert "Archivovat tým Jih?" in admin.last().text
    await admin.press("Ano, archivovat")
    assert "Tým Jih je archivován" in admin.last().text
    answer = await admin.press_data(f"tm:ak:{jih}")  # a second, redelivered tap
    assert answer is not None and answer.show_alert
    await admin.send("/teams")
    assert "Jih" not in admin.last().text and "Poruba" in admin.last().text

    # Jan's team picker is gone: he reports in Poruba straight away
    await jan.send("/report")
    assert "Kterého týmu" not in jan.last().text and "Jaký je to problém" in jan.last().text
    await jan.send("/cancel")
    await jan.send("/problems")
    assert "Hrabůvka" not in jan.last().text and "[Jih]" not in jan.last().text
    await jan.send("/members")
    assert "Poruba" in jan.last().text and "Jih" not in jan.last().text
    # Karel's dialogue ended; he can no longer report in Jih
    async with bot.db.read() as repos:
        assert await repos.drafts.get(karel.id) is None
    await karel.send("Zárubecká")
    assert "Tomu nerozumím" in karel.last().text
    await karel.send("/report")
    assert "Jaký je to problém" not in karel.last().text
    # the group gets nothing more
    await report(jan, locality="Dubina")  # in Poruba
    assert len(group.messages) == before
    # the data stays
    async with bot.db.read() as repos:
        team = await repos.teams.get(jih)
        problem = await repos.problems.get(jih, 1)
        archived = await repos.audit.by_action("team.archive")
    assert team is not None and team.archived and team.group_chat_id is None
    assert problem is not None and problem.locality == "Hrabůvka"
    assert len(archived) == 1 and archived[0].details["name"] == "Jih"


async def test_an_invite_to_an_archived_team_is_refused(bot):
    (karel,) = await make_team(bot, "Jih", "Karel")
    code = await invite_code(karel, role="Člen")
    jih = await team_id(bot, "Jih")
    await bot.app.bot_data.services.teams.archive(Actor(user_id=bot.admin.id, is_admin=True), jih)
    eva = bot.person("Eva")
    await join(eva, code, name="Eva Nová")
    async with bot.db.read() as repos:
        assert await repos.memberships.roles_of(eva.id) == {}
    assert "Tato pozvánka byla zrušena" in eva.last().text


# --- /admins ---------------------------------------------------------------------------------


async def test_an_administrator_adds_and_removes_administrators_without_a_restart(bot):
    petra, _ = await make_team(bot, "Poruba", "Petra", "Jan")
    olga = bot.person("Olga")
    await olga.send("/start")
    await olga.send("/teams")
    assert "nemáte oprávnění" in olga.last().text

    admin = bot.admin
    await admin.send("/admins")
    assert f"• id {admin.id} — z konfigurace" in admin.last().text
    assert "Odebrat" not in str(admin.last().buttons)  # the configured one stays
    await admin.press("➕ Přidat administrátora")
    await admin.send("Olga")
    assert "Napište prosím Telegram ID" in admin.last().text
    await admin.send(str(olga.id))
    assert f"Nový administrátor: id {olga.id}" in admin.last().text
    assert "Byla vám přidělena práva administrátora města" in olga.last().text
    menu = bot.emu.commands({"type": "chat", "chat_id": olga.id})
    assert "admins" in [c["command"] for c in menu]
    async with bot.db.read() as repos:
        assert await repos.admins.ids(added_only=True) == [olga.id]
        assert [e.object_id for e in await repos.audit.by_action("admin.add")] == [str(olga.id)]

    await olga.send("/teams")  # at once, no restart
    assert "Poruba" in olga.last().text
    await bot.restart()  # and after one
    await olga.send("/teams")
    assert "Poruba" in olga.last().text

    # the configured administrator cannot be removed, not even with a forged button
    await olga.send("/admins")
    answer = await olga.press_data(f"adm:rmok:{admin.id}")
    assert answer is not None and "MDTBOT_ADMINS" in answer.text
    assert admin.id in bot.app.bot_data.services.admins

    await admin.send("/admins")
    await admin.press(f"✖ Odebrat: {olga.id}")
    assert f"Odebrat práva administrátora: id {olga.id}?" in admin.last().text
    await admin.press("Ano, odebrat")
    assert f"Odebráno: id {olga.id}" in admin.last().text
    assert "Práva administrátora města vám byla odebrána" in olga.last().text
    assert bot.emu.commands({"type": "chat", "chat_id": olga.id}) == []
    await olga.send("/teams")
    assert "nemáte oprávnění" in olga.last().text
    answer = await admin.press_data(f"adm:rm:{olga.id}")  # a stale button
    assert answer is not None and answer.show_alert
    async with bot.db.read() as repos:
        assert await repos.admins.ids(added_only=True) == []
        assert [e.object_id for e in await repos.audit.by_action("admin.remove")] == [str(olga.id)]

    await petra.send("/admins")  # a coordinator is politely refused
    assert "Promiňte, k tomu nemáte oprávnění" in petra.last().text
    answer = await petra.press_data("adm:add:0")
    assert answer is not None and answer.show_alert


async def test_jan_made_an_administrator_keeps_both_teams(bot):
    _, jan, _ = await two_teams(bot)
    await jan.send("/admins")
    assert "nemáte oprávnění" in jan.last().text
    await bot.admin.send("/admins")
    await bot.admin.press("➕ Přidat administrátora")
    await bot.admin.send(str(jan.id))
    assert f"Nový administrátor: Jan Členová (id {jan.id})" in bot.admin.last().text
    told = len(jan.inbox)
    # once more: he already is one, and the list names him once
    await bot.admin.press("➕ Přidat administrátora")
    await bot.admin.send(str(jan.id))
    listing = bot.admin.last().text
    assert f"Už je administrátorem: Jan Členová (id {jan.id})" in listing
    assert "Nový administrátor" not in listing
    assert listing.count(f"• Jan Členová (id {jan.id})") == 1
    assert len(jan.inbox) == told  # not told again
    # the configured one, too
    await bot.admin.press("➕ Přidat administrátora")
    await bot.admin.send(str(bot.admin.id))
    assert f"Už je administrátorem: id {bot.admin.id}" in bot.admin.last().text
    async with bot.db.read() as repos:
        assert len(await repos.audit.by_action("admin.add")) == 1
    await jan.send("/teams")
    assert "Poruba" in jan.last().text and "Jih" in jan.last().text
    await jan.send("/report")
    assert "Kterého týmu" in jan.last().text
    await jan.send("/cancel")
    await jan.send("/admins")
    await jan.press("✖ Odebrat: Jan Členová")
    await jan.press("Ano, odebrat")  # gives up his own rights
    assert "Práva administrátora města vám byla odebrána" in jan.last().text
    await jan.send("/teams")
    assert "nemáte oprávnění" in jan.last().text


# --- a team without a coordinator -----------------------------------------------------------


async def test_administrators_stand_in_when_the_last_coordinator_is_removed(bot):
    _, jan, _ = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    olga = bot.person("Olga")
    await olga.send("/start")
    await bot.app.bot_data.services.admins.add(
        Actor(user_id=bot.admin.id, is_admin=True), str(olga.id)
    )
    admin = bot.admin
    await admin.send("/members")
    await admin.press("Petra Koordinátorová")
    answer = await admin.press("Udělat řadovým členem")  # one tap leaves no team without one
    assert answer is not None and "aspoň jednoho koordinátora" in answer.text
    await admin.press("Odebrat z týmu")
    assert "Jde o posledního koordinátora týmu" in admin.last().text
    mark = bot.emu.seq
    await admin.press("Ano, odebrat")
    await bot.app.bot_data.outbox.settle()
    for person in (admin, olga):
        told = [t for t in texts(person, mark) if "Tým Poruba teď nemá koordinátora" in t]
        assert len(told) == 1, (person, texts(person, mark))
    async with bot.db.read() as repos:
        (event,) = await repos.audit.by_action("member.remove")
    assert event.details == {"role": "coordinator"}

    # the coordinators' notices of Poruba go to the administrators now
    mark = bot.emu.seq
    await report(jan, locality="Dubina")
    await bot.app.bot_data.outbox.settle()
    assert any("Nový problém" in t for t in texts(admin, mark))
    assert any("Nový problém" in t for t in texts(olga, mark))

    # ... until a new coordinator joins
    code = await invite_code(admin, role="Koordinátor")
    zuzana = bot.person("Zuzana")
    await join(zuzana, code, name="Zuzana Horká")
    mark = bot.emu.seq
    await report(jan, locality="Hulváky")
    await bot.app.bot_data.outbox.settle()
    assert any("Nový problém" in t for t in texts(zuzana, mark))
    assert not any("Nový problém" in t for t in texts(admin, mark) + texts(olga, mark))


async def test_jan_removed_as_jih_last_coordinator_stays_in_poruba(bot):
    petra, jan, karel = await two_teams(bot)
    admin = bot.admin
    await admin.send("/members")
    await admin.press("Jih")
    await admin.press("Karel Koordinátorová")
    await admin.press("Odebrat z týmu")
    assert "posledního koordinátora" not in admin.last().text  # Jan still coordinates Jih
    mark = bot.emu.seq
    await admin.press("Ano, odebrat")
    await bot.app.bot_data.outbox.settle()
    assert not any("nemá koordinátora" in t for t in texts(admin, mark))
    await admin.press("« Zpět na seznam")
    await admin.press("Jan Členová")
    await admin.press("Odebrat z týmu")
    assert "Jde o posledního koordinátora týmu" in admin.last().text
    await admin.press("Ano, odebrat")
    await bot.app.bot_data.outbox.settle()
    assert any("Tým Jih teď nemá koordinátora" in t for t in texts(admin, mark))
    assert any("Už nejste členem týmu Jih" in t for t in texts(jan, mark))
    # Jan is still a member of Poruba, where Petra still gets the coordinators' notices
    await jan.send("/report")
    assert "Kterého týmu" not in jan.last().text
    await jan.send("/cancel")
    mark = bot.emu.seq
    await report(jan, locality="Dubina")
    await bot.app.bot_data.outbox.settle()
    assert any("Nový problém" in t for t in texts(petra, mark))
    assert not any("Nový problém" in t for t in texts(admin, mark))
    assert not any("Nový problém" in t for t in texts(karel, mark))
