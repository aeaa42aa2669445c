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

import hmac
import json
from typing import Any, cast

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
    finish_sign_in,
    name_tag,
    throttled,
)
from .base import Context, ServiceError, fail, shown
from .schemas import MfaSetupKey, MfaSignedIn, MfaStatus
from .totp import (  # noqa: F401 - code_at, _timecodes: part of this module's API (tests, replay)
    Account,
    _actor_fields,
    _clear,
    _fingerprint,
    _open_ticket,
    _recovery_hashes,
    _timecodes,
    _typed,
    _use_recovery,
    _username,
    check_code,
    code_at,
    expired,
    hash_recovery,
    new_recovery_codes,
    new_secret,
    provisioning_uri,
    required,
    status_of,
)

__all__ = ["MfaService", "code_at", "finish_sign_in"]


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
