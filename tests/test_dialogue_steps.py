"""Dialogue buttons pressed late, twice or on an older message; Back and Cancel on every step."""

from __future__ import annotations

from tests.flows import create_team, invite_code, join, make_team, report
from tests.test_two_teams import two_teams

STALE = "Tento krok už je uložený"
ENDED = "Tento dialog už skončil"
NOT_VALID = "Toto tlačítko už neplatí"


async def draft_of(bot, person):  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        return await repos.drafts.get(person.id)


def nav_texts(message) -> list[str]:  # type: ignore[no-untyped-def]
    return message.buttons[-1] and [b.text for b in message.buttons[-1]]


# --- 1. stale, doubled and late presses ----------------------------------------------------


async def test_report_double_tap_and_an_older_message_re_show_the_current_step(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await jan.send("/report")
    screen = jan.last()
    await jan.press("návykové látky")
    # the same press again (a double tap, or Telegram redelivering it)
    answer = await jan.press_data("rp:c:addiction", message=screen)
    assert answer is not None and STALE in answer.text and not answer.show_alert
    assert "Kde to je" in jan.last().text
    draft = await draft_of(bot, jan)
    assert draft.step == "locality" and draft.data["report"]["category"] == "addiction"

    await jan.send("Zárubecká 12")
    assert "Popište problém" in jan.last().text
    # scrolled up: a category button on the first screen, now two steps behind
    answer = await jan.press_data("rp:c:youth", message=screen)
    assert answer is not None and STALE in answer.text
    assert "Popište problém" in bot.emu.current(screen).text
    draft = await draft_of(bot, jan)
    assert draft.step == "description"
    assert draft.data["report"]["category"] == "addiction"  # unchanged
    assert draft.data["report"]["locality"] == "Zárubecká 12"
    assert all(NOT_VALID not in m.text for m in jan.inbox)


async def test_report_back_pressed_twice_goes_back_once(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan, send=False)
    preview = jan.last()
    back = next(b.callback_data for b in preview.buttons[-1] if "Zpět" in b.text)
    assert back == "dlg:back:preview"
    await jan.press("« Zpět", message=preview)
    assert "Jak je to naléhavé" in jan.last().text
    answer = await jan.press_data(back, message=preview)
    assert answer is not None and STALE in answer.text
    assert "Jak je to naléhavé" in bot.emu.current(preview).text
    assert (await draft_of(bot, jan)).step == "urgency"


async def test_report_photo_done_and_visibility_pressed_twice_have_one_effect(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await jan.send("/report")
    await jan.press("návykové látky")
    await jan.send("Zárubecká 12")
    await jan.send("Na dětském hřišti leží použité injekční stříkačky, asi deset kusů.")
    photos = jan.last()
    await jan.press("Přeskočit")
    await jan.press_data("rp:p:done", message=photos)
    assert (await draft_of(bot, jan)).step == "urgency"
    await jan.press("běžná")
    preview = jan.last()
    private = next(b.callback_data for row in preview.buttons for b in row if "Jen pro" in b.text)
    await jan.press("🔒 Jen pro koordinátory")
    answer = await jan.press_data(private, message=preview)  # the double tap
    assert answer is not None and not answer.show_alert
    assert (await draft_of(bot, jan)).data["report"]["coordinators_only"] is True
    assert "Vidí jen koordinátoři" in jan.last().text
    await jan.press("✅ Odeslat")
    assert "uložen jako #1" in jan.last().text


async def test_a_button_of_an_ended_report_says_so_briefly(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await jan.send("/report")
    screen = jan.last()
    await jan.press("✖ Zrušit")
    assert "Zrušeno" in jan.last().text
    answer = await jan.press_data("rp:c:youth", message=screen)
    assert answer is not None and ENDED in answer.text and not answer.show_alert
    assert "Zrušeno" in bot.emu.current(screen).text  # the screen stays as it was
    assert await draft_of(bot, jan) is None
    # Cancel again, and Back, on the ended dialogue: a brief word, nothing else
    answer = await jan.press_data("dlg:cancel", message=screen)
    assert answer is not None and ENDED in answer.text
    answer = await jan.press_data("dlg:back:category", message=screen)
    assert answer is not None and ENDED in answer.text
    assert "Zrušeno" in bot.emu.current(screen).text


async def test_onboarding_org_type_pressed_twice_and_after_joining(bot):
    await create_team(bot.admin, "Poruba")
    code = await invite_code(bot.admin)
    eva = bot.person("Eva")
    await eva.send(f"/start {code}")
    await eva.send("Eva Veselá")
    org_screen = eva.last()
    await eva.press("Základní škola")
    assert "jak se jmenuje vaše organizace" in eva.last().text
    answer = await eva.press_data("org:PCR", message=org_screen)  # an older press arrives late
    assert answer is not None and STALE in answer.text and not answer.show_alert
    assert "Základní škola: jak se jmenuje" in bot.emu.current(org_screen).text
    draft = await draft_of(bot, eva)
    assert draft.step == "org_name" and draft.data["org_type"] == "ZS"
    await eva.send("ZŠ Ostrava-Jih")
    assert "Hotovo" in eva.last().text
    answer = await eva.press_data("org:PCR", message=org_screen)
    assert answer is not None and ENDED in answer.text
    async with bot.db.read() as repos:
        user = await repos.users.get(eva.id)
    assert user.org_type.value == "ZS"


async def test_onboarding_back_pressed_twice_goes_back_once(bot):
    await create_team(bot.admin, "Poruba")
    code = await invite_code(bot.admin)
    eva = bot.person("Eva")
    await eva.send(f"/start {code}")
    await eva.send("Eva Veselá")
    await eva.press("Základní škola")
    screen = eva.last()
    await eva.press("« Zpět")
    assert "Jaký typ organizace" in eva.last().text
    answer = await eva.press_data("dlg:back:org_name", message=screen)
    assert answer is not None and STALE in answer.text
    assert (await draft_of(bot, eva)).step == "org_type"
    assert "Jaký typ organizace" in bot.emu.current(screen).text


# --- 2. Back and Cancel on every step ------------------------------------------------------


async def test_invite_role_step_has_back_and_cancel_for_a_person_with_several_teams(bot):
    await create_team(bot.admin, "Poruba")
    await create_team(bot.admin, "Jih")
    admin = bot.admin
    await admin.send("/invite")
    assert "Do kterého týmu" in admin.last().text
    assert "✖ Zrušit" in admin.last().button_texts()
    await admin.press("Jih")
    assert "Pozvat do týmu <b>Jih</b>" in admin.last().html
    assert admin.last().button_texts()[-2:] == ["« Zpět", "✖ Zrušit"]
    await admin.press("« Zpět")
    assert "Do kterého týmu" in admin.last().text
    await admin.press("Poruba")
    await admin.press("✖ Zrušit")
    assert "Zrušeno" in admin.last().text
    async with bot.db.read() as repos:
        teams = await repos.teams.list_all()
        for team in teams:
            assert await repos.invites.pending(team.id, bot.clock.now()) == []


async def test_invite_as_jan_offers_only_jih_with_cancel_and_no_back(bot):
    _, jan, _ = await two_teams(bot)
    await jan.send("/invite")
    screen = jan.last()
    assert "Pozvat do týmu <b>Jih</b>" in screen.html  # only where he coordinates
    assert "Poruba" not in screen.text
    assert screen.button_texts() == ["Člen", "Koordinátor", "✖ Zrušit"]
    await jan.press("✖ Zrušit")
    assert "Zrušeno" in jan.last().text
    code = await invite_code(jan, role="Člen")
    dana = bot.person("Dana")
    await join(dana, code, name="Dana Nová")
    assert "Hotovo: jste v týmu Jih" in dana.last().text


async def test_profile_change_steps_have_back_to_the_overview_and_cancel(bot):
    petra, _ = await make_team(bot, "Poruba", "Petra", "Jan")
    await petra.send("/profile")
    await petra.press("Změnit jméno")
    assert nav_texts(petra.last()) == ["« Zpět", "✖ Zrušit"]
    await petra.press("« Zpět")
    assert "Váš profil" in petra.last().text
    await petra.press("Změnit organizaci")
    assert "Jaký typ organizace" in petra.last().text
    assert nav_texts(petra.last()) == ["« Zpět", "✖ Zrušit"]
    await petra.press("« Zpět")
    assert "Váš profil" in petra.last().text
    assert await draft_of(bot, petra) is None
    await petra.press("Změnit organizaci")
    await petra.press("Základní škola")
    assert nav_texts(petra.last()) == ["« Zpět", "✖ Zrušit"]
    await petra.press("« Zpět")
    assert "Jaký typ organizace" in petra.last().text
    await petra.press("✖ Zrušit")
    assert "Zrušeno" in petra.last().text
    async with bot.db.read() as repos:
        user = await repos.users.get(petra.id)
    assert user.org_type.value == "UMOB"


async def test_newteam_step_has_cancel(bot):
    await bot.admin.send("/newteam")
    assert "Jak se nový tým jmenuje" in bot.admin.last().text
    assert nav_texts(bot.admin.last()) == ["✖ Zrušit"]
    await bot.admin.press("✖ Zrušit")
    assert "Zrušeno" in bot.admin.last().text
    async with bot.db.read() as repos:
        assert await repos.teams.list_all() == []


async def test_locality_steps_have_back_and_cancel(bot):
    petra, _ = await make_team(bot, "Poruba", "Petra", "Jan")
    await petra.send("/team")
    await petra.press("📍 Lokality")
    await petra.press("➕ Přidat lokalitu")
    assert nav_texts(petra.last()) == ["« Zpět", "✖ Zrušit"]
    await petra.press("« Zpět")
    assert "Lokality týmu" in petra.last().text
    await petra.press("➕ Přidat lokalitu")
    await petra.send("Dubina")
    await petra.press("« Lokality")
    await petra.press("Dubina")
    await petra.press("✏️ Přejmenovat")
    assert "Lokalita Dubina — nový název" in petra.last().text
    assert nav_texts(petra.last()) == ["« Zpět", "✖ Zrušit"]
    await petra.press("« Zpět")  # back to the locality it started from
    assert "Dubina" in petra.last().text and "✏️ Přejmenovat" in petra.last().button_texts()
    await petra.press("✏️ Přejmenovat")
    await petra.press("✖ Zrušit")
    assert "Zrušeno" in petra.last().text
    assert await draft_of(bot, petra) is None


async def test_team_timing_steps_have_back_and_cancel(bot):
    _, jan, _ = await two_teams(bot)
    await jan.send("/team")  # coordinator of Jih only
    assert "Jih" in jan.last().text
    await jan.press("⏰ Připomínky schůzek a program")
    await jan.press("⏰ Změnit připomínky")
    assert nav_texts(jan.last()) == ["« Zpět", "✖ Zrušit"]
    await jan.press("« Zpět")
    assert "Připomínky schůzek a program" in jan.last().text
    assert await draft_of(bot, jan) is None
    await jan.press("⏰ Změnit připomínky")
    await jan.press("✖ Zrušit")
    assert "Zrušeno" in jan.last().text
    assert await draft_of(bot, jan) is None


async def test_joining_steps_have_cancel_and_back_where_there_is_a_step_before(bot):
    await create_team(bot.admin, "Poruba")
    code = await invite_code(bot.admin)
    eva = bot.person("Eva")
    await eva.send(f"/start {code}")
    assert nav_texts(eva.last()) == ["✖ Zrušit"]  # the first question: nothing before it
    await eva.send("Eva Veselá")
    assert nav_texts(eva.last()) == ["« Zpět", "✖ Zrušit"]
    await eva.press("Základní škola")
    assert nav_texts(eva.last()) == ["« Zpět", "✖ Zrušit"]
    await eva.press("✖ Zrušit")
    assert "Zrušeno" in eva.last().text
    assert await draft_of(bot, eva) is None


async def test_jan_double_taps_the_team_choice_of_a_report(bot):
    _, jan, _ = await two_teams(bot)
    await jan.send("/report")
    screen = jan.last()
    jih = next(b.callback_data for b in screen.buttons[0] + screen.buttons[1] if b.text == "Jih")
    await jan.press("Jih")
    answer = await jan.press_data(jih, message=screen)
    assert answer is not None and STALE in answer.text
    await jan.press("« Zpět")  # Back from the category goes to the team choice
    assert "Kterého týmu se problém týká" in jan.last().text
    answer = await jan.press_data("dlg:back:category", message=screen)
    assert answer is not None and STALE in answer.text
    assert (await draft_of(bot, jan)).step == "team"
