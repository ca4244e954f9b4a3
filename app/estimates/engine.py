"""Estimate a design: one-shot (`estimate_design`) or kept current across edits (`EstimateEngine`)."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.catalog import Catalog, default_catalog
from app.domain.changes import Change
from app.domain.model import Design
from app.estimates.builder import Builder
from app.estimates.cost import estimate_infrastructure, estimate_training
from app.estimates.load import estimate_load
from app.estimates.model import FIGURE_ORDER, TOTAL_KEYS, DesignEstimate, Figure
from app.estimates.structure import Structure
from app.estimates.volume import estimate_volume

# Figures that add up into the totals, and the total each adds to.
_SUMMED = {
    "monthly_cost": "monthly_cost",
    "storage_bytes": "storage_bytes",
    "replicas_needed": "replicas_needed",
}
# Edits that change which links join which components: the walks must be redone.
_SHAPE_CHANGES = ("component_added", "component_removed", "link_added", "link_removed", "link_changed")


def _check_scale(value: float, what: str) -> float:
    if not value > 0 or value != value or value == float("inf"):
        raise ValueError(f"the {what} scale must be a positive number, got {value!r}")
    return float(value)


def _compute(design: Design, structure: Structure, qps_scale: float, volume_scale: float) -> DesignEstimate:
    b = Builder(
        structure,
        design.component_by_id(),
        _check_scale(qps_scale, "QPS"),
        _check_scale(volume_scale, "volume"),
    )
    estimate_volume(b)
    estimate_load(b)
    estimate_training(b)
    estimate_infrastructure(b)
    rank = {name: i for i, name in enumerate(FIGURE_ORDER)}
    figures = {
        cid: tuple(sorted(b.figures[cid].values(), key=lambda f: (rank.get(f.name, len(rank)), f.name)))
        for cid in sorted(b.figures)
    }
    totals, stage_totals = _totals(structure, figures)
    index = design.component_by_id()
    names = {cid: index[cid].name or cid for cid in (*figures, *(m[0] for m in b.missing))}
    return DesignEstimate(
        figures=figures,
        stage_totals=stage_totals,
        totals=totals,
        missing=b.missing_inputs(),
        qps_scale=qps_scale,
        volume_scale=volume_scale,
        names=dict(sorted(names.items())),
    )


def _add(into: dict[str, float], key: str, value: float) -> None:
    into[key] = into.get(key, 0.0) + value


def _totals(
    structure: Structure, figures: dict[str, tuple[Figure, ...]]
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    totals: dict[str, float] = {"monthly_cost": 0.0, "storage_bytes": 0.0}
    by_stage: dict[str, dict[str, float]] = {}
    for cid, figs in figures.items():
        stage = by_stage.setdefault(structure.stage.get(cid, "") or "other", {})
        kind = structure.kind[cid]
        for fig in figs:
            keys: list[str] = []
            if fig.name in _SUMMED and (fig.name != "replicas_needed" or kind == "model"):
                keys.append(_SUMMED[fig.name])
            if fig.name == "accelerator_hours_month" and fig.unit.split("-")[0] in ("GPU", "TPU", "NPU"):
                keys.append("accelerator_hours_month")
                keys.append(f"{fig.unit.split('-')[0].lower()}_hours_month")
            if fig.name == "events_per_day" and kind == "data_source":
                keys.append("events_per_day")
            if fig.name == "peak_qps" and kind == "endpoint":
                keys.append("peak_qps")
            for key in keys:
                _add(totals, key, fig.value)
                _add(stage, key, fig.value)
    order = {key: i for i, key in enumerate(TOTAL_KEYS)}
    ordered = dict(sorted(totals.items(), key=lambda kv: order.get(kv[0], len(order))))
    stages = {
        s: dict(sorted(v.items(), key=lambda kv: order.get(kv[0], len(order))))
        for s, v in sorted(by_stage.items())
        if v
    }
    return ordered, stages


def estimate_with(design: Design, structure: Structure) -> DesignEstimate:
    """The estimate over walks computed before (the rules keep them in their shape cache)."""
    return _compute(design, structure, 1.0, 1.0)


def estimate_design(
    design: Design,
    catalog: Catalog | None = None,
    *,
    qps_scale: float = 1.0,
    volume_scale: float = 1.0,
) -> DesignEstimate:
    """Every figure of a design; `qps_scale` and `volume_scale` are what-if factors applied to
    peak and mean QPS (and review items) and to source volumes, without changing the design."""
    structure = Structure(design, catalog or default_catalog())
    return _compute(design, structure, qps_scale, volume_scale)


class EstimateEngine:
    """Keeps the shape-only walks of a design across edits, for the window.

    Hand it every edit's change records (`app.domain.ops.Change`); property, name, position,
    meta, decision and override edits keep the walks, adding or removing components or links
    redoes them. `estimate()` then recomputes the arithmetic only."""

    def __init__(self, design: Design, catalog: Catalog | None = None) -> None:
        self.design = design
        self.catalog = catalog or default_catalog()
        self._structure: Structure | None = None
        self._cached: dict[tuple[float, float], DesignEstimate] = {}

    def apply(self, changes: Sequence[Change]) -> None:
        """Take note of edits already made to the design."""
        relevant = [
            c
            for c in changes
            if c.what not in ("component_moved", "meta_changed", "decisions_changed", "overrides_changed")
        ]
        if not relevant:
            return
        self._cached.clear()
        if any(c.what in _SHAPE_CHANGES for c in relevant):
            self._structure = None

    def reset(self, design: Design | None = None) -> None:
        """Forget everything (a new or reloaded document)."""
        if design is not None:
            self.design = design
        self._structure = None
        self._cached.clear()

    def estimate(self, *, qps_scale: float = 1.0, volume_scale: float = 1.0) -> DesignEstimate:
        key = (float(qps_scale), float(volume_scale))
        found = self._cached.get(key)
        if found is not None:
            return found
        if self._structure is None:
            self._structure = Structure(self.design, self.catalog)
        result = _compute(self.design, self._structure, qps_scale, volume_scale)
        if len(self._cached) > 8:
            self._cached.clear()
        self._cached[key] = result
        return result
