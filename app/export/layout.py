"""Auto-layout for the canvas: Graphviz positions for 200 x 90 cards, stages left to right."""

from __future__ import annotations

import json

from app.domain.catalog import Catalog, default_catalog
from app.domain.model import Design
from app.export.dot import CARD_HEIGHT_PT, CARD_WIDTH_PT, build_graph
from app.export.renderer import Renderer, RenderError, render

Positions = dict[str, tuple[float, float]]
GRID_GAP_X, GRID_GAP_Y = 60.0, 40.0


def _parse_plain(text: str) -> dict[str, tuple[float, float]]:
    """Node centres in points, y downwards, from `-Tplain` output (inches, y upwards)."""
    height = 0.0
    centres: dict[str, tuple[float, float]] = {}
    for line in text.splitlines():
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "graph" and len(parts) >= 4:
            height = float(parts[3]) * 72.0
        elif parts[0] == "node" and len(parts) >= 4:
            name = parts[1].strip('"')
            centres[name] = (float(parts[2]) * 72.0, height - float(parts[3]) * 72.0)
    return centres


def _parse_json(text: str) -> dict[str, tuple[float, float]]:
    """Node centres in points, y downwards, from `-Tjson` output."""
    data = json.loads(text)
    height = float(str(data.get("bb", "0,0,0,0")).split(",")[3])
    centres: dict[str, tuple[float, float]] = {}
    for obj in data.get("objects", []):
        pos = obj.get("pos")
        if pos and "nodes" not in obj:
            x, y = (float(v) for v in str(pos).split(",")[:2])
            centres[str(obj["name"])] = (x, height - y)
    return centres


def layout_positions(
    design: Design,
    catalog: Catalog | None = None,
    *,
    timeout: float | None = None,
    renderer: Renderer | None = None,
) -> Positions:
    """Top-left corner of each component's card (canvas pixels) from a Graphviz layout.

    Cards are 200 x 90; stages run left to right in framework order, one cluster each.
    Uses `-Tplain`, falling back to `-Tjson` when the renderer lacks plain output.

    Raises:
        RenderError: no renderer, or it failed or timed out (callers can then fall back to
            stage_grid_positions()).
    """
    catalog = catalog or default_catalog()
    if not design.components:
        return {}
    graph = build_graph(design, catalog, cards=True)
    try:
        centres = _parse_plain(render(graph.source, "plain", timeout=timeout, renderer=renderer).decode())
    except RenderError as exc:
        if "plain" not in str(exc) or "recogni" not in str(exc):
            raise
        centres = _parse_json(render(graph.source, "json", timeout=timeout, renderer=renderer).decode())
    except ValueError as exc:
        raise RenderError(f"could not read the layout: {exc}") from None
    positions: Positions = {}
    for component_id, node in graph.node_ids.items():
        if node not in centres:
            raise RenderError(f"the layout has no position for component {component_id!r}")
        x, y = centres[node]
        positions[component_id] = (round(x - CARD_WIDTH_PT / 2, 1), round(y - CARD_HEIGHT_PT / 2, 1))
    left = min(x for x, _ in positions.values())
    top = min(y for _, y in positions.values())
    return {cid: (round(x - left, 1), round(y - top, 1)) for cid, (x, y) in positions.items()}


def stage_grid_positions(design: Design, catalog: Catalog | None = None) -> Positions:
    """A layout without Graphviz: one column per stage, components stacked in design order."""
    catalog = catalog or default_catalog()
    order = {s.id: i for i, s in enumerate(catalog.stages)}
    rows: dict[int, int] = {}
    positions: Positions = {}
    for component in design.components:
        stage = catalog.stage_of(component.kind)
        column = order.get(stage, len(order)) if stage else len(order)
        row = rows.get(column, 0)
        rows[column] = row + 1
        positions[component.id] = (
            column * (CARD_WIDTH_PT + GRID_GAP_X),
            row * (CARD_HEIGHT_PT + GRID_GAP_Y),
        )
    return positions
