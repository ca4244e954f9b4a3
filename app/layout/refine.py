"""Exact crossing reduction for small designs: move cards between the free and taken cells of
their own lane while that lowers the number of crossing link lines (then their length).

The barycentre sweeps work on rows alone and ignore how long links cut across lanes; this
pass measures the drawn result itself (straight lines between card centres). It runs on a
fixed budget of segment tests, so its cost stays bounded and its result deterministic.

The budget counts every pair of links a plain count would test (links x moved links), while
the counting itself only tests what can change: the links of the moved cards against links
sorted by their left end (so links wholly to the right are never looked at), and the counts
of unmoved geometry are remembered until a move is kept.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterable, Sequence

Cell = tuple[int, int]  # (column, row)
RADIUS = 2  # rows a card may travel in one move (besides towards its neighbours)
PASSES = 8
BUDGET = 300_000  # segment tests per refinement


class CrossingModel:
    """Straight links between node centres; counts crossings like the layout metrics.

    Each link's bounding box is kept up to date as nodes move (`move`), so a crossing count
    skips the links that lie clear of it by comparing boxes, before any segment arithmetic.
    `tests` adds up the pairs a count stands for (the refinement's budget).
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

    def crosses(self, e: int, f: Iterable[int], limit: float = math.inf) -> int:
        """How many of the links `f` link `e` crosses (properly: touching ends do not count),
        or any number above `limit` once the count passes it.

        A pair's four orientation tests are the same whichever link is asked about, so the
        count of a pair never depends on the side it is counted from.
        """
        xs, ys, ea, eb = self.x, self.y, self.a, self.b
        a, b = ea[e], eb[e]
        px, py, qx, qy = xs[a], ys[a], xs[b], ys[b]
        dx, dy = qx - px, qy - py
        count = 0
        for g in f:
            c, d = ea[g], eb[g]
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
                if count > limit:
                    break
        return count

    def total(self) -> int:
        """Crossings among all links (each pair's boxes compared once, in order of left ends)."""
        m = len(self.a)
        self.tests += m * m
        xs, ys, ea, eb = self.x, self.y, self.a, self.b
        lox, hix, loy, hiy = self.lox, self.hix, self.loy, self.hiy
        order = sorted(range(m), key=lox.__getitem__)
        twice = 0
        for i, e in enumerate(order):
            ex1, ey0, ey1 = hix[e], loy[e], hiy[e]
            a, b = ea[e], eb[e]
            for f in order[i + 1 :]:
                if lox[f] > ex1:
                    break
                if loy[f] <= ey1 and hiy[f] >= ey0:
                    c, d = ea[f], eb[f]
                    if c != a and c != b and d != a and d != b:
                        twice += _both(xs, ys, a, b, c, d)
        return twice // 2

    def length(self, edges: Iterable[int]) -> float:
        x, y = self.x, self.y
        return sum(math.hypot(x[self.a[e]] - x[self.b[e]], y[self.a[e]] - y[self.b[e]]) for e in edges)

    def pair_count(self, edges: Sequence[int]) -> int:
        """Crossings among `edges` counted from both sides (twice for a crossing pair)."""
        xs, ys, ea, eb = self.x, self.y, self.a, self.b
        twice = 0
        for i, e in enumerate(edges):
            a, b = ea[e], eb[e]
            for f in edges[i + 1 :]:
                c, d = ea[f], eb[f]
                if c != a and c != b and d != a and d != b:
                    twice += _both(xs, ys, a, b, c, d)
        return twice


def _both(xs: list[float], ys: list[float], a: int, b: int, c: int, d: int) -> int:
    """2 if a-b properly crosses c-d, else 0: the count of the pair told from both links' sides
    (the two sides test the same four orientations, so they always agree)."""
    px, py, qx, qy, rx, ry, sx, sy = xs[a], ys[a], xs[b], ys[b], xs[c], ys[c], xs[d], ys[d]
    dx, dy = qx - px, qy - py
    d1 = (ry - py) * dx - dy * (rx - px)
    d2 = (sy - py) * dx - dy * (sx - px)
    if not d1 or not d2 or (d1 > 0) == (d2 > 0):
        return 0
    ux, uy = sx - rx, sy - ry
    d3 = (py - ry) * ux - uy * (px - rx)
    d4 = (qy - ry) * ux - uy * (qx - rx)
    return 2 if d3 and d4 and (d3 > 0) != (d4 > 0) else 0


class _Still:
    """The links that stay put while one card's moves are tried, sorted by their left end."""

    def __init__(self, model: CrossingModel, moving: Collection[int]):
        lox = model.lox
        self.model = model
        hix, loy, hiy = model.hix, model.loy, model.hiy
        ids = sorted((f for f in range(len(lox)) if f not in moving), key=lox.__getitem__)
        self.lox = [lox[f] for f in ids]
        self.boxes = [(f, hix[f], loy[f], hiy[f]) for f in ids]  # link, right end, top, bottom

    def crossings(self, e: int, skip: Collection[int] = (), limit: float = math.inf) -> int:
        """Crossings of link `e` (where it is now) with these links, those in `skip` left out
        (any number above `limit` once the count passes it)."""
        model = self.model
        ex0, ex1, ey0, ey1 = model.lox[e], model.hix[e], model.loy[e], model.hiy[e]
        near = [
            f
            for f, x1, y0, y1 in self.boxes[: bisect_right(self.lox, ex1)]
            if x1 >= ex0 and y0 <= ey1 and y1 >= ey0
        ]
        if skip:
            near = [f for f in near if f not in skip]
        return model.crosses(e, near, limit)


def refine(
    model: CrossingModel,
    cell: list[Cell],
    lane_columns: Callable[[int], Sequence[int]],
    rows: int,
    centre: Callable[[Cell], tuple[float, float]],
    free: Callable[[Cell], bool],
) -> None:
    """Improve `cell` (moving nodes are 0..len(cell)-1 of the model, each standing at the
    centre of its cell) in place.

    lane_columns(node): the columns of the node's lane; centre(cell): a card centre there;
    free(cell): whether a card may stand there (not blocked by a card that stays).

    A move's cost is (crossings of the moved cards' links with every link, less those among
    themselves counted once, their length); a move is kept when it lowers that cost.
    """
    occupant: dict[Cell, int] = {c: i for i, c in enumerate(cell)}
    active = [True] * len(cell)
    m = len(model.a)
    settled: dict[int, int] = {}  # link -> its crossings with every link, until a move is kept
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
            still = _Still(model, set(alone))

            model.tests += m * len(alone) + len(alone) ** 2
            alone_before = (_now(still, alone, alone, settled), model.length(alone))
            best: tuple[tuple[int, float], Cell] | None = None
            for target in _candidates(model, u, here, lane_columns(u), rows, len(cell), cell):
                if not free(target):
                    continue
                v = occupant.get(target)
                edges = alone if v is None else sorted(set(alone) | set(model.incident[v]))
                if v is None:
                    before = alone_before
                else:
                    model.tests += m * len(edges) + len(edges) ** 2
                    before = (_now(still, alone, edges, settled), model.length(edges))
                _put(model, u, centre(target))
                if v is not None:
                    _put(model, v, centre(here))
                model.tests += m * len(edges) + len(edges) ** 2
                # Kept only if (crossing gain, length gain) beats `bar`: the crossings are
                # counted no further than the most a winning move can have.
                bar = (0, -1e-6) if best is None else min((0, -1e-6), best[0])
                length_gain = round(model.length(edges) - before[1], 6)
                limit = before[0] + bar[0] - (0 if length_gain < bar[1] else 1)
                skip = () if v is None else set(model.incident[v])
                after = _crossings_up_to(still, edges, skip, limit, v is None)
                _put(model, u, centre(here))
                if v is not None:
                    _put(model, v, centre(target))
                if after is not None:
                    best = ((after - before[0], length_gain), target)
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
                settled.clear()
                improved = True
                for w in (u, v):
                    if w is not None:
                        for e in model.incident[w]:
                            for end in (model.a[e], model.b[e]):
                                if end < len(cell):
                                    active[end] = True
        if not improved:
            return


def _now(still: _Still, alone: list[int], edges: list[int], settled: dict[int, int]) -> int:
    """Crossings of `edges` where they stand now with every link, less those among themselves
    counted once; each link's count with every link is remembered in `settled`."""
    model = still.model
    total = 0
    for e in edges:
        if e not in settled:
            settled[e] = still.crossings(e) + model.crosses(e, alone)
        total += settled[e]
    return total if edges is alone else total - model.pair_count(edges) // 2  # alone: all share u


def _crossings_up_to(
    still: _Still, edges: list[int], skip: Collection[int], limit: int, one_card: bool
) -> int | None:
    """Crossings of the moved `edges` with every link, less those among themselves counted
    once; None as soon as they are known to be more than `limit`. one_card: the edges are one
    card's, so they all share it and none crosses another."""
    if limit < 0:
        return None
    pairs = 0 if one_card else still.model.pair_count(edges)
    count = pairs - pairs // 2
    for e in edges:
        if count > limit:
            return None
        count += still.crossings(e, skip, limit - count)
    return count if count <= limit else None


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
