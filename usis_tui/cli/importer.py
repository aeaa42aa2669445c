"""Staff commands for the catalogue and the schema.

    usis import catalogue.csv [--check]     classes from a CSV file: all rows or none
    usis db upgrade                          bring the schema to the newest revision
    usis db current                          print the schema revision

The import validates every row first and reports every bad row (line, column, problem) on
stderr, then exits 1 without writing anything. A progress bar shows on a terminal.
"""

from __future__ import annotations

import getpass
import sys
from typing import ClassVar

import click

from ..errors import UsisError
from ..i18n import _
from ..text import raw_stream
from .options import Settings, common_options, open_usis


def _usis(settings: Settings, *, need_schema: bool = True):
    if need_schema:
        return open_usis(settings)
    from ..services import Usis

    return Usis.open(settings.url, clock=lambda: settings.moment())


class ByteSize(click.ParamType):
    """A size such as 20M, 20MB, 500k or 1048576 (bytes); K/M/G are powers of 1024."""

    name = "size"
    UNITS: ClassVar[dict[str, int]] = {"": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3}

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            return value
        import re

        m = re.fullmatch(r"\s*([0-9]{1,12})\s*([kKmMgG]?)(?:i?[bB])?\s*", str(value))
        if not m or int(m.group(1)) < 1:
            self.fail(_("{value} is not a size such as 20M, 500k or 1048576.")
                      .format(value=repr(str(value)[:20])), param, ctx)
        return int(m.group(1)) * self.UNITS[m.group(2).upper()]


@click.command("import")
@common_options
@click.argument("csv_file", metavar="CATALOGUE.CSV", type=click.Path(dir_okay=False))
@click.option("--check", is_flag=True,
              help="Only validate the file and report problems; import nothing.")
@click.option("--max-size", "max_bytes", type=ByteSize(), default="20M", show_default=True,
              metavar="SIZE", help="Refuse a file bigger than this (e.g. 50M).")
@click.pass_obj
def import_command(settings: Settings, csv_file: str, check: bool, max_bytes: int) -> None:
    """Import classes from a CSV file (staff). Every bad row is reported; nothing is imported
    unless every row is good. The format is in README.md, an example in examples/catalogue.csv."""
    from ..services import ServiceError
    from ..services.base import shown
    from ..services.importer import ImportService

    usis = _usis(settings)
    try:
        service = ImportService(usis.ctx)
        bars: dict[str, object] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if total < 200:
                return
            bar = bars.get(stage)
            if bar is None:
                label = _("Checking rows ") if stage == "check" else _("Writing classes")
                # the bar's own cursor codes go to the terminal as they are (text is ours)
                bar = click.progressbar(length=total, label=label, file=raw_stream(sys.stderr),
                                        show_percent=True, show_pos=True)
                bar.__enter__()
                bar._done = 0  # type: ignore[attr-defined]
                bars[stage] = bar
            bar.update(done - bar._done)  # type: ignore[attr-defined]
            bar._done = done  # type: ignore[attr-defined]
            if done >= total:
                bar.__exit__(None, None, None)  # type: ignore[attr-defined]

        actor = f"admin:{_os_user()}"
        try:
            if check:
                result = service.check_file(csv_file, progress=progress, max_bytes=max_bytes)
            else:
                result = service.import_file(csv_file, actor=actor, progress=progress,
                                             max_bytes=max_bytes)
        except ServiceError as exc:
            listed = [p for p in exc.problems if p.code in ("bad_row", "bad_file")]
            if len(listed) == 1 and listed[0].code == "bad_file":
                # the file as a whole (empty, not text, not UTF-8): one line says it all
                whole = listed[0].message.removeprefix(_("File: {problem}").format(problem=""))
                raise UsisError(_("Nothing was imported: {file}: {problem}.").format(
                    file=shown(csv_file, 200), problem=whole)) from None
            for problem in listed:
                click.echo(problem.message, err=True)
            summary = exc.problems[-1]
            if summary.code == "import_refused":
                raise UsisError(f"{summary.message} {summary.hint}".strip()) from None
            raise UsisError(f"{summary.message} {summary.hint}".strip()) from None
    finally:
        usis.close()
    if check:
        click.echo(_("{file}: {rows} rows, all good ({classes} classes, {new} new courses). "
                     "Nothing was imported (--check).").format(
            file=csv_file, rows=result.rows, classes=result.classes,
            new=result.courses_created))
        return
    counts = {"classes": result.classes, "new": result.courses_created,
              "existing": result.courses_reused, "meetings": result.meetings, "file": csv_file}
    if result.years_created:
        click.echo(_("Imported {classes} classes ({new} new courses, {existing} existing, "
                     "{meetings} meeting patterns) from {file}; new academic year(s) {years}.")
                   .format(**counts, years=", ".join(result.years_created)))
    else:
        click.echo(_("Imported {classes} classes ({new} new courses, {existing} existing, "
                     "{meetings} meeting patterns) from {file}.").format(**counts))


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment
        return "unknown"
