"""The languages uSis speaks, and what people call them: no imports, so that the settings model
(config_model.py) and the catalogues (i18n.py) can both use it."""

from __future__ import annotations

from typing import Literal

Language = Literal["en", "nl"]
LANGUAGES: tuple[Language, ...] = ("nl", "en")  # in the order of the switch: "nl | en"
DEFAULT: Language = "en"


def normalise(value: object) -> Language | None:
    """"nl", "NL", "nl_NL", "Nederlands", "en-GB", "English" → the language; else None."""
    text = str(value or "").strip().lower().replace("-", "_")
    if text in ("nl", "nl_nl", "nl_be", "dutch", "nederlands"):
        return "nl"
    if text in ("en", "en_gb", "en_us", "english", "engels"):
        return "en"
    return None
