"""Pilot tests of the screens.

A package so that a test module here may share its basename with one in tests/unit (e.g.
test_timetable.py in both; pytest's default "prepend" import mode refuses two top-level modules
of the same name). The folder stays importable as before, for ``from enrol_helpers import ...``.
"""

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
