"""`usis timetable`: MyTimetable on the command line (a week, the exams, an .ics file), and the
rules for the files a command writes (``check_new_file``, ``write_new_file``)."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

import click

from ..errors import UsisError
from .options import Settings, common_options, open_usis, user_option
from .user import sign_in


@click.command("timetable")
@common_options
@click.option("--student", "student_number", required=True, metavar="SNUMBER",
              help="The student, e.g. s1234567.")
@click.option("--week", metavar="WEEK",
              help="Week to print: 48, 2026-W48 or a date (default: this week).")
@click.option("--ics", "ics_path", metavar="FILE",
              help="Write the timetable as an iCalendar (.ics) file instead of printing a week "
                   "('-' for standard output). An existing file is not replaced without "
                   "--force, and only a regular file ever is.")
@click.option("--force", is_flag=True, help="With --ics: replace FILE if it is a regular file.")
@click.option("--include", "include", metavar="KINDS", default="",
              help="Also show/export these kinds, comma separated: waitlisted, planned "
                   "(enrolled classes are always included).")
@click.option("--exams", "exams", is_flag=True, help="Print the exam schedule.")
@user_option
@click.pass_obj
def timetable(settings: Settings, student_number: str, week: str | None, ics_path: str | None,
              force: bool, include: str, exams: bool, user: str | None) -> None:
    """MyTimetable: print a student's week, the exam schedule, or export an .ics file."""
    from ..services.timetable import KINDS, parse_week

    extra = [k.strip().lower() for k in include.split(",") if k.strip()]
    unknown = [k for k in extra if k not in KINDS]
    if unknown:
        raise click.BadParameter(f"unknown kind {unknown[0]!r}; use waitlisted or planned.",
                                 param_hint="--include")
    kinds = tuple(k for k in KINDS if k == "enrolled" or k in extra)
    usis = open_usis(settings)
    try:
        usis = sign_in(usis, user, student=student_number)
        student = student_number.strip().lower()
        if ics_path is not None:
            if ics_path != "-":
                check_new_file(ics_path, force=force)  # before any work, and again at write
            result = usis.timetable.export(student, kinds=kinds)
            if ics_path == "-":
                sys.stdout.buffer.write(result.data)
                sys.stdout.flush()
                return
            target = write_new_file(ics_path, result.data, force=force)
            click.echo(f"Wrote {result.events} events ({', '.join(result.kinds)}) to "
                       f"{target}.")
            return
        if exams:
            lines = usis.timetable.exams(student)
        else:
            today = usis.now().date()
            view = usis.timetable.week(student, parse_week(week, today), kinds=kinds)
    finally:
        usis.close()
    if exams:
        _print_exams(student, lines)
    else:
        _print_week(view)


def check_new_file(path: str, *, force: bool) -> Path:
    """Where a command may write ``path``: a new file, or (with ``force``) an existing regular
    file — never a device, a FIFO, a folder or a symbolic link (``/dev/full``, the database).
    Raises UsisError (one line) otherwise."""
    target = Path(os.path.expanduser(path))
    try:
        info = target.lstat()
    except FileNotFoundError:
        if not target.parent.is_dir():
            raise UsisError(f"Cannot write {target}: the folder {target.parent} does not "
                            "exist.") from None
        return target
    except OSError as exc:
        raise UsisError(f"Cannot write {target}: {exc.strerror or exc}.") from None
    if not stat.S_ISREG(info.st_mode):
        kind = ("a folder" if stat.S_ISDIR(info.st_mode) else
                "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a regular file")
        raise UsisError(f"{target} is {kind}: give the name of a new file.")
    if not force:
        raise UsisError(f"{target} already exists: choose another name, or add --force to "
                        "replace it.")
    return target


def write_new_file(path: str, data: bytes, *, force: bool) -> Path:
    """Write ``data`` to ``path`` under the rules of :func:`check_new_file`: a new file is
    created exclusively (O_EXCL, so nothing that appeared meanwhile is overwritten); a replaced
    regular file is swapped in whole (a temporary file, then rename)."""
    target = check_new_file(path, force=force)
    try:
        if not target.exists():
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            return target
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
    except FileExistsError:
        raise UsisError(f"{target} already exists: choose another name, or add --force to "
                        "replace it.") from None
    except OSError as exc:
        raise UsisError(f"Cannot write {target}: {exc.strerror or exc}.") from None
    return target


def _print_week(view) -> None:
    click.echo(f"{view.student_number} · {view.title()}")
    if not view.occurrences:
        hints = []
        if view.previous_class:
            hints.append(f"previous class {view.previous_class:%a %d %b %Y}")
        if view.next_class:
            hints.append(f"next class {view.next_class:%a %d %b %Y} "
                         f"(week {view.next_class.isocalendar().week})")
        click.echo("  No classes this week" + (f"; {', '.join(hints)}." if hints else "."))
        return
    for day in view.days:
        todays = view.on(day)
        if not todays:
            continue
        click.echo(f"\n{day:%a %d %b}" + ("  (today)" if day == view.today else ""))
        for o in todays:
            tags = []
            if o.kind != "enrolled":
                tags.append(o.kind_label.lower())
            if o.conflicts:
                tags.append("CONFLICT with " + ", ".join(o.conflicts))
            tag = f"  [{'; '.join(tags)}]" if tags else ""
            click.echo(f"  {o.times}  {o.class_number}  {o.catalogue_number:<10} "
                       f"{o.component:<9} {o.room or 'TBA':<24} {o.title}{tag}")


def _print_exams(student: str, lines) -> None:
    click.echo(f"{student} · Exam schedule (enrol at the latest 10 days before each exam)")
    if not lines:
        click.echo("  No exams.")
    for e in lines:
        click.echo(f"  {e.day:%a %d %b %Y} {e.start:%H:%M}–{e.end:%H:%M}  {e.component:<5} "
                   f"{e.class_number}  {e.catalogue_number:<10} {e.room or 'TBA':<24} "
                   f"{e.status_label:<12} deadline {e.deadline_label}  {e.title}")


