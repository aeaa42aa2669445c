"""Typed results the services return (pydantic): screens and the CLI render these, nothing else."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..models import COMPONENTS, WEEKDAYS

Component = Literal["Lecture", "Tutorial", "Practical", "Exam", "Resit"]
ClassStatus = Literal["Open", "Wait List", "Closed"]
PeriodState = Literal["open", "not_yet_open", "closed"]
Outcome = Literal["enrolled", "waitlisted", "failed"]


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
        return WEEKDAYS[self.weekday]

    @property
    def days_times(self) -> str:
        return f"{self.day} {self.start:%H:%M}-{self.end:%H:%M}"


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

    @property
    def days_times(self) -> str:
        """Distinct weekly patterns, e.g. "Mo 11:15-13:00, We 09:00-10:45"."""
        seen: list[str] = []
        for m in self.meetings:
            if m.days_times not in seen:
                seen.append(m.days_times)
        return ", ".join(seen) if seen else "TBA"

    @property
    def rooms(self) -> str:
        rooms: list[str] = []
        for m in self.meetings:
            if m.room and m.room not in rooms:
                rooms.append(m.room)
        return ", ".join(rooms) if rooms else "TBA"

    @property
    def seats(self) -> str:
        return f"{self.enrolled}/{self.capacity}"


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
        if isinstance(v, str):
            v = v.strip()
            return v or None
        return v

    @field_validator("days")
    @classmethod
    def _days(cls, v: list[int]) -> list[int]:
        for d in v:
            if not 0 <= d <= 6:
                raise ValueError("days of week are 0 (Monday) to 6 (Sunday)")
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


class ScheduleLine(Frozen):
    """A row of My Class Schedule."""

    enrolment_id: int
    cls: ClassInfo
    status: Literal["enrolled", "waitlisted", "dropped"]
    waitlist_position: int | None
    enrolled_at: datetime | None
    waitlisted_at: datetime | None


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
    role: Literal["student", "support", "board", "trainer"]
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


__all__ = [name for name in dir() if name[0].isupper()] + ["COMPONENTS"]
