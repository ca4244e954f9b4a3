"""Coverage and structure: R1-R11."""

from __future__ import annotations

from collections.abc import Iterator

from app.domain.catalog import STAGE_IDS
from app.rules.checks._common import (
    GML,
    MODEL_KINDS,
    ONLINE_MODES,
    SUPERVISED_TASKS,
    Unspecified,
    aws,
    dmls,
    htd,
    is_learned,
    items,
    mts,
    names,
    roml,
)
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.registry import rule

_ERROR_STAGES = ("data", "model", "serving")


@rule(
    id="R1",
    title="ML metric not tied to a business KPI",
    stage="business",
    severity="error",
    rationale="An offline metric that improves while the business KPI stays flat is wasted work; "
    "each optimised metric should be an explicit proxy for a business objective.",
    suggestion="Add a business objective (KPI, target, horizon) and link the ML metric to it with a "
    "proxy link.",
    sources=(*roml(2, 13), *aws("define business goals and KPIs"), *dmls(2)),
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
    # A metric is tied when a chain of proxy links leads from it to an objective.
    graph = ctx.graph
    targets = set(objectives)
    for metric in metrics:
        seen, frontier = {metric}, [metric]
        while frontier:
            node = frontier.pop()
            for nxt, data in graph._succ[node].items():
                if data["flow"] == "proxy" and nxt not in seen:
                    if nxt in targets:
                        return
                    seen.add(nxt)
                    frontier.append(nxt)
    yield Hit(
        f"No metric has a proxy link into a business objective: {names(ctx, metrics)} "
        f"{'is' if len(metrics) == 1 else 'are'} not tied to {names(ctx, objectives)}",
        components=ctx.sorted_ids(metrics + objectives),
    )


@rule(
    id="R2",
    title="ML not justified over a heuristic",
    stage="business",
    severity="warning",
    rationale="Machine learning adds data, training and monitoring debt; a heuristic that is good "
    "enough ships sooner and is easier to maintain.",
    suggestion="Justify ML over a heuristic in the problem framing (set ml_needed to yes), or replace "
    "the learned model with a rule-based baseline.",
    sources=(*roml(1, 3), *aws("determine if ML is the right solution")),
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
            unknown.note(framing.id, "ml_needed", f"the design has learned models ({listed})")
    yield from unknown.hits()


@rule(
    id="R3",
    title="Online endpoint without latency or throughput targets",
    stage="business",
    severity="warning",
    rationale="Serving architecture, model size and cost follow from the latency and load targets; "
    "without them the design cannot be checked against its constraints.",
    suggestion="Set latency_slo_ms and qps on the endpoint, or add a latency constraint.",
    sources=(*mts("Data 3", "Monitor 6"), *dmls(2)),
)
def r3_latency_targets(ctx: RuleContext) -> Iterator[Hit]:
    if any(c.properties.get("type") == "latency" for c in ctx.of_kind("constraint")):
        return
    unknown = Unspecified(ctx)
    for endpoint in ctx.of_kind("endpoint"):
        props = endpoint.properties
        missing = [p for p in ("latency_slo_ms", "qps") if props.get(p) is None]
        if not missing:
            continue
        mode = props.get("mode")
        if mode in ONLINE_MODES:
            yield Hit(
                f"{mode.capitalize()} endpoint {ctx.name(endpoint.id)} has no {' and no '.join(missing)} "
                "and the design has no latency constraint",
                components=(endpoint.id,),
            )
        elif mode is None:
            unknown.note(endpoint.id, "mode", f"if it serves online, it needs {' and '.join(missing)}")
    yield from unknown.hits()


@rule(
    id="R4",
    title="Stage not covered",
    stage="all",
    severity="warning",
    rationale="A sound ML system design answers all six questions: business problem, data, features, "
    "model, serving and monitoring. A missing stage is a gap a reviewer will find. A missing data, "
    "model or serving stage is an error; a missing business, features or monitoring stage a warning.",
    suggestion="Add at least one component of the missing stage.",
    sources=(*dmls(2), GML),
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
    rationale="Components that connect to nothing, and data that reaches no model, are unused "
    "dependencies: they cost upkeep and hide what the system really depends on.",
    suggestion="Link the component into the pipeline, or remove it.",
    sources=(*htd("3", "5"), *roml(22)),
)
def r5_orphans(ctx: RuleContext) -> Iterator[Hit]:
    succ, pred = ctx.graph._succ, ctx.graph._pred
    reaches_model: frozenset[str] | None = None
    for component in ctx.design.components:
        cid = component.id
        if cid not in succ:
            continue
        if not succ[cid] and not pred[cid]:
            if component.kind == "constraint":
                continue  # a constraint applies to the whole design
            yield Hit(f"{ctx.name(cid)} has no links: it is an orphan", components=(cid,))
        elif component.kind in ("data_source", "feature_pipeline"):
            if reaches_model is None:
                models = ctx.ids_of_kind(*MODEL_KINDS)
                reaches_model = ctx.reach(models, forward=False, feedback=False)
            if cid not in reaches_model:
                yield Hit(
                    f"{ctx.name(cid)} does not reach any model: an unused data dependency",
                    components=(cid,),
                )


@rule(
    id="R6",
    title="Unmarked loop",
    stage="structure",
    severity="error",
    rationale="A loop in the data flow (predictions feeding their own training data, a model "
    "influencing its own inputs) is hidden feedback unless it is deliberate and marked.",
    suggestion="If the loop is intended, mark the link that closes it as feedback; otherwise break it.",
    sources=htd("4"),
)
def r6_unmarked_loops(ctx: RuleContext) -> Iterator[Hit]:
    # Every loop must contain a feedback link: drop those links and look for what still cycles.
    adj = ctx.adjacency(forward=True, feedback=False)
    # Design order, not traversal order: the output must not depend on the edit history.
    for scc in sorted(ctx.loops(feedback=False), key=lambda loop: min(ctx.order.get(n, 0) for n in loop)):
        members = set(scc)
        ordered = ctx.sorted_ids(members)
        links = ctx.sorted_links(
            data["id"]
            for node in ordered
            for nxt, data in ctx.graph._succ[node].items()
            if nxt in members and not data["feedback"]
        )
        cycle = " → ".join(ctx.name(n) for n in _one_cycle(adj, ordered[0], members, ctx.order))
        yield Hit(
            f"Loop with no link marked feedback: {cycle}"
            + (f" ({len(ordered)} components in the loop)" if len(ordered) > 6 else ""),
            components=ordered,
            links=links,
        )


def _one_cycle(adj: dict[str, list[str]], start: str, members: set[str], order: dict[str, int]) -> list[str]:
    """A cycle through `start` inside the strongly connected `members`, as a node list
    ending where it started."""
    parent: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt_frontier = []
        for node in frontier:
            for nxt in sorted(adj.get(node, ()), key=lambda n: order.get(n, 0)):
                if nxt not in members:
                    continue
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return [*reversed(path), start]
                if nxt not in parent:
                    parent[nxt] = node
                    nxt_frontier.append(nxt)
        frontier = nxt_frontier
    return [start, start]


@rule(
    id="R7",
    title="No training lineage",
    stage="structure",
    severity="error",
    rationale="A learned model whose training data cannot be traced back to a source cannot be "
    "reproduced, audited or retrained.",
    suggestion="Draw the lineage: data source → (dataset, features) → training job → model.",
    sources=(*mts("Infra 1"), *aws("establish model lineage")),
)
def r7_training_lineage(ctx: RuleContext) -> Iterator[Hit]:
    models = [c.id for c in ctx.of_kind("model") if is_learned(ctx, c.id)]
    if not models:
        return
    fed = ctx.reach(ctx.ids_of_kind("data_source", "dataset"), feedback=False)
    jobs = [c.id for c in ctx.of_kind("training_job")]
    trained = ctx.reach([j for j in jobs if j in fed], feedback=False)
    produced: set[str] | None = None
    for model in models:
        if model in trained:
            continue
        if produced is None:
            produced = ctx.reach(jobs, feedback=False)
        if model in produced:
            why = "its training job reads from no data source or dataset"
        else:
            why = "no training job produces it"
        yield Hit(
            f"Learned model {ctx.name(model)} has no training lineage: {why}",
            components=(model,),
        )


@rule(
    id="R8",
    title="Endpoint serves no model",
    stage="structure",
    severity="error",
    rationale="An endpoint with no model or baseline behind it cannot return predictions.",
    suggestion="Link the model (or a baseline) to the endpoint, directly or through the model registry.",
    sources=dmls(7),
)
def r8_endpoint_has_model(ctx: RuleContext) -> Iterator[Hit]:
    endpoint_ids = [c.id for c in ctx.of_kind("endpoint")]
    if not endpoint_ids:
        return
    served = ctx.reach(ctx.ids_of_kind(*MODEL_KINDS), feedback=False)
    for endpoint in endpoint_ids:
        if endpoint not in served:
            yield Hit(
                f"Endpoint {ctx.name(endpoint)} serves no model: no model or baseline is upstream of it",
                components=(endpoint,),
            )


@rule(
    id="R9",
    title="Supervised task without labels",
    stage="data",
    severity="warning",
    rationale="A supervised model needs a target variable; where it comes from, how noisy and how "
    "delayed it is decides what the model can learn.",
    suggestion="Add a label source (natural labels, annotation, delayed outcomes) upstream of the "
    "training job.",
    sources=dmls(4),
)
def r9_labels(ctx: RuleContext) -> Iterator[Hit]:
    jobs = [c.id for c in ctx.of_kind("training_job")]
    if not jobs:
        return
    framings = ctx.of_kind("problem_framing")
    tasks = [f.properties.get("task") for f in framings]
    supervised = sorted({t for t in tasks if isinstance(t, str) and t in SUPERVISED_TASKS})
    if not supervised:
        unknown = Unspecified(ctx)
        for framing in framings:
            if framing.properties.get("task") is None:
                unknown.note(framing.id, "task", "a supervised task needs a label source for training")
        yield from unknown.hits()
        return
    labelled = ctx.reach(ctx.ids_of_kind("label_source"), feedback=False)
    for job in jobs:
        if job not in labelled:
            yield Hit(
                f"The task is supervised ({', '.join(supervised)}) but no label source is upstream of "
                f"{ctx.name(job)}",
                components=(job,),
            )


@rule(
    id="R10",
    title="Monitor watches nothing",
    stage="monitoring",
    severity="warning",
    rationale="A monitor only protects what it is attached to and what it measures.",
    suggestion="Set what the monitor watches and link it to the components it watches.",
    sources=(*mts("Monitor 1-7"), *roml(10)),
)
def r10_monitor_watches(ctx: RuleContext) -> Iterator[Hit]:
    graph = ctx.graph
    unknown = Unspecified(ctx)
    for monitor in ctx.of_kind("monitor"):
        mid = monitor.id
        watches = items(monitor.properties.get("watches"))
        attached = any(d["flow"] == "watch" for d in graph._succ[mid].values()) or bool(graph._pred[mid])
        problems = []
        if watches is not None and not watches:
            problems.append("watches no signal")
        if not attached:
            problems.append("has no watch link to any component")
        if problems:
            yield Hit(f"Monitor {ctx.name(mid)} {' and '.join(problems)}", components=(mid,))
        elif watches is None:
            unknown.note(mid, "watches", "which signals does this monitor watch?")
    yield from unknown.hits()


@rule(
    id="R11",
    title="No monitor alerts",
    stage="monitoring",
    severity="warning",
    rationale="Monitoring that nobody is paged for is discovered after the damage; at least one "
    "monitor must alert a person.",
    suggestion="Turn on alerting for the key monitors and name the channel (Slack, pager, email).",
    sources=(*htd("7"), *roml(9)),
)
def r11_alerting(ctx: RuleContext) -> Iterator[Hit]:
    monitors = ctx.of_kind("monitor")
    if not monitors or any(m.properties.get("alerting") is True for m in monitors):
        return
    unset = [m.id for m in monitors if m.properties.get("alerting") is None]
    if unset:
        unknown = Unspecified(ctx)
        for mid in unset:
            unknown.note(mid, "alerting", "no monitor is known to alert anyone")
        yield from unknown.hits()
        return
    ids = [m.id for m in monitors]
    yield Hit(
        f"None of the monitors alerts anyone ({names(ctx, ids)} have alerting off)"
        if len(ids) > 1
        else f"Monitor {ctx.name(ids[0])} does not alert anyone (alerting off)",
        components=ctx.sorted_ids(ids),
    )
