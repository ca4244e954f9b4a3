"""The numbered walk (app/rules/bitwalk.py) finds the masks the dict walk finds."""

from __future__ import annotations

import random

import pytest

from app.rules import bitwalk, walks


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
