"""Drawing a new link by dragging from a card's edge handle to another card (ConnectionDrag),
the scene's one drag in progress and the flash of a card that refused it (Connections)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QApplication, QGraphicsPathItem

from app.domain.errors import DesignError
from app.ui.canvas.component_item import ComponentItem
from app.ui.canvas.routing import card_box, choose_sides, route

if TYPE_CHECKING:
    from app.ui.canvas.scene import DesignScene

FLASH_MS = 700


class ConnectionDrag:
    """One drag in progress: a dashed rubber line from the source card to the mouse."""

    def __init__(self, scene: DesignScene, source: ComponentItem, start: QPointF):
        self.scene = scene
        self.source = source
        self.start = QPointF(start)
        self.moved = False
        self.target: ComponentItem | None = None
        self.line = QGraphicsPathItem()
        self.line.setPen(scene.canvas_style.theme.rubber_pen)
        self.line.setZValue(10.0)
        self.line.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        scene.addItem(self.line)
        self.update(start)

    def card_at(self, pos: QPointF) -> ComponentItem | None:
        for item in self.scene.items(pos):
            if isinstance(item, ComponentItem) and item.card_rect().adjusted(-4, -4, 4, 4).contains(pos):
                return item
        return None

    def update(self, pos: QPointF) -> None:
        if (pos - self.start).manhattanLength() >= QApplication.startDragDistance():
            self.moved = True
        target = self.card_at(pos)
        if target is self.source:
            target = None
        if target is not self.target:
            if self.target is not None:
                self.target.set_drop_target(False)
            self.target = target
            if target is not None:
                target.set_drop_target(True)
        start = card_box(self.source.pos().x(), self.source.pos().y())
        if target is not None:
            end = card_box(target.pos().x(), target.pos().y())
        else:
            end = (pos.x() - 1, pos.y() - 1, 2.0, 2.0)
        out_side, in_side = choose_sides(start, end)
        geometry = route(start, end, out_side, in_side)
        path = QPainterPath(geometry.path)
        if target is None:
            path.lineTo(pos)
        else:
            path.addPolygon(geometry.arrow)
        self.line.setPath(path)

    def finish(self, pos: QPointF) -> str | None:
        """Create the link if released over another card; returns its id, or None."""
        target = self.card_at(pos)
        self.close()
        if target is None and self.moved:  # released on empty canvas: offer a new, linked card
            self.scene.link_dropped.emit(self.source.component_id, QPointF(pos))
            return None
        if target is None or (target is self.source and not self.moved):
            return None
        document = self.scene.document
        try:
            return document.connect(self.source.component_id, target.component_id)
        except DesignError as exc:
            self.scene.connections.refuse(target, f"Cannot connect: {exc}")
            return None

    def close(self) -> None:
        if self.target is not None:
            self.target.set_drop_target(False)
            self.target = None
        if self.line.scene() is not None:
            self.scene.removeItem(self.line)


class Connections:
    """The scene's connection drag in progress (at most one), and the flash of a card that
    refused an action."""

    def __init__(self, scene: DesignScene):
        self.scene = scene
        self.drag: ConnectionDrag | None = None
        self._flashing: set[str] = set()
        self._flash_timer = QTimer(scene)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.setInterval(FLASH_MS)
        self._flash_timer.timeout.connect(self._end_flash)

    def source(self) -> ComponentItem | None:
        """The card a link is being drawn from, or None."""
        return self.drag.source if self.drag is not None else None

    def begin(self, source: ComponentItem, pos: QPointF) -> None:
        self.cancel()
        self.drag = ConnectionDrag(self.scene, source, pos)

    def update(self, pos: QPointF) -> None:
        if self.drag is not None:
            self.drag.update(pos)

    def finish(self, pos: QPointF) -> str | None:
        drag, self.drag = self.drag, None
        return drag.finish(pos) if drag is not None else None

    def cancel(self) -> None:
        drag, self.drag = self.drag, None
        if drag is not None:
            drag.close()

    def refuse(self, item: ComponentItem, text: str) -> None:
        """Tell the user an action was refused and flash the card concerned."""
        self.scene.message.emit(text)
        self.flash(item.component_id)

    def flash(self, component_id: str) -> None:
        item = self.scene.component_item(component_id)
        if item is None:
            return
        item.set_flash(True)
        self._flashing.add(component_id)
        self._flash_timer.start()

    def forget(self, component_id: str) -> None:
        """The card is gone: nothing to end its flash on."""
        self._flashing.discard(component_id)

    def _end_flash(self) -> None:
        for cid in self._flashing:
            item = self.scene.component_item(cid)
            if item is not None:
                item.set_flash(False)
        self._flashing.clear()
