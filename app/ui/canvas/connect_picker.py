"""The "Connect to..." picker: type to filter the other cards, Enter links the selection."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from app.ui.canvas.view import CanvasView


class ConnectPicker(QDialog):
    """A filter field over a list of (id, label) cards; `chosen()` is the picked id or None."""

    def __init__(self, candidates: list[tuple[str, str]], source_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Connect to")
        self.setAccessibleName("Connect to a card")
        self.setAccessibleDescription("Type part of a card's name, pick it and press Enter to link")
        self.prompt = QLabel(f"Link {source_text} to:")
        self.filter = QLineEdit()
        self.filter.setObjectName("connect_filter")
        self.filter.setPlaceholderText("Type to filter cards")
        self.filter.setAccessibleName("Filter cards")
        self.filter.setAccessibleDescription("Only cards whose name or kind contains this text are listed")
        self.prompt.setBuddy(self.filter)
        self.list = QListWidget()
        self.list.setObjectName("connect_targets")
        self.list.setAccessibleName("Cards to connect to")
        self.list.setAccessibleDescription("The card chosen here becomes the target of the new links")
        for cid, label in candidates:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, cid)
            self.list.addItem(item)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Connect")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemActivated.connect(lambda _item: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self.apply_filter)
        self.filter.installEventFilter(self)
        self.apply_filter("")
        self.filter.setFocus()

    def apply_filter(self, text: str) -> None:
        needle = text.strip().casefold()
        first: QListWidgetItem | None = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            hidden = bool(needle) and needle not in item.text().casefold()
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        if first is not None:
            self.list.setCurrentItem(first)
        else:
            self.list.setCurrentRow(-1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up and Down in the filter field walk the visible cards."""
        if watched is self.filter and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                step = -1 if event.key() == Qt.Key.Key_Up else 1
                rows = [r for r in range(self.list.count()) if not self.list.item(r).isHidden()]
                if rows:
                    current = self.list.currentRow()
                    pos = rows.index(current) if current in rows else -1
                    self.list.setCurrentRow(rows[max(0, min(len(rows) - 1, pos + step))])
                return True
        return super().eventFilter(watched, event)

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return None
        return str(item.data(Qt.ItemDataRole.UserRole))


def pick_and_connect(view: CanvasView) -> list[str]:
    """Open the picker over the view's selection and link it to the chosen card."""
    selected = view.selected_component_ids()
    if not selected:
        view.message.emit("Select a card to connect first")
        return []
    candidates = view.connect_candidates()
    if not candidates:
        view.message.emit("No other card to connect to")
        return []
    if len(selected) == 1:
        source_text = view.document.component(selected[0]).name
    else:
        source_text = f"{len(selected)} cards"
    picker = ConnectPicker(candidates, source_text, view.window())
    try:
        if picker.exec() != QDialog.DialogCode.Accepted:
            return []
        target = picker.chosen()
    finally:
        picker.deleteLater()
    if target is None:
        view.message.emit("No card matches the filter: nothing connected")
        return []
    made = view.connect_selection_to(target)
    view.setFocus()
    return made
