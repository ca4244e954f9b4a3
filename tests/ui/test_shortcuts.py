"""No key sequence belongs to two actions of the main window, on this platform and on X11.

Standard shortcuts come from the platform (QKeySequence.keyBindings), so a clash can exist on
one platform only: X11's Delete keys include Ctrl+D (Duplicate here) and its Redo lacks Ctrl+Y.
Qt reports such a clash only when the key is pressed ("Ambiguous shortcut overload") and then
runs neither action. The suite runs offscreen (Windows-like key scheme); the X11 check runs the
same collection in a child process on the xcb platform under xvfb-run, when that is installed.
Running the whole suite on X11: `xvfb-run -a env QT_QPA_PLATFORM=xcb python -m pytest tests/ui`.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QShortcut
from PySide6.QtWidgets import QWidget

from tests.ui.on_x11 import run_on_x11, x11_child

CHILD = """
import json, sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from app.ui.main_window import MainWindow
from tests.ui.test_shortcuts import key_owners
window = MainWindow()
window.show()
print(json.dumps({"platform": app.platformName(), "owners": key_owners(window)}))
window.document.mark_saved()
window.close()
"""


def key_owners(window: QWidget) -> dict[str, list[str]]:
    """Every key sequence of an action or shortcut in `window` -> the names of its owners."""
    actions: set[QAction] = set(window.findChildren(QAction))
    for widget in [window, *window.findChildren(QWidget)]:
        actions.update(QWidget.actions(widget))
    owners: dict[str, list[str]] = {}
    for action in actions:
        for key in action.shortcuts():
            owners.setdefault(key.toString(), []).append(action.text().replace("&", ""))
    for shortcut in window.findChildren(QShortcut):
        for key in shortcut.keys():
            owners.setdefault(key.toString(), []).append(f"QShortcut {shortcut.objectName()}")
    return owners


def clashes(owners: dict[str, list[str]]) -> dict[str, list[str]]:
    return {key: sorted(names) for key, names in owners.items() if len(names) > 1}


def test_no_key_belongs_to_two_actions(windows):
    owners = key_owners(windows())
    assert owners, "no shortcuts collected"
    assert clashes(owners) == {}, QGuiApplication.platformName()


def test_documented_keys_hold_on_this_platform(windows):
    actions = windows().actions
    assert "Ctrl+D" in [k.toString() for k in actions.duplicate.shortcuts()]
    assert "Ctrl+D" not in [k.toString() for k in actions.delete.shortcuts()]
    assert {"Del", "Backspace"} <= {k.toString() for k in actions.delete.shortcuts()}
    redo = [k.toString() for k in actions.redo.shortcuts()]
    assert "Ctrl+Y" in redo and "Ctrl+Shift+Z" in redo


@x11_child
def test_no_key_belongs_to_two_actions_on_x11(tmp_path):
    done = run_on_x11(tmp_path, ["-c", CHILD], timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["platform"] == "xcb"
    owners = result["owners"]
    assert clashes(owners) == {}
    assert owners["Ctrl+D"] == ["Duplicate"]
    assert owners["Ctrl+Y"] == owners["Ctrl+Shift+Z"] == ["Redo"]
    assert owners["Ctrl+F"] == ["Find…"]


def on_top(dock) -> bool:
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


def test_ctrl_f_puts_the_cursor_in_the_search_which_marks_the_cards_found(windows, qtbot):
    """A new user's Ctrl+F did nothing: the search (the palette's, which also marks the cards
    whose names hold the text) was reached only by the mouse or a dozen Tabs."""
    window = windows()
    doc = window.document
    ranker = doc.add_component("model", 0, 0, "Multi-task ranker")
    doc.add_component("data_source", 300, 0, "Events")
    search = window.palette_panel.search
    search.setText("old query")
    window.palette_dock.hide()
    window.activateWindow()
    window.canvas.setFocus()
    qtbot.waitUntil(window.canvas.hasFocus)
    qtbot.keyClick(window.canvas, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.palette_dock.isVisible()
    qtbot.waitUntil(search.hasFocus)
    assert search.selectedText() == "old query"  # typing replaces it
    qtbot.keyClicks(search, "ranker")
    assert window.canvas.design_scene.matches == {ranker}


def test_the_view_menu_item_brings_a_tabbed_dock_forward(windows, qtbot):
    window = windows()
    window.resize(1400, 900)
    decisions, findings = window.decisions_dock, window.findings_dock
    toggle = decisions.toggleViewAction()
    assert decisions in window.tabifiedDockWidgets(findings)
    findings.raise_()
    qtbot.waitUntil(lambda: on_top(findings))
    assert not on_top(decisions)
    # the View menu item (its key acts otherwise: test_panel_keys.py)
    toggle.trigger()  # while Decisions is open behind the Findings tab: forward, not closed
    qtbot.waitUntil(lambda: on_top(decisions))
    toggle.trigger()  # in front: the same item closes it
    qtbot.waitUntil(lambda: not decisions.isVisible())
    findings.raise_()
    toggle.trigger()  # closed: it opens in front of the tab group
    qtbot.waitUntil(lambda: on_top(decisions))
    assert toggle.isChecked()
