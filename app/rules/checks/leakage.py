"""Training/serving skew and leakage: R16, R17, R18, R41, R42.

What the rules share: which serving inputs of a model its training never sees (R16 for raw
inputs, R41 for feature computations on a separate code path, so one pair is reported once),
and which datasets hold time-ordered data (R17 splits, R42 point-in-time joins).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from app.rules.checks._common import (
    Unspecified,
    aws,
    dmls,
    endpoints,
    htd,
    items,
    mts,
    names,
    number,
    pick,
    roml,
    serving_models,
    task_of,
)
from app.rules.context import RuleContext, aspects_of
from app.rules.model import Hit
from app.rules.registry import rule

_TRANSPARENT = ("cache", "data_validation")  # pass their own inputs through unchanged
_NOT_FEATURE_INPUTS = ("training_job", "model_registry", "model", "baseline_model")
_LEARNED_ELSEWHERE = ("pretrained", "vendor_api")


def _direct_inputs(ctx: RuleContext, node: str, serve: bool) -> list[str]:
    """Direct feature and data inputs of a node, looking through caches and validations
    (with `serve`, train-phase links are left out)."""
    found: list[str] = []
    seen = {node}
    frontier = [node]
    while frontier:
        current = frontier.pop()
        for prev, data in ctx.graph._pred[current].items():
            if prev in seen or data["feedback"] or (serve and data["phase"] == "train"):
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


class _Training:
    """Which training jobs each node feeds and is fed by, as bit masks over the jobs (two
    passes over the graph for all models at once)."""

    def __init__(self, ctx: RuleContext):
        self.jobs = [c.id for c in ctx.of_kind("training_job")]
        self.feeds = ctx.reach_bits(self.jobs, forward=False)  # node -> jobs it is upstream of
        self.fed_by = ctx.reach_bits(self.jobs)  # node -> jobs upstream of it

    def of(self, model: str) -> int:
        """The jobs that produce a model."""
        return self.fed_by.get(model, 0)

    def trains(self, model: str, node: str) -> bool:
        """Whether `node` is on the training path of `model` (upstream of one of its jobs)."""
        return bool(self.feeds.get(node, 0) & self.of(model))


def _training(ctx: RuleContext) -> _Training:
    return ctx.shape_memo("training_masks", lambda: _Training(ctx), aspects_of())


@dataclass(frozen=True)
class _Skew:
    rule: str  # "R16": a raw serving input; "R41": a feature computation on its own code path
    endpoint: str
    model: str
    source: str
    pipelines: tuple[str, ...] = ()  # R41: the serving-only feature pipelines
    unset: tuple[str, ...] = ()  # R41: pipelines whose shared_train_serve is unset


def _skew(ctx: RuleContext) -> list[_Skew]:
    """Every (model, serving input) pair whose input the model's training never sees."""

    def compute() -> list[_Skew]:
        found: list[_Skew] = []
        seen: set[tuple[str, str]] = set()
        training = _training(ctx)
        inputs: dict[str, list[str]] = {}
        for endpoint in endpoints(ctx):
            for model in serving_models(ctx, endpoint):
                if ctx.kind_of.get(model) != "model" or ctx.prop(model, "provenance") in _LEARNED_ELSEWHERE:
                    continue
                if not training.of(model):
                    continue  # no training drawn: R7's concern, not skew
                if model not in inputs:
                    inputs[model] = _direct_inputs(ctx, model, serve=True)
                for source in inputs[model]:
                    if (model, source) in seen or training.trains(model, source):
                        continue
                    seen.add((model, source))
                    case = _classify(ctx, endpoint, model, source, training)
                    if case is not None:
                        found.append(case)
        return found

    return ctx.memo("skew", compute)


def _classify(ctx: RuleContext, endpoint: str, model: str, source: str, training: _Training) -> _Skew | None:
    kind = ctx.kind_of.get(source)
    if kind == "feature_pipeline":
        computing = [source]
    elif kind == "feature_store":
        feeders = _direct_inputs(ctx, source, serve=False)
        computing = [f for f in feeders if ctx.kind_of.get(f) == "feature_pipeline"]
        if not computing:
            return _Skew("R16", endpoint, model, source)
    else:
        return _Skew("R16", endpoint, model, source)
    own = [
        p
        for p in computing
        if not training.trains(model, p) and ctx.prop(p, "shared_train_serve") is not True
    ]
    if not own:
        return None
    unset = tuple(p for p in own if ctx.prop(p, "shared_train_serve") is None)
    return _Skew("R41", endpoint, model, source, tuple(own), unset)


@rule(
    id="R16",
    title="Training/serving skew",
    stage="features",
    severity="error",
    rationale="Inputs a model reads at serving time that its training never saw make it predict on "
    "data it was never trained on; it is the most common silent failure of online ML.",
    suggestion="Feed the same input to the training job (through the same features), or compute it in "
    "a feature pipeline shared by training and serving.",
    sources=(*mts("Monitor 3"), *roml(29, 31, 32, 37), *aws("ensure feature consistency")),
    condition="A trained model reads, on the serving path of any endpoint, a raw input (data source, "
    "data pipeline, dataset, or a feature store that no feature pipeline feeds) that is not upstream "
    "of its training job. Feature computations on a separate path are R41's.",
    unset="Reads no property of the input itself; a model with provenance pretrained or vendor_api "
    "is not checked.",
)
def r16_skew(ctx: RuleContext) -> Iterator[Hit]:
    for case in _skew(ctx):
        if case.rule != "R16":
            continue
        yield Hit(
            f"{ctx.name(case.model)} serves {ctx.name(case.endpoint)} with input {ctx.name(case.source)}, "
            "which does not feed its training and is computed by no feature pipeline: training/serving "
            "skew",
            components=ctx.sorted_ids([case.endpoint, case.model, case.source]),
        )


@rule(
    id="R41",
    title="Training/serving skew across code paths",
    stage="features",
    severity="error",
    rationale="When training features come from one pipeline (say a batch Spark job) and serving "
    "features from another (a streaming job filling an online store), the two implementations "
    "drift apart: the model is served features computed differently from those it learned on.",
    suggestion="Compute features once: let the pipeline that feeds training also fill the online "
    "store, or make the serving pipeline share code and definitions with training "
    "(shared_train_serve) and monitor skew.",
    sources=(*mts("Monitor 3"), *roml(29, 32), *htd("5"), *dmls(7)),
    condition="A trained model is served features computed by a feature pipeline that is not upstream "
    "of its training job and is not shared_train_serve: directly, or through a feature store that "
    "such a pipeline fills (a store filled by the pipeline that also feeds training is fine).",
    unset="A serving-only pipeline whose shared_train_serve is unset is an error as well (an unknown "
    "code path is not the training one); the finding names feature_pipeline.shared_train_serve.",
)
def r41_code_path_skew(ctx: RuleContext) -> Iterator[Hit]:
    for case in _skew(ctx):
        if case.rule != "R41":
            continue
        via = f" through {ctx.name(case.source)}" if case.source not in case.pipelines else ""
        masks = _training(ctx)
        training = [p.id for p in ctx.of_kind("feature_pipeline") if masks.trains(case.model, p.id)]
        trained_on = (
            f"trained on features from {names(ctx, training)}" if training else "trained without them"
        )
        unset = (
            f" ({names(ctx, case.unset)}: shared_train_serve unset, set it true only if it runs the "
            "training code)"
            if case.unset
            else ""
        )
        yield Hit(
            f"{ctx.name(case.model)} is {trained_on} but served at {ctx.name(case.endpoint)} with features "
            f"computed by {names(ctx, case.pipelines, ordered=True)}{via}, a separate code path not shared "
            f"with training{unset}: training/serving skew",
            components=ctx.sorted_ids([case.endpoint, case.model, case.source, *case.pipelines]),
            unset=tuple(f"{p}.shared_train_serve" for p in case.unset),
        )


# ---- time-ordered data ---------------------------------------------------------------------

_EVENT_SOURCES = ("event_stream", "logs")


def _delay(ctx: RuleContext, label: str) -> bool:
    delay = number(ctx.prop(label, "delay_hours"))
    return (delay is not None and delay > 0) or ctx.prop(label, "label_type") == "delayed_outcome"


def _time_ordered(ctx: RuleContext) -> tuple[dict[str, str], list[str]]:
    """Datasets holding time-ordered data, with why; and datasets whose is_time_series is unset
    with no other sign either way."""

    def compute() -> tuple[dict[str, str], list[str]]:
        forecast = "forecast" in task_of(ctx)
        events = [
            c.id for c in ctx.of_kind("data_source") if c.properties.get("source_type") in _EVENT_SOURCES
        ]
        delayed = [c.id for c in ctx.of_kind("label_source") if _delay(ctx, c.id)]
        event_bits = ctx.reach_bits(events) if events and delayed else {}
        delayed_bits = ctx.reach_bits(delayed) if events and delayed else {}
        series: dict[str, str] = {}
        unset: list[str] = []
        for dataset in ctx.of_kind("dataset"):
            flag = dataset.properties.get("is_time_series")
            if flag is True:
                series[dataset.id] = "is a time series"
            elif forecast:
                series[dataset.id] = "holds forecasting data"
            elif event_bits.get(dataset.id) and delayed_bits.get(dataset.id):
                sources = pick(events, event_bits[dataset.id])
                labels = pick(delayed, delayed_bits[dataset.id])
                series[dataset.id] = (
                    f"joins events from {names(ctx, sources, ordered=True)} with outcomes that arrive later "
                    f"({names(ctx, labels, ordered=True)}), so it is ordered in time"
                )
            elif flag is None:
                unset.append(dataset.id)
        return series, unset

    return ctx.memo("time_ordered", compute)


_NON_TEMPORAL_SPLITS = ("random", "stratified", "group")


@rule(
    id="R17",
    title="Temporal leakage",
    stage="features",
    severity="error",
    rationale="A random, stratified or group split, or k-fold cross-validation, of time-ordered data "
    "trains on the future and tests on the past; offline scores look better than production ever "
    "will.",
    suggestion="Split time-ordered data by time and cross-validate with forward chaining (time_series_cv).",
    sources=(*dmls(5), *roml(33)),
    condition="A dataset holds time-ordered data (is_time_series true, a forecasting task, or event "
    "stream or log data joined with delayed outcomes) and its split is random, stratified or group, "
    "or a training job reading it cross-validates with kfold.",
    unset="On time-ordered data an unset split, or an unset cv of a job reading it, is a warning; a "
    "dataset whose is_time_series is unset (and no other sign of time order) but which is split or "
    "cross-validated non-temporally is a warning naming dataset.is_time_series.",
)
def r17_temporal_leakage(ctx: RuleContext) -> Iterator[Hit]:
    series, unset = _time_ordered(ctx)
    if not series and not unset:
        return
    unknown = Unspecified(ctx)
    jobs = [c.id for c in ctx.of_kind("training_job")]
    below = ctx.reach_bits(jobs, forward=False) if jobs else {}
    for dataset in ctx.sorted_ids([*series, *unset]):
        split = ctx.prop(dataset, "split")
        readers = pick(jobs, below.get(dataset, 0))
        kfold = [j for j in readers if ctx.prop(j, "cv") == "kfold"]
        problems = []
        if split in _NON_TEMPORAL_SPLITS:
            problems.append(f"is split {'at random' if split == 'random' else f'by {split}'}")
        if kfold:
            problems.append(f"is cross-validated with k-fold in {names(ctx, kfold, ordered=True)}")
        if dataset in unset:
            if problems:
                unknown.note(
                    dataset,
                    "is_time_series",
                    f"it {' and '.join(problems)}, which leaks if its rows are ordered in time",
                    "true or false",
                    severity="warning",
                    also=kfold,
                )
            continue
        why = series[dataset]
        if split is None:
            unknown.note(dataset, "split", f"it {why}: it must be split by time", "time", severity="warning")
        for job in readers:
            if ctx.prop(job, "cv") is None:
                unknown.note(
                    job,
                    "cv",
                    f"it trains on {ctx.name(dataset)}, which {why}",
                    "time_series_cv, holdout or none",
                    severity="warning",
                )
        if problems:
            yield Hit(
                f"Dataset {ctx.name(dataset)} {why} and {' and '.join(problems)}: temporal leakage",
                components=ctx.sorted_ids([dataset, *kfold]),
            )
    yield from unknown.hits()


_STATEFUL_OPS = {"impute", "clip_outliers", "one_hot", "target_encode", "scale"}


@rule(
    id="R18",
    title="Feature leakage",
    stage="features",
    severity="warning",
    rationale="Transforms fit on all the data (scalers, encoders, imputers) leak test statistics into "
    "training; a target encoding fit on all the data puts the test labels themselves into the "
    "features.",
    suggestion="Fit feature transforms on the training split only (fit_on train_only); fit target "
    "encodings out of fold.",
    sources=(*dmls(5), *roml(31)),
    condition="A feature pipeline fits its transforms on all data (error when its ops include "
    "target_encode: label leakage).",
    unset="fit_on unset on a pipeline with stateful ops (impute, clip_outliers, one_hot, "
    "target_encode, scale) or with ops unset is a warning naming feature_pipeline.fit_on.",
)
def r18_feature_leakage(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)
    for pipeline in ctx.of_kind("feature_pipeline"):
        fit_on = pipeline.properties.get("fit_on")
        ops = items(pipeline.properties.get("ops"))
        if ops is not None and not ops & _STATEFUL_OPS:
            continue
        if fit_on == "all_data":
            target = ops is not None and "target_encode" in ops
            yield Hit(
                f"Feature pipeline {ctx.name(pipeline.id)} fits its transforms on all data, test data "
                "included"
                + (": its target encoding carries the test labels into the features" if target else ""),
                components=(pipeline.id,),
                severity="error" if target else None,
            )
        elif fit_on is None:
            unknown.note(
                pipeline.id, "fit_on", "transforms fit on all data leak test statistics", "train_only"
            )
    yield from unknown.hits()


@rule(
    id="R42",
    title="Label leakage from post-event features",
    stage="features",
    severity="error",
    rationale="When labels arrive after the prediction moment, or the data is ordered in time, a "
    "feature joined into a training row without point-in-time correctness can hold values from "
    "after the event (a balance after the chargeback, a count including the click itself): the "
    "model learns from the outcome and fails in production.",
    suggestion="Join features point-in-time: read them from a feature store with point_in_time joins, "
    "or compute them as of each example's prediction time (point_in_time on the pipeline).",
    sources=(*dmls(5), *roml(31), *mts("Data 1")),
    condition="A training job whose labels are delayed (delay_hours > 0 or delayed_outcome) or whose "
    "data is time-ordered reads features from a feature store or feature pipeline with point_in_time "
    "false, not behind a point-in-time feature store.",
    unset="point_in_time unset on such a store or pipeline is a warning naming it (set true when "
    "features are computed as of the prediction time).",
)
def r42_post_event_features(ctx: RuleContext) -> Iterator[Hit]:
    jobs = [c.id for c in ctx.of_kind("training_job")]
    feature_kinds = ("feature_store", "feature_pipeline")
    if not jobs or not ctx.has_kind(*feature_kinds):
        return
    series, _ = _time_ordered(ctx)
    delayed = [c.id for c in ctx.of_kind("label_source") if _delay(ctx, c.id)]
    safe = {c.id for c in ctx.of_kind("feature_store") if c.properties.get("point_in_time") is True}
    series_ids = list(ctx.sorted_ids(series))
    late_bits = ctx.reach_bits(delayed) if delayed else {}
    series_bits = ctx.reach_bits(series_ids) if series_ids else {}
    why_of: dict[str, str] = {}
    for job in jobs:
        late = pick(delayed, late_bits.get(job, 0))
        ordered = pick(series_ids, series_bits.get(job, 0))
        if late:
            why_of[job] = f"labels from {names(ctx, late)} arrive after the prediction"
        elif ordered:
            why_of[job] = f"data in {names(ctx, ordered, ordered=True)} {series[ordered[0]]}"
    if not why_of:
        return
    sensitive = list(why_of)
    behind = ctx.reach_bits(sensitive, forward=False, stop=safe)
    unknown = Unspecified(ctx)
    flagged: dict[str, tuple[list[str], str]] = {}
    for component in ctx.of_kind(*feature_kinds):
        readers = pick(sensitive, behind.get(component.id, 0))
        if component.id in safe or not readers:
            continue
        flag = component.properties.get("point_in_time")
        why = why_of[readers[0]]
        if flag is None:
            unknown.note(
                component.id,
                "point_in_time",
                f"{names(ctx, readers, ordered=True)} trains on it and {why}",
                "true if features are computed as of each prediction time",
                severity="warning",
                also=readers,
            )
        elif flag is False:
            flagged[component.id] = (readers, why)
    for flagged_id, (readers, why) in flagged.items():
        yield Hit(
            f"{ctx.name(flagged_id)} has no point-in-time correctness and feeds {names(ctx, readers)}, "
            f"where {why}: features can hold values from after the event (label leakage)",
            components=ctx.sorted_ids([flagged_id, *readers]),
        )
    yield from unknown.hits()
