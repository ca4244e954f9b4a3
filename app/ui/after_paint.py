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
        # Timers of its own (children): deleted with this object, they can never fire after it.
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self._run)
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.setInterval(fallback_ms)
        self._fallback.timeout.connect(self._run)
        self._fallback.start()
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint and not self._done:
            self._soon.start()  # runs once this paint event has been handled
        return False

    def _run(self) -> None:
        if self._done:
            return
        self._done = True
        self._soon.stop()
        self._fallback.stop()
        self._widget.removeEventFilter(self)  # stays a (spent) child of the widget, deleted with it
        self._callback()


def after_next_paint(widget: QWidget, callback: Callable[[], None], fallback_ms: int = FALLBACK_MS) -> None:
    """Run `callback` once after `widget`'s next paint (or after `fallback_ms` without one)."""
    _AfterNextPaint(widget, callback, fallback_ms)
