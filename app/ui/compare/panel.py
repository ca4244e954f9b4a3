"""The Changes dock: what the design is compared with, the counts, and the list to step through."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.compare import overlay
from app.ui.compare.entries import Entry
from app.ui.theme import is_dark


class ComparePanel(QWidget):
    """Signals: activated(int) for a row chosen (click, keys, next/previous); closed() for Close;
    moves_toggled(bool) for the "Show moves" box."""

    activated = Signal(int)
    closed = Signal()
    moves_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("compare_panel")
        self._entries: list[Entry] = []
        self.title = QLabel()
        self.title.setObjectName("compare_title")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.counts = QLabel()
        self.counts.setObjectName("compare_counts")
        self.counts.setTextFormat(Qt.TextFormat.PlainText)
        self.counts.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("compare_list")
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.previous_button = QPushButton("Previous")
        self.next_button = QPushButton("Next")
        self.close_button = QPushButton("Close")
        self.close_button.setToolTip("Leave the comparison (Esc)")
        self.moves = QCheckBox("Show moves")
        self.moves.setToolTip("List cards that only moved, and outline them")
        buttons = QHBoxLayout()
        buttons.addWidget(self.previous_button)
        buttons.addWidget(self.next_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.counts)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.moves)
        layout.addLayout(buttons)
        self.list.currentRowChanged.connect(self._row_changed)
        self.list.itemClicked.connect(lambda item: self.activated.emit(self.list.row(item)))
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.close_button.clicked.connect(self.closed)
        self.moves.toggled.connect(self.moves_toggled)

    def show_entries(self, title: str, counts: str, entries: Sequence[Entry]) -> None:
        """Fill the list; the current row follows its change (same target and id) when the
        change is still there, else stays at the same place."""
        row = self.list.currentRow()
        if 0 <= row < len(self._entries):
            was = self._entries[row]
            row = next((n for n, e in enumerate(entries) if (e.target, e.id) == (was.target, was.id)), row)
        self.title.setText(title)
        self.counts.setText(counts)
        self._entries = list(entries)
        self.list.blockSignals(True)
        try:
            self.list.clear()
            for entry in self._entries:
                item = QListWidgetItem(entry.display)
                item.setToolTip(entry.text)
                self.list.addItem(item)
            if not self._entries:
                empty = QListWidgetItem("No differences in meaning.")
                empty.setFlags(Qt.ItemFlag.NoItemFlags)
                self.list.addItem(empty)
            elif 0 <= row < len(self._entries):
                self.list.setCurrentRow(row)
        finally:
            self.list.blockSignals(False)
        self._recolor()
        self._update_buttons()

    def entries(self) -> list[Entry]:
        return list(self._entries)

    def current_row(self) -> int:
        return self.list.currentRow() if self._entries else -1

    def step(self, delta: int) -> None:
        """Move to the next (+1) or previous (-1) change, wrapping around."""
        if not self._entries:
            return
        row = self.list.currentRow()
        if row < 0:
            row = 0 if delta > 0 else len(self._entries) - 1
        else:
            row = (row + delta) % len(self._entries)
        if row == self.list.currentRow():
            self.activated.emit(row)
        else:
            self.list.setCurrentRow(row)

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self._entries):
            self.activated.emit(row)

    def _update_buttons(self) -> None:
        many = len(self._entries) > 0
        self.previous_button.setEnabled(many)
        self.next_button.setEnabled(many)

    def _recolor(self) -> None:
        colors = overlay.DARK if is_dark() else overlay.LIGHT
        for row, entry in enumerate(self._entries):
            item = self.list.item(row)
            if entry.action in ("added", "removed", "changed"):
                item.setForeground(QBrush(colors.of(entry.action)))
            elif entry.action == "introduced":
                item.setForeground(QBrush(colors.removed))
            else:
                item.setForeground(QBrush(colors.added))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._recolor()
        super().changeEvent(event)
