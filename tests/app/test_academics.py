"""My Academics in the app, as s1234567 in the demo: the Student Center links, Study results
with totals and the resit key, Academic requirements with the BSA and a what-if, and "Which
courses do I still need to follow?" planning into the Shopping cart."""

from __future__ import annotations

from helpers import DEMO_NOW, make_app, settle
from shell_helpers import signed_in, text_of

from usis_tui.services import Usis


async def test_student_center_links_my_academics(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await signed_in(pilot)
        await app.navigate("Student Center")
        await settle(pilot)
        block = app.screen.query_one("#block-academics")
        shown = " ".join(text_of(w) for w in block.query("Static"))
        assert "coming in a later release" not in shown
        for link in ("#link-study-results", "#link-academic-requirements",
                     "#link-courses-still-needed", "#link-brightspace"):
            assert block.query_one(link) is not None
        app.screen.query_one("#link-study-results").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.usis_page == "Study results"


async def test_study_results_and_the_resit_key(demo_db_url, demo_summary):
    app = make_app(demo_db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await signed_in(pilot)
        await app.navigate("Study results")
        await settle(pilot)
        screen = app.screen
        assert "EC earned in 2026-2027: 24 EC" in text_of(screen.query_one("#results-summary"))
        titles = [ln.title for ln in screen.data.lines]
        assert "Computer Networks" in titles
        assert "Automata and Complexity Theory" not in titles  # not released yet
        table = screen.query_one("#results-list")
        table.move_cursor(row=titles.index("Computer Networks"))
        await pilot.pause()
        resit = demo_summary.highlights["resit"]
        assert f"Resit {resit}: enrol until" in text_of(screen.query_one("#results-detail"))
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert screen.query_one("#results-history").has_class("-shown")
    usis = Usis.open(demo_db_url, clock=lambda: DEMO_NOW)
    try:
        assert resit in [ln.cls.class_number for ln in usis.cart.list("s1234567", "2026-2027")]
    finally:
        usis.close()


async def test_requirements_bsa_and_what_if(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await signed_in(pilot)
        await app.navigate("Academic requirements")
        await settle(pilot)
        screen = app.screen
        assert screen.report.programme.code == "BSC-CS" and not screen.report.what_if
        assert "BSA 2026-2027" in text_of(screen.query_one("#requirements-bsa"))
        await pilot.press("w")
        await settle(pilot)
        options = app.screen.query_one("OptionList")
        options.highlighted = next(i for i, o in enumerate(options.options)
                                   if o.id == "MSC-STAT")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and screen.report.what_if
        assert screen.report.programme.code == "MSC-STAT"
        assert "What-if" in text_of(screen.query_one("#requirements-whatif"))
        assert screen.query_one("#requirements-bsa").has_class("-hidden")
        await pilot.press("w")  # back to her own programme
        await settle(pilot)
        assert not screen.report.what_if


async def test_plan_the_courses_still_needed_into_the_cart(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot)
        await app.navigate("Courses still needed")
        await settle(pilot)
        planned = [c.catalogue_number for c in app.screen.data.courses if c.plan]
        assert planned
        await pilot.press("p")
        await settle(pilot)
        assert not any(c.plan for c in app.screen.data.courses)
        await pilot.press("p")  # again: refused on the page, the app stays up
        await settle(pilot)
        assert "There is nothing to plan" in text_of(app.screen.query_one("#needed-problems"))
    usis = Usis.open(demo_db_url, clock=lambda: DEMO_NOW)
    try:
        cart = {ln.cls.catalogue_number for ln in usis.cart.list("s1234567", "2026-2027")}
        assert set(planned) <= cart
    finally:
        usis.close()
