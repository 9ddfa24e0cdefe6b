"""Sending what the outbox holds, one message after another, until nothing is due.

Delivery policy (a notice must never be lost silently):

* a row is claimed in one transaction, sent, and marked sent in the next; if the process dies
  between sending and marking, the row is sent again after the restart — **at least once**;
  the window is one API call long, so a duplicate is rare and harmless, a loss is not;
* 429 (after the rate limiter's own retries) moves the row to ``retry_after`` later;
  timeouts and 5xx are retried with exponential backoff, then given up with an error log;
* a 400 (Telegram refuses the message itself) is given up at once with an error log;
* 403 in a private chat marks the person unreachable (they blocked the bot) and tells the
  coordinators of their teams once;
* a group that became a supergroup is followed: the new chat id is stored and the row resent;
* a nudge claimed in its team's quiet hours is put back until their end, unsent
  (:mod:`bot.scheduling.quiet`).

A row may render to several messages (a long agenda); after each one the row remembers how
many went out, so a retry goes on with the next instead of repeating them.

The messages a row became are remembered (chat and message id per part), so that a notice
whose text was later redacted can be rendered again and edited (:meth:`OutboxSender.refresh`).

Rendering happens at sending time, in the reader's language, by a renderer the handlers
provide; it may decide a notice is no longer relevant (e.g. the problem became confidential).
The exception is a handler's reply that Telegram did not take at once
(:meth:`OutboxSender.defer_reply`): it is stored as written and sent as it is; its text is
dropped from the row once the row is done with.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.domain.notices import Notice
from bot.scheduling import quiet
from bot.scheduling.clock import Clock
from bot.services import notify
from bot.storage.db import Database, StorageUnavailable
from bot.storage.outbox import OutboxItem, SentItem
from bot.storage.repos import Repos

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes


@dataclass(frozen=True)
class OutMessage:
    """A text message, or a document with ``text`` as its caption (≤ 1024 characters)."""

    text: str
    markup: InlineKeyboardMarkup | None = None
    document: Attachment | None = None


Renderer = Callable[[OutboxItem], Awaitable[list[OutMessage] | None]]


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


class OutboxSender:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        bot: Bot,
        render: Renderer,
        *,
        zone: ZoneInfo | None = None,
    ) -> None:
        self.db = db
        #: the zone of the teams' quiet hours; None: no quiet hours (unit tests)
        self.zone = zone
        self.clock = clock
        self.bot = bot
        self.render = render
        self._task: asyncio.Task[None] | None = None
        self._again = False

    def kick(self) -> None:
        """Start sending what is due (or go round once more if a round is running)."""
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._again = False
        self._task = asyncio.get_running_loop().create_task(self._drain(), name="outbox")
        self._task.add_done_callback(_log_failure)

    async def settle(self) -> None:
        """Wait until the current round (and any round it triggered) is over."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _drain(self) -> None:
        while True:
            while await self.send_next():
                pass
            if not self._again:
                return
            self._again = False

    async def send_next(self) -> bool:
        """Send one due row; False when nothing is due."""
        held = None
        async with self.db.transaction() as repos:
            now = self.clock.now()
            item = await repos.outbox.claim_next(now)
            if item is not None and self.zone is not None:
                held = await quiet.hold_until(repos, item, now, self.zone)
                if held is not None:
                    await repos.outbox.hold(item.id, held)
        if item is None:
            return False
        if held is not None:
            log.info("outbox %s to %s waits for the morning (%s)", item.kind, item.chat_id, held)
            return True
        try:
            messages = _stored_reply(item) if item.kind == Notice.REPLY else await self.render(item)
            if messages is None:
                await self._give_up(item, "no longer relevant", log.info)
                return True
            done = int(item.payload.get("parts_sent", 0))
            last: tuple[int, Message, OutMessage] | None = None
            for index, message in enumerate(messages):
                if index < done:
                    continue  # went out before a retry
                sent = await self._send(item.chat_id, message)
                if index < len(messages) - 1:
                    async with self.db.transaction() as repos:
                        await _remember(repos, item.id, index, sent, message)
                        await repos.outbox.set_progress(item.id, index + 1)
                else:
                    last = (index, sent, message)
        except ChatMigrated as error:
            await self._migrated(item, int(error.new_chat_id))
        except RetryAfter as error:
            wait = error.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            await self._retry(item, timedelta(seconds=seconds), str(error))
        except Forbidden as error:
            await self._forbidden(item, str(error))
        except BadRequest as error:
            await self._give_up(item, str(error), log.error)
        except InvalidToken:
            raise
        except (NetworkError, TelegramError) as error:  # timeouts and 5xx
            if item.attempts >= MAX_ATTEMPTS:
                await self._give_up(item, str(error), log.error)
            else:
                await self._retry(item, backoff(item.attempts), str(error))
        else:
            async with self.db.transaction() as repos:
                if last is not None:  # the ids go with "sent": one transaction, as before
                    await _remember(repos, item.id, *last)
                await repos.outbox.mark_sent(item.id, self.clock.now())
                if item.kind == Notice.REPLY:
                    await repos.outbox.forget_payload(item.id)
        return True

    async def defer_reply(
        self,
        chat_id: int,
        texts: list[str],
        markup: InlineKeyboardMarkup | None,
        delay: timedelta,
        *,
        user_id: int | None,
    ) -> None:
        """Queue a handler's reply that could not be sent now, as written (HTML parts; the
        buttons go with the last part); it goes out after ``delay``, then with retries."""
        payload = {"texts": texts, "markup": markup.to_dict() if markup is not None else None}
        async with self.db.transaction() as repos:
            now = self.clock.now()
            await repos.outbox.add(
                chat_id, Notice.REPLY, payload, now, user_id=user_id, due_at=now + delay
            )


    async def refresh(self, sent: list[SentItem]) -> tuple[int, int]:
        """Render sent notices again and edit the text messages they became (after a
        redaction). Returns (edited, not reached): a message Telegram refuses to edit (deleted,
        or not a text message any more), or a notice its reader may no longer see, is skipped
        and counted; one that shows the same text already is neither."""
        edited = missed = 0
        for found in sent:
            refreshed = found.item.model_copy(
                update={"payload": {**found.item.payload, "refresh": True}}
            )
            try:
                messages = await self.render(refreshed)
            except TelegramError:
                messages = None
            texts = [m for m in found.messages if m.is_text]
            if messages is None:
                missed += len(texts)
                continue
            for stored in texts:
                if stored.part >= len(messages) or messages[stored.part].document is not None:
                    missed += 1
                    continue
                message = messages[stored.part]
                if stored.shown is not None and stored.shown == shown(message):
                    continue  # it shows this already: Telegram refuses an edit to the same
                try:
                    await self.bot.edit_message_text(
                        message.text,
                        chat_id=stored.chat_id,
                        message_id=stored.message_id,
                        reply_markup=message.markup,
                    )
                    edited += 1
                    try:
                        async with self.db.transaction() as repos:
                            await repos.outbox.set_shown(
                                found.item.id, stored.part, shown(message)
                            )
                    except StorageUnavailable as error:  # the edit is done; only its hash waits
                        log.warning("could not remember notice %s: %s", found.item.id, error)
                except BadRequest as error:
                    if "not modified" not in str(error).lower():
                        log.info("notice %s could not be edited: %s", found.item.id, error)
                        missed += 1
                except TelegramError as error:
                    log.warning("notice %s could not be edited: %s", found.item.id, error)
                    missed += 1
        return edited, missed

    async def _send(self, chat_id: int, message: OutMessage) -> Message:
        if message.document is None:
            return await self.bot.send_message(chat_id, message.text, reply_markup=message.markup)
        else:
            return await self.bot.send_document(
                chat_id,
                InputFile(message.document.data, filename=message.document.filename),
                caption=message.text or None,
                reply_markup=message.markup,
            )

    async def _retry(self, item: OutboxItem, delay: timedelta, error: str) -> None:
        log.warning("outbox %s to %s: %s; retrying in %s", item.kind, item.chat_id, error, delay)
        async with self.db.transaction() as repos:
            await repos.outbox.retry_at(item.id, self.clock.now() + delay, error)

    async def _give_up(self, item: OutboxItem, error: str, say: Callable[..., None]) -> None:
        say("outbox %s to %s given up: %s", item.kind, item.chat_id, error)
        async with self.db.transaction() as repos:
            await repos.outbox.give_up(item.id, error, self.clock.now())
            if item.kind == Notice.REPLY:
                await repos.outbox.forget_payload(item.id)

    async def _forbidden(self, item: OutboxItem, error: str) -> None:
        log.info("outbox %s: chat %s refuses messages: %s", item.kind, item.chat_id, error)
        now = self.clock.now()
        told = False
        async with self.db.transaction() as repos:
            if item.user_id is not None and item.user_id == item.chat_id:
                told = await notify.member_unreachable(repos, item.user_id, now)
            await repos.outbox.give_up(item.id, error, now)
            if item.kind == Notice.REPLY:
                await repos.outbox.forget_payload(item.id)
        if told:
            self.kick()

    async def _migrated(self, item: OutboxItem, new_chat_id: int) -> None:
        log.info("group %s is now supergroup %s", item.chat_id, new_chat_id)
        async with self.db.transaction() as repos:
            await repos.teams.move_group(item.chat_id, new_chat_id)
            await repos.groups.migrate(item.chat_id, new_chat_id)
            await repos.outbox.move_chat(item.chat_id, new_chat_id)
            await repos.outbox.retry_at(item.id, self.clock.now(), "migrated")


def _stored_reply(item: OutboxItem) -> list[OutMessage]:
    texts = [str(text) for text in item.payload.get("texts") or []]
    raw = item.payload.get("markup")
    markup = InlineKeyboardMarkup.de_json(raw, None) if isinstance(raw, dict) else None
    return [
        OutMessage(text, markup if index == len(texts) - 1 else None)
        for index, text in enumerate(texts)
    ]


def shown(message: OutMessage) -> str:
    """A hash of what a sent message shows (text and buttons): compared, never read back."""
    markup = json.dumps(message.markup.to_dict(), sort_keys=True) if message.markup else ""
    return hashlib.sha256(f"{message.text}\x00{markup}".encode()).hexdigest()[:32]


async def _remember(
    repos: Repos, item_id: int, part: int, sent: Message, message: OutMessage
) -> None:
    await repos.outbox.add_sent(
        item_id,
        part,
        sent.chat_id,
        sent.message_id,
        is_text=message.document is None,
        shown=shown(message) if message.document is None else None,
    )


def _log_failure(task: asyncio.Task[None]) -> None:
    if task.cancelled():
        return
    error = task.exception()
    if isinstance(error, StorageUnavailable):  # locked or disk full: the next kick tries again
        log.warning("outbox waits: the database cannot be written now (%s)", error)
    elif error is not None:
        log.error("outbox round failed", exc_info=error)
