"""Catalogue: academic years, programmes, class search and class-number lookup."""

from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import func, or_, select

from ..i18n import _, ngettext
from ..models import AcademicYear, ClassSection, Course, Programme
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
from .search_index import class_info_of, full_stmt, search_index, seats_stmt


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
                raise fail("unknown_class", _("That class no longer exists."))
            return class_info(section, now)

    def warm_search(self, academic_year: str | None = None) -> None:
        """Build the search index of ``academic_year`` (default: the current one) now, so that
        the first student's search does not wait for it (the app does this at start, in the
        background)."""
        code = academic_year or self.current_year()
        index = search_index(self.ctx.db)
        with self.ctx.db.raw() as raw:
            raw.begin_read()
            index.year(raw, index.snapshot(raw), code)
            raw.rollback()

    def search(self, criteria: SearchCriteria) -> SearchPage:
        """One page of the classes that match, ordered by catalogue number and class number,
        with the exact number of matches. Matching runs on the in-memory catalogue index
        (services/search_index.py, rebuilt whenever catalogue_version moved); the full classes
        (open_only) and the seats shown are read from the database in this call's
        transaction."""
        if not criteria.has_criteria():
            raise fail("no_criteria", _("Enter at least one search criterion."),
                       _("For example a Catalogue number such as 4000MDSAIN, a Course title "
                         "keyword, or a programme."))
        now = self.ctx.now()
        db = self.ctx.db
        index = search_index(db)
        with db.raw() as raw:
            raw.begin_read()
            snap = index.snapshot(raw)
            year = index.year(raw, snap, criteria.academic_year)
            if year is None:
                codes = ", ".join(sorted(snap.years))
                raise fail("unknown_year", _("Academic year {year} is not offered.").format(
                    year=repr(shown(criteria.academic_year))),
                           _("Choose one of: {years}.").format(years=codes) if codes else "")
            found = year.find(criteria)
            if criteria.open_only and found:
                position = year.position
                full = {position[sid] for (sid,) in raw.all(
                    db.prepared("search.full", full_stmt), {"y": year.year_id})
                    if sid in position}
                if full:
                    found = [i for i in found if i not in full]
            total = len(found)
            pages = max(1, -(-total // criteria.page_size))
            page = min(criteria.page, pages)
            start = (page - 1) * criteria.page_size
            rows = [year.rows[i] for i in found[start:start + criteria.page_size]]
            seats = {}
            if rows:
                n = len(rows)
                seats = {row[0]: row[1:] for row in raw.all(
                    db.prepared(("search.seats", n), lambda: seats_stmt(n)),
                    {f"i{k}": r.id for k, r in enumerate(rows)})}
            raw.rollback()
        return SearchPage(results=[class_info_of(r, seats[r.id], now) for r in rows
                                   if r.id in seats],  # (a class deleted meanwhile: gone)
                          total=total, page=page, pages=pages)

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
                    raise fail("unknown_programme", _("No programme called {name}.").format(
                        name=repr(shown(programme))),
                               _("Programmes: {names}.").format(names=names))
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
            out.append(EnrolmentDate(label=ngettext("Courses ({n} class)",
                                                    "Courses ({n} classes)", count).format(n=count),
                                     opens_at=opens, closes_at=closes,
                                     state=_state(now, opens, closes)))
        for component, opens, closes, _count in exam_rows:
            label = (_("Next resit deadline") if component == "Resit" else
                     _("Next exam deadline"))
            out.append(EnrolmentDate(label=label, opens_at=opens,
                                     closes_at=closes, state=_state(now, opens, closes)))
        return out


def _state(now: datetime, opens: datetime, closes: datetime) -> PeriodState:
    return "not_yet_open" if now < opens else "closed" if now > closes else "open"
