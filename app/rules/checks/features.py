"""Features: R19-R21 (class imbalance, sampling correction, feature importance)."""

from __future__ import annotations

from collections.abc import Iterator

from app.rules import walks
from app.rules.checks._bits import pick
from app.rules.checks._common import MODEL_KINDS, Unspecified, dmls, fmt, htd, mts, names, number, roml
from app.rules.checks._feedback_reach import reach_bits_across_feedback
from app.rules.checks._signals import models_reaching_kind
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.registry import rule
from app.rules.shape import aspects_of

_BLIND = {"accuracy", "roc_auc"}  # look fine while the rare class is missed


@rule(
    id="R19",
    title="Imbalanced labels measured by accuracy",
    stage="features",
    severity="warning",
    kinds=("label_source", "metric"),
    rationale="With rare positives a model that always predicts the majority class scores high "
    "accuracy, and ROC-AUC stays flattering while precision on the rare class collapses; whatever "
    "the resampling, the metric must see the minority class.",
    suggestion="Judge the model with a metric that sees the minority class: PR-AUC, recall, precision "
    "or F1 (resampling or class weights help training, not the metric).",
    sources=(*dmls(4, 6),),
    condition="A label source has positive_rate under 5% (or over 95%: the negatives are the rare "
    "class) and every named metric judging what it trains (linked into what its labels reach up "
    "to the models they train, along links marked feedback too, or into those models' own reach "
    "short of any other model or training job, or into no model's reach at all: the metrics of "
    "another label's model, or of a model fed by its scores, do not count) is accuracy or "
    "roc_auc, whatever sampling strategy the design uses.",
    unset="With only accuracy/roc_auc among named metrics, an unset positive_rate is a warning naming "
    "label_source.positive_rate (the metrics judging what its labels train found along links "
    "marked feedback too); with a rare positive class, a metric whose name is unset is a warning "
    "naming metric.name.",
)
def r19_imbalance(ctx: RuleContext) -> Iterator[Hit]:
    metrics = [(m.id, m.properties.get("name")) for m in ctx.of_kind("metric")]
    if not metrics or not any(n is None or str(n) in _BLIND for _, n in metrics):
        return
    labels = ctx.of_kind("label_source")
    rates = [number(c.properties.get("positive_rate")) for c in labels]
    named_blind = any(n is not None and str(n) in _BLIND for _, n in metrics)
    if not any((r is not None and min(r, 1 - r) < 0.05) or (r is None and named_blind) for r in rates):
        return  # no rare class, and no unset rate that a named blind metric would hide
    # The metrics judging what a label source trains: linked into what its labels reach (the
    # job, the model, its evaluation), and those linked into no model's reach (the design's).
    seeds = [c.id for c in labels]
    reach, owned = _judged_reach(ctx, seeds) if seeds else ({}, frozenset())
    shared: list[tuple[str, object]] = []
    judged: dict[str, list[tuple[str, object]]] = {}
    for mid, n in metrics:
        mask = 0
        for target in ctx.succ.get(mid, ()):
            mask |= reach.get(target, 0)
        if not mask and owned.isdisjoint(ctx.succ.get(mid, ())):
            shared.append((mid, n))
        for label_id in pick(seeds, mask):
            judged.setdefault(label_id, []).append((mid, n))
    unknown = Unspecified(ctx)
    for label in labels:
        scope = sorted([*shared, *judged.get(label.id, ())], key=lambda m: ctx.order[m[0]])
        named = {str(n) for _, n in scope if n is not None}
        if named - _BLIND:
            continue
        nameless = [mid for mid, n in scope if n is None]
        shown = ", ".join(sorted(named)) or "no named metric"
        rate = number(label.properties.get("positive_rate"))
        if rate is None:
            if named:
                unknown.note(
                    label.id,
                    "positive_rate",
                    f"the metrics are {shown}, which hide a rare positive class",
                    "fraction of positive labels, e.g. 0.02",
                )
            continue
        rare = min(rate, 1 - rate)
        if rare >= 0.05:
            continue
        share = f"{fmt(rate * 100)}% positive"
        if nameless:
            for mid in nameless:
                why = f"labels from {ctx.name(label.id)} are {share}"
                unknown.note(mid, "name", why, "e.g. pr_auc, recall, f1")
            continue
        majority = "negative" if rate < 0.5 else "positive"
        yield Hit(
            f"Labels from {ctx.name(label.id)} are {share} and the model is judged only by {shown}: always "
            f"predicting {majority} scores {fmt(100 - rare * 100)}% accuracy",
            components=ctx.sorted_ids([label.id, *(mid for mid, _ in scope)]),
        )
    yield from unknown.hits()


def _judged_reach(ctx: RuleContext, seeds: list[str]) -> tuple[dict[str, int], frozenset[str]]:
    """Bits of the label sources (seeds) on what they train and what judges it, and the nodes
    that judge some model. A label's reach runs up to the first models, along links marked
    feedback too; from there each model judges its own reach, short of any other model or
    training job (a model fed by its scores is judged for itself)."""

    def compute() -> tuple[dict[str, int], frozenset[str]]:
        models = ctx.ids_of_kind(*MODEL_KINDS)
        blocked = frozenset(models | ctx.ids_of_kind("training_job"))
        first = reach_bits_across_feedback(ctx, seeds, models)
        own = {m: first[m] for m in models if first.get(m)}
        bits = dict(first)
        after = walks.reach_masks(ctx.topology(), ctx.adjacency(), own, blocked, True) if own else {}
        for node, mask in after.items():
            if node not in blocked:
                bits[node] = bits.get(node, 0) | mask
        return bits, blocked | ctx.reach(models, stop=blocked, through_stop=False)

    return ctx.shape_memo(("label_judged_reach", tuple(seeds)), compute, aspects_of())


_SHIFTING = ("undersample", "negative_sampling", "oversample", "smote")
_PROBABILITY_POLICIES = ("threshold", "optimizer", "rerank", "bandit")
_CALIBRATION_METRICS = ("logloss", "brier", "ece")
_CALIBRATED = ("platt", "isotonic", "temperature", "native")


@rule(
    id="R20",
    title="Sampled data not re-weighted",
    stage="features",
    severity="warning",
    kinds=("decision_policy", "metric", "model", "sampling_strategy"),
    rationale="Undersampling, oversampling and negative sampling shift the base rate the model "
    "learns; without importance weights its scores are miscalibrated, and everything that reads "
    "them as probabilities (a threshold, an auction or optimizer, a re-ranker, a bandit, calibration "
    "metrics, a calibration step) is wrong.",
    suggestion="Importance-weight the sampled examples (weighted_correction) or recalibrate on "
    "unsampled data before anything consumes the scores as probabilities.",
    sources=roml(30),
    condition="A sampling strategy that undersamples, oversamples, uses SMOTE or negative sampling "
    "without weighted_correction trains a model (its data reaches the model without passing another "
    "model, along links marked feedback too) that feeds a threshold, optimizer, rerank or bandit "
    "policy, or that has calibration set, or the design judges models with logloss, brier or ece.",
    unset="weighted_correction unset on such a sampler, method unset on a sampler upstream of a "
    "probability consumer, or policy_type unset on a policy downstream of a shifting sampler: a "
    "warning naming the property.",
)
def r20_sampling_correction(ctx: RuleContext) -> Iterator[Hit]:
    samplers = [
        s
        for s in ctx.of_kind("sampling_strategy")
        if s.properties.get("method") in (*_SHIFTING, None)
        and s.properties.get("weighted_correction") is not True
    ]
    if not samplers:
        return
    policies = {p.id: p.properties.get("policy_type") for p in ctx.of_kind("decision_policy")}
    calibrated = {m.id for m in ctx.of_kind("model") if m.properties.get("calibration") in _CALIBRATED}
    metrics = [m.id for m in ctx.of_kind("metric") if m.properties.get("name") in _CALIBRATION_METRICS]
    probability = [p for p, t in policies.items() if t in _PROBABILITY_POLICIES]
    untyped = [p for p, t in policies.items() if t is None]
    models = [m.id for m in ctx.of_kind("model")] if metrics else []
    if not any(x.properties.get("method") is not None for x in samplers):
        untyped = []  # a policy's type only matters below a sampler known to shift the base rate
    if not (probability or calibrated or models or untyped):
        return  # nothing downstream could read the scores as probabilities
    unknown = Unspecified(ctx)
    seeds = [s.id for s in samplers]
    # A sampler shifts the models trained on its data (not the ranker a retrieval model trained
    # on sampled negatives feeds), along links marked feedback too, and the policies those feed.
    bits = dict(reach_bits_across_feedback(ctx, seeds, ctx.ids_of_kind("model")))
    for policy, feeding in models_reaching_kind(ctx, "decision_policy").items():
        for model in feeding:
            bits[policy] = bits.get(policy, 0) | bits.get(model, 0)
    for i, sampler in enumerate(samplers):
        bit = 1 << i
        props = sampler.properties
        method = props.get("method")
        consumers = [p for p in probability if bits.get(p, 0) & bit]
        consumers += [m for m in ctx.sorted_ids(calibrated) if bits.get(m, 0) & bit]
        if any(bits.get(m, 0) & bit for m in models):
            consumers += metrics
        if method is not None:
            for policy in (p for p in untyped if bits.get(p, 0) & bit):
                if policies[policy] is None:
                    unknown.note(
                        policy,
                        "policy_type",
                        f"{ctx.name(sampler.id)} shifts the base rate upstream of it",
                        "threshold, rules, optimizer, rerank or bandit",
                        also=(sampler.id,),
                    )
        if not consumers:
            continue
        consumed = names(ctx, consumers)
        if method is None:
            unknown.note(
                sampler.id,
                "method",
                f"{consumed} read the scores as probabilities",
                "none, undersample, class_weight, ...",
                also=consumers,
            )
            continue
        if props.get("weighted_correction") is None:
            unknown.note(
                sampler.id,
                "weighted_correction",
                f"{consumed} read the scores as probabilities",
                "true if sampled examples are importance-weighted",
                also=consumers,
            )
            continue
        yield Hit(
            f"{ctx.name(sampler.id)} uses {str(method).replace('_', ' ')} without weighted correction and "
            f"feeds {consumed}, which read the scores as probabilities: they are miscalibrated",
            components=ctx.sorted_ids([sampler.id, *consumers]),
        )
    yield from unknown.hits()


@rule(
    id="R21",
    title="Many features without importance analysis",
    stage="features",
    severity="info",
    kinds=("feature_pipeline",),
    rationale="Each feature is a data dependency to maintain; with hundreds of them, unused and "
    "redundant ones accumulate unless their importance is measured.",
    suggestion="Add a feature importance analysis (permutation, SHAP, ablation) and prune unused features.",
    sources=(*mts("Data 2", "Data 3"), *htd("3")),
    condition="A feature pipeline produces more than 100 features, or a training job reads more than "
    "100 from several pipelines, and no feature importance analysis covers them (linked to the job, "
    "a model it trains or a pipeline it reads; an analysis linked to nothing covers the design).",
    unset="n_features unset (with no importance analysis) is reported as info naming it.",
)
def r21_feature_importance(ctx: RuleContext) -> Iterator[Hit]:
    analyses = [c.id for c in ctx.of_kind("feature_importance")]
    if any(not ctx.succ[a] and not ctx.pred[a] for a in analyses):
        return  # an analysis linked to nothing is taken to cover the whole design
    pipelines = ctx.of_kind("feature_pipeline")
    jobs = [c.id for c in ctx.of_kind("training_job")]
    # The pipelines each job reads (not through another model), and the jobs an analysis covers:
    # linked to the job, to a model it trains or to a pipeline it reads.
    stop = ctx.ids_of_kind("training_job", *MODEL_KINDS)
    read_by = ctx.reach_bits(jobs, forward=False, stop=stop) if jobs else {}
    trains = ctx.reach_bits(jobs, stop=stop) if jobs else {}
    covered = 0
    for analysis in analyses:
        for node in (*ctx.succ[analysis], *ctx.pred[analysis]):
            covered |= read_by.get(node, 0) | trains.get(node, 0)
            if node in jobs:
                covered |= 1 << jobs.index(node)
    unknown = Unspecified(ctx)
    counts: dict[str, float] = {}
    for pipeline in pipelines:
        readers = read_by.get(pipeline.id, 0)
        if (readers & ~covered) == 0 and (readers or analyses):
            continue
        count = number(pipeline.properties.get("n_features"))
        if count is None:
            unknown.note(
                pipeline.id, "n_features", "large feature sets need an importance analysis", "a count"
            )
        elif count > 100:
            yield Hit(
                f"Feature pipeline {ctx.name(pipeline.id)} produces {fmt(count)} features and no feature "
                "importance analysis covers them",
                components=(pipeline.id,),
            )
        else:
            counts[pipeline.id] = count
    # Several pipelines of at most 100 features each can still feed one model hundreds; a
    # pipeline the job reads only through another one is counted in that one's features.
    first_stop = stop | ctx.ids_of_kind("feature_pipeline")
    nearest = ctx.reach_bits(jobs, forward=False, stop=first_stop) if jobs else {}
    for i, job in enumerate(jobs):
        if covered >> i & 1:
            continue
        feeding = [p for p in counts if nearest.get(p, 0) >> i & 1]
        total = sum(counts[p] for p in feeding)
        if len(feeding) > 1 and total > 100:
            yield Hit(
                f"Training job {ctx.name(job)} reads {fmt(total)} features from "
                f"{names(ctx, feeding, ordered=True)} and no feature importance analysis covers them",
                components=ctx.sorted_ids([job, *feeding]),
            )
    yield from unknown.hits()
