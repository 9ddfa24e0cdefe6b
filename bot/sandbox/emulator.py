"""A local stand-in for the Telegram Bot API, for tests and the sandbox.

:class:`TelegramEmulator` keeps the state Telegram would keep (people, chats, messages, files,
pending updates) and answers Bot API calls the way Telegram does, including its refusals: the
text limits, HTML parsing, keyboard limits, 403 for people who never wrote to the bot or
blocked it, group migration and (optionally) flood limits. It is reached either in-process
(:class:`bot.sandbox.request.EmulatorRequest`) or over loopback HTTP (:meth:`start_server`).

People act through :mod:`bot.sandbox.people`. Updates they cause go to ``dispatcher`` when it
is set (awaited, so the bot has handled them when the action returns), otherwise to the queue
that ``getUpdates`` long polling reads.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import mimetypes
import re
import struct
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any, NamedTuple

from aiohttp import web

from bot.sandbox.html_entities import (
    HtmlParseError,
    bot_command_entities,
    checked_url,
    normalize,
    parse_html,
    utf16_len,
)
from bot.sandbox.people import Delivery, Group, Person
from bot.sandbox.webhooks import Webhook, WebhookRefused, WebhookSender, checked_webhook

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]
Dispatcher = Callable[[JSONDict], Awaitable[None]]
UploadTuple = tuple[str, bytes] | tuple[str, bytes, str]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_BUTTONS = 100
MAX_ROW = 8
MAX_ANSWER_TEXT = 200
MAX_DOWNLOAD = 20 * 1024 * 1024
#: bots may delete messages for everyone only for this long
DELETE_WINDOW = timedelta(hours=48)

ANONYMOUS_ADMIN = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
#: what getUpdates delivers when allowed_updates is empty or was never set
DEFAULT_UPDATES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "purchased_paid_media",
    }
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

# how parameters arrive as form fields (strings) and what they are
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "media",
        "link_preview_options",
        "reply_parameters",
        "menu_button",
        "message_ids",
    }
)
_INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "reply_to_message_id",
        "message_thread_id",
        "cache_time",
        "max_connections",
        "live_period",
        "heading",
        "proximity_alert_radius",
        "from_chat_id",
        "until_date",
    }
)
_FLOAT_FIELDS = frozenset({"latitude", "longitude", "horizontal_accuracy"})
_BOOL_FIELDS = frozenset(
    {
        "show_alert",
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "drop_pending_updates",
        "disable_web_page_preview",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
        "only_if_banned",
        "revoke_messages",
        "allow_paid_broadcast",
    }
)
_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "web_app",
    "login_url",
    "callback_game",
    "pay",
    "copy_text",
)


# -- public value types ---------------------------------------------------------------------
@dataclass
class Button:
    text: str
    callback_data: str | None = None
    url: str | None = None


class Document(NamedTuple):
    filename: str
    mime: str
    data: bytes


@dataclass
class BotMessage:
    """A message the bot sent, as it is now (edits update the same object in place)."""

    chat_id: int
    message_id: int
    #: plain text after entity parsing (the caption for documents and photos)
    text: str
    #: the text (or caption) exactly as the bot sent it
    html: str
    entities: list[JSONDict]
    buttons: list[list[Button]]
    date: datetime
    kind: str = "text"  # text, document, photo, location
    document: Document | None = None
    photo: bytes | None = None
    location: tuple[float, float] | None = None
    edited: bool = False
    edit_date: datetime | None = None
    #: the reply_markup as sent (inline keyboard, reply keyboard, remove_keyboard, force_reply)
    reply_markup: JSONDict | None = None
    reply_to_message_id: int | None = None
    media_group_id: str | None = None
    #: ``emu.seq`` after this message was sent or last edited
    seq: int = 0
    #: the Bot API object of the attachment (document, photo sizes or location)
    media: Any = field(default=None, repr=False)

    def button_texts(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    @property
    def reply_keyboard(self) -> list[list[str]]:
        """Texts of a reply keyboard sent with this message (empty if none)."""
        rows = (self.reply_markup or {}).get("keyboard") or []
        return [[b if isinstance(b, str) else str(b.get("text", "")) for b in row] for row in rows]


@dataclass
class CallbackAnswer:
    """How the bot answered a callback query."""

    text: str = ""
    show_alert: bool = False
    url: str | None = None


@dataclass
class ApiCall:
    """One Bot API call the bot made (idle ``getUpdates`` polls are not kept)."""

    method: str
    params: JSONDict
    ok: bool
    error: str | None = None
    status: int = 200
    #: what the call returned when it succeeded (e.g. the Message sent)
    result: Any = field(default=None, repr=False)


class ApiError(Exception):
    """A refusal, answered as ``{"ok": false, ...}`` with this status."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str, parameters: JSONDict | None = None) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}", parameters)


def forbidden(reason: str) -> ApiError:
    return ApiError(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


# -- internal state -----------------------------------------------------------------------
@dataclass
class _Upload:
    filename: str
    data: bytes
    mime: str


@dataclass
class _StoredFile:
    file_id: str
    unique_id: str
    data: bytes
    size: int
    path: str
    mime: str
    name: str


@dataclass
class _Chat:
    id: int
    type: str
    person: Person | None = None
    group: Group | None = None
    migrated_to: int | None = None
    next_message_id: int = 1
    bot_messages: dict[int, BotMessage] = field(default_factory=dict)
    user_messages: dict[int, JSONDict] = field(default_factory=dict)

    def take_message_id(self) -> int:
        self.next_message_id += 1
        return self.next_message_id - 1


@dataclass
class _Query:
    person_id: int
    answer: CallbackAnswer | None = None


@dataclass
class _Fault:
    method: str | None
    status: int
    retry_after: int
    remaining: int
    description: str | None

    def error(self) -> ApiError:
        if self.status == 429:
            return ApiError(
                429,
                self.description or f"Too Many Requests: retry after {self.retry_after}",
                {"retry_after": self.retry_after},
            )
        if self.description is not None:
            return ApiError(self.status, self.description)
        defaults = {
            400: "Bad Request: injected fault",
            403: "Forbidden: injected fault",
            500: "Internal Server Error",
            502: "Bad Gateway",
        }
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:
            phrase = "Error"
        return ApiError(self.status, defaults.get(self.status, phrase))


class _Signal:
    """Wakes everybody waiting; waiting has a timeout (no busy polling)."""

    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] = []

    def fire(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait(self, seconds: float) -> bool:
        """True if fired within ``seconds``."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(waiter, max(seconds, 0))
            return True
        except TimeoutError:
            return False
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)


class _FloodControl:
    """Telegram's documented limits: 30 messages/s overall, 20/min per group, ~1/s per chat."""

    BURST = 3  # a private chat may take a few messages at once, then about one per second

    def __init__(self) -> None:
        self._overall: deque[float] = deque()
        self._groups: dict[int, deque[float]] = {}
        self._buckets: dict[int, tuple[float, float]] = {}  # chat -> (tokens, at)

    def check(self, chat_id: int, is_group: bool, count: int = 1) -> None:
        now = time.monotonic()
        while self._overall and now - self._overall[0] >= 1:
            self._overall.popleft()
        if len(self._overall) + count > 30:
            raise too_many_requests(1)
        if is_group:
            sent = self._groups.setdefault(chat_id, deque())
            while sent and now - sent[0] >= 60:
                sent.popleft()
            if len(sent) + count > 20:
                raise too_many_requests(max(1, math.ceil(60 - (now - sent[0]))))
        else:
            tokens, at = self._buckets.get(chat_id, (float(self.BURST), now))
            tokens = min(float(self.BURST), tokens + (now - at))
            if tokens < count:
                raise too_many_requests(max(1, math.ceil(count - tokens)))
            self._buckets[chat_id] = (tokens - count, now)
        self._overall.extend([now] * count)
        if is_group:
            self._groups[chat_id].extend([now] * count)


# -- the emulator ---------------------------------------------------------------------------
class TelegramEmulator:
    """The Bot API as one bot sees it. See the module docstring."""

    def __init__(
        self,
        *,
        token: str = "123456:SANDBOX-token-for-local-use-only",
        bot_username: str = "mdt_sandbox_bot",
        bot_name: str = "MDT bot",
        clock: Callable[[], datetime] | None = None,
        enforce_flood_limits: bool = False,
        group_privacy: bool = True,
        allow_http_webhooks: bool = False,
    ) -> None:
        """``group_privacy``: like a bot with privacy mode on (Telegram's default), the bot
        gets only commands, replies to it and service messages from groups where it is not
        an administrator. ``allow_http_webhooks``: accept ``http://`` webhook URLs on any port
        (Telegram takes only HTTPS on ports 443, 80, 88 and 8443), e.g. a test's
        ``http://127.0.0.1:PORT/hook``; see :mod:`bot.sandbox.webhooks`."""
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_name = bot_name
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.enforce_flood_limits = enforce_flood_limits
        self.group_privacy = group_privacy
        self.allow_http_webhooks = allow_http_webhooks
        self.dispatcher: Dispatcher | None = None
        self.calls: list[ApiCall] = []
        #: (person id, answer) for every answered button press, in order: the pop-up or toast
        #: the person's phone shows
        self.callback_answers: list[tuple[int, CallbackAnswer]] = []

        self._people: dict[str, Person] = {}
        self._people_by_id: dict[int, Person] = {}
        self._groups: list[Group] = []
        self._chats: dict[int, _Chat] = {}
        self._files: dict[str, _StoredFile] = {}
        self._queries: dict[str, _Query] = {}
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._faults: list[_Fault] = []
        self._flood = _FloodControl()

        self._updates: deque[JSONDict] = deque()  # waiting for getUpdates
        #: every update people caused, in order (a redelivery is not repeated here)
        self.updates_sent: list[JSONDict] = []
        self._redelivered: set[int] = set()  # handed out again whatever the offset says
        self._undispatched: deque[JSONDict] = deque()  # waiting for the dispatcher
        self._next_update_id = 500_000_001
        self._allowed_updates: frozenset[str] = DEFAULT_UPDATES
        self._webhook: Webhook | None = None
        self.webhook_sender = WebhookSender(
            lambda: self._webhook,
            self._next_webhook_update,
            self._webhook_delivered,
            self._updates_signal_wait,
            self._now_ts,
        )
        self._poll_generation = 0
        self._closing = False
        self._seq = 0
        self._counter = 0
        self._updates_signal = _Signal()
        self._change_signal = _Signal()
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None

        self._methods: dict[str, Callable[[JSONDict, dict[str, _Upload]], Awaitable[Any]]] = {
            name.lower(): getattr(self, f"_api_{name}")
            for name in (
                "getMe",
                "getUpdates",
                "deleteWebhook",
                "setWebhook",
                "getWebhookInfo",
                "logOut",
                "close",
                "sendMessage",
                "editMessageText",
                "editMessageCaption",
                "editMessageReplyMarkup",
                "deleteMessage",
                "answerCallbackQuery",
                "sendDocument",
                "sendPhoto",
                "sendMediaGroup",
                "sendLocation",
                "sendChatAction",
                "setMyCommands",
                "getMyCommands",
                "deleteMyCommands",
                "setChatMenuButton",
                "getChatMenuButton",
                "leaveChat",
                "getChat",
                "getChatMember",
                "getChatAdministrators",
                "getChatMemberCount",
                "getFile",
            )
        }

    # -- people, groups and what they see --------------------------------------------------
    def user(
        self,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "cs",
        user_id: int | None = None,
    ) -> Person:
        """The person called ``first_name`` (created on first use; ids from 1001 up, or
        ``user_id``, e.g. to keep a sandbox person's identity across restarts)."""
        person = self._people.get(first_name)
        if person is None:
            if user_id is None:
                user_id = max(self._people_by_id, default=1000) + 1
            elif user_id in self._people_by_id:
                raise ValueError(f"user id {user_id} is taken")
            person = Person(
                self,
                user_id,
                first_name,
                last_name=last_name,
                username=username,
                language_code=language_code,
            )
            self._people[first_name] = person
            self._people_by_id[person.id] = person
            self._chats[person.id] = _Chat(person.id, "private", person=person)
        return person

    def people(self) -> list[Person]:
        return list(self._people.values())

    def group(self, title: str, *, supergroup: bool = False) -> Group:
        """A new group chat the bot is not in yet (``person.add_bot_to(group)``)."""
        number = len(self._groups) + 1
        chat_id = -1_002_000_000_000 - number if supergroup else -4_000_000_000 - number
        group = Group(self, chat_id, title, "supergroup" if supergroup else "group")
        self._groups.append(group)
        self._chats[chat_id] = _Chat(chat_id, group.type, group=group)
        return group

    def mark_started(self, person: Person) -> None:
        """As if ``person`` had pressed Start long ago (no update is sent)."""
        person.started = True

    def messages(self, chat_id: int) -> list[BotMessage]:
        """The bot's messages in a chat, as they are now (deleted ones left out)."""
        chat = self._chats.get(chat_id)
        return list(chat.bot_messages.values()) if chat else []

    def current(self, message: BotMessage) -> BotMessage:
        """``message`` as it is now; LookupError if it was deleted."""
        chat = self._chats.get(message.chat_id)
        found = chat.bot_messages.get(message.message_id) if chat else None
        if found is None:
            raise LookupError(f"message {message.message_id} in chat {message.chat_id} was deleted")
        return found

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """The command menu set for ``scope`` (default scope if None) and language."""
        return list(self._commands.get((_scope_key(scope), language_code), []))

    def pending_updates(self) -> int:
        """Updates queued for getUpdates (or the webhook) and not yet confirmed."""
        return len(self._updates)

    @property
    def webhook(self) -> Webhook | None:
        """The webhook set by the bot (None: it polls), with its delivery attempts."""
        return self._webhook

    @property
    def seq(self) -> int:
        """Grows with every message the bot sends, edits or deletes."""
        return self._seq

    async def wait_for_change(self, seconds: float) -> bool:
        """Wait until the bot sends, edits or deletes a message (False after ``seconds``)."""
        return await self._change_signal.wait(seconds)

    def describe_failures(self, chat_id: int | None = None, limit: int = 5) -> str:
        """The bot's latest refused calls (for assertion messages)."""
        failed = [
            c
            for c in self.calls
            if not c.ok and (chat_id is None or c.params.get("chat_id") in (chat_id, str(chat_id)))
        ]
        if not failed:
            return ""
        lines = [f"  {c.method}: {c.error}" for c in failed[-limit:]]
        return "\nRefused bot calls:\n" + "\n".join(lines)

    def inject_fault(
        self,
        method: str | None = None,
        *,
        status: int = 429,
        retry_after: int = 1,
        count: int = 1,
        description: str | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``method`` (any but getUpdates/getMe if None) fail."""
        self._faults.append(
            _Fault(method.lower() if method else None, status, retry_after, count, description)
        )

    async def anonymous_admin_message(self, group: Group, text: str) -> JSONDict:
        """A message an anonymous administrator writes: no user, ``sender_chat`` = the group."""
        chat = self._chats[group.id]
        message: JSONDict = {
            "message_id": chat.take_message_id(),
            "from": dict(ANONYMOUS_ADMIN),
            "sender_chat": group.to_chat(),
            "chat": group.to_chat(),
            "date": self._now_ts(),
            **self.text_content(text),
        }
        chat.user_messages[message["message_id"]] = message
        if group.bot_is_member() and self._bot_sees(group, message):
            await self._deliver({"message": message})
        return message

    # -- actions of people (called by bot.sandbox.people) ----------------------------------
    def text_content(self, text: str, *, field: str = "text") -> JSONDict:
        """Message fields for ``text`` typed by a person (commands get their entities)."""
        content: JSONDict = {field: text}
        entities = bot_command_entities(text)
        if entities:
            content["entities" if field == "text" else "caption_entities"] = entities
        return content

    async def user_message(
        self, person: Person, chat_id: int, content: JSONDict, *, reply_to: BotMessage | None = None
    ) -> JSONDict:
        """``person`` sends a message with ``content`` into a chat; returns the Message."""
        chat = self._chats[chat_id]
        if chat.migrated_to is not None:
            raise ValueError(f"chat {chat_id} was migrated to {chat.migrated_to}")
        if chat.group is not None:
            self._join(person, chat.group)
        elif person.blocked:  # the client's "Restart bot" unblocks first
            self.set_blocked(person, False)
        message: JSONDict = {
            "message_id": chat.take_message_id(),
            "from": person.to_user(),
            "chat": self._chat_dict(chat),
            "date": self._now_ts(),
            **content,
        }
        if reply_to is not None:
            message["reply_to_message"] = self._message_dict(self.current(reply_to))
        chat.user_messages[message["message_id"]] = message
        if chat.group is None:
            person.started = True
        elif not (chat.group.bot_is_member() and self._bot_sees(chat.group, message)):
            return message
        await self._deliver({"message": message})
        return message

    async def edit_user_message(
        self,
        person: Person,
        chat_id: int,
        message_id: int,
        text: str | None = None,
        *,
        location: tuple[float, float] | None = None,
    ) -> JSONDict:
        """``person`` edits a message they sent (its text or caption, or a live location
        moves): the bot gets an ``edited_message`` update."""
        chat = self._chats[chat_id]
        original = chat.user_messages.get(message_id)
        if original is None or original.get("from", {}).get("id") != person.id:
            raise LookupError(f"{person.first_name} sent no message {message_id} here")
        edited: JSONDict = dict(original)
        if text is not None:
            field = "text" if "text" in original else "caption"
            edited.pop("entities", None)
            edited.pop("caption_entities", None)
            edited.update(self.text_content(text, field=field))
        if location is not None:
            if "location" not in original:
                raise ValueError("only a (live) location can move")
            edited["location"] = {
                **original["location"],
                "latitude": location[0],
                "longitude": location[1],
            }
        edited["edit_date"] = self._now_ts()
        chat.user_messages[message_id] = edited
        if chat.group is None or (
            chat.group.bot_is_member() and self._bot_sees(chat.group, edited)
        ):
            await self._deliver({"edited_message": edited})
        return edited

    def store_user_media(self, kind: str) -> JSONDict:
        """The Bot API object of a voice note, video, video note, sticker or audio file a
        person sends (a few bytes stand for the content)."""
        mime, name = {
            "voice": ("audio/ogg", "voice.ogg"),
            "video": ("video/mp4", "video.mp4"),
            "video_note": ("video/mp4", "note.mp4"),
            "sticker": ("image/webp", "sticker.webp"),
            "audio": ("audio/mpeg", "song.mp3"),
        }[kind]
        stored = self._store_file(b"\x00" * 64, kind + "s", mime, name, 64)
        media: JSONDict = {"file_id": stored.file_id, "file_unique_id": stored.unique_id}
        if kind == "sticker":
            media.update(
                {
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                    "emoji": "👍",
                }
            )
        elif kind == "video_note":
            media.update({"length": 240, "duration": 3})
        elif kind == "video":
            media.update({"width": 640, "height": 480, "duration": 3, "mime_type": mime})
        else:
            media.update({"duration": 3, "mime_type": mime, "file_size": 64})
        return media

    async def press_callback(
        self, person: Person, message: BotMessage, data: str
    ) -> CallbackAnswer | None:
        """A callback query from ``person`` for ``message``; the bot's answer if any yet."""
        chat = self._chats[message.chat_id]
        self._counter += 1
        query_id = str(4_000_000_000_000_000 + self._counter)
        self._queries[query_id] = _Query(person.id)
        query = {
            "id": query_id,
            "from": person.to_user(),
            "message": self._message_dict(message),
            "data": data,
            "chat_instance": str(abs(chat.id) * 7919 % 10**15 + 10**15),
        }
        await self._deliver({"callback_query": query})
        return self._queries[query_id].answer

    async def add_bot(self, person: Person, group: Group, *, as_admin: bool = False) -> None:
        """``person`` adds the bot (or, with ``as_admin``, makes it an administrator)."""
        self._join(person, group)
        old = group.bot_status
        new = "administrator" if as_admin else "member"
        if group.bot_is_member() and (old == new or not as_admin):
            return
        group.bot_status = new
        chat = self._chats[group.id]
        self._enqueue(self._bot_member_update(chat, person.to_user(), old, new))
        if old in ("left", "kicked"):  # and the service message everybody in the group sees
            service: JSONDict = {
                "message_id": chat.take_message_id(),
                "from": person.to_user(),
                "chat": self._chat_dict(chat),
                "date": self._now_ts(),
                "new_chat_members": [self._bot_user()],
            }
            chat.user_messages[service["message_id"]] = service
            self._enqueue({"message": service})
        await self.flush()

    async def remove_bot(self, person: Person, group: Group) -> None:
        old = group.bot_status
        if old in ("left", "kicked"):
            raise ValueError(f"the bot is not in {group.title!r}")
        group.bot_status = "kicked"
        chat = self._chats[group.id]
        await self._deliver(self._bot_member_update(chat, person.to_user(), old, "kicked"))

    def set_blocked(self, person: Person, blocked: bool) -> Delivery:
        if person.blocked != blocked:
            person.blocked = blocked
            old, new = ("member", "kicked") if blocked else ("kicked", "member")
            update = self._bot_member_update(self._chats[person.id], person.to_user(), old, new)
            self._enqueue(update)
        return Delivery(self)

    async def migrate(self, group: Group) -> None:
        """Upgrade a basic group to a supergroup, telling the bot as Telegram does."""
        if group.type != "group":
            raise ValueError(f"{group.title!r} is already a supergroup")
        old_chat = self._chats[group.id]
        self._counter += 1
        new_id = -1_003_000_000_000 - self._counter
        new_chat = _Chat(new_id, "supergroup", group=group)
        self._chats[new_id] = new_chat
        old_chat.migrated_to = new_id
        group.previous_ids.append(group.id)
        group.id = new_id
        group.type = "supergroup"
        if not group.bot_is_member():
            return
        upgrader = next(
            (
                self._people_by_id[uid]
                for uid, status in group.members.items()
                if status == "creator"
            ),
            None,
        )
        old_message: JSONDict = {
            "message_id": old_chat.take_message_id(),
            "from": upgrader.to_user() if upgrader else dict(ANONYMOUS_ADMIN),
            "chat": self._chat_dict(old_chat),
            "date": self._now_ts(),
            "migrate_to_chat_id": new_id,
        }
        new_message: JSONDict = {
            "message_id": new_chat.take_message_id(),
            "from": dict(ANONYMOUS_ADMIN),
            "sender_chat": group.to_chat(),
            "chat": group.to_chat(),
            "date": self._now_ts(),
            "migrate_from_chat_id": old_chat.id,
        }
        self._enqueue({"message": old_message})
        self._enqueue({"message": new_message})
        await self.flush()

    def store_user_photo(self, data: bytes, file_size: int | None = None) -> list[JSONDict]:
        """Store a photo a person sends; its PhotoSize list (a thumbnail and the full size)."""
        width, height = _image_size(data) or (1280, 960)
        scale = max(width, height, 90) / 90
        thumbnail = (max(1, round(width / scale)), max(1, round(height / scale)), len(data))
        full = (width, height, len(data) if file_size is None else file_size)
        sizes = []
        for w, h, size in (thumbnail, full):
            stored = self._store_file(data, "photos", "image/jpeg", "photo.jpg", size)
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.unique_id,
                    "width": w,
                    "height": h,
                    "file_size": size,
                }
            )
        return sizes

    def store_user_document(self, filename: str, data: bytes, mime_type: str) -> JSONDict:
        stored = self._store_file(data, "documents", mime_type, filename, len(data))
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_name": filename,
            "mime_type": mime_type,
            "file_size": len(data),
        }

    async def flush(self) -> None:
        """Hand every undispatched update to the dispatcher, in order."""
        while self.dispatcher is not None and self._undispatched:
            update = self._undispatched.popleft()
            await self.dispatcher(json.loads(json.dumps(update)))

    # -- the Bot API ------------------------------------------------------------------------
    async def call(
        self,
        token: str,
        method: str,
        params: Mapping[str, Any],
        files: Mapping[str, UploadTuple] | None = None,
    ) -> tuple[int, JSONDict]:
        """Answer one Bot API call: (HTTP status, body) exactly as Telegram would."""
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        handler = self._methods.get(method.lower())
        if handler is None:
            log.warning("the emulator does not implement Bot API method %s", method)
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        uploads = {name: _upload(value) for name, value in (files or {}).items()}
        recorded: JSONDict = dict(params)
        idle_poll = False
        try:
            decoded = _decode_params(params)
            recorded = dict(decoded)
            fault = self._take_fault(method.lower())
            if fault is not None:
                raise fault
            result = await handler(decoded, uploads)
            status, body = 200, {"ok": True, "result": result}
            idle_poll = method.lower() == "getupdates" and not result
        except ApiError as error:
            status, body = error.status, error.body()
        except Exception:
            log.exception("emulator failure in %s", method)
            status, body = (
                500,
                {"ok": False, "error_code": 500, "description": "Internal Server Error"},
            )
        for name, upload in uploads.items():
            recorded[name] = {"filename": upload.filename, "size": len(upload.data)}
        if not idle_poll:
            self.calls.append(
                ApiCall(
                    method,
                    recorded,
                    body["ok"],
                    body.get("description"),
                    status,
                    body.get("result"),
                )
            )
        return status, body

    def download(self, token: str, file_path: str) -> tuple[int, bytes]:
        """The bytes at ``/file/bot<token>/<file_path>``, as (status, body)."""
        if token != self.token:
            return 401, json.dumps(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}
            ).encode()
        for stored in self._files.values():
            if stored.path == file_path:
                return 200, stored.data
        return 404, json.dumps(
            {"ok": False, "error_code": 404, "description": "Not Found"}
        ).encode()

    def _take_fault(self, method: str) -> ApiError | None:
        for fault in self._faults:
            matches = (
                fault.method == method
                if fault.method is not None
                else method not in ("getupdates", "getme")
            )
            if matches and fault.remaining > 0:
                fault.remaining -= 1
                return fault.error()
        self._faults = [f for f in self._faults if f.remaining > 0]
        return None

    # -- updates ------------------------------------------------------------------------------
    def _enqueue(self, body: JSONDict) -> None:
        update = {"update_id": self._next_update_id, **body}
        self._next_update_id += 1
        self.updates_sent.append(update)
        self._queue(update)

    def _queue(self, update: JSONDict) -> None:
        if self.dispatcher is not None:
            self._undispatched.append(update)
        else:
            self._updates.append(update)
            self._updates_signal.fire()
            if self._webhook is not None and self._runner is not None:
                self.webhook_sender.start()

    async def _deliver(self, body: JSONDict) -> None:
        self._enqueue(body)
        await self.flush()

    async def redeliver(self, update_id: int) -> None:
        """Telegram delivers an update again (it promises at least once): the update sent
        earlier with this ``update_id`` comes once more, in id order before newer ones, even if
        the bot confirmed an offset past it; a later confirmation past it ends it again."""
        original = next((u for u in self.updates_sent if u["update_id"] == update_id), None)
        if original is None:
            raise LookupError(f"no update {update_id} was sent")
        again = json.loads(json.dumps(original))
        if self.dispatcher is None:
            self._redelivered.add(update_id)
            waiting = [u for u in self._updates if u["update_id"] != update_id]
            self._updates = deque(sorted([*waiting, again], key=lambda u: int(u["update_id"])))
            self._updates_signal.fire()
        else:
            self._queue(again)
        await self.flush()

    async def _api_getUpdates(self, p: JSONDict, _: dict[str, _Upload]) -> list[JSONDict]:
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _opt_int(p, "offset")
        limit = min(max(_opt_int(p, "limit") or 100, 1), 100)
        timeout = min(max(_opt_int(p, "timeout") or 0, 0), 50)
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(a) for a in allowed) or DEFAULT_UPDATES
        if offset is not None:
            if offset < 0:
                keep = list(self._updates)[offset:]
                self._updates = deque(keep)
            else:
                self._updates = deque(
                    u
                    for u in self._updates
                    if u["update_id"] >= offset or u["update_id"] in self._redelivered
                )
        # a newer getUpdates ends an older long poll, as on Telegram
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_signal.fire()
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make "
                    "sure that only one bot instance is running",
                )
            if self._webhook is not None:
                raise ApiError(409, "Conflict: terminated by setWebhook request")
            self._updates = deque(
                u for u in self._updates if _update_type(u) in self._allowed_updates
            )
            batch = list(self._updates)[:limit]
            self._redelivered.difference_update(u["update_id"] for u in batch)
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self._closing:
                return batch
            await self._updates_signal.wait(remaining)

    async def _api_setWebhook(self, p: JSONDict, _: dict[str, _Upload]) -> bool:
        if not _opt_str(p, "url"):
            return await self._api_deleteWebhook(p, _)
        try:
            hook = checked_webhook(p, allow_http=self.allow_http_webhooks)
        except WebhookRefused as refused:
            raise bad_request(str(refused)) from None
        if hook.allowed_updates is not None:
            self._allowed_updates = frozenset(hook.allowed_updates) or DEFAULT_UPDATES
        self._webhook = hook
        if p.get("drop_pending_updates"):
            self._updates.clear()
        self._updates_signal.fire()  # a long poll still waiting ends with 409
        if self._runner is not None:  # delivered while the emulator serves HTTP
            self.webhook_sender.start()
        return True

    async def _api_deleteWebhook(self, p: JSONDict, _: dict[str, _Upload]) -> bool:
        self._webhook = None
        self.webhook_sender.cancel()  # what it had not delivered stays for getUpdates
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _api_getWebhookInfo(self, p: JSONDict, _: dict[str, _Upload]) -> JSONDict:
        info: JSONDict = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._webhook is not None:
            info.update(self._webhook.info())
        return info

    def _next_webhook_update(self) -> JSONDict | None:
        """The first pending update of a type the bot asked for (others are dropped)."""
        while self._updates and _update_type(self._updates[0]) not in self._allowed_updates:
            self._updates.popleft()
        return json.loads(json.dumps(self._updates[0])) if self._updates else None

    def _webhook_delivered(self, update_id: int) -> None:
        self._updates = deque(u for u in self._updates if u["update_id"] != update_id)

    async def _updates_signal_wait(self, seconds: float) -> bool:
        return await self._updates_signal.wait(seconds)

    async def _api_logOut(self, p: JSONDict, _: dict[str, _Upload]) -> bool:
        return True

    async def _api_close(self, p: JSONDict, _: dict[str, _Upload]) -> bool:
        return True

    async def _api_getMe(self, p: JSONDict, _: dict[str, _Upload]) -> JSONDict:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": not self.group_privacy,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    # -- sending ------------------------------------------------------------------------------
    async def _api_sendMessage(self, p: JSONDict, _: dict[str, _Upload]) -> JSONDict:
        text, entities = self._formatted(p, "text", "entities")
        markup, buttons = _reply_markup(p.get("reply_markup"))
        chat = self._writable_chat(p)
        reply_to = self._reply_target(chat, p)
        self._check_flood(chat)
        message = self._store(
            chat, "text", text, _opt_str(p, "text") or "", entities, markup, buttons, reply_to
        )
        return self._message_dict(message)

    async def _api_sendDocument(self, p: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        caption, entities = self._formatted(p, "caption", "caption_entities")
        markup, buttons = _reply_markup(p.get("reply_markup"))
        upload = self._file_param(p, files, "document")
        chat = self._writable_chat(p)
        reply_to = self._reply_target(chat, p)
        self._check_flood(chat)
        message = self._document_message(
            chat, upload, caption, entities, p, markup, buttons, reply_to
        )
        return self._message_dict(message)

    async def _api_sendPhoto(self, p: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        caption, entities = self._formatted(p, "caption", "caption_entities")
        markup, buttons = _reply_markup(p.get("reply_markup"))
        upload = self._file_param(p, files, "photo")
        chat = self._writable_chat(p)
        reply_to = self._reply_target(chat, p)
        self._check_flood(chat)
        message = self._photo_message(chat, upload, caption, entities, p, markup, buttons, reply_to)
        return self._message_dict(message)

    async def _api_sendMediaGroup(self, p: JSONDict, files: dict[str, _Upload]) -> list[JSONDict]:
        media = p.get("media")
        if not isinstance(media, list) or not all(isinstance(m, dict) for m in media):
            raise bad_request("can't parse media JSON object")
        if not 2 <= len(media) <= 10:
            raise bad_request("wrong number of media in the group: 2-10 are allowed")
        kinds = {m.get("type") for m in media}
        if not kinds <= {"photo", "document"} or len(kinds) > 1:
            raise bad_request("the emulator supports media groups of photos or of documents")
        prepared = []
        for item in media:
            caption, entities = self._formatted(item, "caption", "caption_entities")
            upload = self._file_param(item, files, "media")
            prepared.append((item, caption, entities, upload))
        chat = self._writable_chat(p)
        reply_to = self._reply_target(chat, p)
        self._check_flood(chat, len(media))
        self._counter += 1
        group_id = str(13_000_000_000_000_000 + self._counter)
        results = []
        for item, caption, entities, upload in prepared:
            if item["type"] == "photo":
                message = self._photo_message(
                    chat, upload, caption, entities, item, None, [], reply_to
                )
            else:
                message = self._document_message(
                    chat, upload, caption, entities, item, None, [], reply_to
                )
            message.media_group_id = group_id
            results.append(self._message_dict(message))
        return results

    async def _api_sendLocation(self, p: JSONDict, _: dict[str, _Upload]) -> JSONDict:
        latitude, longitude = _opt_float(p, "latitude"), _opt_float(p, "longitude")
        if latitude is None or not -90 <= latitude <= 90:
            raise bad_request("wrong latitude specified")
        if longitude is None or not -180 <= longitude <= 180:
            raise bad_request("wrong longitude specified")
        markup, buttons = _reply_markup(p.get("reply_markup"))
        chat = self._writable_chat(p)
        reply_to = self._reply_target(chat, p)
        self._check_flood(chat)
        message = self._store(chat, "location", "", "", [], markup, buttons, reply_to)
        message.location = (latitude, longitude)
        message.media = {"latitude": latitude, "longitude": longitude}
        return self._message_dict(message)

    async def _api_sendChatAction(self, p: JSONDict, _: dict[str, _Upload]) -> bool:
        action = _opt_str(p, "action")
        self._writable_chat(p)
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    # -- editing and deleting -------------------------------------------------------------
    async def _api_editMessageText(self, p: JSONDict, _: dict[str, _Upload]) -> JSONDict:
        text, entities = self._formatted(p, "text", "entities")
        markup, buttons = _reply_markup(p.get("reply_markup"), inline_only=True)
        _chat, message = self._message_to_edit(p)
        if message.kind != "text":
            raise bad_request("there is no text in the message to edit")
        if (message.text, message.entities, _inline(message)) == (text, entities, markup):
            raise _not_modified()
        message.text, message.html, message.entities = text, _opt_str(p, "text") or "", entities
        self._edited(message, markup, buttons)
        return self._message_dict(message)

    async def _api_editMessageCaption(self, p: JSONDict, _: dict[str, _Upload]) -> JSONDict:
        caption, entities = self._formatted(p, "caption", "caption_entities")
        markup, buttons = _reply_markup(p.get("reply_markup"), inline_only=True)
        _chat, message = self._message_to_edit(p)
        if message.kind not in ("document", "photo"):
            raise bad_request("there is no caption in the message to edit")
        if (message.text, message.entities, _inline(message)) == (caption, entities, markup):
            raise _not_modified()
        message.text, message.html = caption, _opt_str(p, "caption") or ""
        message.entities = entities
        self._edited(message, markup, buttons)
        return self._message_dict(message)

    async def _api_editMessageReplyMarkup(self, p: JSONDict, _: dict[str, _Upload]) -> JSONDict:
        markup, buttons = _reply_markup(p.get("reply_markup"), inline_only=True)
        _chat, message = self._message_to_edit(p)
        if _inline(message) == markup:
            raise _not_modified()
        self._edited(message, markup, buttons)
        return self._message_dict(message)

    async def _api_deleteMessage(self, p: JSONDict, _: dict[str, _Upload]) -> bool:
        chat = self._writable_chat(p)
        message_id = _req_int(p, "message_id", "message identifier is not specified")
        now = self.clock()
        if message_id in chat.bot_messages:
            if now - chat.bot_messages[message_id].date > DELETE_WINDOW:
                raise bad_request("message can't be deleted for everyone")
            del chat.bot_messages[message_id]
            self._changed()
            return True
        if message_id in chat.user_messages:
            user_message = chat.user_messages[message_id]
            if chat.group is not None and chat.group.bot_status != "administrator":
                raise bad_request("message can't be deleted")
            sent = datetime.fromtimestamp(user_message["date"], UTC)
            if now - sent > DELETE_WINDOW:
                raise bad_request("message can't be deleted for everyone")
            del chat.user_messages[message_id]
            return True
        raise bad_request("message to delete not found")

    async def _api_answerCallbackQuery(self, p: JSONDict, _: dict[str, _Upload]) -> bool:
        query = self._queries.get(_opt_str(p, "callback_query_id") or "")
        if query is None or query.answer is not None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = _opt_str(p, "text") or ""
        if utf16_len(text) > MAX_ANSWER_TEXT:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answer = CallbackAnswer(text, bool(p.get("show_alert")), _opt_str(p, "url"))
        self.callback_answers.append((query.person_id, query.answer))
        return True

    # -- commands, chats, files -------------------------------------------------------------
    async def _api_setMyCommands(self, p: JSONDict, _: dict[str, _Upload]) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        cleaned = []
        for command in commands:
            name = command.get("command") if isinstance(command, dict) else None
            description = command.get("description") if isinstance(command, dict) else None
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        self._commands[self._command_key(p)] = cleaned
        return True

    async def _api_getMyCommands(self, p: JSONDict, _: dict[str, _Upload]) -> list[JSONDict]:
        return list(self._commands.get(self._command_key(p), []))

    async def _api_deleteMyCommands(self, p: JSONDict, _: dict[str, _Upload]) -> bool:
        self._commands.pop(self._command_key(p), None)
        return True

    def _command_key(self, p: JSONDict) -> tuple[str, str]:
        scope = p.get("scope")
        if scope is not None and not isinstance(scope, dict):
            raise bad_request("can't parse BotCommandScope JSON object")
        kind = (scope or {}).get("type", "default")
        if kind not in (
            "default",
            "all_private_chats",
            "all_group_chats",
            "all_chat_administrators",
            "chat",
            "chat_administrators",
            "chat_member",
        ):
            raise bad_request("wrong bot command scope type specified")
        if kind.startswith("chat"):
            self._readable_chat((scope or {}).get("chat_id"))
        language = _opt_str(p, "language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        return _scope_key(scope), language

    async def _api_setChatMenuButton(self, p: JSONDict, _: dict[str, _Upload]) -> bool:
        if p.get("chat_id") is not None:
            self._readable_chat(p.get("chat_id"))
        return True

    async def _api_getChatMenuButton(self, p: JSONDict, _: dict[str, _Upload]) -> JSONDict:
        return {"type": "commands"}

    async def _api_leaveChat(self, p: JSONDict, _: dict[str, _Upload]) -> bool:
        chat = self._writable_chat(p)
        if chat.group is None:
            raise bad_request("chat member status can't be changed in private chats")
        chat.group.bot_status = "left"
        return True

    async def _api_getChat(self, p: JSONDict, _: dict[str, _Upload]) -> JSONDict:
        chat = self._readable_chat(p.get("chat_id"))
        gifts = {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        }
        return {
            **self._chat_dict(chat),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }

    async def _api_getChatMember(self, p: JSONDict, _: dict[str, _Upload]) -> JSONDict:
        chat = self._readable_chat(p.get("chat_id"))
        user_id = _req_int(p, "user_id", "user not found")
        if user_id == self.bot_id:
            status = chat.group.bot_status if chat.group else "member"
            return _member(self._bot_user(), status)
        person = self._people_by_id.get(user_id)
        if person is None:
            raise bad_request("user not found")
        if chat.group is None:
            status = "member" if person.id == chat.id else "left"
        else:
            status = chat.group.members.get(person.id, "left")
        return _member(person.to_user(), status)

    async def _api_getChatAdministrators(
        self, p: JSONDict, _: dict[str, _Upload]
    ) -> list[JSONDict]:
        chat = self._readable_chat(p.get("chat_id"))
        if chat.group is None:
            raise bad_request("there are no administrators in the private chat")
        admins = [
            _member(self._people_by_id[uid].to_user(), status)
            for uid, status in chat.group.members.items()
            if status in ("creator", "administrator")
        ]
        if chat.group.bot_status == "administrator":
            admins.append(_member(self._bot_user(), "administrator"))
        return admins

    async def _api_getChatMemberCount(self, p: JSONDict, _: dict[str, _Upload]) -> int:
        chat = self._readable_chat(p.get("chat_id"))
        if chat.group is None:
            return 2
        present = [s for s in chat.group.members.values() if s not in ("left", "kicked")]
        return len(present) + (1 if chat.group.bot_is_member() else 0)

    async def _api_getFile(self, p: JSONDict, _: dict[str, _Upload]) -> JSONDict:
        stored = self._files.get(_opt_str(p, "file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > MAX_DOWNLOAD:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": stored.size,
            "file_path": stored.path,
        }

    # -- checks -------------------------------------------------------------------------------
    def _writable_chat(self, p: JSONDict) -> _Chat:
        """The chat the bot wants to write to, or Telegram's refusal."""
        chat_id = p.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        if not isinstance(chat_id, int):
            raise bad_request("chat not found")
        if chat_id == self.bot_id:
            raise forbidden("bot can't send messages to bots")
        chat = self._chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        if chat.person is not None:
            if chat.person.blocked:
                raise forbidden("bot was blocked by the user")
            if not chat.person.started:
                raise forbidden("bot can't initiate conversation with a user")
            return chat
        return self._group_chat(chat)

    def _readable_chat(self, chat_id: Any) -> _Chat:
        """A chat the bot may look at (getChat and friends): it knows the person or is in it."""
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        if chat.person is not None:
            person = chat.person
            seen = person.started or any(
                g.bot_is_member() and person.id in g.members for g in self._groups
            )
            if not seen:
                raise bad_request("chat not found")
            return chat
        return self._group_chat(chat)

    def _group_chat(self, chat: _Chat) -> _Chat:
        if chat.migrated_to is not None:
            raise bad_request(
                "group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        group = chat.group
        assert group is not None
        if group.bot_status == "kicked":
            raise forbidden(f"bot was kicked from the {group.type} chat")
        if group.bot_status == "left":
            raise forbidden(f"bot is not a member of the {group.type} chat")
        return chat

    def _message_to_edit(self, p: JSONDict) -> tuple[_Chat, BotMessage]:
        if p.get("inline_message_id") is not None:
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._writable_chat(p)
        message_id = _req_int(p, "message_id", "message identifier is not specified")
        message = chat.bot_messages.get(message_id)
        if message is None:
            if message_id in chat.user_messages:
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        return chat, message

    def _reply_target(self, chat: _Chat, p: JSONDict) -> int | None:
        reply = p.get("reply_parameters")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow = bool(reply.get("allow_sending_without_reply"))
        else:
            message_id = p.get("reply_to_message_id")
            allow = bool(p.get("allow_sending_without_reply"))
        if message_id is None:
            return None
        if not isinstance(message_id, int):
            raise bad_request("message to be replied not found")
        if message_id in chat.bot_messages or message_id in chat.user_messages:
            return message_id
        if allow:
            return None
        raise bad_request("message to be replied not found")

    def _check_flood(self, chat: _Chat, count: int = 1) -> None:
        if self.enforce_flood_limits:
            self._flood.check(chat.id, chat.group is not None, count)

    def _formatted(self, p: JSONDict, name: str, entities_name: str) -> tuple[str, list[JSONDict]]:
        """Text (or caption) and entities after parsing, or Telegram's refusal."""
        raw = _opt_str(p, name) or ""
        caption = name == "caption"
        parse_mode = _opt_str(p, "parse_mode")
        if parse_mode:
            if parse_mode.lower() != "html":
                if parse_mode.lower() in ("markdown", "markdownv2"):
                    raise bad_request("the emulator implements only parse_mode HTML")
                raise bad_request("unsupported parse_mode")
            try:
                text, entities = parse_html(raw)
            except HtmlParseError as error:
                raise bad_request(f"can't parse entities: {error}") from error
        else:
            text, entities = raw, _entities_param(p.get(entities_name))
        text, entities = normalize(text, entities)
        length = utf16_len(text)
        if caption:
            if length > MAX_CAPTION:
                raise bad_request("message caption is too long")
        elif not text:
            raise bad_request("message text is empty")
        elif length > MAX_TEXT:
            raise bad_request("message is too long")
        return text, entities

    def _file_param(self, p: JSONDict, files: dict[str, _Upload], name: str) -> _Upload:
        upload = files.get(name)
        value = p.get(name)
        if upload is None and isinstance(value, str):
            if value.startswith("attach://"):
                upload = files.get(value[len("attach://") :])
            else:
                stored = self._files.get(value)
                if stored is None:
                    if "://" in value:
                        raise bad_request("failed to get HTTP URL content")
                    raise bad_request("wrong file identifier/HTTP URL specified")
                upload = _Upload(stored.name, stored.data, stored.mime)
        if upload is None:
            raise bad_request(f"there is no {p.get('type', name)} in the request")
        if not upload.data:
            raise bad_request("file must be non-empty")
        return upload

    # -- storing what the bot sent ----------------------------------------------------------
    def _store(
        self,
        chat: _Chat,
        kind: str,
        text: str,
        html: str,
        entities: list[JSONDict],
        markup: JSONDict | None,
        buttons: list[list[Button]],
        reply_to: int | None,
    ) -> BotMessage:
        message = BotMessage(
            chat_id=chat.id,
            message_id=chat.take_message_id(),
            text=text,
            html=html,
            entities=entities,
            buttons=buttons,
            date=self.clock(),
            kind=kind,
            reply_markup=markup,
            reply_to_message_id=reply_to,
        )
        chat.bot_messages[message.message_id] = message
        self._changed(message)
        return message

    def _document_message(
        self,
        chat: _Chat,
        upload: _Upload,
        caption: str,
        entities: list[JSONDict],
        p: JSONDict,
        markup: JSONDict | None,
        buttons: list[list[Button]],
        reply_to: int | None,
    ) -> BotMessage:
        mime = upload.mime
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"
        stored = self._store_file(upload.data, "documents", mime, upload.filename, len(upload.data))
        message = self._store(
            chat,
            "document",
            caption,
            _opt_str(p, "caption") or "",
            entities,
            markup,
            buttons,
            reply_to,
        )
        message.document = Document(upload.filename, mime, upload.data)
        message.media = {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_name": upload.filename,
            "mime_type": mime,
            "file_size": len(upload.data),
        }
        return message

    def _photo_message(
        self,
        chat: _Chat,
        upload: _Upload,
        caption: str,
        entities: list[JSONDict],
        p: JSONDict,
        markup: JSONDict | None,
        buttons: list[list[Button]],
        reply_to: int | None,
    ) -> BotMessage:
        dimensions = _image_size(upload.data)
        if dimensions is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        stored = self._store_file(
            upload.data, "photos", "image/jpeg", "photo.jpg", len(upload.data)
        )
        message = self._store(
            chat,
            "photo",
            caption,
            _opt_str(p, "caption") or "",
            entities,
            markup,
            buttons,
            reply_to,
        )
        message.photo = upload.data
        message.media = [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.unique_id,
                "width": dimensions[0],
                "height": dimensions[1],
                "file_size": len(upload.data),
            }
        ]
        return message

    def _edited(
        self, message: BotMessage, markup: JSONDict | None, buttons: list[list[Button]]
    ) -> None:
        message.reply_markup, message.buttons = markup, buttons
        message.edited = True
        message.edit_date = self.clock()
        self._changed(message)

    def _changed(self, message: BotMessage | None = None) -> None:
        self._seq += 1
        if message is not None:
            message.seq = self._seq
        self._change_signal.fire()

    def _store_file(self, data: bytes, folder: str, mime: str, name: str, size: int) -> _StoredFile:
        self._counter += 1
        number = self._counter
        stored = _StoredFile(
            file_id=f"{'AgAC' if folder == 'photos' else 'BQAC'}AgIAAxkBAAI{number:08d}",
            unique_id=f"AQAD{number:08d}",
            data=data,
            size=size,
            path=f"{folder}/file_{number}{_suffix(name)}",
            mime=mime,
            name=name,
        )
        self._files[stored.file_id] = stored
        return stored

    # -- Bot API objects ------------------------------------------------------------------------
    def _bot_user(self) -> JSONDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_name,
            "username": self.bot_username,
        }

    def _chat_dict(self, chat: _Chat) -> JSONDict:
        if chat.person is not None:
            user = chat.person.to_user()
            result = {"id": chat.id, "type": "private", "first_name": user["first_name"]}
            for key in ("last_name", "username"):
                if key in user:
                    result[key] = user[key]
            return result
        assert chat.group is not None
        return {"id": chat.id, "type": chat.type, "title": chat.group.title}

    def _message_dict(self, message: BotMessage, *, nested: bool = True) -> JSONDict:
        chat = self._chats[message.chat_id]
        result: JSONDict = {
            "message_id": message.message_id,
            "from": self._bot_user(),
            "chat": self._chat_dict(chat),
            "date": int(message.date.timestamp()),
        }
        if message.edit_date is not None:
            result["edit_date"] = int(message.edit_date.timestamp())
        if message.media_group_id:
            result["media_group_id"] = message.media_group_id
        if nested and message.reply_to_message_id is not None:
            replied = chat.bot_messages.get(message.reply_to_message_id)
            if replied is not None:
                result["reply_to_message"] = self._message_dict(replied, nested=False)
            elif message.reply_to_message_id in chat.user_messages:
                original = dict(chat.user_messages[message.reply_to_message_id])
                original.pop("reply_to_message", None)
                result["reply_to_message"] = original
        if message.kind == "text":
            result["text"] = message.text
            if message.entities:
                result["entities"] = message.entities
        else:
            result[message.kind] = message.media
            if message.text:
                result["caption"] = message.text
                if message.entities:
                    result["caption_entities"] = message.entities
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            result["reply_markup"] = message.reply_markup
        return result

    def _bot_member_update(self, chat: _Chat, actor: JSONDict, old: str, new: str) -> JSONDict:
        return {
            "my_chat_member": {
                "chat": self._chat_dict(chat),
                "from": actor,
                "date": self._now_ts(),
                "old_chat_member": _member(self._bot_user(), old),
                "new_chat_member": _member(self._bot_user(), new),
            }
        }

    def _join(self, person: Person, group: Group) -> None:
        if group.members.get(person.id) in (None, "left", "kicked"):
            has_creator = "creator" in group.members.values()
            group.members[person.id] = "member" if has_creator else "creator"

    def _bot_sees(self, group: Group, message: JSONDict) -> bool:
        """Privacy mode: commands, replies to the bot and service messages only."""
        if not self.group_privacy or group.bot_status == "administrator":
            return True
        if "text" not in message and "caption" not in message:
            return True
        reply = message.get("reply_to_message") or {}
        if reply.get("from", {}).get("id") == self.bot_id:
            return True
        text = message.get("text") or message.get("caption") or ""
        for entity in message.get("entities") or message.get("caption_entities") or []:
            if entity["type"] == "bot_command":
                command = text[entity["offset"] : entity["offset"] + entity["length"]]
                _, _, addressee = command.partition("@")
                if not addressee or addressee.lower() == self.bot_username.lower():
                    return True
        return False

    def _now_ts(self) -> int:
        return int(self.clock().timestamp())

    # -- HTTP --------------------------------------------------------------------------------
    async def start_server(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve the Bot API over HTTP; returns the base URL (bots use ``{base}/bot``)."""
        if self._base_url is not None:
            return self._base_url
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._http_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._http_file)
        # no access log: the request path contains the token
        runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_host, bound_port = runner.addresses[0][:2]
        self._runner = runner
        self._closing = False
        self._base_url = f"http://{bound_host}:{bound_port}"
        if self._webhook is not None:
            self.webhook_sender.start()
        return self._base_url

    async def stop_server(self) -> None:
        """Stop serving; long polls in progress return at once."""
        runner, self._runner, self._base_url = self._runner, None, None
        if runner is None:
            return
        await self.webhook_sender.stop()  # "Telegram" is down: nothing is delivered either
        self._closing = True
        self._updates_signal.fire()
        try:
            await runner.cleanup()
        finally:
            self._closing = False

    async def _http_api(self, request: web.Request) -> web.Response:
        params: dict[str, Any] = dict(request.query)
        files: dict[str, UploadTuple] = {}
        if request.body_exists:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    return web.json_response(
                        {
                            "ok": False,
                            "error_code": 400,
                            "description": "Bad Request: can't parse JSON",
                        },
                        status=400,
                    )
                if isinstance(body, dict):
                    params.update(body)
            else:
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = (value.filename, value.file.read(), value.content_type)
                    else:
                        params[key] = value
        status, result = await self.call(
            request.match_info["token"], request.match_info["method"], params, files
        )
        return web.json_response(result, status=status)

    async def _http_file(self, request: web.Request) -> web.Response:
        status, body = self.download(request.match_info["token"], request.match_info["path"])
        if status != 200:
            return web.Response(body=body, status=status, content_type="application/json")
        return web.Response(body=body, content_type="application/octet-stream")


# -- helpers ----------------------------------------------------------------------------------
def _not_modified() -> ApiError:
    return bad_request(
        "message is not modified: specified new message content and reply "
        "markup are exactly the same as a current content and reply markup "
        "of the message"
    )


def _decode_params(raw: Mapping[str, Any]) -> JSONDict:
    """Form fields arrive as strings; give them the types the Bot API documents."""
    result: JSONDict = {}
    for name, value in raw.items():
        if isinstance(value, str):
            if name in _JSON_FIELDS:
                try:
                    value = json.loads(value)
                except ValueError:
                    what = "reply keyboard markup" if name == "reply_markup" else name
                    raise bad_request(f"can't parse {what} JSON object") from None
            elif name in _INT_FIELDS:
                if re.fullmatch(r"-?\d+", value.strip()):
                    value = int(value)
                elif name != "chat_id":
                    raise bad_request(f"invalid {name} specified")
            elif name in _FLOAT_FIELDS:
                try:
                    value = float(value)
                except ValueError:
                    raise bad_request(f"invalid {name} specified") from None
            elif name in _BOOL_FIELDS:
                value = value.strip().lower() in ("true", "1")
        result[name] = value
    return result


def _opt_str(p: Mapping[str, Any], name: str) -> str | None:
    value = p.get(name)
    if value is None:
        return None
    if isinstance(value, dict | list):
        raise bad_request(f'field "{name}" must be of type String')
    return str(value)


def _opt_int(p: Mapping[str, Any], name: str) -> int | None:
    value = p.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad_request(f"invalid {name} specified")
    return int(value)


def _req_int(p: Mapping[str, Any], name: str, missing: str) -> int:
    value = _opt_int(p, name)
    if value is None:
        raise bad_request(missing)
    return value


def _opt_float(p: Mapping[str, Any], name: str) -> float | None:
    value = p.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad_request(f"invalid {name} specified")
    return float(value)


def _entities_param(value: Any) -> list[JSONDict]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad_request("can't parse entities JSON object")
    entities = []
    for entity in value:
        if (
            not isinstance(entity, dict)
            or not isinstance(entity.get("type"), str)
            or not isinstance(entity.get("offset"), int)
            or not isinstance(entity.get("length"), int)
        ):
            raise bad_request("can't parse MessageEntity JSON object")
        entities.append(dict(entity))
    return entities


def _reply_markup(
    value: Any, *, inline_only: bool = False
) -> tuple[JSONDict | None, list[list[Button]]]:
    """Validate reply_markup as Telegram does; (markup, inline buttons)."""
    if value is None:
        return None, []
    if not isinstance(value, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in value:
        if inline_only:
            raise bad_request("inline keyboard expected")
        if "keyboard" in value:
            rows = value["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request("can't parse reply keyboard markup JSON object")
            for row in rows:
                for key in row:
                    text = (
                        key
                        if isinstance(key, str)
                        else (key.get("text") if isinstance(key, dict) else None)
                    )
                    if not isinstance(text, str) or not text:
                        raise bad_request("can't parse keyboard button: Text must be non-empty")
            return value, []
        if value.get("remove_keyboard") or value.get("force_reply"):
            return value, []
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = value["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request("can't parse inline keyboard markup JSON object")
    buttons: list[list[Button]] = []
    if sum(len(row) for row in rows) > MAX_BUTTONS or any(len(row) > MAX_ROW for row in rows):
        raise bad_request("REPLY_MARKUP_TOO_LONG")
    for row in rows:
        parsed_row = []
        for raw in row:
            if not isinstance(raw, dict):
                raise bad_request(
                    "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                )
            text = raw.get("text")
            if not isinstance(text, str):
                raise bad_request(
                    'can\'t parse inline keyboard button: Field "text" must be of type String'
                )
            if not text.strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            data = raw.get("callback_data")
            url = raw.get("url")
            if data == "":
                data = None
            if (
                not any(
                    raw.get(key) not in (None, "")
                    for key in _INLINE_ACTIONS
                    if key != "callback_data"
                )
                and data is None
            ):
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are "
                    "unallowed in the inline keyboard"
                )
            if data is not None and (
                not isinstance(data, str) or len(data.encode("utf-8")) > MAX_CALLBACK_DATA
            ):
                raise bad_request("BUTTON_DATA_INVALID")
            if url is not None and (not isinstance(url, str) or checked_url(url) is None):
                raise bad_request("BUTTON_URL_INVALID")
            parsed_row.append(Button(text, data, url))
        buttons.append(parsed_row)
    return {"inline_keyboard": rows}, [row for row in buttons if row]


def _inline(message: BotMessage) -> JSONDict | None:
    """The message's inline keyboard (the only markup edits compare and replace)."""
    markup = message.reply_markup
    return markup if markup is not None and "inline_keyboard" in markup else None


def _member(user: JSONDict, status: str) -> JSONDict:
    member: JSONDict = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(
            {
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": True,
                "can_restrict_members": True,
                "can_promote_members": False,
                "can_change_info": True,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
                "can_pin_messages": True,
            }
        )
    elif status == "kicked":
        member["until_date"] = 0
    return member


def _scope_key(scope: JSONDict | None) -> str:
    if not scope:
        return "default"
    parts = [str(scope.get("type", "default"))]
    for key in ("chat_id", "user_id"):
        if scope.get(key) is not None:
            parts.append(f"{key}={scope[key]}")
    return " ".join(parts)


def _update_type(update: JSONDict) -> str:
    return next(key for key in update if key != "update_id")


def _upload(value: UploadTuple) -> _Upload:
    if len(value) == 3:
        return _Upload(value[0], value[1], value[2])
    return _Upload(value[0], value[1], "")


def _suffix(filename: str) -> str:
    match = re.search(r"\.[A-Za-z0-9]{1,8}$", filename)
    return match.group(0).lower() if match else ""


def _image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a JPEG, PNG, GIF or WebP image; None if it is none of those."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return 512, 512
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            length = struct.unpack(">H", data[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + length
    return None
