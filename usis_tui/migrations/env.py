"""Alembic environment, configured in code (no alembic.ini): see usis_tui/migrations/__init__.py.

The caller passes an open connection in ``config.attributes["connection"]``; SQLite uses batch
mode ("move and copy") for ALTERs it cannot do in place.
"""

from __future__ import annotations

from alembic import context

from usis_tui.migrations.env_options import context_options
from usis_tui.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # pragma: no cover - the usis code always passes a connection
        from sqlalchemy import create_engine

        url = config.get_main_option("sqlalchemy.url")
        if url is None:
            raise RuntimeError("alembic: no connection and no sqlalchemy.url to connect to")
        engine = create_engine(url)
        with engine.connect() as connection:
            _run(connection)
        return
    _run(connection)


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      **context_options(connection))
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
