"""Nederlands | English: the gettext catalogues and the language's conventions.

Every string a person reads goes through one of these (Babel's ``pybabel extract`` finds them;
``scripts/catalogue`` extracts, updates and compiles; tests/unit/test_catalogue.py fails on a
message without a Dutch translation or with placeholders that do not match):

- ``_("Shopping cart")``: the message in the current language.
- ``N_("Shopping cart")``: marks a message for translation where it is *defined* (a module-level
  table, a Binding's description, a page name in the registry); whoever *shows* it passes it
  through ``_()`` then, in the language of that moment.
- ``ngettext("{n} class", "{n} classes", n)``: a message that depends on a number.
- ``pgettext("status", "Open")``: a message whose translation depends on where it is used.
- ``_in("nl", "New study result")``: in another language than the current one (a message the
  app sends is written in its recipient's language).

Placeholders are ``str.format`` fields with names: ``_("Class {number} Full").format(number=n)``.
English is the source language: ``_()`` returns the message itself.

The language is the process's (one app per process under ``usis serve``; the CLI's ``--lang``):
``set_language("nl")``. Dates, times and numbers follow it through Babel: ``format_date`` gives
"2 dec. 2026" / "2 Dec 2026", ``format_ec(7.5)`` "7,5 EC" / "7.5 EC". Data from the database
(course titles, names) is never translated.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from .languages import DEFAULT, Language, normalise

DOMAIN = "usis"
LOCALE_DIR = Path(__file__).parent / "locale"
#: Babel locales for the conventions (en_GB: "2 Dec 2026", a 24-hour clock)
BABEL_LOCALE = {"en": "en_GB", "nl": "nl_NL"}
#: each language's name in itself (the switch and the palette)
NAMES = {"nl": "Nederlands", "en": "English"}

_language: Language = DEFAULT


def check(value: object) -> Language:
    """The language named by ``value``, or ValueError saying which ones there are."""
    language = normalise(value)
    if language is None:
        raise ValueError(f"unknown language {value!r}: use nl or en")
    return language


def set_language(language: object) -> Language:
    """Make ``language`` ("nl" or "en") the process's language; returns it."""
    global _language
    _language = check(language)
    return _language


def get_language() -> Language:
    return _language


@contextmanager
def language(value: object) -> Iterator[Language]:
    """The block runs in ``value``'s language (the CLI's output, a test), then the previous."""
    previous = _language
    try:
        yield set_language(value)
    finally:
        set_language(previous)


@lru_cache(maxsize=None)
def translations(language: Language) -> _gettext.NullTranslations:
    """The compiled catalogue of ``language`` (English: the messages themselves)."""
    if language == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language],
                                fallback=True)


def _(message: str) -> str:
    """``message`` in the current language."""
    if _language == "en" or not message:
        return message
    return translations(_language).gettext(message)


def N_(message: str) -> str:
    """Marks ``message`` for the catalogue; it is translated where it is shown, with ``_()``."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_language).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    if _language == "en":
        return message
    return translations(_language).pgettext(context, message)


def _in(language: object, message: str) -> str:
    """``message`` in ``language`` (None or unknown: the current one), e.g. the recipient's."""
    chosen = normalise(language) or _language
    return translations(chosen).gettext(message) if chosen != "en" and message else message


def ngettext_in(language: object, singular: str, plural: str, n: int) -> str:
    chosen = normalise(language) or _language
    return translations(chosen).ngettext(singular, plural, n)


# -- conventions (Babel is imported when a date or number is first shown) ---------------------

def _locale(language: object | None) -> str:
    return BABEL_LOCALE[normalise(language) or _language]


@lru_cache(maxsize=4)
def _short_months(locale: str) -> dict[int, str]:
    """Abbreviated month names as people write them: "dec." in Dutch (CLDR gives "dec"; a name
    that is not shortened, "mei", "juni", keeps no full stop), "Dec" in English."""
    from babel.dates import get_month_names

    if not locale.startswith("nl"):  # as strftime's %b (CLDR's en_GB has "Sept")
        return dict(enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1))
    short = get_month_names("abbreviated", locale=locale)
    wide = get_month_names("wide", locale=locale)
    return {m: name if name == wide[m] or name.endswith(".") else f"{name}."
            for m, name in short.items()}


def format_date(value: date | datetime, *, language: object | None = None,
                weekday: bool = False, year: bool = True) -> str:
    """"2 dec. 2026" / "2 Dec 2026"; ``weekday``: "wo 2 dec. 2026" / "Wed 2 Dec 2026"."""
    from babel.dates import get_day_names

    locale = _locale(language)
    text = f"{value.day} {_short_months(locale)[value.month]}"
    if year:
        text += f" {value.year}"
    if weekday:
        day = get_day_names("abbreviated", locale=locale)[value.weekday()]
        text = f"{day.rstrip('.').capitalize() if locale.startswith('en') else day} {text}"
    return text


def format_time(value: time | datetime) -> str:
    """"09:30" in both languages (a 24-hour clock)."""
    return f"{value.hour:02d}:{value.minute:02d}"


def format_datetime(value: datetime, *, language: object | None = None,
                    weekday: bool = False) -> str:
    """"2 dec. 2026 09:30" / "2 Dec 2026 09:30"."""
    return f"{format_date(value, language=language, weekday=weekday)} {format_time(value)}"


def weekday_name(index: int, *, width: Literal["wide", "abbreviated"] = "abbreviated",
                 language: object | None = None) -> str:
    """Monday is 0: "Mon"/"ma", "Monday"/"maandag"."""
    from babel.dates import get_day_names

    name = get_day_names(width, locale=_locale(language))[index]
    return name.rstrip(".")


def format_number(value: float | int | Decimal, *, language: object | None = None) -> str:
    """7.5 → "7,5" / "7.5"; 6 → "6"; thousands grouped ("50.000" / "50,000")."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_locale(language))


def format_ec(value: float | int | Decimal, *, language: object | None = None) -> str:
    """7.5 → "7,5 EC" / "7.5 EC"."""
    return f"{format_number(value, language=language)} EC"


def format_grade(value: float | Decimal, *, language: object | None = None) -> str:
    """A grade with one decimal: 7.5 → "7,5" / "7.5"; 6 → "6,0" / "6.0"."""
    from babel.numbers import format_decimal

    return format_decimal(value, format="0.0", locale=_locale(language))


def format_money(cents: int, *, language: object | None = None) -> str:
    """An amount in euro cents as people write it: 49500 → "€ 495,00" / "€495.00"."""
    from babel.numbers import format_currency

    return format_currency(Decimal(cents) / 100, "EUR", locale=_locale(language))


def _no_configuration() -> object:
    return DEFAULT


#: the configured default language (``lang``); usis_tui.config installs its reader when it is
#: imported (this module imports nothing of uSis: config imports it)
_configured: Callable[[], object] = _no_configuration


def use_configured_default(reader: Callable[[], object]) -> None:
    global _configured
    _configured = reader


def account_language(chosen: object | None) -> Language:
    """An account's language: the one it chose with the switch, else the configuration's
    default (``lang``: config file, USIS_LANG). Messages the app sends are written in it."""
    language = normalise(chosen)
    if language is not None:
        return language
    return normalise(_configured()) or DEFAULT
