"""Crash suite: the real ``mdtbot run`` killed with SIGKILL while people use it.

Run: .venv/bin/python bench/crash.py [KILLS] [--seed N] [--teams N] [--members N] [--patience S]
     [--calm S] [-v]

``bench/crash.py 0 --calm 30`` is the control: 30 s of people acting and no kill must give 0
lost updates, or the accounting is wrong.

The bot runs as its own process (``python -m bot run``, configured by ``MDTBOT_*`` variables)
and polls the emulator (:class:`bot.sandbox.emulator.TelegramEmulator`) over loopback HTTP.
Simulated people, several teams of them (one person in two), act at the same time: they
report problems through the whole ``/report`` dialogue, support problems and proposals,
comment, propose solutions and answer meeting invitations; some press a button twice, and some
updates are delivered again with the same ``update_id`` (as Telegram may). Meanwhile the
harness kills the bot with SIGKILL at random moments, some of them right after a confirmation
"uložen jako #N" went out, checks the database between the kill and the restart
(``PRAGMA integrity_check`` on a read-only connection), starts the bot again and goes on. After
the last restart the people stop, the bot is left to settle and is stopped with SIGTERM; then
the emulator's record of Bot API calls and the database (read-only) are checked.

Definitions (what the figures count):

* **step**: what one person does before waiting: one update (a message or a button press), a
  double press (two presses of one button, two updates), or either followed by a redelivery.
  A person waits for the text the step should bring; they give up (and send ``/cancel``) after
  ``patience`` seconds in which the bot was up (in all, since the step; the time it is down or
  starting does not count). A step's **window** runs from the moment it was sent to the
  moment the same person's next step was sent (the end of the run, after settling, for the
  last one: when the run stops, people stop waiting). So an answer that comes after the person
  gave up does not count for the step it answers (it falls in the next step's window: a
  person who gave up does not see it as the answer either). A redelivered update or a double
  tap answered late could in the same way be taken for the answer to the next step; this errs
  towards "answered", never towards "lost".
* **kill**: SIGKILL at a random moment ``kill_gap`` seconds after the bot said "mdtbot
  started", or (``kill_on_confirmation``) inside the emulator right after it recorded a
  confirmation "uložen jako", before the bot gets the response, or (``kill_while_starting``)
  while the bot starts. A lost update's line says when the bot fetched it and confirmed it
  (asked getUpdates for an offset past it) relative to when it was sent, and which kill came.
* **notice**: a message the outbox sent for a notice row (every outbox kind but a deferred
  reply): its chat and message id are in ``outbox_messages``, or it has the same text as such a
  message in the same chat (a notice sent twice is recorded once).
* **answered update**: a *message* is answered when the bot sent or edited a message (not a
  notice) in that chat, successfully, within its step's window. A *button press* is answered
  when ``answerCallbackQuery`` for its query id succeeded (at any time), or failing that by a
  sent or edited message (not a notice) in that chat within its step's window. An update that
  was delivered twice counts once. Not answered = **lost**.
* **confirmed report**: every "uložen jako #N" the bot sent to a person (the message as it was
  sent, also when it came later through the outbox). It must be in the database exactly once:
  problem N, reported by that person, with the description that person typed.
* **duplicates**: two problems with one reporter and description, two comments with one author,
  problem and text, two proposals with one author, problem and text, a supporter or an
  attendance answer stored twice. The people never repeat a text on purpose.
* **doubled notices**: a notice text sent to one chat more than once (reported, not asserted).

Every choice (who does what, which texts, when to kill) comes from one seed, printed at the
start; the timing of a real process is not reproducible, so two runs with one seed differ in
detail. So that no notice waits for the morning (quiet hours), the bot runs in a time zone
where it is midday now.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.sandbox.emulator import ApiCall, BotMessage, TelegramEmulator
from bot.sandbox.people import Person

SEND_METHODS = frozenset(
    {"sendmessage", "senddocument", "sendphoto", "sendmediagroup", "sendlocation"}
)
EDIT_METHODS = frozenset({"editmessagetext", "editmessagecaption", "editmessagereplymarkup"})
CONFIRMATION = re.compile(r"uložen jako #(\d+)")
INVITE_LINK = re.compile(r"start=([A-Za-z0-9_-]+)")
CATEGORIES = ("návykové látky", "riziková mládež", "veřejný pořádek", "sexbyznys", "jiné")
URGENCIES = ("běžná", "vysoká", "akutní")
ATTENDANCE = ("Přijdu", "Nepřijdu", "Možná")
STREETS = ("Hlavní třída", "Nádražní", "Sokolská", "Opavská", "Výstavní", "Horní", "Závodní")
PLACES = ("u zastávky", "za školou", "v parku", "u obchodu", "v podchodu", "na hřišti")
TROUBLES = (
    "v noci se tu schází skupina mladistvých a hlučí",
    "leží tu použité injekční stříkačky",
    "rozbité osvětlení, večer je tu úplná tma",
    "někdo tu opakovaně zakládá černou skládku",
    "posprejované zdi a rozbité lavičky",
)
TEAM_NAMES = ("Poruba", "Jih", "Vítkovice", "Kunčičky", "Hrabůvka", "Přívoz")
FIRST_NAMES = ("Jana", "Petr", "Lucie", "Marek", "Alena", "Tomáš", "Hana", "Pavel", "Věra", "Karel")


@dataclass
class Config:
    kills: int = 10
    seed: int = 1
    teams: int = 2
    members: int = 3  # per team, besides the coordinator
    #: seconds of the bot being up after which a person stops waiting for an answer
    patience: float = 6.0
    #: seconds between the bot being ready and a random kill
    kill_gap: tuple[float, float] = (0.6, 2.5)
    #: chance that a confirmation "uložen jako" is followed by a kill at once
    kill_on_confirmation: float = 0.35
    #: chance that a kill comes while the bot is still starting
    kill_while_starting: float = 0.1
    #: chance that a press is a double tap, and that an update is delivered again
    double_press: float = 0.12
    redeliver: float = 0.08
    #: the longest pause between two steps of a person
    think: float = 0.25
    #: seconds to wait for everything to go out at the end
    settle: float = 60.0
    #: seconds to wait for the bot to start (a slow machine)
    start_timeout: float = 60.0
    #: seconds the people act before the first kill (with no kills: the whole run), e.g. a
    #: calm run to see that the accounting finds nothing lost when nothing is killed
    calm: float = 0.0
    workdir: Path | None = None


@dataclass
class Sent:
    """One update a person sent."""

    update_id: int
    person: str
    chat_id: int
    kind: str  # "message" or "press"
    label: str  # what was typed, or the button pressed
    what: str  # the action and its step, e.g. "report 7/7"
    step: Step
    query_id: str | None = None
    at: float = 0.0
    redelivered: int = 0


@dataclass
class Step:
    person: str
    chat_id: int
    mark: int  # len(emu.calls) when the step was sent: later calls have a higher index
    end: int | None = None  # the mark of the person's next step
    updates: list[Sent] = field(default_factory=list)


@dataclass
class Figures:
    seed: int = 0
    kills: int = 0
    kills_after_confirmation: int = 0
    kills_while_starting: int = 0
    updates_sent: int = 0
    presses: int = 0
    double_presses: int = 0
    redelivered: int = 0
    updates_answered: int = 0
    updates_lost: int = 0
    confirmed_reports: int = 0
    confirmed_lost: int = 0
    problems: int = 0
    comments: int = 0
    proposals: int = 0
    supports: int = 0
    attendance: int = 0
    duplicates: int = 0
    notices_sent: int = 0
    notices_doubled: int = 0
    notices_unsent: int = 0
    integrity_checks: int = 0
    integrity_failures: int = 0
    refused_calls: int = 0
    gave_up_steps: int = 0
    wall_seconds: float = 0.0

    def table(self) -> str:
        doubled = 100 * self.notices_doubled / self.notices_sent if self.notices_sent else 0.0
        rows = [
            ("seed", f"{self.seed}"),
            (
                "kills (after a confirmation / while starting)",
                f"{self.kills} ({self.kills_after_confirmation} / {self.kills_while_starting})",
            ),
            (
                "updates sent (presses, double presses, redelivered)",
                f"{self.updates_sent} ({self.presses}, {self.double_presses}, {self.redelivered})",
            ),
            ("updates answered", f"{self.updates_answered}"),
            ("updates lost", f"{self.updates_lost}"),
            ("steps a person gave up on", f"{self.gave_up_steps}"),
            ("confirmed reports", f"{self.confirmed_reports}"),
            ("confirmed reports lost", f"{self.confirmed_lost}"),
            (
                "stored: problems, comments, proposals, supports, attendance",
                f"{self.problems}, {self.comments}, {self.proposals}, {self.supports}, "
                f"{self.attendance}",
            ),
            ("duplicates", f"{self.duplicates}"),
            ("notices sent", f"{self.notices_sent}"),
            ("notices doubled", f"{self.notices_doubled} ({doubled:.2f} %)"),
            ("notices not sent at the end", f"{self.notices_unsent}"),
            ("calls the emulator refused", f"{self.refused_calls}"),
            (
                "integrity_check ok",
                f"{self.integrity_checks - self.integrity_failures} of {self.integrity_checks}",
            ),
            ("wall time", f"{self.wall_seconds:.1f} s"),
        ]
        width = max(len(name) for name, _ in rows)
        return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


@dataclass
class Outcome:
    figures: Figures
    #: one line per violated guarantee (lost update, lost report, duplicate, bad integrity)
    failures: list[str]
    #: the bot's output, all runs (each line prefixed by the run's number)
    log: list[str]
    #: the refusals of Bot API calls (method and error) and how often each came
    refused: list[tuple[str, int]] = field(default_factory=list)
    #: lost updates by what the bot did with them: never fetched, fetched and confirmed...
    lost_how: list[tuple[str, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self, limit: int = 30) -> str:
        lines = [self.figures.table()]
        if self.lost_how:
            how = ", ".join(f"{what}: {n}" for what, n in self.lost_how)
            lines.append(f"lost updates by what the bot did with them: {how}")
        if self.failures:
            lines.append(f"{len(self.failures)} failures (first {limit}):")
            lines += [f"  {line}" for line in self.failures[:limit]]
        if self.refused:
            lines.append("calls the emulator refused:")
            lines += [f"  {n} × {what}" for what, n in self.refused[:10]]
        errors = [line for line in self.log if " ERROR " in line or "Traceback" in line]
        if errors:
            lines.append(f"bot errors logged: {len(errors)}; the first ones:")
            lines += [f"  {line}" for line in errors[:10]]
        return "\n".join(lines)


# -- the emulator, recording what each call returned -----------------------------------------
class CrashEmulator(TelegramEmulator):
    """The emulator with a hook on every recorded Bot API call (the harness kills from it) and
    the answers to callback queries by query id."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_call: Callable[[ApiCall], None] | None = None
        self.answered_queries: dict[str, str] = {}
        #: update id -> when getUpdates first handed it out, and when an offset past it
        #: confirmed it (time.monotonic())
        self.fetched_at: dict[int, float] = {}
        self.confirmed_at: dict[int, float] = {}

    async def call(
        self,
        token: str,
        method: str,
        params: Any,
        files: Any = None,
    ) -> tuple[int, dict[str, Any]]:
        before = len(self.calls)
        if method.lower() == "getupdates":
            offset = str((params or {}).get("offset", ""))
            if re.fullmatch(r"\d+", offset):
                for update_id in self.fetched_at.keys() - self.confirmed_at.keys():
                    if update_id < int(offset):
                        self.confirmed_at[update_id] = time.monotonic()
        status, body = await super().call(token, method, params, files)
        if method.lower() == "getupdates" and body.get("ok"):
            for update in body.get("result") or []:
                self.fetched_at.setdefault(int(update["update_id"]), time.monotonic())
        if len(self.calls) > before:
            recorded = self.calls[-1]
            if recorded.ok and recorded.method.lower() == "answercallbackquery":
                query = str(recorded.params.get("callback_query_id"))
                self.answered_queries[query] = str(recorded.params.get("text") or "")
            if self.on_call is not None:
                self.on_call(recorded)
        return status, body


def _chat_of(call: ApiCall) -> int | None:
    chat = call.params.get("chat_id")
    if isinstance(chat, int):
        return chat
    if isinstance(chat, str) and re.fullmatch(r"-?\d+", chat):
        return int(chat)
    return None


def _shown_text(call: ApiCall) -> str:
    """What a send or edit call put on the screen (its HTML text or caption)."""
    return str(call.params.get("text") or call.params.get("caption") or "")


def _message_ids(call: ApiCall) -> list[int]:
    result = call.result
    if isinstance(result, dict) and "message_id" in result:
        return [int(result["message_id"])]
    if isinstance(result, list):
        return [int(m["message_id"]) for m in result if isinstance(m, dict)]
    return []


# -- the bot as a process ----------------------------------------------------------------------
class BotProcess:
    """``python -m bot run``; started again and again, its output kept."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env = env
        self.cwd = cwd
        self.process: asyncio.subprocess.Process | None = None
        self.runs = 0
        self.log: list[str] = []
        self.ready = asyncio.Event()
        self.ready_at: float | None = None
        #: when each run was killed (time.monotonic())
        self.kills: list[float] = []
        #: how long each start took, from spawning the process to "mdtbot started"
        self.start_seconds: list[float] = []
        self.spawned_at = 0.0
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.runs += 1
        self.ready = asyncio.Event()
        self.ready_at = None
        self.spawned_at = time.monotonic()
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=self.env,
            cwd=self.cwd,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        self._reader = asyncio.get_running_loop().create_task(
            self._read(self.process, self.ready, self.runs)
        )

    async def _read(
        self, process: asyncio.subprocess.Process, ready: asyncio.Event, run: int
    ) -> None:
        assert process.stdout is not None
        async for raw in process.stdout:
            line = raw.decode(errors="replace").rstrip()
            self.log.append(f"[run {run}] {line}")
            if "mdtbot started" in line and not ready.is_set():
                self.ready_at = time.monotonic()
                self.start_seconds.append(self.ready_at - self.spawned_at)
                ready.set()

    @property
    def up(self) -> bool:
        """Running and past its start-up."""
        return self.alive and self.ready.is_set()

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    def kill(self) -> bool:
        """SIGKILL now (True if it was running)."""
        if not self.alive:
            return False
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)
        self.kills.append(time.monotonic())
        self.ready = asyncio.Event()  # not ready any more, whatever it printed
        return True

    async def exited(self) -> int:
        assert self.process is not None
        code = await self.process.wait()
        if self._reader is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._reader, 5)
        return code

    async def stop(self, timeout: float = 30) -> int:  # noqa: ASYNC109
        """SIGTERM, then SIGKILL if it does not stop within ``timeout``."""
        if self.process is None:
            return 0
        if self.alive:
            self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.exited(), timeout)
        except TimeoutError:
            self.kill()
            return await self.exited()


# -- the database, read-only -------------------------------------------------------------------
def read_only(db: Path) -> sqlite3.Connection:
    """A read-only connection (sees the WAL; never checkpoints it or writes the file)."""
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)


def integrity(db: Path) -> str:
    """``PRAGMA integrity_check`` ("ok" when sound); a database not created yet is "ok"."""
    if not db.exists():
        return "ok"
    conn = read_only(db)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    return "; ".join(str(row[0]) for row in rows)


# -- people ------------------------------------------------------------------------------------
class GaveUp(Exception):
    """The person did not get what the step should bring within their patience."""


class Stopping(Exception):
    """The run is over: the person stops waiting (the bot settles before the checks)."""


@dataclass
class Member:
    person: Person
    teams: list[str]
    coordinator: bool
    rng: random.Random
    name: str
    index: int = 0
    count: int = 0  # texts written so far
    screen: BotMessage | None = None  # the bot message the person looks at
    last_step: Step | None = None


class CrashRun:
    """One run: set up the teams, act and kill, settle, check. See the module docstring."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.rng = random.Random(config.seed)
        self.hook_rng = random.Random(config.seed + 1)
        self.emu = CrashEmulator()
        self.admin = self.emu.user("Správce", last_name="Města")
        self.members: list[Member] = []
        self.sent: list[Sent] = []
        self.steps: list[Step] = []
        self.figures = Figures(seed=config.seed)
        self.failures: list[str] = []
        self.progress: Callable[[str], None] | None = None
        self.refused: list[tuple[str, int]] = []
        self._sent_by: dict[tuple[int, int], int] | None = None  # see _call_index_of
        self.lost_how: Counter[str] = Counter()  # lost updates: fetched? confirmed?
        self.problems: dict[str, list[int]] = {}  # team -> confirmed problem numbers
        self.reports: dict[int, tuple[Member, str]] = {}  # number -> reporter, description
        self.acting = False  # people act on their own (set-up is done)
        self.stopping = False
        self.armed = False  # kills from the call hook allowed
        self.kills_left = config.kills
        self.bot: BotProcess | None = None
        self.db: Path = Path()
        self.started = time.monotonic()

    # -- running -----------------------------------------------------------------------------
    async def run(self) -> Outcome:
        self.started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="mdt-crash-") as tmp:
            workdir = self.config.workdir or Path(tmp)
            workdir.mkdir(parents=True, exist_ok=True)
            self.db = workdir / "crash.db"
            base = await self.emu.start_server()
            env = {k: v for k, v in os.environ.items() if not k.startswith("MDTBOT_")}
            env.update(
                MDTBOT_TOKEN=self.emu.token,
                MDTBOT_API_URL=base,
                MDTBOT_DB=str(self.db),
                MDTBOT_ADMINS=str(self.admin.id),
                MDTBOT_TIMEZONE=midday_zone(datetime.now(UTC)),
                PYTHONUNBUFFERED="1",
            )
            self.bot = BotProcess(env, workdir)
            self.emu.on_call = self._on_call
            try:
                await self.bot.start()
                await self._wait_ready()
                self._say("bot ready; setting up")
                await self._set_up()
                self._say("set up; people act, kills begin")
                self.acting = True
                people = [
                    asyncio.create_task(self._live(member), name=member.name)
                    for member in self.members
                ]
                await self._kill_loop()
                self.stopping = True
                self._say("last restart done; people finish")
                done, pending = await asyncio.wait(
                    people, timeout=self.config.patience * 4 + self.config.start_timeout
                )
                for task in pending:
                    task.cancel()
                for task in done:
                    task.result()  # a mistake in the harness shows here
                self._say("settling")
                await self._settle()
                self._say("stopping")
                code = await self.bot.stop()
                if code != 0:
                    self.failures.append(f"the last run stopped with exit code {code}")
                self._check()
            finally:
                self.emu.on_call = None
                if self.bot.alive:
                    self.bot.kill()
                    await self.bot.exited()
                await self.emu.stop_server()
        self.figures.wall_seconds = time.monotonic() - self.started
        return Outcome(
            self.figures, self.failures, self.bot.log, self.refused, self.lost_how.most_common()
        )

    async def _wait_ready(self) -> None:
        assert self.bot is not None
        try:
            await asyncio.wait_for(self.bot.ready.wait(), self.config.start_timeout)
        except TimeoutError:
            tail = "\n".join(self.bot.log[-20:])
            raise RuntimeError(
                f"the bot did not start within {self.config.start_timeout:g} s:\n{tail}"
            ) from None

    def _on_call(self, call: ApiCall) -> None:
        """Kill right after a confirmation went out (before the bot hears back), sometimes."""
        if not (self.armed and call.ok and self.kills_left > 0):
            return
        method = call.method.lower()
        if method not in SEND_METHODS | EDIT_METHODS or "uložen jako" not in _shown_text(call):
            return
        if self.hook_rng.random() < self.config.kill_on_confirmation:
            assert self.bot is not None
            self.armed = False
            if self.bot.kill():
                self.figures.kills_after_confirmation += 1

    async def _kill_loop(self) -> None:
        assert self.bot is not None
        await asyncio.sleep(self.config.calm)
        while self.kills_left > 0:
            if self.rng.random() < self.config.kill_while_starting and not self.bot.up:
                await asyncio.sleep(self.rng.uniform(0.05, 0.5))
                if self.bot.alive and not self.bot.up:
                    self.figures.kills_while_starting += 1
                self.bot.kill()
            else:
                await self._wait_ready()
                self.armed = True
                gap = self.rng.uniform(*self.config.kill_gap)
                assert self.bot.process is not None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(self.bot.process.wait()), gap)
                self.armed = False
                self.bot.kill()
            await self.bot.exited()
            self.kills_left -= 1
            self.figures.kills += 1
            up = (
                f"up {self.bot.kills[-1] - self.bot.ready_at:.2f} s"
                if self.bot.ready_at
                else "starting"
            )
            self._say(f"kill {self.figures.kills} (run {self.bot.runs}, {up})")
            self.figures.integrity_checks += 1
            verdict = integrity(self.db)
            if verdict != "ok":
                self.figures.integrity_failures += 1
                self.failures.append(f"integrity_check after kill {self.figures.kills}: {verdict}")
            await asyncio.sleep(self.rng.uniform(0.0, 0.2))  # down for a moment
            await self.bot.start()
        await self._wait_ready()
        self._say("ready after the last kill")

    async def _settle(self) -> None:
        """Until nothing waits: no update unconfirmed, no notice unsent, no call for a while."""
        deadline = time.monotonic() + self.config.settle
        quiet_since, seen = time.monotonic(), len(self.emu.calls)
        while time.monotonic() < deadline:
            await asyncio.sleep(0.25)
            if len(self.emu.calls) != seen:
                quiet_since, seen = time.monotonic(), len(self.emu.calls)
                continue
            if self.emu.pending_updates() or unsent_notices(self.db):
                continue
            if time.monotonic() - quiet_since >= 1.5:
                return

    # -- acting ------------------------------------------------------------------------------
    def _begin(self, member: Member) -> Step:
        step = Step(member.name, member.person.id, len(self.emu.calls))
        if member.last_step is not None:
            member.last_step.end = step.mark
        member.last_step = step
        self.steps.append(step)
        return step

    def _record(self, member: Member, step: Step, kind: str, label: str, what: str) -> Sent:
        update = self.emu.updates_sent[-1]
        query = update.get("callback_query")
        sent = Sent(
            int(update["update_id"]),
            member.name,
            member.person.id,
            kind,
            label,
            what,
            step,
            query_id=str(query["id"]) if query else None,
            at=time.monotonic(),
        )
        step.updates.append(sent)
        self.sent.append(sent)
        return sent

    async def _think(self, member: Member) -> None:
        if self.acting:
            await asyncio.sleep(member.rng.uniform(0, self.config.think))

    async def say(self, member: Member, text: str, expect: str, what: str) -> BotMessage:
        """Type ``text`` and wait for a message containing ``expect``."""
        await self._think(member)
        step = self._begin(member)
        seq = self.emu.seq
        await member.person.send(text)
        sent = self._record(member, step, "message", text, what)
        if member.rng.random() < self.config.redeliver:
            await self.emu.redeliver(sent.update_id)
            sent.redelivered += 1
        found = await self._wait(member, seq, expect, what)
        member.screen = found
        return found

    async def press(self, member: Member, button: str, expect: str, what: str) -> BotMessage:
        """Press ``button`` (exact text, or a unique part of it) on the screen the person looks
        at, and wait for a message (or the callback's answer) containing ``expect``."""
        await self._think(member)
        if member.screen is None:
            raise GaveUp(f"{what}: nothing to press {button!r} on")
        try:
            screen = self.emu.current(member.screen)
        except LookupError:
            raise GaveUp(f"{what}: the message with {button!r} is gone") from None
        return await self.press_on(member, screen, button, expect, what)

    async def press_on(
        self, member: Member, screen: BotMessage, button: str, expect: str, what: str
    ) -> BotMessage:
        flat = [b for row in screen.buttons for b in row if b.callback_data]
        chosen = [b for b in flat if b.text == button] or [b for b in flat if button in b.text]
        if len(chosen) != 1:
            raise GaveUp(f"{what}: no single button {button!r} in {[b.text for b in flat]}")
        data = chosen[0].callback_data
        assert data is not None
        step = self._begin(member)
        seq = self.emu.seq
        member.person.mark = seq
        await self.emu.press_callback(member.person, screen, data)
        sent = self._record(member, step, "press", button, what)
        self.figures.presses += 1
        if member.rng.random() < self.config.double_press:
            await asyncio.sleep(member.rng.uniform(0, 0.05))
            await self.emu.press_callback(member.person, screen, data)
            self._record(member, step, "press", button, what + " (double tap)")
            self.figures.presses += 1
            self.figures.double_presses += 1
        if member.rng.random() < self.config.redeliver:
            await self.emu.redeliver(sent.update_id)
            sent.redelivered += 1
        found = await self._wait(member, seq, expect, what, step.updates, screen)
        member.screen = found
        return found

    async def _wait(
        self,
        member: Member,
        seq: int,
        expect: str,
        what: str,
        presses: list[Sent] | None = None,
        screen: BotMessage | None = None,
    ) -> BotMessage:
        """A message in the person's chat, sent or edited after ``seq``, containing ``expect``;
        or, for ``presses``, the pressed ``screen`` once a press was answered with ``expect``.
        GaveUp after ``patience`` seconds in which the bot was up (in all)."""
        assert self.bot is not None
        sent_at = before = time.monotonic()
        waited = 0.0  # seconds the bot was up since the step
        while True:
            for message in self.emu.messages(member.person.id):
                if message.seq > seq and (
                    expect in message.text or any(expect in b for b in message.button_texts())
                ):
                    return message
            for press in presses or []:
                answer = self.emu.answered_queries.get(press.query_id or "")
                if answer is not None and expect in answer and screen is not None:
                    try:
                        return self.emu.current(screen)
                    except LookupError:
                        raise GaveUp(f"{what}: the pressed message is gone") from None
            if self.stopping:
                raise Stopping
            now = time.monotonic()
            if self.bot.up:
                waited += now - before
            before = now
            if waited > self.config.patience:
                raise GaveUp(f"{what}: no {expect!r}; {self._last_seen(member)}")
            if now - sent_at > self.config.patience * 4 + self.config.start_timeout:
                raise GaveUp(f"{what}: no {expect!r} (the bot was down)")
            await self.emu.wait_for_change(0.2)

    def _last_seen(self, member: Member) -> str:
        inbox = self.emu.messages(member.person.id)
        if not inbox:
            return "nothing seen yet"
        last = inbox[-1]
        return f"last seen {last.text[:80]!r} {last.button_texts()[:6]}"

    async def _live(self, member: Member) -> None:
        """Act until the run stops: one action after another, giving up an action when the bot
        does not answer (then /cancel, as a person would)."""
        actions = [self.report, self.report, self.support, self.comment, self.propose]
        actions.append(self.attend)
        while not self.stopping:
            action = member.rng.choice(actions)
            try:
                await action(member)
            except Stopping:
                return
            except (GaveUp, LookupError):
                self.figures.gave_up_steps += 1
                try:
                    await self.say(member, "/cancel", "", "cancel after giving up")
                except GaveUp:
                    self.figures.gave_up_steps += 1
                except Stopping:
                    return

    # -- actions -----------------------------------------------------------------------------
    def _unique(self, member: Member) -> str:
        """A number no other text of this run has ("3/7": the person's 7th)."""
        member.count += 1
        return f"{member.index}/{member.count}"

    async def report(self, member: Member) -> None:
        rng = member.rng
        n = self._unique(member)
        street = f"{rng.choice(STREETS)} {n}"
        description = (
            f"{rng.choice(PLACES).capitalize()} {rng.choice(TROUBLES)}, hlášení {n} "
            f"(běh {self.config.seed})."
        )
        team = rng.choice(member.teams)
        if len(member.teams) > 1:  # a person in two teams is asked which one first
            await self.say(member, "/report", "Kterého týmu", "report 0/7")
            await self.press(member, team, "Jaký je to problém", "report 1/7")
        else:
            await self.say(member, "/report", "Jaký je to problém", "report 1/7")
        await self.press(member, rng.choice(CATEGORIES), "Kde to je", "report 2/7")
        await self.say(member, street, "Popište problém", "report 3/7")
        await self.say(member, description, "Pošlete fotky", "report 4/7")
        await self.press(member, "Přeskočit", "Jak je to naléhavé", "report 5/7")
        await self.press(member, rng.choice(URGENCIES), "Zkontrolujte hlášení", "report 6/7")
        message = await self.press(member, "Odeslat", "uložen jako", "report 7/7")
        match = CONFIRMATION.search(message.text)
        if match:
            number = int(match.group(1))
            self.problems.setdefault(team, []).append(number)
            self.reports[number] = (member, description)

    def _problem(self, member: Member) -> int | None:
        known = self.problems.get(member.rng.choice(member.teams))
        return member.rng.choice(known) if known else None

    async def support(self, member: Member) -> None:
        number = self._problem(member)
        if number is None:
            return
        screen = await self.say(member, f"/problem {number}", f"#{number}", "support 1/2")
        buttons = screen.button_texts()
        proposals = [b for b in buttons if re.fullmatch(r"👍 \d+ \(\d+\)", b)]
        if proposals and member.rng.random() < 0.5:
            await self.press(member, member.rng.choice(proposals), f"#{number}", "support 2/2")
        elif any("Podpořit (" in b for b in buttons):
            await self.press(member, "Podpořit (", "Zrušit podporu", "support 2/2")

    async def comment(self, member: Member) -> None:
        number = self._problem(member)
        if number is None:
            return
        n = self._unique(member)
        text = f"Dnes ráno jsem tam byl znovu, stav se nezměnil (poznámka {n})."
        await self.say(member, f"/problem {number}", f"#{number}", "comment 1/3")
        await self.press(member, "Komentovat", "Napište komentář", "comment 2/3")
        await self.say(member, text, "byl uložen", "comment 3/3")

    async def propose(self, member: Member) -> None:
        number = self._problem(member)
        if number is None:
            return
        n = self._unique(member)
        text = f"Městská policie zařadí místo do ranních obchůzek (návrh {n})."
        await self.say(member, f"/propose {number}", "Navrhněte řešení", "propose 1/3")
        await self.say(member, text, "Která organizace", "propose 2/3")
        await self.press(member, "Nikdo konkrétní", "byl uložen", "propose 3/3")

    async def attend(self, member: Member) -> None:
        invitations = [m for m in member.person.inbox if "Pozvánka na schůzku" in m.text]
        if not invitations:
            return
        answer = member.rng.choice(ATTENDANCE)
        await self._think(member)
        await self.press_on(member, invitations[-1], answer, "Zapsáno", "attendance 1/1")

    # -- setting up (no kills yet) -----------------------------------------------------------
    async def _set_up(self) -> None:
        admin = Member(self.admin, [], True, random.Random(0), "Správce")
        names = iter(f"{a} {b}" for b in range(1, 100) for a in FIRST_NAMES)
        leads: list[Member] = []
        for index in range(self.config.teams):
            team = TEAM_NAMES[index % len(TEAM_NAMES)] + ("" if index < len(TEAM_NAMES) else "2")
            await self.say(admin, f"/newteam {team}", "byl založen", "setup: team")
            lead = await self._join(admin, team, next(names), coordinator=True, several=index > 0)
            for _ in range(self.config.members):
                await self._join(lead, team, next(names), coordinator=False, several=False)
            await self._schedule(lead)
            leads.append(lead)
        if len(leads) > 1 and self.config.members > 0:
            # a member of the last team is also a member of the first one
            first, other = leads[0], self.members[-1]
            await self.say(first, "/invite", "s rolí", "setup: invite")
            link = await self.press(first, "Člen", "start=", "setup: invite role")
            code = INVITE_LINK.search(link.text)
            assert code is not None, link.text
            await self.say(other, f"/start {code.group(1)}", "Hotovo", "setup: second team")
            other.teams.append(first.teams[0])
        # everybody has the invitation before the kills begin
        for member in self.members:
            await self._wait(member, 0, "Pozvánka na schůzku", "setup: invitation")

    async def _join(
        self, inviter: Member, team: str, name: str, *, coordinator: bool, several: bool
    ) -> Member:
        if several:
            await self.say(inviter, "/invite", "Do kterého týmu", "setup: invite")
            await self.press(inviter, team, "s rolí", "setup: invite team")
        else:
            await self.say(inviter, "/invite", "s rolí", "setup: invite")
        role = "Koordinátor" if coordinator else "Člen"
        link = await self.press(inviter, role, "start=", "setup: invite role")
        code = INVITE_LINK.search(link.text)
        assert code is not None, link.text
        person = self.emu.user(name.replace(" ", ""), last_name=None)
        member = Member(
            person,
            [team],
            coordinator,
            random.Random(self.rng.getrandbits(64)),
            name,
            index=len(self.members) + 1,
        )
        await self.say(member, f"/start {code.group(1)}", "Jak se jmenujete", "setup: join")
        await self.say(member, name, "Jaký typ organizace", "setup: name")
        await self.press(member, "Policie ČR (PČR)", "jak se jmenuje", "setup: org type")
        await self.say(member, f"OO PČR {team}", "Hotovo", "setup: org")
        self.members.append(member)
        return member

    async def _schedule(self, lead: Member) -> None:
        when = datetime.now(UTC) + timedelta(days=20)
        typed = f"{when.day}. {when.month}. {when.year} 14:00"
        await self.say(lead, "/meeting", "Naplánovat schůzku", "setup: meeting")
        await self.press(lead, "Naplánovat schůzku", "Kdy bude", "setup: meeting when")
        await self.say(lead, typed, "Rozumím", "setup: meeting date")
        await self.press(lead, "Ano", "Kde bude", "setup: meeting place")
        await self.say(lead, "Zasedačka úřadu", "Opakuje se", "setup: meeting repeat")
        await self.press(lead, "Ne, jednorázově", "Naplánovat a pozvat", "setup: meeting preview")
        await self.press(lead, "Naplánovat a pozvat", "naplánována", "setup: meeting done")

    # -- checking ----------------------------------------------------------------------------
    def _check(self) -> None:
        conn = read_only(self.db)
        try:
            self._check_updates(conn)
            self._check_reports(conn)
            self._check_duplicates(conn)
        finally:
            conn.close()
        refused = Counter(f"{c.method}: {c.error}"[:110] for c in self.emu.calls if not c.ok)
        self.figures.refused_calls = sum(refused.values())
        self.refused = refused.most_common()

    def _notices(self, conn: sqlite3.Connection) -> tuple[set[int], Counter[tuple[int, str]]]:
        """Indexes of the calls that sent notices, and how often each notice text went to
        each chat."""
        rows = conn.execute(
            "SELECT m.chat_id, m.message_id FROM outbox_messages m "
            "JOIN outbox o ON o.id = m.outbox_id WHERE o.kind != 'reply'"
        ).fetchall()
        recorded = {(int(chat), int(message)) for chat, message in rows}
        texts: set[tuple[int, str]] = set()
        sends: list[tuple[int, int, str]] = []
        for index, call in enumerate(self.emu.calls):
            if not call.ok or call.method.lower() not in SEND_METHODS:
                continue
            chat = _chat_of(call)
            if chat is None:
                continue
            key = _shown_text(call) + "\x00" + str(call.params.get("document", ""))
            sends.append((index, chat, key))
            if any((chat, m) in recorded for m in _message_ids(call)):
                texts.add((chat, key))
        notice_calls = {index for index, chat, key in sends if (chat, key) in texts}
        counts = Counter((chat, key) for index, chat, key in sends if index in notice_calls)
        return notice_calls, counts

    def _check_updates(self, conn: sqlite3.Connection) -> None:
        notice_calls, counts = self._notices(conn)
        self.figures.notices_sent = sum(counts.values())
        self.figures.notices_doubled = sum(n - 1 for n in counts.values())
        self.figures.notices_unsent = unsent_notices(self.db)
        screens: dict[int, list[int]] = {}  # chat -> indexes of answering sends and edits
        for index, call in enumerate(self.emu.calls):
            method = call.method.lower()
            if call.ok and method in SEND_METHODS | EDIT_METHODS and index not in notice_calls:
                chat = _chat_of(call)
                if chat is not None:
                    screens.setdefault(chat, []).append(index)
        end = len(self.emu.calls)
        self.figures.updates_sent = len(self.sent)
        self.figures.redelivered = sum(s.redelivered for s in self.sent)
        for sent in self.sent:
            step = sent.step
            window_end = step.end if step.end is not None else end
            answered = sent.query_id is not None and sent.query_id in self.emu.answered_queries
            if not answered:
                answered = any(step.mark <= i < window_end for i in screens.get(sent.chat_id, []))
            if answered:
                self.figures.updates_answered += 1
                continue
            self.figures.updates_lost += 1
            self.failures.append(self._describe_lost(sent))

    def _say(self, line: str) -> None:
        if self.progress is not None:
            self.progress(f"{time.monotonic() - self.started:7.2f} s  {line}")

    def _describe_lost(self, sent: Sent) -> str:
        assert self.bot is not None
        when = ""
        later = [(n, k) for n, k in enumerate(self.bot.kills, start=1) if k >= sent.at]
        if later:
            n, k = later[0]
            when = f"; kill {n} came {k - sent.at:.2f} s later"
        before = [
            m
            for m in self.emu.messages(sent.chat_id)
            if m.seq and self._call_index_of(m) < (sent.step.end or len(self.emu.calls))
        ]
        last = before[-1].text[:70].replace("\n", " ") if before else "(nothing)"
        kind = "message" if sent.kind == "message" else "press"
        after = ""
        for index in range(sent.step.mark, len(self.emu.calls)):
            call = self.emu.calls[index]
            if (
                _chat_of(call) == sent.chat_id
                and call.method.lower() in SEND_METHODS | EDIT_METHODS
            ):
                place = "in" if index < (sent.step.end or len(self.emu.calls)) else "after"
                shown = _shown_text(call)[:50].replace("\n", " ")
                after = f"; next in the chat ({place} its window): {call.method} {shown!r}"
                break
        return (
            f"update {sent.update_id} not answered: {sent.person}'s {kind} {sent.label!r} "
            f"({sent.what}){when}; {self._fetched(sent)}; last seen: {last!r}{after}"
        )

    def _fetched(self, sent: Sent) -> str:
        """When the bot fetched the update and confirmed it (asked for an offset past it)."""
        fetched = self.emu.fetched_at.get(sent.update_id)
        if fetched is None:
            self.lost_how["never fetched"] += 1
            return "never fetched"
        confirmed = self.emu.confirmed_at.get(sent.update_id)
        if confirmed is None:
            self.lost_how["fetched, never confirmed"] += 1
            return f"fetched {fetched - sent.at:.2f} s after it was sent, never confirmed"
        self.lost_how["fetched and confirmed"] += 1
        return (
            f"fetched {fetched - sent.at:.2f} s and confirmed {confirmed - sent.at:.2f} s "
            "after it was sent"
        )

    def _call_index_of(self, message: BotMessage) -> int:
        """The index of the call that sent ``message``."""
        if self._sent_by is None:
            self._sent_by = {}
            for index, call in enumerate(self.emu.calls):
                chat = _chat_of(call)
                if call.ok and chat is not None and call.method.lower() in SEND_METHODS:
                    for message_id in _message_ids(call):
                        self._sent_by[(chat, message_id)] = index
        return self._sent_by.get((message.chat_id, message.message_id), 0)

    def _check_reports(self, conn: sqlite3.Connection) -> None:
        confirmed: dict[int, int] = {}  # number -> chat it was confirmed to
        for call in self.emu.calls:
            if call.ok and call.method.lower() in SEND_METHODS | EDIT_METHODS:
                match = CONFIRMATION.search(
                    _shown_text(call).replace("<b>", "").replace("</b>", "")
                )
                chat = _chat_of(call)
                if match and chat is not None:
                    confirmed[int(match.group(1))] = chat
        self.figures.confirmed_reports = len(confirmed)
        for number, chat in sorted(confirmed.items()):
            rows = conn.execute(
                "SELECT reporter_id, description FROM problems WHERE id = ?", (number,)
            ).fetchall()
            expected = self.reports.get(number)
            problem = f"#{number} confirmed to chat {chat}"
            if len(rows) != 1:
                self.figures.confirmed_lost += 1
                self.failures.append(f"{problem} is not in the database")
                continue
            reporter, description = rows[0]
            if reporter != chat:
                self.figures.confirmed_lost += 1
                self.failures.append(f"{problem} is stored with reporter {reporter}")
            elif expected is not None and description != expected[1]:
                self.figures.confirmed_lost += 1
                self.failures.append(f"{problem} is stored with another description")
            else:
                (same,) = conn.execute(
                    "SELECT COUNT(*) FROM problems WHERE description = ?", (description,)
                ).fetchone()
                if same != 1:
                    self.figures.confirmed_lost += 1
                    self.failures.append(f"{problem} is stored {same} times")

    def _check_duplicates(self, conn: sqlite3.Connection) -> None:
        def count(sql: str) -> int:
            return int(conn.execute(sql).fetchone()[0])

        self.figures.problems = count("SELECT COUNT(*) FROM problems")
        self.figures.comments = count("SELECT COUNT(*) FROM problem_events WHERE kind = 'comment'")
        self.figures.proposals = count("SELECT COUNT(*) FROM proposals")
        self.figures.supports = count(
            "SELECT (SELECT COUNT(*) FROM problem_supporters) "
            "+ (SELECT COUNT(*) FROM proposal_supporters)"
        )
        self.figures.attendance = count("SELECT COUNT(*) FROM meeting_answers")
        checks = {
            "problem": "SELECT reporter_id, description, COUNT(*) FROM problems "
            "GROUP BY reporter_id, description HAVING COUNT(*) > 1",
            "comment": "SELECT problem_id, actor_id, text, COUNT(*) FROM problem_events "
            "WHERE kind = 'comment' GROUP BY problem_id, actor_id, text HAVING COUNT(*) > 1",
            "proposal": "SELECT problem_id, proposer_id, text, COUNT(*) FROM proposals "
            "GROUP BY problem_id, proposer_id, text HAVING COUNT(*) > 1",
            "problem support": "SELECT problem_id, user_id, COUNT(*) FROM problem_supporters "
            "GROUP BY problem_id, user_id HAVING COUNT(*) > 1",
            "proposal support": "SELECT proposal_id, user_id, COUNT(*) FROM proposal_supporters "
            "GROUP BY proposal_id, user_id HAVING COUNT(*) > 1",
            "attendance answer": "SELECT meeting_id, user_id, COUNT(*) FROM meeting_answers "
            "GROUP BY meeting_id, user_id HAVING COUNT(*) > 1",
        }
        for what, sql in checks.items():
            for row in conn.execute(sql).fetchall():
                self.figures.duplicates += int(row[-1]) - 1
                shown = ", ".join(str(v)[:60] for v in row[:-1])
                self.failures.append(f"duplicate {what} ({row[-1]} times): {shown}")


def unsent_notices(db: Path) -> int:
    """Outbox rows neither sent nor given up (0 if the database is not there yet)."""
    if not db.exists():
        return 0
    conn = read_only(db)
    try:
        (count,) = conn.execute(
            "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL"
        ).fetchone()
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()
    return int(count)


def midday_zone(now: datetime) -> str:
    """A fixed-offset zone where it is about midday at ``now`` (so no notice waits for the
    morning during a run)."""
    offset = 12 - now.astimezone(UTC).hour  # -11 .. +12
    if offset == 0:
        return "Etc/GMT"
    # the Etc zones count the other way round: Etc/GMT-2 is two hours ahead of UTC
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kills", type=int, nargs="?", default=100)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--teams", type=int, default=3)
    parser.add_argument("--members", type=int, default=4)
    parser.add_argument("--patience", type=float, default=6.0)
    parser.add_argument(
        "--calm", type=float, default=0.0, help="seconds of acting before the first kill"
    )
    parser.add_argument("--log", action="store_true", help="print the bot's output at the end")
    parser.add_argument("-v", "--verbose", action="store_true", help="print progress")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    calm = f", {args.calm:g} s calm first" if args.calm else ""
    print(f"crash run: {args.kills} kills{calm}, seed {seed}", flush=True)
    config = Config(
        kills=args.kills,
        seed=seed,
        teams=args.teams,
        members=args.members,
        patience=args.patience,
        calm=args.calm,
    )
    run = CrashRun(config)
    if args.verbose:
        run.progress = lambda line: print(line, file=sys.stderr, flush=True)
    outcome = asyncio.run(run.run())
    if args.log:
        print("\n".join(outcome.log))
    print(outcome.summary())
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    sys.exit(main())
