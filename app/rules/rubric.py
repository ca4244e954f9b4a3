"""The interview rubric: how a reviewer would score a design on three dimensions (problem
translation, decision-making, breadth and depth), 0-5 each, with the reasons, and the
follow-up questions an interviewer would ask (at most five per dimension, most important
first; built by app.rules.questions).

What counts (details in app.rules.rubric_scoring):

- Problem translation: +1 each for an ML task, a business objective with a KPI, a named
  offline metric, a metric linked as a proxy of the objective, a stated constraint; minus
  the cost of the open framing, metric and label findings.
- Decision-making: starts at 4, plus 1 when the design shows a decision made (an accepted design
  decision that weighs at least two options, each with a pro or con, and its consequences,
  or a finding accepted with a written rationale; the reasons name them), minus the cost of
  the open trade-off findings (a decision made does not offset other flaws: a classic flaw
  always costs its dimension); never more than the number of substantively designed stages
  minus one (trade-offs of stages not designed yet cannot have been made).
- Breadth and depth: up to 3 for the stages with substantive components, up to 1 for the
  share of components that are substantive, and 1 for soundness, minus the cost of the open
  coverage, structure and stage-depth findings.

An empty box adds nothing: points are counted on the design without its empty components
(no coverage, depth or framing point comes from a box with no property set, or no name), while the rules
check the design as drawn, where an empty box is a set of unknowns (an unknown never
satisfies a rule) that cost their rules' worst severity. The rules do not check the design
without its empty boxes: filling one box would then make it reappear among empty
neighbours (an endpoint "serving no model" because the model box is still empty), a flaw
revealed by filling, which the invariant below forbids.

Invariant (monotonicity): filling in a property honestly never lowers a score. Every
positive point depends only on whether properties are set, never on their values (and the
decision point only on the decisions recorded), and an unknown (a finding raised because a
rule-critical property is unset) costs its rule's worst severity, which is at least what any
real finding of that rule costs. So when a property is filled in, each rule moves from
"unknown" to "flaw" or "clean", and its cost can only stay or drop, while the points for set
properties and substantive components can only grow.
The user text a reason quotes (a KPI, decision titles, component names, also those in the
findings' messages it quotes) is isolated (app.domain.text.isolate): two right-to-left names
with only ", " between them would read as one phrase, in swapped order, in a terminal, the
window or the report.
Rules are checked with the design's severity overrides undone, so turning a rule down does
not hide a flaw from the rubric.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.domain.catalog import Catalog
from app.domain.long_names import NAME_LIMIT, Quote, quoting_long_names, shortened
from app.domain.model import Component, Decision, Design
from app.domain.text import isolate, one_line
from app.rules.engine import CheckResult, check_design
from app.rules.questions import question_items
from app.rules.rubric_gates import completions
from app.rules.rubric_scoring import (
    BREADTH_AND_DEPTH,
    DECISION_MAKING,
    DIMENSIONS,
    PROBLEM_TRANSLATION,
    Costs,
    RuleCost,
    is_set,
    is_substantive,
    substantive_stages,
    unknown_properties,
    without_empty_boxes,
)

MAX_QUESTIONS_PER_DIMENSION = 5
# Decision-making without any decision made: a sound design still has to show its trade-offs.
START_WITHOUT_DECISIONS = 4


@dataclass
class DimensionScore:
    name: str
    score: int
    reasons: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)


@dataclass
class Rubric:
    dimensions: list[DimensionScore]
    questions: list[str]  # every dimension's questions, most important first
    # The scored design's names (KPIs, decision titles) past NAME_LIMIT characters, which the
    # text it quotes them in holds whole (its JSON too); shown() is that text as people read it.
    long_names: tuple[str, ...] = ()

    def shown(self) -> Rubric:
        """The rubric as a terminal, the window or the report shows it: the long names in
        its reasons and questions shortened (app.domain.long_names)."""
        if not self.long_names:
            return self
        short = quoting_long_names(self.long_names, shortened)
        dimensions = [
            DimensionScore(d.name, d.score, list(map(short, d.reasons)), list(map(short, d.questions)))
            for d in self.dimensions
        ]
        return Rubric(dimensions, list(map(short, self.questions)))

    def dimension(self, name: str) -> DimensionScore:
        return next(d for d in self.dimensions if d.name == name)

    @property
    def total(self) -> int:
        return sum(d.score for d in self.dimensions)

    def to_json_data(self) -> dict[str, Any]:
        return {
            "dimensions": [
                {"name": d.name, "score": d.score, "reasons": d.reasons, "questions": d.questions}
                for d in self.dimensions
            ],
            "total": self.total,
            "max": 5 * len(self.dimensions),
            "questions": self.questions,
        }


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _points(points: float) -> str:
    """Points as every reason prints them: signed, a whole number without decimals ("+0",
    "+1"), a fraction with one ("+0.5")."""
    rounded = round(points, 1)
    shown = f"{rounded:.0f}" if rounded == int(rounded) else f"{rounded:.1f}"
    return shown if shown.startswith("-") else f"+{shown}"


def _clamp(points: float) -> int:
    return max(0, min(5, int(points + 0.5)))


@dataclass
class _Basis:
    """What the three dimensions are computed from."""

    design: Design  # the design as drawn (the rules check it so)
    scored: Design  # the design without its empty boxes (points are counted on it)
    catalog: Catalog
    costs: Costs
    stages: dict[str, list[str]]
    # A finding's message with the names it quotes isolated, as the report's risks isolate
    # them: two right-to-left names with only ", " between them read as one phrase, in
    # swapped order, and a name may pull the reason's own words into its run.
    isolated: Quote

    @property
    def covered(self) -> int:
        return sum(1 for names in self.stages.values() if names)

    def of(self, kind: str) -> list[Component]:
        return [c for c in self.scored.components if c.kind == kind]


def _basis(design: Design, result: CheckResult, catalog: Catalog) -> _Basis:
    plain = design
    if design.rule_overrides:
        plain = design.model_copy(update={"rule_overrides": {}})
        plain.invalidate_indexes()
        result = check_design(plain, catalog)
    costs = Costs()
    costs.add(result.findings)
    for completion in completions(plain, catalog):
        costs.add(completion.findings, assumed=completion.describe(plain))
    costs.keep_judged(plain)
    stripped = without_empty_boxes(plain, catalog)
    scored = stripped if stripped is not None else plain
    isolated = quoting_long_names((c.name or c.id for c in design.components), isolate)
    return _Basis(design, scored, catalog, costs, substantive_stages(scored, catalog), isolated)


def _cost_reason(cost: RuleCost, b: _Basis) -> str:
    finding, design = cost.finding, b.design
    if cost.assumed:
        message = b.isolated(finding.message)
        return f"-{cost.cost} {finding.rule} unknown ({finding.title}): {cost.assumed}: {message}"
    if cost.unknown:
        index = design.component_by_id()
        props = []
        for ref, prop in unknown_properties(finding):
            name = index[ref].name or ref if ref in index else ref
            props.append(f"{prop} of {isolate(one_line(name))}" if prop else isolate(one_line(name)))
        return f"-{cost.cost} {finding.rule} unknown ({finding.title}): {', '.join(props)} unset"
    return f"-{cost.cost} {finding.rule} {finding.title}: {b.isolated(finding.message)}"


def _problem_translation(b: _Basis) -> DimensionScore:
    reasons: list[str] = []
    points = 0
    tasks = sorted({str(f.prop("task")) for f in b.of("problem_framing") if f.prop("task")})
    if tasks:
        points += 1
        reasons.append(f"+1 the problem is framed as an ML task ({', '.join(tasks)})")
    else:
        reasons.append("+0 no problem framing with an ML task")
    objectives = b.of("business_objective")
    kpis = [isolate(" ".join(str(o.prop("kpi")).split())) for o in objectives if is_set(o.prop("kpi"))]
    if kpis:
        points += 1
        reasons.append(f"+1 business objective with a KPI ({kpis[0]})")
    else:
        reasons.append("+0 no business objective with a KPI")
    metrics = b.of("metric")
    names = sorted({str(m.prop("name")) for m in metrics if m.prop("name")})
    if names:
        points += 1
        reasons.append(f"+1 offline metric chosen ({', '.join(names)})")
    else:
        reasons.append("+0 no offline metric named")
    objective_ids = {o.id for o in objectives}
    metric_ids = {m.id for m in metrics}
    proxies = [lk for lk in b.scored.links if lk.flow == "proxy"]
    if any({lk.source, lk.target} & metric_ids and {lk.source, lk.target} & objective_ids for lk in proxies):
        points += 1
        reasons.append("+1 the metric is tied to the business objective (proxy link)")
    else:
        reasons.append("+0 no metric is linked as a proxy of the business objective")
    constraints = [c for c in b.of("constraint") if is_substantive(c, b.catalog)]
    if constraints:
        points += 1
        kinds = ", ".join(sorted({str(c.prop("type") or "unspecified") for c in constraints}))
        reasons.append(f"+1 constraints stated ({kinds})")
    else:
        reasons.append("+0 no constraint (latency, throughput, cost, privacy) stated with its value")
    costs = b.costs.of(PROBLEM_TRANSLATION)
    reasons.extend(_cost_reason(c, b) for c in costs)
    return DimensionScore(PROBLEM_TRANSLATION, _clamp(points - sum(c.cost for c in costs)), reasons)


def weighed_decisions(design: Design) -> list[Decision]:
    """Design decisions made by weighing alternatives: accepted, at least two options each with
    a pro or con, and the consequences written down (`Decision.weighs_alternatives`)."""
    return [
        d
        for d in design.decisions
        if not d.is_acceptance and d.status == "accepted" and d.weighs_alternatives
    ]


def _titles(decisions: list[Decision], limit: int = 4) -> str:
    shown = [f'"{isolate(one_line(d.title))}"' for d in decisions[:limit]]
    if len(decisions) > limit:
        shown.append(f"{len(decisions) - limit} more")
    return ", ".join(shown)


def _decision_making(b: _Basis) -> DimensionScore:
    covered = b.covered
    if covered < 2:
        return DimensionScore(
            DECISION_MAKING,
            0,
            [
                f"+0 {_count(covered, 'stage') if covered else 'no stage'} with substantive components: "
                "the trade-offs of the stages not designed yet are still to be made"
            ],
        )
    costs = b.costs.of(DECISION_MAKING)
    penalty = sum(c.cost for c in costs)
    accepted = sorted(b.costs.accepted)
    weighed = weighed_decisions(b.design)
    reasons = [f"starts at {START_WITHOUT_DECISIONS} of 5: a sound design still has to show its trade-offs"]
    made = []
    if weighed:
        made.append(
            f"{_count(len(weighed), 'design decision')} weighing alternatives with their consequences "
            f"({_titles(weighed)})"
        )
    if accepted:
        made.append(
            f"{_count(len(accepted), 'trade-off')} accepted with a written rationale ({', '.join(accepted)})"
        )
    if made:
        reasons.append(f"+1 decisions made: {'; '.join(made)}")
    else:
        reasons.append(
            "+0 no decision made: no design decision weighs two options (a pro or con for each) with "
            "its consequences, and no trade-off is accepted with a rationale"
        )
    pending = [
        d for d in b.design.decisions if not d.is_acceptance and d.status == "accepted" and d not in weighed
    ]
    if pending:
        reasons.append(
            f"+0 {_count(len(pending), 'design decision')} without two options argued (a pro or con "
            f"each) and consequences "
            f"({_titles(pending)}): a choice, not yet a weighed decision"
        )
    if not costs:
        reasons.append("+0 no trade-off is left open or unknown")
    reasons.extend(_cost_reason(c, b) for c in costs)
    score = max(0, START_WITHOUT_DECISIONS + (1 if made else 0) - penalty)
    cap = covered - 1
    if score > cap:
        missing = len(b.stages) - covered
        reasons.append(
            f"-{score - cap} capped at {cap}: the trade-offs of the {_count(missing, 'stage')} not "
            "designed yet (no substantive component) are still to be made"
        )
        score = cap
    return DimensionScore(DECISION_MAKING, min(5, score), reasons)


def _breadth_and_depth(b: _Basis) -> DimensionScore:
    reasons: list[str] = []
    covered = b.covered
    total_stages = max(1, len(b.stages))
    points = 3.0 * covered / total_stages
    if covered:
        verb = "has" if covered == 1 else "have"
        reasons.append(f"{_points(points)} {covered} of {total_stages} stages {verb} substantive components")
    else:
        reasons.append(f"+0 none of the {total_stages} stages has substantive components yet")
    components = b.design.components
    substantive = [c for c in b.scored.components if is_substantive(c, b.catalog)]
    ratio = len(substantive) / len(components) if components else 0.0
    depth = 1.0 if ratio >= 0.8 else 0.5 if ratio >= 0.5 else 0.0
    points += depth
    if components:
        reasons.append(
            f"{_points(depth)} {len(substantive)} of {_count(len(components), 'component')} substantive "
            "(enough properties set to be checked)"
        )
    else:
        reasons.append("+0 the design has no components yet")
    costs = b.costs.of(BREADTH_AND_DEPTH)
    if substantive:
        points += 1
        # "no flaw left open" read as the whole design's, beside the other dimensions' open errors
        sound = ": no coverage, structure or depth flaw left open"
        reasons.append("+1 for soundness" + (", less the flaws below" if costs else sound))
        points -= sum(c.cost for c in costs)
        reasons.extend(_cost_reason(c, b) for c in costs)
    else:
        reasons.append("+0 for soundness: no substantive component yet, so nothing to judge as sound")
    return DimensionScore(BREADTH_AND_DEPTH, _clamp(points), reasons)


def score_design(design: Design, result: CheckResult, catalog: Catalog) -> Rubric:
    """Score `design` (checked as `result`) and pick its follow-up questions."""
    basis = _basis(design, result, catalog)
    dimensions = [_problem_translation(basis), _decision_making(basis), _breadth_and_depth(basis)]
    by_name = {d.name: d for d in dimensions}
    chosen = []
    for question in question_items(design, result, catalog):
        dimension = by_name[question.dimension]
        if len(dimension.questions) < MAX_QUESTIONS_PER_DIMENSION:
            text = basis.isolated(question.text)  # names set apart, as in the reasons
            dimension.questions.append(text)
            chosen.append(text)
    assert [d.name for d in dimensions] == list(DIMENSIONS)
    return Rubric(dimensions, chosen, _long_texts(design))


def _long_texts(design: Design) -> tuple[str, ...]:
    """The user text past NAME_LIMIT characters the reasons and questions may quote:
    component names (ids of the unnamed), KPIs and decision titles."""
    kpis = [str(c.prop("kpi")) for c in design.components if is_set(c.prop("kpi"))]
    texts = [*(c.name or c.id for c in design.components), *kpis, *(d.title for d in design.decisions)]
    return tuple(text for text in texts if len(text) > NAME_LIMIT)


def format_rubric_text(rubric: Rubric) -> str:
    """The rubric as text, each reason and question on one line (whatever names they quote),
    long names shortened (Rubric.shown)."""
    shown = rubric.shown()
    lines = [f"Interview rubric: {shown.total}/{5 * len(shown.dimensions)}"]
    for dim in shown.dimensions:
        lines.append(f"  {dim.name}: {dim.score}/5")
        lines.extend(f"      {' '.join(reason.split())}" for reason in dim.reasons)
    if shown.questions:
        lines.append("Follow-up questions:")
        lines.extend(f"  - {' '.join(q.split())}" for q in shown.questions)
    return "\n".join(lines) + "\n"
