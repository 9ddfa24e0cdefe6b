"""The problem detail as issue 9 wants it: presses that carry their state, the coordinator's
screen, tasks on the problem, lead organisations of any type, duplicates told to the reporter,
moving and withdrawing problems, and Back on every dialogue step."""

from __future__ import annotations

from bot.domain.problems import ProblemFilter, Status, StatusFilter
from bot.services.authz import Actor
from tests.flows import invite_code, join, make_team, report
from tests.test_meetings import schedule
from tests.test_problems import seed, stored
from tests.test_tasks import new_task
from tests.test_two_teams import two_teams


async def _proposal(bot, problem_id: int):  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        team_id = await repos.problems.team_of(problem_id)
        assert team_id is not None
        (proposal,) = await repos.proposals.for_problem(team_id, problem_id)
    return proposal


async def test_support_press_carries_its_state_double_and_redelivered(bot):
    _, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await seed(bot, jan, 1)
    await eva.send("/problem 1")
    screen = eva.last()
    (support,) = [b for row in screen.buttons for b in row if b.text.startswith("👍 Podpořit")]
    await eva.press("👍 Podpořit (0)")
    assert (await stored(bot, 1)).supporters == [eva.id]
    assert "👎 Zrušit podporu" in eva.last().button_texts()
    # a double tap / Telegram delivering the same press again: still supported, once
    await eva.press_data(support.callback_data, message=screen)
    await eva.press_data(support.callback_data, message=screen)
    assert (await stored(bot, 1)).supporters == [eva.id]
    assert "👎 Zrušit podporu" in eva.last().button_texts()
    await eva.press("👎 Zrušit podporu")
    withdraw = eva.last()
    assert (await stored(bot, 1)).supporters == []
    await eva.press_data("pb:sp:1:0", message=withdraw)  # the withdrawal redelivered
    assert (await stored(bot, 1)).supporters == []
    assert "👍 Podpořit (0)" in eva.last().button_texts()
    # an old toggle-style button from a message already in the chat does not toggle
    await eva.press_data("pb:sp:1")
    assert (await stored(bot, 1)).supporters == []
    assert "👍 Podpořit (0)" in eva.last().button_texts()
    await eva.press("👍 Podpořit (0)")
    await eva.press_data("pb:sp:1")
    assert (await stored(bot, 1)).supporters == [eva.id]
    answer = await eva.press_data("pb:sp:1:x")
    assert answer is not None and answer.show_alert


async def test_proposal_support_press_carries_its_state(bot):
    _, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await seed(bot, jan, 1)
    await jan.send("/propose 1")
    await jan.send("Městská policie zařadí místo do večerních obchůzek.")
    await jan.press("Nikdo konkrétní")
    await eva.send("/problem 1")
    screen = eva.last()
    await eva.press("👍 1 (0)")
    proposal = await _proposal(bot, 1)
    assert proposal.supporters == [eva.id]
    assert "👎 Zrušit podporu 1" in eva.last().button_texts()
    await eva.press_data(f"pp:sp:{proposal.id}:1", message=screen)  # double tap
    assert (await _proposal(bot, 1)).supporters == [eva.id]
    await eva.press_data(f"pp:sp:{proposal.id}")  # an old toggle button: shows, no change
    assert (await _proposal(bot, 1)).supporters == [eva.id]
    assert "👎 Zrušit podporu 1" in eva.last().button_texts()
    await eva.press("👎 Zrušit podporu 1")
    await eva.press_data(f"pp:sp:{proposal.id}:0")
    assert (await _proposal(bot, 1)).supporters == []
    assert "👍 1 (0)" in eva.last().button_texts()


async def test_jan_supports_in_both_teams(bot):
    petra, jan, karel = await two_teams(bot)
    await report(petra, team=None)
    await report(karel, locality="Hrabůvka")
    for number in (1, 2):
        await jan.send(f"/problem {number}")
        await jan.press("👍 Podpořit (0)")
        await jan.press_data(f"pb:sp:{number}:1")
        assert (await stored(bot, number)).supporters == [jan.id]


async def test_coordinator_screen_fits_a_phone_and_asks_before_status_changes(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await seed(bot, jan, 1)
    services = bot.app.bot_data.services
    for i in range(8):
        await services.problems.comment(Actor(user_id=jan.id), 1, f"Poznámka číslo {i}")
    await petra.send("/problem 1")
    detail = petra.last()
    assert detail.button_texts() == [
        "👍 Podpořit (0)",
        "💬 Komentovat",
        "💡 Navrhnout řešení",
        "📍 Lokalita",
        "📜 Celá historie",
        "⚙ Koordinace ▸",
    ]
    timeline = detail.text.split("Průběh")[1]
    assert "Poznámka číslo 7" in timeline and "Poznámka číslo 3" in timeline
    assert "Poznámka číslo 2" not in timeline and len(timeline.strip().splitlines()) <= 6
    await petra.press("📜 Celá historie")
    assert all(f"Poznámka číslo {i}" in petra.last().text for i in range(8))
    assert "nahlásil(a) problém" in petra.last().text
    await petra.press("« Zpět")
    assert "⚙ Koordinace ▸" in petra.last().button_texts()

    await petra.press("⚙ Koordinace ▸")
    new_layout = petra.last().button_texts()
    assert new_layout == [
        "🔄 Stav",
        "🏢 Organizace",
        "🔁 Duplicita…",
        "🔒 Jen koordinátoři",
        "📌 Úkoly",
        "✏ Upravit texty",
        "« Zpět",
    ]
    await petra.press("🔄 Stav")
    await petra.press("vyřešeno")
    assert "Opravdu změnit stav problému #1 z „nový“ na „vyřešeno“?" in petra.last().text
    assert (await stored(bot, 1)).status is Status.NEW  # not before the confirming tap
    await petra.press("✖ Ne")
    assert (await stored(bot, 1)).status is Status.NEW
    assert "Změnit na" in petra.last().text
    await petra.press("vyřešeno")
    await petra.press("✅ Ano")
    assert (await stored(bot, 1)).status is Status.SOLVED
    await petra.press_data("pb:st:1:solved:y")  # the confirmation pressed twice: one change
    async with bot.db.read() as repos:
        changes = await repos.audit.by_action("problem.status")
    assert len(changes) == 1
    await petra.press("⚙ Koordinace ▸")
    assert petra.last().button_texts() == new_layout  # the same places whatever the status

    await petra.press("🔒 Jen koordinátoři")
    assert "Opravdu má problém #1 vidět jen koordinátoři?" in petra.last().text
    assert not (await stored(bot, 1)).coordinators_only
    await petra.press("✅ Ano")
    assert (await stored(bot, 1)).coordinators_only
    await petra.press("⚙ Koordinace ▸")
    assert "👥 Zobrazit celému týmu" in petra.last().button_texts()

    # a member has no coordinator buttons, and forged ones are refused
    await jan.send("/problem 1")
    assert "⚙ Koordinace ▸" not in jan.last().button_texts()
    for data in ("pb:co:1", "pb:st:1:new", "pb:st:1:new:y", "pb:cf:1:t:y", "pb:tk:1"):
        answer = await jan.press_data(data)
        assert answer is not None and answer.show_alert, data
    problem = await stored(bot, 1)
    assert problem.status is Status.SOLVED and problem.coordinators_only


async def test_tasks_on_the_detail_and_a_warning_before_closing(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan)
    await new_task(petra)
    await new_task(petra, owner="org", when="10.12.")
    await eva.send("/problem 1")
    text = eva.last().text
    assert "Úkoly" in text
    assert (
        "• Domluvit s MP večerní hlídky u hřiště — Jan Členová, Charita Ostrava · "
        "termín 15. 12. 2026" in text
    )
    assert "MP Ostrava <b>Jih</b> · termín 10. 12. 2026 · rozpracováno" in text
    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("📌 Úkoly")
    assert "Úkoly k problému #1" in petra.last().text
    assert petra.last().button_texts() == ["📌 Nový úkol", "« Zpět"]
    await petra.press("« Zpět")
    await petra.press("🔄 Stav")
    await petra.press("uzavřeno bez řešení")
    assert "K problému jsou 2 otevřené úkoly. Přesto uzavřít?" in petra.last().text
    await petra.press("✖ Ne")
    assert (await stored(bot, 1)).status is Status.NEW
    await jan.send("/tasks")
    await jan.press("✅ Hotovo")  # Jan's task is done, the organisation's one is not
    await petra.press("vyřešeno")
    assert "K problému je 1 otevřený úkol. Přesto uzavřít?" in petra.last().text
    await petra.press("✅ Ano")
    assert (await stored(bot, 1)).status is Status.SOLVED
    await petra.send("/problem 1")
    assert "✅ hotovo" in petra.last().text
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🔄 Stav")
    await petra.press("Znovu otevřít")
    assert "Přesto uzavřít" not in petra.last().text  # reopening warns of nothing


async def test_jan_coordinates_jih_and_is_a_plain_member_in_poruba(bot):
    petra, jan, karel = await two_teams(bot)
    await report(petra)  # #1 Poruba
    await report(karel, locality="Hrabůvka")  # #2 Jih
    await jan.send("/problem 1")
    assert "⚙ Koordinace ▸" not in jan.last().button_texts()
    answer = await jan.press_data("pb:st:1:solved:y")
    assert answer is not None and answer.show_alert
    await jan.send("/problem 2")
    await jan.press("⚙ Koordinace ▸")
    await jan.press("🔄 Stav")
    await jan.press("projednává se")
    await jan.press("✅ Ano")
    assert (await stored(bot, 2)).status is Status.DISCUSSED
    assert (await stored(bot, 1)).status is Status.NEW


async def test_any_organisation_can_lead_typed_with_back_and_cancel(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")  # nobody from MMO or ZŠ
    await seed(bot, jan, 1)
    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🏢 Organizace")
    assert "Vedoucí organizace zatím není určena." in petra.last().text
    await petra.press("★ Vybrat vedoucí organizaci")
    types = petra.last().button_texts()
    assert len([b for b in types if b not in ("« Zpět", "✖ Zrušit")]) == 8
    await petra.press("Městská policie (MPO)")
    assert "Napište název vedoucí organizace" in petra.last().text
    assert "Nebo vyberte" not in petra.last().text  # no MPO member in the team
    await petra.press("« Zpět")  # back to the types
    assert "Jaký typ organizace vede" in petra.last().text
    await petra.press("Magistrát (MMO)")
    await petra.send("Magistrát – odbor <sociálních věcí>")
    problem = await stored(bot, 1)
    assert problem.lead is not None and problem.lead.org_type.value == "MMO"
    assert problem.lead.name == "Magistrát – odbor <sociálních věcí>"
    assert "Vedoucí organizace: Magistrát – odbor <sociálních věcí>" in petra.last().text
    await petra.send("Tohle už není odpověď")  # the dialogue ended: nothing changes
    assert (await stored(bot, 1)).lead == problem.lead
    # the same press twice: one timeline entry
    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🏢 Organizace")
    await petra.press("★ Vybrat vedoucí organizaci")
    await petra.press("Úřad městského obvodu")
    await petra.press("ÚMOb Poruba")
    await petra.press_data("pb:ld:1:lead:" + _key("UMOB", "ÚMOb Poruba"))
    assert (await stored(bot, 1)).lead.name == "ÚMOb Poruba"  # type: ignore[union-attr]
    history = await bot.app.bot_data.services.problems.history(Actor(user_id=petra.id), 1)
    assert [e.text for e in history if e.kind.value == "lead"] == [
        "Magistrát – odbor <sociálních věcí>",
        "ÚMOb Poruba",
    ]
    # Cancel in the name step keeps the lead
    await petra.press("★ Vybrat vedoucí organizaci")
    await petra.press("Jiná")
    await petra.press("✖ Zrušit")
    assert (await stored(bot, 1)).lead.name == "ÚMOb Poruba"  # type: ignore[union-attr]
    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🏢 Organizace")
    await petra.press("✖ Bez vedoucí")
    await petra.press_data("pb:ld:1:lead:-")
    assert (await stored(bot, 1)).lead is None
    answer = await petra.press_data("pb:ld:1:lt:XYZ")
    assert answer is not None and answer.show_alert
    answer = await jan.press_data("pb:ld:1:lt:MPO")  # a member cannot
    assert answer is not None and answer.show_alert


def _key(org_type: str, name: str) -> str:
    from bot.domain.models import OrgType
    from bot.domain.problems import Organisation
    from bot.services.problems import org_key

    return org_key(Organisation(org_type=OrgType(org_type), name=name))


async def test_the_reporter_of_a_duplicate_is_told_without_leaking_a_confidential_original(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await seed(bot, jan, 1)  # #1 by Jan, seen by all
    await seed(bot, eva, 2)  # #2 and #3 by Eva
    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🔒 Jen koordinátoři")
    await petra.press("✅ Ano")  # #1 now for coordinators only (and its reporter Jan)

    await petra.send("/problem 2")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🔁 Duplicita…")
    await petra.send("1")
    await petra.press("Ano, #2 je duplicita")
    await bot.app.bot_data.outbox.settle()
    told = eva.last().text
    assert "Váš problém #2" in told
    assert "byl sloučen s jiným problémem, který řeší koordinátoři" in told
    assert "#1" not in told and "#1" not in str(eva.last().buttons)

    await petra.send("/problem 3")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🔁 Duplicita…")
    await petra.send("2")  # #2 is itself a duplicate
    assert "sám duplicitou" in petra.last().text
    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("👥 Zobrazit celému týmu")
    await petra.press("✅ Ano")
    await petra.send("/problem 3")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🔁 Duplicita…")
    await petra.send("1")
    await petra.press("Ano, #3 je duplicita")
    await bot.app.bot_data.outbox.settle()
    told = eva.last().text
    assert "Váš problém #3" in told and "označen jako duplicita #1" in told
    assert "Otevřít #1" in eva.last().button_texts()
    # the coordinator marking their own report gets no notice of it
    before = len(petra.inbox)
    (own,) = await seed(bot, petra, 1)
    await petra.send(f"/problem {own}")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🔁 Duplicita…")
    await petra.send("1")
    await petra.press(f"Ano, #{own} je duplicita")
    await bot.app.bot_data.outbox.settle()
    assert not any("Váš problém" in m.text for m in petra.inbox[before:])


async def _team_id(bot, name: str) -> int:  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        (team,) = [t for t in await repos.teams.list_all() if t.name == name]
    return int(team.id)


async def test_a_coordinator_of_both_teams_or_the_admin_moves_a_problem(bot):
    petra, jan, karel = await two_teams(bot)
    jih = await _team_id(bot, "Jih")
    poruba = await _team_id(bot, "Poruba")
    services = bot.app.bot_data.services
    hrabuvka = await services.localities.add(Actor(user_id=karel.id), jih, "Hrabůvka")
    await report(jan, team="Poruba", locality="hrabůvka")  # #1, typed in Poruba
    await report(jan, team="Poruba", locality="Zárubecká 12", send=False)  # #2, confidential
    await jan.press("🔒 Jen pro koordinátory")
    await jan.press("✅ Odeslat")
    # Karel coordinates only Jih, Jan only Jih: neither may move Poruba's problems
    await jan.send("/problem 1")
    assert "⚙ Koordinace ▸" not in jan.last().button_texts()
    answer = await karel.press_data(f"pb:mv:1:{jih}:y")
    assert answer is not None and answer.show_alert
    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    assert "➡ Jiný tým" not in petra.last().button_texts()  # Petra coordinates one team yet

    code = await invite_code(karel, role="Koordinátor", team="Jih")
    await join(petra, code, name="Petra Koordinátorová")
    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("➡ Jiný tým")
    assert petra.last().button_texts() == ["Jih", "« Zpět"]
    await petra.press("Jih")
    assert "Opravdu předat problém #1 týmu Jih?" in petra.last().text
    assert (await stored(bot, 1)).team_id == poruba
    await petra.press("✅ Ano")
    moved = await stored(bot, 1)
    assert moved.team_id == jih and moved.locality_id == hrabuvka.id
    assert moved.locality == "Hrabůvka"
    assert "Tým: Jih" in petra.last().text
    assert "předal(a) problém jinému týmu: Poruba → Jih" in petra.last().text
    await petra.press_data(f"pb:mv:1:{jih}:y")  # the same press again changes nothing
    async with bot.db.read() as repos:
        moves = await repos.audit.by_action("problem.move")
    assert len(moves) == 1 and moves[0].details == {"from": poruba, "to": jih}
    await bot.app.bot_data.outbox.settle()
    assert any("Váš problém #1 teď řeší tým Jih." in m.text for m in jan.inbox)
    await karel.send("/problems")
    assert "Hrabůvka" in karel.last().text  # Jih's list has it now

    await petra.send("/problem 2")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("➡ Jiný tým")
    await petra.press("Jih")
    await petra.press("✅ Ano")
    moved = await stored(bot, 2)
    assert moved.team_id == jih and moved.coordinators_only
    assert moved.locality_id is None and moved.locality == "Zárubecká 12"  # typed in Jih

    # the city administrator moves #1 back
    await bot.admin.send("/problem 1")
    await bot.admin.press("⚙ Koordinace ▸")
    await bot.admin.press("➡ Jiný tým")
    await bot.admin.press("Poruba")
    await bot.admin.press("✅ Ano")
    back = await stored(bot, 1)
    assert back.team_id == poruba and back.locality_id is None and back.locality == "Hrabůvka"


async def test_the_reporter_withdraws_a_new_report(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan, locality="Fifejdy")  # #1
    await report(jan, locality="Hulváky")  # #2
    await eva.send("/problem 1")
    assert "↩ Stáhnout hlášení" not in eva.last().button_texts()
    answer = await eva.press_data("pb:wd:1:y")
    assert answer is not None and answer.show_alert

    await jan.send("/problem 1")
    await jan.press("↩ Stáhnout hlášení")
    assert "Opravdu stáhnout vaše hlášení #1?" in jan.last().text
    assert (await stored(bot, 1)).status is Status.NEW
    await jan.press("✅ Ano")
    assert (await stored(bot, 1)).status is Status.WITHDRAWN
    assert "Stav: staženo oznamovatelem" in jan.last().text
    assert "↩ Stáhnout hlášení" not in jan.last().button_texts()
    await jan.press_data("pb:wd:1:y")  # pressed twice: one withdrawal, one notice
    await bot.app.bot_data.outbox.settle()
    told = [m for m in petra.inbox if "Oznamovatel stáhl problém #1" in m.text]
    assert len(told) == 1
    history = await bot.app.bot_data.services.problems.history(Actor(user_id=petra.id), 1)
    assert [e.kind.value for e in history].count("withdrawn") == 1

    await petra.send("/problem 1")
    assert "Jan Členová: staženo oznamovatelem" in petra.last().text
    for person in (petra, jan, eva):
        await person.send("/problems")
        assert "Fifejdy" not in person.last().text and "Hulváky" in person.last().text
    page = await bot.app.bot_data.services.problems.search(
        Actor(user_id=petra.id), ProblemFilter(status=StatusFilter.ALL), 0
    )
    assert [line.id for line in page.lines] == [2]
    await schedule(petra, when="16.12. 14:00")
    await eva.send("/agenda")
    assert "Fifejdy" not in eva.last().text and "Hulváky" in eva.last().text

    # once the team works on it, the reporter can no longer withdraw it
    await petra.send("/problem 2")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🔄 Stav")
    await petra.press("projednává se")
    await petra.press("✅ Ano")
    await jan.send("/problem 2")
    assert "↩ Stáhnout hlášení" not in jan.last().button_texts()
    answer = await jan.press_data("pb:wd:2:y")
    assert answer is not None and answer.show_alert
    assert (await stored(bot, 2)).status is Status.DISCUSSED
    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🔄 Stav")
    assert petra.last().button_texts() == ["« Zpět"]


async def test_jan_withdraws_his_report_in_jih(bot):
    _, jan, karel = await two_teams(bot)
    await report(jan, team="Jih", locality="Hrabůvka")
    await jan.send("/problem 1")
    await jan.press("↩ Stáhnout hlášení")
    await jan.press("✅ Ano")
    assert (await stored(bot, 1)).status is Status.WITHDRAWN
    await bot.app.bot_data.outbox.settle()
    assert any("Oznamovatel stáhl problém #1" in m.text for m in karel.inbox)
    assert not any("Oznamovatel stáhl" in m.text for m in jan.inbox)  # not told of his own


async def test_back_and_cancel_on_every_step_of_the_small_dialogues(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await seed(bot, jan, 2)
    # comment: Back returns to the problem, nothing saved
    await eva.send("/problem 1")
    await eva.press("💬 Komentovat")
    assert eva.last().button_texts() == ["« Zpět", "✖ Zrušit"]
    await eva.press("« Zpět")
    assert "#1 Místo 0" in eva.last().text and "💬 Komentovat" in eva.last().button_texts()
    await eva.send("Tohle není komentář, dialog skončil.")
    assert "Tomu nerozumím" in eva.last().text
    # proposal: Back from the organisation to the text, and from the text to the problem
    await eva.send("/problem 1")
    await eva.press("💬 Komentovat")
    await eva.press("✖ Zrušit")
    assert "Zrušeno" in eva.last().text
    await eva.send("/propose 1")
    assert eva.last().button_texts() == ["« Zpět", "✖ Zrušit"]
    await eva.send("Městská policie zařadí místo do večerních obchůzek.")
    await eva.press("« Zpět")
    assert "Zatím:" in eva.last().text
    assert eva.last().button_texts() == ["« Zpět", "✖ Zrušit"]
    await eva.press("« Zpět")
    assert "💡 Navrhnout řešení" in eva.last().button_texts()
    # reject reason: Back and Cancel, the proposal stays open
    await jan.send("/propose 1")
    await jan.send("Postavit u hřiště kontejner na použité stříkačky.")
    await jan.press("Nikdo konkrétní")
    await petra.send("/problem 1")
    await petra.press("❌ Zamítnout 1")
    assert petra.last().button_texts() == ["« Zpět", "✖ Zrušit"]
    await petra.press("« Zpět")
    assert "❌ Zamítnout 1" in petra.last().button_texts()
    await petra.press("❌ Zamítnout 1")
    await petra.press("✖ Zrušit")
    assert (await _proposal(bot, 1)).status.value == "open"
    # duplicate: Back from the confirmation to the number, from the number to Coordination
    await petra.send("/problem 2")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🔁 Duplicita…")
    assert petra.last().button_texts() == ["« Zpět", "✖ Zrušit"]
    await petra.send("1")
    assert "Označit #2 jako duplicitu" in petra.last().text
    await petra.press("« Zpět")
    assert "Problém #2 je duplicitou kterého problému?" in petra.last().text
    await petra.press("« Zpět")
    assert "Koordinace:" in petra.last().text
    assert (await stored(bot, 2)).status is Status.NEW
    await petra.press("🔁 Duplicita…")
    await petra.send("1")
    await petra.press("✖ Zrušit")
    assert (await stored(bot, 2)).status is Status.NEW
    answer = await petra.press_data("pb:dp:2:1")  # the confirmation after Cancel: stale
    assert answer is not None and answer.show_alert
    assert (await stored(bot, 2)).status is Status.NEW


async def test_jan_leads_organisations_and_duplicates_in_jih_only(bot):
    petra, jan, karel = await two_teams(bot)
    await report(karel, locality="Hrabůvka")  # #1 Jih
    await report(karel, locality="Hrabůvka, Horní 5")  # #2 Jih
    await report(petra, locality="Poruba, Opavská")  # #3 Poruba
    await jan.send("/problem 1")
    await jan.press("⚙ Koordinace ▸")
    await jan.press("🏢 Organizace")
    await jan.press("★ Vybrat vedoucí organizaci")
    await jan.press("Základní škola")
    await jan.send("ZŠ Provaznická")
    lead = (await stored(bot, 1)).lead
    assert lead is not None and lead.name == "ZŠ Provaznická"
    await jan.send("/problem 2")
    await jan.press("⚙ Koordinace ▸")
    await jan.press("🔁 Duplicita…")
    await jan.send("3")  # Poruba's problem: not to be known here
    assert "Problém #3 neexistuje, nebo k němu nemáte přístup." in jan.last().text
    await jan.send("1")
    await jan.press("Ano, #2 je duplicita")
    assert (await stored(bot, 2)).duplicate_of == 1
    await bot.app.bot_data.outbox.settle()
    assert any("označen jako duplicita #1" in m.text for m in karel.inbox)
    # in Poruba Jan is a plain member: he comments (with Back) but decides nothing
    await jan.send("/problem 3")
    assert "⚙ Koordinace ▸" not in jan.last().button_texts()
    await jan.press("💬 Komentovat")
    await jan.press("« Zpět")
    await jan.press("💬 Komentovat")
    await jan.send("Byl jsem se tam podívat, pořád stejné.")
    assert "Váš komentář k #3 byl uložen" in jan.last().text
    for data in ("pb:ld:3:lt:MPO", "pb:dp:3", "pb:mv:3", "pb:cf:3:c:y"):
        answer = await jan.press_data(data)
        assert answer is not None and answer.show_alert, data
    problem = await stored(bot, 3)
    assert problem.lead is None and not problem.coordinators_only


async def test_the_proposal_prompt_and_its_error_give_one_rule(bot):
    _, jan, _ = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await seed(bot, jan, 1)
    await jan.send("/propose 1")
    assert "aspoň 10 znaků, nejvýše 1 000" in jan.last().text
    assert "slov" not in jan.last().text
    await jan.send("ok")
    assert "aspoň 10 znaků" in jan.last().text
    await jan.send("Odvoz_kontejneru")  # one long word is enough
    assert "slov" not in jan.last().text
    await jan.press("Nikdo konkrétní")
    assert (await _proposal(bot, 1)).text == "Odvoz_kontejneru"


async def test_the_duplicate_example_is_never_the_problems_own_number(bot):
    petra, jan, _ = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await seed(bot, jan, 2)
    for n, example in ((1, 2), (2, 1)):
        await petra.send(f"/problem {n}")
        await petra.press("⚙ Koordinace ▸")
        await petra.press("🔁 Duplicita…")
        assert f"Napište jeho číslo, např. {example}." in petra.last().text
        await petra.send("ten první")
        assert f"původního problému, např. {example}." in petra.last().text
        await petra.send(str(example))
        assert f"Ano, #{n} je duplicita" in petra.last().button_texts()
        await petra.send("/cancel")
