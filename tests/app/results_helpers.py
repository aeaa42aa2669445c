"""Helpers for the Register results Pilot tests and snapshots: the Board of Examiners on the
demo database opens the exam classes, finds a class and types grades into its grid."""

from __future__ import annotations

from helpers import settle
from petition_helpers import as_board, started, steady


async def open_classes(pilot) -> None:
    """Signed in as the board (identity set directly), on Register results."""
    await started(pilot)
    await as_board(pilot)
    await pilot.app.navigate("Register results")
    await settle(pilot, cancelled_ok=True)
    steady(pilot)


async def open_class(pilot, number: str) -> None:
    """From the class list: ctrl+f, the class number, Enter (to the table), Enter (open)."""
    await pilot.press("ctrl+f", *number, "enter")
    await settle(pilot, cancelled_ok=True)
    await pilot.press("enter")
    await settle(pilot, cancelled_ok=True)
    steady(pilot)


async def type_grades(pilot, *grades: str) -> None:
    """Type each grade into the field and press Enter (the next row is highlighted)."""
    for grade in grades:
        await pilot.press(*grade, "enter")
    await settle(pilot, cancelled_ok=True)
