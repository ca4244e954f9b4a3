"""Capacity and cost, judged on the design's estimated figures (app/estimates): R55-R58, and
the computed-cost half of R34 (`cost_budget_hits`)."""

from __future__ import annotations

import math
from collections.abc import Iterator

from app.estimates import DesignEstimate, format_quantity
from app.estimates.engine import estimate_with
from app.estimates.model import counted, fmt_number, percent
from app.estimates.structure import Structure
from app.rules.checks._common import Unspecified, aws, dmls, fmt, items, names, number
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.registry import rule

LITTLE_1961 = 'Little 1961, "A Proof for the Queuing Formula: L = λW" (Operations Research 9(3))'
SRE_OVERLOAD = (
    'Beyer et al., "Site Reliability Engineering" (2016), ch. 21 Handling Overload',
    'Beyer et al., "Site Reliability Engineering" (2016), ch. 22 Addressing Cascading Failures',
)
GDPR_STORAGE = "GDPR (Regulation (EU) 2016/679), Art. 5(1)(e) storage limitation"
# The walks of the estimate depend only on the design's shape: kept across property edits.
_STRUCTURE_ASPECTS = ("links", "feedback", "phase", "flow")


def _structure(ctx: RuleContext) -> Structure:
    """The estimate's walks, kept in the shape cache across property edits and redone
    without reading every link again after a link edit."""
    return ctx.shape_memo(
        "estimate_structure",
        lambda: Structure(ctx.design, ctx.catalog),
        _STRUCTURE_ASPECTS,
        relink=lambda structure, design, source, target: structure.relinked(design, source, target),
    )


def design_estimate(ctx: RuleContext) -> DesignEstimate:
    """The design's figures, computed once per check (the walks once per shape)."""
    return ctx.memo("estimate", lambda: estimate_with(ctx.design, _structure(ctx)))


def _money(value: float) -> str:
    return format_quantity(value, "USD/month")


def _whole(value: float) -> str:
    """A computed figure rounded to a whole number, one whose arithmetic overflowed as the
    estimates say it (round() of infinity raises)."""
    return fmt(round(value)) if math.isfinite(value) else fmt_number(value)


# ---- R34 (computed cost against the budget) -----------------------------------------------


def cost_budget_hits(ctx: RuleContext, unknown: Unspecified) -> Iterator[Hit]:
    """The computed monthly cost (infrastructure at unit prices, else its declared cost_per_month;
    storage; tokens) against each cost constraint: of the components a constraint is linked
    to when it is linked to any, of the whole design otherwise."""
    estimate = design_estimate(ctx)
    order = ctx.order
    for constraint in ctx.of_kind("constraint"):
        if constraint.properties.get("type") != "cost":
            continue
        budget = number(constraint.properties.get("value"))
        if budget is None:
            continue
        unit = str(constraint.properties.get("unit") or "USD/month")
        scope = set(ctx.succ.get(constraint.id, {}))
        within = sorted(scope or estimate.figures, key=lambda cid: order.get(cid, 0))
        costs = [(cid, fig) for cid in within if (fig := estimate.figure(cid, "monthly_cost")) is not None]
        total = sum(fig.value for _, fig in costs)
        if costs and total > budget:
            terms = " + ".join(f"{ctx.name(cid)} ({_money(fig.value)})" for cid, fig in costs)
            yield Hit(
                f"Computed monthly cost {terms} = {_money(total)} exceeds the {fmt(budget)} {unit} budget "
                f"of {ctx.name(constraint.id)}",
                components=ctx.sorted_ids([constraint.id, *(cid for cid, _ in costs)]),
            )
            continue
        for infra in ctx.of_kind("infrastructure"):
            if (not scope or infra.id in scope) and estimate.figure(infra.id, "monthly_cost") is None:
                unknown.note(
                    infra.id,
                    "cost_per_month",
                    f"the cost budget is {fmt(budget)} {unit}",
                    f"{unit}, or unit_price_per_hour with replicas",
                )


# ---- R55: replicas below peak load ----------------------------------------------------------


@rule(
    id="R55",
    title="Serving replicas below peak load",
    stage="serving",
    severity="error",
    kinds=("endpoint", "infrastructure", "model"),
    rationale="A serving fleet sized below its peak load queues requests until latency SLOs break "
    "and retries cascade; replicas are sized for peak QPS at a utilisation well below 100% so a "
    "burst or a lost replica does not overload the rest.",
    suggestion="Provision the replicas peak QPS needs (or autoscale to them), or raise the "
    "throughput per replica (batching, a smaller or compressed model, faster hardware).",
    sources=(LITTLE_1961, *SRE_OVERLOAD, *dmls(7)),
    condition="An infrastructure's replicas are fewer than the replicas the models it serves need: "
    "each model's peak QPS (the sum of the qps of the endpoints it serves) / (its throughput per "
    "replica x 0.7 utilisation), rounded up (models called over a vendor API need none). "
    "Throughput per replica is throughput_per_replica, else "
    "1,000 / cpu_ms (one core a replica), else the accelerator's sustained GFLOP/s / gflops.",
    unset="Info: replicas unset on an infrastructure whose models' needs are known, and the "
    "throughput of a served model unset on an infrastructure whose replicas are set.",
)
def r55_replicas(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)
    estimate = design_estimate(ctx)
    for infra in ctx.of_kind("infrastructure"):
        needed = estimate.figure(infra.id, "replicas_needed")
        replicas = number(infra.properties.get("replicas"))
        if replicas is None:
            if needed is not None:
                unknown.note(
                    infra.id,
                    "replicas",
                    f"peak load needs {_whole(needed.value)}",
                    "replicas",
                    severity="info",
                )
            continue
        for gap in needed.missing if needed is not None else ():
            model, prop = gap.split(".", 1)
            fleet = f"{fmt(replicas)} {counted(replicas, 'replica')}"
            unknown.note(model, prop, f"is {fleet} enough for its peak load?", severity="info")
        if needed is None:
            for model in _served_models(ctx, estimate, infra.id):
                unknown.note(
                    model,
                    "throughput_per_replica",
                    f"{'is' if replicas == 1 else 'are'} {ctx.name(infra.id)}'s {fmt(replicas)} "
                    f"{counted(replicas, 'replica')} enough for its peak load?",
                    "predictions/s, or cpu_ms, or gflops with accelerator",
                    severity="info",
                )
            continue
        if replicas >= needed.value:
            continue
        models = _served_models(ctx, estimate, infra.id)
        why = "; ".join(
            f"{ctx.name(m)}: {fig.derivation}"
            for m in models
            if (fig := estimate.figure(m, "replicas_needed")) is not None
        )
        yield Hit(
            f"{ctx.name(infra.id)} provisions {fmt(replicas)} {counted(replicas, 'replica')} and peak load "
            f"needs {_whole(needed.value)} ({why})",
            components=ctx.sorted_ids([infra.id, *models]),
        )
    yield from unknown.hits()


def _served_models(ctx: RuleContext, estimate: DesignEstimate, infra: str) -> list[str]:
    """Models with a peak load that an infrastructure serves (directly or through endpoints)."""
    found: set[str] = set()
    for node in ctx.succ.get(infra, {}):
        kind = ctx.kind_of.get(node)
        if kind == "model":
            found.add(node)
        elif kind == "endpoint":
            found.update(_endpoint_models(ctx, node))
    return [
        m
        for m in ctx.sorted_ids(found)
        if estimate.figure(m, "peak_qps") is not None and ctx.prop(m, "provenance") != "vendor_api"
    ]


def _endpoint_models(ctx: RuleContext, endpoint: str) -> tuple[str, ...]:
    return _structure(ctx).endpoint_models.get(endpoint, ())


# ---- R56: human review over capacity --------------------------------------------------------


@rule(
    id="R56",
    title="Human review over capacity",
    stage="serving",
    severity="warning",
    kinds=("human_review",),
    rationale="Items routed to reviewers beyond what they handle in a day pile up: the backlog "
    "grows every day, review delays break their SLA, and the labels reviews produce arrive late.",
    suggestion="Route fewer items (a narrower gray band, action limits, sampling for audit) or add "
    "reviewer capacity; record the staffing plan.",
    sources=(LITTLE_1961, *dmls(4)),
    condition="A human review's items_per_day is above its capacity_per_day.",
    unset="capacity_per_day unset while items_per_day is set is a warning; items_per_day unset is "
    "left to the estimate's missing inputs (R27 judges the load a policy without action limits "
    "sends).",
)
def r56_review_capacity(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)
    for review in ctx.of_kind("human_review"):
        items = number(review.properties.get("items_per_day"))
        capacity = number(review.properties.get("capacity_per_day"))
        if items is None:
            continue
        if capacity is None:
            unknown.note(
                review.id, "capacity_per_day", f"{fmt(items)} items a day are routed to it", "items/day"
            )
        elif items > capacity:
            share = f"{percent(items / capacity)} of capacity" if capacity > 0 else "no capacity"
            yield Hit(
                f"{ctx.name(review.id)} is routed {fmt(items)} items a day and handles {fmt(capacity)} "
                f"({share}): the backlog grows by {fmt(items - capacity)} a day",
                components=(review.id,),
            )
    yield from unknown.hits()


# ---- R57: feature store or cache over its capacity -----------------------------------------


@rule(
    id="R57",
    title="Feature store or cache load beyond its capacity",
    stage="features",
    severity="error",
    kinds=("cache", "endpoint", "feature_store"),
    rationale="A feature store or cache answers within its latency figure only up to the load it "
    "sustains; beyond it, queueing adds latency to every request on the serving path and a "
    "saturated store takes the models that read it down with it.",
    suggestion="Put a cache in front of the store (or raise its hit rate), scale the store out, or "
    "read fewer features per request; state the load it sustains in max_qps.",
    sources=(LITTLE_1961, *SRE_OVERLOAD),
    condition="A feature store's or cache's computed peak QPS (the sum of what reads it at request "
    "time: each model's and endpoint's peak QPS, and each cache's misses, qps x (1 - hit_rate)) is "
    "above its max_qps, the load it sustains within its latency figure.",
    unset="max_qps unset on a feature store or cache with a computed load is info; a cache's "
    "hit_rate unset counts every read as a miss (the estimate lists it).",
)
def r57_lookup_capacity(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)
    estimate = design_estimate(ctx)
    for node in ctx.of_kind("feature_store", "cache"):
        load = estimate.figure(node.id, "peak_qps")
        if load is None:
            continue
        capacity = number(node.properties.get("max_qps"))
        if capacity is None:
            unknown.note(
                node.id, "max_qps", f"it serves {_whole(load.value)} QPS at peak", "QPS", severity="info"
            )
            continue
        if load.value <= capacity:
            continue
        latency_prop = "online_latency_ms" if node.kind == "feature_store" else "latency_ms"
        latency = number(node.properties.get(latency_prop))
        within = f" within {fmt(latency)} ms" if latency is not None else ""
        readers = [r for r in ctx.succ.get(node.id, {}) if estimate.figure(r, "peak_qps") is not None]
        yield Hit(
            f"{ctx.name(node.id)} serves {_whole(load.value)} QPS at peak ({load.derivation}) and "
            f"sustains {fmt(capacity)} QPS{within}",
            components=ctx.sorted_ids([node.id, *readers]),
        )
    yield from unknown.hits()


# ---- R58: storage growth without retention --------------------------------------------------


@rule(
    id="R58",
    title="Storage grows without retention",
    stage="data",
    severity="warning",
    kinds=("data_source", "governance"),
    rationale="Data kept with no retention period grows storage and its cost every day without "
    "limit, and personal data kept longer than needed breaks the storage limitation principle.",
    suggestion="Set retention_days on the source (how long its records stay in the datasets), "
    "and delete or aggregate older data.",
    sources=(GDPR_STORAGE, *aws("optimize cost"), *dmls(3)),
    condition="A data source with a daily volume (events_per_day and bytes_per_event) feeds a dataset "
    "(through data pipelines, validation or governance, or through feature pipelines and feature "
    "stores: features derived from its records keep them) and has no retention_days, and no governance "
    "step with retention controls governs the dataset or stands on every way the source's data "
    "takes to it (a monitor or evaluation linked to the dataset carries none of it). The finding "
    "quotes the source's bytes a day for the datasets its records reach as they are; for those "
    "only features derived from them reach, it names the records a day (the raw size is not "
    "what the features keep).",
    unset="The flaw is the missing retention itself; events_per_day or bytes_per_event unset means "
    "no volume to judge (the estimate lists them as missing inputs).",
)
def r58_retention(ctx: RuleContext) -> Iterator[Hit]:
    estimate = design_estimate(ctx)
    retaining = frozenset(
        g.id for g in ctx.of_kind("governance") if "retention" in (items(g.properties.get("controls")) or ())
    )
    for source in ctx.of_kind("data_source"):
        if number(source.properties.get("retention_days")) is not None:
            continue
        daily = estimate.figure(source.id, "bytes_per_day")
        if daily is None:
            continue
        structure = _structure(ctx)
        reached = structure.retained_reach(source.id)
        # Governance with retention controls bounds the datasets it governs and those it stands
        # before on every way the source's data takes.
        unbounded = structure.retained_reach(source.id, retaining) if retaining else None
        datasets = [
            d
            for d in reached
            if ctx.kind_of.get(d) == "dataset"
            and (unbounded is None or (d in unbounded and not retaining & ctx.neighbours(d)))
        ]
        if not datasets:
            continue
        raw = set(structure.raw_reach(source.id, retaining))
        kept = [d for d in datasets if d in raw]
        derived = [d for d in datasets if d not in raw]
        yield Hit(
            _unretained(ctx, source.id, estimate, daily.value, kept, derived),
            components=ctx.sorted_ids([source.id, *datasets]),
        )


def _unretained(
    ctx: RuleContext, source: str, estimate: DesignEstimate, daily: float, kept: list[str], derived: list[str]
) -> str:
    """R58's message: the bytes a source adds to the datasets that keep its records as they
    are, then the datasets that only features derived from its records reach (the raw size is
    not theirs, so it is not quoted for them)."""
    name = ctx.name(source)
    if not kept:
        events = estimate.figure(source, "events_per_day")
        count = f" ({format_quantity(events.value, 'events/day')})" if events is not None else ""
        return (
            f"{name} has no retention_days, and features derived from its records{count} keep them "
            f"in {names(ctx, derived)}: storage grows every day without a limit"
        )
    said = (
        f"{name} adds {format_quantity(daily, 'bytes/day')} to {names(ctx, kept)} with no "
        f"retention_days: storage grows by {format_quantity(daily * 30, 'bytes')} a month "
        "without a limit"
    )
    if derived:
        said += f", and features derived from its records keep them in {names(ctx, derived)}"
    return said
