"""Students, staff users and the programmes they belong to."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base

if TYPE_CHECKING:
    from .catalogue import Course


class Programme(Base):
    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    degree: Mapped[str] = mapped_column(String(10))  # "bachelor" | "master"

    courses: Mapped[list[Course]] = relationship(back_populates="programme")

    __table_args__ = (CheckConstraint("degree IN ('bachelor', 'master')", name="degree"),)


class AccountSettings:
    """What every account (student or staff) keeps besides its password: the language it
    chose and its second factor (services/mfa.py)."""

    #: "nl" or "en" as chosen with the language switch; None: the configuration's default
    language: Mapped[str | None] = mapped_column(String(2))
    #: the confirmed TOTP secret (base32); None: no second factor set up
    mfa_secret: Mapped[str | None] = mapped_column(String(64))
    #: a secret shown at set-up, not yet confirmed with a first code
    mfa_pending: Mapped[str | None] = mapped_column(String(64))
    #: the last TOTP time step accepted (a code is accepted once)
    mfa_last_step: Mapped[int | None]
    #: the unused recovery codes, hashed (JSON list)
    mfa_recovery: Mapped[str | None] = mapped_column(Text)


class Student(AccountSettings, Base):
    __tablename__ = "student"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_number: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(200))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"))
    degree: Mapped[str] = mapped_column(String(10))  # "bachelor" | "master"
    password_hash: Mapped[str] = mapped_column(String(300))
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    #: the academic year ("2026-2027") the student started the programme: the first year
    #: counts for the binding study advice (BSA); None: not known
    cohort: Mapped[str | None] = mapped_column(String(9))
    #: made for a classroom session (models/classroom.py) and removed with it: its seats are
    #: its own, never one of the class's seats for everybody else (services/classroom.py)
    session_student: Mapped[bool] = mapped_column(default=False, server_default=false())

    programme: Mapped[Programme] = relationship()

    __table_args__ = (
        CheckConstraint("degree IN ('bachelor', 'master')", name="degree"),
        CheckConstraint("length(student_number) = 8 AND substr(student_number, 1, 1) = 's'",
                        name="student_number"),
    )


class StaffUser(AccountSettings, Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(10))  # "support" | "board" | "trainer" | "portal"
    password_hash: Mapped[str] = mapped_column(String(300))
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint("role IN ('support', 'board', 'trainer', 'portal')", name="role"),
    )
