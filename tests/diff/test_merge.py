"""The three-way merge by id: clean merges, conflicts that keep ours, results that always load."""

from __future__ import annotations

import pytest

from app.diff import diff_designs
from app.diff.merge import merge_designs
from app.domain.model import Component, Decision, Design, Link
from app.persistence import design_to_bytes, load_design_bytes
from tests.factories import DesignBuilder


@pytest.fixture
def base(catalog) -> Design:
    b = DesignBuilder(catalog)
    b.add("feature_store", "Features", id="store")
    b.add("model", "Ranker", id="ranker", p99_latency_ms=50.0)
    b.add("endpoint", "API", id="api", latency_slo_ms=100.0)
    b.link("store", "ranker")
    b.link("ranker", "api")
    return b.design


def _copy(design: Design) -> Design:
    return load_design_bytes(design_to_bytes(design)).design


def test_independent_changes_merge_cleanly(base, catalog):
    ours, theirs = _copy(base), _copy(base)
    ours.component_by_id()["ranker"].properties["p99_latency_ms"] = 80.0
    ours.rule_overrides["R3"] = "off"
    theirs.component_by_id()["ranker"].name = "Two-stage ranker"  # same component, other field
    theirs.component_by_id()["api"].properties["latency_slo_ms"] = 150.0
    theirs.links[0].flow = "data"
    result = merge_designs(base, ours, theirs, catalog)
    assert result.conflicts == []
    ranker = result.design.component_by_id()["ranker"]
    assert ranker.name == "Two-stage ranker" and ranker.properties["p99_latency_ms"] == 80.0
    assert result.design.component_by_id()["api"].properties["latency_slo_ms"] == 150.0
    assert result.design.links[0].flow == "data" and result.design.rule_overrides == {"R3": "off"}


def test_same_field_changed_differently_is_a_conflict_that_keeps_ours(base, catalog):
    ours, theirs = _copy(base), _copy(base)
    ours.component_by_id()["ranker"].properties["p99_latency_ms"] = 80.0
    theirs.component_by_id()["ranker"].properties["p99_latency_ms"] = 60.0
    result = merge_designs(base, ours, theirs, catalog)
    assert [c.key for c in result.conflicts] == [("component", "ranker", "properties.p99_latency_ms")]
    assert result.design.component_by_id()["ranker"].properties["p99_latency_ms"] == 80.0
    assert "base 50 ms, ours 80 ms, theirs 60 ms; kept ours" in result.conflicts[0].describe()


def test_long_texts_that_differ_at_the_end_are_shown_where_they_differ(base, catalog):
    long = "Gradient-boosted trees on engineered aggregates rather than a deep sequence model"
    base.component_by_id()["ranker"].notes = long
    ours, theirs = _copy(base), _copy(base)
    ours.component_by_id()["ranker"].notes = long + " B"
    theirs.component_by_id()["ranker"].notes = long + " A"
    [conflict] = merge_designs(base, ours, theirs, catalog).conflicts
    text = conflict.describe()
    assert "model'" in text and "model B'" in text and "model A'" in text, text


def test_two_long_texts_alike_are_told_apart_when_the_third_differs_early(base, catalog):
    long = "Gradient-boosted trees on engineered aggregates rather than a deep sequence model"
    base.component_by_id()["ranker"].notes = long + " A"
    ours, theirs = _copy(base), _copy(base)
    ours.component_by_id()["ranker"].notes = long + " B"
    theirs.component_by_id()["ranker"].notes = "A deep sequence model"
    [conflict] = merge_designs(base, ours, theirs, catalog).conflicts
    text = conflict.describe()
    assert "model A', ours '" in text and "model B', theirs 'A deep sequence model';" in text, text


def test_same_change_on_both_sides_is_no_conflict(base, catalog):
    ours, theirs = _copy(base), _copy(base)
    for side in (ours, theirs):
        side.meta.title = "Agreed"
    result = merge_designs(base, ours, theirs, catalog)
    assert result.conflicts == [] and result.design.meta.title == "Agreed"


def test_link_to_a_component_the_other_side_removed_is_dropped(base, catalog):
    ours, theirs = _copy(base), _copy(base)
    ours.components = [c for c in ours.components if c.id != "store"]
    ours.links = [lk for lk in ours.links if lk.source != "store"]
    ours.invalidate_indexes()
    theirs.links.append(Link(id="l9", source="store", target="api"))
    result = merge_designs(base, ours, theirs, catalog)
    assert ("link", "l9", "") in {c.key for c in result.conflicts}
    assert "store" not in result.design.component_by_id()
    assert "l9" not in result.design.link_by_id()
    load_design_bytes(design_to_bytes(result.design))


def test_both_sides_adding_the_same_id_keep_both(base, catalog):
    ours, theirs = _copy(base), _copy(base)
    ours.components.append(Component(id="monitor_1", kind="monitor", name="Drift"))
    theirs.components.append(Component(id="monitor_1", kind="monitor", name="Latency"))
    theirs.links.append(Link(id="l3", source="api", target="monitor_1", flow="watch"))
    theirs.invalidate_indexes()
    result = merge_designs(base, ours, theirs, catalog)
    assert result.conflicts == []
    names = {c.id: c.name for c in result.design.components}
    assert names["monitor_1"] == "Drift" and names["monitor_2"] == "Latency"
    assert result.design.link_by_id()["l3"].target == "monitor_2"
    assert result.notes == ["both sides added component monitor_1; theirs is kept as monitor_2"]


def test_removed_on_one_side_changed_on_the_other_keeps_ours(base, catalog):
    ours, theirs = _copy(base), _copy(base)
    ours.component_by_id()["api"].name = "Public API"
    theirs.components = [c for c in theirs.components if c.id != "api"]
    theirs.links = [lk for lk in theirs.links if lk.target != "api"]
    theirs.invalidate_indexes()
    result = merge_designs(base, ours, theirs, catalog)
    assert [c.key for c in result.conflicts] == [("component", "api", "")]
    assert result.design.component_by_id()["api"].name == "Public API"
    swapped = merge_designs(base, theirs, ours, catalog)
    assert [c.key for c in swapped.conflicts] == [("component", "api", "")]
    assert "api" not in swapped.design.component_by_id()


def test_a_merge_that_would_make_a_loop_restores_ours(base, catalog):
    ours, theirs = _copy(base), _copy(base)
    ours.link_by_id()["l2"].target = "store"  # ranker -> api becomes ranker -> store
    theirs.link_by_id()["l2"].source = "store"  # ranker -> api becomes store -> api
    result = merge_designs(base, ours, theirs, catalog)
    assert [c.key for c in result.conflicts] == [("link", "l2", "")]
    assert "loops" in result.conflicts[0].describe()
    link = result.design.link_by_id()["l2"]
    assert (link.source, link.target) == ("ranker", "store")
    load_design_bytes(design_to_bytes(result.design))


def _decided(base: Design) -> Design:
    # title and consequences: fields of design decisions (schema 3), kept as extra fields before it
    base.decisions.append(
        Decision.model_validate(
            {
                "id": "d1",
                "rule": "R24",
                "rationale": "ok",
                "date": "2026-01-01",
                "title": "Use GBDT",
                "consequences": "Fast",
            }
        )
    )
    return base


def test_decisions_merge_and_diff_field_by_field(base, catalog):
    base = _decided(base)
    ours, theirs = _copy(base), _copy(base)
    ours.decisions[0].rationale = "Reviewed"
    theirs.decisions[0].consequences = "Fast, but less accurate"
    result = merge_designs(base, ours, theirs, catalog)
    assert result.conflicts == []
    merged = result.design.decisions[0].model_dump()
    assert merged["rationale"] == "Reviewed" and merged["consequences"] == "Fast, but less accurate"
    changes = {(c.target, c.id, c.field) for c in diff_designs(base, result.design).changes}
    assert changes == {("decision", "d1", "rationale"), ("decision", "d1", "consequences")}
    ours.decisions[0].title = "Use GBDT (LightGBM)"
    theirs.decisions[0].title = "Use a neural net"
    clash = merge_designs(base, ours, theirs, catalog)
    assert [c.key for c in clash.conflicts] == [("decision", "d1", "title")]
    assert clash.design.decisions[0].model_dump()["title"] == "Use GBDT (LightGBM)"


def test_a_dropped_link_says_so(base, catalog):
    ours, theirs = _copy(base), _copy(base)
    ours.components = [c for c in ours.components if c.id != "api"]
    ours.links = [lk for lk in ours.links if lk.target != "api"]
    ours.invalidate_indexes()
    theirs.link_by_id()["l2"].label = "scores"
    result = merge_designs(base, ours, theirs, catalog)
    assert [c.key for c in result.conflicts] == [("link", "l2", "")]
    assert result.conflicts[0].describe().endswith("; kept ours")  # ours removed it: it stays removed
    swapped = merge_designs(base, theirs, ours, catalog)
    assert {c.key for c in swapped.conflicts} == {("link", "l2", "")}
    text = swapped.conflicts[0].describe()
    assert "an end component was removed" in text and text.endswith("; dropped")
    assert "l2" not in swapped.design.link_by_id()


def test_supersedes_set_in_a_circle_by_the_two_sides_restores_ours(base, catalog):
    for number in (1, 2):
        base.decisions.append(Decision(id=f"d{number}", title=f"Choice {number}", date="2026-01-01"))
    ours, theirs = _copy(base), _copy(base)
    ours.decisions[1].supersedes = "d1"  # each side alone is fine
    theirs.decisions[0].supersedes = "d2"
    result = merge_designs(base, ours, theirs, catalog)
    assert [(d.id, d.supersedes) for d in result.design.decisions] == [("d1", ""), ("d2", "d1")]
    assert [c.key for c in result.conflicts] == [("decision", "d1", "supersedes")]
    assert "circle" in result.conflicts[0].describe() and "restored ours" in result.conflicts[0].describe()
    load_design_bytes(design_to_bytes(result.design))  # loads


def test_their_new_decision_superseding_one_ours_removed_is_kept_superseding_nothing(base, catalog):
    base.decisions.append(Decision(id="d1", title="Nightly batch", date="2026-01-01"))
    ours, theirs = _copy(base), _copy(base)
    ours.decisions.clear()
    theirs.decisions.append(Decision(id="d2", title="Hourly batch", date="2026-01-02", supersedes="d1"))
    result = merge_designs(base, ours, theirs, catalog)
    assert [(d.id, d.title, d.supersedes) for d in result.design.decisions] == [("d2", "Hourly batch", "")]
    (conflict,) = result.conflicts
    assert conflict.key == ("decision", "d2", "") and "made it supersede nothing" in conflict.describe()


def test_a_conflict_shows_an_id_on_one_line_without_its_bidi_controls(catalog):
    """An id holding an RLO reversed the rest of the conflict's stderr line (the values were
    already shown safely); a line break in it split the line."""
    b = DesignBuilder(catalog)
    b.add("model", "Ranker", id="evil\u202eabc\nx", p99_latency_ms=50.0)
    base = b.design
    ours, theirs = _copy(base), _copy(base)
    ours.components[0].properties["p99_latency_ms"] = 80.0
    theirs.components[0].properties["p99_latency_ms"] = 60.0
    [conflict] = merge_designs(base, ours, theirs, catalog).conflicts
    assert conflict.describe() == (
        "component evilabc x properties.p99_latency_ms: base 50 ms, ours 80 ms, theirs 60 ms; kept ours"
    )
