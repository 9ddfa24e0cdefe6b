"""Doing the work that falls due (reminders, the next meeting of a series...) on time.

The database is the source of truth: ``due_work`` rows are derived from meetings when they
change and again at start-up; nothing lives only in memory. Policy:

* one piece of work is claimed, performed and marked done in **one transaction**: the messages
  it queues in the outbox and its "done" mark commit together, so a crash or restart neither
  loses nor repeats it (the outbox then sends at least once, see :mod:`bot.scheduling.outbox`);
* work that fell due while the bot was down is done at start-up: with a "late" mark if it is
  still useful, skipped with a log line if not (a reminder for a meeting that has started);
* a failure inside the work (a bug) rolls its transaction back; it is then marked failed in a
  transaction of its own and logged, so one bad row cannot block the others.

The runner wakes at the next due moment (read from the database after every round), when a
change adds work, and every ``MAX_SLEEP`` in case the clock was moved (sandbox, tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.domain.meetings import DueOutcome, DueWork
from bot.scheduling.clock import Clock
from bot.storage.db import Database, StorageUnavailable
from bot.storage.repos import Repos

log = logging.getLogger(__name__)

MAX_SLEEP = timedelta(seconds=30)
#: how long due work waits after the database refused a write (locked, disk full)
STORAGE_PAUSE = timedelta(seconds=5)

Perform = Callable[[Repos, DueWork, datetime], Awaitable[DueOutcome]]


class DueWorkRunner:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        perform: Perform,
        after_round: Callable[[], None] = lambda: None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.perform = perform
        #: called after a round that did something (the outbox is kicked here)
        self.after_round = after_round
        self._task: asyncio.Task[None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._again = False
        self._stopped = False

    def kick(self) -> None:
        """Do what is due now (or go round once more if a round is running)."""
        if self._stopped:
            return
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._again = False
        self._task = asyncio.get_running_loop().create_task(self._rounds(), name="due-work")
        self._task.add_done_callback(_log_failure)

    async def settle(self) -> None:
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def stop(self) -> None:
        self._stopped = True
        if self._timer is not None:
            self._timer.cancel()
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _rounds(self) -> None:
        while True:
            try:
                done = await self.run_due()
            except StorageUnavailable as error:  # locked or disk full: again after a pause
                log.warning("due work waits: the database cannot be written now (%s)", error)
                await self._arm_timer(at_least=STORAGE_PAUSE)
                return
            if done:
                self.after_round()
            if not self._again:
                break
            self._again = False
        await self._arm_timer()

    async def run_due(self) -> int:
        """Do every piece of work due by now; returns how many were done or skipped."""
        count = 0
        while await self._run_one():
            count += 1
        return count

    async def _run_one(self) -> bool:
        now = self.clock.now()
        work: DueWork | None = None
        try:
            async with self.db.transaction() as repos:
                work = await repos.due.claim_next(now)
                if work is None:
                    return False
                outcome = await self.perform(repos, work, now)
                await repos.due.mark_done(work.id, outcome, now)
        except StorageUnavailable:
            raise  # rolled back, the work stays due: not a failure of the work
        except Exception:
            if work is None:
                raise
            log.exception("due work %s failed", work.key)
            async with self.db.transaction() as repos:
                await repos.due.mark_done(work.id, DueOutcome.FAILED, now)
            return True
        if outcome is DueOutcome.SKIPPED:
            log.info("due work %s (due %s) skipped", work.key, work.due_at.isoformat())
        elif outcome is DueOutcome.LATE:
            log.warning("due work %s (due %s) done late", work.key, work.due_at.isoformat())
        return True

    async def _arm_timer(self, at_least: timedelta = timedelta()) -> None:
        """Wake at the next due moment (at most MAX_SLEEP ahead, at least ``at_least``: after a
        refused write the work still due must not be retried in a busy loop)."""
        if self._stopped:
            return
        async with self.db.read() as repos:
            next_due = await repos.due.next_due()
        delay = MAX_SLEEP
        if next_due is not None:
            delay = min(max(next_due - self.clock.now(), timedelta()), MAX_SLEEP)
        delay = max(delay, at_least)
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(delay.total_seconds(), self.kick)


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("due-work round failed", exc_info=task.exception())
