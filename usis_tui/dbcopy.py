"""Throwaway copies of a database, so that `usis replay` can reproduce a student's problem
without changing the student's record.

    with throwaway_copy(url) as copy:      # copy.url: a database equal to url's, for now
        ...                                # dropped / deleted when the block ends

SQLite: the file is copied with sqlite3's online backup API into a fresh temporary folder. That
is a consistent snapshot even while other processes write (it reads through the WAL; copying
the file itself could miss the pages still in ``-wal`` or catch a page half-written).

PostgreSQL: ``CREATE DATABASE copy TEMPLATE source`` copies the files and is quick, but
PostgreSQL allows it only while nobody else is connected to the source, and a live uSis always
is. Then the copy is made table by table instead: a new database with the source's schema
revision, every table streamed with ``COPY`` from one REPEATABLE READ snapshot (consistent, and
no row of the source is locked: students keep enrolling meanwhile) and every sequence set to
the source's value. Holding one transaction open on the source and rolling it back was not
chosen: the replay's enrolments would hold the class rows' ``FOR UPDATE`` locks for the whole
replay, and real students enrolling in those classes would wait for it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from .db import mask_url
from .errors import ConfigError
from .i18n import _

SQLITE_COPY_NAME = "usis.db"
MAINTENANCE_DATABASES = ("postgres", "template1")
OBJECT_IN_USE = "55006"  # SQLSTATE: "source database … is being accessed by other users"
INSUFFICIENT_PRIVILEGE = "42501"


class CopyError(ConfigError):
    """The copy cannot be made; the message says why and what to do instead."""


@dataclass(frozen=True)
class Copy:
    url: str  # the throwaway database
    how: str  # e.g. "a backup of the file in a temporary folder", for the report (translated)


@contextmanager
def throwaway_copy(url: str, *, warn: Callable[[str], None] | None = None) -> Iterator[Copy]:
    """A copy of the database at ``url`` that is thrown away when the block ends.

    ``warn`` gets a line when the copy cannot be removed afterwards (with what to remove)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        raise CopyError(_("Not a database URL: {url} (expected e.g. sqlite:///usis.db or "
                          "postgresql+psycopg://user@host/db).").format(url=repr(mask_url(url)))
                        ) from None
    if backend == "sqlite":
        with _sqlite_copy(url, warn) as copy:
            yield copy
    elif backend == "postgresql":
        with _postgresql_copy(url, warn) as copy:
            yield copy
    else:
        raise CopyError(_("Cannot make a copy of a {backend} database ({url}); replay on the "
                          "database itself with --write.").format(backend=backend,
                                                                  url=mask_url(url)))


# ---------------------------------------------------------------------- SQLite
def _sqlite_path(url: str) -> Path:
    from sqlalchemy.engine import make_url

    database = make_url(url).database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        raise CopyError(_("{url} is not a database file that can be copied; replay on it with "
                          "--write.").format(url=mask_url(url)))
    return Path(database).expanduser()


@contextmanager
def _sqlite_copy(url: str, warn: Callable[[str], None] | None) -> Iterator[Copy]:
    source = _sqlite_path(url)
    if not source.is_file():
        raise CopyError(_("There is no database at {path} to copy (create it with "
                          "`usis db init`, or replay with --write).").format(path=source))
    folder = Path(tempfile.mkdtemp(prefix="usis-replay-"))
    try:
        target = folder / SQLITE_COPY_NAME
        try:
            # mode=ro: reading the source can never create or change it
            with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True,
                                         timeout=30)) as src, \
                    closing(sqlite3.connect(target)) as dst:
                src.backup(dst)
        except sqlite3.DatabaseError as exc:
            raise CopyError(_("Cannot copy the database {path}: {error}.").format(
                path=source, error=exc)) from None
        yield Copy(f"sqlite:///{target}", _("a backup of the file in a temporary folder"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if folder.exists() and warn is not None:
            warn(_("could not delete the copy in {folder}; delete that folder.")
                 .format(folder=folder))


# ---------------------------------------------------------------------- PostgreSQL
def _engine(url, **kwargs):
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine(url, poolclass=NullPool, **kwargs)


def _database_errors() -> tuple[type[BaseException], ...]:
    """SQLAlchemy's errors, and psycopg's own (COPY runs on the driver's connections)."""
    import psycopg
    from sqlalchemy.exc import SQLAlchemyError

    return SQLAlchemyError, psycopg.Error


def _sqlstate(exc: BaseException) -> str | None:
    return getattr(getattr(exc, "orig", exc), "sqlstate", None)


def _reason(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", exc)).strip().splitlines()
    return text[0] if text else type(exc).__name__


@contextmanager
def _postgresql_copy(url: str, warn: Callable[[str], None] | None) -> Iterator[Copy]:
    from sqlalchemy.engine import make_url

    errors = _database_errors()
    source_url = make_url(url)
    source = source_url.database or source_url.username or "postgres"
    name = f"usis_replay_{os.getpid()}_{secrets.token_hex(4)}"
    admin = _maintenance_engine(source_url, source)
    quote = admin.dialect.identifier_preparer.quote
    made: list[str] = []  # the copy's name once it exists: dropped at the end
    try:
        try:
            how = _make_copy(admin, url, source, name, made)
        except errors as exc:
            if _sqlstate(exc) == INSUFFICIENT_PRIVILEGE:
                raise CopyError(_("Cannot make a copy of {url}: the PostgreSQL user may not "
                                  "create databases (it needs CREATEDB); replay on the "
                                  "database itself with --write.").format(url=mask_url(url))
                                ) from None
            raise CopyError(_("Cannot make a copy of {url}: {reason}").format(
                url=mask_url(url), reason=_reason(exc))) from None
        yield Copy(source_url.set(database=name).render_as_string(hide_password=False), how)
    finally:
        try:
            if made:
                _drop(admin, name)
        except errors as exc:
            if warn is not None:
                warn(_("could not drop the copy {name} ({reason}); drop it with {sql}.")
                     .format(name=name, reason=_reason(exc),
                             sql=f"DROP DATABASE {quote(name)}"))
        finally:
            admin.dispose()


def _make_copy(admin, url: str, source: str, name: str, made: list[str]) -> str:
    """Create database ``name`` as a copy of ``source``; says how it was made."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    quote = admin.dialect.identifier_preparer.quote
    with admin.connect() as conn:
        others = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %(db)s "
            "AND pid <> pg_backend_pid()", {"db": source}).scalar()
    if not others:
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(source)}")
            made.append(name)
            return _("a new database made from it as a template")
        except SQLAlchemyError as exc:
            if _sqlstate(exc) != OBJECT_IN_USE:  # else someone connected meanwhile: go on
                raise
    _create_like(admin, source, name)
    made.append(name)
    _copy_tables(url, make_url(url).set(database=name).render_as_string(hide_password=False))
    return _("a new database filled table by table from a snapshot (other sessions are "
             "connected to it)")


def _maintenance_engine(source_url, source: str):
    """An autocommit engine on a database other than the source (CREATE DATABASE … TEMPLATE
    counts our own connection to the source as "another user")."""
    from sqlalchemy.exc import SQLAlchemyError

    problem: SQLAlchemyError | None = None
    for candidate in MAINTENANCE_DATABASES:
        if candidate == source:
            continue
        engine = _engine(source_url.set(database=candidate), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect():
                return engine
        except SQLAlchemyError as exc:
            engine.dispose()
            problem = exc
    raise CopyError(_("Cannot make a copy of {url}: cannot connect to the server's "
                      "maintenance database ({reason}); replay with --write.").format(
                          url=mask_url(source_url.render_as_string()),
                          reason=_reason(problem) if problem else _("none")))


def _create_like(admin, source: str, name: str) -> None:
    """An empty database with the source's encoding and collation (text sorts the same)."""
    quote = admin.dialect.identifier_preparer.quote
    with admin.connect() as conn:
        encoding, collate, ctype = conn.exec_driver_sql(
            "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database "
            "WHERE datname = %(db)s", {"db": source}).one()
        conn.exec_driver_sql(
            f"CREATE DATABASE {quote(name)} TEMPLATE template0 ENCODING '{encoding}' "
            f"LC_COLLATE '{collate}' LC_CTYPE '{ctype}'")


def _drop(admin, name: str) -> None:
    quote = admin.dialect.identifier_preparer.quote
    with admin.connect() as conn:
        force = conn.dialect.server_version_info >= (13,)
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {quote(name)}"
                             f"{' WITH (FORCE)' if force else ''}")


def _copy_tables(source_url: str, copy_url: str) -> None:
    """The source's schema (at its revision) and rows into the empty database at ``copy_url``."""
    from sqlalchemy import inspect

    from . import migrations
    from .db import Database
    from .models import Base

    src = _engine(source_url)
    try:
        with src.connect().execution_options(isolation_level="REPEATABLE READ",
                                              postgresql_readonly=True) as conn:
            inspector = inspect(conn)
            tables = set(inspector.get_table_names())
            revision = None
            if migrations.VERSION_TABLE in tables:
                revision = conn.exec_driver_sql(
                    f"SELECT version_num FROM {migrations.VERSION_TABLE}").scalar()
                if revision not in migrations.revisions():
                    raise CopyError(_("its schema revision {revision} is not known to this "
                                      "uSis (a newer version made it)").format(
                                          revision=revision))
            elif not tables & set(Base.metadata.tables):
                return  # empty: the replay prepares the copy as it would prepare the source
            elif not all(name in tables and {c.name for c in table.columns}
                         <= {c["name"] for c in inspector.get_columns(name)}
                         for name, table in Base.metadata.tables.items()):
                raise CopyError(_("its schema predates migrations; run `usis db upgrade` "
                                  "first, or replay with --write"))
            target = Database(copy_url)
            try:
                if revision is None:  # made by this version's create_all, not stamped yet:
                    Base.metadata.create_all(target.engine)  # the copy is prepared as it would be
                elif revision == migrations.newest():
                    migrations.create_all_and_stamp(target)
                else:
                    migrations.upgrade(target, revision)
            finally:
                target.dispose()
            dst = _engine(copy_url)
            try:
                _stream(conn, dst, migrations.VERSION_TABLE)
            finally:
                dst.dispose()
    except CopyError as exc:
        raise CopyError(_("Cannot make a copy of {url}: {reason}.").format(
            url=mask_url(source_url), reason=exc)) from None
    finally:
        src.dispose()


def _stream(src_conn, dst_engine, version_table: str) -> None:
    """Every table's rows (parents first) and every sequence's value, from the snapshot of
    ``src_conn`` into the database of ``dst_engine``, in one transaction."""
    from sqlalchemy import MetaData

    meta = MetaData()
    meta.reflect(dst_engine)
    quote = dst_engine.dialect.identifier_preparer.quote
    src = src_conn.connection.driver_connection
    with dst_engine.begin() as dst_conn:
        dst = dst_conn.connection.driver_connection
        for table in meta.sorted_tables:
            if table.name == version_table:
                continue  # made with the schema
            if table.name == "catalogue_version":
                continue  # raised by the copy's own triggers as the catalogue rows arrive
            columns = ", ".join(quote(c.name) for c in table.columns)
            name = quote(table.name)
            with src.cursor() as out_cur, dst.cursor() as in_cur, \
                    out_cur.copy(f"COPY {name} ({columns}) TO STDOUT") as out, \
                    in_cur.copy(f"COPY {name} ({columns}) FROM STDIN") as into:
                for block in out:
                    into.write(block)
        sequences = dst_conn.exec_driver_sql(
            "SELECT schemaname, sequencename FROM pg_sequences").all()
        for schema, sequence in sequences:
            qualified = f"{quote(schema)}.{quote(sequence)}"
            last, called = src_conn.exec_driver_sql(
                f"SELECT last_value, is_called FROM {qualified}").one()
            dst_conn.exec_driver_sql("SELECT setval(%(s)s, %(v)s, %(c)s)",
                                     {"s": qualified, "v": last, "c": called})


__all__ = ["Copy", "CopyError", "throwaway_copy"]
