"""``mdtbot sandbox --demo``: Ostrava's seven teams and a few people, ready to try, with a year
of history (:mod:`bot.sandbox.history`) so that ``/stats`` shows something at once."""

from __future__ import annotations

from bot.domain.models import OrgType, Role
from bot.domain.problems import Category, Urgency
from bot.sandbox.emulator import TelegramEmulator
from bot.sandbox.history import Member, seed_history
from bot.sandbox.people import Person
from bot.services.authz import Actor
from bot.services.container import Services
from bot.services.members import Profile
from bot.services.reports import ReportDraft

TEAMS = [
    "Moravská Ostrava a Přívoz",
    "Mariánské Hory a Hulváky",
    "Vítkovice",
    "Poruba",
    "Jih",
    "Slezská Ostrava",
    "Kunčičky",
]

# (first name, full name, organisation type, organisation, team, role)
PEOPLE = [
    (
        "Petra",
        "Petra Svobodová",
        OrgType.UMOB,
        "ÚMOb Poruba, odbor sociálních věcí",
        "Poruba",
        Role.COORDINATOR,
    ),
    ("Jan", "Jan Novák", OrgType.NNO, "Charita Ostrava, terénní program", "Poruba", Role.MEMBER),
    ("Lucie", "Lucie Dvořáková", OrgType.PCR, "OO PČR Poruba", "Poruba", Role.MEMBER),
    ("Radek", "Radek Kovář", OrgType.APK, "Statutární město Ostrava", "Poruba", Role.MEMBER),
    (
        "Tomáš",
        "Tomáš Černý",
        OrgType.MPO,
        "Městská policie Ostrava, obvodní ředitelství Jih",
        "Jih",
        Role.COORDINATOR,
    ),
    ("Marie", "Marie Veselá", OrgType.ZS, "ZŠ Ostrava-Zábřeh", "Jih", Role.MEMBER),
    # the other five teams: a coordinator and a member each, so their history has people
    ("Hana", "Hana Králová", OrgType.UMOB, "ÚMOb Moravská Ostrava a Přívoz",
     "Moravská Ostrava a Přívoz", Role.COORDINATOR),
    ("Ondřej", "Ondřej Malý", OrgType.NNO, "Armáda spásy, terénní program",
     "Moravská Ostrava a Přívoz", Role.MEMBER),
    ("Věra", "Věra Horáková", OrgType.UMOB, "ÚMOb Mariánské Hory a Hulváky",
     "Mariánské Hory a Hulváky", Role.COORDINATOR),
    ("Pavel", "Pavel Růžička", OrgType.PCR, "OO PČR Mariánské Hory",
     "Mariánské Hory a Hulváky", Role.MEMBER),
    ("Martin", "Martin Pokorný", OrgType.MPO, "Městská policie Ostrava, Vítkovice",
     "Vítkovice", Role.COORDINATOR),
    ("Alena", "Alena Benešová", OrgType.ZS, "ZŠ Ostrava-Vítkovice", "Vítkovice", Role.MEMBER),
    ("Zuzana", "Zuzana Marková", OrgType.UMOB, "ÚMOb Slezská Ostrava", "Slezská Ostrava",
     Role.COORDINATOR),
    ("Michal", "Michal Fiala", OrgType.APK, "Statutární město Ostrava", "Slezská Ostrava",
     Role.MEMBER),
    ("Ivana", "Ivana Šimková", OrgType.NNO, "Vzájemné soužití", "Kunčičky", Role.COORDINATOR),
    ("David", "David Kučera", OrgType.MPO, "Městská policie Ostrava, Slezská Ostrava",
     "Kunčičky", Role.MEMBER),
]  # fmt: skip

#: people in a second team, with another role there: a police officer is a member in Poruba
#: and a coordinator in Jih (every flow must work for them)
SECOND_TEAMS = [("Lucie", "Jih", Role.COORDINATOR)]


async def seed_demo(
    services: Services,
    emulator: TelegramEmulator,
    admin: Person,
    *,
    language_code: str = "cs",
    history: bool = True,
) -> list[Person]:
    """Create the teams and people through the services, as if they had joined by invite;
    ``history=False`` leaves out the past year (problems then start at #1)."""
    admin_actor = Actor(user_id=admin.id, is_admin=True)
    teams = {}
    for name in TEAMS:
        team = await services.teams.create(admin_actor, name)
        teams[name] = team.id
    people = []
    for first, full, org_type, org, team_name, role in PEOPLE:
        person = emulator.user(first, language_code=language_code)
        emulator.mark_started(person)
        created = await services.invites.create(admin_actor, teams[team_name], role)
        opened = await services.invites.open(created.code, person.id)
        await services.invites.join(
            person.id, opened.team.id, opened.invite.id, Profile(full, org_type, org)
        )
        people.append(person)
    by_name = {p.first_name: p for p in people}
    for first, team_name, role in SECOND_TEAMS:
        full, org_type, org = next((f, t, o) for n, f, t, o, _, _ in PEOPLE if n == first)
        created = await services.invites.create(admin_actor, teams[team_name], role)
        opened = await services.invites.open(created.code, by_name[first].id)
        await services.invites.join(
            by_name[first].id, opened.team.id, opened.invite.id, Profile(full, org_type, org)
        )
    emulator.mark_started(admin)
    await _poruba_localities(services, admin_actor, teams["Poruba"])
    if history:
        await seed_history(
            services.db, services.clock.now(), services.stats.zone, teams, _members(by_name)
        )
    await _seed_poruba(services, teams["Poruba"], people)
    return people


def _members(by_name: dict[str, Person]) -> dict[str, list[Member]]:
    """Each team's people for the history, as they joined it."""
    members: dict[str, list[Member]] = {}
    for first, _, org_type, org, team_name, role in PEOPLE:
        members.setdefault(team_name, []).append(Member(by_name[first].id, org_type, org, role))
    for first, team_name, role in SECOND_TEAMS:
        _, _, org_type, org, _, _ = next(p for p in PEOPLE if p[0] == first)
        members[team_name].append(Member(by_name[first].id, org_type, org, role))
    return members


# named localities of Poruba, with a map position (latitude, longitude)
LOCALITIES = [
    ("Dubina – Horní náměstí", 49.8211, 18.1661),
    ("Hlavní třída – oblouk", 49.8226, 18.1699),
    ("Zátiší u koupaliště", 49.8172, 18.1606),
    ("Nádraží Poruba", 49.8290, 18.1545),
]

# (reporter's first name, category, locality, urgency, description)
PROBLEMS = [
    (
        "Jan",
        Category.ADDICTION,
        "Zátiší u koupaliště",
        Urgency.HIGH,
        "V křoví za koupalištěm leží použité injekční stříkačky, v neděli jsme jich našli "
        "dvanáct. Chodí tudy děti ze školy.",
    ),
    (
        "Lucie",
        Category.YOUTH,
        "Dubina – Horní náměstí",
        Urgency.NORMAL,
        "Po 21. hodině se na náměstí schází skupina asi patnácti mladistvých, pijí alkohol "
        "a ničí lavičky. Obyvatelé si stěžují na hluk.",
    ),
]


async def _poruba_localities(services: Services, admin: Actor, team_id: int) -> None:
    for name, latitude, longitude in LOCALITIES:
        locality = await services.localities.add(admin, team_id, name)
        await services.localities.set_position(admin, team_id, locality.id, latitude, longitude)


async def _seed_poruba(services: Services, team_id: int, people: list[Person]) -> None:
    """Two problems reported today, so /problems and /problem show something new."""
    by_name = {person.first_name: person for person in people}
    for first, category, locality_name, urgency, description in PROBLEMS:
        draft = ReportDraft.new().model_copy(
            update={
                "category": category,
                "locality": locality_name,
                "description": description,
                "urgency": urgency,
            }
        )
        reporter = Actor(user_id=by_name[first].id)
        await services.reports.submit(reporter, team_id, draft, personal_data_confirmed=True)
