"""What a rule check sees: the design, its graph, the catalog, and graph helpers.

Graph helpers with short names, as the rules' conditions are phrased: up(n, K) / dn(n, K) are
the ancestors / descendants of n of kind K; bypass(a, b, K) says b stays reachable from a once
every node of kind K is removed.
Results are cached for the duration of one check run.

The hot paths of the checks do not ask per-node questions: they use `reach` (one BFS from
many sources) and `reach_bits` (which sources reach which nodes, as bit masks, in one pass
over the graph in topological order of its strongly connected components). Both work on
filtered adjacency lists built once per check: feedback links are left out unless asked
for, and `serve=True` also leaves out links whose phase is "train".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from types import MappingProxyType
from typing import Any, TypeVar

import networkx as nx

from app.domain.catalog import Catalog
from app.domain.model import Component, Design, Link

T = TypeVar("T")
Adjacency = dict[str, list[str]]


def strongly_connected(nodes: Iterable[str], succ: Adjacency) -> list[list[str]]:
    """Strongly connected components in topological order (iterative Tarjan).

    A component comes before every component it has a link into.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(succ.get(root, ())))]
        while work:
            node, neighbours = work[-1]
            descended = False
            for nxt in neighbours:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(succ.get(nxt, ()))))
                    descended = True
                    break
                if nxt in on_stack and index[nxt] < low[node]:
                    low[node] = index[nxt]
            if descended:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[node] < low[parent]:
                    low[parent] = low[node]
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(component)
    result.reverse()
    return result


# What a cached value can depend on: which links exist (and which components: a change there
# clears everything), and each link's feedback flag, phase and flow.
ASPECTS = frozenset({"links", "feedback", "phase", "flow"})


def aspects_of(feedback: bool = False, serve: bool = False) -> frozenset[str]:
    """The link attributes a traversal reads: feedback links are skipped unless `feedback`,
    train-phase links are skipped when `serve`."""
    return frozenset({"links", *(() if feedback else ("feedback",)), *(("phase",) if serve else ())})


class ShapeCache:
    """Results that depend only on the shape of the design: which components of which kinds
    exist and how they are linked (with each link's flow, phase and feedback flag), never on
    component properties or names.

    The engine keeps one across checks. An edit that adds or removes components or links
    clears it; an edit of a link's flow, phase or feedback flag drops only the values that
    read that attribute; property, name and position edits keep everything.
    """

    def __init__(self) -> None:
        self.values: dict[Any, Any] = {}
        self.depends: dict[Any, frozenset[str]] = {}
        self._signature: tuple[int, int] | None = None

    def clear(self) -> None:
        self.values.clear()
        self.depends.clear()
        self._signature = None

    def invalidate(self, aspects: Iterable[str]) -> None:
        """Forget the values that depend on any of `aspects`."""
        changed = set(aspects)
        for key in [k for k, deps in self.depends.items() if deps & changed]:
            del self.values[key]
            del self.depends[key]

    def bind(self, graph: nx.DiGraph) -> ShapeCache:
        """Check the cache still belongs to `graph` (a cheap guard, not a full comparison)."""
        signature = (id(graph), len(graph._node))
        if signature != self._signature or len(self.values) > 4096:
            self.clear()
            self._signature = signature
        return self

    def get(self, key: Any, compute: Callable[[], T], depends: frozenset[str]) -> T:
        try:
            return self.values[key]
        except KeyError:
            value = self.values[key] = compute()
            self.depends[key] = depends
            return value


class RuleContext:
    def __init__(self, design: Design, graph: nx.DiGraph, catalog: Catalog, shape: ShapeCache | None = None):
        self.design = design
        self.graph = graph
        self.catalog = catalog
        self._anc: dict[str, set[str]] = {}
        self._desc: dict[str, set[str]] = {}
        self._memo: dict[Any, Any] = {}
        self._shape = (shape or ShapeCache()).bind(graph)
        # A plain dict: Design.component_by_id() goes through pydantic's attribute lookup.
        self.index: dict[str, Component] = design.component_by_id()

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """Compute something once per check run and share it between rules."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
            return value

    def shape_memo(self, key: Any, compute: Callable[[], T], depends: Iterable[str] = ASPECTS) -> T:
        """Like `memo`, but kept across checks until the design's shape changes. Only for
        values computed from kinds and links, never from properties or names; `depends`
        names the link attributes the value reads (see `aspects_of`). Callers must not
        mutate the value."""
        return self._shape.get(key, compute, frozenset(depends))

    # ---- components ------------------------------------------------------------------

    @cached_property
    def by_kind(self) -> dict[str, list[Component]]:
        groups: dict[str, list[Component]] = {}
        for component in self.design.components:
            groups.setdefault(component.kind, []).append(component)
        return groups

    @cached_property
    def order(self) -> dict[str, int]:
        """Position of each component id in the design (for deterministic output)."""
        return {c.id: i for i, c in enumerate(self.design.components)}

    @cached_property
    def kind_of(self) -> dict[str, str]:
        return {c.id: c.kind for c in self.design.components}

    def of_kind(self, *kinds: str) -> list[Component]:
        """Components of any of the kinds, in design order."""
        if len(kinds) == 1:
            return list(self.by_kind.get(kinds[0], ()))
        wanted = set(kinds)
        return [c for c in self.design.components if c.kind in wanted]

    def ids_of_kind(self, *kinds: str) -> set[str]:
        return {c.id for kind in kinds for c in self.by_kind.get(kind, ())}

    def has_kind(self, *kinds: str) -> bool:
        return any(self.by_kind.get(k) for k in kinds)

    def component(self, component_id: str) -> Component:
        return self.index[component_id]

    def prop(self, component_id: str, name: str) -> Any:
        component = self.index.get(component_id)
        return component.properties.get(name) if component is not None else None

    def name(self, component_id: str) -> str:
        component = self.index.get(component_id)
        if component is None:
            return component_id
        return component.name or component.id

    def sorted_ids(self, ids: Iterable[str]) -> tuple[str, ...]:
        """Unique ids in design order."""
        order = self.order
        unique = set(ids)
        if order.keys() >= unique:
            return tuple(sorted(unique, key=order.__getitem__))
        known = sorted((i for i in unique if i in order), key=order.__getitem__)
        return tuple(known + sorted(i for i in unique if i not in order))

    # ---- links -----------------------------------------------------------------------

    @cached_property
    def link_order(self) -> dict[str, int]:
        return {lk.id: i for i, lk in enumerate(self.design.links)}

    def sorted_links(self, ids: Iterable[str]) -> tuple[str, ...]:
        """Unique link ids in design order."""
        order = self.link_order
        return tuple(sorted(set(ids), key=lambda i: order.get(i, len(order))))

    def link(self, source: str, target: str) -> Link | None:
        data = self.graph.get_edge_data(source, target)
        return data["link"] if data else None

    def neighbours(self, node: str) -> set[str]:
        """Components linked to `node` in either direction."""
        if node not in self.graph:
            return set()
        return set(self.graph._succ[node]) | set(self.graph._pred[node])

    # ---- reachability (per node, on the whole graph) ------------------------------------

    def ancestors(self, node: str) -> set[str]:
        found = self._anc.get(node)
        if found is None:
            found = nx.ancestors(self.graph, node)
            self._anc[node] = found
        return found

    def descendants(self, node: str) -> set[str]:
        found = self._desc.get(node)
        if found is None:
            found = nx.descendants(self.graph, node)
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
        return target in self._reach([source], True, blocked, True, False, False)

    def _filter(self, nodes: Iterable[str], kinds: tuple[str, ...]) -> list[Component]:
        index = self.index
        wanted = set(kinds)
        found = [index[n] for n in nodes if n in index and (not wanted or index[n].kind in wanted)]
        order = self.order
        return sorted(found, key=lambda c: order.get(c.id, 0))

    # ---- reachability (many sources at once) --------------------------------------------

    def _special_links(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(feedback links, train-phase links) as (source, target) pairs."""

        def compute() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
            feedback, train = [], []
            for source, nbrs in self.graph._succ.items():
                for target, data in nbrs.items():
                    if data["feedback"]:
                        feedback.append((source, target))
                    if data["phase"] == "train":
                        train.append((source, target))
            return feedback, train

        return self.shape_memo("special_links", compute, {"links", "feedback", "phase"})

    def feedback_links(self) -> list[tuple[str, str]]:
        """Every link marked feedback, as (source, target)."""
        return self._special_links()[0]

    def adjacency(self, forward: bool = True, feedback: bool = False, serve: bool = False) -> Adjacency:
        """Neighbour lists along (forward) or against the links, filtered once per check.

        Feedback links are left out unless `feedback`; `serve` leaves out train-phase links.
        """
        key = ("adjacency", forward, feedback, serve)
        adj = self._shape.values.get(key)
        if adj is not None:
            return adj
        if feedback and not serve:
            source = self.graph._succ if forward else self.graph._pred
            adj = {n: list(nbrs) for n, nbrs in source.items()}
        else:
            base = self.adjacency(forward, True, False)
            fb_links, train_links = self._special_links()
            removed: dict[str, set[str]] = {}
            for a, b in (fb_links if not feedback else []) + (train_links if serve else []):
                if not forward:
                    a, b = b, a
                removed.setdefault(a, set()).add(b)
            adj = dict(base)
            for node, gone in removed.items():
                adj[node] = [m for m in base[node] if m not in gone]
        return self.shape_memo(key, lambda: adj, aspects_of(feedback, serve))

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
        sources = frozenset(sources)
        stop = frozenset(stop)
        key = ("reach", sources, forward, stop, feedback, serve, through_stop)
        return self.shape_memo(
            key,
            lambda: frozenset(self._reach(sources, forward, stop, feedback, serve, through_stop)),
            aspects_of(feedback, serve),
        )

    def _reach(
        self,
        sources: Iterable[str],
        forward: bool,
        stop: frozenset[str],
        feedback: bool,
        serve: bool,
        through_stop: bool,
    ) -> set[str]:
        adj = self.adjacency(forward, feedback, serve)
        seen: set[str] = set()
        frontier = [s for s in sources if s in adj]
        while frontier:
            node = frontier.pop()
            for nxt in adj[node]:
                if nxt in seen:
                    continue
                if nxt in stop:
                    if through_stop:
                        seen.add(nxt)
                    continue
                seen.add(nxt)
                frontier.append(nxt)
        return seen

    def _topology(self, feedback: bool) -> tuple[list[str], dict[str, int], list[list[str]]]:
        """Nodes in topological order of their strongly connected components, each node's
        component number, and the loops (components of more than one node)."""

        def compute() -> tuple[list[str], dict[str, int], list[list[str]]]:
            adj = self.adjacency(True, feedback, False)
            indegree = dict.fromkeys(adj, 0)
            for nbrs in adj.values():
                for nxt in nbrs:
                    indegree[nxt] += 1
            queue = [n for n, d in indegree.items() if d == 0]
            order: list[str] = []
            while queue:  # Kahn: enough when there is no loop
                node = queue.pop()
                order.append(node)
                for nxt in adj[node]:
                    indegree[nxt] -= 1
                    if not indegree[nxt]:
                        queue.append(nxt)
            if len(order) == len(adj):
                return order, {n: i for i, n in enumerate(order)}, []
            comps = strongly_connected(adj, adj)
            where = {n: i for i, comp in enumerate(comps) for n in comp}
            order = [n for comp in comps for n in comp]
            loops = [comp for comp in comps if len(comp) > 1 or comp[0] in adj[comp[0]]]
            return order, where, loops

        return self.shape_memo(("topology", feedback), compute, aspects_of(feedback))

    def topo_index(self, feedback: bool = False) -> dict[str, int]:
        """Each node's position in a topological order of strongly connected components."""
        return self._topology(feedback)[1]

    def loops(self, feedback: bool = False) -> list[list[str]]:
        """Strongly connected components of more than one node, in topological order
        (feedback links left out unless `feedback`)."""
        return self._topology(feedback)[2]

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
        (seeds always pass their own bit). Only the part of the graph the seeds reach is
        visited, in topological order of strongly connected components. Results are kept
        until the design's shape changes.
        """
        seeds = tuple(seeds)
        stop = frozenset(stop)
        key = ("reach_bits", seeds, forward, stop, feedback, serve)
        bits = self.shape_memo(
            key, lambda: self._reach_bits(seeds, forward, stop, feedback, serve), aspects_of(feedback, serve)
        )
        return MappingProxyType(bits)

    def _reach_bits(
        self, seeds: tuple[str, ...], forward: bool, stop: frozenset[str], feedback: bool, serve: bool
    ) -> dict[str, int]:
        if not any(s in self.graph for s in seeds):
            return {}
        order, where, loops = self._topology(feedback)
        if len(seeds) * 32 >= len(order):
            ranked = list(order)  # many seeds: visiting everything is cheaper than a BFS first
        else:
            reached = self._reach(seeds, forward, stop, feedback, serve, True)
            if not reached:
                return {}
            if len(reached) * 8 > len(order):
                ranked = [n for n in order if n in reached]
            else:
                ranked = sorted(reached, key=where.__getitem__)
        own: dict[str, int] = {}
        for i, seed in enumerate(seeds):
            own[seed] = own.get(seed, 0) | (1 << i)
        pull = self.adjacency(not forward, feedback, serve)
        if not forward:
            ranked.reverse()
        in_loop = {n for loop in loops if len(loop) > 1 for n in loop}
        out = dict(own)  # what each node passes on
        bits: dict[str, int] = {}
        get_out, get_own = out.get, own.get
        i, count = 0, len(ranked)
        while i < count:
            node = ranked[i]
            if node not in in_loop:
                acc = 0
                for prev in pull[node]:
                    acc |= get_out(prev, 0)
                if acc:
                    bits[node] = acc
                    if node not in stop:
                        out[node] = acc | get_own(node, 0)
                i += 1
                continue
            end = i + 1
            while end < count and where[ranked[end]] == where[node]:
                end += 1
            group = ranked[i:end]
            changed = True
            while changed:  # a loop: iterate to a fixpoint inside it
                changed = False
                for member in group:
                    acc = 0
                    for prev in pull[member]:
                        acc |= get_out(prev, 0)
                    if acc != bits.get(member, 0):
                        bits[member] = acc
                        if member not in stop:
                            out[member] = acc | get_own(member, 0)
                        changed = True
            i = end
        return bits
