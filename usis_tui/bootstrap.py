"""Getting a database ready: create the schema and, for an empty database, the demo data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import DatabaseError, OperationalError

from .db import Database
from .errors import ConfigError


def ensure_database(db: Database, now: datetime, *, demo: bool = True):
    """Create the schema if missing; seed the demo data if there are no students yet.

    Returns the DemoSummary when it seeded, else None. Raises ConfigError for a file that is
    not a database, a locked database or one that cannot be written.
    """
    from .data.demo import seed_demo
    from .models import Student

    try:
        # create_all only adds what is missing: tables of newer releases (e.g. petitions)
        # appear in an older database file without touching its rows.
        db.create_schema()
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
