"""Start-up and opening timing for scripts/bench_start.py and scripts/bench_open.py.

With MLSD_FIRST_PAINT_PROBE set in the environment, the window (`mlsd [FILE]`) prints
``first-paint <seconds since the epoch>`` on stderr once the canvas has painted its first
frame of the opened design (its cards drawn, not the empty canvas shown while a large file is
still being read), then quits: the benchmark subtracts the time it started the process.

With MLSD_OPEN_PROBE set it prints the same line, keeps running until the design is fully
open (every item built, the findings applied), then prints
``opened <seconds since the epoch> max-gap <seconds> slow <count>`` and quits: max-gap is the
longest time the event loop went without running a 5 ms timer from the start of the event
loop until then (how long input could wait), slow the number of gaps over 100 ms.

Without either variable nothing is installed. The probe only reads the window through
attributes older versions also have, so a benchmark may load this file into another checkout.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

PROBE_ENV = "MLSD_FIRST_PAINT_PROBE"
OPEN_PROBE_ENV = "MLSD_OPEN_PROBE"
TICK_MS = 5
SLOW_GAP = 0.100


def shows_design(window: Any) -> bool:
    """Whether the window's canvas holds the opened design's cards (or it has none)."""
    if window.files.is_loading():
        return False
    if not window.document.design.components:
        return True
    return bool(window.canvas.design_scene.component_items())


def fully_open(window: Any) -> bool:
    """Every item built and the findings of the current design applied."""
    if not shows_design(window):
        return False
    opening = getattr(window, "is_opening", None)
    if opening is not None:
        return not opening()
    checker = window.checker  # a checkout that checks on the window's thread
    return checker.result is not None and not checker.pending()


class FirstPaintProbe(QObject):
    """Watches a canvas viewport's paint events; reports the first one that shows the design,
    and with `until_open` the longest event-loop gap until the design is fully open."""

    def __init__(self, app: QApplication, widget: QWidget, until_open: bool = False) -> None:
        super().__init__(widget)
        self._app = app
        self._window = widget.window()
        self._seen = False
        self._reported = False
        self._until_open = until_open
        self._last: float | None = None
        self.max_gap = 0.0
        self.slow = 0
        widget.installEventFilter(self)
        if until_open:
            self._ticker = QTimer(self)
            self._ticker.setInterval(TICK_MS)
            self._ticker.timeout.connect(self._tick)
            self._ticker.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint and not self._seen and shows_design(self._window):
            self._seen = True
            QTimer.singleShot(0, self._report)  # runs once this paint event has been handled
        return False

    def _report(self) -> None:
        print(f"first-paint {time.time():.6f}", file=sys.stderr, flush=True)
        self._reported = True
        if not self._until_open:
            self._app.quit()

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            gap = now - self._last
            self.max_gap = max(self.max_gap, gap)
            self.slow += gap > SLOW_GAP
        self._last = now
        if self._reported and fully_open(self._window):
            self._ticker.stop()
            print(
                f"opened {time.time():.6f} max-gap {self.max_gap:.6f} slow {self.slow}",
                file=sys.stderr,
                flush=True,
            )
            self._app.quit()


def install_if_asked(app: QApplication, widget: QWidget) -> FirstPaintProbe | None:
    """A probe on `widget` (the canvas's viewport) when asked by the environment, else None."""
    if os.environ.get(OPEN_PROBE_ENV):
        return FirstPaintProbe(app, widget, until_open=True)
    if os.environ.get(PROBE_ENV):
        return FirstPaintProbe(app, widget)
    return None
