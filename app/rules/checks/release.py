"""Release safety: R28, R29 (R37, online evaluation, is in experiments.py).

Every endpoint whose predictions someone acts on (a user app, an internal service, a
downstream model) is held to the same standard, and so is a consumer taking a model's
predictions with no endpoint on the way; endpoints read only by analysts, or batch endpoints
nobody is drawn consuming, get info findings; an unset consumer_type is an unknown.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from app.rules.checks._bits import pick, transpose
from app.rules.checks._common import GML, Unspecified, aws, join_words, mts, names, roml
from app.rules.checks._flows import audience
from app.rules.checks._output_feedback import across_output_links
from app.rules.checks.nearness import direct_models, served_view, source_name
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.registry import rule

_GRADUAL = ("canary", "shadow", "blue_green", "traffic_split")
# the job's output links marked feedback that R28 crosses: job -> model, the closing link of a
# warm-start or continual-training loop (feedback links out of a job into other kinds are not)
_OUTPUT = ("model",)


@rule(
    id="R28",
    title="No validation gate before serving",
    stage="serving",
    severity="error",
    kinds=("endpoint", "evaluation", "training_job"),
    rationale="A freshly trained model must beat its predecessor on held-out data before it reaches "
    "users; without a blocking evaluation, a bad training run ships automatically.",
    suggestion="Put an evaluation with gate on between training and serving "
    "(model → evaluation → registry → endpoint).",
    sources=(*mts("Infra 4"), *roml(9), GML),
    condition="A training job reaches an endpoint, or a consumer with no endpoint on the way (batch "
    "scores taken straight from the model), without passing an evaluation whose gate is true (a "
    "job's output link into a model marked feedback, a warm-start or continual-training loop, is "
    "followed too).",
    unset="An evaluation on the way whose gate is unset is not a gate: an error naming evaluation.gate "
    "(set true if a failing model is stopped).",
)
def r28_validation_gate(ctx: RuleContext) -> Iterator[Hit]:
    jobs = [c.id for c in ctx.of_kind("training_job")]
    endpoint_ids = [c.id for c in ctx.of_kind("endpoint")]
    consumers = [c.id for c in ctx.of_kind("consumer")]
    if not jobs or not (endpoint_ids or consumers):
        return
    evaluations = ctx.of_kind("evaluation")
    gates = {g.id for g in evaluations if g.properties.get("gate") is True}
    unsure = {g.id for g in evaluations if g.properties.get("gate") is None}
    wanted = [*endpoint_ids, *consumers, *unsure]
    strict = across_output_links(ctx, jobs, gates, _OUTPUT, wanted)
    lenient = across_output_links(ctx, jobs, gates | unsure, _OUTPUT, wanted) if unsure else strict
    # Predictions a consumer takes straight from a model (batch scores, no endpoint drawn) are
    # served too; a job that already reaches an endpoint ungated is reported there.
    served = 0
    for endpoint in endpoint_ids:
        served |= strict.get(endpoint, 0)
    reach: dict[str, int] = {e: strict.get(e, 0) for e in endpoint_ids}
    if consumers:
        direct = across_output_links(ctx, jobs, gates | set(endpoint_ids), _OUTPUT, consumers)
        for consumer in consumers:
            reach[consumer] = direct.get(consumer, 0) & ~served
    unknown = Unspecified(ctx)
    unsure_ids = list(ctx.sorted_ids(unsure))
    below_unsure = ctx.reach_bits(unsure_ids) if unsure_ids else {}
    places = list(range(len(unsure_ids)))
    noted = 0  # the gates already noted (bits of unsure_ids): the first note of each is kept
    for target in [*endpoint_ids, *consumers]:
        mask = reach[target]
        if not mask:
            continue
        what = "endpoint" if ctx.kind_of.get(target) == "endpoint" else "consumer"
        hard = mask & lenient.get(target, 0)
        if hard:
            ungated = pick(jobs, hard)
            yield Hit(
                f"{names(ctx, ungated, ordered=True)} {'reaches' if len(ungated) == 1 else 'reach'} {what} "
                f"{ctx.name(target)} without passing an evaluation with a gate",
                components=ctx.with_id(ungated, target),
            )
        soft = mask & ~hard
        if soft:
            for k in pick(places, below_unsure.get(target, 0) & ~noted):
                gate = unsure_ids[k]
                if strict.get(gate, 0) & soft:
                    noted |= 1 << k
                    unknown.note(
                        gate,
                        "gate",
                        f"it is the only evaluation between training and {ctx.name(target)}, "
                        "and nothing says a failing model is stopped",
                        "true to block a failing model",
                        also=(target,),
                    )
    yield from unknown.hits()


class _Registries:
    """The model registries (bits of `ids`, in design order) upstream of each node (`bits`),
    and which of them are versioned, and which leave versioned unset."""

    def __init__(self, ctx: RuleContext, ids: list[str], bits: Mapping[str, int]) -> None:
        self.ids, self.bits = ids, bits
        self.versioned = self.unset = 0
        for i, registry in enumerate(ids):
            flag = ctx.prop(registry, "versioned")
            if flag is True:
                self.versioned |= 1 << i
            elif flag is None:
                self.unset |= 1 << i

    def state(self, ctx: RuleContext, endpoint: str) -> tuple[str | None, int]:
        """A problem with the registry the endpoint is served from (None: fine), and the
        registries (bits of `ids`) whose versioned is unset when that decides it."""
        mask = self.bits.get(endpoint, 0)
        if not mask:
            return "no model registry on its path", 0
        if mask & self.versioned:
            return None, 0
        if mask & self.unset:
            return None, mask & self.unset
        shown = names(ctx, pick(self.ids, mask), ordered=True)
        return f"an unversioned model registry ({shown}: no known version to return to)", 0


@rule(
    id="R29",
    title="Unsafe rollout",
    stage="serving",
    severity="warning",
    kinds=("consumer", "endpoint", "model_registry", "release_strategy"),
    rationale="A new model version should reach a slice of traffic first and be easy to roll back to "
    "a known version from a versioned registry, whoever consumes its predictions: a user app, an "
    "internal service (payments, dispatch) or another model.",
    suggestion="Release through canary, shadow, blue/green or traffic split with rollback, and "
    "serve versions from a versioned model registry.",
    sources=(*mts("Infra 6", "Infra 7"), *aws("choose a deployment strategy", "use versioned endpoints")),
    condition="An endpoint whose predictions a user app, internal service or downstream model consumes "
    "(or an online endpoint with no consumer drawn), or such a consumer taking a model's predictions "
    "with no endpoint on the way (batch scores, an embedded model; near it: what is linked to it, "
    "to its model or on the path from the registry), has no release strategy, only big-bang "
    "releases, no rollback, or no versioned model registry upstream (a release or registry "
    "reaching it only through another endpoint is that endpoint's) (warning; error when rollback "
    "is none and no release is gradual). Endpoints read only by analysts, batch endpoints with no "
    "consumer, and analysts taking a model's predictions directly get the same finding as info.",
    unset="release_type or rollback unset (when no other release settles it), model_registry.versioned "
    "unset, or a consumer's consumer_type unset when no consumer is known to act: a warning naming it.",
    escalates_to="error",
)
def r29_rollout(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)
    view = served_view(ctx)  # the endpoints, then the consumers taking predictions with no endpoint
    # A release or registry near an endpoint is not that of an endpoint fed by its predictions:
    # an endpoint downstream of another one near the release, and not reached from the release
    # without passing an endpoint, borrows nothing.
    ends = ctx.ids_of_kind("endpoint")
    releases = ctx.of_kind("release_strategy")
    # the endpoints each release reaches without passing another endpoint (bits of view.endpoints)
    direct = ctx.reach_bits(view.endpoints, forward=False, stop=ends) if releases else {}
    release_ids = [r.id for r in releases]
    kinds = [r.properties.get("release_type") for r in releases]
    gradual_bits = kind_unset = rollback_bits = rollback_unset = 0
    places = list(range(len(view.endpoints)))
    below = [view.below.get(e, 0) for e in view.endpoints] if releases else []
    near_rows: list[int] = []  # the endpoints each release is near (bits of view.endpoints)
    for i, r in enumerate(releases):
        rollback = r.properties.get("rollback")
        gradual_bits |= (kinds[i] in _GRADUAL) << i
        kind_unset |= (kinds[i] is None) << i
        rollback_bits |= (rollback in ("manual", "automated")) << i
        rollback_unset |= (rollback is None) << i
        mask = view.near(r.id)
        for k in pick(places, mask & ~direct.get(r.id, 0)):
            upstream = below[k] & mask  # endpoints still near the release that k is below
            if upstream and upstream != 1 << k:
                mask ^= 1 << k  # k's bit is in `mask`: picked from it, and not cleared yet
        near_rows.append(mask)
    # each endpoint's releases (bits of `release_ids`)
    near_of = dict(zip(view.endpoints, transpose(near_rows, len(view.endpoints)), strict=True))
    registry_ids = [c.id for c in ctx.of_kind("model_registry")]
    registry_bits = ctx.reach_bits(registry_ids, stop=ends) if registry_ids else {}
    registries = _Registries(ctx, registry_ids, registry_bits)
    asked: set[str] = set()  # consumers whose consumer_type is noted
    noted_type = noted_rollback = 0  # releases whose release_type, rollback is noted (first note kept)
    noted_versioned = 0  # registries whose versioned is noted (bits of registry_ids)
    for endpoint in view.endpoints:
        who, consumers = audience(ctx, endpoint)
        models = [] if endpoint in ends else direct_models(ctx, endpoint)  # a consumer's, no endpoint
        near = near_of.get(endpoint, 0)
        gradual = near & gradual_bits
        name = ctx.name(endpoint)
        problems: list[str] = []
        type_unset = rollback_unset_here = 0  # the releases whose unset value decides
        if not near:
            problems.append("no release strategy")
        elif not gradual:
            type_unset = near & kind_unset
            if not type_unset:
                first = kinds[(near & -near).bit_length() - 1]
                problems.append(f"a {str(first).replace('_', ' ')} release")
        no_rollback = False
        if near and not (gradual or near) & rollback_bits:
            rollback_unset_here = (gradual or near) & rollback_unset
            if not rollback_unset_here:
                problems.append("no rollback")
                no_rollback = True
        registry_problem, unset_registries = registries.state(ctx, endpoint)
        if registry_problem:
            problems.append(registry_problem)
        if not problems and not (type_unset or rollback_unset_here or unset_registries):
            continue
        if who == "unknown":
            for consumer in [c for c in consumers if c not in asked]:
                asked.add(consumer)
                unknown.note(
                    consumer,
                    "consumer_type",
                    f"the release of {source_name(ctx, endpoint)} "
                    + (f"has {join_words(problems)}" if problems else "is not known to be safe")
                    + ", which matters if this consumer acts on its predictions",
                    "user_app, internal_service, downstream_model or analyst",
                    also=(endpoint,),
                )
            continue
        severity = "info" if who == "soft" else None
        notes = [
            *((r, "release_type", f"it releases to {name}", "canary, shadow, ...")
              for r in pick(release_ids, type_unset & ~noted_type)),
            *((r, "rollback", f"can {name} go back to the previous model?", "automated or manual")
              for r in pick(release_ids, rollback_unset_here & ~noted_rollback)),
            *((r, "versioned", f"{name} rolls back to its versions", "true")
              for r in pick(registry_ids, unset_registries & ~noted_versioned)),
        ]  # fmt: skip
        noted_type |= type_unset
        noted_versioned |= unset_registries
        noted_rollback |= rollback_unset_here
        for component, prop, why, fix in notes:
            unknown.note(component, prop, why, fix, severity=severity, also=(endpoint,))
        if not problems:
            continue
        if models:
            said = (
                f"Consumer {ctx.name(endpoint)} takes the predictions of {names(ctx, models, ordered=True)} "
                f"with no endpoint, with {join_words(problems)}"
            )
        else:
            serving = f" (serving {names(ctx, consumers, ordered=True)})" if consumers else ""
            said = f"Endpoint {ctx.name(endpoint)}{serving} has {join_words(problems)}"
        yield Hit(
            said,
            components=ctx.sorted_ids([*pick(release_ids, near), *models, endpoint])
            if models
            else ctx.with_id(pick(release_ids, near), endpoint),
            severity=severity or ("error" if no_rollback and not gradual else None),
        )
    yield from unknown.hits()
