"""A small registration-day rush (500 students, 2 worker processes, a 3,000-section catalogue) on
SQLite and on a throwaway PostgreSQL cluster: no class overbooked, counters equal rows, wait
lists 1..n in arrival order, and the service and the plain-SQL floor write the same rows.
Never timing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def load_rush():
    """benchmarks/rush.py as ``benchmarks.rush`` (spawned workers import it by that name and
    unpickle its classes from it: load it once)."""
    if "benchmarks.rush" in sys.modules:
        return sys.modules["benchmarks.rush"]
    spec = importlib.util.spec_from_file_location("benchmarks.rush",
                                                  ROOT / "benchmarks" / "rush.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["benchmarks.rush"] = module
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    spec.loader.exec_module(module)
    return module


def assert_sound(prep, report) -> None:
    assert len(prep.carts) == 500
    assert all(5 <= len(cart) <= 6 for _n, cart in prep.carts)
    for run, result in ((report.service, report.service_check), (report.floor, report.floor_check)):
        assert result.overbooked == 0, run.name
        assert result.count_mismatch == 0, run.name
        assert result.order_violations == 0, run.name
        # The popular classes really were oversubscribed: some requests found class and
        # wait list full, and some students were waitlisted.
        assert run.outcomes.get("class_and_waitlist_full", 0) > 0, run.outcomes
        assert run.outcomes.get("waitlisted", 0) > 0, run.outcomes
        assert sum(run.outcomes.values()) == run.items
    # The service and the plain-SQL floor agree on what happened to the carts, and wrote the
    # same enrolments, counters, cart items, messages and audit entries.
    assert report.service.outcomes == report.floor.outcomes
    assert report.differences == []


def test_small_rush_never_overbooks(tmp_path):
    rush = load_rush()
    prep, report = rush.rush(tmp_path, students=500, workers=2, size=3000, log=lambda _s: None)
    assert_sound(prep, report)


@pytest.mark.postgresql
def test_small_rush_never_overbooks_on_postgresql(tmp_path):
    rush = load_rush()
    why = rush.postgresql_unavailable()
    if why:
        pytest.skip(why)
    from support.pgcluster import PgCluster

    with PgCluster(tmp_path) as cluster:
        prep, report = rush.rush_pg(cluster, students=500, workers=2, size=3000,
                                    log=lambda _s: None)
    assert prep.target.backend == "postgresql"
    assert_sound(prep, report)


def test_same_rows_notices_a_difference(tmp_path):
    """The service/floor comparison can fail: one extra message is found."""
    import sqlite3

    rush = load_rush()
    prep = rush.prepare(tmp_path, students=50, size=3000)
    a = rush.copy_target(prep, "a", directory=tmp_path)
    b = rush.copy_target(prep, "b", directory=tmp_path)
    assert rush.same_rows(a, b) == []
    with sqlite3.connect(b.path) as conn:
        conn.execute("INSERT INTO message (student_id, category, subject, body, created_at) "
                     "SELECT MIN(id), 'enrolment', 'x', 'y', '2026-11-23 09:00:00.000000' "
                     "FROM student")
    assert rush.same_rows(a, b) == ["messages"]


def test_popular_classes_get_five_times_their_seats():
    rush = load_rush()
    import random

    # (id, capacity, free seats, clash keys): two tutorials and plenty of other classes.
    candidates = [(1, 30, 20, frozenset({(0, "09:00", 1)})),
                  (2, 30, 30, frozenset({(1, "09:00", 1)}))]
    candidates += [(10 + i, 200, 200, frozenset({(i % 5, f"slot{i % 4}", i % 2)}))
                   for i in range(100)]
    carts, popular = rush.make_carts(candidates, 250, random.Random(1))
    assert popular == [1, 2]
    counts = {p: sum(p in cart for cart in carts) for p in popular}
    assert counts == {1: 100, 2: 150}
    assert all(5 <= len(c) <= 6 for c in carts)
