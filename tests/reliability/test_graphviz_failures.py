"""Guarantee 11: a slow or broken Graphviz ends in a message and leaves the design untouched.

MLSD_DOT points at a fake renderer; MLSD_RENDER_TIMEOUT (app/export/renderer.py) lowers the
timeout to 1 s. Diagram export then reports the timeout or the failure, the design's bytes
and undo history stay as they were, and a hung renderer is killed. Auto-layout needs no
renderer at all (app.layout), so a hung Graphviz cannot block it.
The PDF report needs no renderer; its fallback for a failing layout is proven in
tests/export/test_report_diagrams.py::test_a_failing_layout_becomes_a_note.
"""

from __future__ import annotations

import os
import sys
import time

import pytest
from PySide6.QtGui import QGuiApplication

from app.persistence import design_to_bytes
from tests.ui.canvas_support import run_layout
from tests.ui.windows import write_design_file

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="shell-script renderers")


def fake_renderer(folder, name: str, body: str):
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    os.chmod(path, 0o755)
    return path


@pytest.fixture
def slow_dot(tmp_path, monkeypatch):
    pid_file = tmp_path / "dot.pid"
    script = fake_renderer(tmp_path, "slow-dot", f'echo $$ > "{pid_file}"\nexec sleep 60')
    monkeypatch.setenv("MLSD_DOT", str(script))
    monkeypatch.setenv("MLSD_RENDER_TIMEOUT", "1")
    return pid_file


@pytest.fixture
def broken_dot(tmp_path, monkeypatch):
    script = fake_renderer(tmp_path, "broken-dot", 'echo "boom: the renderer broke" >&2\nexit 1')
    monkeypatch.setenv("MLSD_DOT", str(script))
    monkeypatch.setenv("MLSD_RENDER_TIMEOUT", "1")


@pytest.fixture
def opened(windows, tmp_path, builder):
    window = windows()
    window.files.open(write_design_file(tmp_path, builder))
    return window, design_to_bytes(window.document.design), window.document.undo_stack.count()


def assert_untouched(window, before: bytes, undo_count: int) -> None:
    assert design_to_bytes(window.document.design) == before
    assert window.document.undo_stack.count() == undo_count
    assert not window.document.is_modified()
    assert QGuiApplication.overrideCursor() is None


def assert_killed(pid_file) -> None:
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_auto_layout_needs_no_renderer_even_when_graphviz_hangs(qtbot, opened, slow_dot):
    window, before, undo_count = opened
    started = time.monotonic()
    assert run_layout(qtbot, window.canvas, timeout=5_000)  # on a worker: Graphviz is never asked
    assert time.monotonic() - started < 5
    assert window.document.undo_stack.count() == undo_count + 1
    assert not slow_dot.exists(), "auto-layout started the renderer"
    window.document.undo_stack.undo()
    assert design_to_bytes(window.document.design) == before


def _export_failing(qtbot, window, fmt: str) -> None:
    """Start the export (a job on a worker) and wait for its failure to be reported."""
    with qtbot.waitSignal(window.exports.export_failed, timeout=30_000):
        window.exports.export_diagram(fmt)


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_export_times_out_with_a_message(qtbot, opened, slow_dot, fake_dialogs, tmp_path, fmt):
    window, before, undo_count = opened
    out = tmp_path / f"diagram.{fmt}"
    fake_dialogs.answer("get_save_path", str(out))
    _export_failing(qtbot, window, fmt)
    title, text = fake_dialogs.args("show_error")[1:]
    assert title == "Export failed"
    assert f"Could not export diagram.{fmt}" in text and "did not finish within the 1 s timeout" in text
    assert not out.exists()
    assert_untouched(window, before, undo_count)
    assert_killed(slow_dot)


def test_a_failing_renderer_is_reported_with_its_error(qtbot, opened, broken_dot, fake_dialogs, tmp_path):
    window, before, undo_count = opened
    out = tmp_path / "diagram.svg"
    fake_dialogs.answer("get_save_path", str(out))
    _export_failing(qtbot, window, "svg")
    text = fake_dialogs.args("show_error")[2]
    assert "failed (exit code 1)" in text and "boom: the renderer broke" in text
    assert not out.exists()
    assert_untouched(window, before, undo_count)
