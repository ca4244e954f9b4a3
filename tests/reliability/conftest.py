"""Fixtures of the reliability suite: window tests reuse the dialog facade fakes of tests/ui."""

from __future__ import annotations

import pytest

from tests.ui.test_main_window import DialogLog, WindowFactory


@pytest.fixture
def fake_dialogs(monkeypatch):
    return DialogLog(monkeypatch)


@pytest.fixture
def windows(qtbot, fake_dialogs):
    factory = WindowFactory(qtbot)
    yield factory
    factory.close_all()
