"""What people send besides text: the updates the emulator makes are what Telegram sends."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from bot.sandbox.emulator import TelegramEmulator


def recording(emu: TelegramEmulator) -> list[dict[str, Any]]:
    updates: list[dict[str, Any]] = []

    async def dispatch(raw: dict[str, Any]) -> None:
        updates.append(raw)

    emu.dispatcher = dispatch
    return updates


@pytest.mark.parametrize("kind", ["voice", "audio", "video", "video_note", "sticker"])
async def test_media_kinds_parse_as_telegram_messages(kind: str) -> None:
    emu = TelegramEmulator()
    updates = recording(emu)
    await emu.user("Eva").send_media(kind)
    message = Update.de_json(updates[-1], None).message
    assert message is not None
    media = getattr(message, kind)
    assert media is not None and media.file_id and media.file_unique_id
    assert message.text is None and message.photo == ()


async def test_contact_album_and_edit() -> None:
    emu = TelegramEmulator()
    updates = recording(emu)
    eva = emu.user("Eva")
    await eva.send_contact("+420 601 234 567", "Pavel")
    contact = Update.de_json(updates[-1], None).message
    assert contact is not None and contact.contact is not None
    assert contact.contact.phone_number == "+420 601 234 567"

    sent = await eva.send_album(3, caption="Hřiště")
    album = [Update.de_json(raw, None).message for raw in updates[-3:]]
    assert len({m.media_group_id for m in album if m}) == 1
    assert [bool(m and m.caption) for m in album] == [True, False, False]
    assert len({m.photo[-1].file_unique_id for m in album if m}) == 3
    assert len(sent) == 3

    first = await eva.send("Zárubecká 12")
    await eva.edit(first, "Zárubecká 14")
    update = Update.de_json(updates[-1], None)
    assert update.message is None and update.edited_message is not None
    assert update.edited_message.text == "Zárubecká 14"
    assert update.edited_message.message_id == first["message_id"]
    assert update.edited_message.edit_date is not None
    with pytest.raises(LookupError):  # only one's own messages can be edited
        await emu.user("Jan").edit(first, "nope")
