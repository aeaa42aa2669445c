"""Petitions to the Board of Examiners: elective course, exemption, different amount of credits
and external education (seed: leiden-media-technology-electives-petitions.txt).

Student side: ``preview`` checks a request without saving anything, ``submit`` checks it again
and saves it, ``withdraw`` while the Board has not decided. Board side (role ``board``):
``queue``, ``advise`` (status "In progress"), ``decide`` (fills "Explanation Board of
Examiners"), ``register_grade`` (status "Approved" / "External courses approved").

Every rule is a pydantic validator; one validation reports every violation at once, in plain
words, as ``ServiceError.problems``. Every status change posts a message-centre message to the
student. Approval never enrols the student in anything.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import (BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, ValidationInfo,
                      field_validator, model_validator)
from pydantic_core import PydanticCustomError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..clock import in_range, out_of_range
from ..models import (ClassSection, Course, Meeting, Petition, PetitionDocument,
                      PetitionEvent, StaffUser, Student)
from .audit import record
from .base import Context, ServiceError, bad_text, fail, get_student
from .enrolment import post_message
from .schemas import Problem

# ---------------------------------------------------------------------------- vocabulary
PetitionType = Literal["Elective course", "Exemption", "Different amount of credits",
                       "External education"]
PetitionStatus = Literal["Submitted", "In progress", "Approved", "External courses approved",
                         "Rejected", "Withdrawn"]
PETITION_TYPES: tuple[str, ...] = ("Elective course", "Exemption", "Different amount of credits",
                                   "External education")
STATUSES: tuple[str, ...] = ("Submitted", "In progress", "Approved", "External courses approved",
                             "Rejected", "Withdrawn")
ELECTIVE_TYPES = ("Elective course", "External education")  # count towards the level allowances
GRADED_TYPES = ELECTIVE_TYPES  # approved, they wait for a registered grade
TYPE_HELP = {
    "Elective course": "A course outside your programme: from our catalogue or at another "
                       "(inter)national university or HBO school.",
    "Exemption": "Be exempted from a course of your programme on the basis of earlier "
                 "education.",
    "Different amount of credits": "Have a course of our catalogue count for a different "
                                   "number of EC.",
    "External education": "Courses followed elsewhere (for instance on exchange) counted in "
                          "your programme.",
}
INSTITUTION_TYPES = {"University": "University",
                     "HBO": "University of applied sciences (HBO)"}
HBO_FORM = "HBO Elective Course Form"
DOCUMENT = "Document"
LEVELS = (100, 200, 300, 400, 500, 600)
MASTER_LEVEL = 400
MAX_BELOW_MASTER_EC = 5  # at most 5 EC at level 300 ...
MAX_INTRO_EC = 3  # ... of which at most 3 EC at levels 100/200
LEIDEN = "Leiden University"
DECISION_TYPES = ("Individueel besluit", "Algemeen besluit")
DECISION_NUMBER = re.compile(r"(\d{2}-\d{2} [A-Z]{2,10} \d{1,5})|(Besluit \d{1,6})")
# Statuses that are still counted (approved and pending) and those the Board still handles.
COUNTED = ("Submitted", "In progress", "Approved", "External courses approved")
OPEN = ("Submitted", "In progress")

# The only status changes there are.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "Submitted": ("In progress", "Withdrawn"),
    "In progress": ("Approved", "External courses approved", "Rejected", "Withdrawn"),
    "Approved": (),
    "External courses approved": (),
    "Rejected": (),
    "Withdrawn": (),
}

FIELD_LABELS = {
    "petition_type": "Type of request",
    "source": "Course offered by",
    "catalogue_number": "Catalogue number",
    "course_name": "Course name",
    "institution": "Institution",
    "institution_type": "Institution type",
    "level": "Level",
    "ec": "EC",
    "allowance": "Level",
    "course_start": "Course start date",
    "motivation": "Explanation student",
    "hbo_form": HBO_FORM,
    "documents": "Added documents",
    "course_url": "Link to the course website",
}
# Longest free text per form field (the column sizes of models/petitions.py).
TEXT_LIMITS = {"catalogue_number": 12, "course_name": 200, "institution": 200,
               "course_url": 300, "documents": 500, "hbo_form": 500, "motivation": 4000}
MULTILINE_FIELDS = frozenset({"motivation", "documents"})  # the others are one line
EXTERNAL_FIELDS = ("course_name", "institution", "institution_type", "level", "ec",
                   "course_start", "motivation", "hbo_form", "documents", "course_url")


def form_fields(petition_type: str | None, source: str | None = None) -> tuple[str, ...]:
    """The fields of the form for this type (and, for an elective, where the course is given)."""
    if petition_type == "Elective course":
        if source == "external":
            return ("source",) + EXTERNAL_FIELDS
        return ("source", "catalogue_number", "course_start", "motivation", "documents",
                "course_url")
    if petition_type == "External education":
        return EXTERNAL_FIELDS
    if petition_type == "Exemption":
        return ("catalogue_number", "institution", "motivation", "documents", "course_url")
    if petition_type == "Different amount of credits":
        return ("catalogue_number", "ec", "motivation", "documents")
    return ()


# ---------------------------------------------------------------------------- rounding
def round_ec(value: float | Decimal | str) -> int:
    """Leiden does not accept half credits and always rounds down: 7.5 EC becomes 7 EC."""
    return math.floor(Decimal(str(value)))


def round_grade(value: float | Decimal | str) -> float:
    """A grade 5.5 becomes 5; every other grade goes to the nearest half point, never 5.5:
    7.3 → 7.5, 5.4 → 5, 5.6 → 6 (ties round up: 7.25 → 7.5)."""
    grade = Decimal(str(value))
    if grade == Decimal("5.5"):
        return 5.0
    nearest = (grade * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2
    if nearest == Decimal("5.5"):
        return 5.0 if grade < Decimal("5.5") else 6.0
    return float(nearest)


def fmt_number(value: float | int | Decimal | None) -> str:
    if value is None:
        return ""
    return f"{float(value):g}"


def fmt_date(value: date | None) -> str:
    return f"{value:%d %b %Y}" if value else ""


def parse_number(text: str) -> Decimal | None:
    """"7.5", "7,5" or " 6 " → Decimal; anything else → None."""
    cleaned = text.strip().replace(",", ".")
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?|\.[0-9]+", cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        return None


def parse_date(text: str) -> date | None:
    """DD-MM-YYYY (also with / or .) or ISO YYYY-MM-DD."""
    value = text.strip()
    m = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", value)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
    except ValueError:
        return None
    return None


def problem(code: str, message: str, hint: str = "") -> PydanticCustomError:
    # The message is final text: no placeholders left for pydantic to fill in.
    return PydanticCustomError(code, message.replace("{", "(").replace("}", ")"), {"hint": hint})


def problems_from(exc: ValidationError) -> list[Problem]:
    """pydantic's errors → uSis problems, in form order."""
    out: list[Problem] = []
    for err in exc.errors():
        ctx = err.get("ctx") or {}
        out.append(Problem(code=err["type"], message=err["msg"], hint=str(ctx.get("hint", ""))))
    return out


def problem_fields(problems: list[Problem]) -> set[str]:
    """The form fields that problems are about (see ``FIELD_OF``)."""
    return {FIELD_OF[p.code] for p in problems if p.code in FIELD_OF}


# ---------------------------------------------------------------------------- rule context
class CourseFacts(BaseModel):
    """What a catalogue number tells: title, EC, level, honours, when it starts next."""

    model_config = ConfigDict(frozen=True)

    catalogue_number: str
    title: str
    ec: float
    level: int
    honours: bool
    runs: tuple[date, ...] = ()  # first teaching day of each academic year's run, sorted
    starts_on: date | None = None  # of the next run (else the latest run)

    @property
    def label(self) -> str:
        return f"{self.catalogue_number} {self.title}"


@dataclass(frozen=True)
class RuleContext:
    """What the rules need besides the form: today, the catalogue and the student's electives."""

    today: date
    lookup: Callable[[str], CourseFacts | None] = lambda _number: None
    below_master_ec: int = 0  # EC at levels 100-300 over approved and pending electives
    intro_ec: int = 0  # of which at levels 100/200
    existing: tuple[tuple[str, str, str], ...] = ()  # (course key, petition number, status)


def course_key(catalogue_number: str | None, course_name: str | None,
               institution: str | None) -> str:
    if catalogue_number:
        return f"cat:{catalogue_number.upper()}"
    return f"ext:{(course_name or '').strip().lower()}@{(institution or '').strip().lower()}"


def _rules(info: ValidationInfo) -> RuleContext:
    ctx = info.context or {}
    rules = ctx.get("rules") if isinstance(ctx, Mapping) else None
    if not isinstance(rules, RuleContext):
        raise RuntimeError("PetitionForm needs context={'rules': RuleContext(...)}")
    return rules


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else "" if value is None else str(value).strip()


# ---------------------------------------------------------------------------- the request form
class PetitionForm(BaseModel):
    """A student's request, validated against every rule at once.

    Fields arrive as the form has them (text); validators turn them into values. Each rule is
    a field validator, so pydantic reports every violation in one ValidationError. Validators
    see the fields declared above them (``info.data``): the order matters.
    """

    model_config = ConfigDict(validate_default=True, extra="ignore")

    petition_type: PetitionType
    source: Literal["leiden", "external"] | None = None
    catalogue_number: str | None = None
    course_name: str | None = None
    institution: str | None = None
    institution_type: Literal["University", "HBO"] | None = None
    level: int | None = None
    ec: float | None = None  # as entered (7.5); ``ec_registered`` is what counts (7)
    allowance: tuple[int, int] | None = Field(default=None, exclude=True)
    course_start: date | None = None
    motivation: str = ""
    hbo_form: str | None = None
    documents: list[str] = Field(default_factory=list)
    course_url: str | None = None

    _course: CourseFacts | None = PrivateAttr(default=None)

    # -- helpers
    @staticmethod
    def _active(info: ValidationInfo, name: str) -> bool:
        return name in form_fields(info.data.get("petition_type"), info.data.get("source"))

    @staticmethod
    def _course_of(info: ValidationInfo) -> CourseFacts | None:
        number = info.data.get("catalogue_number")
        return _rules(info).lookup(number) if number else None

    # -- the rules, in form order
    @field_validator("petition_type", mode="before")
    @classmethod
    def _type(cls, value: Any) -> str:
        value = _text(value)
        if value not in PETITION_TYPES:
            raise problem("petition_type", "Choose the type of request: Elective course, "
                          "Exemption, Different amount of credits or External education.")
        return value

    @model_validator(mode="before")
    @classmethod
    def _plain_text(cls, data: Any) -> Any:
        """Free text fits its column and has no control characters (one clear message)."""
        if isinstance(data, Mapping):
            for name, limit in TEXT_LIMITS.items():
                values = data.get(name)
                for value in values if isinstance(values, list | tuple) else [values]:
                    if isinstance(value, str) and (why := bad_text(
                            value.strip(), limit, multiline=name in MULTILINE_FIELDS)):
                        raise problem("text_invalid", f"{FIELD_LABELS.get(name, name)}: {why}.",
                                      "Shorten the text or type it again instead of pasting.")
        return data

    @model_validator(mode="before")
    @classmethod
    def _where(cls, data: Any) -> Any:
        """An elective without "source": from our catalogue when it has a catalogue number."""
        if isinstance(data, Mapping) and not _text(data.get("source")):
            data = dict(data)
            data["source"] = "leiden" if _text(data.get("catalogue_number")) else "external"
        return data

    @field_validator("source", mode="before")
    @classmethod
    def _source(cls, value: Any, info: ValidationInfo) -> str | None:
        if info.data.get("petition_type") != "Elective course":
            return None
        value = _text(value)
        if value not in ("leiden", "external"):
            raise problem("source", "Course offered by: choose Leiden University or another "
                          "institution.")
        return value

    @field_validator("catalogue_number", mode="before")
    @classmethod
    def _catalogue_number(cls, value: Any, info: ValidationInfo) -> str | None:
        if not cls._active(info, "catalogue_number"):
            return None
        number = _text(value).upper()
        if not number:
            raise problem("catalogue_number_missing",
                          "Catalogue number: enter the catalogue number of the course "
                          "(e.g. 4343ITGOV).",
                          "You find it in the e-Prospectus or with Class Search.")
        rules = _rules(info)
        course = rules.lookup(number)
        if course is None:
            raise problem("unknown_course",
                          f"Catalogue number {number} is not in the course catalogue.",
                          "Check the number in the e-Prospectus"
                          + (", or choose \"Another institution\" for a course elsewhere."
                             if info.data.get("petition_type") == "Elective course" else "."))
        kind = info.data.get("petition_type")
        if kind in ELECTIVE_TYPES and course.honours:
            raise problem("honours_course",
                          f"{course.label} is an honours course: honours courses cannot be "
                          "used as electives.",
                          "Their EC do not count towards completing your curriculum. Choose "
                          "another course.")
        cls._not_twice(rules, kind, course_key(number, None, None))
        return number

    @staticmethod
    def _not_twice(rules: RuleContext, kind: str | None, key: str) -> None:
        if kind not in ELECTIVE_TYPES:
            return
        for existing_key, number, status in rules.existing:
            if existing_key == key:
                raise problem("already_petitioned",
                              f"You already petitioned for this course: petition {number} "
                              f"({status}).",
                              "Open that petition under Petitions; withdraw it first if you "
                              "want to send a new one.")

    @field_validator("course_name", mode="before")
    @classmethod
    def _course_name(cls, value: Any, info: ValidationInfo) -> str | None:
        if not cls._active(info, "course_name"):
            return None
        name = _text(value)
        if not name:
            raise problem("course_name_missing", "Course name: enter the name of the course.")
        return name

    @field_validator("institution", mode="before")
    @classmethod
    def _institution(cls, value: Any, info: ValidationInfo) -> str | None:
        if not cls._active(info, "institution"):
            return None
        name = _text(value)
        if not name:
            if info.data.get("petition_type") == "Exemption":
                raise problem("institution_missing",
                              "Institution: enter where you followed the education the "
                              "exemption is based on.")
            raise problem("institution_missing",
                          "Institution: enter the university or school that teaches the course.")
        kind = info.data.get("petition_type")
        if kind in ELECTIVE_TYPES and info.data.get("course_name"):
            cls._not_twice(_rules(info), kind, course_key(None, info.data["course_name"], name))
        return name

    @field_validator("institution_type", mode="before")
    @classmethod
    def _institution_type(cls, value: Any, info: ValidationInfo) -> str | None:
        if not cls._active(info, "institution_type"):
            return None
        value = _text(value)
        if value not in INSTITUTION_TYPES:
            raise problem("institution_type_missing",
                          "Institution type: choose University or University of applied "
                          "sciences (HBO).")
        return value

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, value: Any, info: ValidationInfo) -> int | None:
        course = cls._course_of(info)
        kind = info.data.get("petition_type")
        if kind == "Elective course" and info.data.get("source") == "leiden":
            return course.level if course else None
        if not cls._active(info, "level"):
            return course.level if course else None
        text = _text(value)
        if not text or not text.isdigit() or int(text) not in LEVELS:
            raise problem("level_missing",
                          "Level: choose the level of the course, from 100 to 600 (Master "
                          "level is 400 and higher).",
                          "For a university with another level system, choose the level the "
                          "course is taught at.")
        return int(text)

    @field_validator("ec", mode="before")
    @classmethod
    def _ec(cls, value: Any, info: ValidationInfo) -> float | None:
        course = cls._course_of(info)
        kind = info.data.get("petition_type")
        if kind == "Elective course" and info.data.get("source") == "leiden":
            return course.ec if course else None
        if not cls._active(info, "ec"):
            return None
        text = _text(value)
        if not text:
            raise problem("ec_missing", "EC: enter the number of credits (EC) of the course.")
        number = parse_number(text)
        if number is None:
            raise problem("ec_not_a_number",
                          f"EC: \"{text}\" is not a number. Enter the credits as a number, "
                          "e.g. 6 or 7.5.")
        if number <= 0:
            raise problem("ec_too_small", "EC: the number of credits must be more than 0.")
        if number > 60:
            raise problem("ec_too_large", "EC: at most 60 EC per petition.")
        if round_ec(number) < 1:
            raise problem("ec_too_small",
                          f"EC: {fmt_number(number)} EC rounds down to 0 EC; Leiden University "
                          "does not accept half credits.")
        if kind == "Different amount of credits" and course and round_ec(number) == round_ec(
                course.ec):
            raise problem("ec_same_as_course",
                          f"EC: {course.label} already has {fmt_number(course.ec)} EC; enter "
                          "the different amount you ask for.")
        return float(number)

    @field_validator("allowance", mode="before")
    @classmethod
    def _allowance(cls, _value: Any, info: ValidationInfo) -> tuple[int, int] | None:
        """Below Master level: at most 5 EC at level 300, of which at most 3 EC at 100/200,
        counted over the student's approved and pending electives plus this one."""
        if info.data.get("petition_type") not in ELECTIVE_TYPES:
            return None
        level, ec = info.data.get("level"), info.data.get("ec")
        if level is None or ec is None:
            return None  # reported by the level / EC rules
        rules = _rules(info)
        ec = round_ec(ec)
        below = rules.below_master_ec + (ec if level < MASTER_LEVEL else 0)
        intro = rules.intro_ec + (ec if level < 300 else 0)
        if level >= MASTER_LEVEL:
            return below, intro
        # Both limits may be broken at once: one problem each would be two errors for one
        # field, which pydantic cannot raise; say both in one message.
        faults: list[str] = []
        if below > MAX_BELOW_MASTER_EC:
            faults.append(f"with this course {below} EC of your electives would be below "
                          f"Master level (level 300 or lower), and at most "
                          f"{MAX_BELOW_MASTER_EC} EC may be")
        if intro > MAX_INTRO_EC:
            faults.append(f"{intro} EC would be at introductory level (100/200), and at most "
                          f"{MAX_INTRO_EC} EC of those {MAX_BELOW_MASTER_EC} EC may be")
        if faults:
            raise problem(
                "below_master_level",
                f"Level {level} is below Master level: " + "; ".join(faults) + ".",
                f"Elective courses must be at Master level (400 and higher). Already approved "
                f"or pending below Master level: {rules.below_master_ec} EC, of which "
                f"{rules.intro_ec} EC at level 100/200. Choose a course at level 400 or higher.")
        return below, intro

    @field_validator("course_start", mode="before")
    @classmethod
    def _course_start(cls, value: Any, info: ValidationInfo) -> date | None:
        if not cls._active(info, "course_start"):
            return None
        rules = _rules(info)
        if info.data.get("source") == "leiden" and not info.data.get("catalogue_number"):
            return None  # the course is unknown (reported): its start date is too
        course = cls._course_of(info)
        text = "" if isinstance(value, date) else _text(value)
        start = value if isinstance(value, date) else parse_date(text) if text else None
        if text and start is None:
            raise problem("course_start_not_a_date",
                          f"Course start date: \"{text}\" is not a date. Use DD-MM-YYYY, "
                          "e.g. 01-02-2027.")
        if start is not None and not in_range(start):
            raise problem("course_start_not_a_date",
                          f"Course start date: {out_of_range(text or start.isoformat())}",
                          "Use DD-MM-YYYY, e.g. 01-02-2027.")
        if course is not None and course.runs:
            # Our catalogue knows when the course runs: empty means its next run.
            if start is None:
                start = course.starts_on
            elif start not in course.runs:
                runs = " or ".join(fmt_date(d) for d in course.runs)
                raise problem("course_start_not_a_run",
                              f"Course start date: {course.label} starts on {runs}; choose "
                              "one of these dates.")
        elif start is None:
            raise problem("course_start_missing",
                          "Course start date: enter the date the course starts (DD-MM-YYYY).")
        if start <= rules.today:
            when = "starts today" if start == rules.today else f"started on {fmt_date(start)}"
            raise problem("after_course_start",
                          f"Too late: the course {when}, and a petition must be submitted "
                          "before the course starts.",
                          "Permission for elective courses must always be requested before the "
                          "start of the course. Ask your study adviser what you can do now.")
        return start

    @field_validator("motivation", mode="before")
    @classmethod
    def _motivation(cls, value: Any, info: ValidationInfo) -> str:
        text = _text(value)
        if not text:
            what = ("why you want to take this course and how it prepares you for your "
                    "graduation project" if info.data.get("petition_type") in ELECTIVE_TYPES
                    else "why you ask for this")
            raise problem("motivation_missing",
                          f"Explanation student: write your motivation, {what}.")
        return text

    @field_validator("hbo_form", mode="before")
    @classmethod
    def _hbo_form(cls, value: Any, info: ValidationInfo) -> str | None:
        if not cls._active(info, "hbo_form") or info.data.get("institution_type") != "HBO":
            return None
        path = _text(value)
        if not path:
            raise problem("hbo_form_missing",
                          f"{HBO_FORM}: a course at a university of applied sciences (HBO) "
                          f"needs the \"{HBO_FORM}\", filled in and signed by the course "
                          "lecturer.",
                          "Add the signed form as a document (the path of the file).")
        return path

    @field_validator("documents", mode="before")
    @classmethod
    def _documents(cls, value: Any) -> list[str]:
        if value is None:
            return []
        items = re.split(r"[;\n]", value) if isinstance(value, str) else list(value)
        return [item.strip() for item in items if isinstance(item, str) and item.strip()]

    @field_validator("course_url", mode="before")
    @classmethod
    def _course_url(cls, value: Any, info: ValidationInfo) -> str | None:
        if not cls._active(info, "course_url"):
            return None
        url = _text(value)
        if not url:
            return None
        if not re.fullmatch(r"https?://[^\s/]+\.[^\s/]+(/\S*)?", url):
            raise problem("course_url_invalid",
                          f"Link to the course website: \"{url}\" is not a web address "
                          "(it starts with https://).")
        return url

    @model_validator(mode="after")
    def _remember_course(self, info: ValidationInfo) -> PetitionForm:
        if self.catalogue_number:
            self._course = _rules(info).lookup(self.catalogue_number)
        return self

    # -- what the review step and the confirmation show
    @property
    def course(self) -> CourseFacts | None:
        return self._course

    @property
    def from_catalogue(self) -> bool:
        return self.catalogue_number is not None

    @property
    def ec_registered(self) -> int | None:
        return round_ec(self.ec) if self.ec is not None else None

    @property
    def course_label(self) -> str:
        if self._course is not None:
            return self._course.label
        return self.course_name or ""

    @property
    def institution_label(self) -> str:
        if self.petition_type == "Elective course" and self.source == "leiden":
            return LEIDEN
        return self.institution or ""

    @property
    def notices(self) -> list[str]:
        out: list[str] = []
        if self.ec is not None and self.ec != self.ec_registered:
            out.append(f"{fmt_number(self.ec)} EC becomes {self.ec_registered} EC: Leiden "
                       "University does not accept half credits and always rounds down.")
        if (self.petition_type in ELECTIVE_TYPES and self.level is not None
                and self.level < MASTER_LEVEL and self.allowance):
            below, intro = self.allowance
            out.append(f"Level {self.level} is below Master level. With this petition {below} "
                       f"of at most {MAX_BELOW_MASTER_EC} EC of your electives are below level "
                       f"400 ({intro} of at most {MAX_INTRO_EC} EC at level 100/200). "
                       "Permission is on an individual basis.")
        if self.hbo_form:
            out.append(f"Added: {HBO_FORM} ({self.hbo_form}).")
        if self.petition_type in ELECTIVE_TYPES:
            out.append("Approval by the Board of Examiners does not enrol you: you still enrol "
                       "for the course and the exam in uSis yourself.")
        return out

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) for the review step, in form order."""
        out: list[tuple[str, str]] = [("Type of request", self.petition_type)]
        if self.petition_type == "Elective course":
            out.append(("Course offered by", LEIDEN if self.source == "leiden"
                        else "Another institution"))
        if self.course is not None:
            out.append(("Course", self.course.label))
            if self.petition_type != "Different amount of credits":
                out.append(("EC", f"{fmt_number(self.course.ec)}"))
            out.append(("Level", str(self.course.level)))
        if self.course_name:
            out.append(("Course name", self.course_name))
        if self.institution_label and self.petition_type != "Different amount of credits":
            out.append(("Institution", self.institution_label))
        if self.institution_type:
            out.append(("Institution type", INSTITUTION_TYPES[self.institution_type]))
        if self.course is None and self.level is not None:
            out.append(("Level", str(self.level)))
        if self.ec is not None and (self.course is None
                                    or self.petition_type == "Different amount of credits"):
            shown = fmt_number(self.ec)
            if self.ec != self.ec_registered:
                shown += f" → {self.ec_registered} (rounded down)"
            out.append(("EC requested" if self.course else "EC", shown))
        if self.course_start:
            out.append(("Course start date", fmt_date(self.course_start)))
        out.append(("Explanation student", self.motivation))
        if self.hbo_form:
            out.append((HBO_FORM, self.hbo_form))
        for path in self.documents:
            out.append(("Added document", path))
        if self.course_url:
            out.append(("Link to the course website", self.course_url))
        return out


# Which form field each problem code belongs to (for marking inputs).
FIELD_OF = {
    "petition_type": "petition_type", "source": "source",
    "catalogue_number_missing": "catalogue_number", "unknown_course": "catalogue_number",
    "honours_course": "catalogue_number", "already_petitioned": "catalogue_number",
    "course_name_missing": "course_name", "institution_missing": "institution",
    "institution_type_missing": "institution_type", "level_missing": "level",
    "ec_missing": "ec", "ec_not_a_number": "ec", "ec_too_small": "ec", "ec_too_large": "ec",
    "ec_same_as_course": "ec", "below_master_level": "level",
    "course_start_missing": "course_start", "course_start_not_a_date": "course_start",
    "after_course_start": "course_start", "course_start_not_a_run": "course_start",
    "motivation_missing": "motivation",
    "hbo_form_missing": "hbo_form", "course_url_invalid": "course_url",
}


# ---------------------------------------------------------------------------- Board forms
class DecisionForm(BaseModel):
    """The Board of Examiners' decision; approving fills "Explanation Board of Examiners"."""

    model_config = ConfigDict(validate_default=True, extra="ignore")

    outcome: Literal["approve", "reject"]
    decision_number: str = ""
    decision_type: str = ""
    ec: int | None = None
    level: int | None = None
    institution: str | None = None
    remarks: str = ""

    @field_validator("outcome", mode="before")
    @classmethod
    def _outcome(cls, value: Any) -> str:
        value = _text(value).lower()
        if value not in ("approve", "reject"):
            raise problem("outcome_missing", "Decision: choose Approve or Reject.")
        return value

    @field_validator("decision_number", mode="before")
    @classmethod
    def _number(cls, value: Any) -> str:
        text = " ".join(_text(value).split())
        if not text:
            raise problem("decision_number_missing",
                          "Decision number: enter the number of the Board's decision, "
                          "e.g. 26-27 LIACS 129.")
        if not DECISION_NUMBER.fullmatch(text):
            raise problem("decision_number_invalid",
                          f"Decision number: \"{text}\" is not a decision number; write it as "
                          "26-27 LIACS 129 or Besluit 1642.")
        return text

    @field_validator("decision_type", mode="before")
    @classmethod
    def _type(cls, value: Any) -> str:
        text = _text(value)
        if text not in DECISION_TYPES:
            raise problem("decision_type_missing",
                          "Decision type: choose Individueel besluit or Algemeen besluit.")
        return text

    @field_validator("ec", mode="before")
    @classmethod
    def _ec(cls, value: Any, info: ValidationInfo) -> int | None:
        text = _text(value)
        if not text:
            if info.data.get("outcome") == "approve":
                raise problem("decision_ec_missing", "EC: enter the number of EC approved.")
            return None
        number = parse_number(text)
        if number is None or number <= 0 or number > 60:
            raise problem("decision_ec_invalid",
                          f"EC: \"{text}\" is not a number of credits between 1 and 60.")
        if round_ec(number) < 1:
            raise problem("decision_ec_invalid", f"EC: {text} EC rounds down to 0 EC.")
        return round_ec(number)  # half credits are never registered

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, value: Any, info: ValidationInfo) -> int | None:
        text = _text(value)
        if not text:
            if info.data.get("outcome") == "approve":
                raise problem("decision_level_missing", "Level: choose the level approved.")
            return None
        if not text.isdigit() or int(text) not in LEVELS:
            raise problem("decision_level_invalid", "Level: choose a level from 100 to 600.")
        return int(text)

    @field_validator("institution", mode="before")
    @classmethod
    def _institution(cls, value: Any, info: ValidationInfo) -> str | None:
        text = _text(value)
        if not text and info.data.get("outcome") == "approve":
            raise problem("decision_institution_missing",
                          "Institution: enter the institution that teaches the course.")
        return text or None

    @field_validator("remarks", mode="before")
    @classmethod
    def _remarks(cls, value: Any, info: ValidationInfo) -> str:
        text = _text(value)
        if not text and info.data.get("outcome") == "reject":
            raise problem("decision_reason_missing",
                          "Remarks: a rejection needs the reason, for the student.")
        return text

    def explanation(self) -> str:
        """The text of "Explanation Board of Examiners": decision number, decision type, and
        for an approval the EC, level and institution."""
        if self.outcome == "approve":
            text = (f"{self.decision_number}, {self.decision_type}: approved, {self.ec} EC, "
                    f"level {self.level}, {self.institution}.")
        else:
            text = f"{self.decision_number}, {self.decision_type}: rejected."
        if self.remarks:
            text += f" {self.remarks}"
        return text


class GradeForm(BaseModel):
    """An external grade as on the certified transcript; ``grade`` is what uSis registers."""

    model_config = ConfigDict(validate_default=True)

    entered: float

    @field_validator("entered", mode="before")
    @classmethod
    def _grade(cls, value: Any) -> float:
        text = _text(value)
        if not text:
            raise problem("grade_missing", "Grade: enter the grade on the certified transcript.")
        number = parse_number(text)
        if number is None:
            raise problem("grade_not_a_number",
                          f"Grade: \"{text}\" is not a number. Enter it as on the transcript, "
                          "e.g. 7.3.")
        if not Decimal(1) <= number <= Decimal(10):
            raise problem("grade_out_of_range", f"Grade: {text} is not a grade from 1 to 10.")
        return float(number)

    @property
    def grade(self) -> float:
        return round_grade(self.entered)


# ---------------------------------------------------------------------------- results
class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class DocumentInfo(Frozen):
    kind: str
    path: str


class EventInfo(Frozen):
    at: datetime
    status: str
    title: str
    note: str
    actor: str


class PetitionSummary(Frozen):
    """A row of a petition list."""

    id: int
    number: str
    petition_type: str
    course: str
    institution: str
    submitted_at: datetime
    updated_at: datetime
    status: str
    student_number: str
    student_name: str
    decided: bool
    next_step: str  # what the Board does next: Advice, Decision, Grade or ""


class PetitionInfo(Frozen):
    """Everything about one petition: the detail screens render this."""

    id: int
    number: str
    petition_type: str
    status: str
    student_number: str
    student_name: str
    programme: str
    catalogue_number: str | None
    course: str
    course_name: str | None
    institution: str | None
    institution_type: str | None
    level: int | None
    ec_entered: float | None
    ec: int | None
    course_start: date | None
    motivation: str
    course_url: str | None
    documents: list[DocumentInfo] = Field(default_factory=list)
    submitted_at: datetime
    updated_at: datetime
    advice: str | None = None
    decision: str | None = None
    decided_at: datetime | None = None
    decision_number: str | None = None
    decision_type: str | None = None
    decided_ec: int | None = None
    decided_level: int | None = None
    decided_institution: str | None = None
    board_explanation: str | None = None
    grade_entered: float | None = None
    grade: float | None = None
    withdraw_reason: str | None = None
    events: list[EventInfo] = Field(default_factory=list)
    next_step: str = ""

    @property
    def can_withdraw(self) -> bool:
        return self.status in OPEN and self.decision is None

    @property
    def awaits_grade(self) -> bool:
        return (self.status == "In progress" and self.decision == "approved"
                and self.petition_type in GRADED_TYPES)


def next_step(p: Petition) -> str:
    if p.status == "Submitted":
        return "Advice"
    if p.status == "In progress" and p.decision is None:
        return "Decision"
    if p.status == "In progress" and p.decision == "approved":
        return "Grade"
    return ""


def course_label(p: Petition) -> str:
    if p.course is not None:
        return f"{p.course.catalogue_number} {p.course.title}"
    return p.course_name or ""


def institution_label(p: Petition) -> str:
    if p.institution:
        return p.institution
    return LEIDEN if p.course_id is not None and p.petition_type == "Elective course" else ""


def summary(p: Petition) -> PetitionSummary:
    return PetitionSummary(
        id=p.id, number=p.number, petition_type=p.petition_type, course=course_label(p),
        institution=institution_label(p), submitted_at=p.submitted_at, updated_at=p.updated_at,
        status=p.status, student_number=p.student.student_number, student_name=p.student.name,
        decided=p.decision is not None, next_step=next_step(p))


def petition_info(p: Petition) -> PetitionInfo:
    return PetitionInfo(
        id=p.id, number=p.number, petition_type=p.petition_type, status=p.status,
        student_number=p.student.student_number, student_name=p.student.name,
        programme=p.student.programme.name,
        catalogue_number=p.course.catalogue_number if p.course else None,
        course=course_label(p), course_name=p.course_name, institution=institution_label(p) or None,
        institution_type=p.institution_type, level=p.level, ec_entered=p.ec_entered, ec=p.ec,
        course_start=p.course_start, motivation=p.motivation, course_url=p.course_url,
        documents=[DocumentInfo(kind=d.kind, path=d.path) for d in p.documents],
        submitted_at=p.submitted_at, updated_at=p.updated_at, advice=p.advice,
        decision=p.decision, decided_at=p.decided_at, decision_number=p.decision_number,
        decision_type=p.decision_type, decided_ec=p.decided_ec, decided_level=p.decided_level,
        decided_institution=p.decided_institution, board_explanation=p.board_explanation,
        grade_entered=p.grade_entered, grade=p.grade, withdraw_reason=p.withdraw_reason,
        events=[EventInfo(at=e.at, status=e.status, title=e.title, note=e.note, actor=e.actor)
                for e in p.events],
        next_step=next_step(p))


def check_transition(current: str, new: str) -> None:
    """Refuse every status change that is not in TRANSITIONS."""
    if new not in TRANSITIONS.get(current, ()):
        allowed = TRANSITIONS.get(current, ())
        raise fail("transition_not_allowed",
                   f"A petition with status \"{current}\" cannot become \"{new}\".",
                   ("From \"" + current + "\" it can only become "
                    + " or ".join(f"\"{s}\"" for s in allowed) + ".") if allowed
                   else f"\"{current}\" is final.")


# ---------------------------------------------------------------------------- the service
@dataclass
class _Change:
    subject: str
    body: str
    extra: list[str] = field(default_factory=list)


class PetitionService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # ------------------------------------------------------------------ catalogue
    def course_facts(self, catalogue_number: str) -> CourseFacts | None:
        """Title, EC, level, honours and next start of a catalogue course (None: unknown)."""
        with self.ctx.db.read() as session:
            return self._lookup(session, self.ctx.now().date())(catalogue_number)

    @staticmethod
    def _lookup(session: Session, today: date) -> Callable[[str], CourseFacts | None]:
        cache: dict[str, CourseFacts | None] = {}

        def lookup(number: str) -> CourseFacts | None:
            key = (number or "").strip().upper()
            if key not in cache:
                course = session.scalar(select(Course).where(Course.catalogue_number == key))
                if course is None:
                    cache[key] = None
                else:
                    runs = PetitionService._runs(session, course.id)
                    upcoming = [d for d in runs if d > today]
                    cache[key] = CourseFacts(
                        catalogue_number=course.catalogue_number, title=course.title,
                        ec=course.ec, level=course.level, honours=course.honours, runs=runs,
                        starts_on=upcoming[0] if upcoming else runs[-1] if runs else None)
            return cache[key]
        return lookup

    @staticmethod
    def _runs(session: Session, course_id: int) -> tuple[date, ...]:
        """The first teaching day of the course in each academic year it runs."""
        rows = session.execute(
            select(ClassSection.academic_year_id, func.min(Meeting.start_date))
            .join(Meeting, Meeting.section_id == ClassSection.id)
            .where(ClassSection.course_id == course_id,
                   ClassSection.component.in_(("Lecture", "Tutorial", "Practical")))
            .group_by(ClassSection.academic_year_id)).all()
        return tuple(sorted(start for _year, start in rows if start is not None))

    # ------------------------------------------------------------------ student side
    def _rule_context(self, session: Session, student: Student, today: date) -> RuleContext:
        below = intro = 0
        existing: list[tuple[str, str, str]] = []
        rows = session.scalars(
            select(Petition).where(Petition.student_id == student.id,
                                   Petition.status.in_(COUNTED))
            .options(selectinload(Petition.course))).all()
        for p in rows:
            if p.petition_type not in ELECTIVE_TYPES:
                continue
            existing.append((course_key(p.course.catalogue_number if p.course else None,
                                        p.course_name, p.institution), p.number, p.status))
            level = p.decided_level or p.level
            ec = p.decided_ec or p.ec or 0
            if level is not None and level < MASTER_LEVEL:
                below += ec
                if level < 300:
                    intro += ec
        return RuleContext(today=today, lookup=self._lookup(session, today),
                           below_master_ec=below, intro_ec=intro, existing=tuple(existing))

    def _validate(self, session: Session, student: Student, data: Mapping[str, Any]
                  ) -> PetitionForm:
        rules = self._rule_context(session, student, self.ctx.now().date())
        try:
            return PetitionForm.model_validate(dict(data), context={"rules": rules})
        except ValidationError as exc:
            raise ServiceError(problems_from(exc)) from None

    def preview(self, student_number: str, data: Mapping[str, Any]) -> PetitionForm:
        """Check a request against every rule; nothing is saved. Raises ServiceError with
        every violation at once."""
        with self.ctx.db.read() as session:
            student = get_student(session, student_number)
            return self._validate(session, student, data)

    def submit(self, student_number: str, data: Mapping[str, Any], *,
               actor: str | None = None) -> PetitionInfo:
        """Check and save a request (status "Submitted"); the student gets a message."""
        with self.ctx.db.write() as session:
            # Lock the student (PostgreSQL) so that two submissions cannot both use the same
            # room in the level allowances; SQLite's BEGIN IMMEDIATE already serialises.
            student = session.scalar(select(Student).where(
                Student.student_number == student_number).with_for_update())
            if student is None:
                get_student(session, student_number)  # raises unknown_student
            form = self._validate(session, student, data)
            now = self.ctx.now()
            course_id = None
            if form.catalogue_number:
                course_id = session.scalar(select(Course.id).where(
                    Course.catalogue_number == form.catalogue_number))
            p = Petition(
                student_id=student.id, petition_type=form.petition_type, status="Submitted",
                course_id=course_id, course_name=form.course_name,
                institution=form.institution,
                institution_type=form.institution_type,
                level=form.level, ec_entered=form.ec, ec=form.ec_registered,
                course_start=form.course_start, motivation=form.motivation,
                course_url=form.course_url, submitted_at=now, updated_at=now)
            if form.hbo_form:
                p.documents.append(PetitionDocument(kind=HBO_FORM, path=form.hbo_form,
                                                    added_at=now))
            for path in form.documents:
                p.documents.append(PetitionDocument(kind=DOCUMENT, path=path, added_at=now))
            session.add(p)
            session.flush()
            rounding = [n for n in form.notices if "rounds down" in n]
            self._event(session, p, "Submitted", "Submitted", actor or student.student_number, now,
                        " ".join(rounding))
            body = (f"We received your petition {p.number} ({p.petition_type}: "
                    f"{form.course_label or '-'}"
                    + (f", {form.institution_label}" if form.institution_label
                       and form.petition_type != "Different amount of credits" else "")
                    + "). Its status is \"Submitted\". The programme board discusses it at its "
                    "next meeting and passes its advice to the Board of Examiners; you get a "
                    "message at every change.")
            if rounding:
                body += " " + " ".join(rounding)
            post_message(session, student.id, "petition",
                         f"Petition {p.number} submitted: {p.petition_type}", body, now)
            self._audit(session, actor or student.student_number, student.student_number, "petition_submit",
                        f"{p.number} {p.petition_type} {form.course_label}", now)
            session.flush()
            return petition_info(self._load(session, p.id))

    def petitions(self, student_number: str) -> list[PetitionSummary]:
        """The student's petitions, newest first."""
        with self.ctx.db.read() as session:
            student = get_student(session, student_number)
            rows = session.scalars(
                select(Petition).where(Petition.student_id == student.id)
                .options(selectinload(Petition.course), selectinload(Petition.student))
                .order_by(Petition.submitted_at.desc(), Petition.id.desc())).all()
            return [summary(p) for p in rows]

    def petition(self, student_number: str, petition_id: int) -> PetitionInfo:
        with self.ctx.db.read() as session:
            student = get_student(session, student_number)
            return petition_info(self._own(session, student, petition_id))

    def withdraw(self, student_number: str, petition_id: int, reason: str, *,
                 actor: str | None = None) -> PetitionInfo:
        """Withdraw a petition the Board has not decided on yet; a reason is required."""
        with self.ctx.db.write() as session:
            student = get_student(session, student_number)
            p = self._own(session, student, petition_id, lock=True)
            problems: list[Problem] = []
            if p.decision is not None:
                problems.append(Problem(
                    code="already_decided",
                    message=f"Petition {p.number} cannot be withdrawn: the Board of Examiners "
                            f"has already decided ({p.decision}).",
                    hint="Contact the Board of Examiners if something changed."))
            elif p.status not in TRANSITIONS or "Withdrawn" not in TRANSITIONS[p.status]:
                problems.append(Problem(
                    code="transition_not_allowed",
                    message=f"Petition {p.number} has status \"{p.status}\" and cannot be "
                            "withdrawn any more."))
            reason = (reason or "").strip()
            if why := bad_text(reason, TEXT_LIMITS["motivation"], multiline=True):
                problems.append(Problem(code="text_invalid", message=f"Reason: {why}."))
            elif not reason:
                problems.append(Problem(code="reason_missing",
                                        message="Reason: say why you withdraw the petition."))
            if problems:
                raise ServiceError(problems)
            now = self.ctx.now()
            self._move(session, p, "Withdrawn", now, actor or student.student_number,
                       "Withdrawn by the student", reason,
                       _Change(f"Petition {p.number} withdrawn",
                               f"You withdrew your petition {p.number} ({p.petition_type}: "
                               f"{course_label(p)}). Reason: {reason}"))
            p.withdraw_reason = reason
            return petition_info(self._load(session, p.id))

    # ------------------------------------------------------------------ board side
    def queue(self, staff_username: str, *, include_handled: bool = False
              ) -> list[PetitionSummary]:
        """Petitions the Board still handles (Submitted, In progress), oldest first; with
        ``include_handled`` every petition."""
        with self.ctx.db.read() as session:
            self._board(session, staff_username)
            stmt = (select(Petition)
                    .options(selectinload(Petition.course), selectinload(Petition.student))
                    .order_by(Petition.submitted_at, Petition.id))
            if not include_handled:
                stmt = stmt.where(Petition.status.in_(OPEN))
            return [summary(p) for p in session.scalars(stmt).all()]

    def board_petition(self, staff_username: str, petition_id: int) -> PetitionInfo:
        with self.ctx.db.read() as session:
            self._board(session, staff_username)
            return petition_info(self._get(session, petition_id))

    def advise(self, staff_username: str, petition_id: int, advice: str) -> PetitionInfo:
        """Record the programme board's advice: "Submitted" → "In progress"."""
        with self.ctx.db.write() as session:
            staff = self._board(session, staff_username)
            p = self._get(session, petition_id, lock=True)
            check_transition(p.status, "In progress")
            advice = (advice or "").strip()
            if why := bad_text(advice, TEXT_LIMITS["motivation"], multiline=True):
                raise fail("text_invalid", f"Advice: {why}.")
            if not advice:
                raise fail("advice_missing", "Advice: write the programme board's advice.")
            now = self.ctx.now()
            p.advice = advice
            self._move(session, p, "In progress", now, staff.username,
                       "Advice programme board", advice,
                       _Change(f"Petition {p.number} is in progress",
                               f"The programme board has discussed your petition {p.number} "
                               f"({p.petition_type}: {course_label(p)}) and passed its advice "
                               "to the Board of Examiners, who will approve or reject it. "
                               "Status: \"In progress\"."))
            return petition_info(self._load(session, p.id))

    def decide(self, staff_username: str, petition_id: int, data: Mapping[str, Any]
               ) -> PetitionInfo:
        """The Board of Examiners' decision. Approval fills "Explanation Board of Examiners";
        an elective or external education stays "In progress" until its grade is registered,
        other types become "Approved". A rejection makes it "Rejected"."""
        with self.ctx.db.write() as session:
            staff = self._board(session, staff_username)
            p = self._get(session, petition_id, lock=True)
            problems: list[Problem] = []
            if p.status == "Submitted":
                problems.append(Problem(
                    code="advice_first",
                    message=f"Petition {p.number} has status \"Submitted\": the Board decides "
                            "after the programme board's advice.",
                    hint="Record the advice first (status \"In progress\")."))
            elif p.status != "In progress" or p.decision is not None:
                problems.append(Problem(
                    code="already_decided" if p.decision else "transition_not_allowed",
                    message=f"Petition {p.number} has status \"{p.status}\""
                            + (f" and was already {p.decision}" if p.decision else "")
                            + ": there is nothing to decide."))
            try:
                form = DecisionForm.model_validate(dict(data))
            except ValidationError as exc:
                problems.extend(problems_from(exc))
                form = None
            if problems or form is None:
                raise ServiceError(problems)
            now = self.ctx.now()
            p.decision = "approved" if form.outcome == "approve" else "rejected"
            p.decided_at = now
            p.decided_by = staff.username
            p.decision_number = form.decision_number
            p.decision_type = form.decision_type
            p.decided_ec = form.ec
            p.decided_level = form.level
            p.decided_institution = form.institution
            p.board_explanation = form.explanation()
            what = f"{p.petition_type}: {course_label(p)}"
            if form.outcome == "reject":
                self._move(session, p, "Rejected", now, staff.username,
                           "Decision Board of Examiners: rejected", p.board_explanation,
                           _Change(f"Petition {p.number} rejected",
                                   f"The Board of Examiners rejected your petition {p.number} "
                                   f"({what}). Explanation Board of Examiners: "
                                   f"{p.board_explanation}"))
            elif p.petition_type in GRADED_TYPES:
                # Stays "In progress" until the grade is registered: not a status change, but
                # the student is told all the same.
                self._event(session, p, "In progress", "Decision Board of Examiners: approved",
                            staff.username, now, p.board_explanation)
                p.updated_at = now
                post_message(session, p.student_id, "petition",
                             f"Petition {p.number} approved by the Board of Examiners",
                             f"The Board of Examiners approved your petition {p.number} "
                             f"({what}). Explanation Board of Examiners: "
                             f"{p.board_explanation} The status stays \"In progress\" until "
                             "your grade is registered: after the course, send a certified "
                             "transcript of your grade to the education coordinator. Approval "
                             "does not enrol you: enrol for the course and the exam in uSis "
                             "yourself.", now)
                self._audit(session, staff.username, p.student.student_number,
                            "petition_approve", f"{p.number} {p.board_explanation}", now)
            else:
                self._move(session, p, "Approved", now, staff.username,
                           "Decision Board of Examiners: approved", p.board_explanation,
                           _Change(f"Petition {p.number} approved",
                                   f"The Board of Examiners approved your petition {p.number} "
                                   f"({what}). Explanation Board of Examiners: "
                                   f"{p.board_explanation}"))
            return petition_info(self._load(session, p.id))

    def register_grade(self, staff_username: str, petition_id: int, grade: str | float
                       ) -> PetitionInfo:
        """Register the grade of an approved elective / external education: 5.5 becomes 5,
        other grades the nearest half point. Status "Approved" (elective course) or "External
        courses approved" (external education)."""
        with self.ctx.db.write() as session:
            staff = self._board(session, staff_username)
            p = self._get(session, petition_id, lock=True)
            problems: list[Problem] = []
            if p.petition_type not in GRADED_TYPES:
                problems.append(Problem(
                    code="no_grade",
                    message=f"Petition {p.number} is a request for \"{p.petition_type}\": it "
                            "has no grade to register."))
            elif p.status != "In progress" or p.decision != "approved":
                problems.append(Problem(
                    code="not_approved",
                    message=f"Petition {p.number} has status \"{p.status}\""
                            + (" and is not approved yet" if p.decision is None else "")
                            + ": a grade is registered only after the Board of Examiners "
                            "approved it."))
            try:
                form = GradeForm.model_validate({"entered": grade})
            except ValidationError as exc:
                problems.extend(problems_from(exc))
                form = None
            if problems or form is None:
                raise ServiceError(problems)
            now = self.ctx.now()
            new = "External courses approved" if p.petition_type == "External education" \
                else "Approved"
            shown = fmt_number(form.grade)
            rounded = (f"The grade {fmt_number(form.entered)} on the transcript is registered "
                       f"as {shown}" + (" (a 5.5 is not accepted and becomes 5)."
                                        if form.entered == 5.5 else
                                        " (rounded to the nearest half point)."))
            note = rounded if form.entered != form.grade else f"Grade {shown} registered."
            p.grade_entered = form.entered
            p.grade = form.grade
            p.grade_registered_at = now
            self._move(session, p, new, now, staff.username, "Grade registered", note,
                       _Change(f"Petition {p.number}: {new}",
                               f"Your grade for {course_label(p)} has been registered: {shown}. "
                               + (rounded + " " if form.entered != form.grade else "")
                               + f"Petition {p.number} now has status \"{new}\"."))
            return petition_info(self._load(session, p.id))

    # ------------------------------------------------------------------ plumbing
    @staticmethod
    def _board(session: Session, username: str) -> StaffUser:
        staff = session.scalar(select(StaffUser).where(StaffUser.username == username))
        if staff is None or staff.role != "board":
            raise fail("not_board", "Only the Board of Examiners handles petitions.",
                       "Sign in with a Board of Examiners account.")
        return staff

    @staticmethod
    def _load(session: Session, petition_id: int) -> Petition | None:
        """The petition with everything ``info`` shows, re-read (events added since)."""
        session.flush()
        return session.scalar(
            select(Petition).where(Petition.id == petition_id)
            .options(selectinload(Petition.documents), selectinload(Petition.events),
                     selectinload(Petition.course),
                     selectinload(Petition.student).selectinload(Student.programme))
            .execution_options(populate_existing=True))

    def _get(self, session: Session, petition_id: int, *, lock: bool = False) -> Petition:
        if lock:
            session.execute(select(Petition.id).where(Petition.id == petition_id)
                            .with_for_update()).all()
        p = self._load(session, petition_id)
        if p is None:
            raise fail("unknown_petition", f"Petition {petition_id:06d} does not exist.")
        return p

    def _own(self, session: Session, student: Student, petition_id: int, *,
             lock: bool = False) -> Petition:
        p = self._load(session, petition_id)
        if p is not None and p.student_id == student.id and lock:
            p = self._get(session, petition_id, lock=True)
        if p is None or p.student_id != student.id:
            raise fail("unknown_petition", f"Petition {petition_id:06d} does not exist.")
        return p

    def _move(self, session: Session, p: Petition, new: str, now: datetime, actor: str,
              title: str, note: str, change: _Change) -> None:
        """The one place a status changes: checked, timeline event, message to the student."""
        check_transition(p.status, new)
        p.status = new
        p.updated_at = now
        self._event(session, p, new, title, actor, now, note)
        post_message(session, p.student_id, "petition", change.subject, change.body, now)
        self._audit(session, actor, p.student.student_number,
                    "petition_" + new.lower().replace(" ", "_"),
                    f"{p.number} {title}", now)

    @staticmethod
    def _event(session: Session, p: Petition, status: str, title: str, actor: str,
               now: datetime, note: str = "") -> None:
        session.add(PetitionEvent(petition_id=p.id, at=now, status=status, title=title,
                                  note=note or "", actor=actor))

    @staticmethod
    def _audit(session: Session, actor: str, student_number: str, action: str, detail: str,
               now: datetime) -> None:
        record(session, now, actor=actor, acting_for=student_number, action=action,
               detail=detail)


__all__ = [
    "CourseFacts", "DecisionForm", "GradeForm", "PETITION_TYPES", "PetitionForm", "PetitionInfo",
    "PetitionService", "PetitionSummary", "RuleContext", "STATUSES", "TRANSITIONS",
    "check_transition", "form_fields", "round_ec", "round_grade",
]
