"""Values of the shape cache computed from other values of it alone (no link read directly), or
that say themselves what a link edit does to the links they read, stay across a link drawn or
deleted while those stay, and equal what a fresh check computes."""

from __future__ import annotations

import random

import pytest

from app.domain import ops
from app.domain.catalog import default_catalog
from app.rules import RuleEngine, shape_links
from app.rules.checks._common import endpoint_view, serving_model_bits
from app.rules.checks._signals import final_models, models_reaching_kind
from app.rules.checks._skew_paths import training_masks
from app.rules.checks.nearness import served_view, serving_view
from app.rules.context import RuleContext
from app.rules.shape import ShapeCache, TopologyKey
from app.rules.walks import topology
from tests.factories import DesignBuilder, large_design
from tests.rules.helpers import live_matches_fresh, random_link_edit, sound_recommender


def _plain(key, value):
    """A kept value as data to compare with a fresh one."""
    if key == "training_masks":
        return value.jobs, dict(value.feeds), dict(value.fed_by)
    if key == "serving_model_bits":
        return value[0], dict(value[1])
    return value


FRESH = {
    "training_masks": training_masks,
    "serving_model_bits": serving_model_bits,
    "final_models": final_models,
    ("models_reaching", "endpoint"): lambda ctx: models_reaching_kind(ctx, "endpoint"),
}


@pytest.mark.parametrize("seed", range(3))
def test_values_read_from_the_cache_alone_are_kept_and_equal_fresh_ones(seed):
    catalog = default_catalog()
    rng = random.Random(seed)
    design = large_design(catalog, 120, 240, seed=seed)
    engine = RuleEngine(design, catalog)
    kept = 0
    for _ in range(60):
        engine.check()
        changes = random_link_edit(design, catalog, rng)
        if changes is None:
            continue
        before = dict(engine.shape.values)
        engine.apply(changes)
        fresh = RuleContext(design, engine.mirror.graph, catalog, ShapeCache())
        for key, compute in FRESH.items():
            value = engine.shape.values.get(key)
            if value is not None:
                kept += value is before.get(key)
                assert _plain(key, value) == _plain(key, compute(fresh))
    assert kept


@pytest.mark.parametrize("seed", range(4))
def test_live_checks_match_fresh_ones_across_link_edits(seed):
    """Several copies of a sound design, links drawn and deleted at random, sometimes more than
    one between two checks: a value kept because what it read stayed must be right even when
    it was computed before what it read (that was dropped and computed again)."""
    catalog = default_catalog()
    builder = DesignBuilder(catalog)
    for _ in range(3):
        sound_recommender(builder)
    design = builder.design
    engine = RuleEngine(design, catalog)
    rng = random.Random(seed)
    for _ in range(40):
        changes = random_link_edit(design, catalog, rng, feedback=0.2)
        if changes is None:
            continue
        engine.apply(changes)
        if rng.random() < 0.8:
            live_matches_fresh(engine, builder)


FLOWS = ("data", "feature", "prediction", "watch", "govern", "eval", "artifact")
VIEWS = {"serving_view": serving_view, "served_view": served_view, "endpoint_view": endpoint_view}


@pytest.mark.parametrize("seed", range(3))
def test_views_over_endpoints_kept_across_link_edits_tell_what_fresh_ones_tell(seed):
    """A view of what is near the endpoints is kept across a link drawn or deleted while its
    bits stay (its ends' `near` asked again), and answers as a fresh view does."""
    catalog = default_catalog()
    rng = random.Random(seed)
    design = large_design(catalog, 200, 400, seed=seed)
    engine = RuleEngine(design, catalog)
    kept = 0
    for _ in range(80):
        engine.check()
        changes = random_link_edit(design, catalog, rng, flows=FLOWS, phases=("train", "serve", "both"))
        if changes is None:
            continue
        before = dict(engine.shape.values)
        engine.apply(changes)
        fresh = RuleContext(design, engine.mirror.graph, catalog, ShapeCache())
        for key, compute in VIEWS.items():
            view = engine.shape.values.get(key)
            if view is not None:
                kept += view is before.get(key)
                expected = compute(fresh)
                assert view.endpoints == expected.endpoints
                for ask in (view.on, view.near):
                    assert [ask(c.id) for c in design.components] == [
                        getattr(expected, ask.__name__)(c.id) for c in design.components
                    ]
    assert kept


@pytest.mark.parametrize("seed", range(3))
def test_topological_orders_found_again_after_link_edits_are_the_fresh_ones(seed):
    """A link drawn or deleted may change the order without feedback links: it is found again,
    the very value kept when it is the same (most edits), and equals the fresh order."""
    catalog = default_catalog()
    rng = random.Random(seed)
    design = large_design(catalog, 150, 300, seed=seed)
    engine = RuleEngine(design, catalog)
    kept = 0
    for _ in range(60):
        engine.check()
        if rng.random() < 0.5:
            link = rng.choice(design.links)
            _, changes = ops.remove_link(design, link.id)
        else:
            a, b = rng.sample(design.components, 2)
            if ops.find_link(design, a.id, b.id):
                continue
            link = ops.make_link(design, catalog, a.id, b.id, feedback=rng.random() < 0.3)
            changes = ops.add_link(design, link)
        before = dict(engine.shape.values)
        engine.apply(changes)
        fresh = RuleContext(design, engine.mirror.graph, catalog, ShapeCache())
        order = engine.shape.values.get(TopologyKey(False))
        if order is not None:
            kept += not link.feedback and order is before.get(TopologyKey(False))  # a walked link
            assert order == fresh.topology(False)
    assert kept


def test_an_order_a_link_edit_cannot_change_is_kept_without_walking_the_graph_again(monkeypatch):
    """The order walks take a node once the last node linked into it is taken: a link drawn or
    deleted into a node that also has a link in from a node after the link's source keeps the
    order as it is, unwalked; a link into a node with no such link in walks it again. Each is
    the order a fresh check finds."""
    catalog = default_catalog()
    builder = DesignBuilder(catalog)
    source, pipeline, table, job, monitor = (
        builder.add(kind) for kind in ("data_source", "data_pipeline", "dataset", "training_job", "monitor")
    )
    builder.chain(source, pipeline, table, job)
    design = builder.design
    engine = RuleEngine(design, catalog)
    engine.check()
    walked = []
    monkeypatch.setattr(shape_links, "topology", lambda adj: walked.append(adj) or topology(adj))

    def edit(changes):
        before = engine.shape.values[TopologyKey(False)]
        engine.apply(changes)
        after = engine.shape.values[TopologyKey(False)]
        assert after == RuleContext(design, engine.mirror.graph, catalog, ShapeCache()).topology(False)
        return after is before

    shortcut = ops.make_link(design, catalog, source, table)  # the table's last link in: pipeline
    assert edit(ops.add_link(design, shortcut)) and not walked
    assert edit(ops.remove_link(design, shortcut.id)[1]) and not walked
    edit(ops.add_link(design, ops.make_link(design, catalog, job, monitor)))  # its only link in
    assert walked
