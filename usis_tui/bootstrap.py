"""Getting a database ready: alembic owns the schema.

A fresh database is created at the newest revision (the models' create_all plus
``stamp head``: one transaction, far quicker than replaying every revision, and
tests/unit/test_migrations.py checks that both give the same schema); an older one is upgraded
to the newest revision without losing a row, including a database from before migrations
existed (uSis tables without alembic_version: stamped as revision 0001 first). The demo data is
written only when the CLI asks for it (``ensure_database(..., demo=True)``), never by the app.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError, OperationalError

from .db import Database
from .errors import ConfigError
from .i18n import _

SchemaAction = Literal["created", "upgraded", "current"]


def prepare_schema(db: Database) -> SchemaAction:
    """Bring the schema to the newest revision; says what it did."""
    from . import migrations

    state = migrations.state(db)
    if state == "versioned":
        migrations.refuse_unknown_revision(db)  # a newer uSis's schema: touch nothing
    if state == "empty":
        migrations.create_all_and_stamp(db)
        return "created"
    if state == "unversioned":
        if migrations.matches_models(db):
            # made by this version's create_all (e.g. seed_demo on an empty file): nothing to
            # migrate, only to record (plain SQL: app start stays quick)
            migrations.stamp_quickly(db, migrations.newest())
            return "current"
        tables = set(inspect(db.engine).get_table_names())
        if set(_base_tables()) <= tables:
            migrations.stamp(db, migrations.BASE_REVISION)
        # else: revision 0001 creates only the tables that are missing
    elif migrations.version_of(db) == migrations.newest():
        return "current"  # the usual start: no alembic import
    migrations.upgrade(db, "head")
    return "upgraded"


def _base_tables() -> tuple[str, ...]:
    import importlib

    from . import migrations

    module = importlib.import_module(f"{migrations.__name__}.versions.0001_first_release")
    return module.TABLES


def reset_schema(db: Database) -> None:
    """Drop every table (alembic_version too) and create the newest schema."""
    from . import migrations
    from .models import Base

    migrations.refuse_unknown_revision(db)
    Base.metadata.drop_all(db.engine)
    with db.write() as session:
        session.execute(text(f"DROP TABLE IF EXISTS {migrations.VERSION_TABLE}"))
    migrations.create_all_and_stamp(db)


def ensure_database(db: Database, now: datetime, *, demo: bool = False,
                    size: int | None = None, progress=None):
    """Create or upgrade the schema; with ``demo``, fill a blank database with the demo data.

    Only the CLI asks for the demo data (``usis --demo``, or the default embedded database on
    its first start: see ``first_start``); the app itself never seeds. With ``demo`` on a
    database that already holds other data, raises ConfigError and changes no row; on the demo
    database it does nothing. ``size``/``progress`` go to seed_demo.

    Returns the DemoSummary when it seeded, else None. Raises ConfigError for a file that is
    not a database, a locked database or one that cannot be written.
    """
    try:
        prepare_schema(db)
        if not demo:
            return None
        if not is_blank(db):
            if is_demo_database(db):
                return None
            from .db import mask_url

            raise ConfigError(_("The database {url} already holds uSis data that is not the "
                                "demo data: --demo fills only an empty database (`usis db reset "
                                "--demo` deletes everything first).").format(url=mask_url(db.url)))
        from .data.demo import seed_demo

        return seed_demo(db, now, size=size, progress=progress)
    except OperationalError as exc:
        raise ConfigError(database_problem(db.url, exc)) from None
    except DatabaseError as exc:
        raise ConfigError(database_problem(db.url, exc)) from None


#: tables that hold a database's own data since revision 0001: with none of their rows, there
#: is nothing the demo data could clash with
_DATA_TABLES = ("student", "staff_user", "programme", "academic_year", "course")
DEMO_SETTING = "demo"  # in table ``setting`` (revision 0004): "1" demo data, "0" empty on purpose


def is_blank(db: Database) -> bool:
    """No uSis schema, or no student, staff account, programme, year or course."""
    if not db.has_schema():
        return True
    with db.engine.connect() as conn:
        return not any(conn.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first()
                       for table in _DATA_TABLES)


def _demo_setting(db: Database) -> str | None:
    if not inspect(db.engine).has_table("setting"):
        return None
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT value FROM setting WHERE name = :n"),
                            {"n": DEMO_SETTING}).scalar()


def is_demo_database(db: Database) -> bool:
    """Filled with the demo data (the demo seed says so in the ``setting`` table)."""
    return _demo_setting(db) == "1"


def first_start(db: Database) -> bool:
    """The database has never been used: blank, and not made empty on purpose (``usis db init
    --empty``). For the default embedded database that is when `usis` fills it with the demo
    data (also after a first start that was interrupted)."""
    try:
        return is_blank(db) and _demo_setting(db) is None
    except (OperationalError, DatabaseError) as exc:
        raise ConfigError(database_problem(db.url, exc)) from None


def mark_empty_on_purpose(db: Database) -> None:
    """Record that a blank database is meant to be empty, so that no later start fills it with
    the demo data (needs the newest schema)."""
    if not is_blank(db):
        return
    with db.write() as session:
        session.execute(text("DELETE FROM setting WHERE name = :n"), {"n": DEMO_SETTING})
        session.execute(text("INSERT INTO setting (name, value) VALUES (:n, '0')"),
                        {"n": DEMO_SETTING})


def database_problem(where: str, exc: Exception) -> str:
    """One clear sentence for a database error."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return _("{database} is not a uSis database (the file is damaged or of another "
                 "kind).").format(database=where)
    if "locked" in text:
        return _("The database {database} is locked by another program; try again in a "
                 "moment.").format(database=where)
    if "readonly" in text or "read-only" in text:
        return _("The database {database} is read-only; uSis needs to write to it.").format(
            database=where)
    if "unable to open" in text:
        return _("Cannot open the database {database}.").format(database=where)
    if "could not connect" in text or "connection refused" in text or "connection" in text:
        return _("Cannot connect to the database {database}: is the server running?").format(
            database=where)
    return _("Database error at {database}: {error}").format(
        database=where, error=str(getattr(exc, "orig", exc)).splitlines()[0])
