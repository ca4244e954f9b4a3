"""The rows of the change list: one per semantic change, then the findings each side lacks.

Plain data (no Qt): what a row says, how it is marked and which canvas items it concerns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.diff import Change, DesignDiff
from app.domain.model import Design
from app.rules.model import Finding

SYMBOLS = {"added": "+", "removed": "−", "changed": "~", "introduced": "!", "resolved": "✓"}


@dataclass(frozen=True)
class Entry:
    """One row: `action` is added/removed/changed (a change) or introduced/resolved (a finding)."""

    action: str
    target: str  # component, link, decision, override, meta, or finding
    id: str
    text: str
    components: tuple[str, ...] = ()  # cards to select for decisions and findings

    @property
    def display(self) -> str:
        return f"{SYMBOLS.get(self.action, '·')}  {self.text}"


def _change_text(change: Change) -> str:
    if change.summary:
        return change.summary
    detail = f" {change.field}" if change.field else ""
    return f"{change.target} {change.id}{detail} {change.action}"


def _decision_components(decision_id: str, designs: Iterable[Design]) -> tuple[str, ...]:
    for design in designs:
        for decision in design.decisions:
            if decision.id == decision_id:
                return tuple(decision.components)
    return ()


def _finding_text(finding: Finding, verb: str) -> str:
    return f"{verb} {finding.rule} · {finding.severity}: {finding.title or finding.message}"


def build_entries(diff: DesignDiff, old: Design, new: Design) -> list[Entry]:
    entries = []
    for change in diff.changes:
        components: tuple[str, ...] = ()
        if change.target == "decision":
            components = _decision_components(change.id, (new, old))
        entries.append(Entry(change.action, change.target, change.id, _change_text(change), components))
    for verb, action, findings in (
        ("Introduced", "introduced", diff.introduced),
        ("Resolved", "resolved", diff.resolved),
    ):
        for finding in findings:
            entries.append(
                Entry(
                    action, "finding", finding.rule, _finding_text(finding, verb), tuple(finding.components)
                )
            )
    return entries


def count_line(diff: DesignDiff) -> str:
    """E.g. '2 added · 1 removed · 3 changed · findings: 1 introduced, 2 resolved'."""
    counts = {"added": 0, "removed": 0, "changed": 0}
    for change in diff.changes:
        counts[change.action] = counts.get(change.action, 0) + 1
    parts = [f"{n} {action}" for action, n in counts.items()]
    parts.append(f"findings: {len(diff.introduced)} introduced, {len(diff.resolved)} resolved")
    return " · ".join(parts)
