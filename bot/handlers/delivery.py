"""Getting an interactive reply to the person: brief retries, then the outbox.

A handler answers after its service call has committed (a report saved, a task taken), so a
reply that Telegram cannot take right now must not turn into "Something went wrong": the
person would try again although everything was done. Instead:

* a transient failure (5xx, a network error or timeout, 429) is retried at once, a few times
  within a few seconds (:data:`REPLY_TRIES`, :data:`REPLY_BUDGET`), honouring a 429's
  ``retry_after`` when it fits in that budget;
* what still cannot go out is queued in the outbox as a message to the same chat (kind
  :attr:`~bot.domain.notices.Notice.REPLY`) and sent later with the outbox's own retries;
* a refusal of the message itself (400) or of the chat (403) is never retried: sending the
  same again would be refused again.

The outbox is reachable only while a guarded handler runs (:func:`deferring_to`); a reply
outside of one (no outbox) raises the error as before.

The application's rate limiter (:class:`RateLimiter`) throttles replies like every call, but
leaves their 429s to the retries here: its own would wait ``retry_after`` up to three times,
however long, while the person waits for an answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextvars import ContextVar
from datetime import timedelta
from typing import Any, Protocol, TypeVar

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, ExtBot

log = logging.getLogger(__name__)

T = TypeVar("T")

#: tries of one interactive call (the first and two retries) ...
REPLY_TRIES = 3
#: ... within about this many seconds; a longer 429 goes to the outbox at once
REPLY_BUDGET = 5.0
#: seconds before the second and the third try
REPLY_BACKOFF = (0.5, 1.5)
#: when the outbox first tries a reply that could not go out (it then backs off on its own)
DEFER_DELAY = timedelta(seconds=5)

#: ``rate_limit_args`` of a call whose 429s the caller retries itself (see :class:`RateLimiter`)
NO_LIMITER_RETRY = -1


class Deferral(Protocol):
    async def defer_reply(
        self,
        chat_id: int,
        texts: list[str],
        markup: InlineKeyboardMarkup | None,
        delay: timedelta,
        *,
        user_id: int | None,
    ) -> None: ...


_DEFERRAL: ContextVar[Deferral | None] = ContextVar("mdtbot_reply_deferral", default=None)


@contextlib.contextmanager
def deferring_to(outbox: Deferral) -> Iterator[None]:
    """While a handler runs: replies that cannot go out are handed to ``outbox``."""
    token = _DEFERRAL.set(outbox)
    try:
        yield
    finally:
        _DEFERRAL.reset(token)


class Undelivered(Exception):
    """A reply that still failed after its retries; ``wait`` is how long Telegram asked for."""

    def __init__(self, error: TelegramError, wait: float = 0.0) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait = wait


def transient(error: BaseException) -> bool:
    """Whether trying the same call again may succeed: 5xx, network errors, timeouts, 429."""
    if isinstance(error, RetryAfter):
        return True
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


def _seconds(wait: timedelta | float) -> float:
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


async def with_retries(call: Callable[[], Awaitable[T]]) -> T:
    """Run one Bot API call of a reply; retry transient failures briefly, then raise
    :class:`Undelivered`. Other errors (400, 403, ...) are raised at once."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    for attempt in range(REPLY_TRIES):
        try:
            return await call()
        except TelegramError as error:
            if not transient(error):
                raise
            last = attempt == REPLY_TRIES - 1
            if isinstance(error, RetryAfter):
                wait = _seconds(error.retry_after)
                if last or loop.time() - start + wait > REPLY_BUDGET:
                    raise Undelivered(error, wait) from error
            else:
                wait = REPLY_BACKOFF[min(attempt, len(REPLY_BACKOFF) - 1)]
                if last or loop.time() - start + wait > REPLY_BUDGET:
                    raise Undelivered(error) from error
            log.info("reply failed (%s), trying again in %.1f s", error, wait)
            await asyncio.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


async def defer(
    chat_id: int,
    texts: list[str],
    markup: InlineKeyboardMarkup | None,
    failure: Undelivered,
    *,
    user_id: int | None,
) -> None:
    """Queue what could not be sent in the outbox; without one (outside a guarded handler)
    the failure is raised as before."""
    outbox = _DEFERRAL.get()
    if outbox is None:
        raise failure.error
    delay = max(DEFER_DELAY, timedelta(seconds=failure.wait))
    log.warning("reply to %s could not be sent (%s): queued in the outbox", chat_id, failure)
    await outbox.defer_reply(chat_id, texts, markup, delay, user_id=user_id)


def rate_limit_args(bot: Bot) -> dict[str, Any]:
    """Keyword arguments of a reply's call: no 429 retries in the rate limiter, if any."""
    if isinstance(bot, ExtBot) and isinstance(bot.rate_limiter, RateLimiter):
        return {"rate_limit_args": NO_LIMITER_RETRY}
    return {}


class _Declined(Exception):
    def __init__(self, error: RetryAfter) -> None:
        super().__init__(str(error))
        self.error = error


class RateLimiter(AIORateLimiter):
    """PTB's limiter; a call with ``rate_limit_args=NO_LIMITER_RETRY`` is throttled like any
    other, but its 429 is raised at once (the caller retries, see :func:`with_retries`)."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if rate_limit_args != NO_LIMITER_RETRY:
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )

        async def once(*a: Any, **kw: Any) -> bool | dict[str, Any] | list[dict[str, Any]]:
            try:
                return await callback(*a, **kw)
            except RetryAfter as error:  # not the limiter's to retry
                raise _Declined(error) from error

        try:
            return await super().process_request(once, args, kwargs, endpoint, data, None)
        except _Declined as declined:
            raise declined.error from None
