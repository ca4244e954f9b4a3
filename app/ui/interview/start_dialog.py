"""Interview ▸ Start interview: pick a practice problem (or type one) and a duration.

The list offers the problem statements of the shipped templates, without their designs (the
candidate starts from an empty canvas), and "Your own problem" for a typed statement.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.templates import TemplateInfo, list_templates
from app.ui.interview.session import DEFAULT_MINUTES, InterviewSetup
from app.ui.range_feedback import FeedbackSpinBox
from app.ui.theme import tooltip_html

NAME_ROLE = Qt.ItemDataRole.UserRole + 1
OWN_PROBLEM = ""  # the NAME_ROLE of the "Your own problem" row
MIN_MINUTES, MAX_MINUTES = 5, 180


def title_from_problem(problem: str, limit: int = 60) -> str:
    """A short title from a typed statement: its first sentence, cut at a word boundary."""
    first = re.split(r"(?<=[.!?])\s|\n", " ".join(problem.split(" ")).strip(), maxsplit=1)[0].strip()
    first = first.rstrip(".!?")
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


class StartInterviewDialog(QDialog):
    """`setup()` after exec() is the chosen InterviewSetup (None until a problem is given)."""

    def __init__(self, parent: QWidget | None = None, templates: list[TemplateInfo] | None = None):
        super().__init__(parent)
        self.setWindowTitle("Start interview")
        self.resize(820, 500)
        self.templates = list_templates() if templates is None else templates
        self._by_name = {t.name: t for t in self.templates}
        self._auto_title: str | None = ""  # the title last filled in for the user
        self.list = QListWidget()
        self.list.setMinimumWidth(260)
        self.list.setStyleSheet("QListWidget::item { padding: 5px 4px; }")
        own = QListWidgetItem("Your own problem…")
        own.setData(NAME_ROLE, OWN_PROBLEM)
        font = own.font()
        font.setItalic(True)
        own.setFont(font)
        self.list.addItem(own)
        for template in self.templates:
            item = QListWidgetItem(template.title)
            item.setData(NAME_ROLE, template.name)
            item.setToolTip(tooltip_html(template.summary, template.title))
            self.list.addItem(item)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("e.g. Video recommendations")
        self.problem_edit = QPlainTextEdit()
        self.problem_edit.setTabChangesFocus(True)  # a tab typed there kept the keyboard from Start
        self.problem_edit.setPlaceholderText(
            "Describe the problem: the business goal, the users, the scale and the constraints."
        )
        self.minutes = FeedbackSpinBox()
        self.minutes.setRange(MIN_MINUTES, MAX_MINUTES)
        self.minutes.setSingleStep(5)
        self.minutes.setValue(DEFAULT_MINUTES)
        self.minutes.setSuffix(" min")
        self.minutes.setMaximumWidth(120)
        self.minutes_note = QLabel()  # why a typed duration was not taken, next to the field
        self.minutes_note.setObjectName("minutes_note")
        self.minutes_note.setWordWrap(True)
        self.minutes_note.setStyleSheet("color: palette(link);")
        self.minutes_note.hide()
        self._hold_accept = False  # a refused duration keeps the dialog open once, to be read
        self.minutes.refused.connect(self._minutes_refused)
        self.minutes.lineEdit().textEdited.connect(self._minutes_edited)
        minutes_row = QHBoxLayout()
        minutes_row.addWidget(self.minutes)
        minutes_row.addWidget(self.minutes_note, 1)
        hint = QLabel(
            "Starting opens an empty design with this problem statement, a countdown and a "
            "checklist of the six stages. At the end, the rubric scores the design."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        form = QFormLayout()
        form.addRow("Title", self.title_edit)
        form.addRow("Duration", minutes_row)
        right = QVBoxLayout()
        right.addSpacing(QLabel().sizeHint().height())
        right.addLayout(form)
        right.addWidget(QLabel("Problem statement"))
        right.addWidget(self.problem_edit, 1)
        right.addWidget(hint)
        left = QVBoxLayout()
        left.addWidget(QLabel("Practice problem"))
        left.addWidget(self.list, 1)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(right, 3)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.start_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.start_button.setText("Start interview")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)
        self.list.currentItemChanged.connect(self._pick)
        self.list.itemClicked.connect(self._to_statement)
        self.list.itemActivated.connect(self._to_statement)
        self.problem_edit.textChanged.connect(self._problem_edited)
        self.title_edit.textChanged.connect(self._update_ok)
        self.list.setCurrentRow(1 if self.templates else 0)
        self._update_ok()

    # ---- choosing -----------------------------------------------------------------------

    def chosen_template(self) -> TemplateInfo | None:
        item = self.list.currentItem()
        return self._by_name.get(item.data(NAME_ROLE)) if item is not None else None

    def select_template(self, name: str) -> bool:
        for row in range(self.list.count()):
            if self.list.item(row).data(NAME_ROLE) == name:
                self.list.setCurrentRow(row)
                return True
        return False

    def _pick(self, *_args: object) -> None:
        template = self.chosen_template()
        self._auto_title = template.title if template else ""
        self.title_edit.setText(self._auto_title)
        self.problem_edit.setPlainText(template.problem if template else "")

    def _to_statement(self, item: QListWidgetItem) -> None:
        """A click on "Your own problem", or Enter on it, goes on to typing the statement (an
        arrow key onto it does not: the keyboard stays in the list, Down leaves it again)."""
        if item.data(NAME_ROLE) == OWN_PROBLEM:
            self.problem_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _problem_edited(self) -> None:
        template = self.chosen_template()
        problem = self.problem_edit.toPlainText()
        if template is not None and problem.strip() != template.problem.strip():
            self.list.blockSignals(True)
            self.list.setCurrentRow(0)  # edited: it is the user's own problem now (title kept)
            self.list.blockSignals(False)
            self._auto_title = None
        own = self.chosen_template() is None
        if own and self._auto_title is not None and self.title_edit.text() == self._auto_title:
            self._auto_title = title_from_problem(problem)
            self.title_edit.setText(self._auto_title)
        self._update_ok()

    def _minutes_refused(self, text: str) -> None:
        self.minutes_note.setText(text)
        self.minutes_note.show()
        self._hold_accept = True

    def _minutes_edited(self, _text: str) -> None:
        self.minutes_note.hide()
        self._hold_accept = False

    def accept(self) -> None:
        if self._hold_accept:  # Enter fixed up a refused duration: show what was kept first
            self._hold_accept = False
            return
        super().accept()

    def _update_ok(self) -> None:
        ready = bool(self.problem_edit.toPlainText().strip() and self.title_edit.text().strip())
        self.start_button.setEnabled(ready)

    def setup(self) -> InterviewSetup | None:
        problem = self.problem_edit.toPlainText().strip()
        title = " ".join(self.title_edit.text().split()) or title_from_problem(problem)
        if not problem or not title:
            return None
        template = self.chosen_template()
        return InterviewSetup(
            problem=problem,
            title=title,
            minutes=self.minutes.value(),
            template=template.name if template else None,
        )


def ask_interview_setup(parent: QWidget | None = None) -> InterviewSetup | None:
    """Show the dialog; the setup to start with, or None (tests monkeypatch this)."""
    dialog = StartInterviewDialog(parent)
    try:
        return dialog.setup() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()
