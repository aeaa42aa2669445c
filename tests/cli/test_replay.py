"""`usis replay`: the committed example replays on the demo database at 2026-11-23 09:30 and its
screenshots match the stored snapshots; a step that cannot be done stops the replay naming its
line; bad lines of a steps file are reported with their numbers; an audit trail becomes a steps
file that replays."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import run_usis as usis
from syrupy.extensions.image import SVGImageSnapshotExtension

from usis_tui.replay import (
    EnterClass,
    Expect,
    Key,
    Login,
    Open,
    Press,
    StepsError,
    TypeText,
    Wait,
    parse_steps,
    render_steps,
    steps_from_audit,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "enrol-1052.steps"
NOW = "2026-11-23T09:30"
SUCCESS = "Success: This class has been added to your schedule."


def replay(capsys, steps: Path, db_url: str, out: Path, *more: str) -> tuple[int, str, str]:
    return usis(capsys, "replay", str(steps), "--db", db_url, "--now", NOW, "--out", str(out),
                *more)


def whole(db_url: str) -> dict[str, list[tuple]]:
    """Every row of every table, the audit trail included."""
    from factories import dump

    from usis_tui.db import Database

    db = Database(db_url)
    try:
        return dump(db, audit=True)
    finally:
        db.dispose()


def summary(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def status_of(db_url: str, number: str) -> str | None:
    from usis_tui.services import Usis

    u = Usis.open(db_url)
    try:
        for line in u.enrolment.schedule("s1234567", "2026-2027"):
            if line.cls.class_number == number:
                return line.status
        return None
    finally:
        u.close()


# ---------------------------------------------------------------------- the example
def test_example_replays_and_matches_its_screenshots(demo_db_url, tmp_path, capsys, snapshot):
    """On a throwaway copy: the enrolment happens there (screenshots), the database itself is
    not changed, not even its audit trail."""
    out = tmp_path / "out"
    assert status_of(demo_db_url, "1052") is None
    before = whole(demo_db_url)
    code, stdout, stderr = replay(capsys, EXAMPLE, demo_db_url, out)
    assert code == 0, stdout + stderr
    assert stdout.splitlines()[0] == (
        f"Replaying {EXAMPLE} (9 steps) at 2026-11-23T09:30 (120x40) on a copy of "
        f"{demo_db_url}; the database itself is not changed. Screenshots in {out}/")
    assert "PASSED: 9 of 9 steps" in stdout
    report = summary(out)
    assert report["passed"] is True and report["failed_line"] is None
    assert report["database"] == demo_db_url and report["on_copy"] is True
    assert report["now"] == "2026-11-23T09:30:00" and report["size"] == [120, 40]
    assert [s["line"] for s in report["steps"]] == [5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert all(s["status"] == "passed" for s in report["steps"])
    assert report["steps"][0]["step"] == "login s1234567 ****"  # never the password
    names = [s["screenshot"] for s in report["steps"]]
    assert names == ["01-login-s1234567.svg", "02-open-enrol.svg", "03-enter-class-1052.svg",
                     "04-expect-data-science-and-artificial-intel.svg", "05-press-next.svg",
                     "06-expect-has-been-added-to-your-shopping-c.svg", "07-press-enrol.svg",
                     "08-press-finish-enrolling.svg",
                     "09-expect-success-this-class-has-been-added.svg"]
    assert sorted(p.name for p in out.glob("*.svg")) == names
    assert status_of(demo_db_url, "1052") is None  # it happened on the copy only
    assert whole(demo_db_url) == before
    svg = snapshot.use_extension(SVGImageSnapshotExtension)
    for name in names:
        text = (out / name).read_text(encoding="utf-8")
        assert text == svg(name=name.removesuffix(".svg"))
    assert SUCCESS in (out / names[-1]).read_text(encoding="utf-8").replace("&#160;", " ")


# ---------------------------------------------------------------------- failures
def test_a_step_that_cannot_be_done_stops_the_replay_and_names_its_line(demo_db_url, tmp_path,
                                                                      capsys):
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith('press "Enrol"'))
    lines[index] = 'press "Enrol now"'
    broken = tmp_path / "broken.steps"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, stderr = replay(capsys, broken, demo_db_url, out)
    assert code == 1
    number = index + 1
    assert f"line {number}" in stderr and "press \"Enrol now\"" in stderr
    assert "no button or key 'Enrol now' on this screen" in stderr
    assert "Enrol" in stderr.split("buttons:")[1]  # says which buttons there are
    assert f"FAILED at line {number}" in stdout
    report = summary(out)
    assert report["passed"] is False and report["failed_line"] == number
    statuses = {s["line"]: s["status"] for s in report["steps"]}
    assert statuses[number] == "failed"
    assert all(v == "passed" for k, v in statuses.items() if k < number)
    assert all(v == "not run" for k, v in statuses.items() if k > number)
    assert (out / f"{sum(1 for k in statuses if k <= number):02d}-press-enrol-now.svg").exists()
    assert status_of(demo_db_url, "1052") is None  # the enrolment was never done


@pytest.mark.parametrize(("step", "reason"), [
    ('expect "Class 1052 is closed"', "'Class 1052 is closed' is not on the screen"),
    ('open "Transcript of records"', "there is no page called 'Transcript of records'"),
    ('type "Favourite colour" blue', "no field labelled 'Favourite colour' on this screen"),
    ('select "9999"', "no row containing '9999'"),
])
def test_failing_step_kinds_say_why(demo_db_url, tmp_path, capsys, step, reason):
    steps = tmp_path / "one.steps"
    steps.write_text(f"login s1234567 demo\nopen Enrol\n{step}\nexpect never\n", encoding="utf-8")
    code, _stdout, stderr = replay(capsys, steps, demo_db_url, tmp_path / "out")
    assert code == 1
    assert "line 3" in stderr and reason in stderr, stderr
    assert summary(tmp_path / "out")["steps"][3]["status"] == "not run"


def test_wrong_password_fails_the_login_step(demo_db_url, tmp_path, capsys):
    steps = tmp_path / "login.steps"
    steps.write_text("# wrong password\n\nlogin s1234567 nope\nopen Enrol\n", encoding="utf-8")
    code, _, stderr = replay(capsys, steps, demo_db_url, tmp_path / "out")
    assert code == 1
    assert "line 3" in stderr and "sign-in as s1234567 failed" in stderr
    assert "nope" not in stderr  # the password is never shown


def test_bad_lines_are_reported_with_their_numbers(demo_db_url, tmp_path, capsys):
    steps = tmp_path / "bad.steps"
    steps.write_text("login s1234567 demo\n"
                     'clik "Next"\n'
                     "enter class 12\n"
                     "# a comment\n"
                     "login s1234567\n"
                     'press "Next\n'
                     "wait soon\n"
                     'expect "fine"\n', encoding="utf-8")
    out = tmp_path / "out"
    code, _stdout, stderr = replay(capsys, steps, demo_db_url, out)
    assert code == 2
    assert f"{steps}:2: unknown step 'clik'" in stderr
    assert f"{steps}:3: enter: a class number has exactly 4 digits" in stderr
    assert f"{steps}:5: login: expects a user name and a password" in stderr
    assert f"{steps}:6: No closing quotation" in stderr
    assert f"{steps}:7: wait: expects nothing or a number of milliseconds" in stderr
    assert ":1:" not in stderr and ":8:" not in stderr
    assert "has 5 bad lines (line 2, 3, 5, 6, 7); nothing was replayed" in stderr
    assert not out.exists()


def test_parse_and_render_round_trip():
    text = ('login s1234567 demo\nopen "Student Center"\nenter class 1052\n'
            'type "Catalogue number" "4000MDSAIN"\npress "Finish enrolling"\nkey ctrl+t escape\n'
            'select "1052"\nexpect "He said \\"hi\\""\nwait\nwait 250\n')
    steps = parse_steps(text)
    assert [type(s) for s in steps] == [Login, Open, EnterClass, TypeText, Press, Key,
                                       type(parse_steps("select x")[0]), Expect, Wait, Wait]
    assert steps[7].text == 'He said "hi"' and steps[9].ms == 250
    assert render_steps(steps) == text
    assert [s.model_dump(exclude={"line"}) for s in parse_steps(render_steps(steps))] == \
        [s.model_dump(exclude={"line"}) for s in steps]
    with pytest.raises(StepsError) as caught:
        parse_steps("# nothing\n\n")
    assert "no steps" in str(caught.value)


# ---------------------------------------------------------------------- audit → steps
def test_steps_from_audit_round_trip(demo_db_url, _demo_template, tmp_path, capsys):
    before = whole(demo_db_url)
    code, stdout, _ = replay(capsys, EXAMPLE, demo_db_url, tmp_path / "first", "--write")
    assert code == 0
    assert stdout.splitlines()[0].endswith(
        f"on {demo_db_url} itself (--write). Screenshots in {tmp_path / 'first'}/")
    assert summary(tmp_path / "first")["on_copy"] is False
    after = whole(demo_db_url)  # --write: the enrolment and its audit entries stay
    assert after != before
    assert len(after["enrolment"]) == len(before["enrolment"]) + 1
    assert len(after["audit_entry"]) > len(before["audit_entry"])
    code, audit_json, _ = usis(capsys, "audit", "--student", "s1234567", "--json",
                               "--db", demo_db_url, "--now", NOW)
    assert code == 0
    entries = json.loads(audit_json)
    assert {e["action"] for e in entries} >= {"login", "cart_add", "enrol"}
    text = steps_from_audit(entries, "s1234567")
    steps = parse_steps(text)  # a valid steps file
    rendered = [s.render(secret=False) for s in steps]
    assert rendered[0] == "login s1234567 demo"
    assert "enter class 1052" in rendered and 'press "Finish enrolling"' in rendered
    assert f'expect "{SUCCESS}"' in rendered
    # the same from AuditRow objects (what the Audit screen has)
    from usis_tui.services import Usis

    u = Usis.open(demo_db_url)
    try:
        assert steps_from_audit(u.audit.entries("s1234567"), "s1234567") == text
    finally:
        u.close()
    # ... and it replays on a fresh copy of the demo database
    fresh = tmp_path / "fresh.db"
    shutil.copyfile(_demo_template[0], fresh)
    exported = tmp_path / "from-audit.steps"
    exported.write_text(text, encoding="utf-8")
    code, stdout, stderr = replay(capsys, exported, f"sqlite:///{fresh}", tmp_path / "second",
                                  "--write")
    assert code == 0, stdout + stderr + text
    assert status_of(f"sqlite:///{fresh}", "1052") == "enrolled"


def test_steps_from_audit_keeps_refusals_as_expectations():
    entries = [
        {"at": "2026-11-23T09:30:00", "actor": "s1234567", "acting_for": "s1234567",
         "action": "login", "detail": "Logged in", "outcome": "ok"},
        {"at": "2026-11-23T09:31:00", "actor": "s1234567", "acting_for": "s1234567",
         "action": "cart_add", "outcome": "refused",
         "detail": "class 1051 (2026-2027): Class 1051 Not Enrolled, Class And Wait List Are "
                   "Full."},
        {"at": "2026-11-23T09:32:00", "actor": "support", "acting_for": "s1234567",
         "action": "petition_submit", "detail": "petition 3", "outcome": "ok"},
        {"at": "2026-11-23T09:33:00", "actor": "s7654321", "acting_for": "s7654321",
         "action": "login", "detail": "Logged in", "outcome": "ok"},
    ]
    text = steps_from_audit(entries, "s1234567", password="secret")
    steps = [s.render(secret=False) for s in parse_steps(text)]
    assert steps == ["login s1234567 secret", "enter class 1051", 'press "Next"',
                     'expect "Class 1051 Not Enrolled, Class And Wait List Are Full."']
    assert "# 2026-11-23 09:32 petition_submit ok: petition 3 (by support)  (not replayed)" in text
    assert "s7654321" not in text


def test_a_drop_with_its_reason_round_trips_through_the_audit(demo_db_url, _demo_template,
                                                             tmp_path, capsys):
    """Modal confirmation, drop-down and free text: the exported steps drop the same class with
    the same reason on a fresh database."""
    assert status_of(demo_db_url, "2032") == "enrolled"
    steps = tmp_path / "drop.steps"
    steps.write_text('login s1234567 demo\nopen "Drop"\nselect "2032"\n'
                     'press "Drop selected class"\nexpect "Are you sure"\n'
                     'type "Reason" "Workload too high"\ntype "Explanation" "Too many courses"\n'
                     'press "Yes"\nexpect "Success: Class 2032 has been dropped"\n',
                     encoding="utf-8")
    code, stdout, stderr = replay(capsys, steps, demo_db_url, tmp_path / "first", "--write")
    assert code == 0, stdout + stderr
    assert status_of(demo_db_url, "2032") is None
    from usis_tui.services import Usis

    u = Usis.open(demo_db_url)
    try:
        text = steps_from_audit(u.audit.entries("s1234567"), "s1234567")
    finally:
        u.close()
    assert 'type "Reason" "Workload too high this semester"' in text
    assert 'type "Explanation" "Too many courses"' in text
    fresh = tmp_path / "fresh.db"
    shutil.copyfile(_demo_template[0], fresh)
    exported = tmp_path / "exported.steps"
    exported.write_text(text, encoding="utf-8")
    code, stdout, stderr = replay(capsys, exported, f"sqlite:///{fresh}", tmp_path / "second",
                                  "--write")
    assert code == 0, stdout + stderr + text
    assert status_of(f"sqlite:///{fresh}", "2032") is None
