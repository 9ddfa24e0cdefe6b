"""Team group chats: linking, leaving unlinked groups, supergroup migration."""

from __future__ import annotations

from datetime import timedelta

from bot.handlers.groups import leave_unlinked_groups
from tests.flows import create_team, invite_code, join


async def team_with_coordinator(bot):
    await create_team(bot.admin, "Poruba")
    petra = bot.person("Petra")
    await join(petra, await invite_code(bot.admin, role="Koordinátor"), name="Petra Svobodová")
    jan = bot.person("Jan")
    await join(jan, await invite_code(petra), name="Jan Novák")
    return petra, jan


async def group_chat_of(bot, name="Poruba"):
    async with bot.db.read() as repos:
        teams = {t.name: t for t in await repos.teams.list_all()}
    return teams[name].group_chat_id


async def test_bot_leaves_a_group_a_stranger_added_it_to(bot):
    stranger = bot.person("Karel")
    group = bot.emu.group("Náhodná skupina")
    await stranger.add_bot_to(group)
    assert "Na shledanou" in group.messages[-1].text
    assert not group.bot_is_member()


async def test_coordinator_links_a_group(bot):
    petra, jan = await team_with_coordinator(bot)
    group = bot.emu.group("MDT Poruba")
    await petra.add_bot_to(group)
    assert "/linkgroup" in group.messages[-1].text
    assert group.bot_is_member()

    await jan.send_to(group, "/linkgroup")  # an ordinary member may not
    assert "nemáte oprávnění" in group.messages[-1].text
    assert await group_chat_of(bot) is None

    await petra.send_to(group, "/linkgroup")
    assert "propojena s týmem Poruba" in group.messages[-1].text
    assert await group_chat_of(bot) == group.id

    # linked groups are not left by the sweep
    bot.advance(timedelta(days=1))
    await leave_unlinked_groups(bot.context())
    assert group.bot_is_member()
    await bot.admin.send("/teams")
    assert "skupina propojena" in bot.admin.last().text


async def test_unlinked_group_is_left_after_the_grace_period(bot):
    petra, _ = await team_with_coordinator(bot)
    group = bot.emu.group("Zapomenutá skupina")
    await petra.add_bot_to(group)
    bot.advance(timedelta(minutes=30))
    await leave_unlinked_groups(bot.context())
    assert group.bot_is_member()
    bot.advance(timedelta(minutes=31))
    await leave_unlinked_groups(bot.context())
    assert not group.bot_is_member()
    assert "opouštím" in group.messages[-1].text


async def test_linkgroup_in_private_chat_explains_where(bot):
    petra, _ = await team_with_coordinator(bot)
    await petra.send("/linkgroup")
    assert "ve skupinovém chatu týmu" in petra.last().text


async def test_group_migration_keeps_the_link(bot):
    petra, _ = await team_with_coordinator(bot)
    group = bot.emu.group("MDT Poruba")
    await petra.add_bot_to(group)
    await petra.send_to(group, "/linkgroup")
    old_id = group.id
    await group.migrate_to_supergroup()
    assert group.id != old_id
    assert await group_chat_of(bot) == group.id


async def test_removing_the_bot_unlinks_the_group(bot):
    petra, _ = await team_with_coordinator(bot)
    group = bot.emu.group("MDT Poruba")
    await petra.add_bot_to(group)
    await petra.send_to(group, "/linkgroup")
    await petra.remove_bot_from(group)
    assert await group_chat_of(bot) is None


async def test_anonymous_admin_cannot_link(bot):
    petra, _ = await team_with_coordinator(bot)
    group = bot.emu.group("MDT Poruba")
    await petra.add_bot_to(group)
    await bot.emu.anonymous_admin_message(group, "/linkgroup")
    assert "svým jménem" in group.messages[-1].text
    assert await group_chat_of(bot) is None


async def test_private_commands_are_not_answered_in_groups(bot):
    petra, _ = await team_with_coordinator(bot)
    group = bot.emu.group("MDT Poruba")
    await petra.add_bot_to(group)
    await petra.send_to(group, "/members")
    assert "do soukromého chatu" in group.messages[-1].text
    assert "Petra Svobodová" not in group.messages[-1].text


async def test_blocking_the_bot_marks_the_person_unreachable(bot):
    petra, _ = await team_with_coordinator(bot)
    await petra.block_bot()
    async with bot.db.read() as repos:
        assert (await repos.users.get(petra.id)).unreachable
