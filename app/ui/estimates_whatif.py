"""What-if for the Estimates panel: scale the load, see which figures and findings change.

Qt-free. The design itself is never touched: the figures come from the estimate engine's own
scale factors, and the findings from the rule engine run on a scaled deep copy (the rules
read the load properties, so the copy carries the scaled values).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.catalog import Catalog
from app.domain.model import Design
from app.estimates import DesignEstimate
from app.rules.engine import RuleEngine
from app.rules.model import Finding, RuleSpec

# The inputs the estimate engine multiplies by its what-if factors (app.estimates: endpoint
# load and human review load follow traffic, source events follow volume). Capacities (max_qps,
# throughput per replica, review capacity per day) are not load and never scale. A test checks
# that estimating the scaled copy gives the engine's own scaled figures.
QPS_SCALED: dict[str, frozenset[str]] = {
    "endpoint": frozenset({"qps", "mean_qps"}),
    "human_review": frozenset({"items_per_day"}),
}
VOLUME_SCALED: dict[str, frozenset[str]] = {"data_source": frozenset({"events_per_day"})}
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class FigureChange:
    """One figure whose value differs under the what-if (None: no such figure on that side)."""

    component: str
    name: str
    label: str
    unit: str
    before: float | None
    after: float | None


@dataclass(frozen=True)
class FindingChange:
    """A finding that the scaled design raises anew, no longer raises, or words differently."""

    change: str  # "introduced", "resolved" or "changed"
    finding: Finding
    before: Finding | None = None  # for "changed": the current wording


@dataclass(frozen=True)
class WhatIfResult:
    qps_scale: float
    volume_scale: float
    figures: tuple[FigureChange, ...]
    findings: tuple[FindingChange, ...]
    checking: bool = False  # the findings of the scaled design are still being checked
    error: str = ""  # why the findings could not be checked
    totals: tuple[tuple[str, float, float], ...] = ()  # (key, before, after) of totals that differ

    def is_identity(self) -> bool:
        return self.qps_scale == 1.0 and self.volume_scale == 1.0


def scaled_property(kind: str, name: str, qps_scale: float, volume_scale: float) -> float | None:
    """The factor a property's value is multiplied by, or None when it does not scale."""
    if name in QPS_SCALED.get(kind, ()):
        return qps_scale
    if name in VOLUME_SCALED.get(kind, ()):
        return volume_scale
    return None


def scaled_design(
    design: Design | Mapping[str, Any], qps_scale: float = 1.0, volume_scale: float = 1.0
) -> Design:
    """A copy of `design` with its load properties multiplied (the original is untouched).

    `design` may also be a snapshot (`design.model_dump()`): taking one is quick, so the
    window snapshots on the GUI thread and builds the scaled copy on a worker.
    """
    data = design.model_dump() if isinstance(design, Design) else design
    copy = Design.model_validate(data)
    for component in copy.components:
        for name, value in list(component.properties.items()):
            factor = scaled_property(component.kind, name, qps_scale, volume_scale)
            if factor is None or isinstance(value, bool) or not isinstance(value, int | float):
                continue
            scaled = value * factor
            component.properties[name] = round(scaled) if isinstance(value, int) else float(scaled)
    return copy


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= _TOLERANCE * max(1.0, abs(a), abs(b))


def compare_figures(before: DesignEstimate, after: DesignEstimate) -> tuple[FigureChange, ...]:
    """Figures that differ between two estimates, in component order of `after`, then removed."""
    changes: list[FigureChange] = []
    seen: set[tuple[str, str]] = set()
    for component, figures in after.figures.items():
        for figure in figures:
            seen.add((component, figure.name))
            old = before.figure(component, figure.name)
            if old is None or not _close(old.value, figure.value):
                changes.append(
                    FigureChange(
                        component, figure.name, figure.label, figure.unit,
                        old.value if old is not None else None, figure.value,
                    )
                )  # fmt: skip
    for component, figures in before.figures.items():
        for figure in figures:
            if (component, figure.name) not in seen:
                changes.append(
                    FigureChange(component, figure.name, figure.label, figure.unit, figure.value, None)
                )
    return tuple(changes)


def compare_totals(before: DesignEstimate, after: DesignEstimate) -> tuple[tuple[str, float, float], ...]:
    """(key, before, after) for each design total that differs, in the order of `after`."""
    return tuple(
        (key, before.totals.get(key, 0.0), value)
        for key, value in after.totals.items()
        if not _close(before.totals.get(key, 0.0), value)
    )


def _key(finding: Finding) -> tuple[str, frozenset[str], str]:
    return finding.rule, frozenset(finding.components), finding.subject


def compare_findings(before: Iterable[Finding], after: Iterable[Finding]) -> tuple[FindingChange, ...]:
    """Introduced, resolved and reworded findings (matched by rule, components and subject)."""
    old: dict[tuple[str, frozenset[str], str], list[Finding]] = {}
    for finding in before:
        old.setdefault(_key(finding), []).append(finding)
    introduced: list[FindingChange] = []
    changed: list[FindingChange] = []
    for finding in after:
        bucket = old.get(_key(finding))
        if not bucket:
            introduced.append(FindingChange("introduced", finding))
            continue
        same = next((f for f in bucket if f.message == finding.message), None)
        match = same or bucket[0]
        bucket.remove(match)
        if same is None:
            changed.append(FindingChange("changed", finding, match))
    resolved = [FindingChange("resolved", f) for bucket in old.values() for f in bucket]
    return (*introduced, *resolved, *changed)


def findings_under(
    design: Design | Mapping[str, Any],
    qps_scale: float,
    volume_scale: float,
    current_findings: Sequence[Finding],
    catalog: Catalog | None = None,
    rules: Sequence[RuleSpec] | None = None,
) -> tuple[FindingChange, ...]:
    """Check a scaled copy of `design` (or of its snapshot) and compare its open findings with
    the current ones. `rules`: every registered rule by default; the window passes its live
    checker's. Given a snapshot it touches nothing shared, so it may run off the GUI thread.
    """
    engine = RuleEngine(scaled_design(design, qps_scale, volume_scale), catalog)
    if rules is not None:
        engine.rules = list(rules)
    result = engine.check()
    return compare_findings(
        (f for f in current_findings if not f.accepted), (f for f in result.findings if not f.accepted)
    )


def what_if(
    design: Design,
    current: DesignEstimate,
    scaled: DesignEstimate,
    current_findings: Sequence[Finding],
    qps_scale: float,
    volume_scale: float,
    *,
    catalog: Catalog | None = None,
    rules: Sequence[RuleSpec] | None = None,
) -> WhatIfResult:
    """Compare the current figures and findings with those of the design under the factors.

    `scaled` is the estimate under the factors (EstimateEngine.estimate(qps_scale=...,
    volume_scale=...)); the findings are checked on a scaled copy of `design`.
    """
    figures, totals = compare_figures(current, scaled), compare_totals(current, scaled)
    if qps_scale == 1.0 and volume_scale == 1.0:
        return WhatIfResult(qps_scale, volume_scale, figures, (), totals=totals)
    findings = findings_under(design, qps_scale, volume_scale, current_findings, catalog, rules)
    return WhatIfResult(qps_scale, volume_scale, figures, findings, totals=totals)
