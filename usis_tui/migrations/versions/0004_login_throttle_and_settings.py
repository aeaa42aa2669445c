"""Database-wide settings (the demo flag, the sign-in key) and the sign-in throttle.

A database seeded with the demo data before this revision is marked as the demo database when
one of the demo accounts still has the demo password (the Login screen then lists them).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from usis_tui.migrations.helpers import has_table

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

DEMO_ACCOUNTS = (("student", "student_number", "s1234567"), ("student", "student_number", "s7654321"),
                 ("student", "student_number", "s2345678"), ("staff_user", "username", "support"),
                 ("staff_user", "username", "board"), ("staff_user", "username", "trainer"))


def upgrade() -> None:
    if not has_table("setting"):
        op.create_table(
            "setting",
            sa.Column("name", sa.String(length=40), nullable=False),
            sa.Column("value", sa.String(length=200), nullable=False),
            sa.PrimaryKeyConstraint("name", name=op.f("pk_setting")),
        )
    if not has_table("login_throttle"):
        op.create_table(
            "login_throttle",
            sa.Column("tag", sa.String(length=64), nullable=False),
            sa.Column("failures", sa.Integer(), nullable=False),
            sa.Column("last_failure_at", sa.DateTime(), nullable=False),
            sa.Column("blocked_until", sa.DateTime(), nullable=True),
            sa.Column("blocked_until_wall", sa.DateTime(), nullable=True),
            sa.PrimaryKeyConstraint("tag", name=op.f("pk_login_throttle")),
        )
        op.create_index("ix_login_throttle_last_failure_at", "login_throttle",
                        ["last_failure_at"], unique=False)
    bind = op.get_bind()
    marked = bind.execute(sa.text("SELECT value FROM setting WHERE name = 'demo'")).first()
    if marked is None and _demo_password_works(bind):
        bind.execute(sa.text("INSERT INTO setting (name, value) VALUES ('demo', '1')"))


def _demo_password_works(bind) -> bool:
    from usis_tui.services.auth import verify_password

    for table, column, name in DEMO_ACCOUNTS:
        if not has_table(table):
            continue
        stored = bind.execute(sa.text(f"SELECT password_hash FROM {table} WHERE {column} = :n"),
                              {"n": name}).scalar()
        if stored and verify_password("demo", stored):
            return True
    return False


def downgrade() -> None:
    op.drop_index("ix_login_throttle_last_failure_at", table_name="login_throttle")
    op.drop_table("login_throttle")
    op.drop_table("setting")
