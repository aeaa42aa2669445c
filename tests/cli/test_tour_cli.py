"""`usis tour list|run|check`: every shipped tour passes its check (this is how CI runs `usis
tour check` for each of them: one test per tour, spread by pytest-xdist); a label a tour depends
on that changes fails the check naming the tour's line; list as text and JSON; an unknown tour
and a bad tour file exit 2 with the reasons; with no database yet the check makes a fresh demo
database of its own; `run` hands the tour to the app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run_usis as usis

from usis_tui.tours import load_tour, tour_names

TOURS = Path(__file__).resolve().parents[2] / "usis_tui" / "tours"


def line_of(name: str, step: str) -> int:
    lines = (TOURS / f"{name}.tour").read_text(encoding="utf-8").splitlines()
    return lines.index(step) + 1


# ---------------------------------------------------------------------- check
@pytest.mark.parametrize("name", tour_names())
def test_every_shipped_tour_passes_its_check(name, demo_db_url, capsys, tmp_path, monkeypatch):
    outbox = tmp_path / "outbox"  # the user's own: a rehearsal's e-mail never lands there
    monkeypatch.setenv("USIS_MAIL_OUTBOX", str(outbox))
    code, out, err = usis(capsys, "tour", "check", name, "--db", demo_db_url)
    assert code == 0, out + err
    tour = load_tour(name)
    lines = out.splitlines()
    assert lines[0] == (f"Checking tour {name} (usis_tui/tours/{name}.tour, {len(tour.steps)} "
                        f"steps) at 2026-11-23T09:30 on a copy of {demo_db_url}.")
    assert lines[-1] == "PASSED"
    # one line per step, like usis replay: every line of the tour, say lines included
    ticked = [line for line in lines if line.startswith("  ✓ line ")]
    assert len(ticked) == len(tour.all_steps())
    assert not list(tmp_path.glob("**/*.svg"))  # no screenshots without --out
    assert not outbox.exists()


def test_a_changed_label_fails_the_check_at_the_line_that_presses_it(demo_db_url, capsys,
                                                                    monkeypatch):
    """The petition form's "Review" button (no key has that name) is called "Check" now."""
    import usis_tui.screens.petitions as petitions

    real = petitions._
    monkeypatch.setattr(petitions, "_", lambda message: "Check" if message == "Review"
                        else real(message))
    code, out, _err = usis(capsys, "tour", "check", "elective-petition", "--db", demo_db_url)
    assert code == 1
    number = line_of("elective-petition", 'press "Review"')
    failed = out.splitlines()[-1]
    assert failed.startswith(f"FAILED at usis_tui/tours/elective-petition.tour line {number} "
                             "(press \"Review\"): no button or key 'Review' on this screen"), out
    assert "Check" in failed.split("buttons:")[1]  # says which buttons there are
    assert f"✗ line {number}" in out
    assert f"· line {number + 1}" in out  # the steps after it were not run


def test_a_step_whose_checks_hold_before_its_actions_fails(demo_db_url, tmp_path, capsys):
    """The tour guide would take it as done before the person did anything."""
    tour = tmp_path / "eager.tour"
    tour.write_text('# title: Eager\n# now: 2026-11-23T09:30\n'
                    'say "Log in."\nlogin s1234567 demo\nexpect "Main Menu"\n'
                    'say "Go to Student Center."\nopen "Student Center"\n'
                    'say "Look around."\nwait 10\nexpect "Student Center"\n', encoding="utf-8")
    code, out, _err = usis(capsys, "tour", "check", str(tour), "--db", demo_db_url)
    assert code == 1
    assert out.splitlines()[-1] == (
        f'FAILED at {tour} line 8 (say "Look around."): the checks of this step already hold '
        "before its actions: the tour would count it as done at once (make its expect specific "
        "to the step's result)")
    assert "✓ line 7   open \"Student Center\"" in out  # the steps before it passed


def test_the_tours_clock_unless_now_is_given(demo_db_url, capsys, tmp_path):
    """Before the demo's enrolment period (it opens 2 Nov 2026 09:00) the enrolment fails."""
    code, out, _err = usis(capsys, "tour", "check", "enrol-by-class-number", "--db",
                           demo_db_url, "--now", "2026-10-01T09:30")
    assert code == 1
    assert "at 2026-10-01T09:30 on a copy of" in out.splitlines()[0]
    assert "FAILED at usis_tui/tours/enrol-by-class-number.tour line" in out


def test_without_a_database_the_check_uses_a_fresh_demo_database(tmp_path, capsys):
    missing = tmp_path / "nowhere" / "usis.db"
    code, out, err = usis(capsys, "tour", "check", "enrol-by-searching", "--db",
                          f"sqlite:///{missing}", "--out", str(tmp_path / "shots"))
    assert code == 0, out + err
    assert "at 2026-11-23T09:30 on a fresh demo database." in out.splitlines()[0]
    assert out.splitlines()[-1] == "PASSED"
    assert not missing.exists() and not missing.parent.exists()  # nothing left behind
    shots = tmp_path / "shots" / "enrol-by-searching"
    summary = json.loads((shots / "summary.json").read_text(encoding="utf-8"))
    assert summary["passed"] is True
    assert len(list(shots.glob("*.svg"))) == len(load_tour("enrol-by-searching").all_steps())


def test_check_needs_names_or_all(capsys):
    code, _out, err = usis(capsys, "tour", "check")
    assert code == 2 and "Name the tours to check, or give --all." in err
    code, _out, err = usis(capsys, "tour", "check", "--all", "apply-for-minor")
    assert code == 2


# ---------------------------------------------------------------------- bad names and files
@pytest.mark.parametrize("command", ["check", "run"])
def test_an_unknown_tour_exits_2_listing_the_tours(command, capsys, monkeypatch):
    import usis_tui.cli.root as root

    monkeypatch.setattr(root, "launch", lambda *a, **k: pytest.fail("the app was started"))
    code, out, err = usis(capsys, "tour", command, "enrol-by-magic")
    assert code == 2
    assert "there is no tour called 'enrol-by-magic'" in err
    assert ", ".join(tour_names()) in err
    assert "Checking" not in out


def test_a_bad_tour_file_exits_2_with_every_bad_line(tmp_path, capsys):
    bad = tmp_path / "bad.tour"
    bad.write_text('# about: no title\n'
                   'open "Enrol"\n'
                   'say "Press it."\n'
                   'press "Next"\n'
                   'clik "Next"\n', encoding="utf-8")
    code, out, err = usis(capsys, "tour", "check", str(bad), "enrol-by-class-number")
    assert code == 2
    assert "Checking" not in out  # nothing is replayed, not even the good tour
    assert f"{bad}:0: no '# title: ...' line" in err
    assert f"{bad}:2: a tour starts with a say line" in err
    assert f"{bad}:3: this step has nothing a tour can see" in err  # the good lines checked
    assert f"{bad}:5: unknown step 'clik'" in err
    assert f"{bad} has 4 bad lines (line 0, 2, 3, 5)." in err


def test_a_step_without_a_check_is_a_bad_line(tmp_path, capsys):
    bad = tmp_path / "blind.tour"
    bad.write_text('# title: Blind\nsay "Log in."\nlogin s1234567 demo\n'
                   'say "Press Next."\npress "Next"\n', encoding="utf-8")
    code, _out, err = usis(capsys, "tour", "check", str(bad))
    assert code == 2
    assert f"{bad}:4: this step has nothing a tour can see when it is done" in err


# ---------------------------------------------------------------------- list and run
def test_list_prints_one_line_per_tour(capsys):
    code, out, _err = usis(capsys, "tour", "list")
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == tour_names()
    by_name = {line.split()[0]: line for line in lines}
    assert by_name["enrol-by-class-number"].endswith(
        "Option 1: Enrol by entering the class number (9 steps, student)")
    assert by_name["portal-withdraw"].endswith("(7 steps, learner)")


def test_list_as_json(capsys):
    code, out, _err = usis(capsys, "tour", "list", "--json")
    assert code == 0
    tours = json.loads(out)
    assert [t["name"] for t in tours] == tour_names()
    first = next(t for t in tours if t["name"] == "enrol-by-searching")
    assert first == {
        "name": "enrol-by-searching", "title": "Option 2: Enrol by searching the course",
        "about": load_tour("enrol-by-searching").about, "steps": 11, "audience": "student",
        "now": "2026-11-23T09:30", "file": "usis_tui/tours/enrol-by-searching.tour"}


def test_list_in_dutch_shows_the_titles_through_the_catalogue(capsys, monkeypatch):
    """The title goes through the catalogue (its Dutch translation arrives with the catalogue
    update; until then it is the English title, never an error)."""
    from usis_tui.i18n import translations

    monkeypatch.setattr(translations("nl"), "gettext",
                        lambda m: "Optie 2" if m == "Option 2: Enrol by searching the course"
                        else m)
    code, out, _err = usis(capsys, "tour", "list", "--lang", "nl")
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("enrol-by-searching"))
    assert "Optie 2" in line


def test_run_launches_the_app_with_the_tour(capsys, monkeypatch):
    import usis_tui.cli.root as root

    launched = []
    monkeypatch.setattr(root, "launch", lambda settings, **kw: launched.append(kw))
    code, _out, err = usis(capsys, "tour", "run", "apply-for-minor")
    assert code == 0, err
    assert launched == [{"tour": "apply-for-minor"}]
