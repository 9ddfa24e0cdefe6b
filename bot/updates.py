"""The update journal: no update Telegram gave the bot is lost when the process dies.

Telegram forgets an update once the bot acknowledges it (polling: the next ``getUpdates`` asks
for later ones; webhook: the answer 200). Each update is therefore stored in SQLite *before*
that, handled from the application's queue, and marked handled afterwards:

* polling: :class:`JournalRequest` stores every batch ``getUpdates`` returns, in one
  transaction, before python-telegram-bot sees it (and so before the next ``getUpdates``
  acknowledges it);
* webhook (and anything else putting updates on the queue): :class:`JournalQueue` stores the
  update before ``put`` returns, which is before the webhook answers;
* :class:`JournalProcessor` marks the update handled in the same transaction as the handler's
  first write (a commit hook of :class:`~bot.storage.db.Database`), so that an action is never
  done twice: a crash after its commit does not hand the update over again. An update that
  wrote nothing (a list, a detail) is marked shortly after, with the next write;
* on start, :meth:`UpdateJournal.replay` puts the updates received and not handled back on the
  queue, before polling brings new ones; an update that comes again from Telegram, or was
  handled already, is recognised by its id (and a button press by its query id) and dropped.

Marking an update handled removes what it said (personal data) and keeps its id for
:data:`KEEP_HANDLED`. An update whose handling took the process down :data:`MAX_ATTEMPTS`
times is given up with an error log, so that one update cannot keep the bot from starting.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import aiosqlite
from telegram import Bot, Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.error import NetworkError
from telegram.ext import SimpleUpdateProcessor
from telegram.request import BaseRequest, RequestData

from bot.scheduling.clock import Clock
from bot.storage.db import Database, StorageUnavailable
from bot.storage.journal import Fetched, JournalRepo

log = logging.getLogger(__name__)

#: how long the id of a handled update is kept to recognise a delivery again
KEEP_HANDLED = timedelta(days=2)
#: starts that may try an update again before it is given up
MAX_ATTEMPTS = 3
#: an update that wrote nothing is marked handled this long after, with what else is written
MARK_DELAY = 0.5
#: ids of updates queued in this run, remembered to drop a delivery again
_REMEMBERED = 10_000


@dataclass
class _Handling:
    """The update the current task is handling, and whether a commit marked it already."""

    update_id: int
    task: asyncio.Task[Any] | None
    marked: bool = False


@dataclass
class _Inflight:
    ids: list[int] = field(default_factory=list)
    handling: _Handling | None = None


_CURRENT: ContextVar[_Handling | None] = ContextVar("mdtbot_update", default=None)


def _fetched(raw: dict[str, Any]) -> Fetched:
    query = raw.get("callback_query")
    query_id = str(query["id"]) if isinstance(query, dict) and "id" in query else None
    return Fetched(int(raw["update_id"]), query_id, raw)


class UpdateJournal:
    """Stores updates before they are acknowledged; see the module's description."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        #: stored during this run and not queued yet → whether to drop it when it is put
        self._stored: dict[int, bool] = {}
        self._queued: OrderedDict[int, None] = OrderedDict()
        self._to_mark: set[int] = set()
        self._inflight = _Inflight()
        self._flush: asyncio.TimerHandle | None = None
        self._flushing: asyncio.Task[None] | None = None
        db.commit_hook = self

    # --- receiving -------------------------------------------------------------------------

    async def store(self, raw_updates: Iterable[dict[str, Any]]) -> None:
        """Store a fetched batch in one transaction (before it is acknowledged)."""
        fetched = [_fetched(raw) for raw in raw_updates]
        if not fetched:
            return
        try:
            async with self.db.raw_transaction() as conn:
                drop = await JournalRepo(conn).record(fetched, self.clock.now())
        except StorageUnavailable as error:
            # the disk is full or the file locked: the updates are handled all the same (what
            # they would save is refused with "cannot save now", a list or a detail is shown),
            # only not kept for after a crash
            log.warning("%d updates handled without the journal: %s", len(fetched), error)
            drop = set()
        for update in fetched:
            self._stored[update.update_id] = update.update_id in drop

    async def admit(self, update: Update) -> bool:
        """Whether ``update`` is to be handled: stored (now, if it was not) and neither handled
        nor queued before."""
        update_id = update.update_id
        drop = self._stored.pop(update_id, None)
        if update_id in self._queued:
            log.info("update %d delivered again: dropped", update_id)
            return False
        if drop is None:  # not fetched by polling: a webhook's, stored before it is answered
            await self.store([update.to_dict()])
            drop = self._stored.pop(update_id)
        if drop:
            log.info("update %d handled before: dropped", update_id)
            return False
        self._queued[update_id] = None
        while len(self._queued) > _REMEMBERED:
            self._queued.popitem(last=False)
        return True

    async def replay(self, queue: asyncio.Queue[object], bot: Bot) -> int:
        """Put what was received and not handled before the last stop on ``queue``; returns
        how many. Counts an attempt for each, and gives up one that had its attempts."""
        async with self.db.raw_transaction() as conn:
            repo = JournalRepo(conn)
            pending = await repo.pending()
            given_up = [p.update_id for p in pending if p.attempts >= MAX_ATTEMPTS]
            again = [p for p in pending if p.attempts < MAX_ATTEMPTS]
            await repo.mark_handled(given_up, self.clock.now())
            await repo.count_attempt(p.update_id for p in again)
        for update_id in given_up:
            log.error("update %d given up after %d attempts", update_id, MAX_ATTEMPTS)
        for entry in again:
            self._stored[entry.update_id] = False  # stored, to be handled
            await queue.put(Update.de_json(entry.raw, bot))
        if again:
            log.info("%d updates received before the last stop are handled now", len(again))
        return len(again)

    async def prune(self) -> int:
        async with self.db.raw_transaction() as conn:
            return await JournalRepo(conn).prune(self.clock.now() - KEEP_HANDLED)

    # --- handling --------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def handling(self, update: Update) -> AsyncIterator[None]:
        """Around the handling of ``update``: the first write marks it handled; if nothing was
        written, it is marked shortly after."""
        current = _Handling(update.update_id, asyncio.current_task())
        token = _CURRENT.set(current)
        try:
            yield
        finally:
            _CURRENT.reset(token)
            if not current.marked:
                self._to_mark.add(update.update_id)
                self._schedule_flush()

    def _schedule_flush(self) -> None:
        if self._flush is not None or (self._flushing and not self._flushing.done()):
            return
        loop = asyncio.get_running_loop()
        self._flush = loop.call_later(MARK_DELAY, self._start_flush)

    def _start_flush(self) -> None:
        self._flush = None
        if self._to_mark:
            self._flushing = asyncio.get_running_loop().create_task(
                self.flush(), name="journal-marks"
            )

    async def flush(self) -> None:
        """Write the marks waiting for a transaction (in one of their own)."""
        if not self._to_mark or not self.db.is_open:
            return
        try:
            async with self.db.raw_transaction():
                pass  # the commit hook writes the marks
        except StorageUnavailable as error:  # the next write takes them along
            log.warning("handled updates not marked yet: %s", error)

    async def close(self) -> None:
        """Before the database closes: write the marks still waiting."""
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        if self._flushing is not None:
            with contextlib.suppress(Exception):
                await self._flushing
        await self.flush()

    # --- the commit hook (Database.commit_hook) ------------------------------------------

    async def before_commit(self, conn: aiosqlite.Connection) -> None:
        current = _CURRENT.get()
        if current is not None and (current.marked or current.task is not asyncio.current_task()):
            current = None  # marked already, or a task the handler started (e.g. the outbox)
        ids = list(self._to_mark)
        if current is not None:
            ids.append(current.update_id)
        self._inflight = _Inflight(ids, current)
        if ids:
            await JournalRepo(conn).mark_handled(ids, self.clock.now())

    def committed(self) -> None:
        inflight, self._inflight = self._inflight, _Inflight()
        self._to_mark.difference_update(inflight.ids)
        if inflight.handling is not None:
            inflight.handling.marked = True

    def rolled_back(self) -> None:
        self._inflight = _Inflight()


class JournalQueue(asyncio.Queue[object]):
    """The application's update queue: an update is stored before ``put`` returns, and one
    handled or queued before is dropped."""

    def __init__(self, journal: UpdateJournal) -> None:
        super().__init__()
        self.journal = journal

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and not await self.journal.admit(item):
            return
        await super().put(item)


class JournalProcessor(SimpleUpdateProcessor):
    """Handles one update after another (as python-telegram-bot does by default) and marks
    each handled (see :meth:`UpdateJournal.handling`)."""

    def __init__(self, journal: UpdateJournal) -> None:
        super().__init__(max_concurrent_updates=1)
        self.journal = journal

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update):
            await coroutine
            return
        async with self.journal.handling(update):
            await coroutine


class JournalRequest(BaseRequest):
    """The transport of ``getUpdates``: stores each batch in the journal before handing it on
    (and so before the next ``getUpdates`` acknowledges it)."""

    def __init__(self, inner: BaseRequest, journal: UpdateJournal) -> None:
        self.inner = inner
        self.journal = journal

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        code, payload = await self.inner.do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        if code == 200 and url.rsplit("/", 1)[-1].lower() == "getupdates":
            updates = _updates_of(payload)
            if updates:
                try:
                    await self.journal.store(updates)
                except RuntimeError as error:  # the database closed meanwhile (stopping)
                    raise NetworkError(f"updates cannot be stored now: {error}") from error
        return code, payload


def _updates_of(payload: bytes) -> list[dict[str, Any]]:
    try:
        body = json.loads(payload)
    except ValueError:
        return []  # python-telegram-bot reports the invalid answer itself
    result = body.get("result") if isinstance(body, dict) and body.get("ok") else None
    if not isinstance(result, list):
        return []
    return [u for u in result if isinstance(u, dict) and isinstance(u.get("update_id"), int)]
