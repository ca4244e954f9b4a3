"""The order findings are listed in: by severity (highest first), stage and rule number, each
rule's findings in the order it found them.

Findings are put in groups by that key in one pass (a stable sort; a few hundred keys at
most). A key names one rule, so the engine keeps each rule's groups while its findings stay
the same list and merges the groups of all rules (`merge_groups`) instead of sorting again.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from app.rules.model import RULE_STAGES, SEVERITY_RANK, Finding

Key = tuple[int, int, int]
_STAGE_ORDER = {s: i for i, s in enumerate(RULE_STAGES)}


def group_findings(findings: Iterable[Finding]) -> dict[Key, list[Finding]]:
    """The findings by their key, each group in the order given."""
    keys: dict[tuple[str, str, str], Key] = {}
    groups: dict[Key, list[Finding]] = {}
    for finding in findings:
        severity, stage, rule_id = which = (finding.severity, finding.stage, finding.rule)
        key = keys.get(which)
        if key is None:
            key = keys[which] = (-SEVERITY_RANK[severity], _STAGE_ORDER.get(stage, 99), _num(rule_id))
        group = groups.get(key)
        if group is None:
            groups[key] = [finding]
        else:
            group.append(finding)
    return groups


def merge_groups(parts: Iterable[dict[Key, list[Finding]]]) -> list[Finding]:
    """The findings of several `group_findings` results, in the order of a sort of them all
    taken one after the other."""
    merged: dict[Key, list[Finding]] = {}
    for groups in parts:
        for key, group in groups.items():
            into = merged.get(key)
            if into is None:
                merged[key] = list(group)
            else:
                into.extend(group)
    return [finding for key in sorted(merged) for finding in merged[key]]


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Findings by severity (highest first), stage and rule number (a stable sort)."""
    return merge_groups([group_findings(findings)])


@lru_cache(maxsize=256)
def _num(rule_id: str) -> int:
    digits = "".join(ch for ch in rule_id if ch.isdigit())
    return int(digits) if digits else 0
