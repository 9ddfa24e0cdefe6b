"""``/problems`` with typed filters: every label a filter button shows, short words, ages and
combinations; what is not understood is answered with what would be; coordinators-only
problems never show their locality to plain members through the filters."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.problems import Category, Status, Urgency
from bot.handlers.problem_list import parse_arguments
from bot.services.authz import Actor
from bot.services.reports import ReportDraft
from tests.flows import make_team
from tests.test_two_teams import two_teams


async def file(bot, person, team: str, **fields) -> int:  # type: ignore[no-untyped-def]
    """One problem filed by ``person`` in ``team`` through the service."""
    services = bot.app.bot_data.services
    actor = Actor(user_id=person.id)
    (chosen,) = [t for t in await services.reports.teams(actor) if t.name == team]
    draft = ReportDraft.new().model_copy(
        update={
            "category": fields.get("category", Category.PUBLIC_ORDER),
            "locality": fields.get("locality", "Hlavní třída"),
            "description": "Hlučná skupina lidí se schází u vchodu každý večer.",
            "urgency": fields.get("urgency", Urgency.NORMAL),
            "coordinators_only": fields.get("coordinators_only", False),
        }
    )
    submitted = await services.reports.submit(
        actor, chosen.id, draft, personal_data_confirmed=False
    )
    await bot.app.bot_data.outbox.settle()
    return submitted.problem_id


async def set_status(bot, coordinator, number: int, status: Status) -> None:  # type: ignore[no-untyped-def]
    await bot.app.bot_data.services.problems.change_status(
        Actor(user_id=coordinator.id), number, status
    )
    await bot.app.bot_data.outbox.settle()


async def test_the_labels_of_the_filter_buttons_are_understood_when_typed(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    closed = await file(bot, jan, "Poruba")
    solved = await file(bot, jan, "Poruba", category=Category.ADDICTION, locality="Dubina")
    await file(bot, jan, "Poruba", category=Category.ADDICTION, urgency=Urgency.ACUTE)
    await file(bot, jan, "Poruba", category=Category.YOUTH, locality="Horní Datyně")
    await set_status(bot, petra, closed, Status.CLOSED)
    await set_status(bot, petra, solved, Status.SOLVED)

    await jan.send("/problems uzavřené")
    text = jan.last().text
    assert "1 problém · uzavřeno bez řešení" in text and f"#{closed}" in text
    assert "Nerozuměl" not in text
    await jan.send("/problems všechny stavy")
    assert "4 problémy · všechny stavy" in jan.last().text
    await jan.send("/problems VYRESENO")
    assert f"#{solved}" in jan.last().text and "1 problém" in jan.last().text
    await jan.send("/problems uzavřeno bez řešení")
    assert "1 problém · uzavřeno bez řešení" in jan.last().text
    await jan.send("/problems navykove latky")
    assert "1 problém · otevřené, návykové látky" in jan.last().text
    await jan.send("/problems všechny stavy návykové látky akutní")
    assert "1 problém · všechny stavy, návykové látky, 🔴 akutní" in jan.last().text
    await jan.send("/problems horní datyně")
    assert "1 problém · otevřené, riziková mládež" not in jan.last().text
    assert "1 problém · otevřené, Horní Datyně" in jan.last().text
    await jan.send("/problems Městská policie (MPO)")
    assert "otevřené, Městská policie (MPO)" in jan.last().text
    assert "Nerozuměl" not in jan.last().text
    await jan.send("/problems policie čr")
    assert "otevřené, Policie ČR (PČR)" in jan.last().text
    await jan.send("/problems nestátní nezisková organizace")
    assert "Nestátní nezisková organizace" in jan.last().text


async def test_ages_are_understood_in_several_forms(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await file(bot, jan, "Poruba")
    bot.advance(timedelta(days=40))
    await file(bot, jan, "Poruba")
    for typed in ("starší než 30 dní", "30d", "30 dní", "> 30", "older than 30 days", "starsi 30"):
        await jan.send(f"/problems {typed}")
        text = jan.last().text
        assert "1 problém · otevřené, starší než 30 dní" in text, (typed, text)
        assert "Nerozuměl" not in text, typed
    await jan.send("/problems starší než 30 dní všechny stavy akutní")
    assert "0 problémů · všechny stavy, 🔴 akutní, starší než 30 dní" in jan.last().text


async def test_what_is_not_understood_is_answered_with_what_would_be(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await file(bot, jan, "Poruba")
    await jan.send("/problems akutní blábolení 30")
    text = jan.last().text
    # words that are no filter are searched for; finding nothing names the filters
    assert "Pro „blábolení 30“ jsem nic nenašel (všechny stavy, 🔴 akutní)" in text, text
    assert "jiná slova mohou filtrovat" in text
    assert "všechny stavy" in text and "návykové látky" in text and "starší než 30 dní" in text
    assert "Městská policie (MPO)" in text
    await jan.send("/problems starší než")
    assert "Pro „starší než“ jsem nic nenašel" in jan.last().text
    await jan.send("/problems a")  # nothing to search for: said as before
    assert "Nerozuměl jsem: a" in jan.last().text and "Rozumím:" in jan.last().text


def test_parsing_keeps_the_words_as_typed_and_prefers_the_longest_label():
    from zoneinfo import ZoneInfo

    from bot.i18n import Translator

    t = Translator("cs", ZoneInfo("Europe/Prague"))
    flt, unknown = parse_arguments(
        ["částečně", "vyřešeno", "Hulváky,", "xyz"], [t], [("hulvaky", "Hulváky")], {}
    )
    assert flt.status is Status.PARTLY_SOLVED
    assert flt.locality == "Hulváky"
    assert unknown == ["xyz"]


async def test_a_member_never_learns_a_coordinators_only_locality_through_filters(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await file(bot, jan, "Poruba", locality="Dubina")
    await file(bot, jan, "Poruba", locality="Fifejdy", coordinators_only=True)
    await eva.send("/problems")
    await eva.press("🔎 Filtrovat")
    await eva.press("Lokalita")
    names = [b for row in eva.last().buttons for b in row]
    assert "Dubina" in str(names) and "Fifejdy" not in str(names)
    await eva.send("/problems fifejdy")
    assert "Pro „fifejdy“ jsem nic nenašel" in eva.last().text  # searched: nothing visible
    # the coordinator and the reporter see it
    await petra.send("/problems fifejdy")
    assert "1 problém · otevřené, Fifejdy" in petra.last().text
    await jan.send("/problems fifejdy")
    assert "1 problém · otevřené, Fifejdy" in jan.last().text


async def test_jan_filters_by_team_and_status_words(bot):
    _, jan, _ = await two_teams(bot)
    await file(bot, jan, "Poruba", locality="Dubina")
    south = await file(bot, jan, "Jih", locality="Hrabůvka")
    await set_status(bot, jan, south, Status.SOLVED)  # Jan coordinates Jih
    await jan.send("/problems jih vyřešeno")
    text = jan.last().text
    assert "1 problém · Jih, vyřešeno" in text and f"#{south}" in text
    await jan.send("/problems poruba")
    assert "1 problém · Poruba, otevřené" in jan.last().text
    await jan.send("/problems všechny stavy")
    assert "2 problémy · všechny stavy" in jan.last().text
