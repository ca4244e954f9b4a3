"""The inspector's pages: one component, one link, the design's meta, a multiple selection.

Each page edits through the document only (one undo step per committed edit) and can
`refresh()` from the document without clobbering a field the user is typing in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.domain.catalog import Catalog
from app.domain.errors import DesignError
from app.domain.model import FLOWS, PHASES, Component, Link, Meta
from app.ui.accessibility import describe_field, name_unnamed
from app.ui.document import DesignDocument
from app.ui.focus_chain import chain_tab_order
from app.ui.inspector.decision_views import ComponentDecisions, MetaListEditors
from app.ui.inspector.editors import (
    ChoiceCombo,
    CommitLineEdit,
    CommitTextEdit,
    PropertyWidget,
    make_property_editor,
)
from app.ui.inspector.number_editor import NumberEditor
from app.ui.inspector.property_text import humanize, property_tooltip, value_label
from app.ui.palette import kind_icon
from app.ui.theme import ThemeManager, tooltip_html


def field_tooltip(model: type, name: str) -> str:
    """A pydantic field's description (the one source of field docs) as a tooltip."""
    info = model.model_fields.get(name)  # type: ignore[attr-defined]
    return tooltip_html(info.description or "", None) if info is not None else ""


def make_form() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    form.setHorizontalSpacing(10)
    form.setVerticalSpacing(6)
    return form


def muted_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setForegroundRole(label.foregroundRole())
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


def title_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.15)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


class Page(QWidget):
    """Base of the pages: reports edit errors instead of raising into Qt."""

    message = Signal(str)

    def __init__(self, document: DesignDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self._editors: list[Any] = []

    def _edit(self, action: Callable[[], Any]) -> None:
        try:
            action()
        except (DesignError, ValueError) as exc:
            self.message.emit(str(exc))
            self.refresh()

    def commit_pending(self) -> None:
        for editor in self._editors:
            editor.commit_pending()

    def refresh(self) -> None:  # pragma: no cover - overridden
        pass


class ComponentPage(Page):
    """Name, technology, the kind's properties and notes of one component."""

    def __init__(self, document: DesignDocument, parent: QWidget | None = None):
        super().__init__(document, parent)
        self.component_id: str | None = None
        self._kind: str | None = None
        self.icon = QLabel()
        self.icon.setFixedSize(32, 32)
        self.kind_label = title_label()
        self.stage_chip = QLabel()
        self.stage_chip.setTextFormat(Qt.TextFormat.PlainText)
        self.description = muted_label()
        head_text = QVBoxLayout()
        head_text.setSpacing(2)
        head_text.addWidget(self.kind_label)
        head_text.addWidget(self.stage_chip, 0, Qt.AlignmentFlag.AlignLeft)
        head = QHBoxLayout()
        head.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        head.addLayout(head_text, 1)

        self.name_edit = CommitLineEdit()
        self.name_edit.setObjectName("name")
        self.name_edit.setToolTip(field_tooltip(Component, "name"))
        self.technology_edit = CommitLineEdit()
        self.technology_edit.setObjectName("technology")
        self.technology_edit.setPlaceholderText("e.g. Kafka, Feast, MLflow")
        self.technology_edit.setToolTip(field_tooltip(Component, "technology"))
        self.notes_edit = CommitTextEdit(lines=4)
        self.notes_edit.setObjectName("notes")
        self.notes_edit.setToolTip(field_tooltip(Component, "notes"))
        self.notes_edit.setPlaceholderText("Assumptions, open questions, alternatives…")
        for field, editor in (
            ("name", self.name_edit),
            ("technology", self.technology_edit),
            ("notes", self.notes_edit),
        ):
            editor.committed.connect(lambda value, f=field: self._set_field(f, value))

        # the card menu's words (Pin position / Unpin position); checked while pinned
        self.pinned = QCheckBox("Pin position")
        self.pinned.setObjectName("pinned")
        self.pinned.setToolTip(
            tooltip_html(
                "Pinned components stay put during auto-layout (View > Auto-Layout); "
                "a pinned card shows a pin beside its name."
            )
        )
        self.pinned.clicked.connect(self._set_pinned)

        basics = make_form()
        basics.addRow("Name", self.name_edit)
        basics.addRow("Technology", self.technology_edit)
        basics.addRow("", self.pinned)
        self.properties_box = QGroupBox("Properties")
        self.properties_form = make_form()
        # a field too narrow beside its label (a number with a long unit) goes under it
        self.properties_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.properties_box.setLayout(self.properties_form)
        self.property_editors: dict[str, PropertyWidget] = {}

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addWidget(self.description)
        layout.addLayout(basics)
        layout.addWidget(self.properties_box)
        notes_label = QLabel("Notes")
        layout.addWidget(notes_label)
        layout.addWidget(self.notes_edit)
        self.decisions_box = ComponentDecisions(document)
        layout.addWidget(self.decisions_box)
        layout.addStretch(1)
        ThemeManager.instance().changed.connect(self._theme_changed)

    def _theme_changed(self, _dark: bool) -> None:
        if self._kind is not None:
            spec = self.catalog.kind(self._kind)
            self.icon.setPixmap(kind_icon(spec.icon).pixmap(32, 32) if spec else QPixmap())

    @property
    def catalog(self) -> Catalog:
        return self.document.catalog

    def show_component(self, component_id: str) -> None:
        self.component_id = component_id
        component = self.document.component(component_id)
        if component.kind != self._kind:
            self._build_properties(component.kind)
        self.refresh()

    def _build_properties(self, kind: str) -> None:
        self._kind = kind
        while self.properties_form.rowCount():
            self.properties_form.removeRow(0)
        self.property_editors = {}
        spec = self.catalog.kind(kind)
        stage = self.catalog.stage(spec.stage) if spec else None
        self.kind_label.setText(spec.label if spec else f"Unknown kind: {kind}")
        self.icon.setPixmap(kind_icon(spec.icon).pixmap(32, 32) if spec else QPixmap())
        self.description.setText(spec.description if spec else "This kind is not in the catalog.")
        if stage is not None:
            self.stage_chip.setText(f"{stage.number} · {stage.label}")
            self.stage_chip.setStyleSheet(
                f"background: {stage.color}; color: #1F2328; border-radius: 8px; padding: 1px 8px;"
            )
            self.stage_chip.setToolTip(tooltip_html(stage.description))
        self.stage_chip.setVisible(stage is not None)
        self.technology_edit.set_suggestions(self.catalog.technology_suggestions(kind))
        props = spec.properties if spec else ()
        for prop in props:
            editor = make_property_editor(prop)
            editor.committed.connect(lambda value, name=prop.name: self._set_property(name, value))
            if isinstance(editor, NumberEditor):
                editor.refused.connect(self.message)
            label = QLabel(humanize(prop.name, prop.unit))
            label.setToolTip(property_tooltip(prop))
            label.setBuddy(editor)
            describe_field(editor, label.text(), property_tooltip(prop))
            self.properties_form.addRow(label, editor)
            self.property_editors[prop.name] = editor
        name_unnamed(self.properties_box)  # e.g. the drop-down lists of choice editors
        self.properties_box.setVisible(bool(props))
        editors = list(self.property_editors.values())
        self._editors = [self.name_edit, self.technology_edit, self.notes_edit, *editors]
        chain_tab_order([self.name_edit, self.technology_edit, self.pinned, *editors, self.notes_edit])

    def refresh(self) -> None:
        if self.component_id is None or self.component_id not in self.document.design.component_by_id():
            return
        component = self.document.component(self.component_id)
        self.name_edit.set_value(component.name)
        self.technology_edit.set_value(component.technology)
        self.notes_edit.set_value(component.notes)
        self.pinned.setChecked(component.pinned)
        for name, editor in self.property_editors.items():
            editor.set_value(component.properties.get(name))
        self.decisions_box.show_component(component.id)

    def _set_field(self, field: str, value: str | None) -> None:
        cid = self.component_id
        if cid is not None:
            self._edit(lambda: self.document.set_component_field(cid, field, value or ""))

    def _set_pinned(self, on: bool) -> None:
        cid = self.component_id
        if cid is not None:
            self._edit(lambda: self.document.set_pinned([cid], bool(on)))

    def _set_property(self, name: str, value: Any) -> None:
        cid = self.component_id
        if cid is not None:
            self._edit(lambda: self.document.set_property(cid, name, value))


class LinkPage(Page):
    """Flow, phase, feedback and label of one link."""

    def __init__(self, document: DesignDocument, parent: QWidget | None = None):
        super().__init__(document, parent)
        self.link_id: str | None = None
        self.heading = title_label("Link")
        self.ends = muted_label()
        self.flow = ChoiceCombo([(value_label(f), f) for f in FLOWS])
        self.flow.removeItem(0)  # a link always has a flow
        self.phase = ChoiceCombo([(p, p) for p in PHASES])
        self.phase.removeItem(0)
        self.feedback = QCheckBox("Intended feedback loop")
        self.label = CommitLineEdit()
        self.label.setPlaceholderText("optional text on the arrow")
        for name, widget in (
            ("flow", self.flow),
            ("phase", self.phase),
            ("feedback", self.feedback),
            ("label", self.label),
        ):
            widget.setObjectName(name)
            widget.setToolTip(field_tooltip(Link, name))
        self.flow.committed.connect(lambda v: self._set(flow=v))
        self.phase.committed.connect(lambda v: self._set(phase=v))
        self.feedback.clicked.connect(lambda on: self._set(feedback=bool(on)))
        self.label.committed.connect(lambda v: self._set(label=v or ""))
        self._editors = [self.label]
        form = make_form()
        form.addRow("Flow", self.flow)
        form.addRow("Phase", self.phase)
        form.addRow("", self.feedback)
        form.addRow("Label", self.label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addWidget(self.ends)
        layout.addLayout(form)
        layout.addStretch(1)

    def show_link(self, link_id: str) -> None:
        self.link_id = link_id
        self.refresh()

    def refresh(self) -> None:
        if self.link_id is None or self.link_id not in self.document.design.link_by_id():
            return
        link = self.document.link(self.link_id)
        index = self.document.design.component_by_id()
        source = index[link.source].name if link.source in index else link.source
        target = index[link.target].name if link.target in index else link.target
        self.ends.setText(f"{source}  →  {target}")
        self.flow.set_value(link.flow)
        self.phase.set_value(link.phase)
        self.feedback.setChecked(link.feedback)
        self.label.set_value(link.label)

    def _set(self, **values: Any) -> None:
        lid = self.link_id
        if lid is not None:
            self._edit(lambda: self.document.set_link_fields(lid, **values))


class MetaPage(Page):
    """The design as a whole: title, author, problem statement, notes, and a summary."""

    def __init__(self, document: DesignDocument, parent: QWidget | None = None):
        super().__init__(document, parent)
        self.title_edit = CommitLineEdit()
        self.author_edit = CommitLineEdit()
        self.problem_edit = CommitTextEdit(lines=6)
        self.problem_edit.setPlaceholderText(
            "The business goal, the ML task it becomes, the metrics and the constraints."
        )
        self.notes_edit = CommitTextEdit(lines=4)
        self.edits = {
            "title": self.title_edit,
            "author": self.author_edit,
            "problem": self.problem_edit,
            "notes": self.notes_edit,
        }
        for name, editor in self.edits.items():
            editor.setObjectName(f"meta_{name}")
            editor.setToolTip(field_tooltip(Meta, name))
            editor.committed.connect(lambda value, f=name: self._set(f, value))
        self.lists = MetaListEditors(document, self._edit)
        self._editors = [*self.edits.values(), *self.lists.edits.values()]
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setObjectName("summary")
        self.dates = muted_label()
        self.hint = muted_label("Select a component or link on the canvas to edit it.")
        form = make_form()
        form.addRow("Title", self.title_edit)
        form.addRow("Author", self.author_edit)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        layout.addWidget(title_label("Design"))
        layout.addLayout(form)
        layout.addWidget(QLabel("Problem statement"))
        layout.addWidget(self.problem_edit)
        layout.addWidget(QLabel("Notes"))
        layout.addWidget(self.notes_edit)
        self.lists.add_to(layout)
        layout.addWidget(line)
        layout.addWidget(self.summary)
        layout.addWidget(self.dates)
        layout.addWidget(self.hint)
        layout.addStretch(1)

    def refresh(self) -> None:
        design = self.document.design
        for name, editor in self.edits.items():
            editor.set_value(getattr(design.meta, name))
        self.lists.refresh()
        self.refresh_summary()

    def refresh_summary(self) -> None:
        design = self.document.design

        def count(n: int, word: str) -> str:
            return f"{n} {word}" if n == 1 else f"{n} {word}s"

        self.summary.setText(
            " · ".join(
                (
                    count(len(design.components), "component"),
                    count(len(design.links), "link"),
                    count(len(design.decisions), "decision"),
                )
            )
        )
        created, modified = design.meta.created[:10], design.meta.modified[:10]
        saved = f"last saved {modified}" if self.document.path is not None else "not saved yet"
        self.dates.setText(f"Created {created} · {saved}")

    def _set(self, field: str, value: str | None) -> None:
        self._edit(lambda: self.document.set_meta_field(field, value or ""))
