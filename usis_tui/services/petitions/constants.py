"""Petition vocabulary: types, statuses, transitions, field labels and limits, and which
form field each problem code is about."""

from __future__ import annotations

import re
from typing import Literal

from ...i18n import N_

# ---------------------------------------------------------------------------- vocabulary
PetitionType = Literal["Elective course", "Exemption", "Different amount of credits",
                       "External education"]
PetitionStatus = Literal["Submitted", "In progress", "Approved", "External courses approved",
                         "Rejected", "Withdrawn"]
# The stored values (English); shown with _() (marked here for the catalogue).
PETITION_TYPES: tuple[str, ...] = (N_("Elective course"), N_("Exemption"),
                                   N_("Different amount of credits"), N_("External education"))
STATUSES: tuple[str, ...] = (N_("Submitted"), N_("In progress"), N_("Approved"),
                             N_("External courses approved"), N_("Rejected"), N_("Withdrawn"))
ELECTIVE_TYPES = ("Elective course", "External education")  # count towards the level allowances
GRADED_TYPES = ELECTIVE_TYPES  # approved, they wait for a registered grade
TYPE_HELP = {  # shown with _()
    "Elective course": N_("A course outside your programme: from our catalogue or at another "
                          "(inter)national university or HBO school."),
    "Exemption": N_("Be exempted from a course of your programme on the basis of earlier "
                    "education."),
    "Different amount of credits": N_("Have a course of our catalogue count for a different "
                                      "number of EC."),
    "External education": N_("Courses followed elsewhere (for instance on exchange) counted in "
                             "your programme."),
}
INSTITUTION_TYPES = {"University": N_("University"),  # shown with _()
                     "HBO": N_("University of applied sciences (HBO)")}
HBO_FORM = N_("HBO Elective Course Form")  # stored as a document's kind; shown with _()
DOCUMENT = N_("Document")
LEVELS = (100, 200, 300, 400, 500, 600)
MASTER_LEVEL = 400
MAX_BELOW_MASTER_EC = 5  # at most 5 EC at level 300 ...
MAX_INTRO_EC = 3  # ... of which at most 3 EC at levels 100/200
LEIDEN = N_("Leiden University")  # stored as is; shown with _()
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

FIELD_LABELS = {  # shown with _()
    "petition_type": N_("Type of request"),
    "source": N_("Course offered by"),
    "catalogue_number": N_("Catalogue number"),
    "course_name": N_("Course name"),
    "institution": N_("Institution"),
    "institution_type": N_("Institution type"),
    "level": N_("Level"),
    "ec": N_("EC"),
    "allowance": N_("Level"),
    "course_start": N_("Course start date"),
    "motivation": N_("Explanation student"),
    "hbo_form": HBO_FORM,
    "documents": N_("Added documents"),
    "course_url": N_("Link to the course website"),
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

# Titles of the timeline events: stored in English (the service writes them), shown with _().
EVENT_TITLES = (N_("Submitted"), N_("Withdrawn by the student"), N_("Advice programme board"),
                N_("Decision Board of Examiners: approved"),
                N_("Decision Board of Examiners: rejected"), N_("Grade registered"))
# What the Board does next (``next_step``), as the queue shows it.
NEXT_STEP_LABELS = {"Advice": N_("Advice"), "Decision": N_("Decision"), "Grade": N_("Grade")}
