"""Helpers for the Course Portal's Pilot tests and snapshots: a guest at the portal, a demo learner
logged in to it, typing into a field, reading the confirmation code from the outbox, waiting for
a delivered PDF."""

from __future__ import annotations

import email
import os
import re
from pathlib import Path

from helpers import settle
from shell_helpers import text_of, wait_ready

#: the demo learners (usis_tui/data/portal_demo.py), password "demo"
SANNE = "sanne.devries@example.com"
PIETER = "pieter.bakker@example.com"


async def guest_at_portal(pilot) -> None:
    """From the uSis Login, without a uSis account: the key "Course Portal"."""
    from usis_tui.screens.portal.home import PortalHomeScreen

    await wait_ready(pilot)
    await pilot.press("ctrl+o")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PortalHomeScreen), pilot.app.screen


async def learner(pilot, address: str = SANNE, page: str = "Course Portal", *,
                  course: str | None = None, **options) -> None:
    """Logged in to the Course Portal as a demo learner (through the portal's own sign-in
    service), then ``page`` opened; ``course``: the offering with that code opened on the
    Course Portal (``pay=True``: its payment)."""
    app = pilot.app
    await wait_ready(pilot)
    app.portal_identity = app.portal.portal_accounts.login(address, "demo")
    if course is not None:
        options["offering"] = offering_id(app, course)
    assert await app.navigate(page, **options), page
    await settle(pilot)


def offering_id(app, code: str) -> int:
    return next(o.id for o in app.portal.portal.offerings() if o.code == code)


async def type_into(pilot, selector: str, text: str, *, keys: bool = False) -> None:
    """Focus the field ``selector`` and fill it with ``text``: pasted (the quick way), or typed
    key by key (``keys``)."""
    field = pilot.app.screen.query_one(selector)
    field.focus()
    if hasattr(field, "text"):  # a TextArea
        field.text = text
    elif keys:
        field.value = ""
        await pilot.pause()
        await pilot.press(*["space" if c == " " else c for c in text])
    else:
        field.value = text
        field.cursor_position = len(text)
    await pilot.pause()


def page_text(screen) -> str:
    """The text of every text widget laid out on the screen (the hidden ones' not), joined:
    what a reader sees, scrolling."""
    from textual.widgets import Button, Label, Static
    from textual.widgets._toggle_button import ToggleButton

    parts = []
    for widget in screen.query("Static, Label, Button, ToggleButton"):
        if not widget.region.area:
            continue
        if isinstance(widget, (Button, ToggleButton)):
            parts.append(str(widget.label))
        elif isinstance(widget, (Static, Label)):
            parts.append(text_of(widget))
    return "\n".join(parts)


def outbox_mails(folder: Path, to: str) -> list[email.message.EmailMessage]:
    """The e-mails to ``to`` in the outbox folder (.eml files), oldest first."""
    found = []
    for path in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if message["To"] == to:
            found.append(message)
    return found


def code_in(message) -> str:
    found = re.search(r"\b(\d{6})\b", message.get_content())
    assert found, message.get_content()
    return found.group(1)


def downloads() -> Path:
    return Path(os.environ["XDG_DOWNLOAD_DIR"])


async def wait_for_pdf(pilot, path: Path, timeout: float = 5.0) -> bytes:
    """Textual writes a delivered file in a thread: wait until it is complete."""
    for _ in range(int(timeout / 0.05)):
        await pilot.pause(0.05)
        data = path.read_bytes() if path.exists() else b""
        if data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF"):
            return data
    raise AssertionError(f"{path} was not written")


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
