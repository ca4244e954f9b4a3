"""Start-up timing for scripts/bench_start.py.

With MLSD_FIRST_PAINT_PROBE set in the environment, the window (`mlsd [FILE]`) prints
``first-paint <seconds since the epoch>`` on stderr once the canvas has painted its first
frame of the opened design, then quits: the benchmark subtracts the time it started the
process. Without the variable nothing is installed.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

PROBE_ENV = "MLSD_FIRST_PAINT_PROBE"


class FirstPaintProbe(QObject):
    """Watches a widget's paint events; after the first one is handled, reports and quits."""

    def __init__(self, app: QApplication, widget: QWidget) -> None:
        super().__init__(widget)
        self._app = app
        self._seen = False
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint and not self._seen:
            self._seen = True
            QTimer.singleShot(0, self._report)  # runs once this paint event has been handled
        return False

    def _report(self) -> None:
        print(f"first-paint {time.time():.6f}", file=sys.stderr, flush=True)
        self._app.quit()


def install_if_asked(app: QApplication, widget: QWidget) -> FirstPaintProbe | None:
    """A probe on `widget` when MLSD_FIRST_PAINT_PROBE is set, else None."""
    if not os.environ.get(PROBE_ENV):
        return None
    return FirstPaintProbe(app, widget)
