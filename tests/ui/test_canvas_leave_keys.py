"""Ctrl+Tab / Ctrl+Shift+Tab leave the canvas at once: its Tab walks every card first (40
presses on the fraud detection template before the keyboard reached a panel). On X11 too,
where Ctrl+Shift+Tab arrives as Backtab."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.templates import design_from_template
from app.ui.document import DesignDocument
from app.ui.focus_chain import behind_a_tab
from tests.ui.on_x11 import pytest_on_x11, x11_child
from tests.ui.test_compare import activate

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def test_ctrl_tab_and_ctrl_shift_tab_leave_the_canvas_for_the_next_and_previous_panel(windows, qtbot):
    window = windows(document=DesignDocument(design_from_template("fraud_detection")))
    window.resize(1400, 900)
    view = window.canvas
    assert len(window.document.design.components) > 30
    activate(window)
    landed = []
    presses = ((Qt.Key.Key_Tab, CTRL), (Qt.Key.Key_Tab, CTRL | SHIFT), (Qt.Key.Key_Backtab, CTRL | SHIFT))
    for key, mods in presses:
        view.setFocus()
        qtbot.waitUntil(view.hasFocus)
        qtbot.keyClick(view, Qt.Key.Key_Tab)  # a card is the current one
        selected = view.design_scene.selected_component_ids()
        assert len(selected) == 1
        qtbot.keyClick(view, key, mods)
        focused = window.focusWidget()
        assert focused is not view and focused.isVisible(), (key, mods, focused)
        assert window.isAncestorOf(focused) and not behind_a_tab(window, focused), (key, mods, focused)
        assert view.design_scene.selected_component_ids() == selected  # the selection stays
        landed.append(focused)
    forward, back, back_again = landed
    assert forward is not back and back is back_again  # next and previous, as Tab from the canvas
    assert window.document.undo_stack.count() == 0


@x11_child
def test_ctrl_tab_leaves_the_canvas_on_x11(tmp_path):
    done = pytest_on_x11(tmp_path, "tests/ui/test_canvas_leave_keys.py")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "1 passed" in done.stdout
