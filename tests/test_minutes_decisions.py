"""Minutes decide at "finish": an item has one outcome (the last choice wins), an accepted
proposal and the tasks agreed wait with the item, and the zápis, the problems' timelines and
the notices agree. Finishing twice applies once."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.problems import EventKind, ProposalStatus, Status
from bot.services.authz import Actor
from tests.flows import report
from tests.test_meetings import MEETING_UTC, run_due, said, schedule
from tests.test_minutes import pdf_text, prepared
from tests.test_problems import stored
from tests.test_two_teams import two_teams


async def timeline(bot, problem_id: int) -> list:  # type: ignore[no-untyped-def, type-arg]
    async with bot.db.read() as repos:
        entries, _ = await repos.problems.timeline(problem_id, last=100)
    return entries


async def proposal_status(bot, problem_id: int) -> ProposalStatus:  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        team_id = await repos.problems.team_of(problem_id)
        assert team_id is not None
        (proposal,) = await repos.proposals.for_problem(team_id, problem_id)
    return proposal.status


def zapis_of(person):  # type: ignore[no-untyped-def]
    return next(m for m in person.inbox if "Zápis ze schůzky týmu" in m.text)


async def test_accept_then_carry_over_accepts_nothing(bot):
    petra, jan, eva = await prepared(bot)
    await petra.send("/minutes")
    await petra.press("Pokračovat programem ▶")
    await petra.press("»")
    await petra.press("💡 Přijmout návrh")
    await petra.press(0)
    assert "Výsledek: návrh přijat" in petra.last().text
    assert "Přijímaný návrh: Městská policie zařadí místo" in petra.last().text
    # forged and stale presses: another item's proposal, a member, an unknown proposal
    for forged, person in (("mn:y:1:0:1", petra), ("mn:y:1:1:1", jan), ("mn:y:1:1:99", petra)):
        answer = await person.press_data(forged)
        assert answer is not None and answer.show_alert, forged
    # nothing has happened yet: the proposal is open, the proposer not told
    assert await proposal_status(bot, 2) is ProposalStatus.OPEN
    await run_due(bot)
    assert not said(eva, "byl přijat")
    await petra.press("⏭ odloženo na příští schůzku")
    await petra.press("«")
    await petra.press("»")  # back on item 2: the screen says what will happen
    assert "Výsledek: odloženo na příští schůzku" in petra.last().text
    assert "Přijímaný návrh" not in petra.last().text
    await petra.press("🏁 Dokončit")
    await petra.press("✅ Uložit a rozeslat zápis")
    await run_due(bot)

    assert await proposal_status(bot, 2) is ProposalStatus.OPEN
    kinds = [e.kind for e in await timeline(bot, 2)]
    assert EventKind.PROPOSAL_ACCEPTED not in kinds
    assert (await stored(bot, 2)).status is Status.NEW
    assert not said(eva, "byl přijat")
    zapis = zapis_of(jan)
    assert "— odloženo na příští schůzku" in zapis.text
    assert "návrh přijat" not in zapis.text and "Přijatý návrh" not in zapis.text
    pdf = next(m for m in jan.inbox if m.document and m.document.filename.startswith("zapis"))
    assert "návrh přijat" not in pdf_text(pdf)


async def test_accepted_at_finish_with_the_proposal_in_the_zapis(bot):
    petra, jan, eva = await prepared(bot)
    await petra.send("/minutes")
    await petra.press("Pokračovat programem ▶")
    await petra.press("»")
    await petra.press("💡 Přijmout návrh")
    await petra.press(0)
    await petra.press("🏁 Dokončit")
    assert "začnou platit až uložením" in petra.last().text
    await petra.press("✅ Uložit a rozeslat zápis")
    await run_due(bot)
    assert await proposal_status(bot, 2) is ProposalStatus.ACCEPTED
    kinds = [e.kind for e in await timeline(bot, 2)]
    assert kinds.count(EventKind.PROPOSAL_ACCEPTED) == 1
    assert said(eva, "byl přijat")
    zapis = zapis_of(jan)
    assert "— návrh přijat" in zapis.text
    assert "Přijatý návrh: Městská policie zařadí místo do večerních obchůzek" in zapis.text


async def test_solved_then_discussed_the_last_choice_wins(bot):
    petra, jan, _eva = await prepared(bot)
    await petra.send("/minutes")
    await petra.press("Pokračovat programem ▶")
    await petra.press("✅ vyřešeno")
    assert (await stored(bot, 1)).status is Status.NEW  # not before "finish"
    await petra.press("«")
    await petra.press("💬 projednáno")
    await petra.press("🏁 Dokončit")
    await petra.press("✅ Uložit a rozeslat zápis")
    await run_due(bot)
    assert (await stored(bot, 1)).status is Status.DISCUSSED
    statuses = [e.status for e in await timeline(bot, 1) if e.kind is EventKind.STATUS]
    assert statuses == [Status.DISCUSSED]
    zapis = zapis_of(jan)
    first_item = zapis.text.split("Zárubecká 12")[1].split("\n")[0]
    assert "— projednáno" in first_item and "vyřešeno" not in first_item
    assert not said(jan, "vyřešen")  # the reporter is told "discussed" only


async def test_finishing_twice_applies_once(bot):
    petra, jan, eva = await prepared(bot)
    await petra.send("/minutes")
    await petra.press("Pokračovat programem ▶")
    await petra.press("✅ vyřešeno")
    await petra.press("💡 Přijmout návrh")
    await petra.press(0)
    await petra.press("🏁 Dokončit")
    confirm = petra.last()
    await petra.press("✅ Uložit a rozeslat zápis", message=confirm)
    again = await petra.press_data("mn:F:1", message=confirm)  # a redelivered press
    assert again is not None and again.show_alert
    await run_due(bot)
    assert len([m for m in jan.inbox if "Zápis ze schůzky týmu" in m.text]) == 1
    statuses = [e.status for e in await timeline(bot, 1) if e.kind is EventKind.STATUS]
    assert statuses == [Status.SOLVED]
    kinds = [e.kind for e in await timeline(bot, 2)]
    assert kinds.count(EventKind.PROPOSAL_ACCEPTED) == 1
    assert len([m for m in eva.inbox if "byl přijat" in m.text]) == 1


async def test_a_task_withdrawn_before_finish_is_never_given_out(bot):
    petra, jan, _eva = await prepared(bot)
    await petra.send("/minutes")
    await petra.press("Pokračovat programem ▶")
    await petra.press("📌 Nový úkol")
    await petra.send("Zjistit majitele pozemku u hřiště")
    await petra.press("Jan Členová")
    await petra.send("20.12.")
    await petra.press("✅ Ano")
    await petra.press("« Zpět k zápisu")
    assert "Výsledek: zadán úkol" in petra.last().text
    await petra.press("✖ Zrušit úkol: Zjistit majitele")
    assert "Zjistit majitele" not in petra.last().text
    assert "Výsledek: neprojednáno" in petra.last().text
    answer = await petra.press_data("mn:x:1:1")  # the same withdrawal again
    assert answer is not None and answer.show_alert
    for forged, person in (("mn:x:1:1", jan), ("mn:x:1:abc", petra), ("mn:k:1:99", petra)):
        answer = await person.press_data(forged)
        assert answer is not None and answer.show_alert, forged
    await petra.press("🏁 Dokončit")
    await petra.press("✅ Uložit a rozeslat zápis")
    await run_due(bot)
    async with bot.db.read() as repos:
        assert await repos.tasks.of_owner(jan.id) == []
    assert not said(jan, "Nový úkol pro vás")
    assert "Zjistit majitele" not in zapis_of(jan).text


async def test_a_coordinator_of_one_team_and_member_of_another_minutes_his_meeting(bot):
    petra, jan, karel = await two_teams(bot)
    await report(jan, team="Jih", locality="Hrabůvka, Horní 5")
    await report(petra, locality="Zárubecká 12")  # Poruba's
    await schedule(jan, place="Jih, zasedačka", team="Jih")
    bot.clock.set(MEETING_UTC + timedelta(minutes=5))
    await run_due(bot)
    await jan.send("/minutes")  # only Jih is his to minute
    assert "Kdo je přítomen?" in jan.last().text
    await jan.press("Pokračovat programem ▶")
    assert "Hrabůvka, Horní 5" in jan.last().text
    await jan.press("✅ vyřešeno")
    await jan.press("🏁 Dokončit")
    await jan.press("✅ Uložit a rozeslat zápis")
    await run_due(bot)
    assert (await stored(bot, 1)).status is Status.SOLVED
    assert (await stored(bot, 2)).status is Status.NEW
    zapis = zapis_of(karel)
    assert "Jih" in zapis.text and "— vyřešeno" in zapis.text
    assert not any("Zápis ze schůzky" in m.text for m in petra.inbox)


async def test_a_proposal_rejected_meanwhile_is_not_reported_accepted(bot):
    petra, jan, eva = await prepared(bot)
    await petra.send("/minutes")
    await petra.press("Pokračovat programem ▶")
    await petra.press("»")
    await petra.press("💡 Přijmout návrh")
    await petra.press(0)
    # meanwhile the proposal is rejected from the problem's screen
    await bot.app.bot_data.services.proposals.decide(
        Actor(user_id=petra.id), 1, False, "Nelze zajistit každý pátek"
    )
    await petra.press("🏁 Dokončit")
    await petra.press("✅ Uložit a rozeslat zápis")
    await run_due(bot)
    assert await proposal_status(bot, 2) is ProposalStatus.REJECTED
    kinds = [e.kind for e in await timeline(bot, 2)]
    assert EventKind.PROPOSAL_ACCEPTED not in kinds
    assert kinds.count(EventKind.PROPOSAL_REJECTED) == 1
    zapis = zapis_of(jan)
    assert "Hulváky" in zapis.text and "— projednáno" in zapis.text.split("Hulváky")[1]
    assert "návrh přijat" not in zapis.text and "Přijatý návrh" not in zapis.text
    assert not said(eva, "byl přijat")
