"""Academic requirements of a programme, as data: requirement groups and the courses they list.

A group is one line of the Academic Requirements report ("First-year courses", "Minor or free
electives", "Bachelor project"); its ``kind`` says how courses count (services/academics.py):

- ``compulsory``: every listed course must be passed (``min_ec`` is their total);
- ``choice``: at least ``min_ec`` EC from the listed courses;
- ``level``: at least ``min_ec`` EC from the listed courses at ``min_level`` or above;
- ``minor_or_electives``: a minor of ``min_ec`` EC, or free electives for as much;
- ``electives``: ``min_ec`` EC of any courses not counted in another group;
- ``final_project``: the listed project course.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base

REQUIREMENT_KINDS = ("compulsory", "choice", "level", "minor_or_electives", "electives",
                     "final_project")


class RequirementGroup(Base):
    __tablename__ = "requirement_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(120))
    min_ec: Mapped[float]
    min_level: Mapped[int | None]

    courses: Mapped[list[RequirementCourse]] = relationship(
        back_populates="group", order_by="RequirementCourse.position",
        cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("programme_id", "position", name="uq_requirement_group_position"),
        CheckConstraint("kind IN ('compulsory', 'choice', 'level', 'minor_or_electives', "
                        "'electives', 'final_project')", name="kind"),
        CheckConstraint("min_ec >= 0", name="min_ec"),
    )


class RequirementCourse(Base):
    __tablename__ = "requirement_course"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("requirement_group.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    position: Mapped[int]

    group: Mapped[RequirementGroup] = relationship(back_populates="courses")

    __table_args__ = (
        UniqueConstraint("group_id", "course_id", name="uq_requirement_course_group_course"),
    )
