"""``main``: the `usis` console script. Every error is one line on stderr, never a traceback."""

from __future__ import annotations

import sys

import click

from ..errors import UsisError
from ..i18n import _
from .options import EXIT_ERROR, EXIT_USAGE, Settings
from .root import cli


def _one_line(exc: UsisError) -> str:
    problems = getattr(exc, "problems", None)
    if problems:
        return " ".join(f"{p.message} {p.hint}".strip() for p in problems)
    return str(exc)


def main(argv: list[str] | None = None) -> None:
    """Entry point: one clear line on stderr for every error, never a traceback. Everything
    printed passes through usis_tui.text.CleanStream: a name or a title holding terminal
    escapes is shown, not obeyed."""
    from ..config import start_language
    from ..i18n import set_language
    from ..text import CleanStream

    set_language(start_language())  # this invocation's: not one an earlier --lang left behind
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = CleanStream(out), CleanStream(err)
    try:
        _main(argv)
    finally:
        sys.stdout, sys.stderr = out, err


def _is_database_error(exc: BaseException) -> bool:
    """A SQLAlchemy error (checked without importing SQLAlchemy: `usis` starts the app before
    it is needed)."""
    module = sys.modules.get("sqlalchemy.exc")
    return module is not None and isinstance(exc, module.SQLAlchemyError)


class _Error:
    """ "usis: error: …" in the language of the invocation."""

    def format(self, message: str) -> str:
        return _("usis: error: {message}").format(message=message)


ERROR = _Error()


def _main(argv: list[str] | None) -> None:
    try:
        cli.main(args=argv, prog_name="usis", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo(_("usis: aborted."), err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as exc:
        hint = _(" (see usis --help)") if isinstance(exc, click.UsageError) else ""
        click.echo(ERROR.format(message=f"{exc.format_message()}{hint}"), err=True)
        sys.exit(exc.exit_code or EXIT_USAGE)
    except UsisError as exc:
        click.echo(ERROR.format(message=_one_line(exc)), err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:
        message = f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")
        click.echo(ERROR.format(message=message), err=True)
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # noqa: BLE001 - a database error or a bug: one line
        if _is_database_error(exc):
            from ..bootstrap import database_problem
            from ..config import resolve_database_url
            from ..db import mask_url

            url = resolve_database_url(Settings.current.db if Settings.current else None)
            click.echo(ERROR.format(message=database_problem(mask_url(url), exc)), err=True)
            sys.exit(EXIT_ERROR)
        from ..failures import log_failure

        reference = log_failure(exc, "usis " + " ".join((argv or sys.argv[1:])[:1]))
        click.echo(ERROR.format(message=_("something went wrong (reference {reference}; the "
                                          "details are in the uSis log).").format(
            reference=reference)), err=True)
        sys.exit(EXIT_ERROR)
