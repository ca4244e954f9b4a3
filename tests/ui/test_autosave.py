"""Autosave into recovery files, and restoring them after a crash."""

from __future__ import annotations

import json

import pytest

from app.persistence import load_design, recovery
from app.ui.main import CrashHandler, offer_recovery
from app.ui.main_window import open_windows
from tests.persistence.test_recovery import dead_pid


@pytest.fixture(autouse=True)
def fast_autosave(monkeypatch):
    monkeypatch.setenv("MLSD_AUTOSAVE_MS", "100")


def crash_leftover(design, original=None, signature=None):
    """A recovery file as a crashed session leaves it."""
    path = recovery.write_recovery(recovery.new_session_id(), design, original, signature)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["pid"] = dead_pid()
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_autosave_writes_after_the_interval_and_save_removes_it(qtbot, windows, fake_dialogs, tmp_path):
    window = windows()
    saver = window.autosaver
    assert saver.interval_ms() == 100
    window.document.add_component("model", 0, 0, "Ranker")
    assert not saver.path.exists()
    qtbot.waitUntil(saver.path.exists, timeout=3000)
    design, original = recovery.restore(saver.path)
    assert [c.name for c in design.components] == ["Ranker"] and original is None
    assert recovery.list_orphans() == []  # our own process is alive: not an orphan
    fake_dialogs.answer("get_save_path", str(tmp_path / "saved.mlsd"))
    assert window.files.save()
    assert not saver.path.exists()
    qtbot.wait(250)
    assert not saver.path.exists()  # nothing unsaved: nothing written


def test_each_window_has_its_own_recovery_file(qtbot, windows):
    first, second = windows(), windows()
    assert first.autosaver.path != second.autosaver.path
    first.document.add_component("model", 0, 0)
    second.document.add_component("dataset", 0, 0)
    qtbot.waitUntil(lambda: first.autosaver.path.exists() and second.autosaver.path.exists(), timeout=3000)
    assert recovery.restore(first.autosaver.path)[0].components[0].kind == "model"
    assert recovery.restore(second.autosaver.path)[0].components[0].kind == "dataset"


def test_closing_and_discarding_removes_the_recovery_file(qtbot, windows, fake_dialogs):
    window = windows()
    window.document.add_component("model", 0, 0)
    path = window.autosaver.path
    qtbot.waitUntil(path.exists, timeout=3000)
    fake_dialogs.answer("ask_save_changes", "discard")
    assert window.close()
    assert not path.exists()


def test_a_crashed_session_is_found_and_restored_as_modified(qtbot, fake_dialogs, builder, design_file):
    builder.add("model", "Recovered ranker")
    leftover = crash_leftover(builder.design, str(design_file), None)
    assert recovery.list_orphans() == [leftover]
    fake_dialogs.answer("ask_restore", "restore")
    try:
        restored = offer_recovery()
        assert len(restored) == 1
        window = restored[0]
        assert window.document.path == design_file
        assert window.document.is_modified() and window.isWindowModified()
        assert [c.name for c in window.document.design.components] == ["Events", "Ranker", "Recovered ranker"]
        assert not leftover.exists()
        assert window.autosaver.path.exists()  # the restored work is protected again at once
        assert recovery.list_orphans() == []
        # The original file's state when the session crashed is unknown: saving asks first.
        fake_dialogs.answer("ask_overwrite_changed", "overwrite")
        assert window.files.save()
        assert load_design(design_file).design.components[-1].name == "Recovered ranker"
        assert "ask_overwrite_changed" in fake_dialogs.names()
    finally:
        for window in open_windows():
            window.document.mark_saved()
            window.close()


def test_restored_design_saves_without_asking_when_the_file_is_unchanged(fake_dialogs, builder, design_file):
    from app.persistence.loader import file_signature

    builder.add("model", "Edited")
    crash_leftover(builder.design, str(design_file), file_signature(design_file))
    fake_dialogs.answer("ask_restore", "restore")
    try:
        window = offer_recovery()[0]
        assert window.files.save()
        assert "ask_overwrite_changed" not in fake_dialogs.names()
    finally:
        for window in open_windows():
            window.document.mark_saved()
            window.close()


def test_discard_and_later(fake_dialogs, builder):
    first = crash_leftover(builder.design)
    second = crash_leftover(builder.design)
    fake_dialogs.answer("ask_restore", "discard", "later")
    assert offer_recovery() == []
    remaining = recovery.list_orphans()
    assert len(remaining) == 1 and remaining[0] in (first, second)


def test_crash_handler_logs_saves_recovery_and_keeps_running(qtbot, windows, fake_dialogs):
    window = windows()
    window.document.add_component("model", 0, 0, "Unsaved work")
    handler = CrashHandler()
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError as exc:
        handler(type(exc), exc, exc.__traceback__)
    log = recovery.logs_dir() / "mlsd-studio.log"
    assert "RuntimeError: boom in a slot" in log.read_text(encoding="utf-8")
    assert window.autosaver.path.exists()
    assert recovery.restore(window.autosaver.path)[0].components[0].name == "Unsaved work"
    summary, log_path = fake_dialogs.args("show_crash")[1:]
    assert "boom in a slot" in summary and str(log_path) == str(log)
    assert window in open_windows()


def test_saving_the_example_never_writes_into_resources(windows, fake_dialogs, tmp_path):
    from app.ui.main import open_example

    window = windows()
    open_example(window)
    assert window.document.design.components, "the bundled example is missing or empty"
    assert window.document.path is None
    fake_dialogs.answer("get_save_path", str(tmp_path / "mine.mlsd"))
    window.document.set_meta_field("title", "My copy")
    assert window.files.save()
    assert (tmp_path / "mine.mlsd").exists()
