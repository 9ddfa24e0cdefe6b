"""The emulator refuses what Telegram refuses: a real PTB ``Bot`` talking to it in-process."""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")

from collections.abc import AsyncIterator

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    ChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    InputMediaPhoto,
    MessageEntity,
    ReplyKeyboardMarkup,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, ChatMigrated, Conflict, Forbidden, RetryAfter

from bot.sandbox.emulator import TelegramEmulator
from bot.sandbox.people import TINY_JPEG
from bot.sandbox.request import EmulatorRequest


@pytest.fixture
def emu() -> TelegramEmulator:
    return TelegramEmulator()


@pytest.fixture
async def bot(emu: TelegramEmulator) -> AsyncIterator[Bot]:
    async with Bot(
        emu.token, request=EmulatorRequest(emu), get_updates_request=EmulatorRequest(emu)
    ) as tg_bot:
        yield tg_bot


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


async def test_send_edit_delete_as_the_person_sees_it(emu: TelegramEmulator, bot: Bot) -> None:
    alice = emu.user("Alice")
    await alice.send("/start")

    sent = await bot.send_message(
        alice.id,
        "<b>Ahoj</b> &amp; vítej",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard([("Ano", "yes"), ("Ne", "no")]),
    )
    assert sent.text == "Ahoj & vítej"
    assert sent.entities == (MessageEntity(MessageEntity.BOLD, 0, 4),)
    assert sent.from_user is not None and sent.from_user.id == emu.bot_id
    shown = alice.last()
    assert (shown.text, shown.html) == ("Ahoj & vítej", "<b>Ahoj</b> &amp; vítej")
    assert shown.button_texts() == ["Ano", "Ne"]

    await bot.edit_message_text("Hotovo", alice.id, sent.message_id)
    assert alice.last().text == "Hotovo"
    assert alice.last().edited
    assert alice.last().buttons == []  # editing text without reply_markup drops the keyboard
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("Hotovo", alice.id, sent.message_id)
    await bot.edit_message_reply_markup(
        alice.id, sent.message_id, reply_markup=keyboard([("Znovu", "again")])
    )
    assert alice.last().button_texts() == ["Znovu"]

    assert await bot.delete_message(alice.id, sent.message_id)
    assert alice.inbox == []
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(alice.id, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("Pozdě", alice.id, sent.message_id)


async def test_html_entities_in_utf16_units(emu: TelegramEmulator, bot: Bot) -> None:
    alice = emu.user("Alice")
    await alice.send("ahoj")
    html = (
        '😀 <i>kurzíva</i> <a href="https://mdt.ostrava.cz/a?b=1&amp;c=2">odkaz</a> '
        '<pre><code class="language-python">x = 1</code></pre> '
        "<tg-spoiler>tajné</tg-spoiler> &lt;&#268;&gt; "
        "<blockquote expandable>citát</blockquote>"
    )
    sent = await bot.send_message(alice.id, html, parse_mode=ParseMode.HTML)
    assert sent.text == "😀 kurzíva odkaz x = 1 tajné <Č> citát"
    found = {(e.type, e.offset, e.length): e for e in sent.entities}
    assert ("italic", 3, 7) in found  # the emoji counts two UTF-16 units
    assert found[("text_link", 11, 5)].url == "https://mdt.ostrava.cz/a?b=1&c=2"
    assert found[("pre", 17, 5)].language == "python"
    assert ("spoiler", 23, 5) in found
    assert ("expandable_blockquote", 33, 5) in found


async def test_without_parse_mode_text_is_literal(emu: TelegramEmulator, bot: Bot) -> None:
    alice = emu.user("Alice")
    await alice.send("ahoj")
    sent = await bot.send_message(alice.id, "a < b <b>", parse_mode=None)
    assert sent.text == "a < b <b>"
    assert sent.entities == ()


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("Čau <foo>", 'Unsupported start tag "foo" at byte offset 5'),  # offsets are in bytes
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<b>tučně", "Can't find end tag corresponding to start tag b"),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<b", "Unclosed start tag at byte offset 0"),
    ],
)
async def test_broken_html_is_refused(
    emu: TelegramEmulator, bot: Bot, html: str, error: str
) -> None:
    alice = emu.user("Alice")
    await alice.send("ahoj")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(alice.id, html, parse_mode=ParseMode.HTML)
    # PTB lower-cases the description; the emulator answered Telegram's exact words
    assert emu.calls[-1].error == f"Bad Request: can't parse entities: {error}"
    assert alice.inbox == []


async def test_text_limit_counts_utf16_after_parsing(emu: TelegramEmulator, bot: Bot) -> None:
    alice = emu.user("Alice")
    await alice.send("ahoj")
    await bot.send_message(alice.id, "🚓" * 2048)  # 2048 emoji = 4096 UTF-16 units
    await bot.send_message(alice.id, "<b>" + "ř" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(alice.id, "🚓" * 2048 + "a")
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(alice.id, "<b> </b>\n", parse_mode=ParseMode.HTML)
    assert len(alice.inbox) == 2


async def test_caption_limit(emu: TelegramEmulator, bot: Bot) -> None:
    alice = emu.user("Alice")
    await alice.send("ahoj")
    document = InputFile(b"%PDF-1.4", filename="zapis.pdf")
    await bot.send_document(alice.id, document, caption="č" * 1024)
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_document(alice.id, InputFile(b"x", filename="a.txt"), caption="č" * 1025)


async def test_keyboard_limits(emu: TelegramEmulator, bot: Bot) -> None:
    alice = emu.user("Alice")
    await alice.send("ahoj")
    await bot.send_message(alice.id, "ok", reply_markup=keyboard([("Ano", "č" * 32)]))  # 64 B
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(alice.id, "x", reply_markup=keyboard([("Ano", "č" * 32 + "a")]))
    with pytest.raises(BadRequest, match=r"(?i)text buttons are unallowed"):
        await bot.send_message(
            alice.id, "x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("jen text")]])
        )
    with pytest.raises(BadRequest):
        await bot.send_message(
            alice.id,
            "x",
            reply_markup=keyboard(
                *[[(f"b{r}{c}", f"{r}:{c}") for c in range(5)] for r in range(21)]
            ),
        )  # 105 buttons
    with pytest.raises(BadRequest):
        await bot.send_message(
            alice.id, "x", reply_markup=keyboard([(f"b{c}", str(c)) for c in range(9)])
        )
    await bot.send_message(alice.id, "klávesnice", reply_markup=ReplyKeyboardMarkup([["A", "B"]]))
    assert alice.last().reply_keyboard == [["A", "B"]]
    assert [m.text for m in alice.inbox] == ["ok", "klávesnice"]


async def test_who_the_bot_may_write_to(emu: TelegramEmulator, bot: Bot) -> None:
    alice, bob = emu.user("Alice"), emu.user("Bob")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(bob.id, "ahoj")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(987654321, "ahoj")

    await alice.send("/start")
    await bot.send_message(alice.id, "vítejte")
    alice.block_bot()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(alice.id, "haló?")
    await alice.unblock_bot()
    await bot.send_message(alice.id, "zase spolu")
    assert [m.text for m in alice.inbox] == ["vítejte", "zase spolu"]
    # the blocking and unblocking reached the bot as my_chat_member updates
    updates = await bot.get_updates()
    changes = [
        (u.my_chat_member.old_chat_member.status, u.my_chat_member.new_chat_member.status)
        for u in updates
        if u.my_chat_member
    ]
    assert changes == [("member", "kicked"), ("kicked", "member")]


async def test_groups_left_and_migrated(emu: TelegramEmulator, bot: Bot) -> None:
    alice = emu.user("Alice")
    group = emu.group("MDT Poruba")
    with pytest.raises(Forbidden, match="not a member of the group chat"):
        await bot.send_message(group.id, "ahoj")
    await alice.add_bot_to(group)
    await bot.send_message(group.id, "ahoj skupino")

    old_id = group.id
    await group.migrate_to_supergroup()
    assert group.id != old_id and str(group.id).startswith("-100")
    with pytest.raises(ChatMigrated) as migrated:
        await bot.send_message(old_id, "haló")
    assert migrated.value.new_chat_id == group.id
    await bot.send_message(group.id, "v supergroup")
    assert [m.text for m in group.messages] == ["ahoj skupino", "v supergroup"]

    assert await bot.leave_chat(group.id)
    assert not group.bot_is_member()
    with pytest.raises(Forbidden, match="not a member of the supergroup chat"):
        await bot.send_message(group.id, "ještě tu jsem?")


async def test_command_menus_per_scope_and_language(emu: TelegramEmulator, bot: Bot) -> None:
    alice = emu.user("Alice")
    menu = [BotCommand("start", "Začít"), BotCommand("help", "Nápověda")]
    await bot.set_my_commands(menu, scope=BotCommandScopeAllPrivateChats(), language_code="cs")
    got = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="cs")
    assert [c.command for c in got] == ["start", "help"]
    assert await bot.get_my_commands() == ()
    assert emu.commands({"type": "all_private_chats"}, "cs")[0]["description"] == "Začít"
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):  # Alice never wrote
        await bot.set_my_commands(menu, scope=BotCommandScopeChat(alice.id))
    await alice.send("/start")
    await bot.set_my_commands(menu, scope=BotCommandScopeChat(alice.id))
    with pytest.raises(BadRequest):
        await bot.set_my_commands([BotCommand("Špatně", "x")])


async def test_flood_limits_when_enforced(bot: Bot) -> None:
    emu = TelegramEmulator(enforce_flood_limits=True)
    async with Bot(emu.token, request=EmulatorRequest(emu)) as limited:
        alice = emu.user("Alice")
        await alice.send("ahoj")
        for number in range(3):  # a short burst passes
            await limited.send_message(alice.id, f"zpráva {number}")
        with pytest.raises(RetryAfter):
            await limited.send_message(alice.id, "a ještě jedna")

        group = emu.group("Skupina")
        await alice.add_bot_to(group)
        for number in range(20):
            await limited.send_message(group.id, f"oznámení {number}")
        with pytest.raises(RetryAfter) as refused:
            await limited.send_message(group.id, "dvacátá první")
        assert refused.value.retry_after.total_seconds() > 1  # type: ignore[union-attr]
        assert len(group.messages) == 20


async def test_photos_media_groups_locations(emu: TelegramEmulator, bot: Bot) -> None:
    alice = emu.user("Alice")
    await alice.send("ahoj")
    sent = await bot.send_photo(
        alice.id, TINY_JPEG, caption="Místo <i>nálezu</i>", parse_mode=ParseMode.HTML
    )
    assert sent.photo[-1].width == 8
    assert alice.last().photo == TINY_JPEG and alice.last().text == "Místo nálezu"
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await bot.send_photo(alice.id, b"%PDF-1.4 not an image")
    album = await bot.send_media_group(
        alice.id, [InputMediaPhoto(TINY_JPEG, caption="1"), InputMediaPhoto(TINY_JPEG, caption="2")]
    )
    assert [m.caption for m in album] == ["1", "2"]
    assert len({m.media_group_id for m in album}) == 1
    await bot.send_location(alice.id, 49.8209, 18.2625)
    assert alice.last().location == (49.8209, 18.2625)
    assert await bot.send_chat_action(alice.id, ChatAction.TYPING)
    assert [m.kind for m in alice.inbox] == ["photo", "photo", "photo", "location"]


async def test_chat_information(emu: TelegramEmulator, bot: Bot) -> None:
    petra, jan = emu.user("Petra", username="petra_s"), emu.user("Jan")
    group = emu.group("MDT Poruba", supergroup=True)
    await petra.add_bot_to(group)
    await jan.send_to(group, "/help")
    chat = await bot.get_chat(group.id)
    assert (chat.title, chat.type) == ("MDT Poruba", "supergroup")
    assert (await bot.get_chat_member(group.id, petra.id)).status == ChatMember.OWNER
    assert (await bot.get_chat_member(group.id, jan.id)).status == ChatMember.MEMBER
    assert (await bot.get_chat_member(group.id, emu.bot_id)).status == ChatMember.MEMBER
    admins = await bot.get_chat_administrators(group.id)
    assert [a.user.username for a in admins] == ["petra_s"]
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):  # never wrote, shares no group
        await bot.get_chat(emu.user("Cizinec").id)
    assert (await bot.get_chat(jan.id)).first_name == "Jan"  # seen in a group


async def test_webhook_and_get_updates_exclude_each_other(emu: TelegramEmulator, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)https url"):
        await bot.set_webhook("http://example.invalid/hook")
    await bot.set_webhook("https://example.invalid/hook")
    assert (await bot.get_webhook_info()).url == "https://example.invalid/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == ()
