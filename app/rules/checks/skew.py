"""Training/serving skew: R16 (raw serving inputs) and R41 (feature computations on a separate
code path). One analysis finds the serving inputs of a model its training never sees, so a
pair is reported once; R16's second shape, an input training reads only through feature
pipelines but serving reads raw, is `raw_served`'s (see _skew_paths).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from app.rules.checks._bits import pick
from app.rules.checks._common import (
    LEARNED_ELSEWHERE,
    aws,
    dmls,
    endpoints,
    htd,
    mts,
    names,
    roml,
    serving_models,
)
from app.rules.checks._skew_paths import (
    Training,
    direct_inputs,
    pipelines_upstream,
    raw_served,
    training_masks,
    trains_offline,
)
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.registry import rule


@dataclass(frozen=True)
class _Skew:
    rule: str  # "R16": a raw serving input; "R41": a feature computation on its own code path
    endpoint: str
    model: str
    source: str
    pipelines: tuple[str, ...] = ()  # R41: the serving-only feature pipelines
    unset: tuple[str, ...] = ()  # R41: pipelines whose shared_train_serve is unset
    chain: _Chain | None = None  # R41: the chains of pipelines the two paths pass differ


@dataclass(frozen=True)
class _Chain:
    """The feature pipelines whose output reaches `point` (the model, or a pipeline on both
    paths) in training and at serving, when the two differ."""

    point: str
    trained: tuple[str, ...]
    served: tuple[str, ...]
    train_only: tuple[str, ...]
    serve_only: tuple[str, ...]


def _skew(ctx: RuleContext) -> list[_Skew]:
    """Every (model, serving input) pair whose input the model's training never sees."""

    def compute() -> list[_Skew]:
        found: list[_Skew] = []
        seen: set[tuple[str, str]] = set()
        training = training_masks(ctx)
        inputs: dict[str, list[str]] = {}
        upstream: dict[tuple[str, bool], frozenset[str]] = {}
        chained: set[str] = set()  # the models with an R41 case in `found`
        trained: dict[int, frozenset[str]] = {}  # the pipelines upstream of the jobs of a mask
        # A model met again at a later endpoint finds nothing more: its pairs are seen, or
        # skipped again for a reason no endpoint changes.
        done: set[str] = set()
        for endpoint in endpoints(ctx):
            for model in serving_models(ctx, endpoint):
                if model in done:
                    continue
                done.add(model)
                if ctx.kind_of.get(model) != "model" or ctx.prop(model, "provenance") in LEARNED_ELSEWHERE:
                    continue
                if not training.of(model):
                    continue  # no training drawn: R7's concern, not skew
                if model not in inputs:
                    inputs[model] = direct_inputs(ctx, model, serve=True)
                for source in inputs[model]:
                    if (model, source) in seen:
                        continue
                    if training.trains(model, source) and ctx.kind_of.get(source) != "feature_store":
                        continue
                    seen.add((model, source))
                    case = _classify(ctx, endpoint, model, source, training)
                    if case is not None:
                        found.append(case)
                        if case.rule == "R41":
                            chained.add(case.model)
                if model not in chained:
                    chain = _chain_skew(ctx, model, training, upstream, trained)
                    if chain is not None:
                        found.append(_Skew("R41", endpoint, model, chain.point, chain=chain))
                        chained.add(model)
        return found

    return ctx.memo("skew", compute)


def _chain_skew(
    ctx: RuleContext,
    model: str,
    training: Training,
    known: dict[tuple[str, bool], frozenset[str]],
    known_jobs: dict[int, frozenset[str]],
) -> _Chain | None:
    """Where the chains of feature pipelines feeding a model differ between training and
    serving: a pipeline anywhere upstream of the model on the serving path only that is not
    shared_train_serve; or a pipeline on both paths fed by different pipelines on each (the
    same code run on different inputs), unless shared_train_serve pipelines on the serving
    side stand in for those on the training side. Side by side (not chained), a pipeline
    feeding only training is left alone. `known` and `known_jobs` (by mask of the jobs of
    `training`) keep the pipelines found upstream, for the next model."""
    served = pipelines_upstream(ctx, model, True, known)
    producing = training.of(model)
    trained = known_jobs.get(producing)
    if trained is None:
        jobs = pick(training.jobs, producing)
        trained = frozenset().union(*(pipelines_upstream(ctx, job, False, known) for job in jobs))
        known_jobs[producing] = trained
    chain = _chain_at(ctx, model, trained, served, parallel=True)
    if chain is not None:
        return chain
    for point in ctx.sorted_ids(served & trained):
        trained_before = pipelines_upstream(ctx, point, False, known)
        chain = _chain_at(ctx, point, trained_before, pipelines_upstream(ctx, point, True, known))
        if chain is not None:
            return chain
    return None


def _chain_at(
    ctx: RuleContext, point: str, trained: frozenset[str], served: frozenset[str], parallel: bool = False
) -> _Chain | None:
    """The chains reaching `point` when they differ; with `parallel` (at the model, where
    pipelines may feed it side by side) only a serving-only pipeline not shared counts."""
    train_only, serve_only = trained - served, served - trained
    unshared = any(ctx.prop(p, "shared_train_serve") is not True for p in serve_only)
    if not unshared and (parallel or bool(train_only) == bool(serve_only)):
        return None
    return _Chain(
        point,
        tuple(ctx.sorted_ids(trained)),
        tuple(ctx.sorted_ids(served)),
        tuple(ctx.sorted_ids(train_only)),
        tuple(ctx.sorted_ids(serve_only)),
    )


def _classify(ctx: RuleContext, endpoint: str, model: str, source: str, training: Training) -> _Skew | None:
    kind = ctx.kind_of.get(source)
    trained_on = training.trains(model, source)
    if kind == "feature_pipeline":
        computing = [source]
    elif kind == "feature_store":
        # What fills the store at serve time is what the model is served; a store that also
        # feeds training is sound unless a pipeline fills only its online side.
        feeders = direct_inputs(ctx, source, serve=trained_on)
        computing = [f for f in feeders if ctx.kind_of.get(f) == "feature_pipeline"]
        if not computing:
            return None if trained_on else _Skew("R16", endpoint, model, source)
    else:
        return _Skew("R16", endpoint, model, source)
    own = [
        p
        for p in computing
        if not (trains_offline(ctx, model, p, training) if trained_on else training.trains(model, p))
        and ctx.prop(p, "shared_train_serve") is not True
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
    kinds=("endpoint", "feature_pipeline", "model"),
    rationale="Inputs a model reads at serving time that its training never saw make it predict on "
    "data it was never trained on; it is the most common silent failure of online ML.",
    suggestion="Feed the same input to the training job (through the same features), or compute it in "
    "a feature pipeline shared by training and serving.",
    sources=(*mts("Monitor 3"), *roml(29, 31, 32, 37), *aws("ensure feature consistency")),
    condition="A trained model reads, on the serving path of any endpoint, a raw input (data source, "
    "data pipeline, dataset, or a feature store that no feature pipeline feeds; caches, validations "
    "and governance steps on the way pass their inputs through) that is not upstream of its "
    "training job. Also a data source, data pipeline or dataset read raw at serving (into the "
    "endpoint or the model, with no feature pipeline on the way) that training reads only as "
    "features: every training-phase way from it to the model's training jobs passes a feature "
    "pipeline, and no way reaches a job or the model without one. Quiet when training also reads "
    "it raw, or when one of those pipelines, or a shared_train_serve pipeline it feeds, also "
    "reaches the model or endpoint at serving (directly or through a feature store it fills); "
    "label sources are not inputs. Feature computations on a separate path are R41's.",
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
    for raw in raw_served(ctx):
        model, source = ctx.name(raw.model), ctx.name(raw.source)
        yield Hit(
            f"{model} is trained on {source} through {names(ctx, raw.through, ordered=True)} but served "
            f"{source} raw at {ctx.name(raw.endpoint)}: it learned on computed features, not on the raw "
            "records: training/serving skew",
            components=ctx.sorted_ids([raw.endpoint, raw.model, raw.source, *raw.through]),
        )


@rule(
    id="R41",
    title="Training/serving skew across code paths",
    stage="features",
    severity="error",
    kinds=("endpoint", "feature_pipeline", "model"),
    rationale="When training features come from one pipeline (say a batch Spark job) and serving "
    "features from another (a streaming job filling an online store), the two implementations "
    "drift apart: the model is served features computed differently from those it learned on. A "
    "pipeline shared by both paths does not help when what feeds it differs: one more "
    "transformation before it on one path is a different computation.",
    suggestion="Compute features once: let the pipeline that feeds training also fill the online "
    "store, or make the serving pipeline share code and definitions with training "
    "(shared_train_serve) and monitor skew.",
    sources=(*mts("Monitor 3"), *roml(29, 32), *htd("5"), *dmls(7)),
    condition="A trained model is served features computed by a feature pipeline that is not upstream "
    "of its training job and is not shared_train_serve: directly, or through a feature store that "
    "such a pipeline fills (a store filled by the pipeline that also feeds training is fine; a "
    "pipeline whose link into a store that feeds training is serve-phase fills only its online side "
    "and does not feed training). Chains count too: any feature pipeline upstream of the model on "
    "the serving path only (its links there not train-phase) that is not shared_train_serve; and a "
    "pipeline on both paths whose own input passes different feature pipelines in training and at "
    "serving (an extra pipeline on one path only), unless the serving side's extras are all "
    "shared_train_serve and stand in for extras on the training side. Side by side, a pipeline "
    "feeding only training is not judged.",
    unset="A serving-only pipeline whose shared_train_serve is unset is an error as well (an unknown "
    "code path is not the training one); the finding names feature_pipeline.shared_train_serve.",
)
def r41_code_path_skew(ctx: RuleContext) -> Iterator[Hit]:
    for case in _skew(ctx):
        if case.rule != "R41":
            continue
        if case.chain is not None:
            yield _chain_hit(ctx, case, case.chain)
            continue
        via = f" through {ctx.name(case.source)}" if case.source not in case.pipelines else ""
        masks = training_masks(ctx)
        training = [
            p.id
            for p in ctx.of_kind("feature_pipeline")
            if masks.trains(case.model, p.id) and p.id not in case.pipelines
        ]
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


def _chain_hit(ctx: RuleContext, case: _Skew, chain: _Chain) -> Hit:
    def some(ids: tuple[str, ...]) -> str:
        return names(ctx, ids, ordered=True) if ids else "no feature pipeline"

    model, endpoint = ctx.name(case.model), ctx.name(case.endpoint)
    if chain.point == case.model:
        paths = (
            f"{model} is trained on features from {some(chain.trained)} but served at {endpoint} with "
            f"features from {some(chain.served)}"
        )
    else:
        paths = (
            f"{model} is served at {endpoint} with features from {ctx.name(chain.point)}, whose input "
            f"passes {some(chain.trained)} in training but {some(chain.served)} at serving"
        )
    unshared = [p for p in chain.serve_only if ctx.prop(p, "shared_train_serve") is not True]
    unset = tuple(p for p in unshared if ctx.prop(p, "shared_train_serve") is None)
    if unshared:
        flag = " (shared_train_serve unset)" if unset else ""
        why = f"{names(ctx, unshared, ordered=True)} {_runs(unshared)} only at serving, not shared with "
        why += f"training{flag}"
    elif chain.train_only:
        why = f"{names(ctx, chain.train_only, ordered=True)} {_runs(chain.train_only)} only in training"
    else:
        why = f"{names(ctx, chain.serve_only, ordered=True)} {_runs(chain.serve_only)} only at serving"
    return Hit(
        f"{paths}: {why}, so the two code paths compute different features: training/serving skew",
        components=ctx.sorted_ids(
            [case.endpoint, case.model, chain.point, *chain.train_only, *chain.serve_only]
        ),
        unset=tuple(f"{p}.shared_train_serve" for p in unset),
    )


def _runs(ids: list[str] | tuple[str, ...]) -> str:
    return "runs" if len(ids) == 1 else "run"
