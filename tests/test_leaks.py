"""A marker in a coordinators-only problem and in another team's problem must not reach a plain
member on any surface: lists, filters, detail, similar-problem offers, agenda and minutes
text and PDF, tasks, meetings, notices and group notices."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from pypdf import PdfReader

from bot.handlers import locality
from bot.rendering.locality_chart import TrendChart, render_trend_png
from tests.flows import invite_code, join, report
from tests.test_meetings import run_due, schedule
from tests.test_two_teams import two_teams

SECRET_PLACE = "Confaulice 7"
SECRET_TEXT = "TAJNEHLASENI policie o skupine u garazi"
OTHER_TEAM_TEXT = "JIHOVETAJNE hlaseni z Hrabuvky"
OTHER_TEAM_PLACE = "Hrabůvka Tajná 9"
MARKERS = (SECRET_PLACE, SECRET_TEXT, OTHER_TEAM_TEXT, OTHER_TEAM_PLACE)
COMMANDS = ["/problems", "/problems conf", "/problems Confaulice", "/problem 1", "/problem 2",
            "/agenda", "/meeting", "/tasks", "/help", "/profile", "/locality",
            "/locality Confaulice", "/locality Hrabůvka", "/locality Zárubecká"]  # fmt: skip


def surfaces(person) -> str:  # type: ignore[no-untyped-def]
    """Everything the person's phone shows: texts, buttons, documents (PDF text, .ics)."""
    parts = []
    for message in person.inbox:
        parts.append(message.text)
        parts += message.button_texts()
        document = message.document
        if document is not None:
            if document.data.startswith(b"%PDF"):
                reader = PdfReader(io.BytesIO(document.data))
                parts += [page.extract_text() for page in reader.pages]
            else:
                parts.append(document.data.decode("utf-8", "replace"))
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
    bot.clock.set(datetime(2026, 12, 13, 15, 0, tzinfo=UTC))  # the agenda is frozen and sent
    await run_due(bot)
    assert any("Program" in m.text for m in olga.inbox)

    for command in COMMANDS:
        await walk(olga, command)
    assert "Zárubecká 12" in charts  # the walk did draw a locality's chart
    seen = surfaces(olga) + "\n".join(m.text for m in group.messages) + "\n".join(charts)
    for marker in MARKERS:
        assert marker not in seen, marker

    # reporting at the secret place offers no similar problem from the closed part
    mark = len(olga.inbox)
    await report(olga, locality=SECRET_PLACE, send=False)
    offers = "\n".join(m.text + " ".join(m.button_texts()) for m in olga.inbox[mark:])
    assert "#1" not in offers and SECRET_TEXT not in offers
    await olga.send("/cancel")
    # the same walk as Petra does show her own team's secret: the scan can see it
    await walk(petra, "/problems")
    assert SECRET_PLACE in surfaces(petra)
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
