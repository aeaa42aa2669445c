"""`usis serve [--host 127.0.0.1] [--port 8000]`: the app in a web browser (textual-serve).

Every browser tab starts its own `usis` process with the same --db / --now, so a trainer can
project the app; the database is prepared once, before the first connection.
"""

from __future__ import annotations

import shlex
import sys

import click

from .cli import Settings, common_options
from .errors import UsisError


def served_command(settings: Settings) -> str:
    """The shell command textual-serve runs for each browser connection."""
    argv = [sys.executable, "-m", "usis_tui", "--db", settings.url]
    frozen = settings.frozen
    if frozen is not None:
        argv += ["--now", frozen.isoformat(timespec="minutes")]
    return shlex.join(argv)


@click.command("serve")
@common_options
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port to listen on.")
@click.option("--public-url", metavar="URL",
              help="The address browsers use, when it differs from http://HOST:PORT.")
@click.pass_obj
def serve_command(settings: Settings, host: str, port: int, public_url: str | None) -> None:
    """Serve the app to web browsers with textual-serve (open http://HOST:PORT)."""
    try:
        from textual_serve.server import Server
    except ModuleNotFoundError:
        raise UsisError("textual-serve is not installed: pip install textual-serve") from None
    from .bootstrap import ensure_database
    from .db import Database

    db = Database(settings.url)
    try:
        if not db.has_schema():
            click.echo("Preparing the demo database (first start)…", err=True)
        ensure_database(db, settings.moment())
    finally:
        db.dispose()
    command = served_command(settings)
    if public_url is None and host in ("0.0.0.0", "::"):
        import socket

        public_url = f"http://{socket.gethostname()}:{port}"
    server = Server(command, host=host, port=port, title="uSis", public_url=public_url)
    server.serve()
