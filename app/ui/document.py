"""DesignDocument: the one way to change a design in the window.

It owns the Design and a QUndoStack. Every change is an undo command that calls the
domain's edit operations; the document then tells the rule engine's graph and emits one
signal per changed item, which the scene, inspector and findings panel mirror.

The document does not validate: the edit operations do, and a refused edit raises their
ValueError (a DesignError naming the field and the problem) and leaves no command on the
stack and no modified flag (see app/ui/commands.py). It does clean text at this boundary,
by the rule of app/domain/safe_text.py: whatever the window's inputs or the clipboard hand
it, a lone surrogate becomes U+FFFD and control characters other than tab and line breaks
are removed, so the window never puts into a design text that could not be saved or loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import shiboken6
from pydantic import ValidationError
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from app.domain import decision_ops, ops
from app.domain.catalog import Catalog, default_catalog
from app.domain.edit_checks import check_new_name
from app.domain.errors import InvalidFieldError
from app.domain.model import Component, Decision, Design, Link, Position, empty_design
from app.domain.safe_text import clean_data, clean_text, find_invalid_text
from app.rules.engine import RuleEngine
from app.ui import commands, decision_commands

UNDO_LIMIT = 1000  # documented in docs/reliability.md: older steps are dropped


class DesignDocument(QObject):
    component_added = Signal(str)
    component_removed = Signal(str)
    component_changed = Signal(str)
    component_moved = Signal(str)
    link_added = Signal(str)
    link_removed = Signal(str)
    link_changed = Signal(str)
    meta_changed = Signal()
    decisions_changed = Signal()
    # Undo brought back, or Redo added again, these components and links / this decision:
    # the views select them (the canvas, and through it the inspector; the Decisions dock).
    reselect_items = Signal(list, list)
    reselect_decision = Signal(str)
    overrides_changed = Signal()
    design_reset = Signal()
    changed = Signal()
    path_changed = Signal(str)

    def __init__(
        self,
        design: Design | None = None,
        path: str | Path | None = None,
        catalog: Catalog | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.catalog = catalog or default_catalog()
        self._design = design or empty_design()
        self._path: Path | None = Path(path) if path else None
        self.disk_signature: tuple[int, int] | None = None
        self.engine = RuleEngine(self._design, self.catalog)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(UNDO_LIMIT)

    def __del__(self) -> None:
        """Empty the undo stack before the document's Qt object goes.

        Each command refers to its document, so a document with a history is freed by the
        cyclic garbage collector, which breaks the cycle's objects apart in no set order. The
        stack's own destructor, deleting the commands after that, crashed the test suite now
        and then (a segmentation fault in QUndoStack::clear under a full collection).
        Finalizers run before the collector breaks any cycle: here every command is still
        whole. The stack deletes them with its signals blocked, as the views listening to it
        may be going too."""
        stack = self.__dict__.get("undo_stack")
        if stack is not None and shiboken6.isValid(stack):
            stack.blockSignals(True)
            stack.clear()

    # ---- state -----------------------------------------------------------------------------

    @property
    def design(self) -> Design:
        return self._design

    @property
    def path(self) -> Path | None:
        return self._path

    def set_path(self, path: str | Path | None) -> None:
        self._path = Path(path) if path else None
        self.path_changed.emit(str(self._path) if self._path else "")

    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def mark_saved(self) -> None:
        self.undo_stack.setClean()

    def display_name(self) -> str:
        return self._path.name if self._path else (self._design.meta.title or "Untitled")

    def reset(self, design: Design, path: str | Path | None = None) -> None:
        """Replace the whole design (new, open, restore); clears the undo history."""
        self.undo_stack.clear()
        self._design = design
        self.engine.reset(design)
        self.set_path(path)
        self.design_reset.emit()
        self.changed.emit()
        self.undo_stack.setClean()

    def apply_changes(self, changes: Iterable[ops.Change]) -> None:
        """Called by commands after an edit operation: update the graph, then tell the views."""
        changes = list(changes)
        self.engine.apply(changes)
        emitters = {
            "component_added": self.component_added.emit,
            "component_removed": self.component_removed.emit,
            "component_changed": self.component_changed.emit,
            "component_moved": self.component_moved.emit,
            "link_added": self.link_added.emit,
            "link_removed": self.link_removed.emit,
            "link_changed": self.link_changed.emit,
        }
        flags = set()
        for change in changes:
            emit = emitters.get(change.what)
            if emit is not None:
                emit(change.id)
            else:
                flags.add(change.what)
        if "meta_changed" in flags:
            self.meta_changed.emit()
        if "decisions_changed" in flags:
            self.decisions_changed.emit()
        if "overrides_changed" in flags:
            self.overrides_changed.emit()
        if changes:
            self.changed.emit()

    # ---- lookups ---------------------------------------------------------------------------

    def component(self, component_id: str) -> Component:
        return ops.get_component(self._design, component_id)

    def link(self, link_id: str) -> Link:
        return ops.get_link(self._design, link_id)

    # ---- edits (each one undo step, pushed only if the edit operation accepts it) ---------

    def _push(self, command: commands.DocCommand) -> None:
        """Do the command's edit, then push it; a refused edit raises and pushes nothing."""
        if command.do_first():
            self.undo_stack.push(command)

    def add_component(self, kind: str, x: float, y: float, name: str | None = None) -> str:
        name = clean_text(name) if isinstance(name, str) else name
        component = ops.make_component(self._design, self.catalog, kind, x, y, name)
        label = self.catalog.kinds[kind].label
        self._push(commands.AddItemsCommand(self, [component], [], f"Add {label}"))
        return component.id

    def add_linked_component(self, source: str, kind: str, x: float, y: float) -> tuple[str, str]:
        """A new card of `kind` at (x, y) linked from `source`, as one undo step (a link dropped
        on empty canvas); returns the new component id and link id."""
        origin = self.component(source)
        component = ops.make_component(self._design, self.catalog, kind, x, y)
        flow = self.catalog.default_flow(origin.kind, kind)
        link = Link(id=ops.new_link_id(self._design), source=source, target=component.id, flow=flow)
        text = f"Add {self.catalog.kinds[kind].label} linked from {origin.name}"
        self._push(commands.AddItemsCommand(self, [component], [link], text))
        return component.id, link.id

    def add_items(
        self, components: list[Component], links: list[Link], text: str = "Paste"
    ) -> tuple[list[str], list[str]]:
        """Add copies of components and the links among them with fresh ids (paste, duplicate).

        Returns the new component ids and link ids, in the given order.
        """
        taken = set(self._design.component_by_id())
        id_map: dict[str, str] = {}
        fresh: list[Component] = []
        for component in components:
            if self.catalog.kind(component.kind) is None:
                continue
            new_id = ops.next_id(f"{component.kind}_", taken)
            taken.add(new_id)
            id_map[component.id] = new_id
            copy = Component.model_validate(clean_data(component.model_dump()))
            copy.id = new_id
            fresh.append(copy)
        taken_links = set(self._design.link_by_id())
        new_links: list[Link] = []
        for link in links:
            if link.source not in id_map or link.target not in id_map:
                continue
            link_id = ops.next_id("l", taken_links)
            taken_links.add(link_id)
            data = {**clean_data(link.model_dump()), "source": id_map[link.source]}
            link_copy = Link.model_validate({**data, "id": link_id, "target": id_map[link.target]})
            new_links.append(link_copy)
        if fresh:
            self._push(commands.AddItemsCommand(self, fresh, new_links, text))
        return [c.id for c in fresh], [lk.id for lk in new_links]

    def remove_items(self, component_ids: Iterable[str], link_ids: Iterable[str] = ()) -> None:
        component_ids = [cid for cid in component_ids if cid in self._design.component_by_id()]
        link_ids = [lid for lid in link_ids if lid in self._design.link_by_id()]
        if not component_ids and not link_ids:
            return
        count = len(component_ids) + len(link_ids)
        text = "Delete 1 item" if count == 1 else f"Delete {count} items"
        self._push(commands.RemoveItemsCommand(self, component_ids, link_ids, text))

    def move_components(self, positions: Mapping[str, tuple[float, float]], text: str = "Move") -> None:
        index = self._design.component_by_id()
        old = {cid: (index[cid].position.x, index[cid].position.y) for cid in positions if cid in index}
        new = {cid: (x, y) for cid, (x, y) in positions.items() if cid in index}
        if not new or all(old[cid] == new[cid] for cid in new):
            return
        count = len(new)
        label = text if count == 1 or text != "Move" else f"Move {count} components"
        self._push(commands.MoveCommand(self, new, old, label))

    def set_pinned(self, component_ids: Iterable[str], pinned: bool) -> None:
        """Pin (auto-layout leaves them in place) or unpin components: one undo step."""
        index = self._design.component_by_id()
        ids = [cid for cid in dict.fromkeys(component_ids) if cid in index and index[cid].pinned != pinned]
        if not ids:
            return
        verb = "Pin position of" if pinned else "Unpin position of"  # as the card menu says it
        text = f"{verb} {index[ids[0]].name}" if len(ids) == 1 else f"{verb} {len(ids)} components"
        old = {cid: index[cid].pinned for cid in ids}
        self._push(commands.SetPinnedCommand(self, {cid: pinned for cid in ids}, old, text))

    def connect(self, source: str, target: str, **fields: Any) -> str:
        """Link two components; raises InvalidLinkError for a self-link or duplicate."""
        link = ops.make_link(self._design, self.catalog, source, target, **clean_data(fields))
        text = f"Connect {self.component(source).name} to {self.component(target).name}"
        self._push(commands.AddItemsCommand(self, [], [link], text))
        return link.id

    def set_component_field(self, component_id: str, field: str, value: str) -> None:
        text = f"Change {field} of {self.component(component_id).name}"
        value = clean_data(value)
        if field == "name":
            check_new_name(value)  # the window's renames (inspector, canvas); not undo's
        self._push(commands.SetComponentFieldCommand(self, component_id, field, value, text))

    def set_property(self, component_id: str, name: str, value: Any) -> None:
        text = f"Set {name} of {self.component(component_id).name}"
        self._push(commands.SetPropertyCommand(self, component_id, name, clean_data(value), text))

    def set_link_fields(self, link_id: str, **values: Any) -> None:
        self._push(commands.SetLinkFieldsCommand(self, link_id, clean_data(values), "Edit link"))

    def set_meta_field(self, field: str, value: str) -> None:
        self._push(commands.SetMetaFieldCommand(self, field, clean_data(value), f"Edit {field}"))

    def accept_finding(
        self, rule: str, component_ids: Iterable[str], rationale: str, subject: str = ""
    ) -> str:
        """Record a decision that accepts a finding; returns the decision id."""
        decision = ops.make_decision(self._design, rule, component_ids, clean_data(rationale), subject)
        self._push(commands.AddDecisionCommand(self, decision, f"Accept {rule}"))
        return decision.id

    def remove_decision(self, decision_id: str) -> None:
        self._push(commands.RemoveDecisionCommand(self, decision_id, "Remove decision"))

    def set_rule_override(self, rule: str, level: str | None) -> None:
        """Set a rule's per-design severity (off, info, warning, error); None clears it."""
        self._push(commands.SetRuleOverrideCommand(self, rule, level, f"Override {rule}"))

    # ---- decision records and the design's goals, non-goals, assumptions ------------------
    # Each validates first (a refused edit pushes no command), then is one undo step.

    def add_decision(self, decision: Decision) -> str:
        """Record a decision (a fresh id when it has none); returns its id."""
        decision = _cleaned(decision)
        if not decision.id:
            decision.id = ops.new_decision_id(self._design)
        decision_ops.check_decision(self._design, decision)
        text = f"Record decision: {decision.label}"
        self.undo_stack.push(commands.AddDecisionCommand(self, decision, text))
        return decision.id

    def update_decision(self, decision: Decision) -> None:
        """Replace the decision with the same id by this edited copy."""
        decision = _cleaned(decision)
        old = decision_ops.get_decision(self._design, decision.id)
        if old.model_dump() == decision.model_dump():
            return
        decision_ops.check_decision(self._design, decision, replacing=decision.id)
        text = f"Edit decision: {decision.label}"
        self.undo_stack.push(decision_commands.UpdateDecisionCommand(self, decision, old, text))

    def supersede_decision(self, old_id: str, decision: Decision) -> str:
        """Record `decision` as superseding `old_id`, which becomes superseded; returns the new id."""
        old = decision_ops.get_decision(self._design, old_id)
        decision = _cleaned(decision)
        if not decision.id:
            decision.id = ops.new_decision_id(self._design)
        decision.supersedes = old_id
        decision_ops.check_decision(self._design, decision)
        text = f"Supersede {old.label} by {decision.label}"
        self.undo_stack.push(decision_commands.SupersedeDecisionCommand(self, old_id, decision, text))
        return decision.id

    def set_meta_list(self, field: str, items: list[str]) -> None:
        """Set the design's goals, non_goals or assumptions (one short text each)."""
        items = clean_data(items)
        decision_ops.check_meta_list(field, items)
        old = list(getattr(self._design.meta, field))
        if old == list(items):
            return
        text = f"Edit {field.replace('_', '-')}"
        self.undo_stack.push(decision_commands.SetMetaListCommand(self, field, list(items), old, text))

    def begin_macro(self, text: str) -> None:
        self.undo_stack.beginMacro(text)

    def end_macro(self) -> None:
        self.undo_stack.endMacro()

    def position_of(self, component_id: str) -> Position:
        return self.component(component_id).position


def _cleaned(decision: Decision) -> Decision:
    """A copy of `decision` whose text fits the rule of app/domain/safe_text.py (a draft may
    still lack its id: the document gives it one)."""
    data = decision.model_dump()
    if find_invalid_text(data) is None:
        return decision.model_copy(deep=True)
    try:
        cleaned = Decision.model_validate({**clean_data(data), "id": "draft"})
    except ValidationError as exc:  # e.g. a name that held only control characters
        first = exc.errors(include_url=False)[0]
        raise InvalidFieldError(".".join(map(str, first["loc"])), first["msg"]) from None
    cleaned.id = clean_text(decision.id)
    return cleaned
