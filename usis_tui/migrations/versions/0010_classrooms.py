"""Classrooms: a trainer's session of a guided tour (its code, the tour, opened and closed),
its trainees (their name, the session student they work as, the step they are on, since when,
their last hint), and the flag on a student made for a session (``student.session_student``).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from usis_tui.migrations.helpers import has_column, has_table

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if not has_column("student", "session_student"):
        with op.batch_alter_table("student") as batch:
            batch.add_column(sa.Column("session_student", sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
    if not has_table("classroom"):
        op.create_table(
            "classroom",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("code", sa.String(length=6), nullable=False),
            sa.Column("trainer", sa.String(length=40), nullable=False),
            sa.Column("tour", sa.String(length=60), nullable=False),
            sa.Column("opened_at", sa.DateTime(), nullable=False),
            sa.Column("closed_at", sa.DateTime(), nullable=True),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_classroom")),
            sa.UniqueConstraint("code", name=op.f("uq_classroom_code")),
        )
        op.create_index("ix_classroom_trainer", "classroom", ["trainer", "closed_at"],
                        unique=False)
    if not has_table("classroom_trainee"):
        op.create_table(
            "classroom_trainee",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("classroom_id", sa.Integer(), nullable=False),
            sa.Column("name", sa.String(length=60), nullable=False),
            sa.Column("student_number", sa.String(length=8), nullable=False),
            sa.Column("student_id", sa.Integer(), nullable=True),
            sa.Column("step", sa.Integer(), nullable=False),
            sa.Column("total", sa.Integer(), nullable=False),
            sa.Column("step_since", sa.DateTime(), nullable=False),
            sa.Column("hint", sa.Text(), nullable=True),
            sa.Column("finished", sa.Boolean(), nullable=False),
            sa.Column("joined_at", sa.DateTime(), nullable=False),
            sa.Column("last_seen_at", sa.DateTime(), nullable=False),
            sa.CheckConstraint("step >= 1 AND total >= 0", name=op.f("ck_classroom_trainee_step")),
            sa.ForeignKeyConstraint(
                ["classroom_id"],
                ["classroom.id"],
                name=op.f("fk_classroom_trainee_classroom_id_classroom"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["student_id"],
                ["student.id"],
                name=op.f("fk_classroom_trainee_student_id_student"),
                ondelete="SET NULL",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_classroom_trainee")),
            sa.UniqueConstraint("classroom_id", "name", name="uq_classroom_trainee_name"),
            sa.UniqueConstraint("student_id", name=op.f("uq_classroom_trainee_student_id")),
            sa.UniqueConstraint("student_number",
                                name=op.f("uq_classroom_trainee_student_number")),
        )


def downgrade() -> None:
    op.drop_table("classroom_trainee")
    op.drop_index("ix_classroom_trainer", table_name="classroom")
    op.drop_table("classroom")
    # the session students go with their classrooms (their rows cascade)
    op.execute("DELETE FROM student WHERE session_student")
    with op.batch_alter_table("student") as batch:
        batch.drop_column("session_student")
