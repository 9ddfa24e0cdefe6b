"""Configuration: defaults, parsing, and one clear line for each bad variable."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest

from bot.config import ConfigError, load_settings, parse_duration


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for key in list(os.environ):
        if key.startswith("MDTBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults():
    settings = load_settings()
    assert settings.token is None
    assert settings.timezone == "Europe/Prague"
    assert settings.language == "cs"
    assert settings.reminders == [timedelta(hours=24), timedelta(hours=1)]
    assert settings.agenda_lead == timedelta(hours=48)
    assert settings.bot_base_url == "https://api.telegram.org/bot"


def test_environment_values(monkeypatch):
    monkeypatch.setenv("MDTBOT_TOKEN", "123456:ABC-def_ghi")
    monkeypatch.setenv("MDTBOT_ADMINS", "11, 22")
    monkeypatch.setenv("MDTBOT_REMINDERS", "2m,1h30m")
    monkeypatch.setenv("MDTBOT_AGENDA_LEAD", "3m")
    monkeypatch.setenv("MDTBOT_API_URL", "http://127.0.0.1:8081/")
    settings = load_settings()
    assert settings.admins == [11, 22]
    assert settings.reminders == [timedelta(minutes=2), timedelta(minutes=90)]
    assert settings.agenda_lead == timedelta(minutes=3)
    assert settings.bot_base_url == "http://127.0.0.1:8081/bot"
    assert settings.bot_file_url == "http://127.0.0.1:8081/file/bot"


def test_dotenv_file(tmp_path):
    (tmp_path / ".env").write_text("MDTBOT_LANGUAGE=en\nMDTBOT_ADMINS=5\n", encoding="utf-8")
    settings = load_settings()
    assert settings.language == "en"
    assert settings.admins == [5]


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("MDTBOT_TOKEN", "not a token", "MDTBOT_TOKEN"),
        ("MDTBOT_TIMEZONE", "Europe/Prag", "unknown time zone 'Europe/Prag'"),
        ("MDTBOT_REMINDERS", "24h,soon", "MDTBOT_REMINDERS: 'soon' is not a duration"),
        ("MDTBOT_REMINDERS", "1d,2h,30m,10m,5m", "MDTBOT_REMINDERS: at most 4 reminders"),
        ("MDTBOT_AGENDA_LEAD", "0h", "MDTBOT_AGENDA_LEAD"),
        ("MDTBOT_ADMINS", "12,abc", "'abc' is not a Telegram user id"),
        ("MDTBOT_LANGUAGE", "de", "MDTBOT_LANGUAGE"),
        ("MDTBOT_API_URL", "ftp://x", "MDTBOT_API_URL"),
    ],
)
def test_invalid_values_name_the_variable(monkeypatch, variable, value, expected):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", timedelta(seconds=30)),
        ("15m", timedelta(minutes=15)),
        ("24h", timedelta(days=1)),
        ("7d", timedelta(days=7)),
        ("1h30m", timedelta(minutes=90)),
        (" 2 h ", timedelta(hours=2)),
    ],
)
def test_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "h", "10", "10x", "-1h", "1h and more"])
def test_bad_durations(text):
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"MDTBOT_TIMEZONE": "Mars/Olympus"}, "MDTBOT_TIMEZONE: unknown time zone"),
        ({"MDTBOT_TOKEN": "oops"}, "MDTBOT_TOKEN: does not look like a bot token"),
        ({}, "MDTBOT_TOKEN is not set"),
    ],
)
def test_run_refuses_bad_configuration_in_one_line(tmp_path, env, expected):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MDTBOT_")}
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
