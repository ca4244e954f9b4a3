"""The decision editor: title, status, context, the options weighed, the choice and its consequences.

`ask_decision` opens it modally and returns the edited Decision (not yet in the design) or None.
OK stays disabled, with the reason shown, while the record would be refused (no title, a chosen
option that is not in the table, two options with one name).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.decision_ops import cycle_problem, decision_problem
from app.domain.model import DECISION_STATUSES, Decision, DecisionOption, Design, now_iso
from app.ui.dialogs import ctrl_enter_accepts
from app.ui.theme import is_dark

_Index = QModelIndex | QPersistentModelIndex
OPTION_COLUMNS = ("Option", "Pros (one per line)", "Cons (one per line)")
TO_FILL_IN = (".title", ".rationale")  # problems that are fields left empty, not mistakes


def lines_of(text: str) -> list[str]:
    """The non-empty lines of a text, stripped: how lists are typed (one item per line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class _MultiLineDelegate(QStyledItemDelegate):
    """Pros and cons cells edit in a small text box: Enter starts a new line."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        editor = QPlainTextEdit(parent)
        editor.setTabChangesFocus(True)
        return editor

    def displayText(self, value: object, locale: object) -> str:  # type: ignore[override]
        """Each pro or con on its own bulleted line, so a wrapped item still reads as one."""
        return "\u2028".join(f"• {line}" for line in lines_of(str(value or "")))  # line separators

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QPlainTextEdit)
        editor.setPlainText(str(index.data(Qt.ItemDataRole.EditRole) or ""))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        assert isinstance(editor, QPlainTextEdit)
        model.setData(index, "\n".join(lines_of(editor.toPlainText())), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: _Index) -> None:
        rect = option.rect  # type: ignore[attr-defined]
        editor.setGeometry(rect.x(), rect.y(), rect.width(), max(rect.height(), 72))


class DecisionDialog(QDialog):
    def __init__(
        self, design: Design, decision: Decision, heading: str = "Decision", parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle(heading)
        self.setObjectName("decision_dialog")
        self.design = design
        self.original = decision.model_copy(deep=True)
        self.resize(780, 680)
        self.title = QLineEdit(decision.title)
        self.title.setObjectName("decision_title")
        self.title.setPlaceholderText("e.g. Candidate retrieval: two-tower model with an ANN index")
        self.status = QComboBox()
        self.status.setObjectName("decision_status")
        for status in DECISION_STATUSES:
            self.status.addItem(status.capitalize(), status)
        self.status.setCurrentIndex(max(0, self.status.findData(decision.status)))
        self.rationale = self._text(decision.rationale, 3, "Why the finding's trade-off is acceptable here")
        self.context = self._text(decision.context, 3, "The situation and forces that call for a decision")

        self.options = QTableWidget(0, len(OPTION_COLUMNS))
        self.options.setObjectName("decision_options")
        self.options.setHorizontalHeaderLabels(list(OPTION_COLUMNS))
        header = self.options.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.options.setColumnWidth(0, 170)
        self.options.setWordWrap(True)
        self.options.verticalHeader().setVisible(False)
        self.options.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.options.setMinimumHeight(150)
        self._delegate = _MultiLineDelegate(self.options)
        for column in (1, 2):
            self.options.setItemDelegateForColumn(column, self._delegate)
        for option in decision.options:
            self._append_option(option.name, option.pros, option.cons)
        self.add_option = QPushButton("Add option")
        self.add_option.setObjectName("add_option")
        self.remove_option = QPushButton("Remove option")
        self.remove_option.setObjectName("remove_option")
        self.add_option.clicked.connect(self._add_option_clicked)
        self.remove_option.clicked.connect(self._remove_option_clicked)
        option_buttons = QHBoxLayout()
        option_buttons.addWidget(self.add_option)
        option_buttons.addWidget(self.remove_option)
        option_buttons.addStretch(1)

        self.chosen = QComboBox()
        self.chosen.setObjectName("decision_chosen")
        self._chosen_row = self._row_named(decision.chosen)  # the choice follows its row when renamed
        self._fill_chosen(decision.chosen)
        self.consequences = self._text(decision.consequences, 3, "What follows from the choice, good and bad")
        self.components = QListWidget()
        self.components.setObjectName("decision_components")
        self.components.setMaximumHeight(120)
        # Fusion's dark palette draws an unchecked box nearly invisible on the list's base colour
        self.components.setStyleSheet(
            "QListWidget::indicator:unchecked { width: 12px; height: 12px; border: 1px solid #8A929C;"
            " border-radius: 2px; background: palette(base); }"
        )
        concerned = set(decision.components)  # the ones it concerns first, then by name
        for component in sorted(
            design.components, key=lambda c: (c.id not in concerned, (c.name or c.id).casefold())
        ):
            item = QListWidgetItem(component.name or component.id)
            item.setData(Qt.ItemDataRole.UserRole, component.id)
            item.setToolTip(component.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = component.id in decision.components
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.components.addItem(item)
        self.supersedes = QComboBox()
        self.supersedes.setObjectName("decision_supersedes")
        self.supersedes.addItem("(none)", "")
        for other in design.decisions:
            if other.id != decision.id:
                self.supersedes.addItem(f"{other.label} ({other.id})", other.id)
        self.supersedes.setCurrentIndex(max(0, self.supersedes.findData(decision.supersedes)))

        self.problem = QLabel()
        self.problem.setObjectName("decision_problem")
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self._error_color = "#EF5350" if is_dark() else "#C62828"
        # a line kept for it, shown or not: the fields and buttons above do not jump (under the
        # pointer) when the first letter of a title clears the message
        self.problem.setMinimumHeight(self.problem.fontMetrics().lineSpacing())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if decision.is_acceptance:
            accepted = QLabel(f"Accepts the finding of {decision.rule}")
            accepted.setTextFormat(Qt.TextFormat.PlainText)
            form.addRow("Finding", accepted)
        form.addRow("Title", self.title)
        form.addRow("Status", self.status)
        if decision.is_acceptance:
            form.addRow("Rationale", self.rationale)
        form.addRow("Context", self.context)
        options_box = QVBoxLayout()
        options_box.addWidget(self.options)
        options_box.addLayout(option_buttons)
        form.addRow("Options", options_box)
        form.addRow("Chosen", self.chosen)
        form.addRow("Consequences", self.consequences)
        form.addRow("Concerns", self.components)
        form.addRow("Supersedes", self.supersedes)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        self.options.itemChanged.connect(self._options_changed)
        for edit in (self.title,):
            edit.textChanged.connect(self._update_ok)
        for text in (self.rationale, self.context, self.consequences):
            text.textChanged.connect(self._update_ok)
        self.chosen.currentIndexChanged.connect(self._chosen_picked)
        for combo in (self.status, self.chosen, self.supersedes):
            combo.currentIndexChanged.connect(self._update_ok)
        self._update_ok()
        self.title.setFocus()

    # ---- building -----------------------------------------------------------------------

    @staticmethod
    def _text(value: str, lines: int, placeholder: str) -> QPlainTextEdit:
        edit = QPlainTextEdit(value)
        edit.setTabChangesFocus(True)
        edit.setPlaceholderText(placeholder)
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 14)
        return edit

    def _append_option(self, name: str, pros: list[str], cons: list[str]) -> int:
        row = self.options.rowCount()
        self.options.blockSignals(True)
        self.options.insertRow(row)
        for column, text in enumerate((name, "\n".join(pros), "\n".join(cons))):
            self.options.setItem(row, column, QTableWidgetItem(text))
        self.options.blockSignals(False)
        self.options.resizeRowToContents(row)
        return row

    def _add_option_clicked(self) -> None:
        row = self._append_option(f"Option {self.options.rowCount() + 1}", [], [])
        self.options.setCurrentCell(row, 0)
        name_cell = self.options.item(row, 0)
        if name_cell is not None:
            self.options.editItem(name_cell)
        self._options_changed()

    def _remove_option_clicked(self) -> None:
        rows = sorted({index.row() for index in self.options.selectedIndexes()}, reverse=True)
        if not rows and self.options.currentRow() >= 0:
            rows = [self.options.currentRow()]
        for row in rows:
            self.options.removeRow(row)
            chosen = self._chosen_row
            if chosen is not None:
                self._chosen_row = None if row == chosen else chosen - (row < chosen)
        self._options_changed()

    def _row_names(self) -> list[str]:
        cells = (self.options.item(row, 0) for row in range(self.options.rowCount()))
        return [cell.text().strip() if cell is not None else "" for cell in cells]

    def _row_named(self, name: str) -> int | None:
        names = self._row_names()
        return names.index(name) if name and name in names else None

    def _chosen_picked(self, *_args: object) -> None:
        self._chosen_row = self._row_named(self.chosen.currentData() or "")

    def _options_changed(self, *_args: object) -> None:
        self.options.resizeRowsToContents()
        names, row = self._row_names(), self._chosen_row
        self._fill_chosen(names[row] if row is not None and row < len(names) else "")
        self._update_ok()

    def _fill_chosen(self, keep: str) -> None:
        self.chosen.blockSignals(True)
        self.chosen.clear()
        self.chosen.addItem("(not chosen yet)", "")
        for option in self.option_values():
            self.chosen.addItem(option.name, option.name)
        self.chosen.setCurrentIndex(max(0, self.chosen.findData(keep)))
        self.chosen.blockSignals(False)

    # ---- reading ------------------------------------------------------------------------

    def option_values(self) -> list[DecisionOption]:
        options = []
        for row in range(self.options.rowCount()):
            cells = [self.options.item(row, column) for column in range(len(OPTION_COLUMNS))]
            name, pros, cons = (cell.text() if cell is not None else "" for cell in cells)
            if not name.strip() and not pros.strip() and not cons.strip():
                continue  # an empty row is no option
            name, pro_lines, con_lines = name.strip(), lines_of(pros), lines_of(cons)
            if name:
                options.append(DecisionOption(name=name, pros=pro_lines, cons=con_lines))
            else:  # kept unvalidated so that the check can name the problem
                options.append(DecisionOption.model_construct(name="", pros=pro_lines, cons=con_lines))
        return options

    def decision(self) -> Decision:
        """The record as typed: the original's other fields (id, rule, date, extras) kept."""
        components = [
            self.components.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.components.count())
            if self.components.item(i).checkState() == Qt.CheckState.Checked
        ]
        typed_rationale = self.rationale.toPlainText().strip()
        return self.original.model_copy(
            update={
                "title": self.title.text().strip(),
                "status": self.status.currentData(),
                "rationale": typed_rationale if self.original.is_acceptance else self.original.rationale,
                "context": self.context.toPlainText().strip(),
                "options": self.option_values(),
                "chosen": self.chosen.currentData() or "",
                "consequences": self.consequences.toPlainText().strip(),
                "components": components,
                "supersedes": self.supersedes.currentData() or "",
                "date": self.original.date or now_iso()[:10],
            },
            deep=True,
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Ctrl+Enter records the decision from any field (as in the Accept dialog), once it
        has no problem; Return alone stays a new line in the text boxes."""
        if not ctrl_enter_accepts(self, self.ok_button, event):
            super().keyPressEvent(event)

    def _problem(self) -> tuple[str, str] | None:
        """The first problem as (place under the decision, message to show), or None."""
        decision = self.decision()
        ids = [d.id for d in self.design.decisions] + [decision.id]
        problem = decision_problem(decision, ids)
        if problem is None:
            after = [decision if d.id == decision.id else d for d in self.design.decisions]
            problem = cycle_problem(after if decision.id in ids[:-1] else [*after, decision])
        if problem is None:
            return None
        if problem[0] == ".title":
            return ".title", "Give the decision a title: what was decided, in a few words."
        message = problem[1]
        return problem[0], message[0].upper() + message[1:] + "."

    def problem_text(self) -> str:
        problem = self._problem()
        return problem[1] if problem else ""

    def _update_ok(self, *_args: object) -> None:
        problem = self._problem()
        place, text = problem or ("", "")
        self.problem.setText(text)
        # A field still to fill in (a new decision's title) is a hint, in the muted colour; red
        # is for what is wrong. Red on a dialog just opened read as an error before any typing.
        color = "palette(placeholder-text)" if place in TO_FILL_IN else self._error_color
        self.problem.setStyleSheet(f"color: {color};")
        self.ok_button.setEnabled(problem is None)


def ask_decision(
    parent: QWidget | None, design: Design, decision: Decision, heading: str = "Decision"
) -> Decision | None:
    """The edited decision, or None when the user cancels."""
    dialog = DecisionDialog(design, decision, heading, parent)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted and not dialog.problem_text():
            return dialog.decision()
        return None
    finally:
        dialog.deleteLater()
