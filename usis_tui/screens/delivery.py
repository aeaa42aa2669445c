"""Files leave the app one way: through Textual's delivery, never to a path somebody typed.

``deliver(app, data, filename, mime_type=...)`` hands a file (the timetable's .ics, the audit
trail's steps file, anything later) to the person at the screen:

- in a terminal, it lands in their downloads folder (platformdirs; ``XDG_DOWNLOAD_DIR`` on
  Linux) under a fresh name: ``usis-timetable-s1234567.ics``, else ``… (2).ics`` and so on. The
  name is reserved with an exclusive create before Textual writes it, so an existing file is
  never replaced, and the name is ours (letters, digits, ``.-_`` and spaces), never typed;
- through ``usis serve``, the browser downloads it and nothing is written on the server.

The app tells the person where it went when Textual reports the delivery
(``UsisApp.on_delivery_complete`` / ``on_delivery_failed``).
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from weakref import WeakKeyDictionary

from textual.app import App

from ..i18n import N_, _

#: ``DeliveryComplete.name`` of our deliveries (Textual's own screenshots use "screenshot").
DELIVERY_NAME = "usis-file"
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_filename(name: str, default: str = "usis-export.txt") -> str:
    """A file name made only of letters, digits, ``.-_`` and spaces, with no path in it."""
    base = _UNSAFE.sub("_", os.path.basename(name or "")).strip(" .") or default
    return base[:120]


def downloads_folder() -> Path:
    from platformdirs import user_downloads_path

    return Path(user_downloads_path())


def reserve(folder: Path, filename: str) -> Path:
    """Create an empty new file ``folder/filename`` — or ``stem (2).ext``, ``stem (3).ext`` …
    — that did not exist before (O_EXCL: an existing file, or a link planted there, is never
    opened), and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    stem, dot, suffix = filename.rpartition(".")
    if not dot:
        stem, suffix = filename, ""
    for n in range(1, 10_000):
        name = filename if n == 1 else f"{stem} ({n}){dot}{suffix}"
        candidate = folder / name
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        os.close(fd)
        return candidate
    raise FileExistsError(f"{folder} has too many files called {filename}")


def deliver(app: App, text: str, filename: str, *, mime_type: str,
            what: str = N_("The file")) -> Path | None:
    """Deliver ``text`` (UTF-8) as ``filename`` (see the module doc). Returns the path it will
    be written to in a terminal, None when the browser downloads it. Raises OSError when the
    downloads folder cannot be written to. ``what`` is an English message marked with ``N_``
    ("Your timetable"): the messages about the delivery show it in the language of that moment.

    Text only: Textual 8.2's terminal driver picks the write mode with
    ``isinstance(file, typing.BinaryIO)``, which is False for ``io.BytesIO``, so a binary
    delivery would fail there; our files (iCalendar, steps) are text."""
    name = safe_filename(filename)
    if app.is_web:
        key = app.deliver_text(io.StringIO(text), save_filename=name, mime_type=mime_type,
                               name=DELIVERY_NAME, encoding="utf-8")
        target = None
    else:
        target = reserve(downloads_folder(), name)
        key = app.deliver_text(io.StringIO(text), save_directory=target.parent,
                               save_filename=target.name, mime_type=mime_type,
                               name=DELIVERY_NAME, encoding="utf-8")
    if key is not None:
        PENDING.setdefault(app, {})[key] = (what, name)
    return target


def deliver_bytes(app: App, data: bytes, filename: str, *, mime_type: str,
                  what: str = N_("The file")) -> Path | None:
    """Deliver a binary file (a certificate's or an invoice's PDF) as ``filename``, as
    :func:`deliver` does.

    Through ``usis serve`` it goes as bytes (``deliver_binary``). In a terminal, Textual 8.2's
    driver cannot save bytes (it opens the file in binary mode *with* an encoding, which
    Python refuses, and it tells a ``BytesIO`` from text with ``isinstance(f, BinaryIO)``,
    which is False), so the bytes go through its text path as Latin-1, which writes every byte
    value 0-255 as that same byte: the file is exactly ``data``. (Text mode would turn "\\n"
    into the platform's line ending: on POSIX that is "\\n" itself.)"""
    name = safe_filename(filename)
    if app.is_web:
        key = app.deliver_binary(io.BytesIO(data), save_filename=name, mime_type=mime_type,
                                 name=DELIVERY_NAME)
        target = None
    else:
        target = reserve(downloads_folder(), name)
        key = app.deliver_text(io.StringIO(data.decode("latin-1"), newline=""),
                               save_directory=target.parent, save_filename=target.name,
                               mime_type=mime_type, name=DELIVERY_NAME, encoding="latin-1")
    if key is not None:
        PENDING.setdefault(app, {})[key] = (what, name)
    return target


#: What each delivery in flight is ("Your timetable", its file name), by app and delivery key,
#: for the message when Textual reports it done or failed.
PENDING: WeakKeyDictionary[App, dict[str, tuple[str, str]]] = WeakKeyDictionary()


def delivered(app: App, key: str, path: Path | None) -> str:
    """The message for a finished delivery."""
    what, name = PENDING.get(app, {}).pop(key, (N_("The file"), ""))
    # Translators: {what} is "Your timetable", "The steps file" or "The file"
    if path is None:
        return _("{what} is downloading in your browser as {name}.").format(what=_(what),
                                                                             name=name)
    return _("{what} is saved as {path}.").format(what=_(what), path=path)


def failed(app: App, key: str, error: BaseException | None) -> str:
    from ..failures import log_failure

    what, _name = PENDING.get(app, {}).pop(key, (N_("The file"), ""))
    reference = log_failure(error or RuntimeError("delivery failed"), "deliver a file")
    return _("{what} could not be saved in your downloads folder. Nothing else was changed. "
             "Reference {reference}.").format(what=_(what), reference=reference)
