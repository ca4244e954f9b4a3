"""Work that the window's first frame does not need, run once the widget has painted.

`after_next_paint(widget, callback)` runs `callback` once, on the event loop right after the
next paint event of `widget` has been handled, so it never delays that frame. A widget that is
not painted (a hidden window) still gets it after `fallback_ms`; nothing runs once the widget
is deleted, so whatever must survive that (settings to write) is also flushed when closing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

FALLBACK_MS = 2000


class _AfterNextPaint(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], None], fallback_ms: int) -> None:
        super().__init__(widget)
        self._widget = widget
        self._callback = callback
        self._done = False
        widget.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self._run)  # the timer dies with this object

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint and not self._done:
            QTimer.singleShot(0, self, self._run)  # once this paint event has been handled
        return False

    def _run(self) -> None:
        if self._done:
            return
        self._done = True
        self._widget.removeEventFilter(self)
        self.deleteLater()
        self._callback()


def after_next_paint(widget: QWidget, callback: Callable[[], None], fallback_ms: int = FALLBACK_MS) -> None:
    """Run `callback` once after `widget`'s next paint (or after `fallback_ms` without one)."""
    _AfterNextPaint(widget, callback, fallback_ms)
