"""What the My Academics pages share: state marks, EC and grade texts, a loading pattern."""

from __future__ import annotations

from rich.text import Text

from ..i18n import N_, _, format_ec, format_grade, pgettext
from ..theme import WARN
from ..widgets.columns import Column, fit_columns

#: a course's state in a requirement group, as shown
STATE_LABELS = {"done": N_("Done"), "in_progress": N_("In progress"), "planned": N_("Planned"),
                "missing": N_("Missing")}
STATE_MARKS = {"done": ("✓", "bold green"), "in_progress": ("◐", f"bold {WARN}"),
               "planned": ("○", "bold"), "missing": ("✗", "bold red")}


def state_text(state: str, grade: str | None = None) -> Text:
    """"✓ Done 7.5", "◐ In progress", "○ Planned", "✗ Missing"."""
    mark, style = STATE_MARKS[state]
    text = Text(f"{mark} ", style=style)
    text.append(_(STATE_LABELS[state]), style=style)
    if grade:
        text.append(f" {grade}", style="bold")
    return text


def satisfied_text(satisfied: bool) -> Text:
    if satisfied:
        return Text("✓ " + pgettext("requirement", "Satisfied"), style="bold green")
    return Text("✗ " + pgettext("requirement", "Not satisfied"), style="bold red")


def ec(value: float) -> str:
    """"6 EC" / "7.5 EC" ("7,5 EC" in Dutch)."""
    return format_ec(value)


def grade_label(grade: float | None, mark: str | None) -> str:
    return mark or "" if grade is None else format_grade(grade)


def semester_label(semester: int) -> str:
    return _("Semester {n}").format(n=semester)


def year_semester(academic_year: str, semester: int) -> str:
    """"2026-27 S1": an academic year and a semester in ten cells."""
    return f"{academic_year[:4]}-{academic_year[7:]} S{semester}"


__all__ = ["Column", "fit_columns", "grade_label", "satisfied_text", "semester_label",
           "state_text", "year_semester"]
