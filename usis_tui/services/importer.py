"""Catalogue import: classes from a CSV file (``usis import catalogue.csv``).

Every row is validated with pydantic and checked against the other rows and the database;
all problems come back at once (line number, column, what is wrong) as a ServiceError with one
Problem per problem, and nothing is written. A good file is written in one transaction: all
rows or none. The format is documented in README.md ("Catalogue import") and
examples/catalogue.csv.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails
from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.orm import Session

from ..clock import in_range, out_of_range, to_local
from ..errors import ConfigError
from ..i18n import _, format_number, ngettext
from ..models import COMPONENTS, WEEKDAYS, AcademicYear, ClassSection, Course, Meeting, Programme
from .audit import record
from .base import Context, ServiceError, bad_text, shown
from .schemas import Frozen, Problem

REQUIRED = ("academic_year", "catalogue_number", "title", "ec", "level", "class_number",
            "component", "capacity", "enrol_opens", "enrol_closes")
OPTIONAL = ("programme", "section", "waitlist_capacity", "instructor", "days_times", "room",
            "start_date", "end_date", "part_of")
COLUMNS = REQUIRED + OPTIONAL
LEVELS = (100, 200, 300, 400, 500, 600)
MAX_PROBLEMS = 1000  # a file with more bad rows than this is reported up to here
MAX_BYTES = 20 * 1024 * 1024  # read at most this much (50,000 classes are ~6 MB); --max-size
CHUNK = 500
Progress = Callable[[str, int, int], None]  # (stage, done, total)

_YEAR = re.compile(r"([0-9]{4})-([0-9]{4})")  # ASCII: \d would accept "２０２６"
_CATALOGUE = re.compile(r"[A-Z0-9]{2,12}")
_CLASS = re.compile(r"[0-9]{4}")  # ASCII digits only
_MEETING = re.compile(r"([A-Za-z]{2})\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})")


def _text(value: str, *, limit: int) -> str:
    """One line of at most ``limit`` characters without control or bidirectional characters."""
    if why := bad_text(value, limit):
        raise ValueError(why)
    return value


class CatalogueRow(BaseModel):
    """One CSV row: one class of a course in an academic year."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    academic_year: str
    catalogue_number: str
    title: str
    ec: float
    level: int
    class_number: str
    component: Literal["Lecture", "Tutorial", "Practical", "Exam", "Resit"]
    capacity: int
    enrol_opens: datetime
    enrol_closes: datetime
    programme: str | None = None
    section: str = "1"
    waitlist_capacity: int = 0
    instructor: str | None = None
    days_times: list[tuple[int, time, time]] = []
    room: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    part_of: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _empty_is_missing(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
        return data

    @field_validator("academic_year")
    @classmethod
    def _year(cls, v: str) -> str:
        m = _YEAR.fullmatch(v)
        if not m or int(m.group(2)) != int(m.group(1)) + 1:
            raise ValueError(_("{value} is not an academic year such as 2026-2027")
                             .format(value=repr(v[:20])))
        if not (in_range(date(int(m.group(1)), 9, 1)) and in_range(date(int(m.group(2)), 8, 31))):
            raise ValueError(out_of_range(v))
        return v

    @field_validator("catalogue_number")
    @classmethod
    def _catalogue(cls, v: str) -> str:
        v = v.upper()
        if not _CATALOGUE.fullmatch(v):
            raise ValueError(_("{value} is not a catalogue number (2-12 letters and digits, "
                               "e.g. 4032DSAI)").format(value=repr(v[:40])))
        return v

    @field_validator("enrol_opens", "enrol_closes")
    @classmethod
    def _moment(cls, v: datetime) -> datetime:
        """Amsterdam local time (an offset is converted, not dropped), within 1900-2200."""
        try:
            return to_local(v)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("start_date", "end_date")
    @classmethod
    def _day(cls, v: date | None) -> date | None:
        if v is not None and not in_range(v):
            raise ValueError(out_of_range(v.isoformat()))
        return v

    @field_validator("title")
    @classmethod
    def _title(cls, v: str) -> str:
        return _text(v, limit=200)

    @field_validator("instructor")
    @classmethod
    def _instructor(cls, v: str | None) -> str | None:
        return None if v is None else _text(v, limit=120)

    @field_validator("room")
    @classmethod
    def _room(cls, v: str | None) -> str | None:
        return None if v is None else _text(v, limit=80)

    @field_validator("programme")
    @classmethod
    def _programme(cls, v: str | None) -> str | None:
        return None if v is None else _text(v, limit=120)

    @field_validator("section")
    @classmethod
    def _section(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9]{1,4}", v):
            raise ValueError(_("{value} is not a section (1-4 letters or digits)")
                             .format(value=repr(v[:20])))
        return v

    @field_validator("ec", mode="before")
    @classmethod
    def _ec(cls, v: Any) -> Any:
        if isinstance(v, str) and re.fullmatch(r"\d+,\d+", v.strip()):
            raise ValueError(_("{value}: write EC with a decimal point, e.g. {example}")
                             .format(value=repr(v), example=v.replace(",", ".")))
        return v

    @field_validator("ec")
    @classmethod
    def _ec_range(cls, v: float) -> float:
        if not 0 <= v <= 60:
            raise ValueError(_("{value} EC is not between 0 and 60").format(value=f"{v:g}"))
        return v

    @field_validator("level")
    @classmethod
    def _level(cls, v: int) -> int:
        if v not in LEVELS:
            raise ValueError(_("{value} is not a level; use one of {levels}")
                             .format(value=v, levels=", ".join(map(str, LEVELS))))
        return v

    @field_validator("class_number", "part_of")
    @classmethod
    def _class_number(cls, v: str | None) -> str | None:
        if v is not None and not _CLASS.fullmatch(v):
            raise ValueError(_("{value} is not a class number (exactly 4 digits, e.g. 1052)")
                             .format(value=repr(v[:20])))
        return v

    @field_validator("capacity", "waitlist_capacity")
    @classmethod
    def _seats(cls, v: int) -> int:
        if not 0 <= v <= 100_000:
            raise ValueError(_("{value} is not between 0 and 100000").format(value=v))
        return v

    @field_validator("days_times", mode="before")
    @classmethod
    def _meetings(cls, v: Any) -> Any:
        if not isinstance(v, str):
            return v
        out = []
        for part in (p.strip() for p in v.split(";")):
            if not part:
                continue
            m = _MEETING.fullmatch(part)
            day = m.group(1).capitalize() if m else ""
            if not m or day not in WEEKDAYS:
                raise ValueError(_("{value} is not a day and times such as 'Mo 09:00-10:45' "
                                   "(days Mo Tu We Th Fr Sa Su; several separated by ';')")
                                 .format(value=repr(part[:40])))
            try:
                start, end = time.fromisoformat(m.group(2).zfill(5)), \
                    time.fromisoformat(m.group(3).zfill(5))
            except ValueError:
                raise ValueError(_("{value} has an impossible time")
                                 .format(value=repr(part[:40]))) from None
            if start >= end:
                raise ValueError(_("{value}: the class ends before it starts")
                                 .format(value=repr(part)))
            out.append((WEEKDAYS.index(day), start, end))
        return out

    @model_validator(mode="after")
    def _consistent(self) -> CatalogueRow:
        if self.enrol_opens >= self.enrol_closes:
            raise ValueError(_("enrol_closes must be after enrol_opens"))
        if self.days_times and (self.start_date is None or self.end_date is None):
            raise ValueError(_("a class with days_times needs start_date and end_date"))
        if self.start_date and self.end_date and self.start_date > self.end_date:
            raise ValueError(_("end_date is before start_date"))
        if self.part_of == self.class_number:
            raise ValueError(_("a class cannot be part of itself"))
        return self


class ImportResult(Frozen):
    path: str
    rows: int
    classes: int
    courses_created: int
    courses_reused: int
    meetings: int
    years_created: list[str]


@dataclass
class _Problems:
    items: list[Problem] = field(default_factory=list)
    order: list[int] = field(default_factory=list)  # each item's line (0: the file)
    lines: set[int] = field(default_factory=set)
    bad_classes: dict[tuple[str, str], int] = field(default_factory=dict)  # rows that failed

    def add(self, line: int | None, column: str | None, message: str) -> None:
        if line is not None:
            self.lines.add(line)
        if line is not None and column:
            text = _("Line {line}, {column}: {problem}")
        elif line is not None:
            text = _("Line {line}: {problem}")
        elif column:
            text = _("File, {column}: {problem}")
        else:
            text = _("File: {problem}")
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(code="bad_row" if line else "bad_file",
                                      message=text.format(line=line, column=column,
                                                          problem=message)))
            self.order.append(line or 0)

    def raise_if_any(self, rows: int, *, unreadable: str | None = None) -> None:
        """Raise every problem at once, with a summary; ``unreadable``: the summary when no
        row could be read (default: the catalogue's)."""
        if self.items:
            ordered = sorted(zip(self.order, self.items, strict=True), key=lambda p: p[0])
            self.order = [line for line, _p in ordered]
            self.items = [problem for _l, problem in ordered]
            bad = len(self.lines)
            if not self.lines or not rows:  # (a bad header: no row was read)
                message = unreadable or _("Nothing was imported: the file cannot be read as a "
                                          "catalogue.")
            elif rows == 1:
                message = _("Nothing was imported: {n} of {rows} row has problems.")
            else:
                message = ngettext("Nothing was imported: {n} of {rows} rows has problems.",
                                   "Nothing was imported: {n} of {rows} rows have problems.",
                                   bad)
            extra = [] if len(self.items) < MAX_PROBLEMS else [
                Problem(code="bad_file",
                        message=_("… more than {n} problems; only the first {n} are listed.")
                        .format(n=MAX_PROBLEMS))]
            raise ServiceError([*self.items, *extra,
                                Problem(code="import_refused",
                                        message=message.format(n=bad, rows=rows),
                                        hint=_("Fix the file and import it again."))])


def _pydantic_message(err: ErrorDetails) -> tuple[str | None, str]:
    loc = err.get("loc") or ()
    column = str(loc[0]) if loc else None
    kind = err.get("type", "")
    given = err.get("input")
    shown = repr(given[:40] + ("…" if len(given) > 40 else "")) if isinstance(given, str) else ""
    if kind == "missing":
        return column, _("is empty; this column is required")
    if kind == "int_parsing" or kind == "int_from_float":
        return column, _("{value} is not a whole number").format(value=shown)
    if kind == "float_parsing":
        return column, _("{value} is not a number (e.g. 5 or 7.5)").format(value=shown)
    if kind.startswith("datetime") or kind.startswith("date"):
        if column and column.startswith("enrol"):
            return column, _("{value} is not a date and time such as {example}").format(
                value=shown, example="2026-08-20T09:00")
        return column, _("{value} is not a date such as {example}").format(
            value=shown, example="2026-09-07")
    if kind == "literal_error":
        return column, _("{value} is not one of {choices}").format(
            value=shown, choices=", ".join(COMPONENTS))
    if kind == "extra_forbidden":
        return column, _("is not a column of the catalogue format")
    return column, str(err.get("msg", "is not valid")).removeprefix("Value error, ")


def read_rows(data: bytes, problems: _Problems, *, required: tuple[str, ...] = REQUIRED,
              optional: tuple[str, ...] = OPTIONAL
              ) -> tuple[list[tuple[int, dict[str, str]]], int]:
    """(line number, raw row) for every data row; file-level problems go to ``problems``.
    ``required``/``optional``: the columns of the format (default: the catalogue's)."""
    columns = required + optional
    if b"\x00" in data:  # binary, or UTF-16 ("Unicode text"): first, before the decoding
        problems.add(None, None, _("this is not a CSV text file (it contains NUL bytes); save "
                                   "it as \"CSV UTF-8\""))
        return [], 0
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        problems.add(None, None, _("the file is not UTF-8 text (byte {byte} on line {line}); "
                                   "save it as \"CSV UTF-8\"").format(
                                       byte=f"0x{data[exc.start]:02x}", line=line))
        return [], 0
    if not text.strip():
        problems.add(None, None, _("the file is empty; the first line must name the columns: "
                                   "{columns}").format(columns=",".join(columns)))
        return [], 0
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [h.strip().lower().lstrip("\ufeff") for h in next(reader)]
    except csv.Error as exc:
        problems.add(1, None, _("the header line cannot be read as CSV ({error})")
                     .format(error=exc))
        return [], 0
    missing = [c for c in required if c not in header]
    unknown = [h for h in header if h not in columns]
    doubled = sorted({h for h in header if header.count(h) > 1})
    if missing:
        problems.add(1, None, _("missing column(s) {columns}")
                     .format(columns=", ".join(missing)))
    if unknown:
        problems.add(1, None, _("unknown column(s) {unknown}; the columns are {columns}").format(
            unknown=", ".join(repr(u[:30]) for u in unknown), columns=",".join(columns)))
    if doubled:
        problems.add(1, None, _("column(s) named twice: {columns}")
                     .format(columns=", ".join(doubled)))
    if missing or unknown or doubled:
        return [], 0
    rows: list[tuple[int, dict[str, str]]] = []
    count = 0
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.add(line, None, _("not valid CSV ({error})").format(error=exc))
            break
        if not values or all(not v.strip() for v in values):
            continue  # blank line
        count += 1
        if len(values) != len(header):
            problems.add(line, None, _("{fields} fields where the header has {columns}")
                         .format(fields=len(values), columns=len(header)))
            continue
        rows.append((line, dict(zip(header, values, strict=True))))
    if count == 0:
        problems.add(None, None, _("the file has a header but no rows"))
    return rows, count


def read_file(path: str | Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``. Anything else (no such file, a
    folder, a device such as /dev/zero, a named pipe, a socket, a bigger file, also one that
    grows while it is read) is a ServiceError "file_refused" with one message, before more than
    ``max_bytes`` + 1 bytes are read. Opened without blocking (a pipe without a writer would
    wait forever) and checked on the open file (no race with a rename)."""
    file = shown(path, 200)

    def refuse(message: str, hint: str = "") -> ServiceError:
        return ServiceError(Problem(code="file_refused", message=message, hint=hint))

    def check_kind(mode: int) -> None:
        if stat.S_ISDIR(mode):
            raise refuse(_("{file} is a folder, not a CSV file.").format(file=file))
        if not stat.S_ISREG(mode):
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
                message = _("{file} is not a regular file (a device); give a CSV file.")
            elif stat.S_ISFIFO(mode):
                message = _("{file} is not a regular file (a named pipe); give a CSV file.")
            elif stat.S_ISSOCK(mode):
                message = _("{file} is not a regular file (a socket); give a CSV file.")
            else:
                message = _("{file} is not a regular file (not a file); give a CSV file.")
            raise refuse(message.format(file=file))

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        check_kind(os.stat(path).st_mode)  # before opening: opening a device can do things
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise refuse(_("No such file: {file}.").format(file=file)) from None
    except IsADirectoryError:
        raise refuse(_("{file} is a folder, not a CSV file.").format(file=file)) from None
    except OSError as exc:
        raise refuse(_("Cannot read {file}: {error}.").format(
            file=file, error=exc.strerror or exc)) from None
    try:
        check_kind(os.fstat(fd).st_mode)  # the file that was opened (it may have been swapped)

        def too_big(message: str, size: int) -> ServiceError:
            return refuse(message.format(file=file, size=format_number(size),
                                         limit=format_number(max_bytes)),
                          _("Split the file, or raise the limit (usis import --max-size)."))

        size = os.fstat(fd).st_size
        if size > max_bytes:
            raise too_big(_("{file} is {size} bytes; at most {limit} bytes are read."), size)
        chunks, total = [], 0
        try:
            while total <= max_bytes:
                chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
        except OSError as exc:
            raise refuse(_("Cannot read {file}: {error}.").format(
                file=file, error=exc.strerror or exc)) from None
        if total > max_bytes:  # it grew while being read
            raise too_big(_("{file} is more than {limit} bytes; at most {limit} bytes are "
                            "read."), max_bytes)
        return b"".join(chunks)
    finally:
        os.close(fd)


class ImportService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def check_file(self, path: str | Path, *, progress: Progress | None = None,
                   max_bytes: int = MAX_BYTES) -> ImportResult:
        """Everything import_file does, rolled back at the end: what it would import."""
        return self.import_file(path, progress=progress, dry_run=True, max_bytes=max_bytes)

    def import_file(self, path: str | Path, *, actor: str = "admin",
                    progress: Progress | None = None, dry_run: bool = False,
                    max_bytes: int = MAX_BYTES) -> ImportResult:
        """Validate every row, then import all of them in one transaction (or none). Only a
        regular file of at most ``max_bytes`` is read (ServiceError "file_refused")."""
        file = Path(path)
        data = read_file(file, max_bytes)
        return self.import_bytes(data, name=shown(file, 200), actor=actor, progress=progress,
                                 dry_run=dry_run)

    def import_bytes(self, data: bytes, *, name: str = "catalogue.csv", actor: str = "admin",
                     progress: Progress | None = None, dry_run: bool = False) -> ImportResult:
        problems = _Problems()
        raw, count = read_rows(data, problems)
        rows: list[tuple[int, CatalogueRow]] = []
        total = len(raw)
        for i, (line, values) in enumerate(raw, 1):
            try:
                rows.append((line, CatalogueRow.model_validate(values)))
            except ValidationError as exc:
                key = (values.get("academic_year", "").strip(),
                       values.get("class_number", "").strip())
                problems.bad_classes.setdefault(key, line)
                for err in exc.errors():
                    column, message = _pydantic_message(err)
                    problems.add(line, column, message)
            if progress and (i % 500 == 0 or i == total):
                progress("check", i, total)
        self._check_rows(rows, problems)
        problems.raise_if_any(count)
        now = self.ctx.now()
        try:
            with self.ctx.db.write() as session:
                # The database may have changed since the checks above: check again, under
                # the write lock, so that "no class number twice in a year" always holds.
                self._check_database(session, rows, problems)
                problems.raise_if_any(count)
                result = self._write(session, rows, name, progress)
                if dry_run:
                    raise _DryRun(result)
                record(session, now, actor=actor, acting_for=None, action="catalogue_import",
                       detail=f"Imported {result.classes} classes ({result.courses_created} "
                              f"new courses) from {Path(name).name}")
        except _DryRun as done:
            return done.result
        return result

    # ------------------------------------------------------------------ checks
    def _check_rows(self, rows: list[tuple[int, CatalogueRow]], problems: _Problems) -> None:
        seen: dict[tuple[str, str], int] = {}
        courses: dict[str, tuple[int, CatalogueRow]] = {}
        for line, row in rows:
            key = (row.academic_year, row.class_number)
            if key in seen:
                problems.add(line, "class_number", _(
                    "class {number} is already on line {line} for {year}; a class number is "
                    "unique within a year").format(number=row.class_number, line=seen[key],
                                                    year=row.academic_year))
            else:
                seen[key] = line
            first = courses.setdefault(row.catalogue_number, (line, row))
            if first[1] is not row:
                for attr in ("title", "ec", "level", "programme"):
                    if getattr(first[1], attr) != getattr(row, attr):
                        problems.add(line, attr, _(
                            "{course} has {column} {value} on line {line}; every class of a "
                            "course must agree").format(
                                course=row.catalogue_number, column=attr,
                                value=repr(getattr(first[1], attr)), line=first[0]))
        with self.ctx.db.read() as session:
            self._check_database(session, rows, problems)

    def _check_database(self, session: Session, rows: list[tuple[int, CatalogueRow]],
                        problems: _Problems) -> None:
        if not rows:
            return
        years = {y.code: y.id for y in session.scalars(select(AcademicYear))}
        programmes: dict[str, int] = {}
        for p in session.scalars(select(Programme)):
            programmes[p.code.lower()] = p.id
            programmes[p.name.lower()] = p.id
        in_file = {(r.academic_year, r.class_number) for _line, r in rows}
        existing: set[tuple[str, str]] = set()
        wanted = [(years[y], n) for y, n in in_file if y in years]
        codes = {v: k for k, v in years.items()}
        for chunk in _chunks(wanted, CHUNK):
            for year_id, number in session.execute(
                    select(ClassSection.academic_year_id, ClassSection.class_number).where(
                        tuple_(ClassSection.academic_year_id, ClassSection.class_number)
                        .in_(chunk))):
                existing.add((codes[year_id], number))
        known_courses: dict[str, Course] = {}
        for chunk in _chunks(sorted({r.catalogue_number for _line, r in rows}), CHUNK):
            for course in session.scalars(select(Course).where(
                    Course.catalogue_number.in_(chunk))):
                known_courses[course.catalogue_number] = course
        for line, row in rows:
            if (row.academic_year, row.class_number) in existing:
                problems.add(line, "class_number", _(
                    "class {number} already exists in Studiejaar {year}").format(
                        number=row.class_number, year=row.academic_year))
            if row.programme and row.programme.lower() not in programmes:
                problems.add(line, "programme", _(
                    "{programme} is not a programme (use its code or name, or leave it empty "
                    "for a minor)").format(programme=repr(row.programme)))
            known = known_courses.get(row.catalogue_number)
            if known is not None:
                for attr, mine in (("title", row.title), ("ec", row.ec), ("level", row.level)):
                    theirs = getattr(known, attr)
                    if theirs != mine:
                        problems.add(line, attr, _(
                            "{course} already exists with {column} {value}; a course keeps its "
                            "{column} (use another catalogue number)").format(
                                course=row.catalogue_number, column=attr, value=repr(theirs)))
            if row.part_of and (row.academic_year, row.part_of) not in in_file \
                    and (row.academic_year, row.part_of) not in existing:
                parent_exists = row.academic_year in years and session.scalar(
                    select(ClassSection.id).where(
                        ClassSection.academic_year_id == years[row.academic_year],
                        ClassSection.class_number == row.part_of)) is not None
                bad_parent = problems.bad_classes.get((row.academic_year, row.part_of))
                if bad_parent is not None:
                    problems.add(line, "part_of", _(
                        "class {number} is on line {line}, which has problems itself").format(
                            number=row.part_of, line=bad_parent))
                elif not parent_exists:
                    problems.add(line, "part_of", _(
                        "class {number} is neither in the file nor in Studiejaar {year}").format(
                            number=row.part_of, year=row.academic_year))

    # ------------------------------------------------------------------ writing
    def _write(self, session: Session, rows: list[tuple[int, CatalogueRow]], name: str,
               progress: Progress | None) -> ImportResult:
        years = {y.code: y.id for y in session.scalars(select(AcademicYear))}
        created_years = []
        for code in sorted({r.academic_year for _line, r in rows} - set(years)):
            start = int(code[:4])
            year = AcademicYear(code=code, starts_on=date(start, 9, 1),
                                ends_on=date(start + 1, 8, 31))
            session.add(year)
            session.flush()
            years[code] = year.id
            created_years.append(code)
        programmes: dict[str, int] = {}
        for p in session.scalars(select(Programme)):
            programmes[p.code.lower()] = p.id
            programmes[p.name.lower()] = p.id
        numbers = sorted({r.catalogue_number for _line, r in rows})
        course_ids: dict[str, int] = {}
        for chunk in _chunks(numbers, CHUNK):
            course_ids.update(session.execute(select(Course.catalogue_number, Course.id)
                                              .where(Course.catalogue_number.in_(chunk)))
                              .tuples().all())
        reused = len(course_ids)
        new_courses: dict[str, dict[str, Any]] = {}
        for _line, r in rows:
            if r.catalogue_number not in course_ids and r.catalogue_number not in new_courses:
                new_courses[r.catalogue_number] = dict(
                    catalogue_number=r.catalogue_number, title=r.title, ec=r.ec, level=r.level,
                    honours=False,
                    programme_id=programmes[r.programme.lower()] if r.programme else None)
        if new_courses:
            session.execute(insert(Course), list(new_courses.values()))
            for chunk in _chunks(sorted(new_courses), CHUNK):
                course_ids.update(session.execute(select(Course.catalogue_number, Course.id)
                                                  .where(Course.catalogue_number.in_(chunk)))
                                  .tuples().all())
        total = len(rows)
        section_rows = [dict(
            academic_year_id=years[r.academic_year], class_number=r.class_number,
            course_id=course_ids[r.catalogue_number], component=r.component, section=r.section,
            capacity=r.capacity, waitlist_capacity=r.waitlist_capacity, enrolled_count=0,
            waitlist_count=0, instructor=r.instructor, enrol_opens_at=r.enrol_opens,
            enrol_closes_at=r.enrol_closes) for _line, r in rows]
        for i, chunk in enumerate(_chunks(section_rows, CHUNK)):
            session.execute(insert(ClassSection), chunk)
            if progress:
                progress("import", min((i + 1) * CHUNK, total), total)
        section_ids: dict[tuple[int, str], int] = {}
        for year_id in {years[r.academic_year] for _line, r in rows}:
            section_ids.update(((year_id, n), sid) for n, sid in session.execute(
                select(ClassSection.class_number, ClassSection.id)
                .where(ClassSection.academic_year_id == year_id)))
        meetings = [dict(section_id=section_ids[(years[r.academic_year], r.class_number)],
                         weekday=day, start_time=start, end_time=end, room=r.room,
                         start_date=r.start_date, end_date=r.end_date, weeks=None)
                    for _line, r in rows for day, start, end in r.days_times]
        for chunk in _chunks(meetings, CHUNK):
            session.execute(insert(Meeting), chunk)
        parents = [dict(sid=section_ids[(years[r.academic_year], r.class_number)],
                        parent=section_ids[(years[r.academic_year], r.part_of)])
                   for _line, r in rows if r.part_of]
        for link in parents:
            session.execute(update(ClassSection).where(ClassSection.id == link["sid"])
                            .values(parent_id=link["parent"]))
        return ImportResult(path=name, rows=total, classes=len(section_rows),
                            courses_created=len(new_courses), courses_reused=reused,
                            meetings=len(meetings), years_created=created_years)


class _DryRun(Exception):
    """Rolls the import transaction back after a complete trial run."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__("dry run")
        self.result = result


def _chunks(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


__all__ = ["COLUMNS", "OPTIONAL", "REQUIRED", "CatalogueRow", "ImportResult", "ImportService",
           "read_rows"]
