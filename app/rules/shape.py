"""The shape cache: graph traversals kept across checks while the design's shape allows.

A value in the cache depends only on the shape of the design (which components of which kinds
exist, how they are linked, and each link's flow, phase and feedback flag), never on component
properties or names. The traversals RuleContext computes are stored under the named keys below
(`AdjacencyKey`, `ReachKey`, `ReachBitsKey`, `TopologyKey`, `SPECIAL_LINKS`); the engine reads
the same keys in `shape_links.update_shape_for_link` to patch them in place when one link is drawn or
deleted, instead of forgetting them. Any other value is dropped on such an edit unless it was
stored with a `keep` predicate that says it survives.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, TypeVar

from app.domain.digraph import DesignGraph
from app.domain.model import Design
from app.rules.walks import Topology

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
# (the cached value, the graph after a link edit, the edit) -> what the edit did to the links
# the value reads itself (the values of the cache it read being unchanged): "same", "patched"
# (brought up to date in place, so its readers read it anew) or "gone". The value answers for
# the neighbour lists and the walk order it read (AdjacencyKey, TopologyKey, SPECIAL_LINKS).
Local = Callable[[Any, DesignGraph, "LinkEdit"], Literal["same", "patched", "gone"]]


class ShapeCache:
    """Results that depend only on the shape of the design.

    The engine keeps one across checks. An edit that adds or removes components clears it;
    drawing or deleting one link patches the traversals (`shape_links.update_shape_for_link`); an edit of
    a link's flow, phase or feedback flag drops only the values that read that attribute;
    property, name and position edits keep everything. A value stored with a `relink` is
    brought up to date by it after any edit of links that keeps the components.
    """

    def __init__(self) -> None:
        self.values: dict[Hashable, Any] = {}
        self.depends: dict[Hashable, frozenset[str]] = {}
        self.keep: dict[Hashable, Keep] = {}
        self.relink: dict[Hashable, Relink] = {}
        # The keys of the values of the cache each value read, those that read links directly
        # (a value reading neither stays while a link edit leaves what it read as it was), and
        # what says a link edit leaves the links a value reads itself as they were (`Local`).
        self.reads: dict[Hashable, frozenset[Hashable]] = {}
        self.linked: set[Hashable] = set()
        self.local: dict[Hashable, Local] = {}
        self._signature: tuple[int, int] | None = None

    def clear(self) -> None:
        self.values.clear()
        self.depends.clear()
        self.keep.clear()
        self.relink.clear()
        self.reads.clear()
        self.linked.clear()
        self.local.clear()
        self._signature = None

    def forget(self, key: Hashable) -> None:
        self.values.pop(key, None)
        self.depends.pop(key, None)
        self.keep.pop(key, None)
        self.relink.pop(key, None)
        self.reads.pop(key, None)
        self.linked.discard(key)
        self.local.pop(key, None)

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
        local: Local | None = None,
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
            if local is not None:
                self.local[key] = local
            return value


def links_at(*kinds: str, into_only: bool = False) -> Local:
    """A `local` for a value that reads only the links of components of `kinds` (with
    `into_only`, only the links into them): a link with no such end leaves it the same."""

    def local(value: Any, graph: DesignGraph, edit: LinkEdit) -> Literal["same", "patched", "gone"]:
        ends = (edit.target,) if into_only else (edit.source, edit.target)
        return "gone" if any(graph.nodes[end].get("kind") in kinds for end in ends) else "same"

    return local


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
    "links_at",
]
