"""Snapshots of the petition screens on a fresh copy of the demo database (clock: DEMO_NOW), as
the master student s7654321 or the Board of Examiners: the list, the form, its error state, the
review, the detail with the Board's explanation, the Board's queue and its decision form; at
120x40 and, for the list, the form and the queue, at 80x24.

Update with ``pytest tests/snapshots/test_petition_snapshots.py --snapshot-update`` and look at
every changed SVG before accepting it.
"""

from __future__ import annotations

from helpers import make_app
from petition_helpers import (
    SIZE,
    choose_radio,
    fill_external_elective,
    open_petitions,
    open_queue,
    press_button,
    settle_reloads,
    steady,
    type_into,
)

NARROW = (80, 24)


def run(*steps):
    """run_before: the steps in order, then wait for workers and steady cursors."""
    async def run_before(pilot) -> None:
        for step in steps:
            await step(pilot)
        await settle_reloads(pilot)
        steady(pilot)
        await pilot.pause()
    return run_before


async def petitions(pilot) -> None:
    await open_petitions(pilot)


async def queue(pilot) -> None:
    await open_queue(pilot)


async def external_form(pilot) -> None:
    """Submit request → External education: the empty form."""
    await pilot.press("n")
    await settle_reloads(pilot)
    await pilot.press("down", "down", "down", "enter")
    await settle_reloads(pilot)


async def form_with_errors(pilot) -> None:
    await external_form(pilot)
    await type_into(pilot, "#f-ec", "seven", keys=False)
    await type_into(pilot, "#f-course_start", "02-11-2026", keys=False)
    await choose_radio(pilot, "#f-institution_type", 1)  # HBO, without the form
    await press_button(pilot, "#form-review")


async def review(pilot) -> None:
    await fill_external_elective(pilot)
    await press_button(pilot, "#form-review")


async def approved_detail(pilot) -> None:
    await pilot.press("down", "down", "enter")  # 000001: Approved, with the explanation
    await settle_reloads(pilot)


async def decision(pilot) -> None:
    await pilot.press("enter")  # 000002: the Board's decision
    await settle_reloads(pilot)
    steady(pilot)
    await choose_radio(pilot, "#d-outcome", 0)
    await type_into(pilot, "#d-decision_number", "26-27 LIACS 129", keys=False)
    await choose_radio(pilot, "#d-decision_type", 0)
    pilot.app.screen.query_one("#d-decision_number").focus()


def test_petition_list(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE, run_before=run(petitions))


def test_petition_list_80x24(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=NARROW, run_before=run(petitions))


def test_choose_type(snap_compare, demo_db_url):
    async def choose(pilot) -> None:
        await pilot.press("n")
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=run(petitions, choose))


def test_form(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=run(petitions, external_form))


def test_form_80x24(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=NARROW,
                        run_before=run(petitions, external_form))


def test_form_errors(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=run(petitions, form_with_errors))


def test_review(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=run(petitions, review))


def test_detail_with_explanation(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=run(petitions, approved_detail))






def test_board_decision(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=run(queue, decision))
