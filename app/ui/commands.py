"""Undo commands: each holds ids and plain data, and changes the design only through
the domain's edit operations, via the document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from app.domain import ops
from app.domain.model import Component, Decision, Link

if TYPE_CHECKING:
    from app.ui.document import DesignDocument


class _DocCommand(QUndoCommand):
    def __init__(self, doc: DesignDocument, text: str):
        super().__init__(text)
        self.doc = doc


class AddItemsCommand(_DocCommand):
    """Add components and the links between them (drop, paste, duplicate)."""

    def __init__(self, doc: DesignDocument, components: list[Component], links: list[Link], text: str):
        super().__init__(doc, text)
        self.components = [c.model_copy(deep=True) for c in components]
        self.links = [lk.model_copy(deep=True) for lk in links]

    def redo(self) -> None:
        design, catalog = self.doc.design, self.doc.catalog
        changes: list[ops.Change] = []
        for component in self.components:
            changes += ops.add_component(design, catalog, component.model_copy(deep=True))
        for link in self.links:
            changes += ops.add_link(design, link.model_copy(deep=True))
        self.doc.apply_changes(changes)

    def undo(self) -> None:
        design = self.doc.design
        changes: list[ops.Change] = []
        for link in reversed(self.links):
            changes += ops.remove_link(design, link.id)[1]
        for component in reversed(self.components):
            changes += ops.remove_component(design, component.id)[1]
        self.doc.apply_changes(changes)


class RemoveItemsCommand(_DocCommand):
    """Remove links and components; a component's links go with it and come back on undo."""

    def __init__(self, doc: DesignDocument, component_ids: list[str], link_ids: list[str], text: str):
        super().__init__(doc, text)
        self.component_ids = list(component_ids)
        self.link_ids = [lid for lid in link_ids]
        self._removed_links: list[tuple[int, Link]] = []
        self._removed_components: list[ops.RemovedComponent] = []

    def redo(self) -> None:
        design = self.doc.design
        changes: list[ops.Change] = []
        self._removed_links = []
        self._removed_components = []
        gone = set(self.component_ids)
        for link_id in self.link_ids:
            link = design.link_by_id().get(link_id)
            if link is None or link.source in gone or link.target in gone:
                continue
            removed, change = ops.remove_link(design, link_id)
            self._removed_links.append(removed)
            changes += change
        for component_id in self.component_ids:
            removed, change = ops.remove_component(design, component_id)
            self._removed_components.append(removed)
            changes += change
        self.doc.apply_changes(changes)

    def undo(self) -> None:
        design = self.doc.design
        changes: list[ops.Change] = []
        for removed in reversed(self._removed_components):
            changes += ops.restore_component(design, removed)
        for index, link in reversed(self._removed_links):
            changes += ops.add_link(design, link, index)
        self.doc.apply_changes(changes)


class MoveCommand(_DocCommand):
    """Move components; a whole mouse drag of many items is one command."""

    def __init__(
        self,
        doc: DesignDocument,
        new: Mapping[str, tuple[float, float]],
        old: Mapping[str, tuple[float, float]],
        text: str,
    ):
        super().__init__(doc, text)
        self.new = dict(new)
        self.old = dict(old)

    def redo(self) -> None:
        self.doc.apply_changes(ops.move_components(self.doc.design, self.new)[1])

    def undo(self) -> None:
        self.doc.apply_changes(ops.move_components(self.doc.design, self.old)[1])


class SetPinnedCommand(_DocCommand):
    """Pin or unpin components (one or a selection)."""

    def __init__(self, doc: DesignDocument, new: Mapping[str, bool], old: Mapping[str, bool], text: str):
        super().__init__(doc, text)
        self.new = dict(new)
        self.old = dict(old)

    def redo(self) -> None:
        self.doc.apply_changes(ops.set_pinned(self.doc.design, self.new)[1])

    def undo(self) -> None:
        self.doc.apply_changes(ops.set_pinned(self.doc.design, self.old)[1])


class SetComponentFieldCommand(_DocCommand):
    def __init__(self, doc: DesignDocument, component_id: str, field: str, value: str, old: str, text: str):
        super().__init__(doc, text)
        self.component_id, self.field, self.value, self.old = component_id, field, value, old

    def redo(self) -> None:
        design = self.doc.design
        self.doc.apply_changes(ops.set_component_field(design, self.component_id, self.field, self.value)[1])

    def undo(self) -> None:
        design = self.doc.design
        self.doc.apply_changes(ops.set_component_field(design, self.component_id, self.field, self.old)[1])


class SetPropertyCommand(_DocCommand):
    def __init__(self, doc: DesignDocument, component_id: str, name: str, value: Any, old: Any, text: str):
        super().__init__(doc, text)
        self.component_id, self.name, self.value, self.old = component_id, name, value, old

    def _set(self, value: Any) -> None:
        design, catalog = self.doc.design, self.doc.catalog
        self.doc.apply_changes(ops.set_property(design, catalog, self.component_id, self.name, value)[1])

    def redo(self) -> None:
        self._set(self.value)

    def undo(self) -> None:
        self._set(self.old)


class SetLinkFieldsCommand(_DocCommand):
    def __init__(
        self, doc: DesignDocument, link_id: str, values: dict[str, Any], old: dict[str, Any], text: str
    ):
        super().__init__(doc, text)
        self.link_id, self.values, self.old = link_id, dict(values), dict(old)

    def redo(self) -> None:
        self.doc.apply_changes(ops.set_link_fields(self.doc.design, self.link_id, **self.values)[1])

    def undo(self) -> None:
        self.doc.apply_changes(ops.set_link_fields(self.doc.design, self.link_id, **self.old)[1])


class SetMetaFieldCommand(_DocCommand):
    def __init__(self, doc: DesignDocument, field: str, value: str, old: str, text: str):
        super().__init__(doc, text)
        self.field, self.value, self.old = field, value, old

    def redo(self) -> None:
        self.doc.apply_changes(ops.set_meta_field(self.doc.design, self.field, self.value)[1])

    def undo(self) -> None:
        self.doc.apply_changes(ops.set_meta_field(self.doc.design, self.field, self.old)[1])


class AddDecisionCommand(_DocCommand):
    def __init__(self, doc: DesignDocument, decision: Decision, text: str):
        super().__init__(doc, text)
        self.decision = decision.model_copy(deep=True)

    def redo(self) -> None:
        self.doc.apply_changes(ops.add_decision(self.doc.design, self.decision.model_copy(deep=True)))

    def undo(self) -> None:
        self.doc.apply_changes(ops.remove_decision(self.doc.design, self.decision.id)[1])


class RemoveDecisionCommand(_DocCommand):
    def __init__(self, doc: DesignDocument, decision_id: str, text: str):
        super().__init__(doc, text)
        self.decision_id = decision_id
        self._removed: tuple[int, Decision] | None = None

    def redo(self) -> None:
        self._removed, changes = ops.remove_decision(self.doc.design, self.decision_id)
        self.doc.apply_changes(changes)

    def undo(self) -> None:
        assert self._removed is not None
        index, decision = self._removed
        self.doc.apply_changes(ops.add_decision(self.doc.design, decision, index))


class SetRuleOverrideCommand(_DocCommand):
    def __init__(self, doc: DesignDocument, rule: str, level: str | None, old: str | None, text: str):
        super().__init__(doc, text)
        self.rule, self.level, self.old = rule, level, old

    def redo(self) -> None:
        self.doc.apply_changes(ops.set_rule_override(self.doc.design, self.rule, self.level)[1])

    def undo(self) -> None:
        self.doc.apply_changes(ops.set_rule_override(self.doc.design, self.rule, self.old)[1])
