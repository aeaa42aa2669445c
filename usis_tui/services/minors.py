"""Minors: apply, change and cancel within the registration window of each minor type.

Rules (seed: leiden-science-course-and-exam-enrolment.txt, "Registration dates for minors"):

- Every minor has a limited number of places, allocated first come, first served; a full
  Leiden or LDE minor puts the student on its wait list.
- Selection minors (e.g. 1048) are allocated by selection, not by order: an application gets the
  status "Waiting for placement outcome" instead of a seat. The Board of Examiners places
  (``place``: a seat in the minor's class, status "placed") or rejects (``reject``: "not
  placed") each applicant, or places the waiting ones in ranked order up to the minor's capacity
  (``place_all``); the student gets a message either way. A placed student then enrols in the
  minor's parts (1049 and 1050 under 1048) under Enrol, by the ordinary rules (rules.py: a part
  needs its minor) — the seed: "If you are accepted in a minor, please do not forget to enroll
  for the courses that are part of this minor".
- One minor per student; a second minor may be requested only while wait-listed for the first
  (the rule itself lives in ``rules.evaluate``, so Enrol › Add follows it too).
- Applications can be changed or cancelled until the end of the registration window.
- The parts of a minor (1049 and 1050 under 1048) are enrolled with it and dropped with it.

Every public method that changes data is one audited transaction; a refusal leaves the database
unchanged (apart from its "refused" audit entry).

    usis.minors.list("s1234567")
    usis.minors.apply("s1234567", "1052")
    usis.minors.change("s1234567", "1052", "1047")
    usis.minors.cancel("s1234567", "1047")
    usis.minors.placement("1048")                      # the Board: ranked applications
    usis.minors.place("s3456789", "1048", actor="board")
    usis.minors.reject("s2000005", "1048", actor="board")
    usis.minors.place_all("1048", actor="board")      # ranked order, up to the capacity
"""

from __future__ import annotations

import builtins
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from .. import i18n
from ..i18n import N_, _, _in, ngettext
from ..models import (
    AcademicYear,
    CartItem,
    ClassSection,
    Course,
    Enrolment,
    Minor,
    MinorApplication,
    Student,
)
from .audit import audited
from .base import (
    Context,
    ServiceError,
    fail,
    find_section,
    get_student,
    get_year,
    lock_students,
    period_state,
    section_options,
)
from .catalogue import CatalogueService
from .enrol_messages import post_message
from .enrolment import EnrolmentService, lock_sections
from .rules import Verdict
from .schemas import (
    EnrolRequest,
    MinorInfo,
    MinorPart,
    MinorResult,
    Placement,
    PlacementApplicant,
    PlacementBatch,
    PlacementMinor,
    PlacementSkip,
    Problem,
)

SEAT_CODES = {"class_full", "class_and_waitlist_full"}
#: What a placement does not ask of the student: the Board places after the registration period,
#: and placing is what the "selection minor" refusal waits for. The seats, holds, clashes and
#: the one-minor rule still apply.
NOT_FOR_PLACEMENT = {"period_closed", "not_yet_open", "selection_minor"}
#: Application statuses that no longer count as a request for a minor.
ENDED = ("cancelled", "not_placed")
CATEGORY = "minor"
HELP_DESK = N_("Contact your education administration office (usis-fwn@science.leidenuniv.nl) "
                "with your student number and the class number.")  # shown with _()


def _describe(section: ClassSection, language: object) -> str:
    """"4000MDSAIN Data Science … (Lecture, class 1052)" in ``language`` (a message's subject)."""
    return _in(language, "{catalogue_number} {title} ({component}, class {class_number})").format(
        catalogue_number=section.course.catalogue_number, title=section.course.title,
        component=_in(language, section.component), class_number=section.class_number)


def _parts_text(parts: list[str], language: object | None = None) -> str:
    """"1049 and 1050"."""
    return _in(language, " and ").join(parts)


def _minor_of(section: ClassSection) -> Minor:
    """The minor of a class known to be one (found by ``MinorService._minor``, or joined)."""
    minor = section.course.minor
    assert minor is not None, f"class {section.class_number} is not a minor"
    return minor


class MinorService:
    def __init__(self, ctx: Context, enrolment: EnrolmentService) -> None:
        self.ctx = ctx
        self.enrolment = enrolment

    # ------------------------------------------------------------------ reading
    def list(self, student_number: str, academic_year: str | None = None) -> list[MinorInfo]:
        """Every minor of the year with its window, seats, wait list, parts and the student's
        standing, ordered by class number."""
        now = self.ctx.now()
        code = academic_year or CatalogueService(self.ctx).current_year()
        with self.ctx.db.read() as session:
            student = get_student(session, student_number)
            year = session.scalar(select(AcademicYear).where(AcademicYear.code == code))
            if year is None:
                return []
            minors = session.scalars(
                select(ClassSection).join(ClassSection.course).join(Course.minor)
                .where(ClassSection.academic_year_id == year.id, ClassSection.parent_id.is_(None))
                .options(*section_options(), selectinload(ClassSection.children)
                         .joinedload(ClassSection.course))
                .order_by(ClassSection.class_number)).unique().all()
            ids = [s.id for s in minors] + [c.id for s in minors for c in s.children]
            mine = {e.section_id: e for e in session.scalars(select(Enrolment).where(
                Enrolment.student_id == student.id, Enrolment.section_id.in_(ids),
                Enrolment.status.in_(("enrolled", "waitlisted"))))} if ids else {}
            apps = {a.minor_id: a for a in session.scalars(select(MinorApplication).where(
                MinorApplication.student_id == student.id,
                MinorApplication.academic_year_id == year.id))}
            applicants: dict[int, int] = dict(session.execute(
                select(MinorApplication.minor_id, func.count(MinorApplication.id))
                .where(MinorApplication.academic_year_id == year.id,
                       MinorApplication.status == "waiting_for_placement")
                .group_by(MinorApplication.minor_id)).tuples().all())
            out = []
            for s in minors:
                minor = _minor_of(s)  # (joined on Course.minor above)
                enrolment = mine.get(s.id)
                app = apps.get(minor.id)
                status = enrolment.status if enrolment else app.status if app else None
                if status == "placed":  # placed, then dropped elsewhere: nothing held
                    status = None
                if (status == "enrolled" and minor.minor_type == "selection"
                        and app is not None and app.status == "placed"):
                    status = "placed"  # a place given by the Board
                out.append(MinorInfo(
                    section_id=s.id, academic_year=year.code, class_number=s.class_number,
                    catalogue_number=s.course.catalogue_number, title=s.course.title,
                    minor_type=minor.minor_type, ec=s.course.ec, capacity=s.capacity,
                    enrolled=s.enrolled_count, waitlist_capacity=s.waitlist_capacity,
                    waitlisted=s.waitlist_count, applicants=applicants.get(minor.id, 0),
                    opens_at=s.enrol_opens_at, closes_at=s.enrol_closes_at,
                    period_state=period_state(s, now),
                    parts=[MinorPart(class_number=c.class_number,
                                     catalogue_number=c.course.catalogue_number,
                                     title=c.course.title, ec=c.course.ec,
                                     enrolled=getattr(mine.get(c.id), "status", "") == "enrolled")
                           for c in sorted(s.children, key=lambda c: c.class_number)],
                    my_status=status,
                    my_position=enrolment.waitlist_position if enrolment else None,
                    my_choice=app.choice if app and status not in (None, "cancelled") else None))
            return out

    # ------------------------------------------------------------------ writing
    def apply(self, student_number: str, class_number: str, academic_year: str | None = None,
              *, actor: str | None = None) -> MinorResult:
        """Apply for a minor: a seat (with its parts), a wait list place, or for a selection
        minor "Waiting for placement outcome"."""
        code = academic_year or CatalogueService(self.ctx).current_year()
        with audited(self.ctx, "minor_apply", student_number, actor=actor,
                     detail=f"class {(class_number or '').strip()} ({code})") as step:
            session = step.session
            student = get_student(session, student_number, lock=True)  # then the classes
            section = self._minor(session, get_year(session, code), class_number)
            lock_sections(session, [section.id, *(c.id for c in section.children)])
            result = self._apply(session, student, section, self.ctx.now())
            step.record(f"class {section.class_number}: {result.message}")
            return result

    def cancel(self, student_number: str, class_number: str, academic_year: str | None = None,
               *, actor: str | None = None) -> MinorResult:
        """Cancel an application (and its seat or wait list place, and its parts) until the
        registration window closes."""
        code = academic_year or CatalogueService(self.ctx).current_year()
        with audited(self.ctx, "minor_cancel", student_number, actor=actor,
                     detail=f"class {(class_number or '').strip()} ({code})") as step:
            session = step.session
            student = get_student(session, student_number, lock=True)  # then the classes
            section = self._minor(session, get_year(session, code), class_number)
            lock_sections(session, [section.id, *(c.id for c in section.children)])
            result = self._cancel(session, student, section, self.ctx.now())
            step.record(f"class {section.class_number}: {result.message}")
            return result

    def change(self, student_number: str, from_class: str, to_class: str,
               academic_year: str | None = None, *, actor: str | None = None) -> MinorResult:
        """Replace one minor application by another, atomically: the old one stays unless the
        new one is accepted (a seat, a wait list place or "Waiting for placement outcome")."""
        code = academic_year or CatalogueService(self.ctx).current_year()
        with audited(self.ctx, "minor_change", student_number, actor=actor,
                     detail=f"class {(from_class or '').strip()} for class "
                            f"{(to_class or '').strip()} ({code})") as step:
            session = step.session
            student = get_student(session, student_number, lock=True)  # then the classes
            year = get_year(session, code)
            old, new = self._minor(session, year, from_class), self._minor(session, year, to_class)
            if old.id == new.id:
                raise fail("same_minor", _("Minor {number} cannot be changed for itself.").format(
                               number=old.class_number),
                           _("Choose another minor to change to."))
            lock_sections(session, [s.id for m in (old, new) for s in (m, *m.children)])
            now = self.ctx.now()
            lang = i18n.account_language(student.language)
            self._cancel(session, student, old, now, notify=False, reason=_in(
                lang, "Changed to minor {number}").format(number=new.class_number))
            result = self._apply(session, student, new, now)
            message = _("Your application for minor {old} has been changed to minor {new}. "
                        "{result}").format(old=old.class_number, new=new.class_number,
                                           result=result.message)
            step.record(f"class {old.class_number} for class {new.class_number}: {message}")
            return result.model_copy(update={"message": message})

    # ------------------------------------------------------------------ placement (the Board)
    def placement(self, class_number: str | None = None,
                  academic_year: str | None = None) -> Placement:
        """The selection minors of a year with their seats, and for one of them (``class_number``;
        default: the first with applications waiting, else the first) every application, the
        waiting ones first in ranked order, then the placed and the not placed.

        The ranked order: the seed says places in a selection minor are not allocated first come,
        first served but by selection, and what the selection weighs (motivation, grades) is not
        in uSis. So the list is the order the Board works through: first-choice applications
        before second choices (a second choice is made while on the wait list of the first, and
        that student may still get their first choice), and within each the order in which they
        applied. ``place_all`` places in this order; the Board may place or reject any
        applicant on its own instead."""
        now = self.ctx.now()
        catalogue = CatalogueService(self.ctx)
        years = [y.code for y in catalogue.years()]
        code = academic_year or catalogue.current_year()
        with self.ctx.db.read() as session:
            year = get_year(session, code)
            sections = session.scalars(
                select(ClassSection).join(ClassSection.course).join(Course.minor)
                .where(ClassSection.academic_year_id == year.id,
                       ClassSection.parent_id.is_(None), Minor.minor_type == "selection")
                .options(*section_options(), selectinload(ClassSection.children))
                .order_by(ClassSection.class_number)).unique().all()
            counts: dict[tuple[int, str], int] = {
                (minor_id, status): n for minor_id, status, n in session.execute(
                    select(MinorApplication.minor_id, MinorApplication.status,
                           func.count(MinorApplication.id))
                    .where(MinorApplication.academic_year_id == year.id)
                    .group_by(MinorApplication.minor_id, MinorApplication.status)).tuples()}
            minors = [self._placement_minor(s, code, now, counts) for s in sections]
            chosen: ClassSection | None = None
            if class_number is not None:
                chosen = self._minor(session, year, class_number)
                if _minor_of(chosen).minor_type != "selection":
                    raise fail("not_selection",
                               _("Minor {number} is not a selection minor: its places are "
                                 "allocated first come, first served.").format(
                                   number=chosen.class_number),
                               _("Choose a selection minor."))
            elif sections:
                chosen = next((s for s in sections
                               if counts.get((_minor_of(s).id, "waiting_for_placement"))),
                              sections[0])
            if chosen is None:
                return Placement(academic_year=code, years=years, minors=minors)
            minor = next(m for m in minors if m.section_id == chosen.id)
            return Placement(academic_year=code, years=years, minors=minors, minor=minor,
                             applicants=self._applicants(session, chosen))

    def place(self, student_number: str, class_number: str, academic_year: str | None = None,
              *, placed: bool = True, actor: str | None = None) -> MinorResult:
        """The placement outcome of one application for a selection minor (the Board): placed
        (a seat in the minor's class, while seats are left; the student then enrols in its
        parts) or, with ``placed=False``, not placed. The student gets a message."""
        code = academic_year or CatalogueService(self.ctx).current_year()
        with audited(self.ctx, "minor_placement", student_number, actor=actor,
                     detail=f"class {(class_number or '').strip()} ({code}): "
                            f"{'placed' if placed else 'not placed'}") as step:
            session = step.session
            student = get_student(session, student_number, lock=True)  # then the classes
            section = self._minor(session, get_year(session, code), class_number)
            lock_sections(session, [section.id, *(c.id for c in section.children)])
            now = self.ctx.now()
            app = self._application(session, student, section)
            if app is None or app.status != "waiting_for_placement":
                raise fail("no_application",
                           _("{student} is not waiting for the placement outcome of minor "
                             "{number}.").format(student=student.student_number,
                                                 number=section.class_number),
                           _("The list shows the status of every application."))
            result = (self._place(session, student, section, app, now) if placed else
                      self._reject(session, student, section, app, now))
            step.record(f"class {section.class_number}: {result.message}")
            return result

    def reject(self, student_number: str, class_number: str, academic_year: str | None = None,
               *, actor: str | None = None) -> MinorResult:
        """Not placed (the Board): the application ends as "Not placed" and the student is
        told, so they can apply for another minor while its registration is open."""
        return self.place(student_number, class_number, academic_year, placed=False,
                          actor=actor)

    def place_all(self, class_number: str, academic_year: str | None = None, *,
                  actor: str | None = None) -> PlacementBatch:
        """Place the waiting applicants of a selection minor in ranked order (see
        ``placement``) until its seats are taken, in one transaction. An applicant who cannot
        be placed (a hold, a clash, a place in another minor) is passed over and stays
        waiting; the rest stay waiting too once the minor is full."""
        code = academic_year or CatalogueService(self.ctx).current_year()
        with audited(self.ctx, "minor_placement", "", actor=actor,
                     detail=f"class {(class_number or '').strip()} ({code}): place all up to "
                            f"capacity") as step:
            session = step.session
            year = get_year(session, code)
            section = self._minor(session, year, class_number)
            minor = _minor_of(section)
            if minor.minor_type != "selection":
                raise fail("not_selection",
                           _("Minor {number} is not a selection minor: its places are "
                             "allocated first come, first served.").format(
                               number=section.class_number),
                           _("Choose a selection minor."))
            # One lock order for every writer: the students, then the classes.
            waiting = self._ranked(session, section, waiting_only=True)
            lock_students(session, [a.student_id for a in waiting])
            section = lock_sections(session, [section.id, *(c.id for c in section.children)]
                                    )[section.id]
            now = self.ctx.now()
            # Read again under the locks: an application may have been decided or cancelled.
            locked = {a.student_id for a in waiting}
            waiting = [a for a in self._ranked(session, section, waiting_only=True,
                                               populate=True) if a.student_id in locked]
            placed: list[str] = []
            skipped: list[PlacementSkip] = []
            for app in waiting:
                if section.enrolled_count >= section.capacity:
                    break
                student = session.get(Student, app.student_id)
                assert student is not None  # (an application's student)
                step.acting_for = student.student_number
                try:
                    with session.begin_nested():
                        result = self._place(session, student, section, app, now)
                except ServiceError as exc:
                    skipped.append(PlacementSkip(student_number=student.student_number,
                                                 problems=exc.problems))
                    step.record(f"class {section.class_number}: not placed yet: "
                                + " ".join(p.message for p in exc.problems), "refused")
                    continue
                placed.append(student.student_number)
                step.record(f"class {section.class_number}: {result.message}")
            step.acting_for = ""
            left = max(0, section.capacity - section.enrolled_count)
            still = len(waiting) - len(placed)
            message = ngettext("{n} student placed in minor {number}.",
                               "{n} students placed in minor {number}.", len(placed)).format(
                n=len(placed), number=section.class_number)
            message += " " + ngettext("{n} place left", "{n} places left", left).format(n=left)
            message += ", " + ngettext("{n} application still waiting.",
                                       "{n} applications still waiting.", still).format(n=still)
            if not step.entries:
                step.record(f"class {section.class_number}: {message}")
            return PlacementBatch(class_number=section.class_number, title=section.course.title,
                                  placed=placed, skipped=skipped, places_left=left,
                                  waiting=still, message=message)

    # ------------------------------------------------------------------ internals
    @staticmethod
    def _placement_minor(section: ClassSection, code: str, now: datetime,
                         counts: dict[tuple[int, str], int]) -> PlacementMinor:
        minor = _minor_of(section)
        return PlacementMinor(
            section_id=section.id, academic_year=code, class_number=section.class_number,
            catalogue_number=section.course.catalogue_number, title=section.course.title,
            capacity=section.capacity, placed=section.enrolled_count,
            waiting=counts.get((minor.id, "waiting_for_placement"), 0),
            not_placed=counts.get((minor.id, "not_placed"), 0),
            opens_at=section.enrol_opens_at, closes_at=section.enrol_closes_at,
            period_state=period_state(section, now),
            parts=sorted(c.class_number for c in section.children))

    @staticmethod
    def _ranked(session: Session, section: ClassSection, *, waiting_only: bool = False,
                populate: bool = False) -> builtins.list[MinorApplication]:
        """The applications for a minor in ranked order (see ``placement``): waiting ones
        first, then placed, then not placed; within each, first choices first, then by the
        moment of applying (the student number breaks a tie)."""
        statuses = (("waiting_for_placement",) if waiting_only else
                    ("waiting_for_placement", "placed", "not_placed"))
        stmt = (select(MinorApplication).join(Student, Student.id == MinorApplication.student_id)
                .where(MinorApplication.minor_id == _minor_of(section).id,
                       MinorApplication.academic_year_id == section.academic_year_id,
                       MinorApplication.status.in_(statuses))
                .order_by(MinorApplication.choice, MinorApplication.applied_at,
                          Student.student_number))
        if populate:
            stmt = stmt.execution_options(populate_existing=True)
        apps = session.scalars(stmt).all()
        order = {status: i for i, status in enumerate(statuses)}
        return sorted(apps, key=lambda a: order[a.status])  # stable: ranked within a status

    def _applicants(self, session: Session,
                    section: ClassSection) -> builtins.list[PlacementApplicant]:
        apps = self._ranked(session, section)
        students = {s.id: s for s in session.scalars(
            select(Student).where(Student.id.in_([a.student_id for a in apps]))
            .options(selectinload(Student.programme)))} if apps else {}
        out = []
        rank = 0
        for app in apps:
            student = students[app.student_id]
            waiting = app.status == "waiting_for_placement"
            rank += waiting
            out.append(PlacementApplicant(
                student_number=student.student_number, name=student.name,
                programme=student.programme.name, choice=app.choice, applied_at=app.applied_at,
                status=app.status, rank=rank if waiting else None))
        return out

    def _place(self, session: Session, student: Student, section: ClassSection,
               app: MinorApplication, now: datetime) -> MinorResult:
        """A seat in the minor's class for a waiting applicant, by the enrolment rules minus
        what a placement does not ask (NOT_FOR_PLACEMENT); raise, worded for the Board, when
        the minor is full or the student cannot be placed."""
        n, title = section.class_number, section.course.title
        [verdict] = self.enrolment._judge(session, student, {section.id: section},
                                          [EnrolRequest(section_id=section.id)], now)
        problems = [p for p in verdict.problems if p.code not in NOT_FOR_PLACEMENT]
        if any(p.code in SEAT_CODES for p in problems):
            raise fail("minor_full",
                       _("Minor {number} is full: all {capacity} places have been "
                         "given.").format(number=n, capacity=section.capacity),
                       _("Reject the applications that are still waiting, so that those "
                         "students can apply for another minor."))
        if problems:
            raise ServiceError([Problem(
                code=p.code,
                message=_("{student} cannot be placed in minor {number}: {problem}").format(
                    student=student.student_number, number=n, problem=p.message),
                hint=_("Reject the application, or place the student once this is "
                       "resolved.")) for p in problems])
        app.status, app.updated_at = "placed", now
        self.enrolment._apply(session, student, Verdict(section=section, outcome="enrolled",
                                                        problems=[]), now)
        session.execute(delete(CartItem).where(
            CartItem.student_id == student.id, CartItem.section_id == section.id)
            .execution_options(synchronize_session=False))
        parts = sorted(c.class_number for c in section.children)
        lang = i18n.account_language(student.language)  # the student's message
        body = _in(lang, "You have been placed in minor {number} {title}.").format(
            number=n, title=title)
        if parts:
            body += " " + _in(lang, "Do not forget to enrol in its parts {parts} (Student "
                                    "Center › Enrol): they are not enrolled with the "
                                    "placement.").format(parts=_parts_text(parts, lang))
        post_message(session, student.id, CATEGORY,
                     _in(lang, "Placed: {minor}").format(minor=_describe(section, lang)),
                     body, now)
        return MinorResult(  # (``parts`` stays empty: none is enrolled with the placement)
            class_number=n, title=title, status="placed",
            message=_("{student} ({name}) has been placed in minor {number} and has been sent "
                      "a message.").format(student=student.student_number, name=student.name,
                                           number=n))

    @staticmethod
    def _reject(session: Session, student: Student, section: ClassSection,
                app: MinorApplication, now: datetime) -> MinorResult:
        n, title = section.class_number, section.course.title
        app.status, app.updated_at = "not_placed", now
        lang = i18n.account_language(student.language)  # the student's message
        post_message(session, student.id, CATEGORY,
                     _in(lang, "Not placed: {minor}").format(minor=_describe(section, lang)),
                     _in(lang, "You have not been placed in minor {number} {title}.").format(
                         number=n, title=title)
                     + " " + _in(lang, "You may apply for another minor while its "
                                       "window is open."),
                     now)
        return MinorResult(
            class_number=n, title=title, status="not_placed",
            message=_("{student} ({name}) has not been placed in minor {number} and has been "
                      "sent a message.").format(student=student.student_number,
                                                name=student.name, number=n))

    @staticmethod
    def _minor(session: Session, year: AcademicYear, class_number: str) -> ClassSection:
        section = find_section(session, year, class_number)
        if section.course.minor is None:
            parent = section.parent
            if parent is not None and parent.course.minor is not None:
                raise fail("minor_part",
                           _("Class {number} is part of minor {minor} {title}.").format(
                               number=section.class_number, minor=parent.class_number,
                               title=parent.course.title),
                           _("Apply for minor {minor}: its parts are enrolled with it.").format(
                               minor=parent.class_number))
            raise fail("not_a_minor", _("Class {number} is not a minor.").format(
                           number=section.class_number),
                       _("Enrol in it under Student Center › Enrol."))
        return section

    @staticmethod
    def _application(session: Session, student: Student,
                     section: ClassSection) -> MinorApplication | None:
        return session.scalar(select(MinorApplication).where(
            MinorApplication.student_id == student.id,
            MinorApplication.minor_id == _minor_of(section).id,
            MinorApplication.academic_year_id == section.academic_year_id))

    def _judge(self, session: Session, student: Student, section: ClassSection, now: datetime,
               *, wait_list_ok: bool) -> builtins.list[Verdict]:
        """The minor and its parts, judged together (parts after the minor)."""
        parts = sorted(section.children, key=lambda c: c.class_number)
        sections = {s.id: s for s in (section, *parts)}
        requests = [EnrolRequest(section_id=section.id, wait_list_ok=wait_list_ok)]
        requests += [EnrolRequest(section_id=p.id) for p in parts]
        return self.enrolment._judge(session, student, sections, requests, now)

    def _enrol(self, session: Session, student: Student, section: ClassSection, now: datetime,
               *, wait_list_ok: bool) -> builtins.list[str]:
        """Enrol (or wait-list) the minor, and with a seat its parts too; raise when refused.
        Returns the class numbers of the parts enrolled."""
        verdicts = self._judge(session, student, section, now, wait_list_ok=wait_list_ok)
        minor, parts = verdicts[0], verdicts[1:]
        if not minor.ok:
            raise ServiceError(minor.problems)
        accepted = [minor]
        if minor.outcome == "enrolled":
            refused = [Problem(code=p.code,
                               message=_("Part {number}: {problem}").format(
                                   number=v.section.class_number, problem=p.message),
                               hint=p.hint) for v in parts if not v.ok for p in v.problems]
            if refused:
                raise ServiceError(refused)
            accepted += parts
        for verdict in accepted:
            self.enrolment._apply(session, student, verdict, now)
        session.execute(delete(CartItem).where(
            CartItem.student_id == student.id,
            CartItem.section_id.in_([v.section.id for v in accepted]))
            .execution_options(synchronize_session=False))
        return [v.section.class_number for v in accepted[1:]]

    def _apply(self, session: Session, student: Student, section: ClassSection,
               now: datetime) -> MinorResult:
        n, title = section.class_number, section.course.title
        app = self._application(session, student, section)
        minor = _minor_of(section)
        if minor.minor_type != "selection":
            parts = self._enrol(session, student, section, now, wait_list_ok=True)
            enrolment = session.scalar(select(Enrolment).where(
                Enrolment.student_id == student.id, Enrolment.section_id == section.id))
            assert enrolment is not None  # _enrol enrolled or wait-listed it, or raised
            if enrolment.status == "waitlisted":
                pos = enrolment.waitlist_position
                return MinorResult(
                    class_number=n, title=title, status="waitlisted", waitlist_position=pos,
                    message=_("Minor {number} {title} is full: you are on its wait list at "
                              "position {position}. You may apply for a second minor while you "
                              "wait.").format(number=n, title=title, position=pos))
            return MinorResult(
                class_number=n, title=title, status="enrolled", parts=parts,
                message=(_("Success: you are enrolled in minor {number} {title}, with its parts "
                           "{parts}.").format(number=n, title=title, parts=_parts_text(parts))
                         if parts else
                         _("Success: you are enrolled in minor {number} {title}.").format(
                             number=n, title=title)))
        # Selection minor: every rule but the seats; then wait for the placement outcome.
        if app is not None and app.status == "waiting_for_placement":
            raise fail("already_applied",
                       _("You have already applied for minor {number}: Waiting for placement "
                         "outcome.").format(number=n),
                       _("You are told the outcome in the Message centre."))
        [verdict] = self._judge(session, student, section, now, wait_list_ok=True)[:1]
        problems = [p for p in verdict.problems
                    if p.code not in SEAT_CODES and p.code != "selection_minor"]
        if problems:
            raise ServiceError(problems)
        others = session.scalar(select(func.count(MinorApplication.id)).where(
            MinorApplication.student_id == student.id,
            MinorApplication.academic_year_id == section.academic_year_id,
            MinorApplication.minor_id != minor.id,
            MinorApplication.status.notin_(ENDED))) or 0
        if app is None:
            app = MinorApplication(student_id=student.id, minor_id=minor.id,
                                   academic_year_id=section.academic_year_id, applied_at=now)
            session.add(app)
        app.status, app.choice, app.applied_at, app.updated_at = (
            "waiting_for_placement", 2 if others else 1, now, now)
        session.flush()
        received = N_("Your application for selection minor {number} {title} has been "
                      "received: Waiting for placement outcome.")
        message = _(received).format(number=n, title=title)
        lang = i18n.account_language(student.language)  # the student's message
        post_message(session, student.id, CATEGORY,
                     _in(lang, "Minor application: {minor}").format(
                         minor=_describe(section, lang)),
                     _in(lang, received).format(number=n, title=title) + " " + _in(
                         lang, "Places are allocated by selection, not by order; you are told "
                               "the outcome here."), now)
        return MinorResult(class_number=n, title=title, status="waiting_for_placement",
                           message=message)

    def _cancel(self, session: Session, student: Student, section: ClassSection, now: datetime,
                *, notify: bool = True, reason: str | None = None) -> MinorResult:
        n, title = section.class_number, section.course.title
        enrolment = session.scalar(select(Enrolment).where(
            Enrolment.student_id == student.id, Enrolment.section_id == section.id,
            Enrolment.status.in_(("enrolled", "waitlisted"))))
        app = self._application(session, student, section)
        waiting = app is not None and app.status == "waiting_for_placement"
        if enrolment is None and not waiting:
            raise fail("no_application", _("You have not applied for minor {number}, Cancel Not "
                                           "Processed.").format(number=n),
                       _("The Minors page shows the minors you applied for."))
        if now > section.enrol_closes_at:
            raise fail("window_closed",
                       _("The registration period for minor {number} closed on {closed}: your "
                         "application can no longer be changed or cancelled.").format(
                           number=n, closed=i18n.format_datetime(section.enrol_closes_at)),
                       _(HELP_DESK))
        lang = i18n.account_language(student.language)  # the student's messages
        if reason is None:
            reason = _in(lang, "Minor application cancelled")
        parts: list[str] = []
        if enrolment is not None:
            self.enrolment._drop(session, student, section, now, reason=reason, notify=notify,
                                 also_dropped=parts)
        else:
            assert app is not None  # (waiting)
            app.status, app.updated_at = "cancelled", now
            if notify:
                post_message(session, student.id, CATEGORY,
                             _in(lang, "Minor application cancelled: {minor}").format(
                                 minor=_describe(section, lang)),
                             _in(lang, "Your application for minor {number} {title} has been "
                                       "cancelled.").format(number=n, title=title), now)
        session.flush()
        message = _("Success: your application for minor {number} {title} has been "
                    "cancelled.").format(number=n, title=title)
        if parts:
            message += " " + ngettext("Its part {parts} was dropped too.",
                                      "Its parts {parts} were dropped too.",
                                      len(parts)).format(parts=_parts_text(parts))
        return MinorResult(class_number=n, title=title, status="cancelled", message=message,
                           parts=parts)


__all__ = ["MinorService"]
