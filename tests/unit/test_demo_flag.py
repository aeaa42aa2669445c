"""bootstrap.ensure_database writes the demo data only when asked (the app never asks), the
database records that it is the demo database (``setting`` demo=1, revision 0004), and a demo
database from before revision 0004 is recognised when it is upgraded."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from factories import dump

from usis_tui import migrations
from usis_tui.bootstrap import (
    ensure_database,
    first_start,
    is_blank,
    is_demo_database,
    mark_empty_on_purpose,
    prepare_schema,
)
from usis_tui.db import Database
from usis_tui.errors import ConfigError
from usis_tui.services import Usis

NOW = datetime(2026, 11, 23, 9, 30)


def count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_ensure_database_never_seeds_unless_asked(tmp_path):
    path = tmp_path / "empty.db"
    db = Database(f"sqlite:///{path}")
    assert first_start(db)
    assert ensure_database(db, NOW) is None  # what the app calls
    assert migrations.current(db) == migrations.head()
    assert is_blank(db) and not is_demo_database(db)
    assert Usis(db, clock=lambda: NOW).auth.is_demo() is False
    db.dispose()
    assert count(path, "student") == count(path, "staff_user") == 0


def test_ensure_database_seeds_a_blank_database_when_asked(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'demo.db'}")
    summary = ensure_database(db, NOW, demo=True)
    assert summary is not None and summary.students > 2000
    assert is_demo_database(db) and not first_start(db)
    assert Usis(db, clock=lambda: NOW).auth.is_demo() is True
    assert ensure_database(db, NOW, demo=True) is None  # the demo database already
    db.dispose()


def test_demo_is_refused_where_other_data_is(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'staff.db'}")
    ensure_database(db, NOW)
    Usis(db, clock=lambda: NOW).auth.add_user("support", "support", "a good password")
    before = dump(db, audit=True)
    with pytest.raises(ConfigError, match="not the demo data"):
        ensure_database(db, NOW, demo=True)
    assert dump(db, audit=True) == before
    assert ensure_database(db, NOW) is None  # without --demo it starts
    db.dispose()


def test_made_empty_on_purpose_is_no_first_start(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    ensure_database(db, NOW)
    assert first_start(db)  # e.g. a first start that was interrupted
    mark_empty_on_purpose(db)
    assert not first_start(db) and is_blank(db) and not is_demo_database(db)
    assert ensure_database(db, NOW, demo=True) is not None  # --demo still fills it
    assert is_demo_database(db)
    db.dispose()


def _before_0004(path: Path) -> None:
    """Make the database look as revision 0003 left it."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE setting")
    conn.execute("DROP TABLE login_throttle")
    conn.execute("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL "
                 "PRIMARY KEY)")
    conn.execute("DELETE FROM alembic_version")
    conn.execute("INSERT INTO alembic_version VALUES ('0003')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("demo_password_kept", [True, False])
def test_upgrade_recognises_a_demo_database(tmp_path, _demo_template, demo_password_kept):
    path = tmp_path / "old-demo.db"
    shutil.copyfile(_demo_template[0], path)
    _before_0004(path)
    if not demo_password_kept:  # every demo account has another password now: not the demo
        from usis_tui.services.auth import hash_password

        other = hash_password("not the demo password")
        conn = sqlite3.connect(path)
        conn.execute("UPDATE student SET password_hash = ?", (other,))
        conn.execute("UPDATE staff_user SET password_hash = ?", (other,))
        conn.commit()
        conn.close()
    db = Database(f"sqlite:///{path}")
    assert Usis(db, clock=lambda: NOW).auth.is_demo() is False  # before: no setting table
    assert prepare_schema(db) == "upgraded"
    assert migrations.current(db) == "0004" or migrations.current(db) == migrations.head()
    assert is_demo_database(db) is demo_password_kept
    assert Usis(db, clock=lambda: NOW).auth.is_demo() is demo_password_kept
    db.dispose()
