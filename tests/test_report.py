"""/report through the real PTB stack: the dialogue, what is stored, who is told, bad input."""

from __future__ import annotations

from bot.domain.problems import Category, Status, Urgency
from tests.flows import make_team, report

DESCRIPTION = "Na dětském hřišti leží použité injekční stříkačky, asi deset kusů."


async def stored(bot, number: int):  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        team_id = await repos.problems.team_of(number)
        assert team_id is not None
        return await repos.problems.get(team_id, number)


async def problem_count(bot) -> int:  # type: ignore[no-untyped-def]
    async with (
        bot.db.read() as repos,
        repos.problems.conn.execute("SELECT COUNT(*) FROM problems") as cur,
    ):
        row = await cur.fetchone()
    return int(row[0])


async def test_member_reports_a_problem_and_the_coordinator_and_group_are_told(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    group = bot.emu.group("MDT Poruba")
    await petra.add_bot_to(group)
    await petra.send_to(group, "/linkgroup")

    await jan.send("/report")
    assert "Jaký je to problém" in jan.last().text
    await jan.press("návykové látky")
    assert "Kde to je" in jan.last().text
    await jan.send("Zárubecká 12, vnitroblok")
    assert "Popište problém" in jan.last().text
    await jan.send(DESCRIPTION)
    await jan.send_photo()
    assert "Přidána 1 fotka" in jan.last().text
    await jan.send_photo()
    assert "Přidány 2 fotky" in jan.last().text
    await jan.press("Hotovo")
    await jan.press("🔴 akutní")
    preview = jan.last().text
    assert "Zkontrolujte hlášení" in preview
    assert "Zárubecká 12, vnitroblok" in preview and DESCRIPTION in preview
    assert "osobní údaje" not in preview
    await jan.press("✅ Odeslat")
    assert "uložen jako #1" in jan.last().text

    problem = await stored(bot, 1)
    assert problem.category is Category.ADDICTION
    assert problem.urgency is Urgency.ACUTE
    assert problem.status is Status.NEW
    assert problem.locality == "Zárubecká 12, vnitroblok"
    assert problem.description == DESCRIPTION
    assert len(problem.photos) == 2
    assert problem.reporter_name == "Jan Členová"

    notice = petra.last()
    assert "Nový problém" in notice.text and "#1" in notice.text
    assert "AKUTNÍ" in notice.text and DESCRIPTION in notice.text
    assert "Otevřít #1" in notice.button_texts()
    group_notice = group.messages[-1].text
    assert "Nový problém #1, Zárubecká 12, vnitroblok — návykové látky" in group_notice
    assert DESCRIPTION not in group_notice  # the group gets only a short notice
    assert "AKUTNÍ" in group_notice


async def test_localities_as_buttons_and_a_pin_near_one(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await petra.send("/team")
    await petra.press("📍 Lokality")
    await petra.press("➕ Přidat lokalitu")
    await petra.send("Dubina – Horní náměstí")
    await petra.press("« Lokality")
    await petra.press("Dubina – Horní náměstí")
    await petra.press("📍 Umístit na mapu")
    await petra.share_location(49.7800, 18.2400)
    assert "je teď na mapě" in petra.last().text
    await petra.press("« Lokality")
    await petra.press("➕ Přidat lokalitu")
    await petra.send("Hulváky")

    await jan.send("/report")
    await jan.press("riziková mládež")
    assert {"Dubina – Horní náměstí", "Hulváky"} <= set(jan.last().button_texts())
    await jan.share_location(49.7810, 18.2405)  # ~120 m away
    assert "Popište problém" in jan.last().text
    await jan.send("Skupina asi patnácti mladistvých večer pije alkohol a ničí lavičky.")
    await jan.press("Přeskočit")
    await jan.press("běžná")
    await jan.press("✅ Odeslat")
    problem = await stored(bot, 1)
    assert problem.locality == "Dubina – Horní náměstí"
    assert problem.locality_id is not None
    assert abs((problem.latitude or 0) - 49.781) < 1e-6

    # a pin far from every locality: the reporter names the place
    await jan.send("/report")
    await jan.press("riziková mládež")
    await jan.share_location(49.8300, 18.1600)
    assert "není blízko" in jan.last().text
    await jan.send("park za koupalištěm")
    assert "Popište problém" in jan.last().text


async def test_description_limits_are_stated_and_enforced(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await jan.send("/report")
    await jan.press("jiné")
    await jan.send("Náměstí")
    question = jan.last().text
    assert "Aspoň 15 znaků, nejvýše 3\u00a0000" in question  # one rule: the length
    assert "slov" not in question
    await jan.send("krátké")
    assert "To je příliš krátké: aspoň 15 znaků" in jan.last().text  # said the same way
    await jan.send("slovo " * 600)
    assert "To je příliš dlouhé: nejvýše 3000 znaků" in jan.last().text
    await jan.send("Rozbitélampyvparku")  # one long word is enough: 15 characters
    assert "fotky" in jan.last().text
    async with bot.db.read() as repos:
        draft = await repos.drafts.get(jan.id)
    assert draft is not None and draft.data["report"]["description"] == "Rozbitélampyvparku"
    assert await problem_count(bot) == 0


async def test_html_is_shown_literally_everywhere(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    tricky = "<b>Pozor</b> & <script>alert(1)</script> u vchodu <i>každý den</i>"
    await report(jan, locality="<u>Hulváky</u> & spol.", description=tricky)
    assert "uložen jako #1" in jan.last().text
    assert "<u>Hulváky</u> & spol." in petra.last().text
    assert tricky in petra.last().text
    await petra.send("/problem 1")
    assert tricky in petra.last().text
    problem = await stored(bot, 1)
    assert problem.description == tricky


async def test_personal_data_warning_edit_or_send_anyway(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    text = "Pan Novák z přízemí prodává drogy, volejte mu na 605 123 456, jezdí autem 1T2 3456."
    await report(jan, description=text, send=False)
    preview = jan.last()
    assert "osobní údaje" in preview.text
    assert "605 123 456" in preview.text and "1T2 3456" in preview.text
    assert "✅ Odeslat" not in preview.button_texts()
    await jan.press("✏️ Upravit popis")
    await jan.send("Muž z přízemí domu prodává drogy, hlavně večer kolem osmé hodiny.")
    assert "osobní údaje" not in jan.last().text
    await jan.press("✏️ Upravit popis")
    await jan.send(text)
    await jan.press("Přesto odeslat")
    assert "uložen jako #1" in jan.last().text
    async with bot.db.read() as repos:
        events = await repos.audit.by_action("problem.personal_data_confirmed")
    assert len(events) == 1 and events[0].object_id == "1"
    assert set(events[0].details["kinds"]) >= {"phone", "car_plate"}
    assert "605" not in str(events[0].details)  # the audit names kinds, never the data


async def test_forged_send_without_confirming_personal_data_is_refused(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(
        jan, description="Volejte na 605 123 456, tam vám řeknou víc o celé věci.", send=False
    )
    send_anyway = next(
        b.callback_data for row in jan.last().buttons for b in row if b.text == "Přesto odeslat"
    )
    await jan.press_data(send_anyway.replace("rp:sendpd:", "rp:send:"))
    assert await problem_count(bot) == 0
    assert "osobní údaje" in jan.last().text


async def test_pressing_send_twice_creates_one_problem(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan, send=False)
    preview = jan.last()
    send = next(b.callback_data for row in preview.buttons for b in row if "Odeslat" in b.text)
    await jan.press("✅ Odeslat", message=preview)
    assert "uložen jako #1" in jan.last().text
    await jan.press_data(send)
    assert "uložen jako #1" in jan.last().text
    await bot.restart()
    await jan.press_data(send)
    assert "uložen jako #1" in jan.last().text
    assert await problem_count(bot) == 1


async def test_a_restart_in_the_middle_loses_nothing(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await jan.send("/report")
    await jan.press("sexbyznys")
    await jan.send("Ostrava-Přívoz, Palackého")
    await jan.send(DESCRIPTION)
    await jan.send_photo()
    await bot.restart()
    await jan.send_photo()
    assert "Přidány 2 fotky" in jan.last().text
    await jan.press("Hotovo")
    await bot.restart()
    await jan.press("vysoká")
    await jan.press("✅ Odeslat")
    problem = await stored(bot, 1)
    assert problem.category is Category.SEX_WORK
    assert problem.locality == "Ostrava-Přívoz, Palackého"
    assert len(problem.photos) == 2 and problem.urgency is Urgency.HIGH


async def test_member_removed_during_the_dialogue_cannot_submit(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan, send=False)
    await petra.send("/members")
    await petra.press("Jan Členová")
    await petra.press("Odebrat z týmu")
    await petra.press("Ano, odebrat")
    answer = await jan.press("✅ Odeslat")
    assert answer is not None and "jen pro členy týmu" in (answer.text or "")
    assert await problem_count(bot) == 0


async def test_wrong_files_and_too_large_photos_get_a_clear_answer(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await jan.send("/report")
    await jan.press("jiné")
    await jan.send("Hulváky")
    await jan.send(DESCRIPTION)
    await jan.send_document("zprava.pdf", b"%PDF-1.4", "application/pdf")
    assert "Pošlete prosím fotku" in jan.last().text
    await jan.send_photo(file_size=15 * 1024 * 1024)
    assert "příliš velký" in jan.last().text
    await jan.send_document("fotka.png", b"\x89PNG....", "image/png")
    assert "Přidána 1 fotka" in jan.last().text


async def test_similar_open_problem_is_offered_for_support_instead(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan, locality="Hulváky", category="návykové látky")
    await eva.send("/report")
    await eva.press("návykové látky")
    await eva.send("HULVÁKY")
    offer = eva.last()
    assert "Už tu je 1 otevřený problém" in offer.text and "#1" in offer.text
    await eva.press("👍 Podpořit #1")
    assert "podporujete problém #1" in eva.last().text
    assert await problem_count(bot) == 1
    problem = await stored(bot, 1)
    assert problem.supporters == [eva.id]

    await eva.send("/report")
    await eva.press("návykové látky")
    await eva.send("Hulváky")
    await eva.press("💬 Komentovat #1")
    await eva.send("Včera večer tam byly <b>další</b> stříkačky.")
    await petra.send("/problem 1")
    assert "Včera večer tam byly <b>další</b> stříkačky." in petra.last().text


async def test_back_and_cancel_at_every_step(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan, send=False)
    await jan.press("« Zpět")
    assert "Jak je to naléhavé" in jan.last().text
    await jan.press("« Zpět")
    assert "fotky" in jan.last().text.lower()
    await jan.press("« Zpět")
    assert "Popište problém" in jan.last().text
    await jan.press("Ponechat tento popis")
    await jan.press("✖ Zrušit")
    assert "Zrušeno" in jan.last().text
    assert await problem_count(bot) == 0
