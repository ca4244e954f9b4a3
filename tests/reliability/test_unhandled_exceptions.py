"""Guarantee 10: an unhandled exception in the window loses nothing and does not end the app.

The real app (subprocess) raises from a slot. Its global hook (app.ui.main.CrashHandler)
saves every open design to its recovery file first, appends the traceback to the log in the
user's data folder, shows a short message, and the window keeps working.
tests/ui/test_autosave.py::test_crash_handler_logs_saves_recovery_and_keeps_running calls the
hook directly in process; this goes through Qt's slot dispatch in the real app.
"""

from __future__ import annotations

from app.persistence import design_to_bytes, recovery
from tests.reliability.app_runner import AppRun, read_dump


def test_an_exception_in_a_slot_is_logged_saved_reported_and_survived(tmp_path):
    at_crash, after = tmp_path / "at_crash.json", tmp_path / "after.json"
    run = AppRun(
        tmp_path,
        args=["--no-recovery"],
        steps=[
            {"op": "add_component", "kind": "model", "x": 900, "y": 0, "name": "Unsaved before the crash"},
            {"op": "raise", "message": "boom from a slot"},
            {"op": "dump", "path": str(at_crash)},
            {"op": "add_component", "kind": "metric", "x": 900, "y": 200, "name": "Added after the crash"},
            {"op": "dump", "path": str(after)},
            {"op": "exit"},
        ],
    )
    assert run.wait() == 0, run.stderr()

    log = recovery.logs_dir() / "mlsd-studio.log"
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text
    assert "RuntimeError: boom from a slot" in text and "script_hook.py" in text

    (crash,) = run.dialog_args("show_crash")
    summary, log_path = crash
    assert summary == "RuntimeError: boom from a slot"  # short: the details are in the log
    assert log_path == str(log)

    (window,) = read_dump(at_crash)["windows"]
    assert window["recovery_exists"]
    design, _original = recovery.restore(window["recovery_file"])
    assert design_to_bytes(design) == window["design_text"].encode("utf-8")
    assert "Unsaved before the crash" in window["design_text"]

    (later,) = read_dump(after)["windows"]  # the window still accepts edits
    assert "Added after the crash" in later["design_text"]
    assert later["undo_count"] == window["undo_count"] + 1
