"""Coverage, R1-R5: a metric tied to the business, ML justified, latency targets for an
endpoint, every stage covered, no orphan component (structure, R6-R11, is in structure.py)."""

from __future__ import annotations

from collections.abc import Iterator

from app.domain.catalog import STAGE_IDS
from app.rules.checks._common import (
    GML,
    MODEL_KINDS,
    ONLINE_MODES,
    Unspecified,
    aws,
    dmls,
    htd,
    is_learned,
    mts,
    names,
    roml,
)
from app.rules.checks._shortcuts import reaching
from app.rules.context import RuleContext
from app.rules.model import ALL, LINKS, Hit
from app.rules.registry import rule

_ERROR_STAGES = ("data", "model", "serving")


@rule(
    id="R1",
    title="ML metric not tied to a business KPI",
    stage="business",
    severity="error",
    kinds=ALL,
    rationale="An offline metric that improves while the business KPI stays flat is wasted work; "
    "each optimised metric should be an explicit proxy for a business objective, one metric should "
    "be the one the model optimises, and guardrail metrics say what it must not break.",
    suggestion="Add a business objective (KPI, target, horizon), link the ML metric to it with a "
    "proxy link, name the metric, and mark one metric optimizing and others guardrail.",
    sources=(*roml(2, 13), *aws("define business goals and KPIs"), *dmls(2)),
    condition="The design has learned models or metrics, and no business objective; or no metric; or "
    "no named metric reaches an objective through proxy links (or has a proxy link from one); or a "
    "metric with role optimizing "
    "does not, while another does (error). Warning: no metric has role optimizing, or no metric has "
    "role guardrail.",
    unset="A metric whose name is unset does not count as tied (warning naming metric.name); when no "
    "metric is optimizing (or guardrail) and some role is unset, each unset role is a warning.",
)
def r1_metric_tied_to_kpi(ctx: RuleContext) -> Iterator[Hit]:
    objectives = [c.id for c in ctx.of_kind("business_objective")]
    metrics = [c.id for c in ctx.of_kind("metric")]
    if not objectives:
        yield Hit(
            "No business objective: nothing says which business KPI the ML metric"
            + (f" ({names(ctx, metrics)})" if metrics else "")
            + " should move",
            components=ctx.sorted_ids(metrics),
        )
        return
    if not metrics:
        yield Hit(
            f"No ML metric is tied to {names(ctx, objectives)}: add the offline metric and link it "
            "to the objective with a proxy link",
            components=ctx.sorted_ids(objectives),
        )
        return
    unknown = Unspecified(ctx)
    # A metric is tied when a chain of proxy links leads from it to an objective, or an objective
    # names it as its proxy (a proxy link drawn from the objective: the same relation).
    targets = set(objectives)
    tied = []
    for metric in metrics:
        seen, frontier = {metric}, [metric]
        if any(p in targets and data["flow"] == "proxy" for p, data in ctx.pred[metric].items()):
            tied.append(metric)
        while frontier and metric not in tied:
            node = frontier.pop()
            for nxt, data in ctx.succ[node].items():
                if data["flow"] == "proxy" and nxt not in seen:
                    if nxt in targets:
                        tied.append(metric)
                        break
                    seen.add(nxt)
                    frontier.append(nxt)
    named = [m for m in tied if ctx.prop(m, "name") is not None]
    if not tied:
        yield Hit(
            f"No metric has a proxy link into a business objective: {names(ctx, metrics)} "
            f"{'is' if len(metrics) == 1 else 'are'} not tied to {names(ctx, objectives)}",
            components=ctx.sorted_ids(metrics + objectives),
        )
    else:
        loose = [m for m in metrics if m not in tied and ctx.prop(m, "role") == "optimizing"]
        if loose:
            one = len(loose) == 1
            yield Hit(
                f"Optimizing metric{'' if one else 's'} {names(ctx, loose)} "
                f"{'has' if one else 'have'} no proxy link into a business objective: models are "
                f"selected on {'a metric' if one else 'metrics'} no KPI is tied to (only "
                f"{names(ctx, tied)} {'is' if len(tied) == 1 else 'are'} tied to {names(ctx, objectives)})",
                components=ctx.sorted_ids(loose + objectives),
            )
    if tied and not named:
        for metric in tied:
            unknown.note(
                metric,
                "name",
                "it is the only metric tied to the business objective, and nothing says what it measures",
                "e.g. pr_auc, ndcg, rmse",
                severity="warning",
            )
    for role in ("optimizing", "guardrail"):
        roles = [ctx.prop(m, "role") for m in metrics]
        if role in roles:
            continue
        unset = [m for m, r in zip(metrics, roles, strict=True) if r is None]
        if unset:
            for metric in unset:
                unknown.note(
                    metric,
                    "role",
                    f"no metric is marked {role}",
                    "optimizing or guardrail",
                    severity="warning",
                )
            continue
        what = (
            "the model optimises: which one decides between two models?"
            if role == "optimizing"
            else "guards what the model must not break (a guardrail metric)"
        )
        yield Hit(
            f"No metric has role {role}: none of {names(ctx, metrics)} {what}",
            components=ctx.sorted_ids(metrics),
            severity="warning",
            subject=f"metric-role:{role}",
        )
    yield from unknown.hits()


@rule(
    id="R2",
    title="ML not justified over a heuristic",
    stage="business",
    severity="warning",
    kinds=("model", "problem_framing"),
    rationale="Machine learning adds data, training and monitoring debt; a heuristic that is good "
    "enough ships sooner and is easier to maintain.",
    suggestion="Justify ML over a heuristic in the problem framing (set ml_needed to yes), or replace "
    "the learned model with a rule-based baseline.",
    sources=(*roml(1, 3), *aws("determine if ML is the right solution")),
    condition="The design has a learned model and a problem framing says ml_needed no or tbd.",
    unset="ml_needed unset on a framing of a design with learned models is a warning: set it.",
)
def r2_ml_justified(ctx: RuleContext) -> Iterator[Hit]:
    learned = [c.id for c in ctx.of_kind("model") if is_learned(ctx, c.id)]
    if not learned:
        return
    unknown = Unspecified(ctx)
    listed = names(ctx, learned)
    for framing in ctx.of_kind("problem_framing"):
        needed = framing.properties.get("ml_needed")
        if needed in ("no", "tbd"):
            verdict = "says ML is not needed" if needed == "no" else "has not decided whether ML is needed"
            yield Hit(
                f"{listed} {'is a learned model' if len(learned) == 1 else 'are learned models'}"
                f" but {ctx.name(framing.id)} {verdict} (ml_needed: {needed})",
                components=ctx.sorted_ids([framing.id, *learned]),
            )
        elif needed is None:
            unknown.note(
                framing.id, "ml_needed", f"the design has learned models ({listed})", "yes, no or tbd"
            )
    yield from unknown.hits()


@rule(
    id="R3",
    title="Online endpoint without latency or throughput targets",
    stage="business",
    severity="warning",
    kinds=("constraint", "endpoint"),
    rationale="Serving architecture, model size and cost follow from the latency and load targets; "
    "without them the design cannot be checked against its constraints.",
    suggestion="Set latency_slo_ms and qps on the endpoint, or add latency and throughput constraints.",
    sources=(*mts("Monitor 6"), *dmls(2)),
    condition="An online or streaming endpoint has no latency target (latency_slo_ms, or a latency "
    "constraint in the design) or no load target (qps, or a throughput constraint in the design).",
    unset="An endpoint whose mode is unset is a warning: set mode (online endpoints need targets).",
)
def r3_latency_targets(ctx: RuleContext) -> Iterator[Hit]:
    stated = {str(c.properties.get("type")) for c in ctx.of_kind("constraint")}
    # Each target is met by the endpoint's own property or by a design-level constraint.
    targets = (("latency_slo_ms", "latency"), ("qps", "throughput"))
    unknown = Unspecified(ctx)
    for endpoint in ctx.of_kind("endpoint"):
        props = endpoint.properties
        missing = [(p, kind) for p, kind in targets if props.get(p) is None and kind not in stated]
        if not missing:
            continue
        mode = props.get("mode")
        if mode in ONLINE_MODES:
            yield Hit(
                f"{mode.capitalize()} endpoint {ctx.name(endpoint.id)} has no "
                f"{' and no '.join(p for p, _ in missing)} and the design has no "
                f"{' or '.join(kind for _, kind in missing)} constraint",
                components=(endpoint.id,),
                unset=tuple(f"{endpoint.id}.{p}" for p, _ in missing),
            )
        elif mode is None:
            unknown.note(
                endpoint.id,
                "mode",
                f"if it serves online, it needs {' and '.join(p for p, _ in missing)}",
                "online, batch, streaming, ...",
            )
    yield from unknown.hits()


@rule(
    id="R4",
    title="Stage not covered",
    stage="all",
    severity="warning",
    kinds=LINKS,
    rationale="A sound ML system design answers all six questions: business problem, data, features, "
    "model, serving and monitoring. A missing stage is a gap a reviewer will find. A missing data, "
    "model or serving stage is an error; a missing business, features or monitoring stage a warning.",
    suggestion="Add at least one component of the missing stage.",
    sources=(*dmls(2), GML),
    condition="No component of the stage's kinds is in the design (error for data, model and serving; "
    "warning for business, features and monitoring).",
    unset="Reads no property: only which kinds are present.",
    escalates_to="error",
)
def r4_stage_coverage(ctx: RuleContext) -> Iterator[Hit]:
    present = {ctx.catalog.stage_of(kind) for kind in ctx.by_kind}
    for stage_id in STAGE_IDS:
        if stage_id in present:
            continue
        stage = ctx.catalog.stage(stage_id)
        kinds = [_lower_label(k.label) for k in ctx.catalog.kinds_in_stage(stage_id)]
        yield Hit(
            f"No {stage.label} stage: add one of {', '.join(kinds[:-1])} or {kinds[-1]}",
            severity="error" if stage_id in _ERROR_STAGES else "warning",
            subject=f"stage:{stage_id}",
        )


def _lower_label(label: str) -> str:
    """'Release strategy' -> 'release strategy', but 'CI/CD pipeline' stays as it is."""
    first = label.split(" ", 1)[0]
    return label if len(first) > 1 and first[1].isupper() else label[:1].lower() + label[1:]


@rule(
    id="R5",
    title="Orphan component or unused dependency",
    stage="structure",
    severity="warning",
    kinds=LINKS,
    rationale="Components that connect to nothing, and data that reaches no model, are unused "
    "dependencies: they cost upkeep and hide what the system really depends on.",
    suggestion="Link the component into the pipeline, or remove it.",
    sources=(*htd("3", "5"), *roml(22)),
    condition="A component other than a constraint has no link at all, or a data source or feature "
    "pipeline reaches no model or baseline, and no evaluation, experiment or monitor that judges "
    "one (along links marked feedback too: logs read back into training on the loop's closing link "
    "are used).",
    unset="Reads no property: only the links.",
)
def r5_orphans(ctx: RuleContext) -> Iterator[Hit]:
    succ, pred = ctx.succ, ctx.pred
    used: set[str] | None = None  # the data sources and feature pipelines that reach a model
    for fields in ctx.fields:
        cid, kind = fields["id"], fields["kind"]
        if cid not in succ:
            continue
        if not succ[cid] and not pred[cid]:
            if kind == "constraint":
                continue  # a constraint applies to the whole design
            yield Hit(f"{ctx.name(cid)} has no links: it is an orphan", components=(cid,))
        elif kind in ("data_source", "feature_pipeline"):
            if used is None:
                used = _used_data(ctx)
            if cid not in used:
                yield Hit(
                    f"{ctx.name(cid)} does not reach any model: an unused data dependency",
                    components=(cid,),
                )


def _used_data(ctx: RuleContext) -> set[str]:
    """The data sources and feature pipelines (linked to anything) whose data trains or serves
    a model, or judges one (a golden set for the evaluation, outcomes for an experiment or a
    monitor), along links not marked feedback or, for the rest, along any link: logs read back
    into training on a loop's closing link are used."""
    succ, pred = ctx.succ, ctx.pred
    users = ctx.ids_of_kind(*MODEL_KINDS, "evaluation", "experiment", "monitor")
    data = [c.id for c in ctx.of_kind("data_source", "feature_pipeline") if succ.get(c.id) or pred.get(c.id)]
    used = reaching(ctx.adjacency(forward=True), data, users)
    rest = [cid for cid in data if cid not in used]
    if rest:
        used |= reaching(ctx.adjacency(forward=True, feedback=True), rest, users)
    return used
