"""services/auth.py: scrypt hashes, login, failure counting and the 15-minute lock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import NOW, PASSWORD, password_hash, unchanged
from sqlalchemy import select

from usis_tui.models import StaffUser, Student
from usis_tui.services import ServiceError
from usis_tui.services.auth import LOCK_MINUTES, MAX_FAILURES, hash_password, verify_password

INVALID = "Your User ID and/or Password are invalid."


def login_error(usis, user, password) -> ServiceError:
    with pytest.raises(ServiceError) as err:
        usis.auth.login(user, password)
    return err.value


def account(db, number):
    with db.read() as session:
        row = session.scalar(select(Student).where(Student.student_number == number))
        return row.failed_logins, row.locked_until


def test_scrypt_hash_format_and_verify():
    stored = password_hash()
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert PASSWORD not in stored
    assert verify_password(PASSWORD, stored)
    assert not verify_password(PASSWORD + "!", stored)
    assert not verify_password("", stored)
    fixed = hash_password("x", salt=b"0" * 16)
    assert fixed == hash_password("x", salt=b"0" * 16)  # deterministic given the salt
    assert fixed != hash_password("y", salt=b"0" * 16)


@pytest.mark.parametrize("stored", ["", "plain", "md5$1$2$3$4$5", "scrypt$x$8$1$AA==$AA==",
                                    "scrypt$16384$8$1$not base64!$AA=="])
def test_verify_rejects_malformed_hashes(stored):
    assert verify_password(PASSWORD, stored) is False


def test_student_login(sc, usis, db):
    sc.programme("BSc-INF", "Computer Science")
    s = sc.student("s1234567", name="Ada Lovelace")
    for user in ("s1234567", " S1234567 "):
        ident = usis.auth.login(user, PASSWORD)
        assert (ident.kind, ident.username, ident.name, ident.role, ident.programme) == (
            "student", "s1234567", "Ada Lovelace", "student", "Computer Science")
    assert account(db, s.number) == (0, None)


def test_staff_login(sc, usis, db):
    sc.staff("helpdesk", role="support")
    ident = usis.auth.login("helpdesk", PASSWORD)
    assert (ident.kind, ident.username, ident.role, ident.programme) == (
        "staff", "helpdesk", "support", None)
    err = login_error(usis, "helpdesk", "nope")
    assert str(err) == INVALID
    with db.read() as session:
        assert session.scalar(select(StaffUser.failed_logins)) == 1


@pytest.mark.parametrize("user, password", [("", PASSWORD), ("s1000001", ""), ("   ", "x")])
def test_missing_credentials(sc, usis, db, user, password):
    sc.student("s1000001")
    with unchanged(db):
        err = login_error(usis, user, password)
    assert err.code == "missing_credentials"
    assert str(err) == "Enter your student number (e.g. s1234567) and password."


@pytest.mark.parametrize("user", ["s7654321", "nobody", "s12345678"])
def test_unknown_user_gets_the_same_message(sc, usis, db, user):
    sc.student("s1000001")
    with unchanged(db):
        err = login_error(usis, user, PASSWORD)
    assert (err.code, str(err)) == ("invalid_credentials", INVALID)


def test_wrong_password_counts_and_warns(sc, usis, db):
    s = sc.student()
    err = login_error(usis, s.number, "wrong")
    assert (err.code, str(err)) == ("invalid_credentials", INVALID)
    assert err.problems[0].hint == (
        f"{MAX_FAILURES - 1} attempts left before your account is locked for "
        f"{LOCK_MINUTES} minutes.")
    assert account(db, s.number) == (1, None)  # stored although the call raised
    for _ in range(3):
        err = login_error(usis, s.number, "wrong")
    assert err.problems[0].hint.startswith("1 attempt left")
    assert account(db, s.number) == (4, None)
    usis.auth.login(s.number, PASSWORD)  # success resets the count
    assert account(db, s.number) == (0, None)


def test_lock_after_five_failures_for_fifteen_minutes(sc, usis, db, clock):
    s = sc.student()
    for _ in range(MAX_FAILURES - 1):
        login_error(usis, s.number, "wrong")
    err = login_error(usis, s.number, "wrong")
    until = NOW + timedelta(minutes=LOCK_MINUTES)
    assert err.code == "locked"
    assert str(err) == "Your account is locked after 5 failed attempts until 10:15 (07 Sep 2026)."
    assert "helpdesk" in err.problems[0].hint
    assert account(db, s.number) == (0, until)
    # while locked even the right password is refused, and nothing changes
    clock.advance(minutes=14, seconds=59)
    with unchanged(db):
        err = login_error(usis, s.number, PASSWORD)
        assert (err.code, str(err)) == ("locked", "Your account is locked after 5 failed "
                                                  "attempts until 10:15 (07 Sep 2026).")
        assert login_error(usis, s.number, "wrong").code == "locked"  # does not extend it
    clock.set(until)
    assert usis.auth.login(s.number, PASSWORD).username == s.number
    assert account(db, s.number) == (0, None)


def test_failures_after_the_lock_expires_start_from_zero(sc, usis, db, clock):
    s = sc.student()
    for _ in range(MAX_FAILURES):
        login_error(usis, s.number, "wrong")
    clock.advance(minutes=LOCK_MINUTES, seconds=1)
    err = login_error(usis, s.number, "wrong")
    assert err.code == "invalid_credentials"
    assert err.problems[0].hint.startswith("4 attempts left")


def test_lock_is_per_account(sc, usis, db):
    a, b = sc.student(), sc.student()
    for _ in range(MAX_FAILURES):
        login_error(usis, a.number, "wrong")
    assert usis.auth.login(b.number, PASSWORD).username == b.number
