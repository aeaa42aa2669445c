"""Demo data only when asked: `usis` fills the default embedded database with the demo data on
its first start, any database with `--demo`; every other database starts as it is (empty, or
with staff accounts only). Options are checked before any database is touched. `usis db init`
prints the demo accounts only when it made them."""

from __future__ import annotations

import io
import sqlite3
import sys
from pathlib import Path

import pytest

from usis_tui.cli import main

NOW = "2026-11-23T09:30"
DEMO_LINE = "password: demo"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A fresh HOME: the default database would be <home>/data/usis-tui/usis.db."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    for name in ("USIS_DATABASE_URL", "USIS_NOW", "USIS_USER", "USIS_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def launched(monkeypatch) -> list:
    """`usis` without a terminal: the apps it would have run (their database URL)."""
    from usis_tui.app import UsisApp

    runs: list = []

    def run(self, *args, **kwargs) -> None:
        # what the app does while its Login is on screen (UsisApp._prepare), without a terminal
        self._read_settings()
        self._ensure_database()
        runs.append(self.database_url)

    monkeypatch.setattr(UsisApp, "run", run)
    return runs


def usis(capsys, monkeypatch, *args: str, stdin: str = "") -> tuple[int, str, str]:
    stream = io.StringIO(stdin)
    stream.isatty = lambda: False  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdin", stream)
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(result: tuple[int, str, str], *needles: str) -> str:
    code, out, err = result
    assert code != 0 and out == "" and "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("usis: error: "), err
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


def default_db(home: Path) -> Path:
    return home / "data" / "usis-tui" / "usis.db"


def counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        out = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
               for t in ("student", "staff_user", "class_section")}
        out["demo"] = conn.execute("SELECT value FROM setting WHERE name = 'demo'").fetchone()
        return out
    finally:
        conn.close()


def files_under(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*"))


# ---------------------------------------------------------------------- `usis`
def test_default_database_gets_the_demo_data_on_its_first_start(home, launched, capsys,
                                                               monkeypatch):
    assert usis(capsys, monkeypatch, "--now", NOW)[0] == 0
    assert launched == [f"sqlite:///{default_db(home)}"]
    seeded = counts(default_db(home))
    assert seeded["student"] > 2000 and seeded["staff_user"] == 4 and seeded["demo"] == ("1",)
    assert usis(capsys, monkeypatch, "--now", NOW)[0] == 0  # the second start: as it is
    assert counts(default_db(home)) == seeded


def test_an_interrupted_first_start_is_finished(home, launched, capsys, monkeypatch):
    default_db(home).parent.mkdir(parents=True)
    default_db(home).touch()  # e.g. ctrl+c before the demo data was written
    assert usis(capsys, monkeypatch, "--now", NOW)[0] == 0
    assert counts(default_db(home))["demo"] == ("1",)


def test_default_database_made_empty_stays_empty(home, launched, capsys, monkeypatch):
    code, out, _ = usis(capsys, monkeypatch, "db", "init", "--empty", "--now", NOW)
    assert code == 0 and "Empty database ready" in out and DEMO_LINE not in out
    assert usis(capsys, monkeypatch, "--now", NOW)[0] == 0
    assert launched  # the app starts (Login; nobody can sign in until `usis user add`)
    assert counts(default_db(home)) == {"student": 0, "staff_user": 0, "class_section": 0,
                                        "demo": ("0",)}


def test_database_with_only_staff_accounts_starts(home, launched, capsys, monkeypatch):
    """Was: "uSis cannot start … UNIQUE constraint failed: staff_user.id"."""
    assert usis(capsys, monkeypatch, "db", "init", "--empty", "--now", NOW)[0] == 0
    code, _, err = usis(capsys, monkeypatch, "user", "add", "admin1", "--role", "support",
                        "--password-stdin", "--now", NOW, stdin="a good password 1\n")
    assert code == 0, err
    code, _, err = usis(capsys, monkeypatch, "--now", NOW)
    assert (code, err) == (0, "")
    assert len(launched) == 1
    assert counts(default_db(home)) == {"student": 0, "staff_user": 1, "class_section": 0,
                                        "demo": ("0",)}


def test_another_database_starts_empty(tmp_path, home, launched, capsys, monkeypatch):
    path = tmp_path / "given.db"
    for option in ("--db", "env"):
        if option == "env":
            path = tmp_path / "from-env.db"
            monkeypatch.setenv("USIS_DATABASE_URL", f"sqlite:///{path}")
            args = ["--now", NOW]
        else:
            args = ["--db", f"sqlite:///{path}", "--now", NOW]
        code, _, err = usis(capsys, monkeypatch, *args)
        assert (code, err) == (0, "")
        assert counts(path) == {"student": 0, "staff_user": 0, "class_section": 0, "demo": None}
    assert not default_db(home).exists()


def test_demo_when_asked(tmp_path, home, launched, capsys, monkeypatch):
    url = f"sqlite:///{tmp_path / 'asked.db'}"
    assert usis(capsys, monkeypatch, "--demo", "--db", url, "--now", NOW)[0] == 0
    seeded = counts(tmp_path / "asked.db")
    assert seeded["student"] > 2000 and seeded["demo"] == ("1",)
    assert usis(capsys, monkeypatch, "--demo", "--db", url, "--now", NOW)[0] == 0  # already
    assert counts(tmp_path / "asked.db") == seeded
    assert len(launched) == 2


def test_demo_refused_on_a_database_with_other_data(tmp_path, home, launched, capsys,
                                                    monkeypatch):
    url = f"sqlite:///{tmp_path / 'staff.db'}"
    assert usis(capsys, monkeypatch, "db", "init", "--db", url, "--now", NOW)[0] == 0
    assert usis(capsys, monkeypatch, "user", "add", "support", "--role", "support",
                "--password-stdin", "--db", url, "--now", NOW,
                stdin="a good password 1\n")[0] == 0
    before = (tmp_path / "staff.db").read_bytes()
    one_line_error(usis(capsys, monkeypatch, "--demo", "--db", url, "--now", NOW),
                   "not the demo data")
    assert launched == []
    assert counts(tmp_path / "staff.db")["student"] == 0
    assert (tmp_path / "staff.db").read_bytes() == before


def test_demo_only_goes_with_starting_the_app(home, capsys, monkeypatch):
    one_line_error(usis(capsys, monkeypatch, "--demo", "catalogue"), "--demo", "db init --demo")
    assert files_under(home) == []


# ---------------------------------------------------------------------- options first
@pytest.mark.parametrize("args, env, needle", [
    (["--now", "garbage"], {}, "Not an ISO date-time"),
    (["--now", "garbage", "--demo"], {}, "Not an ISO date-time"),
    (["catalogue", "--now", "garbage"], {}, "Not an ISO date-time"),
    (["db", "init", "--now", "garbage"], {}, "Not an ISO date-time"),
    (["db", "reset", "--yes", "--now", "garbage"], {}, "Not an ISO date-time"),
    (["timetable", "--student", "s1234567", "--now", "garbage"], {}, "Not an ISO date-time"),
    ([], {"USIS_NOW": "garbage"}, "USIS_NOW"),
    (["db", "init"], {"USIS_NOW": "garbage"}, "USIS_NOW"),
    ([], {"USIS_SCRYPT_N": "1000"}, "USIS_SCRYPT_N"),
    (["--max-sessions", "0"], {}, "--max-sessions"),
    (["--db", "not a url"], {}, "Not a database URL"),
    (["--db", "nonsense://x"], {}, "Unsupported database URL"),
])
def test_bad_options_create_nothing(home, launched, capsys, monkeypatch, args, env, needle):
    """Was: `usis --now garbage` on a fresh HOME first made and filled the default database."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    one_line_error(usis(capsys, monkeypatch, *args), needle)
    assert launched == []
    assert files_under(home) == []


def test_bad_now_with_a_given_database_creates_nothing(tmp_path, home, capsys, monkeypatch):
    path = tmp_path / "new" / "folder" / "usis.db"
    one_line_error(usis(capsys, monkeypatch, "--db", f"sqlite:///{path}", "--now", "garbage"),
                   "Not an ISO date-time")
    assert not (tmp_path / "new").exists()


# ---------------------------------------------------------------------- `usis db init`
def test_db_init_prints_the_demo_accounts_only_when_it_made_them(tmp_path, home, capsys,
                                                                 monkeypatch):
    code, out, _ = usis(capsys, monkeypatch, "db", "init", "--now", NOW)  # default, first time
    assert code == 0 and "Demo database ready" in out and DEMO_LINE in out
    code, out, _ = usis(capsys, monkeypatch, "db", "init", "--now", NOW)
    assert code == 0 and "Database ready" in out and DEMO_LINE not in out
    code, out, _ = usis(capsys, monkeypatch, "db", "init", "--demo", "--now", NOW)
    assert code == 0 and DEMO_LINE not in out  # already the demo database: nothing made
    other = f"sqlite:///{tmp_path / 'other.db'}"
    code, out, _ = usis(capsys, monkeypatch, "db", "init", "--db", other, "--now", NOW)
    assert code == 0 and "Empty database ready" in out and DEMO_LINE not in out
    assert counts(tmp_path / "other.db")["student"] == 0
    code, out, _ = usis(capsys, monkeypatch, "db", "init", "--demo", "--db", other, "--now", NOW)
    assert code == 0 and "Demo database ready" in out and DEMO_LINE in out


def test_db_reset_empty_keeps_the_default_database_empty(home, launched, capsys, monkeypatch):
    assert usis(capsys, monkeypatch, "db", "reset", "--empty", "--yes", "--now", NOW)[0] == 0
    assert usis(capsys, monkeypatch, "--now", NOW)[0] == 0
    assert counts(default_db(home))["student"] == 0
