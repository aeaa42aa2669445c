"""services/mfa.py: two-step sign-in — the password step gives no identity when a code is due,
set-up with a first code, a code once within ±1 time step of the app's clock, recovery codes
once, failures throttled like passwords, reset audited, students when the configuration says
so."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pyotp
import pytest
from factories import NOW, PASSWORD
from sqlalchemy import select

from usis_tui.models import AuditEntry, LoginThrottle, StaffUser, Student
from usis_tui.services import ServiceError
from usis_tui.services.access import Principal, guard
from usis_tui.services.mfa import code_at
from usis_tui.services.schemas import Identity, PendingSignIn


def error(call, *args) -> ServiceError:
    with pytest.raises(ServiceError) as err:
        call(*args)
    return err.value


def set_up(usis, username: str) -> tuple[str, list[str]]:
    """The first sign-in: password, the key shown, its first code → (secret, recovery codes)."""
    pending = usis.auth.login(username, PASSWORD)
    assert isinstance(pending, PendingSignIn) and pending.step == "setup"
    key = usis.mfa.setup_key(pending.ticket)
    done = usis.mfa.confirm_setup(pending.ticket, code_at(key.secret, usis.now()))
    assert done.identity.username == username
    return key.secret, done.recovery_codes


def trail(db, action: str) -> list[tuple]:
    with db.read() as session:
        return [tuple(r) for r in session.execute(
            select(AuditEntry.actor, AuditEntry.detail, AuditEntry.outcome)
            .where(AuditEntry.action == action).order_by(AuditEntry.id))]


def account(db, username: str):
    with db.read() as session:
        model = Student if username[1:].isdigit() else StaffUser
        column = Student.student_number if model is Student else StaffUser.username
        row = session.scalar(select(model).where(column == username))
        session.expunge(row)
        return row


# ---------------------------------------------------------------------------- set-up
def test_staff_set_up_at_the_first_sign_in(sc, usis, db):
    sc.staff("helpdesk", role="support")
    pending = usis.auth.login("helpdesk", PASSWORD)
    assert isinstance(pending, PendingSignIn) and not isinstance(pending, Identity)
    assert (pending.step, pending.username, pending.role) == ("setup", "helpdesk", "support")
    key = usis.mfa.setup_key(pending.ticket)
    assert account(db, "helpdesk").mfa_pending == key.secret
    assert account(db, "helpdesk").mfa_secret is None
    assert len(key.secret) == 32 and key.grouped.replace(" ", "") == key.secret
    assert key.uri.startswith("otpauth://totp/") and f"secret={key.secret}" in key.uri
    # a wrong first code: refused, nothing set up
    wrong = error(usis.mfa.confirm_setup, pending.ticket, "000000")
    assert wrong.code == "invalid_code"
    done = usis.mfa.confirm_setup(pending.ticket, pyotp.TOTP(key.secret).at(
        NOW.replace(tzinfo=None)))  # pyotp's own reading of the app's (naive) clock
    assert done.identity == Identity(kind="staff", username="helpdesk", name="Helpdesk",
                                     role="support")
    assert len(done.recovery_codes) == 10 == len(set(done.recovery_codes))
    row = account(db, "helpdesk")
    assert (row.mfa_secret, row.mfa_pending) == (key.secret, None)
    stored = json.loads(row.mfa_recovery)
    assert len(stored) == 10 and not any(c in row.mfa_recovery for c in done.recovery_codes)
    assert all(h.startswith("sha256$") for h in stored)
    # the secret and the codes are nowhere in the audit trail
    with db.read() as session:
        text = " ".join(f"{e.detail}" for e in session.scalars(select(AuditEntry)))
    assert key.secret not in text and not any(c in text for c in done.recovery_codes)
    assert ("helpdesk", "Two-step sign-in of helpdesk set up", "ok") in trail(db, "mfa")
    assert trail(db, "login")[-1] == (
        "helpdesk", "Logged in (support); two-step sign-in set up", "ok")


def test_every_set_up_shows_a_new_key_and_an_old_ticket_expires(sc, usis):
    sc.staff("helpdesk", role="support")
    first = usis.auth.login("helpdesk", PASSWORD)
    second = usis.auth.login("helpdesk", PASSWORD)
    key = usis.mfa.setup_key(second.ticket)
    assert error(usis.mfa.setup_key, first.ticket).code == "mfa_ticket"
    assert error(usis.mfa.confirm_setup, first.ticket,
                 code_at(key.secret, usis.now())).code == "mfa_ticket"
    assert usis.mfa.confirm_setup(second.ticket, code_at(key.secret, usis.now())).identity


# ---------------------------------------------------------------------------- the code
def test_a_code_is_accepted_once_within_one_step_of_drift(sc, usis, clock):
    sc.staff("helpdesk", role="support")
    secret, _codes = set_up(usis, "helpdesk")
    clock.advance(minutes=5)
    now = usis.now()
    pending = usis.auth.login("helpdesk", PASSWORD)
    assert pending.step == "code"
    # too far off (two steps): refused
    for offset in (-2, 2):
        assert error(usis.mfa.verify, pending.ticket,
                     code_at(secret, now, offset)).code == "invalid_code"
    # one step behind (a slow phone): accepted
    assert usis.mfa.verify(pending.ticket, code_at(secret, now, -1)).identity.username == \
        "helpdesk"
    # the same code again, and an older one: refused ("used already")
    again = usis.auth.login("helpdesk", PASSWORD)
    assert error(usis.mfa.verify, again.ticket, code_at(secret, now, -1)).code == "code_used"
    # the current one is newer: accepted once; then the next step's once
    assert usis.mfa.verify(again.ticket, code_at(secret, now)).identity
    assert error(usis.mfa.verify, again.ticket, code_at(secret, now)).code == "code_used"
    assert usis.mfa.verify(again.ticket, " ".join(
        [code_at(secret, now, 1)[:3], code_at(secret, now, 1)[3:]])).identity  # "123 456"
    # the clock moves on: the codes of the new moment work
    clock.advance(minutes=1)
    assert usis.mfa.verify(again.ticket, code_at(secret, usis.now())).identity


def test_the_password_step_is_no_sign_in(sc, usis, db, clock):
    """No identity without the code; a ticket cannot be forged or changed; a new password or
    a reset makes it worthless."""
    sc.staff("helpdesk", role="support")
    secret, _codes = set_up(usis, "helpdesk")
    pending = usis.auth.login("helpdesk", PASSWORD)
    code = code_at(secret, usis.now(), 1)
    body, signature = pending.ticket.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body))
    other = base64.urlsafe_b64encode(json.dumps({**claims, "u": "trainer"}).encode()).decode()
    for forged in ("", "x", body, f"{body}.{'0' * 64}", f"{body}x.{signature}",
                   f"{other}.{signature}"):
        assert error(usis.mfa.verify, forged, code).code == "mfa_ticket"
    # the ticket is for the code, not for a set-up
    assert error(usis.mfa.setup_key, pending.ticket).code == "mfa_ticket"
    usis.auth.set_password("helpdesk", "a brand new password")
    assert error(usis.mfa.verify, pending.ticket, code).code == "mfa_ticket"
    # it expires
    pending = usis.auth.login("helpdesk", "a brand new password")
    clock.advance(minutes=11)
    assert error(usis.mfa.verify, pending.ticket,
                 code_at(secret, usis.now())).code == "mfa_ticket"
    # not signed in means: no "Logged in" for the password step
    assert all("Logged in" not in d for _a, d, _o in trail(db, "mfa"))


def test_the_guard_does_not_let_a_ticket_method_sign_anybody_in(sc, usis):
    sc.staff("helpdesk", role="support")
    student = sc.student()
    guarded = guard(usis, Principal(username=student.number, role="student"))
    assert error(guarded.mfa.verify, "nonsense", "123456").code == "mfa_ticket"
    assert error(guarded.mfa.reset, "helpdesk").code == "not_authorised"
    assert error(guarded.mfa.status, "helpdesk").code == "not_authorised"
    assert guarded.mfa.status(student.number).enabled is False


# ---------------------------------------------------------------------------- recovery codes
def test_a_recovery_code_works_once(sc, usis, db):
    sc.staff("helpdesk", role="support")
    secret, codes = set_up(usis, "helpdesk")
    pending = usis.auth.login("helpdesk", PASSWORD)
    done = usis.mfa.verify(pending.ticket, codes[3].upper())
    assert done.used_recovery_code and done.recovery_left == 9
    assert error(usis.mfa.verify, pending.ticket, codes[3]).code == "invalid_code"
    assert usis.mfa.verify(pending.ticket, codes[4].replace("-", "")).recovery_left == 8
    assert usis.mfa.status("helpdesk").recovery_left == 8
    assert trail(db, "login")[-1][1] == "Logged in (support); with a recovery code"


# ---------------------------------------------------------------------------- throttle
def test_wrong_codes_count_towards_the_password_throttle(sc, usis, db, clock):
    sc.staff("helpdesk", role="support")
    secret, codes = set_up(usis, "helpdesk")
    pending = usis.auth.login("helpdesk", PASSWORD)
    for _ in range(4):
        assert error(usis.mfa.verify, pending.ticket, "000000").code == "invalid_code"
    # the right password again does not end the count while the code is due
    pending = usis.auth.login("helpdesk", PASSWORD)
    assert error(usis.mfa.verify, pending.ticket, "not a code").code == "throttled"
    # refused now, even with the right code or password
    assert error(usis.mfa.verify, pending.ticket, code_at(secret, usis.now())).code == \
        "throttled"
    assert error(usis.auth.login, "helpdesk", PASSWORD).code == "throttled"
    clock.advance(minutes=2)
    pending = usis.auth.login("helpdesk", PASSWORD)
    assert usis.mfa.verify(pending.ticket, code_at(secret, usis.now())).identity
    with db.read() as session:
        assert session.scalar(select(LoginThrottle)) is None  # a complete sign-in ends it
    refused = [o for _a, _d, o in trail(db, "login")].count("refused")
    assert refused == 7  # 5 codes, a code and a password while refused


# ---------------------------------------------------------------------------- students
def test_students_optional_by_default_required_when_configured(sc, usis, monkeypatch):
    s = sc.student()
    assert isinstance(usis.auth.login(s.number, PASSWORD), Identity)  # optional: not set up
    assert usis.mfa.status(s.number).required is False
    monkeypatch.setenv("USIS_MFA", "required")
    pending = usis.auth.login(s.number, PASSWORD)
    assert isinstance(pending, PendingSignIn) and pending.step == "setup"
    assert usis.mfa.status(s.number).required is True
    with pytest.raises(ServiceError) as err:
        usis.mfa.disable(s.number, "123456")
    assert err.value.code == "mfa_required"


def test_a_student_turns_it_on_and_off_in_self_service(sc, usis, db):
    s = sc.student()
    eva = guard(usis, Principal(username=s.number, role="student"))
    key = eva.mfa.start(s.number)
    assert error(eva.mfa.enable, s.number, "000000").code == "invalid_code"
    codes = eva.mfa.enable(s.number, code_at(key.secret, usis.now()))
    assert len(codes) == 10 and eva.mfa.status(s.number).enabled
    pending = usis.auth.login(s.number, PASSWORD)  # from now on: the code after the password
    assert isinstance(pending, PendingSignIn) and pending.step == "code"
    assert error(eva.mfa.disable, s.number, "000000").code == "invalid_code"
    assert eva.mfa.disable(s.number, code_at(key.secret, usis.now(), 1)).enabled is False
    assert isinstance(usis.auth.login(s.number, PASSWORD), Identity)
    assert [d for _a, d, _o in trail(db, "mfa") if "turned" in d] == [
        f"Two-step sign-in of {s.number} turned on", f"Two-step sign-in of {s.number} turned off"]
    # support acting for her cannot change her second factor
    helper = guard(usis, Principal(username="support", role="support", acting_for=s.number))
    assert error(helper.mfa.start, s.number).code == "not_authorised"


# ---------------------------------------------------------------------------- reset
def test_reset_is_audited_and_starts_the_set_up_again(sc, usis, db):
    sc.staff("helpdesk", role="support")
    s = sc.student()
    secret, _codes = set_up(usis, "helpdesk")
    status = usis.mfa.reset("helpdesk")
    assert (status.enabled, status.required, status.recovery_left) == (False, True, 0)
    row = account(db, "helpdesk")
    assert (row.mfa_secret, row.mfa_pending, row.mfa_last_step, row.mfa_recovery) == (
        None, None, None, None)
    assert trail(db, "mfa_reset") == [
        ("(local admin)", "Two-step sign-in of helpdesk reset", "ok")]
    assert usis.auth.login("helpdesk", PASSWORD).step == "setup"
    # support resets a student's, not a colleague's
    support = guard(usis, Principal(username="helpdesk", role="support"))
    assert support.mfa.reset(s.number).enabled is False
    assert trail(db, "mfa_reset")[-1][0] == "helpdesk"
    assert error(support.mfa.reset, "helpdesk").code == "not_authorised"


def test_the_clock_of_a_replay_and_the_real_time(sc, usis, clock):
    """A frozen clock (a trainer's, a replay's) accepts its own codes and the real time's."""
    sc.staff("helpdesk", role="support")
    secret, _codes = set_up(usis, "helpdesk")
    clock.advance(days=1)
    pending = usis.auth.login("helpdesk", PASSWORD)
    assert usis.mfa.verify(pending.ticket, code_at(secret, usis.now())).identity
    assert usis.now() - NOW >= timedelta(days=1)
    # the phone shows the real time's code (the wall clock, weeks away from the frozen one)
    assert usis.mfa.verify(pending.ticket, pyotp.TOTP(secret).now()).identity
