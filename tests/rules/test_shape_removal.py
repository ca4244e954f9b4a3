"""A link deleted from a design whose loops all close through feedback links: the walks that
follow feedback links are kept when the same walk without them shows the link's target still
gets everything from its other neighbours, and every walk kept equals a fresh one."""

from __future__ import annotations

import random

import pytest

from app.domain import ops
from app.domain.catalog import default_catalog
from app.rules import RuleEngine
from app.rules.context import RuleContext
from app.rules.shape import ReachBitsKey, ShapeCache
from tests.factories import large_design


@pytest.mark.parametrize("seed", range(3))
def test_walks_across_feedback_kept_through_deleted_links_equal_fresh_ones(seed):
    catalog = default_catalog()
    rng = random.Random(seed)
    design = large_design(catalog, 150, 300, seed=seed)  # links back are marked feedback
    position = {c.id: i for i, c in enumerate(design.components)}
    engine = RuleEngine(design, catalog)
    kept = 0
    for _ in range(60):
        engine.check()
        ends = None
        if rng.random() < 0.6:
            link = rng.choice(design.links)
            ends = (link.source, link.target)
            _, changes = ops.remove_link(design, link.id)
        else:
            a, b = rng.sample(design.components, 2)
            if ops.find_link(design, a.id, b.id):
                continue
            back = position[b.id] < position[a.id]  # keeps the graph without feedback links loop-free
            changes = ops.add_link(design, ops.make_link(design, catalog, a.id, b.id, feedback=back))
        before = dict(engine.shape.values)
        engine.apply(changes)
        fresh = RuleContext(design, engine.mirror.graph, catalog, ShapeCache())
        for key, value in engine.shape.values.items():
            if isinstance(key, ReachBitsKey) and key.feedback:
                if ends and value is before.get(key):  # kept although the link passed bits on
                    source = ends[0] if key.forward else ends[1]
                    kept += bool(value.get(source)) and source not in key.stop
                expected = fresh.reach_bits(
                    key.seeds, forward=key.forward, stop=key.stop, feedback=True, serve=key.serve
                )
                assert dict(value) == dict(expected)
    assert kept
