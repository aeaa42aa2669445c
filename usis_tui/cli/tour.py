"""`usis tour list|run|check`: the guided tours (usis_tui/tours) from the command line.

    usis tour list [--json]              every shipped tour: name, title, steps, audience
    usis tour run NAME                   the app, with the tour's panel guiding the person
    usis tour check NAME... | --all      replay tours headless (CI): exit 0 all passed,
                                         1 a step failed, 2 a bad tour file or unknown name

`check` replays a tour's steps (say lines included, which the replay skips) with the machinery
of `usis replay` (cli/replay.py): on a throwaway copy of the database, or, when there is no
database yet (a fresh machine, CI), on a fresh demo database in a temporary folder. The clock:
--now, else the tour's ``# now:`` line, else the app's clock (USIS_NOW, the config file, the
wall clock).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from ..i18n import _, ngettext
from .options import EXIT_ERROR, EXIT_USAGE, Settings, common_options

if TYPE_CHECKING:
    from ..replay import ReplayReport, Step
    from ..tours import Tour


class _TourProblem(click.ClickException):
    """An unknown tour or a tour file with bad lines: exit status 2, like a usage error."""

    exit_code = EXIT_USAGE


@click.group("tour", context_settings={"help_option_names": ["-h", "--help"]})
@common_options
def tour_group() -> None:
    """Guided tours: the uSis manual's step lists, followed in the app (run) or replayed
    headless to see that they still work (check)."""


# ---------------------------------------------------------------------- list
@tour_group.command("list")
@common_options
@click.option("--json", "as_json", is_flag=True, help="Print the tours as JSON.")
def list_command(as_json: bool) -> None:
    """Every shipped tour, one line each: name, title, number of steps, audience."""
    from ..tours import StepsError, list_tours

    try:
        tours = list_tours()
    except StepsError as exc:
        _bad_tour(exc)
    if as_json:
        click.echo(json.dumps([_as_dict(t) for t in tours], indent=2, ensure_ascii=False))
        return
    if not tours:
        click.echo(_("No tours."))
        return
    width = max(len(t.name) for t in tours)
    for tour in tours:
        click.echo(f"{tour.name:<{width}}  " + _("{title} ({n} steps, {audience})").format(
            title=tour.shown_title(), n=len(tour.steps), audience=_audience(tour.audience)))


def _audience(value: str) -> str:
    return _("student") if value == "student" else _("learner")


def _as_dict(tour: Tour) -> dict[str, Any]:
    return {"name": tour.name, "title": tour.shown_title(), "about": tour.shown_about(),
            "steps": len(tour.steps), "audience": tour.audience, "now": tour.now,
            "file": tour.source}


# ---------------------------------------------------------------------- run
@tour_group.command("run")
@common_options
@click.argument("name", metavar="NAME")
@click.pass_obj
def run_command(settings: Settings, name: str) -> None:
    """Start uSis with the tour NAME (usis tour list): its panel shows each step's instruction
    and waits until you have done it."""
    from .root import launch

    _find(name)  # unknown or bad: exit 2 before the app takes the terminal
    launch(settings, tour=name)


# ---------------------------------------------------------------------- check
@tour_group.command("check")
@common_options
@click.argument("names", nargs=-1, metavar="NAME...")
@click.option("--all", "check_all", is_flag=True, help="Check every shipped tour.")
@click.option("--out", "out_dir", metavar="DIR", type=click.Path(file_okay=False),
              help="Write an SVG screenshot after every step and a summary.json, in DIR/NAME/ "
                   "(default: no screenshots).")
@click.pass_context
def check_command(ctx: click.Context, names: tuple[str, ...], check_all: bool,
                  out_dir: str | None) -> None:
    """Replay tours headless, as `usis replay` does, on a throwaway copy of the database (on a
    fresh demo database when there is none yet). NAME is a shipped tour (usis tour list) or the
    path of a .tour file.

    The clock: --now, else the tour's "# now:" line, else USIS_NOW, the config file or the wall
    clock. Exit status 0: every tour passed; 1: a step failed (its file and line are named);
    2: an unknown tour or a tour file with bad lines (each listed with its number).
    """
    from ..db import mask_url
    from ..tours import tour_names
    from .options import invocation
    from .replay import headless

    settings = invocation(ctx)
    if check_all == bool(names):
        raise click.UsageError(_("Name the tours to check, or give --all."))
    headless()
    wanted = tour_names() if check_all else list(names)
    tours = _load_all(wanted)
    settings.check()
    url = settings.url
    shown = mask_url(url)
    fresh = _no_database_yet(url)
    with _rehearsal():
        failed = _check_all(settings, tours, url, shown, fresh, out_dir)
    if len(tours) > 1:
        click.echo(ngettext("{failed} of {n} tour failed: {names}",
                            "{failed} of {n} tours failed: {names}", len(tours)).format(
            failed=len(failed), n=len(tours), names=", ".join(failed)) if failed else
            _("All {n} tours passed.").format(n=len(tours)))
    if failed:
        raise SystemExit(EXIT_ERROR)


@contextmanager
def _rehearsal() -> Iterator[None]:
    """A check is a rehearsal on demo data: the Course Portal pays with the test-mode provider,
    and its e-mail is kept in a temporary outbox (deleted afterwards), never sent by SMTP nor
    left in the user's own outbox."""
    import shutil
    import tempfile

    from .. import config

    folder = tempfile.mkdtemp(prefix="usis-tour-mail-")
    config.override(payment_provider="test", smtp_host="", mail_outbox=folder)
    try:
        yield
    finally:
        config.override(payment_provider=None, smtp_host=None, mail_outbox=None)
        shutil.rmtree(folder, ignore_errors=True)


def _check_all(settings: Settings, tours: list[Tour], url: str, shown: str, fresh: bool,
               out_dir: str | None) -> list[str]:
    """Replay each tour, one line a step; the names of the tours that failed."""
    from ..replay import format_result

    failed: list[str] = []
    for tour in tours:
        now = _moment(settings, tour)
        out = Path(out_dir) / tour.name if out_dir else None
        where = (_("a fresh demo database") if fresh
                 else _("a copy of {database}").format(database=shown))
        click.echo(_("Checking tour {name} ({file}, {n} steps) at {now} on {where}.").format(
            name=tour.name, file=tour.source, n=len(tour.steps), now=f"{now:%Y-%m-%dT%H:%M}",
            where=where))
        report = _replay_tour(settings, tour, url, shown, fresh, now=now, out=out)
        for result in report.steps:
            if result.status == "not run":
                click.echo(format_result(result))
        if report.passed:
            click.echo(_("PASSED"))
            continue
        step = report.failed()
        what = f" ({step.step})" if step else ""
        click.echo(_("FAILED at {file} line {line}{step}: {failure}").format(
            file=tour.source, line=report.failed_line, step=what, failure=report.failure))
        failed.append(tour.name)
    return failed


def _find(name: str) -> Tour:
    """A shipped tour, or a .tour file by its path; exit 2 for an unknown one or bad lines."""
    from ..tours import StepsError, TourNotFound, load_tour, parse_tour

    try:
        path = Path(name)
        if name.endswith(".tour") and path.is_file():
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise _TourProblem(_("{file} is not a UTF-8 text file.").format(file=name)) \
                    from None
            return parse_tour(text, path.stem, source=name)
        return load_tour(name)
    except TourNotFound as exc:
        raise _TourProblem(str(exc)) from None
    except StepsError as exc:
        _bad_tour(exc)


def _load_all(names: list[str]) -> list[Tour]:
    """Every tour asked for; the bad ones are all reported (exit 2) before any is replayed."""
    tours: list[Tour] = []
    problems: list[str] = []
    for name in dict.fromkeys(names):
        try:
            tours.append(_find(name))
        except _TourProblem as exc:
            problems.append(exc.format_message())
    if problems:
        raise _TourProblem("; ".join(problems) + " " + _("Nothing was replayed."))
    return tours


def _bad_tour(exc: Any) -> NoReturn:
    from .replay import echo_bad_lines

    echo_bad_lines(exc, exc.source)
    lines = ", ".join(str(n) for n, _m in exc.problems)
    raise _TourProblem(ngettext(
        "{file} has {n} bad line (line {lines}).",
        "{file} has {n} bad lines (line {lines}).", len(exc.problems)).format(
            file=exc.source, n=len(exc.problems), lines=lines))


def _moment(settings: Settings, tour: Tour) -> datetime:
    """--now, else the tour's ``# now:``, else the app's clock."""
    from ..clock import parse_now

    if settings.now is not None:
        return parse_now(settings.now)
    if tour.now is not None:
        return parse_now(tour.now)
    return settings.frozen or settings.moment()


def _no_database_yet(url: str) -> bool:
    """An SQLite database whose file does not exist yet (a fresh machine, CI): nothing to copy,
    and creating it would leave a database behind."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return False  # the copy says what is wrong with it
    if parsed.get_backend_name() != "sqlite":
        return False
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return False
    return not Path(database).expanduser().exists()


def _replay_tour(settings: Settings, tour: Tour, url: str, shown: str, fresh: bool, *,
                 now: datetime, out: Path | None) -> ReplayReport:
    from .replay import _replay_on, replay_on_copy

    run: dict[str, Any] = {"steps": tour.all_steps(), "now": now, "out_dir": out,
                           "steps_file": tour.source, "before_step": _not_done_yet(tour)}
    if not fresh:
        return replay_on_copy(settings, url, shown, **run)
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="usis-tour-"))
    try:
        return _replay_on(settings, f"sqlite:///{folder / 'usis.db'}",
                          _("a fresh demo database"), demo=True, **run)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _not_done_yet(tour: Tour) -> Callable[[Any, Step], str | None]:
    """Before a step's instruction (its ``say``): its checks must not hold yet, else the tour
    guide would count the step as done before the person did anything."""
    from ..replay import holds

    checks = {step.line: step.checks for step in tour.steps}

    def before(app: Any, step: Step) -> str | None:
        wanted = checks.get(step.line) if step.kind == "say" else None
        if wanted and all(holds(app, check) for check in wanted):
            return _("the checks of this step already hold before its actions: the tour would "
                     "count it as done at once (make its expect specific to the step's result)")
        return None

    return before
