"""Gating properties: unset properties that decide whether whole rules apply at all.

An endpoint whose mode is unset might serve online, and then the latency, fallback and
operations rules would apply; a dataset whose is_time_series is unset might be a time
series, and then it must be split by time. A rule that stays silent because such a property
is unset would let a half-finished design score above the same design filled in. So the
rubric also checks the design as it would be with each gating property set to each value
in GATES (all components missing it at once, one property and one value at a time) and
charges every rule the most it costs in any of those completions, as an unknown.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from app.domain.catalog import Catalog
from app.domain.model import Design
from app.rules.engine import check_design
from app.rules.model import Finding
from app.rules.rubric_scoring import is_set

# (kind, property) -> the values whose completions are checked.
GATES: dict[tuple[str, str], tuple[object, ...]] = {
    ("endpoint", "mode"): ("online", "streaming", "batch", "nearline", "edge", "library"),
    ("consumer", "consumer_type"): ("user_app", "internal_service", "downstream_model", "analyst"),
    ("dataset", "is_time_series"): (True,),
    ("problem_framing", "marketplace"): (True,),
    ("model", "family"): ("deep_nn", "llm", "ensemble"),
}


@dataclass(frozen=True)
class Completion:
    """One completion of a gating property: what was assumed, and the findings it gives."""

    kind: str
    prop: str
    value: object
    components: tuple[str, ...]
    findings: list[Finding]

    def describe(self, design: Design) -> str:
        index = design.component_by_id()
        names = [index[c].name or c for c in self.components if c in index]
        shown = ", ".join(names[:2]) + (f" and {len(names) - 2} more" if len(names) > 2 else "")
        return f"{self.prop} of {shown} unset; were it {self.value}"


def completions(design: Design, catalog: Catalog) -> Iterator[Completion]:
    """The check results of the design with each unset gating property filled in."""
    for (kind, prop), values in GATES.items():
        spec = catalog.kind(kind)
        prop_spec = spec.property(prop) if spec is not None else None
        if prop_spec is None:
            continue
        missing = tuple(c.id for c in design.components if c.kind == kind and not is_set(c.prop(prop)))
        if not missing:
            continue
        for value in values:
            if prop_spec.type == "enum" and value not in prop_spec.values:
                continue
            filled = design.model_copy(deep=True)
            filled.invalidate_indexes()
            index = filled.component_by_id()
            for component_id in missing:
                index[component_id].properties[prop] = value  # type: ignore[assignment]
            yield Completion(kind, prop, value, missing, check_design(filled, catalog).findings)
