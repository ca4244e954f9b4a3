"""Editors generated from property specs, plus line/text editors that commit once per edit
(numbers: number_editor.py; labels and tooltips: property_text.py).

Every editor emits `committed(value)` when the user finishes an edit (Enter, focus out, a
combo choice, a checkbox click), never per keystroke, so each edit is one undo step.
`set_value` shows a value from the document without clobbering an edit in progress.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence, QPalette, QTextOption, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from app.domain.catalog import PropertySpec
from app.ui.inspector.field_keys import cancel_on_escape
from app.ui.inspector.number_editor import NumberEditor
from app.ui.inspector.property_text import UNSPECIFIED, property_tooltip, value_label

_CTRL = Qt.KeyboardModifier.ControlModifier
# the window's Redo keys (app/ui/actions.py), whatever the platform's own Redo is
_REDO_KEYS = ((Qt.Key.Key_Z, _CTRL | Qt.KeyboardModifier.ShiftModifier), (Qt.Key.Key_Y, _CTRL))


def _is_redo(event: QKeyEvent) -> bool:
    if event.matches(QKeySequence.StandardKey.Redo):
        return True
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return any(event.key() == key and mods == wanted for key, wanted in _REDO_KEYS)


def document_undo_key(event: QEvent) -> bool:
    """Undo or Redo pressed, asked for first as a shortcut override."""
    if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
        return False
    return event.matches(QKeySequence.StandardKey.Undo) or _is_redo(event)


def field_redo(event: QEvent, available: bool, redo: Callable[[], None]) -> bool:
    """A Redo key in a field whose own typing was undone (`available`): the field takes it and
    redoes the typing (True), before the design's Redo could redo some other edit."""
    if not available or not isinstance(event, QKeyEvent) or not _is_redo(event):
        return False
    if event.type() == QEvent.Type.KeyPress:
        redo()
    elif event.type() != QEvent.Type.ShortcutOverride:
        return False
    event.accept()
    return True


class CommitLineEdit(QLineEdit):
    """A line edit that reports its text once per edit (Enter or focus out). With nothing typed
    since, Undo and Redo are the document's (Edit menu): the field's own undo only reverted its
    text, leaving the edit in the design (an empty field over a card still showing the text)."""

    committed = Signal(object)

    def __init__(self, parent: QWidget | None = None, empty_is_none: bool = False):
        super().__init__(parent)
        self._shown = ""
        self._empty_is_none = empty_is_none
        self.editingFinished.connect(self._finish)

    def is_editing(self) -> bool:
        return self.hasFocus() and self.text() != self._shown

    def set_value(self, value: str | None) -> None:
        if self.is_editing():
            return
        self._shown = value or ""
        self.cancel_edit()

    def event(self, event: QEvent) -> bool:
        if not self._suggesting() and cancel_on_escape(event, self.cancel_edit):
            return False
        if field_redo(event, self.isRedoAvailable(), self.redo):
            return True
        if document_undo_key(event) and self.text() == self._shown:
            event.ignore()  # not taken here: the window's Undo / Redo action runs
            return False
        return super().event(event)

    def cancel_edit(self) -> None:
        """Back to the design's text, whatever was typed since."""
        if self.text() != self._shown:
            self.setText(self._shown)
            self.setCursorPosition(0)

    def _suggesting(self) -> bool:
        """Whether the suggestions are shown: Esc closes them, the typing stays."""
        completer = self.completer()
        return completer is not None and completer.popup().isVisible()

    def _finish(self) -> None:
        if self.text() == self._shown:
            return
        self._shown = self.text()
        self.committed.emit(self.parsed())

    def parsed(self) -> Any:
        text = self.text()
        return None if self._empty_is_none and not text.strip() else text

    def commit_pending(self) -> None:
        self._finish()

    def set_suggestions(self, words: list[str]) -> None:
        completer = QCompleter(words, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setMaxVisibleItems(12)
        completer.activated.connect(lambda _text: self._finish())
        self.setCompleter(completer)


class ListLineEdit(CommitLineEdit):
    """A list of short texts typed as comma-separated items."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, empty_is_none=True)
        self.setPlaceholderText("comma-separated items")

    def set_value(self, value: list[str] | None) -> None:  # type: ignore[override]
        super().set_value(", ".join(value or []))

    def parsed(self) -> list[str] | None:
        items = [part.strip() for part in self.text().split(",")]
        items = [item for item in items if item]
        return items or None


class CommitTextEdit(QPlainTextEdit):
    """Multi-line text committed when focus leaves (one undo step per visit); with nothing typed
    since, Undo and Redo are the document's, as in CommitLineEdit."""

    committed = Signal(object)

    def __init__(self, parent: QWidget | None = None, lines: int = 4):
        super().__init__(parent)
        self._shown = ""
        self.setTabChangesFocus(True)
        # Whole lines only, at any scroll position: the padding is the frame's, filled like the
        # text, not the document's margin (a margin shows the top of one line more below).
        self.document().setDocumentMargin(0)
        pad = 4
        self.setViewportMargins(pad, pad, pad, pad)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        # Without a margin the document is a cursor's width wider than the box: lines wrap,
        # anywhere if a word is longer than a line, and nothing scrolls sideways.
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 2 * (pad + self.frameWidth()))

    def is_editing(self) -> bool:
        return self.hasFocus() and self.toPlainText() != self._shown

    def set_value(self, value: str | None) -> None:
        if self.is_editing():
            return
        self._shown = value or ""
        self.cancel_edit()

    def event(self, event: QEvent) -> bool:
        if cancel_on_escape(event, self.cancel_edit):
            return False
        if field_redo(event, self.document().isRedoAvailable(), self.redo):
            return True
        if document_undo_key(event) and self.toPlainText() == self._shown:
            event.ignore()
            return False
        return super().event(event)

    def cancel_edit(self) -> None:
        """Back to the design's text, whatever was typed since."""
        if self.toPlainText() != self._shown:
            self.setPlainText(self._shown)

    def commit_pending(self) -> None:
        if self.toPlainText() != self._shown:
            self._shown = self.toPlainText()
            self.committed.emit(self._shown)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.commit_pending()


class ChoiceCombo(QComboBox):
    """Enum or tri-state bool: 'unspecified' first, then the choices; commits on activation."""

    committed = Signal(object)

    def __init__(self, choices: list[tuple[str, Any]], parent: QWidget | None = None):
        super().__init__(parent)
        self.addItem(UNSPECIFIED, None)
        for label, data in choices:
            self.addItem(label, data)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(8)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.activated.connect(lambda _i: self.committed.emit(self.currentData()))

    def wheelEvent(self, event: QWheelEvent) -> None:
        # Scrolling the inspector must not change values under the pointer.
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()

    def is_editing(self) -> bool:
        return False

    def set_value(self, value: Any) -> None:
        index = self.findData(value) if value is not None else 0
        self.setCurrentIndex(max(index, 0))

    def commit_pending(self) -> None:
        pass


class CheckList(QListWidget):
    """A set property: one checkbox per allowed value; each click is one edit."""

    committed = Signal(object)

    def __init__(self, values: tuple[str, ...], parent: QWidget | None = None):
        super().__init__(parent)
        self._loading = False
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for value in values:
            item = QListWidgetItem(value_label(value), self)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        rows = max(self.count(), 1)
        self.setFixedHeight(self.sizeHintForRow(0) * rows + 2 * self.frameWidth() + 2)
        self.itemChanged.connect(self._changed)

    def is_editing(self) -> bool:
        return False

    def checked(self) -> list[str]:
        return [
            self.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_value(self, value: list[str] | None) -> None:
        chosen = set(value or [])
        self._loading = True
        try:
            for i in range(self.count()):
                item = self.item(i)
                on = item.data(Qt.ItemDataRole.UserRole) in chosen
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        finally:
            self._loading = False

    def set_checked(self, value: str, on: bool) -> None:
        """Tick or untick one value as a user click would (used by keyboard and tests)."""
        for i in range(self.count()):
            if self.item(i).data(Qt.ItemDataRole.UserRole) == value:
                self.item(i).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def _changed(self, _item: QListWidgetItem) -> None:
        if not self._loading:
            self.committed.emit(self.checked() or None)

    def commit_pending(self) -> None:
        pass


PropertyWidget = ChoiceCombo | CheckList | NumberEditor | CommitLineEdit


def make_property_editor(spec: PropertySpec, parent: QWidget | None = None) -> PropertyWidget:
    """The editor for one property, chosen by its type."""
    editor: PropertyWidget
    if spec.type == "enum":
        editor = ChoiceCombo([(value_label(v), v) for v in spec.values], parent)
    elif spec.type == "bool":
        editor = ChoiceCombo([("yes", True), ("no", False)], parent)
    elif spec.type == "set":
        editor = CheckList(spec.values, parent)
    elif spec.type in ("int", "float"):
        editor = NumberEditor(spec, parent)
    elif spec.type == "list":
        editor = ListLineEdit(parent)
    else:
        editor = CommitLineEdit(parent, empty_is_none=True)
    editor.setToolTip(property_tooltip(spec))
    editor.setObjectName(f"prop_{spec.name}")
    return editor
