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

How each probe is answered (and then not asked) is in app.rules.questions.answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from app.rules.checks._flows import task_of
from app.rules.context import RuleContext
from app.rules.questions import answers

ADVERSARIAL_WORDS = re.compile(r"\b(fraud|spam|abus|scam|bot|phishing|moderat)", re.I)


def _text_of(d: RuleContext) -> str:
    names = [d.design.meta.title, d.design.meta.problem]
    names += [c.name for c in d.of_kind("problem_framing", "business_objective")]
    return " ".join(names)


def families(d: RuleContext) -> set[str]:
    found = set()
    tasks = task_of(d)
    if "ranking" in tasks:
        found.add("ranking")
    acts = bool(d.of_kind("decision_policy", "human_review"))
    if tasks & {"binary", "multilabel", "anomaly"} or ("multiclass" in tasks and acts):
        found.add("classification")
    if "forecast" in tasks:
        found.add("forecast")
    flags = [f.prop("adversarial") for f in d.of_kind("problem_framing") if f.prop("adversarial") is not None]
    if any(flags) or (not flags and ADVERSARIAL_WORDS.search(_text_of(d))):
        found.add("adversarial")
    llm = any(m.prop("family") == "llm" for m in d.of_kind("model"))
    if "generation" in tasks or llm or d.of_kind("prompt_template"):
        found.add("generation")
    return found


@dataclass(frozen=True)
class Probe:
    family: str
    topic: str
    text: str
    answered: Callable[[RuleContext], bool]


PROBES = (
    Probe(
        "ranking",
        "label_choice",
        "Which signal is the label: clicks, watch time or dwell, purchases, or a blend, and how do you "
        "keep the model from rewarding click-bait?",
        answers.label_choice,
    ),
    Probe(
        "ranking",
        "position_bias",
        "Items shown higher get more clicks whatever their relevance: how do you correct the labels for "
        "position bias (position feature, inverse propensity weighting, randomised slots)?",
        answers.position_bias,
    ),
    Probe(
        "ranking",
        "cold_start",
        "How are new users and new items ranked before they have any history (popularity fallback, "
        "content features, exploration)?",
        answers.cold_start,
    ),
    Probe(
        "ranking",
        "feedback_loop",
        "How do you keep the results diverse, and stop the feedback loop from narrowing them to what the "
        "model already shows (exploration, diversity re-ranking, holdout traffic)?",
        answers.feedback_loop,
    ),
    Probe(
        "adversarial",
        "adaptation",
        "Adversaries change tactics once the model blocks them: how quickly do you detect new patterns "
        "and update the model or its rules?",
        answers.adaptation,
    ),
    Probe(
        "adversarial",
        "label_delay",
        "Confirmed labels (chargebacks, appeals, reports) arrive late: what tells you the model is "
        "being evaded before they do?",
        answers.label_delay,
    ),
    Probe(
        "adversarial",
        "review_capacity",
        "How many cases a day can human reviewers handle, and what happens when the model flags more "
        "than that?",
        answers.review_capacity,
    ),
    Probe(
        "classification",
        "thresholds",
        "Which threshold turns a score into an action, and how is it derived from the cost of a false "
        "positive versus a false negative?",
        answers.thresholds,
    ),
    Probe(
        "classification",
        "calibration",
        "Are the scores calibrated probabilities, as thresholds and expected costs assume (Platt, "
        "isotonic), and how is calibration checked (Brier score, ECE)?",
        answers.calibration,
    ),
    Probe(
        "classification",
        "imbalance",
        "How rare is the positive class, and how do training (re-weighting, sampling) and the metric "
        "(PR-AUC rather than accuracy) deal with the imbalance?",
        answers.imbalance,
    ),
    Probe(
        "classification",
        "label_delay",
        "How long until the true outcome of a prediction is known, and what shows the model degrading "
        "before the labels arrive?",
        answers.label_delay,
    ),
    Probe(
        "forecast",
        "censored",
        "Sales only show the demand that could be served: how do you recover true demand during "
        "stock-outs and other censored periods?",
        answers.censored,
    ),
    Probe(
        "forecast",
        "horizon",
        "Which forecast horizon and granularity does the decision need (hours, days, weeks; per store, "
        "per item), and how is the error measured at that horizon?",
        answers.horizon,
    ),
    Probe(
        "forecast",
        "backtesting",
        "How do you backtest: rolling-origin evaluation over past periods, with features as they were "
        "known at each cut-off?",
        answers.backtesting,
    ),
    Probe(
        "generation",
        "groundedness",
        "How do you measure that answers are grounded in the retrieved sources, and how are "
        "hallucinations caught in production?",
        answers.groundedness,
    ),
    Probe(
        "generation",
        "eval_set",
        "Which evaluation set (golden questions, human-rated answers) decides whether a prompt or model "
        "change ships?",
        answers.eval_set,
    ),
    Probe(
        "generation",
        "version_swaps",
        "What stops a prompt edit or a new model version from silently changing the answers (pinned "
        "versions, a regression suite, a gate)?",
        answers.version_swaps,
    ),
    Probe(
        "generation",
        "token_cost",
        "What does a request cost in tokens at peak traffic, and how is that cost capped (caching, "
        "smaller models, limits)?",
        answers.token_cost,
    ),
)


def probes(d: RuleContext) -> list[tuple[str, str]]:
    """(topic, text) of the standard probes for the design's task families that it leaves open."""
    found = families(d)
    return [(p.topic, p.text) for p in PROBES if p.family in found and not p.answered(d)]
