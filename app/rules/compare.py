"""Compare a design with a reference design (usually a template), stage by stage.

For each of the six stages: which component kinds the reference has that the design lacks,
which kinds both have (with their counts), which kinds only the design has, and whether
each side covers the stage at all. Pure data, no Qt: the window's "Compare with template"
dialog and the tests read it; `format_comparison()` gives the same as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.catalog import Catalog
from app.domain.model import Component, Design


@dataclass(frozen=True)
class KindCount:
    """One component kind and the names of its components on each side."""

    kind: str
    label: str
    mine: tuple[str, ...] = ()
    theirs: tuple[str, ...] = ()

    def describe_missing(self) -> str:
        """`monitor (template has 3: A, B, C)`, or just `experiment` when it has one."""
        if len(self.theirs) > 1:
            return f"{self.kind} (template has {len(self.theirs)}: {', '.join(self.theirs)})"
        return self.kind

    def describe_shared(self) -> str:
        """`monitor (you 1, template 3)`."""
        return f"{self.kind} (you {len(self.mine)}, template {len(self.theirs)})"


@dataclass
class StageComparison:
    """What one stage of the design has compared with the same stage of the reference."""

    stage: str
    number: int
    label: str
    color: str
    mine_covered: bool
    theirs_covered: bool
    missing: list[KindCount] = field(default_factory=list)
    shared: list[KindCount] = field(default_factory=list)
    extra: list[KindCount] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when the design has every kind the reference has in this stage."""
        return not self.missing


def _display_name(component: Component, catalog: Catalog) -> str:
    spec = catalog.kind(component.kind)
    return " ".join((component.name or (spec.label if spec else component.kind)).split())


def _by_kind(design: Design, catalog: Catalog) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for component in design.components:
        if catalog.kind(component.kind) is not None:
            found.setdefault(component.kind, []).append(_display_name(component, catalog))
    return found


def compare_designs(mine: Design, template: Design, catalog: Catalog) -> list[StageComparison]:
    """One StageComparison per catalog stage, in stage order; kinds in catalog order.

    Components of kinds the catalog does not know are left out on both sides.
    """
    ours = _by_kind(mine, catalog)
    theirs = _by_kind(template, catalog)
    stages = []
    for stage in catalog.stages:
        comparison = StageComparison(
            stage=stage.id,
            number=stage.number,
            label=stage.label,
            color=stage.color,
            mine_covered=False,
            theirs_covered=False,
        )
        for spec in catalog.kinds_in_stage(stage.id):
            a, b = tuple(ours.get(spec.id, ())), tuple(theirs.get(spec.id, ()))
            if not a and not b:
                continue
            entry = KindCount(spec.id, spec.label, a, b)
            if a and b:
                comparison.shared.append(entry)
            elif b:
                comparison.missing.append(entry)
            else:
                comparison.extra.append(entry)
            comparison.mine_covered = comparison.mine_covered or bool(a)
            comparison.theirs_covered = comparison.theirs_covered or bool(b)
        stages.append(comparison)
    return stages


def missing_kinds(comparisons: list[StageComparison]) -> dict[str, list[str]]:
    """Stage id -> the kinds the reference has there and the design lacks."""
    return {c.stage: [k.kind for k in c.missing] for c in comparisons}


def format_comparison(comparisons: list[StageComparison], reference: str = "template") -> str:
    """Plain text, one block per stage: coverage on both sides, missing and shared kinds."""
    lines = []
    for c in comparisons:
        mine = "covered" if c.mine_covered else "not covered"
        theirs = "covered" if c.theirs_covered else "not covered"
        lines.append(f"{c.number}. {c.label}: yours {mine}, {reference} {theirs}")
        if c.missing:
            lines.append(f"   missing: {', '.join(k.describe_missing() for k in c.missing)}")
        if c.shared:
            lines.append(f"   in both: {', '.join(k.describe_shared() for k in c.shared)}")
        if c.extra:
            lines.append(f"   only yours: {', '.join(k.kind for k in c.extra)}")
    return "\n".join(lines) + "\n"
