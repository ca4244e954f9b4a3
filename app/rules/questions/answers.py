"""How a design answers the standard probes of app.rules.questions.probes (a probe is
not asked when its predicate here is true):

- label_choice: a label source named after a concrete signal (click, watch, dwell, purchase,
  conversion, rating, like, share, completion, ...) with its label_type set.
- position_bias: a label source with position_correction other than none.
- cold_start: a model with cold_start other than none.
- feedback_loop: a decision policy exploring (exploration_rate > 0) or a prediction logger
  holding out traffic (holdout_pct > 0).
- thresholds: problem_framing sets both false_positive_cost and false_negative_cost; not
  asked when every decision policy acts on the scores without a threshold (optimizer,
  bandit, rerank).
- calibration: a model with calibration other than none, a Brier or ECE metric, or a monitor
  watching calibration.
- imbalance: the positive rate is stated and is at least 20%, or a metric that stays
  meaningful under imbalance (PR-AUC, F1, precision, recall, ROC-AUC) is chosen.
- label_delay: every label source states its delay, and each is either within a day or
  watched through drift or quality monitors as a proxy.
- censored: a label source says whether its outcomes are censored.
- horizon: the framing, a metric, a model or the problem statement names the horizon.
- backtesting: an evaluation by backtest, or time-series cross-validation in training.
- adaptation: an alerting monitor watching concept or data drift, and either a training job
  retrained (periodic, triggered, continual) or fresh labels (human review, or a feedback
  link into a label source).
- review_capacity: a human review with its capacity per day, and a decision policy with
  action limits.
- groundedness: a groundedness metric or a monitor watching groundedness.
- eval_set: an evaluation that gates releases, with a named metric.
- version_swaps: every prompt template versioned, every pretrained or vendor model (or LLM)
  version-pinned, and an evaluation gate.
- token_cost: a model with its cost per 1k tokens, and a cost constraint or cost monitor.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from app.rules.context import RuleContext
from app.rules.questions.gaps import PROXY_SIGNALS, monitors_of

LABEL_SIGNALS = re.compile(
    r"click|watch|dwell|view|purchase|conversion|order|booking|rating|like|share|completion|"
    r"skip|save|add.to.cart|reply|install",
    re.I,
)
HORIZON_WORDS = re.compile(r"horizon|\bahead\b|\bnext\s+\d+|\d+\s*-?\s*(hour|day|week|month)s?\s+ahead", re.I)
IMBALANCE_METRICS = {"pr_auc", "f1", "precision", "recall", "roc_auc", "recall_at_k"}
UNSET_OR_NONE = (None, "", "none")


def any_prop(d: RuleContext, kind: str, prop: str, ok: Callable[[object], bool]) -> bool:
    return any(ok(c.prop(prop)) for c in d.of_kind(kind))


def is_given(value: object) -> bool:
    return value not in UNSET_OR_NONE


def positive(value: object) -> bool:
    return isinstance(value, int | float) and value > 0


def metric_names(d: RuleContext) -> set[str]:
    return {str(m.prop("name")) for m in d.of_kind("metric") if m.prop("name")}


def watched(d: RuleContext, signal: str) -> bool:
    return any(signal in (m.prop("watches") or ()) for m in d.of_kind("monitor"))


def label_choice(d: RuleContext) -> bool:
    return any(
        LABEL_SIGNALS.search(f"{c.name} {c.notes}") and c.prop("label_type")
        for c in d.of_kind("label_source")
    )


def scores_not_thresholded(d: RuleContext) -> bool:
    """Every decision policy acts on the scores without a threshold (auction, bandit, re-rank)."""
    policies = [p.prop("policy_type") for p in d.of_kind("decision_policy")]
    return bool(policies) and all(p in ("optimizer", "bandit", "rerank") for p in policies)


def thresholds(d: RuleContext) -> bool:
    return scores_not_thresholded(d) or any(
        f.prop("false_positive_cost") is not None and f.prop("false_negative_cost") is not None
        for f in d.of_kind("problem_framing")
    )


def calibration(d: RuleContext) -> bool:
    return (
        any_prop(d, "model", "calibration", is_given)
        or bool(metric_names(d) & {"brier", "ece"})
        or watched(d, "calibration")
    )


def imbalance(d: RuleContext) -> bool:
    rates = [
        c.prop("positive_rate") for c in d.of_kind("label_source") if c.prop("positive_rate") is not None
    ]
    return bool(rates) and (min(rates) >= 0.2 or bool(metric_names(d) & IMBALANCE_METRICS))


def label_delay(d: RuleContext) -> bool:
    labels = d.of_kind("label_source")
    return bool(labels) and all(
        c.prop("delay_hours") is not None
        and (c.prop("delay_hours") <= 24 or bool(monitors_of(d, c.id, PROXY_SIGNALS)))
        for c in labels
    )


def horizon(d: RuleContext) -> bool:
    named = d.of_kind("problem_framing", "metric", "model")
    texts = [d.design.meta.problem] + [f"{c.name} {c.notes}" for c in named]
    return any(HORIZON_WORDS.search(t) for t in texts)


def backtesting(d: RuleContext) -> bool:
    return any_prop(d, "evaluation", "method", lambda v: v == "backtest") or any_prop(
        d, "training_job", "cv", lambda v: v == "time_series_cv"
    )


def adaptation(d: RuleContext) -> bool:
    watched = any(
        m.prop("alerting") is True and {"concept_drift", "data_drift"} & set(m.prop("watches") or ())
        for m in d.of_kind("monitor")
    )
    retrained = any_prop(d, "training_job", "schedule", lambda v: v in ("periodic", "triggered", "continual"))
    labels = {c.id for c in d.of_kind("label_source")}
    relabelled = bool(d.of_kind("human_review")) or any(
        lk.feedback and lk.target in labels for lk in d.design.links
    )
    return watched and (retrained or relabelled)


def review_capacity(d: RuleContext) -> bool:
    return any_prop(d, "human_review", "capacity_per_day", lambda v: v is not None) and any_prop(
        d, "decision_policy", "action_limits", lambda v: v is True
    )


def gated(d: RuleContext) -> bool:
    return any_prop(d, "evaluation", "gate", lambda v: v is True)


def version_swaps(d: RuleContext) -> bool:
    external = [
        m
        for m in d.of_kind("model")
        if m.prop("provenance") in ("pretrained", "vendor_api") or m.prop("family") == "llm"
    ]
    return (
        gated(d)
        and all(m.prop("version_pinned") is True for m in external)
        and all(p.prop("versioned") is True for p in d.of_kind("prompt_template"))
    )


def token_cost(d: RuleContext) -> bool:
    costed = any_prop(d, "model", "cost_per_1k_tokens", lambda v: v is not None)
    capped = any_prop(d, "constraint", "type", lambda v: v == "cost") or watched(d, "cost")
    return costed and capped


def position_bias(d: RuleContext) -> bool:
    return any_prop(d, "label_source", "position_correction", is_given)


def cold_start(d: RuleContext) -> bool:
    return any_prop(d, "model", "cold_start", is_given)


def feedback_loop(d: RuleContext) -> bool:
    return any_prop(d, "decision_policy", "exploration_rate", positive) or any_prop(
        d, "prediction_logger", "holdout_pct", positive
    )


def censored(d: RuleContext) -> bool:
    return any_prop(d, "label_source", "censored", lambda v: v is not None)


def groundedness(d: RuleContext) -> bool:
    return "groundedness" in metric_names(d) or watched(d, "groundedness")


def eval_set(d: RuleContext) -> bool:
    return gated(d) and bool(metric_names(d))
