"""The inspector's Pin position check box says what the card menu says (Pin position / Unpin
position), and one press of it is one undo step that puts the pin on the card or takes it off.
It read "Pinned: auto-layout leaves it in place", a state beside the menu's command."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from tests.ui.on_x11 import pytest_on_x11, x11_child
from tests.ui.test_compare import activate


def _card_pixels(window, component_id: str) -> QImage:
    view = window.canvas
    item = view.design_scene.component_item(component_id)
    view.design_scene.clearSelection()  # the selection outline is not the pin
    QApplication.processEvents()
    rect = view.mapFromScene(item.sceneBoundingRect()).boundingRect()
    image = view.viewport().grab(QRect(rect)).toImage()
    view.select_components([component_id])
    QApplication.processEvents()
    return image


def test_the_check_box_reads_as_the_card_menu_and_says_what_pinning_does(windows):
    window = windows()
    cid = window.document.add_component("model", 0, 0, "Ranker")
    window.canvas.select_components([cid])
    box = window.inspector.component_page.pinned
    assert box.text() == "Pin position"
    tip = box.toolTip().lower()
    assert "auto-layout" in tip and "stay" in tip
    menu = window.canvas.context_menu_at(window.canvas.mapFromScene(40, 40))
    pin = next(action for action in menu.actions() if action.objectName() == "pin_action")
    assert pin.text() == box.text()


def test_toggling_it_is_one_undo_step_and_puts_the_pin_on_the_card(windows, qtbot):
    window = windows()
    window.resize(1200, 800)
    doc, view = window.document, window.canvas
    cid = doc.add_component("model", 0, 0, "Ranker")
    view.reset_zoom()
    view.centerOn(100, 60)
    view.select_components([cid])
    activate(window)
    box = window.inspector.component_page.pinned
    unpinned = _card_pixels(window, cid)
    count = doc.undo_stack.count()
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    qtbot.keyClick(box, Qt.Key.Key_Space)  # as a keyboard user toggles it
    assert doc.component(cid).pinned and box.isChecked()
    assert doc.undo_stack.count() == count + 1
    assert doc.undo_stack.undoText() == "Pin position of Ranker"
    assert view.design_scene.component_item(cid).pinned
    pinned = _card_pixels(window, cid)
    assert pinned != unpinned  # the pin is drawn
    box.click()
    assert not doc.component(cid).pinned and doc.undo_stack.undoText() == "Unpin position of Ranker"
    assert doc.undo_stack.count() == count + 2
    assert _card_pixels(window, cid) == unpinned
    doc.undo_stack.undo()
    assert box.isChecked() and _card_pixels(window, cid) == pinned
    doc.undo_stack.undo()
    assert not box.isChecked() and _card_pixels(window, cid) == unpinned
    assert doc.undo_stack.count() == count + 2  # undone, not gone: two steps, one per press


@x11_child
def test_the_pin_check_box_on_x11(tmp_path):
    done = pytest_on_x11(tmp_path, "tests/ui/test_inspector_pin.py")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "3 passed" in done.stdout


def test_the_card_tooltip_names_the_pinned_state_in_the_words_of_the_pin_command(windows):
    """The hover tooltip read "Pinned: …" beside the box's and menu's "Pin position"."""
    window = windows()
    cid = window.document.add_component("model", 0, 0, "Ranker")
    item = window.canvas.design_scene.component_item(cid)
    assert "pinned" not in item.toolTip().lower()
    window.document.set_pinned([cid], True)
    item = window.canvas.design_scene.component_item(cid)
    assert "Position pinned: auto-layout leaves it where it is" in item.toolTip()
