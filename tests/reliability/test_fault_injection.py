"""Fault injection: every service method a screen calls is made to fail — the database locked past
its busy timeout, the disk full, a lost PostgreSQL connection, a plain bug — and the screen is
driven as a person would. The app never exits, shows one message, and that message holds no
SQL, no database URL and no traceback (the detail goes to the log under a reference).

Found before: nine workers (board ×2, support, petitions ×3, audit ×2, timetable) ended the app
with a traceback on "database is locked"; Login showed a traceback; enrolling while locked showed
the raw SQLAlchemy text with "[SQL: BEGIN IMMEDIATE]" and a URL.

How: each scenario is first run with every service method recorded, which gives the methods
that page really calls; then it runs again once per method with that one method failing (the
kind of failure rotates over the methods). The app's own bookkeeping is left out: the audit of
navigation, the opening queue's heartbeat and the Login's demo-accounts line fail silently by
design (logged; a person cannot act on them).
"""

from __future__ import annotations

import errno
import functools
import inspect
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Awaitable, Callable

import pytest
from helpers import make_app, settle
from sqlalchemy.exc import OperationalError

from usis_tui import services as services_pkg
from usis_tui.app import UsisApp
from usis_tui.services import Usis

SIZE = (100, 30)
STUDENT, MASTER = "s1234567", "s7654321"
SANNE = "sanne.devries@example.com"  # a Course Portal learner of the demo
QUIET = {"AuditService.navigation", "AuditService.log", "QueueService.poll",
         "QueueService.enter", "QueueService.leave", "AuthService.is_demo"}
#: The app's own housekeeping at start (expiring unconfirmed exam enrolments, building the
#: search index) is logged, not shown; the Student Center runs the expiry again when it loads,
#: the search builds its index when needed, and those failures are shown.
HOUSEKEEPING = "_housekeeping"
#: Failures that change nothing a person can see, so they are logged and not shown: the Audit
#: trail's list of action kinds falls back to the built-in list.
SILENT = {"AuditService.action_kinds"}
LEAKS = ("SELECT", "INSERT", "BEGIN IMMEDIATE", "[SQL", "sqlite:", "postgresql", "Traceback",
         "OperationalError", "psycopg", "/secret/", "boom")

pytestmark = pytest.mark.slow


def faults() -> list[tuple[str, BaseException]]:
    return [
        ("locked", OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError(
            "database is locked"))),
        ("disk full", OperationalError("INSERT INTO enrolment (student_id) VALUES (?)", (1,),
                                       sqlite3.OperationalError("database or disk is full"))),
        ("connection lost", OperationalError("SELECT 1", {}, Exception(
            "server closed the connection unexpectedly\n\tThis probably means the server "
            "terminated abnormally"))),
        ("bug", RuntimeError("boom at sqlite:////secret/usis.db")),
        ("disk full (OSError)", OSError(errno.ENOSPC, "No space left on device")),
    ]


def service_classes() -> list[type]:
    probe = Usis.__init__.__code__.co_names  # the services the facade builds
    found = []
    for name in dir(services_pkg):
        cls = getattr(services_pkg, name)
        if inspect.isclass(cls) and name.endswith("Service") and name in probe:
            found.append(cls)
    return found


def in_housekeeping() -> bool:
    """True when the app's housekeeping is on the call stack (one service calling another)."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == HOUSEKEEPING:
            return True
        frame = frame.f_back
    return False


def instrument(monkeypatch, record: list[str], failing: str | None = None,
               error: BaseException | None = None) -> None:
    """Record every public service call; make ``failing`` ("Class.method") raise ``error``."""
    for cls in service_classes():
        for method, original in list(vars(cls).items()):
            if method.startswith("_") or not inspect.isfunction(original):
                continue
            qual = f"{cls.__name__}.{method}"

            def wrapper(*args, __original=original, __qual=qual, **kwargs):
                if threading.current_thread() is threading.main_thread() or \
                        in_housekeeping():
                    return __original(*args, **kwargs)  # the test's own set-up, not a screen
                record.append(__qual)
                if __qual == failing:
                    HIT.set()
                    raise error  # type: ignore[misc]
                return __original(*args, **kwargs)

            monkeypatch.setattr(cls, method, functools.wraps(original)(wrapper))


class Reached(Exception):
    """The failing method has been called: the rest of the scenario is not needed."""


HIT = threading.Event()


async def settle_or_reached(pilot) -> None:
    """``settle`` (a cancelled exclusive worker is no error), then stop the scenario with
    ``Reached`` once the failing method has been called."""
    await settle(pilot, cancelled_ok=True)
    if HIT.is_set():
        raise Reached


async def ready(pilot) -> None:
    await pilot.app.database_ready()  # at once when it is (no polling)
    await settle_or_reached(pilot)


async def sign_in(pilot, username: str) -> None:
    app = pilot.app
    await ready(pilot)
    app.screen.query_one("#username").value = username
    app.screen.query_one("#password").value = "demo"
    await pilot.press("enter")
    await settle_or_reached(pilot)


async def as_user(pilot, username: str) -> None:
    """Signed in without the Login screen (the Login itself is its own scenario)."""
    app = pilot.app
    await ready(pilot)
    identity = (app.raw_usis.student.profile(username) if username[1:].isdigit()
                else _staff(username))
    await app.signed_in(identity)
    await settle_or_reached(pilot)


def _staff(username: str):
    from usis_tui.services.schemas import Identity

    role = "portal" if username == "courseadmin" else username
    return Identity(kind="staff", username=username, name=username.title(), role=role)


async def portal_learner(pilot, page: str, **options) -> None:
    """Logged in to the Course Portal as Sanne (demo), then ``page`` opened."""
    app = pilot.app
    await ready(pilot)
    app.portal_identity = app.portal.portal_accounts.login(SANNE, "demo")
    await app.navigate(page, **options)
    await settle_or_reached(pilot)


def offering(app, code: str) -> int:
    return next(o.id for o in app.raw_usis.portal.offerings() if o.code == code)


# ------------------------------------------------------------------------------------ scenarios
async def login(pilot):
    await sign_in(pilot, STUDENT)


async def student_center(pilot):
    await as_user(pilot, STUDENT)
    await pilot.app.navigate("Student Center")
    await settle_or_reached(pilot)


async def enrol_by_number(pilot):
    app = pilot.app
    await as_user(pilot, STUDENT)
    await app.navigate("Enrol", class_number="1052")
    await settle_or_reached(pilot)
    await pilot.press("enter")  # Continue
    await settle_or_reached(pilot)
    await pilot.press("enter")  # Next: to the Shopping cart
    await settle_or_reached(pilot)


async def shopping_cart(pilot):
    app = pilot.app
    await as_user(pilot, STUDENT)
    app.raw_usis.cart.add(STUDENT, "2026-2027", "1052")
    await app.navigate("Shopping cart")
    await settle_or_reached(pilot)
    await pilot.press("space")
    await pilot.press("v")  # Validate
    await settle_or_reached(pilot)
    await pilot.press("e")  # Enrol: step 1
    await settle_or_reached(pilot)
    await pilot.press("enter")
    await settle_or_reached(pilot)
    app.screen.query_one("#confirm-finish").press()
    await settle_or_reached(pilot)


async def drop(pilot):
    app = pilot.app
    await as_user(pilot, STUDENT)
    await app.navigate("Drop")
    await settle_or_reached(pilot)
    await pilot.press("enter")  # drop the selected class: the reason dialog, which a worker
    for _ in range(40):          # waits for (so no settle before it is answered)
        await pilot.pause(0.05)
        if app.screen.query("#drop-yes"):
            break
    else:
        # the page did not load (the failing method): nothing to drop
        await settle_or_reached(pilot)
        return
    from usis_tui.screens.enrol_manage import DROP_REASONS

    app.screen.query_one("#drop-reason").value = DROP_REASONS[0]
    app.screen.query_one("#drop-yes").press()
    await settle_or_reached(pilot)


async def class_search(pilot):
    app = pilot.app
    await as_user(pilot, STUDENT)
    await app.navigate("Class Search")
    await settle_or_reached(pilot)
    await app.screen.add_pane.action_open_search()
    await settle_or_reached(pilot)
    app.screen.query_one("#search-catalogue").value = "4031"
    app.screen.query_one("ClassSearch").search()
    await settle_or_reached(pilot)


async def timetable(pilot):
    app = pilot.app
    await as_user(pilot, STUDENT)
    await app.navigate("Timetable")
    await settle_or_reached(pilot)
    await pilot.press("x")  # exam schedule
    await settle_or_reached(pilot)
    await pilot.press("x")
    await settle_or_reached(pilot)
    await pilot.press("e")  # export
    await settle_or_reached(pilot)
    if app.screen.query("#tt-export-ok"):
        app.screen.query_one("#tt-export-ok").press()
        await settle_or_reached(pilot)


async def messages(pilot):
    await as_user(pilot, STUDENT)
    await pilot.app.navigate("Message centre")
    await settle_or_reached(pilot)
    await pilot.press("enter")
    await settle_or_reached(pilot)
    await pilot.press("u")
    await settle_or_reached(pilot)


async def minors(pilot):
    await as_user(pilot, STUDENT)
    await pilot.app.navigate("Minors")
    await settle_or_reached(pilot)
    await pilot.press("a")
    await settle_or_reached(pilot)


async def petitions(pilot):
    app = pilot.app
    await as_user(pilot, MASTER)
    await app.navigate("Petitions")
    await settle_or_reached(pilot)
    await pilot.press("v")
    await settle_or_reached(pilot)


async def board(pilot):
    app = pilot.app
    await as_user(pilot, "board")
    await app.navigate("Petitions to handle")
    await settle_or_reached(pilot)
    await pilot.press("enter")
    await settle_or_reached(pilot)


async def support(pilot):
    app = pilot.app
    await as_user(pilot, "support")
    await app.navigate("Find a student")
    await settle_or_reached(pilot)
    app.screen.query_one("#find-query").value = STUDENT
    await pilot.press("enter")
    await settle_or_reached(pilot)
    await pilot.press("enter")  # act as
    await settle_or_reached(pilot)


async def audit_trail(pilot):
    app = pilot.app
    await as_user(pilot, "support")
    await app.navigate("Audit trail")
    await settle_or_reached(pilot)
    app.screen.query_one("#audit-student").value = STUDENT
    app.screen.show()
    await settle_or_reached(pilot)


async def palette(pilot):
    await as_user(pilot, STUDENT)
    await pilot.press("ctrl+p")
    await settle_or_reached(pilot)
    await pilot.press(*"1052")
    await pilot.pause(0.4)
    await settle_or_reached(pilot)


async def portal_course(pilot):
    """A guest: the course offering, a search, a course."""
    app = pilot.app
    await ready(pilot)
    await app.navigate("Course Portal")
    await settle_or_reached(pilot)
    await pilot.press("s", *"museum", "enter")
    await settle_or_reached(pilot)
    await app.navigate("Course Portal", offering=offering(app, "LCP-GRT"))
    await settle_or_reached(pilot)


async def portal_pay(pilot):
    """Sanne pays for the last place of Writing a Research Grant (test mode: paid)."""
    app = pilot.app
    await portal_learner(pilot, "Course Portal", offering=offering(app, "LCP-GRT"), pay=True)
    for card in app.screen.query("#method-creditcard"):
        card.value = True
        await settle_or_reached(pilot)
    await pilot.press("ctrl+s")
    await settle_or_reached(pilot)
    await pilot.press("1")
    await settle_or_reached(pilot)


async def portal_withdraw(pilot):
    """My courses → Negotiation Skills → Manage Course → Withdraw → a reason → Complete."""
    app = pilot.app
    await portal_learner(pilot, "My courses")
    mine = app.screen
    titles = [e.offering.title for e in getattr(mine, "enrolments", [])]
    if "Negotiation Skills for Professionals" not in titles:
        return  # the list failed to load (shown)
    mine.query_one("#mine-table").move_cursor(
        row=titles.index("Negotiation Skills for Professionals"))
    await pilot.press("enter")
    await settle_or_reached(pilot)
    await pilot.press("w")
    await settle_or_reached(pilot)
    app.screen.query_one("#withdraw-reason").text = "I changed jobs."
    await pilot.press("ctrl+s")
    await settle_or_reached(pilot)


async def portal_records(pilot):
    """My Records and Portal messages."""
    await portal_learner(pilot, "My Records")
    await pilot.press("enter")  # the certificate's PDF
    await settle_or_reached(pilot)
    await pilot.app.navigate("Portal messages")
    await settle_or_reached(pilot)


async def portal_admin(pilot):
    """courseadmin: the offerings, LCP-DSP's enrolments, register Pieter's invoice paid."""
    app = pilot.app
    await as_user(pilot, "courseadmin")
    await app.navigate("Portal administration")
    await settle_or_reached(pilot)
    page = app.screen
    codes = [o.code for o in getattr(page, "offerings", [])]
    if "LCP-DSP" not in codes:
        return
    page.query_one("#offerings-table").move_cursor(row=codes.index("LCP-DSP"))
    await settle_or_reached(pilot)
    page.query_one("#enrolments-table").focus()
    await pilot.press("p")
    await settle_or_reached(pilot)
    if app.screen.id == "confirm-register-payment":
        app.screen.query_one("#confirm-register-payment-yes").press()
        await settle_or_reached(pilot)
    await app.navigate("Withdrawal reviews")
    await settle_or_reached(pilot)


async def schedule_assistant(pilot):
    await as_user(pilot, STUDENT)
    await pilot.app.navigate("Schedule assistant")  # the coming semester, solved
    await settle_or_reached(pilot)
    await pilot.press("t")  # the best schedule into the Shopping cart
    await settle_or_reached(pilot)


SCENARIOS: dict[str, Callable[..., Awaitable[None]]] = {
    "login": login, "student-center": student_center, "enrol-by-number": enrol_by_number,
    "shopping-cart": shopping_cart, "drop": drop, "class-search": class_search,
    "timetable": timetable, "messages": messages, "minors": minors, "petitions": petitions,
    "board": board, "support": support, "audit-trail": audit_trail, "palette": palette,
    "portal-course": portal_course, "portal-pay": portal_pay,
    "portal-withdraw": portal_withdraw, "portal-records": portal_records,
    "portal-admin": portal_admin, "schedule-assistant": schedule_assistant,
}


def shown_messages(app: UsisApp) -> list[str]:
    """Every message on screen: notifications and the problem lists that are shown."""
    from textual.command import CommandPalette

    from usis_tui.widgets.problems import ProblemList

    found = [f"{n.title}: {n.message}" for n in app._notifications]
    if isinstance(app.screen, CommandPalette):  # a hit of the palette says what went wrong
        options = app.screen.query_one("CommandList")
        found += [str(options.get_option_at_index(i).prompt)
                  for i in range(options.option_count)]
    for screen in app.screen_stack:
        for problems in screen.query(ProblemList):
            if problems.has_class("-shown"):
                found.append(str(problems.content.plain if hasattr(problems.content, "plain")
                                 else problems.content))
    return found


async def run(url: str, scenario, monkeypatch, failing: str | None = None,
              error: BaseException | None = None) -> tuple[UsisApp, list[str], list[str]]:
    record: list[str] = []
    HIT.clear()
    instrument(monkeypatch, record, failing, error)
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        try:
            await scenario(pilot)
        except Reached:
            HIT.clear()
            await settle_or_reached(pilot)
        assert app.is_running and app.return_code is None, "the app stopped"
        return app, record, shown_messages(app)


@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_every_failing_service_call_is_one_message(demo_db_url, tmp_path, monkeypatch,
                                                         name):
    started = time.monotonic()
    scenario = SCENARIOS[name]
    template = tmp_path / "template.db"
    import shutil

    shutil.copy(demo_db_url.removeprefix("sqlite:///"), template)
    with monkeypatch.context() as m:
        _app, record, clean = await run(demo_db_url, scenario, m)
    called = sorted({q for q in record if q not in QUIET})
    assert called, f"{name}: the scenario calls no service"
    kinds = faults()
    failures = []
    for i, method in enumerate(called):
        label, error = kinds[i % len(kinds)]
        copy = tmp_path / f"run-{i}.db"
        shutil.copy(template, copy)
        with monkeypatch.context() as m:
            app, record, shown = await run(f"sqlite:///{copy}", scenario, m, method, error)
        if method not in record:
            continue  # an earlier failure stopped the scenario before this call: fine
        new = [s for s in shown if s not in clean]
        about = [s for s in new if "Reference" in s]
        references = [m.group() for s in about for m in re.finditer(r"Reference \w+", s)]
        leaks = [s for s in new if any(leak in s for leak in LEAKS)]
        calls = record.count(method)
        if method in SILENT:
            wanted = len(about) == 0
        else:  # one message for each failed call, none shown twice
            wanted = 1 <= len(about) <= calls and len(set(references)) == len(references)
        if not wanted or leaks:
            failures.append(f"{method} ({label}, {calls} calls): {len(about)} messages "
                            f"{about!r} leaks {leaks!r}")
    print(f"{name}: {len(called)} methods, {time.monotonic() - started:.1f} s", called)
    assert failures == [], f"{name}:\n" + "\n".join(failures)
