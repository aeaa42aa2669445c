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

from .constants import (
                        COUNTED,
                        DECISION_NUMBER,
                        DECISION_TYPES,
                        DOCUMENT,
                        ELECTIVE_TYPES,
                        EVENT_TITLES,
                        EXTERNAL_FIELDS,
                        FIELD_LABELS,
                        FIELD_OF,
                        GRADED_TYPES,
                        HBO_FORM,
                        INSTITUTION_TYPES,
                        LEIDEN,
                        LEVELS,
                        MASTER_LEVEL,
                        MAX_BELOW_MASTER_EC,
                        MAX_INTRO_EC,
                        MULTILINE_FIELDS,
                        NEXT_STEP_LABELS,
                        OPEN,
                        PETITION_TYPES,
                        STATUSES,
                        TEXT_LIMITS,
                        TRANSITIONS,
                        TYPE_HELP,
                        PetitionStatus,
                        PetitionType,
                        form_fields,
)
from .forms import (
                        CourseFacts,
                        DecisionForm,
                        GradeForm,
                        PetitionForm,
                        RuleContext,
                        course_key,
)
from .parsing import (
                        fmt_date,
                        fmt_number,
                        parse_date,
                        parse_number,
                        problem,
                        problem_fields,
                        problems_from,
                        round_ec,
                        round_grade,
)
from .schemas import (
                        DocumentInfo,
                        EventInfo,
                        Frozen,
                        PetitionInfo,
                        PetitionSummary,
                        check_transition,
                        course_label,
                        institution_label,
                        next_step,
                        petition_info,
                        summary,
)
from .service import PetitionService

# Every public name of the former single module petitions.py, so that
# `from usis_tui.services.petitions import X` keeps working.
__all__ = [
                        "COUNTED",
                        "DECISION_NUMBER",
                        "DECISION_TYPES",
                        "DOCUMENT",
                        "ELECTIVE_TYPES",
                        "EVENT_TITLES",
                        "EXTERNAL_FIELDS",
                        "FIELD_LABELS",
                        "FIELD_OF",
                        "GRADED_TYPES",
                        "HBO_FORM",
                        "INSTITUTION_TYPES",
                        "LEIDEN",
                        "LEVELS",
                        "MASTER_LEVEL",
                        "MAX_BELOW_MASTER_EC",
                        "MAX_INTRO_EC",
                        "MULTILINE_FIELDS",
                        "NEXT_STEP_LABELS",
                        "OPEN",
                        "PETITION_TYPES",
                        "STATUSES",
                        "TEXT_LIMITS",
                        "TRANSITIONS",
                        "TYPE_HELP",
                        "CourseFacts",
                        "DecisionForm",
                        "DocumentInfo",
                        "EventInfo",
                        "Frozen",
                        "GradeForm",
                        "PetitionForm",
                        "PetitionInfo",
                        "PetitionService",
                        "PetitionStatus",
                        "PetitionSummary",
                        "PetitionType",
                        "RuleContext",
                        "check_transition",
                        "course_key",
                        "course_label",
                        "fmt_date",
                        "fmt_number",
                        "form_fields",
                        "institution_label",
                        "next_step",
                        "parse_date",
                        "parse_number",
                        "petition_info",
                        "problem",
                        "problem_fields",
                        "problems_from",
                        "round_ec",
                        "round_grade",
                        "summary",
]
