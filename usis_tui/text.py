"""Untrusted text made safe for a terminal, with no UI imports (the CLI uses it too).

``clean(text)`` swaps every character a terminal would obey — C0 controls (ESC starts colour,
title and clear-screen sequences) and DEL, C1 controls (``\x9b`` is a one-byte CSI), the
Unicode line/paragraph separators, lone surrogates, and the bidirectional overrides and isolates
that make text read differently from how it is stored — for a visible stand-in of the same
length: C0 and DEL become their "control pictures" (ESC shows as ␛), the rest U+FFFD (�). A
newline and a tab stay, unless ``oneline=True`` (then ␤ and a space).

``CleanStream`` applies it to everything the ``usis`` command prints (cli.main wraps stdout and
stderr), so no name, title or message from the database can reach the terminal as a command.
"""

from __future__ import annotations

import io
from typing import Any, TextIO

REPLACEMENT = "\ufffd"
BIDI = frozenset({0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)})


def _table(keep: str) -> dict[int, str]:
    table: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}
    table[0x7F] = "\u2421"  # ␡
    table.update({code: REPLACEMENT for code in range(0x80, 0xA0)})
    table.update({code: REPLACEMENT for code in BIDI})
    table[0x2028] = table[0x2029] = REPLACEMENT
    for ch in keep:
        del table[ord(ch)]
    return table


_MULTI = _table("\n\t")
_ONE = {**_table(""), 0x0A: "\u2424", 0x09: " "}  # ␤
_OUTPUT = _table("\n\t\r")


def _translate(text: str, table: dict[int, str]) -> str:
    out = text.translate(table)
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in out):  # lone surrogates (surrogateescape)
        out = "".join(REPLACEMENT if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in out)
    return out


def clean(value: object, *, oneline: bool = False) -> str:
    """``str(value)`` with every character a terminal would obey replaced by a visible one of
    the same length (see the module doc). None gives ""."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable():  # fast path: False for every control, format and separator char
        return text
    return _translate(text, _ONE if oneline else _MULTI)


def clean_output(text: str) -> str:
    """What the CLI may print: as :func:`clean`, keeping newline, tab and carriage return."""
    return text if text.isprintable() else _translate(text, _OUTPUT)


class CleanStream(io.TextIOBase):
    """A text stream that writes :func:`clean_output` of everything to ``raw``; bytes written
    to ``.buffer`` (``usis timetable --ics -``) pass unchanged."""

    def __init__(self, raw: TextIO) -> None:
        super().__init__()
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(clean_output(text))
        return len(text)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return self.raw.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw, "encoding", "utf-8") or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.raw, "errors", None)

    @property
    def buffer(self) -> Any:
        return self.raw.buffer


def raw_stream(stream: Any) -> Any:
    """The stream under a CleanStream (for click's progress bar, whose cursor codes are ours)."""
    return stream.raw if isinstance(stream, CleanStream) else stream
