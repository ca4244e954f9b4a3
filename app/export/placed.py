"""SVG and PNG of a design drawn from our own layout (app.layout), the one the report uses.

How: the layout's positions and routes go into DOT as fixed coordinates (`pos` on every node
and edge, `lp` on every edge label) and the renderer draws them without laying anything out
(`neato -n2`). Both supported renderers, the system Graphviz and graphviz-pure, draw such
graphs, so SVG and PNG come out of the same code path as before, with the same HTML-like
labels, escaping and fonts, and PNG rasterisation needs no image library in Python.

`layout="graphviz"` keeps Graphviz's own `dot` layout (app.export.dot). PNG size: DEFAULT_SCALE
pixels per point (96 dpi), reduced so that the long side is at most MAX_PNG_SIDE pixels,
unless an explicit `scale` says otherwise (up to HARD_PNG_SIDE pixels).
"""

from __future__ import annotations

from typing import NamedTuple

import graphviz

from app.domain.catalog import Catalog, default_catalog
from app.domain.model import Design
from app.export import dot
from app.export.label_spots import Box, LabelSpots
from app.export.renderer import render
from app.export.scene import build_scene, layout_for
from app.export.text import fit_lines, html_escape, html_fit, measure_in_points
from app.layout import CARD_WIDTH

LAYOUTS = ("ours", "graphviz")
DEFAULT_SCALE = 96 / 72  # pixels per point
MAX_PNG_SIDE = 8000  # pixels, unless a scale is given
HARD_PNG_SIDE = 30000  # pixels: beyond this renderers fail or exhaust memory
MIN_PNG_SCALE = 1 / 72  # pixels per point: 1 dpi; below it Graphviz draws nothing, or at 96 dpi
ASPECT = 16 / 10
PAD = 8.0  # points around the drawing (Graphviz `pad`)
TITLE_ROOM = 40.0
LANE_HEAD = 30.0
ARROW_LENGTH = 7.0  # arrowsize 0.7
_INCH = 72.0
# A link label's box around its text (9 pt lines in a white table cell), as dot and
# graphviz-pure draw it (the larger of the two): LABEL_LINE a line, LABEL_PAD around them.
LABEL_LINE = 11.0
LABEL_PAD = 8.0
NEATO_FIXED = ("-Kneato", "-n2")


class Placed(NamedTuple):
    """DOT with fixed positions, and the size of its drawing in points (padding included)."""

    graph: graphviz.Digraph
    width: float
    height: float


def _pt(x: float, y: float) -> str:
    return f"{x:.2f},{y:.2f}"


def placed_graph(
    design: Design, catalog: Catalog | None = None, result: object | None = None, *, flow_labels: bool = True
) -> Placed:
    """The design as DOT in which every node and edge carries its position from our layout,
    to be drawn with `neato -n2`. Node ids are generated (n<index>, lane<i>, title)."""
    catalog = catalog or default_catalog()
    scene = build_scene(design, catalog, result, layout_for(design, catalog, ASPECT))
    top = TITLE_ROOM + LANE_HEAD
    width, height = max(scene.width, CARD_WIDTH), scene.height + top + 10

    def at(x: float, y: float) -> tuple[float, float]:
        return x, height - top - y

    graph = graphviz.Digraph("design", format="svg")
    graph.attr(bb=f"0,0,{width:.2f},{height:.2f}", bgcolor="white", pad=f"{PAD / _INCH:.3f}",
               outputorder="nodesfirst", fontname=dot.FONT, splines="true")  # fmt: skip
    graph.attr(
        "node", shape="box", style="rounded,filled", fontname=dot.FONT, fontsize="12", fixedsize="true"
    )
    graph.attr("edge", fontname=dot.FONT, fontsize="9", fontcolor="#555555", arrowsize="0.7")
    title_width = measure_in_points(f"{dot.METRICS}-Bold", 16)
    title = html_fit(design.meta.title, width - 2 * PAD, 1, title_width) or "Untitled design"
    graph.node("title", f'<<FONT POINT-SIZE="16"><B>{title}</B></FONT>>', shape="plaintext", style="",
               pos=_pt(width / 2, height - TITLE_ROOM / 2), width=f"{width / _INCH:.3f}",
               height=f"{TITLE_ROOM / _INCH:.3f}")  # fmt: skip
    lane_height = height - TITLE_ROOM
    for index, band in enumerate(scene.bands):
        graph.node(
            f"lane{index}",
            f"<<B>{html_escape(band.title)}</B>>",
            pos=_pt(band.x + band.width / 2, lane_height / 2),
            width=f"{band.width / _INCH:.3f}",
            height=f"{lane_height / _INCH:.3f}",
            labelloc="t",
            fontsize="13",
            fontcolor=band.color,
            color=band.color,
            fillcolor=band.fill,
        )
    index_of = {c.id: i for i, c in enumerate(design.components)}
    for card in scene.cards:
        component = design.components[index_of[card.component_id]]
        cx, cy = at(card.x + card.width / 2, card.y + card.height / 2)
        graph.node(
            f"n{index_of[card.component_id]}",
            dot.node_label(component, catalog, card=True),
            pos=_pt(cx, cy),
            width=f"{card.width / _INCH:.4f}",
            height=f"{card.height / _INCH:.4f}",
            color=card.border,
            fillcolor=card.fill,
            penwidth=str(card.pen),
        )
    labelled = flow_labels and len(design.links) <= dot.INLINE_LABEL_LIMIT
    links = {link.id: link for link in design.links}
    spots = LabelSpots(_card_box(*at(c.x, c.y), *at(c.x + c.width, c.y + c.height)) for c in scene.cards)
    measure = measure_in_points(dot.METRICS, 9)
    for wire in scene.wires:
        link = links[wire.link_id]
        points = [at(x, y) for x, y in wire.points]
        attrs = {"pos": _spline(points), "color": wire.color}
        if wire.dashed:
            attrs.update(style="dashed", fontcolor=wire.color)
        if labelled:
            cell = dot.edge_label(link, card=True)[1:-1]  # on a white ground: readable across lines
            attrs["label"] = (
                f'<<TABLE BORDER="0" CELLPADDING="1" BGCOLOR="white"><TR><TD>{cell}</TD></TR></TABLE>>'
            )
            lines = [link.flow, *fit_lines(link.label, dot.LINK_LABEL_WIDTH, 2, measure)]
            size = max(measure(line) for line in lines) + LABEL_PAD, LABEL_LINE * len(lines) + LABEL_PAD
            attrs["lp"] = _pt(*spots.place(points, size))
        graph.edge(f"n{index_of[link.source]}", f"n{index_of[link.target]}", **attrs)
    return Placed(graph, width + 2 * PAD, height + 2 * PAD)


def _spline(points: list[tuple[float, float]]) -> str:
    """An edge's `pos`: the polyline as a B-spline of straight cubic pieces, ending at the
    arrow's base, with the arrow's tip as the end point (e,x,y)."""
    tip, before = points[-1], points[-2]
    dx, dy = tip[0] - before[0], tip[1] - before[1]
    length = max((dx * dx + dy * dy) ** 0.5, 1e-6)
    cut = min(ARROW_LENGTH, length * 0.9)
    base = (tip[0] - dx / length * cut, tip[1] - dy / length * cut)
    path = [*points[:-1], base]
    controls = [path[0]]
    for (x0, y0), (x1, y1) in zip(path, path[1:], strict=False):
        controls += [
            (x0 + (x1 - x0) / 3, y0 + (y1 - y0) / 3),
            (x0 + 2 * (x1 - x0) / 3, y0 + 2 * (y1 - y0) / 3),
        ]
        controls.append((x1, y1))
    return "e," + _pt(*tip) + " " + " ".join(_pt(x, y) for x, y in controls)


def _card_box(x0: float, y0: float, x1: float, y1: float) -> Box:
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def png_options(long_side_pt: float | None, scale: float | None) -> tuple[str, ...]:
    """Renderer options for PNG: the resolution for `scale` pixels per point, or by default
    96 dpi capped so that a drawing whose long side is `long_side_pt` points (None: unknown
    before Graphviz lays it out) has at most MAX_PNG_SIDE pixels on that side."""
    if scale is not None:
        if not scale >= MIN_PNG_SCALE:
            raise ValueError(
                f"the PNG scale must be at least {MIN_PNG_SCALE:.4f} pixels per point (1 dpi), not {scale:g}"
            )
        if long_side_pt is not None and long_side_pt * scale > HARD_PNG_SIDE:
            raise ValueError(
                f"a scale of {scale:g} makes the PNG {long_side_pt * scale:.0f} pixels long, more than "
                f"{HARD_PNG_SIDE}; choose at most {HARD_PNG_SIDE / long_side_pt:.2f}"
            )
        return (f"-Gdpi={72 * scale:.3f}",)
    if long_side_pt is None:  # Graphviz's own layout: let it shrink the drawing to the cap
        inches = (MAX_PNG_SIDE - 1) / (72 * DEFAULT_SCALE)
        return (f"-Gdpi={72 * DEFAULT_SCALE:.3f}", f"-Gsize={inches:.3f},{inches:.3f}")
    pixels_per_point = min(DEFAULT_SCALE, (MAX_PNG_SIDE - 1) / long_side_pt)
    return (f"-Gdpi={72 * pixels_per_point:.3f}",)


def _check_layout(layout: str) -> None:
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")


def to_svg(
    design: Design,
    catalog: Catalog | None = None,
    result: object | None = None,
    *,
    timeout: float | None = None,
    layout: str = "ours",
    rankdir: str = "LR",
    flow_labels: bool = True,
) -> bytes:
    """The design as SVG, drawn from our layout (or Graphviz's own with layout="graphviz",
    where `rankdir` applies). Raises RenderError when the renderer cannot draw it."""
    _check_layout(layout)
    if layout == "graphviz":
        return dot.to_svg(design, catalog, result, timeout=timeout, rankdir=rankdir, flow_labels=flow_labels)
    placed = placed_graph(design, catalog, result, flow_labels=flow_labels)
    return render(placed.graph.source, "svg", timeout=timeout, options=NEATO_FIXED)


def to_png(
    design: Design,
    catalog: Catalog | None = None,
    result: object | None = None,
    *,
    timeout: float | None = None,
    layout: str = "ours",
    rankdir: str = "LR",
    scale: float | None = None,
) -> bytes:
    """The design as PNG (see to_svg), at most MAX_PNG_SIDE pixels on its long side unless
    `scale` (pixels per point) is given. Raises RenderError, or ValueError for a scale
    that makes the image too big."""
    _check_layout(layout)
    if layout == "graphviz":
        source = dot.to_dot(design, catalog, result, rankdir=rankdir)
        return render(source, "png", timeout=timeout, options=png_options(None, scale))
    placed = placed_graph(design, catalog, result)
    options = png_options(max(placed.width, placed.height), scale)
    return render(placed.graph.source, "png", timeout=timeout, options=(*NEATO_FIXED, *options))
