"""Auto-layout of every template beats its hand layout, and fits the aspect target."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.layout import layout_design, route_links
from app.layout.metrics import layout_metrics
from app.persistence import load_design
from tests.factories import staged_design
from tests.layout.checks import figures, on_border, orthogonal

TEMPLATES = sorted((Path(__file__).resolve().parents[2] / "resources" / "templates").glob("*.mlsd"))


def test_there_are_templates():
    assert len(TEMPLATES) >= 8


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_template_layout_is_no_worse_than_the_hand_layout(path, catalog):
    design = load_design(path).design
    hand = figures(design, {c.id: (c.position.x, c.position.y) for c in design.components})
    result = layout_design(design, catalog)
    auto = figures(design, result.positions)
    assert auto["overlaps"] == 0
    assert 1.2 <= auto["aspect"] <= 2.0
    assert auto["area"] <= hand["area"]
    assert auto["mean_link_len"] <= hand["mean_link_len"]
    assert auto["crossings"] <= hand["crossings"]
    assert [lane.stage for lane in result.lanes] == [s.id for s in catalog.stages]
    assert result.width * result.height == pytest.approx(auto["area"])


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_template_routes_leave_and_enter_on_the_facing_sides(path, catalog):
    design = load_design(path).design
    result = layout_design(design, catalog)
    pos = result.positions
    for link in design.links:
        route = result.routes[link.id]
        assert orthogonal(route), link.id
        assert on_border(route[0], pos[link.source]) and on_border(route[-1], pos[link.target])
        (ax, ay), (bx, by) = route[-2], route[-1]
        assert abs(ax - bx) + abs(ay - by) >= 12, f"{link.id}: arrowhead segment too short"
        sx, tx = pos[link.source][0], pos[link.target][0]
        if tx >= sx + 200:  # target to the right: leave by the right side, enter by the left
            assert route[0][0] == sx + 200 and route[-1][0] == tx
        elif tx + 200 <= sx:
            assert route[0][0] == sx and route[-1][0] == tx + 200


def _through_cards(route, positions):
    """Cards a route cuts through (its own ends included: it must leave them outwards)."""
    hit = set()
    for (x1, y1), (x2, y2) in zip(route, route[1:], strict=False):
        for cid, (x, y) in positions.items():
            inside_x = min(x1, x2) < x + 200 - 0.5 and max(x1, x2) > x + 0.5
            inside_y = min(y1, y2) < y + 90 - 0.5 and max(y1, y2) > y + 0.5
            if inside_x and inside_y:
                hit.add(cid)
    return hit


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_routes_do_not_cut_through_cards(path, catalog):
    design = load_design(path).design
    auto = layout_design(design, catalog)
    hand = {c.id: (c.position.x, c.position.y) for c in design.components}
    hand_routes = route_links(design, hand, catalog)
    for link in design.links:
        assert not _through_cards(auto.routes[link.id], auto.positions), link.id
        assert not _through_cards(hand_routes[link.id], hand), link.id


@pytest.mark.parametrize("path", TEMPLATES[:2], ids=lambda p: p.stem)
def test_lanes_follow_the_framework_order_left_to_right(path, catalog):
    design = load_design(path).design
    result = layout_design(design, catalog)
    order = [s.id for s in catalog.stages]
    lanes = {lane.stage: lane for lane in result.lanes}
    xs = [lanes[s].x for s in order]
    assert xs == sorted(xs)
    for c in design.components:
        lane = lanes[catalog.stage_of(c.kind)]
        x = result.positions[c.id][0]
        assert lane.x <= x and x + 200 <= lane.x + lane.width + 1e-6


def test_metrics_module_matches_the_independent_figures(catalog):
    design = load_design(TEMPLATES[0]).design
    result = layout_design(design, catalog)
    mine = layout_metrics(design, result.positions)
    ref = figures(design, result.positions)
    assert mine.crossings == ref["crossings"] and mine.overlaps == ref["overlaps"]
    assert mine.area == pytest.approx(ref["area"]) and mine.mean_link_len == pytest.approx(
        ref["mean_link_len"]
    )


@pytest.mark.parametrize("n", [40, 120])
def test_a_design_without_positions_gets_a_clean_layout(n, catalog):
    design = staged_design(catalog, n, seed=3)
    assert all((c.position.x, c.position.y) == (0, 0) for c in design.components)
    result = layout_design(design, catalog)
    auto = figures(design, result.positions)
    assert auto["overlaps"] == 0
    assert 1.2 <= auto["aspect"] <= 2.0


@pytest.mark.parametrize("aspect", [1.0, 4 / 3, 2.0])
def test_other_aspect_targets_are_approached(aspect, catalog):
    design = staged_design(catalog, 200, seed=5)
    result = layout_design(design, catalog, aspect=aspect)
    assert abs(result.width / result.height - aspect) / aspect < 0.25
