"""Course Portal accounts (``usis.portal_accounts``): "Create an account", the e-mail confirmation
code, signing in with an e-mail address (eduID, "Other login") and with a ULCN (uSis) account.

The same protections as the uSis Login screen: a password hashed as uSis hashes it (scrypt), the
same answer for an unknown address and a wrong password (in the same time), and the same
throttle after five failures in a row (counted under a keyed hash of the address). "Create an
account" never says whether an address already has one: the address's owner gets an e-mail.
A confirmation code has 6 digits, is kept hashed, works for 30 minutes and for 5 tries, and
only together with the password chosen with it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...i18n import _, _in, account_language, normalise
from ...models import PortalAccount, StaffUser, Student
from ..audit import record
from ..auth import (
    INVALID,
    AuthService,
    _bad_name,
    _blocked,
    _dummy_hash,
    _wall,
    check_new_password,
    hash_password,
    name_tag,
    throttled,
    verify_password,
)
from ..base import Context, fail
from ..notify import MailService, queue_mail
from .schemas import PortalIdentity, SignUp

CODE_VALID = timedelta(minutes=30)
CODE_TRIES = 5
RESEND_AFTER = timedelta(minutes=1)
#: a plain address check: something@domain.tld, no spaces (the code that is mailed proves it)
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")
ACTION = "portal-login"


def check_email(value: str, label: str | None = None) -> str:
    """The address in lower case, or a clear refusal."""
    email = (value or "").strip().lower()
    if not email:
        raise fail("email_missing", _("{field}: fill this in.").format(
            field=label or _("E-mail address")))
    if len(email) > 254 or not EMAIL.fullmatch(email) or not email.isascii():
        raise fail("bad_email", _("{field}: enter an address like name@example.com.").format(
            field=label or _("E-mail address")))
    return email


def _throttle_name(email: str) -> str:
    return f"portal:{email}"


def _identity(account: PortalAccount) -> PortalIdentity:
    return PortalIdentity(account_id=account.id, email=account.email, name=account.name,
                          login=account.login, username=account.username,
                          language=account.language)


def _actor(account: PortalAccount) -> str:
    return account.username or f"portal:{account.id}"


class PortalAccountService:
    def __init__(self, ctx: Context, mail: MailService) -> None:
        self.ctx = ctx
        self.mail = mail
        self._auth = AuthService(ctx)

    def create(self, email: str, name: str, password: str, *, login: str = "other",
               language: str | None = None) -> SignUp:
        """"Create an account": a code to confirm the address is mailed to it. The same answer
        whether or not the address has an account already (its owner is told by e-mail)."""
        email = check_email(email)
        name = (name or "").strip()
        if not name:
            raise fail("name_missing", _("Name: fill this in."))
        why = _bad_name(name)
        if why:
            raise fail("bad_name", _("Name: {why}").format(why=why))
        check_new_password(password)
        if login not in ("eduid", "other"):
            raise fail("bad_login", _("Create an eduID or \"Other login\" account."))
        language = normalise(language) if language else None
        hashed = hash_password(password)  # slow on purpose: before the write lock
        code = f"{secrets.randbelow(10**6):06d}"
        now = self.ctx.now()
        try:
            with self.ctx.db.write() as session:
                account = session.scalar(select(PortalAccount).where(
                    PortalAccount.email == email).with_for_update())
                if account is not None and account.confirmed_at is not None:
                    lang = account_language(account.language)
                    queue_mail(session, now, email,
                               _in(lang, "Course Portal: you already have an account"),
                               _in(lang, "Somebody (you?) tried to create a Course Portal "
                                         "account with this address, which has one already. "
                                         "Sign in with it; if you did not do this, you can "
                                         "ignore this e-mail."))
                    record(session, now, actor=_actor(account), acting_for=_actor(account),
                           action=ACTION, detail="Create an account: the address has one "
                                                 "(told by e-mail)")
                else:
                    if account is None:
                        account = PortalAccount(email=email, name=name, login=login,
                                                created_at=now, confirm_failures=0)
                        session.add(account)
                    account.name = name
                    account.login = login
                    account.password_hash = hashed
                    account.language = language
                    session.flush()
                    self._send_code(session, account, code, now)
                    record(session, now, actor=_actor(account), acting_for=_actor(account),
                           action=ACTION, detail=f"Account created ({login}); code sent")
        except IntegrityError:  # the same address at the same moment in another terminal
            pass  # the other request sent the code: the same answer
        self.mail.flush()
        return SignUp(email=email, sent_at=now)

    def resend(self, email: str) -> SignUp:
        """A new code for an account that is not confirmed yet (the same answer for any
        address; at most one a minute)."""
        email = check_email(email)
        code = f"{secrets.randbelow(10**6):06d}"
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            account = session.scalar(select(PortalAccount).where(
                PortalAccount.email == email).with_for_update())
            if (account is not None and account.confirmed_at is None
                    and account.login != "ulcn"
                    and (account.confirm_sent_at is None
                         or now - account.confirm_sent_at >= RESEND_AFTER)):
                self._send_code(session, account, code, now)
        self.mail.flush()
        return SignUp(email=email, sent_at=now)

    def confirm(self, email: str, code: str, password: str) -> PortalIdentity:
        """Confirm the address with the code mailed to it and the password chosen with it:
        the account is signed in."""
        email = check_email(email)
        code = re.sub(r"\s", "", code or "")
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            account = session.scalar(select(PortalAccount).where(PortalAccount.email == email))
            stored = account.password_hash if account is not None else None
        right_password = verify_password(password or "", stored or _dummy_hash())
        with self.ctx.db.write() as session:
            account = session.scalar(select(PortalAccount).where(
                PortalAccount.email == email).with_for_update())
            wrong = fail("bad_code", _("This code is not right, or it has expired."),
                         _("Check the last e-mail we sent, or ask for a new code."))
            if account is None or account.confirmed_at is not None or account.confirm_hash is None:
                raise wrong
            if (account.confirm_failures >= CODE_TRIES or account.confirm_sent_at is None
                    or now - account.confirm_sent_at > CODE_VALID):
                raise fail("code_expired", _("This code has expired."),
                           _("Ask for a new code."))
            good = hmac.compare_digest(account.confirm_hash, self._code_hash(session, account,
                                                                            code))
            if not good or not right_password or account.password_hash != stored:
                account.confirm_failures += 1
                record(session, now, actor=_actor(account), acting_for=_actor(account),
                       action=ACTION, detail="Wrong confirmation code", outcome="refused")
                session.commit()
                raise wrong
            account.confirmed_at = now
            account.confirm_hash = None
            record(session, now, actor=_actor(account), acting_for=_actor(account),
                   action=ACTION, detail="E-mail address confirmed; signed in")
            return _identity(account)

    def login(self, email: str, password: str) -> PortalIdentity:
        """Sign in with an e-mail address (eduID, "Other login"): the uSis sign-in's message,
        timing and throttle."""
        typed = (email or "").strip()
        if not typed or not password:
            raise fail("missing_credentials", _("Enter your e-mail address and password."))
        address = typed.lower()
        name = _throttle_name(address)
        now = self.ctx.now()
        auth = self._auth
        with self.ctx.db.read() as session:
            account = session.scalar(select(PortalAccount).where(PortalAccount.email == address))
            stored = account.password_hash if account is not None else None
            key = _setting(session)
            tag = name_tag(bytes.fromhex(key), name) if key else None
            from ...models import LoginThrottle

            blocked = _blocked(session.get(LoginThrottle, tag) if tag else None, now, _wall())
        matches = False
        if blocked is None:
            matches = verify_password(password, stored if stored is not None else _dummy_hash())
        with self.ctx.db.write() as session:
            from ...models import LoginThrottle

            if tag is None:
                tag = name_tag(auth._login_key(session), name)
            row = session.get(LoginThrottle, tag)
            blocked = blocked or _blocked(row, now, _wall())
            account = session.scalar(select(PortalAccount).where(PortalAccount.email == address))
            actor = _actor(account) if account is not None else f"(portal {tag[:8]})"
            if blocked is not None:
                error = throttled(blocked)
            elif account is None or stored is None or not matches \
                    or account.password_hash != stored:
                error = auth._count_failure(session, tag, now)
            elif account.confirmed_at is None:
                error = fail("not_confirmed", _("Confirm your e-mail address first."),
                             _("Enter the code we sent you, or ask for a new one."))
            else:
                if row is not None:
                    session.delete(row)
                record(session, now, actor=actor, acting_for=actor, action=ACTION,
                       detail=f"Signed in to the Course Portal ({account.login})")
                return _identity(account)
            record(session, now, actor=actor, acting_for=actor if account else None,
                   action=ACTION, detail=error.problems[0].message if error.problems else "",
                   outcome="refused")
            session.commit()
            raise error

    def ulcn(self, username: str) -> PortalIdentity:
        """The Course Portal account of a signed-in uSis (ULCN) user, made at the first visit."""
        now = self.ctx.now()
        try:
            with self.ctx.db.write() as session:
                account = session.scalar(select(PortalAccount).where(
                    PortalAccount.username == username))
                if account is None:
                    student = session.scalar(select(Student).where(
                        Student.student_number == username))
                    staff = None if student is not None else session.scalar(
                        select(StaffUser).where(StaffUser.username == username))
                    person = student or staff
                    if person is None:
                        raise fail("unknown_user", _(INVALID))
                    email = (student.email if student is not None and student.email else
                             f"{username}@{'umail.' if student else ''}leidenuniv.nl").lower()
                    taken = session.scalar(select(PortalAccount.id).where(
                        PortalAccount.email == email))
                    if taken is not None:  # an e-mail account with the same address
                        email = f"{username}+ulcn@leidenuniv.nl"
                    account = PortalAccount(email=email, name=person.name, login="ulcn",
                                            username=username, created_at=now,
                                            confirmed_at=now, confirm_failures=0,
                                            language=person.language)
                    session.add(account)
                    session.flush()
                record(session, now, actor=username,
                       acting_for=username if username.startswith("s") else None,
                       action=ACTION, detail="Signed in to the Course Portal (ULCN)")
                return _identity(account)
        except IntegrityError:  # made at the same moment by another terminal
            with self.ctx.db.read() as session:
                account = session.scalar(select(PortalAccount).where(
                    PortalAccount.username == username))
                assert account is not None
                return _identity(account)

    # ------------------------------------------------------------------ codes
    def _send_code(self, session: Session, account: PortalAccount, code: str,
                   now: datetime) -> None:
        account.confirm_hash = self._code_hash(session, account, code)
        account.confirm_sent_at = now
        account.confirm_failures = 0
        language = account_language(account.language)
        queue_mail(session, now, account.email,
                   _in(language, "Course Portal: your confirmation code {code}").format(
                       code=code),
                   "\n\n".join([
                       _in(language, "Dear {name},").format(name=account.name),
                       _in(language, "Your confirmation code is: {code}").format(code=code),
                       _in(language, "Enter it in the Course Portal within 30 minutes to "
                                     "confirm your e-mail address. Did you not create an "
                                     "account? Then you can ignore this e-mail."),
                   ]))

    def _code_hash(self, session: Session, account: PortalAccount, code: str) -> str:
        key = self._auth._login_key(session)
        return hmac.new(key, f"{account.id}:{account.email}:{code}".encode(),
                        hashlib.sha256).hexdigest()


def _setting(session: Session) -> str | None:
    from ..auth import KEY_SETTING
    from ..auth import _setting as read

    return read(session, KEY_SETTING)


__all__ = ["PortalAccountService", "check_email"]
