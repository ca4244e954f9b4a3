"""Renaming a card in place (app/ui/canvas/rename.py): F2 or a double-click on the name opens an
editor over it; Enter or a click elsewhere commits one undo step through the inspector's path,
Escape cancels, a blank name is refused as the inspector refuses it, any script edits."""

from __future__ import annotations

import warnings

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QFontInfo, QKeyEvent, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.persistence import load_design
from app.ui.canvas import card_text as ct
from app.ui.canvas import style as st
from app.ui.canvas.overview import LABEL_MAX_W
from app.ui.canvas.rename import MIN_WIDTH, TYPING_WIDTH, NameEditor

ARABIC = "خط أنابيب الميزات"
HEBREW = "מאגר תכונות"
CJK = "训练数据集 v2"
EMOJI = "Ranker 🚀🔥"
MIXED = "Events אירועים 2026"
LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


def _type(widget, text: str) -> None:
    """Type `text` as keys carrying text, as a keyboard or input method delivers any script."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, NONE, char))


def _activate(window) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        QApplication.setActiveWindow(window)
    window.canvas.setFocus()


@pytest.fixture
def shown(windows):
    """A window with two linked cards, the canvas at 1:1 with the focus, nothing to undo."""
    window = windows()
    doc = window.document
    a = doc.add_component("data_source", 0, 0, "Events")
    b = doc.add_component("model", 400, 0, "Ranker")
    link = doc.connect(a, b)
    doc.undo_stack.clear()
    doc.mark_saved()
    canvas = window.canvas
    canvas.set_zoom(1.0)
    canvas.centerOn(300, 60)
    _activate(window)
    return window, a, b, link


def _open_with_f2(window, cid: str) -> NameEditor:
    canvas = window.canvas
    canvas.select_components([cid])
    canvas.setFocus()
    QTest.keyClick(canvas, Qt.Key.Key_F2)
    editor = canvas.renamer.editor
    assert isinstance(editor, NameEditor) and editor.isVisible()
    return editor


def _name_point(window, cid: str) -> QPoint:
    """Viewport point in the middle of the card's first name line."""
    canvas = window.canvas
    item = canvas.design_scene.component_item(cid)
    layout = item.text_layout(canvas.zoom_factor())
    local = QPointF(layout.text_x + 20, layout.name_y + layout.line_height / 2)
    return canvas.mapFromScene(item.mapToScene(local))


def test_f2_opens_an_editor_over_the_name_in_the_cards_font_with_the_name_selected(shown):
    window, a, _b, _link = shown
    editor = _open_with_f2(window, a)
    canvas = window.canvas
    assert editor.text() == "Events" and editor.selectedText() == "Events"
    assert QApplication.focusWidget() is editor
    item = canvas.design_scene.component_item(a)
    layout = item.text_layout(1.0)
    assert editor.font().pixelSize() == layout.name_size  # at 1:1, the card's own size
    assert editor.font().weight() == ct.font(layout.name_size, True).weight()
    assert editor.geometry().contains(_name_point(window, a))
    assert canvas.mapFromScene(item.card_rect()).boundingRect().contains(editor.geometry().center())


def test_enter_commits_one_undo_step_the_inspectors_way(shown):
    window, a, _b, _link = shown
    doc = window.document
    editor = _open_with_f2(window, a)
    _type(editor, "Click events")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert doc.component(a).name == "Click events"
    assert doc.undo_stack.count() == 1
    assert doc.undo_stack.undoText() == "Change name of Events"  # the inspector's command
    assert window.inspector.component_page.name_edit.text() == "Click events"
    assert doc.is_modified() and window.isWindowModified()
    assert window.canvas.renamer.editor is None and not editor.isVisible()
    assert QApplication.focusWidget() is window.canvas  # the keyboard goes on on the canvas
    assert window.canvas.design_scene.component_item(a).name == "Click events"
    doc.undo_stack.undo()
    assert doc.component(a).name == "Events" and not doc.is_modified()


def test_keys_the_editor_does_not_use_stay_out_of_the_canvas(shown):
    window, a, _b, _link = shown
    canvas, doc = window.canvas, window.document
    editor = _open_with_f2(window, a)
    for key, modifiers in (
        (Qt.Key.Key_Down, NONE),
        (Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier),
        (Qt.Key.Key_F2, NONE),
        (Qt.Key.Key_PageDown, NONE),
    ):
        QTest.keyClick(editor, key, modifiers)
        assert canvas.renamer.editor is editor and QApplication.focusWidget() is editor, key
        assert canvas.selected_component_ids() == [a], key
    assert doc.undo_stack.count() == 0 and doc.component(a).position.x == 0


def test_editing_keys_edit_the_name_not_the_design(shown):
    """Delete, Ctrl+Z, Ctrl+A, Ctrl+X/V are the line's: no card deleted, no design step undone."""
    window, a, b, _link = shown
    doc = window.document
    doc.move_components({b: (420.0, 0.0)})  # a step Ctrl+Z would undo on the canvas
    editor = _open_with_f2(window, a)
    QTest.keyClick(editor, Qt.Key.Key_Delete)
    assert editor.text() == ""
    QTest.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.text() == "Events"
    QTest.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(editor, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert editor.text() == "EventsEvents"
    assert [c.id for c in doc.design.components] == [a, b] and doc.undo_stack.count() == 1
    assert doc.component(b).position.x == 420.0
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert doc.component(a).name == "EventsEvents" and doc.undo_stack.count() == 2


def test_opening_another_editor_closes_the_first(shown):
    window, a, b, _link = shown
    canvas, doc = window.canvas, window.document
    first = _open_with_f2(window, a)
    first.setText("  ")  # refused when it commits: the name is kept and the editor still goes
    assert canvas.renamer.start(b)
    assert not first.isVisible() and canvas.renamer.editor.text() == "Ranker"
    assert doc.component(a).name == "Events" and doc.undo_stack.count() == 0


def test_an_unchanged_name_makes_no_undo_step(shown):
    window, a, _b, _link = shown
    editor = _open_with_f2(window, a)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert window.document.undo_stack.count() == 0 and not window.document.is_modified()


def test_clicking_elsewhere_commits(shown):
    window, a, _b, _link = shown
    doc = window.document
    editor = _open_with_f2(window, a)
    _type(editor, "Clicks")
    empty = window.canvas.mapFromScene(QPointF(200, 400))
    QTest.mouseClick(window.canvas.viewport(), LEFT, NONE, empty)
    assert doc.component(a).name == "Clicks" and doc.undo_stack.count() == 1
    assert window.canvas.renamer.editor is None


def test_focus_moving_to_another_panel_commits(shown):
    window, a, _b, _link = shown
    editor = _open_with_f2(window, a)
    _type(editor, "Raw events")
    window.inspector.component_page.technology_edit.setFocus(Qt.FocusReason.MouseFocusReason)
    assert window.document.component(a).name == "Raw events"
    assert window.document.undo_stack.count() == 1 and window.canvas.renamer.editor is None


def test_escape_cancels_without_an_undo_step(shown):
    window, a, _b, _link = shown
    doc = window.document
    editor = _open_with_f2(window, a)
    _type(editor, "Something else")
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    assert doc.component(a).name == "Events"
    assert doc.undo_stack.count() == 0 and not doc.is_modified()
    assert window.canvas.renamer.editor is None
    assert window.canvas.selected_component_ids() == [a]  # Esc closed the editor only
    assert QApplication.focusWidget() is window.canvas


@pytest.mark.parametrize("blank", ["", "   ", "\t "])
def test_a_blank_name_is_refused_as_the_inspector_refuses_it(shown, blank):
    window, a, _b, _link = shown
    doc = window.document
    editor = _open_with_f2(window, a)
    editor.selectAll()
    QTest.keyClick(editor, Qt.Key.Key_Delete)
    _type(editor, blank)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert doc.component(a).name == "Events" and doc.undo_stack.count() == 0
    refusal = window.statusBar().currentMessage()
    assert refusal.startswith("name:") and "empty" in refusal
    assert window.canvas.renamer.editor is editor  # still open, the old name back and selected
    assert editor.text() == "Events" and editor.selectedText() == "Events"
    editor.setText(blank)
    window.canvas.setFocus(Qt.FocusReason.MouseFocusReason)  # leaving with a blank name: kept
    assert doc.component(a).name == "Events" and doc.undo_stack.count() == 0
    assert window.canvas.renamer.editor is None
    # the inspector's Name field says the same and shows the name kept
    window.statusBar().clearMessage()
    name_edit = window.inspector.component_page.name_edit
    name_edit.setFocus()
    name_edit.setText(blank)
    QTest.keyClick(name_edit, Qt.Key.Key_Return)
    assert doc.component(a).name == "Events" and doc.undo_stack.count() == 0
    assert window.statusBar().currentMessage() == refusal and name_edit.text() == "Events"


@pytest.mark.parametrize("name", [ARABIC, HEBREW, CJK, EMOJI, MIXED])
def test_names_in_every_script_edit_exactly(shown, name):
    window, a, _b, _link = shown
    doc = window.document
    editor = _open_with_f2(window, a)
    _type(editor, name)
    assert editor.text() == name
    QTest.keyClick(editor, Qt.Key.Key_Enter)
    assert doc.component(a).name == name and doc.undo_stack.count() == 1
    editor = _open_with_f2(window, a)  # opens on the name as stored, and edits inside it
    assert editor.text() == name and editor.selectedText() == name
    editor.end(False)
    QTest.keyClick(editor, Qt.Key.Key_Backspace)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert doc.component(a).name == name[:-1] and doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.component(a).name == "Events"


def test_f2_with_no_card_or_several_selected_opens_nothing_and_changes_nothing(shown):
    window, a, b, link = shown
    canvas, doc = window.canvas, window.document
    for components, links in (([], []), ([a, b], []), ([a], [link]), ([], [link])):
        canvas.select_components(components)
        for item in canvas.design_scene.link_items():
            item.setSelected(item.link_id in links)
        canvas.setFocus()
        QTest.keyClick(canvas, Qt.Key.Key_F2)
        assert canvas.renamer.editor is None and canvas.findChild(NameEditor) is None
        assert window.statusBar().currentMessage() == "Select one card to rename it"
        assert sorted(canvas.selected_component_ids()) == sorted(components)
        assert canvas.selected_link_ids() == links
        assert doc.undo_stack.count() == 0 and not doc.is_modified()
    assert [c.name for c in doc.design.components] == ["Events", "Ranker"]


def test_enter_still_puts_the_cursor_in_the_inspectors_name_field(shown):
    window, a, _b, _link = shown
    canvas = window.canvas
    canvas.select_components([a])
    canvas.setFocus()
    QTest.keyClick(canvas, Qt.Key.Key_Return)
    assert canvas.renamer.editor is None
    assert QApplication.focusWidget() is window.inspector.component_page.name_edit


def _double_click(view, pos: QPoint) -> None:
    """A double-click as a platform delivers it: press, release, double-click, release."""
    viewport = view.viewport()
    for kind, buttons in (
        (QEvent.Type.MouseButtonPress, LEFT),
        (QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton),
        (QEvent.Type.MouseButtonDblClick, LEFT),
        (QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton),
    ):
        event = QMouseEvent(kind, QPointF(pos), QPointF(viewport.mapToGlobal(pos)), LEFT, buttons, NONE)
        QApplication.sendEvent(viewport, event)


def test_double_click_on_the_name_opens_the_editor(shown):
    window, a, b, _link = shown
    canvas = window.canvas
    canvas.select_components([b])
    _double_click(canvas, _name_point(window, a))
    editor = canvas.renamer.editor
    assert editor is not None and editor.text() == "Events" and editor.selectedText() == "Events"
    assert QApplication.focusWidget() is editor
    assert canvas.selected_component_ids() == [a]
    assert window.inspector.component_page.component_id == a
    _type(editor, "Events v2")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert window.document.component(a).name == "Events v2" and window.document.undo_stack.count() == 1


def _state(window) -> tuple:
    canvas = window.canvas
    scene = canvas.design_scene
    return (
        sorted(canvas.selected_component_ids()),
        sorted(canvas.selected_link_ids()),
        scene.connections.source() is not None,
        window.document.undo_stack.count(),
        [(c.name, c.position.x, c.position.y) for c in window.document.design.components],
        len(window.document.design.links),
    )


def test_double_click_elsewhere_does_what_it_did_without_renaming(shown):
    """The header, a handle, the technology line, a link, empty canvas: no editor, and the same
    outcome as the same clicks with the renamer's filter taken off the canvas."""
    window, a, _b, _link = shown
    canvas = window.canvas
    item = canvas.design_scene.component_item(a)
    layout = item.text_layout(1.0)
    places = {
        "header": QPointF(st.CARD_W / 2, st.HEADER_H / 2),
        "handle": QPointF(*st.HANDLE_POINTS[1]),
        "technology": QPointF(layout.text_x + 20, layout.tech_y + 6),
    }
    points = {name: canvas.mapFromScene(item.mapToScene(local)) for name, local in places.items()}
    points["link"] = canvas.mapFromScene(QPointF((st.CARD_W + 400) / 2, st.CARD_H / 2))
    points["empty"] = canvas.mapFromScene(QPointF(200, 400))
    assert canvas.renamer.name_at(QPointF(_name_point(window, a))) == a
    outcomes = {}
    for filtered in (True, False):
        if not filtered:
            canvas.viewport().removeEventFilter(canvas.renamer)
        for name, point in points.items():
            canvas.design_scene.clearSelection()
            _double_click(canvas, point)
            assert canvas.renamer.editor is None, name
            outcomes[filtered, name] = _state(window)
            canvas.design_scene.connections.cancel()
    for name in points:
        assert outcomes[True, name] == outcomes[False, name], name
    assert outcomes[True, "header"][0] == [a] and outcomes[True, "empty"][0] == []
    assert window.document.undo_stack.count() == 0


def test_zoomed_out_to_blocks_the_editor_is_legible_over_the_card(shown):
    window, a, _b, _link = shown
    canvas, doc = window.canvas, window.document
    canvas.set_zoom(0.2)
    item = canvas.design_scene.component_item(a)
    canvas.centerOn(item.card_rect().center())
    assert item.text_layout(canvas.zoom_factor()) is None  # drawn as a block
    editor = _open_with_f2(window, a)
    assert QFontInfo(editor.font()).pixelSize() >= ct.NAME_BASE
    assert editor.width() >= MIN_WIDTH
    card = canvas.mapFromScene(item.card_rect()).boundingRect()
    # in the place of the name label drawn above a selected block: the block stays in sight
    assert editor.geometry().bottom() < card.top() and card.top() - editor.geometry().bottom() <= 2
    assert editor.geometry().left() < card.center().x() < editor.geometry().right()
    assert editor.width() >= LABEL_MAX_W + 10  # covers the widest label
    assert canvas.viewport().rect().contains(editor.geometry())
    _type(editor, "Events (far)")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert doc.component(a).name == "Events (far)"
    _double_click(canvas, card.center())
    assert canvas.renamer.editor is not None  # a block has no name drawn: the whole card counts
    QTest.keyClick(canvas.renamer.editor, Qt.Key.Key_Escape)


@pytest.mark.parametrize("zoom", [1.0, 0.75, 0.5, 0.4, 0.3])
def test_zoomed_out_the_editor_sits_over_the_name_no_wider_than_the_card(shown, zoom):
    """Zoomed out it kept the 186 pixels the name has at 1:1: at 0.5 it stood 42 pixels past each
    side of a 101-pixel card. Now it covers the name and no more than the card, at least
    TYPING_WIDTH pixels wide (centred on the card) where the card is narrower than that, or as
    wide as the name needs (test_canvas_rename_legible.py)."""
    window, _a, b, _link = shown
    canvas = window.canvas
    canvas.set_zoom(zoom)
    item = canvas.design_scene.component_item(b)
    canvas.centerOn(item.card_rect().center())
    assert item.text_layout(canvas.zoom_factor()) is not None  # the card shows its name
    editor = _open_with_f2(window, b)
    box, card = editor.geometry(), canvas.mapFromScene(item.card_rect()).boundingRect()
    assert box.contains(_name_point(window, b))
    if card.width() >= TYPING_WIDTH:
        assert card.left() <= box.left() and box.right() <= card.right()
    else:
        assert box.width() >= TYPING_WIDTH and abs(box.center().x() - card.center().x()) <= 1
    assert box.width() >= min(card.width() - 2 * st.PAD * zoom, MIN_WIDTH)  # room for the name


def test_the_editor_follows_zoom_scroll_and_resize_and_goes_with_its_card(shown, qtbot):
    window, a, b, _link = shown
    canvas, doc = window.canvas, window.document
    editor = _open_with_f2(window, b)
    canvas.set_zoom(1.6)
    assert editor.geometry().contains(_name_point(window, b))
    layout = canvas.design_scene.component_item(b).text_layout(1.6)
    assert editor.font().pixelSize() == round(layout.name_size * 1.6)
    canvas.horizontalScrollBar().setValue(canvas.horizontalScrollBar().value() + 40)
    assert editor.geometry().contains(_name_point(window, b))
    doc.move_components({b: (440.0, 40.0)})
    assert editor.geometry().contains(_name_point(window, b))
    window.resize(window.width() - 240, window.height() - 120)  # the canvas shrinks, re-centred
    qtbot.waitUntil(lambda: editor.geometry().contains(_name_point(window, b)))
    doc.remove_items([b], [])  # say, an undo from the menu while the editor is open
    assert canvas.renamer.editor is None and doc.undo_stack.count() == 2


def test_rename_on_the_card_menu(shown, qtbot):
    window, a, _b, _link = shown
    canvas = window.canvas
    canvas.select_components([a])
    card = canvas.design_scene.component_item(a).card_rect()
    menu = canvas.context_menu_at(canvas.mapFromScene(card.center()))
    rename = next(action for action in menu.actions() if action.objectName() == "rename_action")
    rename.trigger()
    qtbot.waitUntil(lambda: canvas.renamer.editor is not None)
    assert canvas.renamer.editor.text() == "Events"
    QTest.keyClick(canvas.renamer.editor, Qt.Key.Key_Escape)


def test_the_document_refuses_a_blank_name_but_undo_restores_one_a_file_held(shown):
    window, a, _b, _link = shown
    doc = window.document
    with pytest.raises(ValueError, match="name"):
        doc.set_component_field(a, "name", " \n ")
    assert doc.undo_stack.count() == 0
    blank = doc.add_component("model", 0, 300, "")  # as a file may hold it
    doc.set_component_field(blank, "name", "Named")
    doc.undo_stack.undo()
    assert doc.component(blank).name == ""
    doc.undo_stack.redo()
    assert doc.component(blank).name == "Named"


def test_saving_from_the_keyboard_while_renaming_saves_the_name_typed(shown, fake_dialogs, tmp_path):
    window, a, _b, _link = shown
    doc = window.document
    target = tmp_path / "design.mlsd"
    fake_dialogs.answer("get_save_path", str(target))
    editor = _open_with_f2(window, a)
    _type(editor, "Typed, then Ctrl+S")
    QTest.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert fake_dialogs.names() == ["get_save_path"]
    assert load_design(target, doc.catalog).design.component_by_id()[a].name == "Typed, then Ctrl+S"
    assert not doc.is_modified() and window.canvas.renamer.editor is None
    assert doc.undo_stack.undoText() == "Change name of Events"


def test_closing_while_renaming_asks_about_the_name_typed(shown, fake_dialogs):
    window, a, _b, _link = shown
    editor = _open_with_f2(window, a)
    _type(editor, "Unsaved name")
    fake_dialogs.answer("ask_save_changes", "cancel")
    assert not window.close()
    assert fake_dialogs.names() == ["ask_save_changes"]
    assert window.document.component(a).name == "Unsaved name"


def test_saving_from_the_keyboard_in_the_inspectors_name_field_saves_the_name_typed(
    shown, fake_dialogs, tmp_path
):
    window, a, _b, _link = shown
    target = tmp_path / "design.mlsd"
    fake_dialogs.answer("get_save_path", str(target))
    window.canvas.select_components([a])
    name_edit = window.inspector.component_page.name_edit
    name_edit.setFocus()
    name_edit.selectAll()
    _type(name_edit, "Typed in the inspector")
    QTest.keyClick(name_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = load_design(target, window.document.catalog).design
    assert saved.component_by_id()[a].name == "Typed in the inspector"
    assert not window.document.is_modified()


@pytest.mark.parametrize("fmt", ["md", "canvas_svg", "pdf"])
def test_an_export_started_while_renaming_holds_the_name_typed(shown, fake_dialogs, tmp_path, qtbot, fmt):
    window, a, _b, _link = shown
    exports = window.exports
    suffix = {"md": ".md", "canvas_svg": ".svg", "pdf": ".pdf"}[fmt]
    target = tmp_path / f"design{suffix}"
    fake_dialogs.answer("get_save_path", str(target))
    editor = _open_with_f2(window, a)
    _type(editor, "Typed before the export")
    finished = exports.report_finished if fmt == "pdf" else exports.export_finished
    with qtbot.waitSignal(finished, timeout=120_000):
        if fmt == "pdf":
            exports.export_report()
        elif fmt == "canvas_svg":
            exports.export_canvas_image("svg")
        else:
            exports.export_diagram(fmt)
    assert window.document.component(a).name == "Typed before the export"
    assert window.canvas.renamer.editor is None
    if fmt == "pdf":
        text = "".join(page.extract_text() for page in PdfReader(str(target)).pages)
    else:
        text = target.read_text(encoding="utf-8")
    assert "Typed before the export" in text
