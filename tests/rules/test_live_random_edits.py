"""The live engine after random edits of every bundled design equals a fresh check, edit by
edit: links drawn (some marked feedback) and deleted, a link's feedback mark or phase changed,
a choice property set, a component deleted and restored. The templates' loops, feedback links
and serving paths reach cached values that random synthetic designs rarely do."""

from __future__ import annotations

import random

import pytest

from app.domain import ops
from app.domain.catalog import default_catalog
from app.domain.model import Design
from app.persistence.loader import load_design
from app.resources import resource_path
from app.rules import RuleEngine
from app.rules.engine import CheckResult
from app.templates import templates_dir

EDITS = 120
DESIGNS = sorted(templates_dir().glob("*.mlsd")) + [resource_path("examples", "example.mlsd")]


def seen(result: CheckResult) -> list[tuple[str, str, tuple[str, ...], str]]:
    return [(f.rule, f.message, tuple(f.components), str(f.severity)) for f in result.findings]


def random_edit(design: Design, rng: random.Random) -> list[ops.Change]:
    catalog = default_catalog()
    roll = rng.random()
    if roll < 0.35 or not design.links:
        a, b = rng.sample(design.components, 2)
        if ops.find_link(design, a.id, b.id) is not None:
            return []
        return ops.add_link(design, ops.make_link(design, catalog, a.id, b.id, feedback=rng.random() < 0.3))
    link = rng.choice(design.links)
    if roll < 0.6:
        return ops.remove_link(design, link.id)[1]
    if roll < 0.75:
        return ops.set_link_fields(design, link.id, feedback=not link.feedback)[1]
    if roll < 0.85:
        return ops.set_link_fields(design, link.id, phase=rng.choice(["train", "serve", "both"]))[1]
    component = rng.choice(design.components)
    choices = [p for p in catalog.kinds[component.kind].properties if p.type == "enum"]
    if not choices:
        return []
    prop = rng.choice(choices)
    return ops.set_property(design, catalog, component.id, prop.name, rng.choice(prop.values))[1]


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_live_engine_equals_a_fresh_check_after_each_random_edit(path):
    catalog = default_catalog()
    design = load_design(path, catalog).design
    rng = random.Random(f"7-{path.name}")
    engine = RuleEngine(design, catalog)
    engine.check()
    for step in range(EDITS):
        if step % 25 == 24:  # a component deleted, and restored by the next edit (Undo)
            removed, changes = ops.remove_component(design, rng.choice(design.components).id)
            engine.apply(changes)
            assert seen(engine.check()) == seen(RuleEngine(design, catalog).check()), (path.name, step)
            changes = ops.restore_component(design, removed)
        else:
            changes = random_edit(design, rng)
        engine.apply(changes)
        assert seen(engine.check()) == seen(RuleEngine(design, catalog).check()), (path.name, step)
