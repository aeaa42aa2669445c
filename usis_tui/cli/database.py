"""`usis db init|reset|upgrade|current`: create, reset or upgrade the database."""

from __future__ import annotations

import contextlib
import sys

import click

from ..errors import UsisError
from ..i18n import _
from ..text import raw_stream
from .options import Settings, common_options, open_db


@click.group("db")
@common_options
def db() -> None:
    """Create or reset the database."""


@db.command("init")
@common_options
@click.option("--demo/--empty", default=None,
              help="Fill an empty database with the demo catalogue and accounts (password "
                   "demo), or keep it empty. Default: --demo only for the default database "
                   "on its first start.")
@click.option("--size", type=click.IntRange(min=1), default=None, metavar="N",
              help="With --demo: at least N class sections (e.g. 50000 for benchmarks).")
@click.pass_obj
def db_init(settings: Settings, demo: bool | None, size: int | None) -> None:
    """Create or upgrade the schema; fill an empty database with the demo data if asked."""
    from ..bootstrap import ensure_database, is_blank, mark_empty_on_purpose
    from ..db import mask_url

    if size and demo is False:
        raise click.UsageError(_("--size goes with --demo (the demo catalogue's size)."))
    settings.check()  # a bad option creates no database
    database = open_db(settings)
    try:
        if demo is None:
            demo = bool(size) or settings.wants_demo(database)
        with _progress(size) as progress:
            seeded = ensure_database(database, settings.moment(), demo=demo, size=size,
                                     progress=progress)
        if seeded:
            _report(seeded, database.url)  # the demo accounts: only when they were made now
        elif is_blank(database):
            if not demo:
                mark_empty_on_purpose(database)
            click.echo(_("Empty database ready at {url}: add accounts with `usis user add`.")
                       .format(url=mask_url(database.url)))
        else:
            click.echo(_("Database ready at {url}.").format(url=mask_url(database.url)))
    finally:
        database.dispose()


@contextlib.contextmanager
def _progress(size: int | None):
    """A progress callback for seed_demo: a bar on stderr for a large catalogue (--size)."""
    if not size:
        yield None
        return
    with click.progressbar(length=100, label=_("Writing the demo catalogue"),
                           file=raw_stream(sys.stderr),  # the bar's cursor codes, our text
                           show_percent=True) as bar:
        state = {"pct": 0}

        def progress(done: int, total: int) -> None:
            pct = int(done * 100 / max(total, 1))
            if pct > state["pct"]:
                bar.update(pct - state["pct"])
                state["pct"] = pct
        yield progress


@db.command("reset")
@common_options
@click.option("--demo/--empty", default=True, show_default=True,
              help="Fill the new database with the demo catalogue and accounts.")
@click.option("--size", type=click.IntRange(min=1), default=None, metavar="N",
              help="With --demo: at least N class sections (e.g. 50000 for benchmarks).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def db_reset(settings: Settings, demo: bool, size: int | None, yes: bool) -> None:
    """Delete everything and start again (all enrolments are lost)."""
    from ..bootstrap import database_problem

    settings.check()  # a bad option creates no database
    if not yes and sys.stdin.isatty():
        click.confirm(_("Delete every row in {url}?").format(url=settings.url), abort=True)
    database = open_db(settings)
    try:
        try:
            from ..bootstrap import reset_schema

            reset_schema(database)
        except Exception as exc:  # reported as one line below
            from sqlalchemy.exc import SQLAlchemyError

            if isinstance(exc, SQLAlchemyError):
                raise UsisError(database_problem(database.url, exc)) from None
            raise
        if demo:
            _report(_seed_with_progress(database, settings, size), database.url)
        else:
            from ..bootstrap import mark_empty_on_purpose

            mark_empty_on_purpose(database)  # no later start fills it with the demo data
            click.echo(_("Empty database ready at {url}.").format(url=database.url))
    finally:
        database.dispose()


def _seed_with_progress(database, settings: Settings, size: int | None):
    from ..data.demo import seed_demo

    with _progress(size) as progress:
        return seed_demo(database, settings.moment(), size=size, progress=progress)


def _report(summary, url: str) -> None:
    from ..db import mask_url

    click.echo(_("Demo database ready at {url}: {programmes} programmes, {courses} courses, "
                 "{sections} class sections, {students} students, academic year {year}.")
               .format(url=mask_url(url), programmes=summary.programmes,
                       courses=summary.courses, sections=summary.sections,
                       students=summary.students, year=summary.academic_year))
    click.echo(_("Log in as s1234567 (student), s7654321 (master), support, board or trainer; "
                 "password: demo."))


@db.command("upgrade")
@common_options
@click.pass_obj
def db_upgrade(settings: Settings) -> None:
    """Upgrade the schema to the newest revision (keeps every row)."""
    from .. import migrations
    from ..bootstrap import database_problem, prepare_schema
    from ..db import Database

    database = Database(settings.url)
    try:
        before = migrations.current(database) if migrations.state(database) == "versioned" \
            else None
        try:
            action = prepare_schema(database)
        except UsisError:
            raise  # already one clear line (e.g. a schema newer than this uSis)
        except Exception as exc:  # noqa: BLE001 - one line
            from sqlalchemy.exc import SQLAlchemyError

            if isinstance(exc, SQLAlchemyError):
                raise UsisError(database_problem(database.url, exc)) from None
            raise UsisError(_("Cannot upgrade {url}: {error}").format(
                url=database.url, error=exc)) from None
        head = migrations.current(database)
    finally:
        database.dispose()
    if action == "created":
        click.echo(_("Created the schema at revision {head} in {url}.")
                   .format(head=head, url=settings.url))
    elif action == "upgraded":
        click.echo(_("Upgraded {url} from revision {before} to {head}.").format(
            url=settings.url, before=before or _("none (before migrations)"), head=head))
    else:
        click.echo(_("{url} is at the newest revision ({head}).")
                   .format(url=settings.url, head=head))


@db.command("current")
@common_options
@click.pass_obj
def db_current(settings: Settings) -> None:
    """Print the schema revision of the database and the newest one."""
    from .. import migrations
    from ..db import Database

    database = Database(settings.url)
    try:
        state = migrations.state(database)
        current = migrations.current(database) if state == "versioned" else None
    finally:
        database.dispose()
    head = migrations.head()
    if state == "empty":
        click.echo(_("{url}: empty (no schema); newest revision {head}.")
                   .format(url=settings.url, head=head))
    elif state == "unversioned":
        click.echo(_("{url}: created before migrations (no revision); newest {head}. "
                     "Run `usis db upgrade`.").format(url=settings.url, head=head))
    elif current is not None and current not in migrations.known():
        click.echo(_("{url}: revision {current}; this uSis knows revisions up to {head} only: "
                     "upgrade uSis.").format(url=settings.url, current=current, head=head))
    elif current == head:
        click.echo(_("{url}: revision {current} (newest).")
                   .format(url=settings.url, current=current))
    else:
        click.echo(_("{url}: revision {current}; newest {head}: run `usis db upgrade`.")
                   .format(url=settings.url, current=current, head=head))
