"""Crash safety: a process enrolling a 5-class Shopping cart is SIGKILLed at 50 random points.

A zygote process (crash_worker.py) imports everything once and forks one child per attempt;
the child pauses a few milliseconds as every SQL statement starts, BEGIN and COMMIT included
(sqlite3's trace callback: "hooks"). A calibration enrolment counts the hooks; then every hook,
and after the commit, is a kill point (seeded random extra points up to 50), and the kill lands
a random 0-1.5 pauses after it: just before a statement, inside it, or inside the commit.
After each kill, on the same SQLite file: ``PRAGMA integrity_check`` is ok, foreign keys hold,
the student has all 5 classes (and an empty cart) or none (and the 5 cart lines), and every
class's enrolled_count / waitlist_count equal its Enrolment rows.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from factories import NOW

from usis_tui.models import CartItem

pytestmark = pytest.mark.slow

KILLS = 50
CLASSES = ["1101", "1102", "1103", "1104", "1105"]
DELAY_MS = 2
WORKER = Path(__file__).with_name("crash_worker.py")


class Zygote:
    def __init__(self, url: str, warm: str) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH", "")])}
        self.proc = subprocess.Popen([sys.executable, str(WORKER), url, str(DELAY_MS), warm],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                                     text=True, bufsize=1)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        assert self.expect("ready") == ["ready"]

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.strip())

    def expect(self, *words: str) -> list[str]:
        """The next line whose first word is one of ``words`` (an ``error`` line fails)."""
        while True:
            try:
                line = self.lines.get(timeout=60)
            except queue.Empty as empty:
                raise AssertionError(
                    f"the crash worker said nothing while waiting for {words}") from empty
            parts = line.split()
            assert parts and parts[0] != "error", line
            if parts[0] in words:
                return parts

    def enrol(self, number: str, stop_at: int = -1) -> int:
        self.proc.stdin.write(f"enrol {number} {stop_at}\n")
        self.proc.stdin.flush()
        return int(self.expect("go")[1])

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def check(path: Path, student_id: int) -> str:
    """The database is intact and the student's cart is all or nothing: 'all' or 'none'."""
    con = sqlite3.connect(path, timeout=30)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        placed = con.execute(
            "SELECT count(*) FROM enrolment WHERE student_id = ? "
            "AND status IN ('enrolled', 'waitlisted')", (student_id,)).fetchone()[0]
        in_cart = con.execute("SELECT count(*) FROM cart_item WHERE student_id = ?",
                              (student_id,)).fetchone()[0]
        assert (placed, in_cart) in {(5, 0), (0, 5)}, (
            f"half-enrolled: {placed} placed, {in_cart} in cart")
        drift = con.execute("""
            SELECT c.class_number, c.enrolled_count, c.waitlist_count,
                   (SELECT count(*) FROM enrolment e WHERE e.section_id = c.id
                     AND e.status = 'enrolled'),
                   (SELECT count(*) FROM enrolment e WHERE e.section_id = c.id
                     AND e.status = 'waitlisted')
            FROM class_section c""").fetchall()
        bad = [row for row in drift if row[1:3] != row[3:5]]
        assert not bad, f"counters differ from the rows (class, counts, rows): {bad}"
        return "all" if placed else "none"
    finally:
        con.close()


def test_sigkill_during_cart_enrolment_never_half_enrols(sc):
    sections = [sc.section(n, capacity=100 if n != "1105" else 8, waitlist_capacity=100)
                for n in CLASSES]  # 1105 fills up: later carts go to its wait list
    students = [sc.student() for _ in range(KILLS + 1)]
    with sc.db.write() as session:  # every student has the 5 classes in the cart
        session.add_all(CartItem(student_id=s.id, section_id=c.id, wait_list_ok=True,
                                 added_at=NOW) for s in students for c in sections)
    path = Path(sc.db.url.removeprefix("sqlite:///"))
    sc.db.dispose()

    zygote = Zygote(sc.db.url, warm=students[0].number)
    try:
        # calibration: an enrolment left to finish counts the statements (hooks)
        zygote.enrol(students[0].number)
        hooks = int(zygote.expect("done")[3])
        assert zygote.expect("exit")[2] == "0"
        assert check(path, students[0].id) == "all"
        assert hooks >= 10, hooks  # the hook sees the transaction's statements

        rng = random.Random(20261123)
        points = list(range(hooks + 1))  # hook k, or hooks = after the commit
        points = (rng.sample(points, KILLS) if len(points) > KILLS
                  else points + [rng.choice(points) for _ in range(KILLS - len(points))])
        rng.shuffle(points)
        outcomes = {"all": 0, "none": 0}
        killed = 0
        for s, stop_at in zip(students[1:], points, strict=True):
            pid = zygote.enrol(s.number, stop_at)
            where = zygote.expect("at", "done")[0]
            time.sleep(rng.uniform(0, DELAY_MS * 1.5) / 1000)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:  # finished and reaped: only after the commit
                assert where == "done"
            status = int(zygote.expect("exit")[2])
            killed += os.WIFSIGNALED(status)
            outcomes[check(path, s.id)] += 1
    finally:
        zygote.close()

    # The kills landed on both sides of the commit. Most land mid-transaction; under heavy load
    # a child stopped near the end may finish its last 2 ms pauses before the signal arrives
    # (seen once in CI-like runs: 48 of 49), so this checks "most", not "every".
    assert killed >= (KILLS - points.count(hooks)) * 3 // 4, (killed, outcomes)
    assert outcomes["none"] >= 5 and outcomes["all"] >= 1, outcomes
