"""Cheaper answers to questions the checks ask often: the names a finding shows of a bit mask's
components without picking them all (`names_of`), a component with the others a finding names
in design order (`with_other`), and which of a few nodes reach a set of targets, walked from
each until one is met rather than back from every target over the whole graph (`reaching`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet

from app.rules.context import RuleContext


def names_of(ctx: RuleContext, seq: list[str], mask: int, limit: int = 4) -> str:
    """`names(ctx, pick(seq, mask), limit, ordered=True)` (for `seq` in design order), reading
    only the bits it shows rather than picking every one."""
    count = mask.bit_count()
    shown = []
    for _ in range(limit - 1 if count > limit else count):
        low = mask & -mask
        shown.append(ctx.name(seq[low.bit_length() - 1]))
        mask ^= low
    if count > limit:
        shown.append(f"{count - limit + 1:,} more")
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def with_other(ctx: RuleContext, component_id: str, also: tuple[str, ...]) -> tuple[str, ...]:
    """`ctx.sorted_ids([component_id, *also])`, without a set and a sort for the one other
    component most notes name."""
    if not also:
        return (component_id,)
    if len(also) == 1:
        order = ctx.order
        other = also[0]
        if other == component_id:
            return (component_id,)
        at, other_at = order.get(component_id), order.get(other)
        if at is not None and other_at is not None:
            return (component_id, other) if at < other_at else (other, component_id)
    return ctx.sorted_ids([component_id, *also])


def reaching(
    adj: Mapping[str, list[str]],
    starts: Iterable[str],
    targets: AbstractSet[str],
    blocked: AbstractSet[str] = frozenset(),
) -> set[str]:
    """The nodes of `starts` with a way of at least one link (along `adj`) to a node of
    `targets`, passing no node of `blocked` on the way (a start is always left). Each start is
    walked from until a target is met (in most designs a few links away), instead of walking
    back from every target over the whole graph; what a failed walk visited reaches no target,
    and no later walk enters it again."""
    found: set[str] = set()
    dead = set(blocked)  # nodes not to enter: blocked, or known to reach no target
    for start in starts:
        seen = {start}
        todo = [start]
        hit = False
        while todo and not hit:
            for nxt in adj.get(todo.pop(), ()):
                if nxt in targets:
                    hit = True
                    break
                if nxt in seen or nxt in dead:
                    continue
                if nxt in found:
                    hit = True
                    break
                seen.add(nxt)
                todo.append(nxt)
        if hit:
            found.add(start)
        else:
            dead |= seen
    return found
