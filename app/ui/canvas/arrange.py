"""Align, distribute, nudge and free placement: positions computed from card rectangles (no Qt).

align/distribute/nudge return {component id: (x, y)} for the cards that move; the view applies
the result as one undo step with DesignDocument.move_components(). free_position finds where a
new card can go without touching the others.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache

Rect = tuple[float, float, float, float]  # x, y, width, height
Positions = dict[str, tuple[float, float]]

ALIGN_EDGES = ("left", "right", "top", "bottom", "hcenter", "vcenter")
AXES = ("horizontal", "vertical")


def align(rects: Mapping[str, Rect], edge: str) -> Positions:
    """Line the cards up on one edge of their bounding box, or on its centre line.

    `hcenter` gives every card the same horizontal centre (a vertical column); `vcenter`
    the same vertical centre (a row). Needs at least two cards.
    """
    if edge not in ALIGN_EDGES:
        raise ValueError(f"unknown edge {edge!r}; expected one of {', '.join(ALIGN_EDGES)}")
    if len(rects) < 2:
        return {}
    left = min(x for x, _, _, _ in rects.values())
    top = min(y for _, y, _, _ in rects.values())
    right = max(x + w for x, _, w, _ in rects.values())
    bottom = max(y + h for _, y, _, h in rects.values())
    out: Positions = {}
    for cid, (x, y, w, h) in rects.items():
        if edge == "left":
            new = (left, y)
        elif edge == "right":
            new = (right - w, y)
        elif edge == "top":
            new = (x, top)
        elif edge == "bottom":
            new = (x, bottom - h)
        elif edge == "hcenter":
            new = ((left + right) / 2 - w / 2, y)
        else:
            new = (x, (top + bottom) / 2 - h / 2)
        if new != (x, y):
            out[cid] = new
    return out


def distribute(rects: Mapping[str, Rect], axis: str) -> Positions:
    """Spread the cards so the gaps between neighbours are equal; the outer two stay put.

    Needs at least three cards. When the cards overlap too much for equal gaps, their
    centres are spaced evenly instead.
    """
    if axis not in AXES:
        raise ValueError(f"unknown axis {axis!r}; expected horizontal or vertical")
    if len(rects) < 3:
        return {}
    horizontal = axis == "horizontal"

    def start(r: Rect) -> float:
        return r[0] if horizontal else r[1]

    def size(r: Rect) -> float:
        return r[2] if horizontal else r[3]

    order = sorted(rects, key=lambda cid: (start(rects[cid]) + size(rects[cid]) / 2, cid))
    first, last = rects[order[0]], rects[order[-1]]
    span = start(last) + size(last) - start(first)
    gap = (span - sum(size(rects[cid]) for cid in order)) / (len(order) - 1)
    out: Positions = {}
    if gap >= 0:
        cursor = start(first)
        for cid in order:
            _place(out, rects[cid], cid, cursor, horizontal)
            cursor += size(rects[cid]) + gap
    else:
        c0 = start(first) + size(first) / 2
        c1 = start(last) + size(last) / 2
        step = (c1 - c0) / (len(order) - 1)
        for n, cid in enumerate(order):
            _place(out, rects[cid], cid, c0 + n * step - size(rects[cid]) / 2, horizontal)
    return out


def _place(out: Positions, rect: Rect, cid: str, value: float, horizontal: bool) -> None:
    x, y = rect[0], rect[1]
    new = (value, y) if horizontal else (x, value)
    if abs(new[0] - x) > 1e-9 or abs(new[1] - y) > 1e-9:
        out[cid] = new


def nudge(positions: Mapping[str, tuple[float, float]], dx: float, dy: float) -> Positions:
    """Every position moved by (dx, dy)."""
    return {cid: (x + dx, y + dy) for cid, (x, y) in positions.items()}


def _overlaps(a: Rect, b: Rect, gap: float) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw + gap and bx < ax + aw + gap and ay < by + bh + gap and by < ay + ah + gap


def _inside(rect: Rect, bounds: Rect) -> bool:
    x, y, w, h = rect
    bx, by, bw, bh = bounds
    return x >= bx and y >= by and x + w <= bx + bw and y + h <= by + bh


@cache
def _offsets(rings: int) -> tuple[tuple[int, int], ...]:
    """Lattice offsets within `rings` steps, nearest first."""
    cells = [(i, j) for i in range(-rings, rings + 1) for j in range(-rings, rings + 1)]
    return tuple(sorted(cells, key=lambda c: (c[0] * c[0] + c[1] * c[1], c[1], c[0])))


def free_position(
    x: float,
    y: float,
    size: tuple[float, float],
    taken: list[Rect],
    step: float = 20.0,
    gap: float = 20.0,
    bounds: Rect | None = None,
    max_rings: int = 60,
) -> tuple[float, float]:
    """The top-left corner nearest (x, y), on a lattice of `step`, of a free card of `size`.

    Free means at least `gap` away from every rectangle in `taken`. Spots inside `bounds`
    (the visible area) win over nearer ones outside it; when no spot within `max_rings` steps
    is free, (x, y) itself is returned.
    """
    w, h = size
    reach = math.inf
    if bounds is not None:
        bx, by, bw, bh = bounds
        reach = max(math.hypot(px - x, py - y) for px in (bx, bx + bw) for py in (by, by + bh))
    outside: tuple[float, float] | None = None
    for i, j in _offsets(max_rings):
        if outside is not None and math.hypot(i * step, j * step) > reach:
            break  # no spot this far can lie inside the bounds
        rect = (x + i * step, y + j * step, w, h)
        if any(_overlaps(rect, other, gap) for other in taken):
            continue
        if bounds is None or _inside(rect, bounds):
            return rect[0], rect[1]
        if outside is None:
            outside = (rect[0], rect[1])
    return outside if outside is not None else (x, y)
