"""The runner: ``replay`` runs steps in ``UsisApp.run_test()`` at a fixed terminal size, with an
SVG screenshot after each step and a ``summary.json``. The engine (reading the screen, the
lookups, ``Replayer``) is in engine.py, re-exported here."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from ..i18n import _
from .engine import (  # noqa: F401 - the engine's names, as they were imported from here
    BOX_CHARS,
    EXPECT_TIMEOUT,
    OTP_SECRET_ENV,
    SETTLE_TIMEOUT,
    Replayer,
    StepFailed,
    count_on_screen,
    find_field,
    find_row,
    has_table,
    holds,
    key_for,
    on_screen,
    press_candidates,
    screen_lines,
    screen_text,
)
from .parser import Step

SIZE = (120, 40)

# ---------------------------------------------------------------------- results
class StepResult(BaseModel):
    line: int
    step: str
    status: Literal["passed", "failed", "not run"]
    message: str = ""
    screenshot: str | None = None


class ReplayReport(BaseModel):
    steps_file: str
    database: str  # masked: never a password
    on_copy: bool = False  # replayed on a throwaway copy of ``database`` (not --write)
    now: str
    size: tuple[int, int]
    passed: bool
    failed_line: int | None = None
    failure: str | None = None
    steps: list[StepResult]

    def failed(self) -> StepResult | None:
        return next((s for s in self.steps if s.status == "failed"), None)


async def replay(steps: Sequence[Step], *, database_url: str, now: datetime,
                 out_dir: Path | None = None, size: tuple[int, int] = SIZE,
                 steps_file: str = "", echo: Callable[[str], None] | None = None,
                 copy_of: str | None = None, otp_secret: str | None = None,
                 before_step: Callable[[Any, Step], str | None] | None = None) -> ReplayReport:
    """Run the steps in a headless UsisApp; one SVG per step in ``out_dir``; stops at the first
    step that fails. ``echo`` gets one line per step as it finishes. ``copy_of``: the database
    that ``database_url`` is a throwaway copy of (the report names that one). ``otp_secret``:
    for ``code`` steps (default: the USIS_OTP_SECRET environment variable). ``before_step(app,
    step)``: asked before each step; a message fails that step (a tour's own rules)."""
    from ..app import UsisApp
    from ..config import explicit_language
    from ..db import mask_url

    # Steps files name labels and expect texts as written (exports and shipped files: English):
    # the app runs in English unless --lang / USIS_LANG says the steps are in another language;
    # not in the config file's or the signed-in account's language.
    app = UsisApp(database_url=database_url, now=now, lang=explicit_language() or "en")
    results: list[StepResult] = []
    failure: tuple[int, str] | None = None
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    async with app.run_test(size=size) as pilot:
        import os

        runner = Replayer(pilot, otp_secret=otp_secret if otp_secret is not None
                          else os.environ.get(OTP_SECRET_ENV))
        try:
            await runner.ready()
        except StepFailed as exc:
            failure = (steps[0].line if steps else 0,
                       _("the app did not start: {error}").format(error=exc))
        for index, step in enumerate(steps, start=1):
            if failure is not None:
                results.append(StepResult(line=step.line, step=step.render(), status="not run"))
                continue
            status, message = "passed", ""
            try:
                problem = before_step(app, step) if before_step is not None else None
                if problem:
                    raise StepFailed(problem)
                await runner.run(step)
            except StepFailed as exc:
                status, message = "failed", str(exc)
            except Exception as exc:  # noqa: BLE001 - an unexpected error fails the step, in one line
                first = (str(exc).splitlines() or [""])[0]
                status, message = "failed", f"{type(exc).__name__}: {first}".rstrip(": ")
            shot = None
            if out_dir is not None:
                shot = f"{index:02d}-{step.slug()}.svg"
                svg = app.export_screenshot(title=_("uSis · line {line}: {step}").format(
                    line=step.line, step=step.render()))
                (out_dir / shot).write_text(svg, encoding="utf-8")
            result = StepResult(line=step.line, step=step.render(), status=status,
                                message=message, screenshot=shot)
            results.append(result)
            if echo is not None:
                echo(format_result(result))
            if status == "failed":
                failure = (step.line, message)
    if app._usis is not None:  # its connections end now (a copy is dropped next)
        app._usis.close()
    report = ReplayReport(
        steps_file=steps_file, database=mask_url(copy_of or database_url),
        on_copy=copy_of is not None, now=now.isoformat(),
        size=size, passed=failure is None, failed_line=failure[0] if failure else None,
        failure=failure[1] if failure else None, steps=results)
    if out_dir is not None:
        (out_dir / "summary.json").write_text(
            json.dumps(report.model_dump(), indent=2, ensure_ascii=False) + "\n",
            encoding="utf-8")
    return report


def replay_sync(steps: Sequence[Step], **kwargs: Any) -> ReplayReport:
    return asyncio.run(replay(steps, **kwargs))


def format_result(r: StepResult) -> str:
    mark = {"passed": "✓", "failed": "✗", "not run": "·"}[r.status]
    text = "  " + _("{mark} line {line} {step}").format(mark=mark, line=f"{r.line:<3}",
                                                         step=r.step)
    if r.message:
        text += f"  — {r.message}"
    return text
