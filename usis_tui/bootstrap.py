"""Getting a database ready: alembic owns the schema.

A fresh database is created at the newest revision (the models' create_all plus
``stamp head``: one transaction, far quicker than replaying every revision, and
tests/unit/test_migrations.py checks that both give the same schema); an older one is upgraded
to the newest revision without losing a row, including a database from before migrations
existed (uSis tables without alembic_version: stamped as revision 0001 first). An empty database
is then filled with the demo data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import DatabaseError, OperationalError

from .db import Database
from .errors import ConfigError

SchemaAction = Literal["created", "upgraded", "current"]


def prepare_schema(db: Database) -> SchemaAction:
    """Bring the schema to the newest revision; says what it did."""
    from . import migrations

    state = migrations.state(db)
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

    Base.metadata.drop_all(db.engine)
    with db.write() as session:
        session.execute(text(f"DROP TABLE IF EXISTS {migrations.VERSION_TABLE}"))
    migrations.create_all_and_stamp(db)


def ensure_database(db: Database, now: datetime, *, demo: bool = True):
    """Create or upgrade the schema; seed the demo data if there are no students yet.

    Returns the DemoSummary when it seeded, else None. Raises ConfigError for a file that is
    not a database, a locked database or one that cannot be written.
    """
    from .data.demo import seed_demo
    from .models import Student

    try:
        prepare_schema(db)
        with db.read() as session:
            empty = not session.scalar(select(func.count(Student.id)))
        if empty and demo:
            return seed_demo(db, now)
        return None
    except OperationalError as exc:
        raise ConfigError(database_problem(db.url, exc)) from None
    except DatabaseError as exc:
        raise ConfigError(database_problem(db.url, exc)) from None


def database_problem(where: str, exc: Exception) -> str:
    """One clear sentence for a database error."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return f"{where} is not a uSis database (the file is damaged or of another kind)."
    if "locked" in text:
        return f"The database {where} is locked by another program; try again in a moment."
    if "readonly" in text or "read-only" in text:
        return f"The database {where} is read-only; uSis needs to write to it."
    if "unable to open" in text:
        return f"Cannot open the database {where}."
    if "could not connect" in text or "connection refused" in text or "connection" in text:
        return f"Cannot connect to the database {where}: is the server running?"
    return f"Database error at {where}: {str(getattr(exc, 'orig', exc)).splitlines()[0]}"
