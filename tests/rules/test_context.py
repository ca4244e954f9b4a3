"""The graph helpers the checks rely on agree with plain networkx on random graphs."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.catalog import default_catalog
from app.domain.digraph import DesignGraph
from app.domain.graph import design_to_graph
from app.domain.model import Component, Design, Link
from app.rules.context import RuleContext
from app.rules.shape import ShapeCache
from app.rules.walks import strongly_connected

KINDS = ("data_source", "model", "endpoint", "governance", "consumer")


@st.composite
def designs(draw) -> Design:
    n = draw(st.integers(2, 12))
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=n, max_size=n))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.booleans(), st.booleans()),
            max_size=3 * n,
        )
    )
    links, seen = [], set()
    for a, b, feedback, train in pairs:
        if a == b or (a, b) in seen:
            continue
        seen.add((a, b))
        phase = "train" if train else "both"
        links.append(
            Link(id=f"l{len(links)}", source=f"c{a}", target=f"c{b}", feedback=feedback, phase=phase)
        )
    components = [Component(id=f"c{i}", kind=kind) for i, kind in enumerate(kinds)]
    return Design(components=components, links=links)


def _context(design: Design) -> RuleContext:
    catalog = default_catalog()
    return RuleContext(design, design_to_graph(design, catalog), catalog, ShapeCache())


def _networkx(graph: DesignGraph) -> nx.DiGraph[str]:
    """The same graph as a networkx DiGraph, nodes, edges and attributes, in the same order."""
    copy: nx.DiGraph[str] = nx.DiGraph()
    copy.add_nodes_from(graph.nodes(data=True))
    copy.add_edges_from(graph.edges(data=True))
    return copy


def _view(graph: DesignGraph, feedback: bool, serve: bool, forward: bool) -> nx.DiGraph:
    kept = nx.DiGraph()
    kept.add_nodes_from(graph)
    kept.add_edges_from(
        (u, v)
        for u, v, d in graph.edges(data=True)
        if (feedback or not d["feedback"]) and not (serve and d["phase"] == "train")
    )
    return kept if forward else kept.reverse()


@settings(max_examples=300, deadline=None)
@given(designs(), st.booleans(), st.booleans(), st.booleans(), st.booleans())
def test_reach_bits_matches_per_seed_reachability(design, forward, feedback, serve, models_stop):
    """With `models_stop`, seeds are stops too (they pass on their own bit only), as when
    models carry bits to the next model."""
    ctx = _context(design)
    seeds = [c.id for c in design.components if c.kind in ("data_source", "model")]
    stop_kinds = ("governance", "model") if models_stop else ("governance",)
    stop = {c.id for c in design.components if c.kind in stop_kinds}
    bits = ctx.reach_bits(seeds, forward=forward, stop=stop, feedback=feedback, serve=serve)
    view = _view(ctx.graph, feedback, serve, forward)
    for i, seed in enumerate(seeds):
        # A node is reached when a link leads to it from the seed or from a node that passes:
        # one reachable from the seed through nodes that are not stops (the seed always passes).
        passing = view.subgraph(set(view) - (stop - {seed}))
        passes = nx.descendants(passing, seed) | {seed}
        expected = {target for node in passes for target in view.successors(node)}
        got = {node for node, mask in bits.items() if mask >> i & 1}
        assert got == expected, (seed, sorted(got), sorted(expected))
        plain = ctx.reach([seed], forward=forward, stop=stop, feedback=feedback, serve=serve)
        assert plain == expected


@settings(max_examples=150, deadline=None)
@given(designs(), st.booleans())
def test_strongly_connected_components_match_networkx_in_topological_order(design, feedback):
    ctx = _context(design)
    adj = ctx.adjacency(True, feedback)
    comps = strongly_connected(adj, adj)
    view = _view(ctx.graph, feedback, False, True)
    assert sorted(map(sorted, comps)) == sorted(map(sorted, nx.strongly_connected_components(view)))
    position = {node: i for i, comp in enumerate(comps) for node in comp}
    assert all(position[u] <= position[v] for u, v in view.edges)
    where = ctx.topo_index(feedback)
    assert all(where[u] <= where[v] for u, v in view.edges)
    assert sorted(map(sorted, ctx.loops(feedback))) == sorted(
        sorted(c) for c in nx.strongly_connected_components(view) if len(c) > 1
    )


@settings(max_examples=100, deadline=None)
@given(designs())
def test_spec_helpers_up_dn_and_bypass(design):
    ctx = _context(design)
    graph = _networkx(ctx.graph)
    assert list(graph.nodes(data=True)) == list(ctx.graph.nodes(data=True))
    assert list(graph.edges(data=True)) == list(ctx.graph.edges(data=True))
    for component in design.components:
        node = component.id
        assert {c.id for c in ctx.up(node, "model")} == {
            n for n in nx.ancestors(graph, node) if graph.nodes[n]["kind"] == "model"
        }
        assert {c.id for c in ctx.dn(node)} == nx.descendants(graph, node)
    first, last = design.components[0].id, design.components[-1].id
    blocked = {c.id for c in design.components if c.kind == "governance"} - {first, last}
    expected = first == last or nx.has_path(nx.restricted_view(graph, blocked, []), first, last)
    assert ctx.bypass(first, last, "governance") == expected


def test_link_edits_patch_every_cached_walk_to_what_a_fresh_walk_gives():
    """update_shape_for_link reads the named keys the context builds: after each link drawn or
    deleted, every walk left in the cache equals the same walk computed afresh."""
    import random

    from app.domain import ops
    from app.rules import RuleEngine
    from app.rules.shape import AdjacencyKey, ReachBitsKey, ReachKey, TopologyKey
    from tests.factories import large_design

    catalog = default_catalog()
    rng = random.Random(11)
    design = large_design(catalog, 40, 70, seed=4)
    engine = RuleEngine(design, catalog)
    checked = dict.fromkeys((AdjacencyKey, ReachKey, ReachBitsKey, TopologyKey), 0)
    for step in range(80):
        engine.check()
        if rng.random() < 0.5 and design.links:
            _, changes = ops.remove_link(design, rng.choice(design.links).id)
        else:
            a, b = rng.sample(design.components, 2)
            if ops.find_link(design, a.id, b.id):
                continue
            fields = {"feedback": rng.random() < 0.3, "phase": rng.choice(["train", "serve", "both"])}
            changes = ops.add_link(design, ops.make_link(design, catalog, a.id, b.id, **fields))
        engine.apply(changes)
        fresh = RuleContext(design, engine.mirror.graph, catalog, ShapeCache())
        for key, value in engine.shape.values.items():
            if isinstance(key, AdjacencyKey):
                expected = fresh.adjacency(key.forward, key.feedback, key.serve)
                assert {n: sorted(v) for n, v in value.items()} == {n: sorted(v) for n, v in expected.items()}
            elif isinstance(key, ReachKey):
                assert value == fresh.reach(
                    key.sources, forward=key.forward, stop=key.stop, feedback=key.feedback,
                    serve=key.serve, through_stop=key.through_stop,
                ), f"step {step}: {key}"  # fmt: skip
            elif isinstance(key, ReachBitsKey):
                assert dict(value) == dict(
                    fresh.reach_bits(
                        key.seeds, forward=key.forward, stop=key.stop, feedback=key.feedback, serve=key.serve
                    )
                ), f"step {step}: {key}"
            elif isinstance(key, TopologyKey):
                assert sorted(map(sorted, value.loops)) == sorted(map(sorted, fresh.loops(key.feedback)))
                adj = fresh.adjacency(True, key.feedback, False)
                assert all(value.where[u] <= value.where[v] for u in adj for v in adj[u])
            else:
                continue
            checked[type(key)] += 1
    assert all(checked.values()), checked
