"""Webhook mode: Telegram (the emulator) posts updates to PTB's webhook server, which checks the
secret token header and puts each update on ``app.update_queue`` like polling does."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from telegram import Update, WebhookInfo

from bot.app import build_application, on_startup
from bot.config import ConfigError, load_settings
from bot.health import run_checks, webhook_state
from bot.sandbox.emulator import TelegramEmulator
from bot.scheduling.clock import FakeClock
from tests.conftest import BotHarness
from tests.test_e2e import invite_over_http, join_over_http

SECRET = "mdt-Webhook_secret-42"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class WebhookHarness(BotHarness):
    """The bot in this process with PTB's webhook server on loopback; the emulator posts."""

    def __init__(self, *args: Any, port: int, **kwargs: Any) -> None:
        super().__init__(*args, live=True, **kwargs)  # stops like the polling harness
        self.port = port
        self.url = f"http://127.0.0.1:{port}/hook"

    async def start(self) -> None:
        base = await self.emu.start_server()
        app = build_application(self.settings(base), clock=self.clock)
        await app.initialize()
        await on_startup(app)
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=self.port,
            url_path="/hook",
            webhook_url=self.url,
            secret_token=SECRET,
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
        )
        await app.start()
        self.app = app


@pytest.fixture
async def hooked(
    emulator: TelegramEmulator, clock: FakeClock, tmp_path: Path
) -> AsyncIterator[WebhookHarness]:
    emulator.allow_http_webhooks = True
    emulator.webhook_sender.first_retry = 0.05
    emulator.webhook_sender.max_retry = 0.3
    admin = emulator.user("Správce", last_name="Města")
    harness = WebhookHarness(emulator, clock, tmp_path / "mdt.db", admin, port=free_port())
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


def forged_update(sender_id: int, text: str, update_id: int = 900_000_001) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 77,
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": sender_id, "type": "private", "first_name": "Správce"},
            "from": {"id": sender_id, "is_bot": False, "first_name": "Správce"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": text.index(" ")}],
        },
    }


async def post(url: str, body: dict[str, Any], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=json.dumps(body).encode(), headers=headers) as response,
    ):
        return response.status


def team_names(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [row[0] for row in conn.execute("SELECT name FROM teams ORDER BY id")]
    finally:
        conn.close()


def problem_count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM problems").fetchone()[0])
    finally:
        conn.close()


async def report_over_http(person: Any, place: str, team: str | None = None) -> str:
    await person.send("/report")
    if team is not None:
        await person.expect("Kterého týmu se problém týká")
        await person.press(team)
    await person.expect("Jaký je to problém")
    await person.press("návykové látky")
    await person.expect("Kde to je")
    await person.send(place)
    await person.expect("Popište problém")
    await person.send("V průchodu u domu leží použité stříkačky, asi deset kusů.")
    await person.expect("Pošlete fotky")
    await person.press("Přeskočit")
    await person.expect("Jak je to naléhavé")
    await person.press("běžná")
    await person.expect("Zkontrolujte hlášení")
    await person.press("✅ Odeslat")
    return str((await person.expect("uložen jako")).text)


# -- in this process ------------------------------------------------------------------------


async def test_onboarding_and_a_report_over_a_webhook(hooked):
    emu, admin = hooked.emu, hooked.admin
    await admin.send("/newteam Poruba")
    await admin.expect("Tým Poruba byl založen")
    petra = hooked.person("Petra")
    await join_over_http(petra, await invite_over_http(admin, "Koordinátor"), "Petra S.", "ÚMOb")
    jan = hooked.person("Jan")
    await join_over_http(jan, await invite_over_http(petra, "Člen"), "Jan N.", "OO PČR")
    await report_over_http(jan, "Sokolovská 1")
    await petra.expect("#1")  # the coordinator is told
    assert problem_count(hooked.db_path) == 1
    # every update came by the webhook, with the secret, and was confirmed
    assert emu.webhook is not None and emu.webhook.url == hooked.url
    assert emu.webhook.secret_token == SECRET
    statuses = [status for _, status in emu.webhook.attempts]
    assert statuses and set(statuses) == {200}, statuses
    assert emu.pending_updates() == 0
    assert not [c for c in emu.calls if c.method == "getUpdates"]
    refused = [f"{c.method}: {c.error}" for c in emu.calls if not c.ok]
    assert not refused, refused


async def test_a_post_with_a_wrong_or_missing_secret_is_refused_and_not_handled(hooked):
    admin, app = hooked.admin, hooked.app
    assert app is not None
    hooked.emu.mark_started(admin)  # so that the bot could answer, had it taken the update
    sent_before = len(hooked.emu.calls)
    forged = forged_update(admin.id, "/newteam Podvrh")
    assert await post(hooked.url, forged, "wrong-secret") == 403
    assert await post(hooked.url, forged, None) == 403
    assert await post(hooked.url, forged, SECRET.upper()) == 403
    assert app.update_queue.qsize() == 0  # never queued, so never journalled nor handled
    await asyncio.sleep(0.3)
    assert "Podvrh" not in team_names(hooked.db_path)
    assert not [c for c in hooked.emu.calls[sent_before:] if c.method == "sendMessage"]
    # the same update with the right secret is taken: the refusal above was the secret's doing
    assert await post(hooked.url, forged, SECRET) == 200
    await admin.expect("Tým Podvrh byl založen")
    assert "Podvrh" in team_names(hooked.db_path)


async def test_updates_sent_while_the_bot_is_down_arrive_in_order_after_the_restart(hooked):
    admin = hooked.admin
    await admin.send("/newteam")
    await admin.expect("Jak se nový tým jmenuje")
    await hooked.stop()
    # Telegram keeps what people send meanwhile (nobody answers the webhook)
    await admin.send("Slezská Ostrava")
    await admin.send("/teams")
    assert hooked.emu.pending_updates() == 2
    await hooked.start()
    await admin.expect("Tým Slezská Ostrava byl založen")
    await admin.expect("Slezská Ostrava")  # /teams, handled after the name, not before
    assert hooked.emu.pending_updates() == 0


async def test_polling_after_webhook_mode_deletes_the_webhook(hooked, emulator, clock, tmp_path):
    await hooked.admin.send("/newteam Jih")
    await hooked.admin.expect("Tým Jih byl založen")
    await hooked.stop()
    assert emulator.webhook is not None  # a stopped bot leaves it set, as Telegram keeps it
    polling = BotHarness(emulator, clock, hooked.db_path, hooked.admin, live=True)
    await polling.start()
    try:
        assert emulator.webhook is None
        assert [c for c in emulator.calls if c.method == "deleteWebhook"]
        await hooked.admin.send("/teams")
        await hooked.admin.expect("Jih")
    finally:
        await polling.stop()


async def test_check_reports_the_webhook_in_both_modes(hooked, monkeypatch):
    for name in list(os.environ):
        if name.startswith("MDTBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(hooked.db_path.parent)
    monkeypatch.setenv("MDTBOT_TOKEN", hooked.emu.token)
    assert hooked.emu._base_url is not None
    monkeypatch.setenv("MDTBOT_API_URL", hooked.emu._base_url)
    monkeypatch.setenv("MDTBOT_DB", str(hooked.db_path))
    monkeypatch.setenv("MDTBOT_WEBHOOK_SECRET", SECRET)

    def webhook_line(results: list[Any]) -> str:
        (line,) = [r.line() for r in results if r.item == "webhook"]
        return line

    ours = await run_checks(webhook_url=hooked.url)
    assert all(r.ok for r in ours), [r.line() for r in ours]
    assert webhook_line(ours).startswith(f"ok webhook: set to {hooked.url}; 0 updates waiting")
    assert "webhook mode" in ours[0].line()
    other = await run_checks(webhook_url="https://mdt.example.org/telegram")
    assert webhook_line(other).startswith(
        f"FAIL webhook: set to {hooked.url}, expected https://mdt.example.org/telegram"
    )
    polling = await run_checks()  # MDTBOT_WEBHOOK_URL unset: the bot would poll
    assert webhook_line(polling).startswith(f"FAIL webhook: a webhook is set ({hooked.url})")
    monkeypatch.setenv("MDTBOT_WEBHOOK_URL", hooked.url)
    assert webhook_line(await run_checks()).startswith("ok webhook")
    monkeypatch.delenv("MDTBOT_WEBHOOK_SECRET")
    (only,) = await run_checks()
    assert only.line().startswith("FAIL configuration: MDTBOT_WEBHOOK_SECRET: required")


def test_webhook_state_fails_on_recent_delivery_errors_only():
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    url = "https://mdt.example.org/hook"

    def info(**kwargs: Any) -> WebhookInfo:
        values: dict[str, Any] = {"url": url, "has_custom_certificate": False}
        values.update(kwargs)
        values.setdefault("pending_update_count", 0)
        return WebhookInfo(**values)

    assert webhook_state(info(), url, now).ok
    failing = webhook_state(
        info(
            pending_update_count=3,
            last_error_date=now - timedelta(minutes=2),
            last_error_message="Connection refused",
        ),
        url,
        now,
    )
    assert not failing.ok
    assert failing.line() == (
        "FAIL webhook: Telegram cannot deliver: set to https://mdt.example.org/hook; "
        "3 updates waiting; last delivery error 2 min ago: Connection refused"
    )
    old = webhook_state(
        info(last_error_date=now - timedelta(hours=5), last_error_message="Connection refused"),
        url,
        now,
    )
    assert old.ok and "last delivery error 5 h ago" in old.detail
    assert not webhook_state(info(url=""), url, now).ok
    assert "none set, expected" in webhook_state(info(url=""), url, now).detail
    assert webhook_state(info(url=""), None, now).ok
    assert not webhook_state(info(), None, now).ok


def test_webhook_settings_are_checked(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("MDTBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.webhook_url is None
    assert (settings.webhook_listen, settings.webhook_port) == ("127.0.0.1", 8443)
    monkeypatch.setenv("MDTBOT_WEBHOOK_URL", "https://mdt.example.org/telegram/hook")
    with pytest.raises(ConfigError, match=r"^MDTBOT_WEBHOOK_SECRET: required in webhook mode"):
        load_settings()
    monkeypatch.setenv("MDTBOT_WEBHOOK_SECRET", "a b")
    with pytest.raises(ConfigError, match=r"^MDTBOT_WEBHOOK_SECRET: must be 1–256 characters"):
        load_settings()
    monkeypatch.setenv("MDTBOT_WEBHOOK_SECRET", "x" * 257)
    with pytest.raises(ConfigError, match="MDTBOT_WEBHOOK_SECRET"):
        load_settings()
    monkeypatch.setenv("MDTBOT_WEBHOOK_SECRET", "A-z_09" * 40)
    settings = load_settings()
    assert settings.webhook_listen_path == "/telegram/hook"  # the public URL's path
    monkeypatch.setenv("MDTBOT_WEBHOOK_PATH", "hook")
    monkeypatch.setenv("MDTBOT_WEBHOOK_LISTEN", "0.0.0.0")
    monkeypatch.setenv("MDTBOT_WEBHOOK_PORT", "9000")
    settings = load_settings()
    assert (settings.webhook_listen_path, settings.webhook_port) == ("/hook", 9000)
    monkeypatch.setenv("MDTBOT_WEBHOOK_PORT", "70000")
    with pytest.raises(ConfigError, match="MDTBOT_WEBHOOK_PORT"):
        load_settings()
    monkeypatch.delenv("MDTBOT_WEBHOOK_PORT")
    for bad in ("mdt.example.org/hook", "ftp://mdt.example.org/hook", "https://", "https://a b"):
        monkeypatch.setenv("MDTBOT_WEBHOOK_URL", bad)
        with pytest.raises(ConfigError, match=r"^MDTBOT_WEBHOOK_URL: .* is not a webhook URL"):
            load_settings()
    assert load_settings(webhook_url=None).webhook_url is None  # `run --polling`
    monkeypatch.setenv("MDTBOT_WEBHOOK_URL", "")
    assert load_settings().webhook_url is None


# -- `mdtbot run --webhook` as its own process -----------------------------------------------


def _env(emulator: TelegramEmulator, base: str, db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MDTBOT_")}
    env.update(
        MDTBOT_TOKEN=emulator.token,
        MDTBOT_API_URL=base,
        MDTBOT_DB=str(db),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


async def _start(env: dict[str, str], cwd: Path, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _stop(
    process: asyncio.subprocess.Process, *, signal_it: bool = True
) -> tuple[int, str, str]:
    if signal_it and process.returncode is None:
        process.send_signal(signal.SIGTERM)
    out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@pytest.fixture
async def http_emulator() -> AsyncIterator[tuple[TelegramEmulator, str]]:
    emulator = TelegramEmulator(allow_http_webhooks=True)
    emulator.webhook_sender.first_retry = 0.1
    emulator.webhook_sender.max_retry = 0.5
    base = await emulator.start_server()
    try:
        yield emulator, base
    finally:
        await emulator.stop_server()


@pytest.mark.timeout_sensitive
async def test_mdtbot_run_webhook_process_against_the_emulator(http_emulator, tmp_path):
    emulator, base = http_emulator
    admin = emulator.user("Správce")
    port = free_port()
    url = f"http://127.0.0.1:{port}/mdt/hook"
    db = tmp_path / "run.db"
    env = _env(
        emulator,
        base,
        db,
        MDTBOT_ADMINS=str(admin.id),
        MDTBOT_WEBHOOK_SECRET=SECRET,
        MDTBOT_WEBHOOK_PORT=str(port),
    )
    process = await _start(env, tmp_path, "run", "--webhook", url)
    try:
        await admin.send("/newteam Kunčičky")
        await admin.expect("Tým Kunčičky byl založen", timeout=30)
        assert emulator.webhook is not None and emulator.webhook.url == url
        olga = emulator.user("Olga")
        await join_over_http(olga, await invite_over_http(admin, "Koordinátor"), "Olga K.", "MP")
        await admin.expect("Nový člen týmu Kunčičky: Olga K.")
        jan = emulator.user("Jan")
        await join_over_http(jan, await invite_over_http(olga, "Člen"), "Jan D.", "OO PČR")
        saved = await report_over_http(jan, "Holvekova 12")
        assert "#1" in saved
        await olga.expect("#1")
        assert problem_count(db) == 1
        # a forged request is refused and changes nothing
        before = len(emulator.calls)
        forged = forged_update(admin.id, "/newteam Podvrh")
        assert await post(url, forged, "not-the-secret") == 403
        assert await post(url, forged, None) == 403
        await asyncio.sleep(0.5)
        assert "Podvrh" not in team_names(db)
        assert not [c for c in emulator.calls[before:] if c.method == "sendMessage"]
        assert emulator.pending_updates() == 0
        assert {status for _, status in emulator.webhook.attempts} <= {200, 0}
        refused = [f"{c.method}: {c.error}" for c in emulator.calls if not c.ok]
        assert not refused, refused
    finally:
        code, out, err = await _stop(process)
    assert code == 0, err
    assert "Traceback" not in err, err
    assert "mdtbot started" in err and f"webhook {url}" in err
    assert SECRET not in err + out and emulator.token.split(":")[1] not in err + out
    assert emulator.webhook is not None  # a stop leaves the webhook set: Telegram keeps updates

    # back to polling: `mdtbot run` deletes the webhook and answers
    polling = await _start(_env(emulator, base, db, MDTBOT_ADMINS=str(admin.id)), tmp_path, "run")
    try:
        await admin.send("/teams")
        await admin.expect("Kunčičky", timeout=30)
        assert emulator.webhook is None
    finally:
        code, _, err = await _stop(polling)
    assert code == 0 and "Traceback" not in err, err


@pytest.mark.timeout_sensitive
async def test_webhook_configuration_errors_are_one_line_and_exit_code_2(http_emulator, tmp_path):
    emulator, base = http_emulator
    db = tmp_path / "run.db"
    cases = [
        ({}, "https://mdt.example.org/hook", "MDTBOT_WEBHOOK_SECRET: required in webhook mode"),
        ({"MDTBOT_WEBHOOK_SECRET": "with spaces"}, "https://mdt.example.org/hook", "1–256"),
        ({"MDTBOT_WEBHOOK_SECRET": SECRET}, "mdt.example.org/hook", "is not a webhook URL"),
    ]
    for extra, url, expected in cases:
        process = await _start(_env(emulator, base, db, **extra), tmp_path, "run", "--webhook", url)
        code, out, err = await _stop(process, signal_it=False)
        assert code == 2, err
        assert err.count("\n") == 1 and err.startswith("mdtbot: invalid configuration: "), err
        assert expected in err, err
        assert not out
    assert not db.exists()  # nothing started


@pytest.mark.timeout_sensitive
async def test_a_webhook_telegram_refuses_or_a_busy_port_stop_with_one_line(tmp_path):
    emulator = TelegramEmulator()  # HTTPS only, as Telegram
    base = await emulator.start_server()
    try:
        env = _env(
            emulator,
            base,
            tmp_path / "run.db",
            MDTBOT_WEBHOOK_SECRET=SECRET,
            MDTBOT_WEBHOOK_PORT=str(free_port()),
        )
        process = await _start(env, tmp_path, "run", "--webhook", "http://127.0.0.1:8443/hook")
        code, _, err = await _stop(process, signal_it=False)
        assert code == 2, err
        lines = [line for line in err.splitlines() if line.startswith("mdtbot:")]
        assert lines == [
            "mdtbot: the Bot API refused the webhook http://127.0.0.1:8443/hook: "
            "Bad webhook: an https url must be provided for webhook"
        ], err
        assert "Traceback" not in err
        # the port is taken
        emulator.allow_http_webhooks = True
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            env["MDTBOT_WEBHOOK_PORT"] = str(port)
            url = f"http://127.0.0.1:{port}/hook"
            process = await _start(env, tmp_path, "run", "--webhook", url)
            code, _, err = await _stop(process, signal_it=False)
        assert code == 1, err
        assert "Traceback" not in err, err
        (line,) = [line for line in err.splitlines() if line.startswith("mdtbot:")]
        assert line.startswith(f"mdtbot: the webhook server cannot listen on 127.0.0.1:{port}")
    finally:
        await emulator.stop_server()


@pytest.mark.timeout_sensitive
async def test_sigterm_in_webhook_mode_right_after_start_is_quiet(http_emulator, tmp_path):
    emulator, base = http_emulator
    port = free_port()
    env = _env(
        emulator,
        base,
        tmp_path / "run.db",
        MDTBOT_WEBHOOK_SECRET=SECRET,
        MDTBOT_WEBHOOK_PORT=str(port),
        MDTBOT_WEBHOOK_URL=f"http://127.0.0.1:{port}/hook",
    )
    process = await _start(env, tmp_path, "run")
    assert process.stderr is not None
    seen = ""
    while "Migrating database" not in seen:
        line = await asyncio.wait_for(process.stderr.readline(), 30)
        assert line, seen
        seen += line.decode()
    code, _, err = await _stop(process)  # stopped while starting
    assert code == 0, seen + err
    assert "Traceback" not in seen + err
    again = await _start(env, tmp_path, "run")
    assert again.stderr is not None
    seen = ""
    while "Application started" not in seen:
        line = await asyncio.wait_for(again.stderr.readline(), 30)
        assert line, seen
        seen += line.decode()
    code, _, err = await _stop(again)
    assert code == 0, seen + err
    assert "Traceback" not in seen + err


@pytest.mark.timeout_sensitive
async def test_webhook_mode_refuses_a_bad_token_and_a_held_lease_like_polling(
    http_emulator, tmp_path
):
    emulator, base = http_emulator
    db = tmp_path / "run.db"
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    env = _env(emulator, base, db, MDTBOT_WEBHOOK_SECRET=SECRET, MDTBOT_WEBHOOK_PORT=str(port))
    wrong = dict(env, MDTBOT_TOKEN=emulator.token.split(":")[0] + ":wrong-token")
    code, _, err = await _stop(
        await _start(wrong, tmp_path, "run", "--webhook", url), signal_it=False
    )
    assert code == 2 and "Traceback" not in err, err
    assert "mdtbot: the Bot API refused MDTBOT_TOKEN" in err
    assert emulator.webhook is None
    first = await _start(env, tmp_path, "run", "--webhook", url)
    try:
        await emulator.user("Správce").send("/start")
        await emulator.user("Správce").expect(timeout=30)  # the first one runs
        # a second instance on the same database refuses before it touches the webhook
        other = f"http://127.0.0.1:{free_port()}/hook"
        second_env = dict(env, MDTBOT_WEBHOOK_PORT=other.rsplit(":", 1)[1].split("/")[0])
        code, _, err = await _stop(
            await _start(second_env, tmp_path, "run", "--webhook", other), signal_it=False
        )
        assert code == 1 and "Traceback" not in err, err
        assert "mdtbot: not started: another mdtbot instance is running" in err
        assert emulator.webhook is not None and emulator.webhook.url == url
    finally:
        code, _, err = await _stop(first)
    assert code == 0 and "Traceback" not in err, err
