"""``/stats``: the figures a coordinator, an administrator and a member see, periods as buttons
and typed, charts, and refusals (bad periods, forged and stale buttons, groups, two teams).

The history before the test's day (24 Nov 2026) is written with the times it happened through
:class:`bot.storage.history.HistoryRepo`, as the demo does; everything else goes through the bot.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.domain.minutes import Outcome
from bot.domain.models import OrgType
from bot.domain.periods import ALL, this_year
from bot.domain.problems import Category, Status, Urgency
from bot.domain.tasks import TaskStatus
from bot.i18n import Translator
from bot.rendering.charts import render_png
from bot.rendering.stats import stats_charts
from bot.services.authz import Actor
from bot.services.text import name_key
from bot.storage.history import PastMeeting, PastMinutesItem, PastProblem, PastTask
from tests.flows import make_team, report
from tests.test_two_teams import teams, two_teams

SECRET_PLACE = "Tajná garáž"
CS = Translator("cs", ZoneInfo("Europe/Prague"))


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def problem(team_id: int, reporter: int, category: Category, place: str, created: datetime,
            status: Status = Status.NEW, progressed: datetime | None = None, *,
            secret: bool = False, lead: OrgType | None = None) -> PastProblem:  # fmt: skip
    return PastProblem(
        team_id=team_id,
        category=category,
        locality_id=None,
        locality_name=place,
        locality_key=name_key(place),
        description="Popis problému v lokalitě, bez jmen a bez osobních údajů.",
        urgency=Urgency.NORMAL,
        status=status,
        reporter_id=reporter,
        created_at=created,
        progressed_at=progressed or created,
        coordinators_only=secret,
        lead=(lead, "OO PČR Poruba") if lead else None,
    )


async def seed_poruba(bot, petra, jan) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Six open problems (one coordinators-only), three solved, one withdrawn, two meetings
    and four tasks; returns the problems' numbers by name."""
    team_id = (await teams(bot))["Poruba"].id
    p, j = petra.id, jan.id
    names = ["P1", "P2", "P3", "P4", "P5", "P6", "S1", "S2", "S3", "W"]
    rows = [
        problem(team_id, j, Category.ADDICTION, "Dubina", at(2026, 3, 10)),
        problem(team_id, j, Category.ADDICTION, "Dubina", at(2026, 6, 1), Status.DISCUSSED,
                at(2026, 6, 10, 9), lead=OrgType.PCR),
        problem(team_id, j, Category.ADDICTION, "Hlavní třída", at(2026, 9, 1),
                Status.IN_PROGRESS, at(2026, 9, 10, 9), lead=OrgType.PCR),
        problem(team_id, j, Category.YOUTH, "Hlavní třída", at(2026, 10, 1)),
        problem(team_id, j, Category.YOUTH, "Zátiší", at(2026, 11, 1)),
        problem(team_id, p, Category.SEX_WORK, SECRET_PLACE, at(2026, 10, 15), secret=True),
        problem(team_id, j, Category.PUBLIC_ORDER, "Dubina", at(2026, 5, 1), Status.SOLVED,
                at(2026, 5, 11)),
        problem(team_id, j, Category.PUBLIC_ORDER, "Dubina", at(2026, 7, 1), Status.SOLVED,
                at(2026, 7, 21)),
        problem(team_id, j, Category.OTHER, "Dubina", at(2025, 6, 1), Status.SOLVED,
                at(2025, 12, 1)),
        problem(team_id, j, Category.OTHER, "Dubina", at(2026, 4, 1), Status.WITHDRAWN,
                at(2026, 4, 2)),
    ]  # fmt: skip
    async with bot.db.transaction() as repos:
        numbers = dict(zip(names, await repos.history.add_problems(rows), strict=True))
        first = await repos.history.add_meeting(
            PastMeeting(team_id=team_id, starts_at=at(2026, 6, 10, 7), place="Radnice",
                        created_by=p, present=[p, j],
                        items=[PastMinutesItem(numbers["P1"], Outcome.CARRIED),
                               PastMinutesItem(numbers["P2"], Outcome.DISCUSSED)])
        )  # fmt: skip
        await repos.history.add_meeting(
            PastMeeting(team_id=team_id, starts_at=at(2026, 9, 10, 7), place="Radnice",
                        created_by=p, present=[p],
                        items=[PastMinutesItem(numbers["P1"], Outcome.DISCUSSED),
                               PastMinutesItem(numbers["P3"], Outcome.TASK)])
        )  # fmt: skip
        await repos.history.add_tasks(
            [
                PastTask(team_id=team_id, text="Úklid", deadline=at(2026, 9, 24),
                         status=TaskStatus.DONE, created_at=at(2026, 9, 10),
                         updated_at=at(2026, 9, 20), owner_id=j, meeting_id=first),
                PastTask(team_id=team_id, text="Obchůzky", deadline=at(2026, 10, 1),
                         status=TaskStatus.DONE, created_at=at(2026, 9, 10),
                         updated_at=at(2026, 10, 5), owner_id=j),
                PastTask(team_id=team_id, text="Schůzka se správcem", deadline=at(2026, 11, 1),
                         status=TaskStatus.OPEN, created_at=at(2026, 9, 10),
                         updated_at=at(2026, 9, 10), owner_id=j),
                PastTask(team_id=team_id, text="Osvětlení", deadline=at(2026, 12, 10),
                         status=TaskStatus.OPEN, created_at=at(2026, 11, 10),
                         updated_at=at(2026, 11, 10), owner_id=p),
            ]
        )  # fmt: skip
    return numbers


def photos(person, since: int = 0) -> list:  # type: ignore[no-untyped-def, type-arg]
    return [m for m in person.inbox[since:] if m.kind == "photo"]


async def test_a_coordinator_sees_the_teams_figures_and_charts(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    numbers = await seed_poruba(bot, petra, jan)

    mark = len(petra.inbox)
    await petra.send("/stats")
    text = petra.last().text
    assert "Poruba · rok 2026" in text, text
    assert "Otevřené: 6 (nový 4, projednává se 1, řeší se 1)" in text
    assert "Témata: návykové látky (3), riziková mládež (2), sexbyznys (1)" in text
    assert "Lokality: Dubina (2), Hlavní třída (2)" in text
    assert "Vede: PČR (2), bez vedoucí org. (4)" in text
    assert "Za období: nahlášeno 8, vyřešeno 2" in text  # the withdrawn report is no problem
    assert "Medián do projednání: 9 dní, do vyřešení: 15 dní" in text
    assert "2 schůzky, průměrně 1,5 přítomných" in text
    assert "Úkoly: 1 včas, 1 pozdě, 1 po termínu" in text
    assert f"Nejstarší otevřené: #{numbers['P1']} Dubina (258 dní)" in text
    assert SECRET_PLACE in text  # coordinators count (and see) coordinators-only problems
    assert len(text.splitlines()) <= 15  # one phone screen
    # the charts first, as one album with the team and period in its caption, the figures
    # with the buttons below them
    charts = photos(petra, mark)
    assert len(charts) == 4 and len({m.media_group_id for m in charts}) == 1
    assert charts[0].text == "Poruba · rok 2026"
    assert all(m.photo and m.photo.startswith(b"\x89PNG") for m in charts)
    assert petra.last().button_texts() == ["Měsíc", "Čtvrtletí", "• Rok", "Vše"]


async def test_periods_as_buttons_and_typed(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await seed_poruba(bot, petra, jan)

    await petra.send("/stats Q3 2026")
    text = petra.last().text
    assert "Poruba · 3. čtvrtletí 2026" in text, text
    assert "Za období: nahlášeno 2, vyřešeno 1" in text
    # first discussed in Q3: #P1 after 184 days (carried over in June), #P3 after 9 days
    assert "Medián do projednání: 96 dní, do vyřešení: 20 dní" in text
    assert "1 schůzka, průměrně 1,0 přítomných" in text
    assert "Otevřené: 6" in text  # open counts are as of today

    await petra.send("/stats od 1.9. do 30.11.")
    text = petra.last().text
    assert "Poruba · 1. 9. 2026 – 30. 11. 2026" in text, text
    assert "nahlášeno 4, vyřešeno 0" in text

    await petra.press("Vše")
    text = petra.last().text
    assert "Poruba · celé období" in text, text
    assert "nahlášeno 9, vyřešeno 3" in text
    assert "do vyřešení: 20 dní" in text  # 10, 20 and 183 days
    assert petra.last().button_texts() == ["Měsíc", "Čtvrtletí", "Rok", "• Vše"]

    await petra.press("Měsíc")
    text = petra.last().text
    assert "Poruba · listopad 2026" in text and "nahlášeno 1, vyřešeno 0" in text, text

    await petra.send("/stats letos")
    assert "Poruba · rok 2026" in petra.last().text


async def test_bad_periods_get_a_reason(bot):
    petra, _ = await make_team(bot, "Poruba", "Petra", "Jan")
    answers = {
        "/stats Q5 2026": "Rok má čtvrtletí 1 až 4.",
        "/stats 31.2.": "Takové datum neexistuje.",
        "/stats od 30.11.2026 do 1.9.2026": "Konec období je před jeho začátkem.",
        "/stats 1999": "Napište prosím rok mezi 2000 a 2099.",
        "/stats zítra ráno": "Tomuto období nerozumím",
        "/stats <b>2026</b>": "Tomuto období nerozumím",
        "/stats " + "2026 " * 400: "Tomuto období nerozumím",
    }
    for command, expected in answers.items():
        mark = len(petra.inbox)
        await petra.send(command)
        assert expected in petra.last().text, (command, petra.last().text)
        assert not photos(petra, mark)
    # a period that has not begun yet is a period with nothing in it
    await petra.send("/stats 2027")
    assert "Poruba · rok 2027" in petra.last().text


async def test_a_member_sees_open_counts_only_without_the_coordinators_only(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await seed_poruba(bot, petra, jan)

    mark = len(jan.inbox)
    await jan.send("/stats")
    text = jan.last().text
    assert "Poruba: otevřené problémy" in text, text
    assert "Otevřené: 5 (nový 3, projednává se 1, řeší se 1)" in text
    assert "Témata: návykové látky (3), riziková mládež (2)" in text
    assert "sexbyznys" not in text and SECRET_PLACE not in text
    assert "Za období" not in text and "Úkoly" not in text and "Nejstarší" not in text
    assert "Celé statistiky vidí koordinátoři." in text
    assert not photos(jan, mark)  # no charts
    assert jan.last().button_texts() == []  # no periods, no other team
    # a typed period changes nothing for a member
    await jan.send("/stats 2025")
    assert "Otevřené: 5" in jan.last().text and "2025" not in jan.last().text


async def test_the_administrator_sees_the_city_and_any_team(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await seed_poruba(bot, petra, jan)
    (karel,) = await make_team(bot, "Jih", "Karel")
    await report(karel, locality="Hrabůvka, Horní 5")
    admin = bot.admin

    await admin.send("/stats")
    assert "Statistiky kterého týmu? (rok 2026)" in admin.last().text
    assert admin.last().button_texts() == ["🏙 Celé město", "Jih", "Poruba", "✖ Zavřít"]
    mark = len(admin.inbox)
    await admin.press("🏙 Celé město")
    text = admin.last().text
    assert "Celé město · rok 2026" in text, text
    assert "Otevřené: 7 (nový 5, projednává se 1, řeší se 1)" in text
    assert "Týmy: Poruba (6), Jih (1)" in text
    assert "nahlášeno 9, vyřešeno 2" in text
    charts = photos(admin, mark)
    assert charts and charts[0].text == "Celé město · rok 2026"
    assert "« Jiný tým" in admin.last().button_texts()

    await admin.press("« Jiný tým")
    await admin.press("Poruba")
    assert "Otevřené: 6" in admin.last().text and "Poruba · rok 2026" in admin.last().text

    # the city's chart shows the teams, sorted
    services = bot.app.bot_data.services
    view = await services.stats.city(Actor(admin.id, is_admin=True), ALL)
    by_team = next(c for c in stats_charts(CS, view) if "podle týmu" in c.title)
    assert by_team.categories == ("Poruba", "Jih") and by_team.series[0].values == (6, 1)


async def test_an_empty_team_gets_a_sentence_and_no_chart(bot):
    (petra,) = await make_team(bot, "Poruba", "Petra")
    mark = len(petra.inbox)
    await petra.send("/stats")
    text = petra.last().text
    assert "Zatím tu není co počítat" in text, text
    assert not photos(petra, mark)


async def test_a_person_in_two_teams_picks_the_team(bot):
    _, jan, karel = await two_teams(bot)
    await report(jan, team="Poruba")
    await report(karel, team=None, locality="Hrabůvka, Horní 5")

    await jan.send("/stats")
    assert "Statistiky kterého týmu?" in jan.last().text
    assert jan.last().button_texts() == ["Jih", "Poruba", "✖ Zavřít"]
    await jan.press("Poruba")  # a member there: counts only
    assert "Poruba: otevřené problémy" in jan.last().text
    await jan.press("« Jiný tým")
    mark = len(jan.inbox)
    await jan.press("Jih")  # the coordinator there: everything
    text = jan.last().text
    assert "Jih · rok 2026" in text and "Otevřené: 1" in text, text
    assert photos(jan, mark)
    await jan.press("« Jiný tým")
    await jan.press("✖ Zavřít")
    assert jan.last().text == "Zavřeno."


async def test_forged_and_stale_buttons_are_refused(bot):
    petra, jan, karel = await two_teams(bot)
    groups = await teams(bot)
    poruba, jih = groups["Poruba"].id, groups["Jih"].id
    eva = bot.person("Eva")
    await eva.send("/start")

    refusals = [
        (eva, f"st:{poruba}:y2026", "Tohle je jen pro členy týmu"),
        (karel, f"st:{poruba}:a", "Tohle je jen pro členy týmu"),
        (petra, f"st:{jih}:a", "Tohle je jen pro členy týmu"),
        (petra, "st:c:y2026", "nemáte oprávnění"),  # the city is for administrators
        (jan, "st:c:a", "nemáte oprávnění"),
        (petra, "st:999999:a", "Tohle je jen pro členy týmu"),
        (petra, f"st:{poruba}:q20265", "Toto tlačítko už neplatí"),
        (petra, f"st:{poruba}:zz", "Toto tlačítko už neplatí"),
        (petra, f"st:{poruba}", "Toto tlačítko už neplatí"),
        (petra, f"st:x{poruba}:a", "Toto tlačítko už neplatí"),
        (petra, "st:p:", "Toto tlačítko už neplatí"),
    ]
    for person, data, expected in refusals:
        mark = len(person.inbox)
        answer = await person.press_data(data)
        assert answer is not None and expected in answer.text, (data, answer)
        assert not photos(person, mark)

    # a button from before a member left: the team's figures are no longer theirs
    await petra.send("/stats")
    stale = petra.last()
    await jan.send("/stats")
    await jan.press("Jih")
    await karel.send("/members")
    await karel.press("Jan Členová")
    await karel.press("Odebrat z týmu")
    await karel.press("Ano, odebrat")
    mark = len(jan.inbox)
    answer = await jan.press("Vše")
    assert answer is not None and "Tohle je jen pro členy týmu" in answer.text, answer
    assert not photos(jan, mark)
    await petra.press("Vše", message=stale)  # Petra's old screen still works
    assert "Poruba · celé období" in petra.last().text


async def test_stats_in_a_group_points_to_the_private_chat(bot):
    petra, _ = await make_team(bot, "Poruba", "Petra", "Jan")
    group = bot.emu.group("MDT Poruba")
    await petra.add_bot_to(group)
    await petra.send_to(group, "/linkgroup")
    await petra.send_to(group, "/stats")
    assert "napište do soukromého chatu" in group.messages[-1].text
    assert not any(m.kind == "photo" for m in group.messages)


async def test_the_demo_has_a_year_of_history_to_count(bot):
    from bot.sandbox.demo import seed_demo

    services = bot.app.bot_data.services
    people = await seed_demo(services, bot.emu, bot.admin)
    await bot.app.bot_data.outbox.settle()  # today's two reports are notified first
    petra = next(p for p in people if p.first_name == "Petra")
    mark = len(petra.inbox)
    await petra.send("/stats")
    text = petra.last().text
    assert "Poruba · rok 2026" in text and "schůz" in text, text
    assert len(photos(petra, mark)) == 4
    view = await services.stats.city(Actor(bot.admin.id, is_admin=True), this_year(START_DAY))
    assert view.figures is not None and view.figures.meetings >= 7 * 10
    assert view.figures.solved > 50 and view.open.total > 50
    assert len(view.figures.by_team) == 7
    # every team has some history, with minutes, tasks done on time and late
    assert view.figures.tasks_on_time and view.figures.tasks_late
    assert view.figures.to_discussion.count and view.figures.to_solution.count
    # and its charts render
    for chart in stats_charts(CS, view):
        assert render_png(chart).startswith(b"\x89PNG")


START_DAY = datetime(2026, 11, 24).date()
