"""Catalogs are complete and consistent; Czech plurals and dates read correctly."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po

from bot.i18n import Translator, pick_language
from bot.i18n.update import extract, po_path

PRAGUE = ZoneInfo("Europe/Prague")
PLACEHOLDER = re.compile(r"\{(\w*)\}")
TAG = re.compile(r"</?[a-z]+[^>]*>")


def _catalog(language):
    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=language)


def test_every_source_string_is_translated_into_czech():
    czech = _catalog("cs")
    missing = []
    for message in extract():
        if not message.id:
            continue
        entry = czech.get(message.id)
        strings = entry.string if entry is not None else None
        ok = len(strings) == 3 and all(strings) if isinstance(strings, tuple) else bool(strings)
        if not ok:
            missing.append(message.id)
    assert not missing, "untranslated (run python -m bot.i18n.update and translate):\n" + "\n".join(
        map(str, missing)
    )


def test_no_catalog_has_strings_the_source_no_longer_uses():
    source = {m.id for m in extract()}
    for language in ("cs", "en"):
        stale = [m.id for m in _catalog(language) if m.id and m.id not in source]
        assert not stale, f"{language}: {stale}"


def test_translations_keep_placeholders_and_html_tags():
    for message in _catalog("cs"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        expected_tags = sorted(TAG.findall(ids[0]))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == expected, (message.id, text)
            assert sorted(TAG.findall(text)) == expected_tags, (message.id, text)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1 člen"),
        (2, "2 členové"),
        (4, "4 členové"),
        (5, "5 členů"),
        (0, "0 členů"),
        (22, "22 členů"),
    ],
)
def test_czech_plural_forms(n, expected):
    t = Translator("cs", PRAGUE)
    assert t.n_("{n} member", "{n} members", n) == expected


def test_english_plural_forms():
    t = Translator("en", PRAGUE)
    assert t.n_("{n} member", "{n} members", 1) == "1 member"
    assert t.n_("{n} member", "{n} members", 3) == "3 members"


def test_czech_dates_in_prague_time():
    t = Translator("cs", PRAGUE)
    # 13:00 UTC in December is 14:00 in Prague (CET)
    assert t.datetime(datetime(2026, 12, 15, 13, 0, tzinfo=UTC)) == "úterý 15. prosince 2026 14:00"
    # summer time: 12:30 UTC is 14:30 CEST
    assert t.datetime(datetime(2027, 6, 1, 12, 30, tzinfo=UTC)) == "úterý 1. června 2027 14:30"


def test_english_dates():
    t = Translator("en", PRAGUE)
    expected = "Tuesday 15 December 2026, 14:00"
    assert t.datetime(datetime(2026, 12, 15, 13, 0, tzinfo=UTC)) == expected


@pytest.mark.parametrize(
    ("stored", "telegram", "default", "expected"),
    [
        ("en", "cs", "cs", "en"),
        (None, "en-US", "cs", "en"),
        (None, "sk", "en", "cs"),
        (None, "de", "cs", "cs"),
        (None, None, "en", "en"),
        ("xx", None, "cs", "cs"),
    ],
)
def test_language_choice(stored, telegram, default, expected):
    assert pick_language(stored, telegram, default) == expected


def test_every_status_has_a_sentence_for_its_reporter():
    from bot.domain.problems import Status
    from bot.rendering.problems import STATUS_CHANGE_SENTENCES

    assert set(STATUS_CHANGE_SENTENCES) == set(Status)
