"""View > Next Panel / Previous Panel (Ctrl+Tab / Ctrl+Shift+Tab): the keyboard goes round the
panels on screen in a fixed order, palette, canvas, inspector, then the panels of the right
column (findings, decisions, estimates, history, and the interview checklist or compare
changes while they are open), landing in each panel's first useful field: the palette's
search, the inspector's first field, the findings list.

It used to be the window's Tab order from the canvas, whose next stop could be the tab bar of
a group of tabbed docks rather than a field of the panel shown.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QWidget

Focus = Callable[[], object]


def on_screen(panel: QWidget) -> bool:
    """Shown, and not behind another dock's tab."""
    if not isinstance(panel, QDockWidget) or not panel.isVisible():
        return panel.isVisible()
    return panel.isFloating() or not panel.visibleRegion().isEmpty()


def first_field(panel: QWidget) -> QWidget | None:
    """The first widget of `panel` in Tab order that takes the focus by Tab."""
    widget = panel.nextInFocusChain()
    while widget is not panel and widget is not None:
        takes_tab = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
        if panel.isAncestorOf(widget) and widget.isVisible() and widget.isEnabled() and takes_tab:
            return widget
        widget = widget.nextInFocusChain()
    return None


def focus_first_field(panel: QWidget) -> None:
    field = first_field(panel)
    if field is not None:
        field.setFocus(Qt.FocusReason.ShortcutFocusReason)


class PanelCycle:
    """The panels of `window` in Ctrl+Tab order, each with how the keyboard goes into it."""

    def __init__(self, window: QMainWindow, canvas: QWidget) -> None:
        self.window, self.canvas = window, canvas
        self.stops: list[tuple[QWidget, Focus]] = []

    def add(self, panel: QWidget, focus: Focus) -> None:
        self.stops.append((panel, focus))

    def order(self) -> list[tuple[QWidget, Focus]]:
        """Every stop, then the docks added since (the interview checklist, compare changes)."""
        known = {panel for panel, _focus in self.stops}
        extra = [dock for dock in self.window.findChildren(QDockWidget) if dock not in known]
        return self.stops + [(dock, lambda dock=dock: focus_first_field(dock)) for dock in extra]

    def current(self, order: list[tuple[QWidget, Focus]]) -> int:
        """The index in `order` of the panel that has the keyboard; the canvas's when none does
        (the menu bar, a dock's tab bar)."""
        focused = QApplication.focusWidget()
        panels = [panel for panel, _focus in order]
        for index, panel in enumerate(panels):
            if focused is not None and (focused is panel or panel.isAncestorOf(focused)):
                return index
        return panels.index(self.canvas)

    def step(self, forward: bool) -> QWidget | None:
        """The keyboard to the next (previous) panel on screen; returns that panel."""
        order = self.order()
        here = self.current(order)
        count = len(order)
        for distance in range(1, count + 1):
            panel, focus = order[(here + distance if forward else here - distance) % count]
            if on_screen(panel):
                self._enter(panel, focus)
                return panel
        return None

    def _enter(self, panel: QWidget, focus: Focus) -> None:
        floating = isinstance(panel, QDockWidget) and panel.isFloating()
        (panel if floating else self.window).activateWindow()
        focus()
