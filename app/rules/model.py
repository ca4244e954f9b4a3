"""Rule specs and findings: plain data shared by the engine, the CLI, the UI and reports."""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, NamedTuple

from app.domain.catalog import STAGE_IDS

if TYPE_CHECKING:
    from app.rules.context import RuleContext

SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}
# The stages a rule can belong to, in the order findings are listed: the catalog's six, then
# the graph's shape, then the design as a whole.
RULE_STAGES = (*STAGE_IDS, "structure", "all")
# Labels of the two rule stages that are not catalog stages (those carry their own label):
# rules about the graph's shape, and rules about the design as a whole.
OTHER_STAGE_LABELS = {"structure": "Structure", "all": "All stages"}

# What a rule inspects (`@rule(kinds=...)`), besides which components exist and how they are
# linked, which every rule may read: the properties and text fields of components of the kinds
# it names, and it raises nothing in a design without any of them; or LINKS: no property or
# text field of any component (it may fire in any design); or ALL: anything.
LINKS = "links"
ALL = "all"


class Hit(NamedTuple):
    """What a check returns: the engine adds the rule's metadata to make a Finding.

    `severity` overrides the rule's default for rules whose severity depends on the case;
    `subject` names what a finding without components is about (R4: the missing stage), so a
    decision can accept that one finding and not every finding of the rule. `unset` names the
    rule-critical properties ("component_id.property") whose being unset raised the hit: an
    unknown never satisfies a rule, and the rubric counts such unknowns against a design.

    A tuple: a large check makes thousands of hits, and a re-run compares them with the last
    run's (`running.Made`), both done in C rather than by a dataclass's __init__ and __eq__.
    """

    message: str
    components: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    severity: str | None = None
    subject: str = ""
    unset: tuple[str, ...] = ()


CheckFunction = Callable[["RuleContext"], Iterable[Hit]]


@dataclass(frozen=True)
class RuleSpec:
    id: str
    title: str
    stage: str
    severity: str
    rationale: str
    suggestion: str
    sources: tuple[str, ...]
    check: CheckFunction = field(compare=False, repr=False)
    condition: str = ""
    unset: str = ""
    ceiling: str = ""  # the highest severity its hits may have (the default severity unless it escalates)
    kinds: tuple[str, ...] = (ALL,)  # the component kinds it inspects, or (LINKS,) or (ALL,)
    reads_decisions: bool = False  # whether the design's decision records change what it finds

    def inspects(self, kind: str) -> bool:
        """Whether an edit of a component of `kind` (a property or a text field) may change
        what the rule finds."""
        return self.kinds == (ALL,) or (self.kinds != (LINKS,) and kind in self.kinds)

    def may_fire(self, present: Container[str]) -> bool:
        """Whether the rule can raise anything in a design whose component kinds are `present`."""
        return self.kinds in ((ALL,), (LINKS,)) or any(kind in present for kind in self.kinds)

    def metadata(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "stage": self.stage,
            "severity": self.severity,
            "rationale": self.rationale,
            "suggestion": self.suggestion,
            "sources": list(self.sources),
            "condition": self.condition,
            "unset": self.unset,
            "kinds": list(self.kinds),
            "reads_decisions": self.reads_decisions,
        }


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    stage: str
    title: str
    message: str
    components: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    subject: str = ""
    suggestion: str = ""
    sources: tuple[str, ...] = ()
    accepted: bool = False
    rationale: str | None = None
    decision: str | None = None
    default_severity: str | None = None
    internal_error: bool = False
    unset: tuple[str, ...] = ()

    @property
    def overridden(self) -> bool:
        return self.default_severity is not None and self.default_severity != self.severity

    def counts(self) -> bool:
        """Whether the finding counts toward `check`'s exit status."""
        return not self.accepted

    def with_changes(self, **changes: Any) -> Finding:
        return replace(self, **changes)

    def to_json_data(self) -> dict[str, Any]:
        data = {
            "rule": self.rule,
            "severity": self.severity,
            "stage": self.stage,
            "title": self.title,
            "message": self.message,
            "components": list(self.components),
            "links": list(self.links),
            "accepted": self.accepted,
            "rationale": self.rationale,
            "suggestion": self.suggestion,
            "sources": list(self.sources),
        }
        if self.subject:
            data["subject"] = self.subject
        if self.overridden:
            data["override"] = {"from": self.default_severity, "to": self.severity}
        if self.internal_error:
            data["internal_error"] = True
        if self.unset:
            data["unset"] = list(self.unset)
        return data
