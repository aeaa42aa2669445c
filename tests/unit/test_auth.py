"""services/auth.py: scrypt hashes, login, failure counting and the 15-minute lock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import NOW, PASSWORD, password_hash, unchanged
from sqlalchemy import select

from usis_tui.models import AuditEntry, StaffUser, Student
from usis_tui.services import ServiceError
from usis_tui.services.auth import (
    LOCK_MINUTES,
    MAX_FAILURES,
    hash_password,
    verify_password,
)

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


# ---------------------------------------------------------------------------- hashing details
def test_verify_is_constant_time_and_reads_parameters_from_the_hash(monkeypatch):
    import hmac

    from usis_tui.services import auth

    compared = []
    real = hmac.compare_digest
    monkeypatch.setattr(auth.hmac, "compare_digest",
                        lambda a, b: compared.append((a, b)) or real(a, b))
    strong = hash_password("a longer secret", n=2**15)
    assert strong.split("$")[1] == "32768"  # parameters travel with the hash
    assert verify_password("a longer secret", strong)
    assert not verify_password("a longer secreT", strong)
    assert len(compared) == 2  # every comparison went through hmac.compare_digest
    salts = {hash_password("same").split("$")[4] for _ in range(3)}
    assert len(salts) == 3  # a fresh random salt every time


@pytest.mark.parametrize("n, r, p", [(2**21, 8, 1), (1000, 8, 1), (1, 8, 1), (2**14, 0, 1),
                                     (2**14, 8, 99)])
def test_verify_refuses_absurd_parameters(n, r, p):
    salt, digest = password_hash().split("$")[4:]
    assert verify_password(PASSWORD, f"scrypt${n}${r}${p}${salt}${digest}") is False


def test_account_hashes_use_the_owasp_minimum():
    from usis_tui.services.auth import ACCOUNT_N

    assert ACCOUNT_N >= 2**17  # OWASP Password Storage Cheat Sheet: N=2^17, r=8, p=1
    stored = hash_password("correct horse battery", n=ACCOUNT_N)
    assert stored.split("$")[1:4] == [str(ACCOUNT_N), "8", "1"]
    assert verify_password("correct horse battery", stored)


def test_unknown_user_costs_a_hash_check_too(sc, usis, monkeypatch):
    from usis_tui.services import auth

    checked = []
    real = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda pw, stored: checked.append(stored)
                        or real(pw, stored))
    login_error(usis, "nobody", "whatever")
    assert checked == [auth._dummy_hash()]  # no shortcut that times an unknown user name


# ---------------------------------------------------------------------------- accounts
@pytest.fixture
def fast_accounts(monkeypatch):
    """Account hashes with small parameters: the real ones cost ~0.5 s each."""
    from usis_tui.services import auth

    monkeypatch.setattr(auth, "ACCOUNT_N", 2**10)


NEW = "new password 1"


def audit_rows(db) -> list[tuple]:
    with db.read() as session:
        return [tuple(r) for r in session.execute(select(
            AuditEntry.actor, AuditEntry.acting_for, AuditEntry.action, AuditEntry.detail,
            AuditEntry.outcome).order_by(AuditEntry.id)).all()]


def test_add_student_and_staff_accounts(sc, usis, db, fast_accounts):
    sc.programme("BSc-INF", "Computer Science")
    ident = usis.auth.add_user(" S1111111 ", "student", NEW, name="Nieuwe Student",
                               programme="bsc-inf")
    assert (ident.username, ident.role, ident.name, ident.programme) == (
        "s1111111", "student", "Nieuwe Student", "Computer Science")
    staff = usis.auth.add_user("helpdesk2", "support", NEW)
    assert (staff.kind, staff.username, staff.name, staff.role) == (
        "staff", "helpdesk2", "helpdesk2", "support")
    assert usis.auth.login("s1111111", NEW).name == "Nieuwe Student"
    assert usis.auth.login("helpdesk2", NEW).role == "support"
    with db.read() as session:
        stored = session.scalar(select(Student.password_hash).where(
            Student.student_number == "s1111111"))
    assert stored.startswith("scrypt$1024$8$1$") and NEW not in stored
    rows = audit_rows(db)
    assert rows[:2] == [
        ("(local admin)", "s1111111", "user_add",
         "Student account s1111111 created (Computer Science)", "ok"),
        ("(local admin)", None, "user_add", "Staff account helpdesk2 created (support)", "ok")]
    assert not any(NEW in str(r) or stored in str(r) for r in rows)


@pytest.mark.parametrize("args, code", [
    (("s111", "student", NEW), "bad_username"),
    (("S1111111x", "student", NEW), "bad_username"),
    (("s2222222", "support", NEW), "bad_username"),  # would log in as a student
    (("Has Space", "board", NEW), "bad_username"),
    (("bob", "admin", NEW), "bad_role"),
    (("bob", "trainer", "short"), "weak_password"),
    (("bob", "trainer", " spaced password"), "weak_password"),
    (("bob", "trainer", "x" * 2000), "weak_password"),
    (("s1111111", "student", NEW), "bad_programme"),  # no programme
    (("bob", "trainer", NEW, "Computer Science"), "bad_programme"),  # staff: none
    (("s1000001", "student", NEW, "Computer Science"), "user_exists"),
    (("helpdesk", "board", NEW), "user_exists"),
])
def test_add_user_refusals_change_nothing(sc, usis, db, fast_accounts, args, code):
    sc.programme("BSc-INF", "Computer Science")
    sc.student("s1000001")
    sc.staff("helpdesk")
    username, role, password, *programme = args
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.auth.add_user(username, role, password,
                           programme=programme[0] if programme else None)
    assert err.value.code == code
    assert password not in str(err.value)


def test_set_password_and_lock(sc, usis, db, clock, fast_accounts):
    s = sc.student()
    for _ in range(2):
        login_error(usis, s.number, "wrong")
    usis.auth.set_password(s.number, NEW, actor="helpdesk")
    assert account(db, s.number) == (0, None)  # failures start again
    assert login_error(usis, s.number, PASSWORD).code == "invalid_credentials"
    assert usis.auth.login(s.number, NEW).username == s.number
    assert usis.auth.set_locked(s.number) is True
    err = login_error(usis, s.number, NEW)
    assert (err.code, str(err), err.problems[0].hint) == (
        "locked", "Your account is locked.", "Ask the helpdesk to unlock it.")
    clock.advance(days=365)  # an administrator's lock does not expire
    assert login_error(usis, s.number, NEW).code == "locked"
    assert usis.auth.set_locked(s.number, False, actor="helpdesk") is False
    assert usis.auth.login(s.number, NEW).username == s.number
    # a lock after five failures is lifted by unlocking too
    for _ in range(MAX_FAILURES):
        login_error(usis, s.number, "wrong")
    usis.auth.set_locked(s.number, False)
    assert usis.auth.login(s.number, NEW).username == s.number
    actions = [(r[0], r[2], r[3]) for r in audit_rows(db) if r[2].startswith("user_")]
    assert actions == [
        ("helpdesk", "user_passwd", f"Password of {s.number} changed"),
        ("(local admin)", "user_lock", f"Account {s.number} locked"),
        ("helpdesk", "user_unlock", f"Account {s.number} unlocked"),
        ("(local admin)", "user_unlock", f"Account {s.number} unlocked")]
    with unchanged(db):
        for call in (lambda: usis.auth.set_password("s9999999", NEW),
                     lambda: usis.auth.set_locked("nobody"),
                     lambda: usis.auth.set_password(s.number, "short")):
            with pytest.raises(ServiceError) as err:
                call()
            assert err.value.code in ("unknown_user", "weak_password")


def test_no_password_or_hash_in_the_audit_trail(sc, usis, db, fast_accounts):
    sc.programme("BSc-INF", "Computer Science")
    secrets = ["first secret 1", "second secret 2", "wrong guess 3"]
    usis.auth.add_user("s1111111", "student", secrets[0], programme="Computer Science")
    usis.auth.login("s1111111", secrets[0])
    login_error(usis, "s1111111", secrets[2])
    login_error(usis, secrets[2], secrets[2])  # unknown user
    usis.auth.set_password("s1111111", secrets[1])
    usis.auth.login("s1111111", secrets[1])
    with db.read() as session:
        stored = session.scalar(select(Student.password_hash).where(
            Student.student_number == "s1111111"))
    trail = " ".join(" ".join(str(v) for v in r) for r in audit_rows(db))
    assert "user_passwd" in trail and "login" in trail
    for secret in secrets[:2]:
        assert secret not in trail
    assert stored not in trail and stored.split("$")[-1] not in trail
    assert "scrypt" not in trail
