"""Starts the real window (app.ui.main.run_app, as `mlsd-studio FILE` does) with a read-only
probe for the end-to-end tests: each line `geom` on stdin is answered on stdout with one line
`GEOM {json}` giving the global screen positions the test must aim real input events at (a
palette kind, the canvas, the cards, the first open finding, the Accept button, an open dialog)
and a little state to wait on. The probe never changes the design or the window; it only reads.

    python tests/e2e/probe_launch.py FILE --no-recovery
"""

from __future__ import annotations

import json
import sys
from typing import Any

from PySide6.QtCore import QPoint, QSocketNotifier
from PySide6.QtWidgets import QApplication, QWidget

from app.ui.canvas.component_item import ComponentItem
from app.ui.findings_view import FINDING_ROLE
from app.ui.main import run_app

_keep: list[QSocketNotifier] = []


def _center(widget: QWidget, local: QPoint | None = None) -> list[int]:
    point = widget.mapToGlobal(local if local is not None else widget.rect().center())
    return [point.x(), point.y()]


def geometry() -> dict[str, Any]:
    from app.ui.main_window import MainWindow

    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    if not windows:
        return {"window": False}
    window = windows[0]
    tree = window.palette_panel.tree
    kinds = {}
    for kind in ("model", "data_source", "metric"):
        index = window.palette_panel.index_of_kind(kind)
        if index.isValid():
            kinds[kind] = _center(tree.viewport(), tree.visualRect(index).center())
    canvas = window.canvas
    viewport = canvas.viewport()
    top_left = viewport.mapToGlobal(QPoint(0, 0))
    cards = {}
    names = {c.id: c.name for c in window.document.design.components}
    for card in canvas.scene().items():
        if isinstance(card, ComponentItem):
            center = canvas.mapFromScene(card.sceneBoundingRect().center())
            cards[names.get(card.component_id, card.component_id)] = _center(viewport, center)
    finding = None
    panel = window.findings
    for item in panel.finding_items():
        found = item.data(0, FINDING_ROLE)
        rect = panel.tree.visualItemRect(item)
        if found is not None and not getattr(found, "accepted", False) and rect.isValid():
            finding = {"rule": found.rule, "at": _center(panel.tree.viewport(), rect.center())}
            break
    modal = QApplication.activeModalWidget() or QApplication.activePopupWidget()
    dialog: dict[str, Any] | None = None
    if modal is not None:
        dialog = {"title": modal.windowTitle(), "type": type(modal).__name__}
        ok = getattr(modal, "ok_button", None)
        if ok is not None:
            dialog["ok"] = _center(ok)
            dialog["ok_enabled"] = ok.isEnabled()
    focus = QApplication.focusWidget()
    design = window.document.design
    return {
        "window": True,
        "title": window.windowTitle(),
        "kinds": kinds,
        "canvas": [top_left.x(), top_left.y(), viewport.width(), viewport.height()],
        "cards": cards,
        "links": len(design.links),
        "decisions": len(design.decisions),
        "finding": finding,
        "accept": _center(panel.accept_button) if panel.accept_button.isVisible() else None,
        "accept_enabled": panel.accept_button.isEnabled(),
        "dialog": dialog,
        "focus": type(focus).__name__ if focus is not None else None,
        "focus_name": focus.objectName() if focus is not None else None,
        "modified": window.document.is_modified(),
    }


def _answer() -> None:
    line = sys.stdin.readline()
    if not line:
        for notifier in _keep:
            notifier.setEnabled(False)
        return
    if line.strip() == "geom":
        print("GEOM " + json.dumps(geometry()), flush=True)


def _started() -> None:
    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(_answer)
    _keep.append(notifier)
    print("READY", flush=True)


if __name__ == "__main__":
    sys.exit(run_app(sys.argv[1:], started=_started))
