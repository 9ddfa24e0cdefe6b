"""Replies: a committed action is never reported as failed, and no request Telegram refuses.

A reply that Telegram does not take at once (5xx, network error, 429) is retried briefly; what
still cannot go out is sent later by the outbox. "Something went wrong" is said only when the
handler itself failed before anything was done.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram.error import RetryAfter

from bot.domain.notices import Notice
from bot.handlers.delivery import NO_LIMITER_RETRY, RateLimiter
from tests.flows import invite_code, join, make_team, report
from tests.test_meetings import invitations, schedule
from tests.test_two_teams import two_teams

WRONG = "Něco se pokazilo"
SAVED = "uložen jako #1"


async def rows(bot, chat_id: int, kind: str | None = None) -> list[dict]:  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        items = await repos.outbox.items(chat_id=chat_id)
        return [
            await repos.outbox.state(item.id) for item in items if kind is None or item.kind == kind
        ]


async def run_outbox(bot) -> None:  # type: ignore[no-untyped-def]
    bot.app.bot_data.outbox.kick()
    await bot.app.bot_data.outbox.settle()


async def problems(bot) -> list[int]:  # type: ignore[no-untyped-def]
    async with bot.db.read() as repos:
        return [n for n in range(1, 5) if await repos.problems.team_of(n) is not None]


def calls(bot, method: str, start: int = 0) -> list[bool]:  # type: ignore[no-untyped-def]
    return [c.ok for c in bot.emu.calls[start:] if c.method == method]


def said(person, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.text for m in person.inbox if text in m.text]


def alerts(bot, person) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.text for who, a in bot.emu.callback_answers if who == person.id and a.text]


async def test_a_reply_that_gets_502_twice_is_retried_and_shown_once(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan, send=False)
    start = len(bot.emu.calls)
    bot.emu.inject_fault("editMessageText", status=502, count=2)

    answer = await jan.press("✅ Odeslat")

    assert SAVED in jan.last().text, jan.last().text
    assert len(said(jan, SAVED)) == 1
    assert calls(bot, "editMessageText", start) == [False, False, True]
    assert answer is not None and not answer.show_alert
    assert not said(jan, WRONG) and not any(WRONG in a for a in alerts(bot, jan))
    assert await rows(bot, jan.id, Notice.REPLY) == []  # nothing left for later
    assert await problems(bot) == [1]
    assert "Nový problém" in petra.last().text


async def test_a_reply_that_keeps_failing_comes_later_from_the_outbox(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan, send=False)
    preview = jan.last()
    start = len(bot.emu.calls)
    bot.emu.inject_fault("editMessageText", status=502, count=3)

    answer = await jan.press("✅ Odeslat")

    # three tries of the edit, then the confirmation waits in the outbox; nothing "went wrong"
    assert calls(bot, "editMessageText", start) == [False, False, False]
    assert answer is not None and not answer.show_alert and WRONG not in answer.text
    assert not said(jan, SAVED) and not said(jan, WRONG)
    assert await problems(bot) == [1]  # saved, and the coordinator told
    assert "Nový problém" in petra.last().text
    (row,) = await rows(bot, jan.id, Notice.REPLY)
    assert row["sent_at"] is None and row["user_id"] == jan.id

    # the outbox meets two more failures, backs off, and then delivers it
    bot.emu.inject_fault("sendMessage", status=502, count=2)
    for _ in range(3):
        bot.advance(timedelta(seconds=30))
        await run_outbox(bot)
    assert len(said(jan, SAVED)) == 1, [m.text for m in jan.inbox]
    confirmation = jan.last()
    assert SAVED in confirmation.text and confirmation.button_texts() == ["Otevřít #1"]
    (row,) = await rows(bot, jan.id, Notice.REPLY)
    assert row["sent_at"] is not None and row["attempts"] == 3
    assert row["payload"] == "{}"  # the text is not kept once sent
    assert not said(jan, WRONG) and not any(WRONG in a for a in alerts(bot, jan))

    # the preview still has its buttons: sending again points to the same problem
    await jan.press("✅ Odeslat", message=preview)
    assert SAVED in jan.last().text
    assert await problems(bot) == [1]
    await jan.press("Otevřít #1", message=confirmation)
    assert "#1" in jan.last().text


async def test_a_429_on_the_reply_is_retried_after_retry_after(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan, send=False)
    start = len(bot.emu.calls)
    bot.emu.inject_fault("editMessageText", status=429, retry_after=1, count=1)

    await jan.press("✅ Odeslat")

    assert calls(bot, "editMessageText", start) == [False, True]
    assert len(said(jan, SAVED)) == 1
    assert await rows(bot, jan.id, Notice.REPLY) == []


async def test_a_long_429_hands_the_reply_to_the_outbox_at_once(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan, send=False)
    start = len(bot.emu.calls)
    bot.emu.inject_fault("editMessageText", status=429, retry_after=40, count=1)

    await jan.press("✅ Odeslat")

    assert calls(bot, "editMessageText", start) == [False]  # no waiting 40 s for an answer
    assert len(await rows(bot, jan.id, Notice.REPLY)) == 1
    bot.advance(timedelta(seconds=30))
    await run_outbox(bot)
    assert not said(jan, SAVED)  # not before Telegram's retry_after
    bot.advance(timedelta(seconds=15))
    await run_outbox(bot)
    assert len(said(jan, SAVED)) == 1


async def test_a_bad_request_is_not_retried(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await report(jan, send=False)
    start = len(bot.emu.calls)
    bot.emu.inject_fault(
        "editMessageText", status=400, description="Bad Request: message to edit not found"
    )

    await jan.press("✅ Odeslat")

    # one refused edit, then the confirmation as a new message
    assert calls(bot, "editMessageText", start) == [False]
    assert len(said(jan, SAVED)) == 1
    assert await rows(bot, jan.id, Notice.REPLY) == []


async def test_a_bad_request_on_a_typed_reply_is_not_retried_nor_queued(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    start = len(bot.emu.calls)
    bot.emu.inject_fault("sendMessage", status=400, description="Bad Request: injected")

    await jan.send("/help")

    assert calls(bot, "sendMessage", start)[0] is False
    assert len([c for c in bot.emu.calls[start:] if c.error == "Bad Request: injected"]) == 1
    assert await rows(bot, jan.id, Notice.REPLY) == []


async def test_a_typed_reply_with_a_network_error_is_retried(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    start = len(bot.emu.calls)
    bot.emu.inject_fault("sendMessage", status=500, count=1)

    await jan.send("/help")

    assert calls(bot, "sendMessage", start) == [False, True]
    assert "/report" in jan.last().text
    assert not said(jan, WRONG)


async def test_a_list_that_cannot_go_out_comes_later_from_the_outbox(bot):
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    for n in range(3):
        await report(jan, locality=f"Zárubecká {n + 10}")
    start = len(bot.emu.calls)
    bot.emu.inject_fault("sendMessage", status=502, count=3)

    await jan.send("/problems")

    assert calls(bot, "sendMessage", start) == [False, False, False]
    assert len(await rows(bot, jan.id, Notice.REPLY)) == 1
    bot.advance(timedelta(seconds=10))
    await run_outbox(bot)
    assert "#3" in jan.last().text and jan.last().buttons
    assert not said(jan, WRONG)


async def test_a_long_answer_that_cannot_go_out_comes_later_from_the_outbox(bot):
    petra, _, _ = await make_team(bot, "Poruba", "Petra", "Jan", "Eva")
    start = len(bot.emu.calls)
    bot.emu.inject_fault("sendMessage", status=503, count=3)

    await petra.send("/members")

    assert calls(bot, "sendMessage", start) == [False, False, False]
    assert await rows(bot, petra.id, Notice.REPLY)
    bot.advance(timedelta(seconds=10))
    await run_outbox(bot)
    assert "Jan" in petra.last().text and "Eva" in petra.last().text
    assert petra.last().buttons
    assert not said(petra, WRONG)


async def test_a_refusal_is_still_explained(bot):
    """A service refusal (nothing done) still gets its polite answer, once."""
    _, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    start = len(bot.emu.calls)
    answer = await jan.press_data("pb:v:999")
    assert answer is not None and answer.show_alert and "#999" in answer.text
    assert calls(bot, "answerCallbackQuery", start) == [True]  # answered once


async def test_a_whole_two_team_flow_makes_no_request_telegram_refuses(bot):
    petra, jan, karel = await two_teams(bot)
    await report(jan, team="Poruba")
    await report(jan, team="Jih", locality="Hrabůvka, Horní 5", urgency="akutní")
    await jan.press("Otevřít #2")
    await jan.send("/problems")
    await jan.send("/tasks")
    await jan.send("/members")
    await karel.send("/members")
    await petra.send("/problems")
    await petra.press("#1")
    # double taps and a press delivered again change nothing and are answered once
    await jan.send("/report")
    choice = jan.last()
    (jih,) = [b.callback_data for row in choice.buttons for b in row if b.text == "Jih"]
    await jan.press("Jih")
    assert jih is not None
    await jan.press_data(jih, message=choice)  # a double tap on the team
    await jan.press("« Zpět")
    await jan.press("✖ Zrušit")
    lena = bot.person("Lena")
    code = await invite_code(jan, role="Člen", team="Jih")
    await join(lena, code, name="Lena Nová")
    await report(lena, locality="Hrabůvka, Dolní 1")

    refused = [f"{c.method}: {c.error}" for c in bot.emu.calls if not c.ok]
    assert not refused, refused
    queries = [
        c.params.get("callback_query_id")
        for c in bot.emu.calls
        if c.method == "answerCallbackQuery"
    ]
    assert len(queries) == len(set(queries))


async def test_an_attendance_answer_stays_noted_when_its_buttons_cannot_be_updated(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra)
    start = len(bot.emu.calls)
    bot.emu.inject_fault("editMessageReplyMarkup", status=502, count=3)

    answer = await jan.press("Přijdu", message=invitations(jan)[0])

    assert answer is not None and "Zapsáno: Přijdu" in answer.text and not answer.show_alert
    assert calls(bot, "editMessageReplyMarkup", start) == [False, False, False]
    assert calls(bot, "answerCallbackQuery", start) == [True]  # answered once, no "went wrong"
    assert not said(jan, WRONG)
    await petra.send("/meeting")
    await petra.press(0)
    await petra.press("👥 Kdo přijde")
    assert "Přijdu (1)\n  • Jan Členová" in petra.last().text


async def test_attendance_buttons_are_updated_after_a_retry(bot):
    petra, jan = await make_team(bot, "Poruba", "Petra", "Jan")
    await schedule(petra)
    start = len(bot.emu.calls)
    bot.emu.inject_fault("editMessageReplyMarkup", status=500, count=1)

    await jan.press("Přijdu", message=invitations(jan)[0])

    assert calls(bot, "editMessageReplyMarkup", start) == [False, True]
    assert invitations(jan)[0].button_texts()[:3] == ["✓ Přijdu", "Nepřijdu", "Možná"]
    await jan.press("✓ Přijdu", message=invitations(jan)[0])  # the same again: no edit at all
    assert calls(bot, "editMessageReplyMarkup", start) == [False, True]


async def test_the_rate_limiter_leaves_a_replys_429_to_the_reply():
    """A reply's 429 is raised at once (its own retries are short); other calls keep the
    limiter's retries."""
    limiter = RateLimiter(max_retries=3)
    await limiter.initialize()
    tries: list[int] = []

    async def refused(*_: object) -> bool:
        tries.append(1)
        raise RetryAfter(0)

    with pytest.raises(RetryAfter):
        await limiter.process_request(
            refused, (), {}, "sendMessage", {"chat_id": 1}, NO_LIMITER_RETRY
        )
    assert len(tries) == 1
    tries.clear()
    with pytest.raises(RetryAfter):
        await limiter.process_request(refused, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert len(tries) == 4
    await limiter.shutdown()
