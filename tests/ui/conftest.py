"""Fixtures of the window tests (also used by tests/reliability)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.windows import DialogLog, WindowFactory, write_design_file


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
