"""Refresh the catalogs from the source: ``python -m bot.i18n.update``.

New strings are added untranslated (the tests then fail until someone translates them into
Czech); strings no longer in the source are dropped. English catalogs fall back to the source.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.config import SUPPORTED_LANGUAGES
from bot.i18n import DOMAIN

PACKAGE = Path(__file__).resolve().parents[1]
LOCALES = Path(__file__).resolve().parent / "locales"
KEYWORDS = {"_": None, "n_": (1, 2), "N_": None}


def extract() -> Catalog:
    template = Catalog(project="mdtbot", fuzzy=False)
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        template.add(message)
    return template


def po_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def update() -> None:
    template = extract()
    for language in SUPPORTED_LANGUAGES:
        path = po_path(language)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
        else:
            catalog = Catalog(locale=language, project="mdtbot")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(
                handle, catalog, omit_header=False, no_location=True, sort_output=True, width=100
            )
        print(f"{path}: {len(catalog)} messages")


if __name__ == "__main__":
    update()
