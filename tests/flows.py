"""Steps people take again and again in tests, done the way a person would do them."""

from __future__ import annotations

import re

from bot.sandbox.people import Person

INVITE_LINK = re.compile(r"start=([A-Za-z0-9_-]+)")


async def create_team(admin: Person, name: str) -> None:
    await admin.send(f"/newteam {name}")
    assert "byl založen" in admin.last().text, admin.last().text


async def invite_code(inviter: Person, *, role: str = "Člen", team: str | None = None) -> str:
    """Ask for an invite and return the code from the deep link the bot gave."""
    await inviter.send("/invite")
    if team is not None and "Do kterého týmu" in inviter.last().text:
        await inviter.press(team)
    await inviter.press(role)
    match = INVITE_LINK.search(inviter.last().text)
    assert match, inviter.last().text
    return match.group(1)


async def join(
    person: Person,
    code: str,
    *,
    name: str,
    org_type: str = "Policie ČR (PČR)",
    org: str = "OO PČR Poruba",
) -> None:
    await person.send(f"/start {code}")
    if "Jak se jmenujete" not in person.last().text:
        return  # already known: joined at once, or refused
    await person.send(name)
    await person.press(org_type)
    await person.send(org)


async def make_team(bot, team: str, coordinator: str, *members: str):  # type: ignore[no-untyped-def]
    """Admin creates ``team``; ``coordinator`` joins as its coordinator and invites
    ``members``. Returns the people, coordinator first. Organisations differ per person."""
    await create_team(bot.admin, team)
    people = []
    orgs = [
        ("Úřad městského obvodu", f"ÚMOb {team}"),
        ("Nestátní nezisková organizace", "Charita Ostrava"),
        ("Městská policie (MPO)", "MP Ostrava"),
        ("Policie ČR (PČR)", f"OO PČR {team}"),
        ("Základní škola", "ZŠ Ostrčilova"),
    ]
    lead = bot.person(coordinator)
    code = await invite_code(bot.admin, role="Koordinátor", team=team)
    org_type, org = orgs[0]
    await join(lead, code, name=f"{coordinator} Koordinátorová", org_type=org_type, org=org)
    people.append(lead)
    for index, name in enumerate(members, start=1):
        person = bot.person(name)
        code = await invite_code(lead, role="Člen", team=team)
        org_type, org = orgs[index % len(orgs)]
        await join(person, code, name=f"{name} Členová", org_type=org_type, org=org)
        people.append(person)
    return people


async def report(  # type: ignore[no-untyped-def]
    person,
    *,
    category: str = "návykové látky",
    locality: str = "Zárubecká 12",
    description: str = "Na dětském hřišti leží použité injekční stříkačky, asi deset kusů.",
    urgency: str = "běžná",
    photos: int = 0,
    team: str | None = None,
    send: bool = True,
):
    """Walk through /report the way a person does; returns the final message."""
    await person.send("/report")
    if team is not None:
        await person.press(team)
    await person.press(category)
    await person.send(locality)
    if "Podpořit #" in person.last().text or "Přesto nahlásit" in str(person.last().buttons):
        await person.press("Přesto nahlásit nový problém")
    await person.send(description)
    for _ in range(photos):
        await person.send_photo()
    await person.press("Hotovo" if photos else "Přeskočit")
    await person.press(urgency)
    if send:
        await person.press("✅ Odeslat")
    return person.last()
