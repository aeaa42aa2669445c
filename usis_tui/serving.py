"""`usis serve` for a room of browsers, not for the internet by accident.

textual-serve starts one app process per websocket connection and checks nothing: 30
connections from a page on another site started 60 processes (2.2 GB) here. ``RoomServer`` adds
what a shared server needs, before any process starts:

- **A session cap.** At most ``max_sessions`` app processes at once (each ~70 MB); the next
  browser gets "uSis is full: …" in its terminal and a websocket close 1013 (try again later),
  and the page itself is an HTTP 503 with that sentence while the room is full. A session's
  place is free again when its process has ended.
- **The Origin check.** A browser sends the page's origin with every websocket; any web page
  can open a websocket to any address (cross-site websocket hijacking, and DNS rebinding for a
  server on localhost), so the websocket is accepted only from the served URL's origin
  (``--public-url``, else http://HOST:PORT; localhost, 127.0.0.1 and ::1 count as one). Anything
  else, a missing Origin included, is an HTTP 403.
- **Secrets by environment.** The served command is ``python -m usis_tui`` without arguments:
  the database URL and the frozen clock reach each session as USIS_DATABASE_URL / USIS_NOW in
  its environment (textual-serve copies ``os.environ``), which only the same user can read,
  whereas process arguments are visible to every user (``ps``). The console shows the URL
  masked, and everything the serve process prints (textual-serve also echoes a failing
  session's stderr) passes through ``MaskingWriter``.
"""

from __future__ import annotations

import html
import ipaddress
import logging
import os
import shlex
import sys
from collections.abc import Iterable
from typing import IO, Any
from urllib.parse import quote, urlsplit

from .i18n import _, ngettext

SESSION_MB = 70  # one app process, measured
SESSIONS_PER_CPU = 8  # app processes are idle between key presses; start-up takes ~1 s of CPU
MEMORY_SHARE = 0.5  # the rest is for the database, the server and everything else
CLOSE_TRY_AGAIN_LATER = 1013  # websocket close code (RFC 6455 registry)
RETRY_AFTER_S = 30

log = logging.getLogger("textual-serve")


# ---------------------------------------------------------------------- the session cap
def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def available_memory() -> int | None:
    """Bytes of memory available to new processes (MemAvailable), None when unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None


def default_max_sessions(cpus: int | None = None, memory: int | None = None) -> int:
    """min(8 × CPUs, half the available memory ÷ 70 MB), at least 1."""
    cpus = cpu_count() if cpus is None else cpus
    memory = available_memory() if memory is None else memory
    limit = SESSIONS_PER_CPU * max(cpus, 1)
    if memory is not None:
        limit = min(limit, int(memory * MEMORY_SHARE) // (SESSION_MB * 1024 * 1024))
    return max(limit, 1)


def full_message(max_sessions: int) -> str:
    return ngettext("uSis is full: {n} session is in use; try again in a moment.",
                    "uSis is full: {n} sessions are in use; try again in a moment.",
                    max_sessions).format(n=max_sessions)


# ---------------------------------------------------------------------- the Origin check
Origin = tuple[str, str, int]  # scheme, host, port


def origin_of(url: str | None) -> Origin | None:
    """(scheme, host, port) of an http(s) URL or Origin header, default ports filled in;
    None for anything else (including the Origin "null" of sandboxed pages and files)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        return None
    return scheme, host, port or (443 if scheme == "https" else 80)


def is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def origin_allowed(origin: str | None, public_url: str) -> bool:
    """The Origin header names the served URL's origin (loopback names are interchangeable:
    a page opened as http://localhost:8000 may talk to a server announced as 127.0.0.1)."""
    got, want = origin_of(origin), origin_of(public_url)
    if got is None or want is None:
        return False
    if got == want:
        return True
    return (got[0], got[2]) == (want[0], want[2]) and is_loopback(got[1]) and is_loopback(want[1])


def check_public_url(url: str) -> str:
    """An http(s) URL without query or fragment, trailing slash dropped; ValueError else."""
    parts = urlsplit(url.strip())
    if origin_of(url) is None or parts.query or parts.fragment:
        raise ValueError(_("{url} is not an http:// or https:// address such as "
                           "https://usis.example.org").format(url=repr(url)))
    return url.strip().rstrip("/")


def default_public_url(host: str, port: int) -> str:
    if host in ("0.0.0.0", "::", ""):  # every interface: the name others know this machine by
        import socket

        host = socket.gethostname()
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    return f"http://{host}" if port == 80 else f"http://{host}:{port}"


# ---------------------------------------------------------------------- secrets
def served_command(python: str | None = None) -> str:
    """The shell command textual-serve runs for each browser connection: no database URL or
    other secret in it (they are in the environment, see ``session_environment``); ``exec`` so
    that each session is one process, not a shell plus the app."""
    return "exec " + shlex.join([python or sys.executable, "-m", "usis_tui"])


def session_environment(url: str, frozen: Any = None) -> dict[str, str | None]:
    """What the sessions need in their environment (None: remove the variable)."""
    return {"USIS_DATABASE_URL": url,
            "USIS_NOW": frozen.isoformat(timespec="seconds") if frozen is not None else None}


def apply_environment(values: dict[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def secrets_of(url: str) -> list[str]:
    """The parts of a database URL that must never be printed: its password, as typed and as
    percent-encoded."""
    try:
        from sqlalchemy.engine import make_url

        password = make_url(url).password
    except Exception:  # noqa: BLE001 - not a URL: nothing known to hide
        return []
    if not password:
        return []
    password = str(password)
    return sorted({password, quote(password, safe="")}, key=len, reverse=True)


class MaskingWriter:
    """A text stream that replaces every secret with *** before writing it on."""

    def __init__(self, stream: IO[str], secrets: Iterable[str]) -> None:
        self._stream = stream
        self._secrets = [s for s in secrets if s]

    def write(self, text: str) -> int:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, encoding, fileno, …
        if name == "buffer":  # no way around the mask (click writes to a text stream's buffer
            raise AttributeError(name)  # when it has one and the encoding is not its own)
        return getattr(self._stream, name)


def mask_output(url: str) -> None:
    """From now on, this process's stdout and stderr never show the URL's password."""
    hidden = secrets_of(url)
    if hidden:
        sys.stdout = MaskingWriter(sys.stdout, hidden)
        sys.stderr = MaskingWriter(sys.stderr, hidden)


# ---------------------------------------------------------------------- the server
def _printable(value: str | None, limit: int = 100) -> str:
    """A header value fit for the console: repr (escapes visible), bounded."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def room_server(command: str, *, host: str, port: int, public_url: str, max_sessions: int,
                database: str, title: str = "uSis"):
    """A textual-serve Server with the session cap and the Origin check (see the module)."""
    from aiohttp import web
    from textual_serve.server import Server

    class RoomServer(Server):
        def __init__(self) -> None:
            super().__init__(command, host=host, port=port, title=title, public_url=public_url)
            self.max_sessions = max_sessions
            self.sessions = 0
            self.database = database

        async def on_startup(self, app: web.Application) -> None:
            self.console.print(ngettext(
                "Serving uSis on {url} (database {database}; at most {n} session at once; "
                "browsers must open {url})",
                "Serving uSis on {url} (database {database}; at most {n} sessions at once; "
                "browsers must open {url})", self.max_sessions).format(
                    url=self.public_url, database=self.database, n=self.max_sessions),
                highlight=False, markup=False)
            self.console.print(_("Press Ctrl+C to quit"), highlight=False, markup=False)

        def full(self) -> bool:
            return self.sessions >= self.max_sessions

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            if self.full():
                message = html.escape(full_message(self.max_sessions))
                title, again = html.escape(_("uSis is full")), html.escape(_("Try again"))
                return web.Response(
                    status=503, content_type="text/html",
                    headers={"Retry-After": str(RETRY_AFTER_S)},
                    text=f"<!doctype html><title>{title}</title><p>{message}</p>"
                         f'<p><a href="">{again}</a></p>\n')
            return await super().handle_index(request)

        # A refusal by origin is a plain 403 (aiohttp takes any StreamResponse from a handler),
        # where textual-serve's annotation promises a WebSocketResponse.
        async def handle_websocket(  # type: ignore[override]
            self, request: web.Request
        ) -> web.StreamResponse:
            origin = request.headers.get("Origin")
            if not origin_allowed(origin, self.public_url):
                log.warning("%s", _("Refused a session from origin {origin}: only pages from "
                                    "{url} may connect (see --public-url)").format(
                                        origin=_printable(origin), url=self.public_url))
                return web.Response(status=403, text=_(
                    "Forbidden: this uSis is served at {url}; open it there.").format(
                        url=self.public_url) + "\n")
            if self.full():
                message = full_message(self.max_sessions)
                log.warning("%s", _("Refused a session: {reason}").format(reason=message))
                websocket = web.WebSocketResponse()
                await websocket.prepare(request)
                await websocket.send_bytes(f"\r\n  {message}\r\n".encode())  # the terminal
                await websocket.close(code=CLOSE_TRY_AGAIN_LATER, message=message.encode())
                return websocket
            self.sessions += 1  # no await since the check: two connections cannot both pass
            try:
                return await super().handle_websocket(request)
            finally:
                self.sessions -= 1

    return RoomServer()


__all__ = ["MaskingWriter", "check_public_url", "default_max_sessions", "default_public_url",
           "full_message", "mask_output", "origin_allowed", "origin_of", "room_server",
           "served_command", "session_environment"]
