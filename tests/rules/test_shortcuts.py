"""The checks' shortcuts (app/rules/checks/_shortcuts.py) answer as the long way does."""

from __future__ import annotations

import random

from app.domain.catalog import default_catalog
from app.domain.graph import GraphMirror
from app.rules.checks._bits import pick
from app.rules.checks._common import names
from app.rules.checks._shortcuts import names_of, reaching, with_other
from app.rules.context import RuleContext
from app.rules.walks import reach
from tests.factories import large_design


def _graph(seed: int, nodes: int = 60, links: int = 110) -> dict[str, list[str]]:
    rng = random.Random(seed)
    adj: dict[str, list[str]] = {f"n{i}": [] for i in range(nodes)}
    for _ in range(links):
        a, b = rng.randrange(nodes), rng.randrange(nodes)
        if f"n{b}" not in adj[f"n{a}"]:
            adj[f"n{a}"].append(f"n{b}")
    return adj


def _reverse(adj: dict[str, list[str]]) -> dict[str, list[str]]:
    back: dict[str, list[str]] = {node: [] for node in adj}
    for node, nbrs in adj.items():
        for nxt in nbrs:
            back[nxt].append(node)
    return back


def test_reaching_is_the_starts_a_walk_back_from_the_targets_finds() -> None:
    """Loops, self links, starts that are targets and blocked nodes included: the dead ends a
    failed walk remembers never hide a way a later walk has."""
    for seed in range(40):
        adj = _graph(seed)
        rng = random.Random(seed)
        nodes = list(adj)
        targets = set(rng.sample(nodes, 3))
        blocked = set(rng.sample(nodes, rng.choice((0, 5, 15))))
        starts = rng.sample(nodes, 25)
        # the long way: back from every target, reaching blocked nodes but passing none
        upstream = reach(_reverse(adj), targets, frozenset(blocked), True)
        assert reaching(adj, starts, targets, blocked) == {s for s in starts if s in upstream}, seed


def test_reaching_needs_a_link() -> None:
    adj = {"a": ["b"], "b": [], "c": ["c"]}
    assert reaching(adj, ["a", "b", "c"], {"b", "c"}) == {"a", "c"}  # b is a target but has no link to one


def test_names_of_and_with_other_read_as_the_long_way() -> None:
    catalog = default_catalog()
    design = large_design(catalog, 40, 60)
    ctx = RuleContext(design, GraphMirror(design, catalog).graph, catalog)
    ids = [c.id for c in design.components]
    rng = random.Random(3)
    for _ in range(50):
        mask = rng.getrandbits(len(ids)) & rng.getrandbits(len(ids))
        assert names_of(ctx, ids, mask) == names(ctx, pick(ids, mask), ordered=True)
        one, others = rng.choice(ids), tuple(rng.sample(ids, rng.choice((0, 1, 1, 3))))
        assert with_other(ctx, one, others) == ctx.sorted_ids([one, *others])
    assert with_other(ctx, ids[5], (ids[5],)) == (ids[5],)
    assert with_other(ctx, "not-a-component", (ids[2],)) == ctx.sorted_ids(["not-a-component", ids[2]])
