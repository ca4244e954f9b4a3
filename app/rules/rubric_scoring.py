"""What the interview rubric counts: substantive components, and what each rule costs.

Substantive components. A component is substantive when enough of its kind's properties are
set for the rules to check it: at least half of them, and never more than three (a model
kind with a dozen properties is substantive once three are set). A kind without properties
is substantive by being there. "Set" means a value other than None, blank text ("", spaces)
or a list of nothing but blank text. A component with no property set at all, or with no
name, is an empty box: no point is counted for it (a reviewer cannot tell what an unnamed box
stands for).

Rule dimensions. Every rule belongs to one dimension (RULE_DIMENSION):

- Problem translation: business framing, metrics and label definition. R1 metric not tied
  to a KPI, R2 ML not justified, R3 no latency/throughput targets (non-functional
  requirements), R9 supervised task without labels, R19 accuracy on imbalanced labels,
  R46 offline-online metric alignment, R50 censored outcomes, R53 label quality.
- Decision-making: trade-offs the candidate must resolve or justify. Skew and leakage (R16,
  R17, R18, R41, R42), sampling (R20), baseline (R22), interpretability (R23), latency budget
  (R24), validation and slices (R25, R26), thresholds and calibration (R27, R43), release and
  gates (R28, R29, R51), fallback (R30), serving mode and staleness (R31, R32), cost (R34),
  experiments and interference (R37, R38), feedback loops, position bias and cold start (R39,
  R44, R47), label delay (R14, R45), correction cascades (R49), adversaries (R52), choices
  with no alternative on record (R54), capacity against peak load (R55, R56, R57).
- Breadth and depth: coverage and structure (R4 to R8), and stage depth that is not a
  trade-off: monitors and alerts (R10, R11, R35, R36), governance and validation (R12, R13,
  R48), ownership (R15), feature analysis (R21), consumers (R33), logging (R40), retention (R58).

A rule not listed falls back on its stage: business rules to problem translation, all
others to breadth and depth.

Costs. An open finding costs its severity weight (warning 1, error 2, info 0), taken from
the rule's own severity even when the design overrides it. A finding raised because a
rule-critical property is unset (an unknown: `Finding.unset`, or an info note "X of C is
unspecified") costs the rule's worst severity: its default, its finding's, or the error a
rule escalates to (`RuleSpec.ceiling`). A rule costs at most once (its most expensive open finding).
Accepted findings cost nothing; accepted real findings are decisions made. Findings of the
design completed at a gating property (app.rules.rubric_gates) are unknowns of the design.
A rule that judges some kinds only (JUDGED_KINDS) costs only when the design as drawn, empty
boxes included, has one of them: with none drawn there is no flaw of theirs to deduct, their
absence is the points not earned. Filling in a property adds no component, so this keeps the
monotonicity of app.rules.rubric.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.domain.catalog import Catalog
from app.domain.model import Component, Design
from app.rules.model import Finding
from app.rules.registry import get_rule

PROBLEM_TRANSLATION = "Problem translation"
DECISION_MAKING = "Decision-making"
BREADTH_AND_DEPTH = "Breadth and depth"
DIMENSIONS = (PROBLEM_TRANSLATION, DECISION_MAKING, BREADTH_AND_DEPTH)

_PT = "R1 R2 R3 R9 R19 R46 R50 R53"
_DM = (
    "R14 R16 R17 R18 R20 R22 R23 R24 R25 R26 R27 R28 R29 R30 R31 R32 R34 R37 R38 R39 "
    "R41 R42 R43 R44 R45 R47 R49 R51 R52 R54 R55 R56 R57"
)
_BD = "R4 R5 R6 R7 R8 R10 R11 R12 R13 R15 R21 R33 R35 R36 R40 R48 R58"
RULE_DIMENSION: dict[str, str] = {
    **{r: PROBLEM_TRANSLATION for r in _PT.split()},
    **{r: DECISION_MAKING for r in _DM.split()},
    **{r: BREADTH_AND_DEPTH for r in _BD.split()},
}
SEVERITY_WEIGHT = {"info": 0, "warning": 1, "error": 2}
# Stage coverage is scored by the breadth points themselves; R4 adds no second penalty.
COUNTED_BY_COVERAGE = frozenset({"R4"})
MAX_PROPERTIES_NEEDED = 3
# R1 judges the tie of an ML metric to a business objective.
JUDGED_KINDS: dict[str, frozenset[str]] = {"R1": frozenset({"metric", "business_objective"})}



def dimension_of(rule_id: str, stage: str) -> str:
    if rule_id in RULE_DIMENSION:
        return RULE_DIMENSION[rule_id]
    return PROBLEM_TRANSLATION if stage == "business" else BREADTH_AND_DEPTH


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_set(value: object) -> bool:
    if isinstance(value, list | tuple | set | frozenset):
        return not all(_blank(v) for v in value)
    return not _blank(value)


def properties_needed(n_properties: int) -> int:
    """How many properties of a kind with `n_properties` make a component substantive."""
    return min(MAX_PROPERTIES_NEEDED, (n_properties + 1) // 2)


def set_count(component: Component) -> int:
    return sum(1 for value in component.properties.values() if is_set(value))


def is_substantive(component: Component, catalog: Catalog) -> bool:
    spec = catalog.kind(component.kind)
    if spec is None or not component.name.strip():
        return False
    names = {p.name for p in spec.properties}
    filled = sum(1 for name, value in component.properties.items() if name in names and is_set(value))
    return filled >= properties_needed(len(spec.properties))


def is_empty_box(component: Component, catalog: Catalog) -> bool:
    spec = catalog.kind(component.kind)
    if spec is None:
        return False
    return not component.name.strip() or (bool(spec.properties) and set_count(component) == 0)


def without_empty_boxes(design: Design, catalog: Catalog) -> Design | None:
    """The design without its empty boxes (and their links), or None when it has none."""
    empty = {c.id for c in design.components if is_empty_box(c, catalog)}
    if not empty:
        return None
    stripped = design.model_copy(
        update={
            "components": [c for c in design.components if c.id not in empty],
            "links": [lk for lk in design.links if lk.source not in empty and lk.target not in empty],
        },
        deep=True,
    )
    stripped.invalidate_indexes()
    return stripped


def substantive_stages(design: Design, catalog: Catalog) -> dict[str, list[str]]:
    """Stage id -> names of its substantive components (every catalog stage is a key)."""
    stages: dict[str, list[str]] = {stage.id: [] for stage in catalog.stages}
    for component in design.components:
        stage = catalog.stage_of(component.kind)
        if stage in stages and is_substantive(component, catalog):
            stages[stage].append(component.name or component.kind)
    return stages


def unknown_properties(finding: Finding) -> list[tuple[str, str]]:
    """(component name or id, property) pairs an unknown finding is about; [] for real findings."""
    if finding.unset:
        pairs = [ref.partition(".") for ref in finding.unset]
        return [(component, prop) for component, _, prop in pairs]
    return []


def is_unknown(finding: Finding) -> bool:
    return bool(unknown_properties(finding))


def rule_severity(finding: Finding) -> str:
    """The severity the rule itself gives a finding (overrides of the design undone)."""
    return finding.default_severity or finding.severity


def unknown_weight(finding: Finding) -> int:
    spec = get_rule(finding.rule)
    levels = [rule_severity(finding)]
    if spec is not None:
        levels.append(spec.ceiling)
    return max(SEVERITY_WEIGHT[level] for level in levels)


def finding_cost(finding: Finding) -> int:
    if finding.accepted:
        return 0
    return unknown_weight(finding) if is_unknown(finding) else SEVERITY_WEIGHT[rule_severity(finding)]


@dataclass
class RuleCost:
    """What one rule costs a dimension: its most expensive open finding."""

    rule: str
    dimension: str
    cost: int
    finding: Finding
    unknown: bool
    assumed: str = ""  # the completion of a gating property that raised it (app.rules.rubric_gates)


@dataclass
class Costs:
    """Per-rule costs over one or more check results (the max of each rule across them)."""

    rules: dict[str, RuleCost] = field(default_factory=dict)
    accepted: dict[str, Finding] = field(default_factory=dict)

    def add(self, findings: Iterable[Finding], assumed: str = "") -> None:
        """Charge open findings; `assumed` names the completion they come from, if any."""
        for finding in findings:
            if finding.accepted:
                if is_set(finding.rationale) and not is_unknown(finding) and not assumed:
                    self.accepted.setdefault(finding.rule, finding)
                continue
            if finding.rule in COUNTED_BY_COVERAGE or finding.internal_error:
                continue
            cost = finding_cost(finding)
            if cost == 0:
                continue
            current = self.rules.get(finding.rule)
            if current is None or cost > current.cost:
                dimension = dimension_of(finding.rule, finding.stage)
                unknown = is_unknown(finding) or bool(assumed)
                self.rules[finding.rule] = RuleCost(finding.rule, dimension, cost, finding, unknown, assumed)

    def keep_judged(self, design: Design) -> None:
        """Drop the costs of rules that judge kinds the design does not have (JUDGED_KINDS)."""
        drawn = {c.kind for c in design.components}
        self.rules = {
            rule: cost
            for rule, cost in self.rules.items()
            if rule not in JUDGED_KINDS or JUDGED_KINDS[rule] & drawn
        }

    def of(self, dimension: str) -> list[RuleCost]:
        found = [c for c in self.rules.values() if c.dimension == dimension]
        return sorted(found, key=lambda c: (-c.cost, _rule_number(c.rule)))

    def total(self, dimension: str) -> int:
        return sum(c.cost for c in self.of(dimension))


def _rule_number(rule_id: str) -> int:
    digits = "".join(ch for ch in rule_id if ch.isdigit())
    return int(digits) if digits else 0
