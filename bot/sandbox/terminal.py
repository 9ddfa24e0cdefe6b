"""``mdtbot sandbox``: the real bot against the local emulator, with a terminal chat.

Everything typed is sent to the bot as the current person; lines starting with ``:`` control
the sandbox (``:help``). Works interactively and with piped input (each line waits until the
bot has gone quiet, so a script reads like a conversation).
"""

from __future__ import annotations

import asyncio
import json
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

#: the sandbox's own words (not the bot's), in the sandbox's language
TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "help": """\
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
""",
        "edited": "edited",
        "message": "message",
        "toast": "button answer",
        "alert": "pop-up",
        "unknown": "Unknown sandbox command :{command}. Type :help.",
        "usage_as": "Usage: :as NAME",
        "acting": "Now acting as {name} (Telegram id {id}).",
        "usage_group": "Usage: :group TITLE",
        "usage_in": "Usage: :in TITLE TEXT (create the group first with :group TITLE)",
        "usage_loc": "Usage: :loc 49.83 18.16",
        "usage_clock": "{error}. Usage: :clock +2h",
        "time": "Sandbox time: {time} ({zone})",
        "no_link": "No invite link yet: a coordinator or the administrator sends /invite first.",
        "no_message": "No message {id} in {name}'s chat.",
        "cannot_press": "Cannot press that: {error}",
        "demo": "Demo data: Ostrava's seven teams and {n} people ({names}).",
        "demo_skipped": "The database already has data: no demo data added; the people in it "
        "are kept ({names}).",
        "welcome": "mdtbot sandbox — the bot is @{bot}; you are {name}, the city administrator. "
        "Type :help.",
    },
    "cs": {
        "help": """\
Příkazy sandboxu (vše ostatní jde botovi jako zpráva od aktuální osoby):
  :as JMÉNO         jednat jako JMÉNO (nová osoba vznikne při prvním použití); funguje i /as
  :people           kdo tu je; * označuje aktuální osobu
  :link             otevřít nejnovější pozvánku, kterou bot komukoli dal, jako aktuální osoba
  :N                stisknout tlačítko N nejnovější zprávy s tlačítky (:N@ID pro zprávu ID)
  :group NÁZEV      založit skupinu a přidat do ní bota jako aktuální osoba
  :in NÁZEV TEXT    napsat TEXT (např. /linkgroup) do skupiny jako aktuální osoba
  :loc ŠÍŘKA DÉLKA  sdílet polohu             :photo [POPISEK]  poslat zkušební fotku
  :clock +2h        posunout hodiny vpřed (s, m, h, d)           :time  ukázat čas
  :help             tato nápověda             :quit             odejít (funguje i Ctrl-D)
""",
        "edited": "upraveno",
        "message": "zpráva",
        "toast": "odpověď na tlačítko",
        "alert": "okno",
        "unknown": "Neznámý příkaz sandboxu :{command}. Napište :help.",
        "usage_as": "Použití: :as JMÉNO",
        "acting": "Teď jednáte jako {name} (Telegram id {id}).",
        "usage_group": "Použití: :group NÁZEV",
        "usage_in": "Použití: :in NÁZEV TEXT (skupinu nejdřív založte příkazem :group NÁZEV)",
        "usage_loc": "Použití: :loc 49.83 18.16",
        "usage_clock": "{error}. Použití: :clock +2h",
        "time": "Čas v sandboxu: {time} ({zone})",
        "no_link": "Zatím žádná pozvánka: koordinátor nebo správce nejdřív pošle /invite.",
        "no_message": "V chatu osoby {name} není zpráva {id}.",
        "cannot_press": "Tohle stisknout nejde: {error}",
        "demo": "Ukázková data: sedm ostravských týmů a {n} osob ({names}).",
        "demo_skipped": "Databáze už data má: ukázková data nepřidávám; osoby v ní zůstávají "
        "({names}).",
        "welcome": "mdtbot sandbox — bot je @{bot}; jste {name}, správce města. Napište :help.",
    },
}


def texts(language: str) -> dict[str, str]:
    return TEXTS.get(language, TEXTS["cs"])


class PeopleFile:
    """The sandbox people's Telegram ids, kept next to a ``--db`` file (``<db>.people.json``)
    so that a name is the same person, with the same teams, after a restart."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".people.json")

    def load(self) -> dict[str, int]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            print(f"{self.path}: {error}", file=sys.stderr)
            return {}
        if not isinstance(raw, dict):
            return {}
        return {str(k): int(v) for k, v in raw.items() if isinstance(v, int)}

    def save(self, people: list[Person]) -> None:
        data = {person.first_name: person.id for person in people}
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        temporary.replace(self.path)


class Sandbox:
    def __init__(
        self,
        emulator: TelegramEmulator,
        clock: OffsetClock,
        app: MDTApplication,
        admin: Person,
        *,
        language: str = "cs",
        people_file: PeopleFile | None = None,
    ) -> None:
        self.emu = emulator
        self.language = language
        self.text = texts(language)
        self.people_file = people_file
        self.answers_seen = len(emulator.callback_answers)
        self.clock = clock
        self.app = app
        self.current = admin
        self.groups: dict[str, Group] = {}
        self.seen: dict[int, int] = {}  # chat id -> number of messages printed
        self.edits: dict[tuple[int, int], str] = {}

    def mark_all_seen(self) -> None:
        for chat_id, _ in self._chats():
            self.seen[chat_id] = len(self.emu.messages(chat_id))
        self.answers_seen = len(self.emu.callback_answers)

    def say(self, key: str, **values: object) -> None:
        print(self.text[key].format(**values), flush=True)

    def person(self, name: str) -> Person:
        """The person called ``name``, created (and remembered) on first use."""
        known = {p.first_name for p in self.emu.people()}
        person = self.emu.user(name, language_code=self.language)
        if name not in known and self.people_file is not None:
            self.people_file.save(self.emu.people())
        return person

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
        self._print_answers()

    def _print_answers(self) -> None:
        """What a phone shows on a button press: a toast, or a pop-up to dismiss."""
        answers = self.emu.callback_answers
        names = {p.id: p.first_name for p in self.emu.people()}
        for person_id, answer in answers[self.answers_seen :]:
            if answer.text:
                kind = self.text["alert" if answer.show_alert else "toast"]
                print(f"[→ {names.get(person_id, person_id)} · {kind}] {answer.text}", flush=True)
        self.answers_seen = len(answers)

    def _chats(self) -> list[tuple[int, str]]:
        chats = [(p.id, f"→ {p.first_name}") for p in self.emu.people()]
        chats += [(g.id, f"# {g.title}") for g in self.groups.values()]
        return chats

    def _print(self, label: str, message: BotMessage, *, edited: bool) -> None:
        self.edits[(message.chat_id, message.message_id)] = _fingerprint(message)
        mark = f" ({self.text['edited']})" if edited else ""
        head = f"\n[{label}{mark} · {self.text['message']} {message.message_id}]"
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
            self.say("unknown", command=command)
        return True

    async def _help(self, _: str) -> None:
        print(self.text["help"], flush=True)

    async def _as(self, name: str) -> None:
        if not name:
            self.say("usage_as")
            return
        self.current = self.person(name)
        self.say("acting", name=self.current.first_name, id=self.current.id)

    async def _people(self, _: str) -> None:
        for person in self.emu.people():
            mark = "*" if person.id == self.current.id else " "
            print(f" {mark} {person.first_name} (id {person.id})")

    async def _group(self, title: str) -> None:
        if not title:
            self.say("usage_group")
            return
        group = self.groups.get(title) or self.emu.group(title)
        self.groups[title] = group
        await self.current.add_bot_to(group)

    async def _in(self, rest: str) -> None:
        for title, group in sorted(self.groups.items(), key=lambda kv: -len(kv[0])):
            if rest.startswith(title + " "):
                await self.current.send_to(group, rest[len(title) + 1 :])
                return
        self.say("usage_in")

    async def _loc(self, rest: str) -> None:
        try:
            latitude, longitude = (float(v) for v in rest.replace(",", " ").split())
        except ValueError:
            self.say("usage_loc")
            return
        await self.current.share_location(latitude, longitude)

    async def _photo(self, caption: str) -> None:
        await self.current.send_photo(caption=caption or None)

    async def _clock(self, rest: str) -> None:
        try:
            delta = parse_duration(rest.lstrip("+"))
        except ValueError as error:
            self.say("usage_clock", error=error)
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
        self.say("time", time=f"{local:%Y-%m-%d %H:%M}", zone=self.app.bot_data.settings.timezone)

    async def _link(self, _: str) -> None:
        """Open the newest invite link, as if the current person had tapped it."""
        newest: tuple[int, str] | None = None
        for chat_id, _label in self._chats():
            for message in self.emu.messages(chat_id):
                match = INVITE_LINK.search(message.text or "")
                if match and (newest is None or message.seq > newest[0]):
                    newest = (message.seq, match.group(1))
        if newest is None:
            self.say("no_link")
            return
        await self.current.send(f"/start {newest[1]}")

    async def _press(self, command: str) -> None:
        number, _, message_id = command.partition("@")
        message = None
        if message_id:
            message = next((m for m in self.current.inbox if str(m.message_id) == message_id), None)
            if message is None:
                self.say("no_message", id=message_id, name=self.current.first_name)
                return
        try:
            await self.current.press(int(number) - 1, message=message)
        except (AssertionError, LookupError, ValueError) as error:
            self.say("cannot_press", error=error)


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


async def _main(db_path: str | None, demo: bool, language: str | None = None) -> int:
    clock = OffsetClock()
    emulator = TelegramEmulator(clock=clock.now)
    people_file = PeopleFile(Path(db_path)) if db_path else None
    base = await emulator.start_server()
    with tempfile.TemporaryDirectory(prefix="mdtbot-sandbox-") as tmp:
        overrides = {"language": language} if language else {}
        # the same people as last time on this database: a name keeps its Telegram id
        for name, user_id in (people_file.load() if people_file else {}).items():
            try:
                person = emulator.user(name, language_code=language, user_id=user_id)
            except ValueError:  # a hand-edited file naming one id twice: the first keeps it
                continue
            emulator.mark_started(person)
        admin = emulator.user(ADMIN_NAME, language_code=language)
        settings = load_settings(
            token=emulator.token,
            api_url=base,
            admins=[admin.id],
            db=Path(db_path) if db_path else Path(tmp) / "sandbox.db",
            **overrides,
        )
        for person in emulator.people():
            person.language_code = settings.language
        app = build_application(settings, clock=clock)
        await app.initialize()
        await on_startup(app)
        assert app.updater is not None
        await app.updater.start_polling(
            poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES
        )
        await app.start()
        sandbox = Sandbox(
            emulator,
            clock,
            app,
            admin,
            language=settings.language,
            people_file=people_file,
        )
        try:
            if demo:
                await _demo(sandbox, admin)
            if people_file is not None:
                people_file.save(emulator.people())
            sandbox.say("welcome", bot=emulator.bot_username, name=admin.first_name)
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


async def _demo(sandbox: Sandbox, admin: Person) -> None:
    """Seed the demo data, unless the database has teams already (a second ``--demo`` run on
    the same ``--db``): then go on with what is there."""
    services = sandbox.app.bot_data.services
    async with services.db.read() as repos:
        has_data = bool(await repos.teams.list_all())
    if has_data:
        names = ", ".join(p.first_name for p in sandbox.emu.people() if p.id != admin.id)
        sandbox.say("demo_skipped", names=names or "—")
        return
    people = await seed_demo(services, sandbox.emu, admin, language_code=sandbox.language)
    sandbox.say("demo", n=len(people), names=", ".join(p.first_name for p in people))


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


def run_sandbox(db_path: str | None = None, demo: bool = False, language: str | None = None) -> int:
    try:
        return asyncio.run(_main(db_path, demo, language))
    except KeyboardInterrupt:
        return 0
