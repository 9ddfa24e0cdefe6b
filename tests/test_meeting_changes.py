"""Issue 9 for meetings: no empty keyboards on /meeting, moving one occurrence or the whole
series, repeated attendance presses, and invitations of a series at the team's lead time."""

from __future__ import annotations

from tests.flows import make_team
from tests.test_meetings import invitations, schedule
from tests.test_two_teams import two_teams


def refused(bot) -> list:  # type: ignore[no-untyped-def]
    """Bot API calls Telegram refused (but the per-chat command menus, not under test here)."""
    return [c for c in bot.emu.calls if not c.ok and c.method != "setMyCommands"]


def empty_keyboards(person) -> list:  # type: ignore[no-untyped-def]
    """Messages in the person's chat that carry an inline keyboard without a button."""
    out = []
    for message in person.inbox:
        markup = message.reply_markup or {}
        if "inline_keyboard" in markup and not any(markup["inline_keyboard"]):
            out.append(message)
    return out


# --- 1: no empty keyboard on any /meeting screen --------------------------------------------


async def test_a_member_without_meetings_gets_a_plain_answer_without_an_empty_keyboard(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await jan.send("/meeting")
    assert "Žádná schůzka není naplánována" in jan.last().text
    assert "Něco se pokazilo" not in jan.last().text
    assert jan.last().reply_markup is None
    assert empty_keyboards(jan) == []
    await petra.send("/meeting")
    assert petra.last().button_texts() == ["➕ Naplánovat schůzku"]
    assert empty_keyboards(petra) == []
    assert refused(bot) == []


async def test_an_admin_outside_teams_sees_meetings_without_empty_keyboards(bot):
    await bot.admin.send("/meeting")
    assert empty_keyboards(bot.admin) == []
    await make_team(bot, "Poruba", "Petra", "Jan")
    await bot.admin.send("/meeting")
    assert "Schůzky týmu Poruba" in bot.admin.last().text, bot.admin.last().text
    assert empty_keyboards(bot.admin) == []
    assert refused(bot) == []


async def test_jan_schedules_for_jih_and_sees_porubas_meetings(bot):
    petra, jan, karel = await two_teams(bot)
    await jan.send("/meeting")
    assert jan.last().button_texts() == ["Jih", "Poruba"]
    await jan.press("Poruba")
    assert "Žádná schůzka není naplánována" in jan.last().text
    assert "➕ Naplánovat schůzku" not in jan.last().button_texts()
    assert empty_keyboards(jan) == []
    await schedule(petra)  # Poruba's meeting
    await schedule(jan, when="16.12. 10:00", place="Radnice Jih", team="Jih")
    assert len(invitations(karel)) == 1 and "Radnice Jih" in invitations(karel)[0].text
    await jan.send("/meeting")
    await jan.press("Poruba")
    await jan.press(0)
    assert "ÚMOb Poruba" in jan.last().text
    assert "🕑 Změnit čas" not in jan.last().button_texts()  # a member in Poruba
    assert empty_keyboards(jan) == [] and empty_keyboards(petra) == []
    assert refused(bot) == []


async def test_every_date_step_has_back_and_cancel(bot):
    petra, _jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await petra.send("/meeting")
    await petra.press("➕ Naplánovat schůzku")
    assert petra.last().button_texts() == ["« Zpět", "✖ Zrušit"]
    await petra.send("někdy příště")
    assert "Tomu datu nerozumím" in petra.last().text
    assert petra.last().button_texts() == ["« Zpět", "✖ Zrušit"]
    await petra.press("« Zpět")  # the first question: back to the team's meetings
    assert "Schůzky týmu Poruba" in petra.last().text
    await petra.send("15.12. 14:00")  # the dialogue is over: not taken as a date
    assert "Rozumím" not in petra.last().text
    await schedule(petra)
    await petra.send("/meeting")
    await petra.press(0)
    await petra.press("🕑 Změnit čas")
    assert petra.last().button_texts() == ["« Zpět", "✖ Zrušit"]
    await petra.send("17.12. 9:30")
    assert "Rozumím" in petra.last().text
    assert petra.last().button_texts() == ["✅ Ano", "✏ Ne, znovu", "« Zpět", "✖ Zrušit"]
    await petra.press("« Zpět")
    assert petra.last().button_texts() == ["« Zpět", "✖ Zrušit"]
    await petra.press("« Zpět")  # back to the meeting, unchanged
    assert "úterý 15. prosince 2026 14:00" in petra.last().text
    assert "🕑 Změnit čas" in petra.last().button_texts()
    await petra.press("📍 Změnit místo")
    assert petra.last().button_texts() == ["« Zpět", "✖ Zrušit"]
    await petra.press("✖ Zrušit")
    assert empty_keyboards(petra) == []
    assert refused(bot) == []
