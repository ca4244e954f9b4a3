"""Fixtures of the window tests (also used by tests/reliability)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from app.ui import gc_pause
from app.ui.jobs import THREAD_PREFIX
from tests.ui.windows import DialogLog, WindowFactory, write_design_file


@pytest.fixture(scope="session", autouse=True)
def _collect_on_the_window_thread(qapp):
    """As in the window (make_application): garbage is collected on the window's thread only."""
    gc_pause.install()


@pytest.fixture(autouse=True)
def _no_job_thread_outlives_its_test():
    """Closing a window stops its jobs; a view's job ends by itself: none is left running."""
    yield
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        left = [t.name for t in threading.enumerate() if t.name.startswith(THREAD_PREFIX)]
        if not left:
            return
        time.sleep(0.01)
    raise AssertionError(f"job threads still running 10 s after the test: {left}")


@pytest.fixture
def fake_dialogs(monkeypatch):
    return DialogLog(monkeypatch)


@pytest.fixture
def windows(qtbot, fake_dialogs):
    factory = WindowFactory(qtbot)
    yield factory
    factory.close_all()


@pytest.fixture
def design_file(tmp_path, builder) -> Path:
    return write_design_file(tmp_path, builder)
