"""Running the rules: overrides, decisions, coverage and the incremental engine."""

from __future__ import annotations

import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from app.domain.catalog import STAGE_IDS, Catalog, default_catalog
from app.domain.graph import GraphMirror
from app.domain.model import Design
from app.domain.ops import Change
from app.rules.context import RuleContext
from app.rules.model import SEVERITY_RANK, Finding, RuleSpec
from app.rules.registry import all_rules

FAIL_LEVELS = ("error", "warning", "info", "never")


@dataclass
class StageCoverage:
    stage: str
    label: str
    components: list[str]
    missing_kinds: list[str]

    @property
    def covered(self) -> bool:
        return bool(self.components)


@dataclass
class CheckResult:
    findings: list[Finding]
    coverage: dict[str, StageCoverage]
    rules_checked: list[RuleSpec] = field(default_factory=list)
    overrides_applied: dict[str, str] = field(default_factory=dict)

    def summary(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0, "accepted": 0}
        for finding in self.findings:
            if finding.accepted:
                counts["accepted"] += 1
            else:
                counts[finding.severity] += 1
        return counts

    def open_findings(self) -> list[Finding]:
        return [f for f in self.findings if not f.accepted]

    def fails(self, fail_on: str = "error") -> bool:
        """True if an unaccepted finding is at or above `fail_on`."""
        if fail_on == "never":
            return False
        floor = SEVERITY_RANK[fail_on]
        return any(SEVERITY_RANK[f.severity] >= floor for f in self.open_findings())

    def findings_for(self, component_id: str) -> list[Finding]:
        return [f for f in self.findings if component_id in f.components]


def stage_coverage(design: Design, catalog: Catalog) -> dict[str, StageCoverage]:
    by_stage: dict[str, list[str]] = {s: [] for s in STAGE_IDS}
    for component in design.components:
        stage = catalog.stage_of(component.kind)
        if stage:
            by_stage[stage].append(component.id)
    return {
        stage.id: StageCoverage(
            stage=stage.id,
            label=stage.label,
            components=by_stage[stage.id],
            missing_kinds=[] if by_stage[stage.id] else [k.id for k in catalog.kinds_in_stage(stage.id)],
        )
        for stage in catalog.stages
    }


def run_rule(spec: RuleSpec, context: RuleContext) -> list[Finding]:
    """Run one rule; an exception becomes an 'internal error' finding, never silence."""
    try:
        hits = list(spec.check(context))
    except Exception as exc:  # a broken rule must be visible, not a clean result
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return [
            Finding(
                rule=spec.id,
                severity="error",
                stage=spec.stage,
                title=f"Internal error in rule {spec.id}",
                message=f"internal error in rule {spec.id}: {type(exc).__name__}: {exc} "
                f"({where.name}, line {where.lineno})",
                suggestion="Report this as a bug in MLSD Studio; the other rules still ran.",
                sources=spec.sources,
                internal_error=True,
            )
        ]
    return [
        Finding(
            rule=spec.id,
            severity=hit.severity or spec.severity,
            stage=spec.stage,
            title=spec.title,
            message=hit.message,
            components=tuple(hit.components),
            links=tuple(hit.links),
            suggestion=spec.suggestion,
            sources=spec.sources,
        )
        for hit in hits
    ]


def _apply_overrides_and_decisions(
    design: Design, findings: Iterable[Finding]
) -> tuple[list[Finding], dict[str, str]]:
    decisions = {}
    for decision in design.decisions:
        decisions.setdefault((decision.rule, frozenset(decision.components)), decision)
    applied: dict[str, str] = {}
    result = []
    for finding in findings:
        level = design.rule_overrides.get(finding.rule)
        if level and not finding.internal_error:
            applied[finding.rule] = level
            if level == "off":
                continue
            finding = finding.with_changes(severity=level, default_severity=finding.severity)
        decision = decisions.get((finding.rule, frozenset(finding.components)))
        if decision is not None and not finding.internal_error:
            finding = finding.with_changes(accepted=True, rationale=decision.rationale, decision=decision.id)
        result.append(finding)
    return result, applied


def sort_findings(findings: list[Finding]) -> list[Finding]:
    stage_order = {s: i for i, s in enumerate((*STAGE_IDS, "structure", "all"))}
    return sorted(
        findings,
        key=lambda f: (-SEVERITY_RANK[f.severity], stage_order.get(f.stage, 99), _num(f.rule)),
    )


def _num(rule_id: str) -> int:
    digits = "".join(ch for ch in rule_id if ch.isdigit())
    return int(digits) if digits else 0


class RuleEngine:
    """Checks one design, keeping its graph in step with edits between checks."""

    def __init__(self, design: Design, catalog: Catalog | None = None):
        self.catalog = catalog or default_catalog()
        self.mirror = GraphMirror(design, self.catalog)
        self.rules = all_rules()

    @property
    def design(self) -> Design:
        return self.mirror.design

    def reset(self, design: Design) -> None:
        """Follow a different design (e.g. after opening a file)."""
        self.mirror.reset(design)

    def apply(self, changes: Iterable[Change]) -> None:
        """Update the graph after edit operations, instead of rebuilding it."""
        self.mirror.apply(changes)

    def check(self) -> CheckResult:
        design = self.mirror.design
        context = RuleContext(design, self.mirror.graph, self.catalog)
        raw: list[Finding] = []
        for spec in self.rules:
            raw.extend(run_rule(spec, context))
        findings, applied = _apply_overrides_and_decisions(design, raw)
        for rule_id, level in design.rule_overrides.items():
            applied.setdefault(rule_id, level)
        return CheckResult(
            findings=sort_findings(findings),
            coverage=stage_coverage(design, self.catalog),
            rules_checked=list(self.rules),
            overrides_applied=applied,
        )


def check_design(design: Design, catalog: Catalog | None = None) -> CheckResult:
    """Run every rule over a design once."""
    return RuleEngine(design, catalog).check()


def result_to_json_data(result: CheckResult, file: str | None = None) -> dict[str, Any]:
    """The JSON shape of `mlsd check --format json`."""
    return {
        "file": file,
        "stages": {
            stage: {
                "covered": cov.covered,
                "components": list(cov.components),
                **({"missing_kinds": cov.missing_kinds} if not cov.covered else {}),
            }
            for stage, cov in result.coverage.items()
        },
        "findings": [f.to_json_data() for f in result.findings],
        "summary": result.summary(),
        "overrides": dict(result.overrides_applied),
        "rules_checked": [r.id for r in result.rules_checked],
    }
