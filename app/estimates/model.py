"""What an estimate is made of: figures with their derivation, missing inputs, totals.

The assumptions every estimate rests on are named constants here, quoted in the derivations
and listed by `assumptions()` so a report can state them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.domain.long_names import NAME_LIMIT, quoting_long_names, shortened
from app.domain.text import balance_bidi, isolate, one_line
from app.domain.units import HUGE

# ---- assumptions ---------------------------------------------------------------------------

UTILISATION = 0.7  # target utilisation of a serving replica: headroom for bursts and failover
HOURS_PER_MONTH = 730.0  # 365 x 24 / 12
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600.0
STORAGE_USD_PER_GB_MONTH = 0.023  # object storage, standard tier
# Sustained GFLOP/s one replica delivers on each accelerator (well below the peak figures: real
# serving reaches a fraction of peak throughput).
EFFECTIVE_GFLOPS = {"cpu": 50.0, "gpu": 20_000.0, "tpu": 40_000.0, "npu": 5_000.0}
ACCELERATED = ("gpu", "tpu", "npu")


def assumptions() -> tuple[str, ...]:
    """The constants the figures rest on, in words."""
    per_device = ", ".join(f"{name.upper()} {fmt_number(v)}" for name, v in EFFECTIVE_GFLOPS.items())
    return (
        f"Serving replicas are sized for {UTILISATION:g} utilisation at peak load.",
        f"A month is {HOURS_PER_MONTH:g} hours; always-on replicas run all of it.",
        f"Stored data costs ${STORAGE_USD_PER_GB_MONTH:g} per GB-month.",
        f"Per-prediction GFLOPs convert to throughput at sustained GFLOP/s per replica: {per_device}.",
        "A model given CPU-ms per prediction runs one core per replica.",
        "Every request-time link is one read per request; a cache passes only its misses upstream.",
        "An infrastructure's unit price applies to its serving replicas and to each accelerator-hour "
        "of the training jobs it hosts.",
        "Human review load scales with traffic in a what-if.",
    )


# ---- figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One derived quantity of one component."""

    component: str
    name: str
    label: str
    value: float
    unit: str
    derivation: str
    # Inputs whose absence limited this figure, as "component_id.property".
    missing: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "value": json_number(self.value),
            "unit": self.unit,
            "text": format_quantity(self.value, self.unit),
            "derivation": self.derivation,
            "missing": list(self.missing),
        }


@dataclass(frozen=True)
class MissingInput:
    """A property the estimate needs and the design leaves unset."""

    component: str
    property: str
    why: str

    def to_json(self) -> dict[str, str]:
        return {"component": self.component, "property": self.property, "why": self.why}


# The order a component's figures are listed in: volume, load, capacity, then cost.
FIGURE_ORDER = (
    "events_per_day",
    "bytes_per_day",
    "storage_bytes",
    "labels_per_day",
    "peak_qps",
    "mean_qps",
    "requests_per_month",
    "peak_bandwidth",
    "miss_qps",
    "utilisation",
    "replicas_needed",
    "accelerator_hours_month",
    "review_items_per_day",
    "review_utilisation",
    "monthly_cost",
)

TOTAL_KEYS = (
    "monthly_cost",
    "storage_bytes",
    "gpu_hours_month",
    "tpu_hours_month",
    "accelerator_hours_month",
    "events_per_day",
    "peak_qps",
    "replicas_needed",
)
TOTAL_UNITS = {
    "monthly_cost": "USD/month",
    "storage_bytes": "bytes",
    "gpu_hours_month": "GPU-hours/month",
    "tpu_hours_month": "TPU-hours/month",
    "accelerator_hours_month": "accelerator-hours/month",
    "events_per_day": "events/day",
    "peak_qps": "qps",
    "replicas_needed": "replicas",
}


@dataclass(frozen=True)
class DesignEstimate:
    """Every figure of a design, by component id, with totals by stage and overall."""

    figures: Mapping[str, tuple[Figure, ...]]
    stage_totals: Mapping[str, Mapping[str, float]]
    totals: Mapping[str, float]
    missing: tuple[MissingInput, ...]
    qps_scale: float = 1.0
    volume_scale: float = 1.0
    names: Mapping[str, str] = field(default_factory=dict)

    def figure(self, component: str, name: str) -> Figure | None:
        for fig in self.figures.get(component, ()):
            if fig.name == name:
                return fig
        return None

    def missing_for(self, component: str) -> tuple[MissingInput, ...]:
        return tuple(m for m in self.missing if m.component == component)

    def to_json(self) -> dict[str, Any]:
        return {
            "scale": {"qps": self.qps_scale, "volume": self.volume_scale},
            "totals": {key: json_number(v) for key, v in self.totals.items()},
            "stage_totals": {
                stage: {key: json_number(v) for key, v in values.items()}
                for stage, values in self.stage_totals.items()
            },
            "components": [
                {"id": cid, "name": self.names.get(cid, cid), "figures": [f.to_json() for f in figs]}
                for cid, figs in self.figures.items()
            ],
            "missing": [m.to_json() for m in self.missing],
            "assumptions": list(assumptions()),
        }

    def to_text(self) -> str:
        """The figures for people: each name on one line, isolated, and shortened past
        NAME_LIMIT characters (app.domain.long_names), in the headings and in the derivations
        and reasons that quote it; to_json keeps every name whole."""
        long = [text for cid, name in self.names.items() for text in (cid, name) if len(text) > NAME_LIMIT]
        quoted = quoting_long_names(long, shortened)

        def short(text: str) -> str:  # a name (an id) holding a line break cannot start a line
            return one_line(quoted(text))

        lines: list[str] = []
        if self.qps_scale != 1.0 or self.volume_scale != 1.0:
            lines.append(f"What-if: peak QPS x {self.qps_scale:g}, data volume x {self.volume_scale:g}")
            lines.append("")
        lines.append("Totals")
        for key, value in self.totals.items():
            lines.append(f"  {key}: {format_quantity(value, TOTAL_UNITS.get(key, ''))}")
        if self.stage_totals:
            lines.append("")
            lines.append("By stage")
            for stage, values in self.stage_totals.items():
                parts = ", ".join(
                    f"{key} {format_quantity(v, TOTAL_UNITS.get(key, ''))}" for key, v in values.items()
                )
                lines.append(f"  {stage}: {parts}")
        for cid, figs in self.figures.items():
            lines.append("")
            lines.append(f"{self._shown(cid)} ({isolate(shortened(cid))})")
            for fig in figs:
                lines.append(f"  {fig.label}: {format_quantity(fig.value, fig.unit)}")
                lines.append(f"    {short(fig.derivation)}")
                if fig.missing:
                    lines.append(f"    missing: {short(', '.join(fig.missing))}")
        if self.missing:
            lines.append("")
            lines.append("Missing inputs")
            for item in self.missing:
                lines.append(f"  {self._shown(item.component)}.{item.property}: {short(item.why)}")
        lines.append("")
        lines.append("Assumptions")
        lines.extend(f"  {text}" for text in assumptions())
        return balance_bidi("\n".join(lines)) + "\n"

    def _shown(self, cid: str) -> str:
        """A component's name on one line of a terminal, shortened past NAME_LIMIT characters,
        isolated from its neighbours."""
        return isolate(shortened(self.names.get(cid, cid)) or shortened(cid))


# ---- formatting ----------------------------------------------------------------------------


def json_number(value: float) -> float | None:
    """A figure for JSON: null when the arithmetic overflowed (JSON has no Infinity or NaN)."""
    return value if math.isfinite(value) else None


OVERFLOW = "too large to compute"  # a figure whose arithmetic overflowed (JSON: null)


def fmt_number(value: float) -> str:
    """1234567 -> '1,234,567'; 12.345 -> '12.3'; 0.0123 -> '0.0123'; 1e300 -> '1e+300'."""
    if not math.isfinite(value):
        return OVERFLOW
    magnitude = abs(value)
    if magnitude >= HUGE:
        return f"{value:.3g}"
    if magnitude >= 100 or value == int(value):
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:,.1f}"
    return f"{value:.3g}"


def percent(fraction: float) -> str:
    """0.7 -> '70%'; huge or overflowed ratios as fmt_number writes them."""
    value = fraction * 100
    return f"{value:.0f}%" if math.isfinite(value) and abs(value) < HUGE else f"{fmt_number(value)}%"


_BYTE_STEPS = (("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3))


def _bytes(value: float) -> str:
    for suffix, size in _BYTE_STEPS:
        if abs(value) >= size:
            return f"{value / size:.3g} {suffix}"
    return f"{value:,.0f} B"


def format_quantity(value: float, unit: str) -> str:
    """A value with its unit, readable: '1.2 TB', '$14,300/month', '1,200 QPS'."""
    if not math.isfinite(value):
        return OVERFLOW
    if unit == "bytes":
        return _bytes(value)
    if unit.startswith("bytes/"):
        return f"{_bytes(value)}/{unit.split('/', 1)[1]}"
    if unit.startswith("USD"):
        rest = unit[3:]
        amount = (
            fmt_number(value)
            if abs(value) >= HUGE
            else f"{value:,.0f}"
            if abs(value) >= 100
            else f"{value:,.2f}"
        )
        return f"${amount}{rest}"
    if unit == "qps":
        return f"{fmt_number(value)} QPS"
    if unit == "fraction":
        return percent(value)
    if unit == "replicas":
        return f"{fmt_number(value)} {counted(value, 'replica')}"
    return f"{fmt_number(value)} {unit}".rstrip()


def counted(value: float, noun: str) -> str:
    """The noun for `value` of it: 'replica' for one, else 'replicas' ("1 replicas" reads as
    a typo in a review)."""
    return noun if value == 1 else noun + "s"
