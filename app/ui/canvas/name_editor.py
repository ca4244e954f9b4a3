"""The box a card is renamed in (`rename.py` places it): a name wraps onto more lines, at word
boundaries as the card wraps it (a word wider than the box anywhere), and the box grows to show
every line, so a long name is edited whole in sight rather than scrolled sideways.

A name is one line (the inspector's Name field is a line edit; the card wraps it itself): Enter
with any modifier commits and never starts a line, a pasted or dropped line break is a space.
Home and End go to the name's start and end, as in a line edit (Up and Down move between the
wrapped lines). The box keeps the line edit's few calls the renamer and its tests use: `text`, `setText`,
`selectedText`, `home` and `end`.
"""

from __future__ import annotations

import re
from math import ceil

from PySide6.QtCore import QEvent, QMimeData, Qt, Signal
from PySide6.QtGui import (
    QFocusEvent,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QKeySequence,
    QTextCursor,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import QTextEdit, QWidget

_KEEP_OPEN = (Qt.FocusReason.PopupFocusReason, Qt.FocusReason.ActiveWindowFocusReason)
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x85\u2028\u2029]")
_START, _END = QTextCursor.MoveOperation.Start, QTextCursor.MoveOperation.End
_WHOLE_NAME_KEYS = (  # Home and End go to the name's ends, as in a line edit, not a wrapped line's
    (QKeySequence.StandardKey.MoveToStartOfLine, _START, False),
    (QKeySequence.StandardKey.MoveToEndOfLine, _END, False),
    (QKeySequence.StandardKey.SelectStartOfLine, _START, True),
    (QKeySequence.StandardKey.SelectEndOfLine, _END, True),
)
BORDER = 1  # pixels of the box's outline
PADDING = 2  # pixels between the outline and the text, left and right
DOCUMENT_MARGIN = 1  # pixels around the text inside the box
WRAP = QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
CHROME_W = 2 * (BORDER + PADDING + DOCUMENT_MARGIN)  # box width less the width its lines wrap at


def one_line(text: str) -> str:
    """`text` with its line breaks as spaces: what a paste or drop puts in a name."""
    return _BREAKS.sub(" ", text)


def box_height(text: str, font: QFont, width: int) -> int:
    """Pixels of the box `width` wide that shows all of `text` in `font`, wrapped as it wraps."""
    document = QTextDocument()
    document.setDocumentMargin(DOCUMENT_MARGIN)
    option = QTextOption()
    option.setWrapMode(WRAP)
    document.setDefaultTextOption(option)
    document.setDefaultFont(font)
    document.setPlainText(text)
    document.setTextWidth(width - 2 * (BORDER + PADDING))
    return ceil(document.size().height()) + 2 * BORDER


def widest_word(text: str, font: QFont) -> float:
    """Pixels of the widest word of `text` in `font`: the least width that keeps words whole."""
    metrics = QFontMetricsF(font)
    return max((metrics.horizontalAdvance(word) for word in text.split()), default=0.0)


class NameEditor(QTextEdit):
    """`finished(True)` on Enter, `finished(False)` on Escape, `left()` when the focus goes
    elsewhere (not to a popup menu, nor to another window)."""

    finished = Signal(bool)
    left = Signal()

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("card_name_editor")
        self.setAccessibleName("Card name")
        self.setAccessibleDescription("Enter renames the card, Escape cancels")
        self.setStyleSheet(
            f"QTextEdit {{ border: {BORDER}px solid palette(highlight); border-radius: 3px;"
            f" padding: 0 {PADDING}px; }}"
        )
        self.document().setDocumentMargin(DOCUMENT_MARGIN)
        self.setWordWrapMode(WRAP)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setAcceptRichText(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the box grows instead
        self.setTabChangesFocus(True)  # Tab leaves, and so commits, as from a line edit

    # ---- the line edit's calls ---------------------------------------------------------------

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:
        self.setPlainText(text)

    def selectedText(self) -> str:
        return self.textCursor().selectedText().replace("\u2029", "\n")

    def home(self, mark: bool) -> None:
        self._move(QTextCursor.MoveOperation.Start, mark)

    def end(self, mark: bool) -> None:
        self._move(QTextCursor.MoveOperation.End, mark)

    def _move(self, where: QTextCursor.MoveOperation, mark: bool) -> None:
        keep = QTextCursor.MoveMode.KeepAnchor if mark else QTextCursor.MoveMode.MoveAnchor
        self.moveCursor(where, keep)

    # ---- keys, paste, focus --------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.key() in (*_ENTER, Qt.Key.Key_Escape) and not event.modifiers():
                event.accept()  # ours, not a window action's (compare mode's Esc)
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in _ENTER:
            event.accept()  # not on to the canvas, where Enter opens the inspector
            self.finished.emit(True)
            return
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            self.finished.emit(False)
            return
        for keys, where, mark in _WHOLE_NAME_KEYS:
            if event.matches(keys):
                event.accept()
                self._move(where, mark)
                return
        super().keyPressEvent(event)
        event.accept()  # a key the box ignores (Alt+Right, F2) is not the canvas's either

    def insertFromMimeData(self, source: QMimeData) -> None:
        if source.hasText():
            self.textCursor().insertText(one_line(source.text()))

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() not in _KEEP_OPEN:
            self.left.emit()
