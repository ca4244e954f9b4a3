"""The framework checklist: the six stages in order, lit in their colour once covered.

It follows the LiveChecker: a stage lights up as soon as a component of it is on the
canvas. The first uncovered stage is marked "Next" and shows its prompts (the questions the
stage should answer, from the catalog); clicking another stage shows its prompts instead.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.domain.catalog import Catalog, Stage
from app.rules.engine import CheckResult
from app.ui.theme import is_dark

COVERED, NEXT, OPEN = "covered", "next", "open"
INK = "#1F2328"


def _mix(color: str, other: str, amount: float) -> str:
    """`color` moved `amount` (0-1) of the way towards `other`."""
    a, b = QColor(color), QColor(other)
    mixed = QColor(
        round(a.red() + (b.red() - a.red()) * amount),
        round(a.green() + (b.green() - a.green()) * amount),
        round(a.blue() + (b.blue() - a.blue()) * amount),
    )
    return mixed.name()


class StageRow(QFrame):
    """One stage: number, label, status; its prompts when expanded."""

    clicked = Signal(str)

    def __init__(self, stage: Stage, parent: QWidget | None = None):
        super().__init__(parent)
        self.stage = stage
        self.state = OPEN
        self.count = 0
        self.expanded = False
        self.setObjectName(f"stage_row_{stage.id}")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.number = QLabel(str(stage.number))
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number.setFixedSize(24, 24)
        self.title = QLabel(stage.label)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.status = QLabel()
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.prompts = QLabel()
        self.prompts.setObjectName("stage_prompts")
        self.prompts.setTextFormat(Qt.TextFormat.RichText)
        self.prompts.setWordWrap(True)
        self.prompts.setText(
            "<ul style='margin-left:-22px; -qt-list-indent:1;'>"
            + "".join(f"<li style='margin-bottom:3px'>{html.escape(p)}</li>" for p in stage.prompts)
            + "</ul>"
        )
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.setSpacing(8)
        head.addWidget(self.number)
        head.addWidget(self.title, 1)
        head.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 10, 6)
        layout.setSpacing(2)
        layout.addLayout(head)
        layout.addWidget(self.prompts)
        self.prompts.hide()
        self.set_state(OPEN, 0, False)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.stage.id)
        super().mouseReleaseEvent(event)

    def set_state(self, state: str, count: int, expanded: bool) -> None:
        self.state, self.count, self.expanded = state, count, expanded
        color = self.stage.color
        dark = is_dark()
        muted = "#8C939D" if dark else "#7A818B"
        text = "#E8EAED" if dark else INK
        base = "#24272C" if dark else "#FFFFFF"
        if state == COVERED:
            background, border, fg, number_bg, number_fg = color, color, INK, "rgba(255,255,255,0.55)", INK
            plural = "s" if count != 1 else ""
            status = f"✓ {count} component{plural}"
            status_style = f"color: {INK};"
        elif state == NEXT:
            background = _mix(color, base, 0.82)
            border, fg, number_bg, number_fg = color, text, color, INK
            status = "NEXT"
            status_style = (
                f"background: {color}; color: {INK}; font-weight: bold; border-radius: 3px; padding: 1px 6px;"
            )
        else:
            background, border, fg, number_bg, number_fg = "transparent", color, muted, "transparent", muted
            status = "to do"
            status_style = f"color: {muted};"
        border_style = "dashed" if state == OPEN else "solid"
        width = 2 if state == NEXT else 1
        self.setStyleSheet(
            f"QFrame#{self.objectName()} {{ background: {background}; border: {width}px {border_style} "
            f"{border}; border-radius: 7px; }}"
        )
        weight = "bold" if state != OPEN else "normal"
        self.title.setStyleSheet(f"color: {fg}; font-weight: {weight}; background: transparent;")
        self.number.setStyleSheet(
            f"background: {number_bg}; color: {number_fg}; border: 1px solid {border}; border-radius: 12px;"
            " font-weight: bold;"
        )
        self.status.setText(status)
        self.status.setStyleSheet(status_style)
        self.prompts.setStyleSheet(f"color: {fg}; background: transparent;")
        self.prompts.setVisible(expanded)


class FrameworkChecklist(QWidget):
    """Six StageRows, a progress line and a closing hint once every stage is covered."""

    stage_clicked = Signal(str)

    def __init__(self, catalog: Catalog, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("framework_checklist")
        self.catalog = catalog
        self.coverage: dict[str, int] = {s.id: 0 for s in catalog.stages}
        self.focus: str | None = None  # a stage the user clicked, shown expanded
        self.progress = QLabel()
        self.progress.setObjectName("checklist_progress")
        self.progress.setWordWrap(True)
        self.rows: dict[str, StageRow] = {}
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(8, 8, 8, 8)
        column.setSpacing(6)
        column.addWidget(self.progress)
        for stage in catalog.stages:
            row = StageRow(stage)
            row.clicked.connect(self._clicked)
            self.rows[stage.id] = row
            column.addWidget(row)
        self.done = QLabel(
            "Every stage is covered. Go deeper: set the key properties, resolve or accept the "
            "trade-offs in Findings, then Finish to see the rubric."
        )
        self.done.setObjectName("checklist_done")
        self.done.setWordWrap(True)
        column.addWidget(self.done)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.refresh()

    # ---- state --------------------------------------------------------------------------

    def set_result(self, result: CheckResult | None) -> None:
        coverage = result.coverage if result is not None else {}
        self.coverage = {
            s.id: len(coverage[s.id].components) if s.id in coverage else 0 for s in self.catalog.stages
        }
        self.refresh()

    def is_lit(self, stage_id: str) -> bool:
        return self.coverage.get(stage_id, 0) > 0

    def lit_stages(self) -> list[str]:
        return [s.id for s in self.catalog.stages if self.is_lit(s.id)]

    def next_stage(self) -> str | None:
        """The first stage, in framework order, that no component covers yet."""
        return next((s.id for s in self.catalog.stages if not self.is_lit(s.id)), None)

    def current_stage(self) -> str | None:
        """The stage whose prompts are shown: the one clicked, else the next one."""
        return self.focus or self.next_stage()

    def _clicked(self, stage_id: str) -> None:
        self.focus = None if self.focus == stage_id else stage_id
        self.refresh()
        self.stage_clicked.emit(stage_id)

    def refresh(self) -> None:
        following = self.next_stage()
        current = self.current_stage()
        for stage in self.catalog.stages:
            count = self.coverage.get(stage.id, 0)
            state = COVERED if count else NEXT if stage.id == following else OPEN
            self.rows[stage.id].set_state(state, count, stage.id == current)
        lit = len(self.lit_stages())
        total = len(self.catalog.stages)
        if following is None:
            self.progress.setText(f"<b>All {total} stages covered.</b>")
        else:
            label = self.catalog.stage(following).label
            self.progress.setText(f"<b>{lit} of {total} stages covered.</b> Next: {html.escape(label)}.")
        self.done.setVisible(following is None)
