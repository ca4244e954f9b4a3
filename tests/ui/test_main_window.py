"""The main window: title, closing, opening, saving, recent files, several windows."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.persistence import DesignLoadError, DesignSaveError, load_design, save_design
from app.ui import file_actions
from app.ui.main_window import open_windows
from app.ui.settings import Settings


def test_title_shows_the_file_name_and_the_modified_marker(windows, design_file):
    window = windows()
    assert window.windowTitle() == "Untitled design[*] — MLSD Studio"
    window.files.open(design_file)
    assert window.windowTitle() == "design.mlsd[*] — MLSD Studio"
    assert not window.isWindowModified()
    window.document.add_component("metric", 0, 0)
    assert window.isWindowModified()
    window.document.undo_stack.undo()
    assert not window.isWindowModified()
    assert "2 components" in window.counts.text()


def test_close_with_unsaved_changes_asks(windows, fake_dialogs):
    window = windows()
    window.document.add_component("model", 0, 0)
    fake_dialogs.answer("ask_save_changes", "cancel")
    assert not window.close()
    assert window in open_windows() and window.isVisible()
    assert fake_dialogs.args("ask_save_changes")[1] == "Untitled design"
    fake_dialogs.answer("ask_save_changes", "discard")
    assert window.close()
    assert window not in open_windows()


def test_close_and_save_writes_the_file(windows, fake_dialogs, design_file):
    window = windows()
    window.files.open(design_file)
    window.document.set_meta_field("title", "Saved on close")
    fake_dialogs.answer("ask_save_changes", "save")
    assert window.close()
    assert load_design(design_file).design.meta.title == "Saved on close"


def test_unchanged_window_closes_without_asking(windows, fake_dialogs):
    window = windows()
    assert window.close()
    assert "ask_save_changes" not in fake_dialogs.names()


def test_bad_file_shows_the_loader_message_and_keeps_the_design(windows, fake_dialogs, tmp_path, design_file):
    window = windows()
    window.files.open(design_file)
    bad = tmp_path / "bad.mlsd"
    bad.write_text('{"format": "mlsd-studio/design", "schema_version": 1, "components": [', encoding="utf-8")
    with pytest.raises(DesignLoadError) as expected:
        load_design(bad)
    assert window.files.open(bad) is None
    title, text = fake_dialogs.args("show_error")[1:]
    assert str(expected.value) in text
    assert [c.name for c in window.document.design.components] == ["Events", "Ranker"]
    assert open_windows() == [window]
    assert window.document.path == design_file


def test_loader_warnings_are_shown_without_blocking(windows, fake_dialogs, tmp_path, builder):
    builder.add("model", "Ranker")
    data = builder.design.to_json_data()
    data["components"][0]["kind"] = "quantum_model"
    path = tmp_path / "odd.mlsd"
    import json

    path.write_text(json.dumps(data), encoding="utf-8")
    window = windows()
    window.files.open(path)
    assert window.document.path == path
    title, text, details = fake_dialogs.args("show_warnings")[1:]
    assert "quantum_model" in "\n".join(details)


def test_save_asks_before_overwriting_a_file_changed_on_disk(windows, fake_dialogs, design_file):
    window = windows()
    window.files.open(design_file)
    window.document.set_meta_field("title", "Mine")
    other = load_design(design_file).design
    other.meta.title = "Theirs, written by another program"
    save_design(other, design_file)
    fake_dialogs.answer("ask_overwrite_changed", "cancel")
    assert not window.files.save()
    assert load_design(design_file).design.meta.title.startswith("Theirs")
    assert window.isWindowModified()
    fake_dialogs.answer("ask_overwrite_changed", "overwrite")
    assert window.files.save()
    assert load_design(design_file).design.meta.title == "Mine"
    assert not window.isWindowModified()
    window.document.set_meta_field("title", "Again")
    assert window.files.save()  # unchanged on disk since our save: no question
    assert fake_dialogs.names().count("ask_overwrite_changed") == 2


def test_save_as_when_the_changed_file_should_be_kept(windows, fake_dialogs, design_file, tmp_path):
    window = windows()
    window.files.open(design_file)
    window.document.set_meta_field("title", "Mine")
    os.utime(design_file, ns=(1, 1))
    fake_dialogs.answer("ask_overwrite_changed", "save_as")
    fake_dialogs.answer("get_save_path", str(tmp_path / "mine.mlsd"))
    assert window.files.save()
    assert window.document.path == tmp_path / "mine.mlsd"
    assert window.windowTitle().startswith("mine.mlsd")


def test_save_failure_keeps_the_unsaved_marker_and_offers_save_as(
    windows, fake_dialogs, design_file, tmp_path, monkeypatch
):
    window = windows()
    window.files.open(design_file)
    window.document.set_meta_field("title", "Unsaved")
    real_save = file_actions.save_design

    def failing(design, path, *a, **k):
        if Path(path) == design_file:
            raise DesignSaveError(
                path, "the disk is full; nothing was changed. Free some space or save elsewhere"
            )
        return real_save(design, path, *a, **k)

    monkeypatch.setattr(file_actions, "save_design", failing)
    fake_dialogs.answer("ask_save_failed", "cancel")
    assert not window.files.save()
    assert "the disk is full" in fake_dialogs.args("ask_save_failed")[1]
    assert window.isWindowModified() and window.document.is_modified()
    fake_dialogs.answer("ask_save_failed", "save_as")
    fake_dialogs.answer("get_save_path", str(tmp_path / "elsewhere.mlsd"))
    assert window.files.save()
    assert load_design(tmp_path / "elsewhere.mlsd").design.meta.title == "Unsaved"
    assert not window.isWindowModified()


def test_recent_files_persist_across_windows(windows, design_file, tmp_path, builder):
    first = windows()
    first.files.open(design_file)
    first.close()
    second = windows()
    assert Settings().recent_files()[0] == str(design_file.resolve())
    second.actions.rebuild_recent_menu()
    paths = [a.data() for a in second.actions.recent_menu.actions() if a.data()]
    assert paths == [str(design_file.resolve())]
    gone = tmp_path / "gone.mlsd"
    save_design(builder.design, gone)
    Settings().add_recent_file(gone)
    gone.unlink()
    assert Settings().recent_files() == [str(design_file.resolve())]  # missing files are pruned
    for i in range(12):
        path = tmp_path / f"d{i}.mlsd"
        save_design(builder.design, path)
        Settings().add_recent_file(path)
    assert len(Settings().recent_files()) == 10


def test_new_and_open_use_new_windows_when_this_one_is_in_use(
    windows, fake_dialogs, design_file, tmp_path, builder
):
    window = windows()
    window.actions.new.trigger()
    assert len(open_windows()) == 2
    window.files.open(design_file)  # an unused window takes the file
    assert window.document.path == design_file and len(open_windows()) == 2
    other = tmp_path / "other.mlsd"
    save_design(builder.design, other)
    fake_dialogs.answer("get_open_path", str(other))
    opened = window.files.open()
    assert opened is not window and opened.document.path == other
    assert len(open_windows()) == 3
    assert window.files.open(other) is opened  # already open: that window comes forward
    assert len(open_windows()) == 3


def test_edit_actions_follow_the_selection(windows):
    window = windows()
    doc = window.document
    ids = [doc.add_component("model", x * 250, 0) for x in range(3)]
    window.canvas.select_components(ids[:1])
    assert window.actions.copy.isEnabled() and not window.actions.align["left"].isEnabled()
    window.canvas.select_components(ids)
    assert window.actions.align["left"].isEnabled() and window.actions.distribute["horizontal"].isEnabled()
    assert window.inspector.current_page() is window.inspector.multi_page
    window.actions.delete.trigger()
    assert doc.design.components == []
    window.actions.undo.trigger()
    assert len(doc.design.components) == 3


def test_finding_click_selects_and_centres_components(windows):
    window = windows()
    cid = window.document.add_component("model", 0, 0)
    window.findings.components_activated.emit([cid])
    assert window.canvas.selected_component_ids() == [cid]
    assert window.inspector.current_page() is window.inspector.component_page


def test_palette_activation_adds_a_component(windows):
    window = windows()
    window.palette_panel.kind_activated.emit("feature_store")
    assert [c.kind for c in window.document.design.components] == ["feature_store"]


def test_theme_menu_switches_and_persists(windows, qapp):
    from app.ui.theme import ThemeManager, is_dark

    window = windows()
    try:
        window.actions.theme["dark"].trigger()
        assert is_dark() and Settings().theme() == "dark"
        window.actions.theme["light"].trigger()
        assert not is_dark() and Settings().theme() == "light"
    finally:
        ThemeManager.instance().set_mode("system")


def test_shortcuts_and_rules_reference(windows, qtbot):
    from app.ui import help_dialogs

    window = windows()
    rows = help_dialogs.shortcut_rows(window)
    commands = {(menu, command): keys for menu, command, keys in rows}
    assert commands[("File", "Save")] == "Ctrl+S"
    assert commands[("Edit", "Duplicate")] == "Ctrl+D"
    assert "Ctrl+0" in commands[("View", "Fit to Window")]
    dialog = help_dialogs.show_shortcuts(window)
    qtbot.addWidget(dialog)
    html = help_dialogs.rules_html()
    assert "R4" in html and "R40" in html


def test_delete_key_deletes_boxes_only_when_the_canvas_has_focus(qtbot, windows):
    from PySide6.QtCore import Qt

    window = windows()
    window.activateWindow()
    cid = window.document.add_component("model", 0, 0)
    window.canvas.select_components([cid])
    window.palette_panel.tree.setFocus()
    qtbot.keyClick(window.palette_panel.tree, Qt.Key.Key_Delete)
    assert len(window.document.design.components) == 1
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Delete)
    assert window.document.design.components == []


def test_system_theme_follows_the_color_scheme(qapp, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    from app.ui import theme
    from app.ui.theme import ThemeManager, is_dark

    manager = ThemeManager.instance()
    manager.set_mode("system")
    hints = QGuiApplication.styleHints()
    try:
        # The offscreen platform has no colour scheme of its own: play the system's part.
        monkeypatch.setattr(theme, "system_prefers_dark", lambda: True)
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert is_dark()
        manager.set_mode("light")
        assert not is_dark()  # an explicit choice wins over the system
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert not is_dark()
    finally:
        monkeypatch.setattr(theme, "system_prefers_dark", lambda: False)
        manager.set_mode("system")
    assert not is_dark()
    assert isinstance(qapp.style(), theme.ThemedStyle)
    assert qapp.style().baseStyle().name().lower() == "fusion"


def test_status_bar_says_what_undo_and_redo_did(windows):
    """A message the edit left ("Auto-layout of the design") does not outlive its undo."""
    window = windows()
    doc = window.document
    doc.add_component("model", 0, 0)
    done = doc.undo_stack.undoText()
    assert done
    window.show_message("Added a model")
    window.actions.undo.trigger()
    assert window.statusBar().currentMessage() == f"Undone: {done}"
    window.actions.redo.trigger()
    assert window.statusBar().currentMessage() == f"Redone: {done}"


def test_find_says_in_the_status_bar_how_many_cards_it_marked(qtbot, windows):
    """Edit > Find (the palette's search) marks the matching cards; with none in view, or the
    palette emptied by a card's name, nothing said whether the design holds any."""
    from PySide6.QtCore import Qt

    window = windows()
    for name in ("Ranker", "Re-ranker", "Clicks"):
        window.document.add_component("model", 0, 0, name)
    window.actions.find.trigger()
    search = window.palette_panel.search
    status = window.statusBar()
    qtbot.keyClicks(search, "rank")
    assert status.currentMessage() == "2 cards on the canvas match “rank”"
    assert len(window.canvas.design_scene.matches) == 2
    qtbot.keyClicks(search, "er")
    assert status.currentMessage() == "2 cards on the canvas match “ranker”"
    search.setText("clicks")
    assert status.currentMessage() == "1 card on the canvas matches “clicks”"
    search.setText("zzz")
    assert status.currentMessage() == "No card on the canvas matches “zzz”"
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert status.currentMessage() == ""


def test_esc_in_the_emptied_search_goes_back_to_the_canvas(qtbot, windows):
    """Ctrl+F, type, Esc clears the search (and the marks); under X a second Esc did nothing
    and the keys (arrows, Delete, F2) kept going to the empty search field."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    window = windows()
    window.activateWindow()
    window.document.add_component("model", 0, 0, "Ranker")
    window.actions.find.trigger()
    search = window.palette_panel.search
    qtbot.waitUntil(search.hasFocus)
    qtbot.keyClicks(search, "rank")
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert search.text() == "" and search.hasFocus()
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is window.canvas
