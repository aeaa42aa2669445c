"""The `usis` command.

    usis                         launch the app on the embedded demo database
    usis db init|reset|upgrade|current [--demo] [--size N]
    usis catalogue [--year 2026-2027] [--programme NAME] [--class 1052] [--json]
    usis timetable --student s1234567 [--week 48] [--ics FILE] [--include waitlisted,planned]
    usis audit --student s1234567 [--json] [--action enrol] [--since ISO] [--until ISO]
    usis user add|passwd|lock    usis import FILE    usis replay FILE    usis serve
    usis config path|show
    usis portal remind|expire|verify CODE|offerings [--json]    usis mail flush

--db URL / USIS_DATABASE_URL and --now ISO / USIS_NOW apply to every subcommand (see
usis_tui/config.py for the configuration file). Every error prints one line on stderr and exits
non-zero.

One module per command group: ``root`` is the group, its own options and the list of commands
(imported when run: root.COMMANDS), ``options`` what every command shares; no command module
imports this package or the root.
"""

from __future__ import annotations

from .main import main
from .options import EXIT_ERROR, EXIT_USAGE, Settings, common_options, user_option
from .root import cli, launch

__all__ = ["EXIT_ERROR", "EXIT_USAGE", "Settings", "cli", "common_options", "launch", "main",
           "user_option"]
