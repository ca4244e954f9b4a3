"""What flows in from elsewhere: R48 personal data in prediction logs, R49 other models'
outputs used as data (correction cascades). R51 (prompts and pretrained or vendor models
swapped into serving without a gate) is in swaps.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.domain.model import Component
from app.rules.checks._bits import pick
from app.rules.checks._common import htd, items, mts, names
from app.rules.checks._flows import task_of
from app.rules.checks._output_feedback import learners_of
from app.rules.checks._shortcuts import names_of
from app.rules.checks._signals import (
    GDPR_ART5,
    OWASP_LLM,
    ReachThrough,
    linked_monitors,
    model_ids,
    model_reach,
    prediction_reach,
    watch_verdict,
)
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.registry import rule

# ---- R48 ------------------------------------------------------------------------------------

_PROTECTING = {"anonymize", "encrypt", "retention"}


@rule(
    id="R48",
    title="Personal data in prediction logs",
    stage="monitoring",
    severity="error",
    kinds=("data_source", "governance", "model", "prediction_logger", "problem_framing"),
    rationale="A prediction logger that records request features copies whatever personal data "
    "the features carry into a log kept for debugging and retraining, usually longer and more "
    "widely readable than the source. Governance on the training path does not cover this copy: "
    "it is made at serving time. The text a language model generates from personal data in its "
    "prompt or retrieved context can quote it, so a log of the generated answers alone is such a "
    "copy too.",
    suggestion="Put a governance step with anonymize, encrypt or retention controls between the "
    "personal data and the logger (pseudonymise identifiers before logging), or link a governance "
    "component to the logger that governs the log itself (retention limit, encryption).",
    sources=(*mts("Data 5"), GDPR_ART5, f"{OWASP_LLM}, LLM02 Sensitive Information Disclosure"),
    condition="A prediction logger with logs_features on is reached, along serving links (marked "
    "feedback or not) and not through a training job or dataset, from a data source with "
    "contains_pii on, with no governance component with anonymize, encrypt or retention controls "
    "on the way, and none linked to the logger; or a logger with logs_features off but "
    "logs_predictions on is reached that way through a generating model (family llm, or any model "
    "when a framing's task is generation) whose output it logs and which such personal data "
    "reaches (its prompt or retrieved context).",
    unset="logs_features unset on such a logger fires, and logs_predictions unset on a logger without "
    "features that a generating model's text reaches; contains_pii unset on a data source that "
    "reaches it fires; a governance component on the way whose controls are unset does not protect.",
)
def r48_pii_in_logs(ctx: RuleContext) -> Iterator[Hit]:
    loggers = [c for c in ctx.of_kind("prediction_logger") if c.properties.get("logs_features") is not False]
    generated = [
        c for c in ctx.of_kind("prediction_logger")
        if c.properties.get("logs_features") is False and c.properties.get("logs_predictions") is not False
    ]  # fmt: skip
    if not loggers and not generated:
        return
    sources = [c for c in ctx.of_kind("data_source") if c.properties.get("contains_pii") is not False]
    if not sources:
        return
    governance = ctx.of_kind("governance")
    good = {g.id for g in governance if (items(g.properties.get("controls")) or set()) & _PROTECTING}
    unsure_gov = {g.id for g in governance if g.properties.get("controls") is None}
    seeds = [s.id for s in sources]
    # each source not known to hold personal data (contains_pii unset), as `Hit.unset` names it
    pii_unset = {
        s.id: f"{s.id}.contains_pii" for s in sources if s.properties.get("contains_pii") is not True
    }
    barrier = ctx.ids_of_kind("training_job", "dataset")
    # Along feedback links too: the mark on the link closing a loop does not stop the data.
    way = ReachThrough(ctx, seeds, good | barrier, unsure_gov, serve=True, feedback=True)
    if generated:
        yield from _generated_text_logged(ctx, generated, way, good, pii_unset)
    for logger, mask, firm in _reached_ungoverned(ctx, loggers, way, good):
        reaching = pick(seeds, mask)
        data, records, tail, gov_unset, unset = _logged(
            ctx, logger, "logs_features", reaching, pii_unset, way, firm
        )
        yield Hit(
            f"Prediction logger {ctx.name(logger.id)} {records} request features built from {data} with "
            f"no anonymize, encrypt or retention governance on the way or on the log{tail}",
            components=ctx.sorted_ids([logger.id, *reaching, *gov_unset]),
            unset=tuple(unset),
        )


def _reached_ungoverned(
    ctx: RuleContext, loggers: list[Component], way: ReachThrough, good: set[str]
) -> Iterator[tuple[Component, int, bool]]:
    """The loggers personal data reaches (with the seeds' mask and whether the way is firm) that
    no protecting governance component is linked to."""
    for logger in loggers:
        if ctx.neighbours(logger.id) & good:
            continue
        mask, firm = way.best(logger.id)
        if mask:
            yield logger, mask, firm


def _logged(
    ctx: RuleContext,
    logger: Component,
    switch: str,
    reaching: list[str],
    pii_unset: dict[str, str],
    way: ReachThrough,
    firm: bool,
) -> tuple[str, str, str, list[str], list[str]]:
    """The wording R48 shares between its two shapes: what data reaches `logger` (`reaching`,
    personal unless its contains_pii is unset: `pii_unset`), whether it records it (its property
    `switch`), the governance on the way whose controls are unset, and the properties whose being
    unset the finding rests on."""
    unset = [*filter(None, map(pii_unset.get, reaching))]
    known = [s for s in reaching if s not in pii_unset] if unset else reaching
    gov_unset = [] if firm else way.first_unsure(logger.id)
    unset += [f"{g}.controls" for g in gov_unset]
    if logger.properties.get(switch) is None:
        unset.append(f"{logger.id}.{switch}")
    if known:
        data = f"personal data from {names(ctx, known, ordered=True)}"
    else:
        data = f"data from {names(ctx, reaching, ordered=True)}, whose contains_pii is unset,"
    records = "records" if logger.properties.get(switch) else f"may record ({switch} unset)"
    tail = f"; {names(ctx, gov_unset, ordered=True)} on the way has its controls unset" if gov_unset else ""
    return data, records, tail, gov_unset, unset


def _generating(ctx: RuleContext) -> list[str]:
    """The models whose output is text made from their inputs: family llm, or every model when a
    framing's task is generation."""
    generation = "generation" in task_of(ctx)
    return [m.id for m in ctx.of_kind("model") if generation or m.properties.get("family") == "llm"]


def _generated_text_logged(
    ctx: RuleContext,
    generated: list[Component],
    way: ReachThrough,
    good: set[str],
    pii_unset: dict[str, str],
) -> Iterator[Hit]:
    """R48's second shape: a logger that keeps no features but the predictions of a generating
    model whose prompt or retrieved context carries personal data: the generated text can quote
    it (a name, an address, a ticket's contents), so the log is a copy of it all the same."""
    generators = _generating(ctx)
    if not generators:
        return
    models = model_ids(ctx)
    reach = model_reach(ctx)
    for logger, mask, firm in _reached_ungoverned(ctx, generated, way, good):
        given = {m: way.best(m)[0] & mask for m in pick(models, reach.get(logger.id, 0)) if m in generators}
        fed = [m for m, seeds in given.items() if seeds]
        if not fed:
            continue
        reaching = list(ctx.sorted_ids(s for m in fed for s in pick(way.seeds, given[m])))
        data, records, tail, gov_unset, unset = _logged(
            ctx, logger, "logs_predictions", reaching, pii_unset, way, firm
        )
        yield Hit(
            f"Prediction logger {ctx.name(logger.id)} {records} the text {names(ctx, fed, ordered=True)} "
            f"generates from {data} with no anonymize, encrypt or retention governance on the way or on "
            f"the log: generated text can quote the personal data it was given{tail}",
            components=ctx.sorted_ids([logger.id, *fed, *reaching, *gov_unset]),
            unset=tuple(unset),
        )


# ---- R49 ------------------------------------------------------------------------------------

_LANDING = (
    "dataset", "data_pipeline", "feature_pipeline", "feature_store", "label_source", "data_source",
    "vector_index",
)  # fmt: skip
_INPUT_WATCH = {"upstream", "data_drift"}
_OUTPUT_WATCH = {"upstream", "prediction_drift"}


def _watched(ctx: RuleContext, data_nodes: list[str], upstream_models: list[str]) -> tuple[bool, list[str]]:
    """Whether a monitor watches the model outputs used as data: linked to where they land (watching
    upstream or data_drift) or to the model producing them (watching upstream or prediction_drift)."""
    ok, unsure = watch_verdict(ctx, linked_monitors(ctx, data_nodes), _INPUT_WATCH)
    if ok:
        return True, []
    ok, more = watch_verdict(ctx, linked_monitors(ctx, upstream_models), _OUTPUT_WATCH)
    return ok, [] if ok else list(dict.fromkeys(unsure + more))


def _cascade_pairs(ctx: RuleContext, models: list[str]) -> dict[tuple[int, int], list[str]]:
    """(models whose predictions land there, models learning from there) -> the landings where
    that happens, in topological order. Shape only: kept until the design's links change."""

    def compute() -> dict[tuple[int, int], list[str]]:
        # a model's own link out (into the learning model) marked feedback still carries
        # its predictions (still trains it), and so does such a link between stores of data
        fed_by = prediction_reach(ctx)
        feeds = learners_of(ctx, models)
        where, order = ctx.topo_index(False), ctx.order
        landing = [t for t in ctx.ids_of_kind(*_LANDING) if fed_by.get(t)]
        pairs: dict[tuple[int, int], list[str]] = {}
        for target in sorted(landing, key=lambda t: (where.get(t, 0), order.get(t, 0))):
            producing = fed_by[target]
            users = feeds.get(target, 0) & ~producing
            if users:
                pairs.setdefault((producing, users), []).append(target)
        return pairs

    return ctx.shape_memo("cascade_pairs", compute, {"links", "feedback"})


@rule(
    id="R49",
    title="Correction cascade: model outputs used as data",
    stage="data",
    severity="warning",
    kinds=("consumer", "data_source", "model", "monitor"),
    rationale="When one model's predictions become another model's data, improving or retraining "
    "the first silently shifts the second's inputs: the two can no longer be changed "
    "independently, and a fix upstream becomes a regression downstream. The dependency must be "
    "declared to the upstream owner and watched for change.",
    suggestion="Declare the dependency (link the producing model into the data source, or a declared "
    "consumer between them) and add a monitor watching upstream (or data_drift) on the data, or "
    "prediction_drift on the producing model, so its changes raise an alert.",
    sources=(*htd("2", "3"), *mts("Monitor 1")),
    condition="A data source with source_type model_output reaches a dataset, training job or model, "
    "and no model or declared consumer is linked into it (undeclared; both along links marked "
    "feedback too), or no monitor watches "
    "upstream or data_drift on it or on its way to the model (unwatched). Also: a model's "
    "predictions land in a dataset, data or feature pipeline, feature store, vector index or source another "
    "model learns from, and no monitor watches upstream or data_drift there, or upstream or "
    "prediction_drift on the producing model (a link marked feedback is crossed when it is the "
    "producing model's own output link, the learning model's own input link, or a link from a "
    "dataset, cache, pipeline, feature store or vector index into another or into a training job; "
    "undeclared consumers of that kind are R33's).",
    unset="A consumer with declared unset does not declare the dependency, and a linked monitor with "
    "watches unset does not watch it: both are named as unset. A data source with source_type unset "
    "is not assumed to hold model outputs.",
)
def r49_correction_cascade(ctx: RuleContext) -> Iterator[Hit]:
    models = model_ids(ctx)
    model_set = set(models)
    producers = model_set | ctx.ids_of_kind("baseline_model")
    learning = model_set | ctx.ids_of_kind("dataset", "training_job")
    judged: set[str] = set()  # model-output sources: the first part below speaks for them
    for source in ctx.of_kind("data_source"):
        if source.properties.get("source_type") != "model_output":
            continue
        judged.add(source.id)
        downstream = ctx.reach([source.id], stop=model_set, feedback=True)  # feedback links too
        if not downstream & learning:
            continue
        upstream = ctx.reach([source.id], forward=False, stop=producers, feedback=True)
        above = ctx.sorted_ids(upstream)
        named = [u for u in above if u in producers]
        consumers = [u for u in above if ctx.kind_of.get(u) == "consumer"]
        missing, unset = [], []
        if not named and not any(ctx.prop(c, "declared") is True for c in consumers):
            unsure = [c for c in consumers if ctx.prop(c, "declared") is None]
            unset += [f"{c}.declared" for c in unsure]
            missing.append(
                "no declared dependency (the producing model or a declared consumer linked into it)"
            )
        below = ctx.sorted_ids(downstream)
        data_nodes = [source.id, *(n for n in below if n not in producers)]
        ok, unsure_watch = _watched(ctx, data_nodes, named)
        if not ok:
            unset += [f"{m}.watches" for m in unsure_watch]
            missing.append("no monitor watching upstream or data_drift on it")
        if missing:
            learners = [n for n in below if n in model_set]
            target = f" and {names(ctx, learners, ordered=True)} learns from it" if learners else ""
            yield Hit(
                f"{ctx.name(source.id)} holds another model's outputs{target}, with "
                + " and ".join(missing)
                + ": a change upstream silently shifts what is learned here",
                components=ctx.sorted_ids([source.id, *named, *learners]),
                unset=tuple(unset),
            )
    if len(models) < 2:
        return
    # Where each model's predictions land (not through another model or a training job), and
    # which models learn from each landing; one finding per (producers, learners) pair,
    # at the first landing on the way.
    # bits of `models`: watched at the source, and with monitors whose watches is unset (unsure_of)
    watched_models = unsure_models = 0
    unsure_of: dict[str, list[str]] = {}
    for i, model in enumerate(models):
        ok, unsure = watch_verdict(ctx, linked_monitors(ctx, [model]), _OUTPUT_WATCH)
        if ok:
            watched_models |= 1 << i
        elif unsure:
            unsure_of[model] = unsure
            unsure_models |= 1 << i
    for (producing_mask, users_mask), targets in _cascade_pairs(ctx, models).items():
        producing_mask &= ~watched_models
        if not producing_mask or judged.intersection(targets):
            continue
        unsure = []
        for target in targets:  # watched on any landing of the way is enough
            ok, more = watch_verdict(ctx, linked_monitors(ctx, [target]), _INPUT_WATCH)
            if ok:
                break
            unsure += more
        else:
            target = targets[0]
            for model in pick(models, producing_mask & unsure_models):
                unsure += unsure_of[model]
            unsure = list(dict.fromkeys(unsure))
            yield Hit(
                f"Predictions of {names_of(ctx, models, producing_mask)} land in {ctx.name(target)}, which "
                f"{names_of(ctx, models, users_mask)} learns from, and no monitor watches them there "
                "(upstream or data_drift) or at the source (upstream or prediction_drift): a retrained "
                "upstream model silently changes the downstream one",
                components=ctx.with_id(pick(models, producing_mask | users_mask), target),
                unset=tuple(f"{m}.watches" for m in unsure),
            )
