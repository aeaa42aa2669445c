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

from collections.abc import Iterator, Sequence

import pytest
from helpers import second_factor, settle
from hostile import CLASS, HOSTILE, OTHER, STUDENT, Hostile, plant, terminal_problems, visible

from usis_tui.app import UsisApp

NOW = "2026-11-23T09:30"
SIZE = (120, 40)

pytestmark = pytest.mark.slow


async def start(pilot, username: str) -> None:
    app = pilot.app
    assert await app.database_ready()
    await settle(pilot)
    app.screen.query_one("#username").value = username
    app.screen.query_one("#password").value = "demo"
    await pilot.press("enter")
    await settle(pilot)
    await second_factor(pilot)  # staff: the two-step sign-in
    assert app.identity is not None, f"could not sign in as {username}"


async def sign_out(pilot) -> None:
    await pilot.app.action_sign_out()
    await settle(pilot)


async def main_menu(pilot) -> None:
    """Every page closed (the next string's pages are built anew)."""
    await pilot.app.navigate("Main Menu")
    await settle(pilot)


def strings(url: str, group: Sequence[Hostile] = HOSTILE) -> Iterator[Hostile]:
    """Every hostile string in turn, planted over the one before (plant(..., again=)): one
    app shows them all, each on every page, as if it had been there from the start — a page is
    built when it is opened, and the class search's index rebuilds when the catalogue changes.
    (One app per string spent a fifth of the time starting apps and signing in.)"""
    ids = None
    for hostile in group:
        ids = plant(url, hostile.text, again=ids)
        yield hostile


async def palette_hit(pilot, text: str) -> None:
    """Until the command palette lists a hit with ``text`` (its search runs in a worker;
    at most 5 s: then the check below says what is missing)."""
    for _ in range(100):
        hits = pilot.app.screen.query_one("CommandList")
        if any(text in str(hits.get_option_at_index(i).prompt)
               for i in range(hits.option_count)):
            return
        await pilot.pause(0.05)


def check(app: UsisApp, hostile: Hostile, where: str, *, shown: bool = True) -> None:
    """The app runs, the terminal gets no escape of the text, and the text is on screen."""
    where = f"{hostile.id}: {where}"
    assert app.is_running and app.return_code is None, f"{where}: the app stopped"
    assert terminal_problems(app) == [], where
    if shown:
        assert hostile.shown in visible(app), f"{where}: {hostile.shown!r} not shown"


#: the student pages take longest: two apps, so that parallel workers can share them
HALVES = {"first-half": HOSTILE[:len(HOSTILE) // 2], "second-half": HOSTILE[len(HOSTILE) // 2:]}


@pytest.mark.parametrize("half", list(HALVES))
async def test_student_pages(demo_db_url, half):
    app = UsisApp(database_url=demo_db_url, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        for hostile in strings(demo_db_url, HALVES[half]):
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
            await app.screen.add_pane.action_open_search()  # "Enrol by searching" › Continue
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
            await sign_out(pilot)


async def test_own_name_and_petitions(demo_db_url):
    """Jan's own name (header) and petition (list, click on it, detail)."""
    app = UsisApp(database_url=demo_db_url, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        for hostile in strings(demo_db_url):
            await start(pilot, OTHER)  # signed in again: the header has the name as it is now
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
            await sign_out(pilot)


async def test_board_pages(demo_db_url):
    app = UsisApp(database_url=demo_db_url, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, "board")  # signed in once: nothing of the board's own is planted
        for hostile in strings(demo_db_url):
            await app.navigate("Petitions to handle")
            await settle(pilot)
            check(app, hostile, "Petitions to handle")
            table = app.screen.query_one("#queue-table")
            planted = [i for i, row in enumerate(app.screen.rows)
                       if row.student_number == OTHER]
            assert planted, "Jan's petition is not in the queue"
            table.move_cursor(row=planted[0])
            await pilot.pause()
            course = table.get_column_index("course")
            x = sum(c.get_render_width(table) for c in table.ordered_columns[:course]) + 2
            await pilot.click(table, offset=(x, planted[0] + 1))  # the course cell itself
            await settle(pilot)
            assert app.is_running and app.return_code is None, (
                f"{hostile.id}: a click on the cell quit the app")
            if type(app.screen).__name__ != "BoardPetitionScreen":
                await pilot.press("enter")
                await settle(pilot)
            check(app, hostile, "Board petition")
            await main_menu(pilot)


async def test_support_pages(demo_db_url):
    app = UsisApp(database_url=demo_db_url, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, "support")  # signed in once: nothing of support's own is planted
        for hostile in strings(demo_db_url):
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
            await main_menu(pilot)


async def test_command_palette(demo_db_url):
    app = UsisApp(database_url=demo_db_url, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        for hostile in strings(demo_db_url):
            await start(pilot, STUDENT)
            await pilot.press("ctrl+p")
            await settle(pilot)
            await pilot.press(*CLASS)
            await palette_hit(pilot, f"Class {CLASS}")
            await settle(pilot)
            check(app, hostile, "command palette: class 2032")
            await pilot.press("escape")  # the palette closed
            await settle(pilot)
            await sign_out(pilot)
