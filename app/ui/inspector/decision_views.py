"""Inspector parts for decision records: the design's goals, non-goals and assumptions (with the
meta), and the decisions that concern the selected component (each opens the editor)."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from app.domain import decision_ops
from app.domain.model import Meta
from app.ui.decision_dialog import lines_of
from app.ui.document import DesignDocument
from app.ui.inspector.editors import CommitTextEdit
from app.ui.theme import tooltip_html

META_LISTS = (
    ("goals", "Goals", "What the system must achieve, one per line (e.g. p99 under 200 ms at 20k QPS)"),
    ("non_goals", "Non-goals", "What this design deliberately leaves out, one per line"),
    ("assumptions", "Assumptions", "What the design takes as given, one per line"),
)


class MetaListEditors:
    """Three text boxes, one item per line; each commit is one undo step."""

    def __init__(self, document: DesignDocument, edit: Callable[[Callable[[], object]], None]):
        self.document = document
        self.edits: dict[str, CommitTextEdit] = {}
        self.labels: dict[str, QLabel] = {}
        for field, label, placeholder in META_LISTS:
            editor = CommitTextEdit(lines=3)
            editor.setObjectName(f"meta_{field}")
            editor.setPlaceholderText(placeholder)
            description = Meta.model_fields[field].description or ""
            editor.setToolTip(tooltip_html(description + " One item per line."))
            editor.committed.connect(
                lambda value, f=field: edit(lambda: document.set_meta_list(f, lines_of(value or "")))
            )
            self.edits[field] = editor
            hint = "<span style='color: palette(placeholder-text)'>· one per line</span>"
            self.labels[field] = QLabel(f"{html.escape(label)} {hint}")

    def add_to(self, layout: QVBoxLayout) -> None:
        for field, editor in self.edits.items():
            layout.addWidget(self.labels[field])
            layout.addWidget(editor)

    def refresh(self) -> None:
        meta = self.document.design.meta
        for field, editor in self.edits.items():
            editor.set_value("\n".join(getattr(meta, field)))


class ComponentDecisions(QGroupBox):
    """The decisions that concern one component, as links that open the decision editor."""

    activated = Signal(str)

    def __init__(self, document: DesignDocument, parent: QWidget | None = None):
        super().__init__("Decisions", parent)
        self.setObjectName("component_decisions")
        self.document = document
        self.body = QLabel()
        self.body.setObjectName("component_decisions_list")
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.body.linkActivated.connect(self._link)
        layout = QVBoxLayout(self)
        layout.addWidget(self.body)

    def show_component(self, component_id: str) -> list[str]:
        """Show the decisions about `component_id`; returns their ids."""
        decisions = decision_ops.concerning(self.document.design, component_id)
        if not decisions:
            self.body.setText(
                "<span style='color: palette(placeholder-text)'>None yet. "
                "Right-click the card ▸ Record a decision…</span>"
            )
            return []
        rows = []
        for decision in decisions:
            label = html.escape(decision.label)
            detail = f" · chose {html.escape(decision.chosen)}" if decision.chosen else ""
            status = html.escape(decision.status)
            rows.append(
                f"<a href='{html.escape(decision.id)}'>{label}</a> "
                f"<span style='color: palette(placeholder-text)'>({status}{detail})</span>"
            )
        self.body.setText("<br>".join(rows))
        return [d.id for d in decisions]

    def _link(self, href: str) -> None:
        self.activated.emit(href)
