"""Translations (gettext catalogs compiled in memory from the shipped .po files) and formatting.

Source strings are English; ``cs`` is the default language. Catalogs are read with Babel and
compiled at first use, so no build step or binary file is needed.
"""

from __future__ import annotations

import datetime as dt
import gettext
from functools import cache
from importlib import resources
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime, get_day_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.config import SUPPORTED_LANGUAGES

DOMAIN = "messages"
_BABEL_LOCALES = {"cs": "cs_CZ", "en": "en_GB"}
_DATETIME_PATTERN = {"cs": "EEEE d. MMMM y H:mm", "en": "EEEE d MMMM y, HH:mm"}
_DATE_PATTERN = {"cs": "d. M. y", "en": "d MMM y"}
_LONG_DATE_PATTERN = {"cs": "EEEE d. MMMM y", "en": "EEEE d MMMM y"}
_SHORT_DATETIME_PATTERN = {"cs": "d. M. y H:mm", "en": "d MMM y, HH:mm"}


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where it is shown."""
    return message


@cache
def _catalog(language: str) -> gettext.NullTranslations:
    path = resources.files("bot.i18n") / "locales" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """Everything language-dependent for one reader: messages, plurals, dates."""

    def __init__(self, language: str, timezone: ZoneInfo) -> None:
        if language not in SUPPORTED_LANGUAGES:
            language = SUPPORTED_LANGUAGES[0]
        self.language = language
        self.timezone = timezone
        self._catalog = _catalog(language)
        self._locale = Locale.parse(_BABEL_LOCALES[language])

    def _(self, message: str, /, **params: Any) -> str:
        text = self._catalog.gettext(message)
        return text.format(**params) if params else text

    def n_(self, singular: str, plural: str, n: int, /, **params: Any) -> str:
        """Plural-aware message; ``{n}`` in the text is the count (Czech has three forms)."""
        text = self._catalog.ngettext(singular, plural, n)
        return text.format(n=n, **params)

    def datetime(self, moment: dt.datetime) -> str:
        """E.g. ``úterý 15. prosince 2026 14:00`` in the configured time zone."""
        local = moment.astimezone(self.timezone)
        return format_datetime(local, _DATETIME_PATTERN[self.language], locale=self._locale)

    def short_datetime(self, moment: dt.datetime) -> str:
        """E.g. ``2. 12. 2026 9:00``: fits any sentence (no weekday to decline)."""
        local = moment.astimezone(self.timezone)
        return format_datetime(local, _SHORT_DATETIME_PATTERN[self.language], locale=self._locale)

    def weekday(self, index: int) -> str:
        """The weekday's name, Monday = 0 (as in Python)."""
        return str(get_day_names("wide", locale=self._locale)[index])

    def time(self, moment: dt.datetime) -> str:
        local = moment.astimezone(self.timezone)
        return format_datetime(
            local, "H:mm" if self.language == "cs" else "HH:mm", locale=self._locale
        )

    def date(self, moment: dt.datetime) -> str:
        local = moment.astimezone(self.timezone)
        return format_datetime(local, _DATE_PATTERN[self.language], locale=self._locale)

    def long_date(self, moment: dt.datetime) -> str:
        """E.g. ``úterý 15. prosince 2026``: the date line of a document."""
        local = moment.astimezone(self.timezone)
        return format_datetime(local, _LONG_DATE_PATTERN[self.language], locale=self._locale)


def pick_language(stored: str | None, telegram_code: str | None, default: str) -> str:
    """The user's stored choice, else their Telegram app language, else the configured default."""
    if stored in SUPPORTED_LANGUAGES:
        return stored
    if telegram_code:
        base = telegram_code.split("-")[0].lower()
        if base == "sk":  # Slovak readers understand Czech better than English
            return "cs"
        if base in SUPPORTED_LANGUAGES:
            return base
    return default
