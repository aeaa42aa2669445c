"""My Academics: study results with marks, components, attempts and release, academic
requirements as data (requirement groups and their courses), each student's cohort (the BSA
year), and "not placed" as the outcome of a selection minor's placement.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from usis_tui.migrations.helpers import has_column, has_table

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OLD_MINOR_STATUS = ("status IN ('applied', 'waitlisted', 'waiting_for_placement', 'placed', "
                    "'cancelled')")
NEW_MINOR_STATUS = ("status IN ('applied', 'waitlisted', 'waiting_for_placement', 'placed', "
                    "'not_placed', 'cancelled')")
GRADE_OR_MARK = ("(grade IS NOT NULL AND mark IS NULL) OR "
                 "(grade IS NULL AND mark IN ('V', 'NV'))")


def upgrade() -> None:
    if not has_table("requirement_group"):
        op.create_table(
            "requirement_group",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("programme_id", sa.Integer(), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column("kind", sa.String(length=20), nullable=False),
            sa.Column("title", sa.String(length=120), nullable=False),
            sa.Column("min_ec", sa.Float(), nullable=False),
            sa.Column("min_level", sa.Integer(), nullable=True),
            sa.CheckConstraint("kind IN ('compulsory', 'choice', 'level', 'minor_or_electives', "
                               "'electives', 'final_project')",
                               name=op.f("ck_requirement_group_kind")),
            sa.CheckConstraint("min_ec >= 0", name=op.f("ck_requirement_group_min_ec")),
            sa.ForeignKeyConstraint(["programme_id"], ["programme.id"],
                                    name=op.f("fk_requirement_group_programme_id_programme"),
                                    ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_requirement_group")),
            sa.UniqueConstraint("programme_id", "position", name="uq_requirement_group_position"),
        )
    if not has_table("requirement_course"):
        op.create_table(
            "requirement_course",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("group_id", sa.Integer(), nullable=False),
            sa.Column("course_id", sa.Integer(), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["course_id"], ["course.id"],
                                    name=op.f("fk_requirement_course_course_id_course"),
                                    ondelete="CASCADE"),
            sa.ForeignKeyConstraint(["group_id"], ["requirement_group.id"],
                                    name=op.f("fk_requirement_course_group_id_requirement_group"),
                                    ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_requirement_course")),
            sa.UniqueConstraint("group_id", "course_id",
                                name="uq_requirement_course_group_course"),
        )
        op.create_index(op.f("ix_requirement_course_group_id"), "requirement_course",
                        ["group_id"], unique=False)
    if not has_column("student", "cohort"):
        with op.batch_alter_table("student") as batch:
            batch.add_column(sa.Column("cohort", sa.String(length=9), nullable=True))
    if not has_column("exam_result", "mark"):
        with op.batch_alter_table("exam_result") as batch:
            batch.alter_column("grade", existing_type=sa.Float(), nullable=True)
            batch.add_column(sa.Column("mark", sa.String(length=2), nullable=True))
            batch.add_column(sa.Column("component", sa.String(length=10), nullable=False,
                                       server_default="Exam"))
            batch.add_column(sa.Column("attempt", sa.Integer(), nullable=False,
                                       server_default="1"))
            batch.add_column(sa.Column("section_id", sa.Integer(), nullable=True))
            batch.add_column(sa.Column("hidden_until", sa.DateTime(), nullable=True))
            batch.add_column(sa.Column("registered_at", sa.DateTime(), nullable=True))
            batch.add_column(sa.Column("registered_by", sa.String(length=40), nullable=True))
            batch.create_foreign_key(op.f("fk_exam_result_section_id_class_section"),
                                     "class_section", ["section_id"], ["id"],
                                     ondelete="SET NULL")
            batch.create_check_constraint(op.f("ck_exam_result_grade_or_mark"), GRADE_OR_MARK)
            batch.create_check_constraint(op.f("ck_exam_result_component"),
                                          "component IN ('Exam', 'Resit')")
            batch.create_check_constraint(op.f("ck_exam_result_attempt"), "attempt >= 1")
    with op.batch_alter_table("minor_application") as batch:
        batch.drop_constraint(op.f("ck_minor_application_status"), type_="check")
        batch.create_check_constraint(op.f("ck_minor_application_status"), NEW_MINOR_STATUS)


def downgrade() -> None:
    with op.batch_alter_table("minor_application") as batch:
        batch.drop_constraint(op.f("ck_minor_application_status"), type_="check")
        batch.create_check_constraint(op.f("ck_minor_application_status"), OLD_MINOR_STATUS)
    with op.batch_alter_table("exam_result") as batch:
        for name in ("ck_exam_result_attempt", "ck_exam_result_component",
                     "ck_exam_result_grade_or_mark"):
            batch.drop_constraint(op.f(name), type_="check")
        batch.drop_constraint(op.f("fk_exam_result_section_id_class_section"),
                              type_="foreignkey")
        for name in ("registered_by", "registered_at", "hidden_until", "section_id", "attempt",
                     "component", "mark"):
            batch.drop_column(name)
        batch.alter_column("grade", existing_type=sa.Float(), nullable=False)
    with op.batch_alter_table("student") as batch:
        batch.drop_column("cohort")
    op.drop_index(op.f("ix_requirement_course_group_id"), table_name="requirement_course")
    op.drop_table("requirement_course")
    op.drop_table("requirement_group")
