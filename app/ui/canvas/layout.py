"""Auto-layout: the layout engine's positions (stage lanes, left to right) as one undo step.

The engine (app.layout) is pure Python and fast, so the layout is applied at once. With two or
more components selected only those move (the others stay as obstacles); otherwise every
component does. Pinned components never move.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection

from app.layout import layout_design
from app.ui.document import DesignDocument

UNDO_TEXT = "Auto-layout"
DEFAULT_ASPECT = 16 / 10


def auto_layout(
    document: DesignDocument,
    report: Callable[[str], None],
    aspect: float = DEFAULT_ASPECT,
    only: Collection[str] | None = None,
) -> bool:
    """Move components to the engine's positions, as one undo step; True when applied.

    `aspect` is the width:height the layout aims at (the view's); `only` restricts the move to
    those components (ignored with fewer than two). Positions that do not change are left out.
    """
    design = document.design
    if not design.components:
        report("Auto-layout: the design is empty")
        return False
    if not math.isfinite(aspect) or aspect <= 0:
        aspect = DEFAULT_ASPECT
    known = design.component_by_id()
    chosen = [cid for cid in only if cid in known] if only is not None else []
    subset = chosen if len(chosen) >= 2 else None
    movable = [cid for cid in (subset if subset is not None else known) if not known[cid].pinned]
    if not movable:
        report("Auto-layout: every component concerned is pinned")
        return False
    try:
        result = layout_design(design, document.catalog, aspect=aspect, only=subset, routes=False)
    except ValueError as exc:
        report(f"Auto-layout failed: {exc}")
        return False
    moves: dict[str, tuple[float, float]] = {}
    for cid in movable:
        x, y = result.positions.get(cid, (math.nan, math.nan))
        if not (math.isfinite(x) and math.isfinite(y)):
            continue
        old = known[cid].position
        if (old.x, old.y) != (x, y):
            moves[cid] = (float(x), float(y))
    if not moves:
        report("Auto-layout: the components are already laid out")
        return False
    document.move_components(moves, text=UNDO_TEXT)
    scope = f"{len(subset)} selected components" if subset is not None else "the design"
    pinned = sum(1 for c in design.components if c.pinned)
    report(f"Auto-layout of {scope}" + (f"; {pinned} pinned left in place" if pinned else ""))
    return True
