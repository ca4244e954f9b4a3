"""Exact crossing reduction for small designs: move cards between the free and taken cells of
their own lane while that lowers the number of crossing link lines (then their length).

The barycentre sweeps work on rows alone and ignore how long links cut across lanes; this
pass measures the drawn result itself (straight lines between card centres). It runs on a
fixed budget of segment tests, so its cost stays bounded and its result deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

Cell = tuple[int, int]  # (column, row)
RADIUS = 2  # rows a card may travel in one move (besides towards its neighbours)
PASSES = 8
BUDGET = 300_000  # segment tests per refinement


class CrossingModel:
    """Straight links between node centres; counts crossings like the layout metrics.

    Each link's bounding box is kept up to date as nodes move (`move`), so a crossing count
    skips the links that lie clear of it by comparing boxes, before any segment arithmetic.
    """

    def __init__(self, xs: list[float], ys: list[float], edges: Sequence[tuple[int, int]]):
        self.x = xs
        self.y = ys
        self.a = [a for a, _ in edges]
        self.b = [b for _, b in edges]
        self.incident: list[list[int]] = [[] for _ in xs]
        for e, (a, b) in enumerate(edges):
            self.incident[a].append(e)
            self.incident[b].append(e)
        self.lox = [min(xs[a], xs[b]) for a, b in edges]
        self.hix = [max(xs[a], xs[b]) for a, b in edges]
        self.loy = [min(ys[a], ys[b]) for a, b in edges]
        self.hiy = [max(ys[a], ys[b]) for a, b in edges]
        self.tests = 0

    def move(self, node: int, x: float, y: float) -> None:
        """Put `node` at (x, y)."""
        xs, ys, ea, eb = self.x, self.y, self.a, self.b
        xs[node], ys[node] = x, y
        for e in self.incident[node]:
            a, b = ea[e], eb[e]
            self.lox[e], self.hix[e] = (xs[a], xs[b]) if xs[a] < xs[b] else (xs[b], xs[a])
            self.loy[e], self.hiy[e] = (ys[a], ys[b]) if ys[a] < ys[b] else (ys[b], ys[a])

    def total(self) -> int:
        """Crossings among all links."""
        return sum(self.crossings_of([e]) for e in range(len(self.a))) // 2

    def length(self, edges: Sequence[int]) -> float:
        x, y = self.x, self.y
        return sum(math.hypot(x[self.a[e]] - x[self.b[e]], y[self.a[e]] - y[self.b[e]]) for e in edges)

    def crossings_of(self, edges: Sequence[int]) -> int:
        """Sum over `edges` of the links each one crosses (pairs inside `edges` count twice)."""
        xs, ys, ea, eb = self.x, self.y, self.a, self.b
        lox, hix, loy, hiy = self.lox, self.hix, self.loy, self.hiy
        count = 0
        m = len(ea)
        self.tests += m * len(edges)  # the budget counts every pair, tested or skipped by its box
        every = range(m)
        for e in edges:
            a, b = ea[e], eb[e]
            px, py, qx, qy = xs[a], ys[a], xs[b], ys[b]
            dx, dy = qx - px, qy - py
            ex0, ex1, ey0, ey1 = lox[e], hix[e], loy[e], hiy[e]
            near = [
                f
                for f, x0, x1, y0, y1 in zip(every, lox, hix, loy, hiy, strict=True)
                if x0 <= ex1 and x1 >= ex0 and y0 <= ey1 and y1 >= ey0
            ]
            for f in near:
                c, d = ea[f], eb[f]
                if c == a or c == b or d == a or d == b:
                    continue
                rx, ry, sx, sy = xs[c], ys[c], xs[d], ys[d]
                d1 = (ry - py) * dx - dy * (rx - px)
                d2 = (sy - py) * dx - dy * (sx - px)
                if not d1 or not d2 or (d1 > 0) == (d2 > 0):
                    continue
                ux, uy = sx - rx, sy - ry
                d3 = (py - ry) * ux - uy * (px - rx)
                d4 = (qy - ry) * ux - uy * (qx - rx)
                if d3 and d4 and (d3 > 0) != (d4 > 0):
                    count += 1
        return count

    def pair_crossings(self, edges: list[int]) -> int:
        """Crossings among the given links only."""
        ends, boxes = (self.a, self.b), (self.lox, self.hix, self.loy, self.hiy)
        self.a, self.b = ([seq[e] for e in edges] for seq in ends)
        self.lox, self.hix, self.loy, self.hiy = ([seq[e] for e in edges] for seq in boxes)
        try:
            return self.crossings_of(list(range(len(edges)))) // 2
        finally:
            (self.a, self.b), (self.lox, self.hix, self.loy, self.hiy) = ends, boxes

    def cost(self, edges: list[int]) -> tuple[int, float]:
        """(crossings involving these links, their length)."""
        return self.crossings_of(edges) - self.pair_crossings(edges), self.length(edges)


def refine(
    model: CrossingModel,
    cell: list[Cell],
    lane_columns: Callable[[int], Sequence[int]],
    rows: int,
    centre: Callable[[Cell], tuple[float, float]],
    free: Callable[[Cell], bool],
) -> None:
    """Improve `cell` (moving nodes are 0..len(cell)-1 of the model) in place.

    lane_columns(node): the columns of the node's lane; centre(cell): a card centre there;
    free(cell): whether a card may stand there (not blocked by a card that stays).
    """
    occupant: dict[Cell, int] = {c: i for i, c in enumerate(cell)}
    active = [True] * len(cell)
    for _ in range(PASSES):
        improved = False
        for u in range(len(cell)):
            if model.tests > BUDGET:
                return
            if not active[u]:
                continue
            active[u] = False
            here = cell[u]
            alone = model.incident[u]
            if not alone:
                continue
            alone_before = model.cost(alone)
            best: tuple[tuple[int, float], Cell] | None = None
            for target in _candidates(model, u, here, lane_columns(u), rows, len(cell), cell):
                if not free(target):
                    continue
                v = occupant.get(target)
                edges = alone if v is None else sorted(set(alone) | set(model.incident[v]))
                before = alone_before if v is None else model.cost(edges)
                _put(model, u, centre(target))
                if v is not None:
                    _put(model, v, centre(here))
                after = model.cost(edges)
                _put(model, u, centre(here))
                if v is not None:
                    _put(model, v, centre(target))
                gain = (after[0] - before[0], round(after[1] - before[1], 6))
                if gain < (0, -1e-6) and (best is None or gain < best[0]):
                    best = (gain, target)
            if best is not None:
                target = best[1]
                v = occupant.get(target)
                cell[u] = target
                occupant[target] = u
                _put(model, u, centre(target))
                if v is not None:
                    cell[v] = here
                    occupant[here] = v
                    _put(model, v, centre(here))
                else:
                    del occupant[here]
                improved = True
                for w in (u, v):
                    if w is not None:
                        for e in model.incident[w]:
                            for end in (model.a[e], model.b[e]):
                                if end < len(cell):
                                    active[end] = True
        if not improved:
            return


def _candidates(
    model: CrossingModel, u: int, here: Cell, columns: Sequence[int], rows: int, moving: int, cell: list[Cell]
) -> list[Cell]:
    """Cells of the lane worth trying: near the card's row and near its neighbours' middle row."""
    others = [model.b[e] if model.a[e] == u else model.a[e] for e in model.incident[u]]
    near = sorted(cell[j][1] for j in others if j < moving)
    wanted = {here[1] + d for d in range(-RADIUS, RADIUS + 1)}
    if near:
        middle = near[len(near) // 2]
        wanted.update(middle + d for d in (-1, 0, 1))
    out = [(k, r) for k in columns for r in sorted(wanted) if 0 <= r < rows]
    return [c for c in out if c != here]


def _put(model: CrossingModel, node: int, point: tuple[float, float]) -> None:
    model.move(node, *point)
