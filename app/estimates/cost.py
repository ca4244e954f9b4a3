"""Training accelerator-hours and the monthly cost of infrastructure."""

from __future__ import annotations

from app.estimates.builder import Builder, n
from app.estimates.model import ACCELERATED, HOURS_PER_MONTH, counted, format_quantity


def _hours_unit(b: Builder, job: str) -> str:
    """The unit a training job's hours are counted in: its infrastructure's accelerator."""
    for infra in b.structure.hosts.get(job, ()):
        accelerator = b.text(infra, "accelerator")
        if accelerator in ACCELERATED:
            return f"{accelerator.upper()}-hours/month"
    return "node-hours/month"


def estimate_training(b: Builder) -> None:
    for job in b.structure.of_kind("training_job"):
        values = {prop: b.num(job, prop) for prop in ("accelerator_count", "hours_per_run", "runs_per_month")}
        gaps = [prop for prop, value in values.items() if value is None]
        for prop in gaps:
            b.need(job, prop, "accelerator-hours of training")
        if gaps:
            continue
        count, hours, runs = (
            values[p] or 0.0 for p in ("accelerator_count", "hours_per_run", "runs_per_month")
        )
        total = count * hours * runs
        unit = _hours_unit(b, job)
        b.add(
            job,
            "accelerator_hours_month",
            "Training accelerator-hours",
            total,
            unit,
            f"{n(count)} {counted(count, 'accelerator')} x {n(hours)} h/run x "
            f"{n(runs)} {counted(runs, 'run')}/month = {n(total)} {unit.split('/')[0]}",
        )


def _serving_replicas(b: Builder, infra: str) -> tuple[float, list[str]] | None:
    """Replicas the models an infrastructure serves need, and those models (None: it serves none)."""
    s = b.structure
    models: set[str] = set()
    for node in s.hosted.get(infra, ()):
        kind = s.kind[node]
        if kind == "endpoint":
            models.update(s.endpoint_models.get(node, ()))
        elif kind == "model":
            models.add(node)
    served = sorted(
        m for m in models if b.get(m, "peak_qps") is not None and b.text(m, "provenance") != "vendor_api"
    )
    if not served:
        return None
    needed = 0.0
    for model in served:
        fig = b.get(model, "replicas_needed")
        if fig is not None:
            needed += fig.value
    return needed, served


def estimate_infrastructure(b: Builder) -> None:
    for infra in b.structure.of_kind("infrastructure"):
        serving = _serving_replicas(b, infra)
        if serving is not None:
            needed, models = serving
            figures = [(m, b.get(m, "replicas_needed")) for m in models]
            known = [(m, fig.value) for m, fig in figures if fig is not None]
            terms = " + ".join(f"{n(value)} for {b.name(m)}" for m, value in known)
            gaps = tuple(f"{m}.throughput_per_replica" for m, fig in figures if fig is None)
            if known:
                b.add(
                    infra,
                    "replicas_needed",
                    "Replicas needed",
                    needed,
                    "replicas",
                    f"{terms} = {format_quantity(needed, 'replicas')}",
                    gaps,
                )
        _cost(b, infra, serving)


def _cost(b: Builder, infra: str, serving: tuple[float, list[str]] | None) -> None:
    price = b.num(infra, "unit_price_per_hour")
    declared = b.num(infra, "cost_per_month")
    if price is None:
        if declared is not None:
            b.add(
                infra,
                "monthly_cost",
                "Monthly cost",
                declared,
                "USD/month",
                f"declared {format_quantity(declared, 'USD/month')}",
            )
        else:
            b.need(infra, "unit_price_per_hour", "monthly cost (or set cost_per_month)")
        return
    parts: list[str] = []
    total = 0.0
    missing: list[str] = []
    replicas = b.num(infra, "replicas")
    machine = f" {b.text(infra, 'instance_type')}" if b.text(infra, "instance_type") else ""
    needed = b.get(infra, "replicas_needed")
    if replicas is not None:
        fleet = replicas * price * HOURS_PER_MONTH
        parts.append(
            f"{n(replicas)}{machine} {counted(replicas, 'replica')} x ${price:g}/h x "
            f"{n(HOURS_PER_MONTH)} h = {format_quantity(fleet, 'USD')}"
        )
        total += fleet
    elif needed is not None:
        fleet = needed.value * price * HOURS_PER_MONTH
        parts.append(
            f"{n(needed.value)}{machine} {counted(needed.value, 'replica')} needed (none provisioned) "
            f"x ${price:g}/h x {n(HOURS_PER_MONTH)} h = "
            f"{format_quantity(fleet, 'USD')}"
        )
        total += fleet
    elif serving is not None:
        missing.append(b.need(infra, "replicas", "monthly cost of its serving fleet"))
    for node in b.structure.hosted.get(infra, ()):
        if b.structure.kind[node] != "training_job":
            continue
        hours = b.get(node, "accelerator_hours_month")
        if hours is None:
            missing.extend(f"{node}.{prop}" for (cid, prop) in b.missing if cid == node)
            continue
        cost = hours.value * price
        parts.append(
            f"training {b.name(node)} {n(hours.value)} h x ${price:g}/h = {format_quantity(cost, 'USD')}"
        )
        total += cost
    if not parts:
        return
    text = " + ".join(parts)
    if len(parts) > 1:
        text += f"; total {format_quantity(total, 'USD/month')}"
    if declared is not None:
        text += f" (declared {format_quantity(declared, 'USD/month')})"
    b.add(infra, "monthly_cost", "Monthly cost", total, "USD/month", text, tuple(missing))
