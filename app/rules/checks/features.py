"""Features: R16-R21."""

from __future__ import annotations

from collections.abc import Iterator

from app.rules.checks._common import (
    Unspecified,
    aws,
    dmls,
    fmt,
    htd,
    mts,
    names,
    number,
    online_endpoints,
    pick,
    roml,
    serving_models,
)
from app.rules.context import RuleContext, aspects_of
from app.rules.model import Hit
from app.rules.registry import rule

_TRANSPARENT = ("cache", "data_validation")  # pass their own inputs through unchanged
_NOT_FEATURE_INPUTS = ("training_job", "model_registry", "model", "baseline_model")


def _feature_inputs(ctx: RuleContext, node: str) -> list[str]:
    """Direct serve-time feature inputs of a model, looking through caches and validations."""
    found: list[str] = []
    seen = {node}
    frontier = [node]
    while frontier:
        current = frontier.pop()
        for prev, data in ctx.graph._pred[current].items():
            if prev in seen or data["feedback"] or data["phase"] == "train":
                continue
            if data["flow"] not in ("feature", "data"):
                continue
            seen.add(prev)
            kind = ctx.kind_of.get(prev)
            if kind in _NOT_FEATURE_INPUTS:
                continue
            if kind in _TRANSPARENT:
                frontier.append(prev)
            else:
                found.append(prev)
    return list(ctx.sorted_ids(found))


def _training_inputs(ctx: RuleContext, model: str) -> frozenset[str]:
    """Everything upstream of the training jobs that produce `model`."""

    def compute() -> frozenset[str]:
        jobs = ctx.reach([model], forward=False) & ctx.ids_of_kind("training_job")
        return ctx.reach(jobs, forward=False) | jobs

    return ctx.shape_memo(("training_inputs", model), compute, aspects_of())


@rule(
    id="R16",
    title="Training/serving skew",
    stage="features",
    severity="error",
    rationale="Features computed one way for training and another way at serving time make the "
    "model see inputs it was never trained on; it is the most common silent failure of online ML.",
    suggestion="Serve features from an online feature store or a feature pipeline shared by training "
    "and serving, or feed the same input to the training job.",
    sources=(*mts("Monitor 3"), *roml(29, 31, 32, 37), *aws("ensure feature consistency")),
)
def r16_skew(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)
    reported: set[tuple[str, str]] = set()
    for endpoint in online_endpoints(ctx):
        for model in serving_models(ctx, endpoint):
            if ctx.kind_of.get(model) != "model":
                continue
            for source in _feature_inputs(ctx, model):
                if (model, source) in reported or source in _training_inputs(ctx, model):
                    continue
                kind = ctx.kind_of.get(source)
                props = ctx.component(source).properties
                if kind == "feature_store":
                    flag, prop = props.get("online"), "online"
                elif kind == "feature_pipeline":
                    flag, prop = props.get("shared_train_serve"), "shared_train_serve"
                else:
                    flag, prop = False, ""
                if flag is True:
                    continue
                if flag is None:
                    unknown.note(
                        source, prop, f"it feeds {ctx.name(model)} at serving time but not its training"
                    )
                    continue
                reported.add((model, source))
                yield Hit(
                    f"{ctx.name(model)} serves {ctx.name(endpoint)} with input {ctx.name(source)}, which is "
                    "neither an online feature store nor a feature pipeline shared with training, and does "
                    "not feed its training job: training/serving skew",
                    components=ctx.sorted_ids([endpoint, model, source]),
                )
    yield from unknown.hits()


def _time_series_datasets(ctx: RuleContext) -> tuple[list[str], list[str]]:
    """Datasets that are time series (or whose task is forecasting), and those left unspecified."""
    forecast = any(f.properties.get("task") == "forecast" for f in ctx.of_kind("problem_framing"))
    series, unset = [], []
    for dataset in ctx.of_kind("dataset"):
        flag = dataset.properties.get("is_time_series")
        if flag is True or (flag is None and forecast):
            series.append(dataset.id)
        elif flag is None:
            unset.append(dataset.id)
    return series, unset


@rule(
    id="R17",
    title="Temporal leakage",
    stage="features",
    severity="error",
    rationale="A random split or k-fold cross-validation of time-ordered data trains on the future "
    "and tests on the past; offline scores look better than production ever will.",
    suggestion="Split time series by time and use time-series cross-validation (forward chaining).",
    sources=(*dmls(5), *roml(33)),
)
def r17_temporal_leakage(ctx: RuleContext) -> Iterator[Hit]:
    series, unset = _time_series_datasets(ctx)
    if not series and not unset:
        return
    unknown = Unspecified(ctx)
    kfold = [c.id for c in ctx.of_kind("training_job") if c.properties.get("cv") == "kfold"]
    below = ctx.reach_bits(kfold, forward=False) if kfold else {}
    for dataset in ctx.sorted_ids([*series, *unset]):
        split = ctx.prop(dataset, "split")
        mask = below.get(dataset, 0)
        jobs = pick(kfold, mask)
        problems = []
        if split == "random":
            problems.append("is split at random")
        if jobs:
            problems.append(f"is cross-validated with k-fold in {names(ctx, jobs, ordered=True)}")
        if dataset in unset:
            if problems:
                unknown.note(dataset, "is_time_series", f"it {' and '.join(problems)}")
            continue
        if split is None:
            unknown.note(dataset, "split", "time-series data must be split by time")
        if problems:
            yield Hit(
                f"Time-series dataset {ctx.name(dataset)} {' and '.join(problems)}: temporal leakage",
                components=ctx.sorted_ids([dataset, *jobs]),
            )
    yield from unknown.hits()


@rule(
    id="R18",
    title="Feature leakage",
    stage="features",
    severity="warning",
    rationale="Transforms fit on all the data (scalers, encoders, imputers) leak test statistics into "
    "training; feature stores without point-in-time joins leak future values into time-series "
    "training.",
    suggestion="Fit feature transforms on the training split only, and use point-in-time correct "
    "joins for time-series training data.",
    sources=(*dmls(5), *roml(31)),
)
def r18_feature_leakage(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)
    for pipeline in ctx.of_kind("feature_pipeline"):
        fit_on = pipeline.properties.get("fit_on")
        if fit_on == "all_data":
            yield Hit(
                f"Feature pipeline {ctx.name(pipeline.id)} fits its transforms on all data, test data "
                "included",
                components=(pipeline.id,),
            )
        elif fit_on is None:
            unknown.note(pipeline.id, "fit_on", "transforms fit on all data leak test statistics")
    series, _ = _time_series_datasets(ctx)
    stores = [c.id for c in ctx.of_kind("feature_store") if c.properties.get("point_in_time") is not True]
    if series and stores:
        jobs = ctx.reach(series) & ctx.ids_of_kind("training_job")
        upstream = ctx.reach(jobs, forward=False)
        for store in stores:
            if store not in upstream:
                continue
            if ctx.prop(store, "point_in_time") is None:
                unknown.note(store, "point_in_time", "it feeds time-series training")
                continue
            readers = ctx.reach([store]) & jobs
            yield Hit(
                f"Time-series training {names(ctx, readers)} reads feature store {ctx.name(store)} "
                "without point-in-time joins: future values leak into training",
                components=ctx.sorted_ids([store, *readers]),
            )
    yield from unknown.hits()


@rule(
    id="R19",
    title="Imbalanced labels measured by accuracy",
    stage="features",
    severity="warning",
    rationale="With rare positives a model that always predicts the majority class scores high "
    "accuracy and is useless; imbalance needs resampling or class weights and a metric that "
    "sees the minority class.",
    suggestion="Add a sampling strategy (class weights, resampling) and a metric such as PR-AUC, "
    "recall or F1.",
    sources=dmls(4),
)
def r19_imbalance(ctx: RuleContext) -> Iterator[Hit]:
    metric_names = [m.properties.get("name") for m in ctx.of_kind("metric")]
    if not metric_names or any(n != "accuracy" for n in metric_names):
        return
    unknown = Unspecified(ctx)
    methods = [(s.id, s.properties.get("method")) for s in ctx.of_kind("sampling_strategy")]
    if any(m not in (None, "none") for _, m in methods):
        return
    for label in ctx.of_kind("label_source"):
        rate = number(label.properties.get("positive_rate"))
        if rate is None:
            unknown.note(label.id, "positive_rate", "accuracy is the only metric, which hides rare positives")
        elif rate < 0.05:
            if any(m is None for _, m in methods):
                for sid, method in methods:
                    if method is None:
                        unknown.note(sid, "method", f"labels from {ctx.name(label.id)} are imbalanced")
                continue
            yield Hit(
                f"Labels from {ctx.name(label.id)} are {fmt(rate * 100)}% positive, no resampling or class "
                "weights are used, and accuracy is the only metric: always predicting negative scores "
                f"{fmt(100 - rate * 100)}%",
                components=(label.id,),
            )
    yield from unknown.hits()


@rule(
    id="R20",
    title="Sampled data not re-weighted",
    stage="features",
    severity="warning",
    rationale="Undersampling and negative sampling shift the base rate the model learns; without "
    "importance weights its scores are miscalibrated and a fixed threshold on them is wrong.",
    suggestion="Importance-weight the sampled examples (weighted_correction) or recalibrate before the "
    "threshold.",
    sources=roml(30),
)
def r20_sampling_correction(ctx: RuleContext) -> Iterator[Hit]:
    samplers = [
        s
        for s in ctx.of_kind("sampling_strategy")
        if s.properties.get("method") in ("undersample", "negative_sampling")
        and s.properties.get("weighted_correction") is not True
    ]
    if not samplers:
        return
    thresholds = {
        p.id for p in ctx.of_kind("decision_policy") if p.properties.get("policy_type") == "threshold"
    }
    unknown = Unspecified(ctx)
    for sampler in samplers:
        policies = ctx.reach([sampler.id]) & thresholds
        if not policies:
            continue
        method = str(sampler.properties["method"]).replace("_", " ")
        if sampler.properties.get("weighted_correction") is None:
            unknown.note(
                sampler.id, "weighted_correction", f"threshold policy {names(ctx, policies)} is downstream"
            )
            continue
        yield Hit(
            f"{ctx.name(sampler.id)} uses {method} without weighted correction and feeds threshold "
            f"policy {names(ctx, policies)}: scores are miscalibrated for the threshold",
            components=ctx.sorted_ids([sampler.id, *policies]),
        )
    yield from unknown.hits()


@rule(
    id="R21",
    title="Many features without importance analysis",
    stage="features",
    severity="info",
    rationale="Each feature is a data dependency to maintain; with hundreds of them, unused and "
    "redundant ones accumulate unless their importance is measured.",
    suggestion="Add a feature importance analysis (permutation, SHAP, ablation) and prune unused features.",
    sources=(*mts("Data 2", "Data 3"), *htd("3")),
)
def r21_feature_importance(ctx: RuleContext) -> Iterator[Hit]:
    if ctx.has_kind("feature_importance"):
        return
    unknown = Unspecified(ctx)
    for pipeline in ctx.of_kind("feature_pipeline"):
        count = number(pipeline.properties.get("n_features"))
        if count is None:
            unknown.note(pipeline.id, "n_features", "large feature sets need an importance analysis")
        elif count > 100:
            yield Hit(
                f"Feature pipeline {ctx.name(pipeline.id)} produces {fmt(count)} features and no feature "
                "importance analysis exists",
                components=(pipeline.id,),
            )
    yield from unknown.hits()
