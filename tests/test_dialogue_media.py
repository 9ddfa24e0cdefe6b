"""What people send besides text and buttons: voice, video, stickers, contacts, edits, albums."""

from __future__ import annotations

import pytest

from tests.flows import create_team, invite_code, make_team
from tests.test_two_teams import two_teams

DESCRIPTION = "Na dětském hřišti leží použité injekční stříkačky, asi deset kusů."
NEED = "Teď potřebuji tohle:"


async def draft_of(bot, person):  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        return await repos.drafts.get(person.id)


async def to_photos_step(person, team: str | None = None) -> None:  # type: ignore[no-untyped-def]
    await person.send("/report")
    if team is not None:
        await person.press(team)
    await person.press("návykové látky")
    await person.send("Zárubecká 12")
    await person.send(DESCRIPTION)
    assert "Pošlete fotky" in person.last().text


KINDS = [
    ("voice", "Hlasové zprávy ani zvukové soubory"),
    ("audio", "Hlasové zprávy ani zvukové soubory"),
    ("video", "Videa nepřijímám"),
    ("video_note", "Videa nepřijímám"),
    ("sticker", "Nálepky nepřijímám"),
]


@pytest.mark.parametrize(("kind", "answer"), KINDS)
async def test_other_kinds_at_a_report_step_say_what_the_step_takes(bot, kind, answer):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await jan.send("/report")
    await jan.press("návykové látky")
    before = len(jan.inbox)
    await jan.send_media(kind)
    assert len(jan.inbox) == before + 1
    reply = jan.last()
    assert answer in reply.text and NEED in reply.text, reply.text
    assert "Kde to je" in reply.text  # the step's own question, with its buttons
    assert "✖ Zrušit" in reply.button_texts()
    draft = await draft_of(bot, jan)
    assert draft.step == "locality" and draft.data["report"]["locality"] is None


async def test_a_contact_is_refused_as_personal_data_and_not_stored(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await jan.send("/report")
    await jan.press("návykové látky")
    await jan.send("Zárubecká 12")
    await jan.send_contact("+420 601 234 567", "Pavel")
    assert "Kontakty nepřijímám" in jan.last().text
    assert "Popište problém" in jan.last().text
    draft = await draft_of(bot, jan)
    assert draft.step == "description" and draft.data["report"]["description"] is None


async def test_other_kinds_outside_a_dialogue_and_during_onboarding(bot):
    await create_team(bot.admin, "Poruba")
    await bot.admin.send_media("sticker")
    assert "Nálepky nepřijímám. /help ukáže, co umím." in bot.admin.last().text
    code = await invite_code(bot.admin)
    eva = bot.person("Eva")
    await eva.send(f"/start {code}")
    await eva.send_media("voice")
    assert "Hlasové zprávy" in eva.last().text and "Jak se jmenujete" in eva.last().text
    assert (await draft_of(bot, eva)).step == "name"
    await eva.send("Eva Veselá")
    await eva.send_media("video_note")
    assert "Videa" in eva.last().text and "Jaký typ organizace" in eva.last().text
    await eva.press("Základní škola")
    await eva.send("ZŠ Ostrava-Jih")
    assert "Hotovo" in eva.last().text


async def test_an_edited_answer_is_not_taken_for_the_next_question(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await jan.send("/report")
    await jan.press("návykové látky")
    locality = await jan.send("Zárubecká 12")
    assert "Popište problém" in jan.last().text
    # he corrects the place he typed; the bot is asking for the description now
    await jan.edit(locality, "Na hřišti u pískoviště leží stříkačky a střepy z lahví, hodně.")
    reply = jan.last()
    assert "Upravené zprávy neberu v potaz" in reply.text, reply.text
    assert "Popište problém" in reply.text
    draft = await draft_of(bot, jan)
    assert draft.step == "description"
    assert draft.data["report"]["description"] is None
    assert draft.data["report"]["locality"] == "Zárubecká 12"


async def test_an_edited_command_does_not_run_again(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    sent = await jan.send("/members")
    before = len(jan.inbox)
    await jan.edit(sent, "/report")
    assert len(jan.inbox) == before + 1
    assert "Upravené zprávy" in jan.last().text
    assert await draft_of(bot, jan) is None


async def test_an_album_at_the_photo_step_adds_all_photos_with_one_confirmation(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await to_photos_step(jan)
    before = len(jan.inbox)
    await jan.send_album(4)
    assert len(jan.inbox) == before + 1  # one answer for the album, updated in place
    assert "Přidány 4 fotky" in jan.last().text, jan.last().text
    assert len((await draft_of(bot, jan)).data["report"]["photos"]) == 4
    await jan.send_photo()  # a single photo afterwards gets its own answer
    assert len(jan.inbox) == before + 2
    assert "Přidáno 5 fotek" in jan.last().text
    await jan.press("Hotovo")
    await jan.press("běžná")
    await jan.press("✅ Odeslat")
    assert "uložen jako #1" in jan.last().text
    async with bot.db.read() as repos:
        team_id = await repos.problems.team_of(1)
        problem = await repos.problems.get(team_id, 1)
    assert len(problem.photos) == 5


async def test_an_album_beyond_the_limit_adds_up_to_it_and_says_so_once(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await to_photos_step(jan)
    await jan.send_photo()
    before = len(jan.inbox)
    await jan.send_album(10)
    assert len(jan.inbox) == before + 1
    assert "Přidáno 10 fotek" in jan.last().text
    assert "Nejvýše 10 fotek" in jan.last().text
    assert len((await draft_of(bot, jan)).data["report"]["photos"]) == 10


async def test_an_album_with_a_caption_at_the_description_step(bot):
    _, jan, _ = await two_teams(bot)
    await jan.send("/report")
    await jan.press("Jih")
    await jan.press("návykové látky")
    await jan.send("Hrabůvka, Horní 5")
    before = len(jan.inbox)
    await jan.send_album(3, caption=DESCRIPTION)
    assert len(jan.inbox) == before + 1
    assert "Přidány 3 fotky" in jan.last().text
    draft = await draft_of(bot, jan)
    assert draft.step == "photos" and draft.data["report"]["description"] == DESCRIPTION
    assert len(draft.data["report"]["photos"]) == 3


async def test_an_album_at_another_step_is_answered_once(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await jan.send("/report")
    await jan.press("návykové látky")
    before = len(jan.inbox)
    await jan.send_album(3)
    assert len(jan.inbox) == before + 1
    assert "Fotky můžete přidat po popisu" in jan.last().text
    await jan.send("/cancel")
    before = len(jan.inbox)
    await jan.send_album(2)  # no dialogue at all
    assert len(jan.inbox) == before + 1
    assert "Fotky a polohu přijímám jen při hlášení" in jan.last().text


async def test_photos_in_a_dialogue_that_takes_none_say_what_the_step_takes(bot):
    await create_team(bot.admin, "Poruba")
    code = await invite_code(bot.admin)
    eva = bot.person("Eva")
    await eva.send(f"/start {code}")
    before = len(eva.inbox)
    await eva.send_album(3)
    assert len(eva.inbox) == before + 1
    reply = eva.last()
    assert "Fotky, soubory ani polohu tady nepřijímám" in reply.text, reply.text
    assert "Jak se jmenujete" in reply.text
    assert (await draft_of(bot, eva)).step == "name"


async def test_an_album_at_a_locality_name_step_is_answered_once(bot):
    _, jan, _ = await two_teams(bot)
    await jan.send("/team")
    await jan.press("📍 Lokality")
    await jan.press("➕ Přidat lokalitu")
    before = len(jan.inbox)
    await jan.send_album(3)
    assert len(jan.inbox) == before + 1
    assert "Napište prosím název" in jan.last().text
    await jan.send("Hrabůvka – Horní")
    assert "Uloženo: Hrabůvka – Horní" in jan.last().text


async def test_a_moving_live_location_is_taken_once_and_its_moves_pass_in_silence(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await jan.send("/report")
    await jan.press("návykové látky")
    pin = await jan.share_location(49.8326, 18.1622, live_period=900)
    assert "Polohu mám, ale není blízko žádné lokality" in jan.last().text
    draft = await draft_of(bot, jan)
    step = draft.step
    before = len(jan.inbox)
    await jan.move_live_location(pin, 49.8327, 18.1623)
    await jan.move_live_location(pin, 49.8330, 18.1630)
    assert len(jan.inbox) == before
    draft = await draft_of(bot, jan)
    assert draft.step == step
    assert draft.data["report"]["latitude"] == 49.8326


async def test_a_dice_or_a_poll_at_a_step_is_answered_too(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await jan.send("/report")
    await jan.press("návykové látky")
    await bot.emu.user_message(jan, jan.id, {"dice": {"emoji": "🎲", "value": 3}})
    assert "Tento druh zprávy nepřijímám" in jan.last().text
    assert "Kde to je" in jan.last().text
    await jan.send("/nonsense")  # unknown commands still get their own answer
    assert "Tento příkaz neznám" in jan.last().text
