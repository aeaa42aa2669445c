"""The opening queue (services/queue.py): limit, first come first served, expiry by the app's
clock, estimated wait, the cart kept while waiting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import dump

from usis_tui.services import ServiceError
from usis_tui.services.queue import (
    DEFAULT_SESSION_LENGTH,
    ENV_LIMIT,
    HEARTBEAT,
    SESSION_TIMEOUT,
    estimate_wait,
    format_wait,
    limit_from_env,
)


@pytest.fixture
def students(sc):
    return [sc.student().number for _ in range(5)]


def test_unlimited_by_default(usis, monkeypatch):
    monkeypatch.delenv(ENV_LIMIT, raising=False)
    assert usis.queue.limit is None and not usis.queue.enabled


def test_limit_from_env(monkeypatch):
    monkeypatch.setenv(ENV_LIMIT, "3")
    assert limit_from_env() == 3
    for bad in ("0", "-2", "abc", "1.5"):
        with pytest.raises(ServiceError) as err:
            limit_from_env(bad)
        assert err.value.code == "bad_session_limit" and ENV_LIMIT in str(err.value)


def test_limit_then_fifo(usis, students):
    usis.queue.limit = 2
    a, b, c, d, e = (usis.queue.enter(s) for s in students)
    assert a.admitted and b.admitted
    assert [t.status for t in (c, d, e)] == ["waiting"] * 3
    assert [t.position for t in (c, d, e)] == [1, 2, 3]
    assert e.active == 2 and e.waiting == 3 and e.limit == 2
    # a place frees: the first in line (c) gets it, the others move up
    usis.queue.leave(b.token)
    assert usis.queue.poll(c.token).admitted
    assert usis.queue.poll(d.token).position == 1
    assert usis.queue.poll(e.token).position == 2
    usis.queue.leave(a.token)
    assert usis.queue.ticket(d.token).admitted  # admitted by the sign-out itself
    assert usis.queue.ticket(e.token).position == 1
    assert usis.queue.status().active == 2


def test_newcomer_waits_behind_the_queue_even_if_a_place_just_freed(usis, students):
    usis.queue.limit = 1
    a = usis.queue.enter(students[0])
    b = usis.queue.enter(students[1])
    usis.queue.leave(a.token)  # b is admitted by this sign-out
    c = usis.queue.enter(students[2])
    assert usis.queue.ticket(b.token).admitted
    assert c.status == "waiting" and c.position == 1


def test_silent_sessions_expire_by_the_app_clock(usis, clock, students):
    usis.queue.limit = 1
    a = usis.queue.enter(students[0])
    b = usis.queue.enter(students[1])
    # a keeps sending heartbeats: b keeps waiting, however long
    for _ in range(20):
        clock.advance(seconds=HEARTBEAT.total_seconds())
        assert usis.queue.poll(a.token).admitted
        assert usis.queue.poll(b.token).position == 1
    # a's app is gone (no heartbeat): after the timeout b gets the place
    beats = int(SESSION_TIMEOUT / HEARTBEAT)
    for _ in range(beats):  # b keeps asking; a is silent but not yet timed out
        clock.advance(seconds=HEARTBEAT.total_seconds())
        assert usis.queue.poll(b.token).position == 1
    clock.advance(seconds=1)
    assert usis.queue.poll(b.token).admitted
    gone = usis.queue.poll(a.token)
    assert gone.status == "ended" and gone.end_reason == "expired"


def test_waiting_ticket_that_stops_polling_loses_its_turn(usis, clock, students):
    usis.queue.limit = 1
    a = usis.queue.enter(students[0])
    b = usis.queue.enter(students[1])  # closes the app while waiting
    c = usis.queue.enter(students[2])
    clock.advance(minutes=3)
    usis.queue.poll(a.token)
    usis.queue.poll(c.token)
    clock.advance(minutes=3)  # b silent for 6 minutes, a and c for 3
    usis.queue.poll(a.token)
    assert usis.queue.poll(c.token).position == 1
    assert usis.queue.ticket(b.token).end_reason == "expired"


def test_estimated_wait(usis, clock, students):
    assert estimate_wait(1, 1, timedelta(minutes=10)) == timedelta(minutes=10)
    assert estimate_wait(3, 2, timedelta(minutes=10)) == timedelta(minutes=15)
    assert estimate_wait(1, 100, timedelta(minutes=10)) == timedelta(minutes=1)
    assert format_wait(timedelta(minutes=1)) == "about 1 minute"
    assert format_wait(timedelta(minutes=15)) == "about 15 minutes"
    assert format_wait(timedelta(minutes=150)) == "about 2 h 30 min"
    usis.queue.limit = 1
    a = usis.queue.enter(students[0])
    b = usis.queue.enter(students[1])
    c = usis.queue.enter(students[2])
    assert b.estimated_wait == DEFAULT_SESSION_LENGTH  # nothing measured yet
    assert c.estimated_wait == 2 * DEFAULT_SESSION_LENGTH
    # a used uSis for 4 minutes: the estimate follows the measured session length
    clock.advance(minutes=4)
    usis.queue.leave(a.token)
    assert usis.queue.poll(c.token).estimated_wait == timedelta(minutes=4)
    assert usis.queue.poll(b.token).estimated_wait is None  # admitted


def test_cart_is_kept_while_waiting(usis, sc, students):
    usis.queue.limit = 1
    sec = sc.section("1234")
    usis.queue.enter(students[0])
    usis.cart.add(students[1], "2026-2027", sec.number)
    before = dump(sc.db)
    ticket = usis.queue.enter(students[1])
    usis.queue.poll(ticket.token)
    usis.queue.leave(ticket.token, "left")
    after = dump(sc.db)
    assert ticket.cart_items == 1
    assert after["cart_item"] == before["cart_item"] and after["enrolment"] == before["enrolment"]
    assert [line.cls.class_number for line in usis.cart.list(students[1])] == ["1234"]


def test_sign_out_of_unknown_or_ended_ticket_is_harmless(usis, students):
    usis.queue.limit = 1
    a = usis.queue.enter(students[0])
    usis.queue.leave(a.token)
    usis.queue.leave(a.token)
    usis.queue.leave("no-such-token")
    with pytest.raises(ServiceError) as err:
        usis.queue.poll("no-such-token")
    assert err.value.code == "unknown_session"
    assert usis.queue.ticket(a.token).end_reason == "signed_out"


def test_queue_steps_are_in_the_audit_trail(usis, students):
    usis.queue.limit = 1
    a = usis.queue.enter(students[0])
    usis.queue.enter(students[1])
    usis.queue.leave(a.token)
    details = [r.detail for r in usis.audit.entries(students[1], action="queue")]
    assert details[0].startswith("Waiting in the opening queue at position 1")
    assert details[1].startswith("Admitted from the opening queue")
