"""Webhook delivery for the emulator, as Telegram does it.

While a webhook is set, every pending update is POSTed as JSON to its URL, one at a time and in
order, with the ``X-Telegram-Bot-Api-Secret-Token`` header when ``setWebhook`` was given a
secret token. An update counts as delivered only when the answer is HTTP 2xx; otherwise
(refused, unreachable, too slow) it stays first in line and is tried again later, with a
growing pause, and the failure is what ``getWebhookInfo`` reports as the last error. Updates
wait in the same queue ``getUpdates`` reads, so a webhook deleted with updates still undelivered
leaves them for polling, as on Telegram.

The emulator posts only to loopback addresses: a test never reaches another machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]

#: ports Telegram posts webhooks to
TELEGRAM_PORTS = frozenset({80, 88, 443, 8443})
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class WebhookRefused(ValueError):
    """``setWebhook`` parameters Telegram would refuse; the message is Telegram's reason."""


@dataclass
class Webhook:
    """What ``setWebhook`` set, and how delivery is going (for ``getWebhookInfo``)."""

    url: str
    secret_token: str | None = None
    allowed_updates: list[str] | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None
    #: delivery attempts that failed in a row (the pause before the next one grows with them)
    failures: int = 0
    #: the latest delivery attempts: (update_id, HTTP status or 0 when there was no answer)
    attempts: deque[tuple[int, int]] = field(default_factory=lambda: deque(maxlen=10_000))

    def info(self) -> JSONDict:
        info: JSONDict = {"url": self.url, "max_connections": self.max_connections}
        if self.allowed_updates:
            info["allowed_updates"] = self.allowed_updates
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info


def checked_webhook(params: JSONDict, *, allow_http: bool) -> Webhook:
    """A :class:`Webhook` from ``setWebhook`` parameters, or :class:`WebhookRefused`."""
    url = str(params.get("url") or "")
    parts = urlsplit(url)
    if parts.scheme != "https" and not (allow_http and parts.scheme == "http"):
        raise WebhookRefused("bad webhook: An HTTPS URL must be provided for webhook")
    if not parts.hostname:
        raise WebhookRefused("bad webhook: Failed to resolve host: Name or service not known")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise WebhookRefused("bad webhook: Wrong port number specified in the URL") from exc
    if not allow_http and port not in TELEGRAM_PORTS:
        raise WebhookRefused("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    secret = params.get("secret_token")
    if secret is not None and secret != "":
        if not SECRET_TOKEN_RE.match(str(secret)):
            raise WebhookRefused("secret token contains unallowed characters")
    else:
        secret = None
    allowed = params.get("allowed_updates")
    connections = params.get("max_connections")
    return Webhook(
        url=url,
        secret_token=secret,
        allowed_updates=[str(a) for a in allowed] if isinstance(allowed, list) else None,
        max_connections=int(connections) if connections else 40,
    )


class WebhookSender:
    """Posts pending updates to the webhook until it is deleted or the sender is stopped.

    ``next_update`` gives the first pending update (None when there is none), ``delivered``
    removes a confirmed one, ``wait_for_update`` waits (at most the given seconds) for a new
    one, ``now`` is the emulator's time as a Unix timestamp.
    """

    def __init__(
        self,
        webhook: Callable[[], Webhook | None],
        next_update: Callable[[], JSONDict | None],
        delivered: Callable[[int], None],
        wait_for_update: Callable[[float], Any],
        now: Callable[[], int],
        *,
        timeout: float = 10.0,
        first_retry: float = 0.2,
        max_retry: float = 5.0,
    ) -> None:
        self._webhook = webhook
        self._next_update = next_update
        self._delivered = delivered
        self._wait_for_update = wait_for_update
        self._now = now
        self.timeout = timeout
        self.first_retry = first_retry
        self.max_retry = max_retry
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Start delivering (if a loop runs and the sender is not already at it)."""
        if self.running:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._task = loop.create_task(self._run(), name="emulator-webhook")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    def cancel(self) -> None:
        """Stop without waiting (from inside an API call)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()

    def delay(self, failures: int) -> float:
        """The pause after ``failures`` failed attempts in a row."""
        return float(min(self.max_retry, self.first_retry * 2 ** max(failures - 1, 0)))

    async def _run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            # stopped: asyncio.wait_for (3.11) can swallow a cancellation that meets a wake-up
            while self._task is asyncio.current_task():
                hook = self._webhook()
                if hook is None:
                    return
                update = self._next_update()
                if update is None:
                    await self._wait_for_update(30)
                    continue
                status, error = await self._post(session, hook, update)
                hook.attempts.append((update["update_id"], status))
                if error is None:
                    hook.failures = 0
                    self._delivered(update["update_id"])
                    continue
                hook.failures += 1
                hook.last_error_date = self._now()
                hook.last_error_message = error
                log.debug("webhook delivery of update %s failed: %s", update["update_id"], error)
                await asyncio.sleep(self.delay(hook.failures))

    async def _post(
        self, session: aiohttp.ClientSession, hook: Webhook, update: JSONDict
    ) -> tuple[int, str | None]:
        """(HTTP status or 0, None when delivered or Telegram's words for the failure)."""
        host = urlsplit(hook.url).hostname or ""
        if host not in LOOPBACK:
            return 0, "Failed to resolve host: the emulator posts only to loopback addresses"
        headers = {"Content-Type": "application/json"}
        if hook.secret_token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        body = json.dumps(update).encode()
        try:
            async with session.post(hook.url, data=body, headers=headers) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return response.status, None
                return (
                    response.status,
                    f"Wrong response from the webhook: {response.status} {response.reason}",
                )
        except TimeoutError:
            return 0, "Read timeout expired"
        except aiohttp.ClientConnectorError:
            return 0, "Connection refused"
        except aiohttp.ClientError as error:
            return 0, f"Connection error: {type(error).__name__}"
