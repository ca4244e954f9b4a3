"""layout_design(): stages as lanes, lanes wrapped into sub-columns to fit an aspect ratio,
cards ordered inside each lane to reduce crossings, placed around cards that do not move.

Between its phases the engine calls app.progress.checkpoint(): inside a job (the window runs
auto-layout on a worker thread) that reports how far it is and stops it once cancelled."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Collection
from dataclasses import replace

from app.domain.catalog import Catalog, default_catalog
from app.domain.model import Component, Design, Link
from app.layout.ordering import SWEEP_VARIANTS, OrderGraph, order_columns, split_lane
from app.layout.refine import CrossingModel, refine
from app.layout.routing import route_links
from app.layout.types import CARD_HEIGHT, CARD_WIDTH, OTHER_STAGE, Lane, LayoutResult, Point
from app.progress import checkpoint

LANE_GAP = 80.0  # between lanes: room for the bundled link tracks
COLUMN_GAP = 60.0  # between the sub-columns of one lane
ROW_GAP = 40.0  # between rows: room for horizontal link channels
OBSTACLE_MARGIN = 10.0  # clearance kept around cards that do not move
LIGHT_FLOWS = frozenset({"watch", "govern", "eval", "proxy"})
LIGHT_WEIGHT = 0.5
# Sweep variants are judged by an exact crossing count, which costs links squared segment
# tests: as many variants are tried as fit in VARIANT_BUDGET tests. Up to EXACT_LIMIT links the
# best one is then refined by an exact local search (itself on a budget).
VARIANT_BUDGET = 200_000
EXACT_LIMIT = 400
BIG_DESIGN = 2000  # cards beyond which the sweeps are halved


def stage_order(catalog: Catalog) -> list[str]:
    """Lane order: the framework's stages, then a lane for kinds the catalog does not know."""
    return [s.id for s in catalog.stages] + [OTHER_STAGE]


def link_weight(link: Link) -> float:
    """How much a link pulls its ends together when ordering; feedback links do not."""
    if link.feedback:
        return 0.0
    return LIGHT_WEIGHT if link.flow in LIGHT_FLOWS else 1.0


def choose_rows(counts: list[int], aspect: float, card_size: tuple[float, float]) -> int:
    """Rows shared by every lane so the drawing's width / height comes nearest `aspect`.

    Each lane gets ceil(count / rows) sub-columns; among layouts equally near the aspect the
    smaller area wins, then fewer rows.
    """
    width, height = card_size
    best: tuple[float, float, int] | None = None
    seen: set[tuple[int, ...]] = set()
    for rows in range(1, max(counts) + 1):
        cols = tuple(math.ceil(n / rows) for n in counts)
        if cols in seen:
            continue
        seen.add(cols)
        used = max(math.ceil(n / c) for n, c in zip(counts, cols, strict=True))
        w = sum(c * width + (c - 1) * COLUMN_GAP for c in cols) + (len(cols) - 1) * LANE_GAP
        h = used * height + (used - 1) * ROW_GAP
        key = (round(abs(math.log(w / h / aspect)), 6), w * h, used)
        if best is None or key < best:
            best = key
    assert best is not None
    return best[2]


def layout_design(
    design: Design,
    catalog: Catalog | None = None,
    *,
    aspect: float = 16 / 10,
    only: Collection[str] | None = None,
    card_size: tuple[float, float] = (CARD_WIDTH, CARD_HEIGHT),
    routes: bool = True,
) -> LayoutResult:
    """Positions for the design's cards and routes for its links.

    only=None places every component that is not pinned; with ids, only those (not pinned)
    move and every other card stays where it is as an obstacle. Pinned cards never move.
    With routes=False the links are not routed (`LayoutResult.routes` is empty): for callers
    that draw links their own way, such as the canvas.
    """
    catalog = catalog or default_catalog()
    if not math.isfinite(aspect) or aspect <= 0:
        raise ValueError(f"aspect must be a positive number, not {aspect!r}")
    checkpoint(0.0)
    card_w, card_h = card_size
    wanted = None if only is None else set(only)
    moving = [c for c in design.components if not c.pinned and (wanted is None or c.id in wanted)]
    moving_ids = {c.id for c in moving}
    positions: dict[str, Point] = {
        c.id: (c.position.x, c.position.y) for c in design.components if c.id not in moving_ids
    }
    lanes: tuple[Lane, ...] = ()
    if moving:
        lanes = _place(design, catalog, moving, positions, aspect, card_size, anchored=wanted is not None)
    checkpoint(0.9)
    link_routes = route_links(design, positions, catalog, card_size=card_size) if routes else {}
    checkpoint(1.0)
    if positions:
        xs = [x for x, _ in positions.values()]
        ys = [y for _, y in positions.values()]
        width, height = max(xs) - min(xs) + card_w, max(ys) - min(ys) + card_h
    else:
        width = height = 0.0
    return LayoutResult(positions=positions, routes=link_routes, lanes=lanes, width=width, height=height)


def _place(
    design: Design,
    catalog: Catalog,
    moving: list[Component],
    positions: dict[str, Point],
    aspect: float,
    card_size: tuple[float, float],
    *,
    anchored: bool,
) -> tuple[Lane, ...]:
    """Put the moving cards on the lane grid (adds them to `positions`); returns the lanes."""
    card_w, card_h = card_size
    order = stage_order(catalog)
    lane_index = {s: i for i, s in enumerate(order)}
    index = {c.id: i for i, c in enumerate(moving)}
    node_lane = [lane_index.get(catalog.stage_of(c.kind) or OTHER_STAGE, len(order) - 1) for c in moving]
    present = sorted(set(node_lane))
    counts = [node_lane.count(lane) for lane in present]
    rows = choose_rows(counts, aspect, card_size)
    if anchored:
        origin = (min(c.position.x for c in moving), min(c.position.y for c in moving))
    else:
        origin = (0.0, 0.0)
    pitch_y = card_h + ROW_GAP

    # Columns: x of each, the lane each belongs to.
    column_x: list[float] = []
    lane_columns: list[int] = []
    lanes: list[Lane] = []
    x = origin[0]
    for lane, n in zip(present, counts, strict=True):
        cols = math.ceil(n / rows)
        lanes.append(Lane(order[lane], x, cols * card_w + (cols - 1) * COLUMN_GAP, cols))
        for _ in range(cols):
            column_x.append(x)
            lane_columns.append(lane)
            x += card_w + COLUMN_GAP
        x += LANE_GAP - COLUMN_GAP
    column_pos = [float(k) for k in range(len(column_x))]

    def column_of_x(cx: float) -> float:
        """A fixed card's place on the column scale, from its centre x."""
        k = bisect_left(column_x, cx - card_w / 2)
        if k < len(column_x) and abs(column_x[k] - (cx - card_w / 2)) < 1e-6:
            return float(k)
        return k - 0.5

    nbrs: list[list[tuple[int, float]]] = [[] for _ in moving]
    anchors: list[list[tuple[float, float, float]]] = [[] for _ in moving]
    for link in design.links:
        w = link_weight(link)
        if w <= 0 or link.source == link.target:
            continue
        a, b = index.get(link.source), index.get(link.target)
        if a is not None and b is not None:
            nbrs[a].append((b, w))
            nbrs[b].append((a, w))
        elif a is not None or b is not None:
            mover = a if a is not None else b
            other = link.target if a is not None else link.source
            if other in positions and mover is not None:
                ox, oy = positions[other]
                anchors[mover].append((column_of_x(ox + card_w / 2), (oy - origin[1]) / pitch_y, w))
    graph = OrderGraph(node_lane, nbrs, anchors)

    columns: list[list[int]] = []
    for lane, n in zip(present, counts, strict=True):
        members = [i for i in range(len(moving)) if node_lane[i] == lane]
        columns.extend(split_lane(graph, members, math.ceil(n / rows)))
    blocked = _Obstacles(positions.values(), card_size, column_x)
    checkpoint(0.1)

    def centre(cell: tuple[int, int]) -> Point:
        return column_x[cell[0]] + card_w / 2, origin[1] + cell[1] * pitch_y + card_h / 2

    links = len(design.links)
    best: tuple[tuple[int, float], list[int], list[int]] | None = None
    tries = max(1, min(len(SWEEP_VARIANTS), VARIANT_BUDGET // max(1, links * links)))
    variants = SWEEP_VARIANTS[:tries]
    if len(moving) > BIG_DESIGN:  # half the sweeps: most of their gain, half their time
        variants = tuple(replace(v, count=v.count // 2) for v in variants)
    for tried, sweeps in enumerate(variants):
        checkpoint(0.1 + 0.6 * tried / len(variants))
        col, row = order_columns(graph, columns, column_pos, rows, sweeps)
        if tries == 1:
            break
        model = _model(design, moving, positions, [centre(c) for c in zip(col, row, strict=True)], card_size)
        score = (model.total(), model.length(range(len(model.a))))
        if best is None or score < best[0]:
            best = (score, col, row)
    if best is not None:
        col, row = best[1], best[2]
    checkpoint(0.7)
    if links <= EXACT_LIMIT:
        model = _model(design, moving, positions, [centre(c) for c in zip(col, row, strict=True)], card_size)
        cells = list(zip(col, row, strict=True))
        lane_cols = {lane: [k for k, ln in enumerate(lane_columns) if ln == lane] for lane in present}
        refine(
            model,
            cells,
            lambda i: lane_cols[node_lane[i]],
            rows,
            centre,
            lambda cell: not blocked.hit(cell[0], origin[1] + cell[1] * pitch_y),
        )
        col = [c for c, _ in cells]
        row = [r for _, r in cells]

    checkpoint(0.8)
    by_column: list[list[int]] = [[] for _ in column_x]
    for i in range(len(moving)):
        by_column[col[i]].append(i)
    for k, members in enumerate(by_column):
        members.sort(key=lambda i: (row[i], i))
        prev = -1
        for i in members:
            r = max(row[i], prev + 1)
            while blocked.hit(k, origin[1] + r * pitch_y):
                r += 1
            prev = r
            positions[moving[i].id] = (column_x[k], origin[1] + r * pitch_y)
    return tuple(lanes)


def _model(
    design: Design,
    moving: list[Component],
    positions: dict[str, Point],
    moving_centres: list[Point],
    card_size: tuple[float, float],
) -> CrossingModel:
    """Straight-line model of every link: moving cards first (at the given centres), then the rest."""
    card_w, card_h = card_size
    index = {c.id: i for i, c in enumerate(moving)}
    xs = [x for x, _ in moving_centres]
    ys = [y for _, y in moving_centres]
    for cid in sorted(positions):
        if cid not in index:
            index[cid] = len(xs)
            xs.append(positions[cid][0] + card_w / 2)
            ys.append(positions[cid][1] + card_h / 2)
    edges = [
        (index[lk.source], index[lk.target])
        for lk in design.links
        if lk.source in index and lk.target in index and lk.source != lk.target
    ]
    return CrossingModel(xs, ys, edges)


class _Obstacles:
    """Cards that stay put, as blocked y-ranges per grid column (margin included)."""

    def __init__(self, boxes: Collection[Point], card_size: tuple[float, float], column_x: list[float]):
        card_w, card_h = card_size
        self.card_h = card_h
        m = OBSTACLE_MARGIN
        spans: list[list[tuple[float, float]]] = [[] for _ in column_x]
        for bx, by in boxes:
            for k, cx in enumerate(column_x):
                if bx < cx + card_w + m and bx + card_w + m > cx:
                    spans[k].append((by - m, by + card_h + m))
        self.tops: list[list[float]] = []
        self.bottoms: list[list[float]] = []
        for column in spans:
            merged: list[tuple[float, float]] = []
            for top, bottom in sorted(column):
                if merged and top <= merged[-1][1]:
                    merged[-1] = (merged[-1][0], max(merged[-1][1], bottom))
                else:
                    merged.append((top, bottom))
            self.tops.append([t for t, _ in merged])
            self.bottoms.append([b for _, b in merged])

    def hit(self, column: int, y: float) -> bool:
        """Whether a card at (column, y) would touch a blocked range."""
        tops, bottoms = self.tops[column], self.bottoms[column]
        k = bisect_left(tops, y + self.card_h)
        return k > 0 and bottoms[k - 1] > y
