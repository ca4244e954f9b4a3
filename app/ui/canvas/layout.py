"""Auto-layout: Graphviz positions (stages left to right) applied as one undo step."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from app.ui.document import DesignDocument

UNDO_TEXT = "Auto-layout"


def _layout_function():
    """app.export.layout_positions and app.export.RenderError (imported late: it is heavy)."""
    from app import export

    return export.layout_positions, getattr(export, "RenderError", RuntimeError)


def auto_layout(document: DesignDocument, report: Callable[[str], None]) -> bool:
    """Move the components to the positions the layout engine returns, as one undo step.

    Only the returned positions change; components the layout leaves out keep theirs. A
    RenderError (Graphviz missing, failing or timing out) is reported through `report` and
    leaves the design untouched. Returns True when the layout was applied.
    """
    try:
        layout_positions, render_error = _layout_function()
    except (ImportError, AttributeError) as exc:
        report(f"Auto-layout is not available: {exc}")
        return False
    if not document.design.components:
        report("Auto-layout: the design is empty")
        return False
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        positions = layout_positions(document.design, document.catalog)
    except render_error as exc:
        report(f"Auto-layout failed: {exc}")
        return False
    finally:
        QGuiApplication.restoreOverrideCursor()
    known = document.design.component_by_id()
    clean: dict[str, tuple[float, float]] = {}
    for cid, (x, y) in positions.items():
        if cid in known and math.isfinite(x) and math.isfinite(y):
            clean[cid] = (float(x), float(y))
    document.move_components(clean, text=UNDO_TEXT)
    return True
