"""No import circles in ``eigenpal_ext``: each module's imports point one way, so a module can be read (and
loaded) after the ones it uses.

The imports are read from the source with ``ast``, wherever they are in a module (a function-level import
counts too, since it is a dependency all the same); imports under ``if TYPE_CHECKING:`` do not count (they
never run), and neither does importing the package ``eigenpal_ext`` itself (its ``__init__`` only re-exports).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "eigenpal_ext"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The modules of the package that ``path`` imports (outside ``if TYPE_CHECKING:``)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):  # drop what is imported for type checkers only
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []
    name = module_name(path)
    here = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                base = ".".join([*parent, base] if base else parent)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(target for target in targets if target in modules)
    return found - {name, "eigenpal_ext"}


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    modules = set(paths)
    return {name: imports_of(path, modules) for name, path in paths.items() if name != "eigenpal_ext"}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import circle once, as the list of modules along it (depth-first search, colouring modules)."""
    found: list[list[str]] = []
    state: dict[str, str] = {}  # "open" while on the current path, "done" once all its imports are explored

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                found.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return found


def test_the_graph_sees_the_package() -> None:
    graph = import_graph()
    assert len(graph) > 40
    assert "eigenpal_ext._calls" in graph["eigenpal_ext._requestor"]  # a plain import
    assert "eigenpal_ext._requestor" in graph["eigenpal_ext._client"]  # an import inside a method counts too
    assert "eigenpal_ext._requestor" not in graph["eigenpal_ext._handle"]  # for type checkers only


def test_the_search_finds_a_circle() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles() -> None:
    assert circles(import_graph()) == []
