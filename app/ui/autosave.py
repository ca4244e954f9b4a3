"""Autosave of unsaved work into the window's recovery file.

After an edit, a single-shot timer runs for the autosave interval (60 s, or
``$MLSD_AUTOSAVE_MS`` milliseconds); when it fires and the document has unsaved changes the
recovery file is written, so at most one write per interval. A successful save, a clean
close and an explicit discard remove the file; a crash leaves it for the next start.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from app.persistence import DesignSaveError, recovery
from app.ui.document import DesignDocument

DEFAULT_INTERVAL_MS = 60_000
INTERVAL_ENV = "MLSD_AUTOSAVE_MS"
log = logging.getLogger(__name__)


def autosave_interval_ms() -> int:
    raw = os.environ.get(INTERVAL_ENV, "")
    try:
        value = int(raw)
    except ValueError:
        return DEFAULT_INTERVAL_MS
    return value if value > 0 else DEFAULT_INTERVAL_MS


class AutoSaver(QObject):
    """Keeps one document's recovery file current while it has unsaved changes."""

    saved = Signal(str)  # path of the recovery file written
    failed = Signal(str)  # a message for the status bar

    def __init__(
        self, document: DesignDocument, parent: QObject | None = None, interval_ms: int | None = None
    ):
        super().__init__(parent or document)
        self.document = document
        self.session_id = recovery.new_session_id()
        self.path: Path = recovery.recovery_path(self.session_id)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms or autosave_interval_ms())
        self._timer.timeout.connect(self.save_now)
        document.undo_stack.indexChanged.connect(self._schedule)
        document.undo_stack.cleanChanged.connect(self._schedule)

    def interval_ms(self) -> int:
        return self._timer.interval()

    def pending(self) -> bool:
        return self._timer.isActive()

    def exists(self) -> bool:
        return self.path.is_file()

    def _schedule(self, *_args: object) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def save_now(self) -> Path | None:
        """Write the recovery file if there is unsaved work; returns its path or None."""
        self._timer.stop()
        if not self.document.is_modified():
            return None
        document = self.document
        try:
            path = recovery.write_recovery(
                self.session_id, document.design, document.path, document.disk_signature
            )
        except (DesignSaveError, OSError, ValueError) as exc:
            log.warning("autosave failed: %s", exc)
            self.failed.emit(f"Autosave failed: {exc}")
            return None
        self.saved.emit(str(path))
        return path

    def discard(self) -> None:
        """Remove the recovery file (after a save, a clean close or a discard)."""
        self._timer.stop()
        recovery.discard(self.path)
