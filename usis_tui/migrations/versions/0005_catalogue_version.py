"""The class search's catalogue counter and full-classes index.

catalogue_version holds one counter that triggers raise whenever the catalogue (years,
programmes, courses, minors, classes except their seat counts, meetings) changes; the class
search keeps each year's catalogue in memory and rebuilds it when the counter moved.
ix_class_section_full (partial: enrolled_count >= capacity) finds a year's full classes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from usis_tui.migrations.helpers import dialect, has_index, has_table

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# A frozen copy of usis_tui.models.catalogue.catalogue_triggers() at this revision
# (tests/unit/test_migrations.py checks that create_all makes the same schema).
TABLES = ("academic_year", "programme", "course", "minor", "class_section", "meeting")
SECTION_COLUMNS = ("id", "academic_year_id", "class_number", "course_id", "component", "section",
                   "instructor", "enrol_opens_at", "enrol_closes_at", "parent_id",
                   "requires_course_id")
BUMP = ("INSERT INTO catalogue_version (id, version) VALUES (1, 1) "
        "ON CONFLICT (id) DO UPDATE SET version = catalogue_version.version + 1")


def _triggers(name: str) -> list[str]:
    out = []
    if name == "sqlite":
        for table in TABLES:
            events = ["INSERT", "DELETE", "UPDATE" if table != "class_section" else
                      f"UPDATE OF {', '.join(SECTION_COLUMNS)}"]
            for ev in events:
                out.append(f"CREATE TRIGGER tr_{table}_{ev.split()[0].lower()}_catalogue_version "
                           f"AFTER {ev} ON {table} BEGIN {BUMP}; END")
    elif name == "postgresql":
        out.append("CREATE OR REPLACE FUNCTION catalogue_version_bump() RETURNS trigger "
                   f"LANGUAGE plpgsql AS $$ BEGIN {BUMP}; RETURN NULL; END $$")
        for table in TABLES:
            events = (["INSERT OR DELETE OR TRUNCATE", f"UPDATE OF {', '.join(SECTION_COLUMNS)}"]
                      if table == "class_section" else ["INSERT OR UPDATE OR DELETE OR TRUNCATE"])
            for i, ev in enumerate(events):
                out.append(f"CREATE TRIGGER tr_{table}_catalogue_version{'_update' if i else ''} "
                           f"AFTER {ev} ON {table} FOR EACH STATEMENT "
                           "EXECUTE FUNCTION catalogue_version_bump()")
    return out


def upgrade() -> None:
    if not has_table("catalogue_version"):
        op.create_table(
            "catalogue_version",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_version")),
        )
        for statement in _triggers(dialect()):
            op.execute(statement)
    if not has_index("class_section", "ix_class_section_full"):
        op.create_index("ix_class_section_full", "class_section", ["academic_year_id"],
                        unique=False, sqlite_where=sa.text("enrolled_count >= capacity"),
                        postgresql_where=sa.text("enrolled_count >= capacity"))


def downgrade() -> None:
    op.drop_index("ix_class_section_full", table_name="class_section")
    for table in TABLES:
        for suffix in ("insert", "delete", "update"):
            if dialect() == "sqlite":
                op.execute(f"DROP TRIGGER IF EXISTS tr_{table}_{suffix}_catalogue_version")
        if dialect() == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS tr_{table}_catalogue_version ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS tr_{table}_catalogue_version_update ON {table}")
    if dialect() == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS catalogue_version_bump()")
    op.drop_table("catalogue_version")
