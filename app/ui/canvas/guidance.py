"""The canvas guiding a user: the hint on an empty canvas, and the menu of kinds offered when
a new link is released on empty canvas (mixed into CanvasView)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, SignalInstance
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsView, QMenu

from app.ui.canvas.empty_hint import EMPTY_STEPS, paint_empty_hint
from app.ui.canvas.link_menu import build_link_menu
from app.ui.canvas.scene import DesignScene
from app.ui.document import DesignDocument


class CanvasGuidanceMixin(QGraphicsView):
    """Expects `document`, `design_scene`, the `message` signal and `select_components`."""

    document: DesignDocument
    design_scene: DesignScene
    message: SignalInstance
    link_menu: QMenu | None = None  # the last "new card linked from..." menu offered
    empty_steps: tuple[str, ...] = EMPTY_STEPS  # the empty canvas's hint (an interview has its own)

    def connect_guidance(self) -> None:
        self.design_scene.link_dropped.connect(self._offer_linked_card)
        self.document.changed.connect(self.viewport().update)  # the hint comes and goes
        self.document.design_reset.connect(self.viewport().update)

    def showing_empty_hint(self) -> bool:
        return not self.document.design.components

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        super().drawForeground(painter, rect)
        if self.showing_empty_hint():
            paint_empty_hint(painter, QRectF(self.viewport().rect()), self.palette(), self.empty_steps)

    def set_empty_steps(self, steps: tuple[str, ...]) -> None:
        self.empty_steps = steps
        self.viewport().update()

    def _offer_linked_card(self, source_id: str, scene_pos: QPointF) -> None:
        """A link released on empty canvas: a menu of kinds; the pick is created already linked."""

        def done(component_id: str, _link_id: str) -> None:
            self.select_components([component_id])  # type: ignore[attr-defined]
            name = self.document.component(component_id).name
            self.message.emit(f"Added {name}, linked from {self.document.component(source_id).name}")

        if self.link_menu is not None:
            self.link_menu.deleteLater()
        snap = self.design_scene.snap_enabled
        self.link_menu = build_link_menu(
            self.document, source_id, scene_pos, done, self.message.emit, snap, self
        )
        self.link_menu.popup(self.viewport().mapToGlobal(self.mapFromScene(scene_pos)))
