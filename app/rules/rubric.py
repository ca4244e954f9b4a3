"""The interview rubric: how a reviewer would score a design on the three dimensions of
FRAMEWORK.md (problem translation, decision-making, breadth and depth), 0-5 each, with the
reasons, and the follow-up questions an interviewer would ask from the open gaps."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.catalog import Catalog
from app.domain.model import Design
from app.rules.engine import CheckResult

# Rules whose findings name a trade-off the candidate should resolve or justify.
TRADE_OFF_RULES = frozenset(
    "R2 R3 R14 R16 R17 R18 R19 R20 R22 R23 R24 R25 R26 R27 R29 R30 R31 R32 R34 R37 R38 R39".split()
)


@dataclass
class DimensionScore:
    name: str
    score: int
    reasons: list[str] = field(default_factory=list)


@dataclass
class Rubric:
    dimensions: list[DimensionScore]
    questions: list[str]

    def dimension(self, name: str) -> DimensionScore:
        return next(d for d in self.dimensions if d.name == name)

    @property
    def total(self) -> int:
        return sum(d.score for d in self.dimensions)

    def to_json_data(self) -> dict:
        return {
            "dimensions": [{"name": d.name, "score": d.score, "reasons": d.reasons} for d in self.dimensions],
            "total": self.total,
            "max": 5 * len(self.dimensions),
            "questions": self.questions,
        }


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _named(design: Design, kind: str) -> list:
    return [c for c in design.components if c.kind == kind]


def _problem_translation(design: Design) -> tuple[DimensionScore, list[str]]:
    reasons: list[str] = []
    questions: list[str] = []
    score = 0
    framings = _named(design, "problem_framing")
    if any(f.prop("task") for f in framings):
        score += 1
        tasks = ", ".join(sorted({str(f.prop("task")) for f in framings if f.prop("task")}))
        reasons.append(f"+1 the problem is framed as an ML task ({tasks})")
    else:
        reasons.append("+0 no problem framing with an ML task")
        questions.append("What kind of ML task is this (classification, ranking, regression ...), and why?")
    objectives = _named(design, "business_objective")
    if any(o.prop("kpi") for o in objectives):
        score += 1
        reasons.append(
            f"+1 business objective with a KPI ({objectives[0].prop('kpi') or objectives[0].name})"
        )
    else:
        reasons.append("+0 no business objective with a KPI")
        questions.append("What business objective does this system serve, and which KPI will show it worked?")
    metrics = _named(design, "metric")
    if any(m.prop("name") for m in metrics):
        score += 1
        names = ", ".join(sorted({str(m.prop("name")) for m in metrics if m.prop("name")}))
        reasons.append(f"+1 offline metric chosen ({names})")
    else:
        reasons.append("+0 no offline metric named")
        questions.append("Which offline metric will you optimise, and why that one?")
    objective_ids = {o.id for o in objectives}
    linked = any(
        lk.target in objective_ids and lk.flow == "proxy" and lk.source in {m.id for m in metrics}
        for lk in design.links
    )
    if linked:
        score += 1
        reasons.append("+1 the metric is tied to the business objective (proxy link)")
    else:
        reasons.append("+0 no metric is linked as a proxy of the business objective")
        if metrics and objectives:
            questions.append("How does your offline metric relate to the business KPI? Is it a good proxy?")
    constraints = _named(design, "constraint")
    if constraints:
        score += 1
        kinds = ", ".join(sorted({str(c.prop("type") or "unspecified") for c in constraints}))
        reasons.append(f"+1 constraints stated ({kinds})")
    else:
        reasons.append("+0 no constraints (latency, throughput, cost, privacy) stated")
        questions.append("What are the latency, throughput, cost and privacy constraints?")
    return DimensionScore("Problem translation", score, reasons), questions


def _decision_making(design: Design, result: CheckResult) -> tuple[DimensionScore, list[str]]:
    covered = sum(1 for cov in result.coverage.values() if cov.covered)
    if covered < 2:
        return DimensionScore(
            "Decision-making", 0, ["+0 too little of the design exists to judge its trade-offs"]
        ), []
    trade_offs = [f for f in result.findings if f.rule in TRADE_OFF_RULES and f.severity != "info"]
    open_errors = [f for f in trade_offs if not f.accepted and f.severity == "error"]
    open_warnings = [f for f in trade_offs if not f.accepted and f.severity == "warning"]
    accepted = [f for f in trade_offs if f.accepted]
    score = max(0, 5 - 2 * len(open_errors) - len(open_warnings))
    if trade_offs:
        found = _count(len(trade_offs), "trade-off finding")
        reasons = [f"{found}: {len(accepted)} accepted with a rationale"]
    else:
        reasons = ["no trade-off finding is left open"]
    for finding in open_errors:
        reasons.append(f"-2 unresolved {finding.rule}: {finding.message}")
    for finding in open_warnings:
        reasons.append(f"-1 unresolved {finding.rule}: {finding.message}")
    # Trade-offs of stages not designed yet (serving, monitoring, ...) cannot have been made:
    # a design covering k of the six stages scores at most k - 1 here.
    cap = max(0, covered - 1)
    if score > cap:
        missing = len(result.coverage) - covered
        reasons.append(
            f"-{score - cap} capped at {cap}: the trade-offs of the {_count(missing, 'stage')} not "
            "designed yet are still to be made"
        )
        score = cap
    if design.decisions:
        reasons.append(f"{_count(len(design.decisions), 'decision')} recorded with a rationale")
    questions = [
        f"{finding.title}: how would you justify this choice? ({finding.message})"
        for finding in (open_errors + open_warnings)[:5]
    ]
    return DimensionScore("Decision-making", score, reasons), questions


def _breadth_and_depth(design: Design, result: CheckResult, catalog: Catalog) -> DimensionScore:
    reasons: list[str] = []
    covered = [cov for cov in result.coverage.values() if cov.covered]
    points = 3.0 * len(covered) / max(1, len(result.coverage))
    reasons.append(f"+{points:.1f} {len(covered)} of {len(result.coverage)} stages covered")
    total = filled = 0
    for component in design.components:
        spec = catalog.kind(component.kind)
        if spec is None:
            continue
        total += len(spec.properties)
        filled += sum(1 for p in spec.properties if component.properties.get(p.name) is not None)
    ratio = filled / total if total else 0.0
    depth = 1.0 if ratio >= 0.6 else 0.5 if ratio >= 0.3 else 0.0
    points += depth
    reasons.append(f"+{depth:.1f} {ratio:.0%} of component properties specified")
    errors = [f for f in result.open_findings() if f.severity == "error"]
    if design.components and not errors:
        points += 1
        reasons.append("+1.0 no error findings left")
    else:
        reasons.append(f"+0.0 {_count(len(errors), 'error finding')} left")
    return DimensionScore("Breadth and depth", int(points + 0.5), reasons)


def score_design(design: Design, result: CheckResult, catalog: Catalog) -> Rubric:
    translation, translation_questions = _problem_translation(design)
    decisions, decision_questions = _decision_making(design, result)
    breadth = _breadth_and_depth(design, result, catalog)
    questions = translation_questions + decision_questions
    try:
        from app.export.questions import open_questions
    except ImportError:
        open_questions = None
    if open_questions is not None:
        for question in open_questions(design, result, catalog):
            if question not in questions:
                questions.append(question)
    return Rubric([translation, decisions, breadth], questions)


def format_rubric_text(rubric: Rubric) -> str:
    lines = [f"Interview rubric: {rubric.total}/{5 * len(rubric.dimensions)}"]
    for dim in rubric.dimensions:
        lines.append(f"  {dim.name}: {dim.score}/5")
        lines.extend(f"      {reason}" for reason in dim.reasons)
    if rubric.questions:
        lines.append("Follow-up questions:")
        lines.extend(f"  - {q}" for q in rubric.questions)
    return "\n".join(lines) + "\n"
