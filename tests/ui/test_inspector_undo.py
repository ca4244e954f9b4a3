"""Undo and Redo pressed in an inspector field: the field's typing first, then the design's."""

from __future__ import annotations

from PySide6.QtCore import Qt

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
