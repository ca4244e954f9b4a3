"""Follow-up questions: what an interviewer or review board would ask about a design.

Three sources, each question tagged with a topic:

- gaps read from the design itself (uncovered stages, missing monitors, unset properties,
  ...; app.rules.questions.gaps), so the list is useful even when few rules are registered;
- open findings of the rules, real flaws and unknowns alike (when a check result is given);
- the standard probes for the design's kind of task, asked unless the design answers them
  (app.rules.questions.answers says how each is answered).

One question per topic survives (and one per unset property: two rules that miss the same
property make one question): the most specific wording (a gap's, then a probe's, then a
finding's) with the highest priority among them. Priority is the interviewer's priority of
the topic (TOPICS), plus 15 per severity step (warning 15, error 30) when a rule found a
real flaw on it, plus 10 for the standard probes of the task (the interviewer's own
agenda); an unknown (a rule-critical property unset) is asked at the topic's priority.
An uncovered stage is asked first, in the framework's order (business problem, data, features,
model, serving, monitoring) whatever the severity its rule gives it: the interviewer walks the
framework, and each stage's answer frames the next (a missing data stage is an error and a
missing business problem only a warning, yet what the system is for is asked before where its
data come from). Questions are returned most important first. Dropped: topics an uncovered
stage's question already asks (an uncovered monitoring stage covers the drift question),
topics of trade-offs accepted with a rationale, and topics that do not apply to the task (a
forecaster learns from the series itself: no "where do your labels come from").

Reused by the report (every question) and by the interview rubric (five per dimension).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from app.domain.catalog import Catalog, default_catalog
from app.domain.model import Design
from app.rules.checks._flows import task_of
from app.rules.context import RuleContext
from app.rules.engine import CheckResult, stage_coverage
from app.rules.model import Finding
from app.rules.questions.gaps import BUILDERS, NO_LABEL_SOURCE_TASKS, context_of, label
from app.rules.questions.probes import probes
from app.rules.questions.wording import finding_question, unknown_question
from app.rules.rubric_scoring import (
    BREADTH_AND_DEPTH as BD,
)
from app.rules.rubric_scoring import (
    DECISION_MAKING as DM,
)
from app.rules.rubric_scoring import (
    PROBLEM_TRANSLATION as PT,
)
from app.rules.rubric_scoring import (
    SEVERITY_WEIGHT,
    dimension_of,
    finding_cost,
    is_unknown,
    unknown_properties,
)

STAGE_QUESTIONS = {
    "business": "What business problem does this system solve, which ML task does it become, and which "
    "KPI and offline metric define success?",
    "data": "Where do the training data and the labels come from, and how are their quality, freshness "
    "and legality ensured?",
    "features": "Which features drive the prediction, and how are they computed the same way for "
    "training and for serving?",
    "model": "What baseline must the model beat, and which model family fits the latency, cost and "
    "interpretability constraints?",
    "serving": "How do predictions reach their consumers (online, batch, streaming or on device), and "
    "within which latency?",
    "monitoring": "How will you know the model works in production: which metrics, monitors, alerts and "
    "online experiments?",
}
DATA_QUESTION_BY_TASK = {
    "forecast": "Where does the history of the series come from (sales, stock levels, prices, "
    "calendar), and how are its quality and freshness ensured?",
    "generation": "Which documents and examples ground the answers, and how are their quality, "
    "freshness and legality ensured?",
}

# topic -> (dimension, interviewer priority); higher is asked first.
TOPICS: dict[str, tuple[str, int]] = {
    "framing": (PT, 92), "kpi": (PT, 90), "metric": (PT, 88), "metric_kpi": (PT, 80),
    "labels_origin": (PT, 78), "label_choice": (PT, 76), "censored": (PT, 76), "groundedness": (PT, 76),
    "horizon": (PT, 70), "imbalance": (PT, 68), "constraints": (PT, 66), "metric_alignment": (PT, 64),
    "label_quality": (PT, 62), "latency_targets": (PT, 60), "why_ml": (PT, 58),
    "time_split": (DM, 80), "leakage": (DM, 78), "skew": (DM, 76), "gate": (DM, 74),
    "position_bias": (DM, 72), "thresholds": (DM, 72), "adaptation": (DM, 72), "version_swaps": (DM, 72),
    "cold_start": (DM, 70), "calibration": (DM, 68), "label_delay": (DM, 66), "feedback_loop": (DM, 64),
    "baseline": (DM, 62), "review_capacity": (DM, 62), "token_cost": (DM, 60), "interference": (DM, 58),
    "release": (DM, 56), "online_experiment": (DM, 56), "sampling": (DM, 55), "latency_budget": (DM, 54),
    "cascade": (DM, 52), "fallback": (DM, 50), "retraining": (DM, 48), "validation": (DM, 46),
    "slices": (DM, 44), "interpretability": (DM, 42), "cost": (DM, 40), "experiment_metric": (DM, 38),
    "serving_mode": (DM, 36), "alternatives": (DM, 34), "capacity": (DM, 52),
    "drift": (BD, 76), "pii": (BD, 74), "lineage": (BD, 70), "backtesting": (BD, 66), "eval_set": (BD, 66),
    "structure": (BD, 60), "empty_boxes": (BD, 58), "ops_monitoring": (BD, 56), "data_validation": (BD, 52),
    "alerting": (BD, 50),
    "monitor_watches": (BD, 46), "registry": (BD, 44), "consumer": (BD, 40), "logging": (BD, 36),
    "owner": (BD, 30), "feature_importance": (BD, 28), "retention": (BD, 48),
}  # fmt: skip
RULE_TOPIC = {
    "R1": "metric_kpi", "R2": "why_ml", "R3": "latency_targets", "R5": "structure", "R6": "structure",
    "R7": "lineage", "R8": "structure", "R9": "labels_origin", "R10": "monitor_watches", "R11": "alerting",
    "R12": "pii", "R13": "data_validation", "R14": "label_delay", "R15": "owner", "R16": "skew",
    "R17": "time_split", "R18": "leakage", "R19": "imbalance", "R20": "sampling",
    "R21": "feature_importance", "R22": "baseline", "R23": "interpretability", "R24": "latency_budget",
    "R25": "validation", "R26": "slices", "R27": "thresholds", "R28": "gate", "R29": "release",
    "R30": "fallback", "R31": "serving_mode", "R32": "retraining", "R33": "consumer", "R34": "cost",
    "R35": "drift", "R36": "ops_monitoring", "R37": "online_experiment", "R38": "interference",
    "R39": "feedback_loop", "R40": "logging", "R41": "skew", "R42": "leakage", "R43": "calibration",
    "R44": "position_bias", "R45": "label_delay", "R46": "metric_alignment", "R47": "cold_start",
    "R48": "pii", "R49": "cascade", "R50": "censored", "R51": "version_swaps", "R52": "adaptation",
    "R53": "label_quality", "R54": "alternatives", "R55": "capacity", "R56": "review_capacity",
    "R57": "capacity", "R58": "retention",
}  # fmt: skip
# An uncovered stage's question already asks what these topics would.
STAGE_COVERS = {
    "business": {"framing", "kpi", "metric", "metric_kpi", "constraints", "why_ml"},
    "data": {"labels_origin", "owner"},
    "serving": {"latency_targets", "fallback", "release"},
    "monitoring": {
        "drift",
        "ops_monitoring",
        "alerting",
        "online_experiment",
        "experiment_metric",
        "monitor_watches",
    },
}
# Wording preference when several sources ask about one topic: the most specific first.
SOURCE_ORDER = {"stage": 0, "gap": 1, "probe": 2, "finding": 3}
STAGE_PRIORITY = 100
FINDING_BONUS = 15
# Uncovered stages are asked in the framework's order, ahead of every other question.
UNCOVERED_STAGE_PRIORITY = STAGE_PRIORITY + FINDING_BONUS * SEVERITY_WEIGHT["error"]
PROBE_BONUS = 10  # the interviewer's own agenda for the kind of task
OTHER_PRIORITY = 40


@dataclass(frozen=True)
class Question:
    text: str
    topic: str
    dimension: str
    priority: int
    source: str  # "stage", "gap", "probe" or "finding"
    about: tuple[str, ...] = ()  # "component.property" an unknown's question asks for


def _topic(topic: str, fallback_dimension: str = BD) -> tuple[str, int]:
    return TOPICS.get(topic, (fallback_dimension, OTHER_PRIORITY))


def _plain(name: str) -> str:
    return name.replace("_", " ")


def _stage_priority(catalog: Catalog, topic: str) -> int:
    """An uncovered stage's question's priority (topic "stage:<id>"): the framework's order."""
    stage_ids = [stage.id for stage in catalog.stages]
    stage_id = topic.removeprefix("stage:")
    return UNCOVERED_STAGE_PRIORITY - (stage_ids.index(stage_id) if stage_id in stage_ids else len(stage_ids))


def _finding_question(finding: Finding, d: RuleContext) -> Question | None:
    cost = finding_cost(finding)
    if cost == 0:
        return None
    if finding.rule == "R4" and finding.subject.startswith("stage:"):
        topic = finding.subject
        dimension, priority = (PT if topic == "stage:business" else BD), _stage_priority(d.catalog, topic)
        severity_bonus = False  # the stages' framework order ranks them
    else:
        topic = RULE_TOPIC.get(finding.rule, finding.rule)
        dimension, priority = _topic(topic, dimension_of(finding.rule, finding.stage))
        severity_bonus = True
    if is_unknown(finding):
        index = d.design.component_by_id()
        by_component: dict[str, list[str]] = {}
        about = []
        for ref, prop in unknown_properties(finding):
            name = label(d, index[ref]) if ref in index else ref
            by_component.setdefault(name, []).append(_plain(prop))
            about.append(f"{name}.{prop}")
        text = unknown_question(finding.rule, finding.title, by_component)
        return Question(text, topic, dimension, priority, "finding", tuple(about))
    text = finding_question(finding.rule, finding.message)
    if severity_bonus:
        priority += FINDING_BONUS * SEVERITY_WEIGHT[finding.default_severity or finding.severity]
    return Question(text, topic, dimension, priority, "finding")


def _normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def question_items(
    design: Design, result: CheckResult | None = None, catalog: Catalog | None = None
) -> list[Question]:
    """Every follow-up question on the design, one per topic, most important first."""
    catalog = catalog or default_catalog()
    coverage = result.coverage if result is not None else stage_coverage(design, catalog)
    d = context_of(design, catalog)
    tasks = task_of(d)
    asked: list[Question] = []
    open_stages = set()
    for stage in catalog.stages:
        cov = coverage.get(stage.id)
        if cov is not None and not cov.covered:
            open_stages.add(stage.id)
            ask = STAGE_QUESTIONS.get(stage.id) or (stage.prompts[0] if stage.prompts else "")
            if stage.id == "data" and len(tasks) == 1:
                ask = DATA_QUESTION_BY_TASK.get(next(iter(tasks)), ask)
            dimension = PT if stage.id == "business" else BD
            text = f"{stage.label} is not covered yet. {ask}"
            topic = f"stage:{stage.id}"
            asked.append(Question(text, topic, dimension, _stage_priority(catalog, topic), "stage"))
    for builder in BUILDERS:
        for topic, text in builder(d):
            dimension, priority = _topic(topic)
            asked.append(Question(text, topic, dimension, priority, "gap"))
    for topic, text in probes(d):
        dimension, priority = _topic(topic)
        asked.append(Question(text, topic, dimension, priority + PROBE_BONUS, "probe"))
    if result is not None:
        for finding in result.open_findings():
            question = _finding_question(finding, d)
            if question is not None:
                asked.append(question)
    dropped = set().union(*(STAGE_COVERS.get(s, set()) for s in open_stages))
    # A trade-off accepted with a rationale is answered: no question on its topic.
    dropped |= {
        RULE_TOPIC.get(decision.rule, decision.rule)
        for decision in design.decisions
        if decision.is_acceptance and decision.status == "accepted"
    }
    if tasks and tasks <= NO_LABEL_SOURCE_TASKS:
        dropped.add("labels_origin")
    if not d.of_kind("business_objective"):
        dropped.add("metric_kpi")  # the objective question comes first; no KPI to tie a metric to
    return _rank(q for q in asked if q.topic not in dropped)


def _rank(questions: Iterable[Question]) -> list[Question]:
    by_topic: dict[str, list[Question]] = {}
    for question in questions:
        by_topic.setdefault(question.topic, []).append(question)
    merged = []
    for group in by_topic.values():
        wording = min(group, key=lambda q: SOURCE_ORDER[q.source])  # first of the most specific source
        priority = max(q.priority for q in group)
        merged.append(
            Question(wording.text, wording.topic, wording.dimension, priority, wording.source, wording.about)
        )
    merged.sort(key=lambda q: -q.priority)  # stable: equal priorities keep their order
    seen: set[str] = set()
    asked_for: set[str] = set()  # two rules missing one property make one question
    out = []
    for question in merged:
        key = _normalised(question.text)
        if key in seen or (question.about and set(question.about) <= asked_for):
            continue
        seen.add(key)
        asked_for.update(question.about)
        out.append(question)
    return out


def open_questions(
    design: Design, result: CheckResult | None = None, catalog: Catalog | None = None
) -> list[str]:
    """The questions a reviewer would ask about the design, most important first."""
    return [q.text for q in question_items(design, result, catalog)]
