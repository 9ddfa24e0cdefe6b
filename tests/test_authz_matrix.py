"""The authorisation matrix: every command and every callback prefix the bot registers, tried by
seven people who stand in different relations to team Poruba's objects.

For each cell the table says ALLOWED or REFUSED. A refused cell must be answered with a
refusal (an alert for a press), change nothing in the database (the non-volatile tables of
``tests/test_forged_presses.snapshot``), send nothing to anyone but the presser, and show the
presser no marker text they may not see (a coordinators-only problem, another team's
problem, Poruba's content for an outsider). An allowed cell must not be refused, must not end
in "Něco se pokazilo" and must not make a Bot API call Telegram refuses; the same leak check
holds for it, and a row marked ``writes`` must change the database for the allowed roles.
Commands and callback patterns are discovered from the running application: a new command or
pattern without a row fails :func:`test_every_command_and_prefix_has_a_row`.

Adding a row is one line in ``COMMANDS`` or ``PRESSES``: the text or data (``{name}``
placeholders are filled from the world's ids, see ``World.ids``) and the roles allowed.

The world is built once for the module; a cell that changed the database is followed by a
restore of the database file as built (people, chats and ids stay), so no row sees another
row's change.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.domain.locality_card import key_hash
from bot.handlers.common import BadButton, explain
from bot.sandbox.emulator import TelegramEmulator
from bot.sandbox.people import Group, Person
from bot.scheduling.clock import FakeClock
from bot.services.errors import MeetingNotFound, NotAllowed, NotFound, NotMember, ProblemNotFound
from tests.conftest import START, BotHarness
from tests.documents import file_text
from tests.flows import invite_code, make_team, report
from tests.test_forged_presses import snapshot
from tests.test_meetings import schedule
from tests.test_tasks import new_task

# --- the roles -------------------------------------------------------------------------------

STRANGER = "stranger"  # wrote /start, in no team
OTHER_MEMBER = "other_member"  # Zdena, a member of Jih
OTHER_COORD = "other_coordinator"  # Karel, Jih's coordinator
REMOVED = "removed"  # Rudolf, removed from Poruba
MEMBER = "member"  # Olga, a member of Poruba (reporter of #1 and author of its proposal)
COORD = "coordinator"  # Petra, Poruba's coordinator
ADMIN = "administrator"
ROLES = (STRANGER, OTHER_MEMBER, OTHER_COORD, REMOVED, MEMBER, COORD, ADMIN)

#: who may: the shorthands the table is written in
ANYONE = frozenset(ROLES)
PORUBA = frozenset({MEMBER, COORD, ADMIN})
PORUBA_COORD = frozenset({COORD, ADMIN})
ADMIN_ONLY = frozenset({ADMIN})
IN_A_TEAM = frozenset({OTHER_MEMBER, OTHER_COORD, MEMBER, COORD, ADMIN})
A_COORD = frozenset({OTHER_COORD, COORD, ADMIN})
JIH = frozenset({OTHER_MEMBER, OTHER_COORD, ADMIN})
REPORTER = frozenset({MEMBER})  # Olga reported #1

#: the first steps of two dialogues, for the buttons of their later steps
NEW_MEETING = ("@mt:n:{poruba}", "16.12. 14:00")
NEW_TASK = ("@tk:n:1", "Zajistit osvetleni u skoly")
#: a report at #1's place: Poruba's reporters are offered #1, Jih's are offered Jih's #4
SIMILAR = ("/report", "@rp:t:{poruba}", "@rp:c:addiction", "Zárubecká 12")

# --- the markers: text only some may see ---------------------------------------------------

OPEN_TEXT = "PORUBSKEHLASENI o kole u skoly"
COMMENT = "PORUBSKYKOMENTAR doplnuji k hlaseni"
PROPOSAL = "PORUBSKYNAVRH mestska policie zaradi misto do obchuzek"
SECRET_TEXT = "TAJNEHLASENI policie o skupine u garazi"
SECRET_PLACE = "Confaulice 7"
JIH_TEXT = "JIHOVETAJNE hlaseni z Hrabuvky"
JIH_PLACE = "Hrabůvka Tajná 9"
#: marker → the roles that may see it
MARKERS = {
    OPEN_TEXT: PORUBA,
    COMMENT: PORUBA,
    PROPOSAL: PORUBA,
    SECRET_TEXT: PORUBA_COORD,
    SECRET_PLACE: PORUBA_COORD,
    JIH_TEXT: JIH,
    JIH_PLACE: JIH,
}
BROKEN = "Něco se pokazilo"


@dataclass(frozen=True)
class Row:
    """One probe: a command (``/...``) or callback data, with the roles allowed to do it.

    ``where="group"``: sent or pressed in a second group that Petra asked to link.
    ``setup``: what the presser does first, within the same cell (for a button that belongs
    to a dialogue): ``/command``, ``@callback-data`` or a typed answer. ``writes``: for the
    allowed roles the cell must change the database."""

    probe: str
    allowed: frozenset[str]
    where: str = "private"
    setup: tuple[str, ...] = ()
    #: an allowed press or command must change the database (so ALLOWED is not vacuous)
    writes: bool = False


# --- the table -------------------------------------------------------------------------------
# Placeholders: {poruba} {jih} team ids, {olga} {jan} {petra} {karel} {rudolf} user ids,
# {meeting} Poruba's meeting, {task} Jan's task on #1, {proposal} Olga's proposal on #1,
# {invite} a pending Poruba invite. Problems: #1 Poruba (Olga), #2 Poruba coordinators only
# (Petra), #3 Jih (Karel).

COMMANDS = [
    Row("/start", ANYONE),
    Row("/help", ANYONE),
    Row("/lang", ANYONE),
    Row("/settings", ANYONE),
    Row("/cancel", ANYONE),
    Row("/profile", IN_A_TEAM),
    Row("/mydata", ANYONE),
    Row("/report", IN_A_TEAM),
    Row("/problems", IN_A_TEAM),
    Row("/problem 1", PORUBA),
    Row("/problem 2", PORUBA_COORD),
    Row("/problem 3", JIH),
    Row("/propose 1", PORUBA),
    Row("/propose 2", PORUBA_COORD),
    Row("/locality", IN_A_TEAM),
    Row("/locality zarubecka 12", IN_A_TEAM),  # each team's own Zárubecká 12 (#1, or Jih's #4)
    Row("/meeting", IN_A_TEAM),
    Row("/agenda", IN_A_TEAM),
    Row("/minutes", A_COORD),
    Row("/documents", A_COORD),
    Row("/tasks", ANYONE),  # outsiders: "no open tasks"
    Row("/members", IN_A_TEAM),
    Row("/invite", A_COORD),
    Row("/invites", A_COORD),
    Row("/team", A_COORD),
    Row("/leave", IN_A_TEAM - ADMIN_ONLY),  # the administrator is in no team
    Row("/teams", ADMIN_ONLY),
    Row("/newteam Nový tým", ADMIN_ONLY, writes=True),
    Row("/admins", ADMIN_ONLY),
    Row("/erase {jan}", ADMIN_ONLY),
    Row("/audit", ADMIN_ONLY),
    Row("/export", A_COORD),
    Row("/export vše xlsx", A_COORD),  # coordinators get the file; the administrator a picker
    Row("/stats", IN_A_TEAM),
    Row("/stats Q5 2026", ANYONE),  # a bad period is explained before anything is looked up
    Row("/linkgroup", A_COORD, where="group"),  # a coordinator links a new group to their team
    Row("/linkgroup", PORUBA_COORD, where="linked"),
]

PRESSES = [
    Row("lang:cs", ANYONE),
    Row("se:v", ANYONE),
    Row("se:l:cs", ANYONE),
    Row("se:d", IN_A_TEAM),  # the digest: members of a team and administrators
    Row("se:dd:2", IN_A_TEAM, writes=True),
    Row("se:dt:0800", IN_A_TEAM, writes=True),
    Row("se:dt:x", IN_A_TEAM),
    Row("se:do:off", IN_A_TEAM, writes=True),
    Row("se:m", frozenset()),  # muting is for a person in several teams: none here
    Row("se:mt:{poruba}:off", frozenset()),
    Row("adm:add:0", ADMIN_ONLY),
    Row("adm:l:0", ADMIN_ONLY),
    Row("au:p:0:{poruba}:30:0", ADMIN_ONLY),
    Row("au:c:0:0:0:0", ADMIN_ONLY),  # the CSV export (its audit row is not in the snapshot)
    Row("pd:ok:0123456789", ANYONE),  # "save anyway" with no held text: says the step ended
    Row("prof:name", IN_A_TEAM),
    Row("org:PCR", ANYONE),
    Row("tm:v:{poruba}", ADMIN_ONLY),
    Row("tm:rn:{poruba}", ADMIN_ONLY),
    Row("tm:ar:{poruba}", ADMIN_ONLY),
    Row("tm:ak:{poruba}", ADMIN_ONLY, writes=True),
    Row("inv:t:{poruba}", PORUBA_COORD),
    Row("inv:r:{poruba}:m", PORUBA_COORD, writes=True),
    Row("inv:r:{poruba}:c", PORUBA_COORD, writes=True),
    Row("inv:x:{poruba}:{invite}", PORUBA_COORD, writes=True),
    Row("inv:c", ANYONE),
    Row("inv:b", A_COORD),
    Row("mem:t:{poruba}", PORUBA),
    Row("mem:x", ANYONE),  # closes the team picker, nothing to protect
    Row("mem:u:{poruba}:{jan}", PORUBA_COORD),
    Row("mem:role:{poruba}:{jan}:c", PORUBA_COORD, writes=True),
    Row("mem:rm:{poruba}:{jan}", PORUBA_COORD),
    Row("mem:rmok:{poruba}:{jan}", PORUBA_COORD, writes=True),
    Row("lg:{poruba}", PORUBA_COORD, where="group"),
    Row("lgm:{poruba}", PORUBA_COORD, where="group", writes=True),
    Row("rp:t:{poruba}", IN_A_TEAM),
    Row("rp:sup:1", IN_A_TEAM),
    Row("rp:sup:1", PORUBA, setup=SIMILAR, writes=True),  # offered #4, Jih forges Poruba's #1
    Row("rp:sup:2", PORUBA_COORD, setup=SIMILAR, writes=True),  # offered #1, a member forges #2
    Row("pl:0:-", IN_A_TEAM),
    Row("pf:m:-", IN_A_TEAM),
    Row("pb:v:1", PORUBA),
    Row("pb:v:2", PORUBA_COORD),
    Row("pb:v:3", JIH),
    Row("pb:hi:1", PORUBA),
    Row("pb:hi:2", PORUBA_COORD),
    Row("pb:ph:1", PORUBA),
    Row("pb:sp:1:1", PORUBA, writes=True),
    Row("pb:sp:2:1", PORUBA_COORD, writes=True),
    Row("pb:cm:1", PORUBA),
    Row("pb:cm:2", PORUBA_COORD),
    Row("pb:pr:2", PORUBA_COORD),
    Row("pb:co:1", PORUBA_COORD),
    Row("pb:st:1", PORUBA_COORD),
    Row("pb:st:1:solved:y", PORUBA_COORD, writes=True),
    Row("pb:cf:1:c:y", PORUBA_COORD, writes=True),
    Row("pb:cf:2:t:y", PORUBA_COORD, writes=True),
    Row("pb:ld:1", PORUBA_COORD),
    Row("pb:dp:1:2", PORUBA_COORD, setup=("@pb:dp:1",), writes=True),
    Row("pb:mv:1:{jih}:y", frozenset({ADMIN}), writes=True),
    Row("pb:tk:1", PORUBA_COORD),
    Row("lc:p:1", PORUBA),  # the locality card of a problem's locality
    Row("lc:p:2", PORUBA_COORD),
    Row("lc:p:3", JIH),
    Row("lc:v:{poruba}:" + key_hash("zarubecka 12"), PORUBA),
    Row("lc:v:{poruba}:" + key_hash("confaulice 7"), PORUBA_COORD),  # only #2 is filed there
    Row("rd:l:1", PORUBA),  # the texts one may edit: the author (Olga) and the coordinators
    # redact the comment on #1 (a description's redaction also edits notices already sent,
    # which a world restored between cells cannot keep in step with the chats)
    Row("rd:r:c:{comment}:y", PORUBA_COORD, writes=True),
    Row("pb:tk:2", PORUBA_COORD),
    Row("pb:mv:1", PORUBA_COORD),
    Row("pb:wd:1:y", REPORTER, writes=True),
    Row("pp:sp:{proposal}:1", PORUBA, writes=True),
    Row("pp:ok:{proposal}", PORUBA_COORD, writes=True),
    Row("pp:no:{proposal}", PORUBA_COORD),
    Row(
        "prr:MPO",
        PORUBA,
        setup=("/propose 1", "Asistenti prevence budou u skoly kazde rano."),
        writes=True,
    ),
    Row("ts:t:{poruba}", PORUBA_COORD),
    Row("ts:g:{poruba}:0", PORUBA_COORD, writes=True),
    Row("ts:a:{poruba}", PORUBA_COORD),
    Row("tt:v:{poruba}", PORUBA_COORD),
    Row("tt:r:{poruba}", PORUBA_COORD),
    Row("tt:q:{poruba}", PORUBA_COORD),
    Row("mt:t:{poruba}", PORUBA),
    Row("mt:v:{meeting}", PORUBA),
    Row("mt:i:{meeting}", PORUBA),
    Row("mt:a:{meeting}", PORUBA_COORD),
    Row("mt:n:{poruba}", PORUBA_COORD),
    Row("mt:m:{meeting}", PORUBA_COORD),
    Row("mt:p:{meeting}", PORUBA_COORD),
    Row("mt:x:{meeting}", PORUBA_COORD),
    Row("mt:xo:{meeting}", PORUBA_COORD, writes=True),
    Row("ma:{meeting}:yes", PORUBA, writes=True),
    Row("mg:ok", PORUBA_COORD, setup=NEW_MEETING),
    Row(
        "mg:save",
        PORUBA_COORD,
        setup=(*NEW_MEETING, "@mg:ok", "Zasedačka", "@mg:r:none"),
        writes=True,
    ),
    Row("ag:t:{poruba}", PORUBA),
    Row("ag:p:{meeting}", PORUBA),
    Row("ag:w:{meeting}", PORUBA_COORD),  # the agenda as DOCX
    Row("ag:s:{meeting}", PORUBA_COORD),  # the attendance sheet
    Row("ag:e:{meeting}:0", PORUBA_COORD),
    Row("ag:r:{meeting}:1", PORUBA_COORD, writes=True),
    Row("ag:a:{meeting}", PORUBA_COORD),
    Row("ag:u:{meeting}:1", PORUBA_COORD),
    Row("ag:z:{meeting}", PORUBA_COORD),
    Row("tk:l:a", frozenset({OTHER_COORD, COORD})),  # a coordinator by membership
    Row("tk:l:m", ANYONE),
    Row("tk:v:{task}", PORUBA_COORD),
    Row("tk:d:{task}", PORUBA_COORD, writes=True),
    Row("tk:b:{task}", PORUBA_COORD, writes=True),
    Row("tk:r:{task}", PORUBA_COORD),
    Row("tk:t:{task}", PORUBA_COORD),
    Row("tkr:{task}:{olga}", PORUBA_COORD, writes=True),
    Row("tko:{olga}", PORUBA_COORD, setup=NEW_TASK),
    Row("tkc:ok", PORUBA_COORD, setup=(*NEW_TASK, "@tko:{olga}", "15.12."), writes=True),
    Row("ss:y:1", REPORTER),  # #1 is not solved: "someone has already decided this"
    Row("mn:t:{poruba}", PORUBA_COORD),
    Row("mn:w:{meeting}", PORUBA_COORD),
    Row("mn:x:{meeting}", PORUBA_COORD),
    Row("mn:p:{meeting}:{olga}", PORUBA_COORD),
    Row("mn:f:{meeting}", PORUBA_COORD),
    Row("dc:t:{poruba}", PORUBA_COORD),
    Row("dc:l:{poruba}:0", PORUBA_COORD),
    Row("dc:m:{meeting}", PORUBA_COORD),  # a meeting not yet held: no zápis button
    Row("dc:c", ANYONE),  # closes the team picker, nothing to protect
    # no minutes yet: the coordinator is shown the meeting's screen saying so; a held
    # meeting's documents per role are in tests/test_zapis.py
    Row("dc:g:{meeting}:z:p", PORUBA_COORD),
    Row("dc:g:{meeting}:a:p", PORUBA_COORD),  # the agenda and the attendance sheet: audited
    Row("dc:g:{meeting}:a:d", PORUBA_COORD),
    Row("dc:g:{meeting}:s:p", PORUBA_COORD),
    Row("gs:l:{meeting}:m", PORUBA_COORD),
    Row("gs:a:{meeting}:m", PORUBA_COORD),
    Row("prv:l:{poruba}", frozenset({MEMBER, COORD})),  # one leaves only a team one is in
    Row("prv:lok:{poruba}", frozenset({MEMBER, COORD}), writes=True),
    Row("prv:x:{jan}", ADMIN_ONLY),
    Row("prv:x:{karel}", frozenset({OTHER_COORD, ADMIN})),  # his own data, or the admin
    Row("prv:e:{jan}", ADMIN_ONLY),
    Row("prv:eok:{jan}", ADMIN_ONLY, writes=True),
    Row("prv:no:0", ANYONE),
    Row("ex:s:p:{poruba}:a:-", PORUBA_COORD),
    Row("ex:t:p:-:a:-", A_COORD),
    Row("ex:x:p:{poruba}:a:sa", PORUBA_COORD),  # the XLSX (its audit row is not in the snapshot)
    Row("ex:c:m:{poruba}:a:-", PORUBA_COORD),
    Row("ex:x:t:0:a:-", ADMIN_ONLY),  # the whole city
    Row("st:{poruba}:a", PORUBA),  # a member sees open counts, a coordinator everything
    Row("st:{poruba}:q20263", PORUBA),
    Row("st:{jih}:y2026", JIH),
    Row("st:c:a", ADMIN_ONLY),  # the whole city
    Row("st:p:a", IN_A_TEAM),  # the team picker
    Row("st:x", ANYONE),  # closes the picker
    Row("dlg:cancel", ANYONE),
    Row("dlg:back", ANYONE),
]

# --- the world -------------------------------------------------------------------------------


class World:
    """Poruba (coordinator Petra, members Olga and Jan; Rudolf removed), Jih (coordinator
    Karel, member Zdena), the stranger Eva, the administrator; #1 with a comment and a
    proposal, #2 for coordinators only, Jih's #3, a meeting with its agenda, Jan's task on #1,
    a linked group, a second group waiting for a link to move, a pending invite."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.builds = 0
        self.restores = 0
        self.pristine = base / "pristine.db"
        self.harness: BotHarness | None = None
        self.people: dict[str, Person] = {}
        self.ids: dict[str, int] = {}
        self.spare_group: Group | None = None
        self.linked_group: Group | None = None

    async def build(self) -> None:
        await self.close()
        self.builds += 1
        clock = FakeClock(START)
        emu = TelegramEmulator(clock=clock.now)
        admin = emu.user("Správce", last_name="Města")
        folder = self.base / f"world{self.builds}"
        folder.mkdir()
        bot = BotHarness(emu, clock, folder / "mdt.db", admin)
        await bot.start()
        self.harness = bot
        petra, olga, jan, rudolf = await make_team(bot, "Poruba", "Petra", "Olga", "Jan", "Rudolf")
        karel, zdena = await make_team(bot, "Jih", "Karel", "Zdena")
        eva = bot.person("Eva")
        await eva.send("/start")
        await report(olga, description=OPEN_TEXT)
        await jan.send("/problem 1")
        await jan.press("💬 Komentovat")
        await jan.send(COMMENT)
        await olga.send("/propose 1")
        await olga.send(PROPOSAL)
        await olga.press("Městská policie (MPO)")
        await report(petra, locality=SECRET_PLACE, description=SECRET_TEXT, send=False)
        await petra.press("🔒 Jen pro koordinátory")
        await petra.press("✅ Odeslat")
        await report(karel, locality=JIH_PLACE, description=JIH_TEXT)
        await report(zdena, description="Na zastávce u Zárubecké leží stříkačky.")  # #4
        await schedule(petra)
        await new_task(petra)
        group = bot.emu.group("MDT Poruba")
        await petra.add_bot_to(group)
        await petra.send_to(group, "/linkgroup")
        spare = bot.emu.group("Sousedská skupina")
        await petra.add_bot_to(spare)
        await petra.send_to(spare, "/linkgroup")
        assert "lgm:" in str(spare.messages[-1].buttons), spare.messages[-1].text
        for person in (olga, jan, rudolf, karel, zdena, eva, admin):
            spare.add_member(person)
            group.add_member(person)
        self.spare_group = spare
        self.linked_group = group
        await invite_code(petra, team="Poruba")  # stays pending
        await petra.send("/members")
        await petra.press("Rudolf Členová")
        await petra.press("Odebrat z týmu")
        await petra.press("Ano, odebrat")
        assert "Odebrán" in petra.last().text, petra.last().text
        self.people = {
            STRANGER: eva,
            OTHER_MEMBER: zdena,
            OTHER_COORD: karel,
            REMOVED: rudolf,
            MEMBER: olga,
            COORD: petra,
            ADMIN: admin,
        }
        self.ids = await self._ids(
            {"olga": olga, "jan": jan, "petra": petra, "karel": karel, "rudolf": rudolf}
        )
        await bot.stop()  # the database file as built, to go back to after a change
        self.pristine = bot.db_path.with_name("pristine.db")
        shutil.copyfile(bot.db_path, self.pristine)
        await bot.start()

    async def restore(self) -> None:
        """Back to the world as built: the same people and chats, the database as it was."""
        self.restores += 1
        bot = self.bot
        await bot.stop()
        for path in bot.db_path.parent.glob(bot.db_path.name + "*"):
            path.unlink()
        shutil.copyfile(self.pristine, bot.db_path)
        await bot.start()

    async def _ids(self, people: dict[str, Person]) -> dict[str, int]:
        bot = self.bot
        ids = {name: person.id for name, person in people.items()}
        async with bot.db.read() as repos:
            teams = {team.name: team.id for team in await repos.teams.list_all()}
            ids["poruba"], ids["jih"] = teams["Poruba"], teams["Jih"]
            (proposal,) = await repos.proposals.for_problem(ids["poruba"], 1)
            ids["proposal"] = proposal.id
            conn = repos.problems.conn
            for name, sql in (
                ("meeting", "SELECT id FROM meetings ORDER BY id LIMIT 1"),
                ("task", "SELECT id FROM tasks ORDER BY id LIMIT 1"),
                ("invite", "SELECT id FROM invites ORDER BY id DESC LIMIT 1"),
                ("comment", "SELECT MIN(id) FROM problem_events WHERE kind = 'comment'"),
            ):
                async with conn.execute(sql) as cur:
                    row = await cur.fetchone()
                assert row is not None, name
                ids[name] = int(row[0])
        return ids

    @property
    def bot(self) -> BotHarness:
        assert self.harness is not None
        return self.harness

    async def close(self) -> None:
        if self.harness is not None:
            await self.harness.stop()
            self.harness = None


# --- one cell --------------------------------------------------------------------------------


@dataclass
class Outcome:
    refused: bool
    said: str  # the answer or reply, for the failure report
    seen: str  # everything the presser received
    changed: set[str]
    failed_calls: list[str]
    elsewhere: list[str]  # Bot API calls that reached someone other than the presser
    answered: bool
    alert: bool


def refusals(bot: BotHarness) -> list[str]:
    """The polite refusals, in the presser's language."""
    t = bot.context().translator_for("cs")
    errors: list[Exception] = [
        NotMember("x"),
        NotAllowed("x"),
        MeetingNotFound("x"),
        NotFound("x"),
        BadButton("x"),
        *(ProblemNotFound(n) for n in (1, 2, 3)),
    ]
    return [explain(t, error) for error in errors] + [
        t._("You are not a member of any team."),
        t._(  # /export for a member or a stranger
            "Exports are for the coordinators of a team and for the city administrators. "
            "Your coordinator can export what you need."
        ),
        t._(  # /linkgroup in another team's group
            "This group belongs to the team {team}; only its coordinators can link "
            "it to another team.",
            team="Poruba",
        ),
    ]


def received(messages: list[Any], since: int) -> str:
    parts = []
    for message in messages:
        if message.seq <= since:
            continue
        parts.append(message.text)
        parts += message.button_texts()
        document = message.document
        if document is not None:
            parts.append(file_text(document.data))
    return "\n".join(parts)


async def run_cell(world: World, row: Row, role: str) -> Outcome:
    bot = world.bot
    person = world.people[role]
    probe = row.probe.format(**world.ids)
    group = {"group": world.spare_group, "linked": world.linked_group}.get(row.where)
    before = await snapshot(bot)
    mark = bot.emu.seq
    calls = len(bot.emu.calls)
    for step in row.setup:
        step = step.format(**world.ids)
        if step.startswith("@"):
            await person.press_data(step[1:])
        else:
            await person.send(step)
    answer = None
    if probe.startswith("/"):
        if group is not None:
            await person.send_to(group, probe)
        else:
            await person.send(probe)
    else:
        message = None
        if group is not None:
            message = next(m for m in reversed(group.messages) if m.buttons)
        answer = await person.press_data(probe, message=message)
    await bot.app.bot_data.outbox.settle()
    after = await snapshot(bot)
    messages = list(group.messages) if group is not None else person.inbox
    seen = received(messages, mark)
    new = [m for m in messages if m.seq > mark]
    reply = new[-1].text if new else ""
    said = answer.text if answer is not None else reply
    if answer is not None:
        seen += "\n" + answer.text
    texts = refusals(bot)
    if probe.startswith("/"):
        refused = any(reply.startswith(text[:40]) for text in texts)
    else:
        refused = answer is not None and answer.show_alert and answer.text in texts
    own_chat = group.id if group is not None else person.id
    elsewhere = []
    failed = []
    for call in bot.emu.calls[calls:]:
        if not call.ok:
            failed.append(f"{call.method}: {call.error}")
        chat = call.params.get("chat_id")
        if chat is not None and int(chat) != own_chat:
            elsewhere.append(f"{call.method} to {chat}: {str(call.params.get('text'))[:60]}")
    return Outcome(
        refused=refused,
        said=said.replace("\n", " ")[:90],
        seen=seen,
        changed={t for t in before if before[t] != after.get(t)},
        failed_calls=failed,
        elsewhere=elsewhere,
        answered=answer is not None,
        alert=answer is not None and answer.show_alert,
    )


def judge(row: Row, role: str, outcome: Outcome) -> list[str]:
    """What is wrong with the cell, if anything."""
    wrong = []
    allowed = role in row.allowed
    is_press = not row.probe.startswith("/")
    if BROKEN in outcome.seen:
        wrong.append("broke")
    if outcome.failed_calls:
        wrong.append(f"Telegram refused {outcome.failed_calls}")
    if is_press and not outcome.answered:
        wrong.append("press not answered")
    for marker, may_see in MARKERS.items():
        if role not in may_see and marker in outcome.seen:
            wrong.append(f"leaked {marker!r}")
    if allowed and outcome.refused:
        wrong.append(f"refused: {outcome.said!r}")
    if allowed and row.writes and not outcome.changed:
        wrong.append(f"allowed, yet nothing changed: {outcome.said!r}")
    if not allowed:
        if not outcome.refused:
            wrong.append(f"not refused: {outcome.said!r}")
        if is_press and not outcome.alert:
            wrong.append("refused without an alert")
        if outcome.changed:
            wrong.append(f"changed {sorted(outcome.changed)}")
        if outcome.elsewhere:
            wrong.append(f"sent elsewhere {outcome.elsewhere}")
    return wrong


# --- the tests -------------------------------------------------------------------------------


def discovered(app: Any) -> tuple[set[str], list[str]]:
    """The commands and the callback patterns (regex source, in dispatch order) registered."""
    commands: set[str] = set()
    patterns: list[str] = []
    for handlers in app.handlers.values():
        for handler in handlers:
            if isinstance(handler, CommandHandler):
                commands |= set(handler.commands)
            elif isinstance(handler, CallbackQueryHandler):
                pattern = handler.pattern
                if pattern is None:
                    continue  # the catch-all for unknown buttons
                patterns.append(pattern if isinstance(pattern, str) else pattern.pattern)
    return commands, patterns


def first_pattern(patterns: list[str], data: str) -> str | None:
    return next((p for p in patterns if re.match(p, data)), None)


SAMPLE_IDS = dict.fromkeys(
    ["poruba", "jih", "olga", "jan", "petra", "karel", "rudolf", "meeting", "task", "proposal",
     "invite", "comment"], 7,
)  # fmt: skip


async def test_every_command_and_prefix_has_a_row(bot):
    commands, patterns = discovered(bot.app)
    covered_commands = {row.probe[1:].split()[0] for row in COMMANDS}
    assert not commands - covered_commands, f"commands without a row: {commands - covered_commands}"
    assert not covered_commands - commands, f"rows for no command: {covered_commands - commands}"
    hit = {first_pattern(patterns, row.probe.format(**SAMPLE_IDS)) for row in PRESSES}
    assert None not in hit, [
        r.probe for r in PRESSES if first_pattern(patterns, r.probe.format(**SAMPLE_IDS)) is None
    ]
    missing = [p for p in patterns if p not in hit]
    assert not missing, f"callback patterns without a row: {missing}"
    assert all(len(row.probe.format(**SAMPLE_IDS).encode()) <= 64 for row in PRESSES)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    """Built once for the module; each role starts from the database as built."""
    built = World(tmp_path_factory.mktemp("matrix"))
    await built.build()
    try:
        yield built
    finally:
        await built.close()


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("role", ROLES)
async def test_authorisation_matrix(world: World, role: str) -> None:
    await world.restore()
    restores = world.restores
    problems: list[str] = []
    for row in COMMANDS + PRESSES:
        outcome = await run_cell(world, row, role)
        wrong = judge(row, role, outcome)
        if wrong:
            problems.append(f"{row.probe} as {role}: {'; '.join(wrong)}")
        if outcome.changed:
            await world.restore()  # an allowed change: the next row starts from the world
        else:  # a dialogue the press may have begun ends; nothing else was changed
            await world.bot.app.bot_data.services.dialogues.finish(world.people[role].id)
    cells = len(COMMANDS) + len(PRESSES)
    print(f"{role}: {cells} cells, {world.restores - restores} restores")
    assert not problems, "\n".join(problems)
