"""Log in with a student number or staff user name. Passwords are hashed with scrypt."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from datetime import timedelta

from sqlalchemy import select

from ..models import StaffUser, Student
from .audit import problems_text, record
from .base import Context, ServiceError, fail
from .schemas import Identity

MAX_FAILURES = 5
LOCK_MINUTES = 15
_N, _R, _P = 2**14, 8, 1


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "scrypt${}${}${}${}${}".format(
        _N, _R, _P, base64.b64encode(salt).decode(), base64.b64encode(digest).decode())


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n),
                                r=int(r), p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, base64.b64decode(digest))


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
        with self.ctx.db.write() as session:
            account: Student | StaffUser | None
            if username[:1].lower() == "s" and username[1:].isdigit():
                account = session.scalar(select(Student).where(
                    Student.student_number == username.lower()))
            else:
                account = session.scalar(select(StaffUser).where(StaffUser.username == username))
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
            if account.locked_until and account.locked_until > now:
                raise refuse(fail("locked", f"Your account is locked after {MAX_FAILURES} "
                                            f"failed attempts until {account.locked_until:%H:%M} "
                                            f"({account.locked_until:%d %b %Y}).",
                                  "Wait until then, or ask the helpdesk to unlock it."))
            if not verify_password(password, account.password_hash):
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
