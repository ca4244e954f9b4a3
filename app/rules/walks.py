"""Graph walks over plain neighbour lists: the traversals behind RuleContext's `reach`,
`reach_bits`, `topo_index` and `loops`, written without networkx's views for speed.

Every function takes an `Adjacency` (node -> neighbour list) that RuleContext builds once per
shape of the design, already filtered (feedback links left out unless asked for, train-phase
links left out when serving).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

Adjacency = dict[str, list[str]]


class Topology(NamedTuple):
    """Nodes in topological order of their strongly connected components, each node's
    component number (`where`), and the loops (components of more than one node, or a node
    linked to itself)."""

    order: list[str]
    where: dict[str, int]
    loops: list[list[str]]


def strongly_connected(nodes: Iterable[str], succ: Mapping[str, list[str]]) -> list[list[str]]:
    """Strongly connected components in topological order (iterative Tarjan).

    A component comes before every component it has a link into.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(succ.get(root, ())))]
        while work:
            node, neighbours = work[-1]
            descended = False
            for nxt in neighbours:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(succ.get(nxt, ()))))
                    descended = True
                    break
                if nxt in on_stack and index[nxt] < low[node]:
                    low[node] = index[nxt]
            if descended:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[node] < low[parent]:
                    low[parent] = low[node]
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(component)
    result.reverse()
    return result


def topology(adj: Adjacency) -> Topology:
    """The topological order of the strongly connected components of `adj`."""
    indegree = dict.fromkeys(adj, 0)
    for nbrs in adj.values():
        for nxt in nbrs:
            indegree[nxt] += 1
    queue = [n for n, d in indegree.items() if d == 0]
    order: list[str] = []
    while queue:  # Kahn: enough when there is no loop
        node = queue.pop()
        order.append(node)
        for nxt in adj[node]:
            indegree[nxt] -= 1
            if not indegree[nxt]:
                queue.append(nxt)
    if len(order) == len(adj):
        return Topology(order, {n: i for i, n in enumerate(order)}, [])
    comps = strongly_connected(adj, adj)
    where = {n: i for i, comp in enumerate(comps) for n in comp}
    order = [n for comp in comps for n in comp]
    loops = [comp for comp in comps if len(comp) > 1 or comp[0] in adj[comp[0]]]
    return Topology(order, where, loops)


def reach(adj: Adjacency, sources: Iterable[str], stop: frozenset[str], through_stop: bool) -> set[str]:
    """Nodes reachable from any source by at least one link (one BFS for all sources).

    Nodes in `stop` are reached but not passed through (with `through_stop=False` they are not
    even reached). Sources are always expanded.
    """
    seen: set[str] = set()
    frontier = [s for s in sources if s in adj]
    while frontier:
        node = frontier.pop()
        for nxt in adj[node]:
            if nxt in seen:
                continue
            if nxt in stop:
                if through_stop:
                    seen.add(nxt)
                continue
            seen.add(nxt)
            frontier.append(nxt)
    return seen


def own_bits(seeds: tuple[str, ...], node: str) -> int:
    """The bits of `seeds` that `node` is (a seed may be listed more than once)."""
    mine = 0
    for i, seed in enumerate(seeds):
        if seed == node:
            mine |= 1 << i
    return mine


def reach_bits(
    topo: Topology,
    forward_adj: Adjacency,
    pull: Adjacency,
    seeds: tuple[str, ...],
    stop: frozenset[str],
    forward: bool,
) -> dict[str, int]:
    """For every node, a bit mask of the seeds that reach it by at least one link (bit i
    stands for seeds[i]). `forward_adj` is the direction of travel, `pull` the opposite one.

    Nodes in `stop` receive bits but do not pass them on (seeds always pass their own bit).
    Only the part of the graph the seeds reach is visited, in topological order of strongly
    connected components; inside a loop the bits are iterated to a fixpoint.
    """
    own: dict[str, int] = {}
    for i, seed in enumerate(seeds):
        own[seed] = own.get(seed, 0) | (1 << i)
    return reach_masks(topo, forward_adj, pull, own, stop, forward)


def reach_masks(
    topo: Topology,
    forward_adj: Adjacency,
    pull: Adjacency,
    own: dict[str, int],
    stop: frozenset[str],
    forward: bool,
) -> dict[str, int]:
    """`reach_bits` for seeds that carry any mask of their own (`own`: seed -> its mask): for
    every node, the union of the masks of the seeds that reach it by at least one link."""
    order, where = topo.order, topo.where
    if len(own) * 32 >= len(order):
        ranked = list(order)  # many seeds: visiting everything is cheaper than a BFS first
    else:
        reached = reach(forward_adj, own, stop, True)
        if not reached:
            return {}
        if len(reached) * 8 > len(order):
            ranked = [n for n in order if n in reached]
        else:
            ranked = sorted(reached, key=where.__getitem__)
    if not forward:
        ranked.reverse()
    in_loop = {n for loop in topo.loops if len(loop) > 1 for n in loop}
    out = dict(own)  # what each node passes on
    bits: dict[str, int] = {}
    get_out, get_own = out.get, own.get
    i, count = 0, len(ranked)
    while i < count:
        node = ranked[i]
        if node not in in_loop:
            acc = 0
            for prev in pull[node]:
                acc |= get_out(prev, 0)
            if acc:
                bits[node] = acc
                if node not in stop:
                    out[node] = acc | get_own(node, 0)
            i += 1
            continue
        end = i + 1
        while end < count and where[ranked[end]] == where[node]:
            end += 1
        group = ranked[i:end]
        changed = True
        while changed:  # a loop: iterate to a fixpoint inside it
            changed = False
            for member in group:
                acc = 0
                for prev in pull[member]:
                    acc |= get_out(prev, 0)
                if acc != bits.get(member, 0):
                    bits[member] = acc
                    if member not in stop:
                        out[member] = acc | get_own(member, 0)
                    changed = True
        i = end
    return bits
