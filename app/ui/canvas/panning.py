"""Panning the canvas with the middle button, or with the left button while Space is held."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QGraphicsView


class Panning:
    """The view's pan state; each method returns True when it took the event."""

    def __init__(self, view: QGraphicsView):
        self.view = view
        self.space_held = False
        self.button: Qt.MouseButton | None = None
        self.last = QPointF()

    def press(self, event: QMouseEvent) -> bool:
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (button == Qt.MouseButton.LeftButton and self.space_held):
            self.button = button
            self.last = event.position()
            self.view.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return True
        return False

    def move(self, event: QMouseEvent) -> bool:
        if self.button is None:
            return False
        view = self.view
        delta = event.position() - self.last
        self.last = event.position()
        view.horizontalScrollBar().setValue(view.horizontalScrollBar().value() - round(delta.x()))
        view.verticalScrollBar().setValue(view.verticalScrollBar().value() - round(delta.y()))
        event.accept()
        return True

    def release(self, event: QMouseEvent) -> bool:
        if self.button is not None and event.button() == self.button:
            self.button = None
            self.restore_cursor()
            event.accept()
            return True
        return False

    def space_pressed(self, event: QKeyEvent) -> None:
        if not event.isAutoRepeat():
            self.space_held = True
            self.restore_cursor()
        event.accept()

    def space_released(self, event: QKeyEvent) -> bool:
        if event.isAutoRepeat():
            return False
        self.space_held = False
        if self.button is None:
            self.restore_cursor()
        event.accept()
        return True

    def focus_lost(self) -> None:
        self.space_held = False
        if self.button is None:
            self.view.viewport().unsetCursor()

    def restore_cursor(self) -> None:
        if self.space_held:
            self.view.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            self.view.viewport().unsetCursor()
