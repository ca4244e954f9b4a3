"""Reach bit masks that cross links marked feedback without walking the loops they close.

A link marked feedback says a loop is meant; data still flows along it (personal data does
not stop where a loop's mark happens to sit). Walking with feedback links included makes
most of a large design one loop, which the bit walks settle slowly; instead the walk without
them is kept, and the bits that cross a feedback link and are new where they land are pushed
on in sweeps along the feedback-free order, each node passing on only the bits that reached
it since it last passed, until no link (feedback or not) brings anything new. Where the
bit walks do not number the nodes (small designs, few seeds), rounds of dict walks do it:
the masks crossing feedback links walked on from their targets until none brings anything new.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import compress

from app.rules import bitwalk
from app.rules.context import RuleContext
from app.rules.shape import ReachBitsKey, aspects_of
from app.rules.walks import reach_masks, seed_masks


def reach_bits_across_feedback(
    ctx: RuleContext, seeds: list[str], stop: Iterable[str], serve: bool = False
) -> Mapping[str, int]:
    """`ctx.reach_bits(seeds, stop=stop, serve=serve, feedback=True)`, computed from the
    feedback-free walk (see the module docstring). Kept under the same key as those masks,
    so a link drawn later grows them in place (`update_shape_for_link`)."""
    key = ReachBitsKey(tuple(seeds), True, frozenset(stop), True, serve)
    return ctx.shape_memo(key, lambda: _compute(ctx, seeds, key.stop, serve), aspects_of(True, serve))


def _compute(ctx: RuleContext, seeds: list[str], stop: frozenset[str], serve: bool) -> dict[str, int]:
    links = [(a, b) for a, b in ctx.feedback_links() if not (serve and ctx.succ[a][b]["phase"] == "train")]
    if not links:  # a copy: the masks kept under this key are grown in place
        return dict(ctx.reach_bits(seeds, stop=stop, serve=serve))
    if not bitwalk.pays(len(seeds), ctx.topology()):
        return _rounds(ctx, ctx.reach_bits(seeds, stop=stop, serve=serve), links, seeds, stop, serve)
    num = ctx.numbered(True, False, serve)
    number, nbrs = num.number, num.nbrs
    count = len(num.ids)
    masks = seed_masks(tuple(seeds))
    found = bitwalk.reach_list(num, masks, stop, True)  # the walk without feedback links
    own = [0] * count
    for node, mask in masks.items():
        seed = number.get(node)
        if seed is not None:
            own[seed] = mask
    passing = bytearray(num.passes)  # the nodes that pass on what reaches them
    across: dict[int, list[int]] = {}  # each node's feedback links, as numbers
    crosses = bytearray(count)  # whether a node has a feedback link
    for a, b in links:
        source = number[a]
        across.setdefault(source, []).append(number[b])
        passing[source] = crosses[source] = 1
    stops = bytearray(count)
    for node in stop:
        stopped = number.get(node)
        if stopped is not None:
            stops[stopped] = 1
            passing[stopped] = 0
    # fresh: bits a node has received and not passed on; the first crossing passes all it has
    fresh = [0] * count
    start = count
    for source, targets in across.items():
        mask = own[source] if stops[source] else found[source] | own[source]
        for target in targets:
            gain = mask & ~found[target]
            if gain:
                found[target] |= gain
                fresh[target] |= gain
                start = min(start, target)
    looped = num.looped
    while start < count:
        again = count  # where the next sweep starts: the earliest node reached by a link back
        for i in compress(range(start, count), passing[start:count]):
            mask = fresh[i]
            if not mask:
                continue
            fresh[i] = 0
            for j in nbrs[i]:
                have = found[j]
                grown = have | mask
                if grown != have:
                    found[j] = grown
                    fresh[j] |= mask  # with bits it had: they stop at its neighbours, which have them
                    if j <= i and looped[i] and j < again:
                        again = j
            if not crosses[i]:
                continue
            for j in across[i]:
                have = found[j]
                grown = have | mask
                if grown != have:
                    found[j] = grown
                    fresh[j] |= mask
                    if j <= i and j < again:
                        again = j
        start = again
    return dict(compress(zip(num.ids, found, strict=True), found))


def _rounds(
    ctx: RuleContext,
    bits: Mapping[str, int],
    links: list[tuple[str, str]],
    seeds: list[str],
    stop: frozenset[str],
    serve: bool,
) -> dict[str, int]:
    """The same masks where numbering the nodes would cost more than it saves: in rounds, the
    masks that cross a feedback link and are new where they land are walked on from there
    without feedback links, until no feedback link brings anything new."""
    own = seed_masks(tuple(seeds))
    found = dict(bits)
    topology = ctx.topology()
    adj = ctx.adjacency(True, False, serve)
    while True:
        crossing: dict[str, int] = {}
        for a, b in links:
            mask = own.get(a, 0) if a in stop else found.get(a, 0) | own.get(a, 0)
            new = mask & ~found.get(b, 0)
            if new:
                crossing[b] = crossing.get(b, 0) | new
        if not crossing:
            return found
        for node, mask in crossing.items():
            found[node] = found.get(node, 0) | mask
        passing = {node: mask for node, mask in crossing.items() if node not in stop}
        if passing:
            for node, mask in reach_masks(topology, adj, passing, stop, True).items():
                found[node] = found.get(node, 0) | mask
