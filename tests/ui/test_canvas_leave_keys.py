"""Ctrl+Tab / Ctrl+Shift+Tab (View > Next Panel / Previous Panel) go round the panels on screen,
palette, canvas, inspector, the right column's panel in front, landing in each one's first
useful field. They used to step the window's Tab order from the canvas, whose previous stop was
the tab bar of the tabbed docks (on X11, where Ctrl+Shift+Tab arrives as Backtab), and did nothing
from a panel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTabBar

from app.templates import design_from_template
from app.ui.document import DesignDocument
from tests.ui.on_x11 import pytest_on_x11, x11_child
from tests.ui.test_compare import activate

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NEXT = (Qt.Key.Key_Tab, CTRL)
PREVIOUS = (Qt.Key.Key_Tab, CTRL | SHIFT)
PREVIOUS_AS_BACKTAB = (Qt.Key.Key_Backtab, CTRL | SHIFT)  # how X11 sends Ctrl+Shift+Tab


def _window(windows, qtbot):
    window = windows(document=DesignDocument(design_from_template("fraud_detection")))
    window.resize(1400, 900)
    activate(window)
    window.canvas.setFocus()
    qtbot.waitUntil(window.canvas.hasFocus)
    return window


def _press(qtbot, key_and_mods) -> object:
    key, mods = key_and_mods
    qtbot.keyClick(QApplication.focusWidget(), key, mods)
    QApplication.processEvents()
    return QApplication.focusWidget()


def test_ctrl_tab_goes_round_the_panels_on_screen_in_a_fixed_order(windows, qtbot):
    window = _window(windows, qtbot)
    view = window.canvas
    assert len(window.document.design.components) > 30
    qtbot.keyClick(view, Qt.Key.Key_Tab)  # a card is the current one
    selected = view.design_scene.selected_component_ids()
    assert len(selected) == 1
    name_field = window.inspector.component_page.name_edit
    forward = [_press(qtbot, NEXT) for _ in range(4)]
    assert forward == [name_field, window.findings.tree, window.palette_panel.search, view]
    backward = [_press(qtbot, PREVIOUS) for _ in range(4)]
    assert backward == [window.palette_panel.search, window.findings.tree, name_field, view]
    assert view.design_scene.selected_component_ids() == selected  # the selection stays
    assert window.document.undo_stack.count() == 0


def test_ctrl_shift_tab_as_backtab_never_lands_on_a_dock_tab_bar(windows, qtbot):
    window = _window(windows, qtbot)  # nothing selected: the inspector edits the design's title
    landed = [_press(qtbot, PREVIOUS_AS_BACKTAB) for _ in range(4)]
    assert not any(isinstance(widget, QTabBar) for widget in landed), landed
    title = window.inspector.meta_page.title_edit
    assert landed == [window.palette_panel.search, window.findings.tree, title, window.canvas]


def test_the_panel_in_front_of_a_tab_group_is_the_stop(windows, qtbot):
    window = _window(windows, qtbot)
    for dock, field in ((window.decisions_dock, lambda: window.decisions.tree),
                        (window.estimates_dock, lambda: window.estimates.totals)):
        dock.raise_()  # in front of the findings and the rest of its group
        qtbot.waitUntil(lambda dock=dock: not dock.visibleRegion().isEmpty())
        window.canvas.setFocus()
        _press(qtbot, NEXT)  # the inspector
        assert _press(qtbot, NEXT) is field()
        assert _press(qtbot, NEXT) is window.palette_panel.search  # round again


def test_a_closed_panel_is_passed_over(windows, qtbot):
    window = _window(windows, qtbot)
    window.inspector_dock.hide()
    assert _press(qtbot, NEXT) is window.findings.tree
    window.palette_dock.hide()
    assert _press(qtbot, NEXT) is window.canvas


def test_next_and_previous_panel_are_view_menu_commands_with_their_keys(windows):
    window = windows()
    actions = window.actions
    assert actions.next_panel.shortcut().toString() == "Ctrl+Tab"
    assert actions.previous_panel.shortcut().toString() == "Ctrl+Shift+Tab"
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert actions.next_panel in view_menu.actions() and actions.previous_panel in view_menu.actions()


@x11_child
def test_ctrl_tab_goes_round_the_panels_on_x11(tmp_path):
    done = pytest_on_x11(tmp_path, "tests/ui/test_canvas_leave_keys.py")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "5 passed" in done.stdout
