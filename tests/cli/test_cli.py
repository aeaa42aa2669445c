"""The `usis` command: subcommands, JSON, and one clear line for every error."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

NOW = "2026-11-23T09:30"


def usis(*args: str, env: dict | None = None, cwd=None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "USIS_NOW": NOW, **(env or {})}
    if env is None or "USIS_DATABASE_URL" not in env:
        full_env.pop("USIS_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "usis_tui", *args], capture_output=True,
                          text=True, env=full_env, cwd=cwd, timeout=120)


def assert_one_line_error(result: subprocess.CompletedProcess, *needles: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("usis: error: ")
    for needle in needles:
        assert needle in lines[0]


def test_version_and_help():
    assert usis("--version").stdout.strip() == "usis, version 0.1.0"
    for args in (["--help"], ["db", "--help"], ["db", "init", "--help"], ["db", "reset", "--help"],
                 ["catalogue", "--help"]):
        result = usis(*args)
        assert result.returncode == 0 and "Usage:" in result.stdout


def test_catalogue_json_lists_the_seed_minors(demo_db_url):
    result = usis("catalogue", "--db", demo_db_url, "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    by_number = {r["class_number"]: r for r in rows}
    assert by_number["1052"]["catalogue_number"] == "4000MDSAIN"
    assert by_number["1048"]["catalogue_number"] == "4000MCOADN"
    assert by_number["1078"]["catalogue_number"] == "4000MSCHBN"
    for key in ("class_number", "catalogue_number", "title", "component", "academic_year",
                "status", "enrolled", "capacity", "programme"):
        assert key in by_number["1052"]
    assert by_number["1052"]["academic_year"] == "2026-2027"
    assert all(r["academic_year"] == "2026-2027" for r in rows)


def test_catalogue_text_per_programme_and_class(demo_db_url):
    result = usis("--db", demo_db_url, "catalogue", "--programme", "Computer Science")
    assert result.returncode == 0
    assert "Computer Science — Studiejaar 2026-2027" in result.stdout
    assert "4000MDSAIN" not in result.stdout
    one = usis("catalogue", "--db", demo_db_url, "--class", "1052")
    assert "1052  4000MDSAIN" in one.stdout


def test_db_init_and_reset(tmp_path):
    url = f"sqlite:///{tmp_path}/new/usis.db"
    first = usis("db", "init", "--demo", "--db", url)
    assert first.returncode == 0 and "Demo database ready" in first.stdout
    again = usis("db", "init", "--db", url)
    assert again.returncode == 0 and "Database ready" in again.stdout
    assert "password: demo" not in again.stdout  # the accounts only when it made them
    empty = usis("db", "reset", "--empty", "--yes", "--db", url)
    assert empty.returncode == 0
    assert_one_line_error(usis("catalogue", "--db", url), "2026-2027")


def test_env_database_url(tmp_path):
    url = f"sqlite:///{tmp_path}/env.db"
    assert usis("db", "init", env={"USIS_DATABASE_URL": url}).returncode == 0
    assert (tmp_path / "env.db").exists()


@pytest.mark.parametrize("args, needle", [
    (["catalogue", "--class", "9999"], "Class 9999 does not exist in Studiejaar 2026-2027"),
    (["catalogue", "--class", "12a"], "exactly 4 digits"),
    (["catalogue", "--class", "12345"], "exactly 4 digits"),
    (["catalogue", "--programme", "Zoology"], "No programme called 'Zoology'"),
    (["catalogue", "--year", "1999-2000"], "1999-2000"),
    (["catalogue", "--now", "yesterday"], "Not an ISO date-time"),
    (["catalogue", "--bogus"], "No such option"),
    (["nosuchcommand"], "No such command"),
])
def test_errors_are_one_clear_line(demo_db_url, args, needle):
    assert_one_line_error(usis(*args, "--db", demo_db_url) if args[0] == "catalogue"
                          else usis(*args), needle)


def test_bad_database_urls_and_files(tmp_path):
    assert_one_line_error(usis("catalogue", "--db", "nonsense://x"), "Unsupported database URL")
    assert_one_line_error(usis("catalogue", "--db", "not a url"), "Not a database URL")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 100)
    before = garbage.read_bytes()
    assert_one_line_error(usis("catalogue", "--db", f"sqlite:///{garbage}"), "not a uSis database")
    assert_one_line_error(usis("db", "init", "--db", f"sqlite:///{garbage}"), "not a uSis database")
    assert garbage.read_bytes() == before
    folder = tmp_path / "adir"
    folder.mkdir()
    assert_one_line_error(usis("db", "init", "--db", f"sqlite:///{folder}"), "is a folder")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert_one_line_error(usis("db", "init", "--db", f"sqlite:///{blocker}/sub/usis.db"),
                          "Cannot create the database folder")
