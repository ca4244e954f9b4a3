"""Online evaluation: R37. A model whose predictions are acted on, at an endpoint or taken by a
consumer with no endpoint on the way, is proven online by an experiment with guardrails and
kept proven by a KPI monitor; predictions read only by analysts are not held to it."""

from __future__ import annotations

from collections.abc import Iterator

from app.domain.model import Component
from app.rules.checks._common import Unspecified, dmls, items, mts, names, roml
from app.rules.checks._flows import audience
from app.rules.checks.nearness import direct_models, near_check, served_view, source_name
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.registry import rule

_ONLINE_EXPERIMENTS = ("ab", "interleaving", "switchback", "bandit", "holdback")


def _kpi_monitors(ctx: RuleContext) -> tuple[list[str], list[str]]:
    """Monitors tied to a business objective: those watching business_kpi, and those unset."""
    objectives = ctx.ids_of_kind("business_objective")
    if not objectives:
        return [], []
    related = ctx.reach(objectives) | ctx.reach(objectives, forward=False)
    tied, unsure = [], []
    for monitor in ctx.of_kind("monitor"):
        if monitor.id not in related and not ctx.neighbours(monitor.id) & objectives:
            continue
        watches = items(monitor.properties.get("watches"))
        if watches is None:
            unsure.append(monitor.id)
        elif "business_kpi" in watches:
            tied.append(monitor.id)
    return tied, unsure


def _guarded(ctx: RuleContext, experiment: str) -> bool | None:
    """Does an experiment name a guardrail: in its guardrails (a blank entry names nothing), or
    a metric with role guardrail linked to it? None when guardrails is unset and none is linked."""
    linked = ctx.neighbours(experiment)
    if any(ctx.kind_of.get(m) == "metric" and ctx.prop(m, "role") == "guardrail" for m in linked):
        return True
    listed = items(ctx.prop(experiment, "guardrails"))
    return None if listed is None else any(g.strip() for g in listed)


@rule(
    id="R37",
    title="No online experiment or KPI monitor",
    stage="monitoring",
    severity="warning",
    kinds=("consumer", "endpoint", "experiment", "metric", "monitor"),
    rationale="Offline metrics only predict online impact; a model whose predictions are acted on "
    "needs an online experiment with guardrail metrics to prove it moves the KPI without breaking "
    "something else, and a KPI monitor to keep proving it.",
    suggestion="Run an A/B test (or interleaving, switchback, bandit, holdback) with guardrail metrics "
    "before full rollout, and monitor the business KPI linked to the business objective.",
    sources=(*mts("Model 2"), *roml(2), *dmls(9)),
    condition="An endpoint whose predictions a user app, internal service or downstream model "
    "consumes (or an online endpoint with no consumer drawn), or such a consumer taking a model's "
    "predictions with no endpoint on the way (batch scores, an embedded model), has no A/B, "
    "interleaving, switchback, bandit or holdback experiment near it (linked to it, to its model "
    "or on their path), or its online experiments list no guardrails (in "
    "guardrails, or as a metric with role guardrail linked to the experiment), or no monitor tied "
    "to a business objective watches business_kpi.",
    unset="experiment_type or guardrails unset on a nearby experiment, watches unset on a monitor tied "
    "to the objective, or consumer_type unset when no consumer is known to act: a warning naming it.",
)
def r37_online_evaluation(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)
    view = served_view(ctx)  # the endpoints, then the consumers taking predictions with no endpoint
    facing = []
    for endpoint in view.endpoints:
        who, consumers = audience(ctx, endpoint)
        if who == "acting":
            facing.append(endpoint)
        elif who == "unknown":
            for consumer in consumers:
                if unknown.has(consumer, "consumer_type"):
                    continue
                unknown.note(
                    consumer,
                    "consumer_type",
                    f"if it acts on {source_name(ctx, endpoint)}'s predictions, "
                    "they need an online experiment",
                    "user_app, internal_service, downstream_model or analyst",
                )
    if not facing:
        yield from unknown.hits()
        return

    def online_test(experiment: Component) -> bool | None:
        kind = experiment.properties.get("experiment_type")
        return None if kind is None else kind in _ONLINE_EXPERIMENTS

    untested = set(
        near_check(
            ctx, facing, "experiment", online_test, unknown, "experiment_type",
            lambda e: f"does it test {ctx.name(e)} online?",
            direct=True,
        )
    )  # fmt: skip
    kpi_problem = None
    tied, unsure_kpi = _kpi_monitors(ctx)
    if not tied:
        for monitor in unsure_kpi:
            unknown.note(monitor, "watches", "does it watch the business KPI?", "business_kpi, ...")
        if not unsure_kpi:
            kpi_problem = (
                "no monitor watching the business KPI of the business objective"
                if ctx.has_kind("business_objective")
                else "no business objective whose KPI a monitor could watch"
            )
    for endpoint in facing:
        problems = (
            ["no A/B, interleaving, switchback, bandit or holdback experiment"]
            if endpoint in untested
            else []
        )
        tests = [
            x
            for x in view.near_of(ctx, endpoint, "experiment")
            if ctx.prop(x, "experiment_type") in _ONLINE_EXPERIMENTS
        ]
        guarded = [x for x in tests if _guarded(ctx, x)]
        unguarded: list[str] = []
        if tests and not guarded:
            unset = [x for x in tests if _guarded(ctx, x) is None]
            for x in unset:
                unknown.note(
                    x,
                    "guardrails",
                    f"what must the new model of {ctx.name(endpoint)} not break?",
                    "e.g. latency, retention, complaints",
                    also=(endpoint,),
                )
            if not unset:
                problems.append(f"no guardrail metrics in {names(ctx, tests, ordered=True)}")
                unguarded = tests
        if kpi_problem:
            problems.append(kpi_problem)
        if not problems:
            continue
        if ctx.kind_of.get(endpoint) == "consumer":
            models = direct_models(ctx, endpoint)
            yield Hit(
                f"Consumer {ctx.name(endpoint)} takes the predictions of {names(ctx, models, ordered=True)} "
                f"with no endpoint, with {' and '.join(problems)}",
                components=ctx.sorted_ids([endpoint, *models, *unguarded]),
            )
        else:
            yield Hit(
                f"Endpoint {ctx.name(endpoint)} has {' and '.join(problems)}",
                components=ctx.sorted_ids([endpoint, *unguarded]),
            )
    yield from unknown.hits()
