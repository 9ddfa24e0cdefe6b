"""People acting on a PTB ``Application`` that gets their updates in-process (dispatcher mode)."""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")

from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import ChatMember, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.sandbox.emulator import TelegramEmulator
from bot.sandbox.request import EmulatorRequest

Context = ContextTypes.DEFAULT_TYPE


class Recorder:
    """A tiny bot: /start with buttons, button answers, and a log of what arrived."""

    def __init__(self) -> None:
        self.updates: list[Update] = []
        self.errors: list[str] = []

    async def start(self, update: Update, context: Context) -> None:
        assert update.effective_chat is not None
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Přijmout úkol", callback_data="task:accept:7"),
                    InlineKeyboardButton("Odmítnout", callback_data="task:decline:7"),
                ],
                [InlineKeyboardButton("Web", url="https://www.ostrava.cz")],
            ]
        )
        await update.effective_chat.send_message(
            f"start {' '.join(context.args or [])}".strip(), reply_markup=keyboard
        )

    async def button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        self.updates.append(update)
        if query.data.startswith("task:"):
            await query.answer(f"Hotovo: {query.data}")
            await query.edit_message_text(f"Vybráno {query.data}")
        else:
            await query.answer("Neplatné tlačítko", show_alert=True)
        try:
            await query.answer("podruhé")
        except BadRequest as error:
            self.errors.append(error.message)

    async def record(self, update: Update, context: Context) -> None:
        self.updates.append(update)


@pytest.fixture
async def world() -> AsyncIterator[tuple[TelegramEmulator, Recorder]]:
    emu = TelegramEmulator()
    recorder = Recorder()
    app = (
        Application.builder()
        .token(emu.token)
        .request(EmulatorRequest(emu))
        .get_updates_request(EmulatorRequest(emu))
        .build()
    )
    app.add_handler(CommandHandler("start", recorder.start))
    app.add_handler(CallbackQueryHandler(recorder.button))
    app.add_handler(ChatMemberHandler(recorder.record, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.ALL, recorder.record), group=1)
    async with app:

        async def dispatch(raw: dict[str, Any]) -> None:
            await app.process_update(Update.de_json(raw, app.bot))

        emu.dispatcher = dispatch
        yield emu, recorder


async def test_commands_reach_command_handlers(world: tuple[TelegramEmulator, Recorder]) -> None:
    emu, _ = world
    alice = emu.user("Alice")
    await alice.send("/start POZVANKA-123")
    assert alice.last().text == "start POZVANKA-123"  # handled by the time send returns
    group = emu.group("MDT Jih")
    await alice.add_bot_to(group)
    await alice.send_to(group, f"/start@{emu.bot_username} ve skupině")
    await alice.send_to(group, "/start@jiny_bot pro jiného bota")
    await alice.send_to(group, "obyčejná zpráva")  # privacy mode: not for the bot
    assert [m.text for m in group.messages] == ["start ve skupině"]


async def test_pressing_buttons(world: tuple[TelegramEmulator, Recorder]) -> None:
    emu, recorder = world
    alice = emu.user("Alice")
    await alice.send("/start")
    offer = alice.last()
    answer = await alice.press("Přijmout")  # a unique part of the text is enough
    assert answer is not None and answer.text == "Hotovo: task:accept:7"
    assert alice.last().text == "Vybráno task:accept:7"
    assert alice.last().message_id == offer.message_id and alice.last().edited
    assert recorder.errors == [
        "Query is too old and response timeout expired or query id is invalid"
    ]  # a query is answered once
    query = recorder.updates[-1].callback_query
    assert query is not None and query.from_user.id == alice.id
    assert query.message is not None and query.message.message_id == offer.message_id

    await alice.send("/start")
    assert (await alice.press(1)).text == "Hotovo: task:decline:7"  # type: ignore[union-attr]
    with pytest.raises(LookupError, match="matches no button"):
        await alice.press("Neexistuje", message=offer)
    await alice.send("/start")
    with pytest.raises(ValueError, match="opens"):
        await alice.press("Web")
    forged = await alice.press_data("admin:delete-everything")
    assert forged is not None and forged.show_alert


async def test_my_chat_member_and_service_message_on_add(
    world: tuple[TelegramEmulator, Recorder],
) -> None:
    emu, recorder = world
    petra = emu.user("Petra")
    group = emu.group("MDT Poruba")
    await petra.add_bot_to(group)
    assert group.bot_is_member()
    change, service = recorder.updates
    assert change.my_chat_member is not None
    assert change.my_chat_member.from_user.id == petra.id
    assert change.my_chat_member.chat.id == group.id
    assert change.my_chat_member.old_chat_member.status == ChatMember.LEFT
    assert change.my_chat_member.new_chat_member.status == ChatMember.MEMBER
    assert service.message is not None
    assert [u.id for u in service.message.new_chat_members] == [emu.bot_id]

    await petra.remove_bot_from(group)
    removed = recorder.updates[-1].my_chat_member
    assert removed is not None and removed.new_chat_member.status == ChatMember.BANNED
    assert not group.bot_is_member()


async def test_blocking_is_reported_before_the_next_update(
    world: tuple[TelegramEmulator, Recorder],
) -> None:
    emu, recorder = world
    alice = emu.user("Alice")
    await alice.send("ahoj")
    alice.block_bot()  # not awaited: handled before whatever comes next
    await alice.send("zpět")  # writing again unblocks the bot first
    kinds = [
        (
            "member:" + u.my_chat_member.new_chat_member.status
            if u.my_chat_member
            else u.message.text
            if u.message
            else "?"
        )
        for u in recorder.updates
    ]
    assert kinds == ["ahoj", "member:kicked", "member:member", "zpět"]


async def test_anonymous_admin_has_no_user_identity(
    world: tuple[TelegramEmulator, Recorder],
) -> None:
    emu, recorder = world
    group = emu.group("MDT Vítkovice", supergroup=True)
    await emu.user("Petra").add_bot_to(group)
    await emu.anonymous_admin_message(group, "/linkgroup")
    message = recorder.updates[-1].message
    assert message is not None and message.sender_chat is not None
    assert message.sender_chat.id == group.id
    assert message.from_user is not None and message.from_user.username == "GroupAnonymousBot"


async def test_migration_updates(world: tuple[TelegramEmulator, Recorder]) -> None:
    emu, recorder = world
    group = emu.group("MDT Kunčičky")
    await emu.user("Tomáš").add_bot_to(group)
    old_id = group.id
    await group.migrate_to_supergroup()
    to_new, from_old = (u.message for u in recorder.updates[-2:])
    assert to_new is not None and to_new.chat.id == old_id
    assert to_new.migrate_to_chat_id == group.id
    assert from_old is not None and from_old.chat.type == ChatType.SUPERGROUP
    assert from_old.migrate_from_chat_id == old_id


async def test_expect_and_last_explain_what_happened(
    world: tuple[TelegramEmulator, Recorder],
) -> None:
    emu, _ = world
    alice = emu.user("Alice")
    with pytest.raises(AssertionError, match="sent nothing to Alice"):
        alice.last()
    await alice.send("/start ABC")
    assert (await alice.expect("start")).text == "start ABC"
    with pytest.raises(AssertionError, match=r"(?s)'uvítání'.*start ABC"):
        await alice.expect("uvítání", timeout=0.05)
    await alice.share_location(49.8209, 18.2625)
    with pytest.raises(AssertionError):
        await alice.expect(timeout=0.05)  # the tiny bot does not answer locations
