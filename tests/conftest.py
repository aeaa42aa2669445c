"""Shared fixtures: a fresh SQLite file database per test, a scenario builder, a frozen clock
that tests can move, and the ``Usis`` facade on top of them."""

from __future__ import annotations

import itertools
import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from factories import NOW, Scenario  # tests/ is on pytest's pythonpath (pyproject.toml)

from usis_tui.db import Database
from usis_tui.services import Usis


class Clock:
    """A frozen clock: ``clock.set(dt)`` or ``clock.advance(minutes=16)`` to move it."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> None:
        self.now = now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture(autouse=True)
def quick_idle(monkeypatch):
    """Textual's Pilot waits after every key press and pause until the process has been idle
    for a whole window of 20 ms (textual._wait), a window longer than a frame (60 per second,
    16.7 ms) so that what waits for the next refresh has happened. Most of a keyboard-driven
    test's time went into those windows (tests/app/test_placement.py: 10 of its 14 s). Here
    the window is 5 ms and the screen refreshes 250 times a second (4 ms): still longer than
    a frame, a quarter of the wait. Nothing else changes: the same keys, the same checks.
    Every test uses it (autouse): the app tests, snapshots and replay wait for their workers
    explicitly (helpers.settle), not on the idle window."""
    import textual._wait
    import textual.screen

    monkeypatch.setattr(textual.screen, "UPDATE_PERIOD", 1 / 250)
    monkeypatch.setattr(textual._wait, "SLEEP_GRANULARITY", 0.005)
    monkeypatch.setattr(textual._wait, "SLEEP_IDLE", 0.005 / 20)


@pytest.fixture
def smtp(monkeypatch):
    """A local SMTP server (tests/support/mail_server.py) that uSis is configured to send to."""
    from support.mail_server import MailServer

    server = MailServer()
    monkeypatch.setenv("USIS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("USIS_SMTP_PORT", str(server.port))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def schema_file(tmp_path_factory) -> Path:
    """An empty database with the schema and the academic year 2026-2027, made once:
    copying it is ~7x faster than creating the schema for every test."""
    path = tmp_path_factory.mktemp("template") / "usis.db"
    scenario = Scenario.create(path)
    scenario.year()
    scenario.db.dispose()  # checkpoints the WAL into the file
    return path


# ---------------------------------------------------------------------- backends
# The service tests in tests/unit run on SQLite and on a throwaway PostgreSQL 15 cluster (one per
# test session / xdist worker, see tests/support/pgcluster.py). Each PostgreSQL test gets a
# fresh database copied from a template (CREATE DATABASE ... TEMPLATE). Tests that are about
# SQLite itself carry ``@pytest.mark.sqlite_only``; USIS_TEST_BACKENDS=sqlite skips PostgreSQL.
BACKENDS = ("sqlite", "postgresql")
BOTH_BACKENDS_DIRS = ("unit",)  # test folders whose tests run on both backends
SQLITE_ONLY_MODULES = {"test_timetable.py"}  # read-only rendering, no backend specifics


def _wanted_backends() -> list[str]:
    wanted = os.environ.get("USIS_TEST_BACKENDS", ",".join(BACKENDS))
    return [b for b in BACKENDS if b in {w.strip() for w in wanted.split(",")}] or ["sqlite"]


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames:
        return
    path = Path(str(metafunc.definition.path))
    # elsewhere, a test that names ``backend`` itself runs on both (e.g. tests/reliability)
    asked = "backend" in metafunc.definition._fixtureinfo.argnames
    if ((path.parent.name not in BOTH_BACKENDS_DIRS and not asked)
            or path.name in SQLITE_ONLY_MODULES
            or metafunc.definition.get_closest_marker("sqlite_only")):
        return  # the backend fixture defaults to sqlite, test ids unchanged
    params = [pytest.param(b, marks=[pytest.mark.postgresql] if b == "postgresql" else [])
              for b in _wanted_backends()]
    metafunc.parametrize("backend", params, indirect=True)


@pytest.fixture
def backend(request) -> str:
    """"sqlite" or "postgresql": which database the service test runs on."""
    return getattr(request, "param", "sqlite")


class PgDatabases:
    """Fresh databases on one session cluster, copied from named templates."""

    def __init__(self, cluster) -> None:
        self.cluster = cluster
        self._templates: dict[str, str] = {}
        self._seq = itertools.count(1)

    def template(self, name: str, build) -> str:
        """Create template ``name`` once with ``build(url)``; returns its database name."""
        if name not in self._templates:
            self.cluster.create_database(name)
            build(self.cluster.url_for(name))
            self._templates[name] = name
        return self._templates[name]

    def fresh(self, template: str) -> tuple[str, str]:
        """(database name, URL) of a new copy of ``template``."""
        name = f"t{os.getpid()}_{next(self._seq)}"
        return name, self.cluster.create_database(name, template=template)

    def drop(self, name: str) -> None:
        self.cluster.drop_database(name)


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory):
    """A throwaway PostgreSQL cluster for this session (or xdist worker)."""
    from support.pgcluster import PgCluster, find_pg_bin

    if find_pg_bin() is None:
        pytest.skip("PostgreSQL is not installed (no initdb under `pg_config --bindir` or "
                    "/usr/lib/postgresql/*/bin): the PostgreSQL variants are skipped; "
                    ".ci/run installs it")
    cluster = PgCluster(tmp_path_factory.getbasetemp())
    cluster.start()
    yield PgDatabases(cluster)
    cluster.stop()


def _build_schema(url: str) -> None:
    scenario = Scenario(Database(url))
    scenario.db.create_schema()
    scenario.year()
    scenario.db.dispose()


@pytest.fixture
def db_url(backend: str, request, tmp_path: Path) -> str:
    """URL of a fresh database with the schema and the year 2026-2027, on ``backend``."""
    if backend == "sqlite":
        schema = request.getfixturevalue("schema_file")
        shutil.copyfile(schema, tmp_path / "usis.db")
        return f"sqlite:///{tmp_path / 'usis.db'}"
    pg = request.getfixturevalue("pg_cluster")
    name, url = pg.fresh(pg.template("tpl_schema", _build_schema))
    request.addfinalizer(lambda: pg.drop(name))
    return url


@pytest.fixture
def sc(db_url: str):
    """A scenario builder on a fresh database of its own (SQLite file or PostgreSQL)."""
    scenario = Scenario(Database(db_url))
    scenario.year()  # "2026-2027", the year of NOW
    yield scenario
    scenario.db.dispose()


@pytest.fixture
def demo_db_url(demo_db_url, backend: str, request) -> str:
    """The root fixture's fresh demo copy on SQLite; on PostgreSQL a fresh copy of the demo
    database seeded once per session (same clock, same catalogue)."""
    if backend == "sqlite":
        return demo_db_url
    pg = request.getfixturevalue("pg_cluster")
    now = request.getfixturevalue("demo_now")

    def seed(url: str) -> None:
        from usis_tui.data.demo import seed_demo

        db = Database(url)
        seed_demo(db, now)
        db.dispose()

    name, url = pg.fresh(pg.template("tpl_demo", seed))
    request.addfinalizer(lambda: pg.drop(name))
    return url


@pytest.fixture
def db(sc: Scenario):
    return sc.db


@pytest.fixture
def usis(sc: Scenario, clock: Clock) -> Usis:
    return Usis(sc.db, clock=clock)
