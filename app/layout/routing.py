"""Orthogonal link routes for any card positions.

Cards are grouped into bands: runs of cards whose x-ranges overlap (the columns of a grid
layout). The gaps between bands hold vertical tracks; links between the same pair of stages
share one track per gap (a bundle) and fan out from it. A link leaves its source on the side
facing the target: right or left when the target lies beside it, bottom or top when it sits
straight below or above with nothing between, otherwise a bracket through the gap to the right
of their band. Horizontal runs that cross other bands use a free height between their cards.
Link ends are spread along each card side in the order of the cards at the other end, and
every route enters its target perpendicular to the side with a final segment long enough to
show the arrowhead.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Mapping

from app.domain.catalog import Catalog, default_catalog
from app.domain.model import Design
from app.layout.types import CARD_HEIGHT, CARD_WIDTH, OTHER_STAGE, Point

MERGE_GAP = 24.0  # cards closer than this horizontally share a band: no room for a track between
TRACK_MARGIN = 16.0  # tracks keep this distance from the cards beside a gap (arrowheads show)
CHANNEL_MARGIN = 8.0  # horizontal runs keep this clearance from the cards they pass
OUTER_GAP = 60.0  # width of the track space left of the first band and right of the last
LOOP_REACH = 24.0  # how far a link from a card to itself reaches out
SNAP = 6.0  # a jog smaller than this is straightened when both ends allow it

Rect = tuple[float, float, float, float]  # left, top, right, bottom


class _Bands:
    """Cards grouped into vertical bands, with the blocked heights of each band."""

    def __init__(self, rects: dict[str, Rect]):
        self.band_of: dict[str, int] = {}
        self.spans: list[tuple[float, float]] = []
        for cid in sorted(rects, key=lambda c: (rects[c][0], rects[c][1], c)):
            left, _top, right, _bottom = rects[cid]
            if self.spans and left < self.spans[-1][1] + MERGE_GAP:
                x0, x1 = self.spans[-1]
                self.spans[-1] = (x0, max(x1, right))
            else:
                self.spans.append((left, right))
            self.band_of[cid] = len(self.spans) - 1
        members: list[list[tuple[float, float]]] = [[] for _ in self.spans]
        for cid, band in self.band_of.items():
            members[band].append((rects[cid][1], rects[cid][3]))
        self.card_tops: list[list[float]] = []
        self.block_tops: list[list[float]] = []
        self.block_bottoms: list[list[float]] = []
        for spans in members:
            spans.sort()
            self.card_tops.append([t for t, _ in spans])
            merged: list[list[float]] = []
            for top, bottom in spans:
                top, bottom = top - CHANNEL_MARGIN, bottom + CHANNEL_MARGIN
                if merged and top <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], bottom)
                else:
                    merged.append([top, bottom])
            self.block_tops.append([m[0] for m in merged])
            self.block_bottoms.append([m[1] for m in merged])

    def gap(self, g: int) -> tuple[float, float]:
        """x-range of gap g, between band g and band g + 1 (-1 and the last are outside)."""
        if g < 0:
            return self.spans[0][0] - OUTER_GAP, self.spans[0][0]
        if g >= len(self.spans) - 1:
            return self.spans[-1][1], self.spans[-1][1] + OUTER_GAP
        return self.spans[g][1], self.spans[g + 1][0]

    def clear_between(self, band: int, top: float, bottom: float) -> bool:
        """No card of the band starts in [top, bottom)."""
        tops = self.card_tops[band]
        k = bisect_left(tops, top)
        return k >= len(tops) or tops[k] >= bottom

    def free_height(self, first: int, last: int, wanted: float) -> tuple[float, float, float]:
        """A height nearest `wanted` free in bands first..last: (y, free from, free to)."""
        heap: list[tuple[float, float]] = [(0.0, wanted)]
        seen: set[float] = set()
        while heap and len(seen) < 256:
            _, y = heapq.heappop(heap)
            if y in seen:
                continue
            seen.add(y)
            lo, hi = float("-inf"), float("inf")
            for band in range(first, last + 1):
                tops, bottoms = self.block_tops[band], self.block_bottoms[band]
                k = bisect_right(tops, y) - 1
                if k >= 0 and bottoms[k] > y:
                    for c in (tops[k] - 1e-3, bottoms[k]):
                        heapq.heappush(heap, (abs(c - wanted), c))
                    break
                if k >= 0:
                    lo = max(lo, bottoms[k])
                if k + 1 < len(tops):
                    hi = min(hi, tops[k + 1])
            else:
                return y, lo, hi
        return wanted, wanted, wanted


def route_links(
    design: Design,
    positions: Mapping[str, Point],
    catalog: Catalog | None = None,
    *,
    card_size: tuple[float, float] = (CARD_WIDTH, CARD_HEIGHT),
) -> dict[str, tuple[Point, ...]]:
    """Orthogonal routes for every link whose ends exist, for cards at `positions`.

    A component missing from `positions` is taken at its stored position.
    """
    catalog = catalog or default_catalog()
    card_w, card_h = card_size
    rects: dict[str, Rect] = {}
    stage: dict[str, str] = {}
    for c in design.components:
        x, y = positions.get(c.id, (c.position.x, c.position.y))
        rects[c.id] = (x, y, x + card_w, y + card_h)
        stage[c.id] = catalog.stage_of(c.kind) or OTHER_STAGE
    links = [lk for lk in design.links if lk.source in rects and lk.target in rects]
    if not links:
        return {}
    bands = _Bands(rects)
    plans = [_plan(lk.source, lk.target, rects, bands) for lk in links]

    # Ports: the ends on each card side, ordered by where the other end is.
    sides: dict[tuple[str, str], list[tuple[float, int, int]]] = {}
    for n, (lk, plan) in enumerate(zip(links, plans, strict=True)):
        kind, s_side, t_side = plan[0], plan[1], plan[2]
        for end, cid, side, other in ((0, lk.source, s_side, lk.target), (1, lk.target, t_side, lk.source)):
            o = rects[other]
            if kind == "loop":
                key = -1.0 if end == 0 else 1.0
            else:
                key = (o[0] + o[2]) / 2 if side in ("top", "bottom") else (o[1] + o[3]) / 2
            sides.setdefault((cid, side), []).append((key, n, end))
    ports: dict[tuple[int, int], float] = {}
    for (cid, side), ends in sides.items():
        ends.sort()
        left, top, right, bottom = rects[cid]
        lo, hi = (left, right) if side in ("top", "bottom") else (top, bottom)
        for i, (_key, n, end) in enumerate(ends):
            ports[(n, end)] = lo + (hi - lo) * (i + 1) / (len(ends) + 1)

    # Tracks: one per bundle (pair of stages) in each gap.
    bundles: dict[int, set[tuple[str, str]]] = {}
    for lk, plan in zip(links, plans, strict=True):
        for g in plan[3]:
            bundles.setdefault(g, set()).add((stage[lk.source], stage[lk.target]))
    track: dict[tuple[int, tuple[str, str]], float] = {}
    for g, keys in bundles.items():
        x0, x1 = bands.gap(g)
        lo, hi = x0 + TRACK_MARGIN, x1 - TRACK_MARGIN
        ordered = sorted(keys)
        for k, pair in enumerate(ordered):
            if hi <= lo or len(ordered) == 1:
                track[(g, pair)] = (x0 + x1) / 2
            else:
                track[(g, pair)] = lo + (hi - lo) * k / (len(ordered) - 1)

    routes: dict[str, tuple[Point, ...]] = {}
    for n, (lk, plan) in enumerate(zip(links, plans, strict=True)):
        pair = (stage[lk.source], stage[lk.target])
        tracks = [track[(g, pair)] for g in plan[3]]
        points = _draw(plan, rects[lk.source], rects[lk.target], ports[(n, 0)], ports[(n, 1)], tracks, bands)
        routes[lk.id] = _clean(points)
    return routes


Plan = tuple[str, str, str, tuple[int, ...], tuple[int, int]]


def _plan(source: str, target: str, rects: dict[str, Rect], bands: _Bands) -> Plan:
    """(kind, source side, target side, gaps whose tracks it uses, bands its channel crosses)."""
    s, t = rects[source], rects[target]
    bs, bt = bands.band_of[source], bands.band_of[target]
    if source == target:
        return ("loop", "right", "right", (), (0, -1))
    if t[0] >= s[2] or t[2] <= s[0]:
        right = t[0] >= s[2]
        sides = ("right", "left") if right else ("left", "right")
        if bs == bt:
            return ("mid", *sides, (), (0, -1))
        gs, gt = (bs, bt - 1) if right else (bs - 1, bt)
        if gs == gt:
            return ("z", *sides, (gs,), (0, -1))
        crossed = (bs + 1, bt - 1) if right else (bt + 1, bs - 1)
        return ("long", *sides, (gs, gt), crossed)
    if t[1] >= s[3] and bands.clear_between(bs, s[3], t[1]):
        return ("down", "bottom", "top", (), (0, -1))
    if s[1] >= t[3] and bands.clear_between(bs, t[3], s[1]):
        return ("up", "top", "bottom", (), (0, -1))
    return ("bracket", "right", "right", (bs,), (0, -1))


def _draw(
    plan: Plan, s: Rect, t: Rect, ps: float, pt: float, tracks: list[float], bands: _Bands
) -> list[Point]:
    kind = plan[0]
    if kind == "loop":
        x = s[2] + LOOP_REACH
        return [(s[2], ps), (x, ps), (x, pt), (s[2], pt)]
    if kind in ("down", "up"):
        ys, yt = (s[3], t[1]) if kind == "down" else (s[1], t[3])
        if abs(ps - pt) < SNAP and max(s[0], t[0]) < ps < min(s[2], t[2]):
            return [(ps, ys), (ps, yt)]
        mid = (ys + yt) / 2
        return [(ps, ys), (ps, mid), (pt, mid), (pt, yt)]
    if kind == "bracket":
        x = max(tracks[0], s[2] + TRACK_MARGIN, t[2] + TRACK_MARGIN)
        return [(s[2], ps), (x, ps), (x, pt), (t[2], pt)]
    right = plan[1] == "right"
    xs, xt = (s[2], t[0]) if right else (s[0], t[2])
    if abs(ps - pt) < SNAP and t[1] < ps < t[3] and kind != "long":
        return [(xs, ps), (xt, ps)]
    if kind == "mid":
        x = (xs + xt) / 2
        return [(xs, ps), (x, ps), (x, pt), (xt, pt)]
    if kind == "z":
        return [(xs, ps), (tracks[0], ps), (tracks[0], pt), (xt, pt)]
    first, last = plan[4]
    y, lo, hi = bands.free_height(first, last, pt)
    if hi - lo < 4 * CHANNEL_MARGIN:
        y = (lo + hi) / 2
    return [(xs, ps), (tracks[0], ps), (tracks[0], y), (tracks[1], y), (tracks[1], pt), (xt, pt)]


def _clean(points: list[Point]) -> tuple[Point, ...]:
    """Drop repeated points and the middle of straight runs."""
    out: list[Point] = []
    for p in points:
        p = (round(p[0], 2), round(p[1], 2))
        if out and p == out[-1]:
            continue
        if len(out) >= 2 and (out[-2][0] == out[-1][0] == p[0] or out[-2][1] == out[-1][1] == p[1]):
            out[-1] = p
            continue
        out.append(p)
    if len(out) == 1:
        out.append(out[0])
    return tuple(out)
