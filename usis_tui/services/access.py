"""Who may call what: the guard the app and the CLI put between a signed-in user and the services.

    usis = guard(Usis.open(url), Principal(username="s1234567", role="student"))
    usis.cart.list("s1234567")   # allowed
    usis.cart.list("s7654321")   # ServiceError not_authorised

``GuardedUsis`` has the attributes of ``Usis`` (one per service, including services added
later) and forwards ``db``, ``now()`` and ``close()``. Every public method call is checked
against ``POLICY``, keyed "service.method"; a method without an entry is refused (deny by
default, and tests/unit/test_access.py fails until the new method gets one).

The rules:

- ``ANYONE``: any signed-in user (the catalogue, class lookups).
- ``OWN_STUDENT``: the call's ``student_number`` must be the principal's own student: a
  student's own number, or the student a support member acts for. Board and trainer accounts,
  and support not acting for anyone, are refused.
- ``SUPPORT``: support staff only (student look-up, the audit trail), for any student.
- ``OWN_OR_SUPPORT``: ``OWN_STUDENT`` or support staff (a student's profile).
- ``BOARD``: the Board of Examiners, as themselves (``staff_username`` is their own name).
- ``BOARD_ROLE``: the Board of Examiners, for any student (selection minor placement,
  registering results).
- ``TRAINER``: trainers (demo reset, the clock).
- ``SELF``: the call's ``username`` is the principal's own account (change one's password).
- ``SUPPORT_STUDENT_ACCOUNT``: support staff, on a student account (unlock after failures).
- ``SELF_OR_SUPPORT``: the own account, or support staff (an account's two-step sign-in status).
- ``SUPPORT_STUDENT_MFA``: support staff, on a student account (reset its second factor).
- ``OWN_LOG``: an audit entry about oneself (``acting_for`` is the own student, or none).
- ``OWN_ACCOUNT``: the call's ``account_id`` is the principal's own Course Portal account.
- ``PORTAL_ADMIN``: the Course Portal's administration (staff role "portal").
- ``TRAINER_SELF``: a trainer, as themselves (``trainer`` is their own name): classrooms.
- ``NOBODY``: never through the guard: only the local administrator, who runs the ``usis``
  command without ``--user`` and so talks to the unguarded ``Usis`` (user accounts).

Whatever the rule, a call whose signature accepts ``actor`` gets ``actor=<principal username>``
(so steps done by support acting for a student are recorded as theirs), and a caller cannot pass
somebody else's name there. Ids that belong to another student (a cart item, a petition, a
message, a class not on the schedule) are refused by the services themselves: they look the id
up together with the student number the guard has checked.

Every refusal raises ``ServiceError`` with code ``not_authorised`` and is written to the audit
trail (action "access", outcome "refused").
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pydantic

from ..i18n import N_, _
from .audit import record
from .base import ServiceError, fail

if TYPE_CHECKING:
    from . import Usis

log = logging.getLogger(__name__)
Role = Literal["student", "support", "board", "trainer", "portal", "learner", "guest"]
ACCESS_ACTION = "access"
NOT_AUTHORISED = "not_authorised"
OTHER_STUDENT = N_("You are not authorised to see or change another student's data.")
#: Attributes of ``Usis`` that are not services.
NOT_SERVICES = frozenset({"db", "ctx"})


class Principal(pydantic.BaseModel):
    """Who is signed in, and for which student a support member acts."""

    model_config = pydantic.ConfigDict(frozen=True)

    username: str
    role: Role
    acting_for: str | None = None  # a student number when support acts as a student
    #: the Course Portal account signed in (a learner's, or a ULCN user's), if any
    portal_account: int | None = None

    @pydantic.model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            username = data.get("username")
            if isinstance(username, str):
                username = username.strip()
                data["username"] = username.lower() if data.get("role") == "student" else username
            acting_for = data.get("acting_for")
            if isinstance(acting_for, str):
                data["acting_for"] = acting_for.strip().lower() or None
        return data

    @pydantic.model_validator(mode="after")
    def _check(self) -> Principal:
        if not self.username:
            raise ValueError("a principal has a user name")
        if self.acting_for is not None and self.role != "support":
            raise ValueError("only support staff act for a student")
        return self

    @property
    def student_number(self) -> str | None:
        """The student whose data this principal may see and change (if any)."""
        if self.role == "student":
            return self.username
        if self.role == "support":
            return self.acting_for
        return None

    def __str__(self) -> str:
        acting = f" acting for {self.acting_for}" if self.acting_for else ""
        return f"{self.username} ({self.role}){acting}"


# ---------------------------------------------------------------------------- rules
class Refused(Exception):
    """Raised by a rule; turned into ServiceError(not_authorised) by the guard."""

    def __init__(self, message: str, hint: str = "", *, student: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.student = student


@dataclass(frozen=True)
class Rule:
    """``check(principal, arguments)`` raises Refused or returns normally; it may rewrite
    ``arguments`` (e.g. to the canonical student number). ``needs``: the parameters a method
    must have for the rule to make sense (checked by the tests)."""

    name: str
    check: Callable[[Principal, dict[str, Any]], None]
    needs: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return self.name


def _student_arg(arguments: dict[str, Any]) -> str:
    value = arguments.get("student_number")
    return value.strip().lower() if isinstance(value, str) else ""


def _own_student(principal: Principal, arguments: dict[str, Any]) -> None:
    wanted = _student_arg(arguments)
    own = principal.student_number
    if own is None:
        if principal.role == "support":
            raise Refused(_(OTHER_STUDENT), _("Look the student up and act as them first."),
                          student=wanted or None)
        raise Refused(_(OTHER_STUDENT), _("Sign in with the student's own account."),
                      student=wanted or None)
    if wanted != own:
        raise Refused(_(OTHER_STUDENT), _("You can only see and change your own data.")
                      if principal.role == "student" else
                      _("You act for {own}: act as {wanted} first.").format(
                          own=own, wanted=wanted) if wanted else
                      _("You act for {own}: act as the student first.").format(own=own),
                      student=wanted or None)
    arguments["student_number"] = own  # what the service looks up is what was checked


def _support(principal: Principal, arguments: dict[str, Any]) -> None:
    if principal.role != "support":
        wanted = _student_arg(arguments)
        raise Refused(_(OTHER_STUDENT) if wanted and wanted != principal.student_number else
                      _("Only support staff can do this."),
                      _("Support staff look students up and read their audit trail."),
                      student=wanted or None)


def _own_or_support(principal: Principal, arguments: dict[str, Any]) -> None:
    if principal.role != "support":
        _own_student(principal, arguments)


def _board(principal: Principal, arguments: dict[str, Any]) -> None:
    if principal.role != "board":
        raise Refused(_("Only the Board of Examiners handles petitions."),
                      _("Sign in with a Board of Examiners account."))
    if arguments.get("staff_username") != principal.username:
        raise Refused(_("You can only handle petitions as yourself."),
                      _("You are signed in as {user}.").format(user=principal.username))


def _board_role(principal: Principal, arguments: dict[str, Any]) -> None:
    if principal.role != "board":
        raise Refused(_("Only the Board of Examiners can do this."),
                      _("Sign in with a Board of Examiners account."),
                      student=_student_arg(arguments) or None)


def _trainer(principal: Principal, arguments: dict[str, Any]) -> None:
    if principal.role != "trainer":
        raise Refused(_("Only a uSis trainer can do this."),
                      _("Sign in with a trainer account."))


def _trainer_self(principal: Principal, arguments: dict[str, Any]) -> None:
    _trainer(principal, arguments)
    if arguments.get("trainer") != principal.username:
        raise Refused(_("You can only open and list your own classrooms."),
                      _("You are signed in as {user}.").format(user=principal.username))


def _self(principal: Principal, arguments: dict[str, Any]) -> None:
    value = arguments.get("username")
    if not isinstance(value, str) or value.strip().lower() != principal.username.lower():
        raise Refused(_("You can only change your own account."),
                      _("You are signed in as {user}.").format(user=principal.username))
    arguments["username"] = principal.username


def _support_student_account(principal: Principal, arguments: dict[str, Any]) -> None:
    value = arguments.get("username")
    if principal.role != "support":
        raise Refused(_("Only support staff can lock or unlock an account."),
                      _("Ask the helpdesk."))
    if not isinstance(value, str) or not _looks_like_student(value):
        raise Refused(_("Support staff lock and unlock student accounts only."),
                      _("Staff accounts are managed by the administrator (usis user)."))


def _self_or_support(principal: Principal, arguments: dict[str, Any]) -> None:
    if principal.role != "support":
        _self(principal, arguments)


def _support_student_mfa(principal: Principal, arguments: dict[str, Any]) -> None:
    value = arguments.get("username")
    if principal.role != "support":
        raise Refused(_("Only support staff can reset two-step sign-in."), _("Ask the helpdesk."))
    if not isinstance(value, str) or not _looks_like_student(value):
        raise Refused(_("Support staff reset the two-step sign-in of student accounts only."),
                      _("Staff accounts are managed by the administrator (usis user mfa)."))


def _own_log(principal: Principal, arguments: dict[str, Any]) -> None:
    value = arguments.get("acting_for")
    wanted = value.strip().lower() if isinstance(value, str) else None
    if wanted and wanted != principal.student_number:
        raise Refused(_(OTHER_STUDENT), student=wanted)


def _nobody(principal: Principal, arguments: dict[str, Any]) -> None:
    raise Refused(_("Only the administrator can do this."),
                  _("Run the usis command on the server without --user."))


def _anyone(principal: Principal, arguments: dict[str, Any]) -> None:
    return None


def _own_account(principal: Principal, arguments: dict[str, Any]) -> None:
    wanted = arguments.get("account_id")
    if principal.portal_account is None:
        raise Refused(_("Log in to the Course Portal first."),
                      _("Log in with your ULCN account, eduID or \"Other login\"."))
    if wanted != principal.portal_account:
        raise Refused(_("You can only see and change your own Course Portal data."))


def _portal_admin(principal: Principal, arguments: dict[str, Any]) -> None:
    if principal.role != "portal":
        raise Refused(_("Only the Course Portal's administration can do this."),
                      _("Sign in with a Course Portal administration account."))


def _looks_like_student(value: str) -> bool:
    v = value.strip().lower()
    return len(v) == 8 and v[0] == "s" and v[1:].isdigit()


ANYONE = Rule("ANYONE", _anyone)
OWN_STUDENT = Rule("OWN_STUDENT", _own_student, ("student_number",))
SUPPORT = Rule("SUPPORT", _support)
OWN_OR_SUPPORT = Rule("OWN_OR_SUPPORT", _own_or_support, ("student_number",))
BOARD = Rule("BOARD", _board, ("staff_username",))
BOARD_ROLE = Rule("BOARD_ROLE", _board_role)
TRAINER = Rule("TRAINER", _trainer)
TRAINER_SELF = Rule("TRAINER_SELF", _trainer_self, ("trainer",))
SELF = Rule("SELF", _self, ("username",))
SUPPORT_STUDENT_ACCOUNT = Rule("SUPPORT_STUDENT_ACCOUNT", _support_student_account,
                               ("username",))
SELF_OR_SUPPORT = Rule("SELF_OR_SUPPORT", _self_or_support, ("username",))
SUPPORT_STUDENT_MFA = Rule("SUPPORT_STUDENT_MFA", _support_student_mfa, ("username",))
OWN_LOG = Rule("OWN_LOG", _own_log, ("actor", "acting_for"))
NOBODY = Rule("NOBODY", _nobody)
OWN_ACCOUNT = Rule("OWN_ACCOUNT", _own_account, ("account_id",))
PORTAL_ADMIN = Rule("PORTAL_ADMIN", _portal_admin)

#: "service.method" → rule. A public service method missing here is refused.
POLICY: Mapping[str, Rule] = {
    # log in, accounts
    "auth.login": ANYONE,
    "auth.is_demo": ANYONE,  # the Login screen, before sign-in (raw facade)
    "auth.add_user": NOBODY,
    "auth.set_password": SELF,
    "preferences.language": SELF,
    "preferences.set_language": SELF,
    "auth.set_locked": SUPPORT_STUDENT_ACCOUNT,
    # two-step sign-in (services/mfa.py). Before sign-in the ticket of the password step is
    # the proof (and what it proves is checked by the service); after it, one's own account.
    "mfa.setup_key": ANYONE,
    "mfa.confirm_setup": ANYONE,
    "mfa.verify": ANYONE,
    "mfa.status": SELF_OR_SUPPORT,
    "mfa.start": SELF,
    "mfa.enable": SELF,
    "mfa.disable": SELF,
    "mfa.reset": SUPPORT_STUDENT_MFA,
    # the catalogue is public to everyone signed in
    "catalogue.years": ANYONE,
    "catalogue.current_year": ANYONE,
    "catalogue.programmes": ANYONE,
    "catalogue.lookup": ANYONE,
    "catalogue.get": ANYONE,
    "catalogue.search": ANYONE,
    "catalogue.warm_search": ANYONE,  # builds the search index; returns nothing
    "catalogue.class_list": ANYONE,
    "catalogue.enrolment_dates": ANYONE,
    "academics.programmes": ANYONE,  # the what-if report's choices
    "enrolment.lookup_class": ANYONE,
    "petitions.course_facts": ANYONE,
    "timetable.today": ANYONE,
    # one student's data
    "cart.add": OWN_STUDENT,
    "cart.add_section": OWN_STUDENT,
    "cart.update": OWN_STUDENT,
    "cart.remove": OWN_STUDENT,
    "cart.list": OWN_STUDENT,
    "cart.validate": OWN_STUDENT,
    "cart.enrol": OWN_STUDENT,
    "cart.alternatives": OWN_STUDENT,
    "enrolment.enrol": OWN_STUDENT,
    "enrolment.drop": OWN_STUDENT,
    "enrolment.swap": OWN_STUDENT,
    "enrolment.edit": OWN_STUDENT,
    "enrolment.schedule": OWN_STUDENT,
    "enrolment.brightspace_courses": OWN_STUDENT,
    "enrolment.promote": NOBODY,  # internal: runs inside a drop's transaction
    "student.profile": OWN_OR_SUPPORT,
    "student.holds": OWN_STUDENT,
    "student.results": OWN_STUDENT,
    "student.messages": OWN_STUDENT,
    "student.unread_count": OWN_STUDENT,
    "student.mark_read": OWN_STUDENT,
    "timetable.classes": OWN_STUDENT,
    "timetable.week": OWN_STUDENT,
    "timetable.agenda": OWN_STUDENT,
    "timetable.exams": OWN_STUDENT,
    "timetable.ics": OWN_STUDENT,
    "timetable.export": OWN_STUDENT,
    "petitions.preview": OWN_STUDENT,
    "petitions.submit": OWN_STUDENT,
    "petitions.petitions": OWN_STUDENT,
    "petitions.petition": OWN_STUDENT,
    "petitions.withdraw": OWN_STUDENT,
    "minors.list": OWN_STUDENT,
    "minors.apply": OWN_STUDENT,
    "minors.cancel": OWN_STUDENT,
    "minors.change": OWN_STUDENT,
    "exams.list": OWN_STUDENT,
    "exams.confirm": OWN_STUDENT,
    "exams.expire": OWN_STUDENT,  # the student's own only; everyone's is a system job
    "academics.results": OWN_STUDENT,
    "academics.requirements": OWN_STUDENT,
    "academics.still_needed": OWN_STUDENT,
    "academics.plan": OWN_STUDENT,
    "academics.brightspace": OWN_STUDENT,
    "schedule.sources": OWN_STUDENT,
    "schedule.solve": OWN_STUDENT,
    "schedule.to_cart": OWN_STUDENT,
    # the opening-minute queue: one's own sign-in; a ticket's token is its own proof
    "queue.enter": SELF,
    "queue.poll": ANYONE,
    "queue.leave": ANYONE,
    "queue.ticket": ANYONE,
    "queue.status": ANYONE,
    # the Board of Examiners
    "minors.placement": BOARD_ROLE,
    "minors.place": BOARD_ROLE,
    "minors.reject": BOARD_ROLE,
    "minors.place_all": BOARD_ROLE,
    # results of exam classes (services/results.py): any student's, by the board
    "results.exam_classes": BOARD_ROLE,
    "results.sheet": BOARD_ROLE,
    "results.register": BOARD_ROLE,
    "results.import_bytes": BOARD_ROLE,
    "results.import_file": BOARD_ROLE,
    "petitions.queue": BOARD,
    "petitions.board_petition": BOARD,
    "petitions.advise": BOARD,
    "petitions.decide": BOARD,
    "petitions.register_grade": BOARD,
    # support: look students up, read their steps
    "audit.entries": SUPPORT,
    "audit.action_kinds": SUPPORT,
    "audit.find_students": SUPPORT,
    "audit.log": OWN_LOG,
    "audit.navigation": OWN_LOG,
    # the Course Portal (services/portal/): its offering and certificate check are public
    "portal.offerings": ANYONE,
    "portal.offering": ANYONE,
    "portal.banks": ANYONE,
    "portal.verify": ANYONE,
    "portal_accounts.create": ANYONE,
    "portal_accounts.resend": ANYONE,
    "portal_accounts.confirm": ANYONE,
    "portal_accounts.login": ANYONE,
    "portal_accounts.ulcn": SELF,  # a signed-in uSis user's own portal account
    "portal.enrol": OWN_ACCOUNT,
    "portal.pay": OWN_ACCOUNT,
    "portal.checkout": OWN_ACCOUNT,
    "portal.refresh": OWN_ACCOUNT,
    "portal.cancel_pending": OWN_ACCOUNT,
    "portal.my_courses": OWN_ACCOUNT,
    "portal.course": OWN_ACCOUNT,
    "portal.withdraw_quote": OWN_ACCOUNT,
    "portal.withdraw": OWN_ACCOUNT,
    "portal.records": OWN_ACCOUNT,
    "portal.record_pdf": OWN_ACCOUNT,
    "portal.invoice_pdf": OWN_ACCOUNT,
    "portal.evaluation_form": OWN_ACCOUNT,
    "portal.evaluate": OWN_ACCOUNT,
    "portal.messages": OWN_ACCOUNT,
    "portal.unread_count": OWN_ACCOUNT,
    "portal.mark_read": OWN_ACCOUNT,
    "portal_admin.offerings": PORTAL_ADMIN,
    "portal_admin.policies": PORTAL_ADMIN,
    "portal_admin.save_offering": PORTAL_ADMIN,
    "portal_admin.enrolments": PORTAL_ADMIN,
    "portal_admin.register_payment": PORTAL_ADMIN,
    "portal_admin.withdrawals": PORTAL_ADMIN,
    "portal_admin.decide_withdrawal": PORTAL_ADMIN,
    "portal_admin.complete": PORTAL_ADMIN,
    "portal_admin.evaluation": PORTAL_ADMIN,
    "portal_jobs.remind": NOBODY,  # `usis portal remind` (cron)
    "portal_jobs.expire": NOBODY,
    # e-mail: sending what is queued is harmless; the outbox shows codes, for the trainer
    "mail.flush": ANYONE,
    "mail.outbox": TRAINER,
    # classrooms (services/classroom.py): the trainer opens, watches and closes; anybody with
    # the code joins (before sign-in: it makes the account they sign in with); a trainee
    # reports their own session student's progress
    "classroom.open_session": TRAINER_SELF,
    "classroom.open_sessions": TRAINER_SELF,
    "classroom.roster": TRAINER,
    "classroom.close_session": TRAINER,
    "classroom.join": ANYONE,
    "classroom.progress": OWN_STUDENT,
}


def public_methods(service: object) -> list[str]:
    """The names of a service's public methods (what the guard lets through, by policy)."""
    return sorted(name for name in dir(type(service))
                  if not name.startswith("_") and callable(getattr(service, name, None)))


def services(usis: Usis) -> dict[str, object]:
    """The services of a ``Usis`` facade by attribute name (``cart``, ``enrolment``, …)."""
    return {name: value for name, value in vars(usis).items()
            if not name.startswith("_") and name not in NOT_SERVICES}


# ---------------------------------------------------------------------------- the guard
class GuardedService:
    """One service seen through the policy: every public method is checked when called."""

    def __init__(self, owner: GuardedUsis, name: str, service: object) -> None:
        self._owner = owner
        self._name = name
        self._service = service
        self._methods: dict[str, Callable[..., Any]] = {}

    def __getattr__(self, method: str) -> Callable[..., Any]:
        if method.startswith("_"):
            raise AttributeError(method)
        if method in self._methods:
            return self._methods[method]
        target = getattr(self._service, method)  # AttributeError for unknown names
        if not callable(target):
            raise AttributeError(  # noqa: TRY004 - what getattr callers expect
                f"{self._name}.{method} is not available to signed-in users")
        wrapper = self._owner._wrap(self._name, method, target)
        self._methods[method] = wrapper
        return wrapper

    def __dir__(self) -> list[str]:
        return public_methods(self._service)

    def __repr__(self) -> str:
        return f"<guarded {self._name} for {self._owner.principal}>"


class GuardedUsis:
    """The ``Usis`` facade for one signed-in principal."""

    def __init__(self, usis: Usis, principal: Principal) -> None:
        self._usis = usis
        self._services: dict[str, GuardedService] = {}
        self.principal = principal

    # forwarded as they are
    @property
    def db(self):
        return self._usis.db

    def now(self):
        return self._usis.now()

    def close(self) -> None:
        self._usis.close()

    def __getattr__(self, name: str) -> GuardedService:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._services:
            found = services(self._usis)
            if name not in found:
                raise AttributeError(f"Usis has no service {name!r}")
            self._services[name] = GuardedService(self, name, found[name])
        return self._services[name]

    def __dir__(self) -> list[str]:
        return sorted({"db", "now", "close", "principal", *services(self._usis)})

    def __repr__(self) -> str:
        return f"<GuardedUsis for {self.principal}>"

    # ------------------------------------------------------------------ checking
    def _wrap(self, service: str, method: str, target: Callable[..., Any]) -> Callable[..., Any]:
        key = f"{service}.{method}"
        signature = inspect.signature(target)
        takes_actor = "actor" in signature.parameters

        @functools.wraps(target)
        def call(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(*args, **kwargs)  # TypeError: a programming error
            self._check(key, bound.arguments, takes_actor)
            return target(*bound.args, **bound.kwargs)

        return call

    def _check(self, key: str, arguments: dict[str, Any], takes_actor: bool) -> None:
        principal = self.principal
        rule = POLICY.get(key)
        try:
            if rule is None:
                raise Refused(_("You are not authorised to do this."),
                              _("{key} has no access rule.").format(key=key))
            if takes_actor:
                given = arguments.get("actor")
                if given is not None and given != principal.username:
                    raise Refused(_("You cannot act in somebody else's name."),
                                  _("You are signed in as {user}.").format(
                                      user=principal.username))
            rule.check(principal, arguments)
        except Refused as refused:
            self._record_refusal(key, refused)
            raise fail(NOT_AUTHORISED, refused.message, refused.hint) from None
        if takes_actor:
            arguments["actor"] = principal.username

    def _record_refusal(self, key: str, refused: Refused) -> None:
        """An audit entry for the refused call, in its own transaction; never hides the
        refusal (a read-only or damaged database only loses the entry)."""
        principal = self.principal
        try:
            with self._usis.db.write() as session:
                record(session, self._usis.now(), actor=principal.username,
                       acting_for=refused.student or principal.student_number,
                       action=ACCESS_ACTION,
                       detail=f"{key} by {principal}: {refused.message}",
                       outcome="refused")
        except Exception:  # the refusal matters more than its entry
            log.warning("could not record the refusal of %s for %s", key, principal,
                        exc_info=True)


def guard(usis: Usis, principal: Principal) -> GuardedUsis:
    """``usis`` as seen by ``principal``: every service call is checked against POLICY."""
    return GuardedUsis(usis, principal)


__all__ = [
    "ANYONE",
    "BOARD",
    "BOARD_ROLE",
    "NOBODY",
    "NOT_AUTHORISED",
    "OTHER_STUDENT",
    "OWN_LOG",
    "OWN_OR_SUPPORT",
    "OWN_ACCOUNT",
    "OWN_STUDENT",
    "POLICY",
    "PORTAL_ADMIN",
    "SELF",
    "SELF_OR_SUPPORT",
    "SUPPORT",
    "SUPPORT_STUDENT_ACCOUNT",
    "SUPPORT_STUDENT_MFA",
    "TRAINER",
    "TRAINER_SELF",
    "GuardedService",
    "GuardedUsis",
    "Principal",
    "Rule",
    "ServiceError",
    "guard",
    "public_methods",
    "services",
]
