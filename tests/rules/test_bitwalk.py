"""The numbered walk (app/rules/bitwalk.py) finds the masks the dict walk finds."""

from __future__ import annotations

import random

import pytest

from app.domain.catalog import default_catalog
from app.rules import RuleEngine, bitwalk, walks
from app.rules.checks._bits import pick, transpose
from app.rules.context import RuleContext
from tests.factories import large_design


def _graph(rng: random.Random, count: int, links: int) -> tuple[walks.Adjacency, walks.Adjacency]:
    nodes = [f"n{i}" for i in range(count)]
    succ: walks.Adjacency = {n: [] for n in nodes}
    pred: walks.Adjacency = {n: [] for n in nodes}
    for _ in range(links):
        a, b = rng.choice(nodes), rng.choice(nodes)  # loops and self-links included
        if b not in succ[a]:
            succ[a].append(b)
            pred[b].append(a)
    return succ, pred


@pytest.mark.parametrize("seed", range(40))
def test_numbered_walk_finds_the_masks_of_the_dict_walk(seed):
    rng = random.Random(seed)
    count = rng.randint(1, 60)
    succ, pred = _graph(rng, count, rng.randint(0, 3 * count))
    topo = walks.topology(succ)
    nodes = list(succ)
    for forward, adj in ((True, succ), (False, pred)):
        numbered = bitwalk.numbered(topo, adj)
        for _ in range(5):
            seeds = tuple(rng.choice(nodes) for _ in range(rng.randint(1, 8)))  # repeats too
            stop = frozenset(rng.sample(nodes, rng.randint(0, count // 2)))
            own = walks.seed_masks(seeds)
            expected = walks.reach_masks(topo, adj, own, stop, forward)
            assert bitwalk.reach_masks(numbered, own, stop, forward) == expected


@pytest.mark.parametrize("seed", range(20))
def test_a_numbering_made_from_a_kept_one_is_the_one_made_anew(seed):
    """A walk numbered from another walk's numbering of the same graph (its numbers, and the
    neighbour lists it shares with a walk in the same direction) is numbered as it would be
    alone, whatever numbering is kept."""
    rng = random.Random(seed)
    count = rng.randint(1, 60)
    graph = large_design(default_catalog(), count, rng.randint(0, 2 * count), seed=seed)
    for k in rng.sample(graph.links, len(graph.links) // 3):
        k.phase = "train"
    engine = RuleEngine(graph)
    walks_ = [(f, fb, sv) for f in (True, False) for fb in (True, False) for sv in (True, False)]
    rng.shuffle(walks_)
    ctx = RuleContext(graph, engine.mirror.graph, engine.catalog, engine.shape)
    for forward, feedback, serve in walks_:
        fresh = bitwalk.numbered(ctx.topology(feedback), ctx.adjacency(forward, feedback, serve))
        assert ctx.numbered(forward, feedback, serve) == fresh


@pytest.mark.parametrize("seed", range(20))
def test_transposed_bit_rows_are_the_columns_bit_by_bit(seed):
    rng = random.Random(seed)
    count, rows = rng.randint(0, 70), [rng.getrandbits(70) for _ in range(rng.randint(0, 40))]
    rows = [row & ((1 << count) - 1) for row in rows]
    expected = [sum(1 << i for i, row in enumerate(rows) if row >> k & 1) for k in range(count)]
    assert transpose(rows, count) == expected
    first = rows[0] if rows else 0
    assert pick(list(range(count)), first) == [k for k in range(count) if first >> k & 1]
