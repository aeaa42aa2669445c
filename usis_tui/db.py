"""Engine and session handling. Nothing here runs at import time.

SQLite: foreign keys on, WAL, busy timeout, and writing transactions start with
``BEGIN IMMEDIATE`` so that a "check seats, then insert" runs entirely under the write lock
(Python's sqlite3 would otherwise begin only at the first INSERT, and two processes overbook;
see shared/TRAPS.md). Read-only work uses a deferred ``BEGIN`` so readers never queue behind
writers. PostgreSQL: services lock the student's row (``FOR NO KEY UPDATE``), then the class
rows (``SELECT ... FOR UPDATE``, in id order): see services/base.get_student.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from .errors import ConfigError
from .i18n import _

BUSY_TIMEOUT_S = 30
READ_ONLY = "usis_read_only"


def mask_url(url: str) -> str:
    """A database URL fit to print or show: the password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not a URL: show nothing of it that could be a secret
        return "<database URL>" if "@" in url else url


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for any SQLAlchemy URL, with clear errors for bad ones."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(_("Not a database URL: {url} (expected e.g. sqlite:///usis.db or "
                            "postgresql+psycopg://user@host/db).").format(url=repr(url))
                          ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            path = Path(database).expanduser()
            parent = path.parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(_("Cannot create the database folder {folder}: {error}.")
                                  .format(folder=parent, error=exc.strerror)) from None
            if path.is_dir():
                raise ConfigError(_("The database path {path} is a folder, not a file.")
                                  .format(path=path))
            if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
                raise ConfigError(_("The database file {path} is not writable.").format(path=path))
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
            raise ConfigError(_("The PostgreSQL driver is not installed ({error}); install "
                                "psycopg: pip install 'psycopg[binary]'.").format(error=exc)
                              ) from None
    try:
        return create_engine(parsed, echo=echo)
    except (NoSuchModuleError, ModuleNotFoundError):
        raise ConfigError(_("Unsupported database URL scheme {scheme}: use sqlite:/// or "
                            "postgresql+psycopg://.").format(scheme=repr(parsed.drivername))
                          ) from None


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
        self._prepared: dict[Hashable, Prepared] = {}
        self._raw = threading.local()  # the thread's SQLite connection for raw()
        self._raw_all: set[RawConnection] = set()
        self._disposed = False
        database = self.engine.url.database if self.dialect == "sqlite" else None
        self._gate_path = (f"{database}-writers" if database and database != ":memory:"
                           and not database.startswith("file:") else None)

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

    # ------------------------------------------------------------------ prepared statements
    def prepared(self, key: Hashable, build: Callable[[], ClauseElement]) -> Prepared:
        """``build()``'s Core statement compiled once for this engine's dialect (cached by
        ``key``), to run on a :meth:`raw` connection."""
        found = self._prepared.get(key)
        if found is None:
            found = self._prepared[key] = Prepared(build(), self.engine.dialect)
        return found

    @contextmanager
    def raw(self) -> Iterator[RawConnection]:
        """One DBAPI connection for hot paths that run :meth:`prepared` statements and manage
        their own transactions (``begin_read``/``begin_write``, ``commit``/``rollback``).
        Whatever is still open when the block ends is rolled back.

        SQLite: the connection stays with the thread for its next call (a pool check-out and
        check-in cost as much as two statements); it goes back to the pool on an error and on
        ``dispose``. PostgreSQL: from the pool every time (``pool_pre_ping`` guards against a
        restarted server)."""
        raw = self._raw.__dict__.pop("conn", None)
        if raw is None:
            raw = RawConnection(self.engine.raw_connection(), self.dialect, self._gate_path)
        ok = False
        try:
            yield raw
            ok = True
        finally:
            try:
                if raw.in_transaction:
                    raw.rollback()
            except BaseException:
                ok = False
                raise
            finally:
                if ok and raw.sqlite and not self._disposed:
                    self._raw.conn = raw
                    self._raw_all.add(raw)
                else:
                    self._raw_all.discard(raw)
                    raw.close()

    def dispose(self) -> None:
        self._disposed = True
        for raw in list(self._raw_all):
            raw.close()
        self._raw_all.clear()
        self._raw = threading.local()
        self.engine.dispose()
        self._disposed = False


class Prepared:
    """A Core statement compiled once for one dialect and run straight on the DBAPI cursor.

    SQLAlchemy's ``Connection.execute`` costs ~70 us per statement on this machine against
    ~5 us for the driver itself (benchmarks/README.md); the hot enrolment path runs a dozen
    statements per cart, so it compiles them once and applies the column types' bind and
    result processors itself (e.g. SQLite's datetime strings). Parameters are passed by name;
    a ``bindparam(name, value)`` without a given parameter uses its value."""

    __slots__ = (
        "_dialect",
        "_memo",
        "_names",
        "_plan",
        "_positional",
        "_results",
        "_row_params",
        "_types",
        "params",
        "sql",
    )

    def __init__(self, stmt: ClauseElement, dialect) -> None:
        compiled = stmt.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)  # a statement, not DDL: binds and positions
        self.sql = str(compiled)
        self._positional = bool(compiled.positional)
        self._names: tuple[str, ...] = tuple(compiled.positiontup or compiled.binds)
        plan = []
        for name in self._names:
            bind = compiled.binds[name]
            proc = bind.type.dialect_impl(dialect).bind_processor(dialect)
            plan.append((name, proc, bind.value))
        self._plan = tuple(plan)
        columns = getattr(stmt, "selected_columns", None)
        self._types = [c.type.dialect_impl(dialect) for c in columns] if columns is not None else []
        self._dialect = dialect
        # result processors, made at the first run (they need the driver's column type codes,
        # e.g. psycopg's float8 vs numeric); False when no column needs one
        self._results: Callable[[list], list] | Literal[False] | None = None
        self._memo: dict = {}  # (processor, value) -> processed: one "now" per transaction

        self.params = self._compile_params()
        self._row_params: dict[tuple[str, ...], Callable] = {}

    def row_params(self, fields: tuple[str, ...]) -> Callable:
        """Like ``params`` for rows given as tuples in the order of ``fields`` (executemany)."""
        found = self._row_params.get(fields)
        if found is None:
            found = self._row_params[fields] = self._compile_params(fields)
        return found

    def _compile_params(self, fields: tuple[str, ...] | None = None):
        """``params(values) -> tuple | dict`` for the driver, as one generated expression (a
        loop over the bind parameters costs more than the statement on SQLite). ``values`` is
        a dict, or with ``fields`` a tuple in that order."""
        memo = self._memo

        def processed(proc, value):
            if value is None:
                return None
            key = (proc, value)
            done = memo.get(key)
            if done is None:
                if len(memo) > 256:
                    memo.clear()
                done = memo[key] = proc(value)
            return done

        env: dict = {"_p": processed}
        exprs = []
        for i, (name, proc, default) in enumerate(self._plan):
            env[f"d{i}"], env[f"f{i}"] = default, proc
            if fields is None:
                get = f"v.get({name!r}, d{i})"
            else:
                get = f"v[{fields.index(name)}]" if name in fields else f"d{i}"
            exprs.append(get if proc is None else f"_p(f{i}, {get})")
        if self._positional:
            body = "(" + "".join(f"{e}, " for e in exprs) + ")"
        else:
            pairs = zip(self._names, exprs, strict=True)
            body = "{" + ", ".join(f"{n!r}: {e}" for n, e in pairs) + "}"
        exec(f"def params(v):\n    return {body}\n", env)  # noqa: S102 - our own names
        return env["params"]

    def convert(self, rows: list, description) -> list:
        convert = self._results
        if convert is None:
            codes = [d[1] for d in description or ()]
            procs = [t.result_processor(self._dialect, codes[i] if i < len(codes) else None)
                     for i, t in enumerate(self._types)]
            if any(procs):
                env = {f"f{i}": p for i, p in enumerate(procs)}
                items = "".join(f"f{i}(r[{i}]), " if p is not None else f"r[{i}], "
                                for i, p in enumerate(procs))
                exec(f"def convert(rows):\n    return [({items}) for r in rows]\n", env)  # noqa: S102
                convert = env["convert"]
            else:
                convert = False
            self._results = convert
        return convert(rows) if convert else rows


def _open_gate(path: str) -> int | None:
    """The writers' lock file next to a SQLite database (None where it cannot be made, e.g. a
    read-only folder, or without fcntl)."""
    try:
        import fcntl  # noqa: F401 - POSIX only

        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except (ImportError, OSError):
        return None


class RawConnection:
    """A DBAPI connection with the transaction rules of :class:`Database` (see the module
    docstring): ``begin_write`` is ``BEGIN IMMEDIATE`` on SQLite, ``begin_read`` a deferred
    ``BEGIN``; on PostgreSQL both start an ordinary transaction (rows are locked with
    ``FOR UPDATE`` in the statements)."""

    __slots__ = ("_gate", "_gated", "cursor", "dbapi", "in_transaction", "sqlite")

    def __init__(self, dbapi_connection, dialect: str, gate_path: str | None = None) -> None:
        self.dbapi = dbapi_connection
        self.cursor = dbapi_connection.cursor()
        self.sqlite = dialect == "sqlite"
        self.in_transaction = False
        self._gate = _open_gate(gate_path) if self.sqlite and gate_path else None
        self._gated = False

    def begin_read(self) -> None:
        if self.sqlite:
            self.cursor.execute("BEGIN")
        self.in_transaction = True

    def begin_write(self) -> None:
        if self.sqlite:
            if self._gate is not None:
                # Queue for the write lock on a blocking file lock: SQLite's busy handler
                # polls (sleeps 1, 2, 5, ... ms), longer than a whole enrolment here, while
                # a blocked flock() wakes as soon as the holder commits. BEGIN IMMEDIATE
                # still guards the data (writers that skip the gate are merely polled).
                import fcntl

                fcntl.flock(self._gate, fcntl.LOCK_EX)
                self._gated = True
            try:
                self.cursor.execute("BEGIN IMMEDIATE")
            except BaseException:
                self._ungate()
                raise
        self.in_transaction = True

    def _ungate(self) -> None:
        if self._gated and self._gate is not None:
            import fcntl

            self._gated = False
            fcntl.flock(self._gate, fcntl.LOCK_UN)

    def commit(self) -> None:
        if self.sqlite:
            try:
                self.cursor.execute("COMMIT")
            finally:
                self._ungate()
        else:
            self.dbapi.commit()
        self.in_transaction = False

    def rollback(self) -> None:
        if self.sqlite:
            try:
                if self.dbapi.in_transaction:
                    self.cursor.execute("ROLLBACK")
            finally:
                self._ungate()
        else:
            self.dbapi.rollback()
        self.in_transaction = False

    def close(self) -> None:
        """Back to the pool (which resets it)."""
        try:
            self.dbapi.close()
        except Exception:  # noqa: BLE001, S110 - an unusable connection is dropped by the pool
            pass
        if self._gate is not None:
            self._ungate()
            os.close(self._gate)
            self._gate = None

    def all(self, stmt: Prepared, values: dict | tuple | None = None,
            fields: tuple[str, ...] | None = None) -> list[tuple]:
        """The rows of ``stmt``; ``values`` a dict, or a tuple in the order of ``fields``."""
        cur = self.cursor
        cur.execute(stmt.sql, (stmt.params if fields is None else stmt.row_params(fields))(
            values if values is not None else {}))
        return stmt.convert(cur.fetchall(), cur.description)

    def execute(self, stmt: Prepared, values: dict | None = None) -> None:
        self.cursor.execute(stmt.sql, stmt.params(values or {}))

    def executemany(
        self, stmt: Prepared, rows: list, fields: tuple[str, ...] | None = None
    ) -> None:
        """Run ``stmt`` for every row: dicts, or tuples in the order of ``fields``."""
        if rows:
            params = stmt.params if fields is None else stmt.row_params(fields)
            self.cursor.executemany(stmt.sql, [params(r) for r in rows])
