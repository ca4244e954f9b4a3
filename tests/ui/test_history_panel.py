"""The History dock: the undo list inset like the other docks, and a click on a step goes there."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.ui.history_panel import EMPTY_LABEL, HistoryPanel


def test_the_history_dock_insets_its_list_and_says_what_a_click_does(qtbot, windows):
    window = windows()
    panel = window.history_dock.widget()
    assert isinstance(panel, HistoryPanel)
    window.history_dock.show()
    window.history_dock.raise_()
    qtbot.waitUntil(panel.view.isVisible)
    margins = panel.layout().contentsMargins()
    assert (margins.left(), margins.top(), margins.right(), margins.bottom()) == (8, 8, 8, 8)
    assert panel.view.geometry().left() >= 8 and panel.view.geometry().top() > panel.hint.geometry().bottom()
    assert "Click a step" in panel.hint.text()
    assert panel.focusProxy() is panel.view


def test_clicking_a_step_takes_the_design_back_to_it(qtbot, windows):
    window = windows()
    doc, view = window.document, window.history.view
    first = doc.add_component("model", 0, 0)
    doc.add_component("endpoint", 300, 0)
    doc.set_component_field(first, "name", "Ranker")
    model = view.model()
    assert model.rowCount() == 4
    assert model.index(0, 0).data(Qt.ItemDataRole.DisplayRole) == EMPTY_LABEL
    view.setCurrentIndex(model.index(1, 0))  # what a click on the first edit does
    assert doc.undo_stack.index() == 1
    assert [c.id for c in doc.design.components] == [first]
    view.setCurrentIndex(model.index(3, 0))
    assert doc.undo_stack.index() == 3
    assert next(c.name for c in doc.design.components if c.id == first) == "Ranker"


def test_a_step_picked_in_the_list_says_in_the_status_bar_what_it_undid_or_redid(qtbot, windows):
    """Like Edit > Undo and Redo: the status bar's last message ("Auto-layout of the design")
    stayed after a click on an earlier step had undone that very edit."""
    window = windows()
    doc, view = window.document, window.history.view
    window.history_dock.show()
    window.history_dock.raise_()
    qtbot.waitUntil(view.isVisible)
    first = doc.add_component("model", 0, 0)
    window.show_message("Added the model")  # an edit's own message, as the edits leave them
    doc.add_component("endpoint", 300, 0)
    doc.set_component_field(first, "name", "Ranker")
    assert window.statusBar().currentMessage() == "Added the model"  # edits add no step message

    def click(row: int) -> str:
        rect = view.visualRect(view.model().index(row, 0))
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert doc.undo_stack.index() == row
        return window.statusBar().currentMessage()

    assert click(0) == f"Undone 3 steps, back to: {EMPTY_LABEL}"
    assert click(1) == f"Redone: {doc.undo_stack.text(0)}"
    assert click(3) == f"Redone 2 steps, up to: {doc.undo_stack.text(2)}"
    assert click(2) == f"Undone: {doc.undo_stack.text(2)}"
    window.actions.undo.trigger()
    assert window.statusBar().currentMessage() == f"Undone: {doc.undo_stack.text(1)}"
