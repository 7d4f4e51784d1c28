"""The layers of docs/architecture.md hold: the import contracts in `.importlinter` are kept, no two
modules of chalicelib import each other round a cycle (imports inside functions count), and nothing
deployed imports app.py."""

import os
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_the_import_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_of_chalicelib_is_part_of_an_import_cycle():
    graph = grimp.build_graph("chalicelib", include_external_packages=True, cache_dir=None)
    found = cycles(graph)
    assert found == [], "\n".join(
        " <-> ".join(component) for component in found) + "\n(docs/architecture.md, Layers: move what they share down)"


def test_nothing_deployed_imports_the_routing_table():
    graph = grimp.build_graph("chalicelib", include_external_packages=True, cache_dir=None)
    assert "app" not in graph.modules or not graph.find_modules_that_directly_import("app")


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    graph.add_import(importer="noper.policy", imported="noper.accounts", line_number=9, line_contents="import")
    graph.add_import(importer="noper.accounts", imported="noper.policy", line_number=3, line_contents="import")
    graph.add_import(importer="noper.web", imported="noper.policy", line_number=1, line_contents="import")
    assert cycles(graph) == [["noper.accounts", "noper.policy"]]
