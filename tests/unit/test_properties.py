"""Random sequences of cart / enrol / drop / swap against a small model of uSis.

The model is an independent oracle: it knows which classes clash (written down by hand below,
not computed by the service's clash code), the capacities, and the FCFS wait list. After every
step the database must match the model exactly, and the seat invariants must hold.
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from factories import NOW, YEAR, Scenario, check_invariants, dump
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from sqlalchemy import select

from usis_tui.db import Database
from usis_tui.models import CartItem, Enrolment
from usis_tui.services import ServiceError, Usis
from usis_tui.services.schemas import EnrolRequest

pytestmark = pytest.mark.slow

SEP_OCT = (date(2026, 9, 1), date(2026, 10, 23))
NOV_DEC = (date(2026, 10, 26), date(2026, 12, 18))
SEMESTER = (date(2026, 9, 1), date(2026, 12, 18))
# class: (capacity, wait list capacity, meeting)
CLASSES = {
    "A": (1, 3, (0, "09:00", "11:00", *SEP_OCT)),
    "B": (1, 2, (0, "10:00", "12:00", *SEMESTER)),
    "C": (1, 1, (1, "09:00", "11:00", *SEMESTER)),
    "D": (2, 2, (0, "09:00", "10:00", *SEMESTER, "38,40")),  # two Mondays in September
    "E": (1, 0, (0, "09:00", "11:00", *NOV_DEC)),
}
# Worked out by hand: A/B overlap 10-11 in Sep-Oct; A/D share 14 Sep and 28 Sep 09-10;
# B/E overlap 10-11 in Nov-Dec. D/B only touch at 10:00; A/E and D/E never share a date.
CLASH = {frozenset(p) for p in (("A", "B"), ("A", "D"), ("B", "E"))}
NAMES = sorted(CLASSES)
STUDENTS = 5


def clash(a: str, b: str) -> bool:
    return frozenset((a, b)) in CLASH


class Template:
    """One database with the scenario, built once and copied for every example."""

    path: Path | None = None
    sections: dict[str, int] = {}
    students: list[tuple[int, str]] = []

    @classmethod
    def get(cls) -> Path:
        if cls.path is None:
            folder = Path(tempfile.mkdtemp(prefix="usis-prop-"))
            atexit.register(shutil.rmtree, folder, True)
            sc = Scenario.create(folder / "template.db")
            sc.year()
            for i, (name, (cap, wl, meet)) in enumerate(sorted(CLASSES.items())):
                ref = sc.section(f"{1001 + i}", capacity=cap, waitlist_capacity=wl,
                                 meets=[meet], title=f"Class {name}")
                cls.sections[name] = ref.id
            cls.students = [(s.id, s.number) for s in (sc.student() for _ in range(STUDENTS))]
            sc.db.dispose()  # checkpoints the WAL into the file
            cls.path = folder / "template.db"
        return cls.path

    db: Database | None = None

    @classmethod
    def working(cls) -> Database:
        """The examples' database, every row as in the template."""
        template = cls.get()
        if cls.db is None:
            shutil.copy(template, template.with_name("working.db"))
            cls.db = Database(f"sqlite:///{template.with_name('working.db')}")
            atexit.register(cls.db.dispose)
            return cls.db
        source = sqlite3.connect(template)
        target = sqlite3.connect(template.with_name("working.db"))
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return cls.db


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


student_ix = st.integers(0, STUDENTS - 1)
class_name = st.sampled_from(NAMES)
wait_ok = st.sampled_from([True, True, False])  # mostly ask for the wait list: longer lists


class EnrolmentMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.db = self.fresh_database()
        self.clock = Clock()
        self.usis = Usis(self.db, clock=self.clock)
        self.sid = dict(Template.sections)
        self.name_of = {v: k for k, v in self.sid.items()}
        self.students = list(Template.students)
        # the model
        self.enrolled: dict[str, set[int]] = {c: set() for c in NAMES}
        self.waiting: dict[str, list[int]] = {c: [] for c in NAMES}
        self.cart: dict[int, list[tuple[str, bool]]] = {i: [] for i in range(STUDENTS)}

    def fresh_database(self) -> Database:
        """The template's data, copied into the one SQLite database this process keeps for the
        examples (the backup API, page by page): one engine serves them all, so SQLAlchemy
        compiles each statement once, not once per example (an eighth of the time)."""
        return Template.working()

    def teardown(self) -> None:
        pass  # the database is kept for the next example (fresh_database copies over it)

    # ---------------------------------------------------------------- model helpers
    def number(self, i: int) -> str:
        return self.students[i][1]

    def mine(self, i: int) -> set[str]:
        return {c for c in NAMES if i in self.enrolled[c]}

    def predict(self, i: int, requests: list[tuple[str, bool]], *,
                ignore: str | None = None) -> list[tuple[str, list[str]]]:
        """(outcome, sorted problem codes) per request, judged like uSis judges a batch."""
        sitting = self.mine(i) - {ignore}
        pending: list[str] = []  # accepted earlier in the batch (enrolled or waitlisted)
        out = []
        for c, wait in requests:
            codes = []
            if c in sitting or c in pending:
                codes.append("already_enrolled")
            elif i in self.waiting[c]:
                codes.append("already_waitlisted")
            # only classes the student sits in can clash, not wait list places
            codes += ["time_conflict" for other in sitting if clash(c, other)]
            cap, wl, _ = CLASSES[c]
            outcome = "enrolled"
            if len(self.enrolled[c]) >= cap:
                if not wait:
                    codes.append("class_full")
                elif len(self.waiting[c]) >= wl:
                    codes.append("class_and_waitlist_full")
                else:
                    outcome = "waitlisted"
            if codes:
                out.append(("failed", sorted(codes)))
            else:
                out.append((outcome, []))
                pending.append(c)
                if outcome == "enrolled":
                    sitting.add(c)
        return out

    def apply(self, i: int, requests, predicted, *, from_cart: bool = True) -> None:
        for (c, _), (outcome, _) in zip(requests, predicted, strict=True):
            if outcome == "enrolled":
                self.enrolled[c].add(i)
            elif outcome == "waitlisted":
                self.waiting[c].append(i)
            if outcome != "failed" and from_cart:
                self.cart[i] = [(x, w) for x, w in self.cart[i] if x != c]

    def promote(self, c: str) -> int:
        promoted = 0
        cap = CLASSES[c][0]
        while len(self.enrolled[c]) < cap:
            chosen = next((w for w in self.waiting[c]
                           if not any(clash(c, other) for other in self.mine(w))), None)
            if chosen is None:
                break
            self.waiting[c].remove(chosen)
            self.enrolled[c].add(chosen)
            promoted += 1
        return promoted

    def enrol(self, i: int, requests: list[tuple[str, bool]], all_or_nothing: bool,
              via_cart: bool) -> None:
        predicted = self.predict(i, requests)
        refused = any(o == "failed" for o, _ in predicted)
        before = dump(self.db) if refused and (all_or_nothing or all(
            o == "failed" for o, _ in predicted)) else None
        if via_cart:
            items = self.cart_item_ids(i)
            dry = self.usis.cart.validate(self.number(i), items)  # a dry run predicts Enrol
            assert [(r.outcome, sorted(p.code for p in r.problems)) for r in dry] == predicted
            results = self.usis.cart.enrol(self.number(i), items, all_or_nothing=all_or_nothing)
        else:
            results = self.usis.enrolment.enrol(
                self.number(i), [EnrolRequest(section_id=self.sid[c], wait_list_ok=w)
                                 for c, w in requests], all_or_nothing=all_or_nothing)
        assert [self.name_of[r.section_id] for r in results] == [c for c, _ in requests]
        got = [(r.outcome, sorted(p.code for p in r.problems)) for r in results]
        if all_or_nothing and refused:
            assert [o for o, _ in got] == ["failed"] * len(requests)
            assert [codes for _, codes in got] == [codes for _, codes in predicted]
        else:
            assert got == predicted
            self.apply(i, requests, predicted)
        if before is not None:
            assert dump(self.db) == before

    def cart_item_ids(self, i: int) -> list[int]:
        with self.db.read() as session:
            rows = session.execute(select(CartItem.id, CartItem.section_id)
                                   .where(CartItem.student_id == self.students[i][0])
                                   .order_by(CartItem.added_at, CartItem.id)).all()
        assert [self.name_of[sid] for _, sid in rows] == [c for c, _ in self.cart[i]]
        return [item_id for item_id, _ in rows]

    # ---------------------------------------------------------------- rules
    @initialize(order=st.permutations([(i, c) for i in range(STUDENTS) for c in NAMES]),
                n=st.integers(0, 12))
    def populate(self, order, n):
        """Start most examples with full classes and wait lists (through the service)."""
        for i, c in order[:n]:
            self.tick()
            self.enrol(i, [(c, True)], False, via_cart=False)

    def tick(self) -> None:
        self.clock.now += timedelta(minutes=1)

    @rule(i=student_ix, c=class_name, wait=wait_ok)
    def add_to_cart(self, i, c, wait):
        self.tick()
        expect_error = (i in self.enrolled[c] or i in self.waiting[c]
                        or c in [x for x, _ in self.cart[i]])
        if expect_error:
            before = dump(self.db)
            try:
                self.usis.cart.add(self.number(i), YEAR, str(1001 + NAMES.index(c)),
                                   wait_list_ok=wait)
            except ServiceError as err:
                assert err.code in ("already_enrolled", "already_waitlisted", "already_in_cart")
            else:
                raise AssertionError("cart.add should have refused")
            assert dump(self.db) == before
        else:
            line = self.usis.cart.add(self.number(i), YEAR, str(1001 + NAMES.index(c)),
                                      wait_list_ok=wait)
            [(outcome, codes)] = self.predict(i, [(c, wait)])
            assert (line.would, sorted(p.code for p in line.problems)) == (outcome, codes)
            self.cart[i].append((c, wait))

    @precondition(lambda self: any(self.cart.values()))
    @rule(i=student_ix, all_or_nothing=st.booleans())
    def enrol_cart(self, i, all_or_nothing):
        self.tick()
        if not self.cart[i]:
            try:
                self.usis.cart.enrol(self.number(i), [])
            except ServiceError as err:
                assert err.code == "nothing_selected"
            return
        self.enrol(i, list(self.cart[i]), all_or_nothing, via_cart=True)

    @rule(i=student_ix, cs=st.lists(class_name, min_size=1, max_size=3), wait=wait_ok,
          all_or_nothing=st.booleans())
    def enrol_direct(self, i, cs, wait, all_or_nothing):
        self.tick()
        self.enrol(i, [(c, wait) for c in cs], all_or_nothing, via_cart=False)

    def queueable(self) -> list[tuple[int, str]]:
        """(student, class) where the class is full, its wait list has room, and the student
        is not in it yet."""
        return [(i, c) for c in NAMES for i in range(STUDENTS)
                if len(self.enrolled[c]) >= CLASSES[c][0]
                and len(self.waiting[c]) < CLASSES[c][1]
                and i not in self.enrolled[c] and i not in self.waiting[c]]

    @precondition(lambda self: self.queueable())
    @rule(data=st.data())
    def join_a_wait_list(self, data):
        """Steer towards long wait lists (it may still be refused for a clash)."""
        self.tick()
        i, c = data.draw(st.sampled_from(self.queueable()), label="queue")
        self.enrol(i, [(c, True)], False, via_cart=False)

    def clashing_choices(self) -> list[tuple[int, str]]:
        """(student, class) where the class clashes with one the student waits for."""
        return sorted({(i, other) for c in NAMES for i in self.waiting[c]
                       for other in NAMES if clash(c, other)})

    @precondition(lambda self: self.clashing_choices())
    @rule(data=st.data(), wait=wait_ok)
    def enrol_against_a_wait_list_place(self, data, wait):
        """Steer towards promotions that must skip a student with a clash."""
        self.tick()
        i, c = data.draw(st.sampled_from(self.clashing_choices()), label="clashing")
        self.enrol(i, [(c, wait)], False, via_cart=False)

    def places(self, *, waiting: bool = True) -> list[tuple[int, str]]:
        """(student, class) of every seat, and of every wait list place if ``waiting``."""
        out = [(i, c) for c in NAMES for i in self.enrolled[c]]
        if waiting:
            out += [(i, c) for c in NAMES for i in self.waiting[c]]
        return sorted(out)

    def pick(self, data, known: list[tuple[int, str]], label: str) -> tuple[int, str]:
        """Mostly one of ``known`` (a real place), sometimes any student and class."""
        anything = st.tuples(student_ix, class_name)
        return data.draw(st.one_of(st.sampled_from(known), anything) if known else anything,
                         label=label)

    @rule(data=st.data())
    def drop(self, data):
        self.tick()
        self._drop(*self.pick(data, self.places(), "drop"))

    @rule(data=st.data(), b=class_name)
    def swap(self, data, b):
        self.tick()
        i, a = self.pick(data, self.places(waiting=False), "swap from")
        self._swap(i, a, b)

    def _drop(self, i, c):
        if i not in self.enrolled[c] and i not in self.waiting[c]:
            before = dump(self.db)
            try:
                self.usis.enrolment.drop(self.number(i), self.sid[c])
            except ServiceError as err:
                assert err.code == "not_enrolled"
            else:
                raise AssertionError("drop should have refused")
            assert dump(self.db) == before
            return
        result = self.usis.enrolment.drop(self.number(i), self.sid[c])
        if i in self.waiting[c]:
            self.waiting[c].remove(i)
            expected = 0
        else:
            self.enrolled[c].remove(i)
            expected = self.promote(c)  # the first eligible waitlisted student(s)
        assert result.promoted == expected

    def _swap(self, i, a, b):
        before = dump(self.db)
        if i not in self.enrolled[a] or a == b:
            try:
                self.usis.enrolment.swap(self.number(i), self.sid[a], self.sid[b])
            except ServiceError as err:
                assert err.code == ("same_class" if a == b else "not_enrolled")
            else:
                raise AssertionError("swap should have refused")
            assert dump(self.db) == before
            return
        [(outcome, codes)] = self.predict(i, [(b, False)], ignore=a)
        result = self.usis.enrolment.swap(self.number(i), self.sid[a], self.sid[b])
        assert (result.ok, sorted(p.code for p in result.problems)) == (outcome == "enrolled",
                                                                       codes)
        if not result.ok:
            assert dump(self.db) == before  # atomic: the old class stays
            return
        self.enrolled[a].remove(i)
        self.promote(a)
        self.enrolled[b].add(i)
        self.cart[i] = [(x, w) for x, w in self.cart[i] if x != b]

    # ---------------------------------------------------------------- invariants
    @invariant()
    def database_matches_the_model(self):
        check_invariants(self.db)  # counts = rows, <= capacity, positions 1..n FCFS, no clash
        with self.db.read() as session:
            rows = session.execute(select(Enrolment.section_id, Enrolment.student_id,
                                          Enrolment.status, Enrolment.waitlist_position)).all()
        index = {sid: i for i, (sid, _) in enumerate(self.students)}
        for c in NAMES:
            sid = self.sid[c]
            mine = [r for r in rows if r.section_id == sid]
            enrolled = {index[r.student_id] for r in mine if r.status == "enrolled"}
            waiting = [index[r.student_id] for r in sorted(
                (r for r in mine if r.status == "waitlisted"), key=lambda r: r.waitlist_position)]
            assert enrolled == self.enrolled[c], c
            assert waiting == self.waiting[c], c
        with self.db.read() as session:
            items = session.execute(select(CartItem.student_id, CartItem.section_id)
                                    .order_by(CartItem.added_at, CartItem.id)).all()
        for i, (student_id, _) in enumerate(self.students):
            assert [self.name_of[c] for s, c in items if s == student_id] == [
                c for c, _ in self.cart[i]]


EnrolmentMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=20, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
TestEnrolmentProperties = EnrolmentMachine.TestCase


# ---------------------------------------------------------------------- PostgreSQL variant
class PgEnrolmentMachine(EnrolmentMachine):
    """The same machine on a fresh PostgreSQL database per example (fewer examples: each costs
    a CREATE DATABASE). ``pg`` is the session cluster from tests/conftest.py."""

    pg = None
    template = None

    def fresh_database(self) -> Database:
        assert self.pg is not None and self.template is not None
        self.pg_name, url = self.pg.fresh(self.template)
        return Database(url)

    def teardown(self) -> None:
        self.db.dispose()
        self.pg.drop(self.pg_name)


def _build_pg_template(url: str) -> None:
    sc = Scenario(Database(url))
    sc.db.create_schema()
    sc.year()
    sections = {}
    for i, (name, (cap, wl, meet)) in enumerate(sorted(CLASSES.items())):
        sections[name] = sc.section(f"{1001 + i}", capacity=cap, waitlist_capacity=wl,
                                    meets=[meet], title=f"Class {name}").id
    students = [(s.id, s.number) for s in (sc.student() for _ in range(STUDENTS))]
    sc.db.dispose()
    # same insertion order on a fresh database: the same ids as the SQLite template
    assert (sections, students) == (Template.sections, Template.students)


@pytest.mark.postgresql
def test_properties_on_postgresql(pg_cluster):
    from hypothesis.stateful import run_state_machine_as_test

    Template.get()
    PgEnrolmentMachine.pg = pg_cluster
    PgEnrolmentMachine.template = pg_cluster.template("tpl_properties", _build_pg_template)
    run_state_machine_as_test(PgEnrolmentMachine, settings=settings(
        EnrolmentMachine.TestCase.settings, max_examples=10))
