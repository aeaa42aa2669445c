"""Alembic owns the schema. Configured in code, shipped inside the package (no alembic.ini).

    from usis_tui import migrations
    migrations.upgrade(db)            # to the newest revision
    migrations.current(db)            # e.g. "0001", or None when not under alembic yet
    migrations.differences(db)        # autogenerate's diff between the database and the models

On SQLite every migration runs with foreign keys off (batch mode copies and drops tables, which
would otherwise cascade deletes) and ``PRAGMA foreign_key_check`` must come back empty before
the transaction commits. The whole upgrade is one transaction: it lands completely or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlalchemy import inspect, text

from ..errors import ConfigError
from ..i18n import _

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection

    from ..db import Database

SCRIPT_LOCATION = Path(__file__).resolve().parent
BASE_REVISION = "0001"
VERSION_TABLE = "alembic_version"
SchemaState = Literal["empty", "unversioned", "versioned"]


class MigrationError(RuntimeError):
    """A migration would leave the database inconsistent (it is rolled back)."""


def make_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_LOCATION).replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(make_config()).get_heads()
    assert len(heads) == 1, f"the migrations have several heads: {heads}"
    return heads[0]


def newest() -> str:
    """The newest revision from the file names (0001_..., 0002_...), without importing alembic
    (which costs ~0.4 s at app start); tests check it equals ``head()``."""
    numbers = [m.group(1) for f in (SCRIPT_LOCATION / "versions").iterdir()
               if (m := re.fullmatch(r"(\d{4})_\w+\.py", f.name))]
    return max(numbers)


def known() -> set[str]:
    """Every revision this code has (from the file names, without importing alembic)."""
    return {m.group(1) for f in (SCRIPT_LOCATION / "versions").iterdir()
            if (m := re.fullmatch(r"(\d{4})_\w+\.py", f.name))}


class SchemaTooNewError(ConfigError):
    """The database holds a schema revision this code does not know (a newer uSis made it)."""


def refuse_unknown_revision(db: Database) -> None:
    """Raise SchemaTooNewError, before anything is written, when alembic_version names a
    revision this code does not know (e.g. a database upgraded by a newer uSis): migrating,
    seeding or writing rows with the older models could damage it."""
    if not inspect(db.engine).has_table(VERSION_TABLE):
        return
    version = version_of(db)
    if version is None or version in known():
        return
    from ..db import mask_url

    shown = "".join(ch for ch in str(version) if ch.isprintable())[:32]
    mine = newest()
    if shown.isdigit() and shown > mine:
        message = _("The database {url} has schema revision {revision}, newer than this uSis "
                    "({mine}): upgrade uSis; nothing was changed.")
    else:
        message = _("The database {url} has schema revision {revision}, which this uSis "
                    "({mine}) does not know: upgrade uSis; nothing was changed.")
    raise SchemaTooNewError(message.format(url=mask_url(db.url), revision=shown, mine=mine))


def version_of(db: Database) -> str | None:
    """The revision in alembic_version, with plain SQL (None when the table is empty)."""
    with db.engine.connect() as conn:
        return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def matches_models(db: Database) -> bool:
    """Every table and column of the models exists (a database made by this version's
    create_all): cheap, by the inspector only."""
    from ..models import Base

    inspector = inspect(db.engine)
    tables = set(inspector.get_table_names())
    for name, table in Base.metadata.tables.items():
        if name not in tables:
            return False
        if {c.name for c in table.columns} - {c["name"] for c in inspector.get_columns(name)}:
            return False
    return True


def stamp_quickly(db: Database, revision: str) -> None:
    """``alembic stamp`` in plain SQL (the same table alembic creates)."""
    with db.engine.begin() as conn:
        _stamp_sql(conn, revision)


def _stamp_sql(conn: Connection, revision: str) -> None:
    conn.execute(text(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version_num VARCHAR(32) "
                      f"NOT NULL, CONSTRAINT {VERSION_TABLE}_pkc PRIMARY KEY (version_num))"))
    conn.execute(text(f"DELETE FROM {VERSION_TABLE}"))
    conn.execute(text(f"INSERT INTO {VERSION_TABLE} (version_num) VALUES (:v)"), {"v": revision})


def revisions() -> list[str]:
    """Every revision id, oldest first."""
    from alembic.script import ScriptDirectory

    return [s.revision for s in reversed(list(ScriptDirectory.from_config(make_config())
                                               .walk_revisions()))]


def state(db: Database) -> SchemaState:
    """empty (no uSis table), unversioned (uSis tables without alembic_version: created before
    migrations existed, by create_all) or versioned."""
    from ..models import Base

    tables = set(inspect(db.engine).get_table_names())
    if VERSION_TABLE in tables:
        return "versioned"
    if tables & set(Base.metadata.tables):
        return "unversioned"
    return "empty"


def current(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextmanager
def _migrating(db: Database) -> Iterator[Connection]:
    """A connection in one transaction; SQLite: foreign keys off, checked before commit."""
    sqlite = db.dialect == "sqlite"
    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection if sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")  # no-op inside a transaction: do it first
        try:
            with conn.begin():
                yield conn
                if raw is not None:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise MigrationError(
                            _("the migration would break {n} foreign key reference(s), first "
                              "in table {table}; nothing was changed.").format(
                                n=len(broken), table=broken[0][0]))
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def upgrade(db: Database, revision: str = "head") -> None:
    from alembic import command

    with _migrating(db) as conn:
        command.upgrade(make_config(conn), revision)


def stamp(db: Database, revision: str = "head") -> None:
    from alembic import command

    with _migrating(db) as conn:
        command.stamp(make_config(conn), revision)


def create_all_and_stamp(db: Database) -> None:
    """A fresh database at the newest revision: the models' create_all, then stamp head (the
    test suite checks that this equals running every migration)."""
    from ..models import Base

    with _migrating(db) as conn:
        Base.metadata.create_all(conn)
        _stamp_sql(conn, newest())


def differences(db: Database) -> list:
    """What autogenerate would put in a new revision: [] when the database matches the models."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from ..models import Base
    from .env_options import context_options

    with db.engine.connect() as conn:
        mc = MigrationContext.configure(conn, opts=context_options(conn))
        return compare_metadata(mc, Base.metadata)


__all__ = ["BASE_REVISION", "MigrationError", "SchemaTooNewError", "create_all_and_stamp",
           "current", "differences", "head", "known", "make_config", "matches_models", "newest",
           "refuse_unknown_revision", "revisions", "stamp", "stamp_quickly", "state", "upgrade",
           "version_of"]
