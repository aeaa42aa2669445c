"""services/audit.py and `usis audit`: every step is recorded with who, for whom, when and the
outcome, in the same transaction as the change; a refused step leaves only its audit entry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from factories import NOW, PASSWORD, YEAR, dump, req

from usis_tui.services import ServiceError, Usis

MO = (0, "09:00", "10:45")
TU = (1, "09:00", "10:45")


def steps(usis, student: str, **filters) -> list[tuple[str, str]]:
    return [(r.action, r.outcome) for r in usis.audit.entries(student, **filters)]


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def test_full_enrol_flow_is_audited_step_by_step(sc, usis, db, clock):
    s = sc.student()
    course = sc.course("4031ALGO", title="Algorithms")
    first = sc.section("1111", course=course, component="Tutorial", meets=[MO])
    other = sc.section("4444", course=course, component="Tutorial", meets=[MO])
    full = sc.section("2222", capacity=1, meets=[TU])
    sc.fill(full)
    sc.section("3333", meets=[(3, "13:00", "14:00")])

    with pytest.raises(ServiceError):
        usis.auth.login(s.number, "wrong")
    usis.auth.login(s.number, PASSWORD)
    clock.advance(minutes=1)
    a = usis.cart.add(s.number, YEAR, "1111")
    b = usis.cart.add(s.number, YEAR, "2222")
    c = usis.cart.add(s.number, YEAR, "3333")
    usis.cart.update(s.number, c.item_id, wait_list_ok=True)
    usis.cart.remove(s.number, c.item_id)
    before = len(usis.audit.entries(s.number))
    usis.cart.validate(s.number)  # read-only: not audited
    assert len(usis.audit.entries(s.number)) == before
    clock.advance(minutes=1)
    results = usis.cart.enrol(s.number, [a.item_id, b.item_id])
    assert [r.outcome for r in results] == ["enrolled", "failed"]
    clock.advance(minutes=1)
    assert usis.enrolment.swap(s.number, first.id, other.id).ok
    assert not usis.enrolment.swap(s.number, other.id, full.id).ok
    usis.enrolment.drop(s.number, other.id, reason="changed my mind")

    assert steps(usis, s.number) == [
        ("login", "refused"), ("login", "ok"),
        ("cart_add", "ok"), ("cart_add", "ok"), ("cart_add", "ok"),
        ("cart_update", "ok"), ("cart_remove", "ok"),
        ("enrol", "ok"), ("enrol", "refused"),
        ("swap", "ok"), ("swap", "refused"),
        ("drop", "ok"),
    ]
    rows = usis.audit.entries(s.number)
    assert {(r.actor, r.acting_for) for r in rows} == {(s.number, s.number)}
    assert rows[0].at == NOW and rows[-1].at == NOW + timedelta(minutes=3)  # the app's clock
    assert all(PASSWORD not in r.detail and "wrong" not in r.detail for r in rows)
    details = [r.detail for r in rows]
    assert details[0] == "Your User ID and/or Password are invalid."
    assert details[2] == "class 1111 (2026-2027)"
    assert details[5].startswith("class 3333: wait list yes")
    assert details[6] == "class 3333"
    assert details[7] == "class 1111: Success: This class has been added to your schedule."
    assert details[8] == "class 2222: Not Enrolled, Class 2222 Full."
    assert details[9] == ("class 1111 for class 4444: Success: Class 1111 has been swapped "
                          "for class 4444.")
    assert details[10].startswith("class 4444 for class 2222: Swap not processed")
    assert details[10].endswith("Not Enrolled, Class 2222 Full.")
    assert details[11] == ("class 4444: Success: Class 4444 has been dropped from your "
                           "schedule. Reason: changed my mind")
    # filters
    assert steps(usis, s.number, action="enrol") == [("enrol", "ok"), ("enrol", "refused")]
    assert steps(usis, s.number, outcome="refused") == [
        ("login", "refused"), ("enrol", "refused"), ("swap", "refused")]
    assert [r.action for r in usis.audit.entries(
        s.number, since=NOW + timedelta(minutes=3))] == ["swap", "swap", "drop"]
    assert [r.action for r in usis.audit.entries(s.number, until=NOW)] == ["login", "login"]


def test_refused_operations_write_only_their_audit_entry(sc, usis, db):
    s = sc.student()
    full = sc.section("2222", capacity=1, waitlist_capacity=0, meets=[MO])
    sc.fill(full)
    cases = [
        (lambda: usis.cart.add(s.number, YEAR, "9999"), "cart_add"),
        (lambda: usis.cart.remove(s.number, 12345), "cart_remove"),
        (lambda: usis.cart.enrol(s.number, []), "enrol"),
        (lambda: usis.enrolment.drop(s.number, full.id), "drop"),
        (lambda: usis.enrolment.swap(s.number, full.id, full.id), "swap"),
    ]
    for call, action in cases:
        before = dump(db, audit=True)
        with pytest.raises(ServiceError) as err:
            call()
        after = dump(db, audit=True)
        assert changed_tables(before, after) == ["audit_entry"]
        assert len(after["audit_entry"]) == len(before["audit_entry"]) + 1
        last = usis.audit.entries(s.number)[-1]
        assert (last.action, last.outcome) == (action, "refused")
        assert str(err.value) in last.detail
    # A refused enrolment (no ServiceError: a "View results" line) writes only its entry too.
    before = dump(db, audit=True)
    [result] = usis.enrolment.enrol(s.number, [req(full)])
    assert result.outcome == "failed"
    assert changed_tables(before, dump(db, audit=True)) == ["audit_entry"]
    assert steps(usis, s.number)[-1] == ("enrol", "refused")


def test_actor_acting_for_a_student_and_staff_login(sc, usis):
    s = sc.student()
    sc.section("1111", meets=[MO])
    sc.staff("helpdesk", role="support")
    usis.auth.login("helpdesk", PASSWORD)
    usis.cart.add(s.number, YEAR, "1111", actor="helpdesk")
    [row] = usis.audit.entries(s.number)
    assert (row.actor, row.acting_for, row.action, row.outcome) == (
        "helpdesk", s.number, "cart_add", "ok")
    with pytest.raises(ServiceError) as err:
        usis.audit.entries("s9999999")
    assert err.value.code == "unknown_student"


def test_all_or_nothing_records_failed_lines(sc, usis):
    s = sc.student()
    ok = sc.section("1111", meets=[MO])
    full = sc.section("2222", capacity=1, waitlist_capacity=0, meets=[TU])
    sc.fill(full)
    usis.enrolment.enrol(s.number, [req(ok), req(full)], all_or_nothing=True)
    assert steps(usis, s.number) == [("enrol", "failed"), ("enrol", "refused")]


# ---------------------------------------------------------------------- CLI
CLI_NOW = "2026-11-23T09:30"


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "USIS_NOW": CLI_NOW}
    env.pop("USIS_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "usis_tui", *args], capture_output=True,
                          text=True, env=env, timeout=120, check=False)


def test_cli_audit_table_json_and_errors(demo_db_url, demo_now):
    usis = Usis.open(demo_db_url, clock=lambda: demo_now)
    try:
        usis.auth.login("s1234567", "demo")
        with pytest.raises(ServiceError):
            usis.cart.add("s1234567", "2026-2027", "9999")
    finally:
        usis.close()

    result = run("audit", "--db", demo_db_url, "--student", "s1234567", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["action"], r["outcome"]) for r in rows][-2:] == [
        ("login", "ok"), ("cart_add", "refused")]
    assert rows[-1] == {"at": "2026-11-23T09:30:00", "actor": "s1234567",
                        "acting_for": "s1234567", "action": "cart_add",
                        "detail": "class 9999 (2026-2027): Class 9999 does not exist in "
                                  "Studiejaar 2026-2027.",
                        "outcome": "refused"}

    only = run("audit", "--db", demo_db_url, "--student", "s1234567", "--json",
               "--action", "login", "--since", "2026-11-23")
    assert [r["action"] for r in json.loads(only.stdout)] == ["login"]

    table = run("--db", demo_db_url, "audit", "--student", "s1234567")
    assert table.returncode == 0, table.stderr
    assert "Time" in table.stdout and "Acting for" in table.stdout
    assert "2026-11-23 09:30  s1234567     s1234567     cart_add     refused" in table.stdout

    later = run("audit", "--db", demo_db_url, "--student", "s1234567",
                "--since", (datetime(2026, 11, 24)).isoformat())
    assert later.returncode == 0 and "No steps recorded." in later.stdout

    for args, needle in ((["--student", "s9999999"], "Student s9999999 does not exist."),
                         (["--student", "s1234567", "--since", "soon"], "Not an ISO date-time")):
        bad = run("audit", "--db", demo_db_url, *args)
        assert bad.returncode != 0 and "Traceback" not in bad.stderr
        lines = bad.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("usis: error: ") and needle in lines[0]


# ---------------------------------------------------------------- added for the app (roles-ui)
def test_navigation_and_log_entries_use_the_clock_and_name_the_page(sc, usis, db, clock):
    s = sc.student()
    usis.audit.navigation(s.number, s.number, "Student Center")
    clock.advance(minutes=2)
    usis.audit.navigation("helpdesk", s.number, "Enrol")
    usis.audit.log("helpdesk", s.number, "act_as", "stop")
    usis.audit.navigation("helpdesk", None, "Find a student")  # not a step of the student
    rows = usis.audit.entries(s.number)
    assert [(r.actor, r.acting_for, r.action, r.detail, r.outcome) for r in rows] == [
        (s.number, s.number, "navigate", "Student Center", "ok"),
        ("helpdesk", s.number, "navigate", "Enrol", "ok"),
        ("helpdesk", s.number, "act_as", "stop", "ok"),
    ]
    assert rows[0].at == NOW and rows[1].at == NOW + timedelta(minutes=2)
    assert usis.audit.action_kinds(s.number) == ["act_as", "navigate"]
    assert usis.audit.action_kinds() == ["act_as", "navigate"]


def test_entries_text_filter_matches_detail_action_and_actor(sc, usis):
    s = sc.student()
    sc.section("1111", meets=[MO])
    sc.section("2222", meets=[TU])
    usis.cart.add(s.number, YEAR, "1111")
    usis.cart.add(s.number, YEAR, "2222", actor="helpdesk")
    with pytest.raises(ServiceError):
        usis.cart.add(s.number, YEAR, "9999")
    assert [r.detail for r in usis.audit.entries(s.number, text="1111")] == [
        "class 1111 (2026-2027)"]
    assert [r.actor for r in usis.audit.entries(s.number, text="HELPDESK")] == ["helpdesk"]
    assert len(usis.audit.entries(s.number, text="cart_")) == 3
    assert steps(usis, s.number, text="9999") == [("cart_add", "refused")]
    assert usis.audit.entries(s.number, text="   ") == usis.audit.entries(s.number)
    assert usis.audit.entries(s.number, text="100%") == []  # % is not a wildcard here


def test_find_students_by_number_prefix_or_name_part(sc, usis):
    a = sc.student("s1234567", name="Eva de Vries")
    b = sc.student("s1234999", name="Jan Jansen")
    sc.student("s7654321", name="Ada Visser")
    assert [r.student_number for r in usis.audit.find_students("s1234")] == [a.number, b.number]
    assert [r.student_number for r in usis.audit.find_students("  S1234567 ")] == [a.number]
    [row] = usis.audit.find_students("VRIES")
    assert (row.name, row.programme, row.degree) == ("Eva de Vries", "Computer Science",
                                                     "bachelor")
    assert [r.name for r in usis.audit.find_students("v")] == ["Eva de Vries", "Ada Visser"]
    assert usis.audit.find_students("nobody") == []
    assert usis.audit.find_students("_") == []  # _ is not a wildcard
    assert len(usis.audit.find_students("s", limit=2)) == 2
    with pytest.raises(ServiceError) as err:
        usis.audit.find_students("  ")
    assert err.value.code == "empty_query"
