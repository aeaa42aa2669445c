"""The safe way is the only easy way: a static check of every module in usis_tui.

Text from users, files and the database must reach the screen literally (never parsed as
markup, control characters made visible), and screens must call services one way. A new screen
that forgets either fails here, with the file, line and what to use instead:

- text widgets come from usis_tui/widgets/literal.py, never from textual.widgets;
- no ``markup=True``; ``from_markup``/``from_text`` only on a constant (values go in as
  ``$variables``, which are inserted literally);
- titles, subtitles and tooltips are constants or pass through ``literal()``/``clean()``;
- screens and widgets start no worker and no thread themselves: they use ``service_worker`` /
  ``call_service`` (usis_tui/screens/calls.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import usis_tui

PACKAGE = Path(usis_tui.__file__).parent
LITERAL = PACKAGE / "widgets" / "literal.py"
# its text helpers (split off so that _literal_more.py needs no cycle): they parse markup on
# purpose, to tell whether a cell would be shown as itself
LITERAL_TEXT = PACKAGE / "widgets" / "_literal_text.py"
CALLS = PACKAGE / "screens" / "calls.py"
#: textual.widgets that show text they are given: use usis_tui.widgets.literal instead.
TEXT_WIDGETS = {"Static", "Label", "DataTable", "Button", "Select", "RadioButton", "Checkbox",
                "OptionList", "SelectionList", "ListItem", "ListView", "Log", "RichLog",
                "Markdown", "MarkdownViewer", "Tree", "DirectoryTree", "Collapsible", "Pretty",
                "Link", "Digits", "Tab", "Tabs", "Toast", "Input", "TextArea"}
TITLE_ATTRIBUTES = {"border_title", "border_subtitle", "tooltip", "title", "sub_title"}
SAFE_CALLS = {"literal", "clean", "literal_text"}
#: Modules that may start workers or threads: the pattern itself, the app's life cycle, replay.
WORKER_MODULES = {CALLS, PACKAGE / "app.py"}


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py")
                  if p not in (LITERAL, LITERAL_TEXT) and "migrations" not in p.parts)


#: the catalogue's lookups (usis_tui/i18n.py): a constant message gives our own text
TRANSLATE_CALLS = {"_", "pgettext", "ngettext"}


def _constant(node: ast.AST | None) -> bool:
    if node is None:
        return True
    if isinstance(node, ast.Constant):
        return node.value is None or isinstance(node.value, str)
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name in TRANSLATE_CALLS:  # our own text from the catalogue (no markup in it:
            # tests/unit/test_catalogue.py), when the message itself is a constant
            return all(_constant(arg) or isinstance(arg, ast.Name | ast.Attribute)
                       and name in ("ngettext",) and arg is node.args[-1] for arg in node.args)
        return name in SAFE_CALLS
    if isinstance(node, ast.IfExp):
        return _constant(node.body) and _constant(node.orelse)
    if isinstance(node, ast.BinOp):  # "a" + "b"
        return _constant(node.left) and _constant(node.right)
    return False


def violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(PACKAGE.parent)
    found: list[str] = []

    def add(node: ast.AST, message: str) -> None:
        found.append(f"{where}:{getattr(node, 'lineno', 0)}: {message}")

    # textual's text widgets, by the name they have here (isinstance checks are fine: only
    # creating or subclassing one shows text)
    imported = {alias.asname or alias.name: alias.name
                for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "textual.widgets")
                for alias in node.names if alias.name in TEXT_WIDGETS}
    for node in ast.walk(tree):
        used = []
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            used = [node.func.id]
        elif isinstance(node, ast.ClassDef):
            used = [b.id for b in node.bases if isinstance(b, ast.Name)]
        for name in used:
            if name in imported:
                add(node, f"{imported[name]} from textual.widgets shows text as markup or raw: "
                          "import it from usis_tui.widgets.literal")
        if isinstance(node, ast.Attribute) and node.attr in TEXT_WIDGETS and \
                isinstance(node.value, ast.Name) and node.value.id == "widgets":
            add(node, f"widgets.{node.attr}: use usis_tui.widgets.literal.{node.attr}")
        elif isinstance(node, ast.keyword) and node.arg == "markup" and \
                not (isinstance(node.value, ast.Constant) and node.value.value is False):
            add(node, "markup= other than False: text would be parsed as markup")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("from_markup", "from_text", "render_markup") and node.args and \
                    not (isinstance(node.args[0], ast.Constant)
                         and isinstance(node.args[0].value, str)):
                add(node, f"{name}() of a non-constant: pass values as $variables, or use "
                          "literal()")
            if path not in WORKER_MODULES and name in ("run_worker", "to_thread"):
                add(node, f"{name}(): call services through service_worker / call_service "
                          "(usis_tui/screens/calls.py)")
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in TITLE_ATTRIBUTES and \
                        not _constant(node.value):
                    add(node, f".{target.attr} set from a variable: wrap it in literal()")
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                path not in WORKER_MODULES and path.parent.name in ("screens", "widgets"):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                name = target.attr if isinstance(target, ast.Attribute) else \
                    getattr(target, "id", "")
                if name == "work":
                    add(node, "@work: use @service_worker (usis_tui/screens/calls.py)")
    return found


def test_the_lint_finds_what_it_looks_for(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from textual.widgets import Static, Footer\n"
        "from textual import work\n"
        "x = Static(name, markup=True)\n"
        "ok = isinstance(x, Footer)\n"
        "y = Content.from_markup(f'[b]{name}[/b]')\n"
        "w.border_title = name\n"
        "w.border_title = literal(name)\n"
        "w.tooltip = 'constant'\n"
        "class S:\n"
        "    @work(exclusive=True)\n"
        "    async def load(self):\n"
        "        await asyncio.to_thread(f)\n", encoding="utf-8")
    original = PACKAGE
    try:
        globals()["PACKAGE"] = tmp_path
        (tmp_path / "screens").mkdir()
        moved = tmp_path / "screens" / "bad.py"
        bad.rename(moved)
        messages = violations(moved)
    finally:
        globals()["PACKAGE"] = original
    text = "\n".join(messages)
    assert "Static from textual.widgets shows" in text and "Footer" not in text
    assert "markup= other than False" in text
    assert "from_markup() of a non-constant" in text
    assert text.count(".border_title set from a variable") == 1
    assert "@work" in text and "to_thread()" in text


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_shows_untrusted_text_literally_and_calls_services_one_way(path):
    assert violations(path) == []
