"""The Dutch catalogue is complete: every message the code marks (``_()``, ``N_()``,
``ngettext``, ``pgettext``, ``_in``) has a Dutch translation with the same placeholders, and the
compiled catalogue that ships in the wheel is the one made from it.

A new message without a translation fails here, naming it: run ``python scripts/catalogue.py``
(extract and update), translate it in usis_tui/locale/nl/LC_MESSAGES/usis.po (or ``fill`` from a
JSON file), and run it again (compiles the .mo)."""

from __future__ import annotations

import gettext
import string
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

from scripts import catalogue as tool
from usis_tui import i18n

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def extracted():
    return tool.extract()


@pytest.fixture(scope="module")
def dutch():
    return tool.load("nl")


def fields(text: str) -> set[str]:
    """The str.format fields of ``text`` ("{number}" → "number"), with their conversions."""
    found = set()
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is not None:
            found.add(f"{name}!{conversion or ''}:{spec or ''}")
    return found


def _strings(value) -> list[str]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def test_every_message_in_the_code_has_a_dutch_translation(extracted, dutch):
    missing = []
    for message in extracted:
        if not message.id:
            continue
        translated = dutch.get(message.id, context=message.context)
        if translated is None or translated.fuzzy or not all(_strings(translated.string)):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    assert not missing, (f"{len(missing)} message(s) without a Dutch translation (run "
                         f"scripts/catalogue.py and translate them): {missing[:20]}")


def test_placeholders_match(dutch):
    wrong = []
    for message in dutch:
        if not message.id or not message.string:
            continue
        ids = _strings(message.id)
        wanted = set().union(*(fields(i) for i in ids))
        for text in _strings(message.string):
            if text and fields(text) - wanted or (len(ids) == 1 and fields(text) != wanted):
                wrong.append((ids[0], text))
    assert not wrong, f"placeholders differ between English and Dutch: {wrong[:10]}"


def test_no_translation_holds_markup(dutch):
    """Translations are shown as our own text (the literal lint lets ``_("…")`` through): none
    may hold Textual/Rich markup or a control character."""
    import re

    markup = re.compile(r"\[/?[a-z$@#][^\]]*\]")
    bad = [text for m in dutch if m.id for text in _strings(m.string)
           if text and (set(markup.findall(text)) - set(markup.findall(" ".join(_strings(m.id))))
                        or not text.replace("\n", "").isprintable())]
    assert not bad, bad[:10]


def test_every_translation_is_used(extracted, dutch):
    """No stale entries: the catalogue holds what the code asks for (update drops the rest)."""
    used = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in extracted if m.id}
    stale = [m.id for m in dutch if m.id and
             ((m.id if isinstance(m.id, str) else m.id[0]), m.context) not in used]
    assert not stale, f"translations of messages the code no longer has: {stale[:10]}"


def test_the_compiled_catalogue_is_the_one_made_from_the_po_file(dutch):
    shipped = tool.po_path("nl").with_suffix(".mo")
    assert shipped.read_bytes() == tool.compile_mo(dutch), \
        "usis.mo is out of date: run python scripts/catalogue.py"


def test_the_compiled_catalogue_ships_in_the_wheel():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = data["tool"]["setuptools"]["package-data"]["usis_tui"]
    mo = "locale/nl/LC_MESSAGES/usis.mo"
    assert (ROOT / "usis_tui" / mo).is_file()
    assert any(fnmatch(mo, pattern) for pattern in patterns)
    # and gettext finds it where the app looks
    found = gettext.find(i18n.DOMAIN, localedir=i18n.LOCALE_DIR, languages=["nl"])
    assert found is not None and Path(found).resolve() == (ROOT / "usis_tui" / mo).resolve()


def test_the_usis_labels_are_the_dutch_ones_word_for_word(dutch):
    """../shared/USIS_FLOW.md, "Dutch labels": what Leiden's Dutch uSis calls them."""
    with i18n.language("nl"):
        for english, label in [("Self Service", "Selfservice"),
                               ("Student Center", "Studentencentrum"),
                               ("Enrol", "Inschrijven"),
                               ("Enrol by entering the class number",
                                "Inschrijven met het nummer van de studieactiviteit"),
                               ("Shopping cart", "Winkelwagen"), ("Drop", "Uitschrijven"),
                               ("My Class Schedule", "Mijn studierooster")]:
            assert i18n._(english) == label


def test_english_is_the_source_language():
    with i18n.language("en"):
        assert i18n._("Shopping cart") == "Shopping cart"
    with i18n.language("nl"):
        assert i18n._("Shopping cart") == "Winkelwagen"
        assert i18n._in("en", "Shopping cart") == "Shopping cart"
    assert i18n.get_language() == "en"


@pytest.mark.parametrize(("language", "date", "ec"), [("nl", "2 dec. 2026", "7,5 EC"),
                                                      ("en", "2 Dec 2026", "7.5 EC")])
def test_dates_and_numbers_follow_the_language(language, date, ec):
    from datetime import date as day

    with i18n.language(language):
        assert i18n.format_date(day(2026, 12, 2)) == date
        assert i18n.format_ec(7.5) == ec
    assert i18n.format_date(day(2026, 5, 3), language="nl") == "3 mei 2026"  # not "mei."
