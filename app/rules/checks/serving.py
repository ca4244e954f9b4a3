"""Serving: R30-R34 (R28 and R29 are in release.py)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet

from app.domain.model import Component
from app.rules.checks._bits import pick
from app.rules.checks._common import (
    GML,
    NOT_REQUEST_INPUTS,
    Unspecified,
    aws,
    ct_driven,
    dmls,
    endpoints,
    htd,
    items,
    mts,
    names,
    number,
    online_endpoints,
    roml,
    serve_side,
    serving_models,
)
from app.rules.checks._output_feedback import SCORE_HOLDERS, learners_of, own_link_reach
from app.rules.checks._shortcuts import names_of
from app.rules.checks.capacity import cost_budget_hits
from app.rules.checks.nearness import direct_consumers
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.registry import rule


@rule(
    id="R30",
    title="No fallback",
    stage="serving",
    severity="warning",
    kinds=("endpoint",),
    rationale="When the model times out or fails, an online endpoint without a fallback fails the "
    "request; a cached answer, a heuristic or the previous model keeps the product working.",
    suggestion="Set a fallback: cached predictions, a heuristic or the previous model.",
    sources=aws("design for reliability with fallbacks"),
    condition="An online or streaming endpoint has fallback none.",
    unset="fallback unset on an online endpoint is a warning naming endpoint.fallback.",
)
def r30_fallback(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)
    for endpoint in online_endpoints(ctx):
        fallback = ctx.prop(endpoint, "fallback")
        if fallback == "none":
            yield Hit(f"Online endpoint {ctx.name(endpoint)} has no fallback", components=(endpoint,))
        elif fallback is None:
            unknown.note(
                endpoint,
                "fallback",
                "what answers when the model fails?",
                "cached, heuristic or previous_model",
            )
    yield from unknown.hits()


@rule(
    id="R31",
    title="Serving mode mismatch",
    stage="serving",
    severity="info",
    kinds=("data_source", "endpoint", "problem_framing"),
    rationale="Batch predictions cannot use context known only at request time; online serving of "
    "inputs that change daily costs latency and uptime for nothing.",
    suggestion="Serve online when request-time context matters; otherwise precompute predictions in "
    "batch and serve them from a cache.",
    sources=(*dmls(7), *roml(8)),
    condition="A framing declares request-time context and the design serves only in batch (no online "
    "or streaming endpoint); or an online endpoint is fed only by daily or static data sources and no "
    "request-time context is declared.",
    unset="freshness unset on a source feeding such an online endpoint is info naming it.",
)
def r31_serving_mode(ctx: RuleContext) -> Iterator[Hit]:
    framings = ctx.of_kind("problem_framing")
    context = [f.id for f in framings if f.properties.get("request_time_context") is True]
    if context:
        if online_endpoints(ctx):
            return  # the context is served online; a batch endpoint beside it precomputes the rest
        for endpoint in endpoints(ctx, ("batch",)):
            yield Hit(
                f"Batch endpoint {ctx.name(endpoint)} cannot use the request-time context "
                f"{names(ctx, context)} calls for: its predictions are stale and those features unused",
                components=ctx.sorted_ids([endpoint, *context]),
            )
        return
    unknown = Unspecified(ctx)
    slow = ("daily", "static")
    for endpoint in online_endpoints(ctx):
        sources = [
            s for s in ctx.sorted_ids(serve_side(ctx, endpoint)) if ctx.kind_of.get(s) == "data_source"
        ]
        freshness = {s: ctx.prop(s, "freshness") for s in sources}
        if not sources or any(f is not None and f not in slow for f in freshness.values()):
            continue
        unset = [s for s, f in freshness.items() if f is None]
        for source in unset:
            unknown.note(
                source,
                "freshness",
                f"it feeds online endpoint {ctx.name(endpoint)}",
                "realtime, hourly, ...",
                also=(endpoint,),
            )
        if unset:
            continue
        yield Hit(
            f"Online endpoint {ctx.name(endpoint)} is fed only by daily or static data "
            f"({names(ctx, sources, ordered=True)}) and no request-time context is declared: consider "
            "precomputing predictions in batch",
            components=ctx.sorted_ids([endpoint, *sources]),
        )
    yield from unknown.hits()


@rule(
    id="R32",
    title="Model staleness unknown",
    stage="serving",
    severity="warning",
    kinds=("cicd_pipeline", "monitor", "training_job"),
    rationale="A model trained by hand and never checked for staleness decays unnoticed (MLOps level "
    "0, warning); continuous training keeps it current (info when no CI/CD pipeline does it), and "
    "continuous training that ships models without data and model tests ships whatever it trained.",
    suggestion="Schedule or trigger retraining, monitor model staleness, and add a CI/CD pipeline "
    "with continuous training and data and model tests.",
    sources=(GML, *mts("Model 4", "Monitor 4", "Infra 3")),
    condition="A training job is run by hand (schedule manual, and no CI/CD pipeline with ct links to "
    "it) and no monitor watches staleness (warning); no CI/CD pipeline has continuous training "
    "(info); a CI/CD pipeline with continuous training and continuous delivery lacks data or model "
    "tests (warning).",
    unset="schedule unset (with no staleness monitor) and tests unset on a continuous-training pipeline "
    "are warnings; ct unset is info.",
)
def r32_staleness(ctx: RuleContext) -> Iterator[Hit]:
    jobs = ctx.of_kind("training_job")
    if not jobs:
        return
    unknown = Unspecified(ctx)
    watched = [items(m.properties.get("watches")) for m in ctx.of_kind("monitor")]
    if not any(w and "staleness" in w for w in watched):
        driven = ct_driven(ctx)
        for job in jobs:
            schedule = job.properties.get("schedule")
            if job.id in driven:
                continue  # continuous training runs it, whatever its own schedule says
            if schedule == "manual":
                yield Hit(
                    f"Training job {ctx.name(job.id)} is run by hand and no monitor watches staleness: "
                    "how old the model is goes unnoticed (MLOps level 0)",
                    components=(job.id,),
                )
            elif schedule is None:
                unknown.note(
                    job.id, "schedule", "no monitor watches model staleness", "periodic, triggered, continual"
                )
    pipelines = ctx.of_kind("cicd_pipeline")
    if not any(p.properties.get("ct") is True for p in pipelines):
        unset = [p.id for p in pipelines if p.properties.get("ct") is None]
        for pid in unset:
            unknown.note(
                pid, "ct", "does it retrain the model continuously?", "true or false", severity="info"
            )
        if not unset:
            yield Hit(
                "No CI/CD pipeline with continuous training"
                + (f" ({names(ctx, [p.id for p in pipelines])} has ct off)" if pipelines else ""),
                components=ctx.sorted_ids(p.id for p in pipelines),
                severity="info",
            )
    for pipeline in pipelines:
        props = pipeline.properties
        if props.get("ct") is not True or props.get("cd") is False:
            continue
        tests = items(props.get("tests"))
        if tests is None:
            unknown.note(
                pipeline.id,
                "tests",
                "it retrains and ships models on its own",
                "unit, data, model, integration",
            )
            continue
        missing = [t for t in ("data", "model") if t not in tests]
        if missing:
            yield Hit(
                f"CI/CD pipeline {ctx.name(pipeline.id)} retrains and ships models continuously without "
                f"{' or '.join(missing)} tests: a bad batch or a worse model ships unchecked",
                components=(pipeline.id,),
            )
    yield from unknown.hits()


@rule(
    id="R33",
    title="Undeclared consumer",
    stage="serving",
    severity="warning",
    kinds=("consumer", "model"),
    rationale="Undeclared consumers of predictions tie their fate to the model silently; a model "
    "whose outputs feed another model's data creates a correction cascade where improving one "
    "breaks the other.",
    suggestion="Declare every consumer of predictions (a consumer component with declared on), "
    "and route model-to-model data through a declared consumer.",
    sources=htd("2"),
    condition="A consumer has declared false; or a model's predictions reach a dataset, data or feature "
    "pipeline, feature store, or training job (read as data: through a prediction cache, say, not "
    "as the model file a fine-tuning starts from) that another model learns from, with no declared "
    "consumer in between (a link marked feedback is crossed when it is the producing model's own "
    "output link, the learning model's own input link, or a link from a dataset, cache, pipeline, "
    "feature store or vector index into another or into a training job).",
    unset="declared unset on a consumer is a warning naming consumer.declared.",
)
def r33_consumers(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)
    consumers = ctx.of_kind("consumer")
    for consumer in consumers:
        declared = consumer.properties.get("declared")
        if declared is False:
            yield Hit(f"Consumer {ctx.name(consumer.id)} is not declared", components=(consumer.id,))
        elif declared is None:
            unknown.note(
                consumer.id, "declared", "do the model owners know about this consumer?", "true or false"
            )
    models = [c.id for c in ctx.of_kind("model")]
    if len(models) > 1:
        landing = ctx.ids_of_kind("dataset", "data_pipeline", "feature_pipeline", "feature_store")
        jobs = ctx.ids_of_kind("training_job")
        declared_ids = {c.id for c in consumers if c.properties.get("declared") is not False}
        model_ids = set(models)
        stop = model_ids | declared_ids | landing | jobs
        # a model's own link out (into the learning model) marked feedback: the loop closed
        # there still carries its predictions (still trains it)
        fed_by = own_link_reach(ctx, models, stop, stores=True)
        feeds = learners_of(ctx, models)
        # read straight from a model or a prediction cache, not as a base model
        bit = {m: 1 << i for i, m in enumerate(models)}
        barrier = landing | declared_ids | jobs
        fed = {t: fed_by.get(t, 0) for t in landing}
        fed.update((job, _read_as_data(ctx, job, bit, fed_by, barrier)) for job in jobs if fed_by.get(job))
        for target in ctx.sorted_ids(t for t, mask in fed.items() if mask):
            users_mask = feeds.get(target, 0) & ~fed[target]
            if not users_mask:
                continue
            yield Hit(
                f"Predictions of {names_of(ctx, models, fed[target])} feed {ctx.name(target)}, which "
                f"{names_of(ctx, models, users_mask)} learns from, with no declared consumer in between: "
                "a hidden correction cascade",
                components=ctx.with_id(pick(models, fed[target] | users_mask), target),
            )
    yield from unknown.hits()


def _read_as_data(
    ctx: RuleContext, job: str, bit: Mapping[str, int], fed_by: Mapping[str, int], barrier: AbstractSet[str]
) -> int:
    """The models (`bit` of each) whose predictions a training job reads by a data-carrying link
    not from a dataset, pipeline or store (those are reported where the predictions land), a
    declared consumer (the cascade is known) or another job; a model file a job starts from (an
    artifact link: fine-tuning, a warm start) is not its data. Of the links marked feedback, a
    model's own output link and one from a store of data (a prediction cache, say) are read."""
    mask, kind_of = 0, ctx.kind_of
    for prev, data in ctx.pred[job].items():
        if data["flow"] in NOT_REQUEST_INPUTS or prev in barrier:
            continue
        if data["feedback"] and prev not in bit and kind_of.get(prev) not in SCORE_HOLDERS:
            continue
        mask |= bit.get(prev) or fed_by.get(prev, 0)
    return mask


@rule(
    id="R34",
    title="Cost not controlled",
    stage="serving",
    severity="warning",
    kinds=("constraint", "data_source", "endpoint", "infrastructure", "model", "monitor", "training_job"),
    rationale="Infrastructure beyond the cost budget, and accelerators nobody watches, are how ML "
    "systems become unprofitable.",
    suggestion="Bring the infrastructure within the cost constraint, and monitor the cost of "
    "accelerated endpoints.",
    sources=aws("optimize cost", "monitor usage and cost"),
    condition="The computed monthly cost adds up to more than a cost constraint (of the components "
    "the constraint is linked to, else of the whole design): each infrastructure "
    "at its unit_price_per_hour (replicas, else the replicas peak load needs, x 730 h, plus the "
    "accelerator-hours of the training jobs it hosts) or else its declared cost_per_month, the "
    "storage of datasets and the tokens of models priced per token; or an "
    "endpoint runs on GPU/TPU infrastructure (linked to it, or hosting a model serving it), or, "
    "with no infrastructure drawn there, is served by a model whose accelerator is GPU/TPU, and no "
    "monitor watches cost; or a model billed per "
    "token (an LLM, or a vendor API) runs with no monitor watching cost while the design serves "
    "(an endpoint, or a consumer taking a model's output with no endpoint: batch generation).",
    unset="An infrastructure with neither cost_per_month nor a computable unit-price cost under a cost "
    "budget, a cost constraint's value unset, a per-token "
    "model's cost_per_1k_tokens unset, and watches unset when a cost monitor is needed, are "
    "warnings naming them.",
)
def r34_cost(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)
    infra = ctx.of_kind("infrastructure")
    for constraint in ctx.of_kind("constraint"):
        if constraint.properties.get("type") == "cost" and number(constraint.properties.get("value")) is None:
            unknown.note(constraint.id, "value", "a cost constraint needs its budget", "a number")
    _token_costs(ctx, unknown)
    yield from cost_budget_hits(ctx, unknown)
    accelerated = {c.id for c in infra if c.properties.get("accelerator") in _ACCELERATORS}
    if accelerated or any(m.properties.get("accelerator") in _ACCELERATORS for m in ctx.of_kind("model")):
        watches = [(m.id, items(m.properties.get("watches"))) for m in ctx.of_kind("monitor")]
        if not any(w and "cost" in w for _, w in watches):
            for endpoint in endpoints(ctx):
                hosts = _accelerated_hosts(ctx, endpoint, accelerated)
                if not hosts:
                    continue
                unsure = [mid for mid, w in watches if w is None]
                for mid in unsure:
                    unknown.note(
                        mid,
                        "watches",
                        f"is the cost of accelerated {ctx.name(endpoint)} watched?",
                        "cost, ...",
                        also=(endpoint,),
                    )
                if unsure:
                    continue
                yield Hit(
                    f"Endpoint {ctx.name(endpoint)} runs on accelerators ({names(ctx, hosts)}) and no "
                    "monitor watches cost",
                    components=ctx.sorted_ids([endpoint, *hosts]),
                )
    yield from _unwatched_token_costs(ctx, unknown)
    yield from unknown.hits()


_ACCELERATORS = ("gpu", "tpu")


def _accelerated_hosts(ctx: RuleContext, endpoint: str, accelerated: set[str]) -> set[str]:
    """What runs an endpoint on accelerators: accelerated infrastructure linked to it or hosting
    a model that serves it (not by a training-phase link), or, when no infrastructure is drawn
    there, a serving model whose own accelerator is a GPU or TPU."""
    drawn = any(ctx.kind_of.get(n) == "infrastructure" for n in ctx.neighbours(endpoint))
    hosts = ctx.neighbours(endpoint) & accelerated
    own: set[str] = set()
    for model in serving_models(ctx, endpoint):
        if ctx.kind_of.get(model) != "model":
            continue
        if ctx.prop(model, "accelerator") in _ACCELERATORS:
            own.add(model)
        for host in ctx.neighbours(model):
            link = ctx.succ[host].get(model) or ctx.succ[model].get(host)
            if ctx.kind_of.get(host) != "infrastructure" or link is None or link["phase"] == "train":
                continue
            drawn = True
            if host in accelerated:
                hosts.add(host)
    return hosts if drawn else hosts | own


def _per_token_models(ctx: RuleContext) -> list[Component]:
    """Models billed per token: LLMs and vendor APIs."""
    return [
        m
        for m in ctx.of_kind("model")
        if m.properties.get("family") == "llm" or m.properties.get("provenance") == "vendor_api"
    ]


def _token_costs(ctx: RuleContext, unknown: Unspecified) -> None:
    for model in _per_token_models(ctx):
        if number(model.properties.get("cost_per_1k_tokens")) is None:
            unknown.note(
                model.id, "cost_per_1k_tokens", "its calls are billed per token", "USD per 1k tokens"
            )


def _unwatched_token_costs(ctx: RuleContext, unknown: Unspecified) -> Iterator[Hit]:
    models = _per_token_models(ctx)
    if not models or not (endpoints(ctx) or direct_consumers(ctx)):  # nothing served, nothing billed
        return
    watches = [(m.id, items(m.properties.get("watches"))) for m in ctx.of_kind("monitor")]
    if any(w and "cost" in w for _, w in watches):
        return
    unsure = [mid for mid, w in watches if w is None]
    for mid in unsure:
        unknown.note(mid, "watches", "is the token cost of the LLM calls watched?", "cost, ...")
    if unsure:
        return
    yield Hit(
        f"{names(ctx, [m.id for m in models])} is billed per token and no monitor watches cost",
        components=ctx.sorted_ids([m.id for m in models]),
    )
