"""No import cycles among app's modules (imports inside functions count, those under
`if TYPE_CHECKING:` do not; see tests/import_graph.py)."""

from __future__ import annotations

from pathlib import Path

from tests.import_graph import import_cycles, import_graph

ROOT = Path(__file__).resolve().parent.parent


def test_app_has_no_import_cycles():
    graph = import_graph(ROOT, "app")
    assert graph.number_of_nodes() > 100 and graph.number_of_edges() > 200  # the walk found the code
    assert ("app.cli", "app.errors") in graph.edges  # a module-level import
    assert ("app.cli", "app.ui.main") in graph.edges  # an import inside a function
    cycles = import_cycles(ROOT, "app")
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(cycle) for cycle in cycles)


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_check_finds_a_cycle_closed_inside_a_function(tmp_path):
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.a import f\n",
            "pkg/a.py": "from pkg import b\n\ndef f():\n    return b\n",
            "pkg/sub/__init__.py": "",
            "pkg/sub/c.py": "from ..a import f\n",
            "pkg/b.py": "def g():\n    from pkg.sub import c\n    return c\n",
        },
    )
    assert import_cycles(tmp_path, "pkg") == [["pkg.a", "pkg.b", "pkg.sub.c", "pkg.a"]]


def test_the_check_ignores_type_checking_imports_and_a_package_s_own_submodules(tmp_path):
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.a import f\n",
            "pkg/a.py": "from typing import TYPE_CHECKING\nimport pkg\n\nif TYPE_CHECKING:\n"
            "    from pkg.b import B\n\ndef f() -> 'B': ...\n",
            "pkg/b.py": "from pkg.a import f\n\nclass B: ...\n",
        },
    )
    graph = import_graph(tmp_path, "pkg")
    assert set(graph.edges) == {("pkg.b", "pkg.a")}
    assert import_cycles(tmp_path, "pkg") == []
