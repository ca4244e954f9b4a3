"""Which components are near which endpoints, for the rules that ask whether something (a
monitor, a validation, an experiment) is attached to an endpoint: `near_check`.

Two notions of near, both as bit masks over the endpoints: `EndpointView` (anywhere up- or
downstream) and `ServingView` (in production only: a monitor on the training set watches no
endpoint). `ServingView` and `served_view` hold their bits over the served points: the
endpoints, then the consumers taking a model's predictions with no endpoint on the way
(`direct_consumers`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from app.domain.digraph import DesignGraph
from app.domain.model import Component
from app.rules import walks
from app.rules.checks._bits import pick, transpose
from app.rules.checks._common import (
    MODEL_KINDS,
    NOT_REQUEST_INPUTS,
    EndpointView,
    Unspecified,
    endpoint_view,
    endpoints,
    inline_governance,
    names,
    serving_model_bits,
)
from app.rules.checks._feedback_reach import reach_bits_across_feedback
from app.rules.context import RuleContext
from app.rules.shape import LinkEdit, aspects_of, links_at


class ServingView(EndpointView):
    """Components near the served points (the endpoints, then `direct_consumers`) in
    production: the endpoint, what feeds it at request time (`serve_side`: never the training
    job or data only training reads; for a consumer, what feeds its models), what it feeds at
    serve time, the label sources its outcomes come back to, what is linked to the endpoint
    itself by a link not of the train phase (its serving infrastructure, its release strategy),
    and what is linked to one of those by a link not of the train phase (a monitor on the
    training set watches no endpoint)."""

    def __init__(self, ctx: RuleContext):
        self.succ, self.pred = ctx.succ, ctx.pred
        self.endpoints = [*endpoints(ctx), *direct_consumers(ctx)]  # the served points
        self.bit = {e: 1 << i for i, e in enumerate(self.endpoints)}
        self.all = (1 << len(self.endpoints)) - 1
        self.above = _serve_side_bits(ctx, self.endpoints, self.bit)
        labels = ctx.ids_of_kind("label_source")  # where the outcomes of its predictions come back
        if labels:
            stop = labels | ctx.ids_of_kind("dataset", "training_job", *MODEL_KINDS)
            back = reach_bits_across_feedback(ctx, self.endpoints, stop)  # feedback links followed
            for node in labels:
                self.above[node] = self.above.get(node, 0) | back.get(node, 0)
        for endpoint in self.endpoints:  # what serves it: its serving infrastructure, its release
            for links in (self.succ[endpoint], self.pred[endpoint]):
                for other, data in links.items():
                    if data["phase"] != "train":
                        self.above[other] = self.above.get(other, 0) | self.bit[endpoint]
        self.below = ctx.reach_bits(self.endpoints, forward=True, serve=True)
        self._near = {}

    def after_link_edit(self, graph: DesignGraph, edit: LinkEdit) -> Literal["same", "patched", "gone"]:
        """What a link drawn or deleted does to the view, the values it read being the same: a
        train-phase link nothing; one that joins a served point, or that the serve side walks
        past (into a node on it: its bits would cross), drops it; else `near` of its ends
        changes, unless both are near no served point."""
        u, v = edit.source, edit.target
        if edit.train:
            return "same"
        if u in self.bit or v in self.bit:
            return "gone"
        if not edit.feedback and (self.above.get(v) or graph.nodes[v].get("kind") in MODEL_KINDS):
            return "gone"
        return super().after_link_edit(graph, edit)

    def near(self, node: str) -> int:
        mask = self._near.get(node)
        if mask is None:
            mask = self.on(node)
            if node in self.succ:
                for links in (self.succ[node], self.pred[node]):
                    for other, data in links.items():
                        if data["phase"] != "train":
                            mask |= self.on(other)
            self._near[node] = mask
        return mask


def _serve_side_bits(ctx: RuleContext, ends: list[str], bit: dict[str, int]) -> dict[str, int]:
    """For every node, the endpoints whose `serve_side` holds it, in one pass over the graph
    (the same sets as calling `serve_side` for each endpoint): each endpoint and each model
    serving it carry the endpoint's bit upstream along request-time links, stopping at
    training jobs. A consumer among `ends` is served by the models feeding it directly."""
    models, served_by = serving_model_bits(ctx)
    feeding = direct_consumers(ctx)
    own = {e: bit[e] for e in ends}
    # each model with the points it serves: the columns of the points' rows of model bits
    rows = [feeding.get(end, served_by.get(end, 0)) for end in ends]
    for model, points in zip(models, transpose(rows, len(models)), strict=True):
        if points:
            own[model] = own.get(model, 0) | points
    inputs = _RequestInputs(ctx.adjacency(forward=False, serve=True), ctx.pred, inline_governance(ctx))
    stop = frozenset(ctx.ids_of_kind("training_job"))
    bits = walks.reach_masks(ctx.topology(), inputs, own, stop, forward=False)
    for model, mask in own.items():
        if model not in bit:  # a serving model is on the serve side of the endpoints it serves
            bits[model] = bits.get(model, 0) | mask
    return bits


class _RequestInputs(dict[str, list[str]]):
    """Each node's request-time inputs (its serving neighbour lists upstream, less the links
    that are no request input; a governance step data flows into passes it on), filtered when
    the walk first passes a mask through the node: most nodes are never reached."""

    def __init__(
        self, upstream: walks.Adjacency, links: Mapping[str, Mapping[str, Any]], inline: frozenset[str]
    ):
        super().__init__()
        self._upstream, self._links, self._inline = upstream, links, inline

    def __missing__(self, node: str) -> list[str]:
        into, inline = self._links[node], self._inline
        found = self[node] = [
            prev
            for prev in self._upstream[node]
            if (flow := into[prev]["flow"]) not in NOT_REQUEST_INPUTS or (flow == "govern" and prev in inline)
        ]
        return found

    def __contains__(self, node: object) -> bool:
        return node in self._upstream


def direct_consumers(ctx: RuleContext) -> Mapping[str, int]:
    """The consumers taking a model's predictions with no endpoint on the way (batch scores, an
    embedded model), in design order, each with the models feeding it so (bits of the models of
    `serving_model_bits`): the first consumer a model reaches along links that act at serving,
    without passing an endpoint, another model or a training job. A baseline's way through an
    evaluation that also judges a model is its comparison, not its output: what the gate lets
    through is the model. A model serving an endpoint is judged there: the consumers behind it,
    or beside it, are not served points of their own."""

    def compute() -> dict[str, int]:
        consumers = ctx.ids_of_kind("consumer")
        models, served_by = serving_model_bits(ctx)
        if not consumers or not models:
            return {}
        served = 0
        for endpoint in endpoints(ctx):
            served |= served_by.get(endpoint, 0)
        stop = ctx.ids_of_kind(*MODEL_KINDS, "training_job", "endpoint") | consumers
        reach = ctx.reach_bits(models, stop=stop, serve=True)
        found = {}
        for consumer in ctx.of_kind("consumer"):
            mask = reach.get(consumer.id, 0) & ~served
            if mask:
                found[consumer.id] = mask
        return _without_compared_baselines(ctx, models, stop, found, served)

    depends = {*aspects_of(), *aspects_of(serve=True)}  # links read: those into evaluations
    return ctx.shape_memo("direct_consumers", compute, depends, local=links_at("evaluation", into_only=True))


def _without_compared_baselines(
    ctx: RuleContext, models: list[str], stop: set[str], found: dict[str, int], served: int
) -> dict[str, int]:
    """`found` (consumers, with bits of `models` reaching them) without the baselines that reach
    a consumer only through an evaluation that also judges a model."""
    kind = ctx.kind_of
    baselines = 0
    for index, model in enumerate(models):
        if kind.get(model) == "baseline_model":
            baselines |= 1 << index
    taken = {consumer: mask & baselines for consumer, mask in found.items() if mask & baselines}
    judging = {
        evaluation
        for evaluation in ctx.ids_of_kind("evaluation")
        if any(kind.get(source) == "model" for source in ctx.pred[evaluation])
    }
    if not taken or not judging:
        return found
    seeds = pick(models, baselines)
    reach = ctx.reach_bits(seeds, stop=set(stop) | judging, serve=True)
    position = {model: index for index, model in enumerate(models)}
    kept = {}
    for consumer, mask in found.items():
        if consumer in taken:
            mask &= ~baselines
            for baseline in pick(seeds, reach.get(consumer, 0)):
                mask |= 1 << position[baseline] & ~served
        if mask:
            kept[consumer] = mask
    return kept


def direct_models(ctx: RuleContext, consumer: str) -> list[str]:
    """The models whose predictions a direct consumer takes with no endpoint, in design order."""
    models, _ = serving_model_bits(ctx)
    return pick(models, direct_consumers(ctx).get(consumer, 0))


def source_name(ctx: RuleContext, point: str) -> str:
    """Whose predictions a served point passes on: the endpoint's, or those of the models
    feeding a consumer with no endpoint."""
    models = direct_models(ctx, point) if ctx.kind_of.get(point) == "consumer" else []
    return names(ctx, models, ordered=True) if models else ctx.name(point)


def served_view(ctx: RuleContext) -> EndpointView:
    """`endpoint_view` over the served points: the endpoints, then `direct_consumers`."""

    def compute() -> EndpointView:
        direct = direct_consumers(ctx)
        return EndpointView(ctx, [*endpoints(ctx), *direct]) if direct else endpoint_view(ctx)

    depends = {*aspects_of(), *aspects_of(serve=True)}
    return ctx.shape_memo("served_view", compute, depends, local=EndpointView.after_link_edit)


def serving_view(ctx: RuleContext) -> ServingView:
    """Near in production, over the served points (one view for every rule: the endpoints'
    bits are the same whatever consumers follow them)."""
    depends = {"flow", *aspects_of(serve=True), *aspects_of()}
    return ctx.shape_memo(
        "serving_view", lambda: ServingView(ctx), depends, local=ServingView.after_link_edit
    )


def near_check(
    ctx: RuleContext,
    targets: Iterable[str],
    kind: str,
    verdict: Callable[[Component], bool | None],
    unknown: Unspecified,
    prop: str,
    why: Callable[[str], str],
    serving: bool = False,
    direct: bool = False,
) -> list[str]:
    """The target endpoints with no component of `kind` near them for which `verdict` is True
    (near in production with `serving`: see `ServingView`). The targets may be consumers taking
    a model's predictions with no endpoint with `serving` or `direct` (see `served_view`).

    A nearby component whose verdict is None (its property is unset) makes the answer
    unknown: it gets one unset note (a finding of the rule), and the endpoint is not returned.
    """
    view = serving_view(ctx) if serving else served_view(ctx) if direct else endpoint_view(ctx)
    good = unsure = 0
    unsure_ids = []
    for component in ctx.of_kind(kind):
        answer = verdict(component)
        if answer is True:
            good |= view.near(component.id)
        elif answer is None:
            unsure |= view.near(component.id)
            unsure_ids.append(component.id)
    wanted = 0
    for endpoint in targets:
        wanted |= view.bit.get(endpoint, 0)
    open_ = wanted & ~good
    for cid in unsure_ids:
        first = view.first(view.near(cid) & open_)
        if first is not None:
            unknown.note(cid, prop, why(first), also=(first,))
    missing = open_ & ~unsure
    return [e for e in view.endpoints if view.bit[e] & missing]
