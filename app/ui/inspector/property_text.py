"""How the inspector words a catalog property: its label, its values, its tooltip."""

from __future__ import annotations

from app.domain.catalog import PropertySpec
from app.ui.theme import tooltip_html

UNSPECIFIED = "unspecified"
# Abbreviations written in capitals in labels ("latency_slo_ms" -> "Latency SLO").
_WORDS = {
    w: w.upper()
    for w in ("slo", "qps", "pii", "ttl", "hpo", "cv", "ct", "cd", "kpi", "sla", "ml", "id", "cpu", "gpu")
} | {"gflops": "GFLOPs"}
_UNIT_TAILS = {"ms", "s", "hours", "days", "pct", "millions"}


def humanize(name: str, unit: str | None = None) -> str:
    """'latency_slo_ms' -> 'Latency SLO' (the unit is shown by the editor)."""
    words = name.split("_")
    if unit and len(words) > 1 and words[-1] in _UNIT_TAILS:
        words = words[:-1]
    text = " ".join(_WORDS.get(w, w) for w in words)
    return text[:1].upper() + text[1:]


def value_label(value: str) -> str:
    return value.replace("_", " ")


def property_tooltip(spec: PropertySpec) -> str:
    detail = (
        f"{spec.description}\n\nType: {spec.describe_type()}" if spec.description else spec.describe_type()
    )
    return tooltip_html(detail, spec.name)
