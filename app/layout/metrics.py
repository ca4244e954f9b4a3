"""Layout quality figures, measured from card positions alone.

crossings: pairs of links (straight segments between card centres, four distinct cards)
that properly cross; overlaps: pairs of cards that overlap; width/height of the bounding box
of all cards; aspect = width / height; mean_link_len: mean centre-to-centre link length.
Self-links and links to missing components are not counted.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from app.domain.model import Design
from app.layout.types import CARD_HEIGHT, CARD_WIDTH, Point


@dataclass(frozen=True)
class LayoutMetrics:
    components: int
    links: int
    crossings: int
    overlaps: int
    width: float
    height: float
    mean_link_len: float

    @property
    def aspect(self) -> float:
        return self.width / self.height if self.height else 0.0

    @property
    def area(self) -> float:
        return self.width * self.height


def _ccw(a: Point, b: Point, c: Point) -> float:
    return (c[1] - a[1]) * (b[0] - a[0]) - (b[1] - a[1]) * (c[0] - a[0])


def layout_metrics(
    design: Design,
    positions: Mapping[str, Point] | None = None,
    card_size: tuple[float, float] = (CARD_WIDTH, CARD_HEIGHT),
) -> LayoutMetrics:
    """Figures for the design with cards at `positions` (default: their stored positions)."""
    w, h = card_size
    centre: dict[str, Point] = {}
    for c in design.components:
        x, y = (c.position.x, c.position.y)
        if positions is not None and c.id in positions:
            x, y = positions[c.id]
        centre[c.id] = (x + w / 2, y + h / 2)
    segs = [
        (lk.source, lk.target)
        for lk in design.links
        if lk.source in centre and lk.target in centre and lk.source != lk.target
    ]
    crossings = 0
    for i, (a, b) in enumerate(segs):
        p, q = centre[a], centre[b]
        for u, v in segs[i + 1 :]:
            if u in (a, b) or v in (a, b) or u == v:
                continue
            r, s = centre[u], centre[v]
            d1, d2, d3, d4 = _ccw(p, q, r), _ccw(p, q, s), _ccw(r, s, p), _ccw(r, s, q)
            if d1 and d2 and d3 and d4 and (d1 > 0) != (d2 > 0) and (d3 > 0) != (d4 > 0):
                crossings += 1
    boxes = sorted(centre.values())
    overlaps = 0
    for i, (x1, y1) in enumerate(boxes):
        for x2, y2 in boxes[i + 1 :]:
            if x2 - x1 >= w:
                break
            if abs(y1 - y2) < h:
                overlaps += 1
    if boxes:
        xs = [x for x, _ in boxes]
        ys = [y for _, y in boxes]
        width, height = max(xs) - min(xs) + w, max(ys) - min(ys) + h
    else:
        width = height = 0.0
    length = sum(math.dist(centre[a], centre[b]) for a, b in segs)
    return LayoutMetrics(
        components=len(centre),
        links=len(segs),
        crossings=crossings,
        overlaps=overlaps,
        width=width,
        height=height,
        mean_link_len=length / max(1, len(segs)),
    )
