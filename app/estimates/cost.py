"""Training accelerator-hours and the monthly cost of infrastructure."""

from __future__ import annotations

from app.estimates.builder import Builder, n
from app.estimates.model import ACCELERATED, HOURS_PER_MONTH, format_quantity


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
            f"{n(count)} accelerators x {n(hours)} h/run x {n(runs)} runs/month = "
            f"{n(total)} {unit.split('/')[0]}",
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
    served = sorted(m for m in models if b.get(m, "peak_qps") is not None)
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
            known = [m for m in models if b.get(m, "replicas_needed") is not None]
            terms = " + ".join(f"{n(b.get(m, 'replicas_needed').value)} for {b.name(m)}" for m in known)  # type: ignore[union-attr]
            gaps = tuple(f"{m}.throughput_per_replica" for m in models if m not in known)
            if known:
                b.add(
                    infra,
                    "replicas_needed",
                    "Replicas needed",
                    needed,
                    "replicas",
                    f"{terms} = {n(needed)} replicas",
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
            f"{n(replicas)}{machine} replicas x ${price:g}/h x {n(HOURS_PER_MONTH)} h = "
            f"{format_quantity(fleet, 'USD')}"
        )
        total += fleet
    elif needed is not None:
        fleet = needed.value * price * HOURS_PER_MONTH
        parts.append(
            f"{n(needed.value)}{machine} replicas needed (none provisioned) x ${price:g}/h x "
            f"{n(HOURS_PER_MONTH)} h = "
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
            missing.append(f"{node}.hours_per_run")
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
