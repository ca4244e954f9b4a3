"""Vocabulary shared by the checks: sources, property readers, serving topology, wording."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from app.domain.digraph import DesignGraph
from app.domain.model import Component
from app.domain.units import figure
from app.rules.checks._bits import pick
from app.rules.checks._shortcuts import with_other
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.shape import LinkEdit, aspects_of, links_at

fmt = figure  # a finding's numbers read as the report's

# ---- sources -----------------------------------------------------------------------------


def mts(*tests: str) -> tuple[str, ...]:
    return tuple(f"ML Test Score (Breck et al. 2017), {t}" for t in tests)


def htd(*sections: str) -> tuple[str, ...]:
    return tuple(f"Hidden Technical Debt in ML Systems (Sculley et al. 2015), §{s}" for s in sections)


def roml(*numbers: int) -> tuple[str, ...]:
    return tuple(f"Rules of ML (Zinkevich), #{n}" for n in numbers)


def dmls(*chapters: int) -> tuple[str, ...]:
    return tuple(f"Designing ML Systems (Huyen 2022), ch. {c}" for c in chapters)


def aws(*practices: str) -> tuple[str, ...]:
    return tuple(f"AWS Well-Architected ML Lens: {p}" for p in practices)


def toce(*chapters: int) -> tuple[str, ...]:
    return tuple(
        f'Kohavi, Tang and Xu, "Trustworthy Online Controlled Experiments" (2020), ch. {c}' for c in chapters
    )


GML = "Google Cloud MLOps: continuous delivery and automation pipelines (levels 0-2)"

# ---- kinds and values --------------------------------------------------------------------

ONLINE_MODES = ("online", "streaming")
DEEP_FAMILIES = ("deep_nn", "cnn", "rnn", "transformer", "llm")
COMPLEX_FAMILIES = (*DEEP_FAMILIES, "ensemble")
INTERPRETABLE_FAMILIES = ("rule", "linear", "logistic", "tree")
SUPERVISED_TASKS = ("binary", "multiclass", "multilabel", "regression", "ranking", "uplift")
MODEL_KINDS = ("model", "baseline_model")
# Flows that are not request-time inputs of what they feed (a model file, an evaluation...).
NOT_REQUEST_INPUTS = frozenset({"artifact", "eval", "watch", "govern"})
LEARNED_ELSEWHERE = ("pretrained", "vendor_api")  # model provenances with no training lineage here


def number(value: Any) -> float | None:
    """A numeric property as float, None when unset or not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def items(value: Any) -> set[str] | None:
    """A set/list property as a set, None when unset."""
    if value is None:
        return None
    if isinstance(value, list | tuple | set | frozenset):
        return {str(v) for v in value}
    return {str(value)}


def is_learned(ctx: RuleContext, model_id: str) -> bool:
    """A model is learned unless it says learned: false or its family is 'rule'."""
    learned = ctx.prop(model_id, "learned")
    if isinstance(learned, bool):
        return learned
    return bool(ctx.prop(model_id, "family") != "rule")


def names(ctx: RuleContext, ids: Iterable[str], limit: int = 4, ordered: bool = False) -> str:
    """'A', 'A and B', 'A, B and C', 'A, B, C and 5 more' (design order).

    With `ordered`, `ids` are already unique and in design order (as `pick` returns them).
    """
    if ordered:
        ids = ids if isinstance(ids, list | tuple) else list(ids)
        first, count = ids[: limit - 1] if len(ids) > limit else ids, len(ids)
    else:
        unique = set(ids)
        count = len(unique)
        order = ctx.order
        if count <= limit:
            first = ctx.sorted_ids(unique)
        elif order.keys() >= unique:
            first = heapq.nsmallest(limit - 1, unique, key=order.__getitem__)
        else:
            first = ctx.sorted_ids(unique)[: limit - 1]
    shown = [ctx.name(i) for i in first]
    if count > limit:
        shown.append(f"{count - limit + 1:,} more")
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def join_words(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def unset_message(prop: str, name: str, why: str, fix: str) -> str:
    """'P of C is unset: why; set P (values)'; a question gets its own sentence of advice
    ('is it watched for drift? Set watches'), not '?; set'."""
    advice = f" Set {prop}" if why.endswith("?") else f"; set {prop}"
    return f"{prop} of {name} is unset: {why}{advice}" + (f" ({fix})" if fix else "")


class Unspecified:
    """Collects the rule-critical properties a design leaves unset: an unknown never satisfies
    a rule, so each becomes a real finding of the rule (one per component and property),
    naming the property in `Hit.unset` and saying what to set.

    `severity` is None for the rule's own severity, or a lower one where the rule judges the
    unknown less certain than the flaw itself (see each rule's `unset=` text).
    """

    def __init__(self, ctx: RuleContext):
        self.ctx = ctx
        self._notes: dict[tuple[str, str], tuple[str, str, str | None, tuple[str, ...], bool]] = {}

    def note(
        self,
        component_id: str,
        prop: str,
        why: str,
        fix: str = "",
        *,
        severity: str | None = None,
        also: Iterable[str] = (),
        ordered: bool = False,
    ) -> None:
        """Record that `prop` of a component is unset. `why` says why the rule needs it,
        `fix` what to set it to (shown after "set <prop>"); `also` names more components the
        finding concerns (with `ordered`, unique and in design order, as `pick` returns them)."""
        key = (component_id, prop)
        if key not in self._notes:
            self._notes[key] = (why, fix, severity, tuple(also), ordered)

    def __bool__(self) -> bool:
        return bool(self._notes)

    def has(self, component_id: str, prop: str) -> bool:
        """Whether the property is already noted (the first note of a pair is the one kept)."""
        return (component_id, prop) in self._notes

    def hits(self) -> list[Hit]:
        ctx = self.ctx
        order, name = ctx.order, ctx.name
        found = sorted(self._notes.items(), key=lambda item: (order.get(item[0][0], 0), item[0][1]))
        return [
            Hit(  # by position: the fields message, components, links, severity, subject, unset
                unset_message(prop, name(cid), why, fix),
                ctx.with_id(also, cid) if ordered else with_other(ctx, cid, also) if also else (cid,),
                (),
                severity,
                "",
                (f"{cid}.{prop}",),
            )
            for (cid, prop), (why, fix, severity, also, ordered) in found
        ]


# ---- serving topology (computed once per check, shared by the rules) ------------------------


def ct_driven(ctx: RuleContext) -> set[str]:
    """The training jobs a CI/CD pipeline with continuous training triggers: linked to directly
    (any flow, not a feedback link). What the pipeline only deploys is not retrained by it."""
    driven: set[str] = set()
    for pipeline in ctx.of_kind("cicd_pipeline"):
        if pipeline.properties.get("ct") is True:
            for target, data in ctx.succ.get(pipeline.id, {}).items():
                if not data["feedback"] and ctx.kind_of.get(target) == "training_job":
                    driven.add(target)
    return driven


def endpoints(ctx: RuleContext, modes: tuple[str, ...] | None = None) -> list[str]:
    """Endpoint ids in design order, optionally only those whose mode is in `modes`."""
    return [
        c.id for c in ctx.by_kind.get("endpoint", ()) if modes is None or c.properties.get("mode") in modes
    ]


def online_endpoints(ctx: RuleContext) -> list[str]:
    return endpoints(ctx, ONLINE_MODES)


class EndpointView:
    """Which components are near which endpoints, as bit masks over the endpoints.

    A component is near an endpoint when it is the endpoint, upstream or downstream of it
    (feedback links left out), or linked directly to something that is: a monitor watching
    the model, a logger fed by the endpoint, an experiment routing its users. With `points`,
    the same over other served points (endpoints first): see `nearness.served_view`.
    """

    def __init__(self, ctx: RuleContext, points: list[str] | None = None):
        self.succ, self.pred = ctx.succ, ctx.pred
        self.endpoints = endpoints(ctx) if points is None else points  # or served points
        self.bit = {e: 1 << i for i, e in enumerate(self.endpoints)}
        self.all = (1 << len(self.endpoints)) - 1
        self.above = ctx.reach_bits(self.endpoints, forward=False)
        self.below = ctx.reach_bits(self.endpoints, forward=True)
        self._near: dict[str, int] = {}

    def on(self, node: str) -> int:
        """Endpoints that `node` is, or is upstream or downstream of."""
        return self.above.get(node, 0) | self.below.get(node, 0) | self.bit.get(node, 0)

    def near(self, node: str) -> int:
        mask = self._near.get(node)
        if mask is None:
            mask = self.on(node)
            if node in self.succ:
                for other in self.succ[node]:
                    mask |= self.on(other)
                for other in self.pred[node]:
                    mask |= self.on(other)
            self._near[node] = mask
        return mask

    def after_link_edit(self, graph: DesignGraph, edit: LinkEdit) -> Literal["same", "patched", "gone"]:
        """A `Local`: with its bits the same, `near` of the link's ends changes unless both are 0."""
        if not (self.on(edit.source) or self.on(edit.target)):
            return "same"
        self._near.pop(edit.source, None)
        self._near.pop(edit.target, None)
        return "patched"

    def mask(self, nodes: Iterable[str]) -> int:
        mask = 0
        for node in nodes:
            mask |= self.near(node)
        return mask

    def near_of(self, ctx: RuleContext, endpoint: str, *kinds: str) -> list[str]:
        """Components of `kinds` near one endpoint, in design order."""
        bit = self.bit.get(endpoint, 0)
        return [c.id for c in ctx.of_kind(*kinds) if self.near(c.id) & bit]

    def first(self, mask: int) -> str | None:
        """The first endpoint (design order) in a mask."""
        if not mask:
            return None
        return self.endpoints[(mask & -mask).bit_length() - 1]


def endpoint_view(ctx: RuleContext) -> EndpointView:
    return ctx.shape_memo(
        "endpoint_view", lambda: EndpointView(ctx), aspects_of(), local=EndpointView.after_link_edit
    )


def watches_any(signals: set[str]) -> Callable[[Component], bool | None]:
    """A near_check verdict: does a monitor watch one of `signals` (None when watches is unset)."""

    def verdict(monitor: Component) -> bool | None:
        watches = items(monitor.properties.get("watches"))
        return None if watches is None else bool(watches & signals)

    return verdict


def user_facing(ctx: RuleContext, endpoint_id: str) -> bool:
    """An endpoint with a consumer of type user_app downstream of it."""

    def compute() -> int:
        view = endpoint_view(ctx)
        mask = 0
        for consumer in ctx.by_kind.get("consumer", ()):
            if consumer.properties.get("consumer_type") == "user_app":
                mask |= view.below.get(consumer.id, 0)
        return mask

    return bool(ctx.memo("user_facing", compute) & endpoint_view(ctx).bit.get(endpoint_id, 0))


def serving_models(ctx: RuleContext, endpoint_id: str) -> tuple[str, ...]:
    """Models and baselines that serve an endpoint: reached going upstream from it without
    passing another model or a training job. Every phase counts: a model usually reaches its
    endpoint through an evaluation gate and a registry, links drawn in the training phase.
    (One pass over the graph answers it for every endpoint.)"""

    models, bits = serving_model_bits(ctx)
    return tuple(pick(models, bits.get(endpoint_id, 0)))


def serving_model_bits(ctx: RuleContext) -> tuple[list[str], Mapping[str, int]]:
    """The models and baselines, and for every node a bit mask of those serving it."""

    def compute() -> tuple[list[str], Mapping[str, int]]:
        models = [c.id for c in ctx.of_kind(*MODEL_KINDS)]
        stop = ctx.ids_of_kind(*MODEL_KINDS, "training_job")
        return models, ctx.reach_bits(models, stop=stop)

    return ctx.shape_memo("serving_model_bits", compute, aspects_of())


def inline_governance(ctx: RuleContext) -> frozenset[str]:
    """Governance steps on a data path: data or labels flow into them (pseudonymising events on
    their way to a dataset). One that only reads predictions observes them. Their govern links
    carry the data on, at request time too: not request inputs (NOT_REQUEST_INPUTS) but these."""

    def compute() -> frozenset[str]:
        return frozenset(
            gov
            for gov in ctx.ids_of_kind("governance")
            if any(data["flow"] in ("data", "label") for data in ctx.pred[gov].values())
        )

    return ctx.shape_memo(
        "inline_governance", compute, {"links", "flow"}, local=links_at("governance", into_only=True)
    )


def serve_inputs(ctx: RuleContext, node_id: str) -> frozenset[str]:
    """Everything upstream of a model or endpoint along serve-phase links, stopping at training
    jobs and at links that are not request-time inputs (the model file is not one)."""

    def compute() -> frozenset[str]:
        adj = ctx.adjacency(forward=False, serve=True)
        links = ctx.pred
        inline = inline_governance(ctx)
        seen: set[str] = set()
        frontier = [node_id]
        while frontier:
            node = frontier.pop()
            for prev in adj.get(node, ()):
                if prev in seen:
                    continue
                flow = links[node][prev]["flow"]  # a governance step data flows into passes it on
                if flow in NOT_REQUEST_INPUTS and (flow != "govern" or prev not in inline):
                    continue
                seen.add(prev)
                if ctx.kind_of.get(prev) != "training_job":
                    frontier.append(prev)
        return frozenset(seen)

    return ctx.shape_memo(("serve_inputs", node_id), compute, {"flow", *aspects_of(serve=True)})


def serve_side(ctx: RuleContext, endpoint_id: str) -> frozenset[str]:
    """What feeds an endpoint at request time: the models serving it and their serve inputs."""

    def compute() -> frozenset[str]:
        found = set(serve_inputs(ctx, endpoint_id))
        for model in serving_models(ctx, endpoint_id):
            found.add(model)
            found |= serve_inputs(ctx, model)
        return frozenset(found)

    return ctx.shape_memo(("serve_side", endpoint_id), compute, {"flow", *aspects_of(serve=True)})
