"""Developer tool: ``python -m usis_tui.migrations revision "what changed"`` autogenerates the
next revision (numbered 0002, 0003, ...) by comparing the models with a scratch SQLite database
at the newest revision. Review the file, and guard each step with helpers.has_table /
has_column so that databases created before migrations can still be upgraded."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "revision":
        print(__doc__, file=sys.stderr)
        return 2
    from alembic import command

    from ..db import Database
    from . import _migrating, head, make_config, upgrade

    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        upgrade(db)
        rev_id = f"{int(head()) + 1:04d}"
        with _migrating(db) as conn:
            command.revision(make_config(conn), message=argv[1], autogenerate=True,
                             rev_id=rev_id)
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
