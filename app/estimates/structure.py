"""The graph walks an estimate needs, which depend only on the design's shape.

Which components of which kinds exist and how links join them decide where volume and load
flow; property values never do. `Structure` computes those walks once, so an incremental
estimate after a property edit recomputes only the arithmetic. Every list is in id order,
which makes the figures independent of the order of components and links in the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter
from typing import NamedTuple

from app.domain.catalog import Catalog
from app.domain.model import Design

# Data travels from sources through these kinds to datasets.
VOLUME_PASS = ("governance", "data_pipeline", "data_validation")
VOLUME_FLOWS = ("data", "label")
# What retention bounds travels on through feature computations too (R58): features derived
# from a source's records keep them in the datasets they reach.
FEATURE_PASS = ("feature_pipeline", "feature_store")
# What a request reads on its way: each link into a model or endpoint is one read per request.
LOOKUP_KINDS = ("feature_store", "cache", "vector_index", "retriever")
NOT_REQUEST_FLOWS = ("artifact", "eval", "watch", "govern")
# Links a model reaches its endpoint through (evaluation gate, registry, release).
SERVING_FLOWS = ("artifact", "prediction", "eval", "feature")
# The kinds whose outgoing links a walk follows: volume from data and label sources through
# VOLUME_PASS, lookups to what they serve, infrastructure to what it hosts.
WALKED_OUT = frozenset(
    {"data_source", "label_source", *VOLUME_PASS, *FEATURE_PASS, *LOOKUP_KINDS, "infrastructure"}
)
# read from a link's __dict__: cheaper than five attribute reads through pydantic's __getattr__ hook
_LINK_FIELDS = itemgetter("source", "target", "flow", "phase", "feedback")


# What `_walk` computes (`relinked` keeps it all when the edited links join no two components).
_WALKED = (
    "_reach",
    "_retained",
    "volume_reach",
    "label_datasets",
    "endpoint_models",
    "lookup_succ",
    "lookup_order",
    "hosted",
    "hosts",
)


class Edge(NamedTuple):
    node: str
    flow: str
    phase: str
    feedback: bool


class Structure:
    """Shape-only walks of one design (rebuilt when components or links change)."""

    def __init__(self, design: Design, catalog: Catalog) -> None:
        self.kind: dict[str, str] = {c.id: c.kind for c in design.components}
        self.ids: tuple[str, ...] = tuple(sorted(self.kind))
        stage_of = {k: catalog.stage_of(k) or "" for k in set(self.kind.values())}
        self.stage: dict[str, str] = {cid: stage_of[k] for cid, k in self.kind.items()}
        self._by_kind: dict[str, list[str]] = {}
        for cid in self.ids:
            self._by_kind.setdefault(self.kind[cid], []).append(cid)
        # Only the kinds a walk leaves by their outgoing links keep them.
        succ: dict[str, list[Edge]] = {cid: [] for cid in self.ids if self.kind[cid] in WALKED_OUT}
        pred: dict[str, list[Edge]] = {cid: [] for cid in self.ids}
        edge = tuple.__new__  # Edge(...) without the call through Edge.__new__
        # in any order: each list is sorted whole below
        for source, target, flow, phase, feedback in map(_LINK_FIELDS, map(vars, design.links)):
            into = pred.get(target)
            if into is None or source not in pred:
                continue
            into.append(edge(Edge, (source, flow, phase, feedback)))
            out = succ.get(source)
            if out is not None:
                out.append(edge(Edge, (target, flow, phase, feedback)))
        for edges in succ.values():
            if len(edges) > 1:
                edges.sort()
        for edges in pred.values():
            if len(edges) > 1:
                edges.sort()
        self.succ = succ
        self.pred = pred
        self._walk()

    def relinked(self, design: Design, source: str, target: str) -> Structure:
        """The structure after the links from `source` to `target` were drawn, deleted or
        changed (and nothing else): the same as `Structure(design, catalog)`, but only the
        edges between the two are read again, and only the walks that can leave `source` by
        them are redone (a walk that never reaches `source` keeps its result)."""
        copy = object.__new__(Structure)
        copy.kind, copy.ids, copy.stage, copy._by_kind = self.kind, self.ids, self.stage, self._by_kind
        copy.succ, copy.pred = dict(self.succ), dict(self.pred)
        if source not in copy.pred or target not in copy.pred:  # no edge: every walk as it was
            vars(copy).update({name: vars(self)[name] for name in _WALKED})
            copy._retained = dict(self._retained)  # filled in lazily: not shared
            return copy
        between = (lk for lk in design.links if lk.source == source and lk.target == target)
        links = sorted(between, key=lambda lk: lk.id)
        now = [Edge(source, link.flow, link.phase, link.feedback) for link in links]
        edited = [e for e in copy.pred[target] if e.node == source] + now  # before the edit, and now
        into = [e for e in copy.pred[target] if e.node != source] + now
        into.sort()
        copy.pred[target] = into
        if source in copy.succ:
            out = [e for e in copy.succ[source] if e.node != target]
            out += [Edge(target, link.flow, link.phase, link.feedback) for link in links]
            out.sort()
            copy.succ[source] = out
        # A walk from a data or label source leaves `source` only if it starts there or reaches it.
        copy._reach = {
            s: copy._volume_reach(s) if s == source or source in reach else reach
            for s, reach in self._reach.items()
        }
        copy._retained = {s: r for s, r in self._retained.items() if s != source and source not in r}
        copy._set_reaches()
        # The walks from the endpoints follow the link only on serving flows, or on request
        # inputs out of a model or a lookup.
        feeding = self.kind[source] == "model" or self.kind[source] in LOOKUP_KINDS
        if any(
            (not e.feedback and e.flow in SERVING_FLOWS) or (feeding and _request_edge(e)) for e in edited
        ):
            copy.endpoint_models = copy._endpoint_models()
        else:
            copy.endpoint_models = self.endpoint_models
        if self.kind[source] in LOOKUP_KINDS:
            copy.lookup_succ, copy.lookup_order = copy._lookups()
        else:
            copy.lookup_succ, copy.lookup_order = self.lookup_succ, self.lookup_order
        if self.kind[source] == "infrastructure":
            copy.hosted, copy.hosts = copy._hosting()
        else:
            copy.hosted, copy.hosts = self.hosted, self.hosts
        return copy

    def _walk(self) -> None:
        sources = (*self.of_kind("data_source"), *self.of_kind("label_source"))
        self._reach = {s: self._volume_reach(s) for s in sources}
        self._retained: dict[str, tuple[str, ...]] = {}
        self._set_reaches()
        self.endpoint_models = self._endpoint_models()
        self.lookup_succ, self.lookup_order = self._lookups()
        self.hosted, self.hosts = self._hosting()

    def _set_reaches(self) -> None:
        """`volume_reach` and `label_datasets` from the walks of the sources (`_reach`)."""
        reach, kind = self._reach, self.kind
        self.volume_reach = {s: reach[s] for s in self.of_kind("data_source")}
        self.label_datasets = {
            s: tuple(n for n in reach[s] if kind[n] == "dataset") for s in self.of_kind("label_source")
        }

    def _endpoint_models(self) -> dict[str, tuple[str, ...]]:
        return {e: self._with_upstream(self._serving_models(e)) for e in self.of_kind("endpoint")}

    def _lookups(self) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
        """What each lookup serves at request time (`lookup_succ`), and `lookup_order`."""
        succ, kind = self.succ, self.kind
        served = (*LOOKUP_KINDS, "model", "endpoint")
        self.lookup_succ = {
            node: tuple(sorted({e.node for e in succ[node] if _request_edge(e) and kind[e.node] in served}))
            for node in self.of_kind(*LOOKUP_KINDS)
        }
        return self.lookup_succ, self._lookup_order()

    def _hosting(self) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
        """What each infrastructure node hosts (`hosted`), and each node's hosts (`hosts`)."""
        hosted = {
            infra: tuple(sorted({e.node for e in self.succ[infra]}))
            for infra in self.of_kind("infrastructure")
        }
        hosts: dict[str, tuple[str, ...]] = {}
        for infra, nodes in hosted.items():
            for node in nodes:
                hosts[node] = (*hosts.get(node, ()), infra)
        return hosted, hosts

    def of_kind(self, *kinds: str) -> list[str]:
        """Ids of the components of these kinds, in id order."""
        if len(kinds) == 1:
            return list(self._by_kind.get(kinds[0], ()))
        return sorted(cid for kind in kinds for cid in self._by_kind.get(kind, ()))

    # ---- walks ---------------------------------------------------------------------------

    def _volume_reach(
        self, source: str, avoid: frozenset[str] = frozenset(), features: bool = False
    ) -> tuple[str, ...]:
        """Pipelines, validation, governance and datasets a source's data passes through (out
        of a governance step, a link drawn with its default flow, govern, carries the data too),
        on ways that pass none of `avoid`; with `features`, through feature pipelines and
        stores as well."""
        passing = (*VOLUME_PASS, *FEATURE_PASS) if features else VOLUME_PASS
        carrying = (*VOLUME_FLOWS, "feature") if features else VOLUME_FLOWS
        seen: set[str] = set()
        frontier = [source]
        while frontier:
            node = frontier.pop()
            flows = carrying if self.kind[node] != "governance" else (*carrying, "govern")
            for e in self.succ[node]:
                if e.feedback or e.flow not in flows or e.node in seen or e.node in avoid:
                    continue
                kind = self.kind[e.node]
                if kind in passing:
                    seen.add(e.node)
                    frontier.append(e.node)
                elif kind == "dataset":
                    seen.add(e.node)
        return tuple(sorted(seen))

    def retained_reach(self, source: str, avoid: frozenset[str] = frozenset()) -> tuple[str, ...]:
        """What a data source's records reach, through feature pipelines and stores as well as
        `volume_reach`'s kinds (where retention matters), on the ways that pass none of `avoid`."""
        if avoid:
            return self._volume_reach(source, avoid, features=True)
        if source not in self._retained:
            self._retained[source] = self._volume_reach(source, features=True)
        return self._retained[source]

    def raw_reach(self, source: str, avoid: frozenset[str] = frozenset()) -> tuple[str, ...]:
        """`volume_reach`: what a data source's records reach as they are (no feature pipeline
        or store on the way), on the ways that pass none of `avoid`."""
        return self._volume_reach(source, avoid) if avoid else self.volume_reach[source]

    def _serving_models(self, endpoint: str) -> tuple[str, ...]:
        """Models reached upstream of an endpoint through release, registry, evaluation or
        direct links, stopping at models and training jobs."""
        seen: set[str] = set()
        found: set[str] = set()
        frontier = [endpoint]
        while frontier:
            node = frontier.pop()
            for e in self.pred[node]:
                if e.feedback or e.flow not in SERVING_FLOWS or e.node in seen:
                    continue
                seen.add(e.node)
                kind = self.kind[e.node]
                if kind == "model":
                    found.add(e.node)
                elif kind not in ("training_job", "baseline_model", *LOOKUP_KINDS):
                    frontier.append(e.node)
        return tuple(sorted(found))

    def _with_upstream(self, models: tuple[str, ...]) -> tuple[str, ...]:
        """The models, and the models whose predictions they read at request time (directly or
        through caches, indexes and retrievers): a request calls them too."""
        found = set(models)
        frontier = list(models)
        while frontier:
            node = frontier.pop()
            for e in self.pred[node]:
                if not _request_edge(e) or e.node in found:
                    continue
                kind = self.kind[e.node]
                if kind == "model" or kind in LOOKUP_KINDS:
                    found.add(e.node)
                    frontier.append(e.node)
        return tuple(sorted(m for m in found if self.kind[m] == "model"))

    def _lookup_order(self) -> tuple[str, ...]:
        """Lookups ordered so each comes after every lookup it serves (loops broken by id)."""
        pending = {n: sum(1 for s in succ if s in self.lookup_succ) for n, succ in self.lookup_succ.items()}
        readers: dict[str, list[str]] = {n: [] for n in self.lookup_succ}
        for node, succ in self.lookup_succ.items():
            for s in succ:
                if s in readers:
                    readers[s].append(node)
        order: list[str] = []
        done: set[str] = set()
        while len(order) < len(pending):
            ready = sorted(n for n, count in pending.items() if count == 0 and n not in done)
            if not ready:  # a loop of lookups: take the smallest id and ignore what it still waits for
                ready = [min(n for n in pending if n not in done)]
            for node in ready:
                done.add(node)
                order.append(node)
                for reader in readers[node]:
                    pending[reader] -= 1
        return tuple(order)


def _request_edge(e: Edge) -> bool:
    return not e.feedback and e.phase != "train" and e.flow not in NOT_REQUEST_FLOWS


def sorted_unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(items)))
