"""Invites and joining: used up when joining finishes, expiry always, removal final until a new
invite, wrong codes throttled, refusals that tell a stranger nothing, and the audit trail."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.models import Draft, OrgType, Role
from tests.flows import create_team, invite_code, join
from tests.test_two_teams import two_teams

USED = "už byla použita"
EXPIRED = "Platnost této pozvánky vypršela"
REVOKED = "Tato pozvánka byla zrušena"
UNKNOWN = "Tato pozvánka není platná"
REMOVED = "Tato pozvánka už pro vás neplatí"
ASKS_NAME = "Jak se jmenujete"


async def team_ids(bot) -> dict[str, int]:
    async with bot.db.read() as repos:
        return {team.name: team.id for team in await repos.teams.list_all()}


async def roles(bot, person) -> dict[int, Role]:
    async with bot.db.read() as repos:
        return await repos.memberships.roles_of(person.id)


async def coordinator_team(bot):
    """Poruba with coordinator Petra; returns Petra."""
    await create_team(bot.admin, "Poruba")
    petra = bot.person("Petra")
    code = await invite_code(bot.admin, role="Koordinátor")
    await join(petra, code, name="Petra Svobodová", org_type="Úřad městského obvodu")
    return petra


async def remove(bot, coordinator, name: str) -> None:
    await coordinator.send("/members")
    await coordinator.press(name)
    await coordinator.press("Odebrat z týmu")
    await coordinator.press("Ano, odebrat")
    assert f"z týmu Poruba: {name}" in coordinator.last().text, coordinator.last().text


# --- removal is final until a new invite ----------------------------------------------------


async def test_a_removed_coordinator_does_not_come_back_with_the_old_link(bot):
    petra = await coordinator_team(bot)
    jan = bot.person("Jan")
    old = await invite_code(petra, role="Koordinátor")
    await join(jan, old, name="Jan Novák")
    assert "role: koordinátor" in jan.last().text
    await petra.send("/members")
    await petra.press("Jan Novák")
    await petra.press("Udělat řadovým členem")
    bot.advance(timedelta(minutes=5))
    await remove(bot, petra, "Jan Novák")
    bot.advance(timedelta(days=30))

    await jan.send(f"/start {old}")
    assert USED in jan.last().text, jan.last().text
    assert "Poruba" not in jan.last().text
    assert await roles(bot, jan) == {}
    await jan.send("/members")
    assert "jen pro členy týmu" in jan.last().text

    # a new invite brings him back, with the new invite's role
    fresh = await invite_code(petra, role="Člen")
    await jan.send(f"/start {fresh}")
    assert "Hotovo: jste v týmu Poruba (role: člen)" in jan.last().text
    assert list((await roles(bot, jan)).values()) == [Role.MEMBER]


async def test_an_unused_invite_made_before_the_removal_does_not_bring_back(bot):
    petra = await coordinator_team(bot)
    jan = bot.person("Jan")
    await join(jan, await invite_code(petra), name="Jan Novák")
    spare = await invite_code(petra, role="Koordinátor")  # meant for somebody else
    bot.advance(timedelta(minutes=1))
    await remove(bot, petra, "Jan Novák")

    await jan.send(f"/start {spare}")
    assert REMOVED in jan.last().text, jan.last().text
    assert "Poruba" not in jan.last().text
    assert await roles(bot, jan) == {}
    # the invite itself still works for the person it was meant for
    olga = bot.person("Olga")
    await join(olga, spare, name="Olga Malá")
    assert "Hotovo: jste v týmu Poruba (role: koordinátor)" in olga.last().text


async def test_a_joining_dialogue_left_from_before_the_removal_brings_nobody_back(bot):
    """The removal ends a running dialogue for the team; even a joining dialogue that was
    left over (e.g. from an older version) is refused at its next step, nothing saved."""
    petra = await coordinator_team(bot)
    teams = await team_ids(bot)
    olga = bot.person("Olga")
    code = await invite_code(petra)
    await olga.send(f"/start {code}")
    await olga.send("Olga Malá")
    question = olga.last()
    async with bot.db.transaction() as repos:
        draft = await repos.drafts.get(olga.id)
        # meanwhile Olga was a member (another device) and was removed
        await repos.users.set_profile(olga.id, "Olga Stará", OrgType.NNO, "Charita")
        await repos.memberships.activate(teams["Poruba"], olga.id, Role.COORDINATOR, _now(bot))
        await repos.memberships.remove(teams["Poruba"], olga.id, _now(bot) + timedelta(seconds=1))
    assert isinstance(draft, Draft)
    bot.advance(timedelta(minutes=1))

    answer = await olga.press("Policie ČR (PČR)", message=question)
    assert answer is not None and REMOVED in answer.text, answer
    assert await roles(bot, olga) == {}
    async with bot.db.read() as repos:
        assert await repos.drafts.get(olga.id) is None
        user = await repos.users.get(olga.id)
    assert user.display_name == "Olga Stará"  # nothing of the dialogue saved


def _now(bot):
    return bot.clock.now()


# --- expiry always applies ------------------------------------------------------------------


async def test_an_invite_expires_also_in_the_middle_of_joining(bot):
    await create_team(bot.admin, "Poruba")
    code = await invite_code(bot.admin)
    olga = bot.person("Olga")
    await olga.send(f"/start {code}")
    await olga.send("Olga Malá")
    await olga.press("Policie ČR (PČR)")
    bot.advance(timedelta(days=7, seconds=1))
    await olga.send("OO PČR Poruba")
    assert EXPIRED in olga.last().text, olga.last().text
    assert "Poruba" not in olga.last().text
    assert await roles(bot, olga) == {}
    async with bot.db.read() as repos:
        user = await repos.users.get(olga.id)
        assert user is None or not user.has_profile
        assert await repos.drafts.get(olga.id) is None
    # opening it again does not help
    await olga.send(f"/start {code}")
    assert EXPIRED in olga.last().text


async def test_an_opened_invite_expires_for_the_opener_too(bot):
    await create_team(bot.admin, "Poruba")
    code = await invite_code(bot.admin)
    filip = bot.person("Filip")
    await filip.send(f"/start {code}")
    await filip.press("✖ Zrušit")
    bot.advance(timedelta(days=8))
    await filip.send(f"/start {code}")
    assert EXPIRED in filip.last().text, filip.last().text
    assert await roles(bot, filip) == {}


async def test_a_known_person_cannot_use_an_expired_invite(bot):
    petra = await coordinator_team(bot)
    await create_team(bot.admin, "Jih")
    code = await invite_code(bot.admin, team="Jih")
    bot.advance(timedelta(days=7, seconds=1))
    await petra.send(f"/start {code}")
    assert EXPIRED in petra.last().text, petra.last().text
    assert list((await roles(bot, petra)).values()) == [Role.COORDINATOR]


# --- the same link in two hands -------------------------------------------------------------


async def test_two_people_open_the_same_link_the_first_to_finish_wins(bot):
    await create_team(bot.admin, "Poruba")
    code = await invite_code(bot.admin, role="Koordinátor")
    alena, boris = bot.person("Alena"), bot.person("Boris")
    await alena.send(f"/start {code}")
    await alena.send("Alena Malá")
    await alena.press("Základní škola")
    await boris.send(f"/start {code}")
    assert ASKS_NAME in boris.last().text, boris.last().text
    await join(boris, code, name="Boris Velký")
    assert "Hotovo: jste v týmu Poruba (role: koordinátor)" in boris.last().text

    await alena.send("ZŠ Ostrčilova")
    assert USED in alena.last().text, alena.last().text
    assert "Poruba" not in alena.last().text
    assert await roles(bot, alena) == {}
    async with bot.db.read() as repos:
        user = await repos.users.get(alena.id)
        assert user is None or not user.has_profile
        assert await repos.drafts.get(alena.id) is None
    await alena.send(f"/start {code}")
    assert USED in alena.last().text


async def test_the_second_opener_is_stopped_at_the_next_step(bot):
    await create_team(bot.admin, "Poruba")
    code = await invite_code(bot.admin)
    alena, boris = bot.person("Alena"), bot.person("Boris")
    await alena.send(f"/start {code}")
    await alena.send("Alena Malá")
    question = alena.last()
    await join(boris, code, name="Boris Velký")
    answer = await alena.press("Základní škola", message=question)
    assert answer is not None and USED in answer.text, answer
    assert await roles(bot, alena) == {}


# --- revoking an opened invite --------------------------------------------------------------


async def test_an_opened_but_unfinished_invite_is_listed_and_can_be_cancelled(bot):
    petra = await coordinator_team(bot)
    code = await invite_code(petra)
    dana = bot.person("Dana")
    await dana.send(f"/start {code}")
    await dana.send("Dana Dlouhá")
    await petra.send("/invites")
    assert "Otevřené pozvánky" in petra.last().text, petra.last().text
    await petra.press("Zrušit #")
    assert "Pozvánka byla zrušena" in petra.last().text
    answer = await dana.press("Policie ČR (PČR)")
    assert answer is not None and "pozvánka byla zrušena" in answer.text
    assert await roles(bot, dana) == {}
    await petra.send("/invites")
    assert "Nejsou žádné otevřené pozvánky" in petra.last().text


async def test_a_used_invite_cannot_be_cancelled(bot):
    petra = await coordinator_team(bot)
    code = await invite_code(petra)
    screen = petra.last()
    jan = bot.person("Jan")
    await join(jan, code, name="Jan Novák")
    answer = await petra.press("Zrušit tuto pozvánku", message=screen)
    assert answer is not None and USED in answer.text
    assert list((await roles(bot, jan)).values()) == [Role.MEMBER]


# --- members opening invites ----------------------------------------------------------------


async def test_a_member_opening_another_invite_to_the_team_changes_nothing(bot):
    petra = await coordinator_team(bot)
    jan = bot.person("Jan")
    await join(jan, await invite_code(petra), name="Jan Novák")
    code = await invite_code(petra, role="Koordinátor")
    await jan.send(f"/start {code}")
    assert "Už jste členem týmu Poruba" in jan.last().text
    assert list((await roles(bot, jan)).values()) == [Role.MEMBER]
    poruba = (await team_ids(bot))["Poruba"]
    async with bot.db.read() as repos:
        pending = await repos.invites.pending(poruba, _now(bot))
    assert len(pending) == 1  # still there for its real addressee


async def test_jan_of_two_teams_opening_invites_to_his_teams_changes_nothing(bot):
    petra, jan, _ = await two_teams(bot)
    teams = await team_ids(bot)
    poruba_lead = await invite_code(petra, role="Koordinátor")
    await jan.send(f"/start {poruba_lead}")
    assert "Už jste členem týmu Poruba" in jan.last().text, jan.last().text
    jih_member = await invite_code(jan, role="Člen", team="Jih")
    await jan.send(f"/start {jih_member}")
    assert "Už jste členem týmu Jih" in jan.last().text
    assert await roles(bot, jan) == {
        teams["Poruba"]: Role.MEMBER,
        teams["Jih"]: Role.COORDINATOR,
    }
    # the Poruba invite still works for somebody else
    olga = bot.person("Olga")
    await join(olga, poruba_lead, name="Olga Malá")
    assert "Hotovo: jste v týmu Poruba (role: koordinátor)" in olga.last().text


# --- refusals tell a stranger nothing -------------------------------------------------------


async def test_refusals_never_name_the_team_to_a_stranger(bot):
    petra = await coordinator_team(bot)
    used = await invite_code(petra)
    await join(bot.person("Jan"), used, name="Jan Novák")
    revoked = await invite_code(petra)
    await petra.press("Zrušit tuto pozvánku")
    expired = await invite_code(petra)
    bot.advance(timedelta(days=7, seconds=1))
    live = await invite_code(petra)
    await create_team(bot.admin, "Archiv")
    archived = await invite_code(bot.admin, team="Archiv")
    archiv = (await team_ids(bot))["Archiv"]
    async with bot.db.transaction() as repos:
        await repos.teams.archive(archiv, _now(bot))

    answers = {}
    for name, code, expected in [
        ("Used", used, USED),
        ("Revoked", revoked, REVOKED),
        ("Expired", expired, EXPIRED),
        ("Unknown", "A" * 24, UNKNOWN),
        ("Archived", archived, REVOKED),
    ]:
        stranger = bot.person(name)
        await stranger.send(f"/start {code}")
        answers[name] = stranger.last().text
        assert expected in answers[name], (name, answers[name])
        assert "Poruba" not in answers[name] and "Archiv" not in answers[name]
        assert await roles(bot, stranger) == {}
    assert live  # an unrelated live invite changes none of this


# --- wrong codes are throttled --------------------------------------------------------------


async def test_wrong_codes_are_throttled_also_across_a_restart(bot):
    petra = await coordinator_team(bot)
    good = await invite_code(petra)
    mallory = bot.person("Mallory")
    for number in range(5):
        await mallory.send(f"/start wrongcode{number}")
        assert UNKNOWN in mallory.last().text, mallory.last().text
        bot.advance(timedelta(seconds=30))
    # now 2:30 after the first failure: locked until it is 10 minutes old
    await mallory.send("/start wrongcode5")
    assert (
        "Příliš mnoho neplatných pozvánek. Zkuste to prosím za 8 minut." in mallory.last().text
    ), mallory.last().text
    await mallory.send(f"/start {good}")  # a right code does not help either
    assert "Příliš mnoho neplatných pozvánek" in mallory.last().text
    assert ASKS_NAME not in mallory.last().text

    await bot.restart()
    bot.advance(timedelta(minutes=7))
    await mallory.send(f"/start {good}")
    assert "Zkuste to prosím za 1 minutu." in mallory.last().text, mallory.last().text
    async with bot.db.read() as repos:
        assert await repos.drafts.get(mallory.id) is None

    # someone else is not affected meanwhile
    olga = bot.person("Olga")
    await olga.send("/start wrongcode")
    assert UNKNOWN in olga.last().text

    bot.advance(timedelta(minutes=1))
    await mallory.send(f"/start {good}")
    assert ASKS_NAME in mallory.last().text, mallory.last().text

    async with bot.db.read() as repos:
        lockouts = await repos.audit.by_action("invite.lockout")
        async with repos.teams.conn.execute("SELECT * FROM invite_failures") as cursor:
            failures = [tuple(row) for row in await cursor.fetchall()]
    assert [(e.actor_id, e.team_id) for e in lockouts] == [(mallory.id, None)]
    assert "wrongcode" not in str(lockouts[0].details)
    assert failures and all("wrongcode" not in str(row) for row in failures)


async def test_being_a_member_already_is_not_a_wrong_code(bot):
    petra = await coordinator_team(bot)
    code = await invite_code(petra)
    for _ in range(6):
        await petra.send(f"/start {code}")
        assert "Už jste členem týmu Poruba" in petra.last().text, petra.last().text
    async with bot.db.read() as repos:
        assert await repos.audit.by_action("invite.lockout") == []


# --- the audit trail ------------------------------------------------------------------------


async def test_invite_creation_opening_and_use_are_audited_without_the_code(bot):
    petra = await coordinator_team(bot)
    code = await invite_code(petra, role="Koordinátor")
    olga = bot.person("Olga")
    await join(olga, code, name="Olga Malá")
    poruba = (await team_ids(bot))["Poruba"]
    async with bot.db.read() as repos:
        events = await repos.audit.for_team(poruba)
        async with repos.teams.conn.execute("SELECT * FROM audit_events") as cursor:
            rows = [tuple(row) for row in await cursor.fetchall()]
    mine = [
        (e.action, e.actor_id, e.details.get("role")) for e in events if e.action != "team.create"
    ]
    assert ("invite.create", petra.id, "coordinator") in mine
    assert ("invite.open", olga.id, "coordinator") in mine
    assert ("member.join", olga.id, "coordinator") in mine
    assert all(code not in str(value) for row in rows for value in row)


# --- the schema change ----------------------------------------------------------------------


def test_invites_opened_under_the_old_rule_but_never_finished_are_open_again(tmp_path):
    """Before, opening reserved an invite for its opener; now only finishing uses it up."""
    import sqlite3

    from bot.storage.migrations import MIGRATIONS

    ours = next(i for i, script in enumerate(MIGRATIONS) if "invite_failures" in script)
    conn = sqlite3.connect(tmp_path / "old.db")
    for script in MIGRATIONS[:ours]:
        conn.executescript(script)
    at = "2026-11-24T08:00:00+00:00"
    conn.execute(
        "INSERT INTO teams (id, name, name_key, created_at) VALUES (1, 'P', 'p', ?)", (at,)
    )
    for user in (7, 8):
        conn.execute("INSERT INTO users (id, created_at) VALUES (?, ?)", (user, at))
    conn.execute(
        "INSERT INTO memberships (team_id, user_id, role, joined_at) VALUES (1, 7, 'member', ?)",
        ("2026-11-24T09:00:00+00:00",),
    )
    rows = [(1, "h1", 7, "2026-11-24T08:30:00+00:00"), (2, "h2", 8, "2026-11-24T08:40:00+00:00")]
    for invite_id, code_hash, user, used_at in rows:
        conn.execute(
            "INSERT INTO invites (id, team_id, role, code_hash, created_by, created_at,"
            " expires_at, used_by, used_at) VALUES (?, 1, 'member', ?, 1, ?, ?, ?, ?)",
            (invite_id, code_hash, at, "2026-12-01T08:00:00+00:00", user, used_at),
        )
    conn.executescript(MIGRATIONS[ours])
    used = dict(conn.execute("SELECT id, used_by FROM invites ORDER BY id").fetchall())
    assert used == {1: 7, 2: None}  # joined: used; only opened: open again
    assert conn.execute("SELECT COUNT(*) FROM invite_failures").fetchone() == (0,)
    conn.close()


async def test_presses_after_joining_change_nothing(bot):
    petra = await coordinator_team(bot)
    code = await invite_code(petra)
    olga = bot.person("Olga")
    await olga.send(f"/start {code}")
    await olga.send("Olga Malá")
    await olga.press("Základní škola")
    await olga.send("ZŠ Ostrčilova")
    assert "Hotovo: jste v týmu Poruba (role: člen)" in olga.last().text
    for _ in range(2):  # a press of the old screen, delivered twice
        answer = await olga.press_data("org:PCR")
        assert answer is not None and "Tento dialog už skončil" in answer.text
    await olga.send(f"/start {code}")  # the link again
    assert "Už jste členem týmu Poruba" in olga.last().text
    async with bot.db.read() as repos:
        joins = await repos.audit.by_action("member.join")
        user = await repos.users.get(olga.id)
    assert [e.actor_id for e in joins].count(olga.id) == 1
    assert user.org_type is OrgType.ZS
