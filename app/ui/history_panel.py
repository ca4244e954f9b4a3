"""The History dock: every edit since the design was opened, newest last.

Clicking a step undoes or redoes to it; the list is the same one Edit > Undo and Redo walk.
Like those, a step picked here says in the status bar what it undid or redid (`message`).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLabel, QUndoView, QVBoxLayout, QWidget

EMPTY_LABEL = "Opened design"


class HistoryPanel(QWidget):
    """The undo stack's list with the same margins as the other docks and a line saying
    what a click does."""

    message = Signal(str)

    def __init__(self, undo_stack: QUndoStack, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = QUndoView(undo_stack)
        self.view.setObjectName("history_view")
        self.view.setEmptyLabel(EMPTY_LABEL)
        self.view.setSpacing(2)
        self.hint = QLabel("Click a step to take the design back (or forward) to it.")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 1)
        self.setFocusProxy(self.view)
        # A step picked in the list changes the current row from a valid previous one; when
        # the stack moves by itself (an edit, Undo, Redo) the list is rebuilt and the previous
        # row is invalid, and Edit > Undo and Redo say what they did themselves.
        self.view.selectionModel().currentChanged.connect(self._picked)

    def _picked(
        self, current: QModelIndex | QPersistentModelIndex, previous: QModelIndex | QPersistentModelIndex
    ) -> None:
        if previous.isValid() and current.isValid() and current.row() != previous.row():
            self.message.emit(step_message(self.view.stack(), previous.row(), current.row()))


def step_message(stack: QUndoStack, old: int, new: int) -> str:
    """What going from step `old` to step `new` did: "Undone: Auto-layout", "Redone 3 steps, up
    to: Add Model"; the same words as Edit > Undo and Redo."""
    if new < old:
        if old - new == 1:
            return f"Undone: {stack.text(new)}"
        reached = stack.text(new - 1) if new > 0 else EMPTY_LABEL
        return f"Undone {old - new} steps, back to: {reached}"
    if new - old == 1:
        return f"Redone: {stack.text(old)}"
    return f"Redone {new - old} steps, up to: {stack.text(new - 1)}"
