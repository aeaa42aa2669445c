"""Each account's language (the "nl | en" switch) and its second factor (TOTP secret, the
secret awaiting confirmation, the last time step accepted, the hashed recovery codes).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from usis_tui.migrations.helpers import has_table

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = (
    ("language", sa.String(length=2)),
    ("mfa_secret", sa.String(length=64)),
    ("mfa_pending", sa.String(length=64)),
    ("mfa_last_step", sa.Integer()),
    ("mfa_recovery", sa.Text()),
)


def _columns(table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade() -> None:
    for table in ("student", "staff_user"):
        if not has_table(table):
            continue
        present = _columns(table)
        missing = [(name, kind) for name, kind in COLUMNS if name not in present]
        if missing:
            with op.batch_alter_table(table) as batch:
                for name, kind in missing:
                    batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    for table in ("student", "staff_user"):
        with op.batch_alter_table(table) as batch:
            for name, _kind in reversed(COLUMNS):
                batch.drop_column(name)
