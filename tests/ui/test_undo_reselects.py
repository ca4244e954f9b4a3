"""Undo of a delete and Redo of an add select what they bring back, as adding selects what it adds:
on the canvas (and so in the inspector) and in the Decisions dock. Undo and Redo of a decision's
edit or supersede select the decision they change."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain.model import Decision

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier


def _canvas_focused(window, qtbot) -> None:
    window.activateWindow()
    window.canvas.setFocus()
    qtbot.waitUntil(window.canvas.hasFocus)


def test_undo_of_a_delete_selects_the_cards_it_brings_back(qtbot, windows):
    """The card came back unselected and the inspector showed the design."""
    window = windows()
    doc, canvas = window.document, window.canvas
    a = doc.add_component("model", 0, 0, "Ranker")
    b = doc.add_component("endpoint", 300, 0, "Feed API")
    link = doc.connect(a, b)
    other = doc.add_component("feature_pipeline", 0, 300, "Features")
    canvas.select_components([a, b], [link])
    _canvas_focused(window, qtbot)
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert doc.design.component_by_id().keys() == {other}
    qtbot.keyClick(canvas, Qt.Key.Key_Z, CTRL)
    assert set(canvas.selected_component_ids()) == {a, b}
    assert canvas.selected_link_ids() == [link]
    assert window.inspector.selection() == (canvas.selected_component_ids(), [link])
    canvas.select_components([a])
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    qtbot.keyClick(canvas, Qt.Key.Key_Z, CTRL)
    assert canvas.selected_component_ids() == [a]
    assert window.inspector.current_page() is window.inspector.component_page
    assert window.inspector.component_page.component_id == a


def test_redo_of_an_add_selects_what_it_adds_again(qtbot, windows):
    window = windows()
    doc, canvas = window.document, window.canvas
    keep = doc.add_component("model", 0, 0, "Ranker")
    canvas.select_components([keep])
    _canvas_focused(window, qtbot)
    qtbot.keyClick(canvas, Qt.Key.Key_D, CTRL)  # duplicate: the copy is selected
    (copy,) = canvas.selected_component_ids()
    qtbot.keyClick(canvas, Qt.Key.Key_Z, CTRL)
    assert copy not in doc.design.component_by_id()
    canvas.select_components([keep])
    qtbot.keyClick(canvas, Qt.Key.Key_Z, CTRL_SHIFT)
    assert canvas.selected_component_ids() == [copy]
    assert window.inspector.component_page.component_id == copy


def test_undo_of_a_deleted_decision_selects_it_in_the_decisions_dock(qtbot, windows):
    window = windows()
    doc, panel = window.document, window.decisions
    first = doc.add_decision(Decision(id="d1", title="Candidate retrieval", status="proposed"))
    second = doc.add_decision(Decision(id="d2", title="Ranking model", status="proposed"))
    panel.select(second)
    panel.delete_button.click()
    assert [d.id for d in doc.design.decisions] == [first]
    panel.select(first)
    doc.undo_stack.undo()
    assert panel.selected_id() == second
    assert "Ranking model" in panel.detail.text()
    doc.undo_stack.undo()  # the second decision's recording
    panel.select(first)
    doc.undo_stack.redo()
    assert panel.selected_id() == second


def _decisions_with_another_selected(window):
    doc, panel = window.document, window.decisions
    doc.add_decision(Decision(id="d1", title="Candidate retrieval", status="accepted", context="Two towers"))
    doc.add_decision(Decision(id="d2", title="Ranking model", status="proposed"))
    return doc, panel


def test_undo_and_redo_of_a_decision_edit_select_the_decision(qtbot, windows):
    """The edit was undone or redone under another decision's detail: the list kept what the
    user had selected since, so the change happened out of sight."""
    window = windows()
    doc, panel = _decisions_with_another_selected(window)
    doc.update_decision(Decision(id="d1", title="Candidate retrieval", status="accepted", context="BM25"))
    panel.select("d2")
    doc.undo_stack.undo()
    assert panel.selected_id() == "d1"
    assert "Two towers" in panel.detail.text()
    panel.select("d2")
    doc.undo_stack.redo()
    assert panel.selected_id() == "d1"
    assert "BM25" in panel.detail.text()


def test_undo_and_redo_of_a_supersede_select_the_decision_it_concerns(qtbot, windows):
    """Undo of a supersede removed the new decision and left nothing selected (or another
    decision); it selects the decision that is current again, Redo the new one."""
    window = windows()
    doc, panel = _decisions_with_another_selected(window)
    new_id = doc.supersede_decision("d1", Decision(id="d3", title="Candidate retrieval v2", context="BM25"))
    panel.select(new_id)
    doc.undo_stack.undo()
    assert new_id not in {d.id for d in doc.design.decisions}
    assert panel.selected_id() == "d1"
    assert "Two towers" in panel.detail.text()
    panel.select("d2")
    doc.undo_stack.redo()
    assert panel.selected_id() == new_id
    assert "BM25" in panel.detail.text()


def _on_top(dock) -> bool:
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


def test_undo_of_a_decision_edit_brings_the_decisions_tab_forward_but_not_over_the_history(
    qtbot, windows
):
    """Undone from the canvas with the Findings tab in front, the decision changed behind it;
    stepping back in the History list (a tab of the same group) keeps that list in front, and
    the keyboard in the Findings list keeps that one."""
    window = windows()
    doc, _panel = _decisions_with_another_selected(window)
    doc.update_decision(Decision(id="d1", title="Candidate retrieval", status="accepted", context="BM25"))
    window.findings_dock.raise_()
    qtbot.waitUntil(lambda: not _on_top(window.decisions_dock))
    _canvas_focused(window, qtbot)  # Ctrl+Z from the canvas, say
    doc.undo_stack.undo()
    qtbot.waitUntil(lambda: _on_top(window.decisions_dock))
    window.findings_dock.raise_()
    window.findings.tree.setFocus()  # the keyboard in the Findings: the tab stays in front
    qtbot.waitUntil(lambda: _on_top(window.findings_dock) and window.findings.tree.hasFocus())
    doc.undo_stack.redo()
    doc.undo_stack.undo()
    assert _on_top(window.findings_dock) and window.decisions.selected_id() == "d1"
    window.history_dock.show()
    window.history_dock.raise_()
    qtbot.waitUntil(lambda: _on_top(window.history_dock))
    doc.undo_stack.redo()
    assert _on_top(window.history_dock) and window.decisions.selected_id() == "d1"
