"""Which components are near which endpoints, for the rules that ask whether something (a
monitor, a validation, an experiment) is attached to an endpoint: `near_check`.

Two notions of near, both as bit masks over the endpoints: `EndpointView` (anywhere up- or
downstream) and `ServingView` (in production only: a monitor on the training set watches no
endpoint).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from app.domain.model import Component
from app.rules import walks
from app.rules.checks._common import (
    MODEL_KINDS,
    NOT_REQUEST_INPUTS,
    EndpointView,
    Unspecified,
    endpoint_view,
    endpoints,
    inline_governance,
    pick,
    serving_model_bits,
)
from app.rules.context import RuleContext
from app.rules.shape import aspects_of


class ServingView(EndpointView):
    """Components near endpoints in production: the endpoint, what feeds it at request time
    (`serve_side`: never the training job or data only training reads), what it feeds at serve
    time, the label sources its outcomes come back to, what is linked to the endpoint itself by a
    link not of the train phase (its serving infrastructure, its release strategy), and what is
    linked to one of those by a link not of the train phase (a monitor on the training set
    watches no endpoint)."""

    def __init__(self, ctx: RuleContext):
        self.succ, self.pred = ctx.succ, ctx.pred
        self.endpoints = endpoints(ctx)
        self.bit = {e: 1 << i for i, e in enumerate(self.endpoints)}
        self.all = (1 << len(self.endpoints)) - 1
        self.above = _serve_side_bits(ctx, self.endpoints, self.bit)
        labels = ctx.ids_of_kind("label_source")  # where the outcomes of its predictions come back
        if labels:
            stop = labels | ctx.ids_of_kind("dataset", "training_job", *MODEL_KINDS)
            back = ctx.reach_bits(self.endpoints, feedback=True, stop=stop)
            for node in labels:
                self.above[node] = self.above.get(node, 0) | back.get(node, 0)
        for endpoint in self.endpoints:  # what serves it: its serving infrastructure, its release
            for links in (self.succ[endpoint], self.pred[endpoint]):
                for other, data in links.items():
                    if data["phase"] != "train":
                        self.above[other] = self.above.get(other, 0) | self.bit[endpoint]
        self.below = ctx.reach_bits(self.endpoints, forward=True, serve=True)
        self._near = {}

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
    training jobs."""
    models, served_by = serving_model_bits(ctx)
    own = {e: bit[e] for e in ends}
    for endpoint in ends:
        for model in pick(models, served_by.get(endpoint, 0)):
            own[model] = own.get(model, 0) | bit[endpoint]
    upstream = ctx.adjacency(forward=False, serve=True)
    links = ctx.pred
    inline = inline_governance(ctx)
    inputs = {  # request-time inputs; a governance step data flows into passes it on
        node: [
            prev
            for prev in before
            if (flow := links[node][prev]["flow"]) not in NOT_REQUEST_INPUTS
            or (flow == "govern" and prev in inline)
        ]
        for node, before in upstream.items()
    }
    stop = frozenset(ctx.ids_of_kind("training_job"))
    bits = walks.reach_masks(ctx.topology(), inputs, own, stop, forward=False)
    for model, mask in own.items():
        if model not in bit:  # a serving model is on the serve side of the endpoints it serves
            bits[model] = bits.get(model, 0) | mask
    return bits


def serving_view(ctx: RuleContext) -> ServingView:
    return ctx.shape_memo("serving_view", lambda: ServingView(ctx), {"flow", *aspects_of(serve=True)})


def near_check(
    ctx: RuleContext,
    targets: Iterable[str],
    kind: str,
    verdict: Callable[[Component], bool | None],
    unknown: Unspecified,
    prop: str,
    why: Callable[[str], str],
    serving: bool = False,
) -> list[str]:
    """The target endpoints with no component of `kind` near them for which `verdict` is True
    (near in production with `serving`: see `ServingView`).

    A nearby component whose verdict is None (its property is unset) makes the answer
    unknown: it gets one unset note (a finding of the rule), and the endpoint is not returned.
    """
    view = serving_view(ctx) if serving else endpoint_view(ctx)
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
