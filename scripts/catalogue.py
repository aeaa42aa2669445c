"""The gettext catalogues (Babel): extract, update, compile, fill, check.

    python scripts/catalogue.py            # extract usis.pot, update nl/usis.po, compile usis.mo
    python scripts/catalogue.py fill T.json  # add Dutch translations ({"English": "Nederlands"})
    python scripts/catalogue.py missing    # the messages that have no Dutch translation yet

Messages are marked in the code with _(), N_(), ngettext(), pgettext(), _in(lang, ...) and
ngettext_in(lang, ...) (usis_tui/i18n.py). Updating never guesses ("fuzzy") translations; a new
message is untranslated until it is given one, and tests/unit/test_catalogue.py fails until then.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "usis_tui"
LOCALE = PACKAGE / "locale"
POT = LOCALE / "usis.pot"
LANGUAGES = ("nl",)
KEYWORDS = {**DEFAULT_KEYWORDS, "_in": (2,), "ngettext_in": (2, 3)}
METHOD_MAP = [("**/migrations/versions/**.py", "ignore"), ("**/data/**.py", "ignore"),
              ("**.py", "python"),
              # the guided tours: their title, about and say texts (usis_tui/tours)
              ("**/tours/*.tour", "usis_tui.tours:babel_extract")]


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "usis.po"


def extract() -> Catalog:
    """Every marked message in usis_tui, with the files it is in."""
    template = Catalog(project="usis-tui", version="1", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            PACKAGE, method_map=METHOD_MAP, keywords=KEYWORDS, comment_tags=("Translators:",),
            strip_comment_tags=True):
        template.add(message, None, [(f"usis_tui/{filename}", lineno)],
                     auto_comments=comments, context=context)
    return template


def load(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, domain="usis", project="usis-tui", charset="utf-8")
    with path.open("rb") as f:
        return read_po(f, locale=language, domain="usis")


def save(catalog: Catalog, path: Path, **options) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=False, omit_header=False,
             include_lineno=False, **options)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def compile_mo(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update() -> None:
    template = extract()
    save(template, POT)
    for language in LANGUAGES:
        catalog = load(language)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False
        save(catalog, po_path(language))
        po_path(language).with_suffix(".mo").write_bytes(compile_mo(catalog))
        missing = [m.id for m in catalog if m.id and not _translated(m)]
        print(f"{language}: {len(catalog) - 1} messages, {len(missing)} without a translation")


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return bool(strings) and all(strings) and not message.fuzzy


def fill(files: list[str], language: str = "nl") -> None:
    catalog = load(language)
    added = 0
    for name in files:
        table = json.loads(Path(name).read_text(encoding="utf-8"))
        for key, value in table.items():
            context = None
            if "\x04" in key:  # "context\x04message"
                context, key = key.split("\x04", 1)
            message = catalog.get(key, context=context)
            if message is None:
                continue
            if isinstance(message.string, (list, tuple)) or isinstance(value, list):
                message.string = tuple(value) if isinstance(value, list) else (value, value)
            else:
                message.string = value
            message.flags.discard("fuzzy")
            added += 1
    save(catalog, po_path(language))
    po_path(language).with_suffix(".mo").write_bytes(compile_mo(catalog))
    print(f"{language}: {added} translations filled")


def missing(language: str = "nl") -> None:
    catalog = load(language)
    for message in catalog:
        if message.id and not _translated(message):
            print(json.dumps(message.id, ensure_ascii=False))


if __name__ == "__main__":
    command, *rest = sys.argv[1:] or ["update"]
    if command == "update":
        update()
    elif command == "fill":
        fill(rest)
    elif command == "missing":
        missing()
    else:
        sys.exit(__doc__)
