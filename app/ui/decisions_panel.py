"""The Decisions dock: the design's decision records with their status.

Design decisions (options weighed, a choice, consequences) and accepted findings are listed
apart. Add, Edit, Supersede and Delete each make one undo step through the document; the
editor is app.ui.decision_dialog (reached through `decision_dialog.ask_decision`).
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import decision_ops, ops
from app.domain.errors import DesignError
from app.domain.model import Decision, now_iso
from app.domain.text import isolate, left_to_right
from app.ui import decision_dialog
from app.ui.document import DesignDocument
from app.ui.theme import ThemeManager, is_dark, tooltip_html

DECISION_ROLE = Qt.ItemDataRole.UserRole + 21
STATUS_COLORS = {"accepted": "#2E7D32", "proposed": "#B26A00", "superseded": "#7A828C", "rejected": "#C62828"}
STATUS_COLORS_DARK = {
    "accepted": "#66BB6A",
    "proposed": "#FFB74D",
    "superseded": "#9AA1AB",
    "rejected": "#EF5350",
}


def status_color(status: str) -> str:
    """The status's text colour, readable on the light and on the dark theme."""
    return (STATUS_COLORS_DARK if is_dark() else STATUS_COLORS).get(status, "#7A828C")
COLUMNS = ("Decision", "Status")
DEFER_MIN = 400  # designs of this many components get their list a turn of the event loop later


class _DecisionTree(QTreeWidget):
    """The list; Delete or Backspace asks to delete the selected decision, as on the canvas (the
    window's Delete is the canvas's: in the list the key did nothing)."""

    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier == Qt.KeyboardModifier.NoModifier
        if plain and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            event.accept()
            self.delete_pressed.emit()
            return
        super().keyPressEvent(event)


class DecisionsPanel(QWidget):
    components_activated = Signal(list)
    message = Signal(str)

    def __init__(self, document: DesignDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.summary = QLabel()
        self.summary.setObjectName("decisions_summary")
        self.summary.setWordWrap(True)
        self.tree = _DecisionTree()
        self.tree.setObjectName("decisions_tree")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.detail = QLabel()
        self.detail.setObjectName("decision_detail")
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_scroll = QScrollArea()
        self.detail_scroll.setWidget(self.detail)
        self.detail_scroll.setWidgetResizable(True)
        self.detail_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.detail_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.add_button = QPushButton("Add…")
        self.add_button.setToolTip(tooltip_html("Record a design decision: the options weighed, the choice."))
        self.edit_button = QPushButton("Edit…")
        self.supersede_button = QPushButton("Supersede…")
        self.supersede_button.setToolTip(
            tooltip_html(
                "Record a new decision that replaces the selected one; the old one stays, marked superseded."
            )
        )
        self.delete_button = QPushButton("Delete")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.supersede_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 2)
        layout.addWidget(self.detail_scroll, 3)
        layout.addLayout(buttons)

        self.add_button.clicked.connect(lambda: self.record_decision([]))
        self.edit_button.clicked.connect(self.edit_selected)
        self.supersede_button.clicked.connect(self.supersede_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.tree.delete_pressed.connect(self.delete_selected)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.tree.itemActivated.connect(lambda item, _c: self.edit_decision(item.data(0, DECISION_ROLE)))
        self.tree.itemClicked.connect(self._item_clicked)
        document.decisions_changed.connect(self.refresh)
        document.reselect_decision.connect(self.select)
        document.design_reset.connect(self._design_reset)
        ThemeManager.instance().changed.connect(self.refresh)
        document.component_changed.connect(self._component_changed)  # names shown for acceptances
        document.component_removed.connect(self._component_changed)
        self.refresh()

    # ---- content ------------------------------------------------------------------------

    def _design_reset(self) -> None:
        """Another design: a large one's list is filled on the next turn of the event loop, not
        in the same turn as everything else an open does (the window answers in between)."""
        if len(self.document.design.components) >= DEFER_MIN:
            QTimer.singleShot(0, self, self.refresh)
        else:
            self.refresh()

    def refresh(self, *_args: object) -> None:
        design = self.document.design
        choices = [d for d in design.decisions if not d.is_acceptance]
        acceptances = [d for d in design.decisions if d.is_acceptance]
        # no selection signal while the list is rebuilt: a button with the keyboard, disabled
        # for that moment, lost it to the canvas (after Edit… or Supersede…)
        blocked = self.tree.blockSignals(True)
        try:
            self._fill(choices, acceptances)
        finally:
            self.tree.blockSignals(blocked)
        weighed = sum(d.weighs_alternatives for d in choices)
        if design.decisions:
            parts = []
            if choices:
                plural = "s" if len(choices) != 1 else ""
                parts.append(f"{len(choices)} design decision{plural} ({weighed} weighing alternatives)")
            if acceptances:
                parts.append(f"{len(acceptances)} accepted finding{'s' if len(acceptances) != 1 else ''}")
            self.summary.setText(" · ".join(parts))
        else:
            self.summary.setText(
                "No decisions yet. Record what you chose, the options you weighed and why (Add…)."
            )
        self._update_buttons()

    def _fill(self, choices: list[Decision], acceptances: list[Decision]) -> None:
        """The list again, the selected decision still selected."""
        selected = self.selected_id()
        design = self.document.design
        names = {c.id: c.name or c.id for c in design.components}
        self.tree.clear()
        described = {**names, **{d.id: f"{d.label} ({d.id})" for d in design.decisions}}  # once, not per row
        for heading, decisions in (("Design decisions", choices), ("Accepted findings", acceptances)):
            if not decisions:
                continue
            group = QTreeWidgetItem([f"{heading} ({len(decisions)})"])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = QFont(group.font(0))
            font.setBold(True)
            group.setFont(0, font)
            self.tree.addTopLevelItem(group)
            group.setFirstColumnSpanned(True)
            for decision in decisions:
                item = self._item(decision, names, described)
                self.tree.addTopLevelItem(item)
                if decision.id == selected:
                    item.setSelected(True)

    def _component_changed(self, component_id: str) -> None:
        if any(component_id in d.components for d in self.document.design.decisions):
            self.refresh()

    def _item(
        self, decision: Decision, names: dict[str, str], described: dict[str, str] | None = None
    ) -> QTreeWidgetItem:
        if decision.is_acceptance:
            concerned = ", ".join(isolate(names.get(c, c)) for c in decision.components) or decision.subject
            texts = [f"Accept {decision.rule}: {concerned}", decision.status]
        else:
            texts = [decision.title, decision.status]
        item = QTreeWidgetItem([text.replace("\n", " ") for text in texts])
        item.setData(0, DECISION_ROLE, decision.id)
        item.setForeground(1, QBrush(QColor(status_color(decision.status))))
        if decision.status in ("superseded", "rejected"):
            font = QFont(item.font(0))
            font.setItalic(True)
            item.setFont(0, font)
        if described is None:  # names of components and decisions, for the tooltip
            labels = {d.id: f"{d.label} ({d.id})" for d in self.document.design.decisions}
            described = {**names, **labels}
        item.setToolTip(0, tooltip_html(self._describe(decision, described)))
        return item

    @staticmethod
    def _describe(decision: Decision, names: dict[str, str]) -> str:
        """Plain text: the decision's context, options with pros and cons, choice, consequences."""
        lines = [decision.label]
        if decision.rationale:
            lines.append(decision.rationale)
        if decision.context:
            lines.append(decision.context)
        for option in decision.options:
            mark = " (chosen)" if option.name == decision.chosen else ""
            pros, cons = "; ".join(option.pros) or "-", "; ".join(option.cons) or "-"
            lines.append(left_to_right(f"{isolate(option.name)}{mark}: + {pros}  − {cons}"))
        if decision.consequences:
            lines.append(f"Consequences: {decision.consequences}")
        if decision.components:
            lines.append("Concerns: " + ", ".join(isolate(names.get(c, c)) for c in decision.components))
        if decision.supersedes:
            lines.append(f"Supersedes {names.get(decision.supersedes, decision.supersedes)}")
        return "\n".join(lines)

    def _detail_html(self, decision: Decision) -> str:
        """The selected decision in full; every user text escaped. A name or title is isolated
        (app/domain/text.py) and the lines our words frame are marked dir='ltr' (Qt takes a block's
        direction from its first letter, isolates or not), so a right-to-left name turns no line
        around; free text (context, pros, consequences) keeps the direction of its own words."""
        names = {c.id: c.name or c.id for c in self.document.design.components}
        e = html.escape

        def named(text: str) -> str:
            return e(isolate(text))

        parts = [f"<div dir='ltr'><b>{named(decision.label)}</b> "
                 f"<span style='color:{status_color(decision.status)}'>{e(decision.status)}</span></div>"]
        if decision.rationale:
            parts.append(f"<p>{e(decision.rationale)}</p>")
        if decision.context:
            parts.append(f"<p>{e(decision.context)}</p>")
        for option in decision.options:
            chosen = option.name == decision.chosen
            head = f"<b>✓ {named(option.name)}</b> (chosen)" if chosen else f"<b>{named(option.name)}</b>"
            points = [("+", p) for p in option.pros] + [("−", c) for c in option.cons]
            rows = "".join(f"<tr><td>&nbsp;{sign}&nbsp;</td><td>{e(text)}</td></tr>" for sign, text in points)
            table = f"<table cellspacing='0'>{rows}</table>"
            parts.append(f"<p dir='ltr' style='margin-bottom:0'>{head}</p>{table}")
        if decision.options and not decision.chosen:
            parts.append("<p><i>No option chosen yet.</i></p>")
        unweighed = decision_ops.alternatives_note(decision) if not decision.is_acceptance else ""
        if unweighed:  # what the rubric, R54 and the summary's count are waiting for
            parts.append(f"<p><i>Alternatives: {e(unweighed)}</i></p>")
        if decision.consequences:
            parts.append(f"<p><b>Consequences:</b> {e(decision.consequences)}</p>")
        elif not decision.is_acceptance:
            parts.append("<p><i>No consequences written yet.</i></p>")
        if decision.components:
            concerned = ", ".join(named(names.get(c, c)) for c in decision.components)
            parts.append(f"<p dir='ltr'><b>Concerns:</b> {concerned}</p>")
        if decision.supersedes:  # named by its title: an id like "d1" says nothing
            old = next((d for d in self.document.design.decisions if d.id == decision.supersedes), None)
            old_name = f"{old.label} ({old.id})" if old is not None else decision.supersedes
            parts.append(f"<p dir='ltr'><b>Supersedes:</b> {named(old_name)}</p>")
        return "".join(parts)

    def _show_detail(self) -> None:
        decision_id = self.selected_id()
        design = self.document.design
        decision = next((d for d in design.decisions if d.id == decision_id), None)
        if decision is None:
            self.detail.setText(
                "<span style='color: palette(placeholder-text)'>Select a decision to see the options "
                "weighed, the choice and its consequences.</span>"
            )
        else:
            self.detail.setText(self._detail_html(decision))

    def selected_id(self) -> str | None:
        items = self.tree.selectedItems()
        return items[0].data(0, DECISION_ROLE) if items else None

    def _listed(self) -> list[str]:
        """The decisions' ids in the list's order."""
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [d for d in (item.data(0, DECISION_ROLE) for item in items if item is not None) if d]

    def select(self, decision_id: str) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.data(0, DECISION_ROLE) == decision_id:
                self.tree.setCurrentItem(item)
                return

    def _update_buttons(self) -> None:
        self._show_detail()
        has = self.selected_id() is not None
        for button in (self.edit_button, self.supersede_button, self.delete_button):
            button.setEnabled(has)

    def _item_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        decision_id = item.data(0, DECISION_ROLE)
        if decision_id is None:
            return
        decision = decision_ops.get_decision(self.document.design, decision_id)
        if decision.components:
            self.components_activated.emit(list(decision.components))

    # ---- actions ----------------------------------------------------------------------

    def _ask(self, decision: Decision, heading: str) -> Decision | None:
        return decision_dialog.ask_decision(self.window(), self.document.design, decision, heading)

    def _try(self, action: Callable[[], object]) -> bool:
        try:
            action()
        except (DesignError, ValueError) as exc:
            self.message.emit(str(exc))
            return False
        return True

    def record_decision(self, component_ids: list[str]) -> str | None:
        """Ask for a new design decision (about these components) and record it."""
        draft = Decision(
            id=ops.new_decision_id(self.document.design),
            components=list(component_ids),
            status="proposed",
            date=now_iso()[:10],
        )
        decision = self._ask(draft, "Record a decision")
        if decision is None:
            return None
        new_id: list[str] = []
        if self._try(lambda: new_id.append(self.document.add_decision(decision))):
            self.select(new_id[0])
            self.message.emit(f"Recorded decision: {decision.label}")
            return new_id[0]
        return None

    def edit_decision(self, decision_id: str | None) -> None:
        if decision_id is None or decision_id not in {d.id for d in self.document.design.decisions}:
            return
        current = decision_ops.get_decision(self.document.design, decision_id)
        edited = self._ask(current, f"Edit decision: {current.label}")
        if edited is not None and self._try(lambda: self.document.update_decision(edited)):
            self.select(decision_id)

    def edit_selected(self) -> None:
        self.edit_decision(self.selected_id())

    def supersede_selected(self) -> None:
        old_id = self.selected_id()
        if old_id is None:
            return
        old = decision_ops.get_decision(self.document.design, old_id)
        draft = old.model_copy(
            update={
                "id": ops.new_decision_id(self.document.design),
                "status": "accepted",
                "supersedes": old_id,
                "date": now_iso()[:10],
            },
            deep=True,
        )
        decision = self._ask(draft, f"Supersede: {old.label}")
        if decision is None:
            return
        new_id: list[str] = []
        if self._try(lambda: new_id.append(self.document.supersede_decision(old_id, decision))):
            self.select(new_id[0])

    def delete_selected(self) -> None:
        """Delete the selected decision; the status bar says which (it asks for no
        confirmation: Undo brings it back) and the keyboard stays on the list."""
        decision_id = self.selected_id()
        if decision_id is None:
            return
        label = decision_ops.get_decision(self.document.design, decision_id).label
        listed = self._listed()
        if self._try(lambda: self.document.remove_decision(decision_id)):
            self.tree.setFocus(Qt.FocusReason.OtherFocusReason)  # not on the disabled button
            after = listed[listed.index(decision_id) + 1 :] + listed[: listed.index(decision_id)][::-1]
            if after:
                self.select(after[0])  # the next one, so the keyboard can go on from there
            self.message.emit(f"Deleted decision: {label} (Undo to restore)")
