"""Start-up makes no Bot API request that Telegram would refuse."""

from __future__ import annotations


def refused(bot) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{c.method}: {c.error}" for c in bot.emu.calls if not c.ok]


async def test_startup_sets_menus_only_for_chats_that_exist(bot):
    assert not refused(bot), refused(bot)  # the administrator has not written yet
    await bot.admin.send("/start")
    await bot.restart()
    assert not refused(bot), refused(bot)
    menu = bot.emu.commands({"type": "chat", "chat_id": bot.admin.id})
    assert any(c["command"] == "newteam" for c in menu), menu
