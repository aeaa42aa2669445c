"""What a person is told when something unexpected fails, and where the detail goes.

Anything that is not a refusal by the rules (``ServiceError``) — the database locked past its
busy timeout, a full disk, a lost PostgreSQL connection, a bug — is turned into one sentence a
student can act on, with a short reference. The detail (the exception, its SQL, the database URL,
the traceback) goes only to the log file under the platformdirs log folder
(``~/.local/state/usis-tui/log/usis.log`` on Linux), under that reference, so the helpdesk can
find it. Nothing here imports Textual: the app and the CLI both use it.
"""

from __future__ import annotations

import errno
import logging
import logging.handlers
import secrets
import threading
from pathlib import Path

from .errors import UsisError

LOGGER_NAME = "usis"
LOG_FILE = "usis.log"
_lock = threading.Lock()
_configured = False

BUSY = ("uSis is busy: the database is in use. Nothing was changed; try again in a moment.")
FULL = ("uSis could not save: the database's disk is full. Nothing was changed; please tell the "
        "uSis helpdesk.")
READ_ONLY = ("uSis cannot write to its database at the moment. Nothing was changed; please tell "
             "the uSis helpdesk.")
CONNECTION = ("uSis has lost its connection to the database. Nothing was changed; try again in "
              "a moment.")
UNEXPECTED = ("Something went wrong in uSis. Nothing was changed; try again, and if it keeps "
              "happening, contact the uSis helpdesk.")
PAGE = ("Something went wrong on this page. Check what you see before you try again; if it keeps "
        "happening, contact the uSis helpdesk.")


def log_dir() -> Path:
    """The folder of the log file: the ``log_dir`` setting (USIS_LOG_DIR, config file), else the
    platformdirs user log folder."""
    from .config import settings

    configured = settings().log_dir
    if configured:
        return configured.expanduser()
    from platformdirs import user_log_path

    return user_log_path("usis-tui", appauthor=False)


def logger() -> logging.Logger:
    """The ``usis`` logger, writing to the log file (set up on first use; if the folder cannot
    be made, the detail is dropped rather than shown to the user)."""
    global _configured
    log = logging.getLogger(LOGGER_NAME)
    if _configured:
        return log
    with _lock:
        if not _configured:
            try:
                folder = log_dir()
                folder.mkdir(parents=True, exist_ok=True)
                handler: logging.Handler = logging.handlers.RotatingFileHandler(
                    folder / LOG_FILE, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
            except OSError:
                handler = logging.NullHandler()
            handler.setFormatter(logging.Formatter(
                "%(asctime)s %(process)d %(levelname)s %(message)s"))
            log.addHandler(handler)
            log.setLevel(logging.INFO)
            log.propagate = False
            _configured = True
    return log


def log_failure(exc: BaseException, where: str = "") -> str:
    """Write ``exc`` with its traceback to the log; returns the reference to show."""
    reference = secrets.token_hex(4).upper()
    try:
        logger().error("[%s] %s%s", reference, f"{where}: " if where else "",
                       type(exc).__name__, exc_info=exc)
    except Exception:  # noqa: BLE001 - logging must never add a second failure
        pass
    return reference


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop()
        if item is None or any(item is s for s in seen) or len(seen) > 10:
            continue
        seen.append(item)
        todo.extend([getattr(item, "orig", None), item.__cause__, item.__context__])
    return seen


def kind_of(exc: BaseException) -> str:
    """busy, full, read_only, connection or unexpected."""
    for item in _chain(exc):
        if isinstance(item, OSError) and item.errno in (errno.ENOSPC, errno.EDQUOT):
            return "full"
        text = str(item).lower()
        name = type(item).__name__
        if "database is locked" in text or "database table is locked" in text or \
                "database is busy" in text or "lock timeout" in text:
            return "busy"
        if "disk is full" in text or "disk full" in text or "no space left" in text or \
                "database or disk is full" in text:
            return "full"
        if "readonly" in text or "read-only" in text:
            return "read_only"
        if name in ("DisconnectionError", "InterfaceError") or any(
                s in text for s in ("server closed the connection", "connection refused",
                                    "could not connect", "terminating connection",
                                    "connection is closed", "connection timed out",
                                    "consuming input failed", "the connection is lost",
                                    "connection already closed", "ssl syscall error")):
            return "connection"
    return "unexpected"


MESSAGES = {"busy": BUSY, "full": FULL, "read_only": READ_ONLY, "connection": CONNECTION,
            "unexpected": UNEXPECTED}


def describe(exc: BaseException, where: str = "") -> tuple[str, str, str]:
    """(kind, message, hint) for an unexpected failure; the detail is logged under the
    reference the hint names. A ``UsisError`` is already a sentence fit to show as it is."""
    reference = log_failure(exc, where)
    if isinstance(exc, UsisError):
        return "error", str(exc), f"Reference {reference}."
    kind = kind_of(exc)
    return kind, MESSAGES[kind], f"Reference {reference} (the details are in the uSis log)."
