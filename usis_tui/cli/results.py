"""`usis results`: the grades of exam classes (the Board of Examiners).

    usis results import results.csv [--check]    grades from a CSV file: all rows or none
    usis results list 2014 [--year 2026-2027]    a class's students and their results

The import checks every row first and reports every bad row (line, column, problem) on stderr,
then exits 1 without writing anything; a good file is written in one transaction and each
student gets a message "New study result". With ``--user NAME`` the command signs in as that
account (a Board of Examiners account: the guard refuses anyone else); without it, it runs as
the local administrator. The format is in README.md ("Registering results").
"""

from __future__ import annotations

import click

from ..errors import UsisError
from ..i18n import _, format_date, ngettext
from .importer import ByteSize, _os_user
from .options import Settings, common_options, open_usis, user_option
from .user import sign_in


@click.group("results")
@common_options
def results_group() -> None:
    """Study results of exam and resit classes (Board of Examiners)."""


@results_group.command("import")
@common_options
@click.argument("csv_file", metavar="RESULTS.CSV", type=click.Path(dir_okay=False))
@click.option("--check", is_flag=True,
              help="Only check the file and report problems; register nothing.")
@click.option("--max-size", "max_bytes", type=ByteSize(), default="20M", show_default=True,
              metavar="SIZE", help="Refuse a file bigger than this (e.g. 50M).")
@user_option
@click.pass_obj
def import_command(settings: Settings, csv_file: str, check: bool, max_bytes: int,
                   user: str | None) -> None:
    """Register grades from a CSV file (columns academic_year, class_number, student_number,
    grade and optionally exam_date). Every bad row is reported; nothing is registered unless
    every row is good. An example is examples/results.csv."""
    from ..services import ServiceError
    from ..services.base import shown

    usis = open_usis(settings)
    try:
        usis = sign_in(usis, user)
        actor = user if user is not None else f"admin:{_os_user()}"
        try:
            result = usis.results.import_file(csv_file, actor=actor, check=check,
                                              max_bytes=max_bytes)
        except ServiceError as exc:
            listed = [p for p in exc.problems if p.code in ("bad_row", "bad_file")]
            if len(listed) == 1 and listed[0].code == "bad_file":
                whole = listed[0].message.removeprefix(_("File: {problem}").format(problem=""))
                raise UsisError(_("Nothing was imported: {file}: {problem}.").format(
                    file=shown(csv_file, 200), problem=whole)) from None
            for problem in listed:
                click.echo(problem.message, err=True)
            summary = exc.problems[-1]
            raise UsisError(f"{summary.message} {summary.hint}".strip()) from None
    finally:
        usis.close()
    counts = {"file": csv_file, "rows": result.rows, "new": result.registered,
              "corrected": result.corrected}
    if check:
        click.echo(ngettext("{file}: {rows} row, all good ({new} new results, {corrected} "
                            "corrections). Nothing was registered (--check).",
                            "{file}: {rows} rows, all good ({new} new results, {corrected} "
                            "corrections). Nothing was registered (--check).",
                            result.rows).format(**counts))
        return
    click.echo(ngettext("Registered {rows} result from {file} ({new} new, {corrected} "
                        "corrected); each student got a message \"New study result\".",
                        "Registered {rows} results from {file} ({new} new, {corrected} "
                        "corrected); each student got a message \"New study result\".",
                        result.rows).format(**counts))
    for r in result.registrations:
        failed = sum(1 for line in r.results if not line.passed)
        click.echo("  " + _("Class {number} {course} {title}: {new} new, {corrected} corrected, "
                            "{failed} not passed.").format(
            number=r.class_number, course=r.catalogue_number, title=r.title, new=r.registered,
            corrected=r.corrected, failed=failed))


@results_group.command("list")
@common_options
@click.argument("class_number", metavar="CLASS")
@click.option("--year", metavar="YYYY-YYYY", help="Academic year (default: the current one).")
@user_option
@click.pass_obj
def list_command(settings: Settings, class_number: str, year: str | None,
                 user: str | None) -> None:
    """Print an exam or resit class's enrolled students with their results: the one
    registered for this class, and their earlier attempts at the course."""
    usis = open_usis(settings)
    try:
        usis = sign_in(usis, user)
        sheet = usis.results.sheet(year, class_number)
    finally:
        usis.close()
    from ..services.schemas import component_label

    c = sheet.exam_class
    day = format_date(c.exam_day) if c.exam_day else _("no exam day")
    kind = component_label(c.component)
    click.echo(f"{c.class_number} {c.catalogue_number} {c.title} · {kind} · {day} · "
               f"{c.academic_year}")
    click.echo(_("{enrolled} enrolled, {registered} with a result registered.").format(
        enrolled=c.enrolled, registered=c.registered))
    if not sheet.students:
        click.echo("  " + _("Nobody is enrolled in this class."))
        return
    number, name, result, earlier = (_("Student"), _("Name"), _("Result"),
                                     _("Earlier attempts"))
    width = max([len(name)] + [len(s.name) for s in sheet.students])
    click.echo(f"  {number:<9} {name:<{width}}  {result:<8} {earlier}")
    for s in sheet.students:
        mine = s.result.label() if s.result else "–"
        before = ", ".join(f"{r.label()} ({format_date(r.exam_date)})" for r in s.earlier)
        click.echo(f"  {s.student_number:<9} {s.name:<{width}}  {mine:<8} {before or '–'}")
