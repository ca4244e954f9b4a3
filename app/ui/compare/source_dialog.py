"""Asking what to compare with: a git revision of this file (when there are any) or another file.

`ask_compare_source` is the one modal question; tests monkeypatch it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui import dialogs
from app.ui.compare.revisions import Revision

Choice = tuple[str, str]  # ("file", path) or ("revision", commit hash)


class CompareSourceDialog(QDialog):
    def __init__(
        self, revisions: Sequence[Revision], note: str, directory: str, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle("Compare With")
        self.choice: Choice | None = None
        self._directory = directory
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Show what changed since an earlier version of this design: pick a commit that "
            "changed the file, or another design file."
            if revisions
            else "Show what changed compared with another design file."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        if note:
            noted = QLabel(note)
            noted.setObjectName("compare_source_note")
            noted.setTextFormat(Qt.TextFormat.PlainText)
            noted.setWordWrap(True)
            layout.addWidget(noted)
        self.list = QListWidget()
        self.list.setObjectName("compare_revisions")
        for revision in revisions:
            item = QListWidgetItem(revision.label())
            item.setData(Qt.ItemDataRole.UserRole, revision.commit)
            self.list.addItem(item)
        self.list.setVisible(bool(revisions))
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.compare_button = QPushButton("Compare with Commit")
        self.compare_button.setEnabled(False)
        self.file_button = QPushButton("Other File…")
        buttons.addButton(self.compare_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.file_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.compare_button.setVisible(bool(revisions))  # after addButton, which shows it
        layout.addWidget(buttons)
        buttons.rejected.connect(self.reject)
        self.compare_button.clicked.connect(self._take_revision)
        self.file_button.clicked.connect(self._take_file)
        self.list.currentRowChanged.connect(lambda row: self.compare_button.setEnabled(row >= 0))
        self.list.itemDoubleClicked.connect(lambda _item: self._take_revision())
        if revisions:
            self.list.setCurrentRow(0)
        self.resize(560, 380 if revisions else 160)

    def _take_revision(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.choice = ("revision", str(item.data(Qt.ItemDataRole.UserRole)))
            self.accept()

    def _take_file(self) -> None:
        path = dialogs.get_open_path(self, self._directory)
        if path:
            self.choice = ("file", path)
            self.accept()


def ask_compare_source(
    parent: QWidget | None, revisions: Sequence[Revision], note: str = "", directory: str = ""
) -> Choice | None:
    """("revision", hash), ("file", path), or None when cancelled."""
    dialog = CompareSourceDialog(revisions, note, directory, parent)
    dialog.exec()
    return dialog.choice
