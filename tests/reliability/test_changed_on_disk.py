"""Guarantee 5: saving never silently overwrites a file another program changed since it was opened.

tests/ui/test_main_window.py already proves the question is asked and that Overwrite and
Save As do what they say (test_save_asks_before_overwriting_a_file_changed_on_disk,
test_save_as_when_the_changed_file_should_be_kept). Here: Cancel keeps both sides exactly,
closing the window goes through the same question, and a deleted file is simply written again.
"""

from __future__ import annotations

import os

from app.persistence import design_to_bytes, load_design, save_design
from app.ui.main_window import open_windows
from tests.ui.windows import write_design_file


def change_on_disk(path, title="Theirs"):
    other = load_design(path).design
    other.meta.title = title
    save_design(other, path)
    return path.read_bytes()


def test_cancel_keeps_the_disk_file_and_the_document_exactly(
    qtbot, windows, fake_dialogs, tmp_path, builder, monkeypatch
):
    monkeypatch.setenv("MLSD_AUTOSAVE_MS", "100")
    path = write_design_file(tmp_path, builder)
    window = windows()
    window.files.open(path)
    doc = window.document
    doc.add_component("metric", 500, 0, "Mine")
    doc.set_meta_field("title", "Mine")
    mine = design_to_bytes(doc.design)
    theirs = change_on_disk(path)
    fake_dialogs.answer("ask_overwrite_changed", "cancel")
    assert window.files.save() is False
    assert fake_dialogs.args("ask_overwrite_changed")[1] == path
    assert path.read_bytes() == theirs
    assert design_to_bytes(doc.design) == mine
    assert doc.undo_stack.count() == 2 and doc.is_modified() and window.isWindowModified()
    qtbot.waitUntil(window.autosaver.exists, timeout=5000)  # the edits stay protected
    doc.undo_stack.undo()  # and the history still works
    assert doc.design.meta.title != "Mine"


def test_closing_with_save_asks_too_and_cancel_keeps_the_window(windows, fake_dialogs, tmp_path, builder):
    path = write_design_file(tmp_path, builder)
    window = windows()
    window.files.open(path)
    window.document.set_meta_field("title", "Mine")
    theirs = change_on_disk(path)
    fake_dialogs.answer("ask_save_changes", "save")
    fake_dialogs.answer("ask_overwrite_changed", "cancel")
    assert not window.close()
    assert window in open_windows() and window.isVisible()
    assert path.read_bytes() == theirs
    assert window.document.design.meta.title == "Mine" and window.document.is_modified()
    assert fake_dialogs.names()[-2:] == ["ask_save_changes", "ask_overwrite_changed"]


def test_a_same_size_rewrite_is_noticed(windows, fake_dialogs, tmp_path, builder):
    path = write_design_file(tmp_path, builder)
    window = windows()
    window.files.open(path)
    window.document.set_meta_field("title", "Mine")
    data = path.read_bytes()
    path.write_bytes(data.replace(b'"Events"', b'"Evenst"'))  # same size, new content
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    fake_dialogs.answer("ask_overwrite_changed", "cancel")
    assert window.files.save() is False
    assert b'"Evenst"' in path.read_bytes()


def test_a_file_deleted_on_disk_is_written_again_without_loss(windows, fake_dialogs, tmp_path, builder):
    path = write_design_file(tmp_path, builder)
    window = windows()
    window.files.open(path)
    window.document.set_meta_field("title", "Mine")
    path.unlink()
    assert window.files.save()
    assert load_design(path).design.meta.title == "Mine"
    assert "ask_overwrite_changed" not in fake_dialogs.names()
