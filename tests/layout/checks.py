"""Independent geometry checks for layout tests (deliberately not using app.layout.metrics)."""

from __future__ import annotations

import itertools
import math

from app.domain.model import Design

W, H = 200.0, 90.0
Point = tuple[float, float]


def overlapping_pairs(positions: dict[str, Point], ids: list[str] | None = None) -> list[tuple[str, str]]:
    """Pairs of cards that overlap (touching edges do not count)."""
    items = sorted(positions.items())
    return [
        (a, b)
        for (a, (xa, ya)), (b, (xb, yb)) in itertools.combinations(items, 2)
        if abs(xa - xb) < W and abs(ya - yb) < H and (ids is None or a in ids or b in ids)
    ]


def on_border(point: Point, corner: Point, eps: float = 1e-6) -> bool:
    """Whether the point lies on the border of the card whose top-left is `corner`."""
    (px, py), (x, y) = point, corner
    within_x = x - eps <= px <= x + W + eps
    within_y = y - eps <= py <= y + H + eps
    on_h = within_x and (abs(py - y) < eps or abs(py - y - H) < eps)
    on_v = within_y and (abs(px - x) < eps or abs(px - x - W) < eps)
    return on_h or on_v


def perpendicular_ends(route: tuple[Point, ...], source: Point, target: Point) -> bool:
    """The first segment leaves the source's side and the last enters the target's side at right angles."""

    def square(end: Point, inner: Point, corner: Point) -> bool:
        x, y = corner
        on_side = abs(end[0] - x) < 1e-6 or abs(end[0] - x - W) < 1e-6
        on_top_bottom = abs(end[1] - y) < 1e-6 or abs(end[1] - y - H) < 1e-6
        if on_side and not on_top_bottom:
            return inner[1] == end[1] and inner[0] != end[0]
        if on_top_bottom and not on_side:
            return inner[0] == end[0] and inner[1] != end[1]
        return False  # a corner

    return square(route[0], route[1], source) and square(route[-1], route[-2], target)


def orthogonal(route: tuple[Point, ...]) -> bool:
    return len(route) >= 2 and all(
        a[0] == b[0] or a[1] == b[1] for a, b in zip(route, route[1:], strict=False)
    )


def figures(design: Design, positions: dict[str, Point]) -> dict[str, float]:
    """crossings (straight centre lines), overlaps, area, aspect, mean link length."""
    centre = {cid: (x + W / 2, y + H / 2) for cid, (x, y) in positions.items()}
    segs = [(lk.source, lk.target) for lk in design.links if lk.source != lk.target]

    def ccw(a: Point, b: Point, c: Point) -> float:
        return (c[1] - a[1]) * (b[0] - a[0]) - (b[1] - a[1]) * (c[0] - a[0])

    crossings = 0
    for (a, b), (c, e) in itertools.combinations(segs, 2):
        if len({a, b, c, e}) < 4:
            continue
        p, q, r, s = centre[a], centre[b], centre[c], centre[e]
        d1, d2, d3, d4 = ccw(p, q, r), ccw(p, q, s), ccw(r, s, p), ccw(r, s, q)
        if (d1 > 0) != (d2 > 0) and (d3 > 0) != (d4 > 0) and d1 and d2 and d3 and d4:
            crossings += 1
    xs = [x for x, _ in centre.values()]
    ys = [y for _, y in centre.values()]
    width, height = max(xs) - min(xs) + W, max(ys) - min(ys) + H
    length = sum(math.dist(centre[a], centre[b]) for a, b in segs) / max(1, len(segs))
    return {
        "crossings": crossings,
        "overlaps": len(overlapping_pairs(positions)),
        "area": width * height,
        "aspect": width / height,
        "mean_link_len": length,
    }
