"""Exam confirmations: an exam enrolment is provisional until the student confirms it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from usis_tui.migrations.helpers import has_table

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if not has_table("exam_confirmation"):
        op.create_table(
            "exam_confirmation",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("enrolment_id", sa.Integer(), nullable=False),
            sa.Column("status", sa.String(length=10), nullable=False),
            sa.Column("deadline_at", sa.DateTime(), nullable=False),
            sa.Column("confirmed_at", sa.DateTime(), nullable=True),
            sa.Column("expired_at", sa.DateTime(), nullable=True),
            sa.CheckConstraint("status IN ('confirmed', 'expired')",
                               name=op.f("ck_exam_confirmation_status")),
            sa.ForeignKeyConstraint(["enrolment_id"], ["enrolment.id"],
                                    name=op.f("fk_exam_confirmation_enrolment_id_enrolment"),
                                    ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_confirmation")),
            sa.UniqueConstraint("enrolment_id", name=op.f("uq_exam_confirmation_enrolment_id")),
        )


def downgrade() -> None:
    op.drop_table("exam_confirmation")
