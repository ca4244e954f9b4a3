"""The History dock: every edit since the design was opened, newest last.

Clicking a step undoes or redoes to it; the list is the same one Edit > Undo and Redo walk.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLabel, QUndoView, QVBoxLayout, QWidget

EMPTY_LABEL = "Opened design"


class HistoryPanel(QWidget):
    """The undo stack's list with the same margins as the other docks and a line saying
    what a click does."""

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
