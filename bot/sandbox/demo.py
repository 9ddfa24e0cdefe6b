"""``mdtbot sandbox --demo``: Ostrava's seven teams and a few people, ready to try."""

from __future__ import annotations

from bot.domain.models import OrgType, Role
from bot.sandbox.emulator import TelegramEmulator
from bot.sandbox.people import Person
from bot.services.authz import Actor
from bot.services.container import Services
from bot.services.members import Profile

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
]


async def seed_demo(services: Services, emulator: TelegramEmulator, admin: Person) -> list[Person]:
    """Create the teams and people through the services, as if they had joined by invite."""
    admin_actor = Actor(user_id=admin.id, is_admin=True)
    teams = {}
    for name in TEAMS:
        team = await services.teams.create(admin_actor, name)
        teams[name] = team.id
    people = []
    for first, full, org_type, org, team_name, role in PEOPLE:
        person = emulator.user(first)
        emulator.mark_started(person)
        created = await services.invites.create(admin_actor, teams[team_name], role)
        opened = await services.invites.open(created.code, person.id)
        await services.members.join(
            person.id, opened.team.id, opened.invite.id, Profile(full, org_type, org)
        )
        people.append(person)
    emulator.mark_started(admin)
    return people
