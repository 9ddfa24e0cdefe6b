"""``/locality``: the locality card through the real stack — counts per quarter, the trend
chart (its labels), open problems with buttons, meetings, tasks, pinned problems nearby;
typed names with and without diacritics, unknown and ambiguous names, an empty locality,
members and coordinators, a person in two teams, the button on a problem's detail, forged
and stale buttons, a press in a group."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from bot.handlers import locality as locality_handler
from bot.rendering.locality_chart import TrendChart, render_trend_png
from tests.flows import invite_code, join, make_team, report
from tests.test_meetings import run_due, said, schedule
from tests.test_problems import stored

DUBINA = (49.7800, 18.2400)
NORTH_OF_DUBINA = (49.7835, 18.2400)  # ~390 m from Dubina's pin: filed under Dubina
PARK = (49.7845, 18.2400)  # ~500 m from Dubina, ~110 m from #3: named by the reporter
FAR = (49.8300, 18.1600)
SECRET_TEXT = "TAJNEHLASENI policie o skupine u garazi"
SECRET_PLACE = "Garáže Tajná 7"
SECRET_NEAR = (49.7840, 18.2402)  # next to #3, under its own (coordinators-only) name


def at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


class Charts:
    """Every chart the handler rendered (its labels), and the real PNG of the last one."""

    def __init__(self) -> None:
        self.drawn: list[TrendChart] = []

    def __call__(self, chart: TrendChart) -> bytes:
        self.drawn.append(chart)
        return render_trend_png(chart)


@pytest.fixture
def charts(monkeypatch):  # type: ignore[no-untyped-def]
    spy = Charts()
    monkeypatch.setattr(locality_handler, "render_trend_png", spy)
    return spy


async def add_locality(coordinator, name: str, pin: tuple[float, float] | None = None) -> None:  # type: ignore[no-untyped-def]
    await coordinator.send("/team")
    if "Který tým" in coordinator.last().text:
        await coordinator.press("Poruba")
    await coordinator.press("📍 Lokality")
    await coordinator.press("➕ Přidat lokalitu")
    await coordinator.send(name)
    if pin is not None:
        await coordinator.press("« Lokality")
        await coordinator.press(name)
        await coordinator.press("📍 Umístit na mapu")
        await coordinator.share_location(*pin)
        assert "je teď na mapě" in coordinator.last().text


async def report_at_pin(person, pin, *, name: str | None = None, description: str, confidential: bool = False):  # type: ignore[no-untyped-def]
    await person.send("/report")
    await person.press("návykové látky")
    await person.share_location(*pin)
    if name is not None:
        assert "není blízko" in person.last().text, person.last().text
        await person.send(name)
    if "Přesto nahlásit" in str(person.last().buttons):
        await person.press("Přesto nahlásit nový problém")
    await person.send(description)
    await person.press("Přeskočit")
    await person.press("běžná")
    if confidential:
        await person.press("🔒 Jen pro koordinátory")
    await person.press("✅ Odeslat")


async def seeded(bot):  # type: ignore[no-untyped-def]
    """Poruba (Petra, members Olga and Jan) with the locality Dubina (pinned) and two years of
    history; Jih (Karel) with a Dubina of its own. Returns petra, olga, jan, karel."""
    bot.clock.set(at(2025, 2, 10))  # Q1 2025
    petra, olga, jan = await make_team(bot, "Poruba", "Petra", "Olga", "Jan")
    (karel,) = await make_team(bot, "Jih", "Karel")
    await add_locality(petra, "Dubina", DUBINA)
    await add_locality(petra, "Dubina – sever")
    await report(olga, locality="Dubina", description="Na hřišti v Dubině leží stříkačky, asi deset.")  # #1
    bot.clock.set(at(2025, 5, 12))  # Q2 2025
    await report(olga, locality="dubina", category="riziková mládež", urgency="vysoká",
                 description="Skupina mladistvých večer pije alkohol u školy.")  # #2
    await petra.press_data("pb:st:1:solved:y")
    assert (await stored(bot, 1)).status.value == "solved"
    bot.clock.set(at(2026, 10, 5))  # Q4 2026
    await report_at_pin(jan, NORTH_OF_DUBINA, description="U garáží severně od Dubiny se schází lidé a nechávají stříkačky.")  # #3
    await report_at_pin(jan, PARK, name="park za koupalištěm", description="V parku za koupalištěm jsou rozbité lavičky a stříkačky.")  # #4
    await report_at_pin(petra, SECRET_NEAR, name=SECRET_PLACE, description=SECRET_TEXT, confidential=True)  # #5
    await report(petra, locality="Dubina", description=SECRET_TEXT + " v Dubině", send=False)  # #6
    await petra.press("🔒 Jen pro koordinátory")
    await petra.press("✅ Odeslat")
    await report(karel, locality="Dubina", description="Jihovýchodní Dubina: nepořádek u kontejnerů.")  # #7, Jih
    # a meeting that discusses Dubina's problems, and a task
    await schedule(petra, when="20.10.2026 14:00", place="ÚMOb Poruba")
    bot.clock.set(at(2026, 10, 20, 13) + timedelta(minutes=5))
    await run_due(bot)
    await petra.send("/minutes")
    await petra.press("Pokračovat programem ▶")
    while "Bod" in petra.last().text and "🏁 Dokončit" in petra.last().button_texts():
        text = petra.last().text
        await petra.press("💬 projednáno")
        if petra.last().text == text:
            break
    await petra.press("🏁 Dokončit")
    await petra.press("✅ Uložit a rozeslat zápis")
    assert said(petra, "Zápis je uložen")
    bot.clock.set(at(2026, 11, 24, 8))
    await petra.send("/problem 2")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("📌 Úkoly")
    await petra.press("📌 Nový úkol")
    await petra.send("Domluvit s MP večerní hlídky u školy v Dubině")
    await petra.press("Jan Členová")
    await petra.send("15.12.")
    await petra.press("✅ Ano")
    await run_due(bot)
    return petra, olga, jan, karel


async def test_debug(bot, charts):
    petra, olga, jan, karel = await seeded(bot)
    await petra.send("/locality Dubina")
    for m in petra.inbox[-3:]:
        print(m.kind, m.text, m.button_texts())
    await olga.send("/locality dubina")
    for m in olga.inbox[-3:]:
        print(m.kind, m.text, m.button_texts())
    print(charts.drawn)
    open("/tmp/loc/card.png", "wb").write(render_trend_png(charts.drawn[-1]))
    assert 0
