"""Every modal question the window asks, in one place that tests can monkeypatch.

The window never calls QMessageBox or QFileDialog directly (the file dialogs are those of
`app/ui/file_dialog.py`): it calls these functions, which return plain values ("save",
"discard", a path or None). Tests replace them with lambdas so nothing blocks offscreen.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.persistence.recovery import RecoveryInfo
from app.rules.model import Finding, RuleSpec
from app.ui.file_dialog import ask_path

DESIGN_FILTER = "MLSD designs (*.mlsd);;All files (*)"
StandardButton = QMessageBox.StandardButton


def _box(
    parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, info: str = ""
) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if info:
        box.setInformativeText(info)
        # The informative text holds file names and error messages: shown, never read as markup.
        label = box.findChild(QLabel, "qt_msgbox_informativelabel")
        if label is not None:
            label.setTextFormat(Qt.TextFormat.PlainText)
    return box


def _name_buttons(box: QMessageBox, texts: dict[StandardButton, str]) -> None:
    """Standard buttons named with their Alt+letter: on X11 Qt's own names have none."""
    for which, text in texts.items():
        box.button(which).setText(text)


def ask_save_changes(parent: QWidget | None, name: str) -> str:
    """'save', 'discard' or 'cancel' for a window closing with unsaved changes."""
    box = _box(
        parent,
        QMessageBox.Icon.Warning,
        "Unsaved changes",
        f"Save the changes to “{name}” before closing?",
        "Your changes will be lost if you don't save them.",
    )
    box.setStandardButtons(StandardButton.Save | StandardButton.Discard | StandardButton.Cancel)
    _name_buttons(box, {StandardButton.Save: "&Save", StandardButton.Discard: "&Discard"})
    box.setDefaultButton(StandardButton.Save)
    box.setEscapeButton(StandardButton.Cancel)
    answer = box.exec()
    return {StandardButton.Save: "save", StandardButton.Discard: "discard"}.get(
        StandardButton(answer), "cancel"
    )


def ask_overwrite_changed(parent: QWidget | None, path: str | Path) -> str:
    """'overwrite', 'save_as' or 'cancel' when the file changed on disk since it was opened."""
    box = _box(
        parent,
        QMessageBox.Icon.Warning,
        "File changed on disk",
        f"“{Path(path).name}” was changed by another program since you opened or saved it.",
        "Overwrite it with your version, save your version elsewhere, or cancel?",
    )
    overwrite = box.addButton("&Overwrite", QMessageBox.ButtonRole.DestructiveRole)
    save_as = box.addButton("Save &As…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(StandardButton.Cancel)
    box.setDefaultButton(save_as)
    box.exec()
    clicked = box.clickedButton()
    return "overwrite" if clicked is overwrite else "save_as" if clicked is save_as else "cancel"


def ask_save_failed(parent: QWidget | None, message: str) -> str:
    """'save_as' or 'cancel' after a failed save; the document stays marked unsaved."""
    box = _box(parent, QMessageBox.Icon.Critical, "Could not save", "The design was not saved.", message)
    save_as = box.addButton("Save &As…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(StandardButton.Cancel)
    box.setDefaultButton(save_as)
    box.exec()
    return "save_as" if box.clickedButton() is save_as else "cancel"


def finish_interview_box(parent: QWidget | None) -> tuple[QMessageBox, QPushButton]:
    """The question before Finish ends an interview for good, and its Finish button. Keep going
    is the default and the escape button: Enter or Esc leave the interview running."""
    box = _box(
        parent,
        QMessageBox.Icon.Question,
        "Finish interview",
        "Finish the interview?",
        "The timer stops and the rubric is final.",
    )
    finish = box.addButton("&Finish", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("&Keep going", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    return box, finish


def ask_finish_interview(parent: QWidget | None) -> bool:
    """True when the user chose to finish the interview."""
    box, finish = finish_interview_box(parent)
    box.exec()
    return box.clickedButton() is finish


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    box = _box(parent, QMessageBox.Icon.Critical, title, text)
    box.setStandardButtons(StandardButton.Ok)
    box.exec()


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    box = _box(parent, QMessageBox.Icon.Information, title, text)
    box.setStandardButtons(StandardButton.Ok)
    box.exec()


def show_warnings(parent: QWidget | None, title: str, text: str, details: list[str]) -> QMessageBox:
    """A non-blocking warning (e.g. unknown kinds in an opened file); returns the shown box."""
    box = _box(parent, QMessageBox.Icon.Warning, title, text)
    box.setStandardButtons(StandardButton.Ok)
    if details:
        box.setDetailedText("\n".join(details))
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.show()
    return box


def show_crash(parent: QWidget | None, summary: str, log_path: str | Path) -> None:
    box = _box(
        parent,
        QMessageBox.Icon.Critical,
        "Unexpected error",
        "MLSD Studio hit an unexpected error. Your open designs were saved for recovery.",
        f"{summary}\n\nDetails were written to {log_path}.",
    )
    box.setStandardButtons(StandardButton.Ok)
    box.exec()


def ask_restore(parent: QWidget | None, info: RecoveryInfo) -> str:
    """'restore', 'discard' or 'later' for one recovery file of a crashed session."""
    if info.problem:
        text = "A recovery file from an earlier session is damaged and cannot be restored."
        detail = info.problem
    else:
        where = info.original_path or "never saved"
        text = f"MLSD Studio did not close properly. Restore unsaved work on “{info.display_name()}”?"
        detail = f"Last autosaved {info.saved_at.replace('T', ' ')[:19]} (UTC). File: {where}."
    box = _box(parent, QMessageBox.Icon.Question, "Restore unsaved work", text, detail)
    restore = None if info.problem else box.addButton("&Restore", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("&Later", QMessageBox.ButtonRole.RejectRole)
    if restore is not None:
        box.setDefaultButton(restore)
    box.exec()
    clicked = box.clickedButton()
    if restore is not None and clicked is restore:
        return "restore"
    return "discard" if clicked is discard else "later"


def get_open_path(parent: QWidget | None, directory: str = "") -> str | None:
    return ask_path(parent, "Open design", directory, DESIGN_FILTER, save=False) or None


def get_save_path(
    parent: QWidget | None,
    caption: str = "Save design as",
    suggested: str = "",
    name_filter: str = DESIGN_FILTER,
    suffix: str = ".mlsd",
) -> str | None:
    """A path to write; the suffix is added when the user typed none."""
    path = ask_path(parent, caption, suggested, name_filter, save=True, suffix=suffix)
    if not path:
        return None
    if suffix and not Path(path).suffix:  # a platform dialog that ignores the default suffix
        path += suffix
        if Path(path).exists() and not _replace(parent, Path(path)):
            return None
    return path


def _replace(parent: QWidget | None, path: Path) -> bool:
    """Whether to replace `path`, which the dialog did not ask about (it was given no suffix)."""
    box = _box(parent, QMessageBox.Icon.Warning, "Replace file", f"{path.name} already exists.",
               "Do you want to replace it?")
    box.setStandardButtons(StandardButton.Yes | StandardButton.No)
    _name_buttons(box, {StandardButton.Yes: "&Replace", StandardButton.No: "&Cancel"})
    box.setDefaultButton(StandardButton.No)
    return box.exec() == StandardButton.Yes


def ctrl_enter_accepts(dialog: QDialog, ok_button: QPushButton, event: QKeyEvent) -> bool:
    """Ctrl+Enter, which a multi-line text field leaves to its dialog, accepts `dialog` when
    `ok_button` is enabled; whether the key was Ctrl+Enter (taken either way)."""
    ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
    if not (ctrl and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
        return False
    if ok_button.isEnabled():
        dialog.accept()
    return True


class AcceptDialog(QDialog):
    """Asks why a finding's trade-off is acceptable; OK stays disabled while empty."""

    def __init__(self, finding: Finding, rule: RuleSpec | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Accept {finding.rule}")
        self.setMinimumWidth(480)
        heading = QLabel(f"{finding.rule} · {finding.title}")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        heading.setFont(font)
        heading.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(heading)
        sections = [("Finding", finding.message)]
        suggestion = finding.suggestion or (rule.suggestion if rule else "")
        if suggestion:
            sections.append(("Suggestion", suggestion))
        if rule is not None and rule.rationale:
            sections.append(("Why it matters", rule.rationale))
        sources = finding.sources or (rule.sources if rule else ())
        if sources:
            sections.append(("Sources", "; ".join(sources)))
        for title, text in sections:
            # Catalog and user text is escaped: it is shown, never read as markup.
            label = QLabel(f"<b>{html.escape(title)}</b><br>{html.escape(text)}")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
        prompt = QLabel("<b>Rationale</b><br>Why is this trade-off acceptable for this design?")
        prompt.setWordWrap(True)
        layout.addSpacing(4)
        layout.addWidget(prompt)
        self.rationale = QPlainTextEdit()
        self.rationale.setPlaceholderText("e.g. Labels arrive within minutes, so drift is caught by …")
        self.rationale.setTabChangesFocus(True)
        self.rationale.setMinimumHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        layout.addWidget(self.rationale, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Accept")
        self.ok_button.setToolTip("Accept the finding with this rationale (Ctrl+Enter)")
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.rationale.textChanged.connect(self._update_ok)
        self.rationale.setFocus()

    def sizeHint(self) -> QSize:  # noqa: N802
        """As wide as the window opens: its first height is that of the wrapped labels at the
        hint's width, which at a narrower hint was too tall for the window's width, and the
        labels took the surplus, each centring its text (a gap above the heading)."""
        hint = super().sizeHint()
        return QSize(max(hint.width(), self.minimumWidth()), hint.height())

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(bool(self.text()))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Return starts a new line of the rationale; Ctrl+Enter accepts once there is one."""
        if not ctrl_enter_accepts(self, self.ok_button, event):
            super().keyPressEvent(event)

    def text(self) -> str:
        return self.rationale.toPlainText().strip()


def ask_rationale(parent: QWidget | None, finding: Finding, rule: RuleSpec | None) -> str | None:
    """The rationale for accepting a finding, or None when the user cancels."""
    dialog = AcceptDialog(finding, rule, parent)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.text():
            return dialog.text()
        return None
    finally:
        dialog.deleteLater()
