"""Questions about what a design leaves open, read from the design itself: each builder
returns (topic, text) pairs; app.rules.questions ranks them and keeps one per topic.

Builders read the design through the rules' own RuleContext, so a question and a rule agree on
what the design is (which tasks are supervised, what is upstream of what).
"""

from __future__ import annotations

from app.domain.catalog import Catalog
from app.domain.graph import design_to_graph
from app.domain.model import Component, Design
from app.domain.units import hours
from app.rules.checks._common import SUPERVISED_TASKS
from app.rules.checks._flows import task_of
from app.rules.context import RuleContext

# Tasks whose training target is not a separate label stream: a forecaster learns the series
# itself, a generator is evaluated rather than trained here.
NO_LABEL_SOURCE_TASKS = {"forecast", "generation"}
PROXY_SIGNALS = {"data_drift", "prediction_drift", "concept_drift", "model_quality"}

FRAMING_QUESTION = "What kind of ML task is this (classification, ranking, regression ...), and why?"
OBJECTIVE_QUESTION = "What business objective does this system serve, and which KPI will show it worked?"

Asked = list[tuple[str, str]]


def context_of(design: Design, catalog: Catalog) -> RuleContext:
    """The rules' view of `design`, for the question builders."""
    return RuleContext(design, design_to_graph(design, catalog), catalog)


def label(ctx: RuleContext, component: Component) -> str:
    """How a question names a component: its name, else its kind's label, on one line."""
    spec = ctx.catalog.kind(component.kind)
    fallback = spec.label if spec else component.kind
    return " ".join((component.name or fallback).split())


def around(ctx: RuleContext, node: str) -> set[str]:
    return {node} | ctx.ancestors(node) | ctx.descendants(node)


def monitors_of(ctx: RuleContext, node: str, watches: set[str]) -> list[Component]:
    """Monitors watching any of `watches` linked to the node, its ancestors or descendants."""
    area = around(ctx, node)
    return [
        monitor
        for monitor in ctx.of_kind("monitor")
        if watches & set(monitor.prop("watches") or ()) and area & ctx.neighbours(monitor.id)
    ]


def kpi_name(ctx: RuleContext, default: str = "the business KPI") -> str:
    return next((str(o.prop("kpi")) for o in ctx.of_kind("business_objective") if o.prop("kpi")), default)


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def empty_boxes(d: RuleContext) -> Asked:
    """Boxes with no property set: on the canvas they look like design, but say nothing."""
    empty = []
    for component in d.design.components:
        spec = d.catalog.kind(component.kind)
        if (
            spec
            and spec.properties
            and not any(v not in (None, "", []) for v in component.properties.values())
        ):
            empty.append(label(d, component))
    if not empty:
        return []
    shown = ", ".join(empty[:3]) + (f" and {len(empty) - 3} more" if len(empty) > 3 else "")
    verb = "has" if len(empty) == 1 else "have"
    return [("empty_boxes", f"{shown} {verb} no property set: what are they, and what do they decide?")]


def business(d: RuleContext) -> Asked:
    out: Asked = []
    framings = d.of_kind("problem_framing")
    if not task_of(d):
        out.append(("framing", FRAMING_QUESTION))
    objectives = d.of_kind("business_objective")
    if not objectives:
        out.append(("kpi", OBJECTIVE_QUESTION))
    for objective in objectives:
        if not objective.prop("kpi"):
            out.append(
                (
                    "kpi",
                    f'Which KPI measures "{label(d, objective)}", by how much should it move, and by when?',
                )
            )
    metrics = d.of_kind("metric")
    if not any(m.prop("name") for m in metrics):
        kpi = kpi_name(d, "the KPI")
        out.append(("metric", f"Which offline metric will you optimise, and how does it relate to {kpi}?"))
    objective_ids = {o.id for o in objectives}
    for metric in metrics:
        if objectives and not objective_ids & set(d.graph.successors(metric.id)):
            out.append(("metric_kpi", f"How does {label(d, metric)} translate into {kpi_name(d)}?"))
    if not d.of_kind("constraint"):
        out.append(("constraints", "What are the latency, throughput, cost and privacy constraints?"))
    learned = [m for m in d.of_kind("model") if m.prop("learned") is not False]
    if learned and (not framings or any(f.prop("ml_needed") in (None, "no", "tbd") for f in framings)):
        out.append(
            (
                "why_ml",
                "Why is ML needed here rather than a rule or a heuristic, and what would a heuristic score?",
            )
        )
    return out


def data(d: RuleContext) -> Asked:
    out: Asked = []
    protected = bool(d.of_kind("governance"))
    for source in d.of_kind("data_source"):
        name = label(d, source)
        if source.prop("contains_pii") and not protected:
            out.append(
                (
                    "pii",
                    f"How is the personal data in {name} protected (anonymisation, access control, "
                    "consent, retention)?",
                )
            )
        if not source.prop("owner"):
            out.append(("owner", f"Who owns {name}, and what happens to the model when its schema changes?"))
    for labels in d.of_kind("label_source"):
        name = label(d, labels)
        delay = labels.prop("delay_hours")
        if delay is None:
            out.append(("label_delay", f"How long after a prediction do the labels from {name} arrive?"))
        elif delay > 24 and not monitors_of(d, labels.id, PROXY_SIGNALS):
            out.append(
                (
                    "label_delay",
                    f"Labels from {name} arrive after {hours(delay)}: which proxy signals show the model "
                    "degrading before they do?",
                )
            )
        rate = labels.prop("positive_rate")
        if rate is not None and rate < 0.05 and not d.of_kind("sampling_strategy"):
            out.append(
                (
                    "imbalance",
                    f"Only {rate:.1%} of the labels from {name} are positive: how do you handle the class "
                    "imbalance, and which metric stays meaningful?",
                )
            )
    if task_of(d) & set(SUPERVISED_TASKS):  # the tasks R9 asks a label source for
        for training in d.of_kind("training_job"):
            if not d.up(training.id, "label_source"):
                text = f"Where do the labels that {label(d, training)} learns from come from?"
                out.append(("labels_origin", text))
    for dataset in d.of_kind("dataset"):
        if dataset.prop("is_time_series") and dataset.prop("split") in (None, "random"):
            out.append(
                (
                    "time_split",
                    f"{label(d, dataset)} is ordered in time: how do you split it so that no future data "
                    "leaks into training?",
                )
            )
    return out


def model(d: RuleContext) -> Asked:
    out: Asked = []
    models = [m for m in d.of_kind("model") if m.prop("learned") is not False]
    if models and not d.of_kind("baseline_model"):
        out.append(("baseline", f"What baseline does {label(d, models[0])} have to beat, and by how much?"))
    for training in d.of_kind("training_job"):
        gated = [e for e in d.dn(training.id, "evaluation") if e.prop("gate")]
        if not gated and d.dn(training.id, "endpoint"):
            out.append(("gate", f"What must a model from {label(d, training)} pass before it is released?"))
        if training.prop("schedule") in (None, "manual"):
            text = f"How often is {label(d, training)} re-run, and what triggers a retraining?"
            out.append(("retraining", text))
    if models and not d.of_kind("model_registry"):
        out.append(("registry", "How do you find, compare and roll back to a previous model version?"))
    return out


def serving(d: RuleContext) -> Asked:
    out: Asked = []
    kpi = kpi_name(d)
    for endpoint in d.of_kind("endpoint"):
        name = label(d, endpoint)
        online = endpoint.prop("mode") in ("online", "streaming")
        if not monitors_of(d, endpoint.id, {"data_drift", "data_quality"}):
            out.append(("drift", f"How will you detect data drift on the {possessive(name)} inputs?"))
        if not monitors_of(d, endpoint.id, {"prediction_drift", "model_quality", "concept_drift"}):
            text = f"How will you notice that the {possessive(name)} predictions are getting worse?"
            out.append(("drift", text))
        if online and (endpoint.prop("latency_slo_ms") is None or endpoint.prop("qps") is None):
            out.append(("latency_targets", f"Which p99 latency and peak QPS must the {name} meet?"))
        if online and endpoint.prop("fallback") in (None, "none"):
            out.append(("fallback", f"What does the {name} return when the model is slow or unavailable?"))
        if online and not monitors_of(d, endpoint.id, {"latency", "errors"}):
            out.append(
                (
                    "ops_monitoring",
                    f"Who is alerted when the {name} breaches its latency SLO or starts failing?",
                )
            )
        user_facing = any(c.prop("consumer_type") == "user_app" for c in d.dn(endpoint.id, "consumer"))
        if user_facing and not d.of_kind("release_strategy"):
            out.append(
                (
                    "release",
                    f"How does a new model reach the {possessive(name)} users safely (shadow, canary), and "
                    "how is it rolled back?",
                )
            )
        if user_facing and not d.of_kind("experiment"):
            out.append(
                (
                    "online_experiment",
                    f"How will you show online that the {possessive(name)} model moves {kpi} "
                    "(A/B test, interleaving)?",
                )
            )
    return out


def monitoring(d: RuleContext) -> Asked:
    out: Asked = []
    for monitor in d.of_kind("monitor"):
        if monitor.prop("alerting") is not True:
            out.append(
                ("alerting", f"Who is alerted, and where, when {label(d, monitor)} detects a problem?")
            )
    for experiment in d.of_kind("experiment"):
        if not experiment.prop("primary_metric"):
            out.append(
                (
                    "experiment_metric",
                    f"Which metric decides {label(d, experiment)}, and which guardrails must not regress?",
                )
            )
    loops = [lk for lk in d.design.links if lk.feedback]
    explored = any((p.prop("exploration_rate") or 0) > 0 for p in d.of_kind("decision_policy"))
    held_out = any((p.prop("holdout_pct") or 0) > 0 for p in d.of_kind("prediction_logger"))
    if loops and not (explored or held_out):
        out.append(
            (
                "feedback_loop",
                "Predictions shape the data the next model learns from: how do you keep the feedback loop "
                "from only reinforcing what the model already shows (exploration, holdout traffic)?",
            )
        )
    return out


BUILDERS = (business, data, model, serving, monitoring, empty_boxes)
