"""Two-step sign-in: a TOTP code (RFC 6238: 6 digits, 30 s, pyotp) after the password.

Who needs it: staff always; students when the configuration says ``mfa = "required"``, else
those who turned it on (Self Service › Two-step sign-in). The password step (``auth.login``)
then returns a ``PendingSignIn`` — not an identity — with a *ticket*: a short-lived proof of the
password step, signed with the database's ``login_key`` (HMAC-SHA256) and tied to the account's
current password hash (and, for a set-up, to the secret shown). Only ``verify`` (a code) or
``confirm_setup`` (the first code of a new secret) turn a ticket into an ``Identity``; nothing
else takes a ticket, so no service call skips the code.

- Set-up: the password step makes a new secret (``mfa_pending``); ``setup_key`` gives it as
  text and as an otpauth:// URI (the QR code); ``confirm_setup`` checks a first code, makes it
  the account's secret (``mfa_secret``) and returns ten recovery codes, shown once and stored
  only as salted SHA-256 hashes (``mfa_recovery``).
- A code is accepted for the app's clock ±1 time step (clock drift), once: the accepted time
  step is kept (``mfa_last_step``) and the same or an older step is refused. The app's clock is
  Amsterdam time; a code for the same reading in the machine's own time zone (how pyotp reads a
  naive datetime: ``pyotp.TOTP(secret).at(now)``) is accepted too, counted as the same step.
  While the app's clock is frozen at another moment (``--now``: trainers, replays) the code of
  the real time is accepted as well: that is the one a phone shows.
- A recovery code works once (it is removed when used).
- Every failed code counts towards the same throttle as failed passwords (services/auth.py:
  after 5 failures in a row the name is refused for a while); a right password does not end the
  count while the code is still to come, only a complete sign-in does.
- Codes and secrets are never logged or written to the audit trail; compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import datetime, timedelta
from typing import Any, Literal, cast

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import _
from ..models import LoginThrottle, StaffUser, Student
from .audit import problems_text, record
from .auth import (
    KEY_SETTING,
    LOCAL_ADMIN,
    LOCKED_FOREVER,
    AuthService,
    _blocked,
    _setting,
    _wall,
    name_tag,
    throttled,
)
from .base import Context, ServiceError, fail, shown
from .schemas import Identity, MfaSetupKey, MfaSignedIn, MfaStatus, PendingSignIn, Role

DIGITS = 6
INTERVAL = 30  # seconds per time step
WINDOW = 1  # time steps of clock drift accepted either way
RECOVERY_CODES = 10
#: recovery codes: 10 characters without look-alikes (0/o, 1/l/i): ~49 bits each
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10
ISSUER = "uSis"
#: how long the password step stays good for its second factor (app clock and wall clock)
TICKET_LIFETIME = timedelta(minutes=10)
_TICKET_DOMAIN = b"usis-mfa-ticket\x00"

Account = Student | StaffUser


# ---------------------------------------------------------------------------- TOTP
def new_secret() -> str:
    """A new random TOTP secret: 160 bits, base32 (32 characters)."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    """The otpauth:// URI an authenticator app scans (the QR code)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(
        name=username, issuer_name=ISSUER)


def _timecodes(now: datetime) -> list[int]:
    """The time step of ``now`` (the app's clock: naive Amsterdam time), and — when the
    machine's time zone reads the same moment differently — the step pyotp gives for the naive
    moment (``TOTP.at(now)``), first the real one."""
    from ..clock import LOCAL

    if now.tzinfo is not None:
        return [int(now.timestamp()) // INTERVAL]
    real = int(now.replace(tzinfo=LOCAL).timestamp()) // INTERVAL
    as_local = int(now.timestamp()) // INTERVAL
    return [real] if as_local == real else [real, as_local]


def _bases(now: datetime, wall: datetime | None) -> list[tuple[int, int]]:
    """(time step to compute codes at, the step to remember for it): the app's clock (both
    readings, remembered as the real one), and the wall clock when the app's clock is frozen
    elsewhere (a trainer's or a replay's moment: a phone shows the real time's code)."""
    steps = _timecodes(now)
    bases = [(step, steps[0]) for step in steps]
    if wall is not None:
        real = _timecodes(wall)[0]
        if abs(real - steps[0]) > 3 * WINDOW:
            bases.append((real, real))
    return bases


def code_at(secret: str, now: datetime, offset: int = 0) -> str:
    """The code an authenticator app shows at ``now`` (the app's clock), ``offset`` time steps
    later (tests, ``usis replay``'s ``code`` step)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).generate_otp(
        _timecodes(now)[0] + offset)


def check_code(secret: str, code: str, now: datetime, last_step: int | None,
               wall: datetime | None = None) -> tuple[int | None, bool]:
    """(the time step to remember, None when refused; whether the code was right but already
    used: the same or an older step than ``last_step``). ``wall``: the wall clock, when the
    app's clock may be frozen."""
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)
    replayed = False
    for base, remembered in _bases(now, wall):
        for offset in (0, -WINDOW, WINDOW):
            if hmac.compare_digest(totp.generate_otp(base + offset).encode(), code.encode()):
                step = remembered + offset
                if last_step is None or step > last_step:
                    return step, False
                replayed = True
    return None, replayed


def _typed(code: str) -> tuple[Literal["totp", "recovery", "bad"], str]:
    """What was typed: a 6-digit code ("123 456" too), a recovery code ("abcde-fghjk", any
    case), or neither."""
    text = "".join((code or "").split()).replace("-", "").lower()
    if len(text) == DIGITS and text.isascii() and text.isdigit():
        return "totp", text
    if len(text) == RECOVERY_LENGTH and all(c in RECOVERY_ALPHABET for c in text):
        return "recovery", text
    return "bad", ""


# ---------------------------------------------------------------------------- recovery codes
def new_recovery_codes() -> list[str]:
    """Ten one-time recovery codes as they are shown: "abcde-fghjk"."""
    codes = []
    for _n in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _i in range(RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def hash_recovery(code: str, salt: bytes | None = None) -> str:
    """"sha256$<salt>$<digest>" of a recovery code (normalised): a random 16-byte salt per
    code; SHA-256 suffices for ~49 random bits that work only once."""
    salt = salt or secrets.token_bytes(16)
    plain = code.replace("-", "").lower()
    digest = hashlib.sha256(salt + plain.encode()).hexdigest()
    return f"sha256${salt.hex()}${digest}"


def _recovery_hashes(account: Account) -> list[str]:
    try:
        value = json.loads(account.mfa_recovery or "[]")
    except ValueError:
        return []
    return [h for h in value if isinstance(h, str)] if isinstance(value, list) else []


def _use_recovery(account: Account, plain: str) -> bool:
    """Whether ``plain`` is one of the account's unused recovery codes; it is used up."""
    hashes = _recovery_hashes(account)
    found = None
    for stored in hashes:  # every one is compared: no early exit on a match
        try:
            _scheme, salt, digest = stored.split("$")
            expected = hash_recovery(plain, bytes.fromhex(salt)).split("$")[2]
        except ValueError:
            continue
        if hmac.compare_digest(expected.encode(), digest.encode()) and found is None:
            found = stored
    if found is None:
        return False
    hashes.remove(found)
    account.mfa_recovery = json.dumps(hashes)
    return True


# ---------------------------------------------------------------------------- tickets
def _fingerprint(value: str | None) -> str:
    return hashlib.sha256((value or "").encode()).hexdigest()[:24]


def make_ticket(key: bytes, account: Account, step: str, now: datetime, wall: datetime) -> str:
    """The signed proof of a right password for ``account`` (see the module docstring)."""
    claims = {"v": 1, "u": _username(account), "s": step, "t": now.isoformat(),
              "w": wall.isoformat(), "p": _fingerprint(account.password_hash),
              "k": _fingerprint(account.mfa_pending) if step == "setup" else "",
              "n": secrets.token_hex(8)}
    body = base64.urlsafe_b64encode(json.dumps(claims, separators=(",", ":")).encode()).decode()
    signature = hmac.new(key, _TICKET_DOMAIN + body.encode(), hashlib.sha256).hexdigest()
    return f"{body}.{signature}"


def expired() -> ServiceError:
    return fail("mfa_ticket", _("Your sign-in has expired."),
                _("Sign in again with your User ID and password."))


def _open_ticket(key: str | None, ticket: str, now: datetime, wall: datetime) -> dict[str, Any]:
    """The claims of a ticket signed with ``key`` and still valid, else ``expired()``."""
    try:
        body, signature = (ticket or "").split(".")
        expected = hmac.new(bytes.fromhex(key or ""), _TICKET_DOMAIN + body.encode(),
                            hashlib.sha256).hexdigest()
        if not key or not hmac.compare_digest(expected.encode(), signature.encode()):
            raise ValueError("bad signature")
        claims = json.loads(base64.urlsafe_b64decode(body.encode()))
        issued, issued_wall = (datetime.fromisoformat(claims["t"]),
                               datetime.fromisoformat(claims["w"]))
    except (ValueError, KeyError, TypeError, UnicodeError):
        raise expired() from None
    if not (issued - timedelta(minutes=1) <= now <= issued + TICKET_LIFETIME
            and wall <= issued_wall + TICKET_LIFETIME):
        raise expired()
    return cast(dict[str, Any], claims)


# ---------------------------------------------------------------------------- accounts
def _username(account: Account) -> str:
    return account.student_number if isinstance(account, Student) else account.username


def required(account: Account) -> bool:
    """Staff always; students when the configuration says mfa = "required"."""
    if isinstance(account, StaffUser):
        return True
    from ..config import settings

    return settings().mfa == "required"


def second_factor_step(account: Account) -> Literal["setup", "code"] | None:
    """What the password step leads to: the code, a set-up, or nothing (signed in)."""
    if account.mfa_secret:
        return "code"
    if required(account):
        return "setup"
    return None


def identity_of(account: Account) -> Identity:
    if isinstance(account, Student):
        return Identity(kind="student", username=account.student_number, name=account.name,
                        role="student", programme=account.programme.name)
    return Identity(kind="staff", username=account.username, name=account.name,
                    role=cast(Role, account.role))  # (a plain string column)


def pending(account: Account, step: Literal["setup", "code"], ticket: str) -> PendingSignIn:
    who = identity_of(account)
    return PendingSignIn(kind=who.kind, username=who.username, name=who.name, role=who.role,
                         programme=who.programme, step=step, ticket=ticket)


def status_of(account: Account) -> MfaStatus:
    return MfaStatus(username=_username(account),
                     kind="student" if isinstance(account, Student) else "staff",
                     enabled=bool(account.mfa_secret), pending=bool(account.mfa_pending),
                     required=required(account),
                     recovery_left=len(_recovery_hashes(account)) if account.mfa_secret else 0)


def _clear(account: Account) -> None:
    account.mfa_secret = None
    account.mfa_pending = None
    account.mfa_last_step = None
    account.mfa_recovery = None


def _actor_fields(account: Account) -> tuple[str, str | None]:
    name = _username(account)
    return name, name if isinstance(account, Student) else None


def finish_sign_in(session: Session, account: Account, now: datetime, how: str = "") -> Identity:
    """Both factors (or the password alone, when no second one is needed) passed, in the
    caller's writing transaction: the failure count ends and "Logged in" is recorded."""
    key = _setting(session, KEY_SETTING)
    if key is not None:
        row = session.get(LoginThrottle, name_tag(bytes.fromhex(key), _username(account)))
        if row is not None:
            session.delete(row)  # a complete sign-in ends the count
    account.failed_logins = 0
    account.locked_until = None
    actor, acting_for = _actor_fields(account)
    detail = "Logged in" + ("" if isinstance(account, Student) else f" ({account.role})")
    record(session, now, actor=actor, acting_for=acting_for, action="login",
           detail=detail + (f"; {how}" if how else ""))
    return identity_of(account)


class MfaService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._auth = AuthService(ctx)

    # ------------------------------------------------------------------ before sign-in
    def setup_key(self, ticket: str) -> MfaSetupKey:
        """The secret of a set-up started by the password step, to show (QR and text)."""
        now, wall = self.ctx.now(), _wall()
        with self.ctx.db.read() as session:
            claims = _open_ticket(_setting(session, KEY_SETTING), ticket, now, wall)
            account = self._ticket_account(session, claims, "setup")
            secret = account.mfa_pending
            assert secret is not None  # (checked by _ticket_account)
            return MfaSetupKey(username=_username(account), secret=secret,
                               uri=provisioning_uri(secret, _username(account)))

    def confirm_setup(self, ticket: str, code: str) -> MfaSignedIn:
        """The first code of the secret shown at set-up: it becomes the account's second
        factor, the account is signed in, and the ten recovery codes are returned (once)."""
        return self._second_factor(ticket, code, "setup")

    def verify(self, ticket: str, code: str) -> MfaSignedIn:
        """The code (or a recovery code) after the password: the account is signed in."""
        return self._second_factor(ticket, code, "code")

    def _second_factor(self, ticket: str, code: str, step: str) -> MfaSignedIn:
        now, wall = self.ctx.now(), _wall()
        with self.ctx.db.write() as session:
            key = _setting(session, KEY_SETTING)
            claims = _open_ticket(key, ticket, now, wall)
            account = self._ticket_account(session, claims, step, lock=True)
            assert key is not None  # (the ticket was signed with it)
            tag = name_tag(bytes.fromhex(key), _username(account))
            actor, acting_for = _actor_fields(account)

            def refuse(error: ServiceError) -> ServiceError:
                record(session, now, actor=actor, acting_for=acting_for, action="login",
                       detail=problems_text(error), outcome="refused")
                session.commit()
                return error

            blocked = _blocked(session.get(LoginThrottle, tag), now, wall)
            if blocked is not None:  # refused without looking at the code
                raise refuse(throttled(blocked))
            if account.locked_until and account.locked_until >= LOCKED_FOREVER:
                raise refuse(fail("locked", _("Your account is locked."),
                                  _("Ask the helpdesk to unlock it.")))
            kind, typed = _typed(code)
            secret = account.mfa_pending if step == "setup" else account.mfa_secret
            assert secret is not None
            accepted: int | None = None
            replayed = used_recovery = False
            if kind == "totp":
                accepted, replayed = check_code(secret, typed, now,
                                                None if step == "setup" else
                                                account.mfa_last_step, wall)
            elif kind == "recovery" and step == "code":
                used_recovery = _use_recovery(account, typed)
            if accepted is None and not used_recovery:
                error = self._auth._count_failure(session, tag, now)
                if error.code != "throttled":
                    error = (fail("code_used", _("This code has been used already."),
                                  _("Wait for the next code of your authenticator app."))
                             if replayed else
                             fail("invalid_code", _("The code is not valid."),
                                  _("Type the 6-digit code your authenticator app shows now, "
                                    "or one of your recovery codes.") if step == "code" else
                                  _("Type the 6-digit code your authenticator app shows for "
                                    "uSis after adding the key.")))
                raise refuse(error)
            codes: list[str] = []
            if step == "setup":
                account.mfa_secret, account.mfa_pending = account.mfa_pending, None
                codes = new_recovery_codes()
                account.mfa_recovery = json.dumps([hash_recovery(c) for c in codes])
                record(session, now, actor=actor, acting_for=acting_for, action="mfa",
                       detail=f"Two-step sign-in of {actor} set up")
                how = "two-step sign-in set up"
            else:
                how = "with a recovery code" if used_recovery else "with a code"
            if accepted is not None:
                account.mfa_last_step = accepted
            identity = finish_sign_in(session, account, now, how)
            return MfaSignedIn(identity=identity, recovery_codes=codes,
                               used_recovery_code=used_recovery,
                               recovery_left=len(_recovery_hashes(account)))

    @staticmethod
    def _ticket_account(session: Session, claims: dict[str, Any], step: str, *,
                        lock: bool = False) -> Account:
        """The account of a ticket for ``step``, if the ticket still fits it (its password, its
        set-up); else ``expired()``."""
        username = str(claims.get("u", ""))
        query: Any = (select(Student).where(Student.student_number == username)
                      if username[:1] == "s" and username[1:].isdigit() else
                      select(StaffUser).where(StaffUser.username == username))
        if lock:
            query = query.with_for_update()
        account = session.scalar(query)
        if (account is None or claims.get("s") != step
                or not hmac.compare_digest(str(claims.get("p", "")),
                                           _fingerprint(account.password_hash))):
            raise expired()
        if step == "setup" and (account.mfa_secret or not account.mfa_pending
                                or not hmac.compare_digest(str(claims.get("k", "")),
                                                           _fingerprint(account.mfa_pending))):
            raise expired()  # set up meanwhile, or a set-up started again elsewhere
        if step == "code" and not account.mfa_secret:
            raise expired()  # reset meanwhile
        return cast(Account, account)

    # ------------------------------------------------------------------ signed in
    def status(self, username: str) -> MfaStatus:
        """An account's two-step sign-in (the account itself, support, the administrator)."""
        with self.ctx.db.read() as session:
            return status_of(self._auth._account(session, username))

    def start(self, username: str) -> MfaSetupKey:
        """Self Service: a new secret to turn two-step sign-in on (``enable`` confirms it)."""
        with self.ctx.db.write() as session:
            account = self._auth._account(session, username)
            if account.mfa_secret:
                raise fail("mfa_on", _("Two-step sign-in is on already."))
            account.mfa_pending = new_secret()
            name = _username(account)
            return MfaSetupKey(username=name, secret=account.mfa_pending,
                               uri=provisioning_uri(account.mfa_pending, name))

    def enable(self, username: str, code: str) -> list[str]:
        """Self Service: the first code of the secret from ``start``; returns the recovery
        codes (shown once)."""
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            account = self._auth._account(session, username)
            if account.mfa_secret:
                raise fail("mfa_on", _("Two-step sign-in is on already."))
            if not account.mfa_pending:
                raise fail("mfa_no_setup", _("Start the set-up first."))
            kind, typed = _typed(code)
            step = check_code(account.mfa_pending, typed, now, None, _wall())[0] \
                if kind == "totp" else None
            if step is None:
                raise fail("invalid_code", _("The code is not valid."),
                           _("Type the 6-digit code your authenticator app shows for uSis "
                             "after adding the key."))
            account.mfa_secret, account.mfa_pending = account.mfa_pending, None
            account.mfa_last_step = step
            codes = new_recovery_codes()
            account.mfa_recovery = json.dumps([hash_recovery(c) for c in codes])
            actor, acting_for = _actor_fields(account)
            record(session, now, actor=actor, acting_for=acting_for, action="mfa",
                   detail=f"Two-step sign-in of {actor} turned on")
            return codes

    def disable(self, username: str, code: str) -> MfaStatus:
        """Self Service: turn two-step sign-in off with a current code (or a recovery code);
        not when it is required for the account."""
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            account = self._auth._account(session, username)
            if required(account):
                raise fail("mfa_required", _("Two-step sign-in is required for your account."),
                           _("It cannot be turned off."))
            if not account.mfa_secret:
                account.mfa_pending = None
                return status_of(account)
            kind, typed = _typed(code)
            ok = False
            if kind == "totp":
                step, _replayed = check_code(account.mfa_secret, typed, now,
                                             account.mfa_last_step, _wall())
                ok = step is not None
            elif kind == "recovery":
                ok = _use_recovery(account, typed)
            if not ok:
                raise fail("invalid_code", _("The code is not valid."),
                           _("Type the 6-digit code your authenticator app shows now, or one "
                             "of your recovery codes."))
            _clear(account)
            actor, acting_for = _actor_fields(account)
            record(session, now, actor=actor, acting_for=acting_for, action="mfa",
                   detail=f"Two-step sign-in of {actor} turned off")
            return status_of(account)

    def reset(self, username: str, *, actor: str | None = None) -> MfaStatus:
        """Forget an account's second factor (secret, set-up, recovery codes): its next sign-in
        sets it up again when it is required (support: student accounts; the administrator:
        any account). Audited; the secret itself is never written anywhere."""
        with self.ctx.db.write() as session:
            account = self._auth._account(session, username)
            _clear(account)
            name, acting_for = _actor_fields(account)
            record(session, self.ctx.now(), actor=actor or LOCAL_ADMIN, acting_for=acting_for,
                   action="mfa_reset", detail=f"Two-step sign-in of {shown(name)} reset")
            return status_of(account)
