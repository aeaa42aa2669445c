"""Catalogue import (services/importer.py): a good file lands completely and is searchable; a
bad one is reported line by line and changes nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from factories import dump

from usis_tui.services import ServiceError
from usis_tui.services.importer import COLUMNS, ImportService
from usis_tui.services.schemas import SearchCriteria

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "catalogue.csv"
HEADER = ("academic_year,catalogue_number,title,ec,level,programme,class_number,component,"
          "capacity,enrol_opens,enrol_closes,days_times,start_date,end_date,part_of")


def row(class_number: str = "5101", *, year: str = "2026-2027", cat: str = "4500TEST",
        title: str = "Testing", ec: str = "5", level: str = "300",
        programme: str = "Computer Science", component: str = "Lecture", capacity: str = "40",
        opens: str = "2026-12-01T09:00", closes: str = "2027-02-15T23:59",
        days: str = "Mo 09:00-10:45", start: str = "2027-02-01", end: str = "2027-05-17",
        part_of: str = "") -> str:
    fields = [year, cat, title, ec, level, programme, class_number, component, capacity, opens,
              closes, days, start, end, part_of]
    return ",".join(f'"{f}"' if "," in f else f for f in fields)


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def importer(usis) -> ImportService:
    return ImportService(usis.ctx)


def problems_of(usis, data: bytes) -> list[str]:
    with pytest.raises(ServiceError) as err:
        importer(usis).import_bytes(data)
    messages = [p.message for p in err.value.problems]
    assert messages[-1].startswith("Nothing was imported")
    return messages[:-1]


def test_example_file_imports_and_is_searchable(demo_usis):
    result = importer(demo_usis).import_file(EXAMPLE, actor="admin:test")
    assert (result.classes, result.courses_created, result.meetings) == (8, 3, 9)
    page = demo_usis.catalogue.search(SearchCriteria(academic_year="2026-2027",
                                                     catalogue_number="4400QCOMP",
                                                     open_only=False))
    assert [c.class_number for c in page.results] == ["5001", "5002", "5003", "5004", "5005"]
    tutorial = demo_usis.catalogue.lookup("2026-2027", "5002")
    assert tutorial.title == "Quantum Computing" and tutorial.programme == "Computer Science"
    assert tutorial.parent_class_number == "5001" and tutorial.capacity == 30
    assert tutorial.meetings[0].room == "Snellius, room 174"
    assert tutorial.days_times.startswith("Th 13:30")
    vis = demo_usis.catalogue.lookup("2026-2027", "5010")
    assert [m.weekday for m in vis.meetings] == [0, 2]
    ethics = demo_usis.catalogue.lookup("2026-2027", "5020")
    assert ethics.ec == 7.5 and ethics.programme is None
    titles = demo_usis.catalogue.search(SearchCriteria(academic_year="2026-2027",
                                                       title="ethics artificial",
                                                       open_only=False))
    assert [c.class_number for c in titles.results] == ["5020"]


def test_several_bad_rows_all_reported_nothing_changed(demo_usis, backend):
    data = csv_bytes(
        row("5101"),
        row("51x2"),                                   # line 3: class number
        row("5103", ec="7,5", capacity="-1"),          # line 4: two problems
        row("5104", component="Seminar"),              # line 5
        row("5105", opens="2027-03-01T09:00"),         # line 6: closes before opens
        row("5101"),                                   # line 7: duplicate of line 2
        row("1052", cat="4500OTHER"),                  # line 8: exists in the demo year
        row("5108", programme="Alchemy", cat="4500ALCH"),  # line 9: unknown programme
        row("5109", part_of="9999"),                   # line 10: unknown parent
        row("5110", days="Xx 09:00-10:00"),            # line 11
        row("5111", title="x" * 10_000),               # line 12: 10 kB title
        row("5112"),
    )
    before = dump(demo_usis.db, audit=True)
    digest = _file_hash(demo_usis) if backend == "sqlite" else None
    messages = problems_of(demo_usis, data)
    expected = {
        3: "class_number", 4: "ec", 5: "component", 6: "enrol_opens", 7: "class_number",
        8: "class_number", 9: "programme", 10: "part_of", 11: "days_times", 12: "title",
    }
    for line, column in expected.items():
        assert any(m.startswith(f"Line {line}") and column in m for m in messages), (line, messages)
    assert any(m.startswith("Line 4, capacity") for m in messages)
    assert any("write EC with a decimal point, e.g. 7.5" in m for m in messages)
    assert any("already on line 2" in m for m in messages)
    assert any("class 1052 already exists in Studiejaar 2026-2027" in m for m in messages)
    assert not any(m.startswith(("Line 2,", "Line 2:", "Line 13")) for m in messages)
    assert dump(demo_usis.db, audit=True) == before
    if digest is not None:
        assert _file_hash(demo_usis) == digest


def _file_hash(usis) -> str:
    usis.db.dispose()  # fold the WAL into the file
    path = Path(usis.db.engine.url.database)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_course_rows_must_agree(demo_usis):
    messages = problems_of(demo_usis, csv_bytes(row("5101"), row("5102", title="Other")))
    assert messages == ["Line 3, title: 4500TEST has title 'Testing' on line 2; every class of "
                        "a course must agree"]
    messages = problems_of(demo_usis, csv_bytes(row("5101", cat="4000MDSAIN")))
    assert any("4000MDSAIN already exists with title" in m for m in messages)


@pytest.mark.parametrize(("data", "needle"), [
    (b"", "File: the file is empty"),
    (b"\n\n", "File: the file is empty"),
    (HEADER.encode() + b"\n", "File: the file has a header but no rows"),
    (b"class,title\n1234,Foo\n", "Line 1: missing column(s) academic_year"),
    (csv_bytes(row(), header=HEADER + ",colour"), "Line 1: unknown column(s) 'colour'"),
    (csv_bytes(row(), header=HEADER.replace("title", "title,title")), "named twice: title"),
    (csv_bytes(row() + ",extra"), "Line 2: 16 fields where the header has 15"),
    (csv_bytes(row()).replace(b"Testing", "Tésting".encode("latin-1")),
     "File: the file is not UTF-8 text (byte 0xe9 on line 2)"),
    (b"\x00\x01PK\x03\x04" * 10, "File: this is not a CSV text file"),
    (csv_bytes('2026-2027,"unterminated'), "Line 2: not valid CSV"),
])
def test_malformed_csv(demo_usis, data, needle):
    before = dump(demo_usis.db, audit=True)
    messages = problems_of(demo_usis, data)
    assert any(needle in m for m in messages), messages
    assert dump(demo_usis.db, audit=True) == before


def test_a_bad_header_is_no_count_of_rows(demo_usis):
    """Only the header was read: the summary says the file is no catalogue (it said "1 of 0
    rows has problems")."""
    with pytest.raises(ServiceError) as err:
        importer(demo_usis).import_bytes(b"class,title\n1234,Foo\n")
    assert err.value.problems[-1].message == ("Nothing was imported: the file cannot be read as "
                                              "a catalogue.")


def test_bom_and_semicolons_excel_style(demo_usis):
    text = "\ufeff" + HEADER.replace(",", ";") + "\n" + ";".join(row("5101").split(",")) + "\n"
    result = importer(demo_usis).import_bytes(text.encode("utf-8"))
    assert result.classes == 1
    assert demo_usis.catalogue.lookup("2026-2027", "5101").title == "Testing"


def test_new_year_is_created_and_check_writes_nothing(demo_usis, tmp_path):
    path = tmp_path / "next.csv"
    path.write_bytes(csv_bytes(row("0001", year="2030-2031", opens="2030-06-01T09:00",
                                   closes="2030-08-31T23:59", start="2030-09-02",
                                   end="2030-12-16")))
    before = dump(demo_usis.db, audit=True)
    trial = importer(demo_usis).check_file(path)
    assert trial.years_created == ["2030-2031"] and trial.classes == 1
    assert dump(demo_usis.db, audit=True) == before
    importer(demo_usis).import_file(path)
    assert "2030-2031" in [y.code for y in demo_usis.catalogue.years()]
    assert demo_usis.catalogue.lookup("2030-2031", "0001").catalogue_number == "4500TEST"


def test_large_file_reports_progress(demo_usis):
    rows = [row(f"{6000 + i}", cat=f"4600C{i:04d}", title=f"Course {i}") for i in range(1200)]
    seen: dict[str, tuple[int, int]] = {}
    result = importer(demo_usis).import_bytes(
        csv_bytes(*rows),
        progress=lambda stage, done, total: seen.__setitem__(stage, (done, total)))
    assert result.classes == 1200 and result.courses_created == 1200
    assert seen == {"check": (1200, 1200), "import": (1200, 1200)}


def test_columns_documented_in_readme():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for column in COLUMNS:
        assert f"`{column}`" in readme, column


# ---------------------------------------------------------------------- text and date bounds
FULL_HEADER = HEADER + ",instructor,room"


def full_row(**over: str) -> str:
    """One good row with every text column, ``over`` replacing cells by column name (CSV
    quoting done properly, so a newline inside a cell is a newline in the value)."""
    import csv
    import io

    cells = dict(zip(HEADER.split(","), row().split(","), strict=True))
    cells.update(instructor="Dr. A. Lorentz", room="Gorlaeus")
    cells.update(over)
    out = io.StringIO()
    csv.writer(out).writerow([cells[c] for c in FULL_HEADER.split(",")])  # quotes \r and \n
    return out.getvalue().removesuffix("\r\n")


OUTSIDE = "is outside the years 1900-2200"
CONTROL = "no control characters"
ONE_LINE = "one line only"
BIDI = "no bidirectional text controls"
BAD_CELLS = {
    # C0, DEL, C1 and bidirectional controls, and line breaks, in every text column
    **{f"{col}-{name}": (col, value, needle)
       for col in ("title", "instructor", "room", "programme")
       for name, value, needle in (
           ("c1-csi", "A\x9b31mB", f"{CONTROL} (U+009B)"),
           ("c1-nel", "A\x85B", f"{CONTROL} (U+0085)"),
           ("escape", "A\x1b]0;PWNED\x07B", f"{CONTROL} (U+001B)"),
           ("del", "A\x7fB", f"{CONTROL} (U+007F)"),
           ("newline", "Quantum\nComputing", ONE_LINE),
           ("carriage-return", "Quantum\rComputing", f"{CONTROL} (U+000D)"),
           ("tab", "Quantum\tComputing", ONE_LINE),
           ("line-separator", "Quantum\u2028Computing", ONE_LINE),
           ("rlo", "abc\u202edcba", f"{BIDI} (U+202E)"),
           ("lre", "abc\u202adcba", f"{BIDI} (U+202A)"),
           ("isolate", "abc\u2067dcba\u2069", f"{BIDI} (U+2067)"),
           ("rlm", "abc\u200fdef", f"{BIDI} (U+200F)"),
           ("alm", "abc\u061cdef", f"{BIDI} (U+061C)"),
       )},
    # lengths
    "title-201": ("title", "x" * 201, "at most 200 characters, not 201"),
    "instructor-121": ("instructor", "x" * 121, "at most 120 characters, not 121"),
    "room-81": ("room", "x" * 81, "at most 80 characters, not 81"),
    # dates and times outside 1900-2200, also with an offset (no overflow deep inside)
    "opens-9999": ("enrol_opens", "9999-12-01T09:00", OUTSIDE),
    "closes-2201": ("enrol_closes", "2201-01-01T00:00", OUTSIDE),
    "opens-year-1-offset": ("enrol_opens", "0001-01-01T00:00+05:00", OUTSIDE),
    "closes-9999-offset": ("enrol_closes", "9999-12-31T23:59-05:00", OUTSIDE),
    "start-1800": ("start_date", "1800-01-01", OUTSIDE),
    "end-9999": ("end_date", "9999-12-31", OUTSIDE),
    "year-1000": ("academic_year", "1000-1001", OUTSIDE),
    "year-fullwidth": ("academic_year", "２０２６-２０２７", "is not an academic year"),
}


@pytest.mark.parametrize(("column", "value", "needle"), BAD_CELLS.values(), ids=BAD_CELLS.keys())
def test_bad_cell_is_refused_with_its_line_and_column(demo_usis, column, value, needle):
    """Control characters (C0 including newline and tab, DEL, C1), bidirectional controls,
    overlong text and dates outside 1900-2200: refused, naming the line and the column; nothing
    is written. (A good row first, so the bad one is line 3.)"""
    before = dump(demo_usis.db, audit=True)
    data = ("\n".join([FULL_HEADER, full_row(), full_row(class_number="5102", **{column: value})])
            + "\n").encode()
    messages = problems_of(demo_usis, data)
    assert any(m.startswith(f"Line 3, {column}: ") and needle in m for m in messages), messages
    assert not any(m.startswith("Line 2") for m in messages), messages
    for m in messages:  # the message itself shows no control character
        assert m.isprintable(), repr(m)
    assert dump(demo_usis.db, audit=True) == before


def test_times_with_an_offset_are_stored_in_amsterdam_time(demo_usis):
    """An offset is converted to Europe/Amsterdam local time, never dropped."""
    from datetime import datetime

    result = importer(demo_usis).import_bytes(csv_bytes(row(
        "5101", opens="2026-12-01T09:00+05:00", closes="2027-07-15T23:59Z")))
    assert result.classes == 1
    imported = demo_usis.catalogue.lookup("2026-2027", "5101")
    assert imported.enrol_opens_at == datetime(2026, 12, 1, 5, 0)    # CET, UTC+1
    assert imported.enrol_closes_at == datetime(2027, 7, 16, 1, 59)  # CEST, UTC+2


def test_file_size_is_bounded(demo_usis, tmp_path):
    """At most ``max_bytes`` are read (default importer.MAX_BYTES); a bigger file is refused
    with one message and nothing is written."""
    from usis_tui.services import importer as module

    assert module.MAX_BYTES == 20 * 1024 * 1024
    path = tmp_path / "big.csv"
    path.write_bytes(csv_bytes(*(row(f"{6000 + i}", cat=f"4600C{i:04d}") for i in range(40))))
    before = dump(demo_usis.db, audit=True)
    with pytest.raises(ServiceError) as err:
        importer(demo_usis).import_file(path, max_bytes=1000)
    [problem] = err.value.problems
    assert problem.code == "file_refused"
    assert f"{path} is {path.stat().st_size:,} bytes; at most 1,000 bytes" in problem.message
    assert dump(demo_usis.db, audit=True) == before
    assert importer(demo_usis).check_file(path, max_bytes=path.stat().st_size).classes == 40


@pytest.mark.parametrize("kind", ["device", "fifo", "folder", "socket"])
def test_only_a_regular_file_is_read(demo_usis, tmp_path, kind):
    """Devices, named pipes, sockets and folders are refused before anything is read (a FIFO
    without a writer would block forever; /dev/zero never ends)."""
    import os
    import socket

    if kind == "device":
        path = Path("/dev/zero")
    elif kind == "fifo":
        path = tmp_path / "pipe.csv"
        os.mkfifo(path)
    elif kind == "folder":
        path = tmp_path
    else:
        path = tmp_path / "s.csv"
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
    with pytest.raises(ServiceError) as err:
        importer(demo_usis).check_file(path)
    [problem] = err.value.problems
    assert problem.code == "file_refused"
    assert ("not a regular file" if kind != "folder" else "is a folder") in problem.message
