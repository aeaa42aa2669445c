"""The page registry: every uSis page once — its name, its parent, the screen that shows it, who
may open it, its help text and the other names people use for it.

Everything that knows about pages reads this table: the breadcrumb on each page, the command
palette, ``UsisApp.navigate`` (which puts the pages of the breadcrumb underneath the one opened,
so Escape walks back along it), the role checks, ``usis replay`` (``open "Shopping cart"``) and
the audit of opened pages. A page's path is written nowhere else.

To find the file of a page: its ``screen`` below names the module (``screens/<module>.py``).
Importing this module is cheap: screens are imported when a page is first built.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .i18n import N_, _, get_language, translations

if TYPE_CHECKING:
    from textual.screen import Screen

#: Who may open a page. "everyone": any signed-in user; "student": the student's own data (the
#: student, or support acting as them); "board" / "support" / "trainer" / "portal" (the Course
#: Portal's administration): that role only. The Course Portal's own pages: "public" (anybody,
#: signed in or not: the course offering) and "learner" (signed in to the Course Portal).
Audience = Literal["everyone", "student", "board", "support", "trainer", "portal", "public",
                   "learner"]
STAFF_AUDIENCES = ("board", "support", "trainer", "portal")

MAIN_MENU = N_("Main Menu")
#: the root of the Course Portal's pages (a second system: its breadcrumb starts here)
COURSE_PORTAL = N_("Course Portal")


@dataclass(frozen=True)
class Page:
    name: str
    parent: str | None
    screen: str  # "module:Class" under usis_tui.screens
    audience: Audience
    help: str
    aliases: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)  # passed to the screen's constructor

    def build(self, **options: Any) -> Screen:
        """A new screen for this page (its module imported now, on first use)."""
        module_name, _, class_name = self.screen.partition(":")
        module = importlib.import_module(f"{__package__}.screens.{module_name}")
        screen: Screen = getattr(module, class_name)(**{**self.options, **options})
        screen.usis_page = self.name  # type: ignore[attr-defined]
        return screen


def _enrol(name: str, tab: str, help_text: str, *aliases: str) -> Page:
    """The Enrol page on one of its tabs (Class Search, Drop, Shopping cart, ... are tabs)."""
    return Page(name, "Student Center", "enrol:EnrolScreen", "student", help_text, aliases,
                {"tab": tab})


REGISTRY: tuple[Page, ...] = (
    Page(MAIN_MENU, None, "main_menu:MainMenuScreen", "everyone", "Start page of uSis",
         ("home", "menu")),
    Page(N_("Self Service"), MAIN_MENU, "self_service:SelfServiceScreen", "everyone",
         N_("Your self-service pages")),
    Page(N_("Student Center"), "Self Service", "student_center:StudentCenterScreen", "student",
         N_("Enrol, plan, your academics, holds, enrolment dates, messages"),
         ("student centre",)),
    Page(N_("Message centre"), "Student Center", "messages:MessageCentreScreen", "student",
         N_("Messages from uSis: enrolment results, wait list promotions"),
         ("messages", "message center")),
    Page(N_("Timetable"), "Student Center", "timetable:TimetableScreen", "student",
         N_("MyTimetable: your week, wait-listed and planned classes, .ics export"),
         ("mytimetable", "my timetable")),
    Page(N_("Petitions"), "Student Center", "petitions:PetitionsScreen", "student",
         N_("My Academics: elective course, exemption, credits, external education"),
         ("petition",)),
    Page(N_("Study results"), "Student Center", "study_results:StudyResultsScreen", "student",
         N_("My Academics: your grades per year and semester, EC earned, course history"),
         ("view my grades", "grades", "results", "course history", "my grades")),
    Page(N_("Academic requirements"), "Student Center",
         "academic_requirements:AcademicRequirementsScreen", "student",
         N_("My Academics: what your programme requires and what you have done; what-if; "
            "binding study advice"),
         ("requirements", "what-if", "what if", "bsa", "binding study advice")),
    Page(N_("Courses still needed"), "Student Center",
         "courses_still_needed:CoursesStillNeededScreen", "student",
         N_("Which courses do I still need to follow? When they are taught; plan them into "
            "the Shopping cart"),
         ("still needed", "plan", "mystudymap", "which courses do i still need to follow?")),
    Page(N_("Schedule assistant"), "Student Center",
         "schedule_assistant:ScheduleAssistantScreen", "student",
         N_("Every timetable without clashes for the courses you choose, ranked by your "
            "preferences; one key puts it in the Shopping cart"),
         ("schedule planner", "timetable planner", "plan my week", "scheduler")),
    Page(N_("My courses in Brightspace"), "Student Center", "brightspace:BrightspaceScreen",
         "student", N_("The Brightspace courses your enrolments give access to"),
         ("brightspace",)),
    Page(N_("Minors"), "Student Center", "minors:MinorsScreen", "student",
         N_("Apply for a minor, change or cancel your application; places and wait lists")),
    Page(N_("Two-step sign-in"), "Self Service", "two_step_sign_in:TwoStepSignInScreen",
         "everyone", N_("Sign in with a code from an authenticator app after your password"),
         ("two-step", "2fa", "mfa", "authenticator")),
    Page(N_("Petitions to handle"), MAIN_MENU, "board:BoardQueueScreen", "board",
         N_("Board of Examiners: advise, decide and register grades"),
         ("board", "board of examiners")),
    Page(N_("Minor placement"), MAIN_MENU, "placement:MinorPlacementScreen", "board",
         N_("Board of Examiners: place or reject the applicants of a selection minor"),
         ("placement", "selection minors", "place minors")),
    Page(N_("Register results"), MAIN_MENU, "register_results:RegisterResultsScreen", "board",
         N_("Board of Examiners: type or import the grades of an exam or resit class"),
         ("register grades", "enter grades", "grade entry")),
    Page(N_("Tours"), MAIN_MENU, "tours:ToursScreen", "everyone",
         N_("Guided tours: the steps of a task one at a time, in a panel on every page; Show "
            "me does a step for you"), ("tour", "guided tours")),
    Page(N_("Find a student"), MAIN_MENU, "support:FindStudentScreen", "support",
         N_("Support: look a student up by number or name and act as them"),
         ("find student", "act as")),
    Page(N_("Audit trail"), MAIN_MENU, "audit:AuditTrailScreen", "support",
         N_("Support: a student's steps (who, for whom, when, outcome); export for replay"),
         ("audit",)),
    # ------------------------------------------------------------------ the Course Portal
    Page(COURSE_PORTAL, None, "portal.home:PortalHomeScreen", "public",
         N_("Courses for everyone: pick a course, enrol and pay"),
         ("portal", "course portal", "course offering", "courses")),
    Page(N_("Log in to the Course Portal"), COURSE_PORTAL, "portal.login:PortalLoginScreen",
         "public", N_("Log in with ULCN, eduID or \"Other login\", or create an account"),
         ("portal login", "create an account")),
    Page(N_("My courses"), COURSE_PORTAL, "portal.my_courses:MyCoursesScreen", "learner",
         N_("Your Course Portal courses: pay, Manage Course, Withdraw, Evaluation"),
         ("manage course", "withdraw")),
    Page(N_("My Records"), COURSE_PORTAL, "portal.records:MyRecordsScreen", "learner",
         N_("Download your certificates and proofs of attendance"),
         ("records", "certificates", "proof of attendance")),
    Page(N_("Portal messages"), COURSE_PORTAL, "portal.messages:PortalMessagesScreen",
         "learner", N_("Confirmations, reminders and reviews from the Course Portal"),
         ("portal inbox",)),
    Page(N_("Verify a certificate"), COURSE_PORTAL, "portal.verify:VerifyScreen", "public",
         N_("Check a certificate's verification code"), ("verify",)),
    Page(N_("Portal administration"), MAIN_MENU, "portal.admin:PortalAdminScreen", "portal",
         N_("Course Portal: the offering, enrolments and payments, invoices, completion"),
         ("course portal administration", "offerings")),
    Page(N_("Withdrawal reviews"), "Portal administration",
         "portal.admin_withdrawals:WithdrawalReviewsScreen", "portal",
         N_("Course Portal: approve or reject withdrawals under the cancellation policy"),
         ("withdrawals",)),
    Page(N_("Evaluation results"), "Portal administration",
         "portal.admin_evaluation:EvaluationResultsScreen", "portal",
         N_("Course Portal: the evaluations of a course, per question, with a chart"),
         ("evaluations",)),
    Page(N_("Outbox"), MAIN_MENU, "outbox:OutboxScreen", "trainer",
         N_("Trainer: every e-mail the demo sent (confirmation codes, confirmations)"),
         ("mail", "sent mail")),
    Page(N_("Classroom"), MAIN_MENU, "classroom:ClassroomScreen", "trainer",
         N_("Trainer: open a classroom for a guided tour and follow every trainee's step, "
            "live"), ("classrooms", "training session", "trainees")),
    _enrol(N_("Enrol"), "add",
           N_("Add classes: enrol by class number or by searching the course")),
    _enrol(N_("Class Search"), "search", N_("Enrol by searching the course"), "search"),
    _enrol(N_("Add"), "add", N_("Enrol: Add classes"), "add classes"),
    _enrol(N_("Drop"), "drop", N_("Enrol: Drop classes"), "drop classes"),
    _enrol(N_("Swap"), "swap", N_("Enrol: Swap a class for another"), "swap classes"),
    _enrol(N_("My Class Schedule"), "schedule", N_("Your enrolled and wait-listed classes"),
           "schedule"),
    _enrol(N_("Shopping cart"), "cart", N_("Classes you plan to enrol in"), "cart"),
)

_BY_NAME = {page.name: page for page in REGISTRY}
_BY_WORD = {**{alias: page.name for page in REGISTRY for alias in page.aliases},
            **{page.name.lower(): page.name for page in REGISTRY}}


def page(name: str) -> Page:
    """The page called exactly ``name`` (KeyError for anything else)."""
    return _BY_NAME[name]


def names() -> Iterator[str]:
    """Every page name, in the registry's order."""
    return iter(_BY_NAME)


def title(name: str) -> str:
    """The page's name as shown, in the current language ("Winkelwagen")."""
    return _(name)


def help_text(name: str) -> str:
    """The page's help text in the current language."""
    return _(_BY_NAME[name].help)


_DUTCH_WORDS: dict[str, str] = {}


def canonical_page(text: str) -> str | None:
    """The page name for what someone typed (any case, another name for it, or its name in
    Dutch: "winkelwagen"), or None."""
    word = " ".join(text.split()).lower()
    found = _BY_WORD.get(word)
    if found is None:
        if not _DUTCH_WORDS:
            dutch = translations("nl")
            _DUTCH_WORDS.update({dutch.gettext(name).lower(): name for name in _BY_NAME})
        found = _DUTCH_WORDS.get(word)
    return found


def breadcrumb_titles(trail: tuple[str, ...]) -> tuple[str, ...]:
    """A breadcrumb as shown in the current language (page names translated)."""
    if get_language() == "en":
        return trail
    return tuple(title(step) for step in trail)


def path(name: str) -> tuple[str, ...]:
    """The steps below the Main Menu that lead to ``name`` ("Main Menu" itself: ()); a Course
    Portal page's steps start at the "Course Portal"."""
    steps: list[str] = []
    current: str | None = name
    while current is not None and current != MAIN_MENU:
        steps.append(current)
        current = _BY_NAME[current].parent
    return tuple(reversed(steps))


def breadcrumb(name: str, *more: str) -> tuple[str, ...]:
    """What the page's breadcrumb shows: Main Menu › ... › the page (› ``more``, e.g. a
    petition opened on it); Course Portal › ... for the Course Portal's pages."""
    steps = path(name)
    if steps and steps[0] == COURSE_PORTAL:
        return (*steps, *more)
    return (MAIN_MENU, *steps, *more)


def in_portal(name: str) -> bool:
    """Whether ``name`` is one of the Course Portal's own pages (under "Course Portal")."""
    steps = path(name)
    return bool(steps) and steps[0] == COURSE_PORTAL


def may_open(name: str, role: str | None, has_student: bool,
             has_portal_account: bool = False) -> bool:
    """Whether a user with ``role`` may open the page; ``has_student``: a student's data is
    shown (the student signed in, or support acting as one); ``has_portal_account``: signed in
    to the Course Portal."""
    audience = _BY_NAME[name].audience
    if audience == "public":
        return True
    if audience == "learner":
        return has_portal_account
    if role is None:
        return False
    if audience in STAFF_AUDIENCES:
        return role == audience
    return audience == "everyone" or has_student


def is_staff_page(name: str) -> bool:
    """Staff's own pages: not steps of a student's session in the audit."""
    return _BY_NAME[name].audience in STAFF_AUDIENCES


# The names, in order, for code that lists them ("open" in a steps file, the palette).
PAGES: tuple[str, ...] = tuple(_BY_NAME)
