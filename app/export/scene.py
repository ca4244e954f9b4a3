"""What a figure of a design shows, in layout coordinates: the common ground of the PDF
report's figures (app.export.report.figure) and the SVG/PNG export (app.export.placed).

A Scene is built from a design and a LayoutResult of app.layout: one Band per stage lane,
one Card per component (coloured by its stage, or by its worst open finding; greyed when it
belongs to another stage than the one a stage figure is about), one Wire per link along its
route. Coordinates are the layout's: points, y growing downwards, cards' top-left corners.
Colours are #RRGGBB strings. No drawing library is imported here.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, replace

from app.domain.catalog import Catalog, default_catalog
from app.domain.model import Design
from app.export.dot import OTHER_STAGE, SEVERITY_COLORS, stage_groups, tint, worst_severities
from app.export.text import component_title
from app.layout import CARD_HEIGHT, CARD_WIDTH, LayoutResult, layout_design
from app.layout.engine import COLUMN_GAP, LANE_GAP, ROW_GAP, choose_rows, stage_order

LINK_COLOR = "#666666"
FEEDBACK_COLOR = "#7D3C98"
MUTED_LINK = "#A6ACAF"
MUTED_FILL, MUTED_BORDER, MUTED_INK = "#F4F6F7", "#B2BABB", "#5D6D7E"
INK = "#1B2631"
LANE_TINT = 0.14
BAND_PAD = 10.0  # a lane's band reaches this far beyond its cards on both sides
FRAME_MARGIN = 6.0  # around everything drawn


@dataclass(frozen=True)
class Card:
    """A component's card: box, texts and colours; `muted` for another stage's component."""

    component_id: str
    x: float
    y: float
    width: float
    height: float
    name: str
    kind: str
    fill: str
    border: str
    pen: float
    ink: str
    muted: bool = False
    severity: str | None = None


@dataclass(frozen=True)
class Wire:
    """A link drawn along its route, the arrowhead at the last point."""

    link_id: str
    points: tuple[tuple[float, float], ...]
    color: str
    dashed: bool
    flow: str


@dataclass(frozen=True)
class Band:
    """A stage's lane: a full-height column with the stage's title at its top."""

    stage_id: str
    title: str
    x: float
    width: float
    color: str
    fill: str
    muted: bool = False


@dataclass(frozen=True)
class Scene:
    cards: tuple[Card, ...]
    wires: tuple[Wire, ...]
    bands: tuple[Band, ...]
    width: float
    height: float


def stage_info(design: Design, catalog: Catalog) -> dict[str, tuple[str, str, str]]:
    """Stage id -> (id, title, colour) of the design's stages, plus "other" for unknown kinds."""
    info = {stage.id: (stage.id, f"{stage.number}. {stage.label}", stage.color) for stage in catalog.stages}
    info[OTHER_STAGE[0]] = OTHER_STAGE
    for (stage_id, label, color), _members in stage_groups(design, catalog):
        info[stage_id] = (stage_id, label, color)
    return info


def stage_of(design: Design, catalog: Catalog) -> dict[str, str]:
    """Component id -> its stage id ("other" for unknown kinds)."""
    return {c.id: catalog.stage_of(c.kind) or OTHER_STAGE[0] for c in design.components}


def layout_for(
    design: Design,
    catalog: Catalog,
    aspect: float,
    only: Collection[str] | None = None,
    card_size: tuple[float, float] = (CARD_WIDTH, CARD_HEIGHT),
) -> LayoutResult:
    """A fresh layout of the whole design, or of just the components in `only` (and the links
    between them), for a frame of that width/height ratio. Cards pinned on the canvas are
    laid out like the others: a figure is laid out for its page, not for the canvas."""
    chosen = None if only is None else set(only)
    shown = design.model_copy(
        update={
            "components": [
                c.model_copy(update={"pinned": False})
                for c in design.components
                if chosen is None or c.id in chosen
            ],
            "links": [
                link
                for link in design.links
                if chosen is None or (link.source in chosen and link.target in chosen)
            ],
        }
    )
    return layout_design(shown, catalog, aspect=aspect, card_size=card_size)


def least_size(
    design: Design,
    catalog: Catalog,
    aspect: float,
    only: Collection[str] | None = None,
    card_size: tuple[float, float] = (CARD_WIDTH, CARD_HEIGHT),
) -> tuple[float, float]:
    """Lower bounds of the width and height of build_scene()'s scene of layout_for(design,
    catalog, aspect, only, card_size), known before the costly layout. The layout gives each
    stage present a lane of ceil(n / rows) columns, rows being chosen for the aspect before the
    cards are ordered (app.layout.engine), and the scene holds every lane's band: the bands side
    by side are the least width. A lane's n cards stand in its columns, one above the other,
    so one column holds ceil(n / columns) of them at least: the least height.
    tests/export/test_scene_bound.py checks both against real layouts."""
    chosen = None if only is None else set(only)
    order = stage_order(catalog)
    lane_index = {stage: i for i, stage in enumerate(order)}
    counts: dict[int, int] = {}
    for c in design.components:
        if chosen is None or c.id in chosen:
            lane = lane_index.get(catalog.stage_of(c.kind) or OTHER_STAGE[0], len(order) - 1)
            counts[lane] = counts.get(lane, 0) + 1
    if not counts:
        return 0.0, 0.0
    card_w, card_h = card_size
    per_lane = [counts[lane] for lane in sorted(counts)]
    rows = choose_rows(per_lane, aspect, card_size)
    columns = [math.ceil(n / rows) for n in per_lane]
    span = sum(k * card_w + (k - 1) * COLUMN_GAP for k in columns) + (len(columns) - 1) * LANE_GAP
    tallest = max(math.ceil(n / k) for n, k in zip(per_lane, columns, strict=True))
    height = tallest * card_h + (tallest - 1) * ROW_GAP
    return span + 2 * BAND_PAD + 2 * FRAME_MARGIN, height + 2 * FRAME_MARGIN


def build_scene(
    design: Design,
    catalog: Catalog | None,
    result: object | None,
    layout: LayoutResult,
    *,
    focus: Collection[str] | None = None,
    card_size: tuple[float, float] = (CARD_WIDTH, CARD_HEIGHT),
) -> Scene:
    """The scene of a laid-out design. With `focus` (component ids), the other components
    are greyed, their lanes too, and only links touching a focused component are drawn.
    `card_size` is the one the layout was made with."""
    catalog = catalog or default_catalog()
    worst = worst_severities(result)
    stages = stage_info(design, catalog)
    stage_by_component = stage_of(design, catalog)
    focused = None if focus is None else set(focus)
    cards = []
    for component in design.components:
        if component.id not in layout.positions:
            continue
        x, y = layout.positions[component.id]
        spec = catalog.kind(component.kind)
        kind = spec.label if spec else f"{component.kind} (unknown kind)"
        name = component_title(component.name, kind).strip() or component.id
        color = stages.get(stage_by_component[component.id], OTHER_STAGE)[2]
        if focused is not None and component.id not in focused:
            cards.append(
                Card(component.id, x, y, *card_size, name, kind,
                     MUTED_FILL, MUTED_BORDER, 1.0, MUTED_INK, muted=True)
            )  # fmt: skip
            continue
        severity = worst.get(component.id)
        fill, border, pen = "#FFFFFF", color, 1.2
        if severity:
            border, fill = SEVERITY_COLORS[severity]
            pen = 2.2
        cards.append(
            Card(component.id, x, y, *card_size, name, kind, fill, border, pen, INK,
                 severity=severity)
        )  # fmt: skip
    wires = []
    for link in design.links:
        route = layout.routes.get(link.id)
        if not route or len(route) < 2:
            continue
        if focused is not None and not ({link.source, link.target} & focused):
            continue
        inside = focused is None or {link.source, link.target} <= focused
        color = FEEDBACK_COLOR if link.feedback else (LINK_COLOR if inside else MUTED_LINK)
        wires.append(Wire(link.id, tuple(route), color, link.feedback, link.flow))
    shown_stages = {stage_by_component[c] for c in focused} if focused is not None else None
    bands = []
    for lane in layout.lanes:
        stage_id, title, color = stages.get(lane.stage, OTHER_STAGE)
        muted = shown_stages is not None and stage_id not in shown_stages
        fill = tint(MUTED_BORDER, 0.18) if muted else tint(color, LANE_TINT)
        x, width = lane.x - BAND_PAD, lane.width + 2 * BAND_PAD
        bands.append(Band(stage_id, title, x, width, MUTED_INK if muted else color, fill, muted))
    return _framed(Scene(tuple(cards), tuple(wires), tuple(bands), float(layout.width), float(layout.height)))


def _framed(scene: Scene) -> Scene:
    """The scene moved so that everything (routes included) starts at 0, sized to hold it all."""
    xs = [v for c in scene.cards for v in (c.x, c.x + c.width)] + [
        p[0] for w in scene.wires for p in w.points
    ]
    ys = [v for c in scene.cards for v in (c.y, c.y + c.height)] + [
        p[1] for w in scene.wires for p in w.points
    ]
    xs += [v for b in scene.bands for v in (b.x, b.x + b.width)]
    if not xs or not ys:
        return scene
    margin = FRAME_MARGIN
    left, top = min(xs) - margin, min(ys) - margin
    return Scene(
        tuple(replace(c, x=c.x - left, y=c.y - top) for c in scene.cards),
        tuple(replace(w, points=tuple((x - left, y - top) for x, y in w.points)) for w in scene.wires),
        tuple(replace(b, x=b.x - left) for b in scene.bands),
        max(xs) - left + margin,
        max(ys) - top + margin,
    )
