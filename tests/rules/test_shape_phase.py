"""A link's phase matters to the cached walks only when it enters or leaves the train phase."""

from __future__ import annotations

from app.domain import ops
from app.rules import RuleEngine, check_design
from app.rules.shape import ReachBitsKey
from tests.factories import large_design


def _serve_walks(engine: RuleEngine) -> dict[object, object]:
    return {k: v for k, v in engine.shape.values.items() if isinstance(k, ReachBitsKey) and k.serve}


def test_a_phase_edit_between_serve_and_both_keeps_the_serve_time_walks(catalog):
    design = large_design(catalog, 120, 240, seed=2)
    engine = RuleEngine(design, catalog)
    engine.check()
    kept = _serve_walks(engine)
    assert kept
    link = next(lk for lk in design.links if lk.phase == "both")
    engine.apply(ops.set_link_fields(design, link.id, phase="serve")[1])
    assert _serve_walks(engine) == kept
    assert all(engine.shape.values[k] is v for k, v in kept.items())
    engine.apply(ops.set_link_fields(design, link.id, phase="train")[1])
    assert not _serve_walks(engine)
    assert engine.check().findings == check_design(design, catalog).findings
