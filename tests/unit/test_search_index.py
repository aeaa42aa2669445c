"""The class search (in-memory index, services/search_index.py) against two references: a
straightforward Python filter over the ORM rows (always), and the SQL LIKE query the search was
before the index (a copy below; for ASCII text only, where SQLite's ASCII-only lower() and LIKE
agree with PostgreSQL's and Python's). On SQLite and PostgreSQL. Also: the index follows every
catalogue change at once, and seats (open_only, the counts shown) are never stale."""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Select, and_, func, or_, select, update

from usis_tui.models import AcademicYear, ClassSection, Course, Meeting, Programme
from usis_tui.services.base import class_info, section_options
from usis_tui.services.catalogue import search_criteria
from usis_tui.services.schemas import SearchCriteria, SearchPage

TITLES = ["Data Science", "Big data & Law", "École de Droit", "ÉCOLE d'été", "50% Law",
          "a_b testing", "back\\slash \\ studies", "Law and Data", "Straße und Maß",
          "Introduction to Programming", "Databases", "İstanbul law", "lawful data_sets",
          "Ω omega", "Law_100%"]
INSTRUCTORS = [None, "Dr. J. de Vries", "Prof.dr. Ö. Çelik", "Dr. A_B", "Dr. 100%", "de vries",
               "Dr. back\\slash", "ÉMILE Zola"]
WORDS = ["data", "Data", "DATA", "law", "é", "É", "école", "ÉCOLE", "%", "_", "\\", "50%",
         "a_b", "a%b", "ß", "strasse", "maß", "MASS", "İ", "i", "ω", "Ω", "de vries", "vries",
         "ö", "Ö", "çelik", "zola", "x", "", "  ", "data law", "law  data", "% _", "100%",
         "to", "e"]


@pytest.fixture
def catalogue(sc):
    """About 45 classes in 2026-2027 (and a few in another year), odd texts included."""
    other = sc.programme(code="LLB-LAW", name="Law (Rechtsgeleerdheid)")
    n = 0
    for i, title in enumerate(TITLES):
        course = sc.course(f"{4000 + (i * 37) % 50:04d}{chr(65 + i)}X", title=title,
                           ec=[5, 2.5, 10][i % 3], level=[100, 200, 300][i % 3],
                           programme=other if i % 4 == 0 else None)
        for k in range(3):
            n += 1
            ref = sc.section(f"{1000 + n:04d}", course=course,
                             component=["Lecture", "Tutorial", "Exam"][k],
                             instructor=INSTRUCTORS[(i + k) % len(INSTRUCTORS)],
                             capacity=[10, 0, 5][(i + k) % 3],
                             meets=[((i + k) % 5, time(9 + k), time(11 + k))] if k < 2 else [])
            if n % 7 == 0:
                with sc.db.write() as s:
                    s.execute(update(ClassSection).where(ClassSection.id == ref.id)
                              .values(enrolled_count=ClassSection.capacity))
    sc.section("9001", course=sc.course("4001AX2025", title="Data of 2025"), year="2025-2026")
    return sc


def reference_like(session, year: AcademicYear, c: SearchCriteria) -> Select:
    """The search's query before the in-memory index (verbatim but for names)."""
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

    stmt = (select(ClassSection.id).join(ClassSection.course)
            .where(ClassSection.academic_year_id == year.id))
    if c.programme:
        stmt = stmt.join(Course.programme).where(or_(
            func.lower(Programme.name) == c.programme.lower(),
            func.lower(Programme.code) == c.programme.lower(),
            func.lower(Programme.name).like(f"%{escape(c.programme.lower())}%", escape="\\")))
    if c.catalogue_number:
        prefix = c.catalogue_number.upper()
        lo, hi = prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)
        stmt = stmt.where(Course.catalogue_number >= lo, Course.catalogue_number < hi)
    if c.title:
        for word in c.title.lower().split():
            stmt = stmt.where(func.lower(Course.title).like(f"%{escape(word)}%", escape="\\"))
    if c.class_number:
        stmt = stmt.where(ClassSection.class_number == c.class_number)
    if c.component:
        stmt = stmt.where(ClassSection.component == c.component)
    if c.instructor:
        stmt = stmt.where(func.lower(ClassSection.instructor).like(
            f"%{escape(c.instructor.lower())}%", escape="\\"))
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
    return stmt.order_by(Course.catalogue_number, ClassSection.class_number)


def python_matches(s: ClassSection, c: SearchCriteria) -> bool:
    """The search criteria, spelled out (Unicode lower case, code point order)."""
    course = s.course
    prog = course.programme
    if c.programme and not (prog and (c.programme.lower() in prog.name.lower()
                                      or c.programme.lower() == prog.code.lower())):
        return False
    if c.catalogue_number and not course.catalogue_number.startswith(c.catalogue_number.upper()):
        return False
    if c.title and not all(w in course.title.lower() for w in c.title.lower().split()):
        return False
    if c.class_number and s.class_number != c.class_number:
        return False
    if c.component and s.component != c.component:
        return False
    if c.instructor and not (s.instructor and c.instructor.lower() in s.instructor.lower()):
        return False
    if c.level is not None and course.level != c.level:
        return False
    if c.ec is not None and course.ec != c.ec:
        return False
    if (c.days or c.start_after or c.end_before) and not any(
            (not c.days or m.weekday in c.days)
            and (not c.start_after or m.start_time >= c.start_after)
            and (not c.end_before or m.end_time <= c.end_before) for m in s.meetings):
        return False
    return not (c.open_only and s.enrolled_count >= s.capacity)


def check(usis, c: SearchCriteria) -> SearchPage:
    got = usis.catalogue.search(c)
    now = usis.ctx.now()
    with usis.ctx.db.read() as session:
        year = session.scalar(select(AcademicYear).where(AcademicYear.code == c.academic_year))
        sections = session.scalars(select(ClassSection).join(ClassSection.course)
                                   .where(ClassSection.academic_year_id == year.id)
                                   .options(*section_options())).unique().all()
        matching = sorted((s for s in sections if python_matches(s, c)),
                          key=lambda s: (s.course.catalogue_number, s.class_number))
        pages = max(1, -(-len(matching) // c.page_size))
        page = min(c.page, pages)
        want = [class_info(s, now) for s in
                matching[(page - 1) * c.page_size:page * c.page_size]]
        assert (got.total, got.page, got.pages) == (len(matching), page, pages), c
        assert got.results == want, c
        texts = [c.title, c.instructor, c.programme, c.catalogue_number]
        if all(t is None or t.isascii() for t in texts):  # where lower() and LIKE agree
            plain = {s.id for s in sections if all(t is None or t.isascii() for t in (
                s.course.title, s.instructor, s.course.programme and s.course.programme.name))}
            ids = [i for i in session.scalars(reference_like(session, year, c)) if i in plain]
            assert [s.id for s in matching if s.id in plain] == ids, c
    return got


text = st.one_of(st.none(), st.sampled_from(WORDS),
                 st.text(alphabet="aAdéÉ%_\\ lwßı", max_size=4))
criteria = st.fixed_dictionaries({
    "title": text, "instructor": text,
    "catalogue_number": st.one_of(st.none(), st.sampled_from(["4", "40", "401", "4001A", "4001ax",
                                                              "%", "_", "4_", "\\", "É", "Z"])),
    "programme": st.one_of(st.none(), st.sampled_from(["law", "LLB-LAW", "llb-law", "Computer",
                                                       "science", "%", "_", "(", "é"])),
    "class_number": st.one_of(st.none(), st.sampled_from(["1001", "1010", "9001", "0000"])),
    "component": st.one_of(st.none(), st.sampled_from(["Lecture", "Tutorial", "Exam"])),
    "level": st.one_of(st.none(), st.sampled_from([100, 200, 300, 400])),
    "ec": st.one_of(st.none(), st.sampled_from([2.5, 5.0, 10.0, 7.0])),
    "days": st.lists(st.integers(0, 6), max_size=3),
    "start_after": st.one_of(st.none(), st.sampled_from([time(9), time(10), time(10, 30)])),
    "end_before": st.one_of(st.none(), st.sampled_from([time(11), time(12), time(13)])),
    "open_only": st.booleans(),
    "page": st.integers(1, 4),
    "page_size": st.sampled_from([1, 2, 5, 50]),
})


@settings(max_examples=150, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(fields=criteria)
def test_search_equals_the_references(catalogue, usis, fields):
    c = search_criteria(academic_year="2026-2027", **fields)
    if c.has_criteria():
        check(usis, c)


@pytest.mark.parametrize("fields", [
    {"title": "data"}, {"title": "DATA law"}, {"title": "É"}, {"title": "école"},
    {"title": "%"}, {"title": "_"}, {"title": "\\"}, {"title": "50%"}, {"title": "ß"},
    {"title": "i"}, {"title": "ω"}, {"instructor": "de vries"}, {"instructor": "ö"},
    {"instructor": "%"}, {"instructor": "_"}, {"instructor": "émile"}, {"programme": "law"},
    {"programme": "llb-law", "open_only": False}, {"catalogue_number": "4"},
    {"catalogue_number": "40", "page": 99, "page_size": 2}, {"catalogue_number": "%"},
    {"class_number": "1001"}, {"days": [0, 2], "start_after": "10:00"},
    {"component": "Exam", "open_only": False}, {"title": "data", "instructor": "vries"},
])
def test_examples(catalogue, usis, fields):
    check(usis, search_criteria(academic_year="2026-2027", **fields))


def test_unicode_case_is_the_same_on_both_backends(catalogue, usis):
    titles = {r.title for r in check(usis, search_criteria(
        academic_year="2026-2027", title="é", open_only=False, page_size=500)).results}
    assert titles == {"École de Droit", "ÉCOLE d'été"}
    assert check(usis, search_criteria(academic_year="2026-2027", title="%",
                                       open_only=False)).total == 6


def test_every_catalogue_change_shows_at_once(catalogue, usis):
    c = search_criteria(academic_year="2026-2027", title="quantum", open_only=False)
    assert usis.catalogue.search(c).total == 0
    db = usis.ctx.db
    with db.write() as s:  # an edit by anyone (here: straight SQL, no service)
        s.execute(update(Course).where(Course.title == "Databases").values(
            title="Quantum Databases"))
    assert check(usis, c).total == 3
    ref = catalogue.section("1999", title="Applied Quantum Physics", instructor="Dr. Nieuw")
    assert check(usis, c).total == 4
    catalogue.meeting(ref, 4, "15:00", "17:00")
    got = check(usis, search_criteria(academic_year="2026-2027", title="quantum physics",
                                      days=[4], open_only=False))
    assert [m.day for m in got.results[0].meetings] == ["Fr"]
    with db.write() as s:
        s.execute(update(ClassSection).where(ClassSection.id == ref.id).values(
            instructor="Dr. Anders"))
    assert check(usis, search_criteria(academic_year="2026-2027", instructor="anders")).total == 1
    with db.write() as s:
        s.execute(Meeting.__table__.delete().where(Meeting.section_id == ref.id))
        s.execute(ClassSection.__table__.delete().where(ClassSection.id == ref.id))
    assert check(usis, c).total == 3
    with db.write() as s:
        s.execute(update(Programme).where(Programme.code == "LLB-LAW").values(name="Rechten"))
    assert check(usis, search_criteria(academic_year="2026-2027", programme="rechten")).total
    with db.write() as s:
        s.add(AcademicYear(code="2027-2028", starts_on=catalogue_year_start(2027),
                           ends_on=catalogue_year_start(2028)))
    assert usis.catalogue.search(search_criteria(academic_year="2027-2028",
                                                 title="data")).total == 0


def catalogue_year_start(year: int):
    from datetime import date

    return date(year, 9, 1)


def test_seats_are_always_fresh(catalogue, usis):
    """Enrolling changes no catalogue_version; the seats and open_only still follow at once."""
    c = search_criteria(academic_year="2026-2027", class_number="1001")
    first = check(usis, c).results[0]
    db = usis.ctx.db
    with db.read() as s:
        before = s.execute(select(func.coalesce(func.max(
            AcademicYear.id), 0))).scalar()  # (any read)
    version = _version(db)
    with db.write() as s:
        s.execute(update(ClassSection).where(ClassSection.id == first.section_id).values(
            enrolled_count=ClassSection.capacity, waitlist_count=1))
    assert _version(db) == version and before is not None
    assert check(usis, c).total == 0  # full: not open any more
    again = check(usis, search_criteria(academic_year="2026-2027", class_number="1001",
                                        open_only=False)).results[0]
    assert (again.enrolled, again.waitlisted) == (first.capacity, 1)
    with db.write() as s:
        s.execute(update(ClassSection).where(ClassSection.id == first.section_id).values(
            capacity=ClassSection.capacity + 5))
    assert _version(db) == version
    assert check(usis, c).results[0].capacity == first.capacity + 5


def _version(db) -> int:
    from usis_tui.models import CatalogueVersion

    with db.read() as s:
        return s.scalar(select(CatalogueVersion.version)) or 0
