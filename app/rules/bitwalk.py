"""Reach bit masks over numbered nodes: `walks.reach_masks` for a walk over most of the graph.

The nodes are numbered once per shape in topological order of their strongly connected
components (`Numbered`), their neighbour lists turned into lists of numbers, so a walk indexes
lists instead of looking ids up in dicts. The result is the same dict of non-zero masks.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from itertools import compress
from typing import Any, NamedTuple

from app.rules.shape import AdjacencyKey, NumberedKey, ShapeCache, aspects_of
from app.rules.walks import Adjacency, Topology, strongly_connected


def pays(seeds: int, topo: Topology) -> bool:
    """Whether a walk of `seeds` seeds over the nodes of `topo` is better done numbered: with
    few seeds the dict walk visits only what they reach, in a small graph numbering the nodes
    (again after every link edit) costs about what it saves, and in a graph mostly in loops the
    walk's cost is settling them, which numbering speeds up by about a tenth: less than
    numbering costs, unless several walks share it."""
    nodes = len(topo.order)
    if nodes < 2048 or seeds * 256 < nodes:
        return False
    return sum(len(loop) for loop in topo.loops if len(loop) > 1) * 2 < nodes


class Numbered(NamedTuple):
    """The nodes of a topology in its order (`ids`), each id's number (`number`), the
    neighbour lists of one walk in numbers (`nbrs`), the runs of that order a walk takes in
    one go: (start, end, whether the run is one loop of more than one node), and for each
    number whether its node has a neighbour to pass a mask to (`passes`) and whether it is in
    such a loop (`looped`)."""

    ids: list[str]
    number: dict[str, int]
    nbrs: list[list[int]]
    runs: list[tuple[int, int, bool]]
    passes: bytes
    looped: bytes


def numbered(
    topo: Topology, adj: Adjacency, like: Numbered | None = None, like_adj: Adjacency | None = None
) -> Numbered:
    """Number the nodes of `topo` and the neighbour lists `adj` of a walk over them.

    `like`, numbered from the same `topo`, lends its numbering; its neighbour lists, numbered
    from `like_adj`, are shared where `adj` holds the very list `like_adj` does (the filtered
    neighbour lists of a walk keep the unfiltered ones of every node they leave as they are)."""
    if like is not None:
        ids, number, runs, looped = like.ids, like.number, like.runs, like.looped
    else:
        ids = topo.order
        number = {node: i for i, node in enumerate(ids)}
        runs = _runs(topo, number)
        in_loop = bytearray(len(ids))
        for start, end, loop in runs:
            if loop:
                in_loop[start:end] = b"\1" * (end - start)
        looped = bytes(in_loop)
    at = number.__getitem__
    if like is not None and like_adj is not None:
        lent = like.nbrs
        nbrs = [
            lent[i] if (mine := adj[node]) is like_adj[node] else [*map(at, mine)]
            for i, node in enumerate(ids)
        ]
    else:
        nbrs = [[*map(at, adj[node])] for node in ids]
    return Numbered(ids, number, nbrs, runs, bytes(map(bool, nbrs)), looped)


def numbering(shape: ShapeCache, key: NumberedKey, topo: Topology, adj: Adjacency) -> Numbered:
    """`numbered(topo, adj)` for the walk of `key`, kept in `shape` (until a link edit)."""
    return shape.get(
        key, lambda: _numbered_like(shape.values, key, topo, adj), aspects_of(key.feedback, key.serve)
    )


def _numbered_like(
    values: Mapping[Hashable, Any], key: NumberedKey, topo: Topology, adj: Adjacency
) -> Numbered:
    """`numbered(topo, adj)`, made from a numbering of the same topology kept in the shape
    cache's `values` if there is one (its numbers, and the neighbour lists of a walk in the
    same direction where they agree)."""
    for forward, serve in (
        (key.forward, not key.serve),
        (not key.forward, key.serve),
        (not key.forward, not key.serve),
    ):
        like = values.get(NumberedKey(forward, key.feedback, serve))
        if like is not None:
            same_way = (
                values.get(AdjacencyKey(forward, key.feedback, serve)) if forward == key.forward else None
            )
            return numbered(topo, adj, like, same_way)
    return numbered(topo, adj)


def _runs(topo: Topology, number: dict[str, int]) -> list[tuple[int, int, bool]]:
    """The runs of the order a walk takes in one go (see `Numbered`)."""
    runs: list[tuple[int, int, bool]] = []
    start = 0
    for loop in topo.loops:
        if len(loop) < 2:
            continue
        first = number[loop[0]]  # a loop's members are consecutive in the order
        if first > start:
            runs.append((start, first, False))
        runs.append((first, first + len(loop), True))
        start = first + len(loop)
    if start < len(topo.order):
        runs.append((start, len(topo.order), False))
    return runs


def reach_masks(num: Numbered, own: Mapping[str, int], stop: frozenset[str], forward: bool) -> dict[str, int]:
    """For every node, the union of the masks of the seeds (`own`: seed -> its mask) that
    reach it by at least one link, passed along `num`'s neighbour lists (which run forward in
    its order when `forward`, else backward). Nodes in `stop` receive masks but pass on only
    their own. Only nodes with a mask are in the result."""
    bits = reach_list(num, own, stop, forward)
    return dict(compress(zip(num.ids, bits, strict=True), bits))


def reach_list(num: Numbered, own: Mapping[str, int], stop: frozenset[str], forward: bool) -> list[int]:
    """`reach_masks` as a list: each node's mask (0 if none) at its number."""
    number, nbrs, looped = num.number, num.nbrs, num.looped
    count = len(num.ids)
    bits = [0] * count
    own_at = [0] * count  # the masks of seeds in loops (seeds elsewhere pass theirs on first)
    stops = bytearray(count)
    passing = bytearray(num.passes)  # the nodes that pass on what reaches them
    for node in stop:
        at = number.get(node)
        if at is not None:
            stops[at] = 1
            passing[at] = 0
    for node, mask in own.items():
        at = number.get(node)
        if at is None:
            continue
        if looped[at]:
            own_at[at] |= mask
        else:  # its neighbours come after it in the walk: what it passes on is its own and more
            for j in nbrs[at]:
                bits[j] |= mask
    for start, end, loop in num.runs if forward else reversed(num.runs):
        if loop:
            _settle_loop(range(start, end), nbrs, bits, own_at, stops)
            for i in range(start, end) if forward else range(end - 1, start - 1, -1):
                mask = own_at[i] if stops[i] else bits[i] | own_at[i]
                if mask:
                    for j in nbrs[i]:
                        bits[j] |= mask
            continue
        if forward:
            walked = compress(range(start, end), passing[start:end])
        else:
            walked = compress(range(end - 1, start - 1, -1), passing[start:end][::-1])
        for i in walked:
            mask = bits[i]
            if mask:
                for j in nbrs[i]:
                    bits[j] |= mask
    return bits


def _settle_loop(
    group: range, nbrs: list[list[int]], bits: list[int], own_at: list[int], stops: bytearray
) -> None:
    """Pass masks between the members of one loop (`bits` already holds what reached them
    from before it), as `walks._settle_loop` does; the caller then passes them on."""
    inner: dict[int, list[int]] = {}
    for node in group:
        inside = [m for m in nbrs[node] if m in group]
        if not stops[node]:
            inner[node] = inside
            continue
        inner[node] = []  # a stop passes on its own bits only, whatever reaches it
        mask = own_at[node]
        if mask:
            for nxt in inside:
                bits[nxt] |= mask
    for part in strongly_connected(group, inner):
        node = part[0]
        if len(part) == 1 and node not in inner[node]:
            mask = bits[node] | own_at[node]
            if mask:
                for nxt in inner[node]:
                    bits[nxt] |= mask
            continue
        mask = 0
        for member in part:
            mask |= bits[member] | own_at[member]
        if not mask:
            continue
        for member in part:
            bits[member] = mask
        for member in part:
            for nxt in inner[member]:
                bits[nxt] |= mask
