"""Main Menu: the first page after signing in."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll

from ..i18n import N_, _
from ..widgets.literal import Label, Static
from ..widgets.menu_link import LinkRow, MenuLink
from .base import UsisScreen


class MainMenuScreen(UsisScreen):
    PAGE = "Main Menu"
    # Focus the first link at once: focusing the page first and moving on restyles it twice.
    AUTO_FOCUS = "#link-self-service"
    BINDINGS = [
        Binding("escape", "back", N_("Back"), show=False, id="main_menu.back"),
        Binding("s", "app.navigate('Self Service')", N_("Self Service"),
                id="main_menu.navigate-self-service"),
        Binding("p", "board", N_("Petitions to handle"), id="main_menu.board"),
        Binding("m", "placement", N_("Placement"),
                tooltip=N_("Board: place or reject the applicants of a selection minor"),
                id="main_menu.placement"),
        Binding("g", "results", N_("Results"),
                tooltip=N_("Register results: the grades of an exam or resit class"),
                id="main_menu.results"),
        Binding("f", "find", N_("Find a student"),
                tooltip=N_("Support: look a student up and act as them"), id="main_menu.find"),
        Binding("a", "audit", N_("Audit trail"),
                tooltip=N_("Support: a student's steps, with filters; export them for a replay"),
                id="main_menu.audit"),
        Binding("r", "reset", N_("Reset demo database"),
                tooltip=N_("Trainer: delete everything and write the demo data again"),
                id="main_menu.reset"),
        Binding("k", "clock", N_("Set the clock"),
                tooltip=N_("Trainer: freeze the clock at a moment or move it"),
                id="main_menu.clock"),
        Binding("c", "app.navigate('Course Portal')", N_("Course Portal"),
                tooltip=N_("Courses for everyone: pick a course, enrol and pay"), show=False,
                id="main_menu.course-portal"),
        Binding("o", "app.sign_out", N_("Sign out"), id="main_menu.sign-out"),
        # the Course Portal's administration (role "portal") and the trainer's outbox
        Binding("d", "portal_admin", N_("Portal administration"),
                tooltip=N_("Course Portal: the offering, enrolments, payments, withdrawals, "
                           "evaluations"), id="main_menu.portal-admin"),
        Binding("e", "outbox", N_("Outbox"),
                tooltip=N_("Trainer: every e-mail the demo sent"), id="main_menu.outbox"),
        Binding("l", "classroom", N_("Classroom"),
                tooltip=N_("Trainer: open a classroom and follow every trainee's step"),
                id="main_menu.classroom"),
    ]

    def compose_body(self) -> ComposeResult:
        identity = self.usis_app.identity
        name = identity.name if identity else ""
        with VerticalScroll(id="page"):
            yield Label(_("Main Menu"), classes="page-title")
            yield Static(_("Welcome, {name}.").format(name=name), id="welcome", markup=False)
            with Vertical(classes="menu-block") as block:
                block.border_title = _("Menu")
                yield LinkRow("Self Service", "Self Service",
                              _("Student Center, enrolment, class schedule and messages"),
                              link_id="link-self-service")
                if identity is not None and identity.role == "board":
                    yield LinkRow("Petitions to handle", "Petitions to handle",
                                  _("Board of Examiners: advise, decide and register grades"),
                                  link_id="link-board")
                    yield LinkRow("Minor placement", "Minor placement",
                                  _("Place or reject the applicants of a selection minor"),
                                  link_id="link-placement")
                    yield LinkRow("Register results", "Register results",
                                  _("Type or import the grades of an exam or resit class"),
                                  link_id="link-register-results")
                if identity is not None and identity.role == "support":
                    yield LinkRow("Find a student", "Find a student",
                                  _("Look a student up by number or name and act as them"),
                                  link_id="link-find-student")
                    yield LinkRow("Audit trail", "Audit trail",
                                  _("A student's steps: who, for whom, when, outcome"),
                                  link_id="link-audit")
                if identity is not None and identity.role == "trainer":
                    yield LinkRow(N_("Reset demo data"), "",
                                  _("Delete everything and write the demo data again"),
                                  link_id="link-reset")
                    yield LinkRow(N_("Set the clock"), "",
                                  _("Freeze the clock at a moment, or move it by an hour or a "
                                    "day"), link_id="link-clock")
                if identity is not None and identity.role == "portal":
                    yield LinkRow("Portal administration", "Portal administration",
                                  _("Course Portal: the offering, enrolments and payments, "
                                    "withdrawals, certificates, evaluations"),
                                  link_id="link-portal-admin")
                if identity is not None and identity.role == "trainer":
                    yield LinkRow("Outbox", "Outbox",
                                  _("The e-mails the demo sent: confirmation codes, "
                                    "confirmations, reminders"), link_id="link-outbox")
                    yield LinkRow("Classroom", "Classroom",
                                  _("Open a classroom for a guided tour and follow every "
                                    "trainee's step, live"), link_id="link-classroom")
                if identity is not None and identity.role in ("student", "trainer"):
                    yield LinkRow("Tours", "Tours",
                                  _("Guided tours: a task step by step, with Show me"),
                                  link_id="link-tours")
                yield LinkRow("Course Portal", "Course Portal",
                              _("Courses for everyone: pick a course, enrol and pay"),
                              link_id="link-course-portal")
                yield LinkRow(N_("Sign out"), "", _("End your uSis session"),
                              link_id="link-sign-out")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "board":  # only the Board of Examiners sees (and has) this key
            return self.usis_app.may_open("Petitions to handle")
        if action == "placement":
            return self.usis_app.may_open("Minor placement")
        if action == "results":
            return self.usis_app.may_open("Register results")
        if action == "find":  # support's pages: only support has these keys
            return self.usis_app.may_open("Find a student")
        if action == "audit":
            return self.usis_app.may_open("Audit trail")
        if action == "portal_admin":
            return self.usis_app.may_open("Portal administration")
        if action == "outbox":
            return self.usis_app.may_open("Outbox")
        if action == "classroom":
            return self.usis_app.may_open("Classroom")
        if action in ("reset", "clock"):  # the trainer's tools
            return self.usis_app.role == "trainer"
        return True

    async def action_find(self) -> None:
        await self.usis_app.navigate("Find a student")

    async def action_audit(self) -> None:
        await self.usis_app.navigate("Audit trail")

    async def action_reset(self) -> None:
        await self.usis_app.action_reset_demo()

    async def action_clock(self) -> None:
        await self.usis_app.action_set_clock()

    async def action_results(self) -> None:
        await self.usis_app.navigate("Register results")

    async def action_board(self) -> None:
        await self.usis_app.navigate("Petitions to handle")

    async def action_portal_admin(self) -> None:
        await self.usis_app.navigate("Portal administration")

    async def action_outbox(self) -> None:
        await self.usis_app.navigate("Outbox")

    async def action_classroom(self) -> None:
        await self.usis_app.navigate("Classroom")

    async def action_placement(self) -> None:
        await self.usis_app.navigate("Minor placement")

    def action_back(self) -> None:
        """Main Menu is the start: Escape stays here."""

    @on(MenuLink.Selected, "#link-sign-out")
    async def _sign_out(self) -> None:
        await self.usis_app.action_sign_out()

    @on(MenuLink.Selected, "#link-reset")
    async def _reset(self) -> None:
        await self.usis_app.action_reset_demo()

    @on(MenuLink.Selected, "#link-clock")
    async def _clock(self) -> None:
        await self.usis_app.action_set_clock()
