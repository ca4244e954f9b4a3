"""Latency budget: R24."""

from __future__ import annotations

import re
from collections.abc import Iterator
from collections.abc import Set as AbstractSet

from app.rules.checks._common import (
    ONLINE_MODES,
    Unspecified,
    aws,
    dmls,
    endpoints,
    fmt,
    mts,
    number,
    serve_inputs,
    serving_models,
)
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.registry import rule

# ---- R24: latency budget -------------------------------------------------------------------

# What each kind adds to a request's latency; upstream models (e.g. candidate retrieval
# before a ranker) count with their own p99.
_LATENCY_PROP = {"feature_store": "online_latency_ms", "cache": "latency_ms", "model": "p99_latency_ms"}
_LARGE_FAMILIES = ("deep_nn", "transformer", "llm")
_NOT_REQUEST_FLOWS = ("artifact", "eval", "watch", "govern")


_MS_PER = {"ms": 1.0, "msec": 1.0, "msecs": 1.0, "millisecond": 1.0, "milliseconds": 1.0,
           "s": 1000.0, "sec": 1000.0, "secs": 1000.0, "second": 1000.0, "seconds": 1000.0,
           "us": 0.001, "µs": 0.001, "usec": 0.001, "usecs": 0.001, "µsec": 0.001,
           "microsecond": 0.001, "microseconds": 0.001}  # fmt: skip


def _constraint_ms(ctx: RuleContext, constraint: str) -> float | None:
    """A latency constraint's limit in milliseconds: its unit read as written ('ms p99', 's',
    'seconds at p95'; empty means ms), None when it is no latency constraint or its unit is no time."""
    props = ctx.component(constraint).properties
    value = number(props.get("value"))
    if props.get("type") != "latency" or value is None:
        return None
    unit = str(props.get("unit") or "ms").lower().replace("\u03bc", "\u00b5")  # Greek mu as micro sign
    words = re.findall(r"[a-zµ]+", re.sub(r"(?<=[a-zµ])-(?=[a-z])", "", unit))  # 'milli-seconds'
    scale = next((_MS_PER[w] for w in words if w in _MS_PER), None)
    return None if scale is None else value * scale


def _slo(ctx: RuleContext, endpoint: str) -> tuple[float | None, str]:
    """The tightest of the endpoint's SLO and the latency constraints linked to it; with none,
    the tightest latency constraint of the design, in milliseconds."""
    best: tuple[float, str] | None = None
    slo = number(ctx.prop(endpoint, "latency_slo_ms"))
    if slo is not None:
        best = (slo, f"the {fmt(slo)} ms SLO of {ctx.name(endpoint)}")
    linked = ctx.neighbours(endpoint)
    near = [c.id for c in ctx.of_kind("constraint") if c.id in linked and ctx.prop(c.id, "type") == "latency"]
    pool = near if near or slo is not None else [c.id for c in ctx.of_kind("constraint")]
    for constraint in pool:
        value = _constraint_ms(ctx, constraint)
        if value is not None and (best is None or value < best[0]):
            best = (value, f"the {fmt(value)} ms latency constraint {ctx.name(constraint)}")
    return (None, "") if best is None else best


# Modes that answer each request as it comes: on a device or in-process as much as over a network.
_PER_REQUEST = (*ONLINE_MODES, "edge", "library")


def _own_budget(ctx: RuleContext, endpoint: str) -> bool:
    """Whether an endpoint states its own latency budget: an SLO, or a latency constraint linked
    to it (an edge or library endpoint is held to no other)."""
    if number(ctx.prop(endpoint, "latency_slo_ms")) is not None:
        return True
    linked = ctx.neighbours(endpoint)
    return any(c.id in linked and ctx.prop(c.id, "type") == "latency" for c in ctx.of_kind("constraint"))


def _latency(ctx: RuleContext, node: str) -> float:
    prop = _LATENCY_PROP.get(ctx.kind_of.get(node, ""))
    return (number(ctx.prop(node, prop)) or 0.0) if prop else 0.0


def _heaviest_path(ctx: RuleContext, members: AbstractSet[str], sink: str, request_only: bool) -> list[str]:
    """The path ending at `sink`, through `members`, with the largest summed latency."""
    where = ctx.topo_index(False)
    order = ctx.order
    pred = ctx.pred
    best: dict[str, float] = {}
    came_from: dict[str, str] = {}
    for node in sorted(members | {sink}, key=lambda n: (where.get(n, 0), order.get(n, 0))):
        top, via = 0.0, None
        for prev, data in pred[node].items():
            if prev not in best or data["feedback"] or data["phase"] == "train":
                continue
            if request_only and data["flow"] in _NOT_REQUEST_FLOWS:
                continue
            if via is None or best[prev] > top or (best[prev] == top and order[prev] < order[via]):
                top, via = best[prev], prev
        best[node] = top + (_latency(ctx, node) if node != sink else 0.0)
        if via is not None:
            came_from[node] = via
    path = [sink]
    while path[-1] in came_from and len(path) <= len(members) + 1:
        path.append(came_from[path[-1]])
    return path[::-1]


@rule(
    id="R24",
    title="Latency budget",
    stage="model",
    severity="error",
    kinds=("cache", "constraint", "endpoint", "feature_store", "model"),
    rationale="An online prediction must fit its latency SLO end to end: the model's p99 plus every "
    "feature lookup and cache on the request path. Large models on tight SLOs or on devices "
    "need a plan (distillation, compression, caching). Error when the path exceeds the SLO; warning "
    "for a large deep model with no measured latency on an SLO under 50 ms, or a large uncompressed "
    "model on an edge endpoint.",
    suggestion="Shrink the serving path (smaller or compressed model, faster feature lookups, a "
    "prediction cache) or renegotiate the SLO; record the trade-off as a decision.",
    sources=(
        *mts("Data 3", "Monitor 6"),
        *dmls(7),
        *aws("perform a performance trade-off analysis", "choose between cloud and edge deployment"),
    ),
    condition="On an online endpoint (or an edge or library endpoint with an SLO or a latency constraint "
    "of its own), the model's p99 plus every feature store, cache and upstream model "
    "on the request path exceeds the tightest of the endpoint SLO and the latency constraints linked "
    "to it (with neither, the tightest latency constraint; a constraint's unit is read as written: "
    "ms, 'ms p99', s); warning: a "
    "deep model over 100M parameters with no p99 on an SLO under 50 ms, or an uncompressed model "
    "over 50M parameters on an edge endpoint.",
    unset="An unset p99_latency_ms, latency_slo_ms, online_latency_ms or latency_ms on the path is a "
    "warning naming it; on an edge endpoint an unset params_millions or compressed is a warning.",
)
def r24_latency_budget(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)
    for endpoint in endpoints(ctx, _PER_REQUEST):
        if ctx.prop(endpoint, "mode") not in ONLINE_MODES and not _own_budget(ctx, endpoint):
            continue
        slo, slo_text = _slo(ctx, endpoint)
        models = [m for m in serving_models(ctx, endpoint) if ctx.kind_of.get(m) == "model"]
        for model in models:
            if any(other in ctx.reach([model], serve=True) for other in models if other != model):
                continue  # it runs before another serving model, whose budget counts it
            props = ctx.component(model).properties
            p99 = number(props.get("p99_latency_ms"))
            if p99 is None:
                family, params = props.get("family"), number(props.get("params_millions"))
                large = family in _LARGE_FAMILIES and params is not None and params > 100
                if large and slo is not None and slo < 50:
                    yield Hit(
                        f"{ctx.name(model)} ({family}, {fmt(params or 0)}M params) has no p99 latency and "
                        f"must answer within {slo_text}: models this large rarely do",
                        components=ctx.sorted_ids([endpoint, model]),
                        severity="warning",
                    )
                    continue
                unknown.note(
                    model,
                    "p99_latency_ms",
                    f"needed for the latency budget of {ctx.name(endpoint)}",
                    "ms",
                    severity="warning",
                    also=(endpoint,),
                )
                continue
            if slo is None:
                unknown.note(
                    endpoint,
                    "latency_slo_ms",
                    f"{ctx.name(model)} takes {fmt(p99)} ms at p99",
                    "ms",
                    severity="warning",
                )
                continue
            inputs = serve_inputs(ctx, model)
            between = ctx.reach([model], serve=True) & ctx.reach([endpoint], forward=False, serve=True)
            route = _heaviest_path(ctx, inputs, model, True)[:-1]
            route += _heaviest_path(ctx, between | {model}, endpoint, False)[1:-1]
            parts = [(n, _latency(ctx, n)) for n in route if _latency(ctx, n) > 0]
            total = p99 + sum(w for _, w in parts)
            if total > slo:
                terms = " + ".join(f"{ctx.name(n)} ({fmt(w)} ms)" for n, w in [(model, p99), *parts])
                yield Hit(
                    f"Serving path {terms} = {fmt(total)} ms exceeds {slo_text}"
                    if parts
                    else f"{ctx.name(model)} takes {fmt(p99)} ms at p99, which exceeds {slo_text}",
                    components=ctx.sorted_ids([endpoint, model, *(n for n, _ in parts)]),
                )
                continue
            for node in ctx.sorted_ids(inputs | between):
                prop = _LATENCY_PROP.get(ctx.kind_of.get(node, ""))
                if prop and ctx.prop(node, prop) is None:
                    unknown.note(
                        node,
                        prop,
                        f"the serving path of {ctx.name(endpoint)} takes {fmt(total)} of {fmt(slo)} ms "
                        "without it",
                        "ms",
                        severity="warning",
                    )
    for endpoint in endpoints(ctx, ("edge",)):
        for model in serving_models(ctx, endpoint):
            if ctx.kind_of.get(model) != "model":
                continue
            params = number(ctx.prop(model, "params_millions"))
            compressed = ctx.prop(model, "compressed")
            if params is None:
                unknown.note(
                    model,
                    "params_millions",
                    f"it is served on edge endpoint {ctx.name(endpoint)}",
                    "millions of parameters",
                    severity="warning",
                )
            elif params > 50 and compressed is False:
                yield Hit(
                    f"{ctx.name(model)} ({fmt(params)}M params, not compressed) is served on edge endpoint "
                    f"{ctx.name(endpoint)}: too large for a device without quantisation or distillation",
                    components=ctx.sorted_ids([endpoint, model]),
                    severity="warning",
                )
            elif params > 50 and compressed is None:
                unknown.note(
                    model,
                    "compressed",
                    f"{fmt(params)}M params on edge endpoint {ctx.name(endpoint)}",
                    "true if quantised or distilled",
                    severity="warning",
                )
    yield from unknown.hits()
