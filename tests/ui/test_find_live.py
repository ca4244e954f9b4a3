"""Edit > Find's marks and count follow the design while the search holds text: a card added by
Enter from the search, renamed, or brought back by Undo was left unmarked (or marked) as the
design was when the text was typed, and the status bar went on saying "No card on the canvas
matches" under the card just added (seen on Xvfb: Ctrl+F, "Endpoint", Enter)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def _settle(qtbot) -> None:
    qtbot.wait(20)
    QApplication.processEvents()


def test_a_card_added_from_the_search_is_marked_and_counted(windows, qtbot):
    window = windows()
    doc, scene = window.document, window.canvas.design_scene
    search = window.palette_panel.search
    search.setText("Endpoint")
    assert window.statusBar().currentMessage() == "No card on the canvas matches “Endpoint”"
    qtbot.keyClick(search, Qt.Key.Key_Return)  # adds the kind the text names
    _settle(qtbot)
    [added] = [c.id for c in doc.design.components]
    assert scene.matches == {added}
    assert window.statusBar().currentMessage() == "1 card on the canvas matches “Endpoint”"
    doc.set_component_field(added, "name", "Feed API")
    search.setText("feed")
    assert scene.matches == {added}
    doc.set_component_field(added, "name", "Ranking API")  # no longer matches
    _settle(qtbot)
    assert scene.matches == frozenset()
    assert window.statusBar().currentMessage() == "No card on the canvas matches “feed”"
    doc.undo_stack.undo()
    _settle(qtbot)
    assert scene.matches == {added}
    assert window.statusBar().currentMessage() == "1 card on the canvas matches “feed”"


def test_another_message_is_left_alone_and_an_empty_search_marks_nothing(windows, qtbot):
    window = windows()
    doc, scene = window.document, window.canvas.design_scene
    search = window.palette_panel.search
    search.setText("ranker")
    window.show_message("Connected to Ranker: 1 link")
    ranker = doc.add_component("model", 0, 0, "Ranker")
    _settle(qtbot)
    assert scene.matches == {ranker}
    assert window.statusBar().currentMessage() == "Connected to Ranker: 1 link"
    search.clear()
    doc.add_component("model", 300, 0, "Ranker 2")
    _settle(qtbot)
    assert scene.matches == frozenset()
