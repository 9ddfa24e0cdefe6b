"""Configuration from the environment or a `.env` file (prefix ``MDTBOT_``).

Invalid values stop start-up with one line naming the variable (see :func:`load_settings`).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_API_URL = "https://api.telegram.org"
SUPPORTED_LANGUAGES = ("cs", "en")
#: how many meeting reminders a team (or the configuration) may set
MAX_REMINDERS = 4

_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
#: what Telegram accepts as a webhook's secret token
_WEBHOOK_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_WEBHOOK_URL_RE = re.compile(r"^https?://[^/\s?#@]+(/[^\s#]*)?$")  # http: local Bot API servers
_DURATION_UNITS: dict[str, str] = {
    **dict.fromkeys(("s", "sec", "sekunda", "sekundy", "sekund", "second", "seconds"), "seconds"),
    **dict.fromkeys(
        ("m", "min", "minuta", "minuty", "minut", "minutu", "minute", "minutes"), "minutes"
    ),
    **dict.fromkeys(("h", "hod", "hodina", "hodiny", "hodin", "hodinu", "hour", "hours"), "hours"),
    **dict.fromkeys(("d", "den", "dny", "dni", "dnu", "dne", "day", "days"), "days"),
    **dict.fromkeys(
        ("w", "t", "tyden", "tydny", "tydnu", "tydne", "tydnech", "week", "weeks"), "weeks"
    ),
}
#: one part of a duration ("2 dny", "90m", "půl hodiny") or a joining word between parts
_DURATION_TOKEN_RE = re.compile(r"\s*(?:(\d+|pul|half(?: an?)?)\s*([a-z]+)|(,|\+|a\b|and\b))\s*")


class ConfigError(Exception):
    """A configuration value is invalid; the message names the variable."""


def parse_duration(text: str) -> timedelta:
    """Parse ``90s``, ``15m``, ``24h``, ``7d``, ``1w`` and combinations such as ``1h30m``;
    also written out, in Czech or English: ``2 dny, 2 hodiny``, ``90 minut``, ``1 týden``,
    ``půl hodiny``."""
    compact = unicodedata.normalize("NFKD", text.strip().casefold())
    compact = "".join(ch for ch in compact if not unicodedata.combining(ch))
    total = timedelta()
    parts = 0
    position = 0
    while position < len(compact):
        match = _DURATION_TOKEN_RE.match(compact, position)
        if match is None or match.end() == position:
            raise ValueError(f"'{text}' is not a duration (use e.g. 30s, 15m, 24h, 7d)")
        position = match.end()
        amount, unit = match.group(1), match.group(2)
        if amount is None:
            continue  # "," "+" "a" "and" between parts
        if unit not in _DURATION_UNITS:
            raise ValueError(f"'{text}' is not a duration (use e.g. 30s, 15m, 24h, 7d)")
        count = 0.5 if not amount.isdigit() else int(amount)
        total += timedelta(**{_DURATION_UNITS[unit]: count})
        parts += 1
    if not parts:
        raise ValueError(f"'{text}' is not a duration (use e.g. 30s, 15m, 24h, 7d)")
    if total <= timedelta():
        raise ValueError(f"'{text}' must be longer than zero")
    return total


def _split_csv(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MDTBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    token: str | None = None
    api_url: str = DEFAULT_API_URL
    db: Path = Path("mdtbot.db")
    admins: Annotated[list[int], NoDecode] = Field(default_factory=list)
    timezone: str = "Europe/Prague"
    language: str = "cs"
    reminders: Annotated[list[timedelta], NoDecode] = Field(
        default_factory=lambda: [timedelta(hours=24), timedelta(hours=1)]
    )
    agenda_lead: timedelta = timedelta(hours=48)
    invite_ttl: timedelta = timedelta(days=7)
    #: how long the bot waits in a group that nobody linked before it leaves
    unlinked_group_grace: timedelta = timedelta(hours=1)
    #: how long a problem stays final before its content is anonymised
    retention: timedelta = timedelta(days=730)
    #: how long audit entries are kept
    audit_retention: timedelta = timedelta(days=1825)
    #: a directory for daily backups of the database (none made if unset)
    backup_dir: Path | None = None
    #: how many daily backups to keep
    backup_keep: int = Field(default=14, ge=1)
    #: webhook mode (instead of long polling): the public HTTPS URL Telegram posts updates to
    webhook_url: str | None = None
    #: the secret Telegram sends with every webhook request; required in webhook mode
    webhook_secret: str | None = None
    #: where the webhook server listens (a reverse proxy in front of it terminates HTTPS)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    #: the path the webhook server answers on (default: the path of MDTBOT_WEBHOOK_URL)
    webhook_path: str | None = None

    @field_validator("token")
    @classmethod
    def _token_format(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not _TOKEN_RE.match(value.strip()):
            raise ValueError("does not look like a bot token (digits:letters from BotFather)")
        return value.strip()

    @field_validator("backup_dir", mode="before")
    @classmethod
    def _backup_dir(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_url", "webhook_secret", "webhook_path", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not _WEBHOOK_URL_RE.match(value):
            raise ValueError(f"'{value}' is not a webhook URL (https://host[:port]/path)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: str | None) -> str | None:
        if value is not None and not _WEBHOOK_SECRET_RE.match(value):
            raise ValueError("must be 1–256 characters, only A-Z a-z 0-9 _ -")
        return value

    @field_validator("webhook_path")
    @classmethod
    def _webhook_path(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not re.match(r"^/?[A-Za-z0-9._~/-]*$", value):
            raise ValueError(f"'{value}' is not a URL path (e.g. /telegram)")
        return "/" + value.lstrip("/")

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url is not None and self.webhook_secret is None:
            raise ValueError(
                "MDTBOT_WEBHOOK_SECRET: required in webhook mode (1–256 characters, "
                "only A-Z a-z 0-9 _ -)"
            )
        return self

    @field_validator("api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"'{value}' is not an http(s) URL")
        return value.removesuffix("/bot")

    @field_validator("admins", mode="before")
    @classmethod
    def _admins(cls, value: Any) -> Any:
        items = _split_csv(value)
        if isinstance(items, list):
            for item in items:
                if isinstance(item, str) and not item.isdigit():
                    raise ValueError(f"'{item}' is not a Telegram user id (a positive number)")
        return items

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone '{value}'") from exc
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"'{value}' is not one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @field_validator("reminders", mode="before")
    @classmethod
    def _reminders(cls, value: Any) -> Any:
        items = _split_csv(value)
        if isinstance(items, list):
            if len(items) > MAX_REMINDERS:
                raise ValueError(f"at most {MAX_REMINDERS} reminders")
            return [parse_duration(v) if isinstance(v, str) else v for v in items]
        return items

    @field_validator(
        "agenda_lead",
        "invite_ttl",
        "unlinked_group_grace",
        "retention",
        "audit_retention",
        mode="before",
    )
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return parse_duration(value) if isinstance(value, str) else value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def bot_base_url(self) -> str:
        return f"{self.api_url}/bot"

    @property
    def bot_file_url(self) -> str:
        return f"{self.api_url}/file/bot"

    @property
    def webhook_listen_path(self) -> str:
        """The path the webhook server answers on: MDTBOT_WEBHOOK_PATH, else the path of
        MDTBOT_WEBHOOK_URL (a reverse proxy that passes the path on needs no setting)."""
        if self.webhook_path is not None:
            return self.webhook_path
        if self.webhook_url is None:
            return "/"
        _, _, rest = self.webhook_url.partition("://")
        _, slash, path = rest.partition("/")
        return "/" + path.split("?", 1)[0] if slash else "/"


def load_settings(**overrides: Any) -> Settings:
    """Build settings, turning pydantic's report into one readable line per bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            message = str(error["msg"]).removeprefix("Value error, ")
            if not error["loc"]:  # a check of several variables names them itself
                lines.append(message)
                continue
            field = str(error["loc"][0])
            lines.append(f"MDTBOT_{field.upper()}: {message}")
        raise ConfigError("; ".join(lines)) from None
