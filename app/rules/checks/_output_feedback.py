"""Reach across the output links of the seeds themselves when those links are marked feedback.

A training job whose output link into its model closes a warm-start or continual-training loop
still ships what it trains: the mark says the loop is meant, not that the model stops there.
Walking every job across every feedback link of a large design is costly (most of it becomes
one loop); only the few feedback links leaving a seed into the kinds asked for are crossed
here, walked feedback-free from their targets, and what those walks reach is credited to the
seeds crossing into them. Used by R28; `own_link_reach` crosses the seeds' own such links in
the seeds' walk itself (R13, R44, R45 from sources; R33, R49 and `model_reach` from the models,
both ways, which also cross a marked link between two stores of data the walk reaches)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

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


# Where a model's scores are kept as data, and where another model's data is read from: a link
# marked feedback from the one into the other still carries the scores (a scores table, a
# prediction cache written back into a feature pipeline or a training set)
SCORE_HOLDERS = ("dataset", "cache", "feature_store", "data_pipeline", "feature_pipeline", "vector_index")
_READERS = (*SCORE_HOLDERS, "training_job")


def own_link_reach(
    ctx: RuleContext,
    seeds: list[str],
    stop: Iterable[str],
    forward: bool = True,
    stores: bool = False,
    own_only: bool = False,
) -> Mapping[str, int]:
    """`ctx.reach_bits(seeds, forward=forward, stop=stop)` (bit i for seeds[i]), where the seeds'
    own links marked feedback (leaving a seed; entering it when not `forward`) are crossed too:
    the link's far end gains the seed's bit (and, from a seed that is no stop, what reaches the
    seed), and so does what the far end reaches without feedback links, not passing a stop.
    With `stores`, so is a link marked feedback from a store of data (`SCORE_HOLDERS`) into one or
    into a training job, from the end the walk reaches (no stop) with what reaches that end;
    with `own_only` too, the walk is that one (shared) but only the seeds' own links are crossed.

    One walk: the far ends that are no stops walk as extra seeds beside the seeds (their bits
    above the seeds'), each standing for the seeds crossing into it, so a large design pays a
    few more bits in the walk rather than a second walk from every seed, and a link drawn later
    grows it in place like any walk's masks. Without such links it is the plain walk."""
    stopped = frozenset(stop)
    mine = set(seeds)

    def own_links() -> list[tuple[str, str]]:  # (seed or a store, far end)
        pairs = ctx.feedback_links() if forward else [(b, a) for a, b in ctx.feedback_links()]
        if not stores:
            return [(a, b) for a, b in pairs if a in mine]
        kind_of = ctx.kind_of
        near, far = (SCORE_HOLDERS, _READERS) if forward else (_READERS, SCORE_HOLDERS)
        return [
            (a, b)
            for a, b in pairs
            if a in mine or (kind_of.get(a) in near and kind_of.get(b) in far and a not in stopped)
        ]

    if not own_links():
        return ctx.reach_bits(seeds, forward=forward, stop=stopped)

    def compute() -> Mapping[str, int]:
        links = own_links()  # read here too: the value goes when the feedback links change
        bit = {seed: 1 << i for i, seed in enumerate(seeds)}
        ends = list(dict.fromkeys(end for _, end in links if end not in stopped))
        bits = ctx.reach_bits([*seeds, *ends], forward=forward, stop=stopped)
        crossed = _Crossed(bits, len(seeds), ends, dict.fromkeys((end for _, end in links), 0))
        crossing = crossed.crossing  # the seeds' bits crossing into each far end
        crossed_links = [(near, end) for near, end in links if near in mine] if own_only else links
        grown = True
        while grown:  # an end's walk may reach a seed that is no stop and has such a link
            grown = False
            for near, end in crossed_links:
                mask = bit.get(near, 0) if near in stopped else bit.get(near, 0) | crossed.get(near, 0)
                if mask & ~crossing[end]:
                    crossing[end] |= mask
                    crossed.resolved.clear()
                    grown = True
        return crossed

    key = ("own_link_reach", tuple(seeds), stopped, forward, stores, own_only)
    return ctx.shape_memo(key, compute, {"links", "feedback"})


def learners_of(ctx: RuleContext, models: list[str]) -> Mapping[str, int]:
    """For every node, the models (bit i for models[i]) learning from it: it reaches them not
    through another model, or reaches a model's own input link marked feedback (a training job's
    output link closing a continual-training loop still trains the model), or a link marked
    feedback from a store of data into one or a training job that reaches them."""
    return own_link_reach(ctx, models, models, forward=False, stores=True)


class _Crossed(Mapping[str, int]):
    """The masks of a walk whose seeds are the `count` seeds then the far `ends`, with each
    end's bit read as the seeds crossing into it (`crossing`, which the end itself gains too).
    Read node by node: the few nodes a rule asks about are resolved, not the whole walk."""

    __slots__ = ("bits", "count", "ends", "crossing", "low", "resolved")

    def __init__(self, bits: Mapping[str, int], count: int, ends: list[str], crossing: dict[str, int]):
        self.bits, self.count, self.ends, self.crossing = bits, count, ends, crossing
        self.low = (1 << count) - 1
        self.resolved: dict[int, int] = {}  # the ends' bits of a mask -> the seeds they stand for

    def get(self, node: str, default: int = 0) -> int:  # type: ignore[override]
        mask = self.bits.get(node, 0)
        if mask <= self.low and node not in self.crossing:  # most nodes: no end reaches them
            return mask or default
        high = mask >> self.count
        if high:
            found = self.resolved.get(high)
            if found is None:
                found = 0
                for end in pick(self.ends, high):
                    found |= self.crossing[end]
                self.resolved[high] = found
            mask = mask & self.low | found
        return mask | self.crossing.get(node, 0)

    def __getitem__(self, node: str) -> int:
        mask = self.get(node)
        if not mask:
            raise KeyError(node)
        return mask

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __iter__(self) -> Iterator[str]:  # an end no seed crosses into walks with no bit
        yield from (node for node in self.bits if self.get(node))
        yield from (end for end in self.crossing if end not in self.bits and self.crossing[end])
