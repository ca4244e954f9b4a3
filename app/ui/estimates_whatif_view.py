"""The What-if tab of the Estimates dock: two factors and what they would change.

Peak QPS and data volume are multiplied by the factors; the list shows each figure that
changes (before → after) and each finding the scaled design would raise anew, no longer
raise, or word differently. Read only: the design is never edited (see estimates_whatif).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.estimates import DesignEstimate, EstimateEngine, format_quantity
from app.rules.model import Finding
from app.ui.document import DesignDocument
from app.ui.estimates_whatif import FigureChange, FindingChange, WhatIfResult, what_if
from app.ui.live_check import LiveChecker
from app.ui.theme import SEVERITY_COLORS, muted_text_color, tooltip_html

DEBOUNCE_MS = 300
SCALE_RANGE = (0.1, 10.0)
IDS_ROLE = Qt.ItemDataRole.UserRole + 22
FINDING_WORDS = {"introduced": "New", "resolved": "Gone", "changed": "Reworded"}
FINDING_COLORS = {"introduced": "error", "resolved": "accepted"}


def change_line(change: FigureChange, names: dict[str, str]) -> str:
    """A figure change as one line: "Ranker · Replicas needed: 10 replicas → 20 replicas"."""
    before = "—" if change.before is None else format_quantity(change.before, change.unit)
    after = "—" if change.after is None else format_quantity(change.after, change.unit)
    return f"{names.get(change.component, change.component)} · {change.label}: {before} → {after}"


def finding_line(change: FindingChange) -> str:
    finding = change.finding
    return f"{FINDING_WORDS[change.change]}: {finding.rule} {finding.message}"


class WhatIfView(QWidget):
    """Factors, and the figures and findings they change; `run` recomputes."""

    components_activated = Signal(list)
    factors_changed = Signal()  # debounced

    def __init__(
        self, document: DesignDocument, checker: LiveChecker | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.document = document
        self.checker = checker
        self.result: WhatIfResult | None = None
        self.qps_spin = self._scale_spin("Multiply every peak and mean QPS by this factor")
        self.qps_spin.setObjectName("what_if_qps")
        self.volume_spin = self._scale_spin("Multiply every daily data volume by this factor")
        self.volume_spin.setObjectName("what_if_volume")
        self.reset_button = QPushButton("Reset")
        self.reset_button.clicked.connect(self.reset)
        self.tree = QTreeWidget()
        self.tree.setObjectName("what_if_changes")
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemClicked.connect(self._activated)
        factors = QHBoxLayout()
        factors.addWidget(QLabel("Peak QPS ×"))
        factors.addWidget(self.qps_spin)
        factors.addWidget(QLabel("Volume ×"))
        factors.addWidget(self.volume_spin)
        factors.addWidget(self.reset_button)
        factors.addStretch(1)
        note = QLabel("The design is not changed: this only shows what the factors would do.")
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text);")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.addLayout(factors)
        layout.addWidget(note)
        layout.addWidget(self.tree, 1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.factors_changed)

    def _scale_spin(self, tip: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(*SCALE_RANGE)
        spin.setDecimals(2)
        spin.setSingleStep(0.5)
        spin.setValue(1.0)
        spin.setToolTip(tooltip_html(tip))
        spin.valueChanged.connect(lambda _v: self.timer.start())
        return spin

    def is_identity(self) -> bool:
        return self.qps_spin.value() == 1.0 and self.volume_spin.value() == 1.0

    def set_factors(self, qps_scale: float, volume_scale: float) -> None:
        self.qps_spin.setValue(qps_scale)
        self.volume_spin.setValue(volume_scale)

    def reset(self) -> None:
        self.set_factors(1.0, 1.0)

    def _current_findings(self) -> tuple[Finding, ...]:
        checker = self.checker
        if checker is not None and checker.result is not None and not checker.pending():
            return checker.result.findings
        return self.document.engine.check().findings

    def run(self, engine: EstimateEngine, current: DesignEstimate) -> WhatIfResult:
        """Compare the figures and findings under the factors with the current ones (read only)."""
        self.timer.stop()
        qps, volume = self.qps_spin.value(), self.volume_spin.value()
        scaled = engine.estimate(qps_scale=qps, volume_scale=volume)
        findings = () if self.is_identity() else self._current_findings()
        design = self.document.design
        self.result = what_if(
            design, current, scaled, findings, qps, volume,
            catalog=self.document.catalog, rules=self.document.engine.rules,
        )  # fmt: skip
        self.show_result()
        return self.result

    def show_result(self) -> None:
        tree = self.tree
        tree.clear()
        result = self.result
        if result is None or result.is_identity():
            hint = QTreeWidgetItem(tree, ["Set a factor above to see what would change."])
            hint.setForeground(0, QBrush(muted_text_color()))
            return
        names = {c.id: c.name or c.id for c in self.document.design.components}
        figures = QTreeWidgetItem(tree, [f"Figures that change ({len(result.figures)})"])
        for change in result.figures:
            row = QTreeWidgetItem(figures, [change_line(change, names)])
            row.setData(0, IDS_ROLE, [change.component])
        findings = QTreeWidgetItem(tree, [f"Findings that change ({len(result.findings)})"])
        for change in result.findings:
            row = QTreeWidgetItem(findings, [finding_line(change)])
            row.setData(0, IDS_ROLE, list(change.finding.components))
            lines = [change.finding.message]
            if change.before is not None:
                lines.append("Now: " + change.before.message)
            row.setToolTip(
                0, tooltip_html("\n\n".join(lines), f"{change.finding.rule} · {change.finding.title}")
            )
            color = FINDING_COLORS.get(change.change)
            if color:
                row.setForeground(0, QBrush(QColor(SEVERITY_COLORS[color])))
        bold = QFont(tree.font())
        bold.setBold(True)
        for group in (figures, findings):
            group.setFont(0, bold)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            if not group.childCount():
                none = QTreeWidgetItem(group, ["none"])
                none.setForeground(0, QBrush(muted_text_color()))
            group.setExpanded(True)

    def lines(self) -> list[str]:
        """The list as text: group titles and their rows (indented)."""
        lines = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            lines.append(group.text(0))
            lines += ["  " + group.child(j).text(0) for j in range(group.childCount())]
        return lines

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        ids = item.data(0, IDS_ROLE)
        if ids:
            self.components_activated.emit(list(ids))
