"""Swap onto a wait list: the enrolment remembers the class its wait list place replaces
(PeopleSoft's "drop if enrolled"), dropped when the student gets the seat.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from usis_tui.migrations.helpers import has_column

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if not has_column("enrolment", "swap_from_id"):
        with op.batch_alter_table("enrolment") as batch:
            batch.add_column(sa.Column("swap_from_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(op.f("fk_enrolment_swap_from_id_class_section"),
                                     "class_section", ["swap_from_id"], ["id"],
                                     ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("enrolment") as batch:
        batch.drop_constraint(op.f("fk_enrolment_swap_from_id_class_section"),
                              type_="foreignkey")
        batch.drop_column("swap_from_id")
