"""Self Service: the student's menu of self-service pages."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll

from ..i18n import N_, _
from ..widgets.literal import Label, Static
from ..widgets.menu_link import LinkRow
from .base import UsisScreen

LINKS = [  # page names (the registry's) and descriptions, translated where they are shown
    ("Student Center", N_("Your hub: enrol, plan, academics, holds and enrolment dates")),
    ("Enrol", N_("Add classes by class number or by searching the course")),
    ("Class Search", N_("Enrol by searching the course")),
    ("Shopping cart", N_("Classes you plan to enrol in")),
    ("My Class Schedule", N_("Your enrolled and wait-listed classes")),
    ("Timetable", N_("MyTimetable: your week at a glance")),
    ("Message centre", N_("Messages from uSis")),
]


class SelfServiceScreen(UsisScreen):
    PAGE = "Self Service"
    # Focus the first link at once: focusing the page first and moving on restyles it twice.
    AUTO_FOCUS = "MenuLink"
    BINDINGS = [
        Binding("c", "app.navigate('Student Center')", N_("Student Center"),
                id="self_service.navigate-student-center"),
        Binding("e", "app.navigate('Enrol')", N_("Enrol"), id="self_service.navigate-enrol"),
        Binding("m", "app.navigate('Message centre')", N_("Messages"),
                id="self_service.navigate-message-centre"),
    ]

    def compose_body(self) -> ComposeResult:
        identity = self.usis_app.identity
        with VerticalScroll(id="page"):
            yield Label(_("Self Service"), classes="page-title")
            if (identity is not None and identity.kind == "staff"
                    and self.usis_app.student_number is None):
                how = (_("Use Find a student (key f on the Main Menu) and act as the student "
                         "first.") if identity.role == "support"
                       else _("Only support staff can open them, by acting as a student."))
                yield Static(
                    _("You are signed in as staff ({role}). These pages show a student's own "
                      "data.").format(role=identity.role) + f" {how}",
                    id="staff-note", classes="note", markup=False)
            with Vertical(classes="menu-block") as block:
                block.border_title = _("Student Center")
                for label, description in LINKS:
                    yield LinkRow(label, label, _(description),
                                  link_id="link-" + label.lower().replace(" ", "-"))
            if identity is not None and identity.kind == "student":
                from ..widgets.literal import literal

                with Vertical(classes="menu-block") as account:
                    account.border_title = literal(_("Your account"))
                    yield LinkRow("Two-step sign-in", "Two-step sign-in",
                                  _("A code from your phone after your password"),
                                  link_id="link-two-step-sign-in")
