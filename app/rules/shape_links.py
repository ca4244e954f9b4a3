"""Patching the shape cache (app/rules/shape.py) when one link is drawn or deleted, instead of
forgetting it: neighbour lists are patched, traversals the link cannot change are kept and
those it extends are grown in place; values computed from other values of the cache alone are
kept while those are.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from app.domain.digraph import DesignGraph
from app.domain.model import Design
from app.rules.shape import (
    SPECIAL_LINKS,
    AdjacencyKey,
    LinkEdit,
    ReachBitsKey,
    ReachKey,
    ShapeCache,
    SpecialLinks,
    TopologyKey,
)
from app.rules.walks import Adjacency, Topology, own_bits, reach, topology


def _follows(data: Mapping[str, Any], feedback: bool, serve: bool) -> bool:
    return (feedback or not data["feedback"]) and not (serve and data["phase"] == "train")


def update_shape_for_link(
    shape: ShapeCache, design: Design, graph: DesignGraph, edit: LinkEdit
) -> set[Hashable]:
    """After one link is drawn or deleted (`graph` already shows it), patch the cached
    neighbour lists, keep or extend the traversals it cannot invalidate, drop the rest.

    For a traversal following the link as a -> b: a new link changes nothing when the
    traversal never leaves a, and otherwise only adds what b now gets (grown in place); a
    deleted link changes nothing when the traversal never left a or, in a graph without
    loops, when b still gets the same from its other neighbours. A topological order the edit
    may change is found again and kept if it is the same. Values derived from
    traversals are dropped (unless stored with a `keep` that says they survive) and
    recomputed from the kept ones at the next check; values stored with a `relink` are
    brought up to date by it. Returns the keys of the values changed or dropped.
    """
    u, v = edit.source, edit.target
    values = shape.values
    acyclic = {k.feedback: not val.loops for k, val in values.items() if isinstance(k, TopologyKey)}
    changed: set[Hashable] = set()
    derived: list[Hashable] = []  # values computed from traversals, decided once those are
    for key, value in list(values.items()):  # neighbour lists first: growing traversals walks them
        if isinstance(key, AdjacencyKey) and edit.seen_by(key.feedback, key.serve):
            a, b = (u, v) if key.forward else (v, u)
            value[a] = [*value[a], b] if edit.added else [n for n in value[a] if n != b]
            changed.add(key)
        elif key == SPECIAL_LINKS:
            if edit.feedback or edit.train:
                changed.add(key)
            patched = [
                ([*pairs, (u, v)] if edit.added else [p for p in pairs if p != (u, v)]) if wanted else pairs
                for pairs, wanted in zip(value, (edit.feedback, edit.train), strict=True)
            ]
            values[key] = SpecialLinks(*patched)
    drop: list[Hashable] = []
    reordered: dict[Hashable, Topology] = {}
    for key, value in list(values.items()):
        if isinstance(key, AdjacencyKey) or key == SPECIAL_LINKS:
            continue
        if isinstance(key, TopologyKey):
            # Without feedback links the order itself is read (the first landing on the way,
            # the heaviest path), and a kept order, though still topological, need not be the
            # one a fresh check finds: it is found again (most edits leave it as it was). With
            # them only the loops are read.
            where = value.where
            if edit.seen_by(key.feedback, False) and not (
                key.feedback
                and (
                    where[u] <= where[v]
                    if edit.added
                    else where[u] != where[v] or _loop_holds(values, u, v, where)
                )
            ):
                walk = values.get(AdjacencyKey(True, key.feedback, False))
                if not value.loops and _same_last_link_in(graph, edit, where, key.feedback):
                    continue  # the walk finds the order it found
                fresh = None if walk is None else topology(walk)
                if fresh is None:
                    drop.append(key)
                elif (fresh.order, fresh.where, fresh.loops) != (value.order, where, value.loops):
                    reordered[key] = fresh  # stored once the values read from it are decided
                    changed.add(key)
        elif isinstance(key, ReachKey | ReachBitsKey):
            if not edit.seen_by(key.feedback, key.serve):
                continue
            a, b = (u, v) if key.forward else (v, u)
            walk = values.get(AdjacencyKey(key.forward, key.feedback, key.serve))
            if isinstance(key, ReachKey):
                kept = _update_reach(values, key, walk, a, b, edit.added)
                sources = tuple(key.sources)
                if values[key] is not value:
                    changed.add(key)
            else:
                kept, grown = _update_bits(value, key.seeds, key.stop, walk, a, b, edit.added)
                sources = key.seeds
                if grown:
                    changed.add(key)
            # Without loops, what b's other neighbours pass on never came through a -> b. With
            # them (feedback links followed) the same walk without feedback links, if the graph
            # has no loops without them, says what they pass on whatever the deleted link did,
            # for the neighbours linked to b by a link that is not feedback: one linked by a
            # feedback link may lie beyond b, what it got there having come through a -> b.
            twin = key._replace(feedback=False)
            without_loops = values if acyclic.get(key.feedback) else None
            by_twin = key.feedback and not without_loops and acyclic.get(False) and twin in values
            if by_twin:
                without_loops = {key: values[twin]}
            if not kept and not edit.added and without_loops is not None:
                pulls = graph.pred[b] if key.forward else graph.succ[b]
                follow_feedback = key.feedback and not by_twin
                others = [
                    w for w, data in pulls.items() if w != a and _follows(data, follow_feedback, key.serve)
                ]
                kept = _removal_harmless(
                    isinstance(key, ReachKey), value, without_loops[key], sources, key.stop, a, others
                )
            if not kept and isinstance(key, ReachKey) and walk is not None:  # walked again: cheap
                found = frozenset(reach(walk, key.sources, key.stop, key.through_stop))
                kept = found == value
                if not kept:
                    values[key], kept = found, True
                    changed.add(key)
            if not kept:
                drop.append(key)
        elif key in shape.relink:
            values[key] = shape.relink[key](value, design, u, v)
            changed.add(key)
        else:
            derived.append(key)
    drop += _derived_dropped(shape, graph, edit, derived, changed, changed.union(drop))
    values.update(reordered)
    for key in drop:
        shape.forget(key)
    return changed | set(drop)


def _derived_dropped(
    shape: ShapeCache,
    graph: DesignGraph,
    edit: LinkEdit,
    keys: list[Hashable],
    changed: set[Hashable],
    gone: set[Hashable],
) -> list[Hashable]:
    """Which of `keys` (values computed from traversals) go, decided after what they read (the
    traversals the edit changed or dropped are `gone`): a value whose reads of the cache are all
    there and unchanged stays if it read no link itself, or if its `local` says the links it
    reads are the same (or patched it: then it is `changed`); any other goes unless its `keep`
    says it survives."""
    values = shape.values
    dropped = []
    for key in _readers_last(shape, keys):
        reads = shape.reads.get(key)
        local = shape.local.get(key)
        answer = "gone"
        if reads is not None and all(read in values for read in reads):
            if key not in shape.linked:
                answer = "gone" if not reads.isdisjoint(gone) else "same"
            elif local is not None and all(_answered_locally(read) or read not in gone for read in reads):
                answer = local(values[key], graph, edit)
        if answer == "patched":
            changed.add(key)
            gone.add(key)
        elif answer == "gone":
            keep = shape.keep.get(key)
            if keep is None or not keep(values, graph, edit):
                dropped.append(key)
                gone.add(key)
    return dropped


def _answered_locally(read: Hashable) -> bool:
    """Whether a value with a `local` answers for this read itself (see `Local`)."""
    return isinstance(read, AdjacencyKey | TopologyKey) or read == SPECIAL_LINKS


def _readers_last(shape: ShapeCache, keys: list[Hashable]) -> list[Hashable]:
    """`keys` ordered so that a value comes after the values among them it read."""
    wanted, placed, ordered = set(keys), set(), []

    def place(key: Hashable) -> None:
        placed.add(key)
        for read in shape.reads.get(key, ()):
            if read in wanted and read not in placed:
                place(read)
        ordered.append(key)

    for key in keys:
        if key not in placed:
            place(key)
    return ordered


def _same_last_link_in(graph: DesignGraph, edit: LinkEdit, where: dict[str, int], feedback: bool) -> bool:
    """Whether `walks.topology`, on a graph without loops, finds the order it found before the
    edit: its walk takes a node once the last of the nodes linked into it is taken, so a link
    drawn or deleted into a node that also has a link in from a node after the link's source
    in that order changes nothing (that node is still its last; a drawn link keeps the graph
    without loops)."""
    after = where[edit.source]
    return any(
        w != edit.source and where[w] > after and _follows(data, feedback, False)
        for w, data in graph.pred[edit.target].items()
    )


def _loop_holds(values: dict[Hashable, Any], u: str, v: str, where: dict[str, int]) -> bool:
    """After the link u -> v inside a loop (feedback links followed) is deleted: u reaches v still."""
    walk, loop = values.get(AdjacencyKey(True, True, False)), where[u]
    if walk is None or u == v:
        return False
    seen, frontier = {u}, [u]
    while frontier:
        for nxt in walk[frontier.pop()]:
            if nxt == v:
                return True
            if nxt not in seen and where[nxt] == loop:
                seen.add(nxt)
                frontier.append(nxt)
    return False


def _update_reach(
    values: dict[Hashable, Any], key: ReachKey, walk: Adjacency | None, a: str, b: str, added: bool
) -> bool:
    """Whether a cached reach set survives the link a -> b; a new link grows it in place."""
    sources, stop, through_stop = key.sources, key.stop, key.through_stop
    reached: frozenset[str] = values[key]
    if not (a in sources or (a in reached and a not in stop)):
        return True  # the traversal never leaves a
    if not added:
        return b not in reached  # (only when b is a stop the traversal does not enter)
    if b in reached or (b in stop and not through_stop):
        return True
    if walk is None:
        return False
    grown = {b}
    frontier = [] if b in stop else [b]
    while frontier:
        for nxt in walk[frontier.pop()]:
            if nxt in reached or nxt in grown or (nxt in stop and not through_stop):
                continue
            grown.add(nxt)
            if nxt not in stop:
                frontier.append(nxt)
    values[key] = reached | grown
    return True


def _update_bits(
    bits: dict[str, int],
    seeds: tuple[str, ...],
    stop: frozenset[str],
    walk: Adjacency | None,
    a: str,
    b: str,
    added: bool,
) -> tuple[bool, bool]:
    """Whether cached reach bits survive the link a -> b, and whether they grew: a new link
    spreads a's bits in place."""
    own = own_bits(seeds, a)
    brought = own if a in stop else own | bits.get(a, 0)
    if not brought:
        return True, False
    if not added:
        return False, False
    new = brought & ~bits.get(b, 0)
    if not new:
        return True, False
    if walk is None:
        return False, False
    work = [(b, new)]
    while work:  # bits only grow: spread what is new until nothing changes
        node, incoming = work.pop()
        fresh = incoming & ~bits.get(node, 0)
        if not fresh:
            continue
        bits[node] = bits.get(node, 0) | fresh
        if node not in stop:
            work.extend((nxt, fresh) for nxt in walk[node])
    return True, True


def _removal_harmless(
    is_reach: bool,
    value: Any,
    acyclic_value: Any,
    sources: tuple[str, ...],
    stop: frozenset[str],
    a: str,
    others: list[str],
) -> bool:
    """b keeps everything a gave it (`value`) when its other neighbours give it too, as a walk
    that cannot have passed the deleted link (`acyclic_value`: on a graph without loops) says."""
    if is_reach:
        return any(w in sources or (w in acyclic_value and w not in stop) for w in others)

    def out(node: str, masks: Mapping[str, int]) -> int:
        own = own_bits(sources, node)
        return own if node in stop else own | masks.get(node, 0)

    rest = 0
    for w in others:
        rest |= out(w, acyclic_value)
    return not out(a, value) & ~rest
