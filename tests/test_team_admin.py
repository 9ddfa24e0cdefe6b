"""Managing people and teams: a role change told to the person, teams renamed and archived,
administrators managed with /admins, and a team left without a coordinator."""

from __future__ import annotations

from tests.flows import make_team
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
