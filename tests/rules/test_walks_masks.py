"""walks.reach_masks finds what a plain walk finds: the same masks, inserted in the same order
(a rule may list what it reads of them in that order)."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from app.rules import walks


def _reference(
    topo: walks.Topology, adj: walks.Adjacency, own: dict[str, int], stop: frozenset[str], forward: bool
) -> dict[str, int]:
    """Every node looked at the same way, in the order reach_masks visits them."""
    order, where = topo.order, topo.where
    if len(own) * 256 >= len(order):
        ranked = order if forward else order[::-1]
    else:
        reached = walks.reach(adj, own, stop, True)
        if not reached:
            return {}
        ranked = sorted(
            reached.union(s for s in own if s in where), key=where.__getitem__, reverse=not forward
        )
    in_loop = {n for loop in topo.loops if len(loop) > 1 for n in loop}
    bits: dict[str, int] = {}
    i = 0
    while i < len(ranked):
        node = ranked[i]
        if node not in in_loop:
            i += 1
            mask = own.get(node, 0) if node in stop else bits.get(node, 0) | own.get(node, 0)
            for nxt in adj[node] if mask else ():
                bits[nxt] = bits.get(nxt, 0) | mask
            continue
        end = i + 1
        while end < len(ranked) and where[ranked[end]] == where[node]:
            end += 1
        group = ranked[i:end]
        walks._settle_loop(group, adj, bits, own, stop)
        for member in group:
            mask = own.get(member, 0) if member in stop else bits.get(member, 0) | own.get(member, 0)
            for nxt in adj[member] if mask else ():
                bits[nxt] = bits.get(nxt, 0) | mask
        i = end
    return bits


@st.composite
def _walks(draw: st.DrawFn) -> tuple[walks.Adjacency, walks.Adjacency, tuple[str, ...], frozenset[str]]:
    """A graph (without loops, or with), seeds and stops; with few seeds for its size (one or
    two in several hundred nodes) the walk visits only what they reach."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    few = draw(st.booleans())
    count = rng.randint(300, 600) if few else rng.randint(1, 40)
    nodes = [f"n{i}" for i in range(count)]
    succ: walks.Adjacency = {n: [] for n in nodes}
    pred: walks.Adjacency = {n: [] for n in nodes}
    acyclic = draw(st.booleans())
    for _ in range(rng.randint(0, 3 * count)):
        a, b = rng.randrange(count), rng.randrange(count)  # self-links too
        if acyclic and a >= b:
            continue
        if nodes[b] not in succ[nodes[a]]:
            succ[nodes[a]].append(nodes[b])
            pred[nodes[b]].append(nodes[a])
    seeds = tuple(rng.choice(nodes) for _ in range(rng.randint(1, 2 if few else count)))  # repeats too
    stop = frozenset(rng.sample(nodes, rng.randint(0, count // 2)))
    return succ, pred, seeds, stop


@settings(max_examples=300, deadline=None)
@given(_walks(), st.booleans())
def test_reach_masks_finds_what_a_plain_walk_finds_in_the_same_order(walk, forward):
    succ, pred, seeds, stop = walk
    topo = walks.topology(succ)
    adj = succ if forward else pred
    own = walks.seed_masks(seeds)
    found = walks.reach_masks(topo, adj, own, stop, forward)
    expected = _reference(topo, adj, own, stop, forward)
    assert list(found.items()) == list(expected.items())
