"""The emulator over loopback HTTP, as a bot configured with its base URL reaches it."""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest, Conflict, InvalidToken, NetworkError, RetryAfter
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.sandbox.emulator import TelegramEmulator
from bot.sandbox.people import TINY_JPEG


@pytest.fixture
async def served() -> AsyncIterator[tuple[TelegramEmulator, str]]:
    emu = TelegramEmulator()
    base = await emu.start_server()
    try:
        yield emu, base
    finally:
        await emu.stop_server()


@pytest.fixture
async def bot(served: tuple[TelegramEmulator, str]) -> AsyncIterator[Bot]:
    emu, base = served
    async with Bot(emu.token, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot") as http:
        yield http


def seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def test_wrong_token_is_unauthorized(served: tuple[TelegramEmulator, str]) -> None:
    emu, base = served
    bot_id = emu.token.split(":")[0]
    with pytest.raises(InvalidToken):
        async with Bot(f"{bot_id}:wrong", base_url=f"{base}/bot"):
            pass


async def test_get_updates_offsets_and_long_polling(
    served: tuple[TelegramEmulator, str], bot: Bot
) -> None:
    emu, _ = served
    alice = emu.user("Alice")
    await alice.send("první")
    await alice.send("/start ABC")
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["první", "/start ABC"]
    assert updates[1].message is not None
    assert updates[1].message.parse_entities() == {updates[1].message.entities[0]: "/start"}
    assert len(await bot.get_updates()) == 2  # not confirmed yet
    assert await bot.get_updates(offset=updates[-1].update_id + 1) == ()  # confirmed
    assert emu.pending_updates() == 0

    # a long poll returns as soon as something happens...
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.05)
    assert not poll.done()
    await alice.send("třetí")
    arrived = await asyncio.wait_for(poll, 5)
    assert [u.message.text for u in arrived if u.message] == ["třetí"]
    # ...and with nothing to deliver it waits for its timeout, then answers empty
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.get_updates(offset=arrived[-1].update_id + 1, timeout=1) == ()
    assert loop.time() - started >= 0.9


async def test_an_update_delivered_again_comes_once_more_whatever_the_offset(
    served: tuple[TelegramEmulator, str], bot: Bot
) -> None:
    emu, _ = served
    alice = emu.user("Alice")
    await alice.send("jednou")
    (first,) = await bot.get_updates()
    await alice.send("podruhé")
    confirmed = await bot.get_updates(offset=first.update_id + 1)
    assert [u.update_id for u in confirmed] == [first.update_id + 1]
    last = confirmed[-1].update_id
    assert await bot.get_updates(offset=last + 1) == ()

    await emu.redeliver(first.update_id)  # Telegram delivers it again: same id, same message
    again = await bot.get_updates(offset=last + 1)
    assert [u.update_id for u in again] == [first.update_id]
    assert again[0].message is not None and again[0].message.text == "jednou"
    await alice.send("potřetí")  # until a later offset confirms it (a restarted bot asks
    batch = await bot.get_updates()  # without one), it comes first, newer ones after it
    assert [u.update_id for u in batch] == [first.update_id, last + 1]
    batch = await bot.get_updates(offset=first.update_id)
    assert [u.update_id for u in batch] == [first.update_id, last + 1]
    assert await bot.get_updates(offset=last + 2) == ()
    assert [u["update_id"] for u in emu.updates_sent] == [
        first.update_id,
        first.update_id + 1,
        last + 1,
    ]
    with pytest.raises(LookupError):
        await emu.redeliver(last + 99)


async def test_second_poller_ends_the_first(served: tuple[TelegramEmulator, str], bot: Bot) -> None:
    emu, base = served
    first = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.05)
    async with Bot(emu.token, base_url=f"{base}/bot") as other_instance:
        second = asyncio.create_task(other_instance.get_updates(timeout=1))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(first, 5)
        assert await second == ()


async def test_stopping_the_server_ends_long_polls(
    served: tuple[TelegramEmulator, str], bot: Bot
) -> None:
    emu, _ = served
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await asyncio.sleep(0.05)
    await asyncio.wait_for(emu.stop_server(), 5)
    assert await asyncio.wait_for(poll, 5) == ()


async def test_document_roundtrip_keeps_every_byte(
    served: tuple[TelegramEmulator, str], bot: Bot
) -> None:
    emu, _ = served
    alice = emu.user("Alice")
    await alice.send("/start")
    payload = bytes(range(256)) * 64
    sent = await bot.send_document(
        alice.id,
        InputFile(payload, filename="zápis-schůzky.pdf"),
        caption="<b>Zápis</b>",
        parse_mode="HTML",
    )
    shown = alice.last()
    assert shown.kind == "document" and shown.document is not None
    assert shown.document.data == payload
    assert shown.document.filename == "zápis-schůzky.pdf"
    assert shown.text == "Zápis"
    assert sent.document is not None and sent.document.file_size == len(payload)
    downloaded = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == payload
    # a file id can be sent again without uploading it
    await bot.send_document(alice.id, sent.document.file_id)
    assert alice.last().document == shown.document


async def test_photos_people_send_can_be_downloaded(
    served: tuple[TelegramEmulator, str], bot: Bot
) -> None:
    emu, _ = served
    alice = emu.user("Alice")
    await alice.send_photo(caption="Graffiti u zastávky")
    await alice.send_photo(file_size=25 * 1024 * 1024)
    first, second = [u.message for u in await bot.get_updates()]
    assert first is not None and second is not None
    assert first.caption == "Graffiti u zastávky"
    photo = await bot.get_file(first.photo[-1].file_id)
    assert bytes(await photo.download_as_bytearray()) == TINY_JPEG
    with pytest.raises(BadRequest, match=r"(?i)file is too big"):
        await bot.get_file(second.photo[-1].file_id)


async def test_injected_faults(served: tuple[TelegramEmulator, str], bot: Bot) -> None:
    emu, _ = served
    alice = emu.user("Alice")
    await alice.send("ahoj")
    emu.inject_fault("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter) as limited:
        await bot.send_message(alice.id, "1")
    assert seconds(limited.value.retry_after) == 3
    emu.inject_fault(status=500, count=2)
    for _ in range(2):
        with pytest.raises(NetworkError) as failed:
            await bot.send_message(alice.id, "2")
        assert not isinstance(failed.value, BadRequest)
    emu.inject_fault("sendMessage", status=502)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(alice.id, "3")
    await bot.send_message(alice.id, "4")
    assert [m.text for m in alice.inbox] == ["4"]
    assert [c.ok for c in emu.calls if c.method == "sendMessage"] == [False] * 4 + [True]


async def test_a_polling_application_and_people(served: tuple[TelegramEmulator, str]) -> None:
    emu, base = served

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            f"Kód {' '.join(context.args or [])}",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("Potvrdit", callback_data="ok")]]
            ),
        )

    async def confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Potvrzeno")
        await query.edit_message_text("Potvrzeno ✔")

    app = (
        Application.builder()
        .token(emu.token)
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(confirm))
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        try:
            alice = emu.user("Alice")
            await alice.send("/start XYZ")
            assert (await alice.expect("Kód")).text == "Kód XYZ"
            await alice.press("Potvrdit")
            assert (await alice.expect("Potvrzeno")).edited
            with pytest.raises(AssertionError, match=r"(?s)'tohle nepřijde'.*Potvrzeno ✔"):
                await alice.expect("tohle nepřijde", timeout=0.2)
        finally:
            await app.updater.stop()
            await app.stop()
    assert emu.pending_updates() == 0  # the last updates were confirmed on stop
