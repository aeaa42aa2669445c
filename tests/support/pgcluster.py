"""A throwaway PostgreSQL cluster for tests and benchmarks.

    with throwaway_cluster() as url:      # postgresql+psycopg://postgres@127.0.0.1:PORT/usis
        db = Database(url)

The cluster is made with ``initdb -A trust`` in a fresh temporary directory, started with
``pg_ctl`` listening only on 127.0.0.1 (a free port) and a Unix socket in that directory, with
``fsync=off`` (it is thrown away, durability does not matter), stopped with
``pg_ctl -m fast stop`` and deleted afterwards. PostgreSQL refuses to run as root, so when we
are root the binaries run as the ``postgres`` user through ``runuser -u postgres --`` and the
directory is handed to that user. ``find_pg_bin()`` returns None when PostgreSQL is missing.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEFAULT_DBNAME = "usis"
SUPERUSER = "postgres"
_SOCKET_PATH_MAX = 90  # a Unix socket path must stay under ~107 bytes


class PgUnavailable(RuntimeError):
    """PostgreSQL binaries (or a user to run them as) are not available."""


def find_pg_bin() -> Path | None:
    """The directory holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    env = os.environ.get("USIS_PG_BINDIR")
    if env is not None:  # an explicit choice; USIS_PG_BINDIR=none acts as "not installed"
        path = Path(env)
        return path if (path / "initdb").is_file() and (path / "pg_ctl").is_file() else None
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                 timeout=10, check=True).stdout.strip()
            if out:
                candidates.append(Path(out))
        except (OSError, subprocess.SubprocessError):
            pass
    candidates.append(Path("/usr/lib/postgresql/15/bin"))
    candidates.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True))
    for path in candidates:
        if (path / "initdb").is_file() and (path / "pg_ctl").is_file():
            return path
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


class PgCluster:
    """One private PostgreSQL cluster. Use as a context manager or call start()/stop()."""

    def __init__(self, base_dir: str | os.PathLike | None = None, *, dbname: str = DEFAULT_DBNAME,
                 bindir: str | os.PathLike | None = None,
                 settings: dict[str, str] | None = None) -> None:
        found = Path(bindir) if bindir else find_pg_bin()
        if found is None:
            raise PgUnavailable("PostgreSQL is not installed (no initdb/pg_ctl under "
                                "`pg_config --bindir` or /usr/lib/postgresql/*/bin).")
        self.bindir = found
        self.base_dir = Path(base_dir) if base_dir else None
        self.dbname = dbname
        self.settings = {"fsync": "off", "synchronous_commit": "off",
                         "full_page_writes": "off", "max_connections": "200",
                         **(settings or {})}
        self.port: int | None = None
        self.root: Path | None = None
        self._extra_dirs: list[Path] = []
        self._running = False
        self._as_postgres = _is_root()
        if self._as_postgres and shutil.which("runuser") is None:
            raise PgUnavailable(
                "running as root but `runuser` is missing: cannot start PostgreSQL.")

    # -- paths and commands ------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        assert self.root is not None
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        assert self.root is not None
        return self.root / "postgres.log"

    def url_for(self, dbname: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    @property
    def url(self) -> str:
        return self.url_for(self.dbname)

    @property
    def dsn(self) -> str:
        """A libpq DSN (for psycopg.connect) for the default database."""
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={self.dbname}"

    def _run(self, *args: str, check: bool = True,
             timeout: float = 120) -> subprocess.CompletedProcess:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self._as_postgres:
            cmd = ["runuser", "-u", SUPERUSER, "--", *cmd]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C"
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                cwd=str(self.root), env=env)
        if check and result.returncode != 0:
            log = ""
            if self.root and self.log_file.exists():
                log = self.log_file.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{args[0]} failed ({result.returncode}): "
                               f"{result.stderr.strip() or result.stdout.strip()}\n{log}")
        return result

    def _make_dir(self, parent: Path | None, prefix: str) -> Path:
        path = Path(tempfile.mkdtemp(prefix=prefix, dir=str(parent) if parent else None))
        if self._as_postgres:
            shutil.chown(path, SUPERUSER, SUPERUSER)
        return path

    def _postgres_can_enter(self, path: Path) -> bool:
        if not self._as_postgres:
            return True
        probe = subprocess.run(["runuser", "-u", SUPERUSER, "--", "test", "-w", str(path)],
                               capture_output=True, cwd="/")
        return probe.returncode == 0

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> str:
        """initdb, start on a free port, create the database; return its SQLAlchemy URL."""
        if self._running:
            return self.url
        root = self._make_dir(self.base_dir, "usis-pg-")
        if not self._postgres_can_enter(root):  # e.g. under root's 0700 pytest temp folder
            shutil.rmtree(root, ignore_errors=True)
            root = self._make_dir(None, "usis-pg-")
        self.root = root
        self._run("initdb", "-D", str(self.data_dir), "-A", "trust", "-U", SUPERUSER,
                  "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
        socket_dir = self.root
        if len(str(socket_dir)) > _SOCKET_PATH_MAX:
            socket_dir = self._make_dir(Path("/tmp"), "usis-pgs-")
            self._extra_dirs.append(socket_dir)
        options = " ".join(f"-c {k}={v}" for k, v in self.settings.items())
        last_error: Exception | None = None
        for _attempt in range(5):  # another process may grab the free port first
            self.port = _free_port()
            try:
                self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file), "-w",
                          "-t", "60", "-o",
                          f"-c listen_addresses=127.0.0.1 -p {self.port} -k {socket_dir} {options}",
                          "start")
                break
            except RuntimeError as exc:
                last_error = exc
        else:
            self._cleanup()
            raise RuntimeError(f"could not start PostgreSQL: {last_error}")
        self._running = True
        atexit.register(self.stop)
        try:
            self.create_database(self.dbname)
        except Exception:
            self.stop()
            raise
        return self.url

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its directory. Safe to call twice."""
        if self._running:
            self._running = False
            try:
                self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "60",
                          "stop", check=False)
            finally:
                atexit.unregister(self.stop)
        self._cleanup()

    def _cleanup(self) -> None:
        for path in [self.root, *self._extra_dirs]:
            if path is not None:
                shutil.rmtree(path, ignore_errors=True)
        self._extra_dirs.clear()
        self.root = None

    def __enter__(self) -> PgCluster:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # -- databases ---------------------------------------------------------------------------
    def execute(self, sql: str, dbname: str = "postgres") -> None:
        """Run one statement in autocommit mode (CREATE/DROP DATABASE need it)."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=dbname,
                             autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, name: str, template: str | None = None) -> str:
        """CREATE DATABASE name [TEMPLATE template]; returns its URL."""
        clause = f' TEMPLATE "{template}"' if template else ""
        self.execute(f'CREATE DATABASE "{name}"{clause}')
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def throwaway_cluster(base_dir: str | os.PathLike | None = None, *,
                      dbname: str = DEFAULT_DBNAME) -> Iterator[str]:
    """Start a private PostgreSQL cluster and yield the URL of its empty ``dbname`` database."""
    cluster = PgCluster(base_dir, dbname=dbname)
    try:
        yield cluster.start()
    finally:
        cluster.stop()
