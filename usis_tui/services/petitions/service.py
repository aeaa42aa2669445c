"""``PetitionService``: the student side (preview, submit, withdraw) and the Board side
(queue, advise, decide, register_grade)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ... import i18n
from ...i18n import _, _in
from ...models import (
    ClassSection,
    Course,
    Meeting,
    Petition,
    PetitionDocument,
    PetitionEvent,
    StaffUser,
    Student,
)
from ..audit import record
from ..base import Context, ServiceError, bad_text, fail, get_student
from ..enrol_messages import post_message
from ..schemas import Problem
from .constants import (
    COUNTED,
    DOCUMENT,
    ELECTIVE_TYPES,
    GRADED_TYPES,
    HBO_FORM,
    LEIDEN,
    MASTER_LEVEL,
    OPEN,
    TEXT_LIMITS,
    TRANSITIONS,
)
from .forms import (
    CourseFacts,
    DecisionForm,
    GradeForm,
    PetitionForm,
    RuleContext,
    course_key,
)
from .parsing import fmt_number, problems_from
from .schemas import (
    PetitionInfo,
    PetitionSummary,
    check_transition,
    course_label,
    petition_info,
    summary,
)


# ---------------------------------------------------------------------------- the service
@dataclass
class _Change:
    subject: str
    body: str
    extra: list[str] = field(default_factory=list)


class PetitionService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # ------------------------------------------------------------------ catalogue
    def course_facts(self, catalogue_number: str) -> CourseFacts | None:
        """Title, EC, level, honours and next start of a catalogue course (None: unknown)."""
        with self.ctx.db.read() as session:
            return self._lookup(session, self.ctx.now().date())(catalogue_number)

    @staticmethod
    def _lookup(session: Session, today: date) -> Callable[[str], CourseFacts | None]:
        cache: dict[str, CourseFacts | None] = {}

        def lookup(number: str) -> CourseFacts | None:
            key = (number or "").strip().upper()
            if key not in cache:
                course = session.scalar(select(Course).where(Course.catalogue_number == key))
                if course is None:
                    cache[key] = None
                else:
                    runs = PetitionService._runs(session, course.id)
                    upcoming = [d for d in runs if d > today]
                    cache[key] = CourseFacts(
                        catalogue_number=course.catalogue_number, title=course.title,
                        ec=course.ec, level=course.level, honours=course.honours, runs=runs,
                        starts_on=upcoming[0] if upcoming else runs[-1] if runs else None)
            return cache[key]
        return lookup

    @staticmethod
    def _runs(session: Session, course_id: int) -> tuple[date, ...]:
        """The first teaching day of the course in each academic year it runs."""
        rows = session.execute(
            select(ClassSection.academic_year_id, func.min(Meeting.start_date))
            .join(Meeting, Meeting.section_id == ClassSection.id)
            .where(ClassSection.course_id == course_id,
                   ClassSection.component.in_(("Lecture", "Tutorial", "Practical")))
            .group_by(ClassSection.academic_year_id)).all()
        return tuple(sorted(start for _year, start in rows if start is not None))

    # ------------------------------------------------------------------ student side
    def _rule_context(self, session: Session, student: Student, today: date) -> RuleContext:
        below = intro = 0
        existing: list[tuple[str, str, str]] = []
        rows = session.scalars(
            select(Petition).where(Petition.student_id == student.id,
                                   Petition.status.in_(COUNTED))
            .options(selectinload(Petition.course))).all()
        for p in rows:
            if p.petition_type not in ELECTIVE_TYPES:
                continue
            existing.append((course_key(p.course.catalogue_number if p.course else None,
                                        p.course_name, p.institution), p.number, p.status))
            level = p.decided_level or p.level
            ec = p.decided_ec or p.ec or 0
            if level is not None and level < MASTER_LEVEL:
                below += ec
                if level < 300:
                    intro += ec
        return RuleContext(today=today, lookup=self._lookup(session, today),
                           below_master_ec=below, intro_ec=intro, existing=tuple(existing))

    def _validate(self, session: Session, student: Student, data: Mapping[str, Any]
                  ) -> PetitionForm:
        rules = self._rule_context(session, student, self.ctx.now().date())
        try:
            return PetitionForm.model_validate(dict(data), context={"rules": rules})
        except ValidationError as exc:
            raise ServiceError(problems_from(exc)) from None

    def preview(self, student_number: str, data: Mapping[str, Any]) -> PetitionForm:
        """Check a request against every rule; nothing is saved. Raises ServiceError with
        every violation at once."""
        with self.ctx.db.read() as session:
            student = get_student(session, student_number)
            return self._validate(session, student, data)

    def submit(self, student_number: str, data: Mapping[str, Any], *,
               actor: str | None = None) -> PetitionInfo:
        """Check and save a request (status "Submitted"); the student gets a message."""
        with self.ctx.db.write() as session:
            # Lock the student (PostgreSQL) so that two submissions cannot both use the same
            # room in the level allowances; SQLite's BEGIN IMMEDIATE already serialises.
            student = session.scalar(select(Student).where(
                Student.student_number == student_number).with_for_update())
            if student is None:
                student = get_student(session, student_number)  # raises unknown_student
            form = self._validate(session, student, data)
            now = self.ctx.now()
            course_id = None
            if form.catalogue_number:
                course_id = session.scalar(select(Course.id).where(
                    Course.catalogue_number == form.catalogue_number))
            p = Petition(
                student_id=student.id, petition_type=form.petition_type, status="Submitted",
                course_id=course_id, course_name=form.course_name,
                institution=form.institution,
                institution_type=form.institution_type,
                level=form.level, ec_entered=form.ec, ec=form.ec_registered,
                course_start=form.course_start, motivation=form.motivation,
                course_url=form.course_url, submitted_at=now, updated_at=now)
            if form.hbo_form:
                p.documents.append(PetitionDocument(kind=HBO_FORM, path=form.hbo_form,
                                                    added_at=now))
            for path in form.documents:
                p.documents.append(PetitionDocument(kind=DOCUMENT, path=path, added_at=now))
            session.add(p)
            session.flush()
            # What the student is sent (and the timeline's note) is in their language.
            lang = i18n.account_language(student.language)
            rounding = form.rounding_notice(lang)
            self._event(session, p, "Submitted", "Submitted", actor or student.student_number, now,
                        rounding)
            institution = form.institution_label
            what = self._what(lang, p.petition_type, form.course_label or "-",
                              institution if institution
                              and form.petition_type != "Different amount of credits" else "")
            body = _in(lang, "We received your petition {number} ({what}). Its status is "
                             "\"{status}\". The programme board discusses it at its next "
                             "meeting and passes its advice to the Board of Examiners; you get a "
                             "message at every change.").format(
                number=p.number, what=what, status=_in(lang, "Submitted"))
            if rounding:
                body += " " + rounding
            post_message(session, student.id, "petition",
                         _in(lang, "Petition {number} submitted: {kind}").format(
                             number=p.number, kind=_in(lang, p.petition_type)), body, now)
            self._audit(session, actor or student.student_number, student.student_number,
                        "petition_submit", f"{p.number} {p.petition_type} {form.course_label}", now)
            session.flush()
            return petition_info(self._get(session, p.id))

    def petitions(self, student_number: str) -> list[PetitionSummary]:
        """The student's petitions, newest first."""
        with self.ctx.db.read() as session:
            student = get_student(session, student_number)
            rows = session.scalars(
                select(Petition).where(Petition.student_id == student.id)
                .options(selectinload(Petition.course), selectinload(Petition.student))
                .order_by(Petition.submitted_at.desc(), Petition.id.desc())).all()
            return [summary(p) for p in rows]

    def petition(self, student_number: str, petition_id: int) -> PetitionInfo:
        with self.ctx.db.read() as session:
            student = get_student(session, student_number)
            return petition_info(self._own(session, student, petition_id))

    def withdraw(self, student_number: str, petition_id: int, reason: str, *,
                 actor: str | None = None) -> PetitionInfo:
        """Withdraw a petition the Board has not decided on yet; a reason is required."""
        with self.ctx.db.write() as session:
            student = get_student(session, student_number)
            p = self._own(session, student, petition_id, lock=True)
            problems: list[Problem] = []
            if p.decision is not None:
                problems.append(Problem(
                    code="already_decided",
                    message=(_("Petition {number} cannot be withdrawn: the Board of Examiners "
                               "has already decided (approved).") if p.decision == "approved"
                             else _("Petition {number} cannot be withdrawn: the Board of "
                                    "Examiners has already decided (rejected).")).format(
                        number=p.number),
                    hint=_("Contact the Board of Examiners if something changed.")))
            elif p.status not in TRANSITIONS or "Withdrawn" not in TRANSITIONS[p.status]:
                problems.append(Problem(
                    code="transition_not_allowed",
                    message=_("Petition {number} has status \"{status}\" and cannot be "
                              "withdrawn any more.").format(number=p.number,
                                                            status=_(p.status))))
            reason = (reason or "").strip()
            if why := bad_text(reason, TEXT_LIMITS["motivation"], multiline=True):
                problems.append(Problem(code="text_invalid",
                                        message=_("Reason: {why}.").format(why=why)))
            elif not reason:
                problems.append(Problem(code="reason_missing",
                                        message=_("Reason: say why you withdraw the "
                                                  "petition.")))
            if problems:
                raise ServiceError(problems)
            now = self.ctx.now()
            lang = i18n.account_language(student.language)
            self._move(session, p, "Withdrawn", now, actor or student.student_number,
                       "Withdrawn by the student", reason,
                       _Change(_in(lang, "Petition {number} withdrawn").format(number=p.number),
                               _in(lang, "You withdrew your petition {number} ({what}). "
                                         "Reason: {reason}").format(
                                   number=p.number, reason=reason,
                                   what=self._what(lang, p.petition_type, course_label(p)))))
            p.withdraw_reason = reason
            return petition_info(self._get(session, p.id))

    # ------------------------------------------------------------------ board side
    def queue(self, staff_username: str, *, include_handled: bool = False
              ) -> list[PetitionSummary]:
        """Petitions the Board still handles (Submitted, In progress), oldest first; with
        ``include_handled`` every petition."""
        with self.ctx.db.read() as session:
            self._board(session, staff_username)
            stmt = (select(Petition)
                    .options(selectinload(Petition.course), selectinload(Petition.student))
                    .order_by(Petition.submitted_at, Petition.id))
            if not include_handled:
                stmt = stmt.where(Petition.status.in_(OPEN))
            return [summary(p) for p in session.scalars(stmt).all()]

    def board_petition(self, staff_username: str, petition_id: int) -> PetitionInfo:
        with self.ctx.db.read() as session:
            self._board(session, staff_username)
            return petition_info(self._get(session, petition_id))

    def advise(self, staff_username: str, petition_id: int, advice: str) -> PetitionInfo:
        """Record the programme board's advice: "Submitted" → "In progress"."""
        with self.ctx.db.write() as session:
            staff = self._board(session, staff_username)
            p = self._get(session, petition_id, lock=True)
            check_transition(p.status, "In progress")
            advice = (advice or "").strip()
            if why := bad_text(advice, TEXT_LIMITS["motivation"], multiline=True):
                raise fail("text_invalid", _("Advice: {why}.").format(why=why))
            if not advice:
                raise fail("advice_missing", _("Advice: write the programme board's advice."))
            now = self.ctx.now()
            p.advice = advice
            lang = i18n.account_language(p.student.language)
            self._move(session, p, "In progress", now, staff.username,
                       "Advice programme board", advice,
                       _Change(_in(lang, "Petition {number} is in progress").format(
                                   number=p.number),
                               _in(lang, "The programme board has discussed your petition "
                                         "{number} ({what}) and passed its advice to the Board "
                                         "of Examiners, who will approve or reject it. Status: "
                                         "\"{status}\".").format(
                                   number=p.number, status=_in(lang, "In progress"),
                                   what=self._what(lang, p.petition_type, course_label(p)))))
            return petition_info(self._get(session, p.id))

    def decide(self, staff_username: str, petition_id: int, data: Mapping[str, Any]
               ) -> PetitionInfo:
        """The Board of Examiners' decision. Approval fills "Explanation Board of Examiners";
        an elective or external education stays "In progress" until its grade is registered,
        other types become "Approved". A rejection makes it "Rejected"."""
        with self.ctx.db.write() as session:
            staff = self._board(session, staff_username)
            p = self._get(session, petition_id, lock=True)
            problems: list[Problem] = []
            if p.status == "Submitted":
                problems.append(Problem(
                    code="advice_first",
                    message=_("Petition {number} has status \"{status}\": the Board decides "
                              "after the programme board's advice.").format(
                        number=p.number, status=_("Submitted")),
                    hint=_("Record the advice first (status \"{status}\").").format(
                        status=_("In progress"))))
            elif p.status != "In progress" or p.decision is not None:
                message = (
                    _("Petition {number} has status \"{status}\" and was already approved: "
                      "there is nothing to decide.") if p.decision == "approved" else
                    _("Petition {number} has status \"{status}\" and was already rejected: "
                      "there is nothing to decide.") if p.decision else
                    _("Petition {number} has status \"{status}\": there is nothing to "
                      "decide."))
                problems.append(Problem(
                    code="already_decided" if p.decision else "transition_not_allowed",
                    message=message.format(number=p.number, status=_(p.status))))
            try:
                form = DecisionForm.model_validate(dict(data))
            except ValidationError as exc:
                problems.extend(problems_from(exc))
                form = None
            if problems or form is None:
                raise ServiceError(problems)
            now = self.ctx.now()
            p.decision = "approved" if form.outcome == "approve" else "rejected"
            p.decided_at = now
            p.decided_by = staff.username
            p.decision_number = form.decision_number
            p.decision_type = form.decision_type
            p.decided_ec = form.ec
            p.decided_level = form.level
            p.decided_institution = form.institution
            # Stored and sent to the student: in the student's language.
            lang = i18n.account_language(p.student.language)
            p.board_explanation = form.explanation(lang)
            what = self._what(lang, p.petition_type, course_label(p))
            if form.outcome == "reject":
                self._move(session, p, "Rejected", now, staff.username,
                           "Decision Board of Examiners: rejected", p.board_explanation,
                           _Change(_in(lang, "Petition {number} rejected").format(
                                       number=p.number),
                                   _in(lang, "The Board of Examiners rejected your petition "
                                             "{number} ({what}). Explanation Board of "
                                             "Examiners: {explanation}").format(
                                       number=p.number, what=what,
                                       explanation=p.board_explanation)))
            elif p.petition_type in GRADED_TYPES:
                # Stays "In progress" until the grade is registered: not a status change, but
                # the student is told all the same.
                self._event(session, p, "In progress", "Decision Board of Examiners: approved",
                            staff.username, now, p.board_explanation)
                p.updated_at = now
                post_message(session, p.student_id, "petition",
                             _in(lang, "Petition {number} approved by the Board of "
                                       "Examiners").format(number=p.number),
                             _in(lang, "The Board of Examiners approved your petition {number} "
                                       "({what}). Explanation Board of Examiners: {explanation} "
                                       "The status stays \"{status}\" until your grade is "
                                       "registered: after the course, send a certified "
                                       "transcript of your grade to the education coordinator. "
                                       "Approval does not enrol you: enrol for the course and "
                                       "the exam in uSis yourself.").format(
                                 number=p.number, what=what, explanation=p.board_explanation,
                                 status=_in(lang, "In progress")), now)
                self._audit(session, staff.username, p.student.student_number,
                            "petition_approve", f"{p.number} {p.board_explanation}", now)
            else:
                self._move(session, p, "Approved", now, staff.username,
                           "Decision Board of Examiners: approved", p.board_explanation,
                           _Change(_in(lang, "Petition {number} approved").format(
                                       number=p.number),
                                   _in(lang, "The Board of Examiners approved your petition "
                                             "{number} ({what}). Explanation Board of "
                                             "Examiners: {explanation}").format(
                                       number=p.number, what=what,
                                       explanation=p.board_explanation)))
            return petition_info(self._get(session, p.id))

    def register_grade(self, staff_username: str, petition_id: int, grade: str | float
                       ) -> PetitionInfo:
        """Register the grade of an approved elective / external education: 5.5 becomes 5,
        other grades the nearest half point. Status "Approved" (elective course) or "External
        courses approved" (external education)."""
        with self.ctx.db.write() as session:
            staff = self._board(session, staff_username)
            p = self._get(session, petition_id, lock=True)
            problems: list[Problem] = []
            if p.petition_type not in GRADED_TYPES:
                problems.append(Problem(
                    code="no_grade",
                    message=_("Petition {number} is a request for \"{kind}\": it has no "
                              "grade to register.").format(number=p.number,
                                                           kind=_(p.petition_type))))
            elif p.status != "In progress" or p.decision != "approved":
                message = (
                    _("Petition {number} has status \"{status}\" and is not approved yet: a "
                      "grade is registered only after the Board of Examiners approved it.")
                    if p.decision is None else
                    _("Petition {number} has status \"{status}\": a grade is registered only "
                      "after the Board of Examiners approved it."))
                problems.append(Problem(code="not_approved", message=message.format(
                    number=p.number, status=_(p.status))))
            try:
                form = GradeForm.model_validate({"entered": grade})
            except ValidationError as exc:
                problems.extend(problems_from(exc))
                form = None
            if problems or form is None:
                raise ServiceError(problems)
            now = self.ctx.now()
            new = "External courses approved" if p.petition_type == "External education" \
                else "Approved"
            # The timeline's note and the message: in the student's language.
            lang = i18n.account_language(p.student.language)
            shown = fmt_number(form.grade, language=lang)
            entered = fmt_number(form.entered, language=lang)
            rounded = (_in(lang, "The grade {entered} on the transcript is registered as "
                                 "{grade} (a 5.5 is not accepted and becomes 5).")
                       if form.entered == 5.5 else
                       _in(lang, "The grade {entered} on the transcript is registered as "
                                 "{grade} (rounded to the nearest half point).")).format(
                entered=entered, grade=shown)
            note = rounded if form.entered != form.grade else _in(
                lang, "Grade {grade} registered.").format(grade=shown)
            p.grade_entered = form.entered
            p.grade = form.grade
            p.grade_registered_at = now
            body = _in(lang, "Your grade for {course} has been registered: {grade}.").format(
                course=course_label(p), grade=shown)
            if form.entered != form.grade:
                body += " " + rounded
            body += " " + _in(lang, "Petition {number} now has status \"{status}\".").format(
                number=p.number, status=_in(lang, new))
            self._move(session, p, new, now, staff.username, "Grade registered", note,
                       _Change(_in(lang, "Petition {number}: {status}").format(
                                   number=p.number, status=_in(lang, new)), body))
            return petition_info(self._get(session, p.id))

    # ------------------------------------------------------------------ plumbing
    @staticmethod
    def _board(session: Session, username: str) -> StaffUser:
        staff = session.scalar(select(StaffUser).where(StaffUser.username == username))
        if staff is None or staff.role != "board":
            raise fail("not_board", _("Only the Board of Examiners handles petitions."),
                       _("Sign in with a Board of Examiners account."))
        return staff

    @staticmethod
    def _load(session: Session, petition_id: int) -> Petition | None:
        """The petition with everything ``info`` shows, re-read (events added since)."""
        session.flush()
        return session.scalar(
            select(Petition).where(Petition.id == petition_id)
            .options(selectinload(Petition.documents), selectinload(Petition.events),
                     selectinload(Petition.course),
                     selectinload(Petition.student).selectinload(Student.programme))
            .execution_options(populate_existing=True))

    def _get(self, session: Session, petition_id: int, *, lock: bool = False) -> Petition:
        if lock:
            session.execute(select(Petition.id).where(Petition.id == petition_id)
                            .with_for_update()).all()
        p = self._load(session, petition_id)
        if p is None:
            raise fail("unknown_petition", _("Petition {number} does not exist.").format(
                number=f"{petition_id:06d}"))
        return p

    def _own(self, session: Session, student: Student, petition_id: int, *,
             lock: bool = False) -> Petition:
        p = self._load(session, petition_id)
        if p is not None and p.student_id == student.id and lock:
            p = self._get(session, petition_id, lock=True)
        if p is None or p.student_id != student.id:
            raise fail("unknown_petition", _("Petition {number} does not exist.").format(
                number=f"{petition_id:06d}"))
        return p

    def _move(self, session: Session, p: Petition, new: str, now: datetime, actor: str,
              title: str, note: str, change: _Change) -> None:
        """The one place a status changes: checked, timeline event, message to the student."""
        check_transition(p.status, new)
        p.status = new
        p.updated_at = now
        self._event(session, p, new, title, actor, now, note)
        post_message(session, p.student_id, "petition", change.subject, change.body, now)
        self._audit(session, actor, p.student.student_number,
                    "petition_" + new.lower().replace(" ", "_"),
                    f"{p.number} {title}", now)

    @staticmethod
    def _what(language: object, petition_type: str, course: str, institution: str = "") -> str:
        """"Elective course: 4413DVISY Data Visualization[, institution]" in ``language``."""
        if institution:
            institution = _in(language, LEIDEN) if institution == LEIDEN else institution
            return _in(language, "{kind}: {course}, {institution}").format(
                kind=_in(language, petition_type), course=course, institution=institution)
        return _in(language, "{kind}: {course}").format(kind=_in(language, petition_type),
                                                        course=course)

    @staticmethod
    def _event(session: Session, p: Petition, status: str, title: str, actor: str,
               now: datetime, note: str = "") -> None:
        session.add(PetitionEvent(petition_id=p.id, at=now, status=status, title=title,
                                  note=note or "", actor=actor))

    @staticmethod
    def _audit(session: Session, actor: str, student_number: str, action: str, detail: str,
               now: datetime) -> None:
        record(session, now, actor=actor, acting_for=student_number, action=action,
               detail=detail)
