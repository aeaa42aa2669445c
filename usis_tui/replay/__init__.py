"""Step replay: run a list of user steps against a database at a frozen date, headless.

A *steps file* is plain text, one step per line; blank lines and ``# comments`` are ignored and
arguments with spaces are "quoted" (shell rules: ``\\"`` inside double quotes)::

    login s1234567 demo            sign in (user name, password) on the Login screen
    code                           the two-step sign-in's code (secret: USIS_OTP_SECRET)
    open "Enrol"                   open a page by its uSis name (as the command palette does)
    enter class 1052               type a class number in "Class number" and Continue
                                   (opens Enrol with the number when no such field is shown)
    type "Catalogue number" 4000MDSAIN   type into the field with that label (a Select: pick
                                   the option whose text contains it)
    press "Next"                   press the button (or tick the checkbox) with that label, else
                                   the footer key with that description
    key ctrl+t                     press keys by their Textual names (enter, tab, space, escape…)
    select "1052"                  highlight the first table row that contains the text
    expect "Success"               the text must be on the screen (waits up to 5 s)
    wait [MS]                      wait until the app is idle, or MS milliseconds first
    say "Click on 'Enrol'"         a tour's instruction (usis_tui/tours); replay skips it

``parse_steps`` checks a whole file (pydantic) and reports every bad line with its number;
``replay`` runs the steps in ``UsisApp.run_test()`` at a fixed terminal size, writes an SVG
screenshot after each step (``NN-<slug>.svg``) and a ``summary.json``, and stops at the first
step that cannot be done. ``steps_from_audit`` turns a student's audit entries into a steps file.

Modules: ``parser`` (the steps file), ``runner`` (the replay) and ``export`` (audit → steps).
None of them imports the app or the screens at import time.
"""

from __future__ import annotations

from .export import (
    NAVIGATION_ACTIONS,
    steps_from_audit,
)
from .parser import (
    STEP,
    SYNTAX,
    Code,
    EnterClass,
    Expect,
    Key,
    Login,
    Open,
    Press,
    Say,
    SelectRow,
    Step,
    StepsError,
    TypeText,
    Wait,
    parse_steps,
    quote,
    render_steps,
)
from .runner import (
    BOX_CHARS,
    EXPECT_TIMEOUT,
    SETTLE_TIMEOUT,
    SIZE,
    Replayer,
    ReplayReport,
    StepFailed,
    StepResult,
    format_result,
    holds,
    on_screen,
    replay,
    replay_sync,
    screen_lines,
    screen_text,
)

# Every public name of the former single module replay.py.
__all__ = [
    "BOX_CHARS",
    "EXPECT_TIMEOUT",
    "NAVIGATION_ACTIONS",
    "SETTLE_TIMEOUT",
    "SIZE",
    "STEP",
    "SYNTAX",
    "Code",
    "EnterClass",
    "Expect",
    "Key",
    "Login",
    "Open",
    "Press",
    "Say",
    "ReplayReport",
    "Replayer",
    "SelectRow",
    "Step",
    "StepFailed",
    "StepResult",
    "StepsError",
    "TypeText",
    "Wait",
    "format_result",
    "holds",
    "on_screen",
    "parse_steps",
    "quote",
    "render_steps",
    "replay",
    "replay_sync",
    "screen_lines",
    "screen_text",
    "steps_from_audit",
]
