"""Every key binding has an id, so that the [keymap] table of config.toml can remap it (as
posting does): a Binding(...) without ``id=`` anywhere in usis_tui fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import usis_tui

PACKAGE = Path(usis_tui.__file__).parent


def bindings_without_id() -> list[str]:
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Binding" \
                    and not any(k.arg == "id" for k in node.keywords):
                missing.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    return missing


def test_every_binding_has_an_id() -> None:
    assert bindings_without_id() == []


def test_ids_name_their_module_or_a_shared_role() -> None:
    """ids read "<module>.<action>" (screens/timetable.py: "timetable.export"; a module of a
    package below screens/ may name its package too: screens/portal/admin.py
    "portal_admin.new"); the dialogs' shared "confirm.yes"/"confirm.no" and the app's own keys
    (quit, stop_acting, back, language) and a guided tour's (tour.*, app.py) are the
    exceptions."""
    shared = {"confirm", "quit", "stop_acting", "back", "language", "tour"}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Binding":
                ident = next(k.value.value for k in node.keywords if k.arg == "id"
                             and isinstance(k.value, ast.Constant))
                prefix = ident.split(".")[0]
                package = path.parent.name if path.parent.parent.name == "screens" else None
                assert prefix in shared or prefix in (path.stem, f"{package}_{path.stem}"), (
                    path.name, ident)
