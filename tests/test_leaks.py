"""A marker in a coordinators-only problem and in another team's problem must not reach a plain
member on any surface: lists, filters, detail, similar-problem offers, agenda and minutes
text and the printed documents (agenda PDF and DOCX, attendance sheet, zápis), exports and
search, tasks, meetings, notices and group notices, the weekly digest, statistics and the labels
of their charts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.handlers import locality
from bot.rendering.locality_chart import TrendChart, render_trend_png
from tests.documents import docx_text, file_text
from tests.flows import invite_code, join, report
from tests.test_meetings import MEETING_UTC, run_due, schedule
from tests.test_two_teams import two_teams

SECRET_PLACE = "Confaulice 7"
SECRET_TEXT = "TAJNEHLASENI policie o skupine u garazi"
OTHER_TEAM_TEXT = "JIHOVETAJNE hlaseni z Hrabuvky"
OTHER_TEAM_PLACE = "Hrabůvka Tajná 9"
MARKERS = (SECRET_PLACE, SECRET_TEXT, OTHER_TEAM_TEXT, OTHER_TEAM_PLACE)
COMMANDS = ["/problems", "/problems conf", "/problems Confaulice", "/problem 1", "/problem 2",
            "/agenda", "/meeting", "/tasks", "/help", "/profile", "/problems tajnehlaseni",
            "/problems garazi", "/problems hrabuvky skupine", "/problems policie vše",
            "/export", "/export vše xlsx", "/stats", "/locality",
            "/locality Confaulice", "/locality Hrabůvka", "/locality Zárubecká"]  # fmt: skip


def surfaces(person, messages=None) -> str:  # type: ignore[no-untyped-def]
    """Everything the person's phone (or a group's ``messages``) shows: texts, buttons,
    documents (PDF text; DOCX paragraphs, tables, headers and footers; XLSX cells; CSV; .ics)."""
    parts = []
    for message in person.inbox if messages is None else messages:
        parts.append(message.text)
        parts += message.button_texts()
        document = message.document
        if document is not None:
            parts.append(file_text(document.data))
    return "\n".join(parts)


async def walk(person, command: str) -> None:  # type: ignore[no-untyped-def]
    """Send the command and press every button of the answer and of what that shows."""
    await person.send(command)
    first = person.inbox[-1]
    for label in [b.text for row in first.buttons for b in row if b.callback_data]:
        await person.send("/cancel")
        await person.send(command)
        screen = person.inbox[-1]
        if label not in screen.button_texts():
            continue
        await person.press(label, message=screen)
        second = person.inbox[-1]
        for inner in [b.text for row in second.buttons for b in row if b.callback_data][:8]:
            current = person.emu.current(second)
            if inner in current.button_texts():
                await person.press(inner, message=current)
    await person.send("/cancel")


async def test_a_plain_member_never_sees_coordinators_only_or_other_teams_content(bot, monkeypatch):
    charts: list[str] = []  # every label drawn on a locality card's chart

    def drawn(chart: TrendChart) -> bytes:
        charts.extend(chart.labels())
        return render_trend_png(chart)

    monkeypatch.setattr(locality, "render_trend_png", drawn)
    petra, _, karel = await two_teams(bot)
    olga = bot.person("Olga")
    await join(olga, await invite_code(petra, team="Poruba"), name="Olga Nováková")
    group = bot.emu.group("MDT Poruba")
    await petra.add_bot_to(group)
    await petra.send_to(group, "/linkgroup")

    await report(petra, locality=SECRET_PLACE, description=SECRET_TEXT, send=False)
    await petra.press("🔒 Jen pro koordinátory")
    await petra.press("✅ Odeslat")
    await report(karel, locality=OTHER_TEAM_PLACE, description=OTHER_TEAM_TEXT)
    await report(olga, locality="Zárubecká 12")  # #3: a locality card with a chart
    await schedule(petra)
    bot.clock.set(datetime(2026, 11, 30, 6, 30, tzinfo=UTC))  # Monday 7:30: weekly digests
    await run_due(bot)
    assert any(m.text.startswith("📰 Týdenní přehled · ") for m in olga.inbox)
    petras = [m.text for m in petra.inbox if m.text.startswith("📰 Týdenní přehled · ")]
    assert petras and SECRET_PLACE in petras[-1]  # the coordinator's digest names it
    bot.clock.set(datetime(2026, 12, 13, 15, 0, tzinfo=UTC))  # the agenda is frozen and sent
    await run_due(bot)
    assert any("Program" in m.text for m in olga.inbox)

    for command in COMMANDS:
        await walk(olga, command)
    assert "Zárubecká 12" in charts  # the walk did draw a locality's chart
    seen = surfaces(olga) + surfaces(None, group.messages) + "\n".join(charts)
    assert any(m.document and m.document.filename.startswith("program") for m in group.messages)
    for marker in MARKERS:
        assert marker not in seen, marker
    # the scan did read the printed agenda (from the notice, the group and /agenda's button)
    programs = [m for m in olga.inbox if m.document and m.document.filename.startswith("program")]
    assert len(programs) >= 2 and "Program jednání" in seen
    assert not any(m.document and "prezencni" in m.document.filename for m in olga.inbox)

    # reporting at the secret place offers no similar problem from the closed part
    mark = len(olga.inbox)
    await report(olga, locality=SECRET_PLACE, send=False)
    offers = "\n".join(m.text + " ".join(m.button_texts()) for m in olga.inbox[mark:])
    assert "#1" not in offers and SECRET_TEXT not in offers
    await olga.send("/cancel")
    # the same walk as Petra does show her own team's secret: the scan can see it
    await walk(petra, "/problems")
    assert SECRET_PLACE in surfaces(petra)
    # ... also in her documents: the agenda as DOCX and PDF, on the pages of the closed part
    mark = len(petra.inbox)
    await walk(petra, "/agenda")
    documents = [m for m in petra.inbox[mark:] if m.document]
    assert {m.document.filename.rsplit(".", 1)[1] for m in documents} == {"pdf", "docx"}
    docx_copy = next(m for m in documents if m.document.filename.endswith(".docx"))
    assert SECRET_PLACE in docx_text(docx_copy.document.data)
    charts.clear()
    await walk(petra, "/locality Confaulice")
    assert SECRET_PLACE in charts


async def test_a_closed_duplicate_keeps_its_comments_from_the_visible_original(bot):
    from bot.services.authz import Actor
    from tests.flows import make_team
    from tests.test_problems import seed

    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await seed(bot, jan, 2)
    services = bot.app.bot_data.services
    await services.problems.set_coordinators_only(Actor(user_id=petra.id), 2, True)
    await petra.send("/problem 2")
    await petra.press("💬 Komentovat")
    await petra.send("Tajná poznámka o oběti domácího násilí.")
    await petra.send("/problem 2")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("Duplicita…")
    await petra.send("1")
    await petra.press("Ano, #2 je duplicita")
    assert "zůstávají u #2" in petra.last().text, petra.last().text
    await eva.send("/problem 1")
    seen = eva.last().text
    assert "Tajná poznámka" not in seen and "#2" not in seen, seen
    await petra.send("/problem 2")  # the coordinators still have it where it was
    assert "Tajná poznámka" in petra.last().text


SECRET_NOTE = "TAJNAPOZNAMKA o informatorovi"
SECRET_TASK = "TAJNYUKOL prověřit byt ve třetím patře"


async def test_a_members_zapis_has_no_closed_part(bot):
    """The zápis sent after the minutes and the documents of /documents: a coordinators-only
    item, its note and its task reach the coordinators' copy only."""
    petra, jan, karel = await two_teams(bot)
    olga = bot.person("Olga")
    await join(olga, await invite_code(petra, team="Poruba"), name="Olga Nováková")
    await report(olga, locality="Zárubecká 12")
    await report(petra, locality=SECRET_PLACE, description=SECRET_TEXT, send=False)
    await petra.press("🔒 Jen pro koordinátory")
    await petra.press("✅ Odeslat")
    await report(karel, locality=OTHER_TEAM_PLACE, description=OTHER_TEAM_TEXT)
    await schedule(petra)
    bot.clock.set(MEETING_UTC + timedelta(minutes=5))
    await run_due(bot)
    await petra.send("/minutes")
    await petra.press("Pokračovat programem ▶")
    await petra.press("💬 projednáno")  # item 1, then the closed item 2
    assert SECRET_PLACE in petra.last().text
    await petra.press("📝 Poznámka")
    await petra.send(SECRET_NOTE)
    await petra.press("📌 Nový úkol")
    await petra.send(SECRET_TASK)
    await petra.press("🏢 Jen organizace")
    await petra.send("OO PČR Poruba")
    await petra.send("20.12.")
    await petra.press("✅ Ano")
    await petra.press("« Zpět k zápisu")
    await petra.press("🏁 Dokončit")
    await petra.press("✅ Uložit a rozeslat zápis")
    await run_due(bot)

    poruba_secrets = (SECRET_PLACE, SECRET_TEXT, SECRET_NOTE, SECRET_TASK, "Neveřejná část")
    # Olga is a plain member; Jan is a member of Poruba (and sees Jih's, which he coordinates)
    for person, markers in ((olga, (*MARKERS, *poruba_secrets)), (jan, poruba_secrets)):
        assert any(m.document and m.document.filename.startswith("zapis-") for m in person.inbox)
        await walk(person, "/documents")
        seen = surfaces(person)
        assert "Zápis z jednání" in seen and "Zárubecká 12" in seen
        for marker in markers:
            assert marker not in seen, (person.first_name, marker)
    # the coordinator's copies (sent, and PDF and DOCX from /documents) do have the closed part
    await petra.send("/documents")
    await petra.press(0)
    await petra.press("📝 Zápis (DOCX)")
    seen = surfaces(petra)
    for marker in (SECRET_PLACE, SECRET_NOTE, SECRET_TASK, "Neveřejná část"):
        assert marker in seen, marker
    word = [m for m in petra.inbox if m.document and m.document.filename.endswith(".docx")]
    assert SECRET_TASK in docx_text(word[-1].document.data)


async def test_exports_and_search_of_a_person_in_two_teams_leave_out_the_other_teams_secret(bot):
    petra, jan, karel = await two_teams(bot)  # Jan: member in Poruba, coordinator in Jih
    await report(petra, locality=SECRET_PLACE, description=SECRET_TEXT, send=False)
    await petra.press("🔒 Jen pro koordinátory")
    await petra.press("✅ Odeslat")
    await report(karel, locality=OTHER_TEAM_PLACE, description=OTHER_TEAM_TEXT)
    await petra.send("/problem 1")
    await petra.press("💬 Komentovat")
    await petra.send("TAJNYKOMENTAR u garazi zase skupina")
    commands = ["/export", "/export vše xlsx", "/export vše csv", "/export úkoly vše"]
    commands += ["/problems garazi", "/problems tajnykomentar", "/problems policie"]
    for command in commands:
        await walk(jan, command)
    seen = surfaces(jan)
    for marker in (SECRET_PLACE, SECRET_TEXT, "TAJNYKOMENTAR"):
        assert marker not in seen, marker
    assert OTHER_TEAM_TEXT in seen  # his own team's problem is in his export: the scan sees
    # Petra's export and search do have the secret
    await walk(petra, "/export vše xlsx")
    await walk(petra, "/problems tajnykomentar")
    assert SECRET_TEXT in surfaces(petra) and "TAJNYKOMENTAR" in surfaces(petra)


async def test_stats_and_chart_labels_keep_coordinators_only_and_other_teams_out(bot):
    from bot.domain.periods import ALL
    from bot.i18n import Translator
    from bot.rendering.stats import stats_charts, stats_text
    from bot.services.authz import Actor

    petra, jan, karel = await two_teams(bot)
    olga = bot.person("Olga")
    await join(olga, await invite_code(petra, team="Poruba"), name="Olga Nováková")
    await report(jan, team="Poruba", locality="Dubina")
    await report(petra, locality=SECRET_PLACE, description=SECRET_TEXT, send=False)
    await petra.press("🔒 Jen pro koordinátory")
    await petra.press("✅ Odeslat")
    await report(karel, locality=OTHER_TEAM_PLACE, description=OTHER_TEAM_TEXT)

    await walk(olga, "/stats")
    assert "Otevřené: 1" in surfaces(olga)
    assert not any(m.kind == "photo" for m in olga.inbox)
    await walk(jan, "/stats")  # Poruba as a member, Jih as its coordinator
    for person in (olga, jan):
        seen = surfaces(person)
        assert SECRET_PLACE not in seen and "sexbyznys" not in seen

    # what the charts would say: every label of every chart a reader gets
    stats = bot.app.bot_data.services.stats
    t = Translator("cs", stats.zone)
    teams = {name: team_id for team_id, name, _ in (await stats.choices(Actor(petra.id)))[0]}
    jih = (await stats.choices(Actor(karel.id)))[0][0][0]
    now = stats.clock.now()

    def shown(view) -> str:  # type: ignore[no-untyped-def]
        labels = [label for chart in stats_charts(t, view) for label in chart.labels()]
        return stats_text(t, view, ALL, now) + "\n".join(labels)

    poruba = teams["Poruba"]
    both = (SECRET_PLACE, OTHER_TEAM_PLACE)
    for reader, team_id, hidden in ((olga, poruba, both), (jan, poruba, both),
                                    (jan, jih, (SECRET_PLACE,))):  # fmt: skip
        seen = shown(await stats.team(Actor(reader.id), team_id, ALL))
        for marker in hidden:
            assert marker not in seen, (reader.first_name, marker)
    # the coordinators do see their own: the scan can find the marker where it belongs
    petras = await stats.team(Actor(petra.id), teams["Poruba"], ALL)
    labels = [label for chart in stats_charts(t, petras) for label in chart.labels()]
    assert SECRET_PLACE in labels
