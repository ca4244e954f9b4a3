"""Ctrl+PgDown / Ctrl+PgUp switch the Estimates panel's own tabs from anywhere in the panel
(Ctrl+Tab is View > Next Panel, and the trees inside take the plain keys), the keyboard follows
into the new tab's page when it was in the old one, Ctrl+Tab still goes to the next panel, and
the keys are listed in Help > Keyboard Shortcuts. Run again on a real X server."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from app.templates import design_from_template
from app.ui.document import DesignDocument
from app.ui.help_dialogs import shortcut_rows
from tests.ui.on_x11 import pytest_on_x11, x11_child
from tests.ui.test_compare import activate

CTRL = Qt.KeyboardModifier.ControlModifier
NATIVE = QKeySequence.SequenceFormat.NativeText


def _estimates(windows, qtbot):
    window = windows(document=DesignDocument(design_from_template("fraud_detection")))
    window.resize(1400, 900)
    activate(window)
    window.estimates_dock.raise_()
    qtbot.waitUntil(lambda: not window.estimates_dock.visibleRegion().isEmpty())
    return window, window.estimates


def _press(qtbot, key) -> object:
    qtbot.keyClick(QApplication.focusWidget(), key, CTRL)
    QApplication.processEvents()
    return QApplication.focusWidget()


def test_ctrl_page_keys_switch_the_panel_tabs_from_its_totals(windows, qtbot):
    window, panel = _estimates(windows, qtbot)
    panel.totals.setFocus()
    qtbot.waitUntil(panel.totals.hasFocus)
    tabs = panel.tabs
    assert tabs.currentIndex() == 0
    seen = []
    for _ in range(3):
        assert _press(qtbot, Qt.Key.Key_PageDown) is panel.totals  # the keyboard stays put
        seen.append(tabs.currentIndex())
    assert seen == [1, 2, 0]  # round
    _press(qtbot, Qt.Key.Key_PageUp)
    assert tabs.currentIndex() == 2
    assert window.document.undo_stack.count() == 0


def test_the_keyboard_follows_into_the_new_tab_and_ctrl_tab_still_leaves_the_panel(windows, qtbot):
    window, panel = _estimates(windows, qtbot)
    panel.figures_view.setFocus()
    qtbot.waitUntil(panel.figures_view.hasFocus)
    assert _press(qtbot, Qt.Key.Key_PageDown) is panel.missing_list
    landed = _press(qtbot, Qt.Key.Key_PageDown)
    assert panel.tabs.currentIndex() == 2 and panel.what_if.isAncestorOf(landed)
    assert _press(qtbot, Qt.Key.Key_Tab) is window.palette_panel.search  # View > Next Panel
    assert panel.tabs.currentIndex() == 2


def test_the_keys_are_in_the_shortcut_sheet(windows):
    rows = shortcut_rows(windows())
    for command, key in (("Next Tab in Panel", "Ctrl+PgDown"), ("Previous Tab in Panel", "Ctrl+PgUp")):
        assert ("Other", command, QKeySequence(key).toString(NATIVE)) in rows


@x11_child
def test_panel_tab_keys_on_x11(tmp_path):
    done = pytest_on_x11(tmp_path, "tests/ui/test_panel_tab_keys.py")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "3 passed" in done.stdout
