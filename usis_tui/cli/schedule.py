"""`usis schedule`: the schedule assistant for scripts and support staff — the best conflict-free
timetables for a student's courses (or why there is none), as text or JSON."""

from __future__ import annotations

import json

import click

from ..i18n import _, ngettext, weekday_name
from .catalogue import component_label
from .options import Settings, common_options, open_usis, user_option
from .user import sign_in

EXIT_NONE = 1  # no schedule exists (the explanation says why)


@click.command("schedule")
@common_options
@click.option("--student", "student_number", required=True, metavar="SNUMBER",
              help="The student, e.g. s1234567.")
@click.option("--courses", required=True, metavar="CODE,CODE,...",
              help="Catalogue numbers, comma separated, e.g. 4031DATABY,4031CNETY.")
@click.option("--prefer", default="", metavar="PREFS",
              help="Preferences, comma separated: days-off=Fr (or Fr+Mo), no-before=11:00, "
                   "no-after=17:00, compact, fewest-days, open-only (only classes with a free "
                   "seat), any-seat (wait lists rank like open seats).")
@click.option("--lock", default="", metavar="CLASS,CLASS",
              help="Class numbers every result must keep (e.g. a tutorial you want).")
@click.option("--year", "academic_year", metavar="YEAR",
              help="Academic year, e.g. 2026-2027 (default: that of the coming semester).")
@click.option("--semester", type=click.IntRange(1, 2), metavar="1|2",
              help="Semester (default: the coming one).")
@click.option("--limit", type=click.IntRange(1, 100), default=5, show_default=True,
              help="How many results to print.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
@user_option
@click.pass_obj
def schedule_command(settings: Settings, student_number: str, courses: str, prefer: str,
                     lock: str, academic_year: str | None, semester: int | None, limit: int,
                     as_json: bool, user: str | None) -> None:
    """The best conflict-free timetables for a student's courses, or why there is none
    (exit 1)."""
    from ..services.schedule import parse_prefs

    prefs = parse_prefs(prefer)
    if (academic_year is None) != (semester is None):
        raise click.UsageError(_("Give --year and --semester together, or neither."))
    usis = open_usis(settings)
    try:
        usis = sign_in(usis, user, student=student_number)
        outcome = usis.schedule.solve(
            student_number.strip().lower(), courses.split(","), academic_year=academic_year,
            semester=semester, prefs=prefs, locked=[n for n in lock.split(",") if n.strip()],
            limit=limit)
    finally:
        usis.close()
    if as_json:
        data = outcome.model_dump(mode="json")
        for result in data["results"]:
            result.pop("preview", None)  # the week grid's data: the picks say it all
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        _print(outcome)
    if not outcome.results:
        raise SystemExit(EXIT_NONE)


def _print(outcome) -> None:
    numbers = ", ".join(c.catalogue_number for c in outcome.courses)
    click.echo(_("Schedule assistant for {student}: {courses}, semester {semester} of {year}.")
               .format(student=outcome.student_number, courses=numbers,
                       semester=outcome.semester, year=outcome.academic_year))
    click.echo(_("Preferences: {prefs}.").format(prefs=outcome.prefs.describe() or _("none")))
    if outcome.locked:
        click.echo(_("Locked: {classes}.").format(classes=", ".join(outcome.locked)))
    if not outcome.results:
        click.echo(_("No schedule: these courses cannot be combined."))
        for line in outcome.explanation:
            click.echo(f"  {line}")
        return
    click.echo(ngettext("{n} schedule:", "The best {n} schedules:",
                        len(outcome.results)).format(n=len(outcome.results)))
    for r in outcome.results:
        click.echo("")
        click.echo(f"{r.rank}. " + result_summary(r))
        for p in r.picks:
            c = p.cls
            state = (_("enrolled") if p.enrolled else _("wait list") if p.waitlist
                     else _("open"))
            mark = " " + _("(locked)") if p.locked else ""
            click.echo(f"   {c.catalogue_number:<11} {component_label(c.component):<10} "
                       f"{c.class_number}  {c.days_times:<32} {state}{mark}")


def result_summary(r) -> str:
    """"score 393 · 4 days on campus (Fri free) · gaps 3h15 a week · 1 wait list"."""
    days = ngettext("{n} day on campus", "{n} days on campus", len(r.days)).format(
        n=len(r.days))
    free = [weekday_name(d) for d in range(5) if d not in r.days]
    if free:
        days += " (" + _("{days} free").format(days=", ".join(free)) + ")"
    gaps = _("gaps {hours}h{minutes:02d} a week").format(hours=r.gaps_minutes // 60,
                                                           minutes=r.gaps_minutes % 60)
    parts = [_("score {score}").format(score=r.score), days, gaps]
    if r.waitlisted:
        parts.append(ngettext("{n} wait list", "{n} wait lists", r.waitlisted).format(
            n=r.waitlisted))
    if r.off_days_used:
        parts.append(_("classes on {days}").format(days=", ".join(
            weekday_name(d) for d in r.off_days_used)))
    return " · ".join(parts)
