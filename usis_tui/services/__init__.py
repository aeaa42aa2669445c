"""All rules live here. UI-free; one transaction per call; typed pydantic results and errors.

    usis = Usis.open("sqlite:///usis.db", clock=lambda: datetime(2026, 9, 7, 10))
    usis.cart.add("s1234567", "2026-2027", "1052")
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..db import Database
from .academics import AcademicsService
from .audit import AuditService
from .auth import AuthService
from .base import Context, ServiceError
from .cart import CartService
from .catalogue import CatalogueService, academic_year_code
from .classroom import ClassroomService
from .enrolment import EnrolmentService
from .exams import ExamService
from .mfa import MfaService
from .minors import MinorService
from .notify import MailService
from .petitions import PetitionService
from .portal import PortalAccountService, PortalAdminService, PortalJobs, PortalService
from .preferences import PreferencesService
from .queue import QueueService
from .results import ResultsService
from .schedule import ScheduleService
from .schemas import Problem
from .student import StudentService
from .timetable import TimetableService


class Usis:
    """The service facade the app, the CLI and the tests talk to."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.ctx = Context(db=db, clock=clock)
        self.auth = AuthService(self.ctx)
        self.catalogue = CatalogueService(self.ctx)
        self.enrolment = EnrolmentService(self.ctx)
        self.cart = CartService(self.ctx, self.enrolment)
        self.student = StudentService(self.ctx)
        self.timetable = TimetableService(self.ctx)
        self.petitions = PetitionService(self.ctx)
        self.audit = AuditService(self.ctx)
        self.queue = QueueService(self.ctx)
        self.minors = MinorService(self.ctx, self.enrolment)
        self.exams = ExamService(self.ctx, self.enrolment)
        self.preferences = PreferencesService(self.ctx)
        self.mfa = MfaService(self.ctx)
        self.academics = AcademicsService(self.ctx)
        self.results = ResultsService(self.ctx)
        self.schedule = ScheduleService(self.ctx)
        # the Course Portal (services/portal/) and its e-mail (services/notify.py)
        self.mail = MailService(self.ctx)
        self.portal = PortalService(self.ctx, self.mail)
        self.portal_accounts = PortalAccountService(self.ctx, self.mail)
        self.portal_admin = PortalAdminService(self.ctx, self.mail)
        self.portal_jobs = PortalJobs(self.ctx, self.mail)
        # classrooms: a trainer's live view of trainees in a guided tour (services/classroom.py)
        self.classroom = ClassroomService(self.ctx, self.enrolment)

    @classmethod
    def open(cls, url: str, clock: Callable[[], datetime] | None = None) -> Usis:
        """The services on ``url``; a ConfigError (nothing written) when the database has a
        schema revision this code does not know (made by a newer uSis)."""
        from .. import migrations

        db = Database(url)
        try:
            migrations.refuse_unknown_revision(db)
        except BaseException:
            db.dispose()
            raise
        return cls(db, clock or datetime.now)

    def now(self) -> datetime:
        return self.ctx.now()

    def close(self) -> None:
        self.db.dispose()


__all__ = ["Usis", "ServiceError", "Problem", "academic_year_code"]
