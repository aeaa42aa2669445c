"""Typed results the services return (pydantic): screens and the CLI render these, nothing else."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..i18n import N_, _, _in, format_datetime, get_language, ngettext, normalise, weekday_name
from ..models import COMPONENTS, WEEKDAYS

Component = Literal["Lecture", "Tutorial", "Practical", "Exam", "Resit"]
ClassStatus = Literal["Open", "Wait List", "Closed"]
PeriodState = Literal["open", "not_yet_open", "closed"]
Outcome = Literal["enrolled", "waitlisted", "failed"]
ScheduleStatus = Literal["enrolled", "waitlisted", "dropped"]
Role = Literal["student", "support", "board", "trainer", "portal"]

# Display labels: the values above stay English (stored, compared, in tests); what a person
# reads is the label, translated where it is shown.
COMPONENT_LABELS = {"Lecture": N_("Lecture"), "Tutorial": N_("Tutorial"),
                    "Practical": N_("Practical"), "Exam": N_("Exam"), "Resit": N_("Resit")}
CLASS_STATUS_LABELS = {"Open": N_("Open"), "Wait List": N_("Wait List"), "Closed": N_("Closed")}


def day_label(weekday: int, language: object | None = None) -> str:
    """A weekday as shown with a meeting's times: "Mo" in English (uSis; also the stored and
    imported value, models.WEEKDAYS), "ma" in Dutch; ``language``: default the current one."""
    chosen = normalise(language) or get_language()
    return WEEKDAYS[weekday] if chosen == "en" else weekday_name(weekday, language=chosen)


def days_times(weekday: int, start: time, end: time, language: object | None = None) -> str:
    """"Mo 11:15-13:00" ("ma 11:15-13:00" in Dutch), as Meeting.days_times in English."""
    return f"{day_label(weekday, language)} {start:%H:%M}-{end:%H:%M}"


def component_label(component: str, language: object | None = None) -> str:
    """"Lecture" → "Hoorcollege" in Dutch; ``language``: default the current one."""
    label = COMPONENT_LABELS.get(component)
    return _in(language, label) if label else component


def class_status_label(status: str) -> str:
    """"Open", "Wait List", "Closed" in the current language."""
    label = CLASS_STATUS_LABELS.get(status)
    return _(label) if label else status


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Problem(Frozen):
    """One blocking reason, in uSis wording, with what the student can do about it."""

    code: str
    message: str
    hint: str = ""


class MeetingInfo(Frozen):
    weekday: int
    start: time
    end: time
    room: str | None
    start_date: date
    end_date: date
    weeks: str | None = None

    @property
    def day(self) -> str:
        """"Mo" ("ma" in Dutch)."""
        return day_label(self.weekday)

    @property
    def days_times(self) -> str:
        return days_times(self.weekday, self.start, self.end)


class ClassInfo(Frozen):
    section_id: int
    academic_year: str
    class_number: str
    catalogue_number: str
    title: str
    component: Component
    section: str
    ec: float
    level: int
    honours: bool
    programme: str | None
    instructor: str | None
    capacity: int
    enrolled: int
    waitlist_capacity: int
    waitlisted: int
    status: ClassStatus
    enrol_opens_at: datetime
    enrol_closes_at: datetime
    period_state: PeriodState
    meetings: list[MeetingInfo] = Field(default_factory=list)
    brightspace_url: str | None = None
    parent_class_number: str | None = None
    minor_type: str | None = None
    # A part of a minor (its parent is the minor's class, e.g. 1059 under 1058): its EC are
    # part of the minor's, never counted on top of them (``counted_ec``).
    minor_part: bool = False

    @property
    def days_times(self) -> str:
        """Distinct weekly patterns, e.g. "Mo 11:15-13:00, We 09:00-10:45"."""
        seen: list[str] = []
        for m in self.meetings:
            if m.days_times not in seen:
                seen.append(m.days_times)
        return ", ".join(seen) if seen else _("TBA")

    @property
    def rooms(self) -> str:
        rooms: list[str] = []
        for m in self.meetings:
            if m.room and m.room not in rooms:
                rooms.append(m.room)
        return ", ".join(rooms) if rooms else _("TBA")

    @property
    def status_label(self) -> str:
        """``status`` ("Open", "Wait List", "Closed") as shown, in the current language."""
        return class_status_label(self.status)

    @property
    def component_label(self) -> str:
        return component_label(self.component)

    @property
    def seats(self) -> str:
        return f"{self.enrolled}/{self.capacity}"


def counted_ec(classes: Iterable[ClassInfo]) -> dict[str, float]:
    """EC per course (catalogue number) of these classes, each course once. A part of a minor
    adds nothing when its minor is among them: the minor's EC include its parts' (1058's 30 EC
    hold 1059 and 1060). The one rule for every EC total shown (rules.course_ec is the same
    rule for the enrolment checks)."""
    classes = list(classes)
    numbers = {(c.academic_year, c.class_number) for c in classes}
    out: dict[str, float] = {}
    for c in classes:
        if c.minor_part and (c.academic_year, c.parent_class_number) in numbers:
            continue
        out.setdefault(c.catalogue_number, c.ec)
    return out


MAX_SEARCH_TEXT = 200


class SearchCriteria(BaseModel):
    """The PeopleSoft class search fields."""

    academic_year: str
    programme: str | None = None
    catalogue_number: str | None = None
    title: str | None = None
    class_number: str | None = None
    component: Component | None = None
    days: list[int] = Field(default_factory=list)
    start_after: time | None = None
    end_before: time | None = None
    instructor: str | None = None
    level: int | None = None
    ec: float | None = None
    open_only: bool = True
    page: int = Field(default=1, ge=1)
    page_size: int = Field(default=50, ge=1, le=500)

    @field_validator("programme", "catalogue_number", "title", "class_number", "instructor",
                     mode="before")
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        if isinstance(v, str):  # control characters (NUL ends a SQLite LIKE pattern) go
            v = "".join(ch for ch in v if ch.isprintable()).strip()
            if len(v) > MAX_SEARCH_TEXT:
                raise ValueError(_("A search field holds at most {limit} characters, not "
                                   "{length}.").format(limit=MAX_SEARCH_TEXT, length=len(v)))
            return v or None
        return v

    @field_validator("days")
    @classmethod
    def _days(cls, v: list[int]) -> list[int]:
        for d in v:
            if not 0 <= d <= 6:
                raise ValueError(_("days of week are 0 (Monday) to 6 (Sunday)"))
        return sorted(set(v))

    def has_criteria(self) -> bool:
        return any([self.programme, self.catalogue_number, self.title, self.class_number,
                    self.component, self.days, self.start_after, self.end_before,
                    self.instructor, self.level, self.ec is not None])


class SearchPage(Frozen):
    results: list[ClassInfo]
    total: int
    page: int
    pages: int


class CartLine(Frozen):
    item_id: int
    cls: ClassInfo
    wait_list_ok: bool
    permission_number: str | None
    added_at: datetime
    problems: list[Problem] = Field(default_factory=list)
    would: Outcome = "failed"  # what Enrol would do now: enrolled, waitlisted or failed
    # Other classes in the cart (same academic year) whose meetings overlap this one's: the plan
    # cannot hold both (Enrol refuses the second with a Time Scheduling Conflict).
    cart_clashes: list[str] = Field(default_factory=list)
    # Ready to enrol: the enrolment period is open and the cart's enrol check finds nothing in
    # the way (Enrol would give a seat, or the wait list asked for; no clash with another class
    # in the cart). The one rule of the Shopping cart's check and the Student Center's To Do
    # List.
    ready: bool = False


class EnrolRequest(BaseModel):
    section_id: int
    wait_list_ok: bool = False
    permission_number: str | None = None


class EnrolResult(Frozen):
    """One line of step 3 "View results"."""

    section_id: int
    class_number: str
    catalogue_number: str
    title: str
    component: str
    outcome: Outcome
    message: str
    waitlist_position: int | None = None
    problems: list[Problem] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.outcome != "failed"


class Alternative(Frozen):
    """Another class of the same course and component as a full one (step 3 "View results"
    offers them straight away), judged for the student now."""

    instead_of: str  # the class number of the full class
    cls: ClassInfo
    would: Outcome = "failed"  # what enrolling in it would do now (without the wait list)
    problems: list[Problem] = Field(default_factory=list)


class ScheduleLine(Frozen):
    """A row of My Class Schedule."""

    enrolment_id: int
    cls: ClassInfo
    status: ScheduleStatus
    waitlist_position: int | None
    enrolled_at: datetime | None
    waitlisted_at: datetime | None
    # A provisional exam or resit enrolment: confirm it by then (binding), else it is removed
    # (services/exams.py). None: not an exam, or confirmed.
    confirm_by: datetime | None = None
    # A Swap onto this wait list: the class number of the class dropped when a seat comes.
    swap_from: str | None = None

    @property
    def provisional(self) -> bool:
        return self.confirm_by is not None


class DropResult(Frozen):
    section_id: int
    class_number: str
    message: str
    promoted: int = 0  # how many waitlisted students got the freed seat(s)
    also_dropped: list[str] = Field(default_factory=list)  # parts of a dropped minor


class SwapResult(Frozen):
    ok: bool
    message: str
    dropped: ClassInfo
    added: ClassInfo
    problems: list[Problem] = Field(default_factory=list)
    # Swapped onto the wait list of ``added`` ("Wait list if class is full"): ``dropped`` stays
    # on the schedule until a seat comes.
    waitlist_position: int | None = None


class MessageInfo(Frozen):
    id: int
    category: str
    subject: str
    body: str
    created_at: datetime
    read: bool


class HoldInfo(Frozen):
    kind: str
    reason: str
    blocks_enrolment: bool
    starts_at: datetime
    ends_at: datetime | None


class Identity(Frozen):
    """Who is logged in."""

    kind: Literal["student", "staff"]
    username: str
    name: str
    role: Role
    programme: str | None = None


class YearInfo(Frozen):
    code: str
    label: str
    starts_on: date
    ends_on: date
    max_ec: int | None = None


class EnrolmentDate(Frozen):
    """When enrolment opens and closes for a group of classes (Student Center sidebar)."""

    label: str
    opens_at: datetime
    closes_at: datetime
    state: PeriodState



# ---------------------------------------------------------------- minors (services/minors.py)
# (the English labels; type_label and status_label translate them)
MINOR_TYPE_LABELS = {"selection": N_("Selection minor"), "leiden": N_("Leiden minor"),
                     "lde": N_("LDE minor")}
MINOR_STATUS_LABELS = {"enrolled": N_("Enrolled"), "placed": N_("Placed"),
                       "waitlisted": N_("On wait list"),
                       "waiting_for_placement": N_("Waiting for placement outcome"),
                       "not_placed": N_("Not placed"),
                       "cancelled": N_("Cancelled"), "applied": N_("Applied")}


class MinorPart(Frozen):
    class_number: str
    catalogue_number: str
    title: str
    ec: float
    enrolled: bool = False  # the student is enrolled in this part


class MinorInfo(Frozen):
    """A row of the Minors page: the minor, its registration window and seats, and where the
    student stands (``my_status``: enrolled, waitlisted, waiting_for_placement, placed (a
    selection minor's place), not_placed, cancelled)."""

    section_id: int
    academic_year: str
    class_number: str
    catalogue_number: str
    title: str
    minor_type: str
    ec: float
    capacity: int
    enrolled: int
    waitlist_capacity: int
    waitlisted: int
    applicants: int = 0  # selection minors: applications waiting for the placement outcome
    opens_at: datetime
    closes_at: datetime
    period_state: PeriodState
    parts: list[MinorPart] = Field(default_factory=list)
    my_status: str | None = None
    my_position: int | None = None
    my_choice: int | None = None

    @property
    def type_label(self) -> str:
        label = MINOR_TYPE_LABELS.get(self.minor_type)
        return _(label) if label else self.minor_type

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.enrolled)

    @property
    def active(self) -> bool:
        """The student holds or requested a place (not cancelled, not turned down)."""
        return self.my_status not in (None, "cancelled", "not_placed")

    @property
    def parts_to_enrol(self) -> list[str]:
        """A placed selection minor's parts the student has not enrolled in yet (the seed: "If
        you are accepted in a minor, please do not forget to enroll for the courses that are
        part of this minor")."""
        if self.my_status != "placed":
            return []
        return [p.class_number for p in self.parts if not p.enrolled]

    @property
    def status_label(self) -> str:
        if self.my_status is None:
            return ""
        if self.my_status == "waitlisted" and self.my_position:
            return _("On wait list (position {position})").format(position=self.my_position)
        label = MINOR_STATUS_LABELS.get(self.my_status)
        return _(label) if label else self.my_status


class MinorResult(Frozen):
    """What applying for, changing or cancelling a minor did, or a placement outcome."""

    class_number: str
    title: str
    status: str  # enrolled | waitlisted | waiting_for_placement | cancelled | placed | not_placed
    message: str
    waitlist_position: int | None = None
    parts: list[str] = Field(default_factory=list)  # class numbers enrolled (or dropped) with it


# ---------------------------------------------------------------- minor placement (the Board)
class PlacementMinor(Frozen):
    """A selection minor as the Board places it: its seats and its applications by status."""

    section_id: int
    academic_year: str
    class_number: str
    catalogue_number: str
    title: str
    capacity: int
    placed: int  # seats taken in the minor's class
    waiting: int  # applications waiting for the placement outcome
    not_placed: int
    opens_at: datetime
    closes_at: datetime
    period_state: PeriodState
    parts: list[str] = Field(default_factory=list)  # class numbers the placed enrol in

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.placed)


class PlacementApplicant(Frozen):
    """One application for a selection minor. ``rank``: its place in the order in which the
    waiting applications are placed (1, 2, …); None once decided."""

    student_number: str
    name: str
    programme: str
    choice: int  # 1: first choice; 2: applied while on the wait list of a first choice
    applied_at: datetime
    status: str  # waiting_for_placement | placed | not_placed
    rank: int | None = None

    @property
    def status_label(self) -> str:
        label = MINOR_STATUS_LABELS.get(self.status)
        return _(label) if label else self.status


class Placement(Frozen):
    """The Minor placement page: the selection minors of a year and one of them with its
    applications, the waiting ones first in ranked order."""

    academic_year: str
    years: list[str]
    minors: list[PlacementMinor]
    minor: PlacementMinor | None = None
    applicants: list[PlacementApplicant] = Field(default_factory=list)


class PlacementSkip(Frozen):
    """A waiting applicant "Place all up to capacity" could not place, and why."""

    student_number: str
    problems: list[Problem]


class PlacementBatch(Frozen):
    """What "Place all up to capacity" did: who was placed (in ranked order), who was passed
    over (still waiting), and the places left."""

    class_number: str
    title: str
    placed: list[str] = Field(default_factory=list)
    skipped: list[PlacementSkip] = Field(default_factory=list)
    places_left: int
    waiting: int  # applications still waiting
    message: str


# ---------------------------------------------------------------- exam confirmation
class ExamConfirmationInfo(Frozen):
    """An exam or resit enrolment and whether it is confirmed (binding) or still provisional."""

    enrolment_id: int
    academic_year: str
    class_number: str
    catalogue_number: str
    title: str
    component: str
    exam_day: date
    start: time
    end: time
    room: str | None
    deadline_at: datetime  # confirm at the latest by then; unconfirmed ones are removed
    status: Literal["provisional", "confirmed"]
    confirmed_at: datetime | None = None

    @property
    def provisional(self) -> bool:
        return self.status == "provisional"

    def days_left(self, today: date) -> int:
        return (self.deadline_at.date() - today).days

    def deadline_label(self, today: date) -> str:
        left = self.days_left(today)
        when = format_datetime(self.deadline_at)
        if left < 0:
            return _("{date} (passed)").format(date=when)
        if left == 0:
            return _("{date} (today)").format(date=when)
        return ngettext("{date} ({n} day left)", "{date} ({n} days left)", left).format(
            date=when, n=left)


class ExpiredExam(Frozen):
    """An unconfirmed exam enrolment removed at its deadline."""

    student_number: str
    class_number: str
    title: str
    component: str
    deadline_at: datetime


# ---------------------------------------------------------------------------- two-step sign-in
SecondFactorStep = Literal["setup", "code"]


class PendingSignIn(Frozen):
    """The password was right, but the account needs its second factor (services/mfa.py):
    NOT a signed-in identity. ``step`` says what comes next ("setup": show the secret and
    confirm a first code; "code": ask the code); ``ticket`` is the short-lived signed proof of
    the password step that ``mfa.verify`` / ``mfa.confirm_setup`` take with the code."""

    kind: Literal["student", "staff"]
    username: str
    name: str
    role: Role
    programme: str | None = None
    step: SecondFactorStep
    ticket: str = Field(repr=False)


class MfaSetupKey(Frozen):
    """A TOTP secret to set up: as text for manual entry and as an otpauth:// URI (the QR)."""

    username: str
    secret: str = Field(repr=False)
    uri: str = Field(repr=False)

    @property
    def grouped(self) -> str:
        """The secret in groups of four, as people type it ("ABCD EFGH ...")."""
        return " ".join(self.secret[i:i + 4] for i in range(0, len(self.secret), 4))


class MfaSignedIn(Frozen):
    """The second factor passed: who is signed in; after a set-up, the recovery codes to show
    once (never stored in the clear)."""

    identity: Identity
    recovery_codes: list[str] = Field(default_factory=list, repr=False)
    used_recovery_code: bool = False
    recovery_left: int = 0


class MfaStatus(Frozen):
    """An account's two-step sign-in."""

    username: str
    kind: Literal["student", "staff"]
    enabled: bool  # a confirmed secret
    pending: bool  # a set-up started, not confirmed yet
    required: bool  # staff always; students when the configuration says mfa = "required"
    recovery_left: int = 0

__all__ = [name for name in dir() if name[0].isupper() and name != "N_"] + ["COMPONENTS"]
