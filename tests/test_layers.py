"""Each layer of app imports only the layers docs/architecture.md allows it.

The graph is the one of tests/import_graph.py: every import, at module level or inside a
function, except those under `if TYPE_CHECKING:`.
"""

from __future__ import annotations

from pathlib import Path

from tests.import_graph import import_graph

ROOT = Path(__file__).resolve().parent.parent

# app/__init__.py, app/resources.py, app/errors.py, app/fonts.py, app/progress.py, app/terminal.py
BASE = "base"
# What each layer may import besides itself (docs/architecture.md, "Layers and what each may import").
ALLOWED = {
    BASE: set(),
    "domain": {BASE},
    "persistence": {BASE, "domain"},
    "rules": {BASE, "domain", "estimates"},
    "estimates": {BASE, "domain"},
    "layout": {BASE, "domain"},
    "diff": {BASE, "domain", "persistence", "rules", "estimates"},
    "export": {BASE, "domain", "persistence", "rules", "layout", "diff", "estimates"},
    "library": {BASE, "domain", "persistence"},
    "cli": {BASE, "domain", "persistence", "rules", "layout", "diff", "export", "library", "ui", "estimates"},
    "ui": {BASE, "domain", "persistence", "rules", "layout", "diff", "export", "library", "estimates"},
}
# Imports that break the layering today, each with the reason; the test fails when one is
# gone, so that the exception is deleted with it.
KNOWN_EXCEPTIONS: set[tuple[str, str]] = set()


def layer_of(module: str) -> str:
    parts = module.split(".")
    if module in ("app", "app.resources", "app.errors", "app.fonts", "app.progress", "app.terminal"):
        return BASE
    if module in ("app.cli", "app.__main__") or parts[-1] in ("cli_command", "cli_commands"):
        return "cli"  # `mlsd` itself, and the subcommands that live beside their package
    if module in ("app.templates", "app.desktop_integration"):
        return "library"  # used by the CLI and the window alike
    return parts[1]


def test_every_module_has_a_known_layer():
    modules = import_graph(ROOT, "app").nodes
    unknown = sorted(m for m in modules if layer_of(m) not in ALLOWED)
    assert unknown == [], "a new package: add its layer to ALLOWED and to docs/architecture.md"
    assert {layer_of(m) for m in modules} == set(ALLOWED), "a layer is gone: remove it from ALLOWED"


def test_layers_import_only_what_they_may():
    graph = import_graph(ROOT, "app")
    upward = sorted(
        (source, target)
        for source, target in graph.edges
        if layer_of(source) != layer_of(target) and layer_of(target) not in ALLOWED[layer_of(source)]
    )
    assert [edge for edge in upward if edge not in KNOWN_EXCEPTIONS] == []
    assert set(upward) == KNOWN_EXCEPTIONS, "an exception no longer happens: delete it from KNOWN_EXCEPTIONS"


def test_only_app_cli_imports_the_window_from_outside_app_ui():
    # (inside main_gui: tests/test_no_qt_in_core.py checks that importing app.cli loads no Qt)
    graph = import_graph(ROOT, "app")
    into_ui = {(s, t) for s, t in graph.edges if layer_of(t) == "ui" and layer_of(s) != "ui"}
    assert {source for source, _ in into_ui} == {"app.cli"} and ("app.cli", "app.ui.main") in into_ui
