"""Tab and Shift+Tab through the window's panels: only where the user can see the focus."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QWidget


def _dock_of(widget: QWidget | None) -> QDockWidget | None:
    while widget is not None and not isinstance(widget, QDockWidget):
        widget = widget.parentWidget()
    return widget


def _stops(window, qtbot, start: QWidget, key: Qt.Key, count: int) -> list[QWidget]:
    start.setFocus(Qt.FocusReason.OtherFocusReason)
    stops = []
    for _ in range(count):
        qtbot.keyClick(window.focusWidget(), key)
        stops.append(window.focusWidget())
    return stops


def test_tab_never_stops_in_a_panel_tabbed_behind_another(windows, qtbot):
    """Qt keeps the Decisions and Estimates docks behind the Findings tab shown, off the window:
    Tab from the findings list went into them, stops where nothing on screen has the focus."""
    window = windows()
    window.resize(1400, 900)
    window.findings_dock.raise_()
    behind = (window.decisions_dock, window.estimates_dock)
    qtbot.waitUntil(lambda: all(dock.visibleRegion().isEmpty() for dock in behind))
    assert window.decisions.findChildren(QWidget)  # built, with widgets Tab could reach
    for key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
        stops = _stops(window, qtbot, window.findings.tree, key, 40)
        docks = {_dock_of(stop) for stop in stops}
        assert window.palette_dock in docks and window.inspector_dock in docks  # it went round
        assert not docks & set(behind), key
    window.decisions_dock.raise_()  # in front, its widgets are stops again
    qtbot.waitUntil(lambda: not window.decisions_dock.visibleRegion().isEmpty())
    stops = _stops(window, qtbot, window.findings.tree, Qt.Key.Key_Tab, 40)
    assert window.decisions_dock in {_dock_of(stop) for stop in stops}
