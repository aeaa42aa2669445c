"""The petition request form (``PetitionForm``) with its rule context, and the Board's
``DecisionForm`` and ``GradeForm``: every rule is a pydantic validator."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ...clock import in_range, out_of_range
from ...i18n import _, _in
from ..base import bad_text
from .constants import (
    DECISION_NUMBER,
    DECISION_TYPES,
    ELECTIVE_TYPES,
    FIELD_LABELS,
    HBO_FORM,
    INSTITUTION_TYPES,
    LEIDEN,
    LEVELS,
    MASTER_LEVEL,
    MAX_BELOW_MASTER_EC,
    MAX_INTRO_EC,
    MULTILINE_FIELDS,
    PETITION_TYPES,
    TEXT_LIMITS,
    PetitionType,
    form_fields,
)
from .parsing import (
    fmt_date,
    fmt_number,
    parse_date,
    parse_number,
    problem,
    round_ec,
    round_grade,
)


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
            raise problem("petition_type", _("Choose the type of request: Elective course, "
                                             "Exemption, Different amount of credits or "
                                             "External education."))
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
                        raise problem("text_invalid", _("{field}: {why}.").format(
                                          field=_(FIELD_LABELS.get(name, name)), why=why),
                                      _("Shorten the text or type it again instead of "
                                        "pasting."))
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
            raise problem("source", _("Course offered by: choose Leiden University or another "
                                      "institution."))
        return value

    @field_validator("catalogue_number", mode="before")
    @classmethod
    def _catalogue_number(cls, value: Any, info: ValidationInfo) -> str | None:
        if not cls._active(info, "catalogue_number"):
            return None
        number = _text(value).upper()
        if not number:
            raise problem("catalogue_number_missing",
                          _("Catalogue number: enter the catalogue number of the course "
                            "(e.g. 4343ITGOV)."),
                          _("You find it in the e-Prospectus or with Class Search."))
        rules = _rules(info)
        course = rules.lookup(number)
        if course is None:
            raise problem("unknown_course",
                          _("Catalogue number {number} is not in the course catalogue.").format(
                              number=number),
                          _("Check the number in the e-Prospectus, or choose \"Another "
                            "institution\" for a course elsewhere.")
                          if info.data.get("petition_type") == "Elective course"
                          else _("Check the number in the e-Prospectus."))
        kind = info.data.get("petition_type")
        if kind in ELECTIVE_TYPES and course.honours:
            raise problem("honours_course",
                          _("{course} is an honours course: honours courses cannot be used as "
                            "electives.").format(course=course.label),
                          _("Their EC do not count towards completing your curriculum. Choose "
                            "another course."))
        cls._not_twice(rules, kind, course_key(number, None, None))
        return number

    @staticmethod
    def _not_twice(rules: RuleContext, kind: str | None, key: str) -> None:
        if kind not in ELECTIVE_TYPES:
            return
        for existing_key, number, status in rules.existing:
            if existing_key == key:
                raise problem("already_petitioned",
                              _("You already petitioned for this course: petition {number} "
                                "({status}).").format(number=number, status=_(status)),
                              _("Open that petition under Petitions; withdraw it first if you "
                                "want to send a new one."))

    @field_validator("course_name", mode="before")
    @classmethod
    def _course_name(cls, value: Any, info: ValidationInfo) -> str | None:
        if not cls._active(info, "course_name"):
            return None
        name = _text(value)
        if not name:
            raise problem("course_name_missing",
                          _("Course name: enter the name of the course."))
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
                              _("Institution: enter where you followed the education the "
                                "exemption is based on."))
            raise problem("institution_missing",
                          _("Institution: enter the university or school that teaches the "
                            "course."))
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
                          _("Institution type: choose University or University of applied "
                            "sciences (HBO)."))
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
                          _("Level: choose the level of the course, from 100 to 600 (Master "
                            "level is 400 and higher)."),
                          _("For a university with another level system, choose the level the "
                            "course is taught at."))
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
            raise problem("ec_missing", _("EC: enter the number of credits (EC) of the "
                                          "course."))
        number = parse_number(text)
        if number is None:
            raise problem("ec_not_a_number",
                          _("EC: \"{text}\" is not a number. Enter the credits as a number, "
                            "e.g. 6 or 7.5.").format(text=text))
        if number <= 0:
            raise problem("ec_too_small", _("EC: the number of credits must be more than 0."))
        if number > 60:
            raise problem("ec_too_large", _("EC: at most 60 EC per petition."))
        if round_ec(number) < 1:
            raise problem("ec_too_small",
                          _("EC: {ec} EC rounds down to 0 EC; Leiden University does not "
                            "accept half credits.").format(ec=fmt_number(number)))
        if kind == "Different amount of credits" and course and round_ec(number) == round_ec(
                course.ec):
            raise problem("ec_same_as_course",
                          _("EC: {course} already has {ec} EC; enter the different amount you "
                            "ask for.").format(course=course.label, ec=fmt_number(course.ec)))
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
            faults.append(_("with this course {below} EC of your electives would be below "
                            "Master level (level 300 or lower), and at most {max} EC may "
                            "be").format(below=below, max=MAX_BELOW_MASTER_EC))
        if intro > MAX_INTRO_EC:
            faults.append(_("{intro} EC would be at introductory level (100/200), and at most "
                            "{max} EC of those {total} EC may be").format(
                                intro=intro, max=MAX_INTRO_EC, total=MAX_BELOW_MASTER_EC))
        if faults:
            raise problem(
                "below_master_level",
                _("Level {level} is below Master level: {faults}.").format(
                    level=level, faults="; ".join(faults)),
                _("Elective courses must be at Master level (400 and higher). Already approved "
                  "or pending below Master level: {below} EC, of which {intro} EC at level "
                  "100/200. Choose a course at level 400 or higher.").format(
                      below=rules.below_master_ec, intro=rules.intro_ec))
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
                          _("Course start date: \"{text}\" is not a date. Use DD-MM-YYYY, "
                            "e.g. 01-02-2027.").format(text=text))
        if start is not None and not in_range(start):
            raise problem("course_start_not_a_date",
                          _("Course start date: {why}").format(
                              why=out_of_range(text or start.isoformat())),
                          _("Use DD-MM-YYYY, e.g. 01-02-2027."))
        if course is not None and course.runs:
            # Our catalogue knows when the course runs: empty means its next run.
            if start is None:
                start = course.starts_on
                assert start is not None  # (set whenever runs are known)
            elif start not in course.runs:
                runs = _(" or ").join(fmt_date(d) for d in course.runs)
                raise problem("course_start_not_a_run",
                              _("Course start date: {course} starts on {dates}; choose one of "
                                "these dates.").format(course=course.label, dates=runs))
        elif start is None:
            raise problem("course_start_missing",
                          _("Course start date: enter the date the course starts "
                            "(DD-MM-YYYY)."))
        if start <= rules.today:
            raise problem("after_course_start",
                          _("Too late: the course starts today, and a petition must be "
                            "submitted before the course starts.") if start == rules.today
                          else _("Too late: the course started on {date}, and a petition must "
                                 "be submitted before the course starts.").format(
                                     date=fmt_date(start)),
                          _("Permission for elective courses must always be requested before "
                            "the start of the course. Ask your study adviser what you can do "
                            "now."))
        return start

    @field_validator("motivation", mode="before")
    @classmethod
    def _motivation(cls, value: Any, info: ValidationInfo) -> str:
        text = _text(value)
        if not text:
            raise problem("motivation_missing",
                          _("Explanation student: write your motivation, why you want to take "
                            "this course and how it prepares you for your graduation project.")
                          if info.data.get("petition_type") in ELECTIVE_TYPES
                          else _("Explanation student: write your motivation, why you ask for "
                                 "this."))
        return text

    @field_validator("hbo_form", mode="before")
    @classmethod
    def _hbo_form(cls, value: Any, info: ValidationInfo) -> str | None:
        if not cls._active(info, "hbo_form") or info.data.get("institution_type") != "HBO":
            return None
        path = _text(value)
        if not path:
            raise problem("hbo_form_missing",
                          _("{form}: a course at a university of applied sciences (HBO) needs "
                            "the \"{form}\", filled in and signed by the course "
                            "lecturer.").format(form=_(HBO_FORM)),
                          _("Add the signed form as a document (the path of the file)."))
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
                          _("Link to the course website: \"{url}\" is not a web address (it "
                            "starts with https://).").format(url=url))
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

    def rounding_notice(self, language: object | None = None) -> str:
        """"7.5 EC becomes 7 EC: …" when half credits are rounded down, else ""."""
        if self.ec is None or self.ec == self.ec_registered:
            return ""
        return _in(language, "{entered} EC becomes {registered} EC: Leiden University does not "
                             "accept half credits and always rounds down.").format(
            entered=fmt_number(self.ec, language=language), registered=self.ec_registered)

    @property
    def notices(self) -> list[str]:
        out: list[str] = []
        if rounding := self.rounding_notice():
            out.append(rounding)
        if (self.petition_type in ELECTIVE_TYPES and self.level is not None
                and self.level < MASTER_LEVEL and self.allowance):
            below, intro = self.allowance
            out.append(_("Level {level} is below Master level. With this petition {below} of at "
                         "most {max_below} EC of your electives are below level 400 ({intro} of "
                         "at most {max_intro} EC at level 100/200). Permission is on an "
                         "individual basis.").format(
                level=self.level, below=below, max_below=MAX_BELOW_MASTER_EC, intro=intro,
                max_intro=MAX_INTRO_EC))
        if self.hbo_form:
            out.append(self.hbo_notice)
        if self.petition_type in ELECTIVE_TYPES:
            out.append(_("Approval by the Board of Examiners does not enrol you: you still "
                         "enrol for the course and the exam in uSis yourself."))
        return out

    @property
    def hbo_notice(self) -> str:
        """The notice "Added: HBO Elective Course Form (…)." (the confirmation leaves it out)."""
        if not self.hbo_form:
            return ""
        return _("Added: {form} ({path}).").format(form=_(HBO_FORM), path=self.hbo_form)

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) for the review step, in form order."""
        out: list[tuple[str, str]] = [(_("Type of request"), _(self.petition_type))]
        if self.petition_type == "Elective course":
            out.append((_("Course offered by"), _(LEIDEN) if self.source == "leiden"
                        else _("Another institution")))
        if self.course is not None:
            out.append((_("Course"), self.course.label))
            if self.petition_type != "Different amount of credits":
                out.append((_("EC"), f"{fmt_number(self.course.ec)}"))
            out.append((_("Level"), str(self.course.level)))
        if self.course_name:
            out.append((_("Course name"), self.course_name))
        if self.institution_label and self.petition_type != "Different amount of credits":
            institution = self.institution_label
            out.append((_("Institution"), _(LEIDEN) if institution == LEIDEN else institution))
        if self.institution_type:
            out.append((_("Institution type"), _(INSTITUTION_TYPES[self.institution_type])))
        if self.course is None and self.level is not None:
            out.append((_("Level"), str(self.level)))
        if self.ec is not None and (self.course is None
                                    or self.petition_type == "Different amount of credits"):
            shown = fmt_number(self.ec)
            if self.ec != self.ec_registered:
                shown = _("{entered} → {registered} (rounded down)").format(
                    entered=shown, registered=self.ec_registered)
            out.append((_("EC requested") if self.course else _("EC"), shown))
        if self.course_start:
            out.append((_("Course start date"), fmt_date(self.course_start)))
        out.append((_("Explanation student"), self.motivation))
        if self.hbo_form:
            out.append((_(HBO_FORM), self.hbo_form))
        for path in self.documents:
            out.append((_("Added document"), path))
        if self.course_url:
            out.append((_("Link to the course website"), self.course_url))
        return out


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
            raise problem("outcome_missing", _("Decision: choose Approve or Reject."))
        return value

    @field_validator("decision_number", mode="before")
    @classmethod
    def _number(cls, value: Any) -> str:
        text = " ".join(_text(value).split())
        if not text:
            raise problem("decision_number_missing",
                          _("Decision number: enter the number of the Board's decision, "
                            "e.g. 26-27 LIACS 129."))
        if not DECISION_NUMBER.fullmatch(text):
            raise problem("decision_number_invalid",
                          _("Decision number: \"{text}\" is not a decision number; write it "
                            "as 26-27 LIACS 129 or Besluit 1642.").format(text=text))
        return text

    @field_validator("decision_type", mode="before")
    @classmethod
    def _type(cls, value: Any) -> str:
        text = _text(value)
        if text not in DECISION_TYPES:
            raise problem("decision_type_missing",
                          _("Decision type: choose Individueel besluit or Algemeen besluit."))
        return text

    @field_validator("ec", mode="before")
    @classmethod
    def _ec(cls, value: Any, info: ValidationInfo) -> int | None:
        text = _text(value)
        if not text:
            if info.data.get("outcome") == "approve":
                raise problem("decision_ec_missing", _("EC: enter the number of EC approved."))
            return None
        number = parse_number(text)
        if number is None or number <= 0 or number > 60:
            raise problem("decision_ec_invalid",
                          _("EC: \"{text}\" is not a number of credits between 1 and "
                            "60.").format(text=text))
        if round_ec(number) < 1:
            raise problem("decision_ec_invalid",
                          _("EC: {text} EC rounds down to 0 EC.").format(text=text))
        return round_ec(number)  # half credits are never registered

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, value: Any, info: ValidationInfo) -> int | None:
        text = _text(value)
        if not text:
            if info.data.get("outcome") == "approve":
                raise problem("decision_level_missing", _("Level: choose the level approved."))
            return None
        if not text.isdigit() or int(text) not in LEVELS:
            raise problem("decision_level_invalid", _("Level: choose a level from 100 to 600."))
        return int(text)

    @field_validator("institution", mode="before")
    @classmethod
    def _institution(cls, value: Any, info: ValidationInfo) -> str | None:
        text = _text(value)
        if not text and info.data.get("outcome") == "approve":
            raise problem("decision_institution_missing",
                          _("Institution: enter the institution that teaches the course."))
        return text or None

    @field_validator("remarks", mode="before")
    @classmethod
    def _remarks(cls, value: Any, info: ValidationInfo) -> str:
        text = _text(value)
        if not text and info.data.get("outcome") == "reject":
            raise problem("decision_reason_missing",
                          _("Remarks: a rejection needs the reason, for the student."))
        return text

    def explanation(self, language: object | None = None) -> str:
        """The text of "Explanation Board of Examiners": decision number, decision type, and
        for an approval the EC, level and institution; in ``language`` (the student's: it is
        stored and sent to them), else the current one."""
        if self.outcome == "approve":
            institution = self.institution or ""
            text = _in(language, "{number}, {kind}: approved, {ec} EC, level {level}, "
                                 "{institution}.").format(
                number=self.decision_number, kind=self.decision_type, ec=self.ec,
                level=self.level,
                institution=_in(language, LEIDEN) if institution == LEIDEN else institution)
        else:
            text = _in(language, "{number}, {kind}: rejected.").format(
                number=self.decision_number, kind=self.decision_type)
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
            raise problem("grade_missing",
                          _("Grade: enter the grade on the certified transcript."))
        number = parse_number(text)
        if number is None:
            raise problem("grade_not_a_number",
                          _("Grade: \"{text}\" is not a number. Enter it as on the transcript, "
                            "e.g. 7.3.").format(text=text))
        if not Decimal(1) <= number <= Decimal(10):
            raise problem("grade_out_of_range",
                          _("Grade: {text} is not a grade from 1 to 10.").format(text=text))
        return float(number)

    @property
    def grade(self) -> float:
        return round_grade(self.entered)
