"""Full-text search in ``/problems``: words that are no filter search descriptions, comments and
proposals (FTS5, without diacritics and case), ranked, shown in context, within what the reader
may see; redacted and anonymised texts cannot be found by their old words."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.problems import Status
from bot.services.authz import Actor
from tests.flows import make_team, report
from tests.test_meetings import run_due
from tests.test_problems import seed, stored
from tests.test_two_teams import two_teams

SYRINGES = "Na dětském hřišti u Dubiny leží použité injekční STŘÍKAČKY, asi deset kusů."


async def index_rows(bot, word: str) -> list[int]:  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        rows = await repos.search._all(
            "SELECT rowid FROM search_texts WHERE search_texts MATCH ?", (word,)
        )
    return [int(r[0]) for r in rows]


async def test_words_that_are_no_filter_search_without_diacritics_or_case(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await seed(bot, jan, 3)
    await report(jan, description=SYRINGES, locality="Dubina")
    await jan.send("/problems strikacky")
    found = jan.last()
    assert "Nalezen 1 problém" in found.text, found.text
    assert "#4" in found.text and "#1 " not in found.text
    assert "<b>STŘÍKAČKY</b>" in found.html  # the match in bold, in context
    assert "popis:" in found.text and "dětském hřišti" in found.text
    assert "#4" in found.button_texts()
    await jan.press("#4")
    assert SYRINGES in jan.last().text

    await jan.send("/problems STŘÍKAČKA")  # another case ending, upper case
    assert "Nalezen 1 problém" in jan.last().text
    # a filter word and a search word together: the filter applies
    await jan.send("/problems drogy strikacky")
    assert "Nalezen 1 problém" in jan.last().text
    await jan.send("/problems mládež strikacky")
    assert "nic nenašel" in jan.last().text


async def test_comments_and_proposals_are_searched_and_ranked(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await seed(bot, jan, 2)  # "Hlučná skupina lidí se schází u vchodu…"
    services = bot.app.bot_data.services
    await services.problems.comment(Actor(jan.id), 1, "Kontejnery na sklo jsou přeplněné.")
    await services.proposals.propose(
        Actor(petra.id), 2, "Domluvit s obvodem svoz kontejneru a kontejnery častěji vyvážet.", None
    )
    await jan.send("/problems kontejnery")
    text = jan.last().text
    assert "Nalezeny 2 problémy" in text, text
    assert text.index("#2") < text.index("#1")  # two matches in #2's proposal rank it first
    assert "návrh:" in text and "komentář:" in text


async def test_nothing_found_names_the_filters(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await seed(bot, jan, 1)
    await jan.send("/problems blábolení")
    text = jan.last().text
    assert "Pro „blábolení“ jsem nic nenašel" in text, text
    assert "Kategorie:" in text and "Naléhavost:" in text and "Stav:" in text
    assert "✖ Zrušit hledání" in jan.last().button_texts()
    await jan.press("✖ Zrušit hledání")
    assert "1 problém" in jan.last().text


async def test_html_and_long_input_are_safe(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan, description="Rozbitá <b>lavička</b> & <script>x</script> v parku Dubina.")
    await jan.send("/problems lavicka")
    found = jan.last()
    assert "&lt;b&gt;" in found.html and "<b>lavička</b>" in found.html, found.html
    assert "<script>" not in found.html
    await jan.send('/problems "lavicka" OR * NEAR( ) ' + "x" * 500)  # FTS syntax is no syntax
    assert "Něco se pokazilo" not in jan.last().text


async def test_coordinators_only_and_other_teams_texts_are_not_found(bot):
    petra, jan, karel = await two_teams(bot)
    olga = bot.person("Olga")
    from tests.flows import invite_code, join

    await join(olga, await invite_code(petra, team="Poruba"), name="Olga Nováková")
    await report(petra, description="TAJNEHLASENI policie o skupine u garazi", send=False)
    await petra.press("🔒 Jen pro koordinátory")
    await petra.press("✅ Odeslat")
    await report(karel, team=None, description="JIHOVETAJNE hlaseni z Hrabuvky garazi")
    for word in ("tajnehlaseni", "garazi", "jihovetajne"):
        await olga.send(f"/problems {word}")
        text = olga.last().text
        assert "nic nenašel" in text, text
        assert "policie o skupine" not in text and "z Hrabuvky" not in text, text
    await petra.send("/problems tajnehlaseni")
    assert "Nalezen 1 problém" in petra.last().text and "🔒" in petra.last().text
    await bot.admin.send("/problems garazi")
    assert "Nalezeny 2 problémy" in bot.admin.last().text
    # Jan: a member in Poruba (no secret), coordinator in Jih (its problem)
    await jan.send("/problems garazi")
    text = jan.last().text
    assert "Nalezen 1 problém" in text and "JIHOVETAJNE" in text and "TAJNEHLASENI" not in text


async def test_redacted_and_anonymised_texts_leave_the_index(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan, description="Dealer u školy ve Vřesinské nabízí dětem pervitin.")
    services = bot.app.bot_data.services
    await services.problems.comment(Actor(jan.id), 1, "Pervitin tam nabízel znovu i včera večer.")
    assert await index_rows(bot, "pervitin") == [1]  # one row per problem

    from bot.services.redaction import TextKind

    await services.redaction.replace(Actor(petra.id), TextKind.DESCRIPTION, (1,), None)
    async with bot.db.read() as repos:
        comments = await repos.redaction.comments(1, 5)
    await services.redaction.replace(Actor(petra.id), TextKind.COMMENT, (comments[0].id,), None)
    assert await index_rows(bot, "pervitin") == []
    await jan.send("/problems pervitin")
    assert "nic nenašel" in jan.last().text

    # the index holds no deleted text once purged (no old word left in its blocks)
    async with bot.db.read() as repos:
        blocks = await repos.search._all("SELECT block FROM search_texts_data")
    assert not any(b"pervitin" in bytes(r[0] or b"") for r in blocks)


async def test_anonymised_problems_leave_the_index(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan, description="Rozbité hřiště ve Vřesinské, kontrola nutná.")
    services = bot.app.bot_data.services
    await services.problems.comment(Actor(jan.id), 1, "Kontrola hřiště proběhla bez nálezu.")
    await services.proposals.propose(Actor(jan.id), 1, "Oslovit obvod kvůli opravě hřiště.", None)
    await services.problems.change_status(Actor(petra.id), 1, Status.SOLVED)
    assert await index_rows(bot, "hriste") == [1]
    bot.advance(timedelta(days=724))  # the week-before notice
    await run_due(bot)
    bot.advance(timedelta(days=7))  # past the retention: anonymised
    await run_due(bot)
    assert (await stored(bot, 1)).anonymised_at is not None
    assert await index_rows(bot, "hriste") == []
    assert await index_rows(bot, "kontrola") == []
    await petra.send("/problems hriste")
    assert "nic nenašel" in petra.last().text
    async with bot.db.read() as repos:
        blocks = await repos.search._all("SELECT block FROM search_texts_data")
    assert not any(b"hriste" in bytes(r[0] or b"") for r in blocks)
