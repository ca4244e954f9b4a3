"""Mouse, keyboard and drag-and-drop on the real canvas widgets."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.ui.canvas import KIND_MIME_TYPE
from app.ui.canvas.style import CARD_H, CARD_W, HANDLE_POINTS
from tests.ui.canvas_support import at, drag, make_view, move, press, release, snapshot, two_cards

CTRL = Qt.KeyboardModifier.ControlModifier


def _drop(view, kind: str, pos: QPoint, mime_type: str = KIND_MIME_TYPE) -> QDropEvent:
    mime = QMimeData()
    mime.setData(mime_type, kind.encode("utf-8"))
    actions = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(pos, actions, mime, buttons, mods)
    QApplication.sendEvent(view.viewport(), enter)
    assert enter.isAccepted() == (mime_type == KIND_MIME_TYPE)
    moving = QDragMoveEvent(pos, actions, mime, buttons, mods)
    QApplication.sendEvent(view.viewport(), moving)
    drop = QDropEvent(QPointF(pos), actions, mime, buttons, mods)
    QApplication.sendEvent(view.viewport(), drop)
    return drop


def test_dropping_a_kind_creates_a_component_centred_at_the_drop_position(qtbot):
    doc, view = make_view(qtbot)
    drop = _drop(view, "feature_store", at(view, 300, 200))
    assert drop.isAccepted()
    [component] = doc.design.components
    assert component.kind == "feature_store"
    assert (component.position.x + CARD_W / 2, component.position.y + CARD_H / 2) == (300, 200)
    assert view.selected_component_ids() == [component.id]
    assert view.design_scene.component_item(component.id) is not None
    doc.undo_stack.undo()
    assert doc.design.components == []


def test_dropping_snaps_to_the_grid_when_snap_is_on(qtbot):
    doc, view = make_view(qtbot)
    view.set_snap_to_grid(True)
    _drop(view, "model", at(view, 313, 207))
    position = doc.design.components[0].position
    assert (position.x % 20, position.y % 20) == (0, 0)


def test_foreign_drops_and_unknown_kinds_are_refused(qtbot):
    doc, view = make_view(qtbot)
    messages = []
    view.message.connect(messages.append)
    _drop(view, "model", at(view, 100, 100), mime_type="text/plain")
    drop = _drop(view, "no_such_kind", at(view, 100, 100))
    assert not drop.isAccepted()
    assert doc.design.components == []
    assert messages and "no_such_kind" in messages[-1]


def _handle(view, component_id: str, index: int) -> QPoint:
    pos = view.design_scene.component_item(component_id).pos()
    hx, hy = HANDLE_POINTS[index]
    return at(view, pos.x() + hx, pos.y() + hy)


def _centre(view, component_id: str) -> QPoint:
    pos = view.design_scene.component_item(component_id).pos()
    return at(view, pos.x() + CARD_W / 2, pos.y() + CARD_H / 2 + 10)


def test_dragging_from_an_edge_handle_to_another_card_connects_them(qtbot):
    doc, view = make_view(qtbot)
    a, b = two_cards(doc)
    drag(view, _handle(view, a, 1), _centre(view, b))
    [link] = doc.design.links
    assert (link.source, link.target) == (a, b)
    assert doc.undo_stack.count() == 1
    assert doc.component(a).position.x == 100  # the card did not move
    item = view.design_scene.link_item(link.id)
    assert item is not None and not item.path().isEmpty()
    # the rubber line is gone
    assert len(view.design_scene.items()) == 3


def test_self_link_and_duplicate_link_are_refused_with_a_message_and_a_flash(qtbot):
    doc, view = make_view(qtbot)
    a, b = two_cards(doc)
    doc.connect(a, b)
    messages = []
    view.message.connect(messages.append)
    before = snapshot(doc)
    drag(view, _handle(view, a, 1), _centre(view, b))
    assert "already links" in messages[-1]
    assert view.design_scene.component_item(b)._flash
    drag(view, _handle(view, a, 2), _centre(view, a) + QPoint(30, 0))
    assert "itself" in messages[-1]
    assert snapshot(doc) == before
    qtbot.waitUntil(lambda: not view.design_scene.component_item(b)._flash, timeout=2000)


def test_releasing_a_connection_on_empty_canvas_creates_nothing(qtbot):
    doc, view = make_view(qtbot)
    a, _ = two_cards(doc)
    drag(view, _handle(view, a, 1), at(view, 350, 400))
    assert doc.design.links == [] and doc.undo_stack.count() == 0


def test_dragging_two_selected_cards_is_one_undo_step(qtbot):
    doc, view = make_view(qtbot)
    a, b = two_cards(doc)
    doc.connect(a, b)
    doc.undo_stack.clear()
    before = snapshot(doc)
    view.select_components([a, b])
    drag(view, _centre(view, a), _centre(view, a) + QPoint(40, 60), steps=6)
    assert (doc.component(a).position.x, doc.component(a).position.y) == (140, 160)
    assert (doc.component(b).position.x, doc.component(b).position.y) == (540, 160)
    assert doc.undo_stack.count() == 1
    link_item = view.design_scene.link_items()[0]
    assert link_item.scene_path().pointAtPercent(0).y() > 160
    doc.undo_stack.undo()
    assert snapshot(doc) == before
    assert view.design_scene.component_item(a).pos() == QPointF(100, 100)
    assert view.design_scene.component_item(b).pos() == QPointF(500, 100)
    view.design_scene.flush_link_updates()
    assert link_item.scene_path().pointAtPercent(0).y() < 160
    doc.undo_stack.redo()
    assert view.design_scene.component_item(b).pos() == QPointF(540, 160)


def test_drag_snaps_to_grid(qtbot):
    doc, view = make_view(qtbot)
    a, _ = two_cards(doc)
    view.set_snap_to_grid(True)
    assert view.snap_to_grid()
    drag(view, _centre(view, a), _centre(view, a) + QPoint(33, 47))
    position = doc.component(a).position
    assert (position.x, position.y) == (140, 140)


def test_click_selects_and_ctrl_click_toggles(qtbot):
    doc, view = make_view(qtbot)
    a, b = two_cards(doc)
    seen = []
    view.selection_changed.connect(lambda c, links: seen.append(c))
    for point, mods in ((_centre(view, a), Qt.KeyboardModifier.NoModifier), (_centre(view, b), CTRL)):
        move(view, point, Qt.MouseButton.NoButton)
        press(view, point, modifiers=mods)
        release(view, point, modifiers=mods)
    assert view.selected_component_ids() == [a, b]
    press(view, _centre(view, a), modifiers=CTRL)
    release(view, _centre(view, a), modifiers=CTRL)
    assert view.selected_component_ids() == [b]
    assert seen[-1] == [b]
    assert doc.undo_stack.count() == 0


def test_rubber_band_selects_cards_in_the_band(qtbot):
    doc, view = make_view(qtbot)
    a, b = two_cards(doc)
    drag(view, at(view, 60, 60), at(view, 360, 260))
    assert view.selected_component_ids() == [a]
    assert doc.undo_stack.count() == 0


def test_alt_arrow_keys_nudge_one_undo_step_per_press(qtbot):
    doc, view = make_view(qtbot)
    a, b = two_cards(doc)
    view.select_components([a, b])
    view.setFocus()
    alt = Qt.KeyboardModifier.AltModifier
    QTest.keyClick(view, Qt.Key.Key_Right, alt)
    QTest.keyClick(view, Qt.Key.Key_Down, alt | Qt.KeyboardModifier.ShiftModifier)
    assert (doc.component(a).position.x, doc.component(a).position.y) == (101, 110)
    assert doc.undo_stack.count() == 2
    view.set_snap_to_grid(True)
    QTest.keyClick(view, Qt.Key.Key_Left, alt)
    assert doc.component(b).position.x == 481


def test_delete_and_backspace_delete_the_selection(qtbot):
    doc, view = make_view(qtbot)
    a, b = two_cards(doc)
    link = doc.connect(a, b)
    before = snapshot(doc)
    view.select_components([], [link])
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert doc.design.links == [] and len(doc.design.components) == 2
    view.select_components([a])
    QTest.keyClick(view, Qt.Key.Key_Backspace)
    assert [c.id for c in doc.design.components] == [b]
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert snapshot(doc) == before


def test_middle_button_and_space_drag_pan_without_editing(qtbot):
    doc, view = make_view(qtbot)
    a, _ = two_cards(doc)
    start = view.visible_scene_rect().center()
    drag(view, QPoint(500, 300), QPoint(400, 250), button=Qt.MouseButton.MiddleButton)
    after = view.visible_scene_rect().center()
    assert round(after.x() - start.x()) == 100 and round(after.y() - start.y()) == 50
    view.setFocus()
    QTest.keyPress(view, Qt.Key.Key_Space)
    drag(view, _centre(view, a), _centre(view, a) + QPoint(-80, 0))
    QTest.keyRelease(view, Qt.Key.Key_Space)
    assert round(view.visible_scene_rect().center().x() - after.x()) == 80
    assert doc.undo_stack.count() == 0
    assert doc.component(a).position.x == 100


def test_escape_cancels_a_connection_drag(qtbot):
    doc, view = make_view(qtbot)
    a, b = two_cards(doc)
    start = _handle(view, a, 1)
    move(view, start, Qt.MouseButton.NoButton)
    press(view, start)
    move(view, _centre(view, b))
    assert view.design_scene.connections.source() is not None
    QTest.keyClick(view, Qt.Key.Key_Escape)
    release(view, _centre(view, b))
    assert doc.design.links == []
