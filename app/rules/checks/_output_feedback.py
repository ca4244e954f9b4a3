"""Reach across the output links of the seeds themselves when those links are marked feedback.

A training job whose output link into its model closes a warm-start or continual-training loop
still ships what it trains: the mark says the loop is meant, not that the model stops there.
Walking every job across every feedback link of a large design is costly (most of it becomes
one loop); only the few feedback links leaving a seed into the kinds asked for are crossed
here, walked feedback-free from their targets, and what those walks reach is credited to the
seeds crossing into them. Used by R28."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from app.rules.checks._bits import pick
from app.rules.context import RuleContext


def across_output_links(
    ctx: RuleContext,
    seeds: list[str],
    stop: Iterable[str],
    into: tuple[str, ...],
    wanted: Iterable[str] | None = None,
) -> Mapping[str, int]:
    """`ctx.reach_bits(seeds, stop=stop)` (bit i for seeds[i]), where a seed whose output link
    into a component of a kind in `into` is marked feedback also reaches the link's target and
    what that target reaches (not passing a stop). With `wanted`, only those nodes' masks are
    given (others may be missing)."""
    stopped = frozenset(stop)
    bits = ctx.reach_bits(seeds, stop=stopped)
    bit = {seed: 1 << i for i, seed in enumerate(seeds)}
    kind_of = ctx.kind_of
    links = [(a, b) for a, b in ctx.feedback_links() if a in bit and kind_of.get(b) in into]
    if not links:
        return bits
    targets = list(dict.fromkeys(b for _, b in links))
    walk = [t for t in targets if t not in stopped]  # a stop receives the seeds but passes nothing
    below = ctx.reach_bits(walk, stop=stopped) if walk else {}
    crossing = dict.fromkeys(targets, 0)  # the seeds crossing into each target

    def extra(node: str) -> int:
        mask = crossing.get(node, 0)
        for target in pick(walk, below.get(node, 0)):
            mask |= crossing[target]
        return mask

    grown = True
    while grown:  # a target's walk may reach another seed with such a link
        grown = False
        for a, b in links:
            mask = bit[a] if a in stopped else bit[a] | bits.get(a, 0) | extra(a)
            if mask & ~crossing[b]:
                crossing[b] |= mask
                grown = True
    if wanted is not None:
        return {node: bits.get(node, 0) | extra(node) for node in wanted}
    merged = dict(bits)
    for node in dict.fromkeys([*targets, *below]):
        mask = extra(node)
        if mask:
            merged[node] = merged.get(node, 0) | mask
    return merged
