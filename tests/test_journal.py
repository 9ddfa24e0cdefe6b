"""The update journal: an update is stored before it is acknowledged, handled once, and its
text removed once handled (bot.updates)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.storage.db import StorageUnavailable
from bot.updates import MAX_ATTEMPTS


def journal_rows(db_path: Path) -> list[sqlite3.Row]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return list(conn.execute("SELECT * FROM update_journal ORDER BY update_id"))
    finally:
        conn.close()


def teams_named(db_path: Path, name: str) -> int:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM teams WHERE name = ?", (name,)).fetchone()[0])
    finally:
        conn.close()


def fetch_and_acknowledge(emulator: Any) -> dict[str, Any]:
    """What a bot that died right after storing an update leaves behind: Telegram has
    forgotten the update (acknowledged), only the journal holds it."""
    raw: dict[str, Any] = emulator._updates.popleft()
    return raw


def store_unhandled(db_path: Path, raw: dict[str, Any], attempts: int = 0) -> None:
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(
            "INSERT INTO update_journal (update_id, payload, received_at, attempts) "
            "VALUES (?, ?, '2026-11-24T08:00:00+00:00', ?)",
            (raw["update_id"], json.dumps(raw), attempts),
        )
    conn.close()


async def settle(harness: Any, until: Any) -> None:
    async with asyncio.timeout(10):
        while not until():  # noqa: ASYNC110 (polls the database file, no event to wait on)
            await asyncio.sleep(0.05)


async def test_handled_update_keeps_only_its_id(live_bot):
    admin = live_bot.admin
    await admin.send("/newteam Poruba")
    await admin.expect("Tým Poruba byl založen")
    await settle(live_bot, lambda: all(r["handled_at"] for r in journal_rows(live_bot.db_path)))
    rows = journal_rows(live_bot.db_path)
    assert rows, "the update was never stored"
    assert all(row["payload"] is None for row in rows), "a handled update keeps its text"


async def test_update_stored_and_acknowledged_before_a_crash_is_handled_after_restart(live_bot):
    admin = live_bot.admin
    await admin.send("/start")
    await admin.expect()
    await live_bot.stop()
    await admin.send("/newteam Hrabůvka")  # fetched, stored, acknowledged ... and the bot died
    raw = fetch_and_acknowledge(live_bot.emu)
    store_unhandled(live_bot.db_path, raw)
    assert live_bot.emu.pending_updates() == 0  # Telegram will not deliver it again
    await live_bot.start()
    await admin.expect("Tým Hrabůvka byl založen", timeout=10)
    assert teams_named(live_bot.db_path, "Hrabůvka") == 1
    await settle(
        live_bot,
        lambda: all(r["payload"] is None for r in journal_rows(live_bot.db_path)),
    )


async def test_update_delivered_again_after_restart_is_not_handled_twice(live_bot):
    admin = live_bot.admin
    await live_bot.stop()
    await admin.send("/newteam Zábřeh")
    raw = dict(live_bot.emu._updates[0])  # Telegram still holds it (not acknowledged) ...
    store_unhandled(live_bot.db_path, raw)  # ... and the journal has it too
    await live_bot.start()
    await admin.expect("Tým Zábřeh byl založen", timeout=10)
    await asyncio.sleep(1.0)  # the delivery again is fetched meanwhile
    assert teams_named(live_bot.db_path, "Zábřeh") == 1
    founded = [m for m in admin.inbox if "Zábřeh byl založen" in m.text]
    assert len(founded) == 1, [m.text for m in admin.inbox]


def text_update(update_id: int, person: Any, text: str) -> dict[str, Any]:
    command = text.split()[0]
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": person.id, "type": "private", "first_name": person.first_name},
            "from": {"id": person.id, "is_bot": False, "first_name": person.first_name},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}]
            if text.startswith("/")
            else [],
        },
    }


async def test_same_update_put_twice_is_handled_once_also_after_a_restart(live_bot):
    admin = live_bot.admin
    await admin.send("/newteam Dubina")
    await admin.expect("Tým Dubina byl založen")
    handled = journal_rows(live_bot.db_path)[-1]["update_id"]
    seen = len(admin.inbox)
    again = text_update(handled, admin, "/newteam Dubina")  # as Telegram would deliver it again
    app = live_bot.app
    await app.update_queue.put(Update.de_json(again, app.bot))
    await live_bot.restart()
    app = live_bot.app
    await app.update_queue.put(Update.de_json(again, app.bot))
    await asyncio.sleep(0.5)
    assert len(admin.inbox) == seen, [m.text for m in admin.inbox[seen:]]


async def test_a_write_marks_its_update_handled_in_the_same_transaction(live_bot):
    """After the commit of what an update did, the journal says handled at once: a crash right
    after cannot hand the update over again (which would do it twice)."""
    admin = live_bot.admin
    await admin.send("/newteam Vítkovice")
    await admin.expect("Tým Vítkovice byl založen")
    journal = live_bot.app.bot_data.journal
    assert not journal._to_mark, "the write itself should have marked the update"
    rows = journal_rows(live_bot.db_path)
    assert rows[-1]["handled_at"] is not None


async def test_update_that_keeps_killing_the_bot_is_given_up(live_bot, caplog):
    admin = live_bot.admin
    await live_bot.stop()
    await admin.send("/newteam Přívoz")
    raw = fetch_and_acknowledge(live_bot.emu)
    store_unhandled(live_bot.db_path, raw, attempts=MAX_ATTEMPTS)
    with caplog.at_level(logging.ERROR, logger="bot.updates"):
        await live_bot.start()
        await asyncio.sleep(0.5)
    assert teams_named(live_bot.db_path, "Přívoz") == 0
    assert f"update {raw['update_id']} given up" in caplog.text
    row = journal_rows(live_bot.db_path)[-1]
    assert row["handled_at"] is not None and row["payload"] is None


async def test_updates_are_handled_while_the_journal_cannot_be_written(live_bot, monkeypatch):
    """A full disk: what people ask for is still answered ("cannot save now" for a change,
    the list for a read), not left without an answer until space returns."""
    admin = live_bot.admin
    await admin.send("/newteam Mariánské Hory")
    await admin.expect("Tým Mariánské Hory byl založen")

    original = live_bot.db._raw_transaction

    @contextlib.asynccontextmanager
    async def full_disk() -> Any:  # every write refused, as SQLite does when the disk is full
        raise StorageUnavailable("database or disk is full")
        yield

    def refusing(*args: Any, **kwargs: Any) -> Any:
        return full_disk()

    monkeypatch.setattr(live_bot.db, "_raw_transaction", refusing)
    await admin.send("/newteam Nová Bělá")
    await admin.expect("Teď nelze uložit", timeout=10)
    await admin.send("/teams")
    await admin.expect("Mariánské Hory", timeout=10)
    monkeypatch.setattr(live_bot.db, "_raw_transaction", original)
    await admin.send("/newteam Nová Bělá")
    await admin.expect("Tým Nová Bělá byl založen", timeout=10)
    assert teams_named(live_bot.db_path, "Nová Bělá") == 1


async def test_press_delivered_again_under_another_update_id_is_not_handled_again(live_bot):
    admin = live_bot.admin
    await admin.send("/newteam Kunčice")
    await admin.expect("Tým Kunčice byl založen")
    await admin.send("/invite")
    await admin.expect("s rolí")
    await admin.press("Člen")
    invite = await admin.expect("start=")
    await settle(live_bot, lambda: all(r["handled_at"] for r in journal_rows(live_bot.db_path)))
    press = [r for r in journal_rows(live_bot.db_path) if r["query_id"] is not None][-1]
    links_before = [m for m in admin.inbox if "start=" in m.text]
    again = {
        "update_id": press["update_id"] + 1000,
        "callback_query": {
            "id": press["query_id"],
            "from": {"id": admin.id, "is_bot": False, "first_name": admin.first_name},
            "chat_instance": "1",
            "data": "whatever",
        },
    }
    app = live_bot.app
    await app.update_queue.put(Update.de_json(again, app.bot))
    await asyncio.sleep(0.5)
    links_after = [m for m in admin.inbox if "start=" in m.text]
    assert len(links_after) == len(links_before), invite.text


@pytest.mark.parametrize("kind", ["text", "press"])
async def test_update_put_on_the_queue_is_stored_before_put_returns(live_bot, kind):
    """A webhook answers Telegram once ``put`` returns: the update must be stored by then."""
    admin = live_bot.admin
    app = live_bot.app
    body: dict[str, Any]
    if kind == "text":
        body = {
            "message": {
                "message_id": 5,
                "date": 0,
                "chat": {"id": admin.id, "type": "private", "first_name": admin.first_name},
                "from": {"id": admin.id, "is_bot": False, "first_name": admin.first_name},
                "text": "/help",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            }
        }
    else:
        body = {
            "callback_query": {
                "id": "987654",
                "from": {"id": admin.id, "is_bot": False, "first_name": admin.first_name},
                "chat_instance": "1",
                "data": "nonsense",
            }
        }
    raw = {"update_id": 777_000, **body}  # the text form is the one text_update builds
    await app.update_queue.put(Update.de_json(raw, app.bot))
    rows = [r for r in journal_rows(live_bot.db_path) if r["update_id"] == 777_000]
    assert len(rows) == 1


async def test_replayed_press_too_old_to_answer_is_told_in_the_chat(live_bot):
    """A press handled after a restart can no longer be answered with a pop-up: what it would
    have said comes as a message."""
    admin = live_bot.admin
    await admin.send("/start")
    shown = await admin.expect()
    await live_bot.stop()
    press = {
        "update_id": 5_000,
        "callback_query": {
            "id": "unknown-to-telegram-now",
            "from": {"id": admin.id, "is_bot": False, "first_name": admin.first_name},
            "chat_instance": "1",
            "data": "pd:x:1",
            "message": {
                "message_id": shown.message_id,
                "date": 0,
                "chat": {"id": admin.id, "type": "private", "first_name": admin.first_name},
                "from": {"id": live_bot.emu.bot_id, "is_bot": True, "first_name": "MDT"},
                "text": shown.text,
            },
        },
    }
    store_unhandled(live_bot.db_path, press)
    await live_bot.start()
    told = await admin.expect("neplatí", timeout=10)
    assert told.message_id != shown.message_id
