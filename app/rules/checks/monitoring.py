"""Evaluation and monitoring: R35-R40."""

from __future__ import annotations

from collections.abc import Iterator

from app.domain.model import Component
from app.rules.checks._common import (
    Unspecified,
    aws,
    dmls,
    endpoint_view,
    endpoints,
    htd,
    items,
    mts,
    names,
    near_check,
    number,
    online_endpoints,
    roml,
    user_facing,
    watches_any,
)
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.registry import rule

_INPUT_SIGNALS = {"data_drift", "data_quality"}
_OUTPUT_SIGNALS = {"prediction_drift", "model_quality"}
_ONLINE_EXPERIMENTS = ("ab", "interleaving", "switchback", "bandit")


@rule(
    id="R35",
    title="Endpoint not monitored for drift or quality",
    stage="monitoring",
    severity="error",
    rationale="Models degrade silently as data and the world drift; an endpoint with no monitor on "
    "its inputs or its predictions fails without anyone knowing.",
    suggestion="Add a monitor on the endpoint watching data drift or data quality, and prediction drift "
    "or model quality.",
    sources=(*mts("Monitor 2", "Monitor 7"), *aws("monitor data drift", "monitor model performance")),
)
def r35_drift_monitoring(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)
    view = endpoint_view(ctx)
    missing = near_check(
        ctx,
        view.endpoints,
        "monitor",
        watches_any(_INPUT_SIGNALS | _OUTPUT_SIGNALS),
        unknown,
        "watches",
        lambda e: f"is {ctx.name(e)} watched for drift or quality?",
    )
    for endpoint in missing:
        near = view.near_of(ctx, endpoint, "monitor")
        others = (
            f" ({names(ctx, near)} {'watches' if len(near) == 1 else 'watch'} other signals)" if near else ""
        )
        yield Hit(
            f"Endpoint {ctx.name(endpoint)} has no monitor watching its data (data_drift, data_quality) "
            f"or its predictions (prediction_drift, model_quality){others}",
            components=(endpoint,),
        )
    yield from unknown.hits()


@rule(
    id="R36",
    title="No latency or error monitoring",
    stage="monitoring",
    severity="warning",
    rationale="An online endpoint that gets slow or starts failing breaks the product before any model "
    "metric moves.",
    suggestion="Add a monitor watching latency and errors of the endpoint, with alerting.",
    sources=mts("Monitor 6"),
)
def r36_latency_monitoring(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)
    for endpoint in near_check(
        ctx,
        online_endpoints(ctx),
        "monitor",
        watches_any({"latency", "errors"}),
        unknown,
        "watches",
        lambda e: f"are latency and errors of {ctx.name(e)} watched?",
    ):
        yield Hit(
            f"Online endpoint {ctx.name(endpoint)} has no monitor watching latency or errors",
            components=(endpoint,),
        )
    yield from unknown.hits()


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


@rule(
    id="R37",
    title="No online experiment or KPI monitor",
    stage="monitoring",
    severity="warning",
    rationale="Offline metrics only predict online impact; a user-facing model needs an online "
    "experiment to prove it moves the KPI, and a KPI monitor to keep proving it.",
    suggestion="Run an A/B test (or interleaving, switchback, bandit) before full rollout, and monitor "
    "the business KPI linked to the business objective.",
    sources=(*mts("Model 2"), *roml(2), *dmls(9)),
)
def r37_online_evaluation(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)
    facing = [e for e in endpoints(ctx) if user_facing(ctx, e)]
    if not facing:
        return

    def online_test(experiment: Component) -> bool | None:
        kind = experiment.properties.get("experiment_type")
        return None if kind is None else kind in _ONLINE_EXPERIMENTS

    untested = set(
        near_check(
            ctx,
            facing,
            "experiment",
            online_test,
            unknown,
            "experiment_type",
            lambda e: f"does it test {ctx.name(e)} online?",
        )
    )
    kpi_problem = None
    tied, unsure_kpi = _kpi_monitors(ctx)
    if not tied:
        for monitor in unsure_kpi:
            unknown.note(monitor, "watches", "does it watch the business KPI?")
        if not unsure_kpi:
            kpi_problem = (
                "no monitor watching the business KPI of the business objective"
                if ctx.has_kind("business_objective")
                else "no business objective whose KPI a monitor could watch"
            )
    for endpoint in facing:
        problems = ["no A/B, interleaving, switchback or bandit experiment"] if endpoint in untested else []
        if kpi_problem:
            problems.append(kpi_problem)
        if problems:
            yield Hit(
                f"User-facing endpoint {ctx.name(endpoint)} has {' and '.join(problems)}",
                components=(endpoint,),
            )
    yield from unknown.hits()


@rule(
    id="R38",
    title="Experiment interference in a marketplace",
    stage="monitoring",
    severity="warning",
    rationale="In a marketplace an optimizer's treatment of one user changes what other users see "
    "(shared supply); user- or request-level A/B tests then measure a biased effect.",
    suggestion="Randomise by region and time (switchback) instead of by user or request.",
    sources=dmls(9),
)
def r38_interference(ctx: RuleContext) -> Iterator[Hit]:
    optimizers = [
        p.id for p in ctx.of_kind("decision_policy") if p.properties.get("policy_type") == "optimizer"
    ]
    if not optimizers:
        return
    unknown = Unspecified(ctx)
    framings = ctx.of_kind("problem_framing")
    market = [f.id for f in framings if f.properties.get("marketplace") is True]
    unset_market = [f.id for f in framings if f.properties.get("marketplace") is None]
    for experiment in ctx.of_kind("experiment"):
        unit = experiment.properties.get("unit")
        if unit is None and market:
            unknown.note(experiment.id, "unit", "optimizer decisions in a marketplace interfere across users")
        if unit not in ("user", "request"):
            continue
        if not market:
            for framing in unset_market:
                unknown.note(framing, "marketplace", f"{ctx.name(experiment.id)} randomises by {unit}")
            continue
        yield Hit(
            f"Experiment {ctx.name(experiment.id)} randomises by {unit} while {names(ctx, optimizers)} "
            f"optimizes a marketplace ({names(ctx, market)}): treated and control units interfere",
            components=ctx.sorted_ids([experiment.id, *optimizers]),
        )
    yield from unknown.hits()


def _feedback_loops(ctx: RuleContext) -> list[dict[str, tuple[str, ...]]]:
    """Loops (with feedback links) through a consumer, a label or data source and a model:
    their components by role, the prediction loggers on or beside them, and their feedback links."""

    def compute() -> list[dict[str, tuple[str, ...]]]:
        found = []
        kind_of = ctx.kind_of
        succ = ctx.graph._succ
        feedback_links = ctx.feedback_links()
        loops = ctx.loops(feedback=True)
        for scc in sorted(loops, key=lambda loop: min(ctx.order.get(n, 0) for n in loop)):
            members = set(scc)
            roles: dict[str, list[str]] = {}
            for member in members:
                roles.setdefault(kind_of.get(member, ""), []).append(member)
            sources = roles.get("label_source", []) + roles.get("data_source", [])
            if not (roles.get("consumer") and roles.get("model") and sources):
                continue
            loggers = [
                lg.id
                for lg in ctx.of_kind("prediction_logger")
                if lg.id in members or ctx.neighbours(lg.id) & members
            ]
            found.append(
                {
                    "consumers": ctx.sorted_ids(roles["consumer"]),
                    "models": ctx.sorted_ids(roles["model"]),
                    "sources": ctx.sorted_ids(sources),
                    "policies": ctx.sorted_ids(roles.get("decision_policy", [])),
                    "loggers": tuple(loggers),
                    "links": ctx.sorted_links(
                        succ[u][v]["id"] for u, v in feedback_links if u in members and v in members
                    ),
                }
            )
        return found

    return ctx.shape_memo("feedback_loops", compute, {"links", "feedback"})


@rule(
    id="R39",
    title="Degenerate feedback loop",
    stage="monitoring",
    severity="warning",
    rationale="When a model's predictions decide what users see and their reactions become its next "
    "labels, it only learns about what it already shows; exploration or a holdout keeps some "
    "unbiased data flowing.",
    suggestion="Add exploration to the decision policy (exploration_rate > 0, or a bandit) or log a "
    "random holdout in the prediction logger (holdout_pct > 0), with propensities.",
    sources=(*htd("4"), *roml(36), *dmls(8)),
)
def r39_feedback_loops(ctx: RuleContext) -> Iterator[Hit]:
    if not ctx.has_kind("consumer") or not ctx.has_kind("model"):
        return
    for loop in _feedback_loops(ctx):
        if any(
            ctx.prop(p, "policy_type") == "bandit" or (number(ctx.prop(p, "exploration_rate")) or 0) > 0
            for p in loop["policies"]
        ):
            continue
        if any((number(ctx.prop(lg, "holdout_pct")) or 0) > 0 for lg in loop["loggers"]):
            continue
        yield Hit(
            f"Feedback loop from {names(ctx, loop['consumers'])} through {names(ctx, loop['sources'])} back "
            f"to {names(ctx, loop['models'])} has no exploration and no holdout: the model only learns "
            "from what it already shows",
            components=ctx.sorted_ids(
                [*loop["consumers"], *loop["sources"], *loop["models"], *loop["policies"]]
            ),
            links=loop["links"],
        )


@rule(
    id="R40",
    title="Serving features not logged",
    stage="monitoring",
    severity="info",
    rationale="Logging the exact features used at serving time is the surest way to train like you "
    "serve, to debug predictions and to measure skew.",
    suggestion="Add a prediction logger on the serving path with logs_features on.",
    sources=roml(29),
)
def r40_feature_logging(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)

    def logs_features(logger: Component) -> bool | None:
        flag = logger.properties.get("logs_features")
        return flag if isinstance(flag, bool) else None

    for endpoint in near_check(
        ctx,
        endpoints(ctx),
        "prediction_logger",
        logs_features,
        unknown,
        "logs_features",
        lambda e: f"it logs what {ctx.name(e)} serves",
    ):
        yield Hit(
            f"No prediction logger records the features {ctx.name(endpoint)} serves with",
            components=(endpoint,),
        )
    yield from unknown.hits()
