"""Retention: final problems anonymised after MDTBOT_RETENTION (told a week before), guests of
old meetings removed, old audit entries deleted; once, across restarts."""

from __future__ import annotations

from datetime import timedelta

from bot.config import load_settings
from bot.domain.meetings import DueKind
from bot.domain.problems import Status
from bot.services.authz import Actor
from tests.flows import make_team, report
from tests.test_meetings import run_due, said, schedule
from tests.test_problems import stored
from tests.test_two_teams import two_teams

SECRET = "Tajný popis XY-123 u laviček za garážemi"
COMMENT = "Komentář ZZ-987 o situaci v noci"
PROPOSAL = "Návrh QQ-555 oslovit terénní pracovníky charity"


async def rows(bot, sql: str) -> list[tuple]:  # type: ignore[no-untyped-def, type-arg]
    async with bot.db.read() as repos, repos.audit.conn.execute(sql) as cur:
        return [tuple(r) for r in await cur.fetchall()]


async def solved_problem(bot):  # type: ignore[no-untyped-def]
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan, description=SECRET, photos=1)
    services = bot.app.bot_data.services
    await services.problems.comment(Actor(user_id=jan.id), 1, COMMENT)
    await services.proposals.propose(Actor(user_id=jan.id), 1, PROPOSAL, None)
    await services.problems.change_status(Actor(user_id=petra.id), 1, Status.SOLVED)
    return petra, jan


async def test_settings_read_durations():
    settings = load_settings(token=None, retention="10d", audit_retention="90m")
    assert settings.retention == timedelta(days=10)
    assert settings.audit_retention == timedelta(minutes=90)
    default = load_settings(token=None)
    assert default.retention == timedelta(days=730)
    assert default.audit_retention == timedelta(days=1825)


async def test_a_problem_solved_two_years_ago_is_anonymised_after_a_notice(bot):
    petra, jan = await solved_problem(bot)
    await schedule(petra)
    services = bot.app.bot_data.services
    meeting_id = (await rows(bot, "SELECT id FROM meetings"))[0][0]
    await services.guests.add(Actor(user_id=petra.id), meeting_id, "Host Hostovský", "Farnost")
    bot.advance(timedelta(days=722))
    await run_due(bot)
    assert not said(petra, "anonymizován")
    bot.advance(timedelta(days=2))  # 724 days: the week-before notice
    await run_due(bot)
    notice = [m.text for m in petra.inbox if "bude anonymizován" in m.text]
    assert len(notice) == 1, [m.text for m in petra.inbox[-3:]]
    assert "#1 Zárubecká 12" in notice[0] and SECRET not in notice[0]
    assert not said(jan, "bude anonymizován")  # members are not told
    assert (await stored(bot, 1)).description == SECRET
    bot.advance(timedelta(days=7))  # 731 days after "solved"
    await run_due(bot)
    problem = await stored(bot, 1)
    assert problem.anonymised_at is not None
    assert problem.description == "" and problem.photos == [] and problem.reporter_id is None
    assert problem.status is Status.SOLVED and problem.locality == "Zárubecká 12"
    everything = " ".join(str(r) for r in await rows(bot, "SELECT * FROM problem_events"))
    everything += " ".join(str(r) for r in await rows(bot, "SELECT * FROM proposals"))
    assert COMMENT not in everything and PROPOSAL not in everything
    assert len(await rows(bot, "SELECT * FROM meeting_guests")) == 1  # the meeting is younger
    await petra.send("/problem 1")
    detail = petra.last().text
    assert "Obsah byl anonymizován" in detail
    assert "Kategorie: návykové látky" in detail and "Lokalita: Zárubecká 12" in detail
    assert "Stav: vyřešeno" in detail and "anonymizováno" in detail
    assert SECRET not in detail and "Jan Členová" not in detail
    actions = [r[0] for r in await rows(bot, "SELECT action FROM audit_events")]
    assert actions.count("problem.anonymised") == 1
    # a restart does nothing again: no second notice, no second anonymisation
    await bot.restart()
    bot.advance(timedelta(days=3))
    await run_due(bot)
    actions = [r[0] for r in await rows(bot, "SELECT action FROM audit_events")]
    assert actions.count("problem.anonymised") == 1
    assert actions.count("retention.notice") == 1
    assert len([m for m in petra.inbox if "bude anonymizován" in m.text]) == 1
    pending = await rows(
        bot, f"SELECT COUNT(*) FROM due_work WHERE kind = '{DueKind.RETENTION}' AND done_at IS NULL"
    )
    assert pending == [(1,)]  # one round waiting for the one team
    bot.advance(timedelta(days=30))  # now the meeting is more than 730 days old too
    await run_due(bot)
    assert await rows(bot, "SELECT * FROM meeting_guests") == []
    assert ("retention.guests",) in await rows(bot, "SELECT action FROM audit_events")
    audit = " ".join(str(r) for r in await rows(bot, "SELECT * FROM audit_events"))
    assert "Hostovský" not in audit and "XY-123" not in audit and "ZZ-987" not in audit


async def test_reopening_in_the_notice_week_cancels_the_anonymisation(bot):
    petra, _jan = await solved_problem(bot)
    bot.advance(timedelta(days=725))
    await run_due(bot)
    assert said(petra, "bude anonymizován")
    await bot.app.bot_data.services.problems.change_status(Actor(user_id=petra.id), 1, Status.NEW)
    bot.advance(timedelta(days=8))
    await run_due(bot)
    problem = await stored(bot, 1)
    assert problem.anonymised_at is None and problem.description == SECRET
    await petra.send("/problem 1")
    assert SECRET in petra.last().text
    # closed again: a new period, so a new notice comes before anything is removed
    await bot.app.bot_data.services.problems.change_status(
        Actor(user_id=petra.id), 1, Status.CLOSED
    )
    bot.advance(timedelta(days=100))
    await run_due(bot)
    assert (await stored(bot, 1)).anonymised_at is None


async def test_a_problem_found_past_the_retention_is_anonymised_only_a_week_after_the_notice(bot):
    petra, _jan = await solved_problem(bot)
    bot.advance(timedelta(days=800))  # the bot was down for a long time
    await run_due(bot)
    assert said(petra, "bude anonymizován")
    assert (await stored(bot, 1)).anonymised_at is None
    bot.advance(timedelta(days=6))
    await run_due(bot)
    assert (await stored(bot, 1)).anonymised_at is None
    bot.advance(timedelta(days=1))
    await run_due(bot)
    assert (await stored(bot, 1)).anonymised_at is not None


async def test_old_audit_entries_are_deleted(bot):
    await make_team(bot, "Poruba", "Petra", "Jan")
    before = await rows(bot, "SELECT COUNT(*) FROM audit_events")
    assert before[0][0] > 0
    bot.advance(timedelta(days=1825))
    await bot.app.bot_data.services.teams.create(Actor(user_id=bot.admin.id, is_admin=True), "Jih")
    await run_due(bot)
    left = await rows(bot, "SELECT action FROM audit_events ORDER BY id")
    assert ("team.create",) in left and len(left) < before[0][0] + 2
    bot.advance(timedelta(days=1))
    await run_due(bot)
    left = [r[0] for r in await rows(bot, "SELECT action FROM audit_events")]
    assert "member.join" not in left  # everything from 1826 days ago is gone
    assert "audit.purged" in left


async def test_removed_text_is_overwritten_on_disk(bot):
    assert await rows(bot, "PRAGMA secure_delete") == [(1,)]


async def test_jan_is_told_only_about_the_team_he_coordinates(bot):
    petra, jan, karel = await two_teams(bot)
    await report(jan, team="Poruba")
    await report(jan, team="Jih", locality="Hrabůvka, Horní 5")
    services = bot.app.bot_data.services
    await services.problems.change_status(Actor(user_id=petra.id), 1, Status.CLOSED)
    await services.problems.change_status(Actor(user_id=jan.id), 2, Status.PARTLY_SOLVED)
    bot.advance(timedelta(days=724))
    await run_due(bot)
    told = [m.text for m in jan.inbox if "bude anonymizován" in m.text]
    assert len(told) == 1 and "#2 Hrabůvka, Horní 5" in told[0] and "týmu Jih" in told[0]
    assert "#1" not in told[0]
    (petras,) = [m.text for m in petra.inbox if "bude anonymizován" in m.text]
    assert "#1 Zárubecká 12" in petras and "týmu Poruba" in petras and "#2" not in petras
    (karels,) = [m.text for m in karel.inbox if "bude anonymizován" in m.text]
    assert "#2 Hrabůvka" in karels
    bot.advance(timedelta(days=7))
    await run_due(bot)
    assert (await stored(bot, 1)).anonymised_at is not None
    assert (await stored(bot, 2)).anonymised_at is not None
    await jan.send("/problem 2")
    assert "Obsah byl anonymizován" in jan.last().text
    done = await rows(bot, f"SELECT COUNT(*) FROM due_work WHERE kind = '{DueKind.RETENTION}'")
    assert done == [(4,)]  # per team the last round done and the next one waiting
