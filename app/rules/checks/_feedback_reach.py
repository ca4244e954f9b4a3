"""Reach bit masks that cross links marked feedback without walking the loops they close.

A link marked feedback says a loop is meant; data still flows along it (personal data does
not stop where a loop's mark happens to sit). Walking with feedback links included makes
most of a large design one loop, which the bit walks settle slowly; instead the walk without
them is kept, and the masks that cross a feedback link are pushed on from its target with
another feedback-free walk, until no feedback link brings anything new.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from app.rules import bitwalk
from app.rules.context import RuleContext
from app.rules.shape import aspects_of
from app.rules.walks import reach_masks, seed_masks


def reach_bits_across_feedback(
    ctx: RuleContext, seeds: list[str], stop: Iterable[str], serve: bool = False
) -> Mapping[str, int]:
    """`ctx.reach_bits(seeds, stop=stop, serve=serve, feedback=True)`, computed from
    feedback-free walks (see the module docstring). Kept until the design's shape changes."""
    stopped = frozenset(stop)
    key = ("reach_bits_across_feedback", tuple(seeds), stopped, serve)
    return ctx.shape_memo(key, lambda: _compute(ctx, seeds, stopped, serve), aspects_of(False, serve))


def _compute(ctx: RuleContext, seeds: list[str], stop: frozenset[str], serve: bool) -> Mapping[str, int]:
    bits: Mapping[str, int] = ctx.reach_bits(seeds, stop=stop, serve=serve)
    links = [
        (a, b) for a, b in ctx.feedback_links() if not (serve and ctx.succ[a][b]["phase"] == "train")
    ]
    if not links:
        return bits
    own = seed_masks(tuple(seeds))
    found = dict(bits)
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
            for node, mask in _walk(ctx, passing, stop, serve).items():
                found[node] = found.get(node, 0) | mask


def _walk(ctx: RuleContext, own: dict[str, int], stop: frozenset[str], serve: bool) -> dict[str, int]:
    """Masks pushed forward from `own` along the links, feedback links left out."""
    topology = ctx.topology()
    if not bitwalk.pays(len(own), topology):
        return reach_masks(topology, ctx.adjacency(True, False, serve), own, stop, True)
    return bitwalk.reach_masks(ctx.numbered(True, False, serve), own, stop, True)
