"""Catalogue: academic years, programmes, class search and class-number lookup."""

from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from ..models import AcademicYear, ClassSection, Course, Meeting, Programme
from .base import (
    Context,
    ServiceError,
    class_info,
    fail,
    find_section,
    get_year,
    section_options,
    shown,
)
from .schemas import (
    ClassInfo,
    EnrolmentDate,
    PeriodState,
    Problem,
    SearchCriteria,
    SearchPage,
    YearInfo,
)


def academic_year_code(moment: datetime) -> str:
    """The academic year (1 September to 31 August) a moment falls in, e.g. "2026-2027"."""
    start = moment.year if moment.month >= 9 else moment.year - 1
    return f"{start}-{start + 1}"


def search_criteria(**fields: object) -> SearchCriteria:
    """SearchCriteria from what a person typed: a field it refuses (too long, a day out of range)
    is a ServiceError ``bad_criteria`` with pydantic's sentence, like every other refusal."""
    try:
        return SearchCriteria.model_validate(fields)
    except ValidationError as exc:
        raise ServiceError([Problem(code="bad_criteria", message=str(e["msg"]).removeprefix(
            "Value error, ")) for e in exc.errors()]) from None


def _prefix_range(prefix: str) -> tuple[str, str]:
    """catalogue_number >= lo AND < hi: an index seek on every backend (see TRAPS.md)."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


class CatalogueService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def years(self) -> list[YearInfo]:
        with self.ctx.db.read() as session:
            return [YearInfo(code=y.code, label=y.label, starts_on=y.starts_on, ends_on=y.ends_on,
                             max_ec=y.max_ec)
                    for y in session.scalars(select(AcademicYear).order_by(AcademicYear.code))]

    def current_year(self) -> str:
        """The academic year of the clock if offered, otherwise the nearest offered one."""
        wanted = academic_year_code(self.ctx.now())
        codes = [y.code for y in self.years()]
        if wanted in codes or not codes:
            return wanted
        later = [c for c in codes if c > wanted]
        return later[0] if later else codes[-1]

    def programmes(self) -> list[str]:
        with self.ctx.db.read() as session:
            return list(session.scalars(select(Programme.name).order_by(Programme.name)))

    def lookup(self, academic_year: str, class_number: str) -> ClassInfo:
        """A class by its 4-digit number within an academic year."""
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            year = get_year(session, academic_year)
            return class_info(find_section(session, year, class_number), now)

    def get(self, section_id: int) -> ClassInfo:
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            section = session.scalar(select(ClassSection).where(ClassSection.id == section_id)
                                     .options(*section_options()))
            if section is None:
                raise fail("unknown_class", "That class no longer exists.")
            return class_info(section, now)

    def search(self, criteria: SearchCriteria) -> SearchPage:
        if not criteria.has_criteria():
            raise fail("no_criteria", "Enter at least one search criterion.",
                       "For example a Catalogue number such as 4000MDSAIN, a Course title "
                       "keyword, or a programme.")
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            year = get_year(session, criteria.academic_year)
            stmt = self._filtered(session, year, criteria)
            total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            pages = max(1, -(-total // criteria.page_size))
            page = min(criteria.page, pages)
            ids = list(session.scalars(
                stmt.order_by(Course.catalogue_number, ClassSection.class_number)
                .offset((page - 1) * criteria.page_size).limit(criteria.page_size)))
            rows = {s.id: s for s in session.scalars(
                select(ClassSection).where(ClassSection.id.in_(ids)).options(*section_options())
            ).unique()}
            return SearchPage(results=[class_info(rows[i], now) for i in ids], total=total,
                              page=page, pages=pages)

    @staticmethod
    def _filtered(session: Session, year: AcademicYear, c: SearchCriteria) -> Select:
        stmt = (select(ClassSection.id).join(ClassSection.course)
                .where(ClassSection.academic_year_id == year.id))
        if c.programme:
            stmt = stmt.join(Course.programme).where(or_(
                func.lower(Programme.name) == c.programme.lower(),
                func.lower(Programme.code) == c.programme.lower(),
                func.lower(Programme.name).like(f"%{_escape(c.programme.lower())}%", escape="\\")))
        if c.catalogue_number:
            lo, hi = _prefix_range(c.catalogue_number.upper())
            stmt = stmt.where(Course.catalogue_number >= lo, Course.catalogue_number < hi)
        if c.title:
            for word in c.title.lower().split():
                stmt = stmt.where(func.lower(Course.title).like(f"%{_escape(word)}%", escape="\\"))
        if c.class_number:
            stmt = stmt.where(ClassSection.class_number == c.class_number)
        if c.component:
            stmt = stmt.where(ClassSection.component == c.component)
        if c.instructor:
            stmt = stmt.where(func.lower(ClassSection.instructor).like(
                f"%{_escape(c.instructor.lower())}%", escape="\\"))
        if c.level is not None:
            stmt = stmt.where(Course.level == c.level)
        if c.ec is not None:
            stmt = stmt.where(Course.ec == c.ec)
        if c.days or c.start_after or c.end_before:
            conds = [Meeting.section_id == ClassSection.id]
            if c.days:
                conds.append(Meeting.weekday.in_(c.days))
            if c.start_after:
                conds.append(Meeting.start_time >= c.start_after)
            if c.end_before:
                conds.append(Meeting.end_time <= c.end_before)
            stmt = stmt.where(select(Meeting.id).where(and_(*conds)).exists())
        if c.open_only:
            stmt = stmt.where(ClassSection.enrolled_count < ClassSection.capacity)
        return stmt

    def class_list(self, academic_year: str, programme: str | None = None) -> list[ClassInfo]:
        """Every class of a year (optionally one programme), as Leiden publishes per programme."""
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            year = get_year(session, academic_year)
            stmt = (select(ClassSection).join(ClassSection.course)
                    .where(ClassSection.academic_year_id == year.id).options(*section_options()))
            if programme:
                prog = session.scalar(select(Programme).where(or_(
                    func.lower(Programme.name) == programme.lower(),
                    func.lower(Programme.code) == programme.lower())))
                if prog is None:
                    names = ", ".join(session.scalars(
                        select(Programme.name).order_by(Programme.name)))
                    raise fail("unknown_programme", f"No programme called {shown(programme)!r}.",
                               f"Programmes: {names}.")
                stmt = stmt.where(Course.programme_id == prog.id)
            sections = session.scalars(stmt.order_by(ClassSection.class_number)).unique().all()
            return [class_info(s, now) for s in sections]

    def enrolment_dates(self, academic_year: str | None = None) -> list[EnrolmentDate]:
        """When enrolment opens and closes (Student Center sidebar): one line per course
        enrolment period, and one for the next exam and resit deadlines."""
        now = self.ctx.now()
        code = academic_year or self.current_year()
        with self.ctx.db.read() as session:
            year = session.scalar(select(AcademicYear).where(AcademicYear.code == code))
            if year is None:
                return []
            course_rows = session.execute(
                select(ClassSection.enrol_opens_at, ClassSection.enrol_closes_at,
                       func.count(ClassSection.id))
                .where(ClassSection.academic_year_id == year.id,
                       ClassSection.component.in_(("Lecture", "Tutorial", "Practical")))
                .group_by(ClassSection.enrol_opens_at, ClassSection.enrol_closes_at)
                .order_by(ClassSection.enrol_opens_at, ClassSection.enrol_closes_at)).all()
            exam_rows = session.execute(
                select(ClassSection.component, func.min(ClassSection.enrol_opens_at),
                       func.min(ClassSection.enrol_closes_at), func.count(ClassSection.id))
                .where(ClassSection.academic_year_id == year.id,
                       ClassSection.component.in_(("Exam", "Resit")),
                       ClassSection.enrol_closes_at >= now)
                .group_by(ClassSection.component).order_by(ClassSection.component)).all()
        out = []
        for opens, closes, count in course_rows:
            out.append(EnrolmentDate(label=f"Courses ({count} class{'es' if count != 1 else ''})",
                                     opens_at=opens, closes_at=closes,
                                     state=_state(now, opens, closes)))
        for component, opens, closes, _count in exam_rows:
            out.append(EnrolmentDate(label=f"Next {component.lower()} deadline", opens_at=opens,
                                     closes_at=closes, state=_state(now, opens, closes)))
        return out


def _state(now: datetime, opens: datetime, closes: datetime) -> PeriodState:
    return "not_yet_open" if now < opens else "closed" if now > closes else "open"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
