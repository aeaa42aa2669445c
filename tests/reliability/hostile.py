"""Hostile text for the trust-boundary tests: the strings, where to plant them in a database, and
how to read what the terminal would receive.

Each string is a way text from a user, a file or the database has been seen to attack a Textual
app: markup that becomes an action or crashes the screen, ANSI/OSC escapes that restyle the
terminal or set its title, C1 controls (a one-byte CSI), bidirectional overrides, zero-width
characters, 10 kB, emoji.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select, update

from usis_tui.db import Database
from usis_tui.models import (
    AuditEntry,
    ClassSection,
    Course,
    Meeting,
    Message,
    Petition,
    Student,
)


@dataclass(frozen=True)
class Hostile:
    id: str
    text: str
    stored: bool  # services store it as it is (else they refuse it with a message)
    shown: str  # what a screen must show of it: literally, controls as visible stand-ins


HOSTILE = [
    Hostile("markup-action", "[@click=app.quit]AIR click[/]", True, "[@click=app."),
    Hostile("markup-close", "[/] AIR", True, "[/] AIR"),
    Hostile("unbalanced", "[/] Broken title [", True, "[/] Broken t"),
    Hostile("styled", "[bold red]Red[/] [link=https://evil.example]link[/link]", True,
            "[bold red]Re"),
    Hostile("ansi", "Evil\x1b[31mRED\x1b[0m", False, "Evil␛[31mRED"),
    Hostile("osc-title", "\x1b]0;PWNED\x07Name", False, "␛]0;PWNED"),  # BEL: shown or dropped
    Hostile("c1", "C1\x9b31mcsi\x85nel", False, "C1�31mcsi"),
    Hostile("bidi", "abc\u202egpj.exe\u2066x\u2069", False, "abc�gpj.exe"),
    Hostile("zero-width", "zero\u200bwidth\u200djoin\ufeff", True, "zero\u200bwidth"),
    Hostile("ten-kb", "x" * 10_240, False, "xxxxxxxxxx"),
    Hostile("emoji", "🎓📚 👩‍🎓 studie", True, "🎓📚"),
]
IDS = [h.id for h in HOSTILE]

STUDENT, OTHER = "s1234567", "s7654321"
CLASS = "2032"  # Eva's Monday lecture 4031CPLANY (demo database)


def plant(url: str, text: str, again: dict[str, int] | None = None) -> dict[str, int]:
    """Write ``text`` straight into the database (as a damaged import or another program
    could), wherever a screen shows stored text: the title, instructor and room of Eva's class
    2032, the name of Jan (s7654321), a message to Eva (unread), Jan's petitions, and an audit
    entry of Eva. Returns the ids it touched; given them back (``again``), it writes the next
    text over the same rows (the same message and audit entry, unread again) instead of adding
    new ones, so one running app can be shown string after string."""
    db = Database(url)
    try:
        with db.write() as session:
            section = session.scalar(select(ClassSection).where(
                ClassSection.class_number == CLASS).order_by(ClassSection.id))
            session.execute(update(Course).where(Course.id == section.course_id)
                            .values(title=text))
            section.instructor = text
            session.execute(update(Meeting).where(Meeting.section_id == section.id)
                            .values(room=text))
            eva = session.scalar(select(Student).where(Student.student_number == STUDENT))
            jan = session.scalar(select(Student).where(Student.student_number == OTHER))
            jan.name = text
            petitions = list(session.scalars(select(Petition).where(
                Petition.student_id == jan.id).order_by(Petition.id)))
            for petition in petitions:
                petition.course_name = petition.institution = text
                petition.motivation = text
            if again is None:
                message = Message(student_id=eva.id, category="enrolment", subject=text,
                                  body=text, created_at=section.enrol_opens_at, read_at=None)
                entry = AuditEntry(at=section.enrol_opens_at, actor=STUDENT,
                                   acting_for=STUDENT, action="cart_add", detail=text,
                                   outcome="ok")
                session.add_all([message, entry])
            else:
                message = session.get(Message, again["message"])
                entry = session.get(AuditEntry, again["audit"])
                message.subject = message.body = entry.detail = text
                message.read_at = None
            session.flush()
            return {"section": section.id, "petitions": len(petitions), "message": message.id,
                    "audit": entry.id}
    finally:
        db.dispose()


# What a terminal may receive from Textual besides text: SGR styles and cursor moves (CSI), and
# OSC 8 hyperlinks that Textual itself makes for real links.
_CSI = re.compile(r"\x1b\[[0-9;:?<=>]*[ -/]*[@-~]")
_OSC8 = re.compile(r"\x1b\]8;[^\x07\x1b]*(?:\x1b\\|\x07)")
_FORBIDDEN = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def frame(app) -> str:
    """The full frame of the current screen as the terminal would receive it."""
    update = app.screen._compositor.render_full_update()
    return update.render_segments(app.console)


def visible(app) -> str:
    """The text of the current screen (every cell, no styles)."""
    update = app.screen._compositor.render_full_update()
    return "\n".join("".join(seg.text for strip in line for seg in strip)
                     for line in update.strips)


def terminal_problems(app) -> list[str]:
    """What in the frame a terminal would obey beyond styles and cursor moves: an OSC other
    than our own hyperlinks (a title), a bell, a C1 control, a bidi override; a hyperlink to a
    place the app never links to."""
    data = frame(app)
    problems = [f"hyperlink {m!r}" for m in _OSC8.findall(data) if "evil.example" in m]
    rest = _CSI.sub("", _OSC8.sub("", data))
    problems += [f"{ch!r} at {i}" for i, ch in
                 ((m.start(), m.group()) for m in _FORBIDDEN.finditer(rest))][:5]
    return problems
