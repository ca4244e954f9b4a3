"""The what-if as a design: the properties a scale multiplies, and a scaled copy of a design
(on which the rules can run to show which findings a what-if changes)."""

from __future__ import annotations

from collections.abc import Mapping

from app.domain.model import Design

# kind -> the properties estimate_design(qps_scale=) multiplies, and those volume_scale= does.
QPS_SCALED: Mapping[str, frozenset[str]] = {
    "endpoint": frozenset({"qps", "mean_qps"}),
    "human_review": frozenset({"items_per_day"}),
}
VOLUME_SCALED: Mapping[str, frozenset[str]] = {"data_source": frozenset({"events_per_day"})}


def scale_design(design: Design, qps_scale: float = 1.0, volume_scale: float = 1.0) -> Design:
    """A deep copy of the design with peak/mean QPS and review items times `qps_scale` and
    source volumes times `volume_scale`; its estimate equals the scaled estimate of the original."""
    for factor, what in ((qps_scale, "QPS"), (volume_scale, "volume")):
        if not factor > 0 or factor == float("inf"):
            raise ValueError(f"the {what} scale must be a positive number, got {factor!r}")
    copy = design.model_copy(deep=True)
    copy.invalidate_indexes()
    for component in copy.components:
        for props, scale in ((QPS_SCALED, qps_scale), (VOLUME_SCALED, volume_scale)):
            for name in props.get(component.kind, ()):
                value = component.properties.get(name)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    component.properties[name] = float(value) * scale
    return copy
