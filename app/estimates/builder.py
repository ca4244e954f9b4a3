"""Collects figures and missing inputs while an estimate is computed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.domain.model import Component
from app.domain.text import isolate, one_line
from app.estimates.model import Figure, MissingInput, fmt_number
from app.estimates.structure import Structure


@dataclass
class Builder:
    structure: Structure
    components: dict[str, Component]
    qps_scale: float = 1.0
    volume_scale: float = 1.0
    figures: dict[str, dict[str, Figure]] = field(default_factory=dict)
    missing: dict[tuple[str, str], str] = field(default_factory=dict)

    def num(self, component: str, prop: str) -> float | None:
        """A numeric property, None when unset or not a number."""
        value: Any = self.components[component].properties.get(prop)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)

    def text(self, component: str, prop: str) -> str | None:
        value = self.components[component].properties.get(prop)
        return value if isinstance(value, str) and value else None

    def name(self, component: str) -> str:
        """The name as it goes into a derivation: one line, isolated so that a right-to-left
        name or a bidi control in it cannot reorder the sentence around it."""
        text = one_line(self.components[component].name)
        return isolate(text) if text else component

    def need(self, component: str, prop: str, why: str) -> str:
        """Record a missing input; returns its "component.property" form for Figure.missing."""
        self.missing.setdefault((component, prop), why)
        return f"{component}.{prop}"

    def add(
        self,
        component: str,
        name: str,
        label: str,
        value: float,
        unit: str,
        derivation: str,
        missing: tuple[str, ...] = (),
    ) -> Figure:
        fig = Figure(component, name, label, value, unit, derivation, tuple(sorted(set(missing))))
        self.figures.setdefault(component, {})[name] = fig
        return fig

    def get(self, component: str, name: str) -> Figure | None:
        return self.figures.get(component, {}).get(name)

    def missing_inputs(self) -> tuple[MissingInput, ...]:
        return tuple(MissingInput(c, p, why) for (c, p), why in sorted(self.missing.items()))


def n(value: float) -> str:
    """A number as it reads in a derivation."""
    return fmt_number(value)


def scaled(value: float, scale: float, what: str) -> tuple[float, str]:
    """A value times a what-if factor, and the words saying so ('' without a factor)."""
    if scale == 1.0:
        return value, ""
    return value * scale, f" (x {scale:g} {what})"
