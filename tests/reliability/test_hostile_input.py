"""Guarantee 7: no file can hurt the user: every damaged or hostile file gets its own clear error.

The corpus is tests/persistence/bad_inputs.py. The loader and the CLI are proven there
(tests/persistence/test_bad_inputs.py::test_each_bad_file_gets_its_own_clear_error and
::test_cli_reports_bad_files_with_exit_2_and_one_line). Here the window: the error dialog
names the file and the problem, the window keeps its design and stays usable, and no
traceback reaches the user: in process, on the background-loading worker thread (files over
2 MiB), for devices and pipes, and in the real app.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.persistence import design_to_bytes
from app.ui import gc_pause
from app.ui.main_window import open_windows
from tests.persistence.bad_inputs import BAD_FILES, million_components
from tests.reliability.app_runner import AppRun, read_dump
from tests.ui.windows import write_design_file


def open_bad_file(qtbot, window, path):
    """Open through the window; large files fail on the worker thread, so wait for them."""
    if path.stat().st_size > 2 * 1024 * 1024:
        with qtbot.waitSignal(window.files.load_failed, timeout=60_000):
            assert window.files.open(path) is None
    else:
        assert window.files.open(path) is None


def assert_window_unharmed(window, good_path, before):
    assert open_windows() == [window]
    assert window.document.path == good_path
    assert design_to_bytes(window.document.design) == before
    assert window.windowTitle() == "design.mlsd[*] — MLSD Studio" and not window.isWindowModified()
    cid = window.document.add_component("metric", 0, 0, "Still usable")  # still accepts edits
    assert window.document.component(cid).name == "Still usable"
    window.document.undo_stack.undo()
    assert design_to_bytes(window.document.design) == before


CASES = sorted(BAD_FILES) + ["million_components"]


@pytest.mark.parametrize("name", CASES)
def test_each_bad_file_gets_its_own_clear_error_in_the_window(
    name, qtbot, windows, fake_dialogs, tmp_path, builder
):
    good = write_design_file(tmp_path, builder)
    window = windows()
    window.files.open(good)
    before = design_to_bytes(window.document.design)
    if name == "million_components":
        raw, expected = million_components(), "1,000,000 components is over the limit"
    else:
        raw, expected = BAD_FILES[name]
    bad = tmp_path / f"{name}.mlsd"
    bad.write_bytes(raw)
    open_bad_file(qtbot, window, bad)
    assert fake_dialogs.names() == ["show_error"]
    title, text = fake_dialogs.args("show_error")[1:]
    assert title == "Cannot open design"
    assert text.startswith(str(bad)) and expected in text
    assert "Traceback" not in text and "\n" not in text
    assert_window_unharmed(window, good, before)


def test_the_real_app_reports_a_hostile_file_without_a_traceback(tmp_path):
    raw, expected = BAD_FILES["deeply_nested"]
    bad = tmp_path / "nested.mlsd"
    bad.write_bytes(raw)
    state = tmp_path / "state.json"
    run = AppRun(
        tmp_path / "run",
        args=[str(bad), "--no-recovery"],
        steps=[
            {"op": "add_component", "kind": "model", "x": 0, "y": 0, "name": "Usable"},
            {"op": "dump", "path": str(state)},
            {"op": "exit"},
        ],
    )
    assert run.wait() == 0
    (text,) = [args[1] for args in run.dialog_args("show_error")]
    assert str(bad) in text and expected in text
    assert "Traceback" not in run.stderr()
    (window,) = read_dump(state)["windows"]
    assert window["path"] is None and '"name": "Usable"' in window["design_text"]


PADDED = ["deeply_nested", "truncated", "nan", "duplicate_keys", "not_utf8", "future_version"]


@pytest.mark.parametrize("name", PADDED)
def test_bad_files_over_2_mb_fail_just_as_clearly_on_the_worker_thread(
    name, qtbot, windows, fake_dialogs, tmp_path, builder
):
    good = write_design_file(tmp_path, builder)
    window = windows()
    window.files.open(good)
    before = design_to_bytes(window.document.design)
    raw, expected = BAD_FILES[name]
    bad = tmp_path / f"{name}-padded.mlsd"
    bad.write_bytes(raw + b" " * (3 * 1024 * 1024))  # trailing white space: same damage, 3 MB
    with qtbot.waitSignal(window.files.load_failed, timeout=60_000) as failed:
        assert window.files.open(bad) is None
        assert window.files.is_loading()
    text = fake_dialogs.args("show_error")[2]
    assert failed.args == [text]
    assert text.startswith(str(bad)) and expected in text and "Traceback" not in text
    assert window.files.progress is None and not window.files.is_loading()
    assert gc_pause.collecting()
    assert_window_unharmed(window, good, before)


@pytest.mark.skipif(not os.path.exists("/dev/zero") or not hasattr(os, "mkfifo"), reason="POSIX only")
def test_devices_and_pipes_are_refused_in_the_window(windows, fake_dialogs, tmp_path, builder):
    good = write_design_file(tmp_path, builder)
    window = windows()
    window.files.open(good)
    before = design_to_bytes(window.document.design)
    fifo = tmp_path / "pipe.mlsd"
    os.mkfifo(fifo)
    for path in (Path("/dev/zero"), fifo):
        assert window.files.open(path) is None  # returns at once: nothing is read
        assert "not a regular file" in fake_dialogs.args("show_error")[2]
        fake_dialogs.calls.clear()
    assert_window_unharmed(window, good, before)
