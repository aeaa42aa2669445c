"""Rounding, formatting and parsing of petition numbers and dates; pydantic errors to uSis
problems."""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from ... import i18n
from ..schemas import Problem
from .constants import FIELD_OF


# ---------------------------------------------------------------------------- rounding
def round_ec(value: float | Decimal | str) -> int:
    """Leiden does not accept half credits and always rounds down: 7.5 EC becomes 7 EC."""
    return math.floor(Decimal(str(value)))


def round_grade(value: float | Decimal | str) -> float:
    """A grade 5.5 becomes 5; every other grade goes to the nearest half point, never 5.5:
    7.3 → 7.5, 5.4 → 5, 5.6 → 6 (ties round up: 7.25 → 7.5)."""
    grade = Decimal(str(value))
    if grade == Decimal("5.5"):
        return 5.0
    nearest = (grade * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2
    if nearest == Decimal("5.5"):
        return 5.0 if grade < Decimal("5.5") else 6.0
    return float(nearest)


def fmt_number(value: float | int | Decimal | None, *, language: object | None = None) -> str:
    """7.5 → "7.5" / "7,5"; 6.0 → "6" (in ``language``, else the current one)."""
    if value is None:
        return ""
    return i18n.format_number(float(value), language=language)


def fmt_date(value: date | None, *, language: object | None = None) -> str:
    """"2 Dec 2026" / "2 dec. 2026"."""
    return i18n.format_date(value, language=language) if value else ""


def parse_number(text: str) -> Decimal | None:
    """"7.5", "7,5" or " 6 " → Decimal; anything else → None."""
    cleaned = text.strip().replace(",", ".")
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?|\.[0-9]+", cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        return None


def parse_date(text: str) -> date | None:
    """DD-MM-YYYY (also with / or .) or ISO YYYY-MM-DD."""
    value = text.strip()
    m = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", value)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
    except ValueError:
        return None
    return None


def problem(code: str, message: str, hint: str = "") -> PydanticCustomError:
    # The message is final text: no placeholders left for pydantic to fill in.
    return PydanticCustomError(code, message.replace("{", "(").replace("}", ")"), {"hint": hint})


def problems_from(exc: ValidationError) -> list[Problem]:
    """pydantic's errors → uSis problems, in form order."""
    out: list[Problem] = []
    for err in exc.errors():
        ctx = err.get("ctx") or {}
        out.append(Problem(code=err["type"], message=err["msg"], hint=str(ctx.get("hint", ""))))
    return out


def problem_fields(problems: list[Problem]) -> set[str]:
    """The form fields that problems are about (see ``FIELD_OF``)."""
    return {FIELD_OF[p.code] for p in problems if p.code in FIELD_OF}
