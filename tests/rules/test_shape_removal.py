"""A link deleted: walks that follow feedback links, in a design whose loops all close through
them, are kept when the same walk without them shows the link's target still gets everything
from its other neighbours; reach sets the link may have fed are walked again and kept when the
same; every walk kept equals a fresh one."""

from __future__ import annotations

import random

import pytest

from app.domain import ops
from app.domain.catalog import default_catalog
from app.rules import RuleEngine
from app.rules.context import RuleContext
from app.rules.shape import ReachBitsKey, ReachKey, ShapeCache
from tests.factories import DesignBuilder, large_design


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


@pytest.mark.parametrize("seed", range(3))
def test_reach_sets_walked_again_after_a_deleted_link_are_kept_when_the_same(seed):
    catalog = default_catalog()
    rng = random.Random(seed)
    design = large_design(catalog, 150, 300, seed=seed)
    engine = RuleEngine(design, catalog)
    kept = 0
    for _ in range(40):
        engine.check()
        walker = RuleContext(design, engine.mirror.graph, catalog, engine.shape)
        for _ in range(3):  # reach sets across feedback links, as a rule asks for them
            start = rng.choice(design.components).id
            walker.reach([start], forward=rng.random() < 0.5, feedback=True)
        link = rng.choice(design.links)
        _, changes = ops.remove_link(design, link.id)
        before = dict(engine.shape.values)
        engine.apply(changes)
        fresh = RuleContext(design, engine.mirror.graph, catalog, ShapeCache())
        for key, value in engine.shape.values.items():
            if isinstance(key, ReachKey):
                a, b = (link.source, link.target) if key.forward else (link.target, link.source)
                walked = (a in key.sources or a in value) and b in value and a not in key.stop
                kept += walked and key.feedback and value is before.get(key)
                expected = fresh.reach(
                    key.sources, forward=key.forward, stop=key.stop, feedback=key.feedback,
                    serve=key.serve, through_stop=key.through_stop,
                )  # fmt: skip
                assert value == expected
        engine.apply(ops.add_link(design, link))  # drawn again: the design keeps its links
    assert kept


@pytest.mark.parametrize("bits", [False, True])
def test_a_neighbour_past_the_deleted_link_through_a_feedback_link_does_not_keep_the_walk(bits):
    """s -> a -> b -> c, and c -> b marked feedback. Deleting a -> b cuts s off from b: c's bits
    in the walk without feedback links came through a -> b themselves, so they cannot stand in
    for it."""
    catalog = default_catalog()
    builder = DesignBuilder(catalog)
    s, a, b, c = (builder.add("data_source", name) for name in ("S", "A", "B", "C"))
    builder.link(s, a)
    cut = builder.link(a, b)
    builder.link(b, c)
    builder.link(c, b, feedback=True)
    design = builder.design
    engine = RuleEngine(design, catalog)
    engine.check()
    walker = RuleContext(design, engine.mirror.graph, catalog, engine.shape)
    for feedback in (False, True):  # the walk without feedback links first: its twin
        if bits:
            walker.reach_bits([s], feedback=feedback)
        else:
            walker.reach([s], feedback=feedback)
    engine.apply(ops.remove_link(design, cut)[1])
    fresh = RuleContext(design, engine.mirror.graph, catalog, ShapeCache())
    after = RuleContext(design, engine.mirror.graph, catalog, engine.shape)
    if bits:
        assert dict(after.reach_bits([s], feedback=True)) == dict(fresh.reach_bits([s], feedback=True))
        assert b not in after.reach_bits([s], feedback=True)
    else:
        assert after.reach([s], feedback=True) == fresh.reach([s], feedback=True)
        assert b not in after.reach([s], feedback=True)
