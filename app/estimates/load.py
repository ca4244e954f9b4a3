"""Request load: peak QPS from endpoints to the models serving them and the feature stores,
caches, indexes and retrievers they read; replicas needed; human review load."""

from __future__ import annotations

import math

from app.estimates.builder import Builder, n, scaled
from app.estimates.model import (
    ACCELERATED,
    EFFECTIVE_GFLOPS,
    HOURS_PER_MONTH,
    SECONDS_PER_MONTH,
    UTILISATION,
    format_quantity,
    percent,
)


def estimate_load(b: Builder) -> None:
    _endpoints(b)
    _models(b)
    _lookups(b)
    _review(b)


def _endpoints(b: Builder) -> None:
    for endpoint in b.structure.of_kind("endpoint"):
        raw = b.num(endpoint, "qps")
        if raw is None:
            if b.structure.endpoint_models.get(endpoint):
                b.need(endpoint, "qps", "peak load of the models serving it")
            continue
        peak, what_if = scaled(raw, b.qps_scale, "traffic")
        b.add(endpoint, "peak_qps", "Peak load", peak, "qps", f"{n(raw)} QPS at peak{what_if}")
        raw_mean = b.num(endpoint, "mean_qps")
        if raw_mean is not None:
            mean, what_if = scaled(raw_mean, b.qps_scale, "traffic")
            b.add(endpoint, "mean_qps", "Mean load", mean, "qps", f"{n(raw_mean)} QPS on average{what_if}")
            monthly = mean * SECONDS_PER_MONTH
            b.add(
                endpoint,
                "requests_per_month",
                "Requests per month",
                monthly,
                "requests/month",
                f"{n(mean)} QPS x {n(SECONDS_PER_MONTH)} s/month = {n(monthly)} requests",
            )
        payload = b.num(endpoint, "payload_bytes")
        if payload is not None:
            rate = peak * payload
            b.add(
                endpoint,
                "peak_bandwidth",
                "Peak bandwidth",
                rate,
                "bytes/s",
                f"{n(peak)} QPS x {n(payload)} bytes = {format_quantity(rate, 'bytes/s')}",
            )


def _models(b: Builder) -> None:
    served: dict[str, list[str]] = {}
    for endpoint, models in b.structure.endpoint_models.items():
        if b.get(endpoint, "peak_qps") is None:
            continue
        for model in models:
            served.setdefault(model, []).append(endpoint)
    for model in sorted(served):
        endpoints = served[model]
        loads = [(e, b.get(e, "peak_qps")) for e in endpoints]
        peak = sum(f.value for _, f in loads if f is not None)
        terms = " + ".join(f"{n(f.value)} from {b.name(e)}" for e, f in loads if f is not None)
        b.add(model, "peak_qps", "Peak load", peak, "qps", f"{terms} = {n(peak)} QPS")
        _replicas(b, model, peak)
        _token_cost(b, model, endpoints)


def _throughput(b: Builder, model: str) -> tuple[float, str] | None:
    """Predictions per second one replica sustains, and how that is known."""
    per_replica = b.num(model, "throughput_per_replica")
    if per_replica is not None and per_replica > 0:
        return per_replica, f"{n(per_replica)} predictions/s per replica"
    cpu_ms = b.num(model, "cpu_ms")
    if cpu_ms is not None and cpu_ms > 0:
        rate = 1000.0 / cpu_ms
        return rate, f"{n(rate)} predictions/s per single-core replica (1,000 / {n(cpu_ms)} CPU-ms)"
    gflops = b.num(model, "gflops")
    accelerator = b.text(model, "accelerator")
    if gflops is not None and gflops > 0 and accelerator in EFFECTIVE_GFLOPS:
        speed = EFFECTIVE_GFLOPS[accelerator]
        rate = speed / gflops
        return rate, (
            f"{n(rate)} predictions/s per {accelerator.upper()} replica "
            f"({n(speed)} GFLOP/s / {n(gflops)} GFLOPs)"
        )
    return None


def _replicas(b: Builder, model: str, peak: float) -> None:
    if b.text(model, "provenance") == "vendor_api":
        return  # called over a vendor's API: billed per token, scaled by the vendor
    rate = _throughput(b, model)
    if rate is None:
        b.need(
            model,
            "throughput_per_replica",
            "replicas needed at peak (or set cpu_ms, or gflops with accelerator)",
        )
        return
    per_replica, how = rate
    exact = peak / (per_replica * UTILISATION)
    if peak <= 0:
        needed = 0.0
    elif math.isfinite(exact):
        needed = float(max(1, math.ceil(exact - 1e-9)))
    else:  # the division overflowed: shown as too large to compute
        needed = exact
    b.add(
        model,
        "replicas_needed",
        "Replicas needed",
        needed,
        "replicas",
        f"{n(peak)} QPS / ({how} x {UTILISATION:g} utilisation) = {n(exact)} -> "
        f"{format_quantity(needed, 'replicas')}",
    )
    accelerator = b.text(model, "accelerator")
    if accelerator is None:
        b.need(model, "accelerator", "accelerator-hours of serving")
    elif accelerator in ACCELERATED:
        hours = needed * HOURS_PER_MONTH
        b.add(
            model,
            "accelerator_hours_month",
            "Serving accelerator-hours",
            hours,
            f"{accelerator.upper()}-hours/month",
            f"{format_quantity(needed, 'replicas')} x {n(HOURS_PER_MONTH)} h/month = "
            f"{n(hours)} {accelerator.upper()}-hours",
        )


def _token_cost(b: Builder, model: str, endpoints: list[str]) -> None:
    """Per-token billing (LLMs, vendor APIs): requests x tokens per request x price."""
    price = b.num(model, "cost_per_1k_tokens")
    if price is None:
        return
    tokens = b.num(model, "tokens_per_request")
    if tokens is None:
        b.need(model, "tokens_per_request", "monthly token cost at its price per 1k tokens")
        return
    requests = 0.0
    missing: list[str] = []
    for endpoint in endpoints:
        monthly = b.get(endpoint, "requests_per_month")
        if monthly is None:
            missing.append(b.need(endpoint, "mean_qps", f"monthly token cost of {b.name(model)}"))
            peak = b.get(endpoint, "peak_qps")
            requests += (peak.value if peak else 0.0) * SECONDS_PER_MONTH
        else:
            requests += monthly.value
    cost = requests * tokens / 1000.0 * price
    basis = "peak load all month (mean_qps unset)" if missing else "mean load"
    b.add(
        model,
        "monthly_cost",
        "Monthly cost",
        cost,
        "USD/month",
        f"{n(requests)} requests/month ({basis}) x {n(tokens)} tokens / 1,000 x ${price:g} = "
        f"{format_quantity(cost, 'USD/month')}",
        tuple(missing),
    )


def _lookups(b: Builder) -> None:
    """Each lookup serves the sum of its readers' loads; a cache forwards only its misses."""
    s = b.structure
    for node in s.lookup_order:
        terms: list[str] = []
        load = 0.0
        missing: list[str] = []
        for reader in s.lookup_succ[node]:
            forwarded = _forwarded(b, reader)
            if forwarded is None:
                continue
            value, gaps = forwarded
            load += value
            missing.extend(gaps)
            terms.append(f"{n(value)} from {b.name(reader)}")
        if not terms:
            continue
        b.add(
            node, "peak_qps", "Peak load", load, "qps", f"{' + '.join(terms)} = {n(load)} QPS", tuple(missing)
        )
        if s.kind[node] in ("feature_store", "cache"):
            _lookup_capacity(b, node, load)


def _forwarded(b: Builder, reader: str) -> tuple[float, tuple[str, ...]] | None:
    """The load a reader puts on what it reads, with the inputs that were missing."""
    fig = b.get(reader, "peak_qps")
    if fig is None:
        return None
    if b.structure.kind[reader] != "cache":
        return fig.value, fig.missing
    hit_rate = b.num(reader, "hit_rate")
    if hit_rate is None:
        return fig.value, (*fig.missing, b.need(reader, "hit_rate", "the load its misses put upstream"))
    return fig.value * (1.0 - hit_rate), fig.missing


def _lookup_capacity(b: Builder, node: str, load: float) -> None:
    latency_prop = "online_latency_ms" if b.structure.kind[node] == "feature_store" else "latency_ms"
    if b.structure.kind[node] == "cache":
        hit_rate = b.num(node, "hit_rate")
        if hit_rate is not None:
            misses = load * (1.0 - hit_rate)
            b.add(
                node,
                "miss_qps",
                "Misses passed upstream",
                misses,
                "qps",
                f"{n(load)} QPS x (1 - {hit_rate:g} hit rate) = {n(misses)} QPS",
            )
    capacity = b.num(node, "max_qps")
    if capacity is None:
        b.need(node, "max_qps", f"whether it sustains {n(load)} QPS within its {latency_prop}")
        return
    if capacity <= 0:
        return
    latency = b.num(node, latency_prop)
    at = f" at {n(latency)} ms" if latency is not None else ""
    b.add(
        node,
        "utilisation",
        "Utilisation at peak",
        load / capacity,
        "fraction",
        f"{n(load)} QPS / {n(capacity)} QPS sustained{at} = {percent(load / capacity)}",
    )


def _review(b: Builder) -> None:
    for review in b.structure.of_kind("human_review"):
        raw = b.num(review, "items_per_day")
        capacity = b.num(review, "capacity_per_day")
        if raw is None:
            b.need(review, "items_per_day", "review load against its capacity")
            continue
        items, what_if = scaled(raw, b.qps_scale, "traffic")
        missing: tuple[str, ...] = ()
        if capacity is None:
            missing = (b.need(review, "capacity_per_day", "review load against its capacity"),)
            against = ""
        elif capacity > 0:
            against = f" against {n(capacity)} capacity = {percent(items / capacity)} of capacity"
        else:
            against = " against no capacity"
        b.add(
            review,
            "review_items_per_day",
            "Review load",
            items,
            "items/day",
            f"{n(raw)} items/day{what_if}{against}",
            missing,
        )
        if capacity is not None and capacity > 0:
            b.add(
                review,
                "review_utilisation",
                "Review utilisation",
                items / capacity,
                "fraction",
                f"{n(items)} / {n(capacity)} items/day = {percent(items / capacity)}",
            )
