"""Guards for revisions, so that a database whose tables were made by ``create_all`` before it
came under alembic (no alembic_version) can be upgraded: a revision creates only what is
missing, and never touches a row."""

from __future__ import annotations

from alembic import op
from sqlalchemy import inspect


def dialect() -> str:
    return op.get_bind().dialect.name


def has_table(name: str) -> bool:
    return inspect(op.get_bind()).has_table(name)


def has_column(table: str, column: str) -> bool:
    return any(c["name"] == column for c in inspect(op.get_bind()).get_columns(table))


def has_index(table: str, name: str) -> bool:
    return any(i["name"] == name for i in inspect(op.get_bind()).get_indexes(table))
