"""Undo commands: each holds ids and plain data, and changes the design only through
the domain's edit operations, via the document.

One validation path: the commands check nothing themselves. The document runs a command's
first edit (`do_first`) before pushing it: when the edit operation refuses (it raises a
ValueError before touching the design) the error reaches the caller and nothing is pushed;
when the edit changes nothing, nothing is pushed either. The undo stack, its redo history,
its clean state (the document's modified flag) and the design stay as they were. (Marking
the command obsolete inside QUndoStack.push would not do: push drops the redo history first.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from app.domain import ops
from app.domain.model import Component, Decision, Link

if TYPE_CHECKING:
    from app.ui.document import DesignDocument


class DocCommand(QUndoCommand):
    def __init__(self, doc: DesignDocument, text: str):
        super().__init__(text)
        self.doc = doc
        self._first = True  # the next _redo is the first run: it learns the old values
        self._skip_redo = False  # the redo QUndoStack.push calls: do_first did the edit
        self._done_once = False  # the edit ran before: a redo now is the user's Redo

    def do_first(self) -> bool:
        """Do the edit before the document pushes the command; False when it changed nothing.

        Raises whatever the edit operation raises (it refuses before touching the design).
        """
        changed = self._redo()
        self._first = False
        self._skip_redo = changed
        self._done_once = True
        return changed

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        again = self._done_once
        self._redo()
        self._done_once = True
        if again:
            self._redone()

    def _redone(self) -> None:
        """After a Redo (not the edit's first run): what the views should select again."""

    def _redo(self) -> bool:
        """Do the edit; False when it changed nothing (only read on the first run)."""
        raise NotImplementedError


class AddItemsCommand(DocCommand):
    """Add components and the links between them (drop, paste, duplicate)."""

    def __init__(self, doc: DesignDocument, components: list[Component], links: list[Link], text: str):
        super().__init__(doc, text)
        self.components = [c.model_copy(deep=True) for c in components]
        self.links = [lk.model_copy(deep=True) for lk in links]

    def _redo(self) -> bool:
        components = [c.model_copy(deep=True) for c in self.components]
        links = [lk.model_copy(deep=True) for lk in self.links]
        self.doc.apply_changes(ops.add_items(self.doc.design, self.doc.catalog, components, links))
        return True

    def _redone(self) -> None:  # added again: selected, as adding selects what it adds
        self.doc.reselect_items.emit([c.id for c in self.components], [lk.id for lk in self.links])

    def undo(self) -> None:
        design = self.doc.design
        changes: list[ops.Change] = []
        for link in reversed(self.links):
            changes += ops.remove_link(design, link.id)[1]
        for component in reversed(self.components):
            changes += ops.remove_component(design, component.id)[1]
        self.doc.apply_changes(changes)


class RemoveItemsCommand(DocCommand):
    """Remove links and components; a component's links go with it and come back on undo."""

    def __init__(self, doc: DesignDocument, component_ids: list[str], link_ids: list[str], text: str):
        super().__init__(doc, text)
        self.component_ids = list(component_ids)
        self.link_ids = [lid for lid in link_ids]
        self._removed_links: list[tuple[int, Link]] = []
        self._removed_components: list[ops.RemovedComponent] = []

    def _redo(self) -> bool:
        design = self.doc.design
        for component_id in self.component_ids:  # all or nothing
            ops.get_component(design, component_id)
        changes: list[ops.Change] = []
        self._removed_links = []
        self._removed_components = []
        gone = set(self.component_ids)
        for link_id in self.link_ids:
            link = design.link_by_id().get(link_id)
            if link is None or link.source in gone or link.target in gone:
                continue
            removed_link, change = ops.remove_link(design, link_id)
            self._removed_links.append(removed_link)
            changes += change
        for component_id in self.component_ids:
            removed_component, change = ops.remove_component(design, component_id)
            self._removed_components.append(removed_component)
            changes += change
        self.doc.apply_changes(changes)
        return bool(changes)

    def undo(self) -> None:
        design = self.doc.design
        changes: list[ops.Change] = []
        for removed in reversed(self._removed_components):
            changes += ops.restore_component(design, removed)
        for index, link in reversed(self._removed_links):
            changes += ops.add_link(design, link, index)
        self.doc.apply_changes(changes)
        self.doc.reselect_items.emit(list(self.component_ids), list(self.link_ids))


class MoveCommand(DocCommand):
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

    def _redo(self) -> bool:
        self.doc.apply_changes(ops.move_components(self.doc.design, self.new)[1])
        return True

    def undo(self) -> None:
        self.doc.apply_changes(ops.move_components(self.doc.design, self.old)[1])


class SetPinnedCommand(DocCommand):
    """Pin or unpin components (one or a selection)."""

    def __init__(self, doc: DesignDocument, new: Mapping[str, bool], old: Mapping[str, bool], text: str):
        super().__init__(doc, text)
        self.new = dict(new)
        self.old = dict(old)

    def _redo(self) -> bool:
        self.doc.apply_changes(ops.set_pinned(self.doc.design, self.new)[1])
        return True

    def undo(self) -> None:
        self.doc.apply_changes(ops.set_pinned(self.doc.design, self.old)[1])


class SetValueCommand(DocCommand):
    """Sets one value through an edit operation that returns (old value, change records);
    undo sets the old value back. `setter` is that operation, bound to what it edits."""

    def __init__(
        self,
        doc: DesignDocument,
        value: Any,
        text: str,
        setter: Callable[[Any], tuple[Any, list[ops.Change]]],
    ):
        super().__init__(doc, text)
        self.value, self.old, self._set = value, value, setter

    def _canonical(self) -> Any:
        """The value as the operation stored it (the same unless the operation normalises)."""
        return self.value

    def _redo(self) -> bool:
        old, changes = self._set(self.value)
        if self._first:
            self.old, self.value = old, self._canonical()
            if old == self.value:
                return False
        self.doc.apply_changes(changes)
        return True

    def undo(self) -> None:
        self.doc.apply_changes(self._set(self.old)[1])


class SetComponentFieldCommand(SetValueCommand):
    def __init__(self, doc: DesignDocument, component_id: str, field: str, value: str, text: str):
        super().__init__(doc, value, text, self._edit)
        self.component_id, self.field = component_id, field

    def _edit(self, value: Any) -> tuple[Any, list[ops.Change]]:
        return ops.set_component_field(self.doc.design, self.component_id, self.field, value)


class SetPropertyCommand(SetValueCommand):
    def __init__(self, doc: DesignDocument, component_id: str, name: str, value: Any, text: str):
        super().__init__(doc, value, text, self._edit)
        self.component_id, self.name, self.old = component_id, name, None

    def _edit(self, value: Any) -> tuple[Any, list[ops.Change]]:
        design, catalog = self.doc.design, self.doc.catalog
        return ops.set_property(design, catalog, self.component_id, self.name, value)

    def _canonical(self) -> Any:
        return self.doc.component(self.component_id).properties.get(self.name)


class SetLinkFieldsCommand(SetValueCommand):
    def __init__(self, doc: DesignDocument, link_id: str, values: dict[str, Any], text: str):
        super().__init__(doc, dict(values), text, self._edit)
        self.link_id = link_id

    def _edit(self, value: Any) -> tuple[Any, list[ops.Change]]:
        return ops.set_link_fields(self.doc.design, self.link_id, **value)


class SetMetaFieldCommand(SetValueCommand):
    def __init__(self, doc: DesignDocument, field: str, value: str, text: str):
        super().__init__(doc, value, text, self._edit)
        self.field = field

    def _edit(self, value: Any) -> tuple[Any, list[ops.Change]]:
        return ops.set_meta_field(self.doc.design, self.field, value)


class AddDecisionCommand(DocCommand):
    def __init__(self, doc: DesignDocument, decision: Decision, text: str):
        super().__init__(doc, text)
        self.decision = decision.model_copy(deep=True)

    def _redo(self) -> bool:
        self.doc.apply_changes(ops.add_decision(self.doc.design, self.decision.model_copy(deep=True)))
        return True

    def _redone(self) -> None:
        self.doc.reselect_decision.emit(self.decision.id)

    def undo(self) -> None:
        self.doc.apply_changes(ops.remove_decision(self.doc.design, self.decision.id)[1])


class RemoveDecisionCommand(DocCommand):
    def __init__(self, doc: DesignDocument, decision_id: str, text: str):
        super().__init__(doc, text)
        self.decision_id = decision_id
        self._removed: tuple[int, Decision] | None = None

    def _redo(self) -> bool:
        self._removed, changes = ops.remove_decision(self.doc.design, self.decision_id)
        self.doc.apply_changes(changes)
        return True

    def undo(self) -> None:
        if self._removed is None:  # Qt never undoes a command that was not done
            raise RuntimeError(f"decision {self.decision_id!r} was never removed")
        index, decision = self._removed
        self.doc.apply_changes(ops.add_decision(self.doc.design, decision, index))
        self.doc.reselect_decision.emit(decision.id)


class SetRuleOverrideCommand(SetValueCommand):
    def __init__(self, doc: DesignDocument, rule: str, level: str | None, text: str):
        super().__init__(doc, level, text, self._edit)
        self.rule = rule

    def _edit(self, value: Any) -> tuple[Any, list[ops.Change]]:
        return ops.set_rule_override(self.doc.design, self.rule, value)
