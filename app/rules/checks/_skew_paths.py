"""The walks the training/serving skew rules share (which training jobs a node feeds and is
fed by, which R7 and R13 read too; a node's direct inputs; the feature pipelines upstream of
it on either path), and the raw serving reads of R16's second shape: a source training reads
only through feature pipelines, served raw.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from app.rules.checks._bits import pick
from app.rules.checks._common import (
    LEARNED_ELSEWHERE,
    MODEL_KINDS,
    endpoints,
    inline_governance,
    serving_model_bits,
)
from app.rules.context import RuleContext
from app.rules.shape import aspects_of

# pass their own inputs through unchanged (a governance step masks values, not features)
TRANSPARENT = ("cache", "data_validation", "governance")
NOT_FEATURE_INPUTS = ("training_job", "model_registry", "model", "baseline_model")


def _upstream(
    ctx: RuleContext, node: str, skip_phase: str | None, through_all: bool
) -> Iterator[tuple[str, str | None]]:
    """Each node whose data or features reach `node` (through the governance steps data flows
    into; not through links of `skip_phase`, feedback links or models and training jobs), with
    its kind. The walk goes on past every node with `through_all`, else only past caches,
    validations and governance steps (TRANSPARENT)."""
    inline = inline_governance(ctx)
    seen, frontier = {node}, [node]
    while frontier:
        for prev, data in ctx.pred[frontier.pop()].items():
            if prev in seen or data["feedback"] or data["phase"] == skip_phase:
                continue
            if data["flow"] not in ("feature", "data") and not (data["flow"] == "govern" and prev in inline):
                continue
            seen.add(prev)
            kind = ctx.kind_of.get(prev)
            if kind in NOT_FEATURE_INPUTS:
                continue
            if through_all or kind in TRANSPARENT:
                frontier.append(prev)
            yield prev, kind


def direct_inputs(ctx: RuleContext, node: str, serve: bool) -> list[str]:
    """Direct feature and data inputs of a node, looking through caches, validations and the
    governance steps data flows into (with `serve`, train-phase links are left out)."""
    reached = _upstream(ctx, node, "train" if serve else None, False)
    return list(ctx.sorted_ids(prev for prev, kind in reached if kind not in TRANSPARENT))


class Training:
    """Which training jobs each node feeds and is fed by, as bit masks over the jobs (two
    passes over the graph for all models at once)."""

    def __init__(self, ctx: RuleContext):
        self.jobs = [c.id for c in ctx.of_kind("training_job")]
        self.bit = {job: 1 << i for i, job in enumerate(self.jobs)}
        self.feeds = ctx.reach_bits(self.jobs, forward=False)  # node -> jobs it is upstream of
        # node -> jobs upstream of it, not through a model: a ranker fed by a retrieval model is
        # not trained by the retrieval model's job
        self.fed_by = ctx.reach_bits(self.jobs, stop=ctx.ids_of_kind(*MODEL_KINDS))

    def of(self, model: str) -> int:
        """The jobs that produce a model."""
        return self.fed_by.get(model, 0)

    def trains(self, model: str, node: str) -> bool:
        """Whether `node` is on the training path of `model` (upstream of one of its jobs)."""
        return bool(self.feeds.get(node, 0) & self.of(model))


def training_masks(ctx: RuleContext) -> Training:
    return ctx.shape_memo("training_masks", lambda: Training(ctx), aspects_of())


def pipelines_upstream(
    ctx: RuleContext, node: str, serve: bool, known: dict[tuple[str, bool], frozenset[str]]
) -> frozenset[str]:
    """The feature pipelines whose output reaches `node` through data and feature links (and
    the governance steps data flows into), not through models or training jobs: on the
    serving path with `serve` (no train-phase link), else on the training path (no serve-phase
    link)."""
    if (node, serve) in known:
        return known[node, serve]
    other_phase = "train" if serve else "serve"
    reached = _upstream(ctx, node, other_phase, True)
    found = [prev for prev, kind in reached if kind == "feature_pipeline"]
    known[node, serve] = result = frozenset(found)
    return result


def trains_offline(ctx: RuleContext, model: str, node: str, training: Training) -> bool:
    """Whether `node` feeds a training job of `model` by links none of which is serve-phase: a
    pipeline that fills a feature store only at serve time (its online side) does not, even
    when the store's offline side feeds training."""
    jobs = training.of(model)
    seen, frontier = {node}, [node]
    while frontier:
        for nxt, data in ctx.succ[frontier.pop()].items():
            if nxt in seen or data["feedback"] or data["phase"] == "serve":
                continue
            if training.bit.get(nxt, 0) & jobs:
                return True
            seen.add(nxt)
            frontier.append(nxt)
    return False


# what is read raw: R16's raw inputs, less feature stores (a store with no feature pipeline
# feeding it is read as it was filled) and label sources (labels are training-only by nature)
_RAW_KINDS = ("data_source", "data_pipeline", "dataset")


@dataclass(frozen=True)
class RawServed:
    """A raw input served to `model` (at `endpoint` or into the model) that its training reads
    only through the feature pipelines `through`."""

    endpoint: str
    model: str
    source: str
    through: tuple[str, ...]


def raw_served(ctx: RuleContext) -> list[RawServed]:
    """Every (model, raw serving input) pair whose input training reads only as features: each
    training-phase way from it to the model's training jobs passes a feature pipeline, while
    at serving it reaches the endpoint or the model with none on the way, and none of those
    pipelines (nor a shared_train_serve one it feeds) reaches them at serving either."""

    def compute() -> list[RawServed]:
        training = training_masks(ctx)
        known: dict[tuple[str, bool], frozenset[str]] = {}
        found: list[RawServed] = []
        reported: set[tuple[str, str]] = set()
        through: dict[tuple[str, str], tuple[str, ...]] = {}  # (model, source) -> pipelines

        def raw_inputs(node: str) -> list[str]:
            """Direct inputs of a raw kind that feed some training job at all (one that feeds
            none is R16's first shape)."""
            return [
                s
                for s in direct_inputs(ctx, node, serve=True)
                if ctx.kind_of.get(s) in _RAW_KINDS and training.feeds.get(s, 0)
            ]

        models, serving = serving_model_bits(ctx)
        own: dict[str, list[str]] = {}  # judged model -> its raw inputs feeding its training jobs
        judged = with_own = 0  # bit masks over `models`
        feeds = training.feeds
        for i, model in enumerate(models):
            jobs = training.of(model)
            if ctx.kind_of.get(model) != "model" or not jobs:
                continue
            if ctx.prop(model, "provenance") in LEARNED_ELSEWHERE:
                continue
            own[model] = [s for s in raw_inputs(model) if feeds[s] & jobs]
            judged |= 1 << i
            with_own |= (1 << i) if own[model] else 0
        for endpoint in endpoints(ctx):
            mask = serving.get(endpoint, 0) & judged
            if not mask:
                continue
            at_endpoint = raw_inputs(endpoint)
            for model in pick(models, mask if at_endpoint else mask & with_own):
                jobs = training.of(model)
                sources = [s for s in at_endpoint if feeds[s] & jobs] + own[model]
                for source in ctx.sorted_ids(set(sources)) if sources else ():
                    if (model, source) in reported:
                        continue  # at an earlier endpoint
                    if (model, source) not in through:
                        through[model, source] = _read_through(ctx, model, source, training)
                    pipelines = through[model, source]
                    if pipelines and not _served_features(ctx, model, endpoint, source, pipelines, known):
                        reported.add((model, source))
                        found.append(RawServed(endpoint, model, source, pipelines))
        return found

    return ctx.memo("raw_served", compute)


def _carries(ctx: RuleContext, node: str, data: dict[str, object]) -> bool:
    """Whether a link out of `node` carries its data on (as `direct_inputs` follows them)."""
    flow = data["flow"]
    return flow in ("feature", "data") or (flow == "govern" and node in inline_governance(ctx))


def _read_through(ctx: RuleContext, model: str, source: str, training: Training) -> tuple[str, ...]:
    """The feature pipelines through which `source` reaches the model's training jobs in
    training (links not serve-phase), or () when a way reaches a job, or the model itself,
    with no feature pipeline on it: training reads the input raw."""
    jobs = training.of(model)
    through: set[str] = set()
    seen, frontier = {source}, [source]
    while frontier:
        node = frontier.pop()
        for nxt, data in ctx.succ[node].items():
            if nxt in seen or data["feedback"] or data["phase"] == "serve" or not _carries(ctx, node, data):
                continue
            seen.add(nxt)
            if nxt == model or training.bit.get(nxt, 0) & jobs:
                return ()
            kind = ctx.kind_of.get(nxt)
            if kind == "feature_pipeline":
                if trains_offline(ctx, model, nxt, training):
                    through.add(nxt)
            elif kind not in NOT_FEATURE_INPUTS:
                frontier.append(nxt)
    return tuple(ctx.sorted_ids(through))


def _served_features(
    ctx: RuleContext,
    model: str,
    endpoint: str,
    source: str,
    through: tuple[str, ...],
    known: dict[tuple[str, bool], frozenset[str]],
) -> bool:
    """Whether serving computes the features too: one of the pipelines training reads `source`
    through, or a shared_train_serve pipeline `source` feeds, reaches the model or the
    endpoint by a link that is not train-phase (a store it fills offline and the model reads
    at serving counts). The raw read beside it is then the request carried through."""
    computing = set(through) | {
        p for p in _pipelines_fed(ctx, source) if ctx.prop(p, "shared_train_serve") is True
    }
    for target in (model, endpoint):
        for prev, data in ctx.pred[target].items():
            if data["feedback"] or data["phase"] == "train" or not _carries(ctx, prev, data):
                continue
            if prev in computing:
                return True
            if computing & (
                pipelines_upstream(ctx, prev, False, known) | pipelines_upstream(ctx, prev, True, known)
            ):
                return True
    return False


def _pipelines_fed(ctx: RuleContext, source: str) -> set[str]:
    """The feature pipelines `source` feeds in any phase, not through models or training jobs."""
    found: set[str] = set()
    seen, frontier = {source}, [source]
    while frontier:
        node = frontier.pop()
        for nxt, data in ctx.succ[node].items():
            if nxt in seen or data["feedback"] or not _carries(ctx, node, data):
                continue
            seen.add(nxt)
            if ctx.kind_of.get(nxt) in NOT_FEATURE_INPUTS:
                continue
            if ctx.kind_of.get(nxt) == "feature_pipeline":
                found.add(nxt)
            frontier.append(nxt)
    return found
