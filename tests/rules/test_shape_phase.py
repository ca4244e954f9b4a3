"""What a link edit keeps: the walks a phase edit cannot change (a link's phase matters to them
only when it enters or leaves the train phase), the findings of rules that read no link, and
the findings a rule run again finds again."""

from __future__ import annotations

from app.domain import ops
from app.rules import RuleEngine, check_design
from app.rules.shape import ReachBitsKey
from tests.factories import large_design


def _serve_walks(engine: RuleEngine) -> dict[object, object]:
    return {k: v for k, v in engine.shape.values.items() if isinstance(k, ReachBitsKey) and k.serve}



def _count_rule_runs(monkeypatch) -> list[str]:
    """The ids of the rules the engine runs from now on, in order."""
    import app.rules.engine as engine_module

    ran: list[str] = []
    run_rule = engine_module.run_rule

    def counting(spec, context, *made):
        ran.append(spec.id)
        return run_rule(spec, context, *made)

    monkeypatch.setattr(engine_module, "run_rule", counting)
    return ran

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


def test_a_link_edit_reruns_only_the_rules_that_read_the_links(catalog, monkeypatch):
    """R15 (a source's owner) reads properties only: a link edit keeps its findings, while R5
    (orphans) reads the links and runs again; the result still equals a fresh check."""
    design = large_design(catalog, 120, 240, seed=2)
    engine = RuleEngine(design, catalog)
    before = engine.check()
    ran = _count_rule_runs(monkeypatch)
    a, b = design.components[0], design.components[-1]
    engine.apply(ops.add_link(design, ops.make_link(design, catalog, a.id, b.id)))
    result = engine.check()
    assert "R5" in ran and "R15" not in ran
    assert result.findings == check_design(design, catalog).findings
    # a rule run again makes no new finding of what it found before
    again = [f for f in result.findings if f.rule == "R5" and f in before.findings]
    assert again
    assert all(any(f is old for old in before.findings) for f in again)


def test_a_deleted_link_leaves_the_order_a_fresh_check_finds(catalog):
    """R49 names the first landing of a cascade in topological order: after a link between two
    loops is deleted, the order kept would still be topological but not the fresh one, and the
    incremental check named another landing."""
    import random

    rng = random.Random(7)
    design = large_design(catalog, 60, 120, seed=7)
    for component in design.components:
        if component.kind == "endpoint":
            component.properties["mode"] = "online"
    engine = RuleEngine(design, catalog)
    engine.check()
    for _ in range(2):
        if rng.random() < 0.5:
            _, changes = ops.remove_link(design, rng.choice(design.links).id)
        else:
            a, b = rng.sample(design.components, 2)
            assert not ops.find_link(design, a.id, b.id)
            link = ops.make_link(design, catalog, a.id, b.id, feedback=rng.random() < 0.3)
            changes = ops.add_link(design, link)
        engine.apply(changes)
        assert engine.check().findings == check_design(design, catalog).findings


def test_a_link_that_closes_no_loop_keeps_the_data_loops(catalog):
    from app.rules.shape import TopologyKey

    design = large_design(catalog, 120, 240, seed=2)
    engine = RuleEngine(design, catalog)
    engine.check()
    loops = engine.shape.values[("data_loops", True)]
    assert loops
    where = engine.shape.values[TopologyKey(True)].where
    kinds = {c.id: c.kind for c in design.components}
    source, target = next(
        (a, b)
        for a in where
        for b in where
        if where[a] < where[b] and kinds[b] != "governance" and not ops.find_link(design, a, b)
    )
    engine.apply(ops.add_link(design, ops.make_link(design, catalog, source, target)))
    assert engine.shape.values[("data_loops", True)] is loops
    assert engine.check().findings == check_design(design, catalog).findings


def test_a_link_edit_keeps_the_findings_of_rules_reading_only_walks_it_leaves_as_they_are(
    catalog, monkeypatch
):
    """A phase edit between serve and both changes no walk: the rules that read the links only
    through walks keep their findings; those reading the links themselves run again."""
    design = large_design(catalog, 120, 240, seed=2)
    engine = RuleEngine(design, catalog)
    engine.check()
    walks_only = {rule for rule, (links, shapes) in engine._reads.items() if not links and shapes}
    assert walks_only
    ran = _count_rule_runs(monkeypatch)
    link = next(lk for lk in design.links if lk.phase == "both")
    engine.apply(ops.set_link_fields(design, link.id, phase="serve")[1])
    result = engine.check()
    assert ran and not walks_only & set(ran)
    assert result.findings == check_design(design, catalog).findings
