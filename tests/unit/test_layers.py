"""The layers of docs/architecture.md hold: the import contracts in `.importlinter` are kept, no two
modules of chalicelib import each other round a cycle (imports inside functions count), nothing
deployed imports app.py, the layer table of docs/architecture.md is the contract, and comments and
moderation reach content kinds only through the content kernel."""

import os
import re
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


def contract_layers() -> list[tuple[set[str], bool]]:
    """The layers of `.importlinter`'s layers contract, top first: (names under chalicelib., independent)."""
    lines = (ROOT / ".importlinter").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "layers =") + 1
    layers = []
    for line in lines[start:]:
        text = line.strip()
        if not line.startswith((" ", "\t")) or not text:
            break
        if text.startswith("#"):
            continue
        independent = "|" in text
        names = {name.strip().removeprefix("chalicelib.") for name in text.replace("|", ":").split(":")}
        layers.append((names, independent))
    return layers


def documented_layers() -> list[tuple[set[str], bool]]:
    """The table of docs/architecture.md, Layers: (names in its first column, "never each other")."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text[text.index("## Layers\n"):]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    table = []
    for row in rows[:next((i for i, r in enumerate(rows) if not r.startswith("| `")), len(rows))]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        table.append((set(re.findall(r"`([^`]+)`", cells[0])), cells[1] == "never each other"))
    return table


def test_the_layer_picture_in_the_docs_is_the_contract():
    documented, contracted = documented_layers(), contract_layers()
    assert len(contracted) > 10
    assert documented == contracted, "docs/architecture.md's Layers table and .importlinter differ:\n" + "\n".join(
        f"doc {sorted(d)} {'|' if di else ':'}   contract {sorted(c)} {'|' if ci else ':'}"
        for (d, di), (c, ci) in zip(documented, contracted))


def test_comments_and_moderation_build_on_no_content_kind():
    graph = grimp.build_graph("chalicelib", cache_dir=None)
    for shared in ("chalicelib.comments", "chalicelib.moderation"):
        for kind in ("chalicelib.posts", "chalicelib.messages", "chalicelib.lending"):
            assert not graph.chain_exists(importer=shared, imported=kind, as_packages=True), (shared, kind)
