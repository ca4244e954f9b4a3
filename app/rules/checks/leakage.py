"""Leakage: R17 (non-temporal splits of time-ordered data), R18 (transforms fit on all data)
and R42 (post-event features without point-in-time joins).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from app.rules.checks._bits import pick, transpose
from app.rules.checks._common import Unspecified, dmls, items, mts, names, number, roml
from app.rules.checks._feedback_reach import reach_bits_across_feedback
from app.rules.checks._flows import task_of
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.registry import rule

# ---- time-ordered data ---------------------------------------------------------------------

_EVENT_SOURCES = ("event_stream", "logs")


def _delay(ctx: RuleContext, label: str) -> bool:
    delay = number(ctx.prop(label, "delay_hours"))
    return (delay is not None and delay > 0) or ctx.prop(label, "label_type") == "delayed_outcome"


def _carried(ctx: RuleContext, seeds: list[str]) -> Mapping[str, int]:
    """What the events, late outcomes or time-ordered rows of `seeds` reach, along links marked
    feedback too: outcomes read back into training on the link that closes a loop are still
    late, and rows still ordered in time."""
    return reach_bits_across_feedback(ctx, seeds, ())


def _time_ordered(ctx: RuleContext) -> tuple[dict[str, str], list[str]]:
    """Datasets holding time-ordered data, with why; and datasets whose is_time_series is unset
    with no other sign either way."""

    def compute() -> tuple[dict[str, str], list[str]]:
        forecast = "forecast" in task_of(ctx)
        events = [
            c.id for c in ctx.of_kind("data_source") if c.properties.get("source_type") in _EVENT_SOURCES
        ]
        delayed = [c.id for c in ctx.of_kind("label_source") if _delay(ctx, c.id)]
        event_bits = _carried(ctx, events) if events and delayed else {}
        delayed_bits = _carried(ctx, delayed) if events and delayed else {}
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
        if series and unset:
            # Rows drawn from a time-ordered dataset (a join, a filtered copy) are ordered in time too.
            origins = list(ctx.sorted_ids(series))
            stop = ctx.ids_of_kind("training_job", "model", "baseline_model")
            bits = ctx.reach_bits(origins, stop=stop)
            for dataset_id in list(unset):
                found = pick(origins, bits.get(dataset_id, 0))
                if found:
                    series[dataset_id] = f"is drawn from {ctx.name(found[0])}, which {series[found[0]]}"
                    unset.remove(dataset_id)
        return series, unset

    return ctx.memo("time_ordered", compute)


_NON_TEMPORAL_SPLITS = ("random", "stratified", "group")


@rule(
    id="R17",
    title="Temporal leakage",
    stage="features",
    severity="error",
    kinds=("data_source", "dataset", "label_source", "problem_framing", "training_job"),
    rationale="A random, stratified or group split, or k-fold cross-validation, of time-ordered data "
    "trains on the future and tests on the past; offline scores look better than production ever "
    "will.",
    suggestion="Split time-ordered data by time and cross-validate with forward chaining (time_series_cv).",
    sources=(*dmls(5), *roml(33)),
    condition="A dataset holds time-ordered data (is_time_series true, a forecasting task, event "
    "stream or log data joined with delayed outcomes, or, with is_time_series unset, rows drawn from "
    "such a dataset) and its split is random, stratified or group, or a training job reading it "
    "cross-validates with kfold; or a training job that reads no dataset cross-validates with kfold "
    "while the task is forecasting or event stream or log data and delayed outcomes both reach it. "
    "Events and outcomes reach along links marked feedback too (outcomes read back on the link "
    "that closes a loop), and a dataset is read by a job along them too.",
    unset="On time-ordered data an unset split, or an unset cv of a job reading it, is a warning; a "
    "dataset whose is_time_series is unset (and no other sign of time order) but which is split or "
    "cross-validated non-temporally is a warning naming dataset.is_time_series; cv unset on a job "
    "that reads no dataset and such data is a warning.",
)
def r17_temporal_leakage(ctx: RuleContext) -> Iterator[Hit]:
    series, unset = _time_ordered(ctx)
    jobs = [c.id for c in ctx.of_kind("training_job")]
    below = ctx.reach_bits(jobs, forward=False) if jobs else {}
    cvs = [ctx.prop(job, "cv") for job in jobs]
    kfold_jobs = sum(1 << i for i, cv in enumerate(cvs) if cv == "kfold")
    cv_unset = sum(1 << i for i, cv in enumerate(cvs) if cv is None)
    unknown = Unspecified(ctx)
    if kfold_jobs | cv_unset:
        yield from _jobs_without_datasets(ctx, jobs, below, kfold_jobs | cv_unset, unknown)
    if not series and not unset:
        yield from unknown.hits()
        return
    # A dataset is read along links marked feedback too (logs read back by the job); of those
    # whose is_time_series is unset only a k-fold reader matters, so they are followed when a
    # job cross-validates with k-fold.
    crossed = [*series, *unset] if kfold_jobs else list(series)
    ordered = list(ctx.sorted_ids(crossed)) if ctx.feedback_links() else []
    carried = _carried(ctx, ordered) if ordered else {}
    crossing = dict(zip(ordered, transpose([carried.get(j, 0) for j in jobs], len(ordered)), strict=True))
    for dataset in ctx.sorted_ids([*series, *unset]):
        split = ctx.prop(dataset, "split")
        readers = below.get(dataset, 0) | crossing.get(dataset, 0)
        kfold = pick(jobs, readers & kfold_jobs)
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
        for job in pick(jobs, readers & cv_unset):
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
                components=ctx.with_id(kfold, dataset),
            )
    yield from unknown.hits()


def _jobs_without_datasets(
    ctx: RuleContext, jobs: list[str], below: Mapping[str, int], asked: int, unknown: Unspecified
) -> Iterator[Hit]:
    """R17's second shape: a job that reads no dataset splits nothing but its own folds, so its
    k-fold cross-validation is judged on the time order of what it reads: a forecasting task, or
    events joined with outcomes that arrive later. `asked` holds the jobs' bits whose cv is kfold
    or unset."""
    for dataset in ctx.ids_of_kind("dataset"):
        asked &= ~below.get(dataset, 0)
    if not asked:
        return
    events = [c.id for c in ctx.of_kind("data_source") if c.properties.get("source_type") in _EVENT_SOURCES]
    delayed = [c.id for c in ctx.of_kind("label_source") if _delay(ctx, c.id)]
    forecast = "forecast" in task_of(ctx)
    event_bits = _carried(ctx, events) if events and delayed and not forecast else {}
    delayed_bits = _carried(ctx, delayed) if event_bits else {}
    for job in pick(jobs, asked):
        if forecast:
            why = "the task is forecasting"
        elif event_bits.get(job) and delayed_bits.get(job):
            sources = names(ctx, pick(events, event_bits[job]), ordered=True)
            labels = names(ctx, pick(delayed, delayed_bits[job]), ordered=True)
            why = f"it joins events from {sources} with outcomes that arrive later ({labels})"
        else:
            continue
        if ctx.prop(job, "cv") is None:
            unknown.note(
                job,
                "cv",
                f"it reads no dataset split by time and {why}",
                "time_series_cv, holdout or none",
                severity="warning",
            )
            continue
        yield Hit(
            f"Training job {ctx.name(job)} reads no dataset and cross-validates with k-fold, but {why}: "
            "its folds train on the future and test on the past (temporal leakage)",
            components=(job,),
        )


_STATEFUL_OPS = {"impute", "clip_outliers", "one_hot", "target_encode", "scale"}
_DUPLICATING = ("oversample", "smote")  # sampling that copies or interpolates rows


@rule(
    id="R18",
    title="Feature leakage",
    stage="features",
    severity="warning",
    kinds=("feature_pipeline", "sampling_strategy"),
    rationale="Transforms fit on all the data (scalers, encoders, imputers) leak test statistics into "
    "training; a target encoding fit on all the data puts the test labels themselves into the "
    "features; oversampling or SMOTE before the split puts copies (or interpolations) of test rows "
    "into training.",
    suggestion="Fit feature transforms on the training split only (fit_on train_only); fit target "
    "encodings out of fold; oversample after the split, on the training part only.",
    sources=(*dmls(5), *roml(31)),
    condition="A feature pipeline fits its transforms on all data (error when its ops include "
    "target_encode: label leakage); or a sampling strategy that oversamples or uses SMOTE, with no "
    "dataset before it, feeds a dataset (where train and test are split).",
    unset="fit_on unset on a pipeline with stateful ops (impute, clip_outliers, one_hot, "
    "target_encode, scale) or with ops unset is a warning naming feature_pipeline.fit_on.",
    escalates_to="error",
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
    datasets = ctx.ids_of_kind("dataset")
    duplicating = [
        c.id
        for c in ctx.of_kind("sampling_strategy")
        if c.properties.get("method") in _DUPLICATING and not ctx.reach([c.id], forward=False) & datasets
    ]  # a strategy after a dataset samples rows already split off for training
    if duplicating and datasets:
        bits = ctx.reach_bits(duplicating, stop=ctx.ids_of_kind("training_job", "model", "dataset"))
        for dataset in ctx.of_kind("dataset"):
            for strategy in pick(duplicating, bits.get(dataset.id, 0)):
                yield Hit(
                    f"Sampling strategy {ctx.name(strategy)} ({ctx.prop(strategy, 'method')}) runs before "
                    f"dataset {ctx.name(dataset.id)} is split: copies of the same rows land in both "
                    "training and test, so offline scores overstate the model",
                    components=ctx.sorted_ids([strategy, dataset.id]),
                )
    yield from unknown.hits()


@rule(
    id="R42",
    title="Label leakage from post-event features",
    stage="features",
    severity="error",
    kinds=(
        "data_source", "dataset", "feature_pipeline", "feature_store", "label_source", "problem_framing",
        "training_job",
    ),
    rationale="When labels arrive after the prediction moment, or the data is ordered in time, a "
    "feature joined into a training row without point-in-time correctness can hold values from "
    "after the event (a balance after the chargeback, a count including the click itself): the "
    "model learns from the outcome and fails in production.",
    suggestion="Join features point-in-time: read them from a feature store with point_in_time joins, "
    "or compute them as of each example's prediction time (point_in_time on the pipeline).",
    sources=(*dmls(5), *roml(31), *mts("Data 1")),
    condition="A training job whose labels are delayed (delay_hours > 0 or delayed_outcome) or whose "
    "data is time-ordered reads features from a feature store or feature pipeline with point_in_time "
    "false, or from a cache (current values), not behind a point-in-time feature store; or such a job "
    "reads no feature store, feature pipeline or cache at all and a data source of current state "
    "(source_type oltp_db or api) reaches it raw, through datasets, data pipelines or validations "
    "but not only through a label source. Delayed labels, time-ordered rows and data of current "
    "state reach a job along links marked feedback too.",
    unset="point_in_time unset on such a store or pipeline is a warning naming it (set true when "
    "features are computed as of the prediction time).",
)
def r42_post_event_features(ctx: RuleContext) -> Iterator[Hit]:
    jobs = [c.id for c in ctx.of_kind("training_job")]
    feature_kinds = ("feature_store", "feature_pipeline")
    if not jobs or not ctx.has_kind(*feature_kinds, "cache", "data_source"):
        return
    series, _ = _time_ordered(ctx)
    delayed = [c.id for c in ctx.of_kind("label_source") if _delay(ctx, c.id)]
    safe = {c.id for c in ctx.of_kind("feature_store") if c.properties.get("point_in_time") is True}
    series_ids = list(ctx.sorted_ids(series))
    late_bits = _carried(ctx, delayed) if delayed else {}
    series_bits = _carried(ctx, series_ids) if series_ids else {}
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
    for cache in ctx.of_kind("cache"):
        readers = pick(sensitive, behind.get(cache.id, 0))
        if readers:
            yield Hit(
                f"Cache {ctx.name(cache.id)} feeds {names(ctx, readers)}, where {why_of[readers[0]]}: a "
                "cache holds current values, not values as of each prediction (label leakage)",
                components=ctx.sorted_ids([cache.id, *readers]),
            )
    featured = 0  # the sensitive jobs reading some feature component (bits of `sensitive`)
    for component in ctx.of_kind(*feature_kinds, "cache"):
        featured |= behind.get(component.id, 0)
    yield from _current_state_reads(ctx, pick(sensitive, ((1 << len(sensitive)) - 1) & ~featured), why_of)
    yield from unknown.hits()


# Sources whose records are updated in place: a read returns the values of today, not of the
# moment each past example was predicted.
_CURRENT_STATE = ("oltp_db", "api")
# Where the walk back from a training job stops: feature components judged by their own
# point_in_time (or a cache, current values by definition), labels, and other models' outputs.
_NOT_RAW_READS = (
    "feature_pipeline", "feature_store", "cache", "label_source", "model", "baseline_model",
    "training_job",
)  # fmt: skip


def _current_state_reads(ctx: RuleContext, raw_jobs: list[str], why_of: dict[str, str]) -> Iterator[Hit]:
    """R42's second shape: a training job that reads no feature store, feature pipeline or cache
    at all takes its features raw from its datasets; a source of current state (an operational
    database, an API) read that way has nothing computing its values as of each prediction."""
    current = [c.id for c in ctx.of_kind("data_source") if c.properties.get("source_type") in _CURRENT_STATE]
    if not current or not raw_jobs:
        return
    # Down from the few sources of current state, along links marked feedback too.
    raw = reach_bits_across_feedback(ctx, current, ctx.ids_of_kind(*_NOT_RAW_READS))
    for source, mask in zip(current, transpose([raw.get(j, 0) for j in raw_jobs], len(current)), strict=True):
        readers = pick(raw_jobs, mask)
        if readers:
            yield Hit(
                f"Data source {ctx.name(source)} ({ctx.prop(source, 'source_type')}) feeds "
                f"{names(ctx, readers)}, which reads no feature store or feature pipeline, where "
                f"{why_of[readers[0]]}: its records hold current values, not values as of each "
                "prediction (label leakage)",
                components=ctx.sorted_ids([source, *readers]),
            )
