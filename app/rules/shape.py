"""The shape cache: graph traversals kept across checks while the design's shape allows.

A value in the cache depends only on the shape of the design (which components of which kinds
exist, how they are linked, and each link's flow, phase and feedback flag), never on component
properties or names. The traversals RuleContext computes are stored under the named keys below
(`AdjacencyKey`, `ReachKey`, `ReachBitsKey`, `TopologyKey`, `SPECIAL_LINKS`); the engine reads
the same keys in `update_shape_for_link` to patch them in place when one link is drawn or
deleted, instead of forgetting them. Any other value is dropped on such an edit unless it was
stored with a `keep` predicate that says it survives.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from app.domain.digraph import DesignGraph
from app.domain.model import Design
from app.rules.walks import Adjacency, Topology, own_bits

T = TypeVar("T")
Pair = tuple[str, str]

# What a cached value can depend on: which links exist (and which components: a change there
# clears everything), and each link's feedback flag, flow and phase ("phase": whether a link is
# of the train phase, all a traversal reads of it; a value reading more is stored with a
# `relink`).
ASPECTS = frozenset({"links", "feedback", "phase", "flow"})


def aspects_of(feedback: bool = False, serve: bool = False) -> frozenset[str]:
    """The link attributes a traversal reads: feedback links are skipped unless `feedback`,
    train-phase links are skipped when `serve`."""
    return frozenset({"links", *(() if feedback else ("feedback",)), *(("phase",) if serve else ())})


# ---- the keys (the trailing `tag` keeps keys of different walks from ever comparing equal) ----


class AdjacencyKey(NamedTuple):
    """Neighbour lists (value: `Adjacency`) along (forward) or against the links."""

    forward: bool
    feedback: bool
    serve: bool
    tag: str = "adjacency"


class ReachKey(NamedTuple):
    """The nodes reachable from `sources` (value: a frozenset of node ids)."""

    sources: frozenset[str]
    forward: bool
    stop: frozenset[str]
    feedback: bool
    serve: bool
    through_stop: bool
    tag: str = "reach"


class ReachBitsKey(NamedTuple):
    """For each node, which of `seeds` reach it (value: a dict of bit masks)."""

    seeds: tuple[str, ...]
    forward: bool
    stop: frozenset[str]
    feedback: bool
    serve: bool
    tag: str = "reach_bits"


class TopologyKey(NamedTuple):
    """Strongly connected components in topological order (value: `Topology`)."""

    feedback: bool
    tag: str = "topology"


class NumberedKey(NamedTuple):
    """The nodes numbered for a walk along `AdjacencyKey(forward, feedback, serve)` (value:
    `bitwalk.Numbered`); dropped by any link edit."""

    forward: bool
    feedback: bool
    serve: bool
    tag: str = "numbered"


class SpecialLinks(NamedTuple):
    """The links traversals may skip, as (source, target) pairs."""

    feedback: list[Pair]
    train: list[Pair]


SPECIAL_LINKS = "special_links"  # value: SpecialLinks

# (the cached values, the graph after a link edit, the edit) -> whether a value stays true.
# Traversals are already patched when it runs; nothing is dropped yet (a TopologyKey value
# still describes the graph before the edit).
Keep = Callable[[Mapping[Hashable, Any], DesignGraph, "LinkEdit"], bool]
# (the cached value, the design after an edit of the links from source to target, source,
# target) -> the value for the design as it is now, made cheaper than anew.
Relink = Callable[[Any, Design, str, str], Any]


class ShapeCache:
    """Results that depend only on the shape of the design.

    The engine keeps one across checks. An edit that adds or removes components clears it;
    drawing or deleting one link patches the traversals (`update_shape_for_link`); an edit of
    a link's flow, phase or feedback flag drops only the values that read that attribute;
    property, name and position edits keep everything. A value stored with a `relink` is
    brought up to date by it after any edit of links that keeps the components.
    """

    def __init__(self) -> None:
        self.values: dict[Hashable, Any] = {}
        self.depends: dict[Hashable, frozenset[str]] = {}
        self.keep: dict[Hashable, Keep] = {}
        self.relink: dict[Hashable, Relink] = {}
        self._signature: tuple[int, int] | None = None

    def clear(self) -> None:
        self.values.clear()
        self.depends.clear()
        self.keep.clear()
        self.relink.clear()
        self._signature = None

    def forget(self, key: Hashable) -> None:
        self.values.pop(key, None)
        self.depends.pop(key, None)
        self.keep.pop(key, None)
        self.relink.pop(key, None)

    def relink_values(self, design: Design, source: str, target: str) -> set[Hashable]:
        """Bring the values stored with a `relink` up to date after an edit of the links from
        `source` to `target`; their keys."""
        for key, relink in self.relink.items():
            self.values[key] = relink(self.values[key], design, source, target)
        return set(self.relink)

    def invalidate(self, aspects: Iterable[str]) -> set[Hashable]:
        """Forget the values that depend on any of `aspects` (but those stored with a `relink`:
        `relink_values` keeps them up to date); their keys."""
        changed = set(aspects)
        gone = {k for k, deps in self.depends.items() if deps & changed and k not in self.relink}
        for key in gone:
            self.forget(key)
        return gone

    def bind(self, graph: DesignGraph) -> ShapeCache:
        """Check the cache still belongs to `graph` (a cheap guard, not a full comparison)."""
        signature = (id(graph), graph.number_of_nodes())
        if signature != self._signature or len(self.values) > 4096:
            self.clear()
            self._signature = signature
        return self

    def get(
        self,
        key: Hashable,
        compute: Callable[[], T],
        depends: frozenset[str],
        keep: Keep | None = None,
        relink: Relink | None = None,
    ) -> T:
        try:
            found: T = self.values[key]
            return found
        except KeyError:
            value = self.values[key] = compute()
            self.depends[key] = depends
            if keep is not None:
                self.keep[key] = keep
            if relink is not None:
                self.relink[key] = relink
            return value


# ---- one link drawn or deleted ----------------------------------------------------------------


@dataclass(frozen=True)
class LinkEdit:
    """One link drawn (added) or deleted, with the attributes that decide which traversals see it."""

    source: str
    target: str
    feedback: bool
    train: bool
    added: bool
    flow: str = ""

    def seen_by(self, feedback: bool, serve: bool) -> bool:
        """Whether a traversal that skips feedback links unless `feedback`, and train-phase
        links when `serve`, follows this link."""
        return (feedback or not self.feedback) and not (serve and self.train)


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
    loops, when b still gets the same from its other neighbours. Values derived from
    traversals are dropped (unless stored with a `keep` that says they survive) and
    recomputed from the kept ones at the next check; values stored with a `relink` are
    brought up to date by it. Returns the keys of the values changed or dropped.
    """
    u, v = edit.source, edit.target
    values = shape.values
    acyclic = {k.feedback: not val.loops for k, val in values.items() if isinstance(k, TopologyKey)}
    changed: set[Hashable] = set()
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
    for key, value in list(values.items()):
        if isinstance(key, AdjacencyKey) or key == SPECIAL_LINKS:
            continue
        if isinstance(key, TopologyKey):
            # Without feedback links the order itself is read (the first landing on the way,
            # the heaviest path), and a kept order, though still topological, need not be the
            # one a fresh check finds: it goes. With them only the loops are read.
            where = value.where
            if edit.seen_by(key.feedback, False) and not (
                key.feedback
                and (
                    where[u] <= where[v]
                    if edit.added
                    else where[u] != where[v] or _loop_holds(values, u, v, where)
                )
            ):
                drop.append(key)
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
            if not kept and not edit.added and acyclic.get(key.feedback, False):
                pulls = graph.pred[b] if key.forward else graph.succ[b]
                others = [
                    w for w, data in pulls.items() if w != a and _follows(data, key.feedback, key.serve)
                ]
                kept = _removal_harmless(isinstance(key, ReachKey), value, sources, key.stop, a, others)
            if not kept:
                drop.append(key)
        elif key in shape.relink:
            values[key] = shape.relink[key](value, design, u, v)
            changed.add(key)
        else:
            keep = shape.keep.get(key)
            if keep is None or not keep(values, graph, edit):
                drop.append(key)  # derived from traversals: recomputed from what is kept
    for key in drop:
        shape.forget(key)
    return changed | set(drop)


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
    is_reach: bool, value: Any, sources: tuple[str, ...], stop: frozenset[str], a: str, others: list[str]
) -> bool:
    """In a graph without loops, b keeps everything a gave it when its other neighbours give it too."""
    if is_reach:
        return any(w in sources or (w in value and w not in stop) for w in others)

    def out(node: str) -> int:
        own = own_bits(sources, node)
        return own if node in stop else own | value.get(node, 0)

    rest = 0
    for w in others:
        rest |= out(w)
    return not out(a) & ~rest


__all__ = [
    "ASPECTS",
    "SPECIAL_LINKS",
    "AdjacencyKey",
    "LinkEdit",
    "NumberedKey",
    "ReachBitsKey",
    "ReachKey",
    "ShapeCache",
    "SpecialLinks",
    "Topology",
    "TopologyKey",
    "aspects_of",
    "update_shape_for_link",
]
