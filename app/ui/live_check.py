"""Re-runs the rule engine a short while after the last edit and publishes the result."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from app.rules.engine import CheckResult
from app.ui.document import DesignDocument

DEBOUNCE_MS = 150


class LiveChecker(QObject):
    """Owns the latest CheckResult of a document; `result_ready` fires after each re-check."""

    result_ready = Signal(object)

    def __init__(
        self, document: DesignDocument, debounce_ms: int = DEBOUNCE_MS, parent: QObject | None = None
    ):
        super().__init__(parent or document)
        self.document = document
        self.result: CheckResult | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self.check_now)
        document.changed.connect(self._timer.start)

    def check_now(self) -> CheckResult:
        self._timer.stop()
        self.result = self.document.engine.check()
        self.result_ready.emit(self.result)
        return self.result

    def pending(self) -> bool:
        return self._timer.isActive()
