"""``/locality``: the locality card through the real stack — counts per quarter, the trend
chart (its labels), open problems with buttons, meetings, tasks, pinned problems nearby;
typed names with and without diacritics, unknown and ambiguous names, an empty locality,
members and coordinators, a person in two teams, the button on a problem's detail, forged
and stale buttons, a press in a group."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.problems import Category, Urgency
from bot.handlers import locality as locality_handler
from bot.rendering.locality_chart import TrendChart, render_trend_png
from bot.services.authz import Actor
from bot.services.reports import ReportDraft
from tests.flows import invite_code, join, make_team, report
from tests.test_meetings import run_due, said, schedule
from tests.test_problems import stored

DUBINA = (49.7800, 18.2400)
NORTH_OF_DUBINA = (49.7835, 18.2400)  # ~390 m from Dubina's pin: filed under Dubina
PARK = (49.7845, 18.2400)  # ~500 m from Dubina, ~110 m from #3: named by the reporter
SECRET_TEXT = "TAJNEHLASENI policie o skupine u garazi"
SECRET_PLACE = "Garáže Tajná 7"
SECRET_NEAR = (49.7840, 18.2402)  # next to #3, under its own (coordinators-only) name


def at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


class Charts:
    """Records every chart the handler draws (to check its labels and values), and draws it."""

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


async def report_at_pin(
    person, pin, *, name: str | None = None, description: str, confidential: bool = False
):  # type: ignore[no-untyped-def]
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
    await report(
        olga, locality="Dubina", description="Na hřišti v Dubině leží stříkačky, asi deset."
    )  # #1
    bot.clock.set(at(2025, 5, 12))  # Q2 2025
    await report(
        olga,
        locality="dubina",
        category="riziková mládež",
        urgency="vysoká",
        description="Skupina mladistvých večer pije alkohol u školy.",
    )  # #2
    await petra.press_data("pb:st:1:solved:y")
    assert (await stored(bot, 1)).status.value == "solved"
    bot.clock.set(at(2026, 10, 5))  # Q4 2026
    await report_at_pin(
        jan,
        NORTH_OF_DUBINA,
        description="U garáží severně od Dubiny se schází lidé a nechávají stříkačky.",
    )  # #3
    await report_at_pin(
        jan,
        PARK,
        name="park za koupalištěm",
        description="V parku za koupalištěm jsou rozbité lavičky a stříkačky.",
    )  # #4
    await report_at_pin(
        petra, SECRET_NEAR, name=SECRET_PLACE, description=SECRET_TEXT, confidential=True
    )  # #5
    await report(petra, locality="Dubina", description=SECRET_TEXT + " v Dubině", send=False)  # #6
    await petra.press("🔒 Jen pro koordinátory")
    await petra.press("✅ Odeslat")
    await report(
        karel, locality="Dubina", description="Jihovýchodní Dubina: nepořádek u kontejnerů."
    )  # #7, Jih
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


def photos(person) -> list:  # type: ignore[no-untyped-def]
    return [m for m in person.inbox if m.kind == "photo"]


def card_of(person):  # type: ignore[no-untyped-def]
    """The newest card text (the message after the chart, or the only one)."""
    return next(m for m in reversed(person.inbox) if m.text.startswith("📍 "))


async def test_the_card_of_a_seeded_locality_for_its_coordinator(bot, charts):
    petra, _olga, _jan, _karel = await seeded(bot)
    before = len(photos(petra))
    await petra.send("/locality Dubina")
    text = card_of(petra).text
    assert text.startswith("📍 Dubina · tým Poruba")
    assert "Problémů: 4 · otevřené: 3 · vyřešené: 1" in text
    # per quarter: reported / solved / open at the end, the last two years
    assert "1. čtvrtletí 2025: 1 / 0 / 1" in text
    assert "2. čtvrtletí 2025: 1 / 1 / 1" in text
    assert "4. čtvrtletí 2026: 2 / 0 / 3" in text
    assert "4. čtvrtletí 2024" not in text
    # the open problems with number, category, urgency and age, each a button to its detail
    assert "🔒 #6 · návykové látky · 49 dní" in text
    assert "#2 · riziková mládež · 🟠 vysoká · 560 dní" in text
    assert "#1 ·" not in text.split("Otevřené problémy")[1]  # solved: not among the open
    assert card_of(petra).button_texts() == ["#6", "#3", "#2"]
    # the meeting that discussed them, the open task, the pins nearby
    assert "20. 10. 2026 · #2 · projednáno" in text
    assert "Domluvit s MP večerní hlídky u školy v Dubině — Jan Členová" in text
    nearby = text.split("Poblíž (do 150 m)")[1]
    assert "#4 · park za koupalištěm · návykové látky · 111 m" in nearby
    assert f"🔒 #5 · {SECRET_PLACE}" in nearby
    assert "#7" not in text  # Jih's Dubina is another team's locality

    # the chart: sent as a photo, drawn with these labels and values
    sent = photos(petra)[before:]
    assert len(sent) == 1 and sent[0].photo is not None
    assert sent[0].photo.startswith(b"\x89PNG")
    assert sent[0].text == "📍 Dubina · tým Poruba — problémy po čtvrtletích"
    chart = charts.drawn[-1]
    assert chart.labels() == [
        "Dubina",
        "tým Poruba · problémy po čtvrtletích",
        "Q1\n2025", "Q2\n2025", "Q3\n2025", "Q4\n2025",
        "Q1\n2026", "Q2\n2026", "Q3\n2026", "Q4\n2026",
        "nahlášené",
        "vyřešené",
        "otevřené na konci čtvrtletí",
    ]  # fmt: skip
    assert chart.new == (1, 1, 0, 0, 0, 0, 0, 2)
    assert chart.solved == (0, 1, 0, 0, 0, 0, 0, 0)
    assert chart.open_at_end == (1, 1, 1, 1, 1, 1, 1, 3)

    # a button of the card opens the problem's detail
    await petra.press("#3", message=card_of(petra))
    assert (
        "#3" in petra.last().text and "Popis" in petra.last().text
    ) or "U garáží" in petra.last().text


async def test_a_member_sees_neither_coordinators_only_problems_nor_their_localities(bot, charts):
    petra, olga, _jan, _karel = await seeded(bot)
    mark = len(olga.inbox)
    await olga.send("/locality dubina")
    text = card_of(olga).text
    assert "Problémů: 3 · otevřené: 2 · vyřešené: 1" in text
    assert "4. čtvrtletí 2026: 1 / 0 / 2" in text
    assert card_of(olga).button_texts() == ["#3", "#2"]
    assert charts.drawn[-1].new[-1] == 1 and charts.drawn[-1].open_at_end[-1] == 2
    await olga.send("/locality")  # the list of localities to choose from
    offered = olga.last().button_texts()
    assert "📍 Dubina" in offered and "📍 park za koupalištěm" in offered
    await olga.send("/locality Garáže Tajná 7")  # the confidential name is unknown to her
    assert "Lokalitu „Garáže Tajná 7“ neznám." in olga.last().text
    assert f"📍 {SECRET_PLACE}" not in olga.last().button_texts()
    mark = len(olga.inbox)  # (her own words come back; nothing else may name the place)
    await olga.send("/locality garaze")
    await olga.send("/locality")
    seen = "\n".join(m.text + " ".join(m.button_texts()) for m in olga.inbox[mark:])
    seen += "\n".join(label for chart in charts.drawn for label in chart.labels())
    for marker in (SECRET_PLACE, SECRET_TEXT, "#5", "#6"):
        assert marker not in seen, marker

    # the coordinator finds the same names
    await petra.send("/locality")
    assert f"📍 {SECRET_PLACE}" in petra.last().button_texts()
    await petra.send("/locality garaze")
    assert card_of(petra).text.startswith(f"📍 {SECRET_PLACE} · tým Poruba")
    assert charts.drawn[-1].title == SECRET_PLACE


async def test_typed_names_with_and_without_diacritics_and_case(bot, charts):
    _petra, _olga, jan, _karel = await seeded(bot)
    for typed in ("DUBINA", "  dubina ", "Dubina"):
        await jan.send(f"/locality {typed}")
        assert card_of(jan).text.startswith("📍 Dubina · tým Poruba"), typed
    await jan.send("/locality park za koupalistem")
    assert card_of(jan).text.startswith("📍 park za koupalištěm · tým Poruba")
    await jan.send("/locality Park Za Koupalištěm")
    assert card_of(jan).text.startswith("📍 park za koupalištěm · tým Poruba")
    await jan.send("/locality dubina sever")  # the dash is not needed
    assert card_of(jan).text.startswith("📍 Dubina – sever · tým Poruba")


async def test_unknown_and_ambiguous_names(bot, charts):
    _petra, olga, _jan, _karel = await seeded(bot)
    await olga.send("/locality Dubno")
    answer = olga.last()
    assert "Lokalitu „Dubno“ neznám." in answer.text and "Nejpodobnější" in answer.text
    assert answer.button_texts()[0] == "📍 Dubina"
    await olga.press("📍 Dubina")
    assert card_of(olga).text.startswith("📍 Dubina · tým Poruba")

    await olga.send("/locality dub")  # begins two names
    assert "Odpovídá víc lokalit" in olga.last().text
    assert olga.last().button_texts() == ["📍 Dubina", "📍 Dubina – sever"]
    await olga.press("📍 Dubina – sever")
    assert card_of(olga).text.startswith("📍 Dubina – sever")

    await olga.send("/locality <b>x</b> & " + "y" * 300)  # HTML and oversized: escaped, cut
    assert "Lokalitu „<b>x</b> &" in olga.last().text
    assert "Něco se pokazilo" not in olga.last().text
    assert not any(not call.ok for call in bot.emu.calls)


async def test_an_empty_locality_has_no_chart_and_a_polite_sentence(bot, charts):
    petra, *_ = await seeded(bot)
    before = len(photos(petra))
    drawn = len(charts.drawn)
    await petra.send("/locality Dubina – sever")
    text = card_of(petra).text
    assert text.startswith("📍 Dubina – sever · tým Poruba")
    assert "V této lokalitě zatím nebyl nahlášen žádný problém." in text
    assert len(photos(petra)) == before and len(charts.drawn) == drawn
    assert card_of(petra).button_texts() == []


async def test_a_person_in_two_teams_chooses_the_team_and_the_card_names_it(bot, charts):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    (karel,) = await make_team(bot, "Jih", "Karel")
    await join(jan, await invite_code(karel, role="Koordinátor", team="Jih"), name="Jan Členová")
    await report(jan, team="Poruba", locality="Dubina")
    await report(
        karel, locality="Dubina", description="Jih: u kontejnerů v Dubině je nepořádek a stříkačky."
    )
    await jan.send("/locality Dubina")
    assert "Odpovídá víc lokalit" in jan.last().text
    assert jan.last().button_texts() == ["📍 Dubina · Jih", "📍 Dubina · Poruba"]
    await jan.press("📍 Dubina · Jih")
    assert card_of(jan).text.startswith("📍 Dubina · tým Jih")
    assert "#2" in card_of(jan).button_texts() and "#1" not in card_of(jan).button_texts()
    assert charts.drawn[-1].subtitle.startswith("tým Jih")
    # Petra is in Poruba only: one Dubina, at once
    await petra.send("/locality Dubina")
    assert card_of(petra).text.startswith("📍 Dubina · tým Poruba")
    # the administrator sees every team
    await bot.admin.send("/locality dubina")
    assert bot.admin.last().button_texts() == ["📍 Dubina · Jih", "📍 Dubina · Poruba"]


async def test_the_locality_button_on_a_problem_detail(bot, charts):
    petra, olga, _jan, _karel = await seeded(bot)
    await olga.send("/problem 3")
    await olga.press("📍 Lokalita")
    assert card_of(olga).text.startswith("📍 Dubina · tým Poruba")
    await petra.send("/problem 5")
    await petra.press("📍 Lokalita")
    assert card_of(petra).text.startswith(f"📍 {SECRET_PLACE} · tým Poruba")
    nearby = card_of(petra).text.split("Poblíž (do 150 m)")[1]
    assert "#3 · Dubina" in nearby and "#4 · park za koupalištěm" in nearby
    assert "Měřeno od míst jejích problémů" in nearby  # the typed locality has no pin of its own
    # a member forging the press on the confidential problem learns nothing
    mark = len(olga.inbox)
    answer = await olga.press_data("lc:p:5")
    assert answer is not None and answer.show_alert
    assert "Problém #5 neexistuje" in answer.text
    assert len(olga.inbox) == mark


async def test_forged_and_stale_buttons(bot, charts):
    petra, olga, _jan, _karel = await seeded(bot)
    async with bot.db.read() as repos:
        teams = {team.name: team.id for team in await repos.teams.list_all()}
    from bot.domain.locality_card import key_hash

    secret = key_hash("garaze tajna 7")
    forged = [
        f"lc:v:{teams['Poruba']}:{secret}",  # a coordinators-only locality
        f"lc:v:{teams['Jih']}:{key_hash('dubina')}",  # another team's
        f"lc:v:{teams['Poruba']}:zzzz",
        "lc:v:abc:def",
        "lc:v:1",
        "lc:x:1",
        "lc:p:999",
        "lc:p:-1",
    ]
    mark = len(olga.inbox)
    for data in forged:
        answer = await olga.press_data(data)
        assert answer is not None and answer.show_alert, data
        assert SECRET_PLACE not in (answer.text or "")
    assert len(olga.inbox) == mark
    # a stale button: the locality was renamed since
    await petra.send("/locality")
    await petra.send("/team")
    await petra.press("📍 Lokality")
    await petra.press("📍 Dubina")
    await petra.press("Přejmenovat")
    await petra.send("Dubina-střed")
    listing = next(m for m in reversed(petra.inbox) if "📍 Dubina – sever" in m.button_texts())
    answer = await petra.press("📍 Dubina", message=listing)
    assert answer is not None and answer.show_alert and "už neexistuje" in answer.text
    await petra.send("/locality dubina stred")
    assert card_of(petra).text.startswith("📍 Dubina-střed · tým Poruba")
    assert "Problémů: 4" in card_of(petra).text  # its problems followed the new name


async def test_in_a_group_the_card_is_not_shown(bot, charts):
    petra, olga, _jan, _karel = await seeded(bot)
    group = bot.emu.group("MDT Poruba")
    await petra.add_bot_to(group)
    await petra.send_to(group, "/linkgroup")
    group.add_member(olga)
    await olga.send_to(group, "/locality Dubina")
    assert "soukrom" in group.messages[-1].text
    # a press on a bot message in the group (a notice; data as a modified client sends it)
    notice = group.messages[-1]
    photos_before = len(photos(olga))
    answer = await olga.press_data("lc:p:3", message=notice)
    assert answer is not None and answer.show_alert and "soukrom" in answer.text
    assert not any("Problémů:" in m.text for m in group.messages)
    assert len(photos(olga)) == photos_before
    assert not [m for m in group.messages if m.kind == "photo"]


async def test_a_long_card_lists_twenty_open_problems_and_says_how_many_more(bot, charts):
    _petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    services = bot.app.bot_data.services
    async with bot.db.read() as repos:
        (team,) = await repos.teams.list_all()
    for i in range(23):
        draft = ReportDraft.new().model_copy(
            update={
                "category": Category.ADDICTION,
                "locality": "Dubina",
                "description": f"Stříkačky u vchodu číslo {i}, opakovaně každý týden.",
                "urgency": Urgency.NORMAL,
            }
        )
        await services.reports.submit(
            Actor(user_id=jan.id), team.id, draft, personal_data_confirmed=True
        )
    await jan.send("/locality Dubina")
    card = card_of(jan)
    assert "Problémů: 23 · otevřené: 23 · vyřešené: 0" in card.text
    assert "… a 3 další (/problems)" in card.text
    assert len(card.button_texts()) == 20 and all(len(row) <= 5 for row in card.buttons)
    assert charts.drawn[-1].new[-1] == 23
