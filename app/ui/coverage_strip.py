"""The stage coverage strip: six pills, lit in the stage colour when the design covers it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from app.domain.catalog import Catalog
from app.rules.engine import CheckResult, StageCoverage
from app.ui.theme import is_dark, tooltip_html

SHORT_LABELS = {
    "business": "Business",
    "data": "Data",
    "features": "Features",
    "model": "Model",
    "serving": "Serving",
    "monitoring": "Monitoring",
}
_GAP = 4
_PILL_H = 24


class CoverageStrip(QWidget):
    """Which of the six stages the design covers. Clicking a covered pill emits its components."""

    components_activated = Signal(list)

    def __init__(self, catalog: Catalog, parent: QWidget | None = None):
        super().__init__(parent)
        self.catalog = catalog
        self.coverage: dict[str, StageCoverage] = {}
        self.names: dict[str, str] = {}
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self.setAccessibleName("Stage coverage")

    # ---- data ---------------------------------------------------------------------------

    def set_result(self, result: CheckResult | None, names: dict[str, str] | None = None) -> None:
        self.coverage = dict(result.coverage) if result is not None else {}
        self.names = dict(names or {})
        self.updateGeometry()
        self.update()

    def is_covered(self, stage: str) -> bool:
        cov = self.coverage.get(stage)
        return bool(cov and cov.covered)

    def covered_stages(self) -> list[str]:
        return [s.id for s in self.catalog.stages if self.is_covered(s.id)]

    def tooltip_for(self, stage_id: str) -> str:
        stage = self.catalog.stage(stage_id)
        cov = self.coverage.get(stage_id)
        title = f"{stage.number}. {stage.label}"
        if cov is None:
            return tooltip_html("Not checked yet.", title)
        if cov.covered:
            names = [self.names.get(c, c) for c in cov.components]
            shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
            return tooltip_html(f"Covered by: {shown}\nClick to show them on the canvas.", title)
        labels = [self.catalog.kinds[k].label for k in cov.missing_kinds if k in self.catalog.kinds]
        return tooltip_html(f"Missing. Add one of: {', '.join(labels)}.", title)

    # ---- layout -------------------------------------------------------------------------

    def _font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.9, 7.5))
        font.setBold(True)
        return font

    def _columns(self, width: int) -> int:
        metrics = QFontMetrics(self._font())
        widest = max(
            metrics.horizontalAdvance(f"{s.number} {SHORT_LABELS.get(s.id, s.label)}")
            for s in self.catalog.stages
        )
        need = (widest + 18) * len(self.catalog.stages) + _GAP * (len(self.catalog.stages) - 1)
        return len(self.catalog.stages) if width >= need else 3

    def pill_rects(self) -> list[tuple[str, QRectF]]:
        stages = self.catalog.stages
        cols = self._columns(self.width())
        width = (self.width() - _GAP * (cols - 1)) / cols
        rects = []
        for i, stage in enumerate(stages):
            row, col = divmod(i, cols)
            rects.append((stage.id, QRectF(col * (width + _GAP), row * (_PILL_H + _GAP), width, _PILL_H)))
        return rects

    def sizeHint(self) -> QSize:
        return QSize(360, self.heightForWidth(360))

    def minimumSizeHint(self) -> QSize:
        return QSize(180, self.heightForWidth(180))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        rows = -(-len(self.catalog.stages) // self._columns(width))
        return rows * _PILL_H + (rows - 1) * _GAP

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        height = self.heightForWidth(self.width())
        if self.minimumHeight() != height:
            self.setFixedHeight(height)

    # ---- painting and interaction -------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self._font())
        dark = is_dark()
        grey_fill = QColor("#3A3E45") if dark else QColor("#E3E6EA")
        grey_text = QColor("#8C939D") if dark else QColor("#7A818B")
        for stage_id, rect in self.pill_rects():
            stage = self.catalog.stage(stage_id)
            covered = self.is_covered(stage_id)
            inner = rect.adjusted(0.5, 0.5, -0.5, -0.5)
            if covered:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(stage.color))
                text_color = QColor("#1F2328")
            else:
                pen = QPen(QColor(stage.color), 1.2, Qt.PenStyle.DashLine)
                painter.setPen(pen)
                painter.setBrush(grey_fill)
                text_color = grey_text
            painter.drawRoundedRect(inner, _PILL_H / 2, _PILL_H / 2)
            painter.setPen(text_color)
            mark = "✓" if covered else "–"
            label = f"{stage.number} {SHORT_LABELS.get(stage_id, stage.label)}"
            metrics = painter.fontMetrics()
            text = metrics.elidedText(f"{label} {mark}", Qt.TextElideMode.ElideRight, int(rect.width()) - 10)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.end()

    def stage_at(self, pos: QPoint) -> str | None:
        for stage_id, rect in self.pill_rects():
            if rect.contains(pos.toPointF() if hasattr(pos, "toPointF") else pos):
                return stage_id
        return None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            help_event: QHelpEvent = event  # type: ignore[assignment]
            stage = self.stage_at(help_event.pos())
            if stage is not None:
                QToolTip.showText(help_event.globalPos(), self.tooltip_for(stage), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        stage = self.stage_at(event.position().toPoint())
        clickable = stage is not None and self.is_covered(stage)
        self.setCursor(Qt.CursorShape.PointingHandCursor if clickable else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            stage = self.stage_at(event.position().toPoint())
            if stage is not None and self.is_covered(stage):
                self.components_activated.emit(list(self.coverage[stage].components))
        super().mouseReleaseEvent(event)
