"""The graph of imports among a package's modules, read with `ast` (nothing is imported).

Every import counts, at module level or inside a function (a function-level import only
defers a cycle, it does not remove it); imports under `if TYPE_CHECKING:` do not, as they
never run. A package and its own submodules are not an edge either way (a package's
`__init__` re-exporting its submodules is not a cycle).
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import networkx as nx


def _modules(root: Path, package: str) -> dict[str, Path]:
    modules = {}
    for path in sorted((root / package).rglob("*.py")):
        name = ".".join(path.relative_to(root).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    return modules


def _typing_only(tree: ast.Module) -> set[int]:
    """The ids of every node under an `if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for statement in node.body:
                skipped |= {id(inner) for inner in ast.walk(statement)}
    return skipped


def _imported_names(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:  # relative: from the module's package, one level up per extra dot
        base = module if is_package else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            base = base.rpartition(".")[0]
        source = f"{base}.{node.module}" if node.module else base
    else:
        source = node.module or ""
    return [source] + [f"{source}.{alias.name}" for alias in node.names]


@lru_cache(maxsize=8)
def import_graph(root: Path, package: str) -> nx.DiGraph:
    """Module -> module it imports, among `package`'s modules under `root` (do not modify it:
    it is cached)."""
    modules = _modules(root, package)
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)

    def resolve(name: str) -> str | None:  # the longest prefix that is one of our modules
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        skipped = _typing_only(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom) or id(node) in skipped:
                continue
            for name in _imported_names(node, module, is_package):
                target = resolve(name)
                if target is None or target == module:
                    continue
                if module.startswith(target + ".") or target.startswith(module + "."):
                    continue  # a package and its own submodules
                graph.add_edge(module, target)
    return graph


def import_cycles(root: Path, package: str) -> list[list[str]]:
    """One example cycle (as a path of module names) per strongly connected set of modules."""
    graph = import_graph(root, package)
    cycles = []
    for component in nx.strongly_connected_components(graph):
        if len(component) > 1:
            path = [source for source, _target in nx.find_cycle(graph.subgraph(component))]
            first = path.index(min(path))  # start at the first name, so the report is stable
            path = path[first:] + path[:first]
            cycles.append([*path, path[0]])
    return sorted(cycles)
