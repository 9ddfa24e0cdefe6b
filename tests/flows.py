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
