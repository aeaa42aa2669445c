"""Log in with a student number or staff user name; create accounts, set passwords, lock.

Passwords are hashed with scrypt (hashlib), a random 16-byte salt per hash, compared in constant
time (hmac.compare_digest), and never logged, shown or written to the audit trail: entries say
"password changed", never what it is. Every new hash uses one parameter set, N = ``scrypt_n()``
(USIS_SCRYPT_N, else ``ACCOUNT_N`` = 2**17), r=8, p=1 (128 MiB: the OWASP Password Storage
Cheat Sheet minimum); the test suite sets USIS_SCRYPT_N=16384 to stay fast. The parameters are
stored in each hash, so older hashes keep working; a successful sign-in rehashes a password
whose hash has other parameters.

Sign-in gives nothing away (OWASP ASVS V2): an unknown user name and a wrong password get the
same message, and cost the same time (an unknown name is checked against a dummy hash with the
current parameters). Failures are counted per user name, real or not, in ``login_throttle``
under a keyed hash of the normalised name (never the name itself): after ``MAX_FAILURES``
consecutive failures the name is refused, without looking at the password, for 1 minute, then
2, 4, 8 and at most ``MAX_BLOCK_MINUTES`` (15) after each further failure; a success ends it.
The audit trail records a failure for an unknown name as "(unknown <tag>)", never what was
typed. ``usis user lock`` (until unlocked) is only said after the right password.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from ..config import SCRYPT_N_DEFAULT
from ..i18n import N_, _, format_time
from ..models import LoginThrottle, Programme, Setting, StaffUser, Student
from .audit import problems_text, record
from .base import Context, ServiceError, bad_text, fail, shown
from .schemas import Identity, PendingSignIn, Role
from .totp import (
    _actor_fields,
    _username,
    identity_of,
    make_ticket,
    new_secret,
    pending,
    second_factor_step,
)

#: consecutive failures after which a user name is refused for a while
MAX_FAILURES = 5
#: the longest a user name is refused after failures (minutes)
MAX_BLOCK_MINUTES = 15
#: failures older than this are forgotten
FORGET_AFTER = timedelta(days=1)
_R, _P = 8, 1
#: scrypt N for new hashes unless USIS_SCRYPT_N says otherwise
ACCOUNT_N = SCRYPT_N_DEFAULT  # 2**17
SCRYPT_N_ENV = "USIS_SCRYPT_N"
_MAX_N = 2**20  # refuse absurd parameters from a damaged hash instead of using gigabytes
_DKLEN = 32
#: ``locked_until`` of an account locked by ``usis user lock`` (until unlocked).
LOCKED_FOREVER = datetime(9999, 12, 31)
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
MAX_NAME = 100
ROLES = ("student", "support", "board", "trainer", "portal")
STUDENT_NUMBER = re.compile(r"s[0-9]{7}")
STAFF_USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,39}")
#: The actor recorded for changes made by the local administrator (``usis`` without --user).
LOCAL_ADMIN = "(local admin)"
#: Settings (models/security.py): the demo flag, the key for user-name tags.
DEMO_SETTING = "demo"
KEY_SETTING = "login_key"


def scrypt_n() -> int:
    """N for new hashes: the ``scrypt_n`` setting (USIS_SCRYPT_N, config file; a power of two
    from 2**10 to 2**20), else ACCOUNT_N."""
    from ..config import parse_scrypt_n, settings

    return parse_scrypt_n(settings().scrypt_n, SCRYPT_N_ENV)


def _maxmem(n: int, r: int, p: int) -> int:
    return 128 * r * (n + p + 2) + 2**20


def hash_password(password: str, *, salt: bytes | None = None, n: int | None = None) -> str:
    n = scrypt_n() if n is None else n
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


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` was made with other parameters than new hashes get now."""
    parts = stored.split("$")
    return len(parts) != 6 or parts[1:4] != [str(scrypt_n()), str(_R), str(_P)]


def _dummy_hash(n: int | None = None) -> str:
    """Checked against when the account does not exist, so that an unknown user name takes as
    long to refuse as a wrong password (no user enumeration by timing): the current parameters,
    a random salt and digest that no password matches. Made without hashing, so that the first
    unknown name of a process costs no more than the next."""
    n = scrypt_n() if n is None else n
    salt, digest = base64.b64encode(os.urandom(16)).decode(), base64.b64encode(
        os.urandom(_DKLEN)).decode()
    return f"scrypt${n}${_R}${_P}${salt}${digest}"


def block_minutes(failures: int) -> int:
    """How long a user name is refused after ``failures`` consecutive failures (0: not)."""
    if failures < MAX_FAILURES:
        return 0
    return min(2 ** min(failures - MAX_FAILURES, 8), MAX_BLOCK_MINUTES)


def normalised(username: str) -> str:
    """The form of a typed user name that the throttle counts under."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


def name_tag(key: bytes, username: str) -> str:
    """The keyed hash (HMAC-SHA256, hex) of a normalised user name."""
    return hmac.new(key, normalised(username).encode("utf-8", "surrogatepass"),
                    hashlib.sha256).hexdigest()


def unknown_actor(tag: str) -> str:
    """The audit trail's actor for a sign-in with a name that is no account."""
    return f"(unknown {tag[:8]})"


def _wall() -> datetime:
    from ..clock import wall_clock

    return wall_clock()


#: The refusal of a wrong password and of an unknown user name alike (translated when shown).
INVALID = N_("Your User ID and/or Password are invalid.")


def throttled(until: datetime) -> ServiceError:
    return fail("throttled", _("Too many failed sign-in attempts for this User ID; try again "
                               "after {time}.").format(time=format_time(until)))


class AuthService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def login(self, username: str, password: str) -> Identity | PendingSignIn:
        """Check credentials. The same message, in the same time, for an unknown name and a
        wrong password; after 5 failures in a row the name is refused for a while (module
        docstring). An account with two-step sign-in (services/mfa.py) gets a
        ``PendingSignIn`` (the code or the set-up comes next), never an Identity."""
        username = (username or "").strip()
        now = self.ctx.now()
        if not username or not password:
            raise fail("missing_credentials", _("Enter your student number (e.g. s1234567) "
                                                "and password."))
        # scrypt is slow on purpose: check the password before taking the write lock, so that
        # logins never hold up enrolments.
        with self.ctx.db.read() as session:
            found = self._login_account(session, username)
            stored = found.password_hash if found is not None else None
            key = _setting(session, KEY_SETTING)  # none yet: no name has ever failed
            tag = name_tag(bytes.fromhex(key), username) if key else None
            blocked = _blocked(session.get(LoginThrottle, tag) if tag else None, now, _wall())
        matches = rehashed = None
        if blocked is None:  # a refused name is refused without looking at the password
            matches = verify_password(password, stored if stored is not None else _dummy_hash())
            if matches and stored is not None and needs_rehash(stored):
                rehashed = hash_password(password)
        with self.ctx.db.write() as session:
            account = self._login_account(session, username)
            if tag is None and (account is None or not matches):
                tag = name_tag(self._login_key(session), username)  # the first failure ever
            if account is not None:
                actor = (account.student_number if isinstance(account, Student) else
                         account.username)
            else:
                assert tag is not None  # (made just above for an unknown name)
                actor = unknown_actor(tag)
            acting_for = account.student_number if isinstance(account, Student) else None

            def refuse(error: ServiceError) -> ServiceError:
                # Recorded (with the throttle's count) although the call raises.
                record(session, now, actor=actor, acting_for=acting_for, action="login",
                       detail=problems_text(error), outcome="refused")
                session.commit()
                return error

            row = session.get(LoginThrottle, tag) if tag else None
            blocked = blocked or _blocked(row, now, _wall())
            if blocked is not None:
                raise refuse(throttled(blocked))
            if account is not None and account.password_hash != stored:  # changed meanwhile
                matches = verify_password(password, account.password_hash)
                rehashed = None
            if account is None or not matches:
                if tag is None:
                    tag = name_tag(self._login_key(session), username)
                raise refuse(self._count_failure(session, tag, now))
            if account.locked_until and account.locked_until >= LOCKED_FOREVER:
                if row is not None:
                    session.delete(row)  # the right password ends the count
                raise refuse(fail("locked", _("Your account is locked."),
                                  _("Ask the helpdesk to unlock it.")))
            if rehashed is not None:
                account.password_hash = rehashed
            step = second_factor_step(account)
            if step is None:  # the right password ends the count (finish_sign_in)
                return finish_sign_in(session, account, now)
            # A second factor is needed: no identity yet, and the failure count goes on until
            # the code is right (a right password must not reset the count of wrong codes).
            if step == "setup":
                account.mfa_pending = new_secret()  # shown at the set-up, once
            ticket = make_ticket(self._login_key(session), account, step, now, _wall())
            record(session, now, actor=actor, acting_for=acting_for, action="mfa",
                   detail="Password accepted; " + ("set-up of two-step sign-in started"
                                                   if step == "setup" else "code asked"))
            return pending(account, step, ticket)

    def is_demo(self) -> bool:
        """Whether this is the demo database (filled by the demo seed, whose accounts all have
        the password ``demo``): the Login screen lists the demo accounts only then."""
        try:
            with self.ctx.db.read() as session:
                setting = session.get(Setting, DEMO_SETTING)
                return setting is not None and setting.value == "1"
        except (OperationalError, ProgrammingError):  # a schema from before revision 0004
            return False

    # ------------------------------------------------------------------ throttle
    @staticmethod
    def _login_key(session: Session) -> bytes:
        """The database's key for user-name tags, made (random) at the first failed sign-in,
        in the caller's writing transaction."""
        value = _setting(session, KEY_SETTING)
        if value is None:
            _insert_missing(session, Setting, {"name": KEY_SETTING,
                                               "value": secrets.token_hex(32)}, "name")
            value = session.scalar(select(Setting.value).where(Setting.name == KEY_SETTING))
            assert value is not None  # (inserted just now, or by another process)
        return bytes.fromhex(value)

    def _count_failure(self, session: Session, tag: str, now: datetime) -> ServiceError:
        """One more failure for ``tag`` (in the caller's transaction): the error to raise."""
        session.execute(delete(LoginThrottle).where(
            LoginThrottle.last_failure_at < now - FORGET_AFTER))
        _insert_missing(session, LoginThrottle, {"tag": tag, "failures": 0,
                                                 "last_failure_at": now}, "tag")
        row = session.scalars(select(LoginThrottle).where(LoginThrottle.tag == tag)
                              .with_for_update()
                              .execution_options(populate_existing=True)).one()
        if now - row.last_failure_at > FORGET_AFTER:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = max(now, row.last_failure_at)
        minutes = block_minutes(row.failures)
        if not minutes:
            return fail("invalid_credentials", _(INVALID))
        row.blocked_until = now + timedelta(minutes=minutes)
        row.blocked_until_wall = _wall() + timedelta(minutes=minutes)
        return throttled(row.blocked_until)

    def _forget_failures(self, session: Session, username: str) -> None:
        """Unlocking an account or setting its password lifts a throttle on its name."""
        key = _setting(session, KEY_SETTING)
        if key is not None:
            session.execute(delete(LoginThrottle).where(
                LoginThrottle.tag == name_tag(bytes.fromhex(key), username)))

    @staticmethod
    def _login_account(session: Session, username: str) -> Student | StaffUser | None:
        if len(username) > 40 or not username.isprintable():  # no such account (PostgreSQL
            return None                                          # refuses NUL in a query)
        if username[:1].lower() == "s" and username[1:].isdigit():
            return session.scalar(select(Student).where(Student.student_number == username.lower()))
        return session.scalar(select(StaffUser).where(StaffUser.username == username.lower()))

    # ------------------------------------------------------------------ accounts
    def add_user(self, username: str, role: str, password: str, *, name: str | None = None,
                 programme: str | None = None, actor: str | None = None) -> Identity:
        """Create an account: a student (``username`` is the student number, ``programme`` its
        programme's name or code) or a staff member (support, board, trainer)."""
        username = (username or "").strip()
        role = (role or "").strip().lower()
        if role not in ROLES:
            raise fail("bad_role", _("Unknown role {role}.").format(role=repr(role)),
                       _("Choose one of: {roles}.").format(roles=", ".join(ROLES)))
        if role == "student":
            username = username.lower()
            if not STUDENT_NUMBER.fullmatch(username):
                raise fail("bad_username", _("A student account is a student number: s and 7 "
                                             "digits, e.g. s1234567."))
        elif not STAFF_USERNAME.fullmatch(username) or STUDENT_NUMBER.fullmatch(username):
            raise fail("bad_username", _("A staff user name is 2-40 lower-case letters, digits, "
                                         "dots, hyphens or underscores, starting with a letter, "
                                         "and is not a student number."))
        display = (name or "").strip() or username
        problem = _bad_name(display)
        if problem:
            raise fail("bad_name", _("Name: {why}.").format(why=problem),
                       _("Type the name as it should be shown, on one line."))
        check_new_password(password)
        hashed = hash_password(password)  # before the write lock: it is slow
        with self.ctx.db.write() as session:
            if self._find(session, username) is not None:
                raise fail("user_exists",
                           _("An account {user} already exists.").format(user=username),
                           _("Use `usis user passwd {user}` to set its password.")
                           .format(user=username))
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
                raise fail("bad_programme", _("Only a student account has a programme."))
            session.add(StaffUser(username=username, name=display, role=role,
                                  password_hash=hashed, failed_logins=0))
            record(session, self.ctx.now(), actor=actor or LOCAL_ADMIN, acting_for=None,
                   action="user_add", detail=f"Staff account {username} created ({role})")
            return Identity(kind="staff", username=username, name=display,
                            role=cast(Role, role))  # (one of ROLES: checked above)

    def set_password(self, username: str, password: str, *, actor: str | None = None) -> None:
        """Give an account a new password (the failure count starts again from zero)."""
        check_new_password(password)
        hashed = hash_password(password)
        with self.ctx.db.write() as session:
            account = self._account(session, username)
            account.password_hash = hashed
            account.failed_logins = 0
            self._forget_failures(session, _name(account))
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
            if not locked:
                self._forget_failures(session, _name(account))
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
            raise fail("unknown_user", _("There is no account {user}.").format(
                user=repr(shown((username or "").strip()))), _("Create it with `usis user add`."))
        return account

    @staticmethod
    def _programme(session: Session, programme: str | None) -> Programme:
        wanted = (programme or "").strip().lower()
        names = ", ".join(session.scalars(select(Programme.name).order_by(Programme.name)))
        if not wanted:
            raise fail("bad_programme", _("A student account needs a programme (--programme)."),
                       _("Programmes: {names}.").format(names=names) if names else "")
        prog = session.scalar(select(Programme).where(or_(
            func.lower(Programme.name) == wanted, func.lower(Programme.code) == wanted)))
        if prog is None:
            raise fail("bad_programme", _("No programme called {name}.").format(
                name=repr(shown(programme))),
                _("Programmes: {names}.").format(names=names) if names else "")
        return prog


def finish_sign_in(session: Session, account: Student | StaffUser, now: datetime,
                   how: str = "") -> Identity:
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


def _blocked(row: LoginThrottle | None, now: datetime, wall: datetime) -> datetime | None:
    """Until when the name of ``row`` is refused (by the app's clock), or None. Refused while
    neither the app's clock nor the wall clock has passed the end: a frozen clock (--now) does
    not keep a name refused for longer than the wall clock says."""
    if row is None or row.blocked_until is None or now >= row.blocked_until:
        return None
    if row.blocked_until_wall is not None and wall >= row.blocked_until_wall:
        return None
    return row.blocked_until


def _setting(session: Session, name: str) -> str | None:
    return session.scalar(select(Setting.value).where(Setting.name == name))


def _insert_missing(session: Session, model: type, values: dict, key: str) -> None:
    """INSERT ``values`` unless a row with the same ``key`` exists (also when another process
    inserts it at the same moment)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(model).values(**values)
                        .on_conflict_do_nothing(index_elements=[key]))
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(sqlite_insert(model).values(**values)
                        .on_conflict_do_nothing(index_elements=[key]))
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        if session.get(model, values[key]) is None:
            session.add(model(**values))
            session.flush()


def _bad_name(name: str) -> str | None:
    """Why ``name`` cannot be a person's name (None when it can): longer than MAX_NAME, control
    characters (C0 with newline and tab, DEL, C1) or bidirectional controls."""
    problem = bad_text(name, MAX_NAME)  # one line: services/base.py
    if problem:
        return problem
    # A fallback for a bad_text that lets line breaks and bidirectional controls through
    # (before services/base.py checked one-line text itself); drop it when that is certain.
    if any(ch in "\n\t\r" for ch in name):
        return _("one line only: no line breaks or tabs")
    if any(ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
           for ch in name):
        return _("no bidirectional text controls: they change how the text reads")
    return None


def check_new_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise fail("weak_password", _("A password has at least {n} characters.")
                   .format(n=MIN_PASSWORD))
    if len(password) > MAX_PASSWORD:
        raise fail("weak_password", _("A password has at most {n} characters.")
                   .format(n=MAX_PASSWORD))
    if password != password.strip() or any(ord(c) < 32 for c in password):
        raise fail("weak_password", _("A password cannot start or end with a space or "
                                      "contain control characters."))


def _acting_for(account: Student | StaffUser) -> str | None:
    return account.student_number if isinstance(account, Student) else None


def _name(account: Student | StaffUser) -> str:
    return account.student_number if isinstance(account, Student) else account.username
