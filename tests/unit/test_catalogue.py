"""services/catalogue.py: class search fields, lookup by class number, years, class lists and
enrolment dates."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from factories import NOW, YEAR, unchanged
from pydantic import ValidationError

from usis_tui.services import ServiceError, academic_year_code
from usis_tui.services.schemas import SearchCriteria


@pytest.fixture
def cat(sc):
    """A small catalogue: two programmes, five courses, eight classes (one full, one in the
    next academic year)."""
    cs = sc.programme("BSc-INF", "Computer Science")
    ds = sc.programme("MSc-DS", "Data Science", "master")
    sc.year("2027-2028")
    algo = sc.course("4031ALGO", title="Algorithms", ec=6, level=200, programme=cs)
    daba = sc.course("4032DABA", title="Databases", ec=5, level=200, programme=cs)
    ml = sc.course("4401ML", title="Machine Learning", ec=6, level=400, programme=ds)
    stat = sc.course("4402STAT", title="Statistics 100% Fun_Edition", ec=3, level=400,
                     programme=ds)
    out = {
        "1001": sc.section("1001", course=algo, instructor="Dr. A. Turing",
                           meets=[(0, "09:00", "10:45"), (2, "09:00", "10:45")]),
        "1002": sc.section("1002", course=algo, component="Tutorial", instructor="J. Doe",
                           meets=[(3, "13:30", "15:15")]),
        "1003": sc.section("1003", course=algo, component="Exam",
                           meets=[(4, "14:00", "17:00", date(2026, 12, 18), date(2026, 12, 18))]),
        "1004": sc.section("1004", course=algo, component="Resit",
                           meets=[(4, "14:00", "17:00", date(2027, 1, 29), date(2027, 1, 29))]),
        "2001": sc.section("2001", course=daba, instructor="Prof. E. Codd", capacity=1,
                           meets=[(1, "11:15", "13:00")]),
        "3001": sc.section("3001", course=ml, instructor="Dr. A. Turing",
                           meets=[(0, "15:15", "17:00")]),
        "4001": sc.section("4001", course=stat, meets=[(2, "11:15", "13:00")]),
        "1052": sc.minor("1052", catalogue_number="4000MDSAIN", ec=30,
                         title="Data Science and Artificial Intelligence",
                         meets=[(1, "09:00", "17:00")]),
    }
    sc.section("1001", year="2027-2028", course=algo, meets=[(0, "09:00", "10:45")])
    sc.fill(out["2001"])  # full: hidden by "Show open classes only"
    return out


def search(usis, **kw):
    page = usis.catalogue.search(SearchCriteria(academic_year=kw.pop("academic_year", YEAR), **kw))
    return [r.class_number for r in page.results]


def test_no_criteria_is_an_error(cat, usis, db):
    for kw in ({}, {"open_only": False}, {"title": "  ", "programme": ""}):
        with pytest.raises(ServiceError) as err:
            usis.catalogue.search(SearchCriteria(academic_year=YEAR, **kw))
        assert err.value.code == "no_criteria"
        assert str(err.value) == "Enter at least one search criterion."
        assert "4000MDSAIN" in err.value.problems[0].hint


@pytest.mark.parametrize("kw, expected", [
    ({"programme": "Computer Science"}, ["1001", "1002", "1003", "1004", "1052"]),
    ({"programme": "computer science", "open_only": False},
     ["1001", "1002", "1003", "1004", "1052", "2001"]),
    ({"programme": "MSc-DS"}, ["4001", "3001"]),
    ({"programme": "data"}, ["4001", "3001"]),
    ({"programme": "Physics"}, []),
    ({"catalogue_number": "4031ALGO"}, ["1001", "1002", "1003", "1004"]),
    ({"catalogue_number": "4000md"}, ["1052"]),
    ({"catalogue_number": "40"}, ["1052", "1001", "1002", "1003", "1004"]),
    ({"catalogue_number": "40", "open_only": False},
     ["1052", "1001", "1002", "1003", "1004", "2001"]),
    ({"catalogue_number": "440"}, ["3001", "4001"]),
    ({"catalogue_number": "ALGO"}, []),  # a prefix, not a substring
    ({"title": "learning"}, ["3001"]),
    ({"title": "data intelligence"}, ["1052"]),  # every keyword must occur
    ({"title": "Data Base"}, []),
    ({"title": "%"}, ["4001"]),      # LIKE wildcards are literal
    ({"title": "_"}, ["4001"]),
    ({"title": "100% fun_ed"}, ["4001"]),
    ({"class_number": "1002"}, ["1002"]),
    ({"class_number": "9999"}, []),
    ({"component": "Tutorial"}, ["1002"]),
    ({"component": "Resit"}, ["1004"]),
    ({"days": [2]}, ["1001", "4001"]),
    ({"days": [3, 4]}, ["1002", "1003", "1004"]),
    ({"days": [5, 6]}, []),
    ({"start_after": time(13, 0)}, ["1002", "1003", "1004", "3001"]),
    ({"end_before": time(11, 0)}, ["1001"]),
    ({"days": [0], "start_after": time(12, 0)}, ["3001"]),  # one meeting must match all
    ({"days": [2], "end_before": time(11, 0)}, ["1001"]),
    ({"instructor": "turing"}, ["1001", "3001"]),
    ({"instructor": "codd", "open_only": False}, ["2001"]),
    ({"level": 400}, ["3001", "4001"]),
    ({"level": 300}, ["1052"]),
    ({"ec": 6}, ["1001", "1002", "1003", "1004", "3001"]),
    ({"ec": 30.0}, ["1052"]),
    ({"ec": 0}, []),
    ({"programme": "Computer Science", "component": "Lecture", "instructor": "Turing"}, ["1001"]),
    ({"catalogue_number": "4032DABA"}, []),  # only class is full
    ({"catalogue_number": "4032DABA", "open_only": False}, ["2001"]),
])
def test_search_fields(cat, usis, db, kw, expected):
    with unchanged(db):
        got = search(usis, **kw)
    assert sorted(got) == sorted(expected)


def test_search_results_sorted_and_described(cat, usis, db):
    page = usis.catalogue.search(SearchCriteria(academic_year=YEAR, instructor="Turing"))
    assert [(r.catalogue_number, r.class_number) for r in page.results] == [
        ("4031ALGO", "1001"), ("4401ML", "3001")]
    first = page.results[0]
    assert (first.title, first.component, first.ec, first.level, first.programme) == (
        "Algorithms", "Lecture", 6, 200, "Computer Science")
    assert (first.status, first.seats, first.days_times) == ("Open", "0/10",
                                                            "Mo 09:00-10:45, We 09:00-10:45")
    assert first.period_state == "open" and first.rooms == "Gorlaeus C1"
    assert (page.total, page.page, page.pages) == (2, 1, 1)


def test_search_status_columns(cat, usis, db):
    [full] = usis.catalogue.search(SearchCriteria(academic_year=YEAR, class_number="2001",
                                                  open_only=False)).results
    assert (full.status, full.seats) == ("Wait List", "1/1")
    [minor] = usis.catalogue.search(SearchCriteria(academic_year=YEAR, class_number="1052")).results
    assert minor.minor_type == "leiden"


def test_search_is_per_academic_year(cat, usis, db):
    assert search(usis, catalogue_number="4031ALGO", academic_year="2027-2028") == ["1001"]
    with pytest.raises(ServiceError) as err:
        search(usis, catalogue_number="4031", academic_year="1999-2000")
    assert err.value.code == "unknown_year"


def test_search_paging(cat, usis, db):
    def page(n):
        return usis.catalogue.search(SearchCriteria(academic_year=YEAR, catalogue_number="4",
                                                    page=n, page_size=3))
    pages = [page(n) for n in (1, 2, 3)]
    assert [p.total for p in pages] == [7, 7, 7] and [p.pages for p in pages] == [3, 3, 3]
    numbers = [r.class_number for p in pages for r in p.results]
    assert numbers == ["1052", "1001", "1002", "1003", "1004", "3001", "4001"]
    assert [len(p.results) for p in pages] == [3, 3, 1]
    beyond = page(9)  # clamped to the last page
    assert (beyond.page, [r.class_number for r in beyond.results]) == (3, ["4001"])
    empty = usis.catalogue.search(SearchCriteria(academic_year=YEAR, title="nothing like it"))
    assert (empty.total, empty.pages, empty.page, empty.results) == (0, 1, 1, [])


def test_search_criteria_validation():
    with pytest.raises(ValidationError):
        SearchCriteria(academic_year=YEAR, days=[7])
    with pytest.raises(ValidationError):
        SearchCriteria(academic_year=YEAR, page=0)
    with pytest.raises(ValidationError):
        SearchCriteria(academic_year=YEAR, component="Seminar")
    c = SearchCriteria(academic_year=YEAR, days=[4, 0, 4], title=" x ")
    assert (c.days, c.title, c.open_only) == ([0, 4], "x", True)


# ---------------------------------------------------------------- lookup
def test_lookup_by_class_number_per_year(cat, usis, db):
    this = usis.catalogue.lookup(YEAR, "1001")
    nxt = usis.catalogue.lookup("2027-2028", " 1001 ")
    assert (this.academic_year, nxt.academic_year) == (YEAR, "2027-2028")
    assert this.section_id != nxt.section_id
    assert this.catalogue_number == nxt.catalogue_number == "4031ALGO"
    assert usis.catalogue.get(this.section_id) == this


@pytest.mark.parametrize("number", ["123", "12345", "abcd", "", "   ", "１２３４", "12a4"])
def test_lookup_needs_four_digits(cat, usis, db, number):
    with pytest.raises(ServiceError) as err:
        usis.catalogue.lookup(YEAR, number)
    assert str(err.value) == "A class number has exactly 4 digits, e.g. 1052."
    assert "MyTimetable" in err.value.problems[0].hint


def test_lookup_unknown_class_suggests_search(cat, usis, db):
    with pytest.raises(ServiceError) as err:
        usis.catalogue.lookup("2027-2028", "1052")
    assert str(err.value) == "Class 1052 does not exist in Studiejaar 2027-2028."
    assert "Enrol by searching the course" in err.value.problems[0].hint
    with pytest.raises(ServiceError) as err:
        usis.catalogue.get(424242)
    assert err.value.code == "unknown_class"


def test_lookup_minor_part_names_its_minor(sc, usis, db):
    minor = sc.minor("1048", minor_type="selection")
    sc.minor_part(minor, "1049")
    info = usis.catalogue.lookup(YEAR, "1049")
    assert (info.parent_class_number, info.minor_type) == ("1048", None)
    assert usis.catalogue.lookup(YEAR, "1048").minor_type == "selection"


# ---------------------------------------------------------------- years, lists, dates
def test_years_and_current_year(sc, usis, db, clock):
    sc.year("2027-2028", max_ec=60)
    years = usis.catalogue.years()
    assert [(y.code, y.label, y.max_ec) for y in years] == [
        ("2026-2027", "Studiejaar 2026-2027", None), ("2027-2028", "Studiejaar 2027-2028", 60)]
    assert (years[0].starts_on, years[0].ends_on) == (date(2026, 9, 1), date(2027, 8, 31))
    assert usis.catalogue.current_year() == "2026-2027"
    clock.set(datetime(2027, 8, 31, 23, 59))
    assert usis.catalogue.current_year() == "2026-2027"
    clock.set(datetime(2027, 9, 1))
    assert usis.catalogue.current_year() == "2027-2028"
    clock.set(datetime(2026, 1, 5))  # 2025-2026 is not offered: the next one
    assert usis.catalogue.current_year() == "2026-2027"
    clock.set(datetime(2031, 1, 5))  # past everything: the last one
    assert usis.catalogue.current_year() == "2027-2028"


def test_academic_year_code():
    assert academic_year_code(datetime(2026, 9, 1)) == "2026-2027"
    assert academic_year_code(datetime(2026, 8, 31, 23, 59)) == "2025-2026"
    assert academic_year_code(datetime(2027, 1, 1)) == "2026-2027"


def test_programmes_and_class_list(cat, usis, db):
    assert usis.catalogue.programmes() == ["Computer Science", "Data Science"]
    assert [c.class_number for c in usis.catalogue.class_list(YEAR)] == [
        "1001", "1002", "1003", "1004", "1052", "2001", "3001", "4001"]
    assert [c.class_number for c in usis.catalogue.class_list(YEAR, "msc-ds")] == ["3001", "4001"]
    assert [c.class_number for c in usis.catalogue.class_list(YEAR, "data science")] == [
        "3001", "4001"]
    with pytest.raises(ServiceError) as err:
        usis.catalogue.class_list(YEAR, "Physics")
    assert err.value.code == "unknown_programme"
    assert "Computer Science, Data Science" in err.value.problems[0].hint


def test_enrolment_dates(sc, usis, db, clock):
    early = (NOW - timedelta(days=30), NOW - timedelta(days=10))
    now_open = (NOW - timedelta(days=1), NOW + timedelta(days=1))
    later = (NOW + timedelta(days=10), NOW + timedelta(days=20))
    for i, (opens, closes) in enumerate([early, now_open, now_open, later]):
        sc.section(f"10{i:02d}", opens=opens, closes=closes,
                   component="Tutorial" if i == 2 else "Lecture")
    exam_window = (NOW + timedelta(days=60), NOW + timedelta(days=90))
    sc.section("2001", component="Exam", opens=exam_window[0], closes=exam_window[1])
    sc.section("2002", component="Exam", opens=exam_window[0],
               closes=exam_window[1] + timedelta(days=5))
    sc.section("2003", component="Resit", opens=early[0], closes=early[1])  # past: not shown
    dates = usis.catalogue.enrolment_dates()
    assert [(d.label, d.opens_at, d.closes_at, d.state) for d in dates] == [
        ("Courses (1 class)", *early, "closed"), ("Courses (2 classes)", *now_open, "open"),
        ("Courses (1 class)", *later, "not_yet_open"),
        ("Next exam deadline", *exam_window, "not_yet_open")]
    assert usis.catalogue.enrolment_dates("1999-2000") == []
    clock.set(later[0])
    assert [d.state for d in usis.catalogue.enrolment_dates(YEAR)] == [
        "closed", "closed", "open", "not_yet_open"]
