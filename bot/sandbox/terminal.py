"""``mdtbot sandbox``: the real bot against the local emulator, with a terminal chat.

Everything typed is sent to the bot as the current person; lines starting with ``:`` control
the sandbox (``:help``). Works interactively and with piped input (each line waits until the
bot has gone quiet, so a script reads like a conversation).
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

from telegram import Update

from bot.app import MDTApplication, build_application, on_shutdown, on_startup
from bot.config import load_settings, parse_duration
from bot.sandbox.demo import seed_demo
from bot.sandbox.emulator import BotMessage, TelegramEmulator
from bot.sandbox.people import Group, Person
from bot.scheduling.clock import OffsetClock

ADMIN_NAME = "Správce"
INVITE_LINK = re.compile(r"\?start=([A-Za-z0-9_-]+)")

HELP = """\
Sandbox commands (anything else is sent to the bot as the current person):
  :as NAME          act as NAME (a new person is created on first use); /as works too
  :people           who exists here; * marks the current person
  :link             open the newest invite link the bot gave anyone, as the current person
  :N                press button N of the newest message with buttons (:N@ID for message ID)
  :group TITLE      create a group chat and add the bot to it as the current person
  :in TITLE TEXT    write TEXT (e.g. /linkgroup) into a group as the current person
  :loc LAT LON      share a location          :photo [CAPTION]  send a test photo
  :clock +2h        move the clock forward (s, m, h, d)          :time  show the clock
  :help             this text                 :quit             leave (Ctrl-D works too)
"""


class Sandbox:
    def __init__(
        self, emulator: TelegramEmulator, clock: OffsetClock, app: MDTApplication, admin: Person
    ) -> None:
        self.emu = emulator
        self.clock = clock
        self.app = app
        self.current = admin
        self.groups: dict[str, Group] = {}
        self.seen: dict[int, int] = {}  # chat id -> number of messages printed
        self.edits: dict[tuple[int, int], str] = {}

    def mark_all_seen(self) -> None:
        for chat_id, _ in self._chats():
            self.seen[chat_id] = len(self.emu.messages(chat_id))

    # -- output -------------------------------------------------------------------------
    def print_new(self) -> None:
        """Print what the bot sent (or edited) since the last look, for every chat."""
        for chat_id, label in self._chats():
            messages = self.emu.messages(chat_id)
            start = self.seen.get(chat_id, 0)
            for message in messages[:start]:
                key = (chat_id, message.message_id)
                if message.edited and self.edits.get(key) != _fingerprint(message):
                    self._print(label, message, edited=True)
            for message in messages[start:]:
                self._print(label, message, edited=False)
            self.seen[chat_id] = len(messages)

    def _chats(self) -> list[tuple[int, str]]:
        chats = [(p.id, f"→ {p.first_name}") for p in self.emu.people()]
        chats += [(g.id, f"# {g.title}") for g in self.groups.values()]
        return chats

    def _print(self, label: str, message: BotMessage, *, edited: bool) -> None:
        self.edits[(message.chat_id, message.message_id)] = _fingerprint(message)
        mark = " (upraveno)" if edited else ""
        head = f"\n[{label}{mark} · zpráva {message.message_id}]"
        body = message.text or ""
        if message.document is not None:
            body += f"\n📎 {message.document.filename}"
        lines = [head, *("  " + line for line in body.splitlines())]
        number = 1
        for row in message.buttons:
            cells = []
            for cell in row:
                cells.append(f"[{number}] {cell.text}")
                number += 1
            lines.append("  " + "   ".join(cells))
        print("\n".join(lines), flush=True)

    # -- input --------------------------------------------------------------------------
    async def handle(self, line: str) -> bool:
        """Act on one typed line; False to quit."""
        line = line.strip()
        if not line:
            return True
        if line == "/as" or line.startswith("/as "):  # the sandbox's, never the bot's
            line = ":" + line[1:]
        if not line.startswith(":"):
            await self.current.send(line)
            return True
        command, _, rest = line[1:].partition(" ")
        rest = rest.strip()
        if command in ("quit", "q", "exit"):
            return False
        handler = {
            "help": self._help,
            "as": self._as,
            "people": self._people,
            "group": self._group,
            "in": self._in,
            "loc": self._loc,
            "photo": self._photo,
            "clock": self._clock,
            "time": self._time,
            "link": self._link,
        }.get(command)
        if handler is not None:
            await handler(rest)
        elif command.split("@")[0].isdigit():
            await self._press(command)
        else:
            print(f"Unknown sandbox command :{command}. Type :help.")
        return True

    async def _help(self, _: str) -> None:
        print(HELP)

    async def _as(self, name: str) -> None:
        if not name:
            print("Usage: :as NAME")
            return
        self.current = self.emu.user(name)
        print(f"Now acting as {self.current.first_name} (Telegram id {self.current.id}).")

    async def _people(self, _: str) -> None:
        for person in self.emu.people():
            mark = "*" if person.id == self.current.id else " "
            print(f" {mark} {person.first_name} (id {person.id})")

    async def _group(self, title: str) -> None:
        if not title:
            print("Usage: :group TITLE")
            return
        group = self.groups.get(title) or self.emu.group(title)
        self.groups[title] = group
        await self.current.add_bot_to(group)

    async def _in(self, rest: str) -> None:
        for title, group in sorted(self.groups.items(), key=lambda kv: -len(kv[0])):
            if rest.startswith(title + " "):
                await self.current.send_to(group, rest[len(title) + 1 :])
                return
        print("Usage: :in TITLE TEXT (create the group first with :group TITLE)")

    async def _loc(self, rest: str) -> None:
        try:
            latitude, longitude = (float(v) for v in rest.replace(",", " ").split())
        except ValueError:
            print("Usage: :loc 49.83 18.16")
            return
        await self.current.share_location(latitude, longitude)

    async def _photo(self, caption: str) -> None:
        await self.current.send_photo(caption=caption or None)

    async def _clock(self, rest: str) -> None:
        try:
            delta = parse_duration(rest.lstrip("+"))
        except ValueError as error:
            print(f"{error}. Usage: :clock +2h")
            return
        await self.advance(delta)
        await self._time("")

    async def advance(self, delta: timedelta) -> None:
        """Move the clock forward through every due moment on the way, doing the work of each
        at its time (as a running bot would, so nothing counts as late)."""
        target = self.clock.now() + delta
        due = self.app.bot_data.due
        while True:
            async with self.app.bot_data.services.db.read() as repos:
                next_due = await repos.due.next_due()
            step_to = target if next_due is None or next_due > target else next_due
            if step_to > self.clock.now():
                self.clock.advance(step_to - self.clock.now())
            await due.run_due()
            self.app.bot_data.outbox.kick()
            await self.app.bot_data.outbox.settle()
            if step_to >= target:
                return

    async def _time(self, _: str) -> None:
        local = self.clock.now().astimezone(self.app.bot_data.settings.tz)
        print(f"Sandbox time: {local:%Y-%m-%d %H:%M} ({self.app.bot_data.settings.timezone})")

    async def _link(self, _: str) -> None:
        """Open the newest invite link, as if the current person had tapped it."""
        newest: tuple[int, str] | None = None
        for chat_id, _label in self._chats():
            for message in self.emu.messages(chat_id):
                match = INVITE_LINK.search(message.text or "")
                if match and (newest is None or message.seq > newest[0]):
                    newest = (message.seq, match.group(1))
        if newest is None:
            print("No invite link yet: a coordinator or the administrator sends /invite first.")
            return
        await self.current.send(f"/start {newest[1]}")

    async def _press(self, command: str) -> None:
        number, _, message_id = command.partition("@")
        message = None
        if message_id:
            message = next((m for m in self.current.inbox if str(m.message_id) == message_id), None)
            if message is None:
                print(f"No message {message_id} in {self.current.first_name}'s chat.")
                return
        try:
            await self.current.press(int(number) - 1, message=message)
        except (AssertionError, LookupError, ValueError) as error:
            print(f"Cannot press that: {error}")


def _fingerprint(message: BotMessage) -> str:
    return repr((message.text, [[c.text for c in row] for row in message.buttons]))


async def _settle(sandbox: Sandbox, quiet: float = 0.3, limit: float = 5.0) -> None:
    """Wait until the bot has fetched everything and sent nothing new for ``quiet`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    last = -1
    quiet_since = loop.time()
    while loop.time() < deadline:
        count = len(sandbox.emu.calls)
        if count != last or sandbox.emu.pending_updates():
            last, quiet_since = count, loop.time()
        elif loop.time() - quiet_since >= quiet:
            break
        await asyncio.sleep(0.05)
    sandbox.print_new()


def _start_reader(queue: asyncio.Queue[str | None]) -> None:
    """Read stdin in a daemon thread: a blocked read must not keep the process alive."""
    loop = asyncio.get_running_loop()

    def read() -> None:
        while True:
            line = sys.stdin.readline()
            loop.call_soon_threadsafe(queue.put_nowait, line or None)
            if not line:
                return

    threading.Thread(target=read, name="sandbox-stdin", daemon=True).start()


async def _main(db_path: str | None, demo: bool) -> int:
    clock = OffsetClock()
    emulator = TelegramEmulator(clock=clock.now)
    admin = emulator.user(ADMIN_NAME)
    base = await emulator.start_server()
    with tempfile.TemporaryDirectory(prefix="mdtbot-sandbox-") as tmp:
        settings = load_settings(
            token=emulator.token,
            api_url=base,
            admins=[admin.id],
            db=Path(db_path) if db_path else Path(tmp) / "sandbox.db",
        )
        app = build_application(settings, clock=clock)
        await app.initialize()
        await on_startup(app)
        assert app.updater is not None
        await app.updater.start_polling(
            poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES
        )
        await app.start()
        sandbox = Sandbox(emulator, clock, app, admin)
        try:
            if demo:
                people = await seed_demo(app.bot_data.services, emulator, admin)
                print(
                    f"Demo data: Ostrava's seven teams and {len(people)} people "
                    f"({', '.join(p.first_name for p in people)})."
                )
            print(
                f"mdtbot sandbox — the bot is @{emulator.bot_username}; you are "
                f"{admin.first_name}, the city administrator. Type :help."
            )
            await _settle(sandbox, quiet=0.1)
            sandbox.mark_all_seen()
            await _loop(sandbox)
        finally:
            await app.updater.stop()
            await app.stop()
            await on_shutdown(app)
            await app.shutdown()
            await emulator.stop_server()
    return 0


async def _loop(sandbox: Sandbox) -> None:
    queue: asyncio.Queue[str | None] = asyncio.Queue()
    _start_reader(queue)
    interactive = sys.stdin.isatty()
    while True:
        if interactive:
            print(f"{sandbox.current.first_name}> ", end="", flush=True)
        line = await queue.get()
        if line is None:
            break
        if not interactive and line.strip():
            print(f"{sandbox.current.first_name}> {line.rstrip()}")
        if not await sandbox.handle(line):
            break
        await _settle(sandbox)


def run_sandbox(db_path: str | None = None, demo: bool = False) -> int:
    try:
        return asyncio.run(_main(db_path, demo))
    except KeyboardInterrupt:
        return 0
