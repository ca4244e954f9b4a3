"""Online checks: R46 offline-online metric alignment, R52 adversarial systems.

What offline evaluation cannot see: whether the optimized metric moves live outcomes, and
whether a system facing adversaries notices and follows their adaptation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from app.rules.checks._common import (
    LEARNED_ELSEWHERE,
    ct_driven,
    dmls,
    htd,
    items,
    join_words,
    mts,
    names,
)
from app.rules.checks._flows import carries_data
from app.rules.checks._signals import DALVI_2004, KOHAVI_2020, linked_monitors, said, watch_verdict
from app.rules.checks.nearness import direct_consumers
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.registry import rule

# ---- R46 ------------------------------------------------------------------------------------

_ONLINE_SIGNALS = {"model_quality", "business_kpi"}


def _words(text: object) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", str(text).lower()))


def _matches(primary: str, labels: list[str]) -> bool:
    """An experiment's primary metric names one of `labels` (whole words, either way round)."""
    if not primary:
        return False
    padded = f" {primary} "
    return any(len(label) > 2 and (f" {label} " in padded or padded in f" {label} ") for label in labels)


def _objectives_of(ctx: RuleContext, metric: str, objectives: Mapping[str, object]) -> list[str]:
    """Objectives a metric is linked to directly (either way), or through a chain of proxy links."""
    succ = ctx.succ
    found = [n for n in (*succ[metric], *ctx.pred[metric]) if n in objectives]
    seen, frontier = {metric}, [metric]
    while frontier:
        node = frontier.pop()
        for nxt, data in succ[node].items():
            if data["flow"] == "proxy" and nxt not in seen:
                seen.add(nxt)
                if nxt in objectives:
                    found.append(nxt)
                else:
                    frontier.append(nxt)
    return list(ctx.sorted_ids(found))


@rule(
    id="R46",
    title="Offline metric not aligned with an online check",
    stage="monitoring",
    severity="warning",
    kinds=("business_objective", "experiment", "metric", "monitor"),
    rationale="The metric a model is optimized for offline is a proxy; whether improving it moves "
    "what users and the business experience is an empirical question that only online data "
    "answers. An optimizing metric that no online monitor or experiment ties to live outcomes can "
    "keep improving while the product gets worse.",
    suggestion="Tie each optimizing metric to an online check: link it (directly or through its "
    "business objective) to a monitor watching model_quality or business_kpi, or run an experiment "
    "whose primary_metric is the metric or its objective's KPI, and check that offline gains "
    "predict online ones.",
    sources=(*mts("Model 2"), KOHAVI_2020),
    condition="The design serves (it has an endpoint, or a consumer takes a model's predictions "
    "with no endpoint: batch scores, an embedded model) and a metric with role optimizing is linked "
    "to no monitor watching model_quality or business_kpi and to no experiment, no experiment's "
    "primary_metric names it, and no business objective it is linked to (directly or by a chain of "
    "proxy links) is linked to such a monitor or "
    "experiment or named by an experiment's primary_metric.",
    unset="A metric with role unset counts as optimizing; a metric with name unset is matched by "
    "its label only; a linked monitor with watches unset does not tie it (each is named).",
)
def r46_metric_alignment(ctx: RuleContext) -> Iterator[Hit]:
    if not ctx.has_kind("endpoint") and not direct_consumers(ctx):
        return
    metrics = ctx.of_kind("metric")
    candidates = [m for m in metrics if m.properties.get("role") in ("optimizing", None)]
    if not candidates:
        return
    experiments = ctx.of_kind("experiment")
    experiment_ids = {e.id for e in experiments}
    primaries = [p for p in (_words(e.properties.get("primary_metric") or "") for e in experiments) if p]

    def tied(node: str, labels: list[str]) -> tuple[bool, list[str]]:
        if ctx.neighbours(node) & experiment_ids:
            return True, []
        ok, unsure = watch_verdict(ctx, linked_monitors(ctx, [node]), _ONLINE_SIGNALS)
        if ok or any(_matches(p, labels) for p in primaries):
            return True, []
        return False, unsure

    objectives = [c.id for c in ctx.of_kind("business_objective")]
    objective_tie = {}
    for objective in objectives:
        labels = [_words(ctx.name(objective)), _words(ctx.prop(objective, "kpi") or "")]
        objective_tie[objective] = tied(objective, labels)
    for metric in candidates:
        props = metric.properties
        labels = [_words(ctx.name(metric.id))]
        if props.get("name") not in (None, "other"):
            labels.append(_words(props["name"]))
        ok, unsure = tied(metric.id, labels)
        reached = _objectives_of(ctx, metric.id, objective_tie) if objectives else []
        for objective in reached:
            if ok:
                break
            ok, more = objective_tie[objective]
            unsure += more
        if ok:
            continue
        role = props.get("role")
        unset = [f"{metric.id}.role"] if role is None else []
        if props.get("name") is None:  # an experiment's primary_metric could not name it
            unset.append(f"{metric.id}.name")
        unset += [f"{m}.watches" for m in dict.fromkeys(unsure)]
        what = f"{ctx.name(metric.id)} ({said(props.get('name'))})"
        lead = f"Optimizing metric {what}" if role else f"Metric {what}, whose role is unset,"
        via = f" or to {names(ctx, reached)}" if reached else ""
        watched = (
            f"; {names(ctx, list(dict.fromkeys(unsure)))} may watch it, but watches is unset"
            if unsure
            else ""
        )
        yield Hit(
            f"{lead} is tied to no online check: no monitor watching model_quality or business_kpi "
            f"and no experiment is linked to it{via}, and no experiment's primary_metric names it"
            f"{watched}",
            components=ctx.sorted_ids([metric.id, *reached]),
            unset=tuple(unset),
        )


# ---- R52 ------------------------------------------------------------------------------------

_DRIFT = {"concept_drift", "data_drift"}
_ACTING = ("threshold", "rules")


def _label_feedback(ctx: RuleContext) -> bool:
    """Outcomes come back as labels: a feedback link that carries data leads, directly or on
    through data-carrying links, into a label source. A watch, govern or proxy link, or an eval
    link of measurements, observes or controls: marked feedback or not, it brings no label back."""
    succ = ctx.succ
    links = [(s, t) for s, t in ctx.feedback_links() if carries_data(ctx, s, succ[s][t]["flow"])]
    if any(succ[s][t]["flow"] == "label" for s, t in links):
        return True  # outcomes drawn straight into a dataset as labels
    frontier = [t for _, t in links]
    labels = ctx.ids_of_kind("label_source")
    seen = set(frontier)
    while frontier:
        node = frontier.pop()
        if node in labels:
            return True
        for nxt, data in succ[node].items():
            if nxt not in seen and not data["feedback"] and carries_data(ctx, node, data["flow"]):
                seen.add(nxt)
                frontier.append(nxt)
    return False


def _adversarial_gaps(ctx: RuleContext) -> tuple[list[str], list[str], list[str]]:
    """(missing pieces in words, unset properties, components involved)."""
    missing: list[str] = []
    unset: list[str] = []
    involved: list[str] = []
    drift = []
    unsure_watch = []
    for monitor in ctx.of_kind("monitor"):
        watches = items(monitor.properties.get("watches"))
        if watches is None:
            unsure_watch.append(monitor.id)
        elif watches & _DRIFT:
            drift.append(monitor)
    if not any(m.properties.get("alerting") is True for m in drift):
        unsure_alert = [m.id for m in drift if m.properties.get("alerting") is None]
        if unsure_alert or unsure_watch:
            unset += [f"{m}.alerting" for m in unsure_alert] + [f"{m}.watches" for m in unsure_watch]
            involved += unsure_alert + unsure_watch
        else:
            missing.append("no monitor alerts on concept_drift or data_drift")
            involved += [m.id for m in drift]
    jobs = ctx.of_kind("training_job")
    schedules = [j.properties.get("schedule") for j in jobs]
    models = ctx.of_kind("model")
    if models and all(m.properties.get("provenance") in LEARNED_ELSEWHERE for m in models):
        # Nothing is trained here: defences (prompts, filters, model versions) adapt by shipping
        # changes through a gated evaluation instead of by retraining.
        gates = ctx.of_kind("evaluation")
        if not any(g.properties.get("gate") is True for g in gates):
            unsure_gates = [g.id for g in gates if g.properties.get("gate") is None]
            unset += [f"{g}.gate" for g in unsure_gates]
            involved += unsure_gates
            if not unsure_gates:
                missing.append("no gated evaluation to ship updated defences through")
    elif not any(s in ("periodic", "triggered", "continual") for s in schedules) and not ct_driven(ctx):
        unsure_jobs = [j.id for j, s in zip(jobs, schedules, strict=True) if s is None]
        if unsure_jobs:
            unset += [f"{j}.schedule" for j in unsure_jobs]
            involved += unsure_jobs
        else:
            missing.append("no training job retrains it (schedule periodic, triggered or continual)")
            involved += [j.id for j in jobs]
    if not ctx.has_kind("human_review") and not _label_feedback(ctx):
        missing.append("no human review and no feedback link bringing new labels back")
    return missing, unset, involved


@rule(
    id="R52",
    title="Adversarial system without adaptation",
    stage="monitoring",
    severity="warning",
    kinds=(
        "cicd_pipeline", "decision_policy", "evaluation", "model", "monitor", "problem_framing",
        "training_job",
    ),
    rationale="Fraudsters, spammers and abusers probe the model and change behaviour to evade it: "
    "the concept drifts because someone is pushing it. A system facing adversaries needs to see "
    "the drift (alerting drift monitors), keep retraining on fresh attacks, and keep a source of "
    "new labels (human review of flagged cases or outcomes fed back as labels).",
    suggestion="Add a monitor watching concept_drift or data_drift with alerting, retrain on a "
    "schedule or on a drift trigger, and route flagged or appealed cases to human review whose "
    "verdicts become labels.",
    sources=(DALVI_2004, *htd("7"), *dmls(8)),
    condition="A problem framing has adversarial on and the design lacks any of: a monitor watching "
    "concept_drift or data_drift with alerting; a training job whose schedule is periodic, triggered "
    "or continual, or that a CI/CD pipeline with continuous training drives (when every model is "
    "pretrained or vendor_api: an evaluation with gate on, through "
    "which updated prompts and filters ship); a human review component or a data-carrying feedback "
    "link (not watch, govern, proxy or a measurement's eval) leading into a label source, or a "
    "feedback link of flow label. One "
    "finding lists the missing pieces. When adversarial is unset, an "
    "info finding asks for it only if the design acts on cases (a threshold or rules decision "
    "policy) with human review: the shape of fraud, spam and abuse systems.",
    unset="alerting, watches or schedule unset where they decide a piece fire as unknowns; "
    "adversarial unset is the info case above.",
)
def r52_adversarial(ctx: RuleContext) -> Iterator[Hit]:
    framings = ctx.of_kind("problem_framing")
    adversarial = [f.id for f in framings if f.properties.get("adversarial") is True]
    if adversarial:
        missing, unset, involved = _adversarial_gaps(ctx)
        if not missing and not unset:
            return
        parts = [join_words(missing)] if missing else []
        if unset:
            parts.append(f"unset: {', '.join(unset)}")
        yield Hit(
            f"{names(ctx, adversarial)} faces adversaries who adapt to the model, but the design has "
            + "; ".join(parts),
            components=ctx.sorted_ids([*adversarial, *involved]),
            unset=tuple(unset),
        )
        return
    acting = [p.id for p in ctx.of_kind("decision_policy") if p.properties.get("policy_type") in _ACTING]
    if not acting or not ctx.has_kind("human_review"):
        return
    for framing in framings:
        if framing.properties.get("adversarial") is None:
            yield Hit(
                f"adversarial of {ctx.name(framing.id)} is unset, and {names(ctx, acting)} acts on cases "
                "with human review, as fraud, spam and abuse systems do: set it (adversaries adapt)",
                components=(framing.id,),
                severity="info",
                unset=(f"{framing.id}.adversarial",),
            )
