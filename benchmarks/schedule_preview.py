"""The schedule assistant's whole service call, ``usis.schedule.solve`` for s1234567 with four
courses of the coming semester on the demo database, before and after the week preview was made
cheap (only the shown week's meetings become occurrences; a meeting pattern's dates are computed
once), side by side in one run: the two versions alternate, PAIRS pairs, medians compared; their
results must be identical.

    python benchmarks/schedule_preview.py [PAIRS]

"Before" is kept here as it was (services/timetable.py ``build_week`` and ``meeting_dates`` up
to December 2026) and patched in for its turns.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta

from usis_tui.bootstrap import ensure_database
from usis_tui.db import Database
from usis_tui.models.catalogue import Meeting
from usis_tui.services import Usis, schedule, timetable

NOW = datetime(2026, 11, 23, 9, 30)
STUDENT = "s1234567"
FOUR = ["4031DATABY", "4031CNETY", "4031SENGY", "4031CCONY"]
NEW = (schedule.build_week, timetable.meeting_dates)


def old_meeting_dates(m):
    return Meeting(weekday=m.weekday, start_date=m.start_date, end_date=m.end_date,
                   weeks=m.weeks).dates()


def old_build_week(student_number, classes, day, today, kinds=timetable.KINDS):
    kinds = tuple(kinds)
    monday = timetable.monday_of(day)
    sunday = monday + timedelta(days=6)
    every = timetable.occurrences_of(classes, kinds=kinds)
    week = [o for o in every if monday <= o.day <= sunday]
    before = [o.day for o in every if o.day < monday]
    after = [o.day for o in every if o.day > sunday]
    return timetable.WeekView(student_number=student_number, monday=monday, today=today,
                              occurrences=week, previous_class=max(before) if before else None,
                              next_class=min(after) if after else None)


def use(old: bool) -> None:
    schedule.build_week, timetable.meeting_dates = (
        (old_build_week, old_meeting_dates) if old else NEW)


def main(pairs: int = 15) -> None:
    url = f"sqlite:///{tempfile.mkdtemp()}/demo.db"
    db = Database(url)
    ensure_database(db, NOW, demo=True)
    db.dispose()
    usis = Usis.open(url, clock=lambda: NOW)
    outcomes = {}
    for old in (True, False):  # (warm both, and compare)
        use(old)
        outcomes[old] = usis.schedule.solve(STUDENT, FOUR).model_dump()
    assert outcomes[True] == outcomes[False], "the two versions give different results"
    times: dict[bool, list[float]] = {True: [], False: []}
    for _pair in range(pairs):
        for old in (True, False):
            use(old)
            start = time.perf_counter()
            usis.schedule.solve(STUDENT, FOUR)
            times[old].append(time.perf_counter() - start)
    before, after = (statistics.median(times[k]) * 1000 for k in (True, False))
    print(f"usis.schedule.solve({STUDENT}, 4 courses), {pairs} pairs alternating, medians: "
          f"before {before:.1f} ms, after {after:.1f} ms, ratio {before / after:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
