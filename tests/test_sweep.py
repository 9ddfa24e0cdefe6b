"""Every command and every button one or two presses deep, as the people who use the bot:
a person in two teams (member of one, coordinator of the other), a plain member, a
coordinator, the administrator and a stranger. Nothing may end in "Něco se pokazilo" or in a
Bot API call that Telegram refuses."""

from __future__ import annotations

import pytest

from tests.flows import invite_code, join, report
from tests.test_meetings import schedule
from tests.test_two_teams import two_teams

COMMANDS = [
    "/start", "/help", "/report", "/problems", "/problem 1", "/problem 2", "/propose 1",
    "/meeting", "/agenda", "/minutes", "/tasks", "/members", "/invite", "/invites", "/team",
    "/teams", "/newteam", "/profile", "/lang", "/cancel", "/linkgroup", "/mydata", "/leave",
    "/admins", "/erase", "/audit", "/documents", "/export", "/export vše csv",
    "/problems stříkačky", "/stats", "/settings", "/locality",
    "/locality Zárubecká", "/locality Hrabuvka",
]  # fmt: skip
BROKEN = "Něco se pokazilo"
MAX_SECOND_LEVEL = 6


def failures(bot) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{c.method}: {c.error}" for c in bot.emu.calls if not c.ok]


async def seeded(bot):  # type: ignore[no-untyped-def]
    petra, jan, karel = await two_teams(bot)
    eva = bot.person("Eva")
    olga = bot.person("Olga")
    await join(olga, await invite_code(petra, team="Poruba"), name="Olga Nováková")
    await report(jan, team="Poruba")
    await report(jan, team="Jih", locality="Hrabůvka, Horní 5")
    await schedule(petra, team=None)
    await schedule(jan, team="Jih", place="ÚMOb Jih")
    return {
        "jan": jan,
        "petra": petra,
        "karel": karel,
        "admin": bot.admin,
        "stranger": eva,
        "member": olga,
    }


PROBLEMS: list[str] = []


def check(bot, person, step: str, before: int) -> None:  # type: ignore[no-untyped-def]
    refused = failures(bot)[before:]
    if refused:
        PROBLEMS.append(f"{person.first_name} {step}: refused {refused}")
    inbox = person.inbox
    if inbox and BROKEN in inbox[-1].text:
        PROBLEMS.append(f"{person.first_name} {step}: {BROKEN}")


@pytest.mark.parametrize("who", ["jan", "member", "petra", "admin", "stranger"])
async def test_every_command_and_button_works_for(bot, who):
    people = await seeded(bot)
    person = people[who]
    PROBLEMS.clear()
    for command in COMMANDS:
        before = len(failures(bot))
        await person.send(command)
        check(bot, person, command, before)
        first = person.inbox[-1] if person.inbox else None
        if first is None or not first.buttons:
            continue
        labels = [b.text for row in first.buttons for b in row if b.callback_data]
        for label in labels:
            await person.send("/cancel")
            await person.send(command)
            screen = person.inbox[-1]
            if label not in screen.button_texts():
                continue
            before = len(failures(bot))
            await person.press(label, message=screen)
            check(bot, person, f"{command} → {label}", before)
            second = person.inbox[-1]
            inner = [b.text for row in second.buttons for b in row if b.callback_data]
            for inner_label in inner[:MAX_SECOND_LEVEL]:
                current = bot.emu.current(second)
                if inner_label not in current.button_texts():
                    continue
                before = len(failures(bot))
                await person.press(inner_label, message=current)
                check(bot, person, f"{command} → {label} → {inner_label}", before)
        await person.send("/cancel")
    assert not PROBLEMS, "\n".join(PROBLEMS)


async def test_every_command_in_the_team_group_gets_a_polite_answer(bot):
    people = await seeded(bot)
    jan, karel = people["jan"], people["karel"]
    group = bot.emu.group("MDT Jih")
    await karel.add_bot_to(group)
    await karel.send_to(group, "/linkgroup")
    for command in COMMANDS:
        before = len(failures(bot))
        await jan.send_to(group, command)
        refused = failures(bot)[before:]
        assert not refused, f"{command} in the group: {refused}"
        assert not group.messages or BROKEN not in group.messages[-1].text, command
