"""Properties of the estimates over random designs with random figures: doubling the source
volume doubles what volume drives and lowers nothing; the figures do not depend on the order
of components and links; an EstimateEngine kept across edits equals a fresh estimate."""

from __future__ import annotations

import copy
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain import ops
from app.domain.catalog import default_catalog
from app.domain.model import Design
from app.estimates import EstimateEngine, estimate_design
from app.persistence import load_design
from app.templates import list_templates
from tests.factories import large_design

CATALOG = default_catalog()
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Plausible ranges of each quantity, by kind (each set on a component with probability 0.8).
RANGES: dict[str, dict[str, tuple[float, float] | tuple[str, ...]]] = {
    "data_source": {"events_per_day": (1e3, 1e9), "bytes_per_event": (10, 1e5), "retention_days": (1, 800)},
    "label_source": {"labelled_fraction": (0.0, 1.0)},
    "endpoint": {"qps": (0.1, 1e5), "mean_qps": (0.1, 5e4), "payload_bytes": (100, 1e6)},
    "model": {
        "throughput_per_replica": (1, 5000),
        "cpu_ms": (0.1, 500),
        "gflops": (0.01, 500),
        "accelerator": ("cpu", "gpu", "tpu", "npu"),
        "cost_per_1k_tokens": (0.0001, 0.1),
        "tokens_per_request": (10, 10_000),
        "provenance": ("trained_here", "fine_tuned", "vendor_api"),
    },
    "training_job": {"hours_per_run": (0.1, 100), "runs_per_month": (0.5, 60), "accelerator_count": (1, 64)},
    "infrastructure": {
        "replicas": (1, 500),
        "unit_price_per_hour": (0.01, 40),
        "cost_per_month": (10, 1e6),
        "accelerator": ("cpu", "gpu", "tpu"),
    },
    "cache": {"hit_rate": (0.0, 1.0), "max_qps": (10, 1e6)},
    "feature_store": {"max_qps": (10, 1e6)},
    "human_review": {"items_per_day": (10, 1e6), "capacity_per_day": (10, 1e6)},
}


def _with_figures(design: Design, seed: int) -> Design:
    rng = random.Random(seed)
    for component in design.components:
        spec = CATALOG.kind(component.kind)
        for prop, span in RANGES.get(component.kind, {}).items():
            if rng.random() > 0.8:
                continue
            if isinstance(span[0], str):
                value: object = rng.choice(span)
            else:
                low, high = float(span[0]), float(span[1])
                value = rng.uniform(low, high)
            kind = spec.property(prop)
            assert kind is not None
            if kind.type == "int":
                value = max(1, round(float(value)))
            component.properties[prop] = kind.validate(value)
    return design


def random_design(seed: int, size: int) -> Design:
    return _with_figures(large_design(CATALOG, size, int(size * 1.6), seed=seed), seed)


def _values(estimate) -> dict[tuple[str, str], float]:
    return {(f.component, f.name): f.value for figs in estimate.figures.values() for f in figs}


def _double_sources(design: Design) -> Design:
    doubled = copy.deepcopy(design)
    doubled.invalidate_indexes()
    for component in doubled.components:
        events = component.properties.get("events_per_day")
        if component.kind == "data_source" and isinstance(events, float):
            component.properties["events_per_day"] = events * 2
    return doubled


@SETTINGS
@given(seed=st.integers(0, 10_000), size=st.integers(20, 120))
def test_doubling_source_volume_doubles_storage_and_lowers_nothing(seed, size):
    design = random_design(seed, size)
    before = estimate_design(design, CATALOG)
    after = estimate_design(_double_sources(design), CATALOG)
    old, new = _values(before), _values(after)
    assert old.keys() == new.keys()
    for key, value in old.items():
        assert new[key] >= value * (1 - 1e-12), key
    for (cid, name), value in old.items():
        kind = design.component_by_id()[cid].kind
        if name in ("storage_bytes", "bytes_per_day", "events_per_day") or (
            kind == "dataset" and name == "monthly_cost"
        ):
            assert new[(cid, name)] == pytest.approx(2 * value, rel=1e-9), (cid, name)
        if name == "labels_per_day":
            assert new[(cid, name)] == pytest.approx(2 * value, rel=1e-9), (cid, name)
    assert after.totals["storage_bytes"] == pytest.approx(2 * before.totals["storage_bytes"], rel=1e-9)
    # the what-if factor is the same as doubling the sources in the design
    scaled = _values(estimate_design(design, CATALOG, volume_scale=2.0))
    assert scaled.keys() == new.keys()
    for key, value in new.items():
        assert scaled[key] == pytest.approx(value, rel=1e-9), key


@SETTINGS
@given(seed=st.integers(0, 10_000), size=st.integers(20, 120), shuffle=st.randoms(use_true_random=False))
def test_figures_are_deterministic_and_independent_of_component_order(seed, size, shuffle):
    design = random_design(seed, size)
    first = estimate_design(design, CATALOG).to_json()
    assert estimate_design(design, CATALOG).to_json() == first
    reordered = copy.deepcopy(design)
    shuffle.shuffle(reordered.components)
    shuffle.shuffle(reordered.links)
    reordered.invalidate_indexes()
    assert estimate_design(reordered, CATALOG).to_json() == first


EDITS = ("property", "unset", "link", "unlink", "add", "remove", "move", "name")


def _edit(design: Design, rng: random.Random) -> list[ops.Change]:
    choice = rng.choice(EDITS)
    components = design.components
    if choice in ("property", "unset"):
        candidates = [c for c in components if c.kind in RANGES]
        if not candidates:
            return []
        component = rng.choice(candidates)
        prop = rng.choice(list(RANGES[component.kind]))
        if choice == "unset":
            return ops.set_property(design, CATALOG, component.id, prop, None)[1]
        probe = _with_figures(Design(components=[component.model_copy(deep=True)]), rng.randrange(10**6))
        value = probe.components[0].properties.get(prop)
        return ops.set_property(design, CATALOG, component.id, prop, value)[1]
    if choice == "link" and len(components) > 1:
        source, target = rng.sample(components, 2)
        if ops.find_link(design, source.id, target.id) or ops.find_link(design, target.id, source.id):
            return []
        return ops.add_link(design, ops.make_link(design, CATALOG, source.id, target.id))
    if choice == "unlink" and design.links:
        return ops.remove_link(design, rng.choice(design.links).id)[1]
    if choice == "add":
        kind = rng.choice(list(RANGES))
        return ops.add_component(design, CATALOG, ops.make_component(design, CATALOG, kind))
    if choice == "remove" and components:
        return ops.remove_component(design, rng.choice(components).id)[1]
    if choice == "move" and components:
        return ops.move_components(design, {rng.choice(components).id: (1.0, 2.0)})[1]
    if choice == "name" and components:
        return ops.set_component_field(
            design, rng.choice(components).id, "name", f"Renamed {rng.random():.3f}"
        )[1]
    return []


TEMPLATE_PATHS = [t.path for t in list_templates()]


@SETTINGS
@given(seed=st.integers(0, 10_000), template=st.sampled_from(TEMPLATE_PATHS))
def test_engine_after_edits_equals_a_fresh_estimate(seed, template):
    design = load_design(template, CATALOG).design
    engine = EstimateEngine(design, CATALOG)
    rng = random.Random(seed)
    engine.estimate()
    for step in range(12):
        engine.apply(_edit(design, rng))
        fresh = estimate_design(design, CATALOG)
        assert engine.estimate().to_json() == fresh.to_json(), f"step {step}"
        if step % 4 == 0:
            assert (
                engine.estimate(qps_scale=2.0).to_json()
                == estimate_design(design, CATALOG, qps_scale=2.0).to_json()
            )


@pytest.mark.parametrize("path", TEMPLATE_PATHS, ids=[p.stem for p in TEMPLATE_PATHS])
def test_templates_have_complete_estimates(path):
    estimate = estimate_design(load_design(path, CATALOG).design, CATALOG)
    assert [f"{m.component}.{m.property}" for m in estimate.missing] == []
    assert all(not f.missing for figs in estimate.figures.values() for f in figs)
    assert estimate.totals["monthly_cost"] > 0 and estimate.totals["peak_qps"] > 0
