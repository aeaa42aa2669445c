"""Alembic owns the schema (usis_tui/migrations): the newest revision equals the models, a
database at revision 0001 full of data upgrades without losing a row, also one made before
migrations existed, and on PostgreSQL too."""

from __future__ import annotations

import importlib
import re
import shutil
import sqlite3
import warnings
from datetime import datetime
from pathlib import Path

import pytest

from usis_tui import migrations
from usis_tui.bootstrap import ensure_database, prepare_schema, reset_schema
from usis_tui.db import Database

BASE_TABLES = importlib.import_module("usis_tui.migrations.versions.0001_first_release").TABLES
NOW = datetime(2026, 11, 23, 9, 30)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def differences(db: Database) -> list:
    with warnings.catch_warnings():  # expression indexes cannot be reflected on SQLite
        warnings.simplefilter("ignore", UserWarning)
        return migrations.differences(db)


# ---------------------------------------------------------------------- schema = models
def _split_top(body: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in body:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    return [*out, cur.strip()]


def sqlite_schema(path: Path) -> dict[str, object]:
    """Every table and index as SQLite stores it; a table's clauses in any order."""
    out: dict[str, object] = {}
    with sqlite3.connect(path) as conn:
        for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE name NOT LIKE "
                                      "'sqlite_%'"):
            sql = re.sub(r"\s+", " ", sql or "").strip()
            m = re.fullmatch(r'CREATE TABLE "?(\w+)"? \((.*)\)', sql)
            out[name] = sorted(_split_top(m.group(2))) if m else sql
    conn.close()
    return out


def test_newest_revision_matches_the_models(tmp_path):
    """Fails when a model changes without a migration (alembic check, on SQLite)."""
    db = Database(sqlite_url(tmp_path / "migrated.db"))
    migrations.upgrade(db)
    assert migrations.current(db) == migrations.head()
    assert differences(db) == []
    db.dispose()


def test_fresh_database_equals_replaying_every_revision(tmp_path):
    """A new database is made by create_all + stamp (fast): it must be exactly the schema that
    replaying every revision gives, check constraints and indexes included."""
    replayed = Database(sqlite_url(tmp_path / "replayed.db"))
    migrations.upgrade(replayed)
    replayed.dispose()
    fresh = Database(sqlite_url(tmp_path / "fresh.db"))
    assert prepare_schema(fresh) == "created"
    assert migrations.current(fresh) == migrations.head()
    fresh.dispose()
    a, b = sqlite_schema(tmp_path / "replayed.db"), sqlite_schema(tmp_path / "fresh.db")
    assert sorted(a) == sorted(b)
    assert {k: v for k, v in a.items() if v != b[k]} == {}


def test_revisions_are_a_single_line():
    revs = migrations.revisions()
    assert revs[0] == migrations.BASE_REVISION
    assert revs == [f"{i:04d}" for i in range(1, len(revs) + 1)]
    assert migrations.head() == revs[-1] == migrations.newest()


# ---------------------------------------------------------------------- upgrades keep rows
def _columns(conn: sqlite3.Connection, table: str, schema: str = "main") -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA {schema}.table_info({table})")]


#: rows that revision 0001 cannot hold (values a later revision allowed)
OLD_ROWS_ONLY = {"exam_result": " WHERE grade IS NOT NULL",
                 "minor_application": " WHERE status <> 'not_placed'",
                 "staff_user": " WHERE role IN ('support', 'board', 'trainer')"}


def filled_base_database(path: Path, demo: Path) -> dict[str, list[tuple]]:
    """A database at revision 0001 holding the demo data (copied table by table with plain SQL,
    only the columns that revision 0001 has). Returns every row of every table."""
    db = Database(sqlite_url(path))
    migrations.upgrade(db, migrations.BASE_REVISION)
    assert migrations.current(db) == migrations.BASE_REVISION
    db.dispose()
    conn = sqlite3.connect(path)
    conn.execute("ATTACH DATABASE ? AS demo", (str(demo),))
    for table in BASE_TABLES:
        cols = [c for c in _columns(conn, table) if c in _columns(conn, table, "demo")]
        names = ", ".join(cols)
        conn.execute(f"INSERT INTO main.{table} ({names}) SELECT {names} FROM demo.{table}"
                     + OLD_ROWS_ONLY.get(table, ""))
    conn.commit()
    conn.execute("DETACH DATABASE demo")
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    rows = _rows(conn)
    conn.close()
    return rows


def _rows(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    out = {}
    for table in BASE_TABLES:
        cols = ", ".join(_columns(conn, table))  # 0001's columns; later ones are ignored
        out[table] = conn.execute(f"SELECT {cols} FROM {table} ORDER BY id").fetchall()
    return out


def rows_now(path: Path, base_columns: dict[str, list[str]]) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    out = {t: conn.execute(f"SELECT {', '.join(cols)} FROM {t} ORDER BY id").fetchall()
           for t, cols in base_columns.items()}
    conn.close()
    return out


@pytest.fixture
def base_db(tmp_path, _demo_template):
    path = tmp_path / "old.db"
    rows = filled_base_database(path, _demo_template[0])
    conn = sqlite3.connect(path)
    cols = {t: _columns(conn, t) for t in BASE_TABLES}
    conn.close()
    return path, rows, cols


def test_upgrade_from_0001_keeps_every_row(base_db):
    path, before, cols = base_db
    assert sum(map(len, before.values())) > 1000
    assert all(before[t] for t in ("student", "class_section", "enrolment", "meeting"))
    db = Database(sqlite_url(path))
    assert prepare_schema(db) == "upgraded"
    assert migrations.current(db) == migrations.head()
    assert differences(db) == []
    db.dispose()
    after = rows_now(path, cols)
    assert {t: len(r) for t, r in after.items()} == {t: len(r) for t, r in before.items()}
    assert after == before  # every row, not just a sample
    # a sample by name, to read in a failure report
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM student WHERE student_number = 's1234567'"
                        ).fetchone() == ("Eva de Vries",)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


def test_app_start_upgrades_without_reseeding(base_db):
    path, before, cols = base_db
    db = Database(sqlite_url(path))
    assert ensure_database(db, NOW) is None  # students exist: no demo seeding
    assert migrations.current(db) == migrations.head()
    # the services work on the upgraded database
    from usis_tui.services import Usis

    usis = Usis(db, clock=lambda: NOW)
    assert usis.catalogue.lookup("2026-2027", "1052").catalogue_number == "4000MDSAIN"
    assert usis.auth.login("s1234567", "demo").name == "Eva de Vries"
    db.dispose()
    after = rows_now(path, cols)
    assert {t: after[t] for t in cols if t != "audit_entry"} == \
        {t: before[t] for t in cols if t != "audit_entry"}  # the login wrote to the audit trail
    assert after["audit_entry"][:len(before["audit_entry"])] == before["audit_entry"]


def test_database_from_before_migrations_is_stamped_then_upgraded(base_db):
    path, before, cols = base_db
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE alembic_version")  # as made by create_all before migrations
    conn.commit()
    conn.close()
    db = Database(sqlite_url(path))
    assert migrations.state(db) == "unversioned"
    assert prepare_schema(db) == "upgraded"
    assert migrations.current(db) == migrations.head()
    assert prepare_schema(db) == "current"
    db.dispose()
    assert rows_now(path, cols) == before


@pytest.mark.parametrize("drop_newest_table", [False, True])
def test_database_made_by_create_all_without_version(tmp_path, _demo_template,
                                                     drop_newest_table):
    """The demo template is made by create_all (no alembic_version). As it is: stamped as the
    newest revision. Made by an older create_all (the newest revision's table missing): stamped
    0001, and every revision skips what already exists and adds what is missing."""
    path = tmp_path / "demo.db"
    shutil.copyfile(_demo_template[0], path)
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE IF EXISTS alembic_version")
    if drop_newest_table:
        conn.execute("DROP TABLE login_session")
    conn.commit()
    students = conn.execute("SELECT * FROM student ORDER BY id").fetchall()
    conn.close()
    db = Database(sqlite_url(path))
    assert prepare_schema(db) == ("upgraded" if drop_newest_table else "current")
    assert migrations.current(db) == migrations.head()
    assert differences(db) == []
    db.dispose()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT * FROM student ORDER BY id").fetchall() == students
    conn.close()


def test_reset_and_downgrade(tmp_path):
    db = Database(sqlite_url(tmp_path / "r.db"))
    migrations.upgrade(db)
    from alembic import command

    with migrations._migrating(db) as conn:
        command.downgrade(migrations.make_config(conn), "base")
    assert migrations.state(db) == "versioned" and migrations.current(db) is None
    reset_schema(db)
    assert migrations.current(db) == migrations.head()
    assert differences(db) == []
    db.dispose()


# ---------------------------------------------------------------------- PostgreSQL
@pytest.mark.postgresql
def test_upgrade_on_postgresql(pg_cluster):
    from sqlalchemy import text

    name, url = pg_cluster.fresh("template1")
    try:
        db = Database(url)
        migrations.upgrade(db, migrations.BASE_REVISION)
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO programme (id, code, name, degree) VALUES "
                              "(1, 'BSC-CS', 'Computer Science', 'bachelor')"))
            conn.execute(text("INSERT INTO student (id, student_number, name, programme_id, "
                              "degree, password_hash, failed_logins) VALUES (1, 's1234567', "
                              "'Eva de Vries', 1, 'bachelor', 'x', 0)"))
            conn.execute(text("INSERT INTO academic_year (id, code, starts_on, ends_on) VALUES "
                              "(1, '2026-2027', '2026-09-01', '2027-08-31')"))
            conn.execute(text("INSERT INTO course (id, catalogue_number, title, ec, level, "
                              "honours) VALUES (1, '4000X', 'X', 5, 100, false)"))
            conn.execute(text("INSERT INTO class_section (id, academic_year_id, class_number, "
                              "course_id, component, section, capacity, waitlist_capacity, "
                              "enrolled_count, waitlist_count, enrol_opens_at, enrol_closes_at) "
                              "VALUES (1, 1, '1052', 1, 'Lecture', '1', 10, 0, 1, 0, "
                              "'2026-08-01', '2026-12-01')"))
            conn.execute(text("INSERT INTO enrolment (id, student_id, section_id, status, "
                              "created_at, enrolled_at) VALUES (1, 1, 1, 'enrolled', "
                              "'2026-09-07 10:00', '2026-09-07 10:00')"))
        assert prepare_schema(db) == "upgraded"
        assert migrations.current(db) == migrations.head()
        assert differences(db) == []
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT s.name, c.class_number, e.status FROM enrolment e "
                                     "JOIN student s ON s.id = e.student_id JOIN class_section c "
                                     "ON c.id = e.section_id")).all() == [
                ("Eva de Vries", "1052", "enrolled")]
            indexes = {r[0] for r in conn.execute(text(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'course'"))}
        assert "ix_course_catalogue_number_c" in indexes
        assert "ix_course_catalogue_number_nocase" not in indexes
        db.dispose()
    finally:
        pg_cluster.drop(name)


# ---------------------------------------------------------------------- a newer schema
NEWER = "9999"  # a revision this code does not know: the database was used by a newer uSis
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NEWER_SCHEMA_COMMANDS = {
    "launch": [],
    "serve": ["serve", "--port", "{port}"],
    "replay": ["replay", str(EXAMPLES / "enrol-1052.steps"), "--out", "{tmp}/replay"],
    "db-init": ["db", "init"],
    "db-init-empty": ["db", "init", "--empty"],
    "db-upgrade": ["db", "upgrade"],
    "db-reset": ["db", "reset", "--yes"],
    "catalogue": ["catalogue", "--class", "1052"],
    "timetable": ["timetable", "--student", "s1234567"],
    "audit": ["audit", "--student", "s1234567"],
    "user-add": ["user", "add", "admin2", "--role", "support", "--password-stdin"],
    "user-lock": ["user", "lock", "s1234567"],
    "import": ["import", str(EXAMPLES / "catalogue.csv")],
    "import-check": ["import", str(EXAMPLES / "catalogue.csv"), "--check"],
}


def newer_database(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    with sqlite3.connect(target) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT "
                     "NULL PRIMARY KEY)")
        conn.execute("DELETE FROM alembic_version")
        conn.execute("INSERT INTO alembic_version VALUES (?)", (NEWER,))
    conn.close()
    return target


def whole_database(path: Path) -> str:
    """Schema and every row, read without writing."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


@pytest.mark.parametrize("argv", NEWER_SCHEMA_COMMANDS.values(), ids=NEWER_SCHEMA_COMMANDS.keys())
def test_newer_schema_is_one_line_and_nothing_is_written(argv, tmp_path, _demo_template):
    """alembic_version names a revision newer than this code: every command says so in one
    line (the URL masked) and writes nothing, instead of an alembic traceback or writing."""
    import os
    import subprocess
    import sys

    path = newer_database(_demo_template[0], tmp_path / "usis.db")
    before = whole_database(path)
    env = {**os.environ, "USIS_NOW": "2026-11-23T09:30", "HOME": str(tmp_path)}
    env.pop("USIS_DATABASE_URL", None)
    import socket

    with socket.socket() as free:  # a port nobody uses, should the refusal not come
        free.bind(("127.0.0.1", 0))
        port = str(free.getsockname()[1])
    args = [a.replace("{tmp}", str(tmp_path)).replace("{port}", port) for a in argv]
    result = subprocess.run([sys.executable, "-m", "usis_tui", "--db", sqlite_url(path), *args],
                            capture_output=True, text=True, timeout=90, env=env,
                            input="a long enough password\n")
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("usis: error: The database "), result.stderr
    assert (f"{sqlite_url(path)} has schema revision {NEWER}, newer than this uSis "
            f"({migrations.newest()}): upgrade uSis; nothing was changed.\n") in result.stderr
    assert whole_database(path) == before


def test_newer_schema_in_services_and_db_current(tmp_path, _demo_template, capsys):
    from usis_tui.errors import ConfigError
    from usis_tui.services import Usis

    path = newer_database(_demo_template[0], tmp_path / "usis.db")
    before = whole_database(path)
    db = Database(sqlite_url(path))
    for call in (prepare_schema, reset_schema, lambda d: ensure_database(d, NOW)):
        with pytest.raises(ConfigError, match=f"schema revision {NEWER}, newer than this uSis"):
            call(db)
    db.dispose()
    with pytest.raises(ConfigError, match="upgrade uSis; nothing was changed"):
        Usis.open(sqlite_url(path))
    from usis_tui.cli import main

    main(["--db", sqlite_url(path), "db", "current"])
    shown = capsys.readouterr().out
    assert f"revision {NEWER}; this uSis knows revisions up to" in shown, shown
    assert whole_database(path) == before


@pytest.mark.postgresql
def test_newer_schema_url_is_masked(pg_cluster):
    """On PostgreSQL the message names the database without its password."""
    from sqlalchemy import text

    from usis_tui.errors import ConfigError

    name, url = pg_cluster.fresh("template1")
    try:
        db = Database(url)
        prepare_schema(db)
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": NEWER})
        user, rest = url.split("://", 1)[1].split("@", 1)
        secret = f"postgresql+psycopg://{user}:s3cret@{rest}"  # trust auth: any password
        with pytest.raises(ConfigError) as exc:
            prepare_schema(Database(secret))
        assert "s3cret" not in str(exc.value) and f"{user}:***@" in str(exc.value), exc.value
        db.dispose()
    finally:
        pg_cluster.drop(name)
