"""Engine and session handling. Nothing here runs at import time.

SQLite: foreign keys on, WAL, busy timeout, and writing transactions start with
``BEGIN IMMEDIATE`` so that a "check seats, then insert" runs entirely under the write lock
(Python's sqlite3 would otherwise begin only at the first INSERT, and two processes overbook;
see shared/TRAPS.md). Read-only work uses a deferred ``BEGIN`` so readers never queue behind
writers. PostgreSQL: services lock the class rows with ``SELECT ... FOR UPDATE``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from .errors import ConfigError

BUSY_TIMEOUT_S = 30
READ_ONLY = "usis_read_only"


def default_database_url() -> str:
    """The embedded database in the user's data directory (platformdirs)."""
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir('usis-tui', appauthor=False)) / 'usis.db'}"


def resolve_database_url(url: str | None) -> str:
    return url or os.environ.get("USIS_DATABASE_URL") or default_database_url()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for any SQLAlchemy URL, with clear errors for bad ones."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"Not a database URL: {url!r} (expected e.g. sqlite:///usis.db or "
                          "postgresql+psycopg://user@host/db).") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            path = Path(database).expanduser()
            parent = path.parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(f"Cannot create the database folder {parent}: {exc.strerror}.") from None
            if path.is_dir():
                raise ConfigError(f"The database path {path} is a folder, not a file.")
            if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
                raise ConfigError(f"The database file {path} is not writable.")
        memory = database in ("", ":memory:")
        engine = create_engine(
            parsed,
            echo=echo,
            connect_args={"timeout": BUSY_TIMEOUT_S, "isolation_level": None,
                          "check_same_thread": False},
            # An in-memory database lives in its connection: share one across threads.
            **({"poolclass": StaticPool} if memory else {}),
        )
        _install_sqlite_hooks(engine, memory=memory)
        return engine
    if backend == "postgresql":
        try:
            return create_engine(parsed, echo=echo, pool_pre_ping=True)
        except (NoSuchModuleError, ModuleNotFoundError) as exc:
            raise ConfigError(f"The PostgreSQL driver is not installed ({exc}); "
                              "install psycopg: pip install 'psycopg[binary]'.") from None
    try:
        return create_engine(parsed, echo=echo)
    except (NoSuchModuleError, ModuleNotFoundError):
        raise ConfigError(f"Unsupported database URL scheme {parsed.drivername!r}: use sqlite:/// "
                          "or postgresql+psycopg://.") from None


def _install_sqlite_hooks(engine: Engine, *, memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """An engine plus session factory; one per app or CLI invocation."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.dialect = self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One writing transaction (BEGIN IMMEDIATE on SQLite), committed on success."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """One read-only transaction (deferred BEGIN on SQLite)."""
        with self._sessions() as session:
            session.connection(execution_options={READ_ONLY: True})
            try:
                yield session
            finally:
                session.rollback()

    def has_schema(self) -> bool:
        return inspect(self.engine).has_table("class_section")

    def create_schema(self) -> None:
        from .models import Base

        Base.metadata.create_all(self.engine)

    def drop_schema(self) -> None:
        from .models import Base

        Base.metadata.drop_all(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
