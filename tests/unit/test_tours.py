"""Tour files (usis_tui/tours): the header lines (title, about, audience, now), the tour rules
(a say line first, a step with actions needs a check a tour can see, a title), every bad line
reported with its number, and the catalogue extraction of the texts a tour shows."""

from __future__ import annotations

import io

import pytest

from usis_tui.replay import Expect, Login, Press, Say
from usis_tui.tours import (
    StepsError,
    Tour,
    babel_extract,
    list_tours,
    load_tour,
    parse_tour,
    tour_files,
    tour_names,
)

GOOD = """\
# title: A small tour
# about: Two steps and a note.
# audience: learner
# now: 2026-11-23T09:30

say "Log in."
login s1234567 demo
expect "Main Menu"

say "Click on 'Next'."
press "Next"
expect "has been added"

say "Done."
"""


def problems_of(text: str) -> list[tuple[int, str]]:
    with pytest.raises(StepsError) as caught:
        parse_tour(text, "t")
    return caught.value.problems


def test_a_tour_reads_its_header_and_its_steps():
    tour = parse_tour(GOOD, "small")
    assert (tour.name, tour.title, tour.about) == ("small", "A small tour",
                                                   "Two steps and a note.")
    assert tour.audience == "learner" and tour.now == "2026-11-23T09:30"
    assert [s.number for s in tour.steps] == [1, 2, 3]
    assert [s.line for s in tour.steps] == [6, 10, 14]
    first, second, note = tour.steps
    assert [type(a) for a in first.actions] == [Login, Expect]
    assert [type(a) for a in second.checks] == [Expect]
    assert isinstance(second.actions[0], Press) and not second.is_note
    assert note.is_note and note.say == "Done."
    replayed = tour.all_steps()
    assert [s.line for s in replayed] == [6, 7, 8, 10, 11, 12, 14]
    assert isinstance(replayed[0], Say) and replayed[0].text == "Log in."


def test_now_and_audience_are_optional():
    tour = parse_tour("# title: T\nsay \"Read this.\"\n", "t")
    assert tour.now is None and tour.audience == "student"


def test_a_tour_starts_with_a_say_line():
    found = problems_of("# title: T\nopen \"Enrol\"\nsay \"Next.\"\nexpect \"x\"\n")
    assert [n for n, _m in found] == [2]
    assert "a tour starts with a say line" in found[0][1]


def test_a_step_with_actions_needs_something_a_tour_can_see():
    found = problems_of('# title: T\nsay "Press it."\npress "Next"\nwait 100\n'
                        'say "Look."\nexpect "Done"\n')
    assert found == [(2, "this step has nothing a tour can see when it is done: add an expect "
                         "line (or open, login) after its actions")]


@pytest.mark.parametrize("check", ['expect "Saved"', 'open "Enrol"', "login s1234567 demo"])
def test_each_kind_of_check_will_do(check):
    tour = parse_tour(f'# title: T\nsay "Do it."\npress "Save"\n{check}\n', "t")
    assert len(tour.steps[0].checks) == 1


def test_a_title_is_required():
    found = problems_of('# about: no title\nsay "Hello."\n')
    assert found == [(0, "no '# title: ...' line")]


def test_every_bad_line_is_reported_with_its_number():
    text = ("# title: T\n"
            "# audience: teacher\n"
            "# now: next tuesday\n"
            'say "One."\n'
            'clik "Next"\n'
            'press "Next"\n'
            'say "Two."\n'
            "enter class 12\n"
            'expect "fine"\n')
    found = problems_of(text)
    assert [n for n, _m in found] == [2, 3, 4, 5, 8]  # 4: its press has no check left
    messages = dict(found)
    assert "audience must be student or learner, not 'teacher'" in messages[2]
    assert messages[3].startswith("now: Not an ISO date-time: 'next tuesday'")
    assert "unknown step 'clik'" in messages[5]
    assert "a class number has exactly 4 digits" in messages[8]


def test_every_shipped_tour_reads_and_has_a_clock_and_checks():
    tours = list_tours()
    assert [t.name for t in tours] == tour_names()
    assert {"enrol-by-class-number", "enrol-by-searching", "apply-for-minor",
            "elective-petition", "portal-enrol-and-pay", "portal-withdraw"} <= set(tour_names())
    for tour in tours:
        assert isinstance(tour, Tour) and tour.title and tour.about, tour.name
        assert tour.now == "2026-11-23T09:30", tour.name  # the demo's enrolment period
        assert tour.steps[-1].is_note, tour.name  # ends with what the person has achieved
        for step in tour.steps:
            assert step.is_note or step.checks, (tour.name, step.line)
    learners = {t.name for t in tours if t.audience == "learner"}
    assert learners == {"portal-enrol-and-pay", "portal-withdraw"}
    assert load_tour("portal-withdraw").source == "usis_tui/tours/portal-withdraw.tour"


def test_the_catalogue_extracts_title_about_and_say_texts():
    """The title, the about line and every instruction; and what a tour looks for on a Dutch
    screen: its expected texts and the labels it presses (not a user name or password)."""
    found = list(babel_extract(io.BytesIO(GOOD.encode()), [], [], {}))
    assert [(n, text) for n, _f, text, _c in found] == [
        (1, "A small tour"), (2, "Two steps and a note."), (6, "Log in."), (8, "Main Menu"),
        (10, "Click on 'Next'."), (11, "Next"), (12, "has been added"), (14, "Done.")]
    assert all(c and c[0].startswith("Translators:") for *_x, c in found)


def test_the_catalogue_tool_extracts_every_shipped_tour():
    from scripts import catalogue as tool

    extracted = tool.extract()
    for path in tour_files():
        tour = load_tour(path.stem)
        where = f"usis_tui/tours/{path.name}"
        texts = [tour.title, tour.about] + [s.say for s in tour.steps]
        for text in texts:
            message = extracted.get(text)
            assert message is not None, (path.name, text)
            assert where in {loc for loc, _line in message.locations}
