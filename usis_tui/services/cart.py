"""The shopping cart: add by class number or from search, remove, list with live problems, and
Validate (a dry run of Enrol that writes nothing)."""

from __future__ import annotations

import builtins
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..i18n import _
from ..models import CartItem, ClassSection, Enrolment, Student
from .audit import audited, problems_text, record
from .base import (
    Context,
    ServiceError,
    class_info,
    fail,
    find_section,
    get_student,
    get_year,
    permission_number_of,
    section_options,
)
from .enrolment import EnrolmentService
from .rules import StudentState, clashes, evaluate
from .schemas import Alternative, CartLine, EnrolRequest, EnrolResult


class CartService:
    def __init__(self, ctx: Context, enrolment: EnrolmentService) -> None:
        self.ctx = ctx
        self.enrolment = enrolment

    def add(self, student_number: str, academic_year: str, class_number: str, *,
            wait_list_ok: bool = False, permission_number: str | None = None,
            actor: str | None = None) -> CartLine:
        """"Enrol by entering the class number": put the class in the Shopping cart."""
        with audited(self.ctx, "cart_add", student_number, actor=actor,
                     detail=f"class {(class_number or '').strip()} ({academic_year})") as step:
            session = step.session
            section = find_section(session, get_year(session, academic_year), class_number)
            return self._add(session, student_number, section, wait_list_ok, permission_number)

    def add_section(self, student_number: str, section_id: int, *, wait_list_ok: bool = False,
                    permission_number: str | None = None, actor: str | None = None) -> CartLine:
        """"To shopping cart" from a search result."""
        with audited(self.ctx, "cart_add", student_number, actor=actor,
                     detail=f"section {section_id}") as step:
            session = step.session
            section = session.get(ClassSection, section_id)
            if section is not None:
                step.detail = f"class {section.class_number}"
            if section is None:
                raise fail("unknown_class", _("That class no longer exists."),
                           _("Search again."))
            return self._add(session, student_number, section, wait_list_ok, permission_number)

    def _add(self, session: Session, student_number: str, section: ClassSection,
             wait_list_ok: bool, permission_number: str | None) -> CartLine:
        student = get_student(session, student_number)
        n = section.class_number
        status = session.scalar(select(Enrolment.status).where(
            Enrolment.student_id == student.id, Enrolment.section_id == section.id))
        if status == "enrolled":
            raise fail("already_enrolled", _("Already Enrolled in Class, Add Not Processed."),
                       _("Class {number} is already on your schedule: see My Class Schedule."
                         ).format(number=n))
        if status == "waitlisted":
            raise fail("already_waitlisted",
                       _("Already on the Wait List for Class {number}, Add Not Processed."
                         ).format(number=n),
                       _("You are told when a seat frees up."))
        if session.scalar(select(CartItem.id).where(CartItem.student_id == student.id,
                                                    CartItem.section_id == section.id)):
            raise fail("already_in_cart",
                       _("Class {number} is already in your Shopping cart.").format(number=n),
                       _("To change its permission number or \"Wait list if class is full\", "
                         "highlight it in the Shopping cart and select Edit (Enter)."))
        item = CartItem(student_id=student.id, section_id=section.id, wait_list_ok=wait_list_ok,
                        permission_number=permission_number_of(permission_number),
                        added_at=self.ctx.now())
        session.add(item)
        try:
            session.flush()
        except IntegrityError:  # a second terminal added it a moment ago
            raise fail("already_in_cart", _("Class {number} is already in your Shopping cart."
                                            ).format(number=n)) from None
        return self._lines(session, student, [item])[0]

    def update(self, student_number: str, item_id: int, *, wait_list_ok: bool,
               permission_number: str | None = None, actor: str | None = None) -> CartLine:
        """"Edit" a Shopping cart class: its "Wait list if class is full" and permission
        number, judged again at once (a wrong permission number can be corrected)."""
        with audited(self.ctx, "cart_update", student_number, actor=actor,
                     detail=f"cart item {item_id}") as step:
            session = step.session
            student = get_student(session, student_number)
            item = self._item(session, student, item_id)
            step.detail = (f"class {item.section.class_number}: wait list "
                           f"{'yes' if wait_list_ok else 'no'}, permission number "
                           f"{'given' if (permission_number or '').strip() else 'none'}")
            item.wait_list_ok = wait_list_ok
            item.permission_number = permission_number_of(permission_number)
            session.flush()
            return self._lines(session, student, [item])[0]

    def remove(self, student_number: str, item_id: int, *, actor: str | None = None) -> None:
        with audited(self.ctx, "cart_remove", student_number, actor=actor,
                     detail=f"cart item {item_id}") as step:
            session = step.session
            student = get_student(session, student_number)
            step.detail = f"class {self._item(session, student, item_id).section.class_number}"
            session.execute(delete(CartItem).where(CartItem.id == item_id))

    def list(self, student_number: str, academic_year: str | None = None) -> list[CartLine]:
        """The cart with every blocking reason per class, judged now (clashes flagged live)."""
        with self.ctx.db.read() as session:
            student = get_student(session, student_number)
            stmt = select(CartItem).where(CartItem.student_id == student.id)
            if academic_year:
                year = get_year(session, academic_year)
                stmt = stmt.join(CartItem.section).where(ClassSection.academic_year_id == year.id)
            items = session.scalars(stmt.order_by(CartItem.added_at, CartItem.id)).all()
            return self._lines(session, student, items)

    def validate(self, student_number: str,
                 item_ids: builtins.list[int] | None = None) -> builtins.list[EnrolResult]:
        """"Validate": what Enrol would do for the selected classes (default: the whole cart),
        without enrolling. Judged as one enrolment, like Enrol: two cart classes that clash
        with each other are reported, not only clashes with the schedule."""
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            student = get_student(session, student_number)
            items = list(session.scalars(select(CartItem).where(CartItem.student_id == student.id)
                                         .order_by(CartItem.added_at, CartItem.id)))
            if item_ids is not None:  # in the order Enrol would take them
                by_id = {it.id: it for it in items}
                items = [by_id[i] for i in dict.fromkeys(item_ids) if i in by_id]
            sections = {s.id: s for s in session.scalars(
                select(ClassSection).where(ClassSection.id.in_([it.section_id for it in items]))
                .options(*section_options())).unique()}
            verdicts = self.enrolment._judge(session, student, sections, [
                EnrolRequest(section_id=it.section_id, wait_list_ok=it.wait_list_ok,
                             permission_number=it.permission_number) for it in items], now)
            return [EnrolResult(
                section_id=v.section.id, class_number=v.section.class_number,
                catalogue_number=v.section.course.catalogue_number, title=v.section.course.title,
                component=v.section.component, outcome=v.outcome,
                message=(v.problems[0].message if v.problems else
                         _("Validate: this class can be added to your schedule.")
                         if v.outcome == "enrolled"
                         else _("Validate: this class would be added to your wait list.")),
                problems=v.problems) for v in verdicts]

    def enrol(self, student_number: str, item_ids: builtins.list[int], *,
              all_or_nothing: bool = False,
              actor: str | None = None) -> builtins.list[EnrolResult]:
        """Enrol the selected cart classes (step 3 "View results" lines)."""
        try:
            requests = self._requests(student_number, item_ids)
        except ServiceError as exc:  # refused before enrolling: only the audit entry
            with self.ctx.db.write() as session:
                number = (student_number or "").strip().lower()
                record(session, self.ctx.now(), actor=actor or number, acting_for=number,
                       action="enrol", detail=problems_text(exc), outcome="refused")
            raise
        return self.enrolment.enrol(student_number, requests, all_or_nothing=all_or_nothing,
                                    actor=actor)

    def _requests(self, student_number: str,
                  item_ids: builtins.list[int]) -> builtins.list[EnrolRequest]:
        with self.ctx.db.read() as session:
            student = get_student(session, student_number)
            items = session.scalars(select(CartItem).where(
                CartItem.student_id == student.id, CartItem.id.in_(item_ids))).all()
            if len(items) != len(set(item_ids)):
                raise fail("not_in_cart",
                           _("A selected class is no longer in your Shopping cart."),
                           _("Refresh the Shopping cart and select again."))
            order = {item_id: i for i, item_id in enumerate(item_ids)}
            items = sorted(items, key=lambda it: order[it.id])
            requests = [EnrolRequest(section_id=it.section_id, wait_list_ok=it.wait_list_ok,
                                     permission_number=it.permission_number) for it in items]
        if not requests:
            raise fail("nothing_selected", _("Select at least one class to enrol."),
                       _("Tick the classes in your Shopping cart, then press Enrol."))
        return requests

    def alternatives(self, student_number: str,
                     section_ids: builtins.list[int]) -> builtins.list[Alternative]:
        """The other classes of the same course, component and academic year as each given
        (full) class, e.g. the other tutorial groups, judged for the student now as a plain
        enrolment (no wait list). Read-only. Classes the student already sits in, or is on the
        wait list of, are left out; so are the given classes themselves."""
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            student = get_student(session, student_number)
            wanted = list(dict.fromkeys(section_ids))
            full = {s.id: s for s in session.scalars(
                select(ClassSection).where(ClassSection.id.in_(wanted)))}
            if not full:
                return []
            state = StudentState.load(session, student)
            keys = {(s.course_id, s.component, s.academic_year_id) for s in full.values()}
            candidates = session.scalars(
                select(ClassSection)
                .where(ClassSection.course_id.in_({k[0] for k in keys}),
                       ClassSection.academic_year_id.in_({k[2] for k in keys}),
                       ClassSection.id.not_in(list(full)))
                .options(*section_options())
                .order_by(ClassSection.class_number)).unique().all()
            out: list[Alternative] = []
            for sid in wanted:
                origin = full.get(sid)
                if origin is None:
                    continue
                for other in candidates:
                    if (other.course_id, other.component, other.academic_year_id) != (
                            origin.course_id, origin.component, origin.academic_year_id):
                        continue
                    if other.id in state.active:
                        continue
                    verdict = evaluate(session, state, other, other.academic_year, now)
                    out.append(Alternative(instead_of=origin.class_number,
                                           cls=class_info(other, now), would=verdict.outcome,
                                           problems=verdict.problems))
            return out

    @staticmethod
    def _item(session: Session, student: Student, item_id: int) -> CartItem:
        item = session.get(CartItem, item_id)
        if item is None or item.student_id != student.id:
            raise fail("not_in_cart", _("That class is no longer in your Shopping cart."))
        return item

    def _lines(self, session: Session, student: Student,
               items: Sequence[CartItem]) -> builtins.list[CartLine]:
        now = self.ctx.now()
        ids = [it.section_id for it in items]
        sections = {s.id: s for s in session.scalars(
            select(ClassSection).where(ClassSection.id.in_(ids))
            .options(*section_options())).unique()}
        state = StudentState.load(session, student)
        lines = []
        for it in items:
            section = sections[it.section_id]
            verdict = evaluate(session, state, section, section.academic_year, now,
                               wait_list_ok=it.wait_list_ok,
                               permission_number=it.permission_number)
            # The plan as a whole: cart classes of the same year that meet at the same time.
            others = [s for s in sections.values()
                      if s.id != section.id and s.academic_year_id == section.academic_year_id]
            in_cart = sorted({other.class_number for other, _a, _b in clashes(section, others)})
            lines.append(CartLine(item_id=it.id, cls=class_info(section, now),
                                  wait_list_ok=it.wait_list_ok,
                                  permission_number=it.permission_number, added_at=it.added_at,
                                  problems=verdict.problems, would=verdict.outcome,
                                  cart_clashes=in_cart, ready=verdict.ok and not in_cart))
        return lines
