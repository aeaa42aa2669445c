"""Zygote for tests/reliability/test_crash_safety.py (not a test module).

    python crash_worker.py sqlite:///usis.db DELAY_MS [WARM_STUDENT_NUMBER]

Imports everything and warms the engine once, prints ``ready``, then for each stdin line
``enrol <student number> <k>`` forks a child that enrols the student's whole Shopping cart
through the services. The child sleeps DELAY_MS as each SQL statement starts, BEGIN and
COMMIT included (the "hooks", numbered from 0), and prints ``at <k>`` when it reaches hook k, so
the test can SIGKILL it right there: before, or inside, any statement of the enrolment. The child
prints ``go <pid>`` just before the enrolment and ``done <pid> <seconds> <hooks>`` after it; the
zygote prints ``exit <pid> <status>`` once the child is gone (killed or not).
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime

from sqlalchemy import event

from usis_tui.db import Database
from usis_tui.services import Usis

NOW = datetime(2026, 9, 7, 10, 0)  # factories.NOW: enrolment open


def say(line: str) -> None:
    os.write(1, (line + "\n").encode())  # unbuffered, one write: lines never interleave


def child(usis: Usis, number: str, stop_at: int, delay: float) -> None:
    usis.db.engine.dispose(close=False)  # the parent's pooled connections are not ours
    hooks = -1  # not armed until the enrolment starts

    def hook(_sql: str) -> None:
        nonlocal hooks
        if hooks < 0:
            return
        if hooks == stop_at:
            say(f"at {hooks}")
        hooks += 1
        time.sleep(delay)

    # sqlite3's trace callback runs as every statement starts, BEGIN and COMMIT included, on
    # whichever path issues it (the ORM or a raw DB-API fast path)
    event.listen(usis.db.engine, "connect",
                 lambda dbapi_conn, _record: dbapi_conn.set_trace_callback(hook))
    items = [line.item_id for line in usis.cart.list(number)]
    say(f"go {os.getpid()}")
    hooks = 0
    t0 = time.perf_counter()
    usis.cart.enrol(number, items)
    say(f"done {os.getpid()} {time.perf_counter() - t0:.4f} {hooks}")


def main() -> None:
    url, delay = sys.argv[1], float(sys.argv[2]) / 1000
    usis = Usis(Database(url), clock=lambda: NOW)
    warm = sys.argv[3] if len(sys.argv) > 3 else None
    if warm:  # compile the cart and rule queries once, before forking (SQLAlchemy's cache)
        usis.cart.validate(warm, [line.item_id for line in usis.cart.list(warm)])
    usis.db.engine.dispose()
    say("ready")
    for line in sys.stdin:
        command, number, stop_at = (line.split() + ["", "", "-1"])[:3]
        if command != "enrol":
            continue
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                child(usis, number, int(stop_at), delay)
            except BaseException as exc:  # reported, then the parent test fails
                say(f"error {os.getpid()} {exc!r}")
                status = 1
            os._exit(status)
        _, status = os.waitpid(pid, 0)
        say(f"exit {pid} {status}")


if __name__ == "__main__":
    main()
