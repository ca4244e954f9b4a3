"""The standard probes an interviewer asks for each kind of ML task, even when the design shows
no gap there, unless the design already answers them.

Task families (from problem_framing.task and what the design contains):

- ranking: task "ranking".
- classification that acts: task binary, multilabel or anomaly; or multiclass with a decision
  policy or human review acting on the predictions.
- forecasting: task "forecast".
- adversarial: problem_framing.adversarial is true; or, when it is not set to false, the
  title, problem statement or framing/objective names speak of fraud, spam, abuse, scams,
  bots, phishing or moderation.
- generation: task "generation", a prompt template, or a model of family llm (a retriever or
  vector index alone is candidate retrieval, not generation).

Each probe says how the design answers it (and then it is not asked):

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
from dataclasses import dataclass

from app.export.question_gaps import PROXY_SIGNALS, DesignView

ADVERSARIAL_WORDS = re.compile(r"\b(fraud|spam|abus|scam|bot|phishing|moderat)", re.I)
LABEL_SIGNALS = re.compile(
    r"click|watch|dwell|view|purchase|conversion|order|booking|rating|like|share|completion|"
    r"skip|save|add.to.cart|reply|install",
    re.I,
)
HORIZON_WORDS = re.compile(r"horizon|\bahead\b|\bnext\s+\d+|\d+\s*-?\s*(hour|day|week|month)s?\s+ahead", re.I)
IMBALANCE_METRICS = {"pr_auc", "f1", "precision", "recall", "roc_auc", "recall_at_k"}
UNSET_OR_NONE = (None, "", "none")


def _text_of(d: DesignView) -> str:
    names = [d.design.meta.title, d.design.meta.problem]
    names += [c.name for c in d.of("problem_framing", "business_objective")]
    return " ".join(names)


def families(d: DesignView) -> set[str]:
    found = set()
    tasks = d.tasks
    if "ranking" in tasks:
        found.add("ranking")
    acts = bool(d.of("decision_policy", "human_review"))
    if tasks & {"binary", "multilabel", "anomaly"} or ("multiclass" in tasks and acts):
        found.add("classification")
    if "forecast" in tasks:
        found.add("forecast")
    flags = [f.prop("adversarial") for f in d.of("problem_framing") if f.prop("adversarial") is not None]
    if any(flags) or (not flags and ADVERSARIAL_WORDS.search(_text_of(d))):
        found.add("adversarial")
    llm = any(m.prop("family") == "llm" for m in d.of("model"))
    if "generation" in tasks or llm or d.of("prompt_template"):
        found.add("generation")
    return found


def _any_prop(d: DesignView, kind: str, prop: str, ok: Callable[[object], bool]) -> bool:
    return any(ok(c.prop(prop)) for c in d.of(kind))


def _set(value: object) -> bool:
    return value not in UNSET_OR_NONE


def _positive(value: object) -> bool:
    return isinstance(value, int | float) and value > 0


def _metric_names(d: DesignView) -> set[str]:
    return {str(m.prop("name")) for m in d.of("metric") if m.prop("name")}


def _watched(d: DesignView, signal: str) -> bool:
    return any(signal in (m.prop("watches") or ()) for m in d.of("monitor"))


def _label_choice(d: DesignView) -> bool:
    return any(
        LABEL_SIGNALS.search(f"{c.name} {c.notes}") and c.prop("label_type") for c in d.of("label_source")
    )


def _scores_not_thresholded(d: DesignView) -> bool:
    """Every decision policy acts on the scores without a threshold (auction, bandit, re-rank)."""
    policies = [p.prop("policy_type") for p in d.of("decision_policy")]
    return bool(policies) and all(p in ("optimizer", "bandit", "rerank") for p in policies)


def _thresholds(d: DesignView) -> bool:
    return _scores_not_thresholded(d) or any(
        f.prop("false_positive_cost") is not None and f.prop("false_negative_cost") is not None
        for f in d.of("problem_framing")
    )


def _calibration(d: DesignView) -> bool:
    return (
        _any_prop(d, "model", "calibration", _set)
        or bool(_metric_names(d) & {"brier", "ece"})
        or _watched(d, "calibration")
    )


def _imbalance(d: DesignView) -> bool:
    rates = [c.prop("positive_rate") for c in d.of("label_source") if c.prop("positive_rate") is not None]
    return bool(rates) and (min(rates) >= 0.2 or bool(_metric_names(d) & IMBALANCE_METRICS))


def _label_delay(d: DesignView) -> bool:
    labels = d.of("label_source")
    return bool(labels) and all(
        c.prop("delay_hours") is not None
        and (c.prop("delay_hours") <= 24 or bool(d.monitors_of(c.id, PROXY_SIGNALS)))
        for c in labels
    )


def _horizon(d: DesignView) -> bool:
    named = d.of("problem_framing", "metric", "model")
    texts = [d.design.meta.problem] + [f"{c.name} {c.notes}" for c in named]
    return any(HORIZON_WORDS.search(t) for t in texts)


def _backtesting(d: DesignView) -> bool:
    return _any_prop(d, "evaluation", "method", lambda v: v == "backtest") or _any_prop(
        d, "training_job", "cv", lambda v: v == "time_series_cv"
    )


def _adaptation(d: DesignView) -> bool:
    watched = any(
        m.prop("alerting") is True and {"concept_drift", "data_drift"} & set(m.prop("watches") or ())
        for m in d.of("monitor")
    )
    retrained = _any_prop(
        d, "training_job", "schedule", lambda v: v in ("periodic", "triggered", "continual")
    )
    labels = {c.id for c in d.of("label_source")}
    relabelled = bool(d.of("human_review")) or any(
        lk.feedback and lk.target in labels for lk in d.design.links
    )
    return watched and (retrained or relabelled)


def _review_capacity(d: DesignView) -> bool:
    return _any_prop(d, "human_review", "capacity_per_day", lambda v: v is not None) and _any_prop(
        d, "decision_policy", "action_limits", lambda v: v is True
    )


def _gated(d: DesignView) -> bool:
    return _any_prop(d, "evaluation", "gate", lambda v: v is True)


def _version_swaps(d: DesignView) -> bool:
    external = [
        m
        for m in d.of("model")
        if m.prop("provenance") in ("pretrained", "vendor_api") or m.prop("family") == "llm"
    ]
    return (
        _gated(d)
        and all(m.prop("version_pinned") is True for m in external)
        and all(p.prop("versioned") is True for p in d.of("prompt_template"))
    )


def _token_cost(d: DesignView) -> bool:
    costed = _any_prop(d, "model", "cost_per_1k_tokens", lambda v: v is not None)
    capped = _any_prop(d, "constraint", "type", lambda v: v == "cost") or _watched(d, "cost")
    return costed and capped


@dataclass(frozen=True)
class Probe:
    family: str
    topic: str
    text: str
    answered: Callable[[DesignView], bool]


PROBES = (
    Probe(
        "ranking",
        "label_choice",
        "Which signal is the label: clicks, watch time or dwell, purchases, or a blend, and how do you "
        "keep the model from rewarding click-bait?",
        _label_choice,
    ),
    Probe(
        "ranking",
        "position_bias",
        "Items shown higher get more clicks whatever their relevance: how do you correct the labels for "
        "position bias (position feature, inverse propensity weighting, randomised slots)?",
        lambda d: _any_prop(d, "label_source", "position_correction", _set),
    ),
    Probe(
        "ranking",
        "cold_start",
        "How are new users and new items ranked before they have any history (popularity fallback, "
        "content features, exploration)?",
        lambda d: _any_prop(d, "model", "cold_start", _set),
    ),
    Probe(
        "ranking",
        "feedback_loop",
        "How do you keep the results diverse, and stop the feedback loop from narrowing them to what the "
        "model already shows (exploration, diversity re-ranking, holdout traffic)?",
        lambda d: (
            _any_prop(d, "decision_policy", "exploration_rate", _positive)
            or _any_prop(d, "prediction_logger", "holdout_pct", _positive)
        ),
    ),
    Probe(
        "adversarial",
        "adaptation",
        "Adversaries change tactics once the model blocks them: how quickly do you detect new patterns "
        "and update the model or its rules?",
        _adaptation,
    ),
    Probe(
        "adversarial",
        "label_delay",
        "Confirmed labels (chargebacks, appeals, reports) arrive late: what tells you the model is "
        "being evaded before they do?",
        _label_delay,
    ),
    Probe(
        "adversarial",
        "review_capacity",
        "How many cases a day can human reviewers handle, and what happens when the model flags more "
        "than that?",
        _review_capacity,
    ),
    Probe(
        "classification",
        "thresholds",
        "Which threshold turns a score into an action, and how is it derived from the cost of a false "
        "positive versus a false negative?",
        _thresholds,
    ),
    Probe(
        "classification",
        "calibration",
        "Are the scores calibrated probabilities, as thresholds and expected costs assume (Platt, "
        "isotonic), and how is calibration checked (Brier score, ECE)?",
        _calibration,
    ),
    Probe(
        "classification",
        "imbalance",
        "How rare is the positive class, and how do training (re-weighting, sampling) and the metric "
        "(PR-AUC rather than accuracy) deal with the imbalance?",
        _imbalance,
    ),
    Probe(
        "classification",
        "label_delay",
        "How long until the true outcome of a prediction is known, and what shows the model degrading "
        "before the labels arrive?",
        _label_delay,
    ),
    Probe(
        "forecast",
        "censored",
        "Sales only show the demand that could be served: how do you recover true demand during "
        "stock-outs and other censored periods?",
        lambda d: _any_prop(d, "label_source", "censored", lambda v: v is not None),
    ),
    Probe(
        "forecast",
        "horizon",
        "Which forecast horizon and granularity does the decision need (hours, days, weeks; per store, "
        "per item), and how is the error measured at that horizon?",
        _horizon,
    ),
    Probe(
        "forecast",
        "backtesting",
        "How do you backtest: rolling-origin evaluation over past periods, with features as they were "
        "known at each cut-off?",
        _backtesting,
    ),
    Probe(
        "generation",
        "groundedness",
        "How do you measure that answers are grounded in the retrieved sources, and how are "
        "hallucinations caught in production?",
        lambda d: "groundedness" in _metric_names(d) or _watched(d, "groundedness"),
    ),
    Probe(
        "generation",
        "eval_set",
        "Which evaluation set (golden questions, human-rated answers) decides whether a prompt or model "
        "change ships?",
        lambda d: _gated(d) and bool(_metric_names(d)),
    ),
    Probe(
        "generation",
        "version_swaps",
        "What stops a prompt edit or a new model version from silently changing the answers (pinned "
        "versions, a regression suite, a gate)?",
        _version_swaps,
    ),
    Probe(
        "generation",
        "token_cost",
        "What does a request cost in tokens at peak traffic, and how is that cost capped (caching, "
        "smaller models, limits)?",
        _token_cost,
    ),
)


def probes(d: DesignView) -> list[tuple[str, str]]:
    """(topic, text) of the standard probes for the design's task families that it leaves open."""
    found = families(d)
    return [(p.topic, p.text) for p in PROBES if p.family in found and not p.answered(d)]
