"""Interference and feedback loops: R38, R39.

A feedback loop is read from what the links mean, not from the feedback flag: predictions
or actions that flow (through data-carrying links) into a label or data source that trains
the model again. Watch, govern, proxy and eval links carry no data and close no loop.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from typing import Any

from app.domain.digraph import DesignGraph
from app.rules.checks._common import (
    Unspecified,
    dmls,
    htd,
    names,
    number,
    toce,
)
from app.rules.checks._flows import data_loops, data_loops_unchanged, task_of
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.registry import get_rule, rule
from app.rules.shape import LinkEdit, Topology, TopologyKey

_SHARED_RESOURCE_POLICIES = ("optimizer", "rules", "rerank", "bandit")
_ISOLATED_UNITS = ("region_time",)


@rule(
    id="R38",
    title="Experiment interference in a marketplace",
    stage="monitoring",
    severity="warning",
    kinds=("decision_policy", "experiment", "problem_framing"),
    rationale="In a marketplace, a decision over shared supply or demand (allocation, pricing, "
    "ranking, re-ranking, a bandit) for one unit changes what other units see; an A/B test "
    "randomised by user, session or request then lets treatment and control interfere, and measures "
    "a biased effect.",
    suggestion="Randomise by region and time (switchback), or by clusters that do not share supply, "
    "instead of by user, session or request.",
    sources=(*toce(22), *dmls(9)),
    condition="A problem framing says marketplace true, the design makes a shared-resource decision (a "
    "decision policy of type optimizer, rules, rerank or bandit, or a ranking task), and an "
    "experiment randomises by user, session or request (a shadow test acts on nothing, and a "
    "switchback with no unit set randomises by region and time).",
    unset="In a marketplace with such a decision, an experiment whose unit is unset is a warning naming "
    "experiment.unit; marketplace unset with such a decision and a user/session/request experiment, "
    "or policy_type unset in a marketplace, is a warning naming it.",
)
def r38_interference(ctx: RuleContext) -> Iterator[Hit]:
    experiments = ctx.of_kind("experiment")
    if not experiments:
        return
    policies = ctx.of_kind("decision_policy")
    shared = [p.id for p in policies if p.properties.get("policy_type") in _SHARED_RESOURCE_POLICIES]
    framings = ctx.of_kind("problem_framing")
    if not shared and "ranking" in task_of(ctx):
        shared = [f.id for f in framings if f.properties.get("task") == "ranking"]
    market = [f.id for f in framings if f.properties.get("marketplace") is True]
    unset_market = [f.id for f in framings if f.properties.get("marketplace") is None]
    unknown = Unspecified(ctx)
    for experiment in experiments:
        unit = experiment.properties.get("unit")
        kind = experiment.properties.get("experiment_type")
        if unit in _ISOLATED_UNITS or kind == "shadow" or (kind == "switchback" and unit is None):
            continue  # a shadow acts on nothing; a switchback randomises by region and time
        if market and not shared:
            for policy in policies:
                if policy.properties.get("policy_type") is None:
                    unknown.note(
                        policy.id,
                        "policy_type",
                        f"{ctx.name(experiment.id)} randomises by {unit or 'an unset unit'} in a marketplace",
                        "threshold, rules, optimizer, rerank or bandit",
                    )
            continue
        if not shared:
            continue
        if unit is None:
            if market:
                unknown.note(
                    experiment.id,
                    "unit",
                    f"{names(ctx, shared)} decides over shared marketplace supply",
                    "region_time for a switchback",
                    also=shared,
                )
            continue
        if not market:
            for framing in unset_market:
                unknown.note(
                    framing,
                    "marketplace",
                    f"{ctx.name(experiment.id)} randomises by {unit} while "
                    f"{names(ctx, shared)} makes shared-resource decisions",
                    "true or false",
                )
            continue
        yield Hit(
            f"Experiment {ctx.name(experiment.id)} randomises by {unit} while {names(ctx, shared)} decides "
            f"over a marketplace's shared supply ({names(ctx, market)}): treated and control units interfere",
            components=ctx.sorted_ids([experiment.id, *shared]),
        )
    yield from unknown.hits()


# Where predictions are served or acted on: a loop through one of them and a training job
# feeds the model its own consequences; a loop of only models and jobs is a warm start.
_ACTED_ON = frozenset(
    ("endpoint", "consumer", "human_review", "decision_policy", "prediction_logger", "cache")
)


def _feedback_loops(ctx: RuleContext) -> list[dict[str, tuple[str, ...]]]:
    """Data loops (feedback links included) through a model and a label or data source: their
    components by role, the prediction loggers on or beside them, and their links."""

    def compute() -> list[dict[str, tuple[str, ...]]]:
        found = []
        kind_of = ctx.kind_of
        succ = ctx.succ
        beside = [(lg.id, ctx.neighbours(lg.id)) for lg in ctx.of_kind("prediction_logger")]
        for group in data_loops(ctx, feedback=True):
            members = set(group)
            roles: dict[str, list[str]] = {}
            for member in group:
                roles.setdefault(kind_of.get(member, ""), []).append(member)
            # Where the outcomes re-enter training: a label or data source, else a dataset the
            # loop writes to (a prediction log or a review queue's verdicts), else a training job
            # the served predictions' consequences reach directly (verdicts as labels).
            sources = roles.get("label_source", []) + roles.get("data_source", []) or roles.get("dataset", [])
            if not sources and not _ACTED_ON.isdisjoint(roles):
                sources = roles.get("training_job", [])
            if not (roles.get("model") and sources):
                continue
            loggers = [lg for lg, near in beside if lg in members or not near.isdisjoint(members)]
            found.append(
                {
                    "consumers": tuple(roles.get("consumer", [])),
                    "models": tuple(roles["model"]),
                    "sources": ctx.sorted_ids(sources),
                    "policies": tuple(roles.get("decision_policy", [])),
                    "loggers": tuple(loggers),
                    "links": ctx.sorted_links(
                        data["id"]
                        for node in group
                        for nxt, data in succ[node].items()
                        if nxt in members and data["feedback"]
                    ),
                }
            )
        return found

    return ctx.shape_memo("feedback_loops", compute, {"links", "feedback", "flow"}, keep=_loops_unchanged)


def _loops_unchanged(values: Mapping[Hashable, Any], graph: DesignGraph, edit: LinkEdit) -> bool:
    """The loops stay as they are when the link joins two different strongly connected
    components in topological order (a link inside a loop can split or join the data loops,
    whatever its flow), it does not attach a prediction logger beside one, and it does not
    enter a governance step (data flowing in or not decides whether its govern links carry
    data, and so close a loop it stands in: `inline_governance`)."""
    topology: Topology | None = values.get(TopologyKey(feedback=True))
    if topology is None:
        return False
    where = topology.where
    if where[edit.source] == where[edit.target]:  # inside a loop: kept if its data loops are
        if edit.feedback or not data_loops_unchanged(values, graph, edit, feedback=True):
            return False
    elif edit.added and where[edit.source] > where[edit.target]:
        return False
    ends = (graph.nodes[edit.source].get("kind"), graph.nodes[edit.target].get("kind"))
    return not edit.feedback and "prediction_logger" not in ends and ends[1] != "governance"


@rule(
    id="R39",
    title="Degenerate feedback loop",
    stage="monitoring",
    severity="warning",
    kinds=("decision_policy", "model", "prediction_logger", "problem_framing"),
    rationale="When a model's predictions decide what happens (what users see, which cases are acted "
    "on) and the outcomes become its next labels or data, it only learns about what it already "
    "chose; exploration or a random holdout keeps unbiased data flowing, and logged propensities "
    "let the explored data be evaluated off-policy. For forecasts, the loop censors the outcomes "
    "instead (stock-outs hide demand): exploration is the wrong fix.",
    suggestion="Add exploration to the decision policy (exploration_rate > 0, or a bandit) with "
    "propensities logged (propensity_logged), or log a random holdout in the prediction logger "
    "(holdout_pct > 0). For a forecast, correct for censored outcomes instead.",
    sources=(*htd("4"), *dmls(8)),
    condition="Predictions or actions of a model reach, through data-carrying links (marked feedback "
    "or not), a label or data source, or a dataset, that trains it again (or, past an endpoint, "
    "consumer, review queue, policy, logger or cache, the training job itself: verdicts drawn "
    "straight into training), and no "
    "policy in the loop explores and no logger beside it keeps a holdout; or a policy explores but "
    "no logger beside the loop logs propensities. For forecasting tasks the rule defers to R50 "
    "(censored outcomes) when it exists, and otherwise asks for censoring correction.",
    unset="exploration_rate unset on a non-bandit policy in the loop, holdout_pct unset on a logger "
    "beside it, or propensity_logged unset when exploring: a warning naming it.",
)
def r39_feedback_loops(ctx: RuleContext) -> Iterator[Hit]:
    if not ctx.has_kind("model"):
        return
    loops = _feedback_loops(ctx)
    if not loops:
        return
    forecast = "forecast" in task_of(ctx)
    if forecast and get_rule("R50") is not None:
        return  # censored outcomes are R50's
    unknown = Unspecified(ctx)
    for loop in loops:
        components = ctx.sorted_ids(
            [*loop["consumers"], *loop["sources"], *loop["models"], *loop["policies"]]
        )
        acting = loop["consumers"] or loop["policies"]
        path = f"from {names(ctx, loop['models'])} " + (f"through {names(ctx, acting)} " if acting else "")
        where = f"Feedback loop {path}into {names(ctx, loop['sources'])}, back to its training"
        if forecast:
            yield Hit(
                f"{where}: the forecasts shape the outcomes they are trained on (censored demand); correct "
                "for censoring rather than explore",
                components=components,
                links=loop["links"],
            )
            continue
        explore = [
            p for p in loop["policies"]
            if ctx.prop(p, "policy_type") == "bandit" or (number(ctx.prop(p, "exploration_rate")) or 0) > 0
        ]  # fmt: skip
        holdout = [lg for lg in loop["loggers"] if (number(ctx.prop(lg, "holdout_pct")) or 0) > 0]
        if explore:
            logged = [lg for lg in loop["loggers"] if ctx.prop(lg, "propensity_logged") is True]
            unset = [lg for lg in loop["loggers"] if ctx.prop(lg, "propensity_logged") is None]
            if logged or holdout:
                continue
            for lg in unset:
                unknown.note(
                    lg,
                    "propensity_logged",
                    f"{names(ctx, explore)} explores, and explored data needs its "
                    "propensities for off-policy evaluation",
                    "true",
                    also=explore,
                )
            if unset:
                continue
            yield Hit(
                f"{where} explores through {names(ctx, explore)} but no prediction logger beside the loop "
                "records propensities: the explored data cannot be reweighted for off-policy evaluation",
                components=ctx.sorted_ids([*components, *loop["loggers"]]),
                links=loop["links"],
            )
            continue
        if holdout:
            continue
        unset_rates = [
            p for p in loop["policies"]
            if ctx.prop(p, "exploration_rate") is None and ctx.prop(p, "policy_type") != "bandit"
        ]  # fmt: skip
        unset_holdouts = [lg for lg in loop["loggers"] if ctx.prop(lg, "holdout_pct") is None]
        for p in unset_rates:
            unknown.note(p, "exploration_rate", f"it sits in a f{where[1:]}", "e.g. 0.05")
        for lg in unset_holdouts:
            unknown.note(lg, "holdout_pct", f"it logs a f{where[1:]}", "e.g. 1 (%)")
        if unset_rates or unset_holdouts:
            continue
        yield Hit(
            f"{where} has no exploration and no holdout: the model only learns from what it already chose",
            components=components,
            links=loop["links"],
        )
    yield from unknown.hits()
