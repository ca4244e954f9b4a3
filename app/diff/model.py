"""What a semantic diff holds: changes by meaning, findings introduced and resolved, coverage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from app.rules.engine import StageCoverage
from app.rules.model import Finding

Action = Literal["added", "removed", "changed"]
Target = Literal["component", "link", "decision", "override", "meta"]
TARGETS: tuple[str, ...] = ("meta", "component", "link", "decision", "override")


@dataclass(frozen=True)
class Change:
    """One change in meaning between two designs.

    `id` is the component, link or decision id, the rule id for an override, the field name
    for meta. `field` names what changed inside it ("name", "kind", "properties.slo_ms",
    "source", "position", ...); it is "" for an added or removed item, whose `old`/`new`
    hold the whole item as JSON data.
    """

    action: Action
    target: Target
    id: str
    field: str = ""
    old: object = None
    new: object = None
    summary: str = ""

    def to_json_data(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "target": self.target,
            "id": self.id,
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "summary": self.summary,
        }


@dataclass(frozen=True)
class DesignDiff:
    """The difference between an OLD and a NEW design (see app.diff.compute.diff_designs)."""

    changes: tuple[Change, ...]
    introduced: tuple[Finding, ...]
    resolved: tuple[Finding, ...]
    coverage_before: dict[str, StageCoverage] = field(default_factory=dict)
    coverage_after: dict[str, StageCoverage] = field(default_factory=dict)
    # Finding key -> decision id, for resolved findings that NEW accepts rather than fixes.
    accepted_in_new: dict[tuple[str, tuple[str, ...], str], str] = field(default_factory=dict)
    names_old: dict[str, str] = field(default_factory=dict)  # component id -> display name
    names_new: dict[str, str] = field(default_factory=dict)

    def is_empty(self) -> bool:
        """No change in meaning (findings and coverage follow from the changes)."""
        return not self.changes

    def changes_of(self, target: str) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.target == target)

    def coverage_gained(self) -> list[str]:
        """Stage ids NEW covers and OLD does not."""
        return [
            s
            for s, cov in self.coverage_after.items()
            if cov.covered and not (s in self.coverage_before and self.coverage_before[s].covered)
        ]

    def coverage_lost(self) -> list[str]:
        """Stage ids OLD covers and NEW does not."""
        return [
            s
            for s, cov in self.coverage_before.items()
            if cov.covered and not (s in self.coverage_after and self.coverage_after[s].covered)
        ]

    def name_of(self, component_id: str) -> str:
        """A component's display name, from NEW when it is there, else from OLD."""
        return self.names_new.get(component_id) or self.names_old.get(component_id) or component_id


def finding_key(finding: Finding) -> tuple[str, tuple[str, ...], str]:
    """How findings of two designs are matched: rule, the components it names, subject."""
    return finding.rule, tuple(sorted(finding.components)), finding.subject
