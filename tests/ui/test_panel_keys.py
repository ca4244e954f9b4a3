"""View > panel (Ctrl+Alt+1..6) from the keyboard: the panel comes in front with the keyboard
focus in it, and only a panel holding the keyboard is closed by its key (on X11 too, where
the keys come from the X server)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QWidget

from app.domain.model import Decision
from app.templates import design_from_template
from app.ui.document import DesignDocument
from tests.ui.on_x11 import pytest_on_x11, x11_child
from tests.ui.test_compare import activate

CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


def _dock_of(widget: QWidget | None) -> QDockWidget | None:
    while widget is not None and not isinstance(widget, QDockWidget):
        widget = widget.parentWidget()
    return widget


def test_a_panel_shortcut_puts_the_keyboard_in_the_panel(windows, qtbot):
    """Ctrl+Alt+5 brought the Decisions tab forward but left the focus on the canvas, whose Tab
    visits every card first: 45 presses in a design of 43 cards to reach the decisions list."""
    window = windows()
    window.resize(1400, 900)
    doc = window.document
    for n in range(12):
        doc.add_component("data_source", 300 * (n % 4), 200 * (n // 4), f"Source {n}")
    doc.add_decision(Decision(id="d1", title="Candidate retrieval", status="accepted"))
    panels = {
        Qt.Key.Key_5: (window.decisions_dock, lambda: window.decisions.tree),
        Qt.Key.Key_3: (window.findings_dock, lambda: window.findings.tree),
        Qt.Key.Key_1: (window.palette_dock, lambda: window.palette_panel.search),
        Qt.Key.Key_2: (window.inspector_dock, lambda: window.inspector.meta_page.title_edit),
    }
    for key, (dock, expected) in panels.items():
        window.findings_dock.raise_() if key != Qt.Key.Key_3 else window.decisions_dock.raise_()
        activate(window)
        window.canvas.setFocus()
        qtbot.waitUntil(window.canvas.hasFocus)
        if key in (Qt.Key.Key_1, Qt.Key.Key_2):
            dock.hide()  # closed: the key opens it
        qtbot.keyClick(window.canvas, key, CTRL_ALT)
        qtbot.waitUntil(lambda d=dock: d.isVisible() and not d.visibleRegion().isEmpty())
        qtbot.waitUntil(lambda d=dock: _dock_of(window.focusWidget()) is d, timeout=2000)
        assert window.focusWidget() is expected(), (key, window.focusWidget())
        assert _dock_of(window.focusWidget()) is dock
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_2, CTRL_ALT)  # in front: the key closes it
    qtbot.waitUntil(lambda: not window.inspector_dock.isVisible())


def test_with_no_findings_the_findings_shortcut_puts_the_keyboard_in_that_panel(windows, qtbot):
    """Seen on X: from the Decisions list, Ctrl+Alt+3 brought a design's empty Findings panel
    forward (its list hidden behind "No findings") and the focus stayed in the Decisions list,
    now behind its tab."""
    window = windows(document=DesignDocument(design_from_template("recommendations")))
    window.resize(1400, 900)
    window.checker.check_now()
    qtbot.waitUntil(lambda: not window.findings.tree.isVisible())
    activate(window)
    window.decisions_dock.raise_()
    window.decisions.tree.setFocus()
    qtbot.waitUntil(window.decisions.tree.hasFocus)
    qtbot.keyClick(window.decisions.tree, Qt.Key.Key_3, CTRL_ALT)
    qtbot.waitUntil(lambda: _dock_of(window.focusWidget()) is window.findings_dock, timeout=2000)
    assert window.focusWidget().isVisible()


def test_a_panel_shortcut_on_a_panel_in_front_puts_the_keyboard_in_it_before_closing_it(windows, qtbot):
    """Ctrl+Alt+5 on a Decisions panel on screen, the keyboard on the canvas, closed the panel
    (a plain toggle): the key now goes into the panel, as VS Code's view keys do, and only a
    panel holding the keyboard closes, the keyboard going back to the canvas. The View menu's
    check mark follows whether it is shown; the menu item itself still toggles."""
    window = windows()
    window.resize(1400, 900)
    window.document.add_decision(Decision(id="d1", title="Candidate retrieval", status="accepted"))
    dock, toggle = window.decisions_dock, window.decisions_dock.toggleViewAction()
    activate(window)
    dock.raise_()
    qtbot.waitUntil(lambda: dock.isVisible() and not dock.visibleRegion().isEmpty())
    window.canvas.setFocus()
    qtbot.waitUntil(window.canvas.hasFocus)
    qtbot.keyClick(window.canvas, Qt.Key.Key_5, CTRL_ALT)  # on screen, no keyboard: the keyboard
    qtbot.waitUntil(lambda: window.focusWidget() is window.decisions.tree, timeout=2000)
    assert dock.isVisible() and toggle.isChecked()
    qtbot.keyClick(window.decisions.tree, Qt.Key.Key_5, CTRL_ALT)  # with the keyboard: closed
    qtbot.waitUntil(lambda: not dock.isVisible())
    assert not toggle.isChecked()
    qtbot.waitUntil(window.canvas.hasFocus)
    qtbot.keyClick(window.canvas, Qt.Key.Key_5, CTRL_ALT)  # closed: shown, with the keyboard
    qtbot.waitUntil(lambda: window.focusWidget() is window.decisions.tree, timeout=2000)
    assert toggle.isChecked() and not dock.visibleRegion().isEmpty()
    window.canvas.setFocus()
    qtbot.waitUntil(window.canvas.hasFocus)
    toggle.trigger()  # a click on the menu's check box: closed, wherever the keyboard is
    assert not dock.isVisible() and not toggle.isChecked()
    toggle.trigger()
    assert dock.isVisible() and toggle.isChecked()


@x11_child
def test_a_panel_shortcut_puts_the_keyboard_in_the_panel_on_x11(tmp_path):
    done = pytest_on_x11(tmp_path, "tests/ui/test_panel_keys.py")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "3 passed" in done.stdout
