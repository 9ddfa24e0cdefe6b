"""Durations as people write them: in configuration values and in a team's meeting timing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.config import load_settings, parse_duration
from tests.flows import make_team
from tests.test_two_teams import two_teams


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 dny, 2 hodiny", timedelta(days=2, hours=2)),
        ("2 d 2 h", timedelta(days=2, hours=2)),
        ("2 dny a 2 hodiny", timedelta(days=2, hours=2)),
        ("90 minut", timedelta(minutes=90)),
        ("1 týden", timedelta(weeks=1)),
        ("2 TÝDNY", timedelta(weeks=2)),
        ("půl hodiny", timedelta(minutes=30)),
        ("1 hodina 30 minut", timedelta(minutes=90)),
        ("1 den", timedelta(days=1)),
        ("5 dní", timedelta(days=5)),
        ("2 days 12 hours", timedelta(days=2, hours=12)),
        ("half an hour", timedelta(minutes=30)),
        ("1w", timedelta(weeks=1)),
        ("1h30m", timedelta(minutes=90)),
    ],
)
def test_written_out_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["dva dny", "2 roky", "hodina", "0 minut", ", ", "a"])
def test_bad_written_out_durations(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_configuration_values_take_written_out_durations():
    settings = load_settings(
        token="1:abc", agenda_lead="2 dny 12 hodin", reminders="1 den, půl hodiny"
    )
    assert settings.agenda_lead == timedelta(days=2, hours=12)
    assert settings.reminders == [timedelta(days=1), timedelta(minutes=30)]


async def test_a_coordinator_types_durations_in_words(bot):
    petra, _ = await make_team(bot, "Poruba", "Petra", "Jan")
    await petra.send("/team")
    await petra.press("⏰ Připomínky schůzek a program")
    await petra.press("📋 Změnit, kdy se uzavírá program")
    assert "2 dny 12 hodin" in petra.last().text  # the prompt shows the written-out form
    await petra.send("dva dny")
    answer = petra.last().text
    assert "2 dny 2 hodiny" in answer and "90 minut" in answer and "1 týden" in answer
    await petra.send("2 dny, 2 hodiny")
    assert "Program se uzavírá a rozesílá 50 hodin předem" in petra.last().text
    await petra.press("⏰ Změnit připomínky")
    assert "1 den, 30 minut" in petra.last().text
    await petra.send("1 den, 2 hodiny, 30 minut, 10 minut, 5 minut")
    assert "Nejvýše 4 připomínky, prosím." in petra.last().text
    assert "znak" not in petra.last().text
    await petra.send("1 den, půl hodiny")
    assert "Připomínky: 24 hodin, 30 minut před schůzkou" in petra.last().text
    await petra.press("❔ Změnit dotaz „stále vyřešeno?“")
    await petra.send("3 týdny")
    assert "zeptám 21 dní po vyřešení" in petra.last().text


async def test_jan_types_a_duration_for_the_team_he_coordinates(bot):
    _, jan, _ = await two_teams(bot)
    await jan.send("/team")
    assert "Jih" in jan.last().text
    await jan.press("⏰ Připomínky schůzek a program")
    await jan.press("📋 Změnit, kdy se uzavírá program")
    await jan.send("3 dny")
    assert "Program se uzavírá a rozesílá 3 dny předem" in jan.last().text
