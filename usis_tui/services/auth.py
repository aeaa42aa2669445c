"""Log in with a student number or staff user name; create accounts, set passwords, lock.

Passwords are hashed with scrypt (hashlib), a random 16-byte salt per hash, compared in constant
time (hmac.compare_digest), and never logged, shown or written to the audit trail: entries say
"password changed", never what it is. The parameters are stored in each hash, so hashes made
with other parameters keep working:

- ``hash_password`` (demo accounts, tests): N=2**14, r=8, p=1 (16 MiB, the scrypt paper's
  interactive setting): the demo password is public anyway, and the test suite logs in often.
- ``ACCOUNT_N`` (accounts made or changed with ``usis user``): N=2**17, r=8, p=1 (128 MiB), the
  OWASP Password Storage Cheat Sheet minimum.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
import re
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..models import Programme, StaffUser, Student
from .audit import problems_text, record
from .base import Context, ServiceError, fail, shown
from .schemas import Identity

MAX_FAILURES = 5
LOCK_MINUTES = 15
_N, _R, _P = 2**14, 8, 1
ACCOUNT_N = 2**17
_MAX_N = 2**20  # refuse absurd parameters from a damaged hash instead of using gigabytes
_DKLEN = 32
#: ``locked_until`` of an account locked by ``usis user lock`` (until unlocked).
LOCKED_FOREVER = datetime(9999, 12, 31)
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
ROLES = ("student", "support", "board", "trainer")
STUDENT_NUMBER = re.compile(r"s[0-9]{7}")
STAFF_USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,39}")
#: The actor recorded for changes made by the local administrator (``usis`` without --user).
LOCAL_ADMIN = "(local admin)"


def _maxmem(n: int, r: int, p: int) -> int:
    return 128 * r * (n + p + 2) + 2**20


def hash_password(password: str, *, salt: bytes | None = None, n: int = _N) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=_R, p=_P, dklen=_DKLEN,
                            maxmem=_maxmem(n, _R, _P))
    encoded_salt, encoded = base64.b64encode(salt).decode(), base64.b64encode(digest).decode()
    return f"scrypt${n}${_R}${_P}${encoded_salt}${encoded}"


def verify_password(password: str, stored: str) -> bool:
    """True if ``password`` matches the scrypt hash ``stored``; False for any damaged hash."""
    try:
        scheme, n_text, r_text, p_text, salt_text, digest_text = stored.split("$")
        if scheme != "scrypt":
            return False
        n, r, p = int(n_text), int(r_text), int(p_text)
        if not (1 < n <= _MAX_N and n & (n - 1) == 0 and 0 < r <= 32 and 0 < p <= 16):
            return False
        salt = base64.b64decode(salt_text, validate=True)
        expected = base64.b64decode(digest_text, validate=True)
        if not salt or len(expected) < 16:
            return False
        actual = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p,
                                dklen=len(expected), maxmem=_maxmem(n, r, p))
    except (ValueError, TypeError, binascii.Error, MemoryError):
        return False
    return hmac.compare_digest(actual, expected)


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the account does not exist, so that an unknown user name takes
    as long to refuse as a wrong password (no user enumeration by timing)."""
    return hash_password(os.urandom(16).hex())


INVALID = "Your User ID and/or Password are invalid."


class AuthService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def login(self, username: str, password: str) -> Identity:
        """Check credentials; 5 failures in a row lock the account for 15 minutes."""
        username = (username or "").strip()
        now = self.ctx.now()
        if not username or not password:
            raise fail("missing_credentials", "Enter your student number (e.g. s1234567) and "
                                              "password.")
        # scrypt is slow on purpose: check the password before taking the write lock, so that
        # logins never hold up enrolments.
        with self.ctx.db.read() as session:
            found = self._login_account(session, username)
            stored = found.password_hash if found is not None else None
        matches = verify_password(password, stored if stored is not None else _dummy_hash())
        with self.ctx.db.write() as session:
            account = self._login_account(session, username)
            if account is not None and account.password_hash != stored:  # changed meanwhile
                matches = verify_password(password, account.password_hash)
            actor = (account.student_number if isinstance(account, Student) else
                     account.username if account is not None else username)
            acting_for = account.student_number if isinstance(account, Student) else None

            def refuse(error: ServiceError) -> ServiceError:
                # Recorded (with any failure count) although the call raises.
                record(session, now, actor=actor, acting_for=acting_for, action="login",
                       detail=problems_text(error), outcome="refused")
                session.commit()
                return error

            if account is None:
                raise refuse(fail("invalid_credentials", INVALID))
            if account.locked_until and account.locked_until >= LOCKED_FOREVER:
                raise refuse(fail("locked", "Your account is locked.",
                                  "Ask the helpdesk to unlock it."))
            if account.locked_until and account.locked_until > now:
                raise refuse(fail("locked", f"Your account is locked after {MAX_FAILURES} "
                                            f"failed attempts until {account.locked_until:%H:%M} "
                                            f"({account.locked_until:%d %b %Y}).",
                                  "Wait until then, or ask the helpdesk to unlock it."))
            if not matches:
                account.failed_logins += 1
                if account.failed_logins >= MAX_FAILURES:
                    account.failed_logins = 0
                    account.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                    error = fail("locked", f"Your account is locked after {MAX_FAILURES} failed "
                                           f"attempts until {account.locked_until:%H:%M} "
                                           f"({account.locked_until:%d %b %Y}).",
                                 "Wait until then, or ask the helpdesk to unlock it.")
                else:
                    left = MAX_FAILURES - account.failed_logins
                    error = fail("invalid_credentials", INVALID,
                                 f"{left} attempt{'s' if left != 1 else ''} left before your "
                                 f"account is locked for {LOCK_MINUTES} minutes.")
                raise refuse(error)  # the failure count must stick even though we raise
            account.failed_logins = 0
            account.locked_until = None
            record(session, now, actor=actor, acting_for=acting_for, action="login",
                   detail="Logged in" + ("" if acting_for else f" ({account.role})"))
            if isinstance(account, Student):
                return Identity(kind="student", username=account.student_number,
                                name=account.name, role="student",
                                programme=account.programme.name)
            return Identity(kind="staff", username=account.username, name=account.name,
                            role=account.role)  # type: ignore[arg-type]

    @staticmethod
    def _login_account(session: Session, username: str) -> Student | StaffUser | None:
        if len(username) > 40 or not username.isprintable():  # no such account (PostgreSQL
            return None                                          # refuses NUL in a query)
        if username[:1].lower() == "s" and username[1:].isdigit():
            return session.scalar(select(Student).where(Student.student_number == username.lower()))
        return session.scalar(select(StaffUser).where(StaffUser.username == username))

    # ------------------------------------------------------------------ accounts
    def add_user(self, username: str, role: str, password: str, *, name: str | None = None,
                 programme: str | None = None, actor: str | None = None) -> Identity:
        """Create an account: a student (``username`` is the student number, ``programme`` its
        programme's name or code) or a staff member (support, board, trainer)."""
        username = (username or "").strip()
        role = (role or "").strip().lower()
        if role not in ROLES:
            raise fail("bad_role", f"Unknown role {role!r}.", f"Choose one of: {', '.join(ROLES)}.")
        if role == "student":
            username = username.lower()
            if not STUDENT_NUMBER.fullmatch(username):
                raise fail("bad_username", "A student account is a student number: s and 7 "
                                           "digits, e.g. s1234567.")
        elif not STAFF_USERNAME.fullmatch(username) or STUDENT_NUMBER.fullmatch(username):
            raise fail("bad_username", "A staff user name is 2-40 lower-case letters, digits, "
                                       "dots, hyphens or underscores, starting with a letter, "
                                       "and is not a student number.")
        check_new_password(password)
        hashed = hash_password(password, n=ACCOUNT_N)  # before the write lock: it is slow
        display = (name or "").strip() or username
        with self.ctx.db.write() as session:
            if self._find(session, username) is not None:
                raise fail("user_exists", f"An account {username} already exists.",
                           f"Use `usis user passwd {username}` to set its password.")
            if role == "student":
                prog = self._programme(session, programme)
                session.add(Student(student_number=username, name=display, programme_id=prog.id,
                                    degree=prog.degree, password_hash=hashed,
                                    email=f"{username}@vuw.leidenuniv.nl", failed_logins=0))
                record(session, self.ctx.now(), actor=actor or LOCAL_ADMIN, acting_for=username,
                       action="user_add", detail=f"Student account {username} created "
                                                 f"({prog.name})")
                return Identity(kind="student", username=username, name=display, role="student",
                                programme=prog.name)
            if programme:
                raise fail("bad_programme", "Only a student account has a programme.")
            session.add(StaffUser(username=username, name=display, role=role,
                                  password_hash=hashed, failed_logins=0))
            record(session, self.ctx.now(), actor=actor or LOCAL_ADMIN, acting_for=None,
                   action="user_add", detail=f"Staff account {username} created ({role})")
            return Identity(kind="staff", username=username, name=display,
                            role=role)  # type: ignore[arg-type]

    def set_password(self, username: str, password: str, *, actor: str | None = None) -> None:
        """Give an account a new password (the failure count starts again from zero)."""
        check_new_password(password)
        hashed = hash_password(password, n=ACCOUNT_N)
        with self.ctx.db.write() as session:
            account = self._account(session, username)
            account.password_hash = hashed
            account.failed_logins = 0
            record(session, self.ctx.now(), actor=actor or LOCAL_ADMIN,
                   acting_for=_acting_for(account), action="user_passwd",
                   detail=f"Password of {_name(account)} changed")

    def set_locked(self, username: str, locked: bool = True, *, actor: str | None = None) -> bool:
        """Lock an account until it is unlocked, or unlock it (also after 5 failures).
        Returns whether it is locked now."""
        with self.ctx.db.write() as session:
            account = self._account(session, username)
            account.locked_until = LOCKED_FOREVER if locked else None
            account.failed_logins = 0
            record(session, self.ctx.now(), actor=actor or LOCAL_ADMIN,
                   acting_for=_acting_for(account), action="user_lock" if locked else "user_unlock",
                   detail=f"Account {_name(account)} {'locked' if locked else 'unlocked'}")
            return locked

    @staticmethod
    def _find(session: Session, username: str) -> Student | StaffUser | None:
        name = (username or "").strip()
        if len(name) > 40 or not name.isprintable():
            return None
        if STUDENT_NUMBER.fullmatch(name.lower()):
            return session.scalar(select(Student).where(Student.student_number == name.lower()))
        return session.scalar(select(StaffUser).where(StaffUser.username == name))

    def _account(self, session: Session, username: str) -> Student | StaffUser:
        account = self._find(session, username)
        if account is None:
            raise fail("unknown_user", f"There is no account {shown((username or '').strip())!r}.",
                       "Create it with `usis user add`.")
        return account

    @staticmethod
    def _programme(session: Session, programme: str | None) -> Programme:
        wanted = (programme or "").strip().lower()
        names = ", ".join(session.scalars(select(Programme.name).order_by(Programme.name)))
        if not wanted:
            raise fail("bad_programme", "A student account needs a programme (--programme).",
                       f"Programmes: {names}." if names else "")
        prog = session.scalar(select(Programme).where(or_(
            func.lower(Programme.name) == wanted, func.lower(Programme.code) == wanted)))
        if prog is None:
            raise fail("bad_programme", f"No programme called {shown(programme)!r}.",
                       f"Programmes: {names}." if names else "")
        return prog


def check_new_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise fail("weak_password", f"A password has at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise fail("weak_password", f"A password has at most {MAX_PASSWORD} characters.")
    if password != password.strip() or any(ord(c) < 32 for c in password):
        raise fail("weak_password", "A password cannot start or end with a space or contain "
                                    "control characters.")


def _acting_for(account: Student | StaffUser) -> str | None:
    return account.student_number if isinstance(account, Student) else None


def _name(account: Student | StaffUser) -> str:
    return account.student_number if isinstance(account, Student) else account.username
