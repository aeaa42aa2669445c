"""Sign-in sessions for the opening queue (USIS_MAX_SESSIONS).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from usis_tui.migrations.helpers import has_table

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if not has_table("login_session"):
        op.create_table(
            "login_session",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("token", sa.String(length=32), nullable=False),
            sa.Column("username", sa.String(length=40), nullable=False),
            sa.Column("status", sa.String(length=10), nullable=False),
            sa.Column("queued_at", sa.DateTime(), nullable=False),
            sa.Column("admitted_at", sa.DateTime(), nullable=True),
            sa.Column("last_seen_at", sa.DateTime(), nullable=False),
            sa.Column("ended_at", sa.DateTime(), nullable=True),
            sa.Column("end_reason", sa.String(length=20), nullable=True),
            sa.CheckConstraint("status IN ('waiting', 'active', 'ended')",
                               name=op.f("ck_login_session_status")),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_login_session")),
            sa.UniqueConstraint("token", name=op.f("uq_login_session_token")),
        )
        op.create_index("ix_login_session_status_queued", "login_session",
                        ["status", "queued_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_login_session_status_queued", table_name="login_session")
    op.drop_table("login_session")
