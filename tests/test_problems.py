"""Working on problems through the real PTB stack: detail, proposals, support, status,
organisations, duplicates, confidentiality, lists with filters, and isolation between teams."""

from __future__ import annotations

from bot.domain.problems import Category, ProposalStatus, Status, Urgency
from bot.services.authz import Actor
from bot.services.reports import ReportDraft
from tests.flows import make_team, report


async def stored(bot, number: int):  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        team_id = await repos.problems.team_of(number)
        assert team_id is not None
        return await repos.problems.get(team_id, number)


async def seed(bot, person, count: int, **fields) -> list[int]:  # type: ignore[no-untyped-def]
    """File ``count`` problems for ``person`` through the service (fast set-up for lists)."""
    services = bot.app.bot_data.services
    actor = Actor(user_id=person.id)
    (team,) = await services.reports.teams(actor)
    numbers = []
    for i in range(count):
        draft = ReportDraft.new().model_copy(
            update={
                "category": fields.get("category", Category.PUBLIC_ORDER),
                "locality": fields.get("locality", f"Místo {i}"),
                "description": fields.get(
                    "description", f"Hlučná skupina lidí se schází u vchodu, případ číslo {i}."
                ),
                "urgency": fields.get("urgency", Urgency.NORMAL),
            }
        )
        submitted = await services.reports.submit(
            actor, team.id, draft, personal_data_confirmed=False
        )
        numbers.append(submitted.problem_id)
    await bot.app.bot_data.outbox.settle()
    return numbers


async def test_propose_support_accept_and_set_status(bot):
    petra, jan, eva, ota = await make_team(bot, "Poruba", "Petra", "Jan", "Eva", "Ota")
    await report(jan, locality="Hulváky", urgency="vysoká")
    await petra.press("Otevřít #1")
    detail = petra.last().text
    assert "#1 Hulváky — návykové látky" in detail
    assert "Nahlásil(a) Jan Členová (Charita Ostrava)" in detail
    assert "nahlásil(a) problém" in detail

    await eva.send("/propose 1")
    await eva.send("Městská policie zařadí místo do večerních obchůzek, Charita nabídne výměnu.")
    await eva.press("Městská policie (MPO)")
    assert "váš návrh k #1 byl uložen" in eva.last().text
    assert "Nový návrh řešení k #1 — Eva Členová" in petra.last().text

    await ota.send("/problem 1")
    await ota.press("👍 1 (0)")
    assert "👎 Zrušit podporu 1" in ota.last().button_texts()
    await ota.press("👎 Zrušit podporu 1")  # withdraws
    assert "👍 1 (0)" in ota.last().button_texts()
    await ota.press("👍 1 (0)")
    assert ota.last().button_texts().count("✅ Přijmout 1") == 0  # members do not decide

    await petra.send("/problem 1")
    assert "odpovídá: Městská policie (MPO)" in petra.last().text
    await petra.press("✅ Přijmout 1")
    assert "✅ přijato" in petra.last().text
    assert "Váš návrh k #1 byl přijat." in eva.last().text
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🔄 Stav")
    await petra.press("řeší se")
    await petra.press("✅ Ano")
    assert "Stav: řeší se" in petra.last().text
    assert "Váš problém se teď řeší: " in jan.last().text  # the reporter is told

    problem = await stored(bot, 1)
    assert problem.status is Status.IN_PROGRESS
    async with bot.db.read() as repos:
        (proposal,) = await repos.proposals.for_problem(problem.team_id, 1)
    assert proposal.status is ProposalStatus.ACCEPTED and proposal.supporters == [ota.id]


async def test_reject_needs_a_reason_and_the_proposer_is_told(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await jan.send("/propose 1")
    await jan.send("Postavit u hřiště kontejner na použité stříkačky.")
    await jan.press("Nikdo konkrétní")
    await petra.send("/problem 1")
    await petra.press("❌ Zamítnout 1")
    await petra.send("x")
    assert "příliš krátké" in petra.last().text
    await petra.send("Kontejner tam už <b>byl</b> a zmizel.")
    assert "Návrh byl zamítnut" in petra.last().text
    told = jan.last().text
    assert "Váš návrh k #1 byl zamítnut." in told
    assert "Důvod: Kontejner tam už <b>byl</b> a zmizel." in told


async def test_status_workflow_is_enforced_and_reopening_works(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🔄 Stav")
    choices = petra.last().button_texts()
    assert "projednává se" in choices and "vyřešeno" in choices and "nový" not in choices
    await petra.press("vyřešeno")
    await petra.press("✅ Ano")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🔄 Stav")
    assert petra.last().button_texts()[:1] == ["Znovu otevřít"]
    await petra.press_data("pb:st:1:in_progress:y")  # forged: solved → in progress
    assert (await stored(bot, 1)).status is Status.SOLVED
    await petra.press("Znovu otevřít")
    await petra.press("✅ Ano")
    assert (await stored(bot, 1)).status is Status.NEW
    # a member cannot change the status even with a forged button
    await jan.send("/problem 1")
    answer = await jan.press_data("pb:st:1:closed")
    assert answer is not None and "nemáte oprávnění" in answer.text.lower()
    assert (await stored(bot, 1)).status is Status.NEW


async def test_lead_and_contributing_organisations(bot):
    petra, jan, _ = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await report(jan)
    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🏢 Organizace")
    await petra.press("★ Vybrat vedoucí organizaci")
    await petra.press("Městská policie (MPO)")
    await petra.press("MP Ostrava")  # a member's organisation of that type, one tap
    assert "☐ Charita Ostrava — Nestátní nezisková organizace" in petra.last().button_texts()
    await petra.press("☐ Charita Ostrava — Nestátní nezisková organizace")
    problem = await stored(bot, 1)
    assert problem.lead is not None and problem.lead.name == "MP Ostrava"
    assert [o.name for o in problem.contributors] == ["Charita Ostrava"]
    assert "Vedoucí organizace: MP Ostrava — Městská policie (MPO)" in petra.last().text
    assert "☑ Charita Ostrava — Nestátní nezisková organizace" in petra.last().button_texts()
    await petra.press("« Zpět")
    await petra.press("« Zpět")
    assert "Vedoucí organizace: MP Ostrava" in petra.last().text


async def test_mark_duplicate_merges_supporters_and_comments(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    await seed(bot, jan, 2)
    await eva.send("/problem 2")
    await eva.press("👍 Podpořit (0)")
    await eva.press("💬 Komentovat")
    await eva.send("Dnes ráno znovu.")
    await petra.send("/problem 2")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🔁 Duplicita…")
    await petra.send("2")
    assert "nemůže být duplicitou sám sebe" in petra.last().text or "Označit" in petra.last().text
    await petra.send("1")
    await petra.press("Ano, #2 je duplicita")
    assert "označen jako duplicita #1" in petra.last().text
    original = await stored(bot, 1)
    assert eva.id in original.supporters
    assert (await stored(bot, 2)).status is Status.DUPLICATE
    await petra.send("/problem 1")
    assert "(z #2) Dnes ráno znovu." in petra.last().text
    assert "připojil(a) duplicitu #2" in petra.last().text


async def test_duplicate_of_another_teams_problem_is_refused_without_leaking(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    (karel,) = await make_team(bot, "Jih", "Karel")
    await seed(bot, jan, 1)
    await seed(bot, karel, 1)  # #2 belongs to Jih
    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("🔁 Duplicita…")
    await petra.send("2")
    assert "Problém #2 neexistuje, nebo k němu nemáte přístup." in petra.last().text
    await petra.press_data("pb:dp:1:2")
    assert (await stored(bot, 1)).status is Status.NEW


async def test_other_team_sees_nothing_and_gets_the_same_answer_as_for_nothing(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    karel, ota = await make_team(bot, "Jih", "Karel", "Ota")
    await report(jan, locality="Hulváky")
    await ota.send("/problem 1")
    exists_elsewhere = ota.last().text
    await ota.send("/problem 999")
    assert exists_elsewhere.replace("#1", "#N") == ota.last().text.replace("#999", "#N")
    await ota.send("/problems")
    assert "Hulváky" not in ota.last().text and "0 problémů" in ota.last().text
    assert all("Hulváky" not in m.text for m in karel.inbox)  # no notice to the other team
    for data in ("pb:sp:1", "pb:cm:1", "pb:st:1:closed", "pb:v:1", "pp:sp:1", "pb:ph:1"):
        await ota.press_data(data)
    problem = await stored(bot, 1)
    assert problem.supporters == [] and problem.status is Status.NEW


async def test_forged_and_random_buttons_change_nothing(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan)
    await petra.send("/problem 1")
    for data in (
        "pb:st:1:bogus",
        "pb:sp:abc",
        "pb:zz:1",
        "pb",
        "pb:v:1:2",
        "pl:x:-",
        "pl:0:cQ",
        "pf:m:zzz",
        "rp:send:nope",
        "pp:ok:999",
        "ts:g:1:7",
        "\x00\xff",
    ):
        answer = await petra.press_data(data)
        assert answer is not None and answer.show_alert, data
    problem = await stored(bot, 1)
    assert problem.status is Status.NEW and problem.supporters == []


async def test_coordinators_only_problems_are_invisible_to_members(bot):
    petra, jan, eva = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    group = bot.emu.group("MDT Poruba")
    await petra.add_bot_to(group)
    await petra.send_to(group, "/linkgroup")
    before = len(group.messages)
    await report(jan, locality="Fifejdy", send=False)
    await jan.press("🔒 Jen pro koordinátory")
    assert "Vidí jen koordinátoři" in jan.last().text
    await jan.press("✅ Odeslat")
    assert len(group.messages) == before  # no group notice
    assert "Nový problém" in petra.last().text
    await eva.send("/problem 1")
    assert "neexistuje" in eva.last().text
    await eva.send("/problems")
    assert "Fifejdy" not in eva.last().text
    await jan.send("/problem 1")  # the reporter still sees their own report
    assert "Fifejdy" in jan.last().text
    await petra.send("/problem 1")
    await petra.press("⚙ Koordinace ▸")
    await petra.press("Zobrazit celému týmu")
    await eva.send("/problem 1")
    assert "neexistuje" in eva.last().text  # not before the confirming tap
    await petra.press("✅ Ano")
    await eva.send("/problem 1")
    assert "Fifejdy" in eva.last().text
    async with bot.db.read() as repos:
        reads = await repos.audit.by_action("problem.read_confidential")
    assert {e.actor_id for e in reads} >= {petra.id}


async def test_problems_list_pages_and_filters(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await seed(bot, jan, 23)
    await seed(bot, jan, 2, category=Category.ADDICTION, urgency=Urgency.ACUTE, locality="Dubina")
    bot.advance(__import__("datetime").timedelta(days=40))
    await seed(bot, jan, 1, category=Category.ADDICTION, locality="Dubina")
    await jan.send("/problems")
    first = jan.last()
    assert "26 problémů" in first.text and "Strana 1 z 3" in first.text
    assert "#26" in first.text and "#17" in first.text and "#16" not in first.text
    await jan.press("Starší »")
    assert "Strana 2 z 3" in jan.last().text and "#16" in jan.last().text

    await jan.send("/problems drogy akutní")
    text = jan.last().text
    assert "2 problémy" in text and "#24" in text and "#25" in text and "#26" not in text
    await jan.send("/problems starší než 30 dní")
    assert "25 problémů" in jan.last().text
    await jan.send("/problems dubina")
    assert "3 problémy" in jan.last().text
    await jan.send("/problems blábolení")
    assert "Pro „blábolení“ jsem nic nenašel" in jan.last().text  # searched, not a filter

    await jan.send("/problems")
    await jan.press("🔎 Filtrovat")
    await jan.press("Naléhavost")
    await jan.press("🔴 akutní")
    assert "2 problémy" in jan.last().text
    await jan.press("🔎 Filtrovat")
    await jan.press("Stav")
    await jan.press("vyřešeno")
    assert "Nic neodpovídá" in jan.last().text
    await jan.press("✖ Zrušit filtry")
    assert "26 problémů" in jan.last().text


async def test_admin_sees_all_teams_and_filters_by_team(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    (karel,) = await make_team(bot, "Jih", "Karel")
    await seed(bot, jan, 2)
    await seed(bot, karel, 3)
    await bot.admin.send("/problems")
    assert "5 problémů" in bot.admin.last().text
    assert "[Jih]" in bot.admin.last().text and "[Poruba]" in bot.admin.last().text
    await bot.admin.send("/problems jih")
    assert "3 problémy" in bot.admin.last().text
    await bot.admin.press("🔎 Filtrovat")
    await bot.admin.press("Tým")
    await bot.admin.press("Poruba")
    assert "2 problémy" in bot.admin.last().text


async def test_hundreds_of_problems_and_long_texts_stay_within_limits(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    long_text = ("Velmi dlouhý popis situace v lokalitě s mnoha podrobnostmi. " * 60)[:3000]
    await seed(bot, jan, 200, locality="Ulice s velmi dlouhým názvem lokality " * 1)
    (number,) = await seed(bot, jan, 1, description=long_text)
    services = bot.app.bot_data.services
    for i in range(30):
        await services.problems.comment(Actor(user_id=jan.id), number, f"Komentář {i} " * 70)
    await petra.send(f"/problem {number}")
    parts = [m for m in petra.inbox if m.seq > petra.mark]
    assert len(parts) >= 2  # split safely, the buttons on the last part
    assert parts[-1].buttons
    assert long_text.split(". ")[0] in "".join(p.text for p in parts)
    await petra.send("/problems")
    assert "201 problémů" in petra.last().text
    await petra.press("Starší »")
    assert "Strana 2 z 21" in petra.last().text
