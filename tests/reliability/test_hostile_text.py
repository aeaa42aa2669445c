"""Hostile text, table-driven: every string of tests/reliability/hostile.py through every path it
can enter, and on every screen where it shows afterwards.

Where it enters (services, the CLI): a string with control characters, bidi overrides or 10 kB
is refused with one clear message and the database is unchanged; anything else (markup, emoji,
zero-width characters) is stored exactly as typed.

Where it shows (planted straight into the database, as a damaged import or another program
could): the app does not crash, shows the text literally (markup as brackets, controls as ␛ …),
the frame sent to the terminal holds no escape sequence of it (no title change, no colour, no
hyperlink to evil.example), and clicking it fires no action. Found before: a petition course
name ``[@click=app.quit]`` quit the Board member's app on a click; ``[/]`` crashed "Petitions to
handle", the class search and Find a student; an instructor with ``[bold red]`` was styled; a
name with an OSC sequence changed the support terminal's title.
"""

from __future__ import annotations

import pytest
from helpers import second_factor, settle
from hostile import CLASS, HOSTILE, IDS, OTHER, STUDENT, Hostile, plant, terminal_problems, visible

from usis_tui.app import UsisApp

NOW = "2026-11-23T09:30"
SIZE = (120, 40)

pytestmark = pytest.mark.slow


@pytest.fixture(params=HOSTILE, ids=IDS)
def hostile(request) -> Hostile:
    return request.param


async def start(pilot, username: str) -> None:
    app = pilot.app
    for _ in range(400):
        if app.ready:
            break
        await pilot.pause(0.05)
    await settle(pilot)
    app.screen.query_one("#username").value = username
    app.screen.query_one("#password").value = "demo"
    await pilot.press("enter")
    await settle(pilot)
    await second_factor(pilot)  # staff: the two-step sign-in
    assert app.identity is not None, f"could not sign in as {username}"


def check(app: UsisApp, hostile: Hostile, where: str, *, shown: bool = True) -> None:
    """The app runs, the terminal gets no escape of the text, and the text is on screen."""
    assert app.is_running and app.return_code is None, f"{where}: the app stopped"
    assert terminal_problems(app) == [], where
    if shown:
        assert hostile.shown in visible(app), f"{where}: {hostile.shown!r} not shown"


async def test_student_pages(demo_db_url, hostile):
    plant(demo_db_url, hostile.text)
    app = UsisApp(database_url=demo_db_url, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, STUDENT)
        for page in ("Student Center", "My Class Schedule", "Message centre"):
            await app.navigate(page)
            await settle(pilot)
            check(app, hostile, page)
        await pilot.press("enter")  # read the first message: the planted one (newest)
        await settle(pilot)
        check(app, hostile, "Message centre, reading")
        await app.navigate("Timetable")
        await settle(pilot)
        check(app, hostile, "Timetable week", shown=False)  # a block shows the course code
        await pilot.press("l")
        await settle(pilot)
        check(app, hostile, "Timetable list")
        await app.navigate("Class Search")
        await settle(pilot)
        await app.screen.add_pane.action_open_search()  # "Enrol by searching the course" › Continue
        await settle(pilot)
        app.screen.query_one("#search-catalogue").value = "4031CPLANY"
        app.screen.query_one("ClassSearch").search()
        await settle(pilot)
        check(app, hostile, "Class Search results")
        await app.navigate("Enrol", class_number=CLASS)
        await settle(pilot)
        await pilot.press("enter")  # Continue: the class details (already enrolled: refused)
        await settle(pilot)
        check(app, hostile, "Enrol › Add class details", shown=False)


async def test_own_name_and_petitions(demo_db_url, hostile):
    """Jan's own name (header) and petition (list, click on it, detail)."""
    plant(demo_db_url, hostile.text)
    app = UsisApp(database_url=demo_db_url, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, OTHER)
        check(app, hostile, "Main Menu header")
        await app.navigate("Petitions")
        await settle(pilot)
        check(app, hostile, "Petitions")
        table = app.screen.query_one("#petition-table")
        await pilot.click(table, offset=(30, 1))  # the course cell of the first petition
        await settle(pilot)
        check(app, hostile, "Petitions, clicked", shown=False)
        await pilot.press("v")
        await settle(pilot)
        check(app, hostile, "Petition detail")


async def test_board_pages(demo_db_url, hostile):
    plant(demo_db_url, hostile.text)
    app = UsisApp(database_url=demo_db_url, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, "board")
        await app.navigate("Petitions to handle")
        await settle(pilot)
        check(app, hostile, "Petitions to handle")
        table = app.screen.query_one("#queue-table")
        planted = [i for i, row in enumerate(app.screen.rows) if row.student_number == OTHER]
        assert planted, "Jan's petition is not in the queue"
        table.move_cursor(row=planted[0])
        await pilot.pause()
        course = table.get_column_index("course")
        x = sum(c.get_render_width(table) for c in table.ordered_columns[:course]) + 2
        await pilot.click(table, offset=(x, planted[0] + 1))  # the course cell itself
        await settle(pilot)
        assert app.is_running and app.return_code is None, "a click on the cell quit the app"
        if type(app.screen).__name__ != "BoardPetitionScreen":
            await pilot.press("enter")
            await settle(pilot)
        check(app, hostile, "Board petition")


async def test_support_pages(demo_db_url, hostile):
    plant(demo_db_url, hostile.text)
    app = UsisApp(database_url=demo_db_url, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, "support")
        await app.navigate("Find a student")
        await settle(pilot)
        field = app.screen.query_one("#find-query")
        field.value = OTHER
        await pilot.press("enter")
        await settle(pilot)
        check(app, hostile, "Find a student: results")
        field.value = hostile.text[:200]  # typed (or pasted) into the search field
        app.screen.search(field.value)
        await settle(pilot)
        check(app, hostile, "Find a student: the text as the query", shown=False)
        field.value = "zz[/]"
        app.screen.search(field.value)
        await settle(pilot)
        check(app, hostile, "Find a student: zz[/]", shown=False)
        assert "zz[/]" in visible(app)
        await app.act_as(OTHER)
        await settle(pilot)
        check(app, hostile, "acting as: banner and header")
        await app.action_stop_acting()
        await settle(pilot)
        await app.navigate("Audit trail")
        await settle(pilot)
        app.screen.query_one("#audit-student").value = STUDENT
        app.screen.show()
        await settle(pilot)
        check(app, hostile, "Audit trail")


async def test_command_palette(demo_db_url, hostile):
    plant(demo_db_url, hostile.text)
    app = UsisApp(database_url=demo_db_url, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, STUDENT)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*CLASS)
        await pilot.pause(0.5)
        await settle(pilot)
        check(app, hostile, "command palette: class 2032")
