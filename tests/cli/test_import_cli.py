"""`usis import`, `usis db upgrade` / `usis db current` and `usis --max-sessions`: the real
command in a subprocess."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "catalogue.csv"
NOW = "2026-11-23T09:30"


def usis(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "USIS_NOW": NOW}
    env.pop("USIS_DATABASE_URL", None)
    env.pop("USIS_MAX_SESSIONS", None)
    return subprocess.run([sys.executable, "-m", "usis_tui", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def file_hash(url: str) -> str:
    path = Path(url.removeprefix("sqlite:///"))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_import_example_then_it_is_in_the_catalogue(demo_db_url):
    result = usis("import", str(EXAMPLE), "--db", demo_db_url)
    assert result.returncode == 0, result.stderr
    assert "Imported 8 classes (3 new courses" in result.stdout
    listed = json.loads(usis("catalogue", "--db", demo_db_url, "--class", "5002",
                             "--json").stdout)
    assert listed[0]["title"] == "Quantum Computing" and listed[0]["part_of"] == "5001"
    # the same file again: every class number is taken now; nothing changes
    before = file_hash(demo_db_url)
    again = usis("import", str(EXAMPLE), "--db", demo_db_url)
    assert again.returncode == 1 and "Traceback" not in again.stderr
    lines = again.stderr.strip().splitlines()
    assert [ln.split(",")[0] for ln in lines[:-1]] == [f"Line {n}" for n in range(2, 10)]
    assert lines[-1] == ("usis: error: Nothing was imported: 8 of 8 rows have problems. "
                         "Fix the file and import it again.")
    assert file_hash(demo_db_url) == before


def test_bad_rows_every_line_reported_database_unchanged(demo_db_url, tmp_path):
    text = EXAMPLE.read_text().splitlines()
    text[2] = text[2].replace(",5002,", ",50X2,")          # line 3
    text[4] = text[4].replace(",Exam,", ",Exams,")          # line 5
    text[6] = text[6].replace(",80,", ",eighty,")           # line 7 (capacity)
    text[8] = text[8].replace(",7.5,", ",7,5,")             # line 9: one field too many
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(text) + "\n")
    before = file_hash(demo_db_url)
    result = usis("import", str(bad), "--db", demo_db_url)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    stderr = result.stderr
    assert "Line 3, class_number: '50X2' is not a class number" in stderr
    assert "Line 5, component: 'Exams' is not one of Lecture" in stderr
    assert "Line 7, capacity: 'eighty' is not a whole number" in stderr
    assert "Line 9: 20 fields where the header has 19" in stderr
    assert "Line 8, part_of: class 5010 is on line 7, which has problems itself" in stderr
    assert "5 of 8 rows have problems" in stderr
    assert file_hash(demo_db_url) == before


def test_malformed_files(demo_db_url, tmp_path):
    before = file_hash(demo_db_url)
    cases = {
        "empty.csv": (b"", "the file is empty"),
        "columns.csv": (b"number,name\n1052,X\n", "missing column(s) academic_year"),
        "latin1.csv": (EXAMPLE.read_text().replace("Quantum", "Quäntum").encode("latin-1"),
                       "not UTF-8 text"),
    }
    for name, (data, needle) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = usis("import", str(path), "--db", demo_db_url)
        assert result.returncode == 1, name
        assert needle in result.stderr and "Traceback" not in result.stderr, result.stderr
    missing = usis("import", str(tmp_path / "nope.csv"), "--db", demo_db_url)
    assert missing.returncode == 1 and "No such file" in missing.stderr
    assert file_hash(demo_db_url) == before


def _bounded():
    """In the child: at most 2 GB of address space (an unbounded read fails fast, instead of
    eating the machine's memory)."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def _fifo(tmp: Path) -> str:
    os.mkfifo(tmp / "pipe.csv")
    return str(tmp / "pipe.csv")


def _file(data: bytes):
    def make(tmp: Path) -> str:
        (tmp / "file.csv").write_bytes(data)
        return str(tmp / "file.csv")
    return make


FILE_CASES = {
    # (make the file, extra options, the one line that says why)
    "dev-zero": (lambda tmp: "/dev/zero", [],
                 "/dev/zero is not a regular file (a device); give a CSV file."),
    "fifo": (_fifo, [], "pipe.csv is not a regular file (a named pipe); give a CSV file."),
    "missing": (lambda tmp: str(tmp / "nope.csv"), [], "No such file: "),
    "too-big": (lambda tmp: str(EXAMPLE), ["--max-size", "1k"],
                f"catalogue.csv is {EXAMPLE.stat().st_size:,} bytes; at most 1,024 bytes are "
                "read. Split the file, or raise the limit (usis import --max-size)."),
    "nul-bytes": (_file(EXAMPLE.read_bytes().replace(b"Quantum", b"Qu\x00antum")), [],
                  "file.csv: this is not a CSV text file (it contains NUL bytes); save it as "
                  "\"CSV UTF-8\"."),
    "not-utf8": (_file(EXAMPLE.read_text().replace("Quantum", "Quäntum").encode("latin-1")), [],
                 "file.csv: the file is not UTF-8 text (byte 0xe4 on line 2); save it as "
                 "\"CSV UTF-8\"."),
    "binary": (_file(bytes(range(256)) * 40), [], "file.csv: this is not a CSV text file"),
    "max-size-garbage": (lambda tmp: str(EXAMPLE), ["--max-size", "huge"],
                         "Invalid value for '--max-size': 'huge' is not a size"),
}


@pytest.mark.parametrize(("make", "options", "needle"), FILE_CASES.values(),
                         ids=FILE_CASES.keys())
def test_file_that_cannot_be_a_catalogue_is_one_line(make, options, needle, demo_db_url,
                                                    tmp_path):
    """Only a regular text file of at most --max-size (default 20 MB) is read; anything else is
    refused in one line before it is read (a device or a pipe never ends), nothing changes."""
    before = file_hash(demo_db_url)
    env = {**os.environ, "USIS_NOW": NOW}
    env.pop("USIS_DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-m", "usis_tui", "import", make(tmp_path),
                             "--check", *options, "--db", demo_db_url], capture_output=True,
                            text=True, env=env, timeout=60, preexec_fn=_bounded)
    assert result.returncode in (1, 2), result.stderr
    assert result.stderr.startswith("usis: error: ") and result.stderr.count("\n") == 1, \
        result.stderr
    assert needle in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert file_hash(demo_db_url) == before


def test_check_only(demo_db_url):
    before = file_hash(demo_db_url)
    result = usis("import", str(EXAMPLE), "--check", "--db", demo_db_url)
    assert result.returncode == 0, result.stderr
    assert "8 rows, all good" in result.stdout and "Nothing was imported" in result.stdout
    assert file_hash(demo_db_url) == before


def test_db_current_and_upgrade(tmp_path, demo_db_url):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert "empty (no schema)" in usis("db", "current", "--db", url).stdout
    created = usis("db", "upgrade", "--db", url)
    assert created.returncode == 0 and "Created the schema at revision" in created.stdout
    current = usis("db", "current", "--db", url).stdout
    assert "(newest)" in current
    # a database from before migrations, made by an older release (no alembic_version, no
    # opening-queue table)
    path = Path(demo_db_url.removeprefix("sqlite:///"))
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE IF EXISTS alembic_version")
    conn.execute("DROP TABLE login_session")
    conn.commit()
    conn.close()
    assert "created before migrations" in usis("db", "current", "--db", demo_db_url).stdout
    upgraded = usis("db", "upgrade", "--db", demo_db_url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "from revision none (before migrations) to" in upgraded.stdout
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM login_session").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM student").fetchone()[0] > 0
    conn.close()
    assert "at the newest revision" in usis("db", "upgrade", "--db", demo_db_url).stdout


def test_max_sessions_option_is_checked():
    for bad in ("0", "abc"):
        result = usis("--max-sessions", bad, "catalogue")
        assert result.returncode == 2 and "Invalid value for '--max-sessions'" in result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert "--max-sessions N" in usis("--help").stdout
