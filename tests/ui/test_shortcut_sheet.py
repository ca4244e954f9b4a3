"""Help > Keyboard Shortcuts is generated from the window's live actions: every action with a
shortcut is listed under its menu with all its keys in native text, and the filter narrows it."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLineEdit, QMenu, QTableWidget, QWidget

from app.ui import help_dialogs
from app.ui.canvas.keyboard import CANVAS_KEYS

NATIVE = QKeySequence.SequenceFormat.NativeText


def window_actions(window: QWidget) -> set[QAction]:
    found = set(window.findChildren(QAction))
    for widget in [window, *window.findChildren(QWidget)]:
        found.update(QWidget.actions(widget))
    return {a for a in found if any(help_dialogs.typable(k) for k in a.shortcuts())}


def top_menu_of(window, action: QAction) -> str:
    for top in window.menuBar().actions():
        menu = top.menu()
        stack = [menu]
        while stack:
            current = stack.pop()
            if action in current.actions():
                return top.text().replace("&", "")
            stack += [a.menu() for a in current.actions() if isinstance(a.menu(), QMenu)]
    return "Other"


def open_sheet(window, qtbot):
    window.actions.shortcuts.trigger()
    dialog = window.findChild(QWidget, "shortcuts_dialog")
    assert dialog is not None and dialog.isVisible()
    qtbot.addWidget(dialog)
    table = dialog.findChild(QTableWidget, "shortcuts_table")
    search = dialog.findChild(QLineEdit, "shortcuts_filter")
    rows = [tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())]
    return dialog, table, search, rows


def test_every_action_with_a_shortcut_is_in_the_sheet_with_all_its_keys(windows, qtbot):
    window = windows()
    dialog, _table, _search, rows = open_sheet(window, qtbot)
    actions = window_actions(window)
    assert len(actions) >= 20
    for action in actions:
        command = (action.property(help_dialogs.SHEET_LABEL) or action.text()).replace("&", "").rstrip("…")
        matches = [row for row in rows if row[1] == command]
        assert matches, f"{command} missing from the sheet"
        menu, _, keys = matches[0]
        assert menu == top_menu_of(window, action)
        for key in action.shortcuts():
            if help_dialogs.typable(key):
                assert key.toString(NATIVE) in keys.split(", "), (command, key.toString())
    menus = {row[0] for row in rows}
    assert {"File", "Edit", "View", "Interview", "Help", "Canvas"} <= menus
    # Redo lists every typable key it has (both Ctrl+Y and Ctrl+Shift+Z), not only the first one
    redo = next(row for row in rows if row[1] == "Redo")[2].split(", ")
    typable = [k for k in window.actions.redo.shortcuts() if help_dialogs.typable(k)]
    assert len(redo) == len(typable) >= 2
    assert {QKeySequence(k).toString(NATIVE) for k in ("Ctrl+Y", "Ctrl+Shift+Z")} <= set(redo)
    assert any(row[1] == "Keyboard Shortcuts" and row[0] == "Help" for row in rows)


def test_undo_and_redo_are_listed_by_a_stable_name_not_the_step_they_would_undo(windows, qtbot):
    window = windows()
    doc = window.document
    cid = doc.add_component("data_source", 0, 0, "Events")
    window.canvas.select_components([cid])
    window.canvas.nudge_selection(10, 0)
    doc.undo_stack.undo()
    assert window.actions.undo.text().replace("&", "").startswith("Undo Add")  # the menu names the step
    assert window.actions.redo.text().replace("&", "") == "Redo Nudge"
    _dialog, _table, _search, rows = open_sheet(window, qtbot)
    edit = [row[1] for row in rows if row[0] == "Edit"]
    assert edit[:2] == ["Undo", "Redo"]
    assert not [row for row in rows if "Nudge" in row[1] or "Add" in row[1]]


def test_a_new_shortcut_shows_up_without_editing_the_sheet(windows, qtbot):
    window = windows()
    extra = QAction("Frobnicate the &widgets", window)
    extra.setShortcut(QKeySequence("Ctrl+Alt+Shift+F"))
    window.addAction(extra)
    _dialog, _table, _search, rows = open_sheet(window, qtbot)
    assert ("Other", "Frobnicate the widgets", QKeySequence("Ctrl+Alt+Shift+F").toString(NATIVE)) in rows


def test_canvas_keys_come_from_the_canvas_constant(windows, qtbot):
    _dialog, _table, _search, rows = open_sheet(windows(), qtbot)
    canvas = [row for row in rows if row[0] == "Canvas"]
    assert [row[1] for row in canvas] == [command for command, _ in CANVAS_KEYS]
    keys = " ".join(row[2] for row in canvas)
    for key in ("Tab", "Shift+Tab", "Alt+Left", "Shift+F10"):
        assert QKeySequence(key).toString(NATIVE) in keys


def test_next_and_previous_panel_are_listed_under_view(windows, qtbot):
    _dialog, _table, _search, rows = open_sheet(windows(), qtbot)
    for command, key in (("Next Panel", "Ctrl+Tab"), ("Previous Panel", "Ctrl+Shift+Tab")):
        assert ("View", command, QKeySequence(key).toString(NATIVE)) in rows


def test_filter_hides_rows_that_do_not_match(windows, qtbot):
    window = windows()
    _dialog, table, search, rows = open_sheet(window, qtbot)

    def shown() -> list[tuple[str, ...]]:
        return [rows[r] for r in range(table.rowCount()) if not table.isRowHidden(r)]

    assert len(shown()) == len(rows)
    search.setText("dupl")
    assert [row[1] for row in shown()] == ["Duplicate"]
    search.setText("canvas tab")
    assert {row[1] for row in shown()} == {"Next card", "Previous card"}
    search.setText("panel")
    panel_keys = {"Next Panel", "Previous Panel", "Next Tab in Panel", "Previous Tab in Panel"}
    assert {row[1] for row in shown()} == panel_keys
    search.setText(window.actions.save.shortcuts()[0].toString(NATIVE).lower())
    assert "Save" in [row[1] for row in shown()]
    search.setText("no such command at all")
    assert shown() == []
    search.clear()
    assert len(shown()) == len(rows)


def test_sheet_text_is_readable_in_light_and_dark_themes(windows, qtbot):
    from PySide6.QtGui import QPalette

    from app.ui.theme import ThemeManager, contrast_ratio, is_dark

    manager = ThemeManager.instance()
    try:
        for mode in ("light", "dark"):
            manager.set_mode(mode)
            assert is_dark() == (mode == "dark")
            _dialog, table, _search, _rows = open_sheet(windows(), qtbot)
            palette = table.palette()
            text = palette.color(QPalette.ColorRole.Text)
            for role in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase):
                assert contrast_ratio(text, palette.color(role)) >= 4.5, (mode, role)
            header = table.horizontalHeader().palette()
            assert (
                contrast_ratio(
                    header.color(QPalette.ColorRole.ButtonText), header.color(QPalette.ColorRole.Button)
                )
                >= 4.5
            ), mode
    finally:
        manager.set_mode("system")
