"""The outbox: notices are committed with the change, sent once, retried, never dropped."""

from __future__ import annotations

from datetime import timedelta

from tests.flows import make_team, report


async def outbox_rows(bot, chat_id: int, kind: str = "problem.new") -> list[dict]:  # type: ignore[no-untyped-def]
    """The outbox rows of one kind to one chat (default: new-problem notices)."""
    async with bot.db.read() as repos:
        items = await repos.outbox.items(chat_id=chat_id)
        return [await repos.outbox.state(item.id) for item in items if item.kind == kind]


async def run_outbox(bot) -> None:  # type: ignore[no-untyped-def]
    bot.app.bot_data.outbox.kick()
    await bot.app.bot_data.outbox.settle()


def notices(person) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.text for m in person.inbox if "Nový problém" in m.text]


async def test_a_429_postpones_the_notice_which_then_goes_out_once(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan, send=False)
    bot.emu.inject_fault("sendMessage", status=429, retry_after=30, count=1)
    await jan.press("✅ Odeslat")
    assert "uložen jako #1" in jan.last().text  # the reporter's answer does not wait
    assert notices(petra) == []
    (row,) = await outbox_rows(bot, petra.id)
    assert row["sent_at"] is None and row["failed_at"] is None
    bot.advance(timedelta(seconds=10))
    await run_outbox(bot)
    assert notices(petra) == []  # not before Telegram's retry_after
    bot.advance(timedelta(seconds=25))
    await run_outbox(bot)
    await run_outbox(bot)
    assert len(notices(petra)) == 1
    (row,) = await outbox_rows(bot, petra.id)
    assert row["sent_at"] is not None and row["attempts"] == 2


async def test_server_errors_are_retried_with_backoff(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan, send=False)
    bot.emu.inject_fault("sendMessage", status=502, count=2)
    await jan.press("✅ Odeslat")
    assert notices(petra) == []
    for _ in range(2):
        bot.advance(timedelta(minutes=1))
        await run_outbox(bot)
    assert len(notices(petra)) == 1


async def test_a_crash_between_send_and_mark_sends_again_after_restart(bot):
    """Policy: at least once. A row claimed but not marked sent is sent again at start-up."""
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    bot.app.bot_data.services.on_outbox_queued(lambda: None)  # it "dies" before sending
    await report(jan)
    async with bot.db.transaction() as repos:
        claimed = await repos.outbox.claim_next(bot.clock.now())
    assert claimed is not None and notices(petra) == []
    await bot.restart()
    await bot.app.bot_data.outbox.settle()
    assert len(notices(petra)) == 1
    await bot.restart()  # a sent row is never sent again
    await bot.app.bot_data.outbox.settle()
    assert len(notices(petra)) == 1


async def test_a_removed_coordinator_gets_no_queued_notice(bot):
    """Rendering happens at sending time and checks the reader may still see the problem."""
    petra, jan, marek = await make_team(bot, "Poruba", "Petra", "Jan", "Marek")
    await report(jan, send=False)
    bot.emu.inject_fault("sendMessage", status=429, retry_after=30, count=1)
    await jan.press("✅ Odeslat")
    assert notices(petra) == []
    async with bot.db.transaction() as repos:
        team = (await repos.teams.list_all())[0]
        await repos.memberships.remove(team.id, petra.id, bot.clock.now())
    bot.advance(timedelta(minutes=1))
    await run_outbox(bot)
    assert notices(petra) == []
    (row,) = await outbox_rows(bot, petra.id)
    assert row["failed_at"] is not None and "no longer relevant" in row["last_error"]
    assert notices(marek) == []  # ordinary members get no coordinator notice at all


async def test_group_notices_can_be_turned_off(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    group = bot.emu.group("MDT Poruba")
    await petra.add_bot_to(group)
    await petra.send_to(group, "/linkgroup")
    await petra.send("/team")
    assert "krátké oznámení o každém novém problému" in petra.last().text
    await petra.press("Vypnout oznámení ve skupině")
    assert "nedostává oznámení" in petra.last().text
    before = len(group.messages)
    await report(jan)
    assert len(group.messages) == before
    await jan.press_data("ts:g:1:1")  # a member cannot turn them back on
    async with bot.db.read() as repos:
        team = await repos.teams.get(1)
    assert team is not None and not team.group_notices
