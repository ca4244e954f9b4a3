"""Data: R12-R15."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from app.rules.checks._bits import pick, transpose
from app.rules.checks._common import (
    GML,
    MODEL_KINDS,
    Unspecified,
    aws,
    dmls,
    endpoints,
    fmt,
    htd,
    items,
    mts,
    names,
    number,
    online_endpoints,
    roml,
    serve_side,
    watches_any,
)
from app.rules.checks._feedback_reach import reach_bits_across_feedback
from app.rules.checks._shortcuts import reaching
from app.rules.checks._signals import endpoint_models, stated_reach_bits, trained_by
from app.rules.checks._skew_paths import training_masks
from app.rules.checks.nearness import near_check
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.registry import rule

_PII_TARGETS = ("dataset", "feature_store", "vector_index", "model")
_REGULATED = ("gdpr", "ccpa", "hipaa", "pci")


def _protects(controls: set[str], regulation: object) -> bool:
    """Controls that keep personal data out of copies, or restrict and expire the copies; a
    regulation (GDPR, CCPA, HIPAA, PCI) also demands retention limits on whatever is kept."""
    if regulation in _REGULATED and "retention" not in controls:
        return False
    return "anonymize" in controls or {"access_control", "retention"} <= controls


@rule(
    id="R12",
    title="Personal data reaches ML without governance",
    stage="data",
    severity="error",
    kinds=("data_source", "governance"),
    rationale="Personal data copied into datasets, feature stores, vector indexes and model weights "
    "outlives its consent and retention rules unless a governance step sits on the way whose "
    "controls fit the use: anonymisation, or access control together with retention.",
    suggestion="Put a governance component between the source with personal data and the datasets, "
    "features, indexes and models it feeds, with controls anonymize, or access_control and "
    "retention (add consent where the regulation requires it).",
    sources=(*mts("Data 5"), *aws("ensure data privacy")),
    condition="A data source with contains_pii true reaches a dataset, feature store, vector index or "
    "model without passing a governance component whose controls include anonymize, or both "
    "access_control and retention, and retention whenever its regulation is gdpr, ccpa, hipaa or "
    "pci (a governance step with other or no controls does not count). Links marked feedback carry "
    "the data like any other: marking the link that closes a loop does not stop it.",
    unset="contains_pii unset on a source that reaches ML data ungoverned is a warning; a governance "
    "step on the way whose controls are unset is a warning naming governance.controls (it does not "
    "count as protection).",
)
def r12_pii_governance(ctx: RuleContext) -> Iterator[Hit]:
    sources = [c for c in ctx.of_kind("data_source") if c.properties.get("contains_pii") is not False]
    if not sources:
        return
    seeds = [c.id for c in sources]
    unknown = Unspecified(ctx)
    good, unsure, weak = set(), set(), []
    for gov in ctx.of_kind("governance"):
        controls = items(gov.properties.get("controls"))
        if controls is None:
            unsure.add(gov.id)
        elif _protects(controls, gov.properties.get("regulation")):
            good.add(gov.id)
        else:
            weak.append(gov.id)
    targets = ctx.ids_of_kind(*_PII_TARGETS)
    # Report where personal data first lands; what lies beyond is fixed by the same governance.
    # Along feedback links too: marking the link that closes a loop says the loop is meant, not
    # that the personal data stops there.
    bits = reach_bits_across_feedback(ctx, seeds, good | unsure | targets)
    # where each source lands, in design order: the columns of the targets' rows of source bits
    landing = [c.id for c in ctx.of_kind(*_PII_TARGETS)]
    columns = transpose([bits.get(target, 0) for target in landing], len(seeds))
    reaches = {source: pick(landing, column) for source, column in zip(seeds, columns, strict=True) if column}
    for source in sources:
        reached = reaches.get(source.id)
        if not reached:
            continue
        landed = names(ctx, reached, ordered=True)
        passed = [g for g in weak if bits.get(g, 0) & (1 << seeds.index(source.id))]
        if source.properties.get("contains_pii") is None:
            unknown.note(
                source.id,
                "contains_pii",
                f"it reaches {landed} without a governance step",
                "true or false",
                severity="warning",
                also=reached,
                ordered=True,
            )
            continue
        had = sorted({c for i in passed for c in items(ctx.prop(i, "controls")) or ()})
        through = (
            f" (governance {names(ctx, passed, ordered=True)} on the way has controls "
            f"{', '.join(had) if had else 'none'}: neither anonymize nor access_control with "
            "retention, or no retention under its regulation)"
            if passed
            else ""
        )
        yield Hit(
            f"{ctx.name(source.id)} contains personal data and reaches {landed} without passing a "
            f"governance component that protects it{through}",
            components=ctx.sorted_ids([source.id, *reached, *passed])
            if passed
            else ctx.with_id(reached, source.id),
        )
    if unsure:
        fed_unsure = [gov_id for gov_id in ctx.sorted_ids(unsure) if bits.get(gov_id)]
        upstream = reaching(ctx.adjacency(forward=True, feedback=True), fed_unsure, targets)
        for gov_id in filter(upstream.__contains__, fed_unsure):
            fed = pick(seeds, bits[gov_id])
            unknown.note(
                gov_id,
                "controls",
                f"personal data from {names(ctx, fed, ordered=True)} passes it on its "
                "way to datasets, features, indexes or models",
                "anonymize, or access_control and retention",
                severity="warning",
            )
    yield from unknown.hits()


def _validates(ctx: RuleContext, vid: str, side: str) -> tuple[bool | None, list[str]]:
    """Whether a data validation protects the `side` ("train" or "serve") path: True, False,
    or None with the unset properties that decide it. A validation protects training when it
    runs there (where train or both), checks something and blocks bad data."""
    props = ctx.component(vid).properties
    where, checks, blocking = props.get("where"), items(props.get("checks")), props.get("blocking")
    if where is not None and where not in (side, "both"):
        return False, []
    if checks is not None and not checks:
        return False, []
    if side == "train" and blocking is False:
        return False, []
    unset = [p for p, v in (("where", where), ("checks", checks)) if v is None]
    if side == "train" and blocking is None:
        unset.append("blocking")
    return (None, unset) if unset else (True, [])


@rule(
    id="R13",
    title="Data not validated",
    stage="data",
    severity="warning",
    kinds=("data_source", "data_validation", "endpoint", "monitor", "training_job"),
    rationale="Bad input data (schema changes, nulls, out-of-range values) silently degrades training "
    "and serving; validation catches it before it reaches the model, and on the training path it "
    "must block a bad batch, not only log it.",
    suggestion="Add a blocking data validation step with checks (schema, range, null, ...) between the "
    "data sources and the training job, and validate (or monitor the quality of) the data an online "
    "endpoint is fed with.",
    sources=(*mts("Data 1", "Monitor 2"), GML),
    condition="Data from a source reaches a training job (along links marked feedback too when its "
    "source_type is set; unset, only across its own output links marked feedback) without passing "
    "a data validation that runs on the training side (where train or both), has checks and "
    "blocks; or an online endpoint's serving path has no validation with checks on the serving "
    "side and no monitor near it in production (not on the training side) watches data_quality.",
    unset="A validation on the way whose where, checks or blocking (training side) is unset does not "
    "count: a warning naming the unset property; a nearby monitor whose watches is unset likewise.",
)
def r13_validation(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)
    sources = [c.id for c in ctx.of_kind("data_source")]
    jobs = [c.id for c in ctx.of_kind("training_job")]
    validations = [c.id for c in ctx.of_kind("data_validation")]
    states = {v: _validates(ctx, v, "train") for v in validations}
    if sources and jobs:
        # Data passes data pipelines and feature steps, not models (they emit predictions).
        opaque = ctx.ids_of_kind(*MODEL_KINDS, "training_job", "endpoint")
        good = {v for v, (ok, _) in states.items() if ok is True}
        unsure = {v for v, (ok, _) in states.items() if ok is None}
        bits = stated_reach_bits(ctx, sources, good | unsure | opaque, ("source_type",))
        weak_all = [v for v in validations if v not in good and v not in unsure]
        for job in jobs:
            mask = bits.get(job, 0)
            if mask:
                unchecked = pick(sources, mask)
                weak = [v for v in weak_all if bits.get(v, 0) & mask]
                but = (
                    f" ({names(ctx, weak, ordered=True)} on the way does not block or checks nothing)"
                    if weak
                    else ""
                )
                yield Hit(
                    f"Training job {ctx.name(job)} reads {names(ctx, unchecked, ordered=True)} with no "
                    f"blocking data validation on the way{but}",
                    components=ctx.sorted_ids([job, *unchecked, *weak]),
                )
        if unsure:
            feeds = training_masks(ctx).feeds  # what is upstream of a training job
            for vid in ctx.sorted_ids(unsure):
                if bits.get(vid) and feeds.get(vid):
                    for prop in states[vid][1]:
                        unknown.note(
                            vid,
                            prop,
                            "does it check the training data and stop a bad batch?",
                            _FIX[prop],
                        )
    serve_states = {v: _validates(ctx, v, "serve") for v in validations}
    serve_good = {v for v, (ok, _) in serve_states.items() if ok is True}
    serve_unsure = {v for v, (ok, _) in serve_states.items() if ok is None}
    unvalidated = []
    for endpoint in online_endpoints(ctx):
        side = serve_side(ctx, endpoint)
        if serve_good & side:
            continue
        unvalidated.append(endpoint)
    for endpoint in near_check(
        ctx,
        unvalidated,
        "monitor",
        watches_any({"data_quality"}),
        unknown,
        "watches",
        lambda e: f"is it watching the data quality of {ctx.name(e)}?",
        serving=True,
    ):
        maybe = ctx.sorted_ids(serve_unsure & serve_side(ctx, endpoint))
        if maybe:
            for vid in maybe:
                for prop in serve_states[vid][1]:
                    unknown.note(vid, prop, f"does it validate what {ctx.name(endpoint)} is fed?", _FIX[prop])
            continue
        yield Hit(
            f"Online endpoint {ctx.name(endpoint)} is fed with no data validation on its serving path "
            "and no monitor watches data_quality",
            components=(endpoint,),
        )
    yield from unknown.hits()


_FIX = {
    "where": "train, serve or both",
    "checks": "schema, range, null, drift, freshness",
    "blocking": "true to stop a bad batch",
}


@rule(
    id="R14",
    title="Delayed labels without proxy monitors",
    stage="data",
    severity="warning",
    kinds=("label_source", "monitor"),
    rationale="When labels arrive days late, model quality can only be measured days late; drift "
    "monitors on inputs and predictions are the early warning in between.",
    suggestion="Add a monitor watching prediction_drift or data_drift.",
    sources=dmls(4, 8),
    condition="A label source's labels arrive more than 24 h late (delay_hours > 24) and no monitor "
    "watches prediction_drift or data_drift: near (in production) the endpoints of the models the "
    "labels train (along links marked feedback too), or anywhere when they train no served model.",
    unset="delay_hours unset is a warning (set it); with late labels, a monitor whose watches is unset "
    "is a warning naming monitor.watches.",
)
def r14_delayed_labels(ctx: RuleContext) -> Iterator[Hit]:
    labels = ctx.of_kind("label_source")
    if not labels:
        return
    monitors = ctx.of_kind("monitor")
    watches = [items(m.properties.get("watches")) for m in monitors]
    drift = any(w and w & _PROXIES for w in watches)
    unknown = Unspecified(ctx)
    unsure = [m.id for m, w in zip(monitors, watches, strict=True) if w is None]
    late = []
    for label in labels:
        delay = number(label.properties.get("delay_hours"))
        if delay is None:
            if not drift:
                unknown.note(label.id, "delay_hours", "late labels need drift monitors as a proxy", "hours")
        elif delay > 24:
            late.append((label, delay))
    served = _served_by_labels(ctx, [label.id for label, _ in late])
    for label, delay in late:
        ends = served.get(label.id)
        if ends:
            # The proxy must watch what these labels judge: an endpoint of a model they train.
            unwatched = near_check(
                ctx, ends, "monitor", watches_any(_PROXIES), unknown, "watches",
                _judged_late(ctx, label.id), serving=True,
            )  # fmt: skip
            if unwatched:
                yield Hit(
                    f"Labels from {ctx.name(label.id)} arrive {fmt(delay)} h late and no monitor near "
                    f"{names(ctx, unwatched, ordered=True)} in production watches prediction_drift or "
                    "data_drift",
                    components=ctx.sorted_ids([label.id, *unwatched]),
                )
            continue
        if drift:
            continue
        if unsure:
            for mid in unsure:
                unknown.note(
                    mid,
                    "watches",
                    f"labels from {ctx.name(label.id)} arrive {fmt(delay)} h late",
                    "e.g. prediction_drift, data_drift",
                    also=(label.id,),
                )
            continue
        yield Hit(
            f"Labels from {ctx.name(label.id)} arrive {fmt(delay)} h late and no monitor watches "
            "prediction_drift or data_drift",
            components=(label.id,),
        )
    yield from unknown.hits()


_PROXIES = {"prediction_drift", "data_drift"}


def _judged_late(ctx: RuleContext, label: str) -> Callable[[str], str]:
    """Why a monitor near an endpoint matters when `label`'s labels come late."""
    return lambda endpoint: f"labels from {ctx.name(label)} judge {ctx.name(endpoint)} late"


def _served_by_labels(ctx: RuleContext, labels: list[str]) -> dict[str, list[str]]:
    """For each label source, the endpoints served by the models it trains."""
    if not labels:
        return {}
    trains = trained_by(ctx, labels)
    serving = endpoint_models(ctx)
    found: dict[str, list[str]] = {}
    for label in labels:
        models = set(trains.get(label, ()))
        found[label] = [e for e in endpoints(ctx) if models.intersection(serving.get(e, ()))]
    return found


_NO_OWNER = frozenset(
    {"tbd", "tbc", "todo", "unknown", "none", "nobody", "unassigned", "n/a", "na", "?", "-"}
)


def _placeholder(owner: object) -> bool:
    """An owner written as a placeholder ('TBD', 'unknown', '?') names nobody."""
    return isinstance(owner, str) and owner.strip().lower().rstrip(".") in _NO_OWNER


@rule(
    id="R15",
    title="Data source without owner or versioning",
    stage="data",
    severity="info",
    kinds=("data_source",),
    rationale="An unowned or unversioned input changes without notice, and a training run on it "
    "cannot be reproduced.",
    suggestion="Name the owning team of each data source and version (snapshot) its data.",
    sources=(*htd("3"), *roml(11), *mts("Monitor 1")),
    condition="A data source has no owner (or a placeholder: TBD, unknown, none, ?), or is not "
    "versioned.",
    unset="owner or versioned unset is reported (info, like the rule) with the property named.",
)
def r15_source_ownership(ctx: RuleContext) -> Iterator[Hit]:
    for source in ctx.of_kind("data_source"):
        props = source.properties
        problems, unset = [], []
        owner = props.get("owner")
        if _placeholder(owner):
            problems.append("has a placeholder for an owner")
        elif not (isinstance(owner, str) and owner.strip()):
            problems.append("has no owner")
            if owner is None:
                unset.append(f"{source.id}.owner")
        versioned = props.get("versioned")
        if versioned is False:
            problems.append("is not versioned")
        elif versioned is None:
            problems.append("has versioning unset (set versioned)")
            unset.append(f"{source.id}.versioned")
        if problems:
            yield Hit(
                f"Data source {ctx.name(source.id)} {' and '.join(problems)}",
                components=(source.id,),
                unset=tuple(unset),
            )
