"""Enrol, drop, swap and wait lists. Every public method is one transaction.

Concurrency: the classes involved are locked before their seats are counted (SQLite: the whole
transaction runs under BEGIN IMMEDIATE; PostgreSQL: SELECT ... FOR UPDATE on the class rows, in
id order so two carts never deadlock), and before them the student's row (FOR NO KEY UPDATE), so
that two sessions of one student never both pass the time-clash check. Seats are counted in
``enrolled_count``/``waitlist_count`` on the class row, updated in the same transaction as the
enrolment rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..i18n import _, _in, account_language, format_ec, ngettext
from ..models import (
    AcademicYear,
    CartItem,
    ClassSection,
    Enrolment,
    MinorApplication,
    Student,
)
from .audit import audited
from .base import (
    Context,
    ServiceError,
    bad_text,
    class_info,
    fail,
    find_section,
    get_student,
    get_year,
    lock_students,
    permission_number_of,
    section_options,
)
from .enrol_fast import enrol_fast
from .enrol_messages import (
    ENROLLED_MSG,
    describe,
    enrolled_message,
    enrolled_msg,
    post_message,
    waitlisted_message,
    waitlisted_msg,
)
from .exam_rules import confirm_deadlines
from .rules import StudentState, Verdict, clashes, ec_added, evaluate
from .schemas import (
    ClassInfo,
    DropResult,
    EnrolRequest,
    EnrolResult,
    Outcome,
    Problem,
    ScheduleLine,
    ScheduleStatus,
    SwapResult,
    days_times,
)

MAX_REASON = 500  # a drop reason: the list's words plus a short explanation


def lock_sections(session: Session, section_ids: Iterable[int]) -> dict[int, ClassSection]:
    """Lock the class rows (FOR UPDATE on PostgreSQL) in id order and load what rules need."""
    ids = sorted(set(section_ids))
    if not ids:
        return {}
    session.execute(select(ClassSection.id).where(ClassSection.id.in_(ids))
                    .order_by(ClassSection.id).with_for_update()).all()
    # populate_existing: the seat counts must be the ones read under the lock, even if an
    # earlier query in this session already loaded the row.
    rows = session.scalars(select(ClassSection).where(ClassSection.id.in_(ids))
                           .options(*section_options())
                           .execution_options(populate_existing=True)).unique().all()
    return {row.id: row for row in rows}


class EnrolmentService:
    fast = True  # enrol() tries services/enrol_fast.py first (tests compare both paths)

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # ---------------------------------------------------------------- enrol
    def enrol(self, student_number: str, requests: Sequence[EnrolRequest], *,
              all_or_nothing: bool = False, from_cart: bool = True,
              actor: str | None = None) -> list[EnrolResult]:
        """Enrol in many classes at once: one result line per class, in request order.

        Successful classes leave the shopping cart; refused ones stay there. With
        ``all_or_nothing`` nothing is enrolled unless every class can be. Each class gets an
        audit entry with its outcome and message.
        """
        if self.fast:  # the hot path (benchmarks/rush.py); None: this ORM path does it all
            lines = enrol_fast(self, student_number, requests, all_or_nothing=all_or_nothing,
                               from_cart=from_cart, actor=actor)
            if lines is not None:
                return lines
        with audited(self.ctx, "enrol", student_number, actor=actor,
                     detail=f"sections {', '.join(str(r.section_id) for r in requests)}") as step:
            session = step.session
            student = get_student(session, student_number, lock=True)  # then the classes
            sections = lock_sections(session, [r.section_id for r in requests])
            now = self.ctx.now()  # after the lock: timestamps follow the order of arrival
            verdicts = self._judge(session, student, sections, requests, now)
            results: list[EnrolResult] = []
            failed = any(not v.ok for v in verdicts)
            # Performance (benchmarks/rush.py): the student's earlier rows for these classes in
            # one query, one cart clean-up, and a single flush at the end of the transaction.
            accepted = [v.section.id for v in verdicts if v.ok]
            existing = {e.section_id: e for e in session.scalars(select(Enrolment).where(
                Enrolment.student_id == student.id, Enrolment.section_id.in_(accepted)))
            } if accepted else {}
            applied: list[int] = []
            for verdict in verdicts:
                if verdict.ok and all_or_nothing and failed:
                    results.append(self._result(verdict, message=_(
                        "Not enrolled: another class in this all-or-nothing enrolment was "
                        "refused, so none was processed."), outcome="failed"))
                    continue
                if verdict.ok:
                    position = self._apply(session, student, verdict, now, existing=existing,
                                           flush=False)
                    applied.append(verdict.section.id)
                    results.append(self._result(verdict, position=position))
                else:
                    results.append(self._result(verdict))
            if from_cart and applied:
                # Cart items are never loaded in this session: nothing to synchronise.
                session.execute(delete(CartItem).where(
                    CartItem.student_id == student.id, CartItem.section_id.in_(applied))
                    .execution_options(synchronize_session=False))
            session.flush()
            for r in results:
                step.record(f"class {r.class_number}: {r.message}",
                            "ok" if r.ok else "failed" if r.problems == [] else "refused")
            return results

    def _judge(self, session: Session, student: Student, sections: dict[int, ClassSection],
               requests: Sequence[EnrolRequest], now: datetime, *,
               ignore: Iterable[int] = (), lang: object | None = None) -> list[Verdict]:
        state = StudentState.load(session, student)
        state.ignore.update(ignore)
        years: dict[int, AcademicYear] = {}
        for req in requests:
            if sections.get(req.section_id) is None:
                raise fail("unknown_class", _("That class no longer exists."),
                           _("Remove it from your Shopping cart and search again."))
        # A minor part may come before its minor in the same enrolment: judge the classes whose
        # parent is also requested after that parent, but report in request order.
        requested = {req.section_id for req in requests}
        order = sorted(range(len(requests)), key=lambda i: (
            sections[requests[i].section_id].parent_id in requested, i))
        verdicts: dict[int, Verdict] = {}
        for i in order:
            req = requests[i]
            section = sections[req.section_id]
            year = years.setdefault(section.academic_year_id, section.academic_year)
            verdict = evaluate(session, state, section, year, now, wait_list_ok=req.wait_list_ok,
                               permission_number=req.permission_number, lang=lang)
            if verdict.ok:
                state.pending.append(verdict)
            verdicts[i] = verdict
        return [verdicts[i] for i in range(len(requests))]

    @staticmethod
    def _result(verdict: Verdict, *, position: int | None = None, message: str | None = None,
                outcome: Outcome | None = None) -> EnrolResult:
        s = verdict.section
        if message is None:
            if verdict.outcome == "enrolled":
                message = enrolled_msg()
            elif verdict.outcome == "waitlisted":
                message = waitlisted_msg(position or 0)
            else:
                message = verdict.problems[0].message
        return EnrolResult(
            section_id=s.id, class_number=s.class_number,
            catalogue_number=s.course.catalogue_number, title=s.course.title,
            component=s.component, outcome=outcome or verdict.outcome, message=message,
            waitlist_position=position, problems=verdict.problems)

    def _apply(self, session: Session, student: Student, verdict: Verdict, now: datetime, *,
               existing: dict[int, Enrolment] | None = None, flush: bool = True) -> int | None:
        """Write one accepted verdict. Returns the wait list position, if waitlisted.

        ``existing``: the student's enrolment rows by section id, if the caller loaded them
        already (any status); ``flush=False`` leaves the writing to the caller's flush."""
        section = verdict.section
        if existing is not None:
            enrolment = existing.get(section.id)
        else:
            enrolment = session.scalar(select(Enrolment).where(
                Enrolment.student_id == student.id, Enrolment.section_id == section.id))
        if enrolment is None:
            enrolment = Enrolment(student_id=student.id, section_id=section.id, created_at=now)
            session.add(enrolment)
        enrolment.dropped_at = None
        enrolment.drop_reason = None
        position = None
        if verdict.outcome == "enrolled":
            enrolment.status = "enrolled"
            enrolment.waitlist_position = None
            enrolment.enrolled_at = now
            section.enrolled_count += 1
            if student.session_student:  # a seat of its own (services/classroom.py)
                section.capacity += 1
            subject, body = enrolled_message(section, account_language(student.language))
        else:
            section.waitlist_count += 1
            position = section.waitlist_count
            enrolment.status = "waitlisted"
            enrolment.waitlist_position = position
            enrolment.waitlisted_at = now
            subject, body = waitlisted_message(section, position,
                                               account_language(student.language))
        if verdict.permission is not None:
            enrolment.permission_number = verdict.permission.number
            verdict.permission.used_by_id = student.id
            verdict.permission.used_at = now
        if section.course.minor is not None:
            self._record_minor(session, student, section, verdict.outcome, now)
        if flush:
            session.flush()
        post_message(session, student.id, "enrolment", subject, body, now)
        return position

    @staticmethod
    def _record_minor(session: Session, student: Student, section: ClassSection, outcome: str,
                      now: datetime) -> None:
        minor = section.course.minor
        assert minor is not None
        app = session.scalar(select(MinorApplication).where(
            MinorApplication.student_id == student.id, MinorApplication.minor_id == minor.id,
            MinorApplication.academic_year_id == section.academic_year_id))
        existing = session.scalar(select(MinorApplication.id).where(
            MinorApplication.student_id == student.id,
            MinorApplication.academic_year_id == section.academic_year_id,
            MinorApplication.minor_id != minor.id,
            MinorApplication.status.notin_(("cancelled", "not_placed"))).limit(1))
        status = "placed" if outcome == "enrolled" else "waitlisted"
        if app is None:
            session.add(MinorApplication(
                student_id=student.id, minor_id=minor.id, academic_year_id=section.academic_year_id,
                status=status, choice=2 if existing else 1, applied_at=now, updated_at=now))
        else:
            app.status, app.updated_at = status, now

    # ---------------------------------------------------------------- drop
    def drop(self, student_number: str, section_id: int, *, reason: str | None = None,
             actor: str | None = None) -> DropResult:
        reason = (reason or "").strip() or None
        if reason is not None and (why := bad_text(reason, MAX_REASON, multiline=True)):
            raise fail("bad_reason", _("Reason: {why}.").format(why=why),
                       _("Choose a reason from the list or describe it in plain text."))
        with audited(self.ctx, "drop", student_number, actor=actor,
                     detail=f"section {section_id}") as step:
            session = step.session
            student = get_student(session, student_number, lock=True)
            section = lock_sections(session, [section_id]).get(section_id)
            now = self.ctx.now()  # after the lock, like enrol
            if section is None:
                raise fail("unknown_class", _("That class no longer exists."))
            step.detail = f"class {section.class_number}"
            parts: list[str] = []
            promoted = self._drop(session, student, section, now, reason=reason,
                                  also_dropped=parts)
            message = _("Success: Class {number} has been dropped from your schedule.").format(
                number=section.class_number)
            if parts:
                message += " " + ngettext("Its part {parts} was dropped too.",
                                          "Its parts {parts} were dropped too.", len(parts)
                                          ).format(parts=_(" and ").join(parts))
            step.record(f"class {section.class_number}: {message}"
                        + (f" Reason: {reason}" if reason else ""))
            return DropResult(section_id=section.id, class_number=section.class_number,
                              message=message, promoted=promoted, also_dropped=parts)

    def _drop(self, session: Session, student: Student, section: ClassSection, now: datetime, *,
              reason: str | None = None, notify: bool = True,
              also_dropped: list[str] | None = None) -> int:
        enrolment = session.scalar(select(Enrolment).where(
            Enrolment.student_id == student.id, Enrolment.section_id == section.id,
            Enrolment.status.in_(("enrolled", "waitlisted"))))
        if enrolment is None:
            raise fail("not_enrolled", _("You are not enrolled in class {number}, Drop Not "
                                         "Processed.").format(number=section.class_number),
                       _("See My Class Schedule for the classes you can drop."))
        was = enrolment.status
        if was == "waitlisted":
            self._leave_waitlist(session, section, enrolment)
        else:
            section.enrolled_count -= 1
            if student.session_student:  # its own seat goes with it: nobody's seat frees up
                section.capacity -= 1
        enrolment.status = "dropped"
        enrolment.waitlist_position = None
        enrolment.dropped_at = now
        enrolment.drop_reason = reason
        promoted = 0
        if section.course.minor is not None:
            session.execute(update(MinorApplication).where(
                MinorApplication.student_id == student.id,
                MinorApplication.minor_id == section.course.minor.id,
                MinorApplication.academic_year_id == section.academic_year_id,
            ).values(status="cancelled", updated_at=now))
            # The parts of a minor (e.g. 1049 and 1050 under 1048) go with it.
            part_ids = session.scalars(
                select(Enrolment.section_id).join(Enrolment.section).where(
                    Enrolment.student_id == student.id,
                    Enrolment.status.in_(("enrolled", "waitlisted")),
                    ClassSection.parent_id == section.id)).all()
            for part in sorted(lock_sections(session, part_ids).values(),
                               key=lambda p: p.class_number):  # same order on every backend
                promoted += self._drop(
                    session, student, part, now, notify=notify,
                    reason=_in(account_language(student.language),
                               "part of minor {number}, which was dropped").format(
                        number=section.class_number))
                if also_dropped is not None:
                    also_dropped.append(part.class_number)
        session.flush()
        if notify:
            lang = account_language(student.language)
            if was == "waitlisted":
                body = (_in(lang, "You have been removed from the wait list of {number}. "
                                  "Reason: {reason}") if reason else
                        _in(lang, "You have been removed from the wait list of {number}."))
            else:
                body = (_in(lang, "You have been removed from the class {number}. Reason: "
                                  "{reason}") if reason else
                        _in(lang, "You have been removed from the class {number}."))
            post_message(session, student.id, "drop",
                         _in(lang, "Dropped: {name}").format(name=describe(section, lang)),
                         body.format(number=section.class_number, reason=reason), now)
        return promoted + (self.promote(session, section, now) if was == "enrolled" else 0)

    @staticmethod
    def _leave_waitlist(session: Session, section: ClassSection, enrolment: Enrolment) -> None:
        position = enrolment.waitlist_position
        enrolment.waitlist_position = None
        enrolment.status = "dropped"
        enrolment.swap_from_id = None  # a Swap onto the wait list ends with the place
        session.flush()
        session.execute(update(Enrolment).where(
            Enrolment.section_id == section.id, Enrolment.status == "waitlisted",
            Enrolment.waitlist_position > position,
        ).values(waitlist_position=Enrolment.waitlist_position - 1)
            .execution_options(synchronize_session="fetch"))
        section.waitlist_count -= 1

    def promote(self, session: Session, section: ClassSection, now: datetime) -> int:
        """Fill free seats from the wait list, first come first served.

        A student who cannot take the seat (time conflict, enrolment hold) is skipped, keeps
        their place at the head of the list and is told why; the next eligible one is promoted.
        """
        promoted = 0
        skipped: set[int] = set()
        while section.enrolled_count < section.capacity:
            waiting = session.scalars(select(Enrolment).where(
                Enrolment.section_id == section.id, Enrolment.status == "waitlisted",
            ).order_by(Enrolment.waitlist_position)).all()
            chosen = None
            chosen_replaces: Enrolment | None = None
            for enrolment in waiting:
                if enrolment.id in skipped:
                    continue
                # The student's own sessions may be enrolling right now: wait for them, then
                # judge the timetable they committed (PostgreSQL; see get_student).
                lock_students(session, [enrolment.student_id])
                student = enrolment.student
                state = StudentState.load(session, student)
                # A Swap onto this wait list: the class it replaces is dropped with the seat,
                # so it neither clashes nor counts (if the student still sits in it).
                replaced = state.active.get(enrolment.swap_from_id or 0)
                if replaced is not None and replaced.status == "enrolled":
                    state.ignore.add(replaced.section_id)
                else:
                    replaced = None
                lang = account_language(student.language)  # the messages: theirs
                reasons = [_in(lang, "it clashes with class {number} ({days_times})").format(
                               number=other.class_number,
                               days_times=days_times(mine.weekday, mine.start_time,
                                                     mine.end_time, lang))
                           for other, mine, _theirs in clashes(
                               section, state.enrolled_sections(section.academic_year_id))]
                reasons += [_in(lang, "you have a hold: {hold}").format(hold=h.kind)
                            for h in state.active_holds(now)]
                reasons += self._promotion_limits(state, section, lang)
                if reasons:
                    skipped.add(enrolment.id)
                    post_message(session, student.id, "waitlist",
                                 _in(lang, "Wait list skipped: {name}").format(
                                     name=describe(section, lang)),
                                 _in(lang, "A seat in class {number} became free, but you could "
                                           "not be enrolled because {reasons}. You keep wait "
                                           "list position {position}.").format(
                                     number=section.class_number,
                                     reasons=_in(lang, " and ").join(reasons),
                                     position=enrolment.waitlist_position), now)
                    continue
                chosen = enrolment
                chosen_replaces = replaced
                break
            if chosen is None:
                break
            self._leave_waitlist(session, section, chosen)
            chosen.status = "enrolled"
            chosen.enrolled_at = now
            section.enrolled_count += 1
            if section.course.minor is not None:  # the application is placed now
                self._record_minor(session, chosen.student, section, "enrolled", now)
            session.flush()
            lang = account_language(chosen.student.language)
            if chosen_replaces is not None:  # the Swap completes: the old class goes
                old = lock_sections(session, [chosen_replaces.section_id])[
                    chosen_replaces.section_id]
                promoted += self._drop(session, chosen.student, old, now, notify=False,
                                       reason=_in(lang, "Swapped for class {number}").format(
                                           number=section.class_number))
                body = _in(lang, "A seat became free in class {number}: you have been enrolled "
                                 "from the wait list, and class {old} has been dropped, as you "
                                 "asked when you swapped.").format(
                    number=section.class_number, old=old.class_number)
            else:
                body = _in(lang, "A seat became free in class {number}: you have been enrolled "
                                 "from the wait list.").format(number=section.class_number)
            post_message(session, chosen.student_id, "waitlist",
                         _in(lang, "Enrolled from the wait list: {name}").format(
                             name=describe(section, lang)), body, now)
            if section.course.minor is not None and section.children:
                self._enrol_minor_parts(session, chosen.student, section, now)
            promoted += 1
        return promoted

    def _enrol_minor_parts(self, session: Session, student: Student, minor: ClassSection,
                           now: datetime) -> None:
        """A minor promoted from its wait list brings its parts (e.g. 1049 and 1050 under
        1048): enrol each part that accepts the student; say why for one that does not."""
        parts = lock_sections(session, [c.id for c in minor.children])
        requests = [EnrolRequest(section_id=pid) for pid in sorted(parts)]
        lang = account_language(student.language)  # the messages are the student's
        for verdict in self._judge(session, student, parts, requests, now, lang=lang):
            if verdict.ok and verdict.outcome == "enrolled":
                self._apply(session, student, verdict, now)
            else:
                reason = (verdict.problems[0].message if verdict.problems
                          else _in(lang, "it is full"))
                post_message(session, student.id, "waitlist",
                             _in(lang, "Minor part not enrolled: {name}").format(
                                 name=describe(verdict.section, lang)),
                             _in(lang, "You were enrolled in minor {minor}, but its part "
                                       "{number} could not be added: {reason} Enrol in it under "
                                       "Student Center › Enrol.").format(
                                 minor=minor.class_number, number=verdict.section.class_number,
                                 reason=reason), now)

    @staticmethod
    def _promotion_limits(state: StudentState, section: ClassSection,
                          lang: object | None = None) -> list[str]:
        """The one-minor rule and the EC cap, which must hold for a promotion too (the reasons
        in ``lang``, the student's)."""
        reasons = []
        course, year = section.course, section.academic_year
        if course.minor is not None:
            placed = [s for s, st in state.minor_sections(section.academic_year_id)
                      if st == "enrolled" and s.id != section.id]
            if placed:
                reasons.append(_in(lang, "you are already registered for minor {minor} {title}"
                                   ).format(minor=placed[0].class_number,
                                            title=placed[0].course.title))
        if year.max_ec is not None:
            counted, adds = ec_added(state.enrolled_sections(year.id), section)
            if adds > 0 and counted + adds > year.max_ec:
                reasons.append(_in(lang, "it would exceed the maximum of {max_ec} for {year}"
                                   ).format(max_ec=format_ec(year.max_ec, language=lang),
                                            year=year.label))
        return reasons

    # ---------------------------------------------------------------- swap
    def swap(self, student_number: str, from_section_id: int, to_section_id: int, *,
             permission_number: str | None = None, wait_list_ok: bool = False,
             actor: str | None = None) -> SwapResult:
        """Replace one enrolled class by another, atomically: the old class stays unless the new
        one can be enrolled. With ``wait_list_ok`` ("Wait list if class is full") a full new
        class gives a place on its wait list instead, and the old class stays until a seat comes
        (PeopleSoft's "drop if enrolled"): then the student is enrolled in the new class and the
        old one is dropped, in the promotion's transaction."""
        with audited(self.ctx, "swap", student_number, actor=actor,
                     detail=f"section {from_section_id} for section {to_section_id}") as step:
            session = step.session
            student = get_student(session, student_number, lock=True)
            sections = lock_sections(session, [from_section_id, to_section_id])
            now = self.ctx.now()  # after the lock, like enrol
            old, new = sections.get(from_section_id), sections.get(to_section_id)
            if old is None or new is None:
                raise fail("unknown_class", _("That class no longer exists."))
            step.detail = f"class {old.class_number} for class {new.class_number}"
            if old.id == new.id:
                raise fail("same_class", _("Class {number} cannot be swapped for itself, Swap "
                                           "Not Processed.").format(number=old.class_number),
                           _("Choose another class to swap to."))
            old_info, new_info = class_info(old, now), class_info(new, now)
            current = session.scalar(select(Enrolment).where(
                Enrolment.student_id == student.id, Enrolment.section_id == old.id,
                Enrolment.status == "enrolled"))
            if current is None:
                raise fail("not_enrolled", _("You are not enrolled in class {number}, Swap Not "
                                             "Processed.").format(number=old.class_number),
                           _("Swap replaces a class on your schedule; pick one from My Class "
                             "Schedule."))
            [verdict] = self._judge(session, student, sections, [EnrolRequest(
                section_id=new.id, wait_list_ok=wait_list_ok,
                permission_number=permission_number)], now, ignore=[old.id])
            if not verdict.ok:
                refused = SwapResult(ok=False, dropped=old_info, added=new_info,
                                     problems=verdict.problems,
                                     message=_("Swap not processed: you stay enrolled in class "
                                               "{number}.").format(number=old.class_number))
                step.record(f"{step.detail}: {refused.message} "
                            + " ".join(p.message for p in verdict.problems), "refused")
                return refused
            if verdict.outcome == "waitlisted":  # the old class stays until a seat comes
                position = self._apply(session, student, verdict, now)
                placed = session.scalar(select(Enrolment).where(
                    Enrolment.student_id == student.id, Enrolment.section_id == new.id))
                assert placed is not None
                placed.swap_from_id = old.id
                session.execute(delete(CartItem).where(CartItem.student_id == student.id,
                                                       CartItem.section_id == new.id))
                session.flush()
                waiting = SwapResult(
                    ok=True, dropped=old_info, added=class_info(new, now),
                    waitlist_position=position,
                    message=_("Class {new} has been added to your wait list (position "
                              "{position}). You stay enrolled in class {old} until you get a "
                              "seat in class {new}; then class {old} is dropped.").format(
                        new=new.class_number, old=old.class_number, position=position))
                step.record(f"{step.detail}: {waiting.message}")
                return waiting
            self._drop(session, student, old, now, notify=False,
                       reason=_in(account_language(student.language),
                                  "Swapped for class {number}").format(number=new.class_number))
            self._apply(session, student, verdict, now)
            session.execute(delete(CartItem).where(CartItem.student_id == student.id,
                                                   CartItem.section_id == new.id))
            session.flush()
            done = SwapResult(ok=True, dropped=class_info(old, now), added=class_info(new, now),
                              message=_("Success: Class {old} has been swapped for class "
                                        "{new}.").format(old=old.class_number,
                                                         new=new.class_number))
            step.record(f"{step.detail}: {done.message}")
            return done

    # ---------------------------------------------------------------- edit
    def edit(self, student_number: str, section_id: int, *, permission_number: str | None,
             actor: str | None = None) -> EnrolResult:
        """PeopleSoft's "Edit" for a class on the schedule. A wait-listed class takes a
        permission number obtained later: valid for the class (and the student), it enrols the
        student now, above the capacity, and the wait list moves up. Refused, changing nothing,
        when the number is not valid or something else stands in the way (a clash, a hold, the
        enrolment period); an enrolled class has nothing to edit."""
        with audited(self.ctx, "enrol_edit", student_number, actor=actor,
                     detail=f"section {section_id}") as step:
            number = permission_number_of(permission_number)
            session = step.session
            student = get_student(session, student_number, lock=True)  # then the class
            section = lock_sections(session, [section_id]).get(section_id)
            now = self.ctx.now()  # after the lock, like enrol
            if section is None:
                raise fail("unknown_class", _("That class no longer exists."))
            n = section.class_number
            step.detail = f"class {n}: permission number {'given' if number else 'none'}"
            enrolment = session.scalar(select(Enrolment).where(
                Enrolment.student_id == student.id, Enrolment.section_id == section.id,
                Enrolment.status.in_(("enrolled", "waitlisted"))))
            if enrolment is None:
                raise fail("not_enrolled", _("You are not enrolled in class {number}, Edit Not "
                                             "Processed.").format(number=n),
                           _("See My Class Schedule for the classes you can edit."))
            if enrolment.status == "enrolled":
                raise fail("nothing_to_edit",
                           _("You are enrolled in class {number}: there is nothing to "
                             "change.").format(number=n),
                           _("A permission number gets you into a full class; you have a seat "
                             "already."))
            if number is None:
                raise fail("no_permission_number",
                           _("Enter the permission number for class {number}.").format(
                               number=n),
                           _("The instructor gives one to a student who may join the class "
                             "although it is full."))
            # A Swap onto this wait list: the class it replaces goes when the seat comes.
            replaced = session.scalar(select(Enrolment).where(
                Enrolment.student_id == student.id,
                Enrolment.section_id == enrolment.swap_from_id,
                Enrolment.status == "enrolled")) if enrolment.swap_from_id else None
            ignore = [section.id] + ([replaced.section_id] if replaced is not None else [])
            [verdict] = self._judge(session, student, {section.id: section}, [EnrolRequest(
                section_id=section.id, permission_number=number)], now, ignore=ignore)
            if not verdict.ok or verdict.permission is None:
                raise ServiceError(verdict.problems or [Problem(
                    code="bad_permission",
                    message=_("Permission number {permission} is not valid for class "
                              "{number}.").format(permission=number, number=n))])
            self._leave_waitlist(session, section, enrolment)
            self._apply(session, student, verdict, now, existing={section.id: enrolment})
            if replaced is not None:
                old = lock_sections(session, [replaced.section_id])[replaced.section_id]
                self._drop(session, student, old, now, notify=False,
                           reason=_in(account_language(student.language),
                                      "Swapped for class {number}").format(number=n))
            if section.course.minor is not None and section.children:
                self._enrol_minor_parts(session, student, section, now)
            session.flush()
            result = self._result(verdict)
            step.record(f"{step.detail}: {result.message}")
            return result

    # ---------------------------------------------------------------- schedule
    def schedule(self, student_number: str, academic_year: str | None = None, *,
                 include_dropped: bool = False) -> list[ScheduleLine]:
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            student = get_student(session, student_number)
            statuses = ("enrolled", "waitlisted", "dropped") if include_dropped else (
                "enrolled", "waitlisted")
            stmt = (select(Enrolment).join(Enrolment.section)
                    .where(Enrolment.student_id == student.id, Enrolment.status.in_(statuses)))
            if academic_year:
                year = get_year(session, academic_year)
                stmt = stmt.where(ClassSection.academic_year_id == year.id)
            rows = session.scalars(stmt.order_by(ClassSection.class_number)).all()
            sections = {s.id: s for s in session.scalars(
                select(ClassSection).where(ClassSection.id.in_([r.section_id for r in rows]))
                .options(*section_options())).unique()}
            confirm_by = confirm_deadlines(
                session, [(r, sections[r.section_id]) for r in rows], now.date())
            swapped = {r.swap_from_id for r in rows if r.swap_from_id is not None}
            swap_numbers = dict(session.execute(
                select(ClassSection.id, ClassSection.class_number)
                .where(ClassSection.id.in_(swapped))).tuples().all()) if swapped else {}
            # (the statuses selected above; the column is a plain string)
            return [ScheduleLine(enrolment_id=r.id, cls=class_info(sections[r.section_id], now),
                                 status=cast(ScheduleStatus, r.status),
                                 waitlist_position=r.waitlist_position,
                                 enrolled_at=r.enrolled_at, waitlisted_at=r.waitlisted_at,
                                 confirm_by=confirm_by.get(r.id),
                                 swap_from=swap_numbers.get(r.swap_from_id or 0))
                    for r in rows]

    def brightspace_courses(self, student_number: str) -> list[tuple[str, str, str | None]]:
        """(catalogue number, title, Brightspace link) of every course the student is enrolled
        in."""
        seen: dict[str, tuple[str, str, str | None]] = {}
        for line in self.schedule(student_number):
            if line.status == "enrolled":
                c = line.cls
                seen.setdefault(c.catalogue_number,
                                (c.catalogue_number, c.title, c.brightspace_url))
        return sorted(seen.values())

    def lookup_class(self, academic_year: str, class_number: str) -> ClassInfo:
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            year = get_year(session, academic_year)
            return class_info(find_section(session, year, class_number), now)


__all__ = ["ENROLLED_MSG", "EnrolmentService", "ServiceError", "waitlisted_msg"]
