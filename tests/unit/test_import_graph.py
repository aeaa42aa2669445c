"""No runtime import cycles in ``usis_tui``.

Every module of the package is parsed with ``ast`` (nothing is imported). An edge A → B means
that importing A runs ``import B`` / ``from B import ...`` at import time: a statement at module
level, also inside a top-level ``try`` / ``if`` / ``with`` or a class body, but not inside a
function and not inside ``if TYPE_CHECKING:``. Relative imports are resolved, and
``from .pkg import name`` where ``pkg.name`` is a module counts as importing that module.
Only edges between ``usis_tui`` modules are kept; a module does not depend on its parent package
here (Python imports the parents first, that is never the cycle to fix).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "usis_tui"
ROOT = Path(__file__).resolve().parents[2] / PACKAGE

# Cycles that exist today and are being removed elsewhere. Each entry is one strongly connected
# component (the exact set of modules). The test also fails when a known cycle is gone, so that
# the entry is removed with the fix.
KNOWN: set[frozenset[str]] = set()  # none left (the cli.py ↔ cli_*.py cycle went with cli/)


def module_files() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return ((isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
            or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def import_time_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The import statements that run when the module is imported."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found.append(node)
            elif isinstance(node, ast.If):
                if not _is_type_checking(node.test):
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try | ast.TryStar):
                visit(node.body)
                for handler in node.handlers:
                    visit(handler.body)
                visit(node.orelse)
                visit(node.finalbody)
            elif isinstance(node, ast.With | ast.For | ast.While):
                visit(node.body)
                visit(getattr(node, "orelse", []))
            elif isinstance(node, ast.ClassDef):
                visit(node.body)  # a class body runs at import time
            # FunctionDef / AsyncFunctionDef: runs when called, not an import-time edge

    visit(tree.body)
    return found


def every_import(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, also inside functions (deferred: runs when called), except in
    ``if TYPE_CHECKING:`` blocks."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
            return
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def function_level_imports(tree: ast.Module) -> int:
    """How many import statements sit inside functions (deferred imports)."""
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            count += sum(isinstance(n, ast.Import | ast.ImportFrom) for n in node.body
                         for n in ast.walk(n))
    return count


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def import_graph(*, deferred: bool = False) -> dict[str, set[str]]:
    """Module → the modules it imports at import time (``deferred``: also inside functions)."""
    files = module_files()
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in (every_import(tree) if deferred else import_time_imports(tree)):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                target = _resolve(name, path.name == "__init__.py", node)
                targets.append(target)
                targets += [f"{target}.{alias.name}" for alias in node.names
                            if f"{target}.{alias.name}" in files]
            graph[name] |= {t for t in targets if t in files and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def one_cycle(graph: dict[str, set[str]], component: frozenset[str]) -> list[str]:
    """A concrete path start → ... → start inside the component, for the message."""
    start = min(component)
    paths = {start: [start]}
    todo = [start]
    while todo:
        v = todo.pop(0)
        for w in sorted(graph[v] & component):
            if w == start:
                return paths[v] + [start]
            if w not in paths:
                paths[w] = paths[v] + [w]
                todo.append(w)
    return sorted(component)


def describe(graph: dict[str, set[str]], component: frozenset[str]) -> str:
    return (f"{' → '.join(one_cycle(graph, component))}\n"
            f"    (modules in the cycle: {', '.join(sorted(component))})")


def test_the_graph_sees_the_package() -> None:
    graph = import_graph()
    assert "usis_tui.app" in graph
    assert "usis_tui.services.petitions" in graph
    assert "usis_tui.services.enrol_fast" in graph["usis_tui.services.enrolment"]
    assert "usis_tui.services.petitions.service" in graph["usis_tui.services.petitions"]
    # `from .enrol_fast import enrol_fast` is an edge, the deferred imports in app.py are not
    assert "usis_tui.services" not in graph["usis_tui.app"]


def test_no_runtime_import_cycles() -> None:
    graph = import_graph()
    found = cycles(graph)
    new = [c for c in found if c not in KNOWN]
    assert not new, "runtime import cycles:\n" + "\n".join(
        "  " + describe(graph, c) for c in new)


def test_no_cycles_through_deferred_imports_either() -> None:
    """An import inside a function only postpones a cycle: none, counting those too (the
    login ↔ queue, clock ↔ config and literal ↔ _literal_more cycles went this way)."""
    graph = import_graph(deferred=True)
    found = cycles(graph)
    assert not found, "import cycles through deferred imports:\n" + "\n".join(
        "  " + describe(graph, c) for c in found)


def test_known_cycles_still_exist() -> None:
    """A known cycle that is gone must be removed from KNOWN (so it cannot come back)."""
    found = set(cycles(import_graph()))
    gone = [sorted(c) for c in KNOWN if c not in found]
    assert not gone, f"these cycles are fixed, remove them from KNOWN: {gone}"


def test_the_checker_finds_cycles() -> None:
    """The checker itself: a known small graph."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert cycles(graph) == [frozenset({"a", "b", "c"})]
    assert one_cycle(graph, frozenset({"a", "b", "c"})) == ["a", "b", "c", "a"]
    tree = ast.parse("import os\n"
                     "from typing import TYPE_CHECKING\n"
                     "if TYPE_CHECKING:\n    from x import y\nelse:\n    import z\n"
                     "try:\n    import t\nexcept ImportError:\n    t = None\n"
                     "def f():\n    import inner\n"
                     "class C:\n    import in_class\n")
    names = [n.names[0].name if isinstance(n, ast.Import) else n.module
             for n in import_time_imports(tree)]
    assert names == ["os", "typing", "z", "t", "in_class"]
    names = [n.names[0].name if isinstance(n, ast.Import) else n.module
             for n in every_import(tree)]
    assert names == ["os", "typing", "z", "t", "inner", "in_class"]
    assert function_level_imports(tree) == 1
