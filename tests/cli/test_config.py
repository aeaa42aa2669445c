"""One configuration (usis_tui/config.py): defaults < config file < USIS_* environment < command
line; `usis config path|show`; the theme the user picks is saved; the [keymap] table remaps
bindings. The root conftest points USIS_CONFIG at an empty file of the test run; each test here
points it at a file of its own."""

from __future__ import annotations

import os
import tomllib
from datetime import datetime
from pathlib import Path

import pytest
from helpers import DEMO_NOW, make_app, settle

from usis_tui import config
from usis_tui.cli import main

SECRET = "s3cr3t-pw"


@pytest.fixture
def config_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "conf" / "config.toml"
    monkeypatch.setenv("USIS_CONFIG", str(path))
    for name in ("USIS_DATABASE_URL", "USIS_NOW", "USIS_MAX_SESSIONS", "USIS_THEME",
                 "USIS_KEYMAP", "USIS_PASSWORD", "USIS_USER"):
        monkeypatch.delenv(name, raising=False)
    config.clear_overrides()
    yield path
    config.clear_overrides()


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def shown(out: str) -> dict[str, str]:
    """`usis config show`: {name: "value  # origin"} of its `name = value  # origin` lines."""
    lines = {}
    for line in out.splitlines():
        if " = " in line and not line.startswith("#"):
            name, rest = line.split(" = ", 1)
            lines[name] = rest
    return lines


# ---------------------------------------------------------------------- precedence
def test_default_then_file_then_environment_then_option(config_file, monkeypatch):
    assert config.settings().max_sessions is None
    assert config.load().origins["max_sessions"] == "default"
    assert config.settings().theme == "usis"

    write(config_file, 'max_sessions = 5\ntheme = "nord"\n')
    assert config.settings().max_sessions == "5"
    assert config.load().origins["max_sessions"] == "file"

    monkeypatch.setenv("USIS_MAX_SESSIONS", "7")  # read again: the environment changed
    assert config.settings().max_sessions == "7"
    assert config.load().origins["max_sessions"] == "environment"
    assert config.settings().theme == "nord"  # the other key still from the file

    config.override(max_sessions="9")
    assert config.settings().max_sessions == "9"
    assert config.load().origins["max_sessions"] == "option"
    config.clear_overrides()
    assert config.settings().max_sessions == "7"


def test_the_modules_read_the_settings(config_file, monkeypatch, tmp_path):
    from usis_tui.config import resolve_database_url, resolve_now
    from usis_tui.failures import log_dir
    from usis_tui.services.queue import limit_from_env

    monkeypatch.delenv("USIS_LOG_DIR", raising=False)
    write(config_file, f'database_url = "sqlite:///{tmp_path}/file.db"\n'
                       "now = 2026-11-23T09:30:00\nmax_sessions = 3\n"
                       f'log_dir = "{tmp_path}/logs"\n')
    assert resolve_database_url(None) == f"sqlite:///{tmp_path}/file.db"
    assert resolve_now(None) == DEMO_NOW
    assert limit_from_env() == 3
    assert log_dir() == tmp_path / "logs"
    monkeypatch.setenv("USIS_DATABASE_URL", "sqlite:///env.db")
    assert resolve_database_url(None) == "sqlite:///env.db"
    assert resolve_database_url("sqlite:///arg.db") == "sqlite:///arg.db"


def test_options_override_for_one_invocation_only(config_file, capsys, monkeypatch):
    write(config_file, "max_sessions = 5\n")
    code, out, _ = run(capsys, "--max-sessions", "8", "--now", "2026-11-23T09:30",
                       "config", "show")
    assert code == 0
    values = shown(out)
    assert values["max_sessions"] == "8  # option"
    assert values["now"] == '"2026-11-23T09:30"  # option'
    assert "USIS_MAX_SESSIONS" not in os.environ  # an option is not passed by environment
    assert config.settings().max_sessions == "5"  # and forgotten when the command is done


# ---------------------------------------------------------------------- usis config
def test_config_path(config_file, capsys, monkeypatch):
    assert run(capsys, "config", "path") == (0, f"{config_file}\n", "")
    monkeypatch.delenv("USIS_CONFIG")
    from platformdirs import user_config_path

    code, out, _ = run(capsys, "config", "path")
    assert code == 0
    assert out.strip() == str(user_config_path("usis", appauthor=False) / "config.toml")


def test_config_show_names_the_origin_and_masks_passwords(config_file, capsys, monkeypatch):
    write(config_file, 'theme = "nord"\n\n[keymap]\nquit = "ctrl+x"\n')
    monkeypatch.setenv("USIS_DATABASE_URL", f"postgresql+psycopg://usis:{SECRET}@db.example/usis")
    monkeypatch.setenv("USIS_PASSWORD", SECRET)
    code, out, err = run(capsys, "config", "show", "--now", "2026-11-23T09:30")
    assert code == 0 and err == ""
    assert SECRET not in out
    values = shown(out)
    assert values["database_url"] == (
        '"postgresql+psycopg://usis:***@db.example/usis"  # environment')
    assert values["password"] == '"***"  # environment'
    assert values["theme"] == '"nord"  # file'
    assert values["now"] == '"2026-11-23T09:30"  # option'
    assert "# user is not set  # default" in out
    assert "[keymap]  # file" in out and 'quit = "ctrl+x"' in out
    # what it prints is TOML (origins are comments)
    parsed = tomllib.loads(out)
    assert parsed["theme"] == "nord" and parsed["keymap"] == {"quit": "ctrl+x"}


def test_config_show_without_a_file_shows_the_defaults(config_file, capsys):
    code, out, _ = run(capsys, "config", "show")
    assert code == 0 and "not present" in out
    values = shown(out)
    assert values["theme"] == '"usis"  # default'
    assert values["database_url"].startswith('"sqlite:///') and values["database_url"].endswith(
        "# default")


@pytest.mark.parametrize(("text", "needle"), [
    ("theme = \n", "is not valid TOML"),
    ("thme = 'nord'\n", "unknown setting 'thme'"),
    ("password = 'x'\n", "a password belongs in USIS_PASSWORD"),
    ("keymap = 3\n", "Setting 'keymap' (config file"),
])
def test_a_bad_config_file_is_one_line(config_file, capsys, text, needle):
    write(config_file, text)
    code, out, err = run(capsys, "config", "show")
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("usis: error: ") and needle in lines[0], err


def test_a_bad_now_in_the_file_names_the_file(config_file, capsys, demo_db_url):
    write(config_file, 'now = "someday"\n')
    code, _, err = run(capsys, "--db", demo_db_url, "db", "init")
    assert code == 1
    assert f"config file {config_file}: Not an ISO date-time: 'someday'" in err


# ---------------------------------------------------------------------- saving
def test_save_keeps_the_other_keys(config_file):
    write(config_file, 'max_sessions = 5\nnow = 2026-11-23T09:30:00\n\n[keymap]\nquit = "ctrl+x"\n')
    config.save(theme="dracula")
    data = tomllib.loads(config_file.read_text())
    assert data == {"max_sessions": 5, "now": datetime(2026, 11, 23, 9, 30), "theme": "dracula",
                    "keymap": {"quit": "ctrl+x"}}
    assert config.settings().theme == "dracula"
    assert (config_file.stat().st_mode & 0o777) == 0o600  # it may hold a database URL
    assert [p.name for p in config_file.parent.iterdir()] == ["config.toml"]  # no temp file


# ---------------------------------------------------------------------- the app
async def test_the_app_starts_with_the_theme_and_saves_the_users_choice(config_file,
                                                                        demo_db_url):
    write(config_file, 'theme = "nord"\nmax_sessions = 40\n')
    app = make_app(demo_db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "nord"
        assert tomllib.loads(config_file.read_text())["theme"] == "nord"  # not rewritten
        app.theme = "dracula"  # what "Change theme" in the command palette does
        await pilot.pause()
    assert tomllib.loads(config_file.read_text()) == {"theme": "dracula", "max_sessions": 40}


async def test_an_unknown_theme_starts_with_the_usis_theme(config_file, demo_db_url):
    write(config_file, 'theme = "no-such-theme"\n')
    app = make_app(demo_db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "usis"
    assert config_file.read_text() == 'theme = "no-such-theme"\n'  # nothing saved


async def test_the_keymap_remaps_quit_and_back(config_file, demo_db_url):
    from app.shell_helpers import screen_names, sign_in, wait_ready

    write(config_file, '[keymap]\nquit = "ctrl+x"\nback = "f9"\n')
    app = make_app(demo_db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await sign_in(pilot, "s1234567")
        await pilot.press("s")  # Self Service: the back binding of UsisScreen (screens/base.py)
        await settle(pilot)
        assert screen_names(app)[-1] == "SelfServiceScreen"
        bindings = app.active_bindings
        assert bindings["f9"].binding.action == "back" and "escape" not in bindings
        assert bindings["ctrl+x"].binding.action == "quit" and "ctrl+q" not in bindings
        await pilot.press("escape")  # no longer goes back
        await settle(pilot)
        assert screen_names(app)[-1] == "SelfServiceScreen"
        await pilot.press("f9")
        await settle(pilot)
        assert screen_names(app)[-1] == "MainMenuScreen"
        await pilot.press("ctrl+q")  # no longer quits
        await pilot.pause()
        assert app.is_running
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert not app.is_running


def test_fields_name_every_setting_of_the_model_and_importing_config_stays_cheap():
    """config.FIELDS is written out so that `import usis_tui.config` (before the app's first
    frame) needs no pydantic; it must name the model's fields, in order."""
    import subprocess
    import sys

    from usis_tui.config_model import Settings

    assert config.FIELDS == tuple(Settings.model_fields)
    probe = ("import sys, usis_tui.config; "
             "print(sorted(m for m in ('pydantic', 'pydantic_settings', 'sqlalchemy') "
             "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_usis_reaches_the_app_without_loading_other_commands_or_the_database_layer(tmp_path):
    """`usis` (no command) starts the app having imported only its own command: the other
    commands (serve, replay, import, …) are loaded when they are run (cli/root.py COMMANDS), and
    SQLAlchemy and pydantic are left to the worker that prepares the database behind the Login."""
    import subprocess
    import sys

    probe = f"""
import json, sys
from usis_tui.app import UsisApp
UsisApp._read_settings = lambda self: None      # no terminal here: launch would prepare first
UsisApp._ensure_database = lambda self: None
def run(self, *args, **kwargs):
    print(json.dumps(sorted(sys.modules)))
UsisApp.run = run
sys.argv = ["usis", "--db", "sqlite:///{tmp_path / 'usis.db'}", "--now", "2026-11-23T09:30"]
from usis_tui.cli import main
main()
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    import json

    loaded = set(json.loads(out.strip().splitlines()[-1]))
    commands = {m for m in loaded if m.startswith("usis_tui.cli.")}
    assert commands == {"usis_tui.cli.main", "usis_tui.cli.options", "usis_tui.cli.root"}
    assert not {"sqlalchemy", "pydantic", "pydantic_settings"} & loaded
