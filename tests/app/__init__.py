"""Pilot tests of the screens.

A package so that a test module here may share its basename with one in tests/unit (e.g.
test_timetable.py in both; pytest's default "prepend" import mode refuses two top-level modules
of the same name). The helpers stay importable as before, ``from enrol_helpers import ...``:
tests/app is on pytest's pythonpath (pyproject.toml).
"""
