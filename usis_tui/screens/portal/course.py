"""A course of the Course Portal's offering (a step of "Course Portal": its breadcrumb ends in the
course's title): the full description, the practical facts, the cancellation policy's steps and
"Enrol" (pay.py), which asks to log in first when nobody is."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll

from ...i18n import N_, _
from ...navigation import COURSE_PORTAL
from ...services.portal.schemas import OfferingInfo
from ...widgets.literal import Button, Label, Static, literal
from ...widgets.problems import ProblemList
from ..calls import service_worker
from .base import PortalScreen
from .common import facts, offering_rows, policy_lines, state_text

#: why a course cannot be enrolled in, by its state
CLOSED = {"full": N_("This course is full. Choose another course or another date."),
          "started": N_("This course has already started; you can no longer enrol."),
          "finished": N_("This course has finished."),
          "cancelled": N_("This course has been cancelled.")}
TERMS = N_("Please note: before enrolling, make sure to read the cancellation policy and the "
           "general terms and conditions.")


class CourseScreen(PortalScreen):
    PAGE = COURSE_PORTAL
    BINDINGS = [
        Binding("e", "enrol", N_("Enrol"),
                tooltip=N_("Enrol and pay (you log in first if you have not)"),
                id="portal_course.enrol"),
        Binding("f5", "reload", N_("Refresh"), show=False, id="portal_course.reload"),
    ]

    def __init__(self, offering: OfferingInfo, *, pay: bool = False) -> None:
        super().__init__()
        self.offering = offering
        self.crumbs = (offering.title,)
        self._pay = pay

    def compose_body(self) -> ComposeResult:
        o = self.offering
        with VerticalScroll(id="page"):
            with Horizontal(classes="heading-row"):
                yield Label(o.title, classes="page-title", id="course-title")
                yield Button(_("Enrol"), id="course-enrol", variant="primary", compact=True)
            yield Static("", id="course-state")
            yield ProblemList(id="course-problems")
            with VerticalScroll(id="course-facts", classes="block") as block:
                block.border_title = literal(_("Practical information"))
                yield Static("", id="course-facts-text")
            with VerticalScroll(id="course-about", classes="block") as block:
                block.border_title = literal(_("About this course"))
                yield Static(o.description, id="course-description")
            with VerticalScroll(id="course-policy", classes="block") as block:
                block.border_title = literal(_("Cancellation"))
                yield Static("", id="course-policy-text")
            yield Static(_(TERMS), classes="hint")

    def on_mount(self) -> None:
        self.show()
        self.query_one("#course-enrol", Button).focus()  # loaded again on ScreenResume

    def show(self) -> None:
        o = self.offering
        state = state_text(o)
        if not o.can_enrol:
            state.append("  " + _(CLOSED.get(o.state, CLOSED["started"])), style="italic")
        self.query_one("#course-state", Static).update(state)
        self.query_one("#course-facts-text", Static).update(facts(offering_rows(o)))
        self.query_one("#course-policy-text", Static).update(
            policy_lines(o.policy_name, o.policy))
        self.query_one("#course-enrol", Button).disabled = not o.can_enrol
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "enrol":
            return self.offering.can_enrol
        return True

    def action_reload(self) -> None:
        self.reload()

    @service_worker(group="course", exclusive=True, problems="#course-problems")
    async def reload(self) -> None:
        """The places left now (they change while people pay)."""
        fresh = await self.fetch(self.facade.portal.offering, self.offering.id)
        if fresh is None:
            return
        self.offering = fresh
        self.show()
        if self._pay:
            self._pay = False
            await self.action_enrol()

    @on(Button.Pressed, "#course-enrol")
    async def _enrol_pressed(self) -> None:
        await self.action_enrol()

    async def action_enrol(self) -> None:
        o = self.offering
        if not o.can_enrol:
            return
        if self.identity is None:  # Log in, then back to paying for this course
            await self.ask_login(COURSE_PORTAL, offering=o.id, pay=True)
            return
        from .pay import PaymentScreen

        self.app.push_screen(PaymentScreen(o))

    def on_screen_resume(self) -> None:
        self.reload()


__all__ = ["CourseScreen"]
