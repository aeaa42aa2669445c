"""A QR code drawn in the terminal with half blocks (▀ ▄ █): two modules per character cell,
dark on light whatever the theme (a scanner needs dark modules on a light quiet zone).

An otpauth:// URI of a TOTP secret is a version 4-6 QR code (33-41 modules): with a quiet zone
of 2 modules it is at most 45 columns by 23 rows.
"""

from __future__ import annotations

from .literal import Static

QUIET_ZONE = 2


def qr_text(data: str, border: int = QUIET_ZONE) -> str:
    """``data`` as a QR code (error correction L, the smallest) in half-block characters."""
    import segno

    code = segno.make(data, error="l", boost_error=False)
    rows = [[bool(module) for module in row]
            for row in code.matrix_iter(scale=1, border=border)]
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    lines = []
    for top, bottom in zip(rows[::2], rows[1::2], strict=True):
        lines.append("".join("█" if t and b else "▀" if t else "▄" if b else " "
                             for t, b in zip(top, bottom, strict=True)))
    return "\n".join(lines)


class QrCode(Static):
    """The QR code of ``data`` (black on white)."""

    DEFAULT_CSS = """
    QrCode {
        width: auto;
        height: auto;
        color: #000000;
        background: #ffffff;
    }
    """

    def __init__(self, data: str = "", *, id: str | None = None,  # noqa: A002 - Textual's widget `id` keyword
                 classes: str | None = None) -> None:
        super().__init__(qr_text(data) if data else "", id=id, classes=classes)

    def show(self, data: str) -> None:
        self.update(qr_text(data))
