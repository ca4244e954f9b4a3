"""Keyboard access to the canvas and the accessibility tree of the main window."""

from __future__ import annotations

import warnings

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAccessible, QContextMenuEvent, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QVBoxLayout, QWidget

from app.ui.canvas import CanvasView
from app.ui.canvas.connect_picker import ConnectPicker
from app.ui.document import DesignDocument
from tests.ui.canvas_support import make_view

ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
R = QAccessible.Role
INTERACTIVE_ROLES = {
    R.PushButton,
    R.CheckBox,
    R.RadioButton,
    R.ComboBox,
    R.EditableText,
    R.SpinBox,
    R.Slider,
    R.Dial,
    R.List,
    R.Tree,
    R.Table,
    R.PageTab,
    R.ButtonMenu,
    R.ButtonDropDown,
    R.MenuItem,
}


@pytest.fixture(autouse=True)
def _no_held_modifiers():
    """QTest leaves the last modifiers it pressed as the application's keyboard state, which
    would make later tests' clicks extend selections: release them after each test."""
    yield
    if QGuiApplication.keyboardModifiers() != Qt.KeyboardModifier.NoModifier:
        widget = QWidget()
        QTest.keyRelease(widget, Qt.Key.Key_Shift)
        widget.deleteLater()
    assert QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier


def _selected(view) -> list[str]:
    return view.selected_component_ids()


def _grid(doc) -> dict[str, str]:
    """Four cards: two data sources stacked on the right, a metric (business) bottom-left,
    a model at the top-left (the model stage comes after data)."""
    ids = {
        "model": doc.add_component("model", 0, 0, "Ranker"),
        "events": doc.add_component("data_source", 400, 0, "Events"),
        "clicks": doc.add_component("data_source", 400, 300, "Clicks"),
        "goal": doc.add_component("metric", 0, 300, "Goal"),
    }
    doc.undo_stack.clear()
    return ids


def test_tab_walks_cards_in_reading_order_and_then_leaves_the_canvas(qtbot):
    doc = DesignDocument()
    box = QWidget()
    qtbot.addWidget(box)
    view = CanvasView(doc, box)
    ids = _grid(doc)
    field = QLineEdit(box)
    layout = QVBoxLayout(box)
    layout.addWidget(view)
    layout.addWidget(field)
    box.show()
    qtbot.waitExposed(box)
    view.setFocus()
    seen = []
    for _ in range(4):
        qtbot.keyClick(view, Qt.Key.Key_Tab)
        seen.append(_selected(view))
    # stage lanes first (business, data, model), then top to bottom within a lane
    assert seen == [[ids["goal"]], [ids["events"]], [ids["clicks"]], [ids["model"]]]
    assert box.focusWidget() is view
    qtbot.keyClick(view, Qt.Key.Key_Tab)  # past the last card: the focus moves on
    assert box.focusWidget() is field and _selected(view) == [ids["model"]]
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Backtab, SHIFT)
    assert _selected(view) == [ids["clicks"]]
    assert doc.undo_stack.count() == 0  # moving the selection edits nothing


def test_arrow_keys_select_the_nearest_card_that_way(qtbot):
    doc, view = make_view(qtbot)
    ids = _grid(doc)
    view.setFocus()
    view.select_components([ids["model"]])
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert _selected(view) == [ids["events"]]
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert _selected(view) == [ids["clicks"]]
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert _selected(view) == [ids["goal"]]
    qtbot.keyClick(view, Qt.Key.Key_Left)  # nothing further left: the selection stays
    assert _selected(view) == [ids["goal"]]
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert _selected(view) == [ids["model"]]
    assert doc.undo_stack.count() == 0
    assert doc.component(ids["model"]).position.x == 0


def test_alt_arrows_move_the_selection_one_undo_step_per_press(qtbot):
    doc, view = make_view(qtbot)
    ids = _grid(doc)
    view.setFocus()
    view.select_components([ids["model"], ids["goal"]])
    qtbot.keyClick(view, Qt.Key.Key_Right, ALT)
    qtbot.keyClick(view, Qt.Key.Key_Down, ALT | SHIFT)
    assert (doc.component(ids["model"]).position.x, doc.component(ids["model"]).position.y) == (1, 10)
    assert (doc.component(ids["goal"]).position.x, doc.component(ids["goal"]).position.y) == (1, 310)
    assert doc.undo_stack.count() == 2
    view.set_snap_to_grid(True)
    qtbot.keyClick(view, Qt.Key.Key_Left, ALT)
    assert doc.component(ids["model"]).position.x == -19
    doc.undo_stack.undo()
    assert doc.component(ids["model"]).position.x == 1
    assert _selected(view) == [ids["model"], ids["goal"]]  # moving keeps the selection


def test_connect_picker_filters_and_links_the_selection(qtbot):
    doc, view = make_view(qtbot)
    ids = _grid(doc)
    messages: list[str] = []
    view.message.connect(messages.append)
    view.select_components([ids["events"]])
    picker = ConnectPicker(view.connect_candidates(), "Events")
    qtbot.addWidget(picker)
    labels = [picker.list.item(r).text() for r in range(picker.list.count())]
    assert labels == ["Goal (Metric)", "Clicks (Data source)", "Ranker (Model)"]
    qtbot.keyClicks(picker.filter, "rank")
    assert picker.chosen() == ids["model"]
    qtbot.keyClicks(picker.filter, "zzz")
    assert picker.chosen() is None
    picker.filter.clear()
    qtbot.keyClick(picker.filter, Qt.Key.Key_Down)
    assert picker.chosen() == ids["clicks"]
    made = view.connect_selection_to(ids["model"])
    assert len(made) == 1 and doc.link(made[0]).source == ids["events"]
    assert doc.undo_stack.count() == 1
    assert view.connect_selection_to(ids["model"]) == []  # a second link is refused, and said so
    assert messages[-1].startswith("Cannot connect Events:")
    assert doc.undo_stack.count() == 1


def _activate(window, canvas) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        QApplication.setActiveWindow(window)  # shortcuts fire in the active window only
    canvas.setFocus()


def _answer_picker(qtbot, typed: str) -> None:
    def answer() -> None:
        picker = QApplication.activeModalWidget()
        assert isinstance(picker, ConnectPicker)
        qtbot.keyClicks(picker.filter, typed)
        qtbot.keyClick(picker.filter, Qt.Key.Key_Return)

    QTimer.singleShot(0, answer)


def test_ctrl_l_in_the_window_links_the_selection_and_enter_opens_the_inspector(windows, qtbot):
    window = windows()
    doc = window.document
    a = doc.add_component("data_source", 0, 0, "Events")
    b = doc.add_component("feature_pipeline", 400, 0, "Features")
    canvas = window.canvas
    canvas.select_components([a])
    _activate(window, canvas)
    assert window.actions.connect_to.isEnabled()
    _answer_picker(qtbot, "feat")
    qtbot.keyClick(canvas, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert [(lk.source, lk.target) for lk in doc.design.links] == [(a, b)]
    assert "Connected to Features" in window.statusBar().currentMessage()
    _answer_picker(qtbot, "feat")
    _activate(window, canvas)
    qtbot.keyClick(canvas, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert len(doc.design.links) == 1
    assert window.statusBar().currentMessage().startswith("Cannot connect Events:")
    _activate(window, canvas)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    name_edit = window.inspector.component_page.name_edit
    assert QApplication.focusWidget() is name_edit
    assert name_edit.text() == "Events" and name_edit.selectedText() == "Events"


def _unnamed(iface, path: str, found: list[str]) -> None:
    if iface is None or not iface.isValid():
        return
    role = iface.role()
    if role in INTERACTIVE_ROLES and not iface.text(QAccessible.Text.Name).strip():
        obj = iface.object()
        found.append(f"{path}/{role.name} {type(obj).__name__} {obj.objectName() if obj else ''}")
    for i in range(iface.childCount()):
        _unnamed(iface.child(i), f"{path}/{role.name}", found)


def test_every_interactive_widget_in_the_accessibility_tree_has_a_name(windows):
    window = windows()
    doc = window.document
    a = doc.add_component("data_source", 0, 0, "Events")
    b = doc.add_component("model", 400, 0, "Ranker")
    link = doc.connect(a, b)
    canvas = window.canvas
    found: list[str] = []
    # every page of the inspector shows in turn: the design, a card, a link, several cards
    for selection in (([], []), ([a], []), ([b], []), ([], [link]), ([a, b], [])):
        canvas.select_components(*selection)
        QApplication.processEvents()
        root = QAccessible.queryAccessibleInterface(window)
        assert root is not None and root.childCount() > 0
        _unnamed(root, "", found)
    assert found == []
    # the walk reaches the widgets that matter
    names = set()

    def collect(iface) -> None:
        names.add(iface.text(QAccessible.Text.Name))
        for i in range(iface.childCount()):
            child = iface.child(i)
            if child is not None and child.isValid():
                collect(child)

    collect(QAccessible.queryAccessibleInterface(window))
    assert {"Search components", "Component palette", "Findings", "Undo history"} <= names
    assert any(n.startswith("Design canvas") for n in names)


def test_the_canvas_names_and_describes_the_selected_card(qtbot):
    doc, view = make_view(qtbot)
    ids = _grid(doc)
    doc.connect(ids["events"], ids["model"])
    view.select_components([ids["events"]])
    iface = QAccessible.queryAccessibleInterface(view)
    assert iface.text(QAccessible.Text.Name) == "Design canvas: Events, Data source"
    description = iface.text(QAccessible.Text.Description)
    assert "Stage: Data" in description and "Links to: Ranker" in description
    assert "Alt+arrows" in description
    view.select_components([])
    assert iface.text(QAccessible.Text.Name) == "Design canvas: 4 cards, none selected"
    for cid in ids.values():
        name, text = view.card_accessible_text(cid)
        assert name and text


def test_property_editors_name_their_spin_box(windows):
    window = windows()
    cid = window.document.add_component("model", 0, 0, "Ranker")
    window.canvas.select_components([cid])
    editors = window.inspector.component_page.property_editors
    assert editors
    for name, editor in editors.items():
        target = editor.focusProxy() or editor
        assert target.accessibleName(), name
        assert target.accessibleDescription(), name
        assert not isinstance(target, QLineEdit) or target.accessibleName()


def _close_menu_when_shown(shown: list[tuple[list[str], QPoint]]) -> None:
    def close() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        shown.append(([a.text() for a in menu.actions() if a.text()], menu.pos()))
        menu.close()

    QTimer.singleShot(0, close)


def test_menu_key_opens_the_card_menu_on_the_current_card(qtbot):
    doc, view = make_view(qtbot)
    ids = _grid(doc)
    shown: list[tuple[list[str], QPoint]] = []
    view.setFocus()
    view.select_components([ids["clicks"]])
    _close_menu_when_shown(shown)
    qtbot.keyClick(view, Qt.Key.Key_F10, SHIFT)
    centre = view.design_scene.component_item(ids["clicks"]).card_rect().center()
    expected = view.viewport().mapToGlobal(view.mapFromScene(centre))
    assert shown == [(["Rename\tF2", "Record a decision…", "Pin position"], expected)]
    _close_menu_when_shown(shown)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, QPoint(1, 1), QPoint(1, 1))
    QApplication.sendEvent(view.viewport(), event)  # the Menu key: Qt sends this event
    assert len(shown) == 2 and shown[-1][1] == expected
