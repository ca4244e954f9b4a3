"""Minimap: an overview of the whole design with the view's visible area as a frame.

The overview is a cached pixmap of plain stage-coloured rectangles (and faint link lines),
rebuilt shortly after the contents change; scrolling and zooming only repaint the frame.
Clicking or dragging in the minimap centres the view there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap, QShowEvent
from PySide6.QtWidgets import QWidget

from app.ui.canvas import style as st
from app.ui.canvas.component_item import ComponentItem

if TYPE_CHECKING:
    from app.ui.canvas.view import CanvasView

MINIMAP_SIZE = QSize(220, 150)
PADDING = 8.0
MAX_LINK_LINES = 4000
REFRESH_MS = 200


def clear_corner(area: QRect, size: QSize, margin: int, obstacles: list[QRect]) -> QPoint:
    """Top-left of the minimap in `area`: the bottom-right corner unless it covers an obstacle
    (a selected card); then the first of bottom-left, top-right, top-left that covers none, or
    the corner covering the least of them."""
    left, top = area.left() + margin, area.top() + margin
    right = area.left() + area.width() - margin - size.width()
    bottom = area.top() + area.height() - margin - size.height()
    corners = [QPoint(right, bottom), QPoint(left, bottom), QPoint(right, top), QPoint(left, top)]

    def covered(corner: QPoint) -> int:
        box = QRect(corner, size)
        return sum(box.intersected(r).width() * box.intersected(r).height() for r in obstacles)

    scores = [covered(c) for c in corners]
    return corners[scores.index(min(scores))]


class Minimap(QWidget):
    """Overview of a CanvasView's scene, shown as an overlay in the view's corner."""

    def __init__(self, view: CanvasView):
        super().__init__(view)
        self._view = view
        self._pixmap: QPixmap | None = None
        self._area = QRectF()
        self._scale = 1.0
        self._offset = QPointF()
        self._dirty = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self.setFixedSize(MINIMAP_SIZE)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Overview: click or drag to move the view")
        view.design_scene.contents_changed.connect(self.schedule_refresh)
        view.horizontalScrollBar().valueChanged.connect(self._view_moved)
        view.verticalScrollBar().valueChanged.connect(self._view_moved)
        view.zoom_changed.connect(self._view_moved)
        view.selection_changed.connect(self._view_moved)
        view.design_scene.contents_changed.connect(self._view_moved)  # a selected card dragged under it
        self.margin = 12

    # ---- where it sits ---------------------------------------------------------------------------

    def place(self) -> None:
        """In the corner of the view that hides none of the selected cards (bottom-right first)."""
        view = self._view
        obstacles = [
            view.mapFromScene(item.card_rect()).boundingRect()
            for item in view.design_scene.selectedItems()
            if isinstance(item, ComponentItem)
        ]
        self.move(clear_corner(view.viewport().geometry(), self.size(), self.margin, obstacles))
        self.raise_()

    def _view_moved(self, *_args: object) -> None:
        if self.isVisible():
            self.place()
        self.update()

    # ---- the cached overview --------------------------------------------------------------------

    def schedule_refresh(self) -> None:
        self._dirty = True
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        if self._dirty:
            self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        """Redraw the overview pixmap from the scene's cards and links."""
        self._timer.stop()
        self._dirty = False
        scene = self._view.design_scene
        area = scene.components_rect()
        if area.isNull():
            self._pixmap = None
            self.update()
            return
        area = area.adjusted(-40, -40, 40, 40)
        inner_w = self.width() - 2 * PADDING
        inner_h = self.height() - 2 * PADDING
        self._scale = min(inner_w / area.width(), inner_h / area.height())
        self._area = area
        self._offset = QPointF(
            PADDING + (inner_w - area.width() * self._scale) / 2,
            PADDING + (inner_h - area.height() * self._scale) / 2,
        )
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(round(self.width() * ratio), round(self.height() * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        theme = scene.canvas_style.theme
        links = scene.link_items()
        if len(links) <= MAX_LINK_LINES:
            line = QColor(theme.muted)
            line.setAlpha(110)
            painter.setPen(QPen(line, 0))
            for link in links:
                a = self.to_minimap(link.source.card_rect().center())
                b = self.to_minimap(link.target.card_rect().center())
                painter.drawLine(a, b)
        painter.setPen(Qt.PenStyle.NoPen)
        w = max(1.5, st.CARD_W * self._scale)
        h = max(1.0, st.CARD_H * self._scale)
        for item in scene.component_items():
            corner = self.to_minimap(item.pos())
            painter.fillRect(QRectF(corner.x(), corner.y(), w, h), QColor(item.stage_color))
        painter.end()
        self._pixmap = pixmap
        self.update()

    def to_minimap(self, point: QPointF) -> QPointF:
        return QPointF(
            self._offset.x() + (point.x() - self._area.x()) * self._scale,
            self._offset.y() + (point.y() - self._area.y()) * self._scale,
        )

    def to_scene(self, point: QPointF) -> QPointF:
        return QPointF(
            self._area.x() + (point.x() - self._offset.x()) / self._scale,
            self._area.y() + (point.y() - self._offset.y()) / self._scale,
        )

    # ---- painting and mouse ------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        theme = self._view.design_scene.canvas_style.theme
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        panel = QColor(theme.card_brush.color())
        panel.setAlpha(236)
        painter.setPen(theme.border_pen)
        painter.setBrush(panel)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        if self._pixmap is None:
            return
        painter.drawPixmap(0, 0, self._pixmap)
        visible = self._view.visible_scene_rect()
        top_left = self.to_minimap(visible.topLeft())
        bottom_right = self.to_minimap(visible.bottomRight())
        frame = QRectF(top_left, bottom_right).intersected(QRectF(self.rect()).adjusted(1, 1, -1, -1))
        fill = QColor(theme.selection_color)
        fill.setAlpha(40)
        painter.setBrush(fill)
        painter.setPen(QPen(theme.selection_color, 1.5))
        painter.drawRect(frame)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._pixmap is not None:
            self._view.centerOn(self.to_scene(event.position()))
            event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton and self._pixmap is not None:
            self._view.centerOn(self.to_scene(event.position()))
            event.accept()
