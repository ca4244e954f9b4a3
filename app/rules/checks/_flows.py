"""Which links carry data, the loops they close, and who consumes an endpoint's predictions
(or a model's, taken with no endpoint)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from itertools import compress
from typing import Any

from app.domain.digraph import DesignGraph
from app.rules.checks._bits import bit_row
from app.rules.checks._common import ONLINE_MODES, inline_governance
from app.rules.checks.nearness import served_view
from app.rules.context import RuleContext
from app.rules.shape import Keep, LinkEdit, TopologyKey
from app.rules.walks import strongly_connected

NOT_DATA_FLOWS = ("watch", "govern", "proxy")
# An eval link carries the model itself when it leaves a model, a baseline, an evaluation gate
# or a registry (model → evaluation → registry); from a metric, an objective, an experiment or
# a logger it carries measurements, not data.
MODEL_PATH_KINDS = ("model", "baseline_model", "evaluation", "model_registry")
ACTING_CONSUMERS = ("user_app", "internal_service", "downstream_model")


def carries_data(ctx: RuleContext, source: str, flow: str) -> bool:
    """Whether a link from `source` with `flow` carries data (or the model) rather than a
    measurement, a governance rule or a proxy relation. A governance step that data or labels
    flow into passes them on whatever its links' flow (govern is their default)."""
    if flow == "eval":
        return ctx.kind_of.get(source) in MODEL_PATH_KINDS
    if flow == "govern":
        return source in inline_governance(ctx)
    return flow not in NOT_DATA_FLOWS


def data_loops(ctx: RuleContext, feedback: bool) -> list[tuple[str, ...]]:
    """Loops of the data flow, each as its members in design order, ordered by first member.

    Watch, govern and proxy links, and eval links of measurements, carry no data and close no
    loop, but a governance step that data flows into passes it on (see `carries_data`);
    feedback links are left out unless `feedback`. Only the loops of
    the whole graph are searched again.
    """

    def compute() -> list[tuple[str, ...]]:
        loops = ctx.loops(feedback=feedback)
        if not loops:
            return []
        succ = ctx.succ
        kind_of = ctx.kind_of
        inline = inline_governance(ctx)
        found = []
        for loop in loops:
            members = set(loop)
            adj: dict[str, list[str]] = {}
            dropped = False
            for node in loop:
                model_path = kind_of.get(node) in MODEL_PATH_KINDS
                kept = []
                for nxt, data in succ[node].items():
                    if nxt not in members:
                        continue
                    flow = data["flow"]
                    carries = (
                        model_path
                        if flow == "eval"
                        else flow not in NOT_DATA_FLOWS or (flow == "govern" and node in inline)
                    )
                    if carries and (feedback or not data["feedback"]):
                        kept.append(nxt)
                    else:
                        dropped = True
                adj[node] = kept
            if not dropped:  # every link of the loop carries data: it is a data loop as it is
                found.append(ctx.sorted_ids(loop))
                continue
            for group in strongly_connected(loop, adj):
                if len(group) > 1 or group[0] in adj[group[0]]:
                    found.append(ctx.sorted_ids(group))
        found.sort(key=lambda group: ctx.order.get(group[0], 0))
        return found

    depends = {"links", "flow", *(() if feedback else ("feedback",))}
    return ctx.shape_memo(("data_loops", feedback), compute, depends, keep=_loops_kept(feedback))


def _loops_kept(feedback: bool) -> Keep:
    """The data loops stay as they are when one link drawn or deleted leaves the loops of the
    graph (feedback links left out unless `feedback`) and the links inside them as they are: the
    walk does not follow it, or it joins two strongly connected components in topological order
    (drawn) or two different ones (deleted), or it lies inside one and leaves its data loops as
    they are (`data_loops_unchanged`); and it does not enter a governance step (data flowing in
    or not decides whether its govern links carry data: `inline_governance`)."""

    def keep(values: Mapping[Hashable, Any], graph: DesignGraph, edit: LinkEdit) -> bool:
        if graph.nodes[edit.target].get("kind") == "governance":
            return False
        if not edit.seen_by(feedback, False):
            return True
        topology = values.get(TopologyKey(feedback))
        if topology is None:
            return False
        where, u, v = topology.where, edit.source, edit.target
        if where[u] == where[v]:
            return data_loops_unchanged(values, graph, edit, feedback)
        return bool(where[u] < where[v] or not edit.added)

    return keep


def data_loops_unchanged(
    values: Mapping[Hashable, Any], graph: DesignGraph, edit: LinkEdit, feedback: bool
) -> bool:
    """For a link drawn or deleted inside one strongly connected component of the graph (as the
    cached `TopologyKey(feedback)` has it, before the edit) and into no governance step, whether
    the data loops stay as they are: it carries no data, or (drawn) its ends are in one data loop
    already or its target reaches its source along no data-carrying link, or (deleted) its ends
    are in no data loop together or its source still reaches its target along them. Read from the
    cached data loops and inline governance steps (false when either is missing)."""
    loops: list[tuple[str, ...]] | None = values.get(("data_loops", feedback))
    inline: frozenset[str] | None = values.get("inline_governance")
    topology = values.get(TopologyKey(feedback))
    u, v = edit.source, edit.target
    if loops is None or inline is None or topology is None or u == v:
        return False
    nodes = graph.nodes

    def carries(node: str, flow: str, marked: bool) -> bool:  # as data_loops reads a link
        if marked and not feedback:
            return False
        if flow == "eval":
            return nodes[node].get("kind") in MODEL_PATH_KINDS
        return flow not in NOT_DATA_FLOWS or (flow == "govern" and node in inline)

    if not carries(u, edit.flow, edit.feedback):
        return True
    home = next((loop for loop in loops if u in loop), ())
    together = v in home
    if edit.added:  # a loop closes, or two join, only when v reaches u
        where = topology.where
        return together or not _data_path(graph, v, u, lambda n: where[n] == where[u], carries)
    return not together or _data_path(graph, u, v, set(home).__contains__, carries)


def _data_path(
    graph: DesignGraph,
    start: str,
    goal: str,
    inside: Callable[[str], bool],
    carries: Callable[[str, str, bool], bool],
) -> bool:
    """Whether `goal` is reachable from `start` along data-carrying links through nodes `inside`."""
    succ = graph.succ
    seen, frontier = {start}, [start]
    while frontier:
        node = frontier.pop()
        for nxt, data in succ[node].items():
            if nxt in seen or not inside(nxt) or not carries(node, data["flow"], data["feedback"]):
                continue
            if nxt == goal:
                return True
            seen.add(nxt)
            frontier.append(nxt)
    return False


def _consumer_table(ctx: RuleContext) -> list[tuple[str, Any, int]]:
    """Each consumer with its consumer_type and the served points upstream of it (a bit mask)."""

    def compute() -> list[tuple[str, Any, int]]:
        below = served_view(ctx).below
        return [
            (c.id, c.properties.get("consumer_type"), below.get(c.id, 0)) for c in ctx.of_kind("consumer")
        ]

    return ctx.memo("consumer_table", compute)


def audience(ctx: RuleContext, endpoint_id: str) -> tuple[str, list[str]]:
    """Who acts on an endpoint's predictions: ("acting", consumers) when a user app, an internal
    service or a downstream model does; ("unknown", consumers with consumer_type unset) when
    none does but some type is unset; ("soft", consumers) when only analysts read them (or
    nobody is drawn and the endpoint is not online). For a consumer taking a model's
    predictions with no endpoint (a served point of `served_view`), the consumer itself and
    those downstream of it."""
    return ctx.memo(("audience", endpoint_id), lambda: _audience(ctx, endpoint_id))


def _consumers_of(ctx: RuleContext) -> dict[str, list[tuple[str, Any]]]:
    """Each served point's consumers (downstream of it) with their consumer_type, in design
    order: the columns of the consumers' rows of served-point bits."""

    def compute() -> dict[str, list[tuple[str, Any]]]:
        view, table = served_view(ctx), _consumer_table(ctx)
        if not table:
            return {}
        count = len(view.endpoints)
        entries = [(cid, kind) for cid, kind, _ in table]
        columns = zip(*(bit_row(mask, count) for _, _, mask in table), strict=True)
        return {e: list(compress(entries, col)) for e, col in zip(view.endpoints, columns, strict=True)}

    return ctx.memo("consumers_of", compute)


def _audience(ctx: RuleContext, endpoint_id: str) -> tuple[str, list[str]]:
    types = _consumers_of(ctx).get(endpoint_id, [])
    if ctx.kind_of.get(endpoint_id) == "consumer":
        types = [(endpoint_id, ctx.prop(endpoint_id, "consumer_type")), *types]
    acting = [c for c, t in types if t in ACTING_CONSUMERS]
    if acting:
        return "acting", acting
    unset = [c for c, t in types if t is None]
    if unset:
        return "unknown", unset
    if not types and ctx.prop(endpoint_id, "mode") in ONLINE_MODES:
        return "acting", []
    return "soft", [c for c, _ in types]


def task_of(ctx: RuleContext) -> set[str]:
    """The tasks the problem framings name (unset ones left out)."""
    return {str(t) for f in ctx.of_kind("problem_framing") if (t := f.properties.get("task")) is not None}
