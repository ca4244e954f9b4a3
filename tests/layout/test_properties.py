"""Property tests: random designs get overlap-free, deterministic layouts with valid routes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.catalog import default_catalog
from app.domain.model import Component, Design, Link, Position
from app.layout import layout_design, route_links
from tests.layout.checks import on_border, orthogonal, overlapping_pairs, perpendicular_ends

CATALOG = default_catalog()
KINDS = sorted(CATALOG.kinds) + ["not_in_the_catalog"]


@st.composite
def designs(draw: st.DrawFn, max_components: int = 24) -> Design:
    n = draw(st.integers(1, max_components))
    components = []
    for i in range(n):
        placed = draw(st.booleans())
        # Pinned cards sit on a coarse grid so that they never overlap one another.
        x = draw(st.integers(-4, 12)) * 230.0 if placed else 0.0
        y = draw(st.integers(-4, 12)) * 120.0 if placed else 0.0
        components.append(
            Component(
                id=f"c{i}",
                kind=draw(st.sampled_from(KINDS)),
                position=Position(x=x, y=y),
                pinned=placed and draw(st.integers(0, 3)) == 0,
            )
        )
    pinned = [c for c in components if c.pinned]
    seen: set[tuple[float, float]] = set()
    for c in pinned:
        if (c.position.x, c.position.y) in seen:
            c.pinned = False
        seen.add((c.position.x, c.position.y))
    links = []
    for k in range(draw(st.integers(0, 2 * n))):
        a = draw(st.integers(0, n - 1))
        b = draw(st.integers(0, n - 1))
        links.append(
            Link(
                id=f"l{k}",
                source=f"c{a}",
                target=f"c{b}",
                flow=draw(st.sampled_from(["data", "feature", "watch", "govern", "label"])),
                feedback=draw(st.booleans()),
            )
        )
    return Design(components=components, links=links)


def _check_routes(design: Design, positions: dict, routes: dict) -> None:
    assert set(routes) == {lk.id for lk in design.links}
    for link in design.links:
        route = routes[link.id]
        assert orthogonal(route), (link.id, route)
        assert on_border(route[0], positions[link.source]), (link.id, route)
        assert on_border(route[-1], positions[link.target]), (link.id, route)
        assert perpendicular_ends(route, positions[link.source], positions[link.target]), (link.id, route)


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(designs(), st.sampled_from([16 / 10, 1.0, 3.0]))
def test_layout_of_any_design(design: Design, aspect: float):
    result = layout_design(design, CATALOG, aspect=aspect)
    positions = result.positions
    assert set(positions) == {c.id for c in design.components}
    moved = [c.id for c in design.components if not c.pinned]
    assert overlapping_pairs(positions, moved) == []
    for c in design.components:
        if c.pinned:
            assert positions[c.id] == (c.position.x, c.position.y)
    _check_routes(design, positions, result.routes)
    again = layout_design(design, CATALOG, aspect=aspect)
    assert again == result


@SETTINGS
@given(designs(), st.data())
def test_only_moves_the_selection(design: Design, data: st.DataObject):
    ids = [c.id for c in design.components]
    only = data.draw(st.lists(st.sampled_from(ids), unique=True))
    # The cards that stay must not overlap one another for "no overlaps" to be checkable.
    staying = {c.id: (c.position.x, c.position.y) for c in design.components if c.id not in only or c.pinned}
    if overlapping_pairs(staying):
        for i, c in enumerate(design.components):
            if c.id in staying:
                c.position = Position(x=230.0 * i, y=-500.0)
    result = layout_design(design, CATALOG, only=only)
    moved = [c.id for c in design.components if c.id in only and not c.pinned]
    for c in design.components:
        if c.id not in moved:
            assert result.positions[c.id] == (c.position.x, c.position.y)
    assert overlapping_pairs(result.positions, moved) == []
    assert {lane.stage for lane in result.lanes} == {
        CATALOG.stage_of(c.kind) or "other" for c in design.components if c.id in moved
    }
    _check_routes(design, result.positions, result.routes)


@SETTINGS
@given(designs(max_components=12))
def test_route_links_for_hand_positions(design: Design):
    positions = {c.id: (c.position.x, c.position.y) for c in design.components}
    routes = route_links(design, positions, CATALOG)
    _check_routes(design, positions, routes)
    assert route_links(design, positions, CATALOG) == routes


def test_layout_does_not_depend_on_hash_seeds():
    code = (
        "import json, sys\n"
        "from app.persistence import load_design\n"
        "from app.layout import layout_design\n"
        "from tests.factories import staged_design\n"
        "from app.domain.catalog import default_catalog\n"
        "d = staged_design(default_catalog(), 150, seed=11)\n"
        "r = layout_design(d)\n"
        "print(json.dumps([sorted(r.positions.items()), sorted(r.routes.items())]))\n"
    )
    outputs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        outputs.append(json.loads(out.stdout))
    assert outputs[0] == outputs[1]


def test_pinned_cards_are_avoided(catalog):
    from tests.factories import staged_design

    design = staged_design(catalog, 30, seed=2)
    # Pin two cards right where the grid would put the first cards of the first lanes.
    design.components[0].pinned = True
    design.components[0].position = Position(x=0.0, y=0.0)
    design.components[1].pinned = True
    design.components[1].position = Position(x=300.0, y=140.0)
    result = layout_design(design, catalog)
    assert result.positions["c0"] == (0.0, 0.0) and result.positions["c1"] == (300.0, 140.0)
    assert overlapping_pairs(result.positions) == []


@SETTINGS
@given(designs())
def test_positions_without_routes_are_the_same_positions(design):
    full = layout_design(design)
    bare = layout_design(design, routes=False)
    assert bare.positions == full.positions and bare.routes == {}
    assert (bare.width, bare.height) == (full.width, full.height)
