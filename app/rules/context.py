"""What a rule check sees: the design, its graph, the catalog, and graph helpers.

Helpers follow the spec's notation: up(n, K) / dn(n, K) are ancestors / descendants of n of
kind K; bypass(a, b, K) says b stays reachable from a once every node of kind K is removed.
Results are cached for the duration of one check run.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

import networkx as nx

from app.domain.catalog import Catalog
from app.domain.model import Component, Design, Link


class RuleContext:
    def __init__(self, design: Design, graph: nx.DiGraph, catalog: Catalog):
        self.design = design
        self.graph = graph
        self.catalog = catalog
        self._anc: dict[str, set[str]] = {}
        self._desc: dict[str, set[str]] = {}

    # ---- components ------------------------------------------------------------------

    @cached_property
    def by_kind(self) -> dict[str, list[Component]]:
        groups: dict[str, list[Component]] = {}
        for component in self.design.components:
            groups.setdefault(component.kind, []).append(component)
        return groups

    def of_kind(self, *kinds: str) -> list[Component]:
        """Components of any of the kinds, in design order."""
        if len(kinds) == 1:
            return list(self.by_kind.get(kinds[0], ()))
        wanted = set(kinds)
        return [c for c in self.design.components if c.kind in wanted]

    def has_kind(self, *kinds: str) -> bool:
        return any(self.by_kind.get(k) for k in kinds)

    def component(self, component_id: str) -> Component:
        return self.design.component_by_id()[component_id]

    def name(self, component_id: str) -> str:
        component = self.design.component_by_id().get(component_id)
        if component is None:
            return component_id
        return component.name or component.id

    # ---- links -----------------------------------------------------------------------

    def link(self, source: str, target: str) -> Link | None:
        data = self.graph.get_edge_data(source, target)
        return data["link"] if data else None

    def in_links(self, node: str) -> list[Link]:
        return [data["link"] for _, _, data in self.graph.in_edges(node, data=True)]

    def out_links(self, node: str) -> list[Link]:
        return [data["link"] for _, _, data in self.graph.out_edges(node, data=True)]

    # ---- reachability ------------------------------------------------------------------

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
        blocked = {c.id for c in self.of_kind(*kinds)} - {source, target}
        if not blocked:
            return self.reaches(source, target)
        view = nx.restricted_view(self.graph, blocked, [])
        return nx.has_path(view, source, target) if source != target else True

    def path_avoiding(self, source: str, target: str, blocked: Iterable[str]) -> list[str] | None:
        """A shortest path from source to target avoiding `blocked`, or None."""
        blocked = set(blocked) - {source, target}
        view = nx.restricted_view(self.graph, blocked, [])
        try:
            return nx.shortest_path(view, source, target)
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return None

    def _filter(self, nodes: Iterable[str], kinds: tuple[str, ...]) -> list[Component]:
        index = self.design.component_by_id()
        wanted = set(kinds)
        found = [index[n] for n in nodes if n in index and (not wanted or index[n].kind in wanted)]
        order = {c.id: i for i, c in enumerate(self.design.components)} if len(found) > 1 else {}
        return sorted(found, key=lambda c: order.get(c.id, 0))
