"""Auto-layout: the layout engine's positions (stage lanes, left to right) as one undo step.

In three steps, so that the engine runs on a worker thread while the user goes on editing:
plan_layout() (UI thread) checks there is something to move and dumps the design to plain data
(edits change it in place; a few ms, app.ui.snapshot); compute_positions() (worker, Qt-free)
loads the dump into a design of its own, copies the catalog (replaced when it changes, never
changed in place) and runs the engine on the copies; apply_positions() (UI thread) moves the
cards as one undo step if the result still fits the document.

With two or more components selected only those move (the others stay as obstacles);
otherwise every component does. Pinned components never move.

A result still fits when the design has the same components (a component's kind, which sets
its lane, never changes), the same pinned cards, and the cards it was placed around (pinned
ones, and those outside a laid-out selection) where they were. Otherwise it is dropped with a
message asking to run Auto-Layout again: re-running it by itself could chase a user who keeps
editing. Cards the layout moves may have been dragged meanwhile: the layout places them
anyway (that move stays one undo step back).

auto_layout() does all three at once, on the calling thread (the reference for the worker's
result, and for scripts).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from app.domain.catalog import Catalog
from app.domain.model import Design
from app.layout import layout_design
from app.ui.document import DesignDocument
from app.ui.snapshot import dump_design, load_design_data

UNDO_TEXT = "Auto-layout"
DEFAULT_ASPECT = 16 / 10
Moves = dict[str, tuple[float, float]]


@dataclass(frozen=True)
class LayoutPlan:
    """What one auto-layout works from: a snapshot, and what it expects the document to keep."""

    design_data: dict[str, Any]  # the design dumped (app.ui.snapshot): the worker loads its own copy
    catalog: Catalog  # the document's (replaced when it changes, never changed in place)
    aspect: float
    subset: list[str] | None  # the selection laid out, or None for the whole design
    movable: list[str]
    ids: frozenset[str]  # every component when the layout started
    pinned: frozenset[str]
    fixed: dict[str, tuple[float, float]]  # where the cards that do not move were
    original: Design  # the document's design object (a reset replaces it)


def plan_layout(
    document: DesignDocument,
    report: Callable[[str], None],
    aspect: float = DEFAULT_ASPECT,
    only: Collection[str] | None = None,
) -> LayoutPlan | None:
    """The plan of an auto-layout of the document, or None (after a message) when there is
    nothing to lay out. `aspect` is the width:height the layout aims at (the view's); `only`
    restricts the move to those components (ignored with fewer than two)."""
    design = document.design
    if not design.components:
        report("Auto-layout: the design is empty")
        return None
    if not math.isfinite(aspect) or aspect <= 0:
        aspect = DEFAULT_ASPECT
    known = design.component_by_id()
    chosen = [cid for cid in only if cid in known] if only is not None else []
    subset = chosen if len(chosen) >= 2 else None
    movable = [cid for cid in (subset if subset is not None else known) if not known[cid].pinned]
    if not movable:
        report("Auto-layout: every component concerned is pinned")
        return None
    moving = set(movable)
    return LayoutPlan(
        design_data=dump_design(design),
        catalog=document.catalog,
        aspect=aspect,
        subset=subset,
        movable=movable,
        ids=frozenset(known),
        pinned=frozenset(c.id for c in design.components if c.pinned),
        fixed={c.id: (c.position.x, c.position.y) for c in design.components if c.id not in moving},
        original=design,
    )


def compute_positions(plan: LayoutPlan) -> Moves:
    """Where the cards that move go (Qt-free; runs on a worker thread). Raises ValueError from
    the engine, and app.progress.Cancelled when the job is cancelled."""
    design = load_design_data(plan.design_data)
    catalog = copy.deepcopy(plan.catalog)  # the worker's own, like the design
    result = layout_design(design, catalog, aspect=plan.aspect, only=plan.subset, routes=False)
    targets: Moves = {}
    for cid in plan.movable:
        x, y = result.positions.get(cid, (math.nan, math.nan))
        if math.isfinite(x) and math.isfinite(y):
            targets[cid] = (float(x), float(y))
    return targets


def still_fits(document: DesignDocument, plan: LayoutPlan) -> str | None:
    """Why the layout no longer fits the document (a sentence), or None when it does."""
    design = document.design
    if design is not plan.original:
        return "another design was opened"
    now = {c.id: c for c in design.components}
    if now.keys() != plan.ids:
        added, removed = len(now.keys() - plan.ids), len(plan.ids - now.keys())
        parts = [f"{n} {verb}" for n, verb in ((added, "added"), (removed, "removed")) if n]
        return f"components were added or removed ({', '.join(parts)})"
    if {cid for cid, c in now.items() if c.pinned} != plan.pinned:
        return "components were pinned or unpinned"
    if any((now[cid].position.x, now[cid].position.y) != xy for cid, xy in plan.fixed.items()):
        return "cards it places others around were moved"
    return None


def apply_positions(
    document: DesignDocument, plan: LayoutPlan, targets: Moves, report: Callable[[str], None]
) -> bool:
    """Move the cards to the computed positions as one undo step; True when applied. Cards
    already there are left out."""
    reason = still_fits(document, plan)
    if reason is not None:
        report(f"Auto-layout not applied: {reason} while it ran; run Auto-Layout again")
        return False
    moves = {cid: xy for cid, xy in targets.items() if (p := document.position_of(cid)) and (p.x, p.y) != xy}
    if not moves:
        report("Auto-layout: the components are already laid out")
        return False
    document.move_components(moves, text=UNDO_TEXT)
    scope = f"{len(plan.subset)} selected components" if plan.subset is not None else "the design"
    pinned = sum(1 for c in document.design.components if c.pinned)
    report(f"Auto-layout of {scope}" + (f"; {pinned} pinned left in place" if pinned else ""))
    return True


def auto_layout(
    document: DesignDocument,
    report: Callable[[str], None],
    aspect: float = DEFAULT_ASPECT,
    only: Collection[str] | None = None,
) -> bool:
    """Plan, compute and apply an auto-layout on this thread; True when applied."""
    plan = plan_layout(document, report, aspect, only)
    if plan is None:
        return False
    try:
        targets = compute_positions(plan)
    except ValueError as exc:
        report(f"Auto-layout failed: {exc}")
        return False
    return apply_positions(document, plan, targets, report)
