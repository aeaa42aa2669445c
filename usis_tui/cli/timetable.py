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
from ..i18n import _, format_date, ngettext
from .catalogue import COMPONENT_LABELS, component_label
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
        raise click.BadParameter(_("unknown kind {kind}; use waitlisted or planned.")
                                 .format(kind=repr(unknown[0])),
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
            click.echo(ngettext("Wrote {n} event ({kinds}) to {file}.",
                                "Wrote {n} events ({kinds}) to {file}.", result.events)
                       .format(n=result.events, kinds=", ".join(result.kinds), file=target))
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
            raise UsisError(_("Cannot write {file}: the folder {folder} does not exist.")
                            .format(file=target, folder=target.parent)) from None
        return target
    except OSError as exc:
        raise UsisError(_("Cannot write {file}: {error}.").format(
            file=target, error=exc.strerror or exc)) from None
    if not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            message = _("{file} is a folder: give the name of a new file.")
        elif stat.S_ISLNK(info.st_mode):
            message = _("{file} is a symbolic link: give the name of a new file.")
        else:
            message = _("{file} is not a regular file: give the name of a new file.")
        raise UsisError(message.format(file=target))
    if not force:
        raise UsisError(_exists(target))
    return target


def _exists(target: Path) -> str:
    return _("{file} already exists: choose another name, or add --force to replace it.") \
        .format(file=target)


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
        raise UsisError(_exists(target)) from None
    except OSError as exc:
        raise UsisError(_("Cannot write {file}: {error}.").format(
            file=target, error=exc.strerror or exc)) from None
    return target


def _print_week(view) -> None:
    click.echo(f"{view.student_number} · {view.title()}")
    if not view.occurrences:
        previous = next_ = None
        if view.previous_class:
            previous = format_date(view.previous_class, weekday=True)
        if view.next_class:
            next_ = format_date(view.next_class, weekday=True)
            week = view.next_class.isocalendar().week
        if previous and next_:
            line = _("No classes this week; previous class {previous}, next class {next} "
                     "(week {week}).").format(previous=previous, next=next_, week=week)
        elif previous:
            line = _("No classes this week; previous class {previous}.").format(
                previous=previous)
        elif next_:
            line = _("No classes this week; next class {next} (week {week}).").format(
                next=next_, week=week)
        else:
            line = _("No classes this week.")
        click.echo("  " + line)
        return
    component_width = label_width(9)
    tba = _("TBA")  # a room not yet known
    for day in view.days:
        todays = view.on(day)
        if not todays:
            continue
        heading = format_date(day, weekday=True, year=False)
        if day == view.today:
            heading += "  " + _("(today)")
        click.echo("\n" + heading)
        for o in todays:
            tags = []
            if o.confirm_by is not None:  # a provisional exam enrolment, with its date
                tags.append(o.status_label)
            elif o.kind != "enrolled":
                tags.append(o.kind_label.lower())
            if o.conflicts:
                tags.append(_("CONFLICT with {classes}").format(classes=", ".join(o.conflicts)))
            tag = f"  [{'; '.join(tags)}]" if tags else ""
            click.echo(f"  {o.times}  {o.class_number}  {o.catalogue_number:<10} "
                       f"{component_label(o.component):<{component_width}} "
                       f"{o.room or tba:<24} {o.title}{tag}")


def label_width(least: int, components: tuple[str, ...] = tuple(COMPONENT_LABELS)) -> int:
    """The component column: wide enough for these components' names in the language."""
    return max(least, *(len(component_label(c)) for c in components))


def _print_exams(student: str, lines) -> None:
    click.echo(_("{student} · Exam schedule (enrol at the latest 10 days before each exam)")
               .format(student=student))
    if not lines:
        click.echo("  " + _("No exams."))
    component_width = label_width(5, ("Exam", "Resit"))
    tba = _("TBA")
    days = [format_date(e.day, weekday=True) for e in lines]
    day_width = max((len(d) for d in days), default=0)  # "ma 7 jun. 2027", "di 19 jan. 2027"
    for e, day in zip(lines, days, strict=True):
        click.echo(f"  {day:<{day_width}} {e.start:%H:%M}–{e.end:%H:%M}  "
                   f"{component_label(e.component):<{component_width}} "
                   f"{e.class_number}  {e.catalogue_number:<10} {e.room or tba:<24} "
                   f"{e.status_label:<12} "
                   + _("deadline {date}").format(date=e.deadline_label) + f"  {e.title}")
