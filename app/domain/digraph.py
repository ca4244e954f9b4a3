"""`DesignGraph`: a directed graph without parallel edges, stored as networkx's DiGraph
stores one and read through the same names, without importing networkx.

The layout: ``_node`` (node -> attribute dict), ``_succ`` and ``_pred`` (node -> neighbour ->
the one edge-attribute dict both share), each in insertion order. The rules read these dicts
directly (app/rules/context.py) and ask for `ancestors` / `descendants`; networkx itself
costs about a third of a whole `mlsd check` process to import, since it loads every algorithm
it has (tests/test_cli_start.py keeps it out of the check).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

Attrs = dict[str, Any]


class NodeView(Mapping[str, Attrs]):
    """`graph.nodes`: node -> its attribute dict (live); iterates in insertion order."""

    __slots__ = ("_nodes",)

    def __init__(self, nodes: dict[str, Attrs]) -> None:
        self._nodes = nodes

    def __getitem__(self, node: str) -> Attrs:
        return self._nodes[node]

    def __iter__(self) -> Iterator[str]:
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)

    def __contains__(self, node: object) -> bool:
        return node in self._nodes

    def __call__(self, data: bool = False) -> Iterator[Any]:
        """The nodes, or (node, attributes) pairs with data=True."""
        return iter(self._nodes.items()) if data else iter(self._nodes)


class EdgeView(Mapping[tuple[str, str], Attrs]):
    """`graph.edges`: (source, target) -> the edge's attribute dict (live); iterates by source
    in node order, then by target in the order the edges were added."""

    __slots__ = ("_succ",)

    def __init__(self, succ: dict[str, dict[str, Attrs]]) -> None:
        self._succ = succ

    def __getitem__(self, ends: tuple[str, str]) -> Attrs:
        source, target = ends
        return self._succ[source][target]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return ((u, v) for u, targets in self._succ.items() for v in targets)

    def __len__(self) -> int:
        return sum(len(targets) for targets in self._succ.values())

    def __contains__(self, ends: object) -> bool:
        if not isinstance(ends, tuple) or len(ends) != 2:
            return False
        targets = self._succ.get(ends[0])
        return targets is not None and ends[1] in targets

    def __call__(self, data: bool = False) -> Iterator[Any]:
        """The (source, target) pairs, or (source, target, attributes) with data=True."""
        if not data:
            return iter(self)
        return ((u, v, d) for u, targets in self._succ.items() for v, d in targets.items())


class DesignGraph:
    """A directed graph without parallel edges, with networkx DiGraph's layout and names."""

    def __init__(self) -> None:
        self._node: dict[str, Attrs] = {}
        self._succ: dict[str, dict[str, Attrs]] = {}
        self._pred: dict[str, dict[str, Attrs]] = {}

    # ---- reading ---------------------------------------------------------------------------

    @property
    def nodes(self) -> NodeView:
        return NodeView(self._node)

    @property
    def edges(self) -> EdgeView:
        return EdgeView(self._succ)

    @property
    def succ(self) -> Mapping[str, Mapping[str, Attrs]]:
        """node -> successor -> edge attributes (read only by convention, as in networkx)."""
        return self._succ

    adj = succ

    @property
    def pred(self) -> Mapping[str, Mapping[str, Attrs]]:
        """node -> predecessor -> edge attributes."""
        return self._pred

    def __contains__(self, node: object) -> bool:
        return node in self._node

    def __iter__(self) -> Iterator[str]:
        return iter(self._node)

    def __len__(self) -> int:
        return len(self._node)

    def number_of_nodes(self) -> int:
        return len(self._node)

    def number_of_edges(self) -> int:
        return sum(len(targets) for targets in self._succ.values())

    def has_node(self, node: str) -> bool:
        return node in self._node

    def has_edge(self, source: str, target: str) -> bool:
        targets = self._succ.get(source)
        return targets is not None and target in targets

    def get_edge_data(self, source: str, target: str, default: Any = None) -> Any:
        targets = self._succ.get(source)
        if targets is None:
            return default
        return targets.get(target, default)

    def successors(self, node: str) -> Iterator[str]:
        return iter(self._succ[node])

    def predecessors(self, node: str) -> Iterator[str]:
        return iter(self._pred[node])

    def descendants(self, node: str) -> set[str]:
        """Every node reachable from `node` along the links, `node` itself excluded (even when
        a loop leads back to it, as in networkx); KeyError when the graph has no such node."""
        return reachable(self._succ, node)

    def ancestors(self, node: str) -> set[str]:
        """Every node from which `node` is reachable, `node` itself excluded."""
        return reachable(self._pred, node)

    # ---- changing --------------------------------------------------------------------------

    def add_node(self, node: str, **attrs: Any) -> None:
        if node in self._node:
            self._node[node].update(attrs)
            return
        self._node[node] = attrs
        self._succ[node] = {}
        self._pred[node] = {}

    def add_nodes_from(self, nodes: Iterable[tuple[str, Attrs] | str]) -> None:
        """Add nodes, or (node, attributes) pairs; the attributes are copied, as networkx does."""
        node_attrs, succ, pred = self._node, self._succ, self._pred
        for item in nodes:
            node, attrs = item if isinstance(item, tuple) else (item, None)
            known = node_attrs.get(node)
            if known is None:
                node_attrs[node] = dict(attrs) if attrs else {}
                succ[node] = {}
                pred[node] = {}
            elif attrs:
                known.update(attrs)

    def add_edge(self, source: str, target: str, **attrs: Any) -> None:
        """Add the edge (and its ends when new), or update the attributes of the one there."""
        for node in (source, target):
            if node not in self._node:
                self.add_node(node)
        data = self._succ[source].get(target)
        if data is None:
            data = self._succ[source][target] = {}
            self._pred[target][source] = data
        data.update(attrs)

    def add_edges_from(self, edges: Iterable[tuple[str, str, Attrs] | tuple[str, str]]) -> None:
        """Add (source, target) or (source, target, attributes) edges, as add_edge does."""
        node_attrs, succ, pred = self._node, self._succ, self._pred
        for edge in edges:
            source, target = edge[0], edge[1]
            for node in (source, target):
                if node not in node_attrs:
                    node_attrs[node] = {}
                    succ[node] = {}
                    pred[node] = {}
            data = succ[source].get(target)
            if data is None:
                data = succ[source][target] = {}
                pred[target][source] = data
            if len(edge) == 3:
                data.update(edge[2])

    def remove_node(self, node: str) -> None:
        """Remove a node and its edges; KeyError when there is no such node."""
        del self._node[node]
        for target in self._succ.pop(node):
            del self._pred[target][node]
        for source in self._pred.pop(node):
            del self._succ[source][node]

    def remove_edge(self, source: str, target: str) -> None:
        """Remove an edge; KeyError when there is no such edge."""
        del self._succ[source][target]
        del self._pred[target][source]


def reachable(neighbours: Mapping[str, Iterable[str]], start: str) -> set[str]:
    """The nodes reachable from `start` (not itself) following `neighbours`."""
    seen = {start}
    stack = [start]
    while stack:
        for node in neighbours[stack.pop()]:
            if node not in seen:
                seen.add(node)
                stack.append(node)
    seen.discard(start)
    return seen
