"""Graph walks over plain neighbour lists: the traversals behind RuleContext's `reach`,
`reach_bits`, `topo_index` and `loops`, written without networkx's views for speed.

Every function takes an `Adjacency` (node -> neighbour list) that RuleContext builds once per
shape of the design, already filtered (feedback links left out unless asked for, train-phase
links left out when serving).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from itertools import chain
from typing import NamedTuple, TypeVar

Adjacency = dict[str, list[str]]
N = TypeVar("N", bound=Hashable)
_DONE = sys.maxsize


class Topology(NamedTuple):
    """Nodes in topological order of their strongly connected components, each node's
    component number (`where`), and the loops (components of more than one node, or a node
    linked to itself)."""

    order: list[str]
    where: dict[str, int]
    loops: list[list[str]]


def strongly_connected(nodes: Iterable[N], succ: Mapping[N, list[N]]) -> list[list[N]]:
    """Strongly connected components in topological order (iterative Tarjan).

    A component comes before every component it has a link into.
    """
    # A node's index until its component is complete, then _DONE: no low link is lowered to
    # that, so a node needs no test of whether it is still on the stack.
    index: dict[N, int] = {}
    low: dict[N, int] = {}
    index_of = index.get
    stack: list[N] = []
    result: list[list[N]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        work = [(root, iter(succ.get(root, ())))]
        while work:
            node, neighbours = work[-1]
            lowest = low[node]
            for nxt in neighbours:
                at = index_of(nxt)
                if at is None:
                    low[node] = lowest
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    work.append((nxt, iter(succ.get(nxt, ()))))
                    break
                if at < lowest:
                    lowest = at
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    if lowest < low[parent]:
                        low[parent] = lowest
                if lowest == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        index[member] = _DONE
                        component.append(member)
                        if member == node:
                            break
                    result.append(component)
    result.reverse()
    return result


def topology(adj: Adjacency) -> Topology:
    """The topological order of the strongly connected components of `adj`."""
    indegree = dict(Counter(chain.from_iterable(adj.values())))  # a dict: indexed fast
    queue = [n for n in adj if n not in indegree]
    order: list[str] = []
    while queue:  # Kahn: enough when there is no loop
        node = queue.pop()
        order.append(node)
        for nxt in adj[node]:
            left = indegree[nxt] - 1
            indegree[nxt] = left
            if not left:
                queue.append(nxt)
    if len(order) == len(adj):
        return Topology(order, dict(zip(order, range(len(order)), strict=True)), [])
    comps = strongly_connected(adj, adj)
    where = {n: i for i, comp in enumerate(comps) for n in comp}
    order = list(chain.from_iterable(comps))
    loops = [comp for comp in comps if len(comp) > 1 or comp[0] in adj[comp[0]]]
    return Topology(order, where, loops)


def reach(adj: Adjacency, sources: Iterable[str], stop: frozenset[str], through_stop: bool) -> set[str]:
    """Nodes reachable from any source by at least one link (one BFS for all sources).

    Nodes in `stop` are reached but not passed through (with `through_stop=False` they are not
    even reached). Sources are always expanded.
    """
    seen: set[str] = set()
    frontier = [s for s in sources if s in adj]
    if not stop:
        while frontier:
            for nxt in adj[frontier.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        return seen
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
    if node not in seeds:  # most are not: one scan in C
        return 0
    mine = 0
    for i, seed in enumerate(seeds):
        if seed == node:
            mine |= 1 << i
    return mine


def reach_bits(
    topo: Topology,
    forward_adj: Adjacency,
    seeds: tuple[str, ...],
    stop: frozenset[str],
    forward: bool,
) -> dict[str, int]:
    """For every node, a bit mask of the seeds that reach it by at least one link (bit i
    stands for seeds[i]). `forward_adj` is the direction of travel.

    Nodes in `stop` receive bits but do not pass them on (seeds always pass their own bit).
    Bits travel in one pass in topological order of strongly connected components.
    """
    return reach_masks(topo, forward_adj, seed_masks(seeds), stop, forward)


def seed_masks(seeds: tuple[str, ...]) -> dict[str, int]:
    """Each seed's mask: bit i for seeds[i] (a seed may be listed more than once)."""
    own: dict[str, int] = {}
    for i, seed in enumerate(seeds):
        own[seed] = own.get(seed, 0) | (1 << i)
    return own


def reach_masks(
    topo: Topology,
    forward_adj: Adjacency,
    own: dict[str, int],
    stop: frozenset[str],
    forward: bool,
) -> dict[str, int]:
    """`reach_bits` for seeds that carry any mask of their own (`own`: seed -> its mask): for
    every node, the union of the masks of the seeds that reach it by at least one link.

    Masks are pushed along `forward_adj` in topological order, so a node no seed reaches
    costs one lookup; a loop is settled as a whole (`_settle_loop`).
    """
    order, where = topo.order, topo.where
    if len(own) * 256 >= len(order):
        ranked = order if forward else order[::-1]
    else:  # few seeds: find what they reach first rather than visit every node
        reached = reach(forward_adj, own, stop, True)
        if not reached:
            return {}
        seeds = (s for s in own if s in where)
        ranked = sorted(reached.union(seeds), key=where.__getitem__, reverse=not forward)
    in_loop = {n for loop in topo.loops if len(loop) > 1 for n in loop}
    bits: dict[str, int] = {}
    get_bits, get_own = bits.get, own.get
    # Most nodes are no seed, no stop and in no loop: one set lookup sends them the plain way.
    special = in_loop.union(own, stop)
    if not in_loop:
        for node in ranked:
            if node in special:
                mask = get_own(node, 0) if node in stop else get_bits(node, 0) | own[node]
            else:
                mask = get_bits(node, 0)
            if mask:
                for nxt in forward_adj[node]:
                    bits[nxt] = get_bits(nxt, 0) | mask
        return bits
    i, count = 0, len(ranked)
    while i < count:
        node = ranked[i]
        if node not in in_loop:
            i += 1
            if node not in special:
                mask = get_bits(node, 0)
            elif node in stop:
                mask = get_own(node, 0)
            else:
                mask = get_bits(node, 0) | get_own(node, 0)
            if mask:
                for nxt in forward_adj[node]:
                    bits[nxt] = get_bits(nxt, 0) | mask
            continue
        end = i + 1
        while end < count and where[ranked[end]] == where[node]:
            end += 1
        group = ranked[i:end]
        _settle_loop(group, forward_adj, bits, own, stop)
        for member in group:  # the loop settled: pass its masks on
            mask = get_own(member, 0) if member in stop else get_bits(member, 0) | get_own(member, 0)
            if mask:
                for nxt in forward_adj[member]:
                    bits[nxt] = get_bits(nxt, 0) | mask
        i = end
    return bits


def _settle_loop(
    group: list[str],
    forward_adj: Adjacency,
    bits: dict[str, int],
    own: dict[str, int],
    stop: frozenset[str],
) -> None:
    """Pass masks between the members of one loop (`bits` already holds what reached them
    from before the loop). Stops pass on nothing but their own bits, so the loop splits into
    smaller loops of members that do pass masks on; every member of one of those receives
    the same masks (what comes into any of them and their own), settled in one pass in
    topological order."""
    members = set(group)
    get_bits, get_own = bits.get, own.get
    inner: Adjacency = {}
    for node in group:
        nbrs = [m for m in forward_adj[node] if m in members]
        if node not in stop:
            inner[node] = nbrs
            continue
        inner[node] = []  # a stop passes on its own bits only, whatever reaches it
        mask = get_own(node, 0)
        if mask:
            for nxt in nbrs:
                bits[nxt] = get_bits(nxt, 0) | mask
    for part in strongly_connected(group, inner):
        node = part[0]
        if len(part) == 1 and node not in inner[node]:
            mask = get_bits(node, 0) | get_own(node, 0)
            if mask:
                for nxt in inner[node]:
                    bits[nxt] = get_bits(nxt, 0) | mask
            continue
        mask = 0
        for member in part:
            mask |= get_bits(member, 0) | get_own(member, 0)
        if not mask:
            continue
        for member in part:
            bits[member] = mask
        for member in part:
            for nxt in inner[member]:
                bits[nxt] = get_bits(nxt, 0) | mask
