"""Open questions: what an interviewer or review board would ask about the design's gaps.

Built from the design itself (uncovered stages, unset properties, missing monitors, ...), so
the list is useful even when few rules are registered; reused by the report and the
interview rubric.
"""

from __future__ import annotations

import networkx as nx

from app.domain.catalog import Catalog, default_catalog
from app.domain.graph import design_to_graph
from app.domain.model import Component, Design
from app.rules.engine import CheckResult, stage_coverage

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
SUPERVISED_TASKS = {"binary", "multiclass", "regression", "ranking", "forecast"}


class _Design:
    """Lookups over one design for the question builders."""

    def __init__(self, design: Design, catalog: Catalog):
        self.design = design
        self.catalog = catalog
        self.graph = design_to_graph(design, catalog)
        self.undirected = self.graph.to_undirected(as_view=True)

    def of(self, *kinds: str) -> list[Component]:
        return [c for c in self.design.components if c.kind in kinds]

    def name(self, component: Component) -> str:
        spec = self.catalog.kind(component.kind)
        label = spec.label if spec else component.kind
        return " ".join((component.name or label).split())

    def around(self, node: str) -> set[str]:
        return {node} | nx.ancestors(self.graph, node) | nx.descendants(self.graph, node)

    def monitors_of(self, node: str, watches: set[str]) -> list[Component]:
        """Monitors watching any of `watches` linked to the node, its ancestors or descendants."""
        area = self.around(node)
        found = []
        for monitor in self.of("monitor"):
            if not watches & set(monitor.prop("watches") or ()):
                continue
            if area & set(self.undirected.neighbors(monitor.id)):
                found.append(monitor)
        return found

    def downstream(self, node: str, *kinds: str) -> list[Component]:
        index = self.design.component_by_id()
        return [index[n] for n in nx.descendants(self.graph, node) if index[n].kind in kinds]

    def upstream(self, node: str, *kinds: str) -> list[Component]:
        index = self.design.component_by_id()
        return [index[n] for n in nx.ancestors(self.graph, node) if index[n].kind in kinds]


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _business(d: _Design) -> list[str]:
    out = []
    objectives = d.of("business_objective")
    kpi = next((str(o.prop("kpi")) for o in objectives if o.prop("kpi")), None)
    for objective in objectives:
        if not objective.prop("kpi"):
            out.append(f'Which KPI measures "{d.name(objective)}", by how much should it move, and by when?')
    metrics = d.of("metric")
    if objectives and not metrics:
        out.append(f"Which offline metric will you optimise, and how does it relate to {kpi or 'the KPI'}?")
    objective_ids = {o.id for o in objectives}
    for metric in metrics:
        if objectives and not objective_ids & set(d.graph.successors(metric.id)):
            out.append(f"How does {d.name(metric)} translate into {kpi or 'the business KPI'}?")
    learned = [m for m in d.of("model") if m.prop("learned") is not False]
    framing = d.of("problem_framing")
    if learned and (not framing or any(f.prop("ml_needed") in (None, "no", "tbd") for f in framing)):
        out.append(
            "Why is ML needed here rather than a rule or a heuristic, and what would a heuristic score?"
        )
    return out


def _data(d: _Design) -> list[str]:
    out = []
    protected = {c.id for c in d.of("governance")}
    for source in d.of("data_source"):
        name = d.name(source)
        if source.prop("contains_pii") and not d.downstream(source.id, "governance") and not protected:
            out.append(
                f"How is the personal data in {name} protected (anonymisation, access control, "
                "consent, retention)?"
            )
        if not source.prop("owner"):
            out.append(f"Who owns {name}, and what happens to the model when its schema changes?")
    for labels in d.of("label_source"):
        name = d.name(labels)
        delay = labels.prop("delay_hours")
        if delay is None:
            out.append(f"How long after a prediction do the labels from {name} arrive?")
        elif delay > 24:
            out.append(
                f"Labels from {name} arrive after {delay:g} hours: which proxy signals show the model "
                "degrading before they do?"
            )
        rate = labels.prop("positive_rate")
        if rate is not None and rate < 0.05 and not d.of("sampling_strategy"):
            out.append(
                f"Only {rate:.1%} of the labels from {name} are positive: how do you handle the class "
                "imbalance, and which metric stays meaningful?"
            )
    framing_tasks = {f.prop("task") for f in d.of("problem_framing")}
    for training in d.of("training_job"):
        if framing_tasks & SUPERVISED_TASKS and not d.upstream(training.id, "label_source"):
            out.append(f"Where do the labels that {d.name(training)} learns from come from?")
    for dataset in d.of("dataset"):
        if dataset.prop("is_time_series") and dataset.prop("split") in (None, "random"):
            out.append(
                f"{d.name(dataset)} is ordered in time: how do you split it so that no future data "
                "leaks into training?"
            )
    return out


def _model(d: _Design) -> list[str]:
    out = []
    models = [m for m in d.of("model") if m.prop("learned") is not False]
    if models and not d.of("baseline_model"):
        out.append(f"What baseline does {d.name(models[0])} have to beat, and by how much?")
    for training in d.of("training_job"):
        gated = [e for e in d.downstream(training.id, "evaluation") if e.prop("gate")]
        if not gated and d.downstream(training.id, "endpoint"):
            out.append(f"What must a model from {d.name(training)} pass before it is released?")
        if training.prop("schedule") in (None, "manual"):
            out.append(f"How often is {d.name(training)} re-run, and what triggers a retraining?")
    if models and not d.of("model_registry"):
        out.append("How do you find, compare and roll back to a previous model version?")
    return out


def _serving(d: _Design) -> list[str]:
    out = []
    kpi = next((str(o.prop("kpi")) for o in d.of("business_objective") if o.prop("kpi")), "the business KPI")
    for endpoint in d.of("endpoint"):
        name = d.name(endpoint)
        online = endpoint.prop("mode") in ("online", "streaming")
        if not d.monitors_of(endpoint.id, {"data_drift", "data_quality"}):
            out.append(f"How will you detect data drift on the {_possessive(name)} inputs?")
        if not d.monitors_of(endpoint.id, {"prediction_drift", "model_quality", "concept_drift"}):
            out.append(f"How will you notice that the {_possessive(name)} predictions are getting worse?")
        if online and (endpoint.prop("latency_slo_ms") is None or endpoint.prop("qps") is None):
            out.append(f"Which p99 latency and peak QPS must the {name} meet?")
        if online and endpoint.prop("fallback") in (None, "none"):
            out.append(f"What does the {name} return when the model is slow or unavailable?")
        if online and not d.monitors_of(endpoint.id, {"latency", "errors"}):
            out.append(f"Who is alerted when the {name} breaches its latency SLO or starts failing?")
        user_facing = any(
            c.prop("consumer_type") == "user_app" for c in d.downstream(endpoint.id, "consumer")
        )
        if user_facing and not d.upstream(endpoint.id, "release_strategy") and not d.of("release_strategy"):
            out.append(
                f"How does a new model reach the {_possessive(name)} users safely (shadow, canary), and "
                "how is it rolled back?"
            )
        if user_facing and not d.of("experiment"):
            out.append(
                f"How will you show online that the {_possessive(name)} model moves {kpi} "
                "(A/B test, interleaving)?"
            )
    return out


def _monitoring(d: _Design) -> list[str]:
    out = []
    for monitor in d.of("monitor"):
        if monitor.prop("alerting") is not True:
            out.append(f"Who is alerted, and where, when {d.name(monitor)} detects a problem?")
    for experiment in d.of("experiment"):
        if not experiment.prop("primary_metric"):
            out.append(f"Which metric decides {d.name(experiment)}, and which guardrails must not regress?")
    loops = [lk for lk in d.design.links if lk.feedback]
    explored = any((p.prop("exploration_rate") or 0) > 0 for p in d.of("decision_policy"))
    held_out = any((p.prop("holdout_pct") or 0) > 0 for p in d.of("prediction_logger"))
    if loops and not (explored or held_out):
        out.append(
            "Predictions shape the data the next model learns from: how do you keep the feedback loop "
            "from only reinforcing what the model already shows (exploration, holdout traffic)?"
        )
    return out


def open_questions(
    design: Design, result: CheckResult | None = None, catalog: Catalog | None = None
) -> list[str]:
    """The questions a reviewer would ask about what the design leaves open, in stage order."""
    catalog = catalog or default_catalog()
    coverage = result.coverage if result is not None else stage_coverage(design, catalog)
    questions: list[str] = []
    for stage in catalog.stages:
        cov = coverage.get(stage.id)
        if cov is not None and not cov.covered:
            ask = STAGE_QUESTIONS.get(stage.id) or (stage.prompts[0] if stage.prompts else "")
            questions.append(f"{stage.label} is not covered yet. {ask}")
    d = _Design(design, catalog)
    for builder in (_business, _data, _model, _serving, _monitoring):
        questions.extend(builder(d))
    seen: set[str] = set()
    return [q for q in questions if not (q in seen or seen.add(q))]  # type: ignore[func-returns-value]
