"""Labels: R44 position bias, R45 label maturity, R50 censored outcomes, R53 label quality.

What a model learns is bounded by what its labels say; each rule here names one way labels
say something other than the truth the model is meant to learn.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.domain.model import Component
from app.rules.checks._bits import pick
from app.rules.checks._common import ct_driven, dmls, fmt, join_words, names, number
from app.rules.checks._flows import task_of
from app.rules.checks._label_reach import human_judged, ranking_signals_near, retrained_by
from app.rules.checks._signals import (
    CHAPELLE_2014,
    CRASWELL_2008,
    JOACHIMS_2017,
    LAKKARAJU_2017,
    LANDIS_KOCH_1977,
    OUTCOME_LABELS,
    RATNER_2017,
    TOBIN_1958,
    model_ids,
    randomly_observed,
    ranking_signals,
    stated_cadence,
    trained_by,
    weighted_labels,
)
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.registry import rule

_CORRECTIONS = ("position_feature", "ipw", "randomized")
_RETRAINED = ("periodic", "triggered", "continual")
_CONTINUAL_HOURS = 1.0
_MIN_AGREEMENT = 0.6


# ---- R44 ------------------------------------------------------------------------------------


@rule(
    id="R44",
    title="Position bias in ranking with natural labels",
    stage="data",
    severity="warning",
    kinds=("decision_policy", "label_source", "metric", "problem_framing"),
    rationale="Users click what is shown first: clicks and other outcomes collected from a ranked "
    "list measure position as much as relevance. A ranker trained on them without a correction "
    "learns to keep the current order, and offline metrics computed on them reward it for that.",
    suggestion="Correct the labels for position: add the display position as a training feature set "
    "to a constant at serving (position_feature), weight clicks by inverse examination propensity "
    "estimated from randomized swaps (ipw), or train on a randomized slice (randomized); then set "
    "position_correction on the label source.",
    sources=(JOACHIMS_2017, CRASWELL_2008),
    condition="The design ranks or recommends (a framing with task ranking, a rerank decision policy, "
    "a retriever, or an NDCG, MAP, MRR or recall@k metric) and a label source whose labels are "
    "natural or delayed outcomes of what users saw has position_correction none. Without a ranking "
    "framing, a label source training models counts only when a retriever or re-ranker is up- or "
    "downstream of what it trains (or linked to nothing), or a ranking metric is linked into what "
    "its labels reach (or into what no label reaches); its labels are followed to the models they "
    "train along links marked feedback too when its label_type is set (unset, only across its "
    "own output links marked feedback).",
    unset="position_correction unset on such a label source fires (the bias is assumed uncorrected); "
    "label_type unset fires too unless position_correction names a correction.",
)
def r44_position_bias(ctx: RuleContext) -> Iterator[Hit]:
    signals = ranking_signals(ctx)
    if not signals:
        return
    ranking_task = any(ctx.kind_of.get(s) == "problem_framing" for s in signals)
    labels = ctx.of_kind("label_source")
    label_ids = [c.id for c in labels]
    near = {} if ranking_task else ranking_signals_near(ctx, label_ids, signals)
    everywhere = f"the design ranks ({names(ctx, signals)})"
    for label in labels:
        props = label.properties
        label_type, correction = props.get("label_type"), props.get("position_correction")
        if correction in _CORRECTIONS or (label_type is not None and label_type not in OUTCOME_LABELS):
            continue
        ranked = near.get(label.id, signals)
        if not ranked:
            continue  # its models rank nothing: a classifier beside a retriever
        why = everywhere if ranked is signals else f"the design ranks ({names(ctx, ranked, ordered=True)})"
        pairs = (("label_type", label_type), ("position_correction", correction))
        unset = tuple(f"{label.id}.{prop}" for prop, value in pairs if value is None)
        name = ctx.name(label.id)
        if label_type is None:
            message = (
                f"label_type of {name} is unset and {why}: if its labels are clicks or outcomes of the "
                "ranked list they carry position bias; set label_type, and position_correction "
                "(position_feature, ipw or randomized)"
            )
        elif correction is None:
            message = (
                f"{name} collects {label_type} labels from a ranked list and its position_correction is "
                f"unset ({why}): set it to position_feature, ipw or randomized, or to none to state the "
                "bias is left in"
            )
        else:
            message = (
                f"{name} collects {label_type} labels from a ranked list with no position correction "
                f"({why}): the ranker learns where items were shown, not what users prefer"
            )
        yield Hit(message, components=(label.id,), unset=unset)


# ---- R45 ------------------------------------------------------------------------------------


def _cadence(job: Component) -> float | None:
    if job.properties.get("schedule") in ("continual", None):  # unset: it may retrain continually
        return _CONTINUAL_HOURS
    return stated_cadence(f"{job.name} {job.notes} {job.technology}")


def _how(ctx: RuleContext, job: str, cadence: float | None) -> str:
    schedule = ctx.prop(job, "schedule")
    if schedule is None:
        return "on a schedule left unset (continually, for all the design says)"
    if schedule == "continual":
        return "continually"
    if schedule == "manual":
        schedule = "continuous training from a CI/CD pipeline"
    if cadence is None:
        return f"({schedule}) at a cadence its name and notes do not state"
    return f"every {fmt(cadence)} h"


@rule(
    id="R45",
    title="Label maturity versus retraining cadence",
    stage="data",
    severity="warning",
    kinds=("cicd_pipeline", "label_source", "sampling_strategy", "training_job"),
    rationale="Outcome labels (a conversion, a churn, a chargeback) mature some time after the "
    "prediction; until then the example reads as a negative. A model retrained more often than its "
    "labels mature learns, in every run, from recent examples whose positives have not arrived yet, "
    "and under-predicts exactly where the world is changing.",
    suggestion="Train only on examples older than the label delay (a label maturity window) and "
    "record that as a decision on this finding, or correct for delayed feedback (a delay model, or "
    "importance weights on the freshest examples: an importance_weight sampling strategy with "
    "weighted_correction on the way from the label source to the training job).",
    sources=(CHAPELLE_2014, *dmls(4)),
    condition="A training job retrains (schedule periodic, triggered or continual, or a CI/CD "
    "pipeline with continuous training drives it) on natural or "
    "delayed-outcome labels whose delay_hours exceeds its cadence, and no importance-weighting "
    "sampling strategy lies between them (links marked feedback carry labels too). Cadence: "
    "continual means about an hour; otherwise it is read from the job's name, notes or technology "
    "('hourly', 'daily', 'weekly', 'monthly', 'every 6 hours'). A periodic or triggered job whose "
    "cadence is not stated counts as faster than labels that take more than a day.",
    unset="delay_hours unset on a label source feeding a retrained job fires (maturity unknown); "
    "label_type unset counts as an outcome label; schedule unset counts as continual (the worst "
    "case) and is named; an unstated cadence is read as above. A label source with both label_type "
    "and delay_hours unset crosses only its own output links marked feedback (labels joined into "
    "training on the loop's closing link), not one further down.",
)
def r45_label_maturity(ctx: RuleContext) -> Iterator[Hit]:
    driven = ct_driven(ctx)  # continuous training retrains a job whatever its own schedule says
    jobs = [
        j
        for j in ctx.of_kind("training_job")
        if j.properties.get("schedule") in (*_RETRAINED, None) or j.id in driven
    ]
    labels = [
        c for c in ctx.of_kind("label_source") if c.properties.get("label_type") in (*OUTCOME_LABELS, None)
    ]
    if not jobs or not labels:
        return
    # Along links marked feedback too: outcomes joined into training on the link that closes a
    # loop mature as late as on any other link.
    job_ids = [j.id for j in jobs]
    retrains = retrained_by(ctx, labels, job_ids, model_ids(ctx))
    cadences = [_cadence(j) for j in jobs]
    cadence_of = dict(zip(job_ids, cadences, strict=True))
    # what each job with schedule unset adds to a finding's unset list
    unset_of = {j.id: f"{j.id}.schedule" for j in jobs if j.properties.get("schedule") is None}
    for label in labels:
        mask = retrains.get(label.id, 0)
        if not mask:
            continue
        delay = number(label.properties.get("delay_hours"))
        if delay is not None:
            flagged = 0
            for i, cadence in enumerate(cadences):
                if mask >> i & 1 and (delay > cadence if cadence is not None else delay > 24):
                    flagged |= 1 << i
            mask = flagged
            if not mask:
                continue
        yield _maturity_hit(ctx, label, delay, pick(job_ids, mask), cadence_of, unset_of)


def _maturity_hit(
    ctx: RuleContext,
    label: Component,
    delay: float | None,
    jobs: list[str],
    cadence_of: dict[str, float | None],
    unset_of: dict[str, str],
) -> Hit:
    """The finding of a label source whose labels mature after `jobs` (in design order) retrain."""
    unset = [f"{label.id}.label_type"] if label.properties.get("label_type") is None else []
    unset += [unset_of[j] for j in jobs if j in unset_of]
    name = ctx.name(label.id)

    def how(job: str) -> str:
        return _how(ctx, job, cadence_of[job])

    if len(jobs) == 1:
        retrain = f"{ctx.name(jobs[0])} retrains on them {how(jobs[0])}"
    else:
        shown = [f"{ctx.name(j)} {how(j)}" for j in jobs[:4]]
        if len(jobs) > 4:
            shown[3:] = [f"{len(jobs) - 3} more"]
        retrain = f"{join_words(shown)} retrain on them"
    if delay is None:
        unset.insert(0, f"{label.id}.delay_hours")
        message = (
            f"delay_hours of {name} is unset and {retrain}: if its labels mature after the next run, "
            "recent examples are learned as negatives; set delay_hours"
        )
    else:
        message = (
            f"Labels from {name} mature {fmt(delay)} h after the prediction, but {retrain}: each run "
            "learns from recent examples whose outcome has not arrived yet, counted as negatives"
        )
    return Hit(message, components=ctx.with_id(jobs, label.id), unset=tuple(unset))


_VALUE_TASKS = {"regression", "forecast"}


# ---- R50 ------------------------------------------------------------------------------------


@rule(
    id="R50",
    title="Censored outcomes",
    stage="data",
    severity="warning",
    kinds=("experiment", "label_source", "prediction_logger", "problem_framing", "sampling_strategy"),
    rationale="When the system itself hides outcomes, the labels are censored: sales stop at the "
    "stock on hand, so a stock-out records demand as the stock level; a declined loan never shows "
    "whether it would have defaulted. A model trained on the observed outcomes as if they were the "
    "truth under-forecasts demand exactly where stock ran out, and repeats past decisions.",
    suggestion="Model the censoring: treat stock-out periods as censored observations (a Tobit or "
    "survival likelihood) or impute the unconstrained demand before training; for outcomes hidden "
    "by past decisions, weight the observed ones by inverse selection propensity (an "
    "importance_weight sampling strategy with weighted_correction) or keep a random slice whose "
    "outcomes are observed whatever the model decides (a logged holdout with propensities). "
    "Record the method as a decision on this finding. Adding exploration does not recover the "
    "demand a stock-out hid.",
    sources=(TOBIN_1958, LAKKARAJU_2017),
    condition="A label source with censored on feeds a model (along links marked feedback too) with "
    "no importance-weighting sampling strategy (importance_weight with weighted_correction) "
    "between them. Where outcomes are hidden by the system's decisions (any task but regression "
    "and forecast), a random uncensored slice also corrects: a prediction logger near the model's "
    "endpoint (served over its own output link marked feedback too) with holdout_pct above 0 and "
    "propensity_logged, or a holdback experiment there. "
    "Values capped by the world (regression, forecast) need the censoring modelled: record how as "
    "a decision.",
    unset="censored unset on a label source of a forecasting design (a framing with task forecast) "
    "fires: demand and availability forecasts are where stock-outs and capacity caps censor "
    "outcomes. For other tasks an unset censored is not flagged.",
)
def r50_censored_outcomes(ctx: RuleContext) -> Iterator[Hit]:
    labels = ctx.of_kind("label_source")
    if not labels:
        return
    tasks = task_of(ctx)
    forecast = "forecast" in tasks
    # Values capped by the world (stock, cancellations) versus outcomes hidden by decisions.
    capped = bool(tasks) and tasks <= _VALUE_TASKS
    censored = [c.id for c in labels if c.properties.get("censored") is True]
    trains = trained_by(ctx, censored)
    models = sorted({m for ms in trains.values() for m in ms}, key=ctx.order.__getitem__)
    weighted = weighted_labels(ctx, censored, models)
    sampled = set() if capped else randomly_observed(ctx, models)
    for label in labels:
        flag = label.properties.get("censored")
        if flag is None and forecast:
            framings = [
                c.id for c in ctx.of_kind("problem_framing") if c.properties.get("task") == "forecast"
            ]
            yield Hit(
                f"censored of {ctx.name(label.id)} is unset and {names(ctx, framings)} forecasts: if "
                "stock-outs or capacity limits cap what is observed, the labels understate demand; set "
                "censored",
                components=ctx.sorted_ids([label.id, *framings]),
                unset=(f"{label.id}.censored",),
            )
        if flag is not True:
            continue
        bit = 1 << censored.index(label.id)
        learners = [m for m in trains.get(label.id, []) if not weighted.get(m, 0) & bit and m not in sampled]
        if not learners:
            continue
        hidden = (
            "values beyond the cap (demand above stock, times of cancelled orders)"
            if capped
            else "outcomes of cases the system declined or never showed"
        )
        yield Hit(
            f"Outcomes in {ctx.name(label.id)} are censored and {names(ctx, learners, ordered=True)} "
            f"learns them as the truth, with no correction: {hidden} are learned as if they never "
            "happened",
            components=ctx.sorted_ids([label.id, *learners]),
        )


# ---- R53 ------------------------------------------------------------------------------------


@rule(
    id="R53",
    title="Label quality unknown or low for human annotation",
    stage="data",
    severity="warning",
    kinds=("label_source",),
    rationale="Human labels are only as good as the agreement between annotators: with a kappa "
    "below about 0.6 a large share of labels are a coin toss between two readings, which caps both "
    "what the model can learn and what its evaluation can measure. Weak labels (heuristics, "
    "labeling functions) are noisier still, and a model trained on them must be judged on "
    "human labels, or its evaluation repeats the heuristics' mistakes.",
    suggestion="Measure inter-annotator agreement (Cohen's or Fleiss' kappa on a doubly labeled "
    "sample) and record it as annotator_agreement; below 0.6, tighten the guidelines, adjudicate "
    "disagreements or model label noise. Evaluate models trained on weak labels on a human-labeled "
    "set: a human_annotation label source feeding the evaluation.",
    sources=(LANDIS_KOCH_1977, RATNER_2017, *dmls(4)),
    condition="A human_annotation label source has annotator_agreement below 0.6; or a weak label "
    "source trains a model that no evaluation checks against human_annotation labels (a human label "
    "source, or a human review's label link into an evaluation or a dataset, reaching an evaluation "
    "the model feeds, not through the model itself; links marked feedback count like any other).",
    unset="annotator_agreement unset on a human_annotation label source fires (quality unknown).",
)
def r53_label_quality(ctx: RuleContext) -> Iterator[Hit]:
    labels = ctx.of_kind("label_source")
    weak: list[str] = []
    for label in labels:
        label_type = label.properties.get("label_type")
        if label_type == "weak":
            weak.append(label.id)
        if label_type != "human_annotation":
            continue
        agreement = number(label.properties.get("annotator_agreement"))
        name = ctx.name(label.id)
        if agreement is None:
            yield Hit(
                f"{name} is labeled by people and its annotator_agreement is unset: nobody knows how "
                "often two annotators give the same label; measure it (e.g. Cohen's kappa) and set it",
                components=(label.id,),
                unset=(f"{label.id}.annotator_agreement",),
            )
        elif agreement < _MIN_AGREEMENT:
            yield Hit(
                f"Annotators of {name} agree at {fmt(agreement)}, below {fmt(_MIN_AGREEMENT)}: many "
                "labels are a toss-up between readings of the guidelines",
                components=(label.id,),
            )
    if not weak:
        return
    trains = trained_by(ctx, weak)
    if not trains:
        return
    judged = human_judged(ctx, labels, model_ids(ctx))
    for weak_id in weak:
        unjudged = [m for m in trains.get(weak_id, []) if m not in judged]
        if unjudged:
            one = len(unjudged) == 1
            yield Hit(
                f"{names(ctx, unjudged, ordered=True)} {'learns' if one else 'learn'} from "
                f"weak labels ({ctx.name(weak_id)}) and no evaluation checks {'it' if one else 'them'} "
                "against human_annotation labels: the evaluation inherits the labeling heuristics' errors",
                components=ctx.sorted_ids([weak_id, *unjudged]),
            )
