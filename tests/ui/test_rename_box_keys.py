"""The keys of the F2 rename box now that it wraps a long name onto more lines
(app/ui/canvas/name_editor.py): a name stays one line, so no key or paste starts a new one, and
a long rename is still one undo step. Run again on a real X server by its child-process test."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui.on_x11 import pytest_on_x11, x11_child
from tests.ui.test_canvas_rename import _activate, _open_with_f2, _type

LONG = "Score authorizations by the streaming velocity model and the current rules engine"
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def card(windows):
    """A window with one card at zoom 0.5 (about as Fit shows a template), nothing to undo."""
    window = windows()
    doc = window.document
    cid = doc.add_component("model", 0, 0, "Scorer")
    doc.undo_stack.clear()
    doc.mark_saved()
    canvas = window.canvas
    canvas.set_zoom(0.5)
    canvas.centerOn(canvas.design_scene.component_item(cid).card_rect().center())
    _activate(window)
    return window, cid


@pytest.mark.parametrize("modifiers", [SHIFT, CTRL, SHIFT | CTRL])
def test_enter_with_a_modifier_commits_and_never_starts_a_line(card, modifiers):
    window, cid = card
    editor = _open_with_f2(window, cid)
    _type(editor, "Fraud scorer")
    QTest.keyClick(editor, Qt.Key.Key_Return, modifiers)
    assert window.document.component(cid).name == "Fraud scorer"
    assert window.canvas.renamer.editor is None and window.document.undo_stack.count() == 1


def test_a_long_name_is_typed_whole_in_sight_and_renamed_in_one_undo_step(card):
    window, cid = card
    doc = window.document
    editor = _open_with_f2(window, cid)
    one_line = editor.height()
    _type(editor, LONG)
    assert editor.height() > 2 * one_line  # grown downward, line by line
    assert editor.verticalScrollBar().maximum() == 0 and editor.horizontalScrollBar().maximum() == 0
    assert window.canvas.viewport().rect().contains(editor.geometry())
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert doc.component(cid).name == LONG and doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.component(cid).name == "Scorer" and not doc.is_modified()


def test_home_and_end_go_to_the_ends_of_the_name_not_of_a_wrapped_line(card):
    """On X the box wrapped "Score authorizations for fraud" after "Score", and End then went to
    the end of that first line: the words typed landed in the middle of the name."""
    window, cid = card
    editor = _open_with_f2(window, cid)
    editor.setText("Score authorizations for fraud")
    assert editor.document().firstBlock().layout().lineCount() >= 2  # wrapped in the box
    QTest.keyClick(editor, Qt.Key.Key_Home)
    QTest.keyClick(editor, Qt.Key.Key_End)
    _type(editor, " now")
    QTest.keyClick(editor, Qt.Key.Key_Home, SHIFT)
    assert editor.selectedText() == "Score authorizations for fraud now"
    QTest.keyClick(editor, Qt.Key.Key_Home)
    _type(editor, "Card ")
    QTest.keyClick(editor, Qt.Key.Key_End, SHIFT)
    assert editor.selectedText() == "Score authorizations for fraud now"
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert window.document.component(cid).name == "Card Score authorizations for fraud now"


def test_a_pasted_line_break_is_a_space(card):
    window, cid = card
    editor = _open_with_f2(window, cid)
    data = QMimeData()
    data.setText("Fraud\nscorer\r\nv2")
    editor.insertFromMimeData(data)
    assert editor.text() == "Fraud scorer v2"
    QApplication.clipboard().setText("Card\u2029fraud")
    QTest.keyClick(editor, Qt.Key.Key_A, CTRL)
    QTest.keyClick(editor, Qt.Key.Key_V, CTRL)
    assert editor.text() == "Card fraud"
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert window.document.component(cid).name == "Card fraud"


def test_tab_leaves_the_box_and_commits_without_typing_a_tab(card):
    window, cid = card
    editor = _open_with_f2(window, cid)
    _type(editor, "Scorer v2")
    QTest.keyClick(editor, Qt.Key.Key_Tab)
    assert window.document.component(cid).name == "Scorer v2"
    assert window.canvas.renamer.editor is None


def test_escape_after_a_long_name_keeps_the_old_one(card):
    window, cid = card
    editor = _open_with_f2(window, cid)
    _type(editor, LONG)
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    assert window.document.component(cid).name == "Scorer"
    assert window.document.undo_stack.count() == 0 and window.canvas.renamer.editor is None


def test_a_name_a_file_holds_with_a_line_break_opens_unchanged_and_renames_nothing(card):
    window, cid = card
    doc = window.document
    doc.set_component_field(cid, "name", "Fraud\r\nscorer")
    doc.undo_stack.clear()
    doc.mark_saved()
    editor = _open_with_f2(window, cid)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert doc.component(cid).name == "Fraud\r\nscorer" and doc.undo_stack.count() == 0


@x11_child
def test_rename_box_keys_on_x11(tmp_path):
    done = pytest_on_x11(tmp_path, "tests/ui/test_rename_box_keys.py")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "9 passed" in done.stdout
