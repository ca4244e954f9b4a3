"""DesignGraph answers as networkx's DiGraph does, after any sequence of edits (the rules read
it through networkx's names; networkx itself stays out of `mlsd check`)."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.digraph import DesignGraph

NODES = [f"n{i}" for i in range(7)]
edits = st.lists(
    st.one_of(
        st.tuples(st.just("add_node"), st.sampled_from(NODES), st.integers(0, 3)),
        st.tuples(st.just("add_edge"), st.sampled_from(NODES), st.sampled_from(NODES), st.integers(0, 3)),
        st.tuples(st.just("remove_node"), st.sampled_from(NODES)),
        st.tuples(st.just("remove_edge"), st.sampled_from(NODES), st.sampled_from(NODES)),
    ),
    max_size=40,
)


def _apply(graph: DesignGraph | nx.DiGraph[str], edit: tuple[Any, ...]) -> bool:
    """Apply one edit; False when both graphs must refuse it (no such node or edge)."""
    name = edit[0]
    if name == "add_node":
        graph.add_node(edit[1], weight=edit[2])
    elif name == "add_edge":
        graph.add_edge(edit[1], edit[2], weight=edit[3])
    elif name == "remove_node":
        if edit[1] not in graph:
            return False
        graph.remove_node(edit[1])
    elif not graph.has_edge(edit[1], edit[2]):
        return False
    else:
        graph.remove_edge(edit[1], edit[2])
    return True


@settings(max_examples=300, deadline=None)
@given(edits)
def test_every_answer_matches_networkx_after_random_edits(steps: list[tuple[Any, ...]]) -> None:
    ours = DesignGraph()
    theirs: nx.DiGraph[str] = nx.DiGraph()
    for edit in steps:
        assert _apply(ours, edit) == _apply(theirs, edit)
    assert list(ours.nodes(data=True)) == list(theirs.nodes(data=True))
    assert list(ours.edges(data=True)) == list(theirs.edges(data=True))
    assert list(ours.edges) == list(theirs.edges) and len(ours.edges) == len(theirs.edges)
    assert len(ours) == ours.number_of_nodes() == theirs.number_of_nodes()
    assert ours.number_of_edges() == theirs.number_of_edges()
    for node in NODES:
        assert (node in ours) == (node in theirs) == ours.has_node(node)
        if node not in theirs:
            continue
        assert ours.nodes[node] == theirs.nodes[node]
        assert list(ours.successors(node)) == list(theirs.successors(node))
        assert list(ours.predecessors(node)) == list(theirs.predecessors(node))
        assert dict(ours.succ[node]) == dict(theirs.succ[node])
        assert dict(ours.pred[node]) == dict(theirs.pred[node])
        assert ours.descendants(node) == nx.descendants(theirs, node)
        assert ours.ancestors(node) == nx.ancestors(theirs, node)
        for other in NODES:
            assert ours.has_edge(node, other) == theirs.has_edge(node, other)
            assert ((node, other) in ours.edges) == ((node, other) in theirs.edges)
            assert ours.get_edge_data(node, other) == theirs.get_edge_data(node, other)


def test_an_edge_s_attributes_are_one_dict_seen_from_both_ends_and_updated_in_place() -> None:
    graph = DesignGraph()
    graph.add_edge("a", "b", flow="data")
    graph.edges["a", "b"].update(flow="label")
    assert graph.pred["b"]["a"] is graph.succ["a"]["b"]
    assert graph.get_edge_data("a", "b") == {"flow": "label"}
    graph.add_edge("a", "b", phase="serve")  # a second add updates, never duplicates
    assert list(graph.edges(data=True)) == [("a", "b", {"flow": "label", "phase": "serve"})]


def test_a_loop_back_to_the_start_does_not_make_a_node_its_own_descendant() -> None:
    graph = DesignGraph()
    graph.add_edges_from([("a", "b"), ("b", "a"), ("b", "c")])
    assert graph.descendants("a") == {"b", "c"}
    assert graph.ancestors("a") == {"b"}


def test_missing_nodes_and_edges_are_refused() -> None:
    graph = DesignGraph()
    graph.add_node("a")
    with pytest.raises(KeyError):
        graph.remove_node("zz")
    with pytest.raises(KeyError):
        graph.remove_edge("a", "zz")
    with pytest.raises(KeyError):
        graph.descendants("zz")
    assert graph.get_edge_data("a", "zz", "none") == "none"


weights = st.fixed_dictionaries({"w": st.integers()})
bulk_nodes = st.lists(
    st.one_of(st.sampled_from(NODES), st.tuples(st.sampled_from(NODES), weights)),
    max_size=10,
)
bulk_edges = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(NODES), st.sampled_from(NODES)),
        st.tuples(st.sampled_from(NODES), st.sampled_from(NODES), weights),
    ),
    max_size=15,
)


@settings(max_examples=200, deadline=None)
@given(bulk_nodes, bulk_edges)
def test_bulk_adds_match_networkx_and_copy_the_attributes(nodes: list[Any], edges: list[Any]) -> None:
    ours = DesignGraph()
    theirs: nx.DiGraph[str] = nx.DiGraph()
    for graph in (ours, theirs):
        graph.add_nodes_from(nodes)
        graph.add_edges_from(edges)
    assert list(ours.nodes(data=True)) == list(theirs.nodes(data=True))
    assert list(ours.edges(data=True)) == list(theirs.edges(data=True))
    for item in [*nodes, *edges]:
        if isinstance(item[-1], dict):
            item[-1]["w"] = "changed later"  # the graph holds copies
    assert "changed later" not in repr(list(ours.nodes(data=True)) + list(ours.edges(data=True)))
