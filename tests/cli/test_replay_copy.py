"""`usis replay` works on a throwaway copy of the database unless --write: on SQLite (a backup of
the file, WAL-safe) and on PostgreSQL (a database made from it as a template; table by table from
a snapshot while other sessions are connected), the steps enrol on the copy and the database
itself keeps every row, audit trail included; the copy is gone afterwards."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from factories import dump
from helpers import run_usis as usis

from usis_tui.db import Database

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "enrol-1052.steps"
NOW = "2026-11-23T09:30"
SUCCESS = "Success: This class has been added to your schedule."


def whole(url: str) -> dict[str, list[tuple]]:
    db = Database(url)
    try:
        return dump(db, audit=True)
    finally:
        db.dispose()


def enrolled_in_1052(url: str) -> bool:
    db = Database(url)
    try:
        with db.engine.connect() as conn:
            return bool(conn.exec_driver_sql(
                "SELECT count(*) FROM enrolment e JOIN student s ON s.id = e.student_id "
                "JOIN class_section c ON c.id = e.section_id WHERE s.student_number = "
                "'s1234567' AND c.class_number = '1052' AND e.status = 'enrolled'").scalar())
    finally:
        db.dispose()


def replay_copies(url: str) -> list[str]:
    """Throwaway databases left on the PostgreSQL server (there must be none)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    engine = create_engine(make_url(url).set(database="postgres"))
    try:
        with engine.connect() as conn:
            return list(conn.exec_driver_sql(
                "SELECT datname FROM pg_database WHERE datname LIKE 'usis_replay_%%'").scalars())
    finally:
        engine.dispose()


@pytest.mark.parametrize("busy", [False, True], ids=["idle", "in-use"])
def test_replay_enrols_on_a_copy_and_the_database_keeps_every_row(backend, busy, demo_db_url,
                                                                 tmp_path, capsys):
    """in-use: another session holds a connection (PostgreSQL: then no TEMPLATE copy is
    possible) with a write transaction open (SQLite: the copy must still be consistent)."""
    if backend == "sqlite" and not busy:
        pytest.skip("the idle SQLite case is tests/cli/test_replay.py's example")
    before = whole(demo_db_url)
    assert not enrolled_in_1052(demo_db_url)
    other = Database(demo_db_url) if busy else None
    held = other.engine.connect() if other else None
    try:
        if held is not None:
            held.begin()
            held.exec_driver_sql("UPDATE student SET name = name WHERE 1 = 0")  # a writer
        out = tmp_path / "out"
        code, stdout, stderr = usis(capsys, "replay", str(EXAMPLE), "--db", demo_db_url,
                                    "--now", NOW, "--out", str(out))
    finally:
        if held is not None:
            held.rollback()
            held.close()
            other.dispose()
    assert code == 0, stdout + stderr
    assert stdout.splitlines()[0].endswith(
        f"on a copy of {demo_db_url}; the database itself is not changed. Screenshots in {out}/")
    how = {"sqlite": "a backup of the file in a temporary folder",
           "postgresql": "a new database filled table by table from a snapshot (other "
                         "sessions are connected to it)" if busy else
                         "a new database made from it as a template"}[backend]
    assert stdout.splitlines()[1] == f"The copy is {how}; it is deleted afterwards."
    assert "PASSED: 9 of 9 steps" in stdout
    report = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert report["steps"][-1]["step"] == f'expect "{SUCCESS}"'  # enrolled, on the copy
    assert report["on_copy"] is True and report["database"] == demo_db_url
    assert not enrolled_in_1052(demo_db_url)
    assert whole(demo_db_url) == before  # not one row, audit trail included
    if backend == "postgresql":
        assert replay_copies(demo_db_url) == []


@pytest.mark.postgresql
def test_replay_with_write_on_postgresql_changes_the_database(backend, demo_db_url, tmp_path,
                                                              capsys):
    if backend != "postgresql":
        pytest.skip("the SQLite --write case is tests/cli/test_replay.py's audit round trip")
    before = whole(demo_db_url)
    code, stdout, stderr = usis(capsys, "replay", str(EXAMPLE), "--db", demo_db_url, "--now",
                                NOW, "--out", str(tmp_path / "out"), "--write")
    assert code == 0, stdout + stderr
    assert f"on {demo_db_url} itself (--write)." in stdout.splitlines()[0]
    assert enrolled_in_1052(demo_db_url)
    assert len(whole(demo_db_url)["enrolment"]) == len(before["enrolment"]) + 1
    assert replay_copies(demo_db_url) == []


# ---------------------------------------------------------------------- the SQLite copy
def test_sqlite_copy_is_a_consistent_snapshot_and_is_deleted(tmp_path):
    """Rows committed into the WAL are in the copy, a write transaction still open is not,
    the source is opened read-only, and the copy's folder is gone afterwards."""
    from usis_tui.dbcopy import throwaway_copy

    source = tmp_path / "usis.db"
    writer = sqlite3.connect(source, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # keep committed pages in -wal
    writer.execute("CREATE TABLE t (x)")
    writer.execute("INSERT INTO t VALUES ('committed')")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO t VALUES ('uncommitted')")
    try:
        assert Path(f"{source}-wal").stat().st_size > 0
        with throwaway_copy(f"sqlite:///{source}") as copy:
            path = Path(copy.url.removeprefix("sqlite:///"))
            assert path.parent != source.parent
            with sqlite3.connect(path) as conn:
                assert conn.execute("SELECT x FROM t").fetchall() == [("committed",)]
                conn.execute("INSERT INTO t VALUES ('on the copy')")
            conn.close()
        assert not path.parent.exists()
        writer.execute("COMMIT")
        assert writer.execute("SELECT x FROM t ORDER BY rowid").fetchall() == [
            ("committed",), ("uncommitted",)]
    finally:
        writer.close()


@pytest.mark.parametrize(("url", "message"), [
    ("sqlite:///{tmp}/missing.db", "There is no database at {tmp}/missing.db to copy"),
    ("sqlite://", "is not a database file that can be copied; replay on it with --write"),
    ("mysql://u:hunter2@host/db", "Cannot make a copy of a mysql database (mysql://u:***@host/db)"),
])
def test_a_copy_that_cannot_be_made_is_one_line_and_creates_nothing(url, message, tmp_path,
                                                                    capsys):
    url, message = url.replace("{tmp}", str(tmp_path)), message.replace("{tmp}", str(tmp_path))
    code, stdout, stderr = usis(capsys, "replay", str(EXAMPLE), "--db", url, "--now", NOW,
                                "--out", str(tmp_path / "out"))
    assert code == 1
    assert stderr.startswith("usis: error:") and message in stderr, stderr
    assert stderr.count("\n") == 1 and "hunter2" not in stdout + stderr
    assert not (tmp_path / "missing.db").exists() and not (tmp_path / "out").exists()


@pytest.mark.postgresql
def test_a_postgresql_user_without_createdb_is_told_to_use_write(backend, demo_db_url, tmp_path,
                                                                capsys):
    if backend != "postgresql":
        pytest.skip("PostgreSQL only")
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    admin = create_engine(make_url(demo_db_url).set(database="postgres"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                             "'clerk') THEN CREATE ROLE clerk LOGIN NOCREATEDB; END IF; END $$")
    admin.dispose()
    url = make_url(demo_db_url).set(username="clerk", password="hunter2")
    url = url.render_as_string(hide_password=False)
    before = whole(demo_db_url)
    code, stdout, stderr = usis(capsys, "replay", str(EXAMPLE), "--db", url, "--now", NOW,
                                "--out", str(tmp_path / "out"))
    assert code == 1
    assert stderr == (f"usis: error: Cannot make a copy of {url.replace('hunter2', '***')}: the "
                      "PostgreSQL user may not create databases (it needs CREATEDB); replay on "
                      "the database itself with --write.\n")
    assert "hunter2" not in stdout
    assert whole(demo_db_url) == before and replay_copies(demo_db_url) == []
