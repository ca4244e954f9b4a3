"""View > panel items and their keys (Ctrl+Alt+1..6), which act differently on purpose.

- The key (as VS Code's view keys do): a closed or covered panel is shown in front with the
  keyboard in it; a panel on screen without the keyboard gets the keyboard; only a panel that
  has the keyboard is closed, and the keyboard goes back to the canvas. Closing a panel the
  user looks at but does not type in, as a plain toggle did, left the user where they were
  with one panel fewer.
- The menu item (a check box for the mouse): shows or closes the panel, its check mark telling
  whether it is shown; one open behind another tab is brought forward rather than closed.

Both are one QAction (the dock's toggle view action), so the menu shows the key and its check
mark; `PanelKey` takes the action's shortcut events before the action sees them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget


def _covered(dock: QDockWidget) -> bool:
    """Open but behind another tab of its group."""
    return dock.isVisible() and not dock.isFloating() and dock.visibleRegion().isEmpty()


def _note_buried(dock: QDockWidget) -> None:
    """Remember whether the dock is open but behind another tab of its group."""
    dock.setProperty("buried", _covered(dock))


def has_keyboard(dock: QDockWidget) -> bool:
    """The keyboard focus is in `dock`, and the dock is on screen."""
    focused = QApplication.focusWidget()
    inside = focused is not None and dock.isAncestorOf(focused)
    return inside and dock.isVisible() and not _covered(dock)


def show_in_front(dock: QDockWidget, focus: Callable[[], object]) -> None:
    """Shows `dock` in front (raised in its tab group) and then `focus`es in it."""
    dock.show()
    dock.raise_()
    if dock.isFloating():
        dock.activateWindow()
    # once the dock area has laid out its tabs again: a dock shown again is not yet in front,
    # and the focus stayed in the panel it replaced (seen on X11)
    QTimer.singleShot(0, dock, focus)


def _menu_toggled(dock: QDockWidget, checked: bool, focus: Callable[[], object]) -> None:
    """View > panel clicked: shown, closed, or (open behind a tab) brought forward."""
    if not checked and dock.property("buried"):
        dock.show()
    if dock.isVisible():
        show_in_front(dock, focus)


def focus_in(preferred: QWidget) -> None:
    """The focus to a panel's main widget, or, hidden (the findings list of a design with no
    findings), to the panel's first widget that takes it."""
    if not preferred.isVisible():
        dock = preferred.parentWidget()
        while dock is not None and not isinstance(dock, QDockWidget):
            dock = dock.parentWidget()
        found = [
            w
            for w in (dock.findChildren(QWidget) if dock is not None else [])
            if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        ]
        if not found:
            return
        preferred = found[0]
    preferred.setFocus(Qt.FocusReason.ShortcutFocusReason)


class PanelKey(QObject):
    """The key of a dock's toggle view action: to the panel, or out of it (module docstring)."""

    def __init__(self, dock: QDockWidget, focus: Callable[[], object], home: QWidget) -> None:
        super().__init__(dock)
        self.dock, self.focus, self.home = dock, focus, home

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() != QEvent.Type.Shortcut:
            return False
        self.press()
        return True

    def press(self) -> None:
        if has_keyboard(self.dock):
            self.dock.hide()
            self.home.setFocus(Qt.FocusReason.ShortcutFocusReason)
        else:
            show_in_front(self.dock, self.focus)


def bind_panel(dock: QDockWidget, key: str, focus: Callable[[], object], home: QWidget) -> QAction:
    """The dock's View menu item with `key`: the menu toggles, the key goes to the panel (or
    back to `home`, the canvas, from a panel that has the keyboard)."""
    toggle = dock.toggleViewAction()
    toggle.setShortcut(QKeySequence(key))
    toggle.installEventFilter(PanelKey(dock, focus, home))
    toggle.toggled.connect(lambda _on: _note_buried(dock))  # runs before Qt hides it
    toggle.triggered.connect(lambda on: _menu_toggled(dock, on, focus))
    return toggle
