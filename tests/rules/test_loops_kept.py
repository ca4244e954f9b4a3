"""Loop values kept across single link edits (the topology with feedback links, the data
loops, R39's feedback loops) equal what a fresh check computes, on graphs full of loops."""

from __future__ import annotations

import random

import pytest

from app.domain.catalog import default_catalog
from app.rules import RuleEngine
from app.rules.checks._flows import data_loops
from app.rules.checks.loops import _feedback_loops
from app.rules.context import RuleContext
from app.rules.shape import ShapeCache, TopologyKey
from tests.factories import large_design
from tests.rules.helpers import random_link_edit

FLOWS = ("data", "label", "feature", "eval", "watch", "govern", "prediction", "artifact", "proxy")


@pytest.mark.parametrize("seed", range(6))
def test_loop_values_kept_across_link_edits_equal_fresh_ones(seed):
    catalog = default_catalog()
    rng = random.Random(seed)
    design = large_design(catalog, 40, 110, seed=seed)  # many backward links: loops with feedback
    engine = RuleEngine(design, catalog)
    kept = 0
    for step in range(150):
        engine.check()
        changes = random_link_edit(design, catalog, rng, flows=FLOWS)
        if changes is None:
            continue
        before = dict(engine.shape.values)
        engine.apply(changes)
        values = engine.shape.values
        fresh = RuleContext(design, engine.mirror.graph, catalog, ShapeCache())
        for feedback in (True, False):
            if ("data_loops", feedback) in values:
                kept += values[("data_loops", feedback)] is before.get(("data_loops", feedback))
                assert values[("data_loops", feedback)] == data_loops(fresh, feedback), f"step {step}"
            topology = values.get(TopologyKey(feedback))
            if topology is not None:
                assert sorted(map(sorted, topology.loops)) == sorted(map(sorted, fresh.loops(feedback)))
        if "feedback_loops" in values:
            assert values["feedback_loops"] == _feedback_loops(fresh), f"step {step}"
    assert kept
