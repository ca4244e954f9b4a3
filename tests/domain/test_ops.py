import pytest

from app.domain import ops
from app.domain.errors import (
    DuplicateIdError,
    InvalidLinkError,
    PropertyValueError,
    UnknownComponentError,
    UnknownKindError,
    UnknownPropertyError,
)
from app.domain.graph import GraphMirror, design_to_graph
from app.persistence import design_to_bytes


def test_make_and_add_component_uses_kind_label_and_fresh_ids(builder, catalog):
    design = builder.design
    first = builder.add("model")
    second = builder.add("model")
    assert (first, second) == ("model_1", "model_2")
    assert design.component_by_id()[first].name == "Model"
    with pytest.raises(UnknownKindError):
        ops.make_component(design, catalog, "spaceship")


def test_failed_operations_leave_the_design_untouched(builder, catalog):
    a = builder.add("data_source", "Events")
    b = builder.add("model", "Ranker")
    builder.link(a, b)
    before = design_to_bytes(builder.design)
    design = builder.design
    with pytest.raises(InvalidLinkError, match="itself"):
        ops.make_link(design, catalog, a, a)
    with pytest.raises(InvalidLinkError, match="already links"):
        ops.make_link(design, catalog, a, b)
    with pytest.raises(PropertyValueError):
        ops.set_property(design, catalog, b, "family", "quantum")
    with pytest.raises(UnknownPropertyError):
        ops.set_property(design, catalog, b, "colour", "red")
    with pytest.raises(UnknownComponentError):
        ops.move_components(design, {a: (1, 2), "ghost": (3, 4)})
    with pytest.raises(ValueError, match=r"1e\+300 is beyond ±1e\+09"):  # the canvas overflowed
        ops.move_components(design, {a: (1, 2), b: (0, 1e300)})
    with pytest.raises(DuplicateIdError):
        ops.add_component(design, catalog, design.components[0].model_copy())
    with pytest.raises(InvalidLinkError, match="unknown flow"):
        ops.set_link_fields(design, design.links[0].id, flow="magic")
    assert design_to_bytes(design) == before


def test_remove_component_removes_its_links_and_restore_puts_them_back(builder):
    a, b, c = builder.add("data_source"), builder.add("feature_pipeline"), builder.add("model")
    builder.chain(a, b, c)
    other = builder.link(a, c)
    before = design_to_bytes(builder.design)
    removed, changes = ops.remove_component(builder.design, b)
    assert [lk.id for lk in builder.design.links] == [other]
    assert {ch.what for ch in changes} == {"link_removed", "component_removed"}
    ops.restore_component(builder.design, removed)
    assert design_to_bytes(builder.design) == before


def test_set_property_returns_old_value_and_none_unsets(builder, catalog):
    m = builder.add("model", family="gbdt")
    old, _ = ops.set_property(builder.design, catalog, m, "family", "linear")
    assert old == "gbdt"
    ops.set_property(builder.design, catalog, m, "family", None)
    assert "family" not in builder.design.component_by_id()[m].properties


def test_graph_mirror_follows_edits_like_a_rebuild(builder, catalog):
    a, b = builder.add("data_source"), builder.add("model")
    mirror = GraphMirror(builder.design, catalog)
    c = ops.make_component(builder.design, catalog, "endpoint")
    mirror.apply(ops.add_component(builder.design, catalog, c))
    link = ops.make_link(builder.design, catalog, b, c.id)
    mirror.apply(ops.add_link(builder.design, link))
    mirror.apply(ops.add_link(builder.design, ops.make_link(builder.design, catalog, a, b)))
    mirror.apply(ops.set_link_fields(builder.design, link.id, phase="serve")[1])
    mirror.apply(ops.remove_component(builder.design, a)[1])
    rebuilt = design_to_graph(builder.design, catalog)
    assert set(mirror.graph.nodes) == set(rebuilt.nodes) == {b, c.id}
    assert set(mirror.graph.edges) == set(rebuilt.edges) == {(b, c.id)}
    assert mirror.graph.edges[b, c.id]["phase"] == "serve"


def test_a_deep_copy_indexes_its_own_components_and_links(builder):
    """The cached id lookups were deep-copied apart from the lists: an edit to the copy's
    component was invisible through component_by_id() (and so to the diff and the rules)."""
    import copy

    a = builder.add("model", "Ranker")
    b = builder.add("endpoint", "API")
    link = builder.link(a, b)
    design = builder.design
    design.component_by_id(), design.link_by_id()  # cached before copying
    for duplicate in (design.model_copy(deep=True), copy.deepcopy(design)):
        assert duplicate.component_by_id()[a] is duplicate.components[0]
        assert duplicate.link_by_id()[link] is duplicate.links[0]
        duplicate.components[0].technology = "LightGBM"
        assert duplicate.component_by_id()[a].technology == "LightGBM"
        assert design.component_by_id()[a].technology == ""
