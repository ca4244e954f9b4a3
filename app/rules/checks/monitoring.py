"""Monitoring: R35, R36, R40 (R37 is in release.py, R38 and R39 in loops.py)."""

from __future__ import annotations

from collections.abc import Iterator

from app.domain.model import Component
from app.rules.checks._common import (
    Unspecified,
    aws,
    mts,
    names,
    online_endpoints,
    roml,
    watches_any,
)
from app.rules.checks._flows import audience
from app.rules.checks.nearness import direct_models, near_check, serving_view, source_name
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.registry import rule

_INPUT_SIGNALS = {"data_drift", "data_quality"}
_OUTPUT_SIGNALS = {"prediction_drift", "model_quality"}


@rule(
    id="R35",
    title="Endpoint not monitored for drift or quality",
    stage="monitoring",
    severity="error",
    kinds=("consumer", "endpoint", "monitor"),
    rationale="Models degrade silently as data and the world drift; an endpoint (or a model whose "
    "predictions a consumer takes with no endpoint) with no monitor on its inputs or its "
    "predictions fails without anyone knowing.",
    suggestion="Add a monitor on the endpoint watching data drift or data quality, and prediction drift "
    "or model quality.",
    sources=(*mts("Monitor 2", "Monitor 7"), *aws("monitor data drift", "monitor model performance")),
    condition="No monitor near an endpoint in production (linked to it, to what feeds it at request "
    "time, to what it feeds or to the labels its outcomes come back to; not to the training job or "
    "data only training reads) watches data_drift, data_quality, prediction_drift or model_quality. "
    "A consumer taking a model's predictions with no endpoint on the way (batch scores, an embedded "
    "model) is held to the same when a user app, internal service or downstream model acts on them "
    "(near it: linked to it, to the model or what feeds the model at serve time, or to what it "
    "feeds); one read only by analysts gets the finding as info.",
    unset="A nearby monitor whose watches is unset, when no other monitor settles it, is an error naming "
    "monitor.watches; a direct consumer's consumer_type unset when none is known to act is a "
    "warning naming it.",
)
def r35_drift_monitoring(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)
    view = serving_view(ctx)  # the endpoints, then the consumers taking predictions directly
    missing = near_check(
        ctx,
        view.endpoints,
        "monitor",
        watches_any(_INPUT_SIGNALS | _OUTPUT_SIGNALS),
        unknown,
        "watches",
        lambda e: f"is {ctx.name(e)} watched for drift or quality?",
        serving=True,
    )
    for endpoint in missing:
        near = view.near_of(ctx, endpoint, "monitor")
        others = (
            f" ({names(ctx, near)} {'watches' if len(near) == 1 else 'watch'} other signals)" if near else ""
        )
        if ctx.kind_of.get(endpoint) == "consumer":
            yield from _unwatched_consumer(ctx, endpoint, others, unknown)
            continue
        yield Hit(
            f"Endpoint {ctx.name(endpoint)} has no monitor watching its data (data_drift, data_quality) "
            f"or its predictions (prediction_drift, model_quality){others}",
            components=(endpoint,),
        )
    yield from unknown.hits()


def _unwatched_consumer(ctx: RuleContext, consumer: str, others: str, unknown: Unspecified) -> Iterator[Hit]:
    """R35's finding for a consumer taking a model's predictions with no endpoint: an error when
    someone acts on them, info when only analysts read them, a consumer_type note when unknown."""
    who, unset = audience(ctx, consumer)
    models = direct_models(ctx, consumer)
    source = names(ctx, models, ordered=True)
    if who == "unknown":
        for other in unset:
            unknown.note(
                other,
                "consumer_type",
                f"if it acts on {source}'s predictions, nothing watches them for drift or quality",
                "user_app, internal_service, downstream_model or analyst",
                severity="warning",
                also=(consumer,),
            )
        return
    yield Hit(
        f"Consumer {ctx.name(consumer)} takes the predictions of {source} with no endpoint and no "
        "monitor watching their data (data_drift, data_quality) or the predictions (prediction_drift, "
        f"model_quality){others}",
        components=ctx.sorted_ids([consumer, *models]),
        severity="info" if who == "soft" else None,
    )


@rule(
    id="R36",
    title="No latency or error monitoring",
    stage="monitoring",
    severity="warning",
    kinds=("endpoint", "monitor"),
    rationale="An online endpoint that gets slow or starts failing breaks the product before any model "
    "metric moves.",
    suggestion="Add a monitor watching latency and errors of the endpoint, with alerting.",
    sources=mts("Monitor 6"),
    condition="No monitor near an online endpoint in production (linked to it, to what feeds it at "
    "request time or to what it feeds) watches latency or errors. A consumer taking a model's "
    "predictions with no endpoint on the way is not held to it: batch scores have no request "
    "latency, and an embedded model's latency and errors are its host's (R35 still asks for a "
    "drift or quality monitor there).",
    unset="A nearby monitor whose watches is unset, when no other monitor settles it, is a warning "
    "naming monitor.watches.",
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
        serving=True,
    ):
        yield Hit(
            f"Online endpoint {ctx.name(endpoint)} has no monitor watching latency or errors",
            components=(endpoint,),
        )
    yield from unknown.hits()


@rule(
    id="R40",
    title="Serving features not logged",
    stage="monitoring",
    severity="info",
    kinds=("consumer", "endpoint", "prediction_logger"),
    rationale="Logging the exact features used at serving time is the surest way to train like you "
    "serve, to debug predictions and to measure skew; batch scores and an embedded model are "
    "served too, and the features they were scored with are as lost when nothing logs them.",
    suggestion="Add a prediction logger on the serving path with logs_features on.",
    sources=roml(29),
    condition="No prediction logger near an endpoint in production (fed at serve time by the "
    "endpoint, what serves it or what it feeds; not a log that only trains its model) has "
    "logs_features true. A consumer taking a model's predictions with no endpoint on the way "
    "(batch scores, an embedded model) is held to the same (near it: linked to it, to the model "
    "or what feeds the model at serve time, or to what it feeds); one behind an endpoint, or fed "
    "by a model that serves an endpoint, is judged at the endpoint.",
    unset="A nearby logger whose logs_features is unset, when no other settles it, is info naming it.",
)
def r40_feature_logging(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)

    def logs_features(logger: Component) -> bool | None:
        flag = logger.properties.get("logs_features")
        return flag if isinstance(flag, bool) else None

    def served(point: str) -> str:
        if ctx.kind_of.get(point) == "consumer":
            return f"{source_name(ctx, point)} scores {ctx.name(point)} with"
        return f"{ctx.name(point)} serves"

    view = serving_view(ctx)  # the endpoints, then the consumers taking predictions directly
    for point in near_check(
        ctx,
        view.endpoints,
        "prediction_logger",
        logs_features,
        unknown,
        "logs_features",
        lambda e: f"it logs what {served(e)}",
        serving=True,
    ):
        if ctx.kind_of.get(point) == "consumer":
            models = direct_models(ctx, point)
            yield Hit(
                f"Consumer {ctx.name(point)} takes the predictions of {names(ctx, models, ordered=True)} "
                "with no endpoint, and no prediction logger records the features they were scored with",
                components=ctx.sorted_ids([point, *models]),
            )
            continue
        yield Hit(
            f"No prediction logger records the features {ctx.name(point)} serves with",
            components=(point,),
        )
    yield from unknown.hits()
