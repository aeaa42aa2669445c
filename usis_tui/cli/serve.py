"""`usis serve [--host 127.0.0.1] [--port 8000] [--public-url URL] [--max-sessions N]`: the app
in web browsers (textual-serve), for a room.

Every browser tab starts its own `usis` process on the same database and clock; the database is
prepared once, before the first connection. The limits a shared server needs (a session cap,
the websocket Origin checked, the database URL passed by environment and never printed
unmasked) are in usis_tui/serving.py; docs/serve.md shows how to put it behind a reverse proxy
with TLS.
"""

from __future__ import annotations

import click

from ..errors import UsisError
from ..i18n import _
from ..serving import SESSION_MB, SESSIONS_PER_CPU, default_max_sessions
from .options import Settings, common_options


def served_command(settings: Settings | None = None) -> str:
    """The shell command textual-serve runs for each browser connection. It carries no
    database URL: that goes to the session by environment (``serving.session_environment``),
    because process arguments are visible to every user of the machine (``ps``)."""
    from ..serving import served_command as command

    return command()


def _public_url(_ctx, _param, value: str | None) -> str | None:
    if value is None:
        return None
    from ..serving import check_public_url

    try:
        return check_public_url(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command("serve")
@common_options
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port to listen on.")
@click.option("--public-url", metavar="URL", callback=_public_url,
              help="The address browsers use, when it differs from http://HOST:PORT (behind a "
                   "reverse proxy: its https:// address). Only pages from it may connect.")
@click.option("--max-sessions", type=click.IntRange(min=1), metavar="N", default=None,
              help=f"At most N browser sessions at once (each is an app process of about "
                   f"{SESSION_MB} MB); the next browser is told that uSis is full. Default: "
                   f"min({SESSIONS_PER_CPU} x CPUs, half the available memory / {SESSION_MB} "
                   f"MB), at least 1 (on this machine now: {default_max_sessions()}).")
@click.pass_obj
def serve_command(settings: Settings, host: str, port: int, public_url: str | None,
                  max_sessions: int | None) -> None:
    """Serve the app to web browsers with textual-serve (open http://HOST:PORT).

    For more than this machine: put it behind a reverse proxy with TLS and pass --public-url
    (see docs/serve.md).
    """
    try:
        import textual_serve.server  # noqa: F401
    except ModuleNotFoundError:
        raise UsisError(_("textual-serve is not installed: pip install textual-serve")) from None
    from ..bootstrap import ensure_database
    from ..db import Database, mask_url
    from ..serving import (
        apply_environment,
        default_public_url,
        mask_output,
        room_server,
        session_environment,
    )

    settings.check()  # a bad option creates no database
    url = settings.url
    mask_output(url)  # from here on, nothing this process prints shows the password
    try:
        db = Database(url)
        try:
            if not db.has_schema():
                click.echo(_("Preparing the demo database (first start)…"), err=True)
            ensure_database(db, settings.moment(), demo=settings.wants_demo(db))
        finally:
            db.dispose()
    except UsisError as exc:
        raise UsisError(str(exc).replace(url, mask_url(url))) from None
    from ..config import overrides

    environment = session_environment(url, settings.frozen)  # what each session inherits
    queue_limit = overrides().get("max_sessions")  # usis --max-sessions N serve
    if queue_limit is not None:
        environment["USIS_MAX_SESSIONS"] = queue_limit
    language = overrides().get("lang")  # usis --lang nl serve: every session starts in Dutch
    if language is not None:
        environment["USIS_LANG"] = language
    if settings.tour is not None:  # usis --tour NAME serve: every session starts the tour
        environment["USIS_TOUR"] = settings.tour
    apply_environment(environment)
    server = room_server(served_command(), host=host, port=port,
                         public_url=public_url or default_public_url(host, port),
                         max_sessions=max_sessions or default_max_sessions(),
                         database=mask_url(url))
    server.serve()
