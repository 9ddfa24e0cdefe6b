"""A year of plausible history for the demo: problems in Ostrava's localities, monthly meetings
with minutes, tasks, solved problems, so that ``/stats`` shows something at once.

Simulated in Python with a fixed seed (the same demo every time), then written in one
transaction through :class:`bot.storage.history.HistoryRepo` with the times things happened.
Open problems of the history are never acute and none is about addiction at "Zátiší u
koupaliště" (the demo's present-day problems are, and the sandbox's walkthrough relies on it).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.minutes import Outcome
from bot.domain.models import OrgType, Role
from bot.domain.problems import OPEN_STATUSES, Category, Status, Urgency
from bot.domain.tasks import TaskStatus
from bot.services.text import name_key
from bot.storage.db import Database
from bot.storage.history import PastMeeting, PastMinutesItem, PastProblem, PastTask

#: the localities of each team (Poruba's named ones come from the demo itself)
LOCALITIES: dict[str, list[str]] = {
    "Moravská Ostrava a Přívoz": [
        "Přednádraží", "Palackého", "Stodolní", "Husův sad", "Hlavní nádraží", "Komenského sady",
    ],
    "Mariánské Hory a Hulváky": [
        "Bedřiška", "Hulváky – Hulvácká", "Mariánské náměstí", "Přemyslovců", "Karasova",
    ],
    "Vítkovice": ["Sirotčí", "Erenburgova", "Halasova", "Mírové náměstí", "Jeremenkova"],
    "Poruba": ["Opavská – obchodní centrum", "Francouzská", "Dubina – Horní náměstí",
               "Hlavní třída – oblouk", "Nádraží Poruba"],
    "Jih": ["Hrabůvka – Horní", "Zábřeh – Výškovická", "Dubina – Horymírova", "Bělský les",
            "Hrabůvka – Mjr. Nováka"],
    "Slezská Ostrava": ["Zárubek", "Bukovanského", "Muglinov", "Heřmanice", "Hladnovská"],
    "Kunčičky": ["Škrobálkova", "Holvekova", "Bohumínská", "Vratimovská"],
}  # fmt: skip

#: where each team meets
PLACES = {
    "Moravská Ostrava a Přívoz": "ÚMOb Moravská Ostrava a Přívoz, zasedačka 1",
    "Mariánské Hory a Hulváky": "ÚMOb Mariánské Hory a Hulváky, malý sál",
    "Vítkovice": "ÚMOb Vítkovice, zasedací místnost",
    "Poruba": "Radnice Poruba, zasedačka 2",
    "Jih": "ÚMOb Jih, Horní 791/3",
    "Slezská Ostrava": "ÚMOb Slezská Ostrava, zasedačka",
    "Kunčičky": "Komunitní centrum Kunčičky",
}

DESCRIPTIONS: dict[Category, list[str]] = {
    Category.ADDICTION: [
        "V křoví u lokality {place} leží použité injekční stříkačky, našli jsme jich přes deset. "
        "Chodí tudy děti do školy.",
        "Ve vchodech domů v lokalitě {place} se večer schází uživatelé drog, obyvatelé "
        "nacházejí stříkačky na schodech.",
        "U obchodu v lokalitě {place} se prodává alkohol nezletilým, prodavači nekontrolují věk.",
        "Opuštěný objekt v lokalitě {place} slouží jako doupě, uvnitř jsou stopy po užívání drog.",
    ],
    Category.YOUTH: [
        "Po 21. hodině se v lokalitě {place} schází skupina asi patnácti mladistvých, pijí "
        "alkohol a ničí lavičky.",
        "Děti z lokality {place} dlouhodobě nechodí do školy, škola hlásí vysoké absence.",
        "Na hřišti v lokalitě {place} dochází k šikaně mladších dětí staršími, rodiče se bojí.",
        "Mladiství v lokalitě {place} sprejují na fasády a ničí zastávku MHD.",
    ],
    Category.PUBLIC_ORDER: [
        "Černá skládka za domy v lokalitě {place} se rozrůstá, objevují se potkani.",
        "V lokalitě {place} je opakovaně rušen noční klid, hlasitá hudba do rána.",
        "Nefunkční veřejné osvětlení v lokalitě {place}, lidé se večer bojí chodit domů.",
        "Krádeže kovů a poškozování sklepů v lokalitě {place}, nájemníci žádají opatření.",
        "Žebrání a obtěžování cestujících u zastávky v lokalitě {place}.",
    ],
    Category.EX_OFFENDERS: [
        "Po propuštění z výkonu trestu nemají lidé z lokality {place} kde bydlet, ubytovna je "
        "plná.",
        "Lidé po výkonu trestu v lokalitě {place} nemají doklady a nemohou se zaevidovat na "
        "úřadu práce.",
        "V lokalitě {place} chybí navazující služby pro propuštěné, vracejí se ke starým "
        "kontaktům.",
    ],
    Category.SEX_WORK: [
        "Na parkovišti v lokalitě {place} se v noci nabízí pouliční prostituce, obyvatelé si "
        "stěžují.",
        "V lokalitě {place} se objevily nové osoby nabízející sex, terénní pracovníci je zatím "
        "nezastihli.",
    ],
    Category.OTHER: [
        "Zanedbaný podchod v lokalitě {place}: rozbitá světla a graffiti, lidé se mu vyhýbají.",
        "Vystěhované rodiny z lokality {place} přespávají v nevyhovujících podmínkách.",
        "Lichváři v lokalitě {place} půjčují peníze na vysoký úrok, lidé se zadlužují.",
    ],
}
#: how often each theme is reported
WEIGHTS = {
    Category.PUBLIC_ORDER: 30,
    Category.YOUTH: 22,
    Category.ADDICTION: 22,
    Category.OTHER: 11,
    Category.EX_OFFENDERS: 9,
    Category.SEX_WORK: 6,
}
TASKS = [
    "Zajistit úklid a odvoz odpadu",
    "Zařadit místo do obchůzek městské policie",
    "Domluvit schůzku se správcem domu",
    "Oslovit terénní program a předat kontakty",
    "Projednat s vedením školy a rodiči",
    "Požádat o opravu veřejného osvětlení",
    "Zmapovat situaci a přinést podklady na příští schůzku",
    "Zajistit sběr injekčních stříkaček",
]
#: reports per team and year
REPORTS = {"Poruba": 55, "Jih": 50, "Moravská Ostrava a Přívoz": 60}
DEFAULT_REPORTS = 38
#: problems a meeting gets through
ITEMS = 12
#: the present-day problem the sandbox's walkthrough finds as the only similar one
KEEP_CLEAR = (Category.ADDICTION, "Zátiší u koupaliště")


@dataclass(frozen=True)
class Member:
    user_id: int
    org_type: OrgType
    org_name: str
    role: Role


@dataclass
class _Problem:
    category: Category
    locality: str
    description: str
    urgency: Urgency
    reporter: Member
    created_at: datetime
    coordinators_only: bool
    status: Status = Status.NEW
    progressed_at: datetime | None = None
    lead: Member | None = None
    number: int = 0


@dataclass
class _Meeting:
    starts_at: datetime
    present: list[int]
    items: list[tuple[_Problem, Outcome]] = field(default_factory=list)
    tasks: list[tuple[_Problem, Member, datetime, TaskStatus, datetime]] = field(
        default_factory=list
    )


async def seed_history(
    db: Database,
    now: datetime,
    zone: ZoneInfo,
    teams: dict[str, int],
    members: dict[str, list[Member]],
    *,
    seed: int = 13,
) -> int:
    """Write a year of history for every team with members; returns the problems written."""
    rng = random.Random(seed)
    plans = {
        name: _simulate(rng, name, members[name], now, zone) for name in teams if members.get(name)
    }
    written = 0
    async with db.transaction() as repos:
        for name, (problems, meetings) in plans.items():
            team_id = teams[name]
            localities = {}
            for locality in LOCALITIES.get(name, []):
                key = name_key(locality)
                found = await repos.localities.by_key(team_id, key)
                if found is None:
                    found = await repos.localities.add(team_id, locality, key, now)
                localities[locality] = found.id
            numbers = await repos.history.add_problems(
                [
                    PastProblem(
                        team_id=team_id,
                        category=p.category,
                        locality_id=localities.get(p.locality),
                        locality_name=p.locality,
                        locality_key=name_key(p.locality),
                        description=p.description,
                        urgency=p.urgency,
                        status=p.status,
                        reporter_id=p.reporter.user_id,
                        created_at=p.created_at,
                        progressed_at=p.progressed_at or p.created_at,
                        coordinators_only=p.coordinators_only,
                        lead=(p.lead.org_type, p.lead.org_name) if p.lead else None,
                    )
                    for p in problems
                ]
            )
            for problem, number in zip(problems, numbers, strict=True):
                problem.number = number
            written += len(numbers)
            coordinator = next((m for m in members[name] if m.role is Role.COORDINATOR), None)
            tasks = []
            for meeting in meetings:
                meeting_id = await repos.history.add_meeting(
                    PastMeeting(
                        team_id=team_id,
                        starts_at=meeting.starts_at,
                        place=PLACES.get(name, name),
                        created_by=coordinator.user_id if coordinator else None,
                        present=meeting.present,
                        items=[PastMinutesItem(p.number, o) for p, o in meeting.items],
                        timezone=zone.key,
                    )
                )
                for problem, owner, deadline, status, updated in meeting.tasks:
                    tasks.append(
                        PastTask(
                            team_id=team_id,
                            text=rng.choice(TASKS),
                            deadline=deadline,
                            status=status,
                            created_at=meeting.starts_at + timedelta(hours=2),
                            updated_at=updated,
                            owner_id=owner.user_id,
                            owner_org=owner.org_name,
                            problem_id=problem.number,
                            meeting_id=meeting_id,
                            created_by=coordinator.user_id if coordinator else None,
                        )
                    )
            await repos.history.add_tasks(tasks)
    return written


def _local(day: datetime, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day.astimezone(zone).date(), time(hour, minute), zone)


def _simulate(
    rng: random.Random, team: str, members: list[Member], now: datetime, zone: ZoneInfo
) -> tuple[list[_Problem], list[_Meeting]]:
    places = LOCALITIES.get(team) or ["centrum"]
    categories = list(WEIGHTS)
    weights = [WEIGHTS[c] for c in categories]
    problems = []
    for _ in range(REPORTS.get(team, DEFAULT_REPORTS)):
        category = rng.choices(categories, weights)[0]
        place = rng.choice(places)
        if (category, place) == KEEP_CLEAR:
            place = places[0]
        day = now - timedelta(days=rng.uniform(3, 365))
        created = _local(day, rng.randint(7, 18), rng.randint(0, 59), zone)
        urgency = rng.choices([Urgency.NORMAL, Urgency.HIGH, Urgency.ACUTE], [70, 24, 6])[0]
        problems.append(
            _Problem(
                category=category,
                locality=place,
                description=rng.choice(DESCRIPTIONS[category]).format(place=place),
                urgency=urgency,
                reporter=rng.choice(members),
                created_at=created,
                coordinators_only=category in (Category.EX_OFFENDERS, Category.SEX_WORK)
                and rng.random() < 0.3,
            )
        )
    problems.sort(key=lambda p: p.created_at)
    meetings = _meetings(rng, members, problems, now, zone)
    for problem in problems:  # an open acute problem would be on every list of the demo
        if problem.status in OPEN_STATUSES and problem.urgency is Urgency.ACUTE:
            problem.urgency = Urgency.HIGH
    return problems, meetings


def _meetings(
    rng: random.Random,
    members: list[Member],
    problems: list[_Problem],
    now: datetime,
    zone: ZoneInfo,
) -> list[_Meeting]:
    """A meeting every four weeks; each takes up to ITEMS open problems, oldest first."""
    meetings = []
    seen: set[int] = set()  # problems discussed at least once
    day = now - timedelta(days=357 - rng.randint(0, 6))
    while day < now - timedelta(days=2):
        starts = _local(day, 9, 0, zone)
        present = [m.user_id for m in members if m.role is Role.COORDINATOR or rng.random() < 0.8]
        meeting = _Meeting(starts_at=starts, present=present)
        waiting = [
            p
            for p in problems
            if p.created_at < starts - timedelta(days=1) and p.status in OPEN_STATUSES
        ]
        for problem in waiting[:ITEMS]:
            recent = now - starts < timedelta(days=30)
            outcome = _outcome(rng, first=id(problem) not in seen, recent=recent)
            meeting.items.append((problem, outcome))
            if outcome is Outcome.CARRIED:
                continue
            seen.add(id(problem))
            done_at = starts + timedelta(hours=2)
            if outcome is Outcome.SOLVED:
                problem.status = rng.choices(
                    [Status.SOLVED, Status.PARTLY_SOLVED, Status.CLOSED], [75, 18, 7]
                )[0]
                problem.progressed_at = done_at
            elif outcome is Outcome.TASK:
                problem.status, problem.progressed_at = Status.IN_PROGRESS, done_at
                owner = rng.choice(members)
                meeting.tasks.append((problem, owner, *_task_fate(rng, starts, now)))
            elif problem.status is Status.NEW:
                problem.status, problem.progressed_at = Status.DISCUSSED, done_at
            if problem.lead is None and rng.random() < 0.75:
                problem.lead = rng.choice(members)
        meetings.append(meeting)
        day += timedelta(days=28)
    return meetings


def _outcome(rng: random.Random, *, first: bool, recent: bool) -> Outcome:
    if first:
        choices, weights = [Outcome.DISCUSSED, Outcome.TASK, Outcome.CARRIED, Outcome.SOLVED], [
            50, 25, 15, 10,
        ]  # fmt: skip
    else:
        choices, weights = [Outcome.SOLVED, Outcome.TASK, Outcome.DISCUSSED, Outcome.CARRIED], [
            45, 20, 15, 20,
        ]  # fmt: skip
    outcome = rng.choices(choices, weights)[0]
    # no tasks from the last weeks: their deadlines would be ahead, without the reminders the
    # bot derives when a coordinator gives a task
    return Outcome.DISCUSSED if recent and outcome is Outcome.TASK else outcome


def _task_fate(
    rng: random.Random, given: datetime, now: datetime
) -> tuple[datetime, TaskStatus, datetime]:
    """Deadline, status and the time of the last change of a task given at ``given``."""
    deadline = given + timedelta(days=rng.choice([14, 21, 28]), hours=7)
    fate = rng.choices(["on_time", "late", "open"], [68, 22, 10])[0]
    if fate == "on_time":
        done = deadline - timedelta(days=rng.uniform(0.5, 10))
    elif fate == "late":
        done = deadline + timedelta(days=rng.uniform(1, 12))
    else:
        return deadline, TaskStatus.OPEN, given + timedelta(hours=2)
    return deadline, TaskStatus.DONE, min(done, now - timedelta(hours=1))
