"""Minimap: an overview of the whole design with the view's visible area as a frame.

The overview is a cached pixmap of plain stage-coloured rectangles (and faint link lines),
rebuilt shortly after the contents change; scrolling and zooming only repaint the frame.
Clicking or dragging in the minimap centres the view there.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPoint, QPointF, QRect, QRectF, QSize, Qt, QTimer
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
SLICE_MS = 20.0  # work per turn of the event loop when the timer refreshes a large design
STEP = 256  # cards or links gathered between two looks at the clock
SLICED_MIN = 1000  # designs of this many components are refreshed in slices when shown too


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
        self._timer.timeout.connect(self._refresh_in_slices)
        self._steps: Iterator[None] | None = None  # a refresh under way (_refresh_in_slices)
        self._slice_timer = QTimer(self)
        self._slice_timer.setSingleShot(True)
        self._slice_timer.setInterval(0)
        self._slice_timer.timeout.connect(self._refresh_in_slices)
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
        self._steps = None  # a refresh under way starts again, from the changed contents
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        if self._dirty:
            if len(self._view.document.design.components) >= SLICED_MIN:
                self._refresh_in_slices()  # a large design: painted once gathered, in slices
            else:
                self.refresh()
        super().showEvent(event)

    def refreshing(self) -> bool:
        """Shown, with a refresh due or under way (a large design's is made in slices)."""
        return self.isVisible() and (self._dirty or self._steps is not None)

    def refresh(self) -> None:
        """Redraw the overview pixmap from the design's cards and links, at once."""
        self._timer.stop()
        self._slice_timer.stop()
        self._steps = None
        for _ in self._geometry():
            pass

    def _refresh_in_slices(self) -> None:
        """The refresh the timer starts: a large design's geometry is gathered SLICE_MS at a
        time (the event loop runs in between), then drawn in a few batched calls."""
        self._timer.stop()
        if self._steps is None:
            self._steps = self._geometry()
        deadline = time.perf_counter() + SLICE_MS / 1000.0
        for _ in self._steps:
            if time.perf_counter() >= deadline:
                self._slice_timer.start()
                return
        self._steps = None

    def _geometry(self) -> Iterator[None]:
        """Gathers the lines and rectangles (yielding every STEP of them), then paints them."""
        self._dirty = False
        scene = self._view.design_scene
        catalog = scene.document.catalog
        items = scene._components
        colors: dict[str, str] = {}  # each card's colour and top-left corner: its item's where
        positions: dict[str, tuple[float, float]] = {}  # built, else the design's
        for n, component in enumerate(scene.document.design.components):
            item = items.get(component.id)
            if item is not None:
                pos = item.pos()
                positions[component.id] = (pos.x(), pos.y())
                colors[component.id] = item.stage_color
            else:
                positions[component.id] = (component.position.x, component.position.y)
                spec = catalog.kind(component.kind)
                colors[component.id] = (
                    catalog.stage(spec.stage).color if spec is not None else st.UNKNOWN_STAGE_COLOR
                )
            if n % STEP == STEP - 1:
                yield
        if not positions:
            self._pixmap = None
            self.update()
            return
        xs = [p[0] for p in positions.values()]
        ys = [p[1] for p in positions.values()]
        area = QRectF(min(xs), min(ys), max(xs) - min(xs) + st.CARD_W, max(ys) - min(ys) + st.CARD_H)
        area = area.adjusted(-40, -40, 40, 40)
        inner_w = self.width() - 2 * PADDING
        inner_h = self.height() - 2 * PADDING
        scale = min(inner_w / area.width(), inner_h / area.height())
        ox = PADDING + (inner_w - area.width() * scale) / 2 - area.x() * scale
        oy = PADDING + (inner_h - area.height() * scale) / 2 - area.y() * scale
        links = scene.document.design.links
        lines: list[QLineF] = []
        if len(links) <= MAX_LINK_LINES:
            half_w, half_h = st.CARD_RECT.center().x(), st.CARD_RECT.center().y()
            for n, link in enumerate(links):
                a, b = positions.get(link.source), positions.get(link.target)
                if a is not None and b is not None:
                    lines.append(QLineF(
                        ox + (a[0] + half_w) * scale, oy + (a[1] + half_h) * scale,
                        ox + (b[0] + half_w) * scale, oy + (b[1] + half_h) * scale,
                    ))
                if n % STEP == STEP - 1:
                    yield
        w = max(1.5, st.CARD_W * scale)
        h = max(1.0, st.CARD_H * scale)
        rects: dict[str, list[QRectF]] = {}
        for n, (cid, (x, y)) in enumerate(positions.items()):
            rects.setdefault(colors[cid], []).append(QRectF(ox + x * scale, oy + y * scale, w, h))
            if n % STEP == STEP - 1:
                yield
        self._scale = scale
        self._area = area
        self._offset = QPointF(ox + area.x() * scale, oy + area.y() * scale)
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(round(self.width() * ratio), round(self.height() * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        if lines:
            line = QColor(scene.canvas_style.theme.muted)
            line.setAlpha(110)
            painter.setPen(QPen(line, 0))
            painter.drawLines(lines)
        painter.setPen(Qt.PenStyle.NoPen)
        for color, boxes in rects.items():
            painter.setBrush(QColor(color))
            painter.drawRects(boxes)
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
