"""The design as a directed graph, kept in step with edits instead of rebuilt.

Nodes are component ids with attributes ``component``, ``kind`` and ``stage``; edges are
links keyed by (source, target) with attributes ``link``, ``id``, ``flow``, ``phase``,
``feedback``. The graph is a `DesignGraph` (app/domain/digraph.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from app.domain.catalog import Catalog
from app.domain.changes import Change
from app.domain.digraph import DesignGraph
from app.domain.model import Component, Design, Link


def _node_attrs(component: Component, catalog: Catalog) -> dict[str, object]:
    return {
        "component": component,
        "kind": component.kind,
        "stage": catalog.stage_of(component.kind),
    }


def _edge_attrs(link: Link) -> dict[str, object]:
    return {
        "link": link,
        "id": link.id,
        "flow": link.flow,
        "phase": link.phase,
        "feedback": link.feedback,
    }


def design_to_graph(design: Design, catalog: Catalog) -> DesignGraph:
    """Build the graph of a whole design."""
    graph = DesignGraph()
    graph.add_nodes_from((c.id, _node_attrs(c, catalog)) for c in design.components)
    graph.add_edges_from(
        (lk.source, lk.target, _edge_attrs(lk))
        for lk in design.links
        if lk.source in graph and lk.target in graph
    )
    return graph


class GraphMirror:
    """A graph that follows a design through the Changes its edit operations return."""

    def __init__(self, design: Design, catalog: Catalog):
        self.design = design
        self.catalog = catalog
        self.graph = design_to_graph(design, catalog)
        self.version = 0
        self._link_ends: dict[str, tuple[str, str]] = {lk.id: (lk.source, lk.target) for lk in design.links}

    def reset(self, design: Design) -> None:
        self.__init__(design, self.catalog)  # type: ignore[misc]

    def link_ends(self, link_id: str) -> tuple[str, str] | None:
        """(source, target) of a link the graph holds, also right after the design dropped it."""
        return self._link_ends.get(link_id)

    def apply(self, changes: Iterable[Change]) -> None:
        components = self.design.component_by_id()
        links = self.design.link_by_id()
        graph = self.graph
        for change in changes:
            what, item = change.what, change.id
            if what == "component_added":
                graph.add_node(item, **_node_attrs(components[item], self.catalog))
            elif what == "component_removed":
                if item in graph:
                    graph.remove_node(item)
                self._link_ends = {lid: ends for lid, ends in self._link_ends.items() if item not in ends}
            elif what == "component_changed" and item in components:
                graph.nodes[item].update(_node_attrs(components[item], self.catalog))
            elif what == "link_added":
                link = links[item]
                graph.add_edge(link.source, link.target, **_edge_attrs(link))
                self._link_ends[item] = (link.source, link.target)
            elif what == "link_removed":
                ends = self._link_ends.pop(item, None)
                if ends and graph.has_edge(*ends):
                    graph.remove_edge(*ends)
            elif what == "link_changed" and item in links:
                link = links[item]
                graph.edges[link.source, link.target].update(_edge_attrs(link))
            # moves, meta, decisions and overrides do not change the graph's shape
            self.version += 1
