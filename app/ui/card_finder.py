"""Edit > Find on the canvas: the palette's search also marks the cards whose name, id or
technology holds its text, and the status bar says how many (the marks alone can be out of
view, or too few to see on a large design).

The marks follow the design while the search holds text: a card added (Enter in the search
adds the kind it names), renamed, deleted or brought back by Undo is marked or unmarked, and
the count is said again unless another message has replaced it since.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from app.domain.text import one_line

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


def find_message(query: str, found: int) -> str:
    if not found:
        return f"No card on the canvas matches “{query}”"
    cards = "1 card on the canvas matches" if found == 1 else f"{found} cards on the canvas match"
    return f"{cards} “{query}”"


class CardFinder(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.text = ""
        self._said = ""  # the last count shown in the status bar
        self._again = QTimer(self)  # once per turn of the event loop, however many edits
        self._again.setSingleShot(True)
        self._again.setInterval(0)
        self._again.timeout.connect(self._refresh)
        doc = window.document
        for signal in (doc.component_added, doc.component_removed, doc.component_changed):
            signal.connect(self._design_changed)
        doc.design_reset.connect(self._design_changed)

    def find(self, text: str) -> None:
        """Mark the cards `text` names and say how many (an empty text clears both)."""
        self.text = text
        self._mark(announce=True)

    def _design_changed(self, *_args: object) -> None:
        if self.text.strip():
            self._again.start()

    def _refresh(self) -> None:
        bar = self.window.statusBar()
        self._mark(announce=bool(self._said) and bar.currentMessage() == self._said)

    def _mark(self, announce: bool) -> None:
        found = len(self.window.canvas.mark_matching(self.text))
        query = one_line(self.text)
        message = find_message(query, found) if query else ""
        if announce:
            if message:
                self.window.show_message(message)
            else:
                self.window.statusBar().clearMessage()
        self._said = message if announce else self._said
