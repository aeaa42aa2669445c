"""The pieces of two-step sign-in that the password step needs too (services/auth.py): TOTP
codes, recovery codes, the signed ticket of the password step, and who needs a second factor.
The service itself, its rules and its audit are in services/mfa.py (see its docstring)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import datetime, timedelta
from typing import Any, Literal, cast

import pyotp

from ..i18n import _
from ..models import StaffUser, Student
from .base import ServiceError, fail
from .schemas import Identity, MfaStatus, PendingSignIn, Role

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
