"""Gating properties: unset properties that decide whether whole rules apply at all.

An endpoint whose mode is unset might serve online, and then the latency, fallback and
operations rules would apply; a dataset whose is_time_series is unset might be a time
series, and then it must be split by time; infrastructure whose accelerator is unset might
run on GPUs, whose cost must be watched; labels whose positive_rate is unset might be rare
positives, which accuracy cannot measure; labels whose censored is unset might hide outcomes
the system itself suppressed; labels whose label_type is unset might be human annotations
of unknown agreement or natural clicks biased by position; a framing whose task is unset
might be any task, each with its own rules. A rule that stays silent because such a
property is unset would let a half-finished design score above the same design filled in.
So the rubric also checks the design as it would be with each gating property set to each
value in GATES (all components missing it at once, one property and one value at a time)
and charges every rule the most it costs in any of those completions, as an unknown. When
several gating properties are unset, one more completion sets them all at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from app.domain.catalog import Catalog
from app.domain.model import Design
from app.domain.text import isolate
from app.rules.engine import check_design
from app.rules.model import Finding
from app.rules.rubric_scoring import is_set

# (kind, property) -> the values whose completions are checked.
GATES: dict[tuple[str, str], tuple[object, ...]] = {
    ("endpoint", "mode"): ("online", "streaming", "batch", "nearline", "edge", "library"),
    ("consumer", "consumer_type"): ("user_app", "internal_service", "downstream_model", "analyst"),
    ("dataset", "is_time_series"): (True,),
    ("problem_framing", "marketplace"): (True,),
    ("problem_framing", "task"): ("ranking", "binary", "multiclass", "regression", "forecast", "generation"),
    ("model", "family"): ("deep_nn", "llm", "ensemble"),
    ("infrastructure", "accelerator"): ("gpu",),
    ("label_source", "positive_rate"): (0.01,),
    ("label_source", "censored"): (True,),
    ("label_source", "label_type"): ("natural", "explicit", "human_annotation", "weak", "delayed_outcome"),
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
        names = [isolate(index[c].name or c) for c in self.components if c in index]  # as reasons quote them
        shown = ", ".join(names[:2]) + (f" and {len(names) - 2} more" if len(names) > 2 else "")
        return f"{self.prop} of {shown} unset; were it {self.value}"


def completions(design: Design, catalog: Catalog) -> Iterator[Completion]:
    """The check results of the design with its unset gating properties filled in: each
    property at each of its values, then all of them at once at their first (riskiest) value,
    since rules may need two of them (an online endpoint serving a user-facing consumer)."""
    gaps = []
    for (kind, prop), values in GATES.items():
        spec = catalog.kind(kind)
        prop_spec = spec.property(prop) if spec is not None else None
        if prop_spec is None:
            continue
        missing = tuple(c.id for c in design.components if c.kind == kind and not is_set(c.prop(prop)))
        allowed = [v for v in values if prop_spec.type != "enum" or v in prop_spec.values]
        if missing and allowed:
            gaps.append((kind, prop, missing, allowed))
    for kind, prop, missing, allowed in gaps:
        for value in allowed:
            yield Completion(
                kind, prop, value, missing, _check_filled(design, catalog, [(prop, missing, value)])
            )
    if len(gaps) > 1:
        fills = [(prop, missing, allowed[0]) for _, prop, missing, allowed in gaps]
        props = " and ".join(prop for prop, _, _ in fills)
        value = ", ".join(str(v) for _, _, v in fills)
        everything = tuple(c for _, _, missing, _ in gaps for c in missing)
        yield Completion("", props, value, everything, _check_filled(design, catalog, fills))


def _check_filled(
    design: Design, catalog: Catalog, fills: list[tuple[str, tuple[str, ...], object]]
) -> list[Finding]:
    filled = design.model_copy(deep=True)
    filled.invalidate_indexes()
    index = filled.component_by_id()
    for prop, missing, value in fills:
        for component_id in missing:
            index[component_id].properties[prop] = value  # type: ignore[assignment]
    return check_design(filled, catalog).findings
