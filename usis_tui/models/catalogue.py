"""Academic years, courses, class sections and their meetings."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import (
    DDL,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base

if TYPE_CHECKING:
    from .people import Programme

COMPONENTS = ("Lecture", "Tutorial", "Practical", "Exam", "Resit")
MINOR_TYPES = ("selection", "leiden", "lde")
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


class AcademicYear(Base):
    """An academic year such as "2026-2027", running 1 September to 31 August."""

    __tablename__ = "academic_year"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(9), unique=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    max_ec: Mapped[int | None]  # optional cap on EC a student may enrol for in this year

    @property
    def label(self) -> str:
        return f"Studiejaar {self.code}"


class Course(Base):
    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    catalogue_number: Mapped[str] = mapped_column(String(12), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    ec: Mapped[float]
    level: Mapped[int]
    honours: Mapped[bool] = mapped_column(default=False)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id"), index=True)
    brightspace_id: Mapped[str | None] = mapped_column(String(20))
    brightspace_url: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)

    programme: Mapped[Programme | None] = relationship(back_populates="courses")
    sections: Mapped[list[ClassSection]] = relationship(
        back_populates="course", foreign_keys="ClassSection.course_id")
    minor: Mapped[Minor | None] = relationship(back_populates="course")

    __table_args__ = (
        CheckConstraint("level IN (100, 200, 300, 400, 500, 600)", name="level"),
        CheckConstraint("ec >= 0", name="ec"),
    )


# Catalogue numbers are stored upper case and prefix-searched as a range
# (catalogue_number >= 'X' AND catalogue_number < 'Y'), which seeks the unique index on both
# backends. These extra indexes let ad-hoc LIKE prefixes seek too (see TRAPS.md).
Index("ix_course_catalogue_number_nocase",
      Course.catalogue_number.collate("NOCASE")).ddl_if(dialect="sqlite")
Index("ix_course_catalogue_number_c", Course.catalogue_number.collate("C")).ddl_if(
    dialect="postgresql")


class Minor(Base):
    """A minor: a course whose class is applied for in a registration window."""

    __tablename__ = "minor"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), unique=True)
    minor_type: Mapped[str] = mapped_column(String(10))  # selection | leiden | lde

    course: Mapped[Course] = relationship(back_populates="minor")

    __table_args__ = (CheckConstraint("minor_type IN ('selection', 'leiden', 'lde')",
                                      name="minor_type"),)


class ClassSection(Base):
    """One class of a course in one academic year, identified by its 4-digit class number."""

    __tablename__ = "class_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    academic_year_id: Mapped[int] = mapped_column(ForeignKey("academic_year.id"))
    class_number: Mapped[str] = mapped_column(String(4))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    component: Mapped[str] = mapped_column(String(10))
    section: Mapped[str] = mapped_column(String(4), default="1")
    capacity: Mapped[int]
    waitlist_capacity: Mapped[int] = mapped_column(default=0)
    enrolled_count: Mapped[int] = mapped_column(default=0)
    waitlist_count: Mapped[int] = mapped_column(default=0)
    instructor: Mapped[str | None] = mapped_column(String(120))
    enrol_opens_at: Mapped[datetime]
    enrol_closes_at: Mapped[datetime]
    # Linked section: a tutorial linked to its lecture, a minor part linked to its minor.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("class_section.id"))
    # Requisite: the student must have passed this course (grade >= 5.5).
    requires_course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id"))

    academic_year: Mapped[AcademicYear] = relationship()
    course: Mapped[Course] = relationship(back_populates="sections", foreign_keys=[course_id])
    requires_course: Mapped[Course | None] = relationship(foreign_keys=[requires_course_id])
    # remote_side is the ``id`` column above (SQLAlchemy's self-referential idiom), not the builtin
    parent: Mapped[ClassSection | None] = relationship(
        remote_side=[id], back_populates="children")  # noqa: A003
    children: Mapped[list[ClassSection]] = relationship(back_populates="parent")
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="section", order_by="Meeting.id", cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("academic_year_id", "class_number", name="uq_class_section_year_number"),
        CheckConstraint("component IN ('Lecture', 'Tutorial', 'Practical', 'Exam', 'Resit')",
                        name="component"),
        CheckConstraint("capacity >= 0 AND waitlist_capacity >= 0", name="capacity"),
        CheckConstraint("enrolled_count >= 0 AND waitlist_count >= 0", name="counts"),
        CheckConstraint("length(class_number) = 4", name="class_number"),
        Index("ix_class_section_parent", "parent_id"),
        # The full classes of a year (the class search's "open classes only" reads it fresh on
        # every search): few rows, so a partial index.
        Index("ix_class_section_full", "academic_year_id",
              sqlite_where=text("enrolled_count >= capacity"),
              postgresql_where=text("enrolled_count >= capacity")),
    )

    @property
    def status(self) -> str:
        """PeopleSoft class status: Open, Wait List or Closed."""
        if self.enrolled_count < self.capacity:
            return "Open"
        if self.waitlist_count < self.waitlist_capacity:
            return "Wait List"
        return "Closed"


class Meeting(Base):
    """A weekly meeting pattern: weekday and times, from start_date to end_date.

    ``weeks`` optionally restricts it to ISO week numbers ("36,37,39"); otherwise it meets every
    week between the dates. An exam is a meeting whose start and end date are the same day.
    """

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("class_section.id", ondelete="CASCADE"),
                                            index=True)
    weekday: Mapped[int]  # 0 = Monday
    start_time: Mapped[time]
    end_time: Mapped[time]
    room: Mapped[str | None] = mapped_column(String(80))
    start_date: Mapped[date]
    end_date: Mapped[date]
    weeks: Mapped[str | None] = mapped_column(String(200))

    section: Mapped[ClassSection] = relationship(back_populates="meetings")

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("start_time < end_time", name="times"),
        CheckConstraint("start_date <= end_date", name="dates"),
    )

    def dates(self) -> list[date]:
        """Every date this meeting really takes place."""
        wanted = {int(w) for w in self.weeks.split(",")} if self.weeks else None
        first = self.start_date + timedelta(days=(self.weekday - self.start_date.weekday()) % 7)
        out = []
        day = first
        while day <= self.end_date:
            if wanted is None or day.isocalendar().week in wanted:
                out.append(day)
            day += timedelta(days=7)
        return out

    @property
    def days_times(self) -> str:
        return (f"{WEEKDAYS[self.weekday]} {self.start_time:%H:%M}-{self.end_time:%H:%M}")


class CatalogueVersion(Base):
    """A counter that database triggers raise whenever the catalogue changes (see
    CATALOGUE_TRIGGERS): the class search keeps an index of each year's catalogue in memory
    and rebuilds it when the counter moved, whoever wrote (importer, demo, another process).
    At most one row (id 1), made by the first change; no row reads as version 0."""

    __tablename__ = "catalogue_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]


# What the class search index holds, by table; a change to any of it raises the counter.
# class_section's seat columns (capacity, enrolled_count, waitlist_capacity, waitlist_count)
# are NOT in it: enrolling must not invalidate anything, and the search reads seats fresh.
# A new column that the search index uses must be added here and in a migration.
CATALOGUE_TABLES = ("academic_year", "programme", "course", "minor", "class_section", "meeting")
SECTION_INDEXED_COLUMNS = ("id", "academic_year_id", "class_number", "course_id", "component",
                           "section", "instructor", "enrol_opens_at", "enrol_closes_at",
                           "parent_id", "requires_course_id")
_BUMP = ("INSERT INTO catalogue_version (id, version) VALUES (1, 1) "
         "ON CONFLICT (id) DO UPDATE SET version = catalogue_version.version + 1")


def catalogue_triggers(dialect: str) -> list[str]:
    """The DDL of the triggers that raise catalogue_version (the same text in migration 0005)."""
    out = []
    if dialect == "sqlite":  # row triggers only
        for table in CATALOGUE_TABLES:
            events = ["INSERT", "DELETE", "UPDATE" if table != "class_section" else
                      f"UPDATE OF {', '.join(SECTION_INDEXED_COLUMNS)}"]
            for ev in events:
                name = f"tr_{table}_{ev.split()[0].lower()}_catalogue_version"
                out.append(f"CREATE TRIGGER {name} AFTER {ev} ON {table} "
                           f"BEGIN {_BUMP}; END")
    elif dialect == "postgresql":  # one bump per statement
        out.append("CREATE OR REPLACE FUNCTION catalogue_version_bump() RETURNS trigger "
                   f"LANGUAGE plpgsql AS $$ BEGIN {_BUMP}; RETURN NULL; END $$")
        for table in CATALOGUE_TABLES:
            events = (["INSERT OR DELETE OR TRUNCATE",
                       f"UPDATE OF {', '.join(SECTION_INDEXED_COLUMNS)}"]
                      if table == "class_section" else ["INSERT OR UPDATE OR DELETE OR TRUNCATE"])
            for i, ev in enumerate(events):
                out.append(f"CREATE TRIGGER tr_{table}_catalogue_version{'_update' if i else ''} "
                           f"AFTER {ev} ON {table} FOR EACH STATEMENT "
                           "EXECUTE FUNCTION catalogue_version_bump()")
    return out


for _dialect in ("sqlite", "postgresql"):
    for _statement in catalogue_triggers(_dialect):
        event.listen(Base.metadata, "after_create",
                     DDL(_statement).execute_if(dialect=_dialect))
