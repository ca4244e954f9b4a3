"""Esc in an inspector field: the field drops what was typed since its last commit, and the
key goes on, unaccepted, to the inspector, which gives the focus back to the canvas. The
inspector takes Esc before the window's actions do (compare mode's Leave Compare)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent


def _plain_escape(event: QEvent) -> bool:
    if not isinstance(event, QKeyEvent) or event.key() != Qt.Key.Key_Escape:
        return False
    return event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier == Qt.KeyboardModifier.NoModifier


def escape_pressed(event: QEvent) -> bool:
    """Esc pressed with no modifier."""
    return event.type() == QEvent.Type.KeyPress and _plain_escape(event)


def escape_override(event: QEvent) -> bool:
    """Esc with no modifier, asked for first as a shortcut override."""
    return event.type() == QEvent.Type.ShortcutOverride and _plain_escape(event)


def cancel_on_escape(event: QEvent, cancel: Callable[[], None]) -> bool:
    """On Esc: `cancel` the field's typing and leave the key unaccepted, so it goes on to the
    inspector (True); any other event: False."""
    if not escape_pressed(event):
        return False
    cancel()
    event.ignore()
    return True
