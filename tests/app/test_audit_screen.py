"""Audit trail in the app: one full enrol flow (login → pages → add to cart → enrol → result) is
recorded step by step with actor, acting for, the app clock and the outcome — by the student
and by support acting as the student; the support-only Audit trail page filters a student's steps
and exports them as a replay steps file."""

from __future__ import annotations

from helpers import DEMO_NOW, make_app, settle
from shell_helpers import SIZE, act_as, banner_text, signed_in, text_of
from textual.widgets import DataTable, Input, Select

from usis_tui.replay import Login, Open, parse_steps
from usis_tui.screens.audit import AuditTrailScreen
from usis_tui.screens.enrol import EnrolScreen
from usis_tui.services import ServiceError, Usis
from usis_tui.widgets.cart import CartTable

YEAR = "2026-2027"
STUDENT = "s1234567"


async def enrol_by_number(pilot, number: str) -> str:
    """On Enrol › Add: type the class number, Continue, Next (to the cart), then Enrol →
    Finish enrolling; the step 3 results text."""
    app = pilot.app
    assert isinstance(app.screen, EnrolScreen)
    field = app.screen.query_one("#class-number", Input)
    field.focus()
    field.value = ""
    await pilot.press(*number, "enter")
    await settle(pilot)
    assert app.screen.add_pane.view == "prefs"
    await pilot.press("n")  # Next: into the Shopping cart
    await settle(pilot)
    table = app.screen.query_one(CartTable)
    for _ in range(8):
        if app.focused is table:
            break
        await pilot.press("tab")
    await pilot.press("e")
    await settle(pilot)
    assert app.screen.add_pane.view == "step2"
    await pilot.press("f")  # Finish enrolling
    await settle(pilot)
    return text_of(app.screen.query_one("#results-list"))


def trail(url: str, student: str = STUDENT):
    usis = Usis.open(url, clock=lambda: DEMO_NOW)
    try:
        return usis.audit.entries(student)
    finally:
        usis.close()


def steps(rows) -> list[tuple[str, str, str | None, str, str]]:
    return [(r.action, r.actor, r.acting_for, r.outcome, r.detail) for r in rows]


# ---------------------------------------------------------------- completeness
async def test_full_enrol_flow_by_the_student_is_recorded_step_by_step(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, STUDENT)
        await pilot.press("s")  # Main Menu → Self Service
        await settle(pilot)
        await pilot.press("e")  # → Enrol
        await settle(pilot)
        results = await enrol_by_number(pilot, "1052")
        assert "Success: This class has been added to your schedule." in results
    rows = trail(demo_db_url)
    assert steps(rows) == [
        ("login", STUDENT, STUDENT, "ok", "Logged in"),
        ("navigate", STUDENT, STUDENT, "ok", "Main Menu"),
        ("navigate", STUDENT, STUDENT, "ok", "Self Service"),
        ("navigate", STUDENT, STUDENT, "ok", "Enrol"),
        ("cart_add", STUDENT, STUDENT, "ok", f"class 1052 ({YEAR})"),
        ("enrol", STUDENT, STUDENT, "ok",
         "class 1052: Success: This class has been added to your schedule."),
    ]
    assert {r.at for r in rows} == {DEMO_NOW}  # the app's (frozen) clock


async def test_full_enrol_flow_by_support_acting_records_support_as_the_actor(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "support")
        await act_as(pilot, STUDENT)  # → Student Center of the student
        await pilot.press("e")  # Student Center → Enrol
        await settle(pilot)
        assert banner_text(app) is not None
        await enrol_by_number(pilot, "1053")  # full: "Wait list if class is full" not ticked
        # a refused step is recorded as refused, by support, for the student
        try:
            await app.screen.call(app.usis.cart.add, STUDENT, YEAR, "1052")
            await app.screen.call(app.usis.cart.add, STUDENT, YEAR, "1052")
        except ServiceError as exc:
            assert exc.code == "already_in_cart"
        else:
            raise AssertionError("adding a class twice was accepted")
    rows = trail(demo_db_url)
    assert [(r.action, r.outcome) for r in rows] == [
        ("act_as", "ok"), ("navigate", "ok"), ("navigate", "ok"), ("cart_add", "ok"),
        ("enrol", "refused"), ("cart_add", "ok"), ("cart_add", "refused")]
    assert {(r.actor, r.acting_for) for r in rows} == {("support", STUDENT)}
    assert [r.detail for r in rows if r.action == "navigate"] == ["Student Center", "Enrol"]
    assert rows[4].detail.startswith("class 1053: ")
    assert rows[-1].detail.endswith("Class 1052 is already in your Shopping cart.")
    # support's own steps (login, Find a student) are not steps of the student
    support_pages = [r for r in rows if r.detail in ("Find a student", "Audit trail")]
    assert support_pages == []


# ---------------------------------------------------------------- the Audit trail page
def seed_trail(url: str) -> None:
    """A morning of s1234567 (09:30) and an afternoon (14:30) with a refused step."""
    now = [DEMO_NOW]
    usis = Usis.open(url, clock=lambda: now[0])
    try:
        usis.auth.login(STUDENT, "demo")
        usis.audit.navigation(STUDENT, STUDENT, "Enrol")
        usis.cart.add(STUDENT, YEAR, "1052")
        usis.audit.navigation(STUDENT, STUDENT, "Shopping cart")
        now[0] = DEMO_NOW.replace(hour=14)
        usis.audit.navigation(STUDENT, STUDENT, "Enrol")
        try:
            usis.cart.add(STUDENT, YEAR, "1052")  # already in the cart: refused
        except ServiceError:
            pass
        usis.audit.navigation(STUDENT, STUDENT, "Timetable")
    finally:
        usis.close()


async def open_audit(pilot, student: str | None = STUDENT) -> AuditTrailScreen:
    app = pilot.app
    await signed_in(pilot, "support")
    await pilot.press("a")  # Main Menu → Audit trail
    await settle(pilot)
    assert isinstance(app.screen, AuditTrailScreen)
    if student is not None:
        field = app.screen.query_one("#audit-student", Input)
        field.value = ""
        field.focus()
        await pilot.press(*student, "enter")
        await settle(pilot)
    return app.screen


def shown(screen) -> list[tuple[str, str, str]]:
    table = screen.query_one("#audit-table", DataTable)
    return [(str(table.get_row_at(i)[3]), str(table.get_row_at(i)[4]),
             str(table.get_row_at(i)[5])) for i in range(table.row_count)]


async def set_filter(pilot, selector: str, value: str) -> None:
    pilot.app.screen.query_one(selector, Input).value = value
    pilot.app.screen.query_one(selector, Input).focus()
    await pilot.press("enter")
    await settle(pilot)


async def test_audit_trail_lists_and_filters_a_students_steps(demo_db_url):
    seed_trail(demo_db_url)
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_audit(pilot)
        rows = shown(screen)
        assert [a for a, _, _ in rows] == ["login", "navigate", "cart_add", "navigate",
                                           "navigate", "cart_add", "navigate"]
        assert "s1234567: 7 steps" in text_of(screen.query_one("#audit-count"))
        # outcome
        screen.query_one("#audit-outcome", Select).value = "refused"
        await settle(pilot)
        assert [(a, o) for a, o, _ in shown(screen)] == [("cart_add", "refused")]
        assert "already in your Shopping cart" in shown(screen)[0][2]
        screen.query_one("#audit-outcome", Select).clear()
        # action kind
        screen.query_one("#audit-action", Select).value = "navigate"
        await settle(pilot)
        assert [d for _, _, d in shown(screen)] == ["Enrol", "Shopping cart", "Enrol",
                                                    "Timetable"]
        # text
        await set_filter(pilot, "#audit-text", "enrol")
        assert [d for _, _, d in shown(screen)] == ["Enrol", "Enrol"]
        screen.query_one("#audit-action", Select).clear()
        await set_filter(pilot, "#audit-text", "1052")
        assert [(a, o) for a, o, _ in shown(screen)] == [("cart_add", "ok"),
                                                         ("cart_add", "refused")]
        await set_filter(pilot, "#audit-text", "")
        # date range: the afternoon only, then a day without steps
        await set_filter(pilot, "#audit-since", "2026-11-23T12:00")
        assert [d for _, _, d in shown(screen)][-1] == "Timetable" and len(shown(screen)) == 3
        await set_filter(pilot, "#audit-since", "2026-11-23")
        await set_filter(pilot, "#audit-until", "2026-11-23")  # the whole day
        assert len(shown(screen)) == 7
        await set_filter(pilot, "#audit-until", "2026-11-22")
        assert shown(screen) == [] and "no steps match" in text_of(screen.query_one("#audit-count"))
        # a bad date and an unknown student are explained, never a traceback
        await set_filter(pilot, "#audit-until", "yesterday")
        assert "Not an ISO date-time" in text_of(screen.query_one("#audit-problems"))
        await set_filter(pilot, "#audit-until", "")
        await set_filter(pilot, "#audit-student", "s9999999")
        assert "Student s9999999 does not exist." in text_of(
            screen.query_one("#audit-problems"))
        assert screen.query_one("#audit-export").disabled


async def test_audit_trail_is_for_support_and_follows_the_acted_for_student(demo_db_url):
    seed_trail(demo_db_url)
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "s1234567")
        assert await app.navigate("Audit trail") is False
        await app.action_sign_out()
        await settle(pilot)
        await signed_in(pilot, "support")
        await act_as(pilot, STUDENT)
        await app.navigate("Audit trail")
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#audit-student", Input).value == STUDENT
        assert [a for a, _, _ in shown(screen)][:3] == ["login", "navigate", "cart_add"]
        assert ("act_as", "ok", "start") in shown(screen)
        assert banner_text(app) is not None


async def delivered(pilot, folder, pattern: str = "steps-*.txt") -> list:
    """The files Textual has finished writing into ``folder`` (it writes in a thread)."""
    for _ in range(100):
        await pilot.pause(0.05)
        files = sorted(folder.glob(pattern))
        if files and all(f.stat().st_size for f in files):
            return files
    return sorted(folder.glob(pattern))


async def test_export_steps_writes_a_replay_steps_file(demo_db_url, tmp_path, monkeypatch):
    """Through Textual's delivery into the downloads folder (not the folder uSis was started
    from, and never a path somebody typed)."""
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(tmp_path))
    seed_trail(demo_db_url)
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_audit(pilot)
        await pilot.press("ctrl+o")  # Export steps
        await settle(pilot)
        files = await delivered(pilot, tmp_path)
        assert [f.name for f in files] == ["steps-s1234567-20261123-0930.txt"]
        assert str(files[0]) in text_of(screen.query_one("#audit-exported"))
        text = files[0].read_text(encoding="utf-8")
        parsed = parse_steps(text, str(files[0]))
        assert isinstance(parsed[0], Login) and parsed[0].username == STUDENT
        assert "enter class 1052" in text
        assert [s.page for s in parsed if isinstance(s, Open)][-1] == "Timetable"
        # only what is shown is exported: the afternoon
        await set_filter(pilot, "#audit-since", "2026-11-23T12:00")
        files[0].unlink()
        await pilot.click("#audit-export")
        await settle(pilot)
        [afternoon] = await delivered(pilot, tmp_path)
        assert afternoon.name == "steps-s1234567-20261123-1430.txt"
        assert 'open "Shopping cart"' in text  # the morning
        assert 'open "Shopping cart"' not in afternoon.read_text(encoding="utf-8")
        # nothing shown: nothing to export, said so
        await set_filter(pilot, "#audit-until", "2026-11-22")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert any("Show a student's steps first" in str(n.message)
                   for n in app._notifications)
