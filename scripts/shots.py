"""What the README's screenshot scripts (scripts/screenshot_*.py) share: a window that leaves
nothing behind, and letting it settle before the picture is taken."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

WINDOW_SIZE = (1600, 1000)


def use_temporary_settings() -> None:
    """Settings and recent files go to a new temporary folder; call before app.ui is imported."""
    home = tempfile.mkdtemp(prefix="mlsd-shots-")
    os.environ["XDG_CONFIG_HOME"] = os.environ["XDG_DATA_HOME"] = home


def settle(rounds: int = 10) -> None:
    """Let the window handle what is queued (layouts, paints) `rounds` times over."""
    for _ in range(rounds):
        QApplication.processEvents()


def wait(seconds: float) -> None:
    """Keep the window running for `seconds`: the live check and the estimates start after a
    150 ms pause and run on a worker, as they do for a user."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


@contextmanager
def shot_window() -> Iterator[MainWindow]:
    """A main window in the default layout that saves no settings and, when done, closes
    without asking to save what the script changed."""
    from app.ui.main_window import MainWindow

    window = MainWindow(restore_layout=False)
    window.persist_settings = False
    try:
        yield window
    finally:
        window.document.mark_saved()
        window.close()
