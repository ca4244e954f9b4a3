"""What a rule check sees: the design, its graph, the catalog, and graph helpers.

Helpers follow a short notation: up(n, K) / dn(n, K) are ancestors / descendants of n of kind
K; bypass(a, b, K) says b stays reachable from a once every node of kind K is removed.
Results are cached for the duration of one check run (`memo`), or across checks while the
design's shape allows (`shape_memo`, see app/rules/shape.py).

The hot paths of the checks do not ask per-node questions: they use `reach` (one BFS from
many sources) and `reach_bits` (which sources reach which nodes, as bit masks, in one pass
over the graph in topological order of its strongly connected components; app/rules/walks.py).
Both work on filtered adjacency lists built once per shape: feedback links are left out unless
asked for, and `serve=True` also leaves out links whose phase is "train".
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from functools import cached_property, partial
from types import MappingProxyType
from typing import Any, TypeVar

from app.domain.catalog import Catalog
from app.domain.digraph import DesignGraph
from app.domain.model import Component, Design, Link
from app.rules import bitwalk, walks
from app.rules.context_components import ComponentQueries
from app.rules.shape import (
    ASPECTS,
    SPECIAL_LINKS,
    AdjacencyKey,
    Keep,
    Local,
    NumberedKey,
    ReachBitsKey,
    ReachKey,
    Relink,
    ShapeCache,
    SpecialLinks,
    TopologyKey,
    aspects_of,
)
from app.rules.walks import Adjacency, Topology

T = TypeVar("T")
EdgeData = dict[str, Any]
Neighbours = Mapping[str, Mapping[str, EdgeData]]


class RuleContext(ComponentQueries):
    """What a rule sees. `read_links` turns true when the design's links are read (the graph,
    its neighbour lists, the design itself), and `read_shapes` collects the keys of the shape
    cache's values read (the walks); per-check memos pass both on. A rule that read no link
    finds the same after a link edit that changes none of the values it read."""

    def __init__(
        self, design: Design, graph: DesignGraph, catalog: Catalog, shape: ShapeCache | None = None
    ) -> None:
        self._design = design
        self._graph = graph
        self.catalog = catalog
        # the graph's own dict-of-dicts (node -> neighbour -> link data), without view wrappers
        self._succ: Neighbours = graph.succ
        self._pred: Neighbours = graph.pred
        self.read_links = False
        self.read_shapes: set[Hashable] = set()
        self._anc: dict[str, set[str]] = {}
        self._desc: dict[str, set[str]] = {}
        self._memo: dict[Hashable, Any] = {}
        self._memo_reads: dict[Hashable, tuple[bool, frozenset[Hashable]]] = {}
        self._shape = (shape or ShapeCache()).bind(graph)
        # A plain dict: Design.component_by_id() goes through pydantic's attribute lookup.
        self.index: dict[str, Component] = design.component_by_id()

    @property
    def design(self) -> Design:
        self.read_links = True
        return self._design

    @property
    def graph(self) -> DesignGraph:
        self.read_links = True
        return self._graph

    @property
    def succ(self) -> Neighbours:
        self.read_links = True
        return self._succ

    @property
    def pred(self) -> Neighbours:
        self.read_links = True
        return self._pred

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Compute something once per check run and share it between rules."""
        try:
            found: T = self._memo[key]
        except KeyError:
            outer, self.read_links = self.read_links, False
            outer_shapes, self.read_shapes = self.read_shapes, set()
            try:
                value = self._memo[key] = compute()
            finally:
                self._memo_reads[key] = (self.read_links, frozenset(self.read_shapes))
                self.read_links |= outer
                self.read_shapes |= outer_shapes
            return value
        links, shapes = self._memo_reads[key]
        self.read_links |= links
        self.read_shapes |= shapes
        return found

    def shape_memo(
        self,
        key: Hashable,
        compute: Callable[[], T],
        depends: Iterable[str] = ASPECTS,
        keep: Keep | None = None,
        relink: Relink | None = None,
        local: Local | None = None,
    ) -> T:
        """Like `memo`, but kept across checks until the design's shape changes. Only for
        values computed from kinds and links, never from properties or names; `depends`
        names the link attributes the value reads (see `aspects_of`); `keep` may say that
        the value survives drawing or deleting one link, `relink` brings it up to date after
        any edit of one pair's links, `local` says what a link drawn or deleted does to the links
        it reads itself. Callers must not mutate the value."""
        self.read_shapes.add(key)
        try:
            found: T = self._shape.values[key]
            return found
        except KeyError:
            computed = partial(self._apart, key, compute)
            return self._shape.get(key, computed, frozenset(depends), keep, relink, local)

    def _apart(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Compute a shape value without charging what it reads to the caller: the caller read
        the value, whose key the engine marks touched whenever a link edit changes or drops it.
        What it read is noted (`ShapeCache.reads`, `ShapeCache.linked`): a link edit that leaves
        it as it was may keep the value."""
        outer_links, outer_shapes = self.read_links, self.read_shapes
        self.read_links, self.read_shapes = False, set()
        try:
            value = compute()
            self._shape.reads[key] = frozenset(self.read_shapes)
            if self.read_links:
                self._shape.linked.add(key)
            return value
        finally:
            self.read_links, self.read_shapes = outer_links, outer_shapes

    # ---- links -----------------------------------------------------------------------

    @property
    def link_order(self) -> dict[str, int]:
        self.read_links = True
        return self._link_order

    @cached_property
    def _link_order(self) -> dict[str, int]:
        return {lk.id: i for i, lk in enumerate(self._design.links)}

    def sorted_links(self, ids: Iterable[str]) -> tuple[str, ...]:
        """Unique link ids in design order."""
        order = self.link_order
        return tuple(sorted(set(ids), key=lambda i: order.get(i, len(order))))

    def link(self, source: str, target: str) -> Link | None:
        data = self.succ.get(source, {}).get(target)
        return data["link"] if data else None

    def neighbours(self, node: str) -> set[str]:
        """Components linked to `node` in either direction."""
        if node not in self.succ:
            return set()
        return set(self.succ[node]) | set(self.pred[node])

    # ---- reachability (per node, on the whole graph) ------------------------------------

    def ancestors(self, node: str) -> set[str]:
        self.read_links = True
        found = self._anc.get(node)
        if found is None:
            found = self.graph.ancestors(node)
            self._anc[node] = found
        return found

    def descendants(self, node: str) -> set[str]:
        self.read_links = True
        found = self._desc.get(node)
        if found is None:
            found = self.graph.descendants(node)
            self._desc[node] = found
        return found

    def up(self, node: str, *kinds: str) -> list[Component]:
        """Ancestors of `node` of the given kinds (all ancestors if no kind is given)."""
        return self._filter(self.ancestors(node), kinds)

    def dn(self, node: str, *kinds: str) -> list[Component]:
        """Descendants of `node` of the given kinds (all descendants if no kind is given)."""
        return self._filter(self.descendants(node), kinds)

    def reaches(self, source: str, target: str) -> bool:
        return target in self.descendants(source)

    def bypass(self, source: str, target: str, *kinds: str) -> bool:
        """True if `target` is reachable from `source` avoiding every node of the kinds."""
        if source == target:
            return True
        blocked = frozenset(self.ids_of_kind(*kinds) - {source, target})
        return target in walks.reach(self.adjacency(True, True, False), [source], blocked, False)

    def _filter(self, nodes: Iterable[str], kinds: tuple[str, ...]) -> list[Component]:
        index = self.index
        wanted = set(kinds)
        found = [index[n] for n in nodes if n in index and (not wanted or index[n].kind in wanted)]
        order = self.order
        return sorted(found, key=lambda c: order.get(c.id, 0))

    # ---- reachability (many sources at once) --------------------------------------------

    def _special_links(self) -> SpecialLinks:
        """The feedback links and the train-phase links, as (source, target) pairs."""

        def compute() -> SpecialLinks:
            found = SpecialLinks([], [])
            for source, nbrs in self.succ.items():
                for target, data in nbrs.items():
                    if data["feedback"]:
                        found.feedback.append((source, target))
                    if data["phase"] == "train":
                        found.train.append((source, target))
            return found

        return self.shape_memo(SPECIAL_LINKS, compute, {"links", "feedback", "phase"})

    def feedback_links(self) -> list[tuple[str, str]]:
        """Every link marked feedback, as (source, target)."""
        return self._special_links().feedback

    def adjacency(self, forward: bool = True, feedback: bool = False, serve: bool = False) -> Adjacency:
        """Neighbour lists along (forward) or against the links, filtered once per shape.

        Feedback links are left out unless `feedback`; `serve` leaves out train-phase links.
        """
        key = AdjacencyKey(forward, feedback, serve)
        self.read_shapes.add(key)
        adj: Adjacency | None = self._shape.values.get(key)
        if adj is not None:
            return adj
        if feedback and not serve:
            source = self.succ if forward else self.pred
            adj = {n: list(nbrs) for n, nbrs in source.items()}
        else:
            base = self.adjacency(forward, True, False)
            special = self._special_links()
            removed: dict[str, set[str]] = {}
            for a, b in (special.feedback if not feedback else []) + (special.train if serve else []):
                if not forward:
                    a, b = b, a
                removed.setdefault(a, set()).add(b)
            adj = dict(base)
            for node, gone in removed.items():
                adj[node] = [m for m in base[node] if m not in gone]
        built = adj
        return self.shape_memo(key, lambda: built, aspects_of(feedback, serve))

    def reach(
        self,
        sources: Iterable[str],
        *,
        forward: bool = True,
        stop: Iterable[str] = (),
        feedback: bool = False,
        serve: bool = False,
        through_stop: bool = True,
    ) -> frozenset[str]:
        """Nodes reachable from any source by at least one link (one BFS for all sources).

        Nodes in `stop` are reached but not passed through (with `through_stop=False` they
        are not even reached). Sources are always expanded. Results are kept until the
        design's shape changes.
        """
        key = ReachKey(frozenset(sources), forward, frozenset(stop), feedback, serve, through_stop)
        return self.shape_memo(
            key,
            lambda: frozenset(
                walks.reach(self.adjacency(forward, feedback, serve), key.sources, key.stop, through_stop)
            ),
            aspects_of(feedback, serve),
        )

    def _topology(self, feedback: bool) -> Topology:
        return self.shape_memo(
            TopologyKey(feedback),
            lambda: walks.topology(self.adjacency(True, feedback, False)),
            aspects_of(feedback),
        )

    def topology(self, feedback: bool = False) -> Topology:
        """A topological order of strongly connected components (feedback links left out
        unless `feedback`)."""
        return self._topology(feedback)

    def topo_index(self, feedback: bool = False) -> dict[str, int]:
        """Each node's position in a topological order of strongly connected components."""
        return self._topology(feedback).where

    def loops(self, feedback: bool = False) -> list[list[str]]:
        """Strongly connected components of more than one node, in topological order
        (feedback links left out unless `feedback`)."""
        return self._topology(feedback).loops

    def reach_bits(
        self,
        seeds: Sequence[str],
        *,
        forward: bool = True,
        stop: Iterable[str] = (),
        feedback: bool = False,
        serve: bool = False,
    ) -> Mapping[str, int]:
        """For every node, a bit mask of the seeds that reach it by at least one link.

        Bit i stands for seeds[i]. Nodes in `stop` receive bits but do not pass them on
        (seeds always pass their own bit). Results are kept until the design's shape changes.
        """
        key = ReachBitsKey(tuple(seeds), forward, frozenset(stop), feedback, serve)
        bits = self.shape_memo(key, lambda: self._reach_bits(key), aspects_of(feedback, serve))
        return MappingProxyType(bits)

    def _reach_bits(self, key: ReachBitsKey) -> dict[str, int]:
        if not any(s in self.succ for s in key.seeds):
            return {}
        topo = self._topology(key.feedback)
        adj = self.adjacency(key.forward, key.feedback, key.serve)
        if not bitwalk.pays(len(key.seeds), topo):
            return walks.reach_bits(topo, adj, key.seeds, key.stop, key.forward)
        numbered = self.numbered(key.forward, key.feedback, key.serve)
        return bitwalk.reach_masks(numbered, walks.seed_masks(key.seeds), key.stop, key.forward)

    def numbered(self, forward: bool, feedback: bool, serve: bool) -> bitwalk.Numbered:
        """`topology(feedback)` and `adjacency(forward, feedback, serve)` numbered for
        `bitwalk` (read through them: they record the read)."""
        topo = self._topology(feedback)
        adj = self.adjacency(forward, feedback, serve)
        return bitwalk.numbering(self._shape, NumberedKey(forward, feedback, serve), topo, adj)
