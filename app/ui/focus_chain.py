"""The window's Tab order: never into a panel hidden behind another's tab, and through the
inspector top to bottom.

Qt keeps a dock tabbed behind another shown (moved off the window, not hidden), so the focus
chain still runs through its widgets: without this, Tab from the Findings list went on into
the Decisions and Estimates panels behind it, six stops where nothing on screen has the focus.
A widget made after the window (the property editors made for the selected card's kind) goes
last in Qt's chain; `chain_tab_order` puts it back where it is shown.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

MAX_SKIPS = 500  # stops passed over in one press: more than a window has, ends a loop for sure


def behind_a_tab(window: QMainWindow, widget: QWidget) -> bool:
    """True when `widget` lies in a dock of `window` tabbed behind another dock."""
    parent: QWidget | None = widget
    while parent is not None and parent is not window:
        if isinstance(parent, QDockWidget):
            return bool(window.tabifiedDockWidgets(parent)) and parent.visibleRegion().isEmpty()
        parent = parent.parentWidget()
    return False


def step_focus(window: QMainWindow, forward: bool, step: Callable[[bool], bool]) -> bool:
    """QWidget.focusNextPrevChild for `window` (`step` is Qt's own), skipping the widgets of
    docks behind a tab; the focus stays where it was when nothing else takes it."""
    start = window.focusWidget()
    for _ in range(MAX_SKIPS):
        if not step(forward):
            return False
        now = window.focusWidget()
        if now is None or now is start or not behind_a_tab(window, now):
            return True
    return True


def chain_tab_order(widgets: list[QWidget]) -> None:
    """Tab visits `widgets` in this order, each right after the one before. Qt puts a widget
    made after the window was built (a property editor made for the selected card's kind) at the
    end of the window's chain, after every other panel."""
    for first, second in zip(widgets, widgets[1:], strict=False):
        QWidget.setTabOrder(first, second)
