"""The serving view's one-pass sets equal what `serve_side` finds endpoint by endpoint."""

from __future__ import annotations

import pytest

from app.domain.catalog import default_catalog
from app.domain.graph import design_to_graph
from app.rules.checks._common import endpoints, serve_side
from app.rules.checks.nearness import _serve_side_bits
from app.rules.context import RuleContext
from app.rules.shape import ShapeCache
from tests.factories import large_design


@pytest.mark.parametrize(("components", "links", "seed"), [(300, 600, 1), (300, 1200, 2), (1000, 3000, 3)])
def test_serve_side_bits_equal_serve_side_of_each_endpoint(components, links, seed):
    catalog = default_catalog()
    design = large_design(catalog, components, links, seed)
    ctx = RuleContext(design, design_to_graph(design, catalog), catalog, ShapeCache())
    ends = endpoints(ctx)
    bit = {e: 1 << i for i, e in enumerate(ends)}
    expected: dict[str, int] = {}
    for endpoint in ends:
        for node in serve_side(ctx, endpoint):
            expected[node] = expected.get(node, 0) | bit[endpoint]
    found = _serve_side_bits(ctx, ends, bit)
    assert len(ends) > 5 and len(expected) > 40
    for node in set(expected) | set(found):  # an endpoint's own bit is the view's anyway
        assert expected.get(node, 0) | bit.get(node, 0) == found.get(node, 0) | bit.get(node, 0), node
