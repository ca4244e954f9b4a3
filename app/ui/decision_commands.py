"""Undo commands of decision records and of the design's goals, non-goals and assumptions.

Adding and removing a decision use AddDecisionCommand and RemoveDecisionCommand (app.ui.commands);
these cover editing, superseding, and the meta lists. Each changes the design only through
app.domain.decision_ops, via the document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.domain import decision_ops
from app.domain.model import Decision
from app.ui.commands import DocCommand

if TYPE_CHECKING:
    from app.ui.document import DesignDocument


class UpdateDecisionCommand(DocCommand):
    """Replace a decision record by an edited copy with the same id. Undo and Redo select it
    (in the Decisions dock), as undoing a removal selects what it restores."""

    def __init__(self, doc: DesignDocument, new: Decision, old: Decision, text: str):
        super().__init__(doc, text)
        self.new = new.model_copy(deep=True)
        self.old = old.model_copy(deep=True)

    def _redo(self) -> bool:
        self._set(self.new)
        return True

    def _redone(self) -> None:
        self.doc.reselect_decision.emit(self.new.id)

    def undo(self) -> None:
        self._set(self.old)
        self.doc.reselect_decision.emit(self.old.id)

    def _set(self, decision: Decision) -> None:
        changes = decision_ops.update_decision(self.doc.design, decision.model_copy(deep=True))[1]
        self.doc.apply_changes(changes)


class SupersedeDecisionCommand(DocCommand):
    """Add a decision that supersedes another, and mark the other superseded: one step. Undo
selects the other decision, back in force; Redo the new one."""

    def __init__(self, doc: DesignDocument, old_id: str, new: Decision, text: str):
        super().__init__(doc, text)
        self.old_id = old_id
        self.new = new.model_copy(deep=True)
        self._previous_status = "accepted"

    def _redo(self) -> bool:
        design = self.doc.design
        self._previous_status, changes = decision_ops.supersede_decision(
            design, self.old_id, self.new.model_copy(deep=True)
        )
        self.doc.apply_changes(changes)
        return True

    def _redone(self) -> None:
        self.doc.reselect_decision.emit(self.new.id)

    def undo(self) -> None:
        design = self.doc.design
        changes = decision_ops.remove_decision(design, self.new.id)[1]
        changes += decision_ops.set_decision_status(design, self.old_id, self._previous_status)[1]
        self.doc.apply_changes(changes)
        self.doc.reselect_decision.emit(self.old_id)  # the decision in force again


class SetMetaListCommand(DocCommand):
    def __init__(self, doc: DesignDocument, field: str, items: list[str], old: list[str], text: str):
        super().__init__(doc, text)
        self.field, self.items, self.old = field, list(items), list(old)

    def redo(self) -> None:
        self.doc.apply_changes(decision_ops.set_meta_list(self.doc.design, self.field, list(self.items))[1])

    def undo(self) -> None:
        self.doc.apply_changes(decision_ops.set_meta_list(self.doc.design, self.field, list(self.old))[1])
