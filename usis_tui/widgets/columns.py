"""Table columns that fill the width they are given (DataTable has no flexible columns)."""

from __future__ import annotations

Column = tuple[str, str, "int | None"]  # (label, key, width; None: shares what is left)


def fit_columns(table, columns: list[Column], width: int) -> None:
    """(Re)build ``table``'s columns to fill ``width`` cells: the columns without a width share
    what the others leave (each column has one cell of padding on both sides; one more cell
    for the scroll bar). The rows must be added again after this."""
    fixed = sum(w for _label, _key, w in columns if w) + 2 * len(columns) + 1
    flexible = [c for c in columns if c[2] is None] or [columns[-1]]
    room = max(8, (width - fixed) // len(flexible))
    table.clear(columns=True)
    for label, key, w in columns:
        table.add_column(label, key=key, width=w if w else room)
