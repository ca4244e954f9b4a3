"""Structure.relinked after one pair's links are drawn, deleted or changed equals a fresh Structure."""

from __future__ import annotations

import random

from app.domain import ops
from app.estimates.structure import Structure
from tests.factories import DesignBuilder, large_design, staged_design


def _state(structure: Structure) -> dict[str, object]:
    state = {name: value for name, value in vars(structure).items() if not name.startswith("_")}
    # the walks kept lazily (a relinked structure keeps those the edit cannot change)
    state["retained"] = {s: structure.retained_reach(s) for s in structure.of_kind("data_source")}
    return state


def test_relinked_structure_equals_a_fresh_one_after_every_link_edit(catalog):
    rng = random.Random(4)
    design = large_design(catalog, 80, 160, seed=3)
    structure = Structure(design, catalog)
    for step in range(150):
        choice = rng.random()
        if choice < 0.35:
            a, b = rng.sample(design.components, 2)
            if ops.find_link(design, a.id, b.id):
                continue
            ops.add_link(design, ops.make_link(design, catalog, a.id, b.id, feedback=rng.random() < 0.3))
            source, target = a.id, b.id
        elif choice < 0.6:
            link = rng.choice(design.links)
            ops.remove_link(design, link.id)
            source, target = link.source, link.target
        else:
            link = rng.choice(design.links)
            edit = rng.choice(
                [
                    {"feedback": not link.feedback},
                    {"phase": rng.choice(["train", "serve", "both"])},
                    {"flow": rng.choice(["data", "feature", "artifact", "prediction", "watch", "label"])},
                ]
            )
            ops.set_link_fields(design, link.id, **edit)
            source, target = link.source, link.target
        if step % 2:  # fill the lazy walks before the edit, as a check would
            _state(structure)
        structure = structure.relinked(design, source, target)
        assert _state(structure) == _state(Structure(design, catalog)), f"step {step}"


def test_relinked_structure_redoes_the_data_walks_an_edit_reaches(catalog):
    """Links drawn and deleted among the kinds data travels through: the walks from the sources
    that reach the edited link are redone, the others kept."""
    rng = random.Random(9)
    design = staged_design(catalog, 150, seed=2)
    passing = {"data_source", "label_source", "data_pipeline", "governance", "data_validation"}
    passing |= {"feature_pipeline", "feature_store", "dataset"}
    walked = [c for c in design.components if c.kind in passing]
    structure = Structure(design, catalog)
    for step in range(200):
        if rng.random() < 0.6:
            a, b = rng.sample(walked, 2)
            if ops.find_link(design, a.id, b.id):
                continue
            ops.add_link(design, ops.make_link(design, catalog, a.id, b.id))
            source, target = a.id, b.id
        else:
            link = rng.choice([lk for lk in design.links if structure.kind[lk.source] in passing])
            ops.remove_link(design, link.id)
            source, target = link.source, link.target
        structure = structure.relinked(design, source, target)
        assert _state(structure) == _state(Structure(design, catalog)), f"step {step}"


def test_relinked_structure_redoes_the_serving_walks_an_edit_reaches(catalog):
    """Links drawn and deleted among models, endpoints and what serves them, of any flow: the
    models each endpoint calls are walked again when the edit can change them."""
    rng = random.Random(5)
    design = staged_design(catalog, 150, seed=4)
    serving = {"model", "baseline_model", "endpoint", "evaluation", "model_registry", "training_job"}
    serving |= {"feature_store", "cache", "vector_index", "retriever"}
    walked = [c for c in design.components if c.kind in serving]
    flows = ("artifact", "prediction", "eval", "feature", "data", "data", "label", "watch")
    structure = Structure(design, catalog)
    for step in range(400):
        if rng.random() < 0.6:
            a, b = rng.sample(walked, 2)
            if ops.find_link(design, a.id, b.id):
                continue
            link = ops.make_link(design, catalog, a.id, b.id, feedback=rng.random() < 0.2)
            link.flow, link.phase = rng.choice(flows), rng.choice(["train", "serve", "both"])
            ops.add_link(design, link)
            source, target = a.id, b.id
        else:
            link = rng.choice([lk for lk in design.links if structure.kind[lk.target] in serving])
            ops.remove_link(design, link.id)
            source, target = link.source, link.target
        structure = structure.relinked(design, source, target)
        assert _state(structure) == _state(Structure(design, catalog)), f"step {step}"


def test_a_model_feeding_a_served_model_at_request_time_is_called_by_its_endpoint(catalog):
    """A data link from one model into the model an endpoint serves: drawn, the endpoint calls
    both; deleted, only the one it serves."""
    builder = DesignBuilder(catalog)
    upstream, served, endpoint = builder.add("model"), builder.add("model"), builder.add("endpoint")
    builder.link(served, endpoint, flow="prediction")
    design = builder.design
    structure = Structure(design, catalog)
    link = ops.make_link(design, catalog, upstream, served)
    link.flow, link.phase = "data", "serve"
    ops.add_link(design, link)
    structure = structure.relinked(design, upstream, served)
    assert structure.endpoint_models[endpoint] == tuple(sorted((upstream, served)))
    assert _state(structure) == _state(Structure(design, catalog))
    ops.remove_link(design, link.id)
    structure = structure.relinked(design, upstream, served)
    assert structure.endpoint_models[endpoint] == (served,)
