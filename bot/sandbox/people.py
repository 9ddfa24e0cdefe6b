"""Acting as people in the emulator: writing to the bot, pressing buttons, groups.

A :class:`Person` is a Telegram user; a :class:`Group` a group chat. Both are created by the
emulator (``emu.user("Petra")``, ``emu.group("MDT Poruba")``) and keep their state there, so the
same objects work whether the bot runs in-process (``emu.dispatcher``) or polls over HTTP.
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.sandbox.emulator import BotMessage, Button, CallbackAnswer, TelegramEmulator

#: an 8x8 grey baseline JPEG (one DC-only block), small enough to spell out here
TINY_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000"
    "ffdb004300" + "01" * 64 + "ffc0000b080008000801011100"
    "ffc4001400" + "01" + "00" * 15 + "00"
    "ffc4001410" + "01" + "00" * 15 + "00"
    "ffda0008010100003f00"
    "3f"
    "ffd9"
)


class Delivery:
    """Returned by state changes that Telegram reports to the bot as an update.

    The state changes at once; ``await`` it to have the update handled before going on (in
    dispatcher mode). Not awaiting is allowed: the update is then handled before the next one.
    """

    def __init__(self, emulator: TelegramEmulator) -> None:
        self._emulator = emulator

    def __await__(self) -> Generator[Any, None, None]:
        return self._emulator.flush().__await__()


class Person:
    """A Telegram user. Create with :meth:`TelegramEmulator.user`."""

    def __init__(
        self,
        emulator: TelegramEmulator,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "cs",
    ) -> None:
        self.emu = emulator
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        #: has written to the bot (pressed Start); the bot may write to them only then
        self.started = False
        #: has blocked the bot
        self.blocked = False
        #: ``emu.seq`` when this person last did something; :meth:`expect` looks after it
        self.mark = 0
        self._albums = 0  # albums sent so far (for their media_group_id)

    def __repr__(self) -> str:
        return f"Person({self.first_name!r}, id={self.id})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name

    def to_user(self) -> dict[str, Any]:
        """The Bot API ``User`` object."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    # -- writing ------------------------------------------------------------------------
    async def send(self, text: str, *, reply_to: BotMessage | None = None) -> dict[str, Any]:
        """Write ``text`` to the bot in the private chat (``/cmd`` gets a bot_command entity)."""
        self.mark = self.emu.seq
        return await self.emu.user_message(
            self, self.id, self.emu.text_content(text), reply_to=reply_to
        )

    async def send_to(
        self, group: Group, text: str, *, reply_to: BotMessage | None = None
    ) -> dict[str, Any]:
        """Write ``text`` into a group chat (joining it if not yet a member)."""
        self.mark = self.emu.seq
        return await self.emu.user_message(
            self, group.id, self.emu.text_content(text), reply_to=reply_to
        )

    async def share_location(
        self, latitude: float, longitude: float, *, live_period: int | None = None
    ) -> dict[str, Any]:
        """Share a location pin; with ``live_period`` (seconds) a live location, which then
        moves with :meth:`move_live_location`."""
        self.mark = self.emu.seq
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if live_period is not None:
            location["live_period"] = live_period
        return await self.emu.user_message(self, self.id, {"location": location})

    async def move_live_location(
        self, sent: dict[str, Any], latitude: float, longitude: float
    ) -> dict[str, Any]:
        """A live location moves: Telegram sends it as an edit of the location message."""
        self.mark = self.emu.seq
        chat_id, message_id = int(sent["chat"]["id"]), int(sent["message_id"])
        return await self.emu.edit_user_message(
            self, chat_id, message_id, location=(latitude, longitude)
        )

    async def send_photo(
        self, data: bytes = TINY_JPEG, caption: str | None = None, *, file_size: int | None = None
    ) -> dict[str, Any]:
        """Send a photo; ``file_size`` pretends it is that big (getFile refuses > 20 MB)."""
        self.mark = self.emu.seq
        content: dict[str, Any] = {"photo": self.emu.store_user_photo(data, file_size)}
        if caption:
            content.update(self.emu.text_content(caption, field="caption"))
        return await self.emu.user_message(self, self.id, content)

    async def send_document(self, filename: str, data: bytes, mime_type: str) -> dict[str, Any]:
        self.mark = self.emu.seq
        document = self.emu.store_user_document(filename, data, mime_type)
        return await self.emu.user_message(self, self.id, {"document": document})

    async def send_media(self, kind: str) -> dict[str, Any]:
        """Send what the bot may not take: ``voice``, ``video``, ``video_note``, ``sticker``
        or ``audio``."""
        self.mark = self.emu.seq
        return await self.emu.user_message(self, self.id, {kind: self.emu.store_user_media(kind)})

    async def send_contact(self, phone: str, first_name: str) -> dict[str, Any]:
        """Share a contact card (📎 → Contact)."""
        self.mark = self.emu.seq
        content = {"contact": {"phone_number": phone, "first_name": first_name}}
        return await self.emu.user_message(self, self.id, content)

    async def send_album(self, count: int, caption: str | None = None) -> list[dict[str, Any]]:
        """Send ``count`` photos as one album: Telegram delivers them as separate messages
        with the same ``media_group_id`` (the caption, if any, on the first)."""
        self.mark = self.emu.seq
        self._albums += 1
        group_id = f"{13_000_000_000_000_000 + self.id * 1000 + self._albums}"
        sent = []
        for index in range(count):
            content: dict[str, Any] = {
                "photo": self.emu.store_user_photo(TINY_JPEG),
                "media_group_id": group_id,
            }
            if caption and index == 0:
                content.update(self.emu.text_content(caption, field="caption"))
            sent.append(await self.emu.user_message(self, self.id, content))
        return sent

    async def edit(self, sent: dict[str, Any], text: str) -> dict[str, Any]:
        """Edit a message this person sent earlier (as returned by :meth:`send`)."""
        self.mark = self.emu.seq
        chat_id = int(sent["chat"]["id"])
        return await self.emu.edit_user_message(self, chat_id, int(sent["message_id"]), text)

    # -- buttons ------------------------------------------------------------------------
    async def press(
        self, button: str | int, *, message: BotMessage | None = None
    ) -> CallbackAnswer | None:
        """Press an inline button by its text (exact, else a unique substring) or flat index.

        Without ``message``: on the newest message with buttons in the private chat. Returns
        the bot's answer to the callback query, or None if it has not answered (yet).
        """
        target = self._button_message(message)
        chosen = _find_button(target, button)
        if chosen.callback_data is None:
            raise ValueError(
                f"button {chosen.text!r} opens {chosen.url!r}; nothing reaches the bot"
            )
        self.mark = self.emu.seq
        return await self.emu.press_callback(self, target, chosen.callback_data)

    async def press_data(
        self, data: str, *, message: BotMessage | None = None
    ) -> CallbackAnswer | None:
        """A callback query with any ``data``, as a modified client could send it."""
        if message is not None:
            target = self.emu.current(message)
        else:
            with_buttons = [m for m in self.inbox if m.buttons]
            candidates = with_buttons or self.inbox
            if not candidates:
                raise LookupError(f"{self.first_name} has no message from the bot to press on")
            target = candidates[-1]
        self.mark = self.emu.seq
        return await self.emu.press_callback(self, target, data)

    def _button_message(self, message: BotMessage | None) -> BotMessage:
        if message is not None:
            return self.emu.current(message)
        for candidate in reversed(self.inbox):
            if candidate.buttons:
                return candidate
        raise LookupError(
            f"no message with buttons in {self.first_name}'s chat; newest messages:\n"
            + _dump(self.inbox[-3:])
        )

    # -- the bot and groups ---------------------------------------------------------------
    async def add_bot_to(self, group: Group, *, as_admin: bool = False) -> None:
        """Add the bot to ``group`` (the person joins it; the first one becomes its creator)."""
        self.mark = self.emu.seq
        await self.emu.add_bot(self, group, as_admin=as_admin)

    async def remove_bot_from(self, group: Group) -> None:
        self.mark = self.emu.seq
        await self.emu.remove_bot(self, group)

    def block_bot(self) -> Delivery:
        """Block the bot: it gets a ``my_chat_member`` update (status kicked) and 403s."""
        self.mark = self.emu.seq
        return self.emu.set_blocked(self, True)

    def unblock_bot(self) -> Delivery:
        self.mark = self.emu.seq
        return self.emu.set_blocked(self, False)

    # -- reading --------------------------------------------------------------------------
    @property
    def inbox(self) -> list[BotMessage]:
        """The bot's messages in the private chat, as they are now."""
        return self.emu.messages(self.id)

    def last(self) -> BotMessage:
        """The newest bot message in the private chat."""
        inbox = self.inbox
        if not inbox:
            raise AssertionError(
                f"the bot has sent nothing to {self.first_name} (id {self.id})."
                + self.emu.describe_failures(self.id)
            )
        return inbox[-1]

    async def expect(
        self,
        contains: str | None = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
        chat: Group | None = None,
        since: int | None = None,
    ) -> BotMessage:
        """Wait for a bot message, new or edited since this person's last action, that contains
        ``contains`` (any such message if None), in the private chat or in ``chat``.

        ``since`` is an ``emu.seq`` value to look after instead of the last action.
        """
        mark = self.mark if since is None else since
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            messages = chat.messages if chat is not None else self.inbox
            fresh = [m for m in messages if m.seq > mark]
            for message in fresh:
                if contains is None or contains in message.text:
                    return message
            remaining = deadline - loop.time()
            if remaining <= 0:
                where = f"group {chat.title!r}" if chat is not None else "the private chat"
                wanted = "any new message" if contains is None else repr(contains)
                raise AssertionError(
                    f"{self.first_name} waited {timeout:g} s for {wanted} in {where}; new or "
                    f"edited since the last action:\n{_dump(fresh) or '  (nothing)'}"
                    + self.emu.describe_failures(chat.id if chat is not None else self.id)
                )
            await self.emu.wait_for_change(remaining)


class Group:
    """A group chat. Create with :meth:`TelegramEmulator.group`."""

    def __init__(
        self, emulator: TelegramEmulator, chat_id: int, title: str, chat_type: str
    ) -> None:
        self.emu = emulator
        self.id = chat_id
        self.title = title
        self.type = chat_type
        #: the bot's status here: left, member, administrator or kicked
        self.bot_status = "left"
        #: user id -> status (creator, administrator, member, left, kicked)
        self.members: dict[int, str] = {}
        #: ids this chat had before (a basic group's id, once migrated to a supergroup)
        self.previous_ids: list[int] = []

    def __repr__(self) -> str:
        return f"Group({self.title!r}, id={self.id})"

    def to_chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "title": self.title}

    @property
    def messages(self) -> list[BotMessage]:
        """The bot's messages in this group, including those from before a migration."""
        result: list[BotMessage] = []
        for chat_id in [*self.previous_ids, self.id]:
            result += self.emu.messages(chat_id)
        return result

    def bot_is_member(self) -> bool:
        return self.bot_status in ("member", "administrator")

    def add_member(self, person: Person, *, admin: bool = False) -> None:
        """Make ``person`` a member (or an administrator) without telling the bot."""
        if admin:
            if self.members.get(person.id) != "creator":
                self.members[person.id] = "administrator"
        elif self.members.get(person.id) not in ("creator", "administrator"):
            self.members[person.id] = "member"

    async def migrate_to_supergroup(self) -> None:
        """Upgrade to a supergroup: a new id, and the old one answers 400 with the new id."""
        await self.emu.migrate(self)


def _find_button(message: BotMessage, wanted: str | int) -> Button:
    flat = [button for row in message.buttons for button in row]
    listing = ", ".join(f"[{i}] {b.text!r}" for i, b in enumerate(flat)) or "(no buttons)"
    if isinstance(wanted, int):
        if not 0 <= wanted < len(flat):
            raise LookupError(
                f"no button number {wanted} on message {message.message_id}: {listing}"
            )
        return flat[wanted]
    exact = [b for b in flat if b.text == wanted]
    if exact:
        return exact[0]
    partial = [b for b in flat if wanted in b.text]
    if len(partial) == 1:
        return partial[0]
    problem = "is ambiguous" if partial else "matches no button"
    raise LookupError(
        f"{wanted!r} {problem} on message {message.message_id} ({message.text[:60]!r}): {listing}"
    )


def _dump(messages: list[BotMessage]) -> str:
    lines = []
    for message in messages:
        mark = " (edited)" if message.edited else ""
        buttons = f" {message.button_texts()}" if message.buttons else ""
        lines.append(f"  #{message.message_id}{mark}: {message.text[:300]!r}{buttons}")
    return "\n".join(lines)
