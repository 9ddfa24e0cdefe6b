"""One official numbering of the agenda and the zápis: coordinators-only items sit in a closed
part at the very end that members' copies leave out, so "item 5" is the same item for every
reader, in text and PDF; late additions keep to their section."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.domain.problems import Status, Urgency
from bot.services.authz import Actor
from tests.test_agenda import pdf_text
from tests.test_meetings import MEETING_UTC, run_due, schedule
from tests.test_problems import seed
from tests.test_two_teams import two_teams

CLOSED = "Neveřejná část — jen koordinátoři"
SECRETS = ("Tajná ulice", "Tajný dvůr", "Problém #2 ", "Problém #5 ", CLOSED)


def flat(message) -> str:  # type: ignore[no-untyped-def]
    """A PDF's text with runs of spaces made one (the extraction spaces words unevenly)."""
    return re.sub(r"\s+", " ", pdf_text(message))


def numbers(text: str) -> dict[int, int]:
    """Problem number -> item number, from lines such as ``3) Problém #12 · …``."""
    found = re.findall(r"^(\d+)\) (?:\[[^]]*\] )?Problém #(\d+) ", text, flags=re.M)
    return {int(problem): int(item) for item, problem in found}


async def secret(bot, coordinator, problem_id: int) -> None:  # type: ignore[no-untyped-def]
    await bot.app.bot_data.services.problems.set_coordinators_only(
        Actor(user_id=coordinator.id), problem_id, True
    )


async def test_members_and_coordinators_number_the_items_alike(bot):
    petra, jan, _karel = await two_teams(bot)  # Jan: member of Poruba, coordinator of Jih
    group = bot.emu.group("MDT Poruba")
    await petra.add_bot_to(group)
    await petra.send_to(group, "/linkgroup")
    await seed(bot, petra, 1, locality="Hulváky")  # 1
    (hidden,) = await seed(bot, petra, 1, locality="Tajná ulice", urgency=Urgency.HIGH)  # 2
    await secret(bot, petra, hidden)
    await seed(bot, petra, 1, locality="Opavská", urgency=Urgency.ACUTE)  # 3
    await schedule(petra)
    bot.clock.set(MEETING_UTC - timedelta(hours=48))
    await run_due(bot)
    # after the freeze: an urgent public report and an urgent coordinators-only one
    await seed(bot, petra, 1, locality="Nádraží Svinov", urgency=Urgency.ACUTE)  # 4
    (late_secret,) = await seed(bot, petra, 1, locality="Tajný dvůr", urgency=Urgency.ACUTE)
    await secret(bot, petra, late_secret)  # 5

    await petra.send("/agenda")
    coordinator = petra.last().text
    await jan.send("/agenda")
    await jan.press("Poruba")
    member = jan.last().text
    assert numbers(coordinator) == {3: 1, 1: 2, 4: 3, 2: 4, 5: 5}
    assert numbers(member) == {3: 1, 1: 2, 4: 3}
    late = coordinator.split("Dodatečně zařazeno")[1].split(CLOSED)[0]
    assert "3) Problém #4 · Nádraží Svinov" in late
    closed_part = coordinator.split(CLOSED)[1]
    assert "4) Problém #2 · Tajná ulice" in closed_part
    assert "5) Problém #5 · Tajný dvůr" in closed_part
    assert "[jen koordinátoři]" not in closed_part  # the heading says it once
    for word in SECRETS:
        assert word not in member, word

    # the agenda sent at the freeze: the same numbers in the member's text and PDF
    sent = "\n".join(m.text for m in jan.inbox if "Program schůzky týmu Poruba" in m.text)
    assert numbers(sent.split("Návrh: může")[-1])[1] == 2
    member_pdf = next(m for m in jan.inbox if m.document and m.document.filename.startswith("prog"))
    # the printed agenda numbers "1." where the message says "1)"
    assert "1. Problém #3" in flat(member_pdf) and "2. Problém #1" in flat(member_pdf)
    for word in ("Tajná ulice", CLOSED):
        assert word not in flat(member_pdf)
    coordinator_pdf = next(
        m for m in petra.inbox if m.document and m.document.filename.startswith("prog")
    )
    assert "3. Problém #2" in flat(coordinator_pdf)  # before the late addition came
    start = next(i for i, m in enumerate(group.messages) if "Program schůzky" in m.text)
    group_text = "\n".join(m.text for m in group.messages[start:])
    assert "2) Problém #1" in group_text
    assert "Tajná ulice" not in group_text and CLOSED not in group_text

    # the zápis keeps the agenda's numbers
    bot.clock.set(MEETING_UTC + timedelta(minutes=5))
    await run_due(bot)
    await petra.send("/minutes")
    await petra.press("Pokračovat programem ▶")
    assert "Bod 1 z 5" in petra.last().text
    for _ in range(3):
        await petra.press("»")
    assert "Bod 4 z 5\n🔒 Neveřejná část — jen koordinátoři\nProblém #2 · Tajná ulice" in (
        petra.last().text
    )
    await petra.press("🏁 Dokončit")
    await petra.press("✅ Uložit a rozeslat zápis")
    await run_due(bot)
    coordinator_zapis = next(m for m in petra.inbox if "Zápis ze schůzky" in m.text).text
    member_zapis = next(m for m in jan.inbox if "Zápis ze schůzky" in m.text).text
    assert numbers(coordinator_zapis) == {3: 1, 1: 2, 4: 3, 2: 4, 5: 5}
    assert numbers(member_zapis) == {3: 1, 1: 2, 4: 3}
    assert "4) Problém #2" in coordinator_zapis.split(CLOSED)[1]
    for word in SECRETS:
        assert word not in member_zapis, word
    zapis_pdf = next(m for m in jan.inbox if m.document and m.document.filename.startswith("zapis"))
    # the zápis document numbers it "3." in its program, its course and the carried-over items
    assert len(re.findall(r"3\.\s*Problém #4", flat(zapis_pdf))) == 3
    assert "Tajn" not in flat(zapis_pdf)
    coordinator_pdf = next(
        m for m in petra.inbox if m.document and m.document.filename.startswith("zapis")
    )
    closed_pages = flat(coordinator_pdf).split("Neveřejná část — jen koordinátoři")[1]
    assert re.search(r"4\.\s*Problém #2 · Tajná ulice", closed_pages)
    assert re.search(r"5\.\s*Problém #5 · Tajný dvůr", closed_pages)


async def test_a_coordinator_orders_the_closed_part_and_members_numbers_stay(bot):
    petra, jan, _karel = await two_teams(bot)
    (old,) = await seed(bot, petra, 1, locality="Tajná ulice")  # 1: discussed, "other open"
    await bot.app.bot_data.services.problems.change_status(
        Actor(user_id=petra.id), old, Status.DISCUSSED
    )
    await seed(bot, petra, 1, locality="Hulváky")  # 2
    (new,) = await seed(bot, petra, 1, locality="Tajný dvůr", urgency=Urgency.ACUTE)  # 3: new
    for number in (old, new):
        await secret(bot, petra, number)
    await schedule(petra)
    await petra.send("/agenda")
    assert numbers(petra.last().text) == {2: 1, 3: 2, 1: 3}
    await petra.press("✏ Upravit program")
    await petra.press("⬆ #1")  # from "other open" above a new one, within the closed part
    await petra.press("✅ Hotovo")
    assert numbers(petra.last().text) == {2: 1, 1: 2, 3: 3}
    await jan.send("/agenda")
    await jan.press("Poruba")
    assert numbers(jan.last().text) == {2: 1}
    assert "Tajn" not in jan.last().text
