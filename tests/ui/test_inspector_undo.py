"""Undo and Redo pressed in an inspector field: the field's typing first, then the design's."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.on_x11 import pytest_on_x11, x11_child

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier


def _focused(window, qtbot, widget) -> None:
    window.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def _new_card_field(window, qtbot, field: str):
    """A feature pipeline added and selected: its id and the inspector's `field`, focused."""
    cid = window.document.add_component("feature_pipeline", 0, 0, "Features")
    window.canvas.select_components([cid])
    qtbot.waitUntil(lambda: window.inspector.component_page.component_id == cid)
    widget = getattr(window.inspector.component_page, field)
    _focused(window, qtbot, widget)
    return cid, widget


def test_ctrl_z_in_a_field_after_enter_undoes_the_edit_in_the_design(windows, qtbot):
    """It reverted only the field's own text: an empty field over a card still named "Spark",
    and a second Ctrl+Z did nothing."""
    window = windows()
    doc = window.document
    cid, field = _new_card_field(window, qtbot, "technology_edit")
    qtbot.keyClicks(field, "Spark")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert doc.component(cid).technology == "Spark"
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)
    assert doc.component(cid).technology == "" and field.text() == ""
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL_SHIFT)
    assert doc.component(cid).technology == "Spark" and field.text() == "Spark"
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)  # the step before: the card added
    assert cid not in doc.design.component_by_id()


def test_ctrl_z_while_typing_undoes_the_typing_only(windows, qtbot):
    window = windows()
    doc = window.document
    cid, notes = _new_card_field(window, qtbot, "notes_edit")
    qtbot.keyClicks(notes, "why")
    qtbot.keyClick(notes, Qt.Key.Key_Z, CTRL)
    assert notes.toPlainText() == ""
    assert cid in doc.design.component_by_id()  # the design's history untouched
    qtbot.keyClicks(notes, "Batch, nightly")
    window.canvas.setFocus()  # leaving the field commits the notes
    assert doc.component(cid).notes == "Batch, nightly"
    _focused(window, qtbot, notes)
    qtbot.keyClick(notes, Qt.Key.Key_Z, CTRL)
    assert doc.component(cid).notes == "" and notes.toPlainText() == ""


def test_redo_after_undoing_typing_in_a_field_redoes_the_typing(windows, qtbot):
    """Typing undone in a field with Ctrl+Z comes back with Ctrl+Shift+Z or Ctrl+Y: it is the
    field's redo, not the design's (which redid an unrelated edit waiting on the design's redo
    stack, an auto-layout or a rename elsewhere, while the typing stayed lost)."""
    window = windows()
    doc = window.document
    other = doc.add_component("model", 400, 0, "Ranker")
    doc.set_component_field(other, "name", "Ranker v2")
    doc.undo_stack.undo()  # the design can redo the rename
    for field_name, text_of in (("notes_edit", "toPlainText"), ("name_edit", "text")):
        for redo_key in ((Qt.Key.Key_Z, CTRL_SHIFT), (Qt.Key.Key_Y, CTRL)):
            cid, field = _new_card_field(window, qtbot, field_name)
            before = getattr(field, text_of)()
            qtbot.keyClicks(field, "Spark")
            typed = getattr(field, text_of)()
            qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)
            assert getattr(field, text_of)() == before
            qtbot.keyClick(field, *redo_key)
            assert getattr(field, text_of)() == typed, (field_name, redo_key)
            assert doc.component(other).name == "Ranker"  # the design's redo did not run
            _focused(window, qtbot, window.canvas)  # leaving the field commits the typing
            assert getattr(doc.component(cid), field_name.removesuffix("_edit")) == typed
            doc.undo_stack.undo()  # the commit
            doc.undo_stack.undo()  # the card
            assert doc.undo_stack.canRedo()


@x11_child
def test_redo_after_undoing_typing_in_a_field_on_x11(tmp_path):
    """The test above on the xcb platform, in a child process under xvfb-run: there Redo is
    Ctrl+Shift+Z as the platform's own key and Ctrl+Y as the window's, and the window's Redo
    took both from the field (offscreen, with another key scheme, the field kept them)."""
    test = "tests/ui/test_inspector_undo.py::test_redo_after_undoing_typing_in_a_field_redoes_the_typing"
    done = pytest_on_x11(tmp_path, test, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "1 passed" in done.stdout
