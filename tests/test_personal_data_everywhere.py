"""The personal-data warning on every typed text, not only report descriptions: comments,
proposals, reject reasons, lead organisations, agenda topics, minutes notes, task titles,
meeting places, locality names and guests. Nothing is saved before "Přesto uložit"; in names
of places and organisations (often named after people) only numbers and addresses count."""

from __future__ import annotations

from datetime import timedelta

from tests.flows import make_team, report
from tests.test_meetings import MEETING_UTC, run_due, said, schedule
from tests.test_two_teams import two_teams

WARNING = "Tohle vypadá jako osobní údaje:"
COMMENT = "Viděl jsem ho tam, nar. 780101/1229, tel. 731 123 456"


async def rows_with(bot, needle: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Per table (drafts left out: the held text waits there), rows that contain ``needle``."""
    found = {}
    async with bot.db.read() as repos:
        conn = repos.problems.conn
        async with conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ) as cur:
            tables = [row[0] for row in await cur.fetchall() if row[0] != "drafts"]
        for table in tables:
            async with conn.execute(f"SELECT * FROM {table}") as cur:
                rows = await cur.fetchall()
            count = sum(any(needle in str(value) for value in row) for row in rows)
            if count:
                found[table] = count
    return found


def data_of(message, text: str) -> str:  # type: ignore[no-untyped-def]
    (data,) = [b.callback_data for row in message.buttons for b in row if b.text == text]
    return str(data)


def warned(person, *lines: str) -> bool:  # type: ignore[no-untyped-def]
    last = person.last()
    return WARNING in last.text and all(line in last.text for line in lines)


async def test_a_comment_with_a_birth_number_and_a_phone_warns_and_saves_once(bot):
    petra, jan, _karel = await two_teams(bot)
    await report(jan, team="Poruba")
    await jan.send("/problem 1")
    await jan.press("💬 Komentovat")
    await jan.send(COMMENT)
    assert warned(jan, "rodné číslo: 780101/1229", "telefonní číslo: 731 123 456"), jan.last()
    assert jan.last().button_texts() == ["✏️ Upravit", "Přesto uložit", "✖ Zrušit"]
    assert await rows_with(bot, "780101/1229") == {}  # nothing saved, nobody told
    assert not said(petra, "780101/1229")

    warning = jan.last()
    save = data_of(warning, "Přesto uložit")
    await jan.press("Přesto uložit")
    assert "Váš komentář k #1 byl uložen." in jan.last().text
    saved = await rows_with(bot, "780101/1229")
    assert saved and all(count == 1 for count in saved.values()), saved
    # a double tap (or a redelivered press) saves nothing more
    answer = await jan.press_data(save, message=warning)
    assert answer is not None and "Tento dialog už skončil." in answer.text
    assert await rows_with(bot, "780101/1229") == saved


async def test_edit_types_it_again_and_cancel_saves_nothing(bot):
    _petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await jan.send("/problem 1")
    await jan.press("💬 Komentovat")
    await jan.send("Volejte 731 123 456")
    await jan.press("✏️ Upravit")
    assert "Napište to prosím znovu. Co jste napsali:" in jan.last().text
    assert "Volejte 731 123 456" in jan.last().text
    await jan.send("Volejte městskou policii")
    assert "Váš komentář k #1 byl uložen." in jan.last().text
    assert await rows_with(bot, "731 123 456") == {}
    assert await rows_with(bot, "Volejte městskou policii")

    await jan.send("/problem 1")
    await jan.press("💬 Komentovat")
    await jan.send("Pan Novák tam bydlí")
    assert warned(jan, "jméno osoby: Pan Novák")
    await jan.press("✖ Zrušit")
    assert "Zrušeno. Nic nebylo uloženo." in jan.last().text
    assert await rows_with(bot, "Pan Novák") == {}


async def test_an_older_warning_saves_nothing_once_a_new_text_is_typed(bot):
    _petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await jan.send("/problem 1")
    await jan.press("💬 Komentovat")
    await jan.send("Volejte 731 123 456")
    first = jan.last()
    await jan.send("Pište na jan.novak@example.cz")
    assert warned(jan, "e-mail: jan.novak@example.cz")
    answer = await jan.press("Přesto uložit", message=first)
    assert answer is not None and "Tento krok už je uložený." in answer.text
    assert await rows_with(bot, "731 123 456") == {}
    await jan.press("Přesto uložit")
    assert "Váš komentář k #1 byl uložen." in jan.last().text
    assert await rows_with(bot, "jan.novak@example.cz")
    assert await rows_with(bot, "731 123 456") == {}


async def test_a_proposal_and_a_reject_reason_are_checked(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan)
    await eva.send("/propose 1")
    await eva.send("Ať se tomu věnuje Jana Malá z OSPOD")
    assert warned(eva, "jméno osoby: Jana Malá")
    assert await rows_with(bot, "Jana Malá") == {}
    await eva.press("Přesto uložit")
    assert "Která organizace by za to měla odpovídat?" in eva.last().text
    await eva.press("Nikdo konkrétní")
    assert await rows_with(bot, "Jana Malá")

    await petra.send("/problem 1")
    await petra.press("❌ Zamítnout 1")
    await petra.send("Sociální pracovnice má jiný tel. 596 123 456")
    assert warned(petra, "telefonní číslo: 596 123 456")
    await petra.press("✏️ Upravit")
    await petra.send("Sociální pracovnice to už řeší")
    assert "Návrh byl zamítnut a jeho autor to ví." in petra.last().text
    assert await rows_with(bot, "596 123 456") == {}


async def test_a_lead_organisation_named_after_a_person_is_not_flagged(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🏢 Organizace")
    await petra.press("★ Vybrat vedoucí organizaci")
    await petra.press("Nestátní nezisková organizace")
    await petra.send("Nadace Jana Pernera, tel. 596 123 456")
    assert warned(petra, "telefonní číslo: 596 123 456")
    assert "jméno osoby" not in petra.last().text
    await petra.press("✏️ Upravit")
    await petra.send("Nadace Jana Pernera")
    assert "Vedoucí organizace: Nadace Jana Pernera" in petra.last().text


async def test_agenda_topics_and_meeting_places_as_jan_in_jih(bot):
    _petra, jan, _karel = await two_teams(bot)
    await jan.send("/meeting")
    await jan.press("Jih")
    await jan.press("➕ Naplánovat schůzku")
    await jan.send("15.12. 14:00")
    await jan.press("✅ Ano")
    await jan.send("Boženy Němcové 12, zvonit na 731 123 456")
    assert warned(jan, "telefonní číslo: 731 123 456")
    assert "jméno osoby" not in jan.last().text
    await jan.press("✏️ Upravit")  # the question again, with what was typed
    assert "Napište to prosím znovu. Co jste napsali:" in jan.last().text
    assert "zvonit na 731 123 456" in jan.last().text and "Kde" in jan.last().text
    await jan.send("Boženy Němcové 12, vchod z ulice, zvonit na 731 123 456")
    save = data_of(jan.last(), "Přesto uložit")
    await jan.press("Přesto uložit")
    assert WARNING not in jan.last().text
    repeat = jan.last().text
    # a double tap re-shows the current step (how often) and changes nothing
    answer = await jan.press_data(save, message=jan.last())
    assert answer is not None and "Tento krok už je uložený" in answer.text
    assert jan.last().text == repeat
    await jan.press("« Zpět")  # back to the place: the typed text is no longer held
    await jan.send("náměstí Jiřího z Poděbrad 5, Boženy Němcové 12")
    assert WARNING not in jan.last().text
    await jan.press("Ne, jednorázově")
    await jan.press("✅ Naplánovat a pozvat všechny")
    assert said(jan, "Schůzka je naplánována")
    assert await rows_with(bot, "náměstí Jiřího z Poděbrad 5, Boženy Němcové 12")
    assert await rows_with(bot, "731 123 456") == {}

    await jan.send("/agenda")
    if "Jih" in jan.last().button_texts():
        await jan.press("Jih")
    await jan.press("✏ Upravit program")
    await jan.press("➕ Přidat bod")
    await jan.send("Stížnost paní Novákové na hluk")
    assert warned(jan, "jméno osoby: paní Novákové")
    assert await rows_with(bot, "paní Novákové") == {}
    await jan.press("Přesto uložit")
    assert "Přidáno: Stížnost paní Novákové na hluk" in jan.last().text
    assert await rows_with(bot, "Stížnost paní Novákové")


async def test_a_minutes_note_with_a_plate_warns(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await schedule(petra)
    bot.clock.set(MEETING_UTC + timedelta(minutes=5))
    await run_due(bot)
    await petra.send("/minutes")
    await petra.press("Pokračovat programem ▶")
    await petra.press("📝 Poznámka")
    await petra.send("Auto 4T5 1234 tam parkuje každou noc")
    assert warned(petra, "SPZ: 4T5 1234")
    assert await rows_with(bot, "4T5 1234") == {}
    await petra.press("Přesto uložit")
    assert "Poznámka: Auto 4T5 1234 tam parkuje každou noc" in petra.last().text
    assert await rows_with(bot, "4T5 1234")


async def test_a_task_title_with_a_name_warns_as_jan_in_jih(bot):
    _petra, jan, _karel = await two_teams(bot)
    await report(jan, team="Jih")
    await jan.send("/problem 1")
    await jan.press("⚙ Koordinace ▸")
    await jan.press("📌 Úkoly")
    await jan.press("📌 Nový úkol")
    await jan.send("Promluvit s panem Novákem")
    assert warned(jan, "jméno osoby: panem Novákem")
    assert await rows_with(bot, "panem Novákem") == {}
    await jan.press("Přesto uložit")
    assert "Kdo" in jan.last().text or "Komu" in jan.last().text, jan.last().text
    await jan.press("🏢 Jen organizace")
    await jan.send("Nadace Jana Pernera")  # an organisation named after a person
    assert WARNING not in jan.last().text
    await jan.send("15.12.")
    await jan.press("✅ Ano")
    assert "Úkol je uložen" in jan.last().text
    assert await rows_with(bot, "Promluvit s panem Novákem")


async def test_locality_names_flag_numbers_but_not_streets_named_after_people(bot):
    petra, _jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await petra.send("/team")
    await petra.press("📍 Lokality")
    await petra.press("➕ Přidat lokalitu")
    await petra.send("Boženy Němcové 12")
    assert "Uloženo: Boženy Němcové 12." in petra.last().text
    await petra.press("« Lokality")
    await petra.press("➕ Přidat lokalitu")
    await petra.send("Dvůr u správce, spravce@example.cz")
    assert warned(petra, "e-mail: spravce@example.cz")
    assert await rows_with(bot, "spravce@example.cz") == {}
    await petra.press("Přesto uložit")
    assert "Uloženo: Dvůr u správce, spravce@example.cz." in petra.last().text


async def test_guests_names_are_names_but_numbers_in_the_organisation_warn(bot):
    petra, _jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra)
    await petra.send("/meeting")
    await petra.press(0)
    await petra.press("🧑‍💼 Hosté")
    await petra.press("➕ Přidat hosta")
    await petra.send("Eva Malá")
    assert WARNING not in petra.last().text
    assert "Host: Eva Malá. Z jaké organizace?" in petra.last().text
    await petra.send("SVJ Zárubecká, tel. 731 123 456")
    assert warned(petra, "telefonní číslo: 731 123 456")
    assert await rows_with(bot, "Eva Malá") == {}
    await petra.press("✏️ Upravit")
    assert "Napište to prosím znovu. Co jste napsali:" in petra.last().text
    assert "Host: Eva Malá. Z jaké organizace?" in petra.last().text
    assert "Bez organizace" in petra.last().button_texts()
    await petra.send("Nadace Jana Pernera")
    assert "Přidán host: Eva Malá — Nadace Jana Pernera" in petra.last().text
    assert await rows_with(bot, "731 123 456") == {}


async def test_a_removed_member_a_stranger_and_forged_presses_save_nothing(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await jan.send("/problem 1")
    await jan.press("💬 Komentovat")
    await jan.send(COMMENT)
    warning = jan.last()
    save = data_of(warning, "Přesto uložit")
    token = save.split(":")[-1]

    stranger = bot.person("Cizí")
    await stranger.send("/start")
    for data in (save, f"pd:ed:{token}"):
        answer = await stranger.press_data(data)
        assert answer is not None  # every press is answered
    for data in ("pd:ok:deadbeef", "pd:ok:", "pd:xx:" + token, "pd:ok:" + "9" * 40, "pd:ok"):
        answer = await jan.press_data(data, message=warning)
        assert answer is not None
    assert "Přesto uložit" in bot.emu.current(warning).button_texts()  # still the warning
    assert await rows_with(bot, "780101/1229") == {}

    await petra.send("/members")
    await petra.press("Jan Členová")
    await petra.press("Odebrat z týmu")
    await petra.press("Ano, odebrat")
    answer = await jan.press("Přesto uložit", message=warning)
    assert answer is not None and "Tento dialog už skončil." in answer.text
    assert await rows_with(bot, "780101/1229") == {}


async def test_a_very_long_text_is_echoed_within_telegrams_limit(bot):
    _petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await jan.send("/problem 1")
    await jan.press("💬 Komentovat")
    await jan.send("tel. 731 123 456 " + "a" * 4000)
    assert warned(jan, "telefonní číslo: 731 123 456")
    await jan.press("✏️ Upravit")
    assert "Napište to prosím znovu" in jan.last().text and len(jan.last().text) <= 4096
    await jan.send("Krátce a bez čísla.")
    assert "Váš komentář k #1 byl uložen." in jan.last().text
