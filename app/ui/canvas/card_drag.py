"""CardDrag: a mouse drag of cards becomes one move_components() call, one undo step.

The cards move on screen as Qt drags them; their positions at the press are kept, and on
release the cards that moved are moved in the document at once. While such a drag is on
and snap is enabled, the cards snap to the grid (not when the document moves them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF

from app.ui.canvas.component_item import ComponentItem

if TYPE_CHECKING:
    from app.ui.canvas.scene import DesignScene


class CardDrag:
    """The cards a left-button press may drag, and where each was at the press."""

    def __init__(self, scene: DesignScene):
        self.scene = scene
        self._press_positions: dict[str, QPointF] | None = None

    def snapping(self) -> bool:
        """True while the user drags cards with snap on (not when the document moves them)."""
        return self.scene.snap_enabled and self._press_positions is not None

    def pressed(self) -> None:
        """After a left press on the scene: the selected cards and the one grabbed may move."""
        scene = self.scene
        moving = {i for i in scene.selectedItems() if isinstance(i, ComponentItem)}
        grabber = scene.mouseGrabberItem()
        if isinstance(grabber, ComponentItem):
            moving.add(grabber)
        self._press_positions = {item.component_id: item.pos() for item in moving} if moving else None

    def forget(self) -> None:
        self._press_positions = None

    def commit(self) -> None:
        """Turn the cards' visual moves since the mouse press into one move_components()."""
        starts, self._press_positions = self._press_positions, None
        if not starts:
            return
        scene = self.scene
        scene.flush_link_updates()
        moved = {}
        for cid, start in starts.items():
            item = scene.component_item(cid)
            if item is not None and item.pos() != start:
                moved[cid] = (item.pos().x(), item.pos().y())
        if moved:
            scene.document.move_components(moved)
