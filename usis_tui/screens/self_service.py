"""Self Service: the student's menu of self-service pages."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll

from ..widgets.literal import Label, Static
from ..widgets.menu_link import LinkRow
from .base import UsisScreen

LINKS = [
    ("Student Center", "Your hub: enrol, plan, academics, holds and enrolment dates"),
    ("Enrol", "Add classes by class number or by searching the course"),
    ("Class Search", "Enrol by searching the course"),
    ("Shopping cart", "Classes you plan to enrol in"),
    ("My Class Schedule", "Your enrolled and wait-listed classes"),
    ("Timetable", "MyTimetable: your week at a glance"),
    ("Message centre", "Messages from uSis"),
]


class SelfServiceScreen(UsisScreen):
    PAGE = "Self Service"
    # Focus the first link at once: focusing the page first and moving on restyles it twice.
    AUTO_FOCUS = "MenuLink"
    BINDINGS = [
        Binding("c", "app.navigate('Student Center')", "Student Center",
                id="self_service.navigate-student-center"),
        Binding("e", "app.navigate('Enrol')", "Enrol", id="self_service.navigate-enrol"),
        Binding("m", "app.navigate('Message centre')", "Messages",
                id="self_service.navigate-message-centre"),
    ]

    def compose_body(self) -> ComposeResult:
        identity = self.usis_app.identity
        with VerticalScroll(id="page"):
            yield Label("Self Service", classes="page-title")
            if (identity is not None and identity.kind == "staff"
                    and self.usis_app.student_number is None):
                how = ("Use Find a student (key f on the Main Menu) and act as the student "
                       "first." if identity.role == "support"
                       else "Only support staff can open them, by acting as a student.")
                yield Static(
                    f"You are signed in as staff ({identity.role}). These pages show a "
                    f"student's own data. {how}",
                    id="staff-note", classes="note", markup=False)
            with Vertical(classes="menu-block") as block:
                block.border_title = "Student Center"
                for label, description in LINKS:
                    yield LinkRow(label, label, description,
                                  link_id="link-" + label.lower().replace(" ", "-"))
            if identity is not None and identity.kind == "student":
                from ..i18n import _
                from ..widgets.literal import literal

                with Vertical(classes="menu-block") as account:
                    account.border_title = literal(_("Your account"))
                    yield LinkRow(_("Two-step sign-in"), "Two-step sign-in",
                                  _("A code from your phone after your password"),
                                  link_id="link-two-step-sign-in")
