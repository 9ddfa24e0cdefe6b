"""The emulator delivers updates to a set webhook the way Telegram does."""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import BadRequest, Conflict

from bot.sandbox.emulator import TelegramEmulator

SECRET = "Sekret_123-abc"


class Receiver:
    """A webhook endpoint on loopback: records every POST, answers from a script."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.answers: list[int] = []  # statuses to answer with, in order; then 200
        self.delay = 0.0
        self.runner: web.AppRunner | None = None
        self.url = ""
        self.port = 0

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append((dict(request.headers), body))
        if self.delay:
            await asyncio.sleep(self.delay)
        status = self.answers.pop(0) if self.answers else 200
        return web.Response(status=status)

    async def start(self, port: int = 0) -> None:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self.runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", port)
        await site.start()
        self.port = self.runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{self.port}/hook"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None

    def texts(self) -> list[str]:
        return [body["message"]["text"] for _, body in self.requests if "message" in body]


@pytest.fixture
async def served() -> AsyncIterator[tuple[TelegramEmulator, Bot]]:
    emu = TelegramEmulator(allow_http_webhooks=True)
    emu.webhook_sender.first_retry = 0.05
    emu.webhook_sender.max_retry = 0.2
    base = await emu.start_server()
    async with Bot(emu.token, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot") as bot:
        try:
            yield emu, bot
        finally:
            await emu.stop_server()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()
    await found.start()
    try:
        yield found
    finally:
        await found.stop()


async def until(condition: Any, within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


async def test_updates_are_posted_with_the_secret_and_confirmed_by_2xx(served, receiver):
    emu, bot = served
    alice = emu.user("Alice")
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    await alice.send("první")
    await alice.send("druhá")
    await until(lambda: len(receiver.requests) == 2)
    assert receiver.texts() == ["první", "druhá"]
    headers, body = receiver.requests[0]
    assert headers["X-Telegram-Bot-Api-Secret-Token"] == SECRET
    assert headers["Content-Type"] == "application/json"
    assert body["update_id"] + 1 == receiver.requests[1][1]["update_id"]
    await until(lambda: emu.pending_updates() == 0)
    info = await bot.get_webhook_info()
    assert info.url == receiver.url and info.pending_update_count == 0
    assert info.last_error_message is None
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()


async def test_without_a_secret_token_no_header_is_sent(served, receiver):
    emu, bot = served
    await bot.set_webhook(receiver.url)
    await emu.user("Alice").send("ahoj")
    await until(lambda: len(receiver.requests) == 1)
    assert "X-Telegram-Bot-Api-Secret-Token" not in receiver.requests[0][0]


async def test_a_refused_update_is_retried_in_order_with_a_growing_pause(served, receiver):
    emu, bot = served
    alice = emu.user("Alice")
    receiver.answers = [403, 500, 502]  # the first update is refused three times
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    await alice.send("jedna")
    await alice.send("dvě")
    await until(lambda: len(receiver.requests) == 5)
    # the first is tried until it is confirmed; the second only after it
    assert receiver.texts() == ["jedna", "jedna", "jedna", "jedna", "dvě"]
    await until(lambda: emu.pending_updates() == 0)
    assert emu.webhook is not None
    assert [status for _, status in emu.webhook.attempts] == [403, 500, 502, 200, 200]
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 502 Bad Gateway"
    assert info.last_error_date is not None
    sender = emu.webhook_sender
    assert sender.delay(1) < sender.delay(2) < sender.delay(3) <= sender.max_retry


async def test_an_unreachable_webhook_keeps_the_updates_until_it_answers(served):
    emu, bot = served
    alice = emu.user("Alice")
    receiver = Receiver()
    await receiver.start()
    port, url = receiver.port, receiver.url
    await receiver.stop()  # nobody listens there now
    await bot.set_webhook(url, secret_token=SECRET)
    await alice.send("nikdo neposlouchá")
    await until(lambda: emu.webhook is not None and len(emu.webhook.attempts) >= 2)
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 1
    assert info.last_error_message == "Connection refused"
    await alice.send("pořád nikdo")
    await receiver.start(port)  # back: both arrive, in order
    try:
        await until(lambda: len(receiver.requests) == 2)
        assert receiver.texts() == ["nikdo neposlouchá", "pořád nikdo"]
        await until(lambda: emu.pending_updates() == 0)
    finally:
        await receiver.stop()


async def test_a_slow_webhook_times_out_and_the_update_comes_again(served, receiver):
    emu, bot = served
    emu.webhook_sender.timeout = 0.2
    receiver.delay = 0.5
    await bot.set_webhook(receiver.url)
    await emu.user("Alice").send("pomalu")
    await until(lambda: len(receiver.requests) >= 2)
    assert set(receiver.texts()) == {"pomalu"}
    assert emu.pending_updates() == 1  # never confirmed in time
    assert (await bot.get_webhook_info()).last_error_message == "Read timeout expired"
    receiver.delay = 0
    await until(lambda: emu.pending_updates() == 0)


async def test_deleting_the_webhook_leaves_undelivered_updates_for_get_updates(served):
    emu, bot = served
    await bot.set_webhook("http://127.0.0.1:9/hook")  # discard port: nothing answers
    await emu.user("Alice").send("čeká")
    await until(lambda: emu.webhook is not None and len(emu.webhook.attempts) >= 1)
    await bot.delete_webhook()
    assert not emu.webhook_sender.running
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["čeká"]


async def test_set_webhook_is_refused_as_telegram_refuses_it():
    emu = TelegramEmulator()  # like Telegram: HTTPS only, on its four ports
    async with Bot(emu.token, base_url=f"{await emu.start_server()}/bot") as bot:
        try:
            with pytest.raises(BadRequest, match=r"(?i)https url must be provided"):
                await bot.set_webhook("http://127.0.0.1:8443/hook")
            with pytest.raises(BadRequest, match=r"(?i)ports 80, 88, 443 or 8443"):
                await bot.set_webhook("https://bot.example.org:9999/hook")
            with pytest.raises(BadRequest, match=r"(?i)secret token contains unallowed characters"):
                await bot.set_webhook("https://bot.example.org/hook", secret_token="no spaces")
            with pytest.raises(BadRequest, match=r"(?i)unallowed characters"):
                await bot.set_webhook("https://bot.example.org/hook", secret_token="x" * 257)
            assert (await bot.get_webhook_info()).url == ""
            assert await bot.set_webhook("https://bot.example.org:8443/hook", secret_token="ok")
            await emu.user("Alice").send("ven ne")
            # a host other than loopback is never contacted: the emulator reports it cannot
            await until(lambda: emu.webhook is not None and emu.webhook.attempts)
            info = await bot.get_webhook_info()
            assert info.pending_update_count == 1
            assert "loopback" in (info.last_error_message or "")
        finally:
            await emu.stop_server()


async def test_a_long_poll_in_progress_ends_when_a_webhook_is_set(served, receiver):
    _, bot = served
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    await bot.set_webhook(receiver.url)
    with pytest.raises(Conflict, match="setWebhook"):
        await asyncio.wait_for(poll, 3)
