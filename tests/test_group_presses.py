"""A press on a bot message in a group never answers in the group (issue: a forged press turned
a short group notice into the full problem detail). It is answered with a pointer to the
private chat; only linking the group itself works there."""

from __future__ import annotations

from tests.flows import report
from tests.test_meetings import schedule
from tests.test_two_teams import two_teams


async def test_every_button_the_bot_emits_pressed_in_a_group_shows_nothing_there(bot):
    petra, jan, karel = await two_teams(bot)
    group = bot.emu.group("MDT Poruba")
    await petra.add_bot_to(group)
    await petra.send_to(group, "/linkgroup")
    await report(jan, team="Poruba", description="Tajný popis: stříkačky za garážemi u školy.")
    await schedule(petra)
    await jan.send("/problem 1")
    await jan.send("/agenda")

    harvested = {
        b.callback_data
        for person in (petra, jan, karel, bot.admin)
        for message in person.inbox
        for row in message.buttons
        for b in row
        if b.callback_data and not b.callback_data.startswith(("lg:", "lgm:"))
    }
    assert len(harvested) > 10
    notice = group.messages[-1]
    before = [(m.message_id, m.text, m.edited) for m in group.messages]
    calls_before = len(bot.emu.calls)
    for data in sorted(harvested):
        for presser in (jan, petra):
            answer = await presser.press_data(data, message=notice)
            assert answer is not None and "soukromém chatu" in answer.text, (data, answer)
    assert [(m.message_id, m.text, m.edited) for m in group.messages] == before
    refused = [c for c in bot.emu.calls[calls_before:] if not c.ok]
    assert not refused, refused
    assert "Tajný popis" not in " ".join(m.text for m in group.messages)
