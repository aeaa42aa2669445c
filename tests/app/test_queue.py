"""The opening queue in the app: with one place, the second student waits on the Queue screen
("position 1") and is let in when the first signs out; the cart is not touched meanwhile."""

from __future__ import annotations

import pytest
from helpers import make_app, settle
from shell_helpers import SIZE, screen_names, sign_in, text_of, wait_ready

from usis_tui.screens import queue as queue_screen


@pytest.fixture
def one_place(monkeypatch):
    monkeypatch.setenv("USIS_MAX_SESSIONS", "1")
    monkeypatch.setattr(queue_screen, "POLL_SECONDS", 0.1)


async def wait_for(pilot, condition, timeout: float = 10.0) -> None:
    waited = 0.0
    while not condition() and waited < timeout:
        await pilot.pause(0.05)
        waited += 0.05
    await settle(pilot)
    assert condition(), "timed out"


async def test_second_student_waits_then_is_admitted(demo_db_url, one_place):
    first = make_app(demo_db_url)
    second = make_app(demo_db_url)
    async with first.run_test(size=SIZE) as p1:
        await wait_ready(p1)
        await sign_in(p1, "s7654321")
        assert first.identity is not None
        assert screen_names(first)[-1] == "MainMenuScreen"
        async with second.run_test(size=SIZE) as p2:
            await wait_ready(p2)
            cart_before = second.raw_usis.cart.list("s1234567")
            await sign_in(p2, "s1234567")
            assert second.identity is None  # not signed in: nothing can be enrolled
            assert screen_names(second)[-1] == "QueueScreen"
            position = text_of(second.screen.query_one("#queue-position"))
            assert "position in the queue: 1" in position
            wait = text_of(second.screen.query_one("#queue-wait"))
            assert "Estimated wait: about 10 minutes" in wait
            assert await second.navigate("Enrol") is False
            # the first student signs out: the place goes to the second one
            await p1.press("o")  # Sign out, on the Main Menu
            await settle(p1)
            await wait_for(p2, lambda: second.identity is not None)
            await wait_for(p2, lambda: screen_names(second)[-1] == "MainMenuScreen")
            assert second.raw_usis.cart.list("s1234567") == cart_before
            # and now the first one has to wait
            await sign_in(p1, "s7654321")
            await wait_for(p1, lambda: screen_names(first)[-1] == "QueueScreen")
            await p1.press("escape")  # leave the queue
            await wait_for(p1, lambda: screen_names(first)[-1] == "LoginScreen")
            assert second.raw_usis.queue.status().waiting == 0


async def test_no_limit_no_queue(demo_db_url, monkeypatch):
    monkeypatch.delenv("USIS_MAX_SESSIONS", raising=False)
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await sign_in(pilot, "s1234567")
        assert app.identity is not None
        assert app.raw_usis.queue.status().active == 0  # nothing recorded without a limit


async def test_bad_limit_is_one_clear_message(demo_db_url, monkeypatch):
    monkeypatch.setenv("USIS_MAX_SESSIONS", "lots")
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await sign_in(pilot, "s1234567")
        assert app.identity is None
        assert screen_names(app)[-1] == "LoginScreen"
        messages = [n.message for n in app._notifications]
        assert any("USIS_MAX_SESSIONS must be a whole number" in m for m in messages)
