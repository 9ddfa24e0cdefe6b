"""Onboarding through the real PTB stack: teams, invites, joining, roles, removal."""

from __future__ import annotations

from datetime import timedelta

from tests.flows import create_team, invite_code, join


async def audit_actions(bot) -> list[str]:
    async with bot.db.read() as repos:
        events = []
        for team in await repos.teams.list_all():
            events += await repos.audit.for_team(team.id)
    return [e.action for e in sorted(events, key=lambda e: e.id)]


async def build_team(bot):
    """Admin creates Poruba, invites coordinator Petra, who invites member Jan."""
    await create_team(bot.admin, "Poruba")
    petra = bot.person("Petra")
    code = await invite_code(bot.admin, role="Koordinátor")
    await join(
        petra, code, name="Petra Svobodová", org_type="Úřad městského obvodu", org="ÚMOb Poruba"
    )
    jan = bot.person("Jan")
    code = await invite_code(petra, role="Člen")
    await join(
        jan, code, name="Jan Novák", org_type="Nestátní nezisková organizace", org="Charita Ostrava"
    )
    return petra, jan


async def test_whole_onboarding(bot):
    petra, jan = await build_team(bot)
    assert "Hotovo: jste v týmu Poruba (role: koordinátor)" in petra.inbox[-1].text or any(
        "Hotovo: jste v týmu Poruba (role: koordinátor)" in m.text for m in petra.inbox
    )
    assert "Hotovo: jste v týmu Poruba (role: člen)" in jan.last().text
    # the inviter hears about the new member
    assert any("Nový člen týmu Poruba: Jan Novák" in m.text for m in petra.inbox)

    await jan.send("/members")
    roster = jan.last().text
    assert "Poruba — 2 členové" in roster
    assert "Petra Svobodová — Úřad městského obvodu, ÚMOb Poruba (koordinátor)" in roster
    assert "Jan Novák — Nestátní nezisková organizace, Charita Ostrava" in roster
    assert jan.last().buttons == []  # ordinary members cannot manage

    async with bot.db.read() as repos:
        team = (await repos.teams.list_all())[0]
        members = {
            m.display_name: m.role.value for m in await repos.memberships.list_members(team.id)
        }
    assert members == {"Petra Svobodová": "coordinator", "Jan Novák": "member"}
    actions = await audit_actions(bot)
    assert actions.count("invite.create") == 2
    assert actions.count("member.join") == 2


async def test_only_a_hash_of_the_invite_code_is_stored(bot):
    await create_team(bot.admin, "Jih")
    code = await invite_code(bot.admin)
    async with bot.db.read() as repos, repos.teams.conn.execute("SELECT * FROM invites") as cur:
        rows = [tuple(r) for r in await cur.fetchall()]
    assert rows and all(code not in str(value) for row in rows for value in row)


async def test_removed_member_is_refused_at_once(bot):
    petra, jan = await build_team(bot)
    await jan.send("/profile")
    await jan.press("Změnit jméno")  # Jan is in the middle of a dialogue...

    await petra.send("/members")
    await petra.press("Jan Novák")
    await petra.press("Odebrat z týmu")
    await petra.press("Ano, odebrat")
    assert "z týmu Poruba: Jan Novák" in petra.last().text
    assert "Už nejste členem týmu Poruba" in jan.last().text

    await jan.send("Honza Novák")  # ...whose next step is refused
    assert "jen pro členy týmu" in jan.last().text
    async with bot.db.read() as repos:
        user = await repos.users.get(jan.id)
        assert user.display_name == "Jan Novák"
        assert await repos.drafts.get(jan.id) is None
    await jan.send("/members")
    assert "jen pro členy týmu" in jan.last().text
    await petra.send("/members")
    assert "Jan Novák" not in petra.last().text


async def test_coordinator_changes_roles_but_a_team_keeps_a_coordinator(bot):
    petra, jan = await build_team(bot)
    await petra.send("/members")
    await petra.press("Jan Novák")
    await petra.press("Udělat koordinátorem")
    assert "Role v týmu Poruba: koordinátor" in petra.last().text
    await jan.send("/invite")
    assert "Pozvat do týmu" in jan.last().text  # Jan may invite now

    await jan.send("/members")
    await jan.press("Petra Svobodová")
    await jan.press("Udělat řadovým členem")
    assert "Role v týmu Poruba: člen" in jan.last().text
    # now Jan is the only coordinator: the admin cannot demote him
    await bot.admin.send("/members")
    await bot.admin.press("Jan Novák")
    answer = await bot.admin.press("Udělat řadovým členem")
    assert answer is not None and "aspoň jednoho koordinátora" in answer.text


async def test_demoted_coordinator_cannot_finish_an_invite(bot):
    petra, jan = await build_team(bot)
    await bot.admin.send("/members")
    await bot.admin.press("Jan Novák")
    await bot.admin.press("Udělat koordinátorem")
    await jan.send("/invite")  # Jan starts inviting...
    await petra.send("/members")
    await petra.press("Jan Novák")
    await petra.press("Udělat řadovým členem")
    answer = await jan.press("Člen")  # ...and is refused at the next step
    assert answer is not None and "nemáte oprávnění" in answer.text
    assert (await audit_actions(bot)).count("invite.create") == 2


async def test_non_admin_cannot_create_teams(bot):
    stranger = bot.person("Eva")
    await stranger.send("/newteam Ovládnutý tým")
    assert "nemáte oprávnění" in stranger.last().text
    await stranger.send("/teams")
    assert "nemáte oprávnění" in stranger.last().text
    async with bot.db.read() as repos:
        assert await repos.teams.list_all() == []


async def test_newteam_dialogue_and_duplicates(bot):
    await bot.admin.send("/newteam")
    assert "Jak se nový tým jmenuje" in bot.admin.last().text
    await bot.admin.send("X")
    assert "příliš krátké: aspoň 2 znaky" in bot.admin.last().text
    await bot.admin.send("Vítkovice")
    assert "Tým Vítkovice byl založen" in bot.admin.last().text
    await bot.admin.send("/newteam VÍTKOVICE")
    assert "Tento název už existuje" in bot.admin.last().text
    await bot.admin.send("/newteam " + "x" * 81)
    assert "nejvýše 80 znaků" in bot.admin.last().text
    await bot.admin.send("/teams")
    assert "1 tým" in bot.admin.last().text
    assert "Vítkovice — 0 členů, 0 koordinátorů, bez skupiny" in bot.admin.last().text


async def test_used_invite_is_refused_and_creates_nothing(bot):
    await create_team(bot.admin, "Poruba")
    code = await invite_code(bot.admin)
    first, second = bot.person("Alena"), bot.person("Boris")
    await join(first, code, name="Alena Malá")
    await second.send(f"/start {code}")
    assert "už byla použita" in second.last().text
    async with bot.db.read() as repos:
        assert await repos.memberships.roles_of(second.id) == {}
        assert await repos.drafts.get(second.id) is None


async def test_expired_invite_is_refused(bot):
    await create_team(bot.admin, "Poruba")
    code = await invite_code(bot.admin)
    bot.advance(timedelta(days=7, seconds=1))
    late = bot.person("Cyril")
    await late.send(f"/start {code}")
    assert "Platnost této pozvánky vypršela" in late.last().text
    async with bot.db.read() as repos:
        assert await repos.memberships.roles_of(late.id) == {}


async def test_revoked_invite_is_refused_also_mid_dialogue(bot):
    await create_team(bot.admin, "Poruba")
    code = await invite_code(bot.admin)
    revoke_message = bot.admin.last()
    dana = bot.person("Dana")
    await dana.send(f"/start {code}")
    await dana.send("Dana Dlouhá")
    await bot.admin.press("Zrušit tuto pozvánku", message=revoke_message)
    assert "Pozvánka byla zrušena" in bot.admin.last().text
    answer = await dana.press("Policie ČR (PČR)")
    assert answer is not None and "pozvánka byla zrušena" in answer.text
    await dana.send(f"/start {code}")
    assert "Tato pozvánka byla zrušena" in dana.last().text
    async with bot.db.read() as repos:
        assert await repos.memberships.roles_of(dana.id) == {}


async def test_forged_invite_codes_are_refused(bot):
    await create_team(bot.admin, "Poruba")
    await invite_code(bot.admin)
    mallory = bot.person("Mallory")
    for code in ["AAAAAAAAAAAAAAAAAAAAAAAA", "<b>x</b>", "x" * 65, "../../etc"]:
        await mallory.send(f"/start {code}")
        assert "Tato pozvánka není platná" in mallory.last().text
    async with bot.db.read() as repos:
        assert await repos.memberships.roles_of(mallory.id) == {}
        user = await repos.users.get(mallory.id)
        assert user is None or not user.has_profile


async def test_html_in_names_is_shown_literally(bot):
    await create_team(bot.admin, "Jih <b>&amp;</b>")
    code = await invite_code(bot.admin, role="Koordinátor")
    hacker = bot.person("Hack")
    await join(hacker, code, name="<i>Jana</i> & <script>", org="<a href='x'>Org</a>")
    await hacker.send("/members")
    text = hacker.last().text
    assert "Jih <b>&amp;</b>" in text
    assert "<i>Jana</i> & <script>" in text
    assert "<a href='x'>Org</a>" in text


async def test_join_dialogue_back_and_bad_answers(bot):
    await create_team(bot.admin, "Poruba")
    code = await invite_code(bot.admin)
    eva = bot.person("Eva")
    await eva.send(f"/start {code}")
    await eva.send("E")
    assert "příliš krátké" in eva.last().text
    await eva.send("Eva " + "Dlouhá" * 20)
    assert "příliš dlouhé" in eva.last().text
    await eva.send("Eva Krátká")
    await eva.send("typed instead of pressing")
    assert "Vyberte prosím jedno z tlačítek" in eva.last().text
    await eva.press("« Zpět")
    assert "Dosud: Eva Krátká" in eva.last().text
    await eva.send("Eva Veselá")
    await eva.press("Základní škola")
    await eva.press("« Zpět")
    assert "Jaký typ organizace" in eva.last().text
    await eva.press("Základní škola")
    await eva.send("ZŠ Ostrava-Jih")
    assert "Hotovo" in eva.last().text
    async with bot.db.read() as repos:
        user = await repos.users.get(eva.id)
    assert (user.display_name, user.org_type.value, user.org_name) == (
        "Eva Veselá",
        "ZS",
        "ZŠ Ostrava-Jih",
    )


async def test_cancel_keeps_the_invite_for_the_same_person(bot):
    await create_team(bot.admin, "Poruba")
    code = await invite_code(bot.admin)
    filip = bot.person("Filip")
    await filip.send(f"/start {code}")
    await filip.press("✖ Zrušit")
    assert "Zrušeno" in filip.last().text
    await filip.send("/cancel")
    assert "Není co rušit" in filip.last().text
    await join(filip, code, name="Filip Rychlý")
    assert "Hotovo" in filip.last().text


async def test_known_person_joins_a_second_team_at_once(bot):
    petra, _ = await build_team(bot)
    await create_team(bot.admin, "Jih")
    code = await invite_code(bot.admin, team="Jih", role="Člen")
    await petra.send(f"/start {code}")
    assert "Hotovo: jste v týmu Jih (role: člen)" in petra.last().text
    await petra.send("/members")
    assert "Který tým?" in petra.last().text
    await petra.press("Jih")
    assert "Petra Svobodová" in petra.last().text
    # coordinator of Poruba, plain member of Jih: no management buttons there
    assert petra.last().buttons == []


async def test_forged_buttons_change_nothing(bot):
    petra, jan = await build_team(bot)
    await create_team(bot.admin, "Jih")
    async with bot.db.read() as repos:
        teams = {t.name: t.id for t in await repos.teams.list_all()}
    jih, poruba = teams["Jih"], teams["Poruba"]
    forged = [
        f"mem:rmok:{poruba}:{petra.id}",  # member removes the coordinator
        f"mem:role:{poruba}:{jan.id}:c",  # member promotes himself
        f"inv:r:{jih}:c",  # invite into another team
        f"inv:r:{poruba}:c",  # member invites
        "mem:rmok:abc:def",
        "mem:rmok:99999999999999999999999:1",
        "\x00\xff garbage",
        "org:POLICE",
        "lang:de",
    ]
    for data in forged:
        answer = await jan.press_data(data)
        assert answer is not None and answer.show_alert, data
    # the coordinator of Poruba cannot touch another team
    answer = await petra.press_data(f"inv:r:{jih}:m")
    assert answer is not None and "jen pro členy týmu" in answer.text
    async with bot.db.read() as repos:
        members = {
            m.display_name: m.role.value for m in await repos.memberships.list_members(poruba)
        }
        assert members == {"Petra Svobodová": "coordinator", "Jan Novák": "member"}
        assert await repos.invites.pending(jih, bot.clock.now()) == []


async def test_dialogue_survives_a_restart(bot):
    await create_team(bot.admin, "Poruba")
    code = await invite_code(bot.admin)
    gita = bot.person("Gita")
    await gita.send(f"/start {code}")
    await gita.send("Gita Horká")
    org_question = gita.last()
    await bot.restart()
    await gita.press("Městská policie (MPO)", message=org_question)
    await bot.restart()
    await gita.send("MP Ostrava, okrsek Poruba")
    assert "Hotovo: jste v týmu Poruba" in gita.last().text


async def test_language_switch(bot):
    await create_team(bot.admin, "Poruba")
    code = await invite_code(bot.admin)
    henry = bot.person("Henry", language_code="en")
    await henry.send(f"/start {code}")
    assert "What is your name?" in henry.last().text
    await henry.send("/lang")
    await henry.press("Čeština")
    assert "Jazyk nastaven: čeština" in henry.last().text
    await henry.send("Henry Smith")
    assert "Jaký typ organizace" in henry.last().text
    await henry.send("/lang")
    await henry.press("English")
    assert "Language set: English" in henry.last().text


async def test_help_depends_on_the_role(bot):
    petra, jan = await build_team(bot)
    await jan.send("/help")
    assert "/members" in jan.last().text and "/invite" not in jan.last().text
    await petra.send("/help")
    assert "/invite" in petra.last().text and "/newteam" not in petra.last().text
    await bot.admin.send("/help")
    assert "/newteam" in bot.admin.last().text
    stranger = bot.person("Ivan")
    await stranger.send("/start")
    assert "Sloužím jen členům týmů" in stranger.last().text
    await stranger.send("/members")
    assert "jen pro členy týmu" in stranger.last().text
    await stranger.send("/nonsense")
    assert "Tento příkaz neznám" in stranger.last().text
    await stranger.send("hello")
    assert "Tomu nerozumím" in stranger.last().text


async def test_command_menus_are_set_per_scope_and_language(bot):
    menus = [c for c in bot.emu.calls if c.method == "setMyCommands"]
    scopes = {(str(c.params.get("scope")), c.params.get("language_code")) for c in menus}
    assert any("all_private_chats" in s and lang == "en" for s, lang in scopes)
    assert any("all_group_chats" in s and lang == "cs" for s, lang in scopes)
    czech_private = next(
        c
        for c in menus
        if "all_private_chats" in str(c.params.get("scope"))
        and c.params.get("language_code") == "cs"
    )
    assert "Pozvat nového člena" in str(czech_private.params["commands"])


async def test_a_large_team_roster_stays_within_telegram_limits(bot):
    from bot.domain.models import OrgType, Role
    from bot.services.authz import Actor
    from bot.services.members import Profile

    services = bot.app.bot_data.services
    admin = Actor(bot.admin.id, is_admin=True)
    await bot.admin.send("/start")  # the inviter has written to the bot: it may tell them
    team = await services.teams.create(admin, "Moravská Ostrava a Přívoz")
    for number in range(120):
        person = bot.person(f"Osoba{number}")
        created = await services.invites.create(admin, team.id, Role.MEMBER)
        await services.invites.open(created.code, person.id)
        name = f"Dlouhé Jméno Číslo {number} <&>"
        org = "Organizace s opravdu velmi dlouhým názvem, odbor prevence " + "x" * 30
        await services.invites.join(
            person.id, team.id, created.invite.id, Profile(name, OrgType.NNO, org)
        )
    await bot.admin.send("/members")
    sent = [m for m in bot.admin.inbox if "Dlouhé Jméno" in m.text and "Nový člen" not in m.text]
    assert len(sent) >= 2  # split over several messages, none refused
    listed = sum(m.text.count("Dlouhé Jméno Číslo") for m in sent)
    assert listed == 120
    assert not [c for c in bot.emu.calls if not c.ok and c.method == "sendMessage"]


async def test_a_screen_that_cannot_be_edited_is_answered_in_a_new_message(bot):
    await create_team(bot.admin, "Poruba")
    await bot.admin.send("/invite")
    screen = bot.admin.last()
    bot.emu.inject_fault(
        "editMessageText", status=400, description="Bad Request: message can't be edited"
    )
    await bot.admin.press("Člen", message=screen)
    assert "start=" in bot.admin.last().text
    assert bot.admin.last().message_id != screen.message_id
