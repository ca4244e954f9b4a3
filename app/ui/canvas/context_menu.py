"""The canvas's context menu on cards: rename, record a decision, pin or unpin the position,
auto-layout the selection."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import QMenu

from app.ui.canvas.component_item import ComponentItem

if TYPE_CHECKING:
    from app.ui.canvas.view import CanvasView


def card_menu(view: CanvasView, pos: QPoint) -> QMenu | None:
    """The menu for a right click at `pos` (viewport coordinates) on a card; None elsewhere.

    It acts on the selection: the card clicked becomes the selection unless it is part of it.
    """
    item = view.itemAt(pos)
    while item is not None and not isinstance(item, ComponentItem):
        item = item.parentItem()
    if not isinstance(item, ComponentItem):
        return None
    if not item.isSelected():
        view.select_components([item.component_id])
    ids = view.selected_component_ids()
    index = view.document.design.component_by_id()
    all_pinned = all(index[cid].pinned for cid in ids if cid in index)
    menu = QMenu(view)
    count = f" ({len(ids)})" if len(ids) > 1 else ""
    if len(ids) == 1:
        rename = menu.addAction("Rename\tF2")
        rename.setObjectName("rename_action")
        # once the menu has closed and given the focus back: the editor takes it then
        rename.triggered.connect(lambda: QTimer.singleShot(0, lambda: view.renamer.start(ids[0])))
    record = menu.addAction("Record a decision…")
    record.setObjectName("record_decision_action")
    record.setToolTip("A design decision about these components: the options weighed and the choice")
    record.triggered.connect(lambda: view.decision_requested.emit(list(ids)))
    menu.addSeparator()
    if all_pinned:
        action = menu.addAction(f"Unpin position{count}")
        action.triggered.connect(lambda: view.set_selection_pinned(False))
    else:
        action = menu.addAction(f"Pin position{count}")
        action.triggered.connect(lambda: view.set_selection_pinned(True))
    action.setObjectName("pin_action")
    action.setToolTip("A pinned card stays where it is when the design is auto-laid out")
    if len(ids) >= 2:
        layout_action = menu.addAction(f"Auto-layout the selection ({len(ids)})")
        layout_action.setObjectName("layout_selection_action")
        layout_action.triggered.connect(view.auto_layout)
    return menu
