"""services/auth.py: scrypt hashes, login that gives nothing away (the same message and time for
unknown names and wrong passwords), the per-name throttle, and the administrator's lock."""

from __future__ import annotations

import re
import statistics
import time
from datetime import timedelta

import pytest
from factories import NOW, PASSWORD, dump, password_hash, unchanged
from sqlalchemy import select

from usis_tui.models import AuditEntry, LoginThrottle, Student
from usis_tui.services import ServiceError
from usis_tui.services.auth import (
    MAX_BLOCK_MINUTES,
    MAX_FAILURES,
    hash_password,
    verify_password,
)

INVALID = "Your User ID and/or Password are invalid."
#: what a login may write besides the audit trail: the throttle's row (and, the first time, the
#: database's key for user-name tags)
THROTTLE_TABLES = {"login_throttle", "setting"}


def login_error(usis, user, password) -> ServiceError:
    with pytest.raises(ServiceError) as err:
        usis.auth.login(user, password)
    return err.value


def shown(err: ServiceError) -> list[tuple[str, str, str]]:
    """Everything a refusal tells: code, message and hint of every problem."""
    return [(p.code, p.message, p.hint) for p in err.problems]


def throttled_until(minutes: float) -> str:
    return ("Too many failed sign-in attempts for this User ID; try again after "
            f"{NOW + timedelta(minutes=minutes):%H:%M}.")


def account(db, number):
    with db.read() as session:
        row = session.scalar(select(Student).where(Student.student_number == number))
        return row.failed_logins, row.locked_until


def changed_tables(before: dict, after: dict) -> set[str]:
    return {name for name in before if before[name] != after[name]}


def test_scrypt_hash_format_and_verify():
    stored = password_hash()
    scheme, n, r, p, _salt, _digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")  # USIS_SCRYPT_N of the tests
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
    for user in ("helpdesk", " HelpDesk "):  # a User ID in any case, as for students
        ident = usis.auth.login(user, PASSWORD)
        assert (ident.kind, ident.username, ident.role, ident.programme) == (
            "staff", "helpdesk", "support", None)
    err = login_error(usis, "helpdesk", "nope")
    assert shown(err) == [("invalid_credentials", INVALID, "")]
    with db.read() as session:
        assert session.scalar(select(LoginThrottle.failures)) == 1  # counted under a tag


@pytest.mark.parametrize("user, password", [("", PASSWORD), ("s1000001", ""), ("   ", "x")])
def test_missing_credentials(sc, usis, db, user, password):
    sc.student("s1000001")
    with unchanged(db):
        err = login_error(usis, user, password)
    assert err.code == "missing_credentials"
    assert str(err) == "Enter your student number (e.g. s1234567) and password."


@pytest.mark.parametrize("user", ["s7654321", "nobody", "s12345678", "Nobody Else", "x" * 5000],
                         ids=["student-number", "name", "too-long-number", "spaces", "5000"])
def test_unknown_user_and_wrong_password_say_the_same(sc, usis, db, user):
    """No "attempts left" or any other hint that only a real account gets."""
    s = sc.student("s1000001")
    wrong = login_error(usis, s.number, "wrong password")
    before = dump(db)
    unknown = login_error(usis, user, PASSWORD)
    assert shown(unknown) == shown(wrong) == [("invalid_credentials", INVALID, "")]
    # only the throttle's count changed: no account row
    assert changed_tables(before, dump(db)) <= THROTTLE_TABLES


def test_five_failures_refuse_the_name_for_a_minute_then_longer(sc, usis, db, clock):
    s = sc.student()
    for _ in range(MAX_FAILURES - 1):
        assert shown(login_error(usis, s.number, "wrong")) == [
            ("invalid_credentials", INVALID, "")]
    err = login_error(usis, s.number, "wrong")
    assert (err.code, str(err)) == ("throttled", throttled_until(1))
    assert account(db, s.number) == (0, None)  # the account itself is not touched
    # while refused even the right password is refused, without being checked, and the
    # refusal neither counts nor lasts longer
    clock.advance(seconds=59)
    with unchanged(db):
        assert str(login_error(usis, s.number, PASSWORD)) == throttled_until(1)
        assert str(login_error(usis, s.number, "wrong")) == throttled_until(1)
    # afterwards each further failure refuses the name again, for twice as long
    waited = 1
    for minutes in (2, 4, 8, MAX_BLOCK_MINUTES, MAX_BLOCK_MINUTES):
        clock.set(NOW + timedelta(minutes=waited))
        assert str(login_error(usis, s.number, "wrong")) == throttled_until(waited + minutes)
        waited += minutes
    clock.set(NOW + timedelta(minutes=waited))
    assert usis.auth.login(s.number, PASSWORD).username == s.number  # success ends it
    for _ in range(MAX_FAILURES - 1):
        assert login_error(usis, s.number, "wrong").code == "invalid_credentials"


def test_never_refused_for_more_than_fifteen_minutes(sc, usis, db, clock):
    s = sc.student()
    for attempt in range(40):
        err = login_error(usis, s.number, "wrong")
        with db.read() as session:
            until = session.scalar(select(LoginThrottle.blocked_until))
        if until is not None and until > clock.now:
            assert until - clock.now <= timedelta(minutes=MAX_BLOCK_MINUTES)
            assert err.code == "throttled" and attempt >= MAX_FAILURES - 1
            clock.set(until)
    assert usis.auth.login(s.number, PASSWORD).username == s.number


def test_an_unknown_name_is_throttled_exactly_like_a_real_one(sc, usis, db, clock):
    s = sc.student()
    real = [shown(login_error(usis, s.number, "wrong")) for _ in range(MAX_FAILURES + 1)]
    unknown = [shown(login_error(usis, "s7777777", "wrong")) for _ in range(MAX_FAILURES + 1)]
    assert real == unknown
    assert real[-1] == [("throttled", throttled_until(1), "")]
    with db.read() as session:
        rows = session.execute(select(LoginThrottle.tag, LoginThrottle.failures)).all()
    assert len(rows) == 2 and {failures for _, failures in rows} == {MAX_FAILURES}
    tags = " ".join(tag for tag, _ in rows)
    assert s.number not in tags and "s7777777" not in tags  # keyed hashes, not names
    assert all(re.fullmatch(r"[0-9a-f]{64}", tag) for tag, _ in rows)


def test_throttle_is_per_name_in_any_spelling(sc, usis, db):
    a, b = sc.student(), sc.student()
    for _ in range(MAX_FAILURES):
        login_error(usis, a.number, "wrong")
    assert login_error(usis, f"  {a.number.upper()} ", PASSWORD).code == "throttled"
    assert usis.auth.login(b.number, PASSWORD).username == b.number


def test_a_frozen_clock_does_not_keep_a_name_refused(sc, usis, db, monkeypatch):
    """With --now the app's clock stands still: the wall clock ends the refusal."""
    from usis_tui.services import auth

    s = sc.student()
    wall = [NOW + timedelta(hours=3)]
    monkeypatch.setattr(auth, "_wall", lambda: wall[0])
    for _ in range(MAX_FAILURES):
        login_error(usis, s.number, "wrong")
    assert login_error(usis, s.number, PASSWORD).code == "throttled"
    wall[0] += timedelta(minutes=1)
    assert usis.auth.login(s.number, PASSWORD).username == s.number


def test_the_administrators_lock_shows_only_after_the_right_password(sc, usis, db, clock):
    s = sc.student()
    usis.auth.set_locked(s.number)
    assert shown(login_error(usis, s.number, "wrong")) == [("invalid_credentials", INVALID, "")]
    assert shown(login_error(usis, s.number, PASSWORD)) == [
        ("locked", "Your account is locked.", "Ask the helpdesk to unlock it.")]
    clock.advance(days=365)  # it does not expire
    assert login_error(usis, s.number, PASSWORD).code == "locked"
    usis.auth.set_locked(s.number, False)
    assert usis.auth.login(s.number, PASSWORD).username == s.number


def test_unlock_and_new_password_lift_the_throttle(sc, usis, db):
    s = sc.student()
    for _ in range(MAX_FAILURES):
        login_error(usis, s.number, "wrong")
    usis.auth.set_locked(s.number, False, actor="helpdesk")
    assert usis.auth.login(s.number, PASSWORD).username == s.number
    for _ in range(MAX_FAILURES):
        login_error(usis, s.number, "wrong")
    usis.auth.set_password(s.number, NEW)
    assert usis.auth.login(s.number, NEW).username == s.number


def audit_trail(db) -> list[tuple]:
    with db.read() as session:
        return [tuple(r) for r in session.execute(select(
            AuditEntry.actor, AuditEntry.acting_for, AuditEntry.detail,
            AuditEntry.outcome).where(AuditEntry.action == "login").order_by(AuditEntry.id))]


def test_unknown_names_are_not_stored_as_typed(sc, usis, db):
    """A password typed into the User ID field must not end up in the audit trail or the
    throttle: an unknown name is recorded as "(unknown <tag>)"."""
    s = sc.student()
    typed = "Sup3r$ecretPassw0rd"
    for name in (typed, typed, "s7777777", f"  {typed.upper()}"):
        login_error(usis, name, "whatever it is")
    login_error(usis, s.number, "wrong")
    rows = audit_trail(db)
    everything = repr(dump(db, audit=True))
    assert typed not in everything and typed.upper() not in everything
    assert typed.lower() not in everything and "s7777777" not in everything
    actors = [r[0] for r in rows]
    assert all(re.fullmatch(r"\(unknown [0-9a-f]{8}\)", a) for a in actors[:4])
    assert actors[0] == actors[1] == actors[3] != actors[2]  # one name, one tag
    assert rows[4] == (s.number, s.number, INVALID, "refused")  # a real account: as it is
    assert {r[2] for r in rows[:4]} == {INVALID}


def test_login_times_match_for_unknown_names_and_wrong_passwords(sc, usis, db):
    """Refusing an unknown name costs what refusing a wrong password of an account made with
    `usis user add` costs: one scrypt check with the same parameters. Medians of interleaved
    tries, compared as a ratio (the machine may be busy)."""
    sc.programme("BSc-INF", "Computer Science")
    usis.auth.add_user("s1111111", "student", NEW, programme="Computer Science")
    usis.auth.add_user("helpdesk2", "support", NEW)

    def timed(user: str) -> float:
        start = time.perf_counter()
        login_error(usis, user, "not the password")
        return time.perf_counter() - start

    real, unknown = [], []
    for i in range(7):
        for name in ("s1111111", "helpdesk2"):
            real.append(timed(name))
            usis.auth.set_locked(name, False)  # keep the throttle out of it
        unknown += [timed(f"s999{i:04d}"), timed(f"nobody{i}")]
    ratio = statistics.median(real) / statistics.median(unknown)
    assert 0.5 < ratio < 2.0, (real, unknown)


def test_rehash_on_login_when_the_parameters_changed(sc, usis, db):
    from usis_tui.services import auth

    s = sc.student()
    with db.write() as session:
        row = session.scalar(select(Student).where(Student.student_number == s.number))
        row.password_hash = hash_password(PASSWORD, n=2**10)
    login_error(usis, s.number, "wrong")  # a failure changes nothing
    with db.read() as session:
        assert session.scalar(select(Student.password_hash).where(
            Student.student_number == s.number)).startswith("scrypt$1024$")
    usis.auth.login(s.number, PASSWORD)
    with db.read() as session:
        stored = session.scalar(select(Student.password_hash).where(
            Student.student_number == s.number))
    assert stored.split("$")[1:4] == [str(auth.scrypt_n()), "8", "1"] == ["16384", "8", "1"]
    assert usis.auth.login(s.number, PASSWORD).username == s.number


def test_scrypt_cost_is_configured_once_for_every_hash(monkeypatch):
    from usis_tui.errors import ConfigError
    from usis_tui.services import auth

    monkeypatch.delenv("USIS_SCRYPT_N")
    assert auth.scrypt_n() == auth.ACCOUNT_N == 2**17  # the OWASP minimum, by default
    assert auth._dummy_hash().split("$")[1:4] == ["131072", "8", "1"]
    monkeypatch.setenv("USIS_SCRYPT_N", "1024")
    assert hash_password("x").split("$")[1:4] == auth._dummy_hash().split("$")[1:4] == [
        "1024", "8", "1"]
    for bad in ("1000", "512", "4194304", "lots", "-1", "2**17"):
        monkeypatch.setenv("USIS_SCRYPT_N", bad)
        with pytest.raises(ConfigError, match="USIS_SCRYPT_N must be a power of two"):
            hash_password("x")


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
    # no shortcut that times an unknown user name: a check with the parameters of new hashes
    assert len(checked) == 1
    assert checked[0].split("$")[:4] == hash_password("x").split("$")[:4]
    assert not verify_password("whatever", checked[0])


# ---------------------------------------------------------------------------- accounts
@pytest.fixture
def fast_accounts(monkeypatch):
    """New hashes with small parameters (USIS_SCRYPT_N), e.g. for accounts made here."""
    monkeypatch.setenv("USIS_SCRYPT_N", "1024")


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


# ---------------------------------------------------------------------------- names
@pytest.mark.parametrize("name, why", [
    ("Evil\x1b]0;PWNED\x07Name\x1b[31mRED", "control characters"),  # OSC title, ANSI colour
    ("Evil\x9b31mName", "control characters"),  # C1 CSI
    ("Del\x7fete", "control characters"),
    ("Two\nLines", "one line"),
    ("Tab\tName", "one line"),
    ("NUL\x00", "control characters"),
    ("Eva \u202egnp.exe", "bidirectional"),  # right-to-left override
    ("Eva \u2066isolate\u2069", "bidirectional"),
    ("x" * 101, "at most 100 characters"),
    ("x" * 5039, "at most 100 characters"),
], ids=["osc-ansi", "c1-csi", "del", "newline", "tab", "nul", "rlo", "isolate", "101", "5039"])
def test_add_user_refuses_names_with_control_characters_or_too_long(sc, usis, db, fast_accounts,
                                                                    name, why):
    sc.programme("BSc-INF", "Computer Science")
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.auth.add_user("helpdesk2", "support", NEW, name=name)
    assert err.value.code == "bad_name"
    assert why in str(err.value)
    assert name.strip() not in str(err.value)  # never echoed
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.auth.add_user("s1111111", "student", NEW, name=name, programme="Computer Science")
    assert err.value.code == "bad_name"


def test_add_user_accepts_real_names(sc, usis, db, fast_accounts):
    for username, name in (("ann", "Zoë O'Brien-Đặng"), ("bob", "محمد بن سلمان"),
                           ("cy", "山田 太郎 (Taro)"), ("di", "x" * 100)):
        assert usis.auth.add_user(username, "board", NEW, name=name).name == name


# ---------------------------------------------------------------------------- demo database
def test_is_demo_on_the_demo_database(demo_usis):
    assert demo_usis.auth.is_demo() is True


def test_is_demo_not_on_another_database(usis):
    assert usis.auth.is_demo() is False  # a database made without the demo seed


def test_is_demo_on_a_database_from_before_revision_0004(tmp_path):
    from usis_tui import migrations
    from usis_tui.db import Database
    from usis_tui.services import Usis

    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    migrations.upgrade(db, "0003")
    assert Usis(db, clock=lambda: NOW).auth.is_demo() is False  # no setting table: no error
    db.dispose()
