"""Decisions on scores: R43 calibration before decisions, R47 cold start in ranking; and R54,
the design choices (model family, serving mode) made with no alternative on record.

These rules look at how a model's output is used (as a probability, as a ranking) and what the
design must then provide for the output to mean what its users read.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.domain.model import Component
from app.rules.checks._common import LEARNED_ELSEWHERE, MODEL_KINDS, dmls, join_words, names, number
from app.rules.checks._signals import (
    GUO_2017,
    NICULESCU_2005,
    SCHEIN_2002,
    endpoint_models,
    final_models,
    learned_models,
    model_ids,
    models_reaching_kind,
    ranking_signals,
    said,
)
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.registry import rule

# ---- R43 ------------------------------------------------------------------------------------

_CALIBRATED = ("platt", "isotonic", "temperature")
_PROBABILITY_METRICS = ("logloss", "brier", "ece")
_NOT_PROBABILITIES = {"regression", "forecast", "clustering", "generation"}
# Resampling that shifts the class prior a natively calibrated model learns.
_PRIOR_SHIFTING = ("undersample", "oversample", "smote", "negative_sampling", "class_weight")


def _policy_reading(
    ctx: RuleContext, policy: Component, feeding: list[str]
) -> tuple[str, tuple[str, ...]] | None:
    """How a decision policy reads its models' scores as probabilities (and the unset properties
    that make it assumed), or None when it only needs their order."""
    props, name = policy.properties, ctx.name(policy.id)
    kind = props.get("policy_type")
    if kind in ("optimizer", "bandit"):
        return f"{kind} {name}", ()
    if kind == "threshold":
        # A threshold tuned on validation data (also one minimising the error costs there) picks
        # an operating point on the score order; error costs alone are a design-level reading.
        source = props.get("threshold_source")
        if source == "manual":
            return f"the hand-set threshold of {name}", ()
        if source is None:
            return f"threshold policy {name} (threshold_source unset)", (f"{policy.id}.threshold_source",)
        return None
    if kind == "rerank" and len(feeding) > 1:
        return f"rerank {name}, which combines the scores of {names(ctx, feeding, ordered=True)}", ()
    if kind is None:
        return f"decision policy {name} (policy_type unset)", (f"{policy.id}.policy_type",)
    return None


def _resampled(ctx: RuleContext, model: str) -> list[str]:
    """Sampling strategies upstream of a model (along links marked feedback too) that shift its
    class prior without re-weighting."""
    found = ctx.reach([model], forward=False, stop=set(model_ids(ctx)), feedback=True)
    return [
        c.id
        for c in ctx.of_kind("sampling_strategy")
        if c.id in found
        and c.properties.get("method") in _PRIOR_SHIFTING
        and c.properties.get("weighted_correction") is not True
    ]


@rule(
    id="R43",
    title="Calibration before decisions",
    stage="model",
    severity="warning",
    kinds=("decision_policy", "metric", "model", "problem_framing", "sampling_strategy"),
    rationale="A score is not a probability: boosted trees, deep networks and anything trained on "
    "resampled data produce scores whose values do not match observed frequencies. Expected-value "
    "decisions (bids in an auction, cost-based thresholds, bandits, scores multiplied together) "
    "and probability metrics (log loss, Brier, ECE) read the values themselves, so an uncalibrated "
    "model makes them wrong by the calibration error. Error when an optimizer (an auction or "
    "allocation) consumes the scores.",
    suggestion="Calibrate the model on held-out data (Platt scaling, isotonic regression or "
    "temperature scaling) after every training run, monitor calibration online (a monitor "
    "watching calibration), and set the model's calibration property.",
    sources=(GUO_2017, NICULESCU_2005, *dmls(6)),
    condition="A learned model's scores are read as probabilities and its calibration is none, or "
    "native while it is trained on resampled data that is not re-weighted (along links marked "
    "feedback too). Read as probabilities: "
    "a model whose output leaves the system (it feeds no other model; a model's own output link "
    "marked feedback still carries its scores) or that is linked to the policy feeds an optimizer "
    "or a bandit, a threshold policy whose threshold is hand-set, or a "
    "rerank that combines several models' scores; or, for the "
    "models whose output leaves the system, the design optimizes or guards a log loss, Brier or ECE "
    "metric, or a problem framing sets false-positive or false-negative costs. A threshold tuned "
    "on validation data picks an operating point on the score order and needs no calibration.",
    unset="calibration unset on such a model fires (an uncalibrated model is assumed); a decision "
    "policy with policy_type unset, or a threshold policy with threshold_source unset, counts as "
    "reading probabilities.",
    escalates_to="error",
)
def r43_calibration(ctx: RuleContext) -> Iterator[Hit]:
    learned = learned_models(ctx)
    if not learned:
        return
    framings = ctx.of_kind("problem_framing")
    costs = [
        f.id
        for f in framings
        if number(f.properties.get("false_positive_cost")) is not None
        or number(f.properties.get("false_negative_cost")) is not None
    ]
    reasons: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    optimizers: set[str] = set()
    policies = ctx.of_kind("decision_policy")
    feeders = models_reaching_kind(ctx, "decision_policy")
    learned_set = set(learned)
    final = final_models(ctx)
    for policy in policies:
        # A model feeding another model (retrieval before a ranker) is not what the policy reads,
        # unless it is linked to the policy directly.
        direct = ctx.pred[policy.id]
        feeding = [m for m in feeders.get(policy.id, []) if m in final or m in direct]
        reading = _policy_reading(ctx, policy, feeding)
        if reading is None:
            continue
        for model in feeding:
            if model in learned_set:
                reasons.setdefault(model, []).append((policy.id, *reading))
                if policy.properties.get("policy_type") == "optimizer":
                    optimizers.add(model)
    tasks = {str(f.properties["task"]) for f in framings if f.properties.get("task") is not None}
    if not tasks or not tasks <= _NOT_PROBABILITIES:
        design_level = [
            (m.id, f"metric {ctx.name(m.id)} ({m.properties['name']})", ())
            for m in ctx.of_kind("metric")
            if m.properties.get("name") in _PROBABILITY_METRICS
        ]
        design_level += [(f, f"the error costs of {ctx.name(f)}", ()) for f in costs]
        if design_level:
            for model in learned:
                if model in final:
                    reasons.setdefault(model, []).extend(design_level)
    for model in learned:
        found = reasons.get(model)
        if not found:
            continue
        props = ctx.component(model).properties
        calibration = props.get("calibration")
        if calibration in _CALIBRATED:
            continue
        resampled = _resampled(ctx, model) if calibration == "native" else []
        if calibration == "native" and not resampled:
            continue
        family = props.get("family")
        what = ctx.name(model) + (f" ({family})" if family else "")
        shown = [r[1] for r in found[:4]]
        if len(found) > 4:
            shown[3:] = [f"{len(found) - 3} more"]
        readers = join_words(shown)
        if calibration == "native":
            problem = (
                f"its native calibration is lost: it learns from data resampled by "
                f"{names(ctx, resampled, ordered=True)} without re-weighting"
            )
        elif calibration is None:
            problem = (
                "its calibration is unset: set it (platt, isotonic, temperature, or native if the "
                "loss calibrates it)"
            )
        else:
            problem = "its calibration is none"
        yield Hit(
            f"Scores of {what} are read as probabilities by {readers}, but {problem}",
            components=ctx.sorted_ids([model, *(r[0] for r in found), *resampled]),
            severity="error" if model in optimizers else None,
            unset=tuple(
                dict.fromkeys(
                    [
                        *((f"{model}.calibration",) if calibration is None else ()),
                        *(u for r in found for u in r[2]),
                    ]
                )
            ),
        )


# ---- R47 ------------------------------------------------------------------------------------

_COLD_START = ("popularity_fallback", "content_features", "exploration")


@rule(
    id="R47",
    title="Cold start in ranking and recommendation",
    stage="model",
    severity="warning",
    kinds=("baseline_model", "decision_policy", "metric", "model", "problem_framing"),
    rationale="A ranker or recommender learned from interaction history has nothing to say about "
    "users and items without history: new users get arbitrary results and new items are never "
    "shown, so they never collect the interactions that would get them shown.",
    suggestion="Give the serving path a cold-start strategy and set cold_start on the model: "
    "content features (item metadata, user context) that generalise to unseen ids, a popularity "
    "fallback for users without history, or exploration traffic reserved for new items.",
    sources=(SCHEIN_2002,),
    condition="The design ranks or recommends (a framing with task ranking, a rerank decision policy, "
    "a retriever or a ranking metric) and no learned model serving an endpoint (also over its own "
    "output link marked feedback; pretrained, vendor and LLM "
    "models left out: they learn no interaction history here) has cold_start "
    "popularity_fallback, content_features or exploration, no decision policy downstream of it "
    "(not through a training job, consumer or prediction log) explores (a bandit, or "
    "exploration_rate above 0) and no popularity baseline serves it (reaches the endpoint other "
    "than through an evaluation, where it is only compared; one "
    "finding per endpoint; without endpoints, one per learned model).",
    unset="cold_start unset on every model of an endpoint fires (no strategy is assumed).",
)
def r47_cold_start(ctx: RuleContext) -> Iterator[Hit]:
    signals = ranking_signals(ctx)
    if not signals:
        return
    # Pretrained, vendor and LLM models learn nothing from this system's interactions: there is
    # no history for a new user or item to lack (a RAG assistant's recall@k is not a recommender).
    learned = [
        m
        for m in learned_models(ctx)
        if ctx.prop(m, "provenance") not in LEARNED_ELSEWHERE and ctx.prop(m, "family") != "llm"
    ]
    if not learned:
        return
    learned_set = set(learned)
    serving = endpoint_models(ctx)
    groups = [(e.id, [m for m in serving.get(e.id, ()) if m in learned_set]) for e in ctx.of_kind("endpoint")]
    groups = [(e, ms) for e, ms in groups if ms]
    if not groups:
        groups = [("", [m]) for m in learned]
    strategy_of = {m: ctx.prop(m, "cold_start") for m in learned}
    handled = {m for m, s in strategy_of.items() if s in _COLD_START}
    unset_of = {m: f"{m}.cold_start" for m, s in strategy_of.items() if s is None}
    drawn = _drawn_cold_start(ctx)
    for endpoint, models in groups:
        if handled.intersection(models) or drawn.intersection([endpoint, *models]):
            continue
        shown = [f"{ctx.name(m)} (cold_start {said(strategy_of[m])})" for m in models[:4]]
        if len(models) > 4:
            shown[3:] = [f"{len(models) - 3} more"]
        detail = join_words(shown)
        where = f"Endpoint {ctx.name(endpoint)} ranks with" if endpoint else "Ranking model"
        yield Hit(
            f"{where} {detail}, and nothing serves users or items without history: new users get "
            "arbitrary results and new items never surface",
            components=ctx.with_id(models, endpoint) if endpoint else tuple(models),
            unset=tuple(filter(None, map(unset_of.get, models))),
        )


def _drawn_cold_start(ctx: RuleContext) -> set[str]:
    """Endpoints and models whose cold start is drawn rather than set on the model: a decision
    policy downstream that explores (a bandit, or exploration_rate above 0), or a popularity
    baseline serving the endpoint."""
    found: set[str] = set()
    exploring = [
        p.id
        for p in ctx.of_kind("decision_policy")
        if p.properties.get("policy_type") == "bandit"
        or (number(p.properties.get("exploration_rate")) or 0) > 0
    ]
    if exploring:
        # What the policy explores is what serves it: not a model whose predictions reach it only
        # as training data (another endpoint's log behind the policy's model's training set).
        stop = ctx.ids_of_kind("training_job", "consumer", "prediction_logger")
        served = ctx.reach(exploring, forward=False, stop=stop, through_stop=False)
        found |= served & ctx.ids_of_kind("endpoint", "model")
    popular = {
        b.id for b in ctx.of_kind("baseline_model") if b.properties.get("baseline_type") == "popularity"
    }
    if popular:
        # A baseline compared beside the model in an evaluation serves nobody: it is a fallback
        # when it reaches the endpoint some other way (a fallback cache, the registry).
        stop = ctx.ids_of_kind("evaluation", "training_job", *MODEL_KINDS)
        found |= ctx.reach(popular, stop=stop, through_stop=False) & ctx.ids_of_kind("endpoint")
    return found


# ---- R54 ------------------------------------------------------------------------------------

NYGARD_2011 = 'Nygard, "Documenting Architecture Decisions" (2011)'
# Decisions that still stand: a proposal under review, or one taken.
_STANDING = ("accepted", "proposed")


def weighed_for(ctx: RuleContext) -> set[str]:
    """Ids of the components that a standing design decision weighing alternatives concerns."""
    return {
        component
        for decision in ctx.design.decisions
        if not decision.is_acceptance and decision.status in _STANDING and decision.weighs_alternatives
        for component in decision.components
    }


@rule(
    id="R54",
    kinds=("endpoint", "model"),
    reads_decisions=True,
    title="Model family or serving mode chosen with no alternative on record",
    stage="model",
    severity="info",
    rationale="The model family and the serving mode are the two choices a design review questions "
    "first: a gradient-boosted tree or a deep model, a two-tower retriever or matrix factorisation, "
    "scores precomputed in batch or computed per request. Each trades accuracy against latency, "
    "cost, freshness and how much can be explained. A choice with no alternative on record cannot "
    "be reviewed: the reader cannot tell a weighed decision from a default, and the reasons are "
    "lost when the constraints change.",
    suggestion="Record a design decision concerning the component: the context, at least two "
    "options with their pros and cons, the option chosen and its consequences (for example GBDT "
    "versus a deep model for tabular data, or batch precomputation versus online scoring).",
    sources=(NYGARD_2011, *dmls(6, 7)),
    condition="A model's family or an endpoint's mode is set, and no design decision (status "
    "accepted or proposed) that concerns the component weighs alternatives (at least two options, "
    "each with a pro or con, and its consequences written down).",
    unset="family or mode unset: nothing is chosen on the canvas yet, so there is no choice to "
    "record and the rule stays quiet (R22, R23 and R31 ask for the value where it matters).",
)
def r54_choice_without_alternative(ctx: RuleContext) -> Iterator[Hit]:
    decided = weighed_for(ctx)
    for model in ctx.of_kind("model"):
        family = model.properties.get("family")
        if family is not None and model.id not in decided:
            yield Hit(
                f"{ctx.name(model.id)} is a {family} model, and no design decision concerning it "
                "records the alternatives weighed",
                components=(model.id,),
            )
    for endpoint in ctx.of_kind("endpoint"):
        mode = endpoint.properties.get("mode")
        if mode is not None and endpoint.id not in decided:
            yield Hit(
                f"{ctx.name(endpoint.id)} serves in {mode} mode, and no design decision concerning it "
                "records the alternatives weighed",
                components=(endpoint.id,),
            )
