"""Model: R22, R23, R25-R27 (R24 is in latency.py)."""

from __future__ import annotations

from collections.abc import Iterator

from app.rules.checks._common import (
    COMPLEX_FAMILIES,
    DEEP_FAMILIES,
    INTERPRETABLE_FAMILIES,
    MODEL_KINDS,
    Unspecified,
    aws,
    ct_driven,
    dmls,
    htd,
    is_learned,
    items,
    mts,
    names,
    roml,
)
from app.rules.checks._review_load import review_capacity
from app.rules.checks._shortcuts import reaching
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.registry import rule


@rule(
    id="R22",
    title="No baseline",
    stage="model",
    severity="warning",
    kinds=("baseline_model", "model"),
    rationale="Without a simple baseline evaluated on the same data, nobody knows whether the model's "
    "complexity buys anything. Warning; error for deep, transformer, LLM and ensemble models, "
    "which need it most.",
    suggestion="Add a baseline model (heuristic, popularity, linear or the current production model) "
    "and evaluate it beside the model in the same evaluation.",
    sources=(*mts("Model 5"), *roml(4), *dmls(6)),
    condition="A learned model shares no evaluation or experiment with a baseline model (and is not "
    "linked to one); error for deep, transformer, LLM and ensemble families. A model or baseline "
    "shares a judge it reaches without passing another model: a retrieval model feeding an evaluated "
    "ranker is not evaluated beside the ranker's baseline.",
    unset="A baseline evaluated beside a model whose metric_value is unset is info naming it: the "
    "baseline's score is what the model must beat.",
    escalates_to="error",
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
    # What a judge compares is what reaches it without passing another model: a retrieval model
    # feeding an evaluated ranker is not evaluated beside the ranker's baseline.
    stop = ctx.ids_of_kind("model", "baseline_model")
    below = ctx.reach_bits(judges, forward=False, stop=stop) if baselines and judges else {}
    baseline_mask = 0
    for baseline in baselines:
        baseline_mask |= below.get(baseline, 0)
    unknown = Unspecified(ctx)
    model_ids = {m.id for m in models}
    judged = 0
    for model in models:
        judged |= below.get(model.id, 0)
    for baseline in baselines:
        if ctx.prop(baseline, "metric_value") is None and (
            ctx.neighbours(baseline) & model_ids or below.get(baseline, 0) & judged
        ):
            unknown.note(
                baseline,
                "metric_value",
                "the learned models evaluated beside it must beat its score",
                "its score on the evaluation metric",
                severity="info",
            )
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
    yield from unknown.hits()


@rule(
    id="R23",
    title="Unexplained model under an interpretability constraint",
    stage="model",
    severity="warning",
    kinds=("constraint", "model"),
    rationale="Regulated or interpretability-constrained decisions must be explainable; a black-box "
    "model needs an explainer (SHAP, a surrogate) or an interpretable family.",
    suggestion="Use an interpretable model family or attach an explainer (SHAP, surrogate).",
    sources=(*roml(14), *aws("explain model results")),
    condition="The design has an interpretability or regulatory constraint and a learned model is not "
    "interpretable and has explainer none.",
    unset="interpretable or explainer unset on such a model (when the other does not settle it) is a "
    "warning naming it.",
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
            unknown.note(model.id, "interpretable", why, "true or false")
        if explainer is None:
            unknown.note(model.id, "explainer", why, "shap, surrogate, built_in or none")
    yield from unknown.hits()


_FIX25 = {"cv": "holdout, kfold, time_series_cv or none", "hpo": "random, bayesian, grid or none"}


@rule(
    id="R25",
    title="Training without validation or tuning",
    stage="model",
    severity="warning",
    kinds=("model", "training_job"),
    rationale="Hyperparameters chosen without cross-validation or a search overfit the one split they "
    "were tried on (warning); deep models trained without early stopping overfit or waste compute "
    "(info).",
    suggestion="Tune hyperparameters (random or Bayesian search) with cross-validation or a holdout, "
    "and use early stopping for deep models.",
    sources=mts("Model 3"),
    condition="A training job has cv none and hpo none (warning), or a deep model's training job (its "
    "output link marked feedback or not) has early_stopping false (info).",
    unset="cv or hpo unset when the other is none or unset is a warning naming it; early_stopping unset "
    "on a deep model's job is info.",
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
                    unknown.note(job.id, prop, "is the model validated and tuned?", _FIX25[prop])
    jobs = ctx.ids_of_kind("training_job")
    # A job trains the models it reaches without passing another model (not the ranker a
    # retrieval model it trains feeds).
    stop = jobs | ctx.ids_of_kind(*MODEL_KINDS)
    for model in ctx.of_kind("model"):
        family = model.properties.get("family")
        if family not in DEEP_FAMILIES:
            continue
        trainers = ctx.sorted_ids(ctx.reach([model.id], forward=False, stop=stop, feedback=True) & jobs)
        for trainer in trainers:
            stopping = ctx.prop(trainer, "early_stopping")
            if stopping is False:
                yield Hit(
                    f"Training job {ctx.name(trainer)} trains {family} model {ctx.name(model.id)} without "
                    "early stopping",
                    components=ctx.sorted_ids([trainer, model.id]),
                    severity="info",
                )
            elif stopping is None:
                unknown.note(
                    trainer,
                    "early_stopping",
                    f"it trains {family} model {ctx.name(model.id)}",
                    "true or false",
                    severity="info",
                )
    yield from unknown.hits()


_AGGREGATE = frozenset({"all", "overall", "global", "total", "aggregate", "everyone", "none", "n/a", "-"})


@rule(
    id="R26",
    title="Evaluation without slices",
    stage="model",
    severity="warning",
    kinds=("constraint", "consumer", "evaluation"),
    rationale="An aggregate metric hides groups where the model fails (new users, regions, protected "
    "groups). Warning; error when the system serves users under a regulatory constraint.",
    suggestion="List the slices the evaluation reports (e.g. new vs returning users, region, device, "
    "protected attributes).",
    sources=(*mts("Model 6", "Model 7"), *aws("detect and mitigate bias")),
    condition="An evaluation lists no slices, or only blank ones or the aggregate itself (overall, "
    "all) (error when a regulatory constraint applies and a user app consumes predictions).",
    unset="slices unset is a warning naming evaluation.slices (the groups it reports separately).",
    escalates_to="error",
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
        if slices is not None:
            # A blank entry, or the aggregate itself ("overall", "all"), is no slice.
            slices = {s for s in slices if s.strip() and s.strip().lower() not in _AGGREGATE}
        if slices is None:
            unknown.note(
                evaluation.id, "slices", "which groups does it report separately?", "e.g. new users, region"
            )
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
    kinds=("cicd_pipeline", "decision_policy", "endpoint", "label_source", "training_job"),
    rationale="Each retraining shifts the score distribution; a hand-set threshold then silently "
    "changes how many cases are acted on (warning). Automated actions also need limits or human "
    "review (info), and a review queue fed faster than reviewers can work is no review at all.",
    suggestion="Tune the threshold on validation data in each training run, cap automated actions "
    "(action limits) or route them through human review sized for the flagged volume.",
    sources=htd("7"),
    condition="A threshold policy with a manually set threshold is downstream of a training job "
    "(along links marked feedback too) that retrains (periodic, triggered, continual, or linked "
    "from a CI/CD pipeline with ct); info: a policy acts with action_limits false and no human "
    "review; warning: a policy without action limits sends a human review more cases a day "
    "(endpoint qps x 86,400 x positive rate of a label source upstream, along links marked "
    "feedback too) than its capacity_per_day.",
    unset="threshold_source unset on a threshold policy whose training jobs retrain or have schedule "
    "unset is a warning; with a manual threshold, an unset schedule is a warning; action_limits "
    "unset is info; capacity_per_day unset on a review fed without action limits is info.",
)
def r27_thresholds(ctx: RuleContext) -> Iterator[Hit]:
    policies = ctx.of_kind("decision_policy")
    if not policies:
        return
    unknown = Unspecified(ctx)
    jobs = ctx.ids_of_kind("training_job")
    # A CI/CD pipeline with continuous training retrains the jobs it triggers, whatever their schedule.
    driven = ct_driven(ctx)

    def cadence(job: str) -> str | None:
        schedule = ctx.prop(job, "schedule")
        if schedule in ("periodic", "triggered", "continual"):
            return str(schedule)
        return "continuous training" if job in driven else None

    for policy in policies:
        props = policy.properties
        if props.get("policy_type") != "threshold" or props.get("threshold_source") == "validation_tuned":
            continue
        trainers = ctx.sorted_ids(ctx.reach([policy.id], forward=False, feedback=True) & jobs)
        retrained = [j for j in trainers if cadence(j)]
        unsure = [j for j in trainers if ctx.prop(j, "schedule") is None and not cadence(j)]
        if not retrained and not unsure:
            continue
        if props.get("threshold_source") is None:
            # Whatever the schedules turn out to be, the threshold's source is the unknown to settle.
            unknown.note(
                policy.id,
                "threshold_source",
                f"{names(ctx, retrained or unsure)} {'retrains' if retrained else 'may retrain'} the model",
                "validation_tuned or manual",
            )
            continue
        if not retrained:
            for job in unsure:
                unknown.note(
                    job,
                    "schedule",
                    f"threshold policy {ctx.name(policy.id)} is set by hand",
                    "manual, periodic, triggered or continual",
                    also=(policy.id,),
                )
            continue
        schedules = sorted({str(cadence(j)) for j in retrained})
        yield Hit(
            f"Decision policy {ctx.name(policy.id)} uses a manually set threshold while "
            f"{names(ctx, retrained)} retrains the model ({', '.join(schedules)})",
            components=ctx.sorted_ids([policy.id, *retrained]),
        )
    reviews = ctx.ids_of_kind("human_review")
    # the policies upstream of a human review
    reviewed = reaching(ctx.adjacency(forward=True), [p.id for p in policies], reviews) if reviews else set()
    for policy in policies:
        limits = policy.properties.get("action_limits")
        if limits is not True and policy.id in reviewed:
            yield from review_capacity(ctx, policy.id, reviews, unknown)
        if limits is True or policy.id in reviewed:
            continue
        if limits is None:
            unknown.note(
                policy.id,
                "action_limits",
                "it acts automatically, with no human review",
                "true or false",
                severity="info",
            )
        else:
            yield Hit(
                f"Decision policy {ctx.name(policy.id)} acts automatically with no action limits and no "
                "human review",
                components=(policy.id,),
                severity="info",
            )
    yield from unknown.hits()
