"""Model: R22-R27."""

from __future__ import annotations

from collections.abc import Iterator

from app.rules.checks._common import (
    COMPLEX_FAMILIES,
    DEEP_FAMILIES,
    INTERPRETABLE_FAMILIES,
    Unspecified,
    aws,
    dmls,
    endpoints,
    fmt,
    htd,
    is_learned,
    items,
    mts,
    names,
    number,
    online_endpoints,
    roml,
    serve_inputs,
    serving_models,
)
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.registry import rule


@rule(
    id="R22",
    title="No baseline",
    stage="model",
    severity="warning",
    rationale="Without a simple baseline evaluated on the same data, nobody knows whether the model's "
    "complexity buys anything. Warning; error for deep, transformer, LLM and ensemble models, "
    "which need it most.",
    suggestion="Add a baseline model (heuristic, popularity, linear or the current production model) "
    "and evaluate it beside the model in the same evaluation.",
    sources=(*mts("Model 5"), *roml(4), *dmls(6)),
)
def r22_baseline(ctx: RuleContext) -> Iterator[Hit]:
    models = [c for c in ctx.of_kind("model") if is_learned(ctx, c.id)]
    if not models:
        return
    baselines = [c.id for c in ctx.of_kind("baseline_model")]
    linked = set()
    for baseline in baselines:
        linked |= ctx.neighbours(baseline)
    judges = [c.id for c in ctx.of_kind("evaluation", "experiment")]
    below = ctx.reach_bits(judges, forward=False) if baselines and judges else {}
    baseline_mask = 0
    for baseline in baselines:
        baseline_mask |= below.get(baseline, 0)
    for model in models:
        if model.id in linked or below.get(model.id, 0) & baseline_mask:
            continue
        family = model.properties.get("family")
        complex_model = family in COMPLEX_FAMILIES
        what = f"{ctx.name(model.id)}" + (f" ({family})" if family else "")
        if baselines:
            message = (
                f"No baseline is evaluated beside {what}: {names(ctx, baselines)} "
                "shares no evaluation or experiment with it"
            )
        else:
            message = f"No baseline model is evaluated beside {what}"
        yield Hit(message, components=(model.id,), severity="error" if complex_model else None)


@rule(
    id="R23",
    title="Unexplained model under an interpretability constraint",
    stage="model",
    severity="warning",
    rationale="Regulated or interpretability-constrained decisions must be explainable; a black-box "
    "model needs an explainer (SHAP, a surrogate) or an interpretable family.",
    suggestion="Use an interpretable model family or attach an explainer (SHAP, surrogate).",
    sources=(*roml(14), *aws("explain model results")),
)
def r23_interpretability(ctx: RuleContext) -> Iterator[Hit]:
    constraints = [
        c.id
        for c in ctx.of_kind("constraint")
        if c.properties.get("type") in ("interpretability", "regulatory")
    ]
    if not constraints:
        return
    unknown = Unspecified(ctx)
    why = f"{names(ctx, constraints)} requires explainable predictions"
    for model in ctx.of_kind("model"):
        if not is_learned(ctx, model.id):
            continue
        props = model.properties
        interpretable = props.get("interpretable")
        if interpretable is None and props.get("family") in INTERPRETABLE_FAMILIES:
            interpretable = True
        explainer = props.get("explainer")
        if interpretable is True or explainer in ("shap", "surrogate", "built_in"):
            continue
        if interpretable is False and explainer == "none":
            yield Hit(
                f"{ctx.name(model.id)} is not interpretable and has no explainer, but {why}",
                components=ctx.sorted_ids([model.id, *constraints]),
            )
            continue
        if interpretable is None:
            unknown.note(model.id, "interpretable", why)
        if explainer is None:
            unknown.note(model.id, "explainer", why)
    yield from unknown.hits()


@rule(
    id="R25",
    title="Training without validation or tuning",
    stage="model",
    severity="warning",
    rationale="Hyperparameters chosen without cross-validation or a search overfit the one split they "
    "were tried on (warning); deep models trained without early stopping overfit or waste compute "
    "(info).",
    suggestion="Tune hyperparameters (random or Bayesian search) with cross-validation or a holdout, "
    "and use early stopping for deep models.",
    sources=mts("Model 3"),
)
def r25_tuning(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)
    for job in ctx.of_kind("training_job"):
        cv, hpo = job.properties.get("cv"), job.properties.get("hpo")
        if cv == "none" and hpo == "none":
            yield Hit(
                f"Training job {ctx.name(job.id)} has neither cross-validation nor hyperparameter tuning",
                components=(job.id,),
            )
        elif cv in (None, "none") and hpo in (None, "none"):
            for prop, value in (("cv", cv), ("hpo", hpo)):
                if value is None:
                    unknown.note(job.id, prop, "is the model validated and tuned?")
    jobs = ctx.ids_of_kind("training_job")
    for model in ctx.of_kind("model"):
        family = model.properties.get("family")
        if family not in DEEP_FAMILIES:
            continue
        trainers = ctx.sorted_ids(ctx.reach([model.id], forward=False) & jobs)
        for job in trainers:
            stopping = ctx.prop(job, "early_stopping")
            if stopping is False:
                yield Hit(
                    f"Training job {ctx.name(job)} trains {family} model {ctx.name(model.id)} without early "
                    "stopping",
                    components=ctx.sorted_ids([job, model.id]),
                    severity="info",
                )
            elif stopping is None:
                unknown.note(job, "early_stopping", f"it trains {family} model {ctx.name(model.id)}")
    yield from unknown.hits()


@rule(
    id="R26",
    title="Evaluation without slices",
    stage="model",
    severity="warning",
    rationale="An aggregate metric hides groups where the model fails (new users, regions, protected "
    "groups). Warning; error when the system serves users under a regulatory constraint.",
    suggestion="List the slices the evaluation reports (e.g. new vs returning users, region, device, "
    "protected attributes).",
    sources=(*mts("Model 6", "Model 7"), *aws("detect and mitigate bias")),
)
def r26_slices(ctx: RuleContext) -> Iterator[Hit]:
    evaluations = ctx.of_kind("evaluation")
    if not evaluations:
        return
    regulatory = [c.id for c in ctx.of_kind("constraint") if c.properties.get("type") == "regulatory"]
    users = [c.id for c in ctx.of_kind("consumer") if c.properties.get("consumer_type") == "user_app"]
    strict = bool(regulatory and users)
    unknown = Unspecified(ctx)
    for evaluation in evaluations:
        slices = items(evaluation.properties.get("slices"))
        if slices is None:
            unknown.note(evaluation.id, "slices", "which groups does it report separately?")
        elif not slices:
            extra = (
                f", and {names(ctx, users)} serves users under regulatory constraint {names(ctx, regulatory)}"
                if strict
                else ""
            )
            yield Hit(
                f"Evaluation {ctx.name(evaluation.id)} reports no slices{extra}",
                components=ctx.sorted_ids([evaluation.id, *(regulatory if strict else [])]),
                severity="error" if strict else None,
            )
    yield from unknown.hits()


@rule(
    id="R27",
    title="Fixed threshold in a retrained system",
    stage="model",
    severity="warning",
    rationale="Each retraining shifts the score distribution; a hand-set threshold then silently "
    "changes how many cases are acted on (warning). Automated actions also need limits or human "
    "review (info).",
    suggestion="Tune the threshold on validation data in each training run, and cap automated actions "
    "(action limits) or route them through human review.",
    sources=htd("7"),
)
def r27_thresholds(ctx: RuleContext) -> Iterator[Hit]:
    policies = ctx.of_kind("decision_policy")
    if not policies:
        return
    unknown = Unspecified(ctx)
    jobs = ctx.ids_of_kind("training_job")
    for policy in policies:
        props = policy.properties
        if props.get("policy_type") != "threshold" or props.get("threshold_source") == "validation_tuned":
            continue
        trainers = ctx.sorted_ids(ctx.reach([policy.id], forward=False) & jobs)
        retrained = [j for j in trainers if ctx.prop(j, "schedule") in ("periodic", "triggered", "continual")]
        if not retrained:
            for job in trainers:
                if ctx.prop(job, "schedule") is None:
                    unknown.note(job, "schedule", f"threshold policy {ctx.name(policy.id)} is set by hand")
            continue
        if props.get("threshold_source") is None:
            unknown.note(policy.id, "threshold_source", f"{names(ctx, retrained)} retrains the model")
            continue
        schedules = sorted({str(ctx.prop(j, "schedule")) for j in retrained})
        yield Hit(
            f"Decision policy {ctx.name(policy.id)} uses a manually set threshold while "
            f"{names(ctx, retrained)} retrains the model ({', '.join(schedules)})",
            components=ctx.sorted_ids([policy.id, *retrained]),
        )
    reviewed = ctx.reach(ctx.ids_of_kind("human_review"), forward=False)
    for policy in policies:
        limits = policy.properties.get("action_limits")
        if limits is True or policy.id in reviewed:
            continue
        if limits is None:
            unknown.note(policy.id, "action_limits", "it acts automatically, with no human review")
        else:
            yield Hit(
                f"Decision policy {ctx.name(policy.id)} acts automatically with no action limits and no "
                "human review",
                components=(policy.id,),
                severity="info",
            )
    yield from unknown.hits()


# ---- R24: latency budget -------------------------------------------------------------------

# What each kind adds to a request's latency; upstream models (e.g. candidate retrieval
# before a ranker) count with their own p99.
_LATENCY_PROP = {"feature_store": "online_latency_ms", "cache": "latency_ms", "model": "p99_latency_ms"}
_LARGE_FAMILIES = ("deep_nn", "transformer", "llm")
_NOT_REQUEST_FLOWS = ("artifact", "eval", "watch", "govern")


def _slo(ctx: RuleContext, endpoint: str) -> tuple[float | None, str]:
    """The endpoint's SLO, else the tightest latency constraint in milliseconds."""
    slo = number(ctx.prop(endpoint, "latency_slo_ms"))
    if slo is not None:
        return slo, f"the {fmt(slo)} ms SLO of {ctx.name(endpoint)}"
    best: tuple[float, str] | None = None
    for constraint in ctx.of_kind("constraint"):
        props = constraint.properties
        value = number(props.get("value"))
        unit = str(props.get("unit") or "ms").strip().lower()
        if (
            props.get("type") != "latency"
            or value is None
            or unit not in ("ms", "millisecond", "milliseconds")
        ):
            continue
        if best is None or value < best[0]:
            best = (value, constraint.id)
    if best is None:
        return None, ""
    return best[0], f"the {fmt(best[0])} ms latency constraint {ctx.name(best[1])}"


def _latency(ctx: RuleContext, node: str) -> float:
    prop = _LATENCY_PROP.get(ctx.kind_of.get(node, ""))
    return (number(ctx.prop(node, prop)) or 0.0) if prop else 0.0


def _heaviest_path(ctx: RuleContext, members: set[str], sink: str, request_only: bool) -> list[str]:
    """The path ending at `sink`, through `members`, with the largest summed latency."""
    where = ctx.topo_index(False)
    order = ctx.order
    pred = ctx.graph._pred
    best: dict[str, float] = {}
    came_from: dict[str, str] = {}
    for node in sorted(members | {sink}, key=lambda n: (where.get(n, 0), order.get(n, 0))):
        top, via = 0.0, None
        for prev, data in pred[node].items():
            if prev not in best or data["feedback"] or data["phase"] == "train":
                continue
            if request_only and data["flow"] in _NOT_REQUEST_FLOWS:
                continue
            if via is None or best[prev] > top or (best[prev] == top and order[prev] < order[via]):
                top, via = best[prev], prev
        best[node] = top + (_latency(ctx, node) if node != sink else 0.0)
        if via is not None:
            came_from[node] = via
    path = [sink]
    while path[-1] in came_from and len(path) <= len(members) + 1:
        path.append(came_from[path[-1]])
    return path[::-1]


@rule(
    id="R24",
    title="Latency budget",
    stage="model",
    severity="error",
    rationale="An online prediction must fit its latency SLO end to end: the model's p99 plus every "
    "feature lookup and cache on the request path. Large models on tight SLOs or on devices "
    "need a plan (distillation, compression, caching). Error when the path exceeds the SLO; warning "
    "for a large deep model with no measured latency on an SLO under 50 ms, or a large uncompressed "
    "model on an edge endpoint.",
    suggestion="Shrink the serving path (smaller or compressed model, faster feature lookups, a "
    "prediction cache) or renegotiate the SLO; record the trade-off as a decision.",
    sources=(
        *mts("Data 3", "Monitor 6"),
        *dmls(7),
        *aws("perform a performance trade-off analysis", "choose between cloud and edge deployment"),
    ),
)
def r24_latency_budget(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)
    for endpoint in online_endpoints(ctx):
        slo, slo_text = _slo(ctx, endpoint)
        models = [m for m in serving_models(ctx, endpoint) if ctx.kind_of.get(m) == "model"]
        for model in models:
            if any(other in ctx.reach([model], serve=True) for other in models if other != model):
                continue  # it runs before another serving model, whose budget counts it
            props = ctx.component(model).properties
            p99 = number(props.get("p99_latency_ms"))
            if p99 is None:
                family, params = props.get("family"), number(props.get("params_millions"))
                large = family in _LARGE_FAMILIES and params is not None and params > 100
                if large and slo is not None and slo < 50:
                    yield Hit(
                        f"{ctx.name(model)} ({family}, {fmt(params or 0)}M params) has no p99 latency and "
                        f"must answer within {slo_text}: models this large rarely do",
                        components=ctx.sorted_ids([endpoint, model]),
                        severity="warning",
                    )
                    continue
                unknown.note(
                    model, "p99_latency_ms", f"needed for the latency budget of {ctx.name(endpoint)}"
                )
                continue
            if slo is None:
                unknown.note(endpoint, "latency_slo_ms", f"{ctx.name(model)} takes {fmt(p99)} ms at p99")
                continue
            inputs = serve_inputs(ctx, model)
            between = ctx.reach([model], serve=True) & ctx.reach([endpoint], forward=False, serve=True)
            route = _heaviest_path(ctx, inputs, model, True)[:-1]
            route += _heaviest_path(ctx, between | {model}, endpoint, False)[1:-1]
            parts = [(n, _latency(ctx, n)) for n in route if _latency(ctx, n) > 0]
            total = p99 + sum(w for _, w in parts)
            if total > slo:
                terms = " + ".join(f"{ctx.name(n)} ({fmt(w)} ms)" for n, w in [(model, p99), *parts])
                yield Hit(
                    f"Serving path {terms} = {fmt(total)} ms exceeds {slo_text}"
                    if parts
                    else f"{ctx.name(model)} takes {fmt(p99)} ms at p99, which exceeds {slo_text}",
                    components=ctx.sorted_ids([endpoint, model, *(n for n, _ in parts)]),
                )
                continue
            for node in ctx.sorted_ids(inputs | between):
                prop = _LATENCY_PROP.get(ctx.kind_of.get(node, ""))
                if prop and ctx.prop(node, prop) is None:
                    unknown.note(
                        node,
                        prop,
                        f"the serving path of {ctx.name(endpoint)} takes {fmt(total)} of {fmt(slo)} ms "
                        "without it",
                    )
    for endpoint in endpoints(ctx, ("edge",)):
        for model in serving_models(ctx, endpoint):
            if ctx.kind_of.get(model) != "model":
                continue
            params = number(ctx.prop(model, "params_millions"))
            compressed = ctx.prop(model, "compressed")
            if params is None:
                unknown.note(model, "params_millions", f"it is served on edge endpoint {ctx.name(endpoint)}")
            elif params > 50 and compressed is False:
                yield Hit(
                    f"{ctx.name(model)} ({fmt(params)}M params, not compressed) is served on edge endpoint "
                    f"{ctx.name(endpoint)}: too large for a device without quantisation or distillation",
                    components=ctx.sorted_ids([endpoint, model]),
                    severity="warning",
                )
            elif params > 50 and compressed is None:
                unknown.note(
                    model, "compressed", f"{fmt(params)}M params on edge endpoint {ctx.name(endpoint)}"
                )
    yield from unknown.hits()
