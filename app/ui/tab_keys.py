"""Ctrl+PgDown / Ctrl+PgUp switch the tabs of a panel with its own tabs, as in browsers and
Qt's tab widgets. Ctrl+Tab belongs to View > Next Panel, and a tree or field inside the panel
takes the plain keys, so without these the tabs were reachable only through their tab bar."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget


def add_tab_keys(panel: QWidget, tabs: QTabWidget) -> tuple[QAction, QAction]:
    """Next / previous tab of `tabs` while the keyboard is anywhere in `panel` (its two actions,
    listed in Help > Keyboard Shortcuts)."""
    actions = []
    steps = (("Next Tab in Panel", "Ctrl+PgDown", 1), ("Previous Tab in Panel", "Ctrl+PgUp", -1))
    for text, key, step in steps:
        action = QAction(text, panel)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _=False, step=step: _step(tabs, step))
        panel.addAction(action)
        actions.append(action)
    return actions[0], actions[1]


def _step(tabs: QTabWidget, step: int) -> None:
    if tabs.count() < 2:
        return
    old_page = tabs.currentWidget()
    focus = QApplication.focusWidget()
    was_in_page = focus is not None and old_page is not None and old_page.isAncestorOf(focus)
    tabs.setCurrentIndex((tabs.currentIndex() + step) % tabs.count())
    if was_in_page:  # the page it was on is hidden now: the keyboard follows into the new one
        _first_field(tabs.currentWidget()).setFocus(Qt.FocusReason.TabFocusReason)


def _first_field(page: QWidget) -> QWidget:
    if page.focusPolicy() & Qt.FocusPolicy.TabFocus:
        return page
    tab_focus = Qt.FocusPolicy.TabFocus
    fields = (w for w in page.findChildren(QWidget) if w.isVisibleTo(page) and w.focusPolicy() & tab_focus)
    return next(fields, page)
