"""A new design's missing stages are a checklist to work through, not errors.

A design with only a few cards cannot cover the six stages yet: reporting "No Data stage" as
an error before the first click scolds the user for starting. While a design has fewer than
EARLY_DESIGN_CARDS cards, the coverage findings (a stage with no card at all, no business
objective) are listed in a "To do" group, drawn as unticked boxes and counted as "to do",
not as errors or warnings. From that size on they are back under their severity: by then a
missing stage is a gap in the design. Only the window presents them so; the rule results, the
CLI's exit status and the report are unchanged.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

from app.domain.model import Design
from app.rules.engine import CheckResult
from app.rules.model import Finding

EARLY_DESIGN_CARDS = 8
COVERAGE_RULES = frozenset({"R1", "R4"})  # no business objective; a stage with no card
TODO_COLOR = "#6E7781"


def is_early(design: Design) -> bool:
    return len(design.components) < EARLY_DESIGN_CARDS


def is_todo(finding: Finding, design: Design) -> bool:
    """A coverage finding of an early design, still open: an item of the "To do" list."""
    return (
        is_early(design)
        and finding.rule in COVERAGE_RULES
        and not finding.components
        and not finding.accepted
    )


def todo_findings(result: CheckResult, design: Design) -> list[Finding]:
    return [f for f in result.findings if is_todo(f, design)]


def counts(result: CheckResult, design: Design) -> dict[str, int]:
    """result.summary() with the to-do items moved out of their severity into "todo"."""
    summary = dict(result.summary())
    summary["todo"] = 0
    for finding in todo_findings(result, design):
        summary[finding.severity] -= 1
        summary["todo"] += 1
    return summary


def todo_icon(size: int = 16) -> QIcon:
    """An unticked box: something still to add."""
    scale = 2
    pixmap = QPixmap(size * scale, size * scale)
    pixmap.setDevicePixelRatio(scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor(TODO_COLOR), 1.6)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(QRectF(2.5, 2.5, size - 5, size - 5), 2.5, 2.5)
    painter.end()
    return QIcon(pixmap)
