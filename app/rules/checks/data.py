"""Data: R12-R15."""

from __future__ import annotations

from collections.abc import Iterator

from app.rules.checks._common import (
    GML,
    MODEL_KINDS,
    Unspecified,
    aws,
    dmls,
    fmt,
    htd,
    items,
    mts,
    names,
    near_check,
    number,
    online_endpoints,
    pick,
    roml,
    serve_side,
    watches_any,
)
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.registry import rule

_PII_TARGETS = ("dataset", "feature_store", "model")


@rule(
    id="R12",
    title="Personal data reaches ML without governance",
    stage="data",
    severity="error",
    rationale="Personal data copied into datasets, feature stores and model weights outlives its "
    "consent and retention rules unless a governance step (anonymisation, access control, "
    "retention) sits on the way.",
    suggestion="Put a governance component (anonymize, access control, retention, consent) between "
    "the source with personal data and the datasets, features and models it feeds.",
    sources=(*mts("Data 5"), *aws("ensure data privacy")),
)
def r12_pii_governance(ctx: RuleContext) -> Iterator[Hit]:
    sources = [c for c in ctx.of_kind("data_source") if c.properties.get("contains_pii") is not False]
    if not sources:
        return
    seeds = [c.id for c in sources]
    # Report where personal data first lands; what lies beyond is fixed by the same governance.
    bits = ctx.reach_bits(seeds, stop=ctx.ids_of_kind("governance", *_PII_TARGETS))
    reaches: dict[str, list[str]] = {}
    for target in ctx.of_kind(*_PII_TARGETS):
        for source_id in pick(seeds, bits.get(target.id, 0)):
            reaches.setdefault(source_id, []).append(target.id)
    unknown = Unspecified(ctx)
    for source in sources:
        reached = reaches.get(source.id)
        if not reached:
            continue
        if source.properties.get("contains_pii") is None:
            unknown.note(
                source.id,
                "contains_pii",
                f"it reaches {names(ctx, reached, ordered=True)} without a governance step",
            )
            continue
        landed = names(ctx, reached, ordered=True)
        yield Hit(
            f"{ctx.name(source.id)} contains personal data and reaches {landed} without passing a "
            "governance component",
            components=ctx.sorted_ids([source.id, *reached]),
        )
    yield from unknown.hits()


def _validations(ctx: RuleContext, not_where: str) -> set[str]:
    return {c.id for c in ctx.of_kind("data_validation") if c.properties.get("where") != not_where}


@rule(
    id="R13",
    title="Data not validated",
    stage="data",
    severity="warning",
    rationale="Bad input data (schema changes, nulls, out-of-range values) silently degrades training "
    "and serving; validation catches it before it reaches the model.",
    suggestion="Add a data validation step between the data sources and the training job, and "
    "validate (or monitor the quality of) the data an online endpoint is fed with.",
    sources=(*mts("Data 1", "Monitor 2"), GML, *roml(5)),
)
def r13_validation(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)
    sources = [c.id for c in ctx.of_kind("data_source")]
    jobs = [c.id for c in ctx.of_kind("training_job")]
    if sources and jobs:
        # Data passes data pipelines and feature steps, not models (they emit predictions).
        stop = _validations(ctx, "serve") | ctx.ids_of_kind(*MODEL_KINDS, "training_job", "endpoint")
        bits = ctx.reach_bits(sources, stop=stop)
        for job in jobs:
            mask = bits.get(job, 0)
            if mask:
                unchecked = pick(sources, mask)
                read = names(ctx, unchecked, ordered=True)
                yield Hit(
                    f"Training job {ctx.name(job)} reads {read} with no data validation on the way",
                    components=ctx.sorted_ids([job, *unchecked]),
                )
    serve_checks = _validations(ctx, "train")
    unvalidated = [e for e in online_endpoints(ctx) if not serve_checks & serve_side(ctx, e)]
    for endpoint in near_check(
        ctx,
        unvalidated,
        "monitor",
        watches_any({"data_quality"}),
        unknown,
        "watches",
        lambda e: f"is it watching the data quality of {ctx.name(e)}?",
    ):
        yield Hit(
            f"Online endpoint {ctx.name(endpoint)} is fed with no data validation on its serving path "
            "and no monitor watches data_quality",
            components=(endpoint,),
        )
    yield from unknown.hits()


@rule(
    id="R14",
    title="Delayed labels without proxy monitors",
    stage="data",
    severity="warning",
    rationale="When labels arrive days late, model quality can only be measured days late; drift "
    "monitors on inputs and predictions are the early warning in between.",
    suggestion="Add a monitor watching prediction_drift or data_drift.",
    sources=dmls(4, 8),
)
def r14_delayed_labels(ctx: RuleContext) -> Iterator[Hit]:
    labels = ctx.of_kind("label_source")
    if not labels:
        return
    monitors = ctx.of_kind("monitor")
    watches = [items(m.properties.get("watches")) for m in monitors]
    if any(w and w & {"prediction_drift", "data_drift"} for w in watches):
        return
    unknown = Unspecified(ctx)
    unsure = [m.id for m, w in zip(monitors, watches, strict=True) if w is None]
    for label in labels:
        delay = number(label.properties.get("delay_hours"))
        if delay is None:
            unknown.note(label.id, "delay_hours", "late labels need drift monitors as a proxy")
        elif delay > 24:
            if unsure:
                for mid in unsure:
                    unknown.note(
                        mid, "watches", f"labels from {ctx.name(label.id)} arrive {fmt(delay)} h late"
                    )
                continue
            yield Hit(
                f"Labels from {ctx.name(label.id)} arrive {fmt(delay)} h late and no monitor watches "
                "prediction_drift or data_drift",
                components=(label.id,),
            )
    yield from unknown.hits()


@rule(
    id="R15",
    title="Data source without owner or versioning",
    stage="data",
    severity="info",
    rationale="An unowned or unversioned input changes without notice, and a training run on it "
    "cannot be reproduced.",
    suggestion="Name the owning team of each data source and version (snapshot) its data.",
    sources=(*htd("3"), *roml(11), *mts("Monitor 1")),
)
def r15_source_ownership(ctx: RuleContext) -> Iterator[Hit]:
    for source in ctx.of_kind("data_source"):
        props = source.properties
        problems = []
        owner = props.get("owner")
        if not (isinstance(owner, str) and owner.strip()):
            problems.append("has no owner")
        versioned = props.get("versioned")
        if versioned is False:
            problems.append("is not versioned")
        elif versioned is None:
            problems.append("has unspecified versioning")
        if problems:
            yield Hit(f"Data source {ctx.name(source.id)} {' and '.join(problems)}", components=(source.id,))
