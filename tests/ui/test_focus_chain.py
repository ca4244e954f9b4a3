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


def test_tab_walks_the_inspector_top_to_bottom_whatever_kind_was_shown_before(windows, qtbot):
    """A card's property editors are made when a card of its kind is selected, long after the
    window: Qt put them last in the Tab order, after every panel (Tab went from Pinned to Notes,
    on to Findings, Decisions and Estimates, and only then to the properties)."""
    window = windows()
    window.resize(1400, 900)
    doc = window.document
    kinds = ("data_source", "feature_pipeline", "model", "endpoint", "monitor")
    ids = [doc.add_component(kind, 300 * i, 0, kind) for i, kind in enumerate(kinds)]
    page = window.inspector.component_page
    for component_id in ids:
        window.canvas.select_components([component_id])
        qtbot.waitUntil(lambda cid=component_id: page.component_id == cid)
        editors = list(page.property_editors.values())
        assert editors
        qtbot.waitUntil(lambda eds=editors: all(e.isVisible() for e in eds))  # shown a turn later
        expected = [e.focusProxy() or e for e in editors] + [page.notes_edit]
        stops = _stops(window, qtbot, page.pinned, Qt.Key.Key_Tab, len(expected))
        assert stops == expected, component_id
        back = _stops(window, qtbot, page.notes_edit, Qt.Key.Key_Backtab, len(expected))
        assert back == [*expected[-2::-1], page.pinned], component_id
