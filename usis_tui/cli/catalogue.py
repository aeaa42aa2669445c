"""`usis catalogue`: the class numbers, as Leiden publishes them per programme."""

from __future__ import annotations

import json
from typing import Any

import click

from ..i18n import N_, _
from .options import Settings, common_options, open_usis

#: the displayed names of the components and class statuses (the data keeps the English codes)
COMPONENT_LABELS = {"Lecture": N_("Lecture"), "Tutorial": N_("Tutorial"),
                    "Practical": N_("Practical"), "Exam": N_("Exam"), "Resit": N_("Resit")}
STATUS_LABELS = {"Open": N_("Open"), "Wait List": N_("Wait List"), "Closed": N_("Closed")}


def component_label(component: str) -> str:
    """A component as shown: "Lecture" / "Hoorcollege" (an unknown one as it is)."""
    return _(COMPONENT_LABELS[component]) if component in COMPONENT_LABELS else component


def status_label(status: str) -> str:
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else status


def label_width(labels: dict[str, str], least: int) -> int:
    """A column wide enough for every label in the current language (at least ``least``)."""
    return max(least, *(len(_(label)) for label in labels.values()))


@click.command("catalogue")
@common_options
@click.option("--year", metavar="YYYY-YYYY", help="Academic year (default: the current one).")
@click.option("--programme", metavar="NAME", help="Only this programme (name or code).")
@click.option("--class", "class_number", metavar="NUMBER", help="Only this class number.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def catalogue(settings: Settings, year: str | None, programme: str | None,
              class_number: str | None, as_json: bool) -> None:
    """Print the class numbers, as Leiden publishes them per programme."""
    usis = open_usis(settings)
    try:
        code = year or usis.catalogue.current_year()
        if class_number is not None:
            classes = [usis.catalogue.lookup(code, class_number)]
        else:
            classes = usis.catalogue.class_list(code, programme)
    finally:
        usis.close()
    if as_json:
        click.echo(json.dumps([_class_json(c) for c in classes], indent=2, ensure_ascii=False))
        return
    current = object()
    component_width = label_width(COMPONENT_LABELS, 9)
    status_width = label_width(STATUS_LABELS, 9)
    for c in classes:
        heading = c.programme or _("Faculty of Science minors")
        if heading != current:
            click.echo("\n" + _("{programme} — Studiejaar {year}").format(
                programme=heading, year=c.academic_year))
            current = heading
        click.echo(f"  {c.class_number}  {c.catalogue_number:<11} "
                   f"{component_label(c.component):<{component_width}} "
                   f"{status_label(c.status):<{status_width}} {c.seats:>7}  {c.title}")


def _class_json(c) -> dict[str, Any]:
    return {
        "class_number": c.class_number, "catalogue_number": c.catalogue_number,
        "title": c.title, "component": c.component, "section": c.section,
        "academic_year": c.academic_year, "programme": c.programme or "Minors",
        "status": c.status, "enrolled": c.enrolled, "capacity": c.capacity,
        "waitlisted": c.waitlisted, "waitlist_capacity": c.waitlist_capacity,
        "ec": c.ec, "level": c.level, "instructor": c.instructor,
        "days_times": c.days_times, "rooms": c.rooms,
        "enrolment_opens": c.enrol_opens_at.isoformat(),
        "enrolment_closes": c.enrol_closes_at.isoformat(),
        "minor_type": c.minor_type, "part_of": c.parent_class_number,
        "brightspace_url": c.brightspace_url,
    }


