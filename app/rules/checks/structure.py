"""Structure and monitoring basics: R6-R11."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property

from app.rules.checks._common import (
    LEARNED_ELSEWHERE,
    MODEL_KINDS,
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
from app.rules.checks._flows import carries_data, data_loops
from app.rules.checks._shortcuts import reaching
from app.rules.checks._skew_paths import training_masks
from app.rules.context import RuleContext
from app.rules.model import LINKS, Hit
from app.rules.registry import rule


@rule(
    id="R6",
    title="Unmarked loop",
    stage="structure",
    severity="error",
    kinds=LINKS,
    rationale="A loop in the data flow (predictions feeding their own training data, a model "
    "influencing its own inputs) is hidden feedback unless it is deliberate and marked.",
    suggestion="If the loop is intended, mark the link that closes it as feedback; otherwise break it.",
    sources=htd("4"),
    condition="Components form a cycle of data-carrying links none of which is marked feedback. Watch, "
    "govern and proxy links, and eval links from metrics, objectives, experiments or loggers "
    "(measurements), carry no data and close no loop; the eval links of the model's own path "
    "(model → evaluation → registry) do, and so do the govern links out of a governance step that "
    "data or labels flow into (it passes them on).",
    unset="Reads no property: only links, their flow and their feedback flag.",
)
def r6_unmarked_loops(ctx: RuleContext) -> Iterator[Hit]:
    # Every data loop must contain a feedback link: drop those links and look for what still cycles.
    succ = ctx.succ
    for group in data_loops(ctx, feedback=False):
        members = set(group)
        adj = {
            node: [
                nxt
                for nxt, data in succ[node].items()
                if nxt in members and not data["feedback"] and carries_data(ctx, node, data["flow"])
            ]
            for node in group
        }
        links = ctx.sorted_links(
            data["id"] for node in group for nxt, data in succ[node].items() if nxt in adj[node]
        )
        cycle = " → ".join(ctx.name(n) for n in _one_cycle(adj, group[0], members, ctx.order))
        yield Hit(
            f"Loop with no link marked feedback: {cycle}"
            + (f" ({len(group)} components in the loop)" if len(group) > 6 else ""),
            components=group,
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


class _Lineage:
    """R7's lineage with links marked feedback followed too (a loop's closing link, such as the
    interaction logs a served model causes, read back by its training job, still carries
    data), for the models whose lineage the feedback-free walks miss: those a job fed by a data
    source or dataset reaches (`fed`), and those any job reaches (`trained`), not passing a
    model. Each is walked back from the model until such a job is met."""

    def __init__(self, ctx: RuleContext, jobs: list[str], models: list[str]):
        self._back = ctx.adjacency(forward=False, feedback=True)
        self._models = ctx.ids_of_kind(*MODEL_KINDS)
        self._jobs, self._asked = jobs, models
        data = ctx.ids_of_kind("data_source", "dataset")
        fed_jobs = reaching(self._back, jobs, data) if models else set()
        self.fed = reaching(self._back, models, fed_jobs, self._models) if fed_jobs else set()

    @cached_property
    def trained(self) -> set[str]:
        asked = [m for m in self._asked if m not in self.fed]
        return reaching(self._back, asked, set(self._jobs), self._models)


@rule(
    id="R7",
    title="No training lineage",
    stage="structure",
    severity="error",
    kinds=("model", "training_job"),
    rationale="A learned model whose training data cannot be traced back to a source cannot be "
    "reproduced, audited or retrained. Pretrained and vendor models are learned elsewhere: their "
    "lineage is their supplier's.",
    suggestion="Draw the lineage: data source → (dataset, features) → training job → model; or set "
    "provenance to pretrained or vendor_api for a model learned elsewhere.",
    sources=(*mts("Infra 1"), *aws("establish model lineage")),
    condition="A learned model with provenance trained_here or fine_tuned is produced by no training "
    "job that reads a data source or dataset (error; a job produces the models it reaches without "
    "passing another model; links marked feedback carry data and models like any other); a "
    "training job says reproducible false (warning).",
    unset="A learned model without lineage whose provenance is unset is a warning naming "
    "model.provenance (set trained_here, fine_tuned, pretrained or vendor_api); reproducible unset "
    "on a training job with data is info.",
)
def r7_training_lineage(ctx: RuleContext) -> Iterator[Hit]:
    models = [
        c.id
        for c in ctx.of_kind("model")
        if is_learned(ctx, c.id) and c.properties.get("provenance") not in LEARNED_ELSEWHERE
    ]
    if not models:
        return
    unknown = Unspecified(ctx)
    # A job produces the models it reaches without passing another model (`Training.fed_by`): a
    # ranker fed by a retrieval model is not trained by the retrieval model's job.
    training = training_masks(ctx)
    jobs = training.jobs
    fed_jobs = 0  # the jobs a data source or dataset reaches (bits of `jobs`)
    for data in ctx.ids_of_kind("data_source", "dataset"):
        fed_jobs |= training.feeds.get(data, 0)
    lacking = [model for model in models if not training.of(model) & fed_jobs]
    across = _Lineage(ctx, jobs, lacking)
    for model in lacking:
        producing = training.of(model)
        if model in across.fed:
            continue  # its lineage runs along a link marked feedback (the loop's closing link)
        if producing or model in across.trained:
            why = "its training job reads from no data source or dataset"
        else:
            why = "no training job produces it"
        if ctx.prop(model, "provenance") is None:
            unknown.note(
                model,
                "provenance",
                f"the model has no training lineage ({why}), and nothing says it was learned elsewhere",
                "trained_here or fine_tuned need lineage; pretrained or vendor_api do not",
                severity="warning",
            )
            continue
        yield Hit(f"Learned model {ctx.name(model)} has no training lineage: {why}", components=(model,))
    for job in jobs:
        reproducible = ctx.prop(job, "reproducible")
        if reproducible is False:
            yield Hit(
                f"Training job {ctx.name(job)} is not reproducible: the model it trains cannot be rebuilt "
                "from its lineage",
                components=(job,),
                severity="warning",
            )
        elif reproducible is None and training.bit[job] & fed_jobs:
            unknown.note(
                job,
                "reproducible",
                "can the model be rebuilt from its data and code?",
                "true when data versions, code and seeds are pinned",
                severity="info",
            )
    yield from unknown.hits()


_NOT_SERVING = ("training_job", "consumer", "prediction_logger")


@rule(
    id="R8",
    title="Endpoint serves no model",
    stage="structure",
    severity="error",
    kinds=("endpoint",),
    rationale="An endpoint with no model or baseline behind it cannot return predictions.",
    suggestion="Link the model (or a baseline) to the endpoint, directly or through the model registry.",
    sources=dmls(7),
    condition="No model or baseline is upstream of an endpoint (feedback links left out), other than "
    "through a training job, a consumer or a prediction log (a model's scores used as training "
    "data, or the behaviour and logs they cause, serve nothing), or than along a watch or proxy "
    "link (a monitor watching the model's output and the endpoint, or a metric standing for it, "
    "serves nothing).",
    unset="Reads no property.",
)
def r8_endpoint_has_model(ctx: RuleContext) -> Iterator[Hit]:
    endpoint_ids = [c.id for c in ctx.of_kind("endpoint")]
    if not endpoint_ids:
        return
    # A model serves what its output reaches before it becomes training data (a training job),
    # another model's input, or behaviour and logs (a consumer, a prediction log).
    models = ctx.ids_of_kind(*MODEL_KINDS)
    stop = models | ctx.ids_of_kind(*_NOT_SERVING)
    # the endpoints a model reaches without passing another model, a job, a consumer or a log
    upstream = ctx.adjacency(forward=False)
    served = reaching(upstream, endpoint_ids, models, blocked=stop)
    carried = _carried(ctx, models, stop) if served else set()
    reached: set[str] | None = None  # the endpoints a model reaches at all
    for endpoint in endpoint_ids:
        if endpoint in carried:
            continue
        if endpoint in served:
            why = (
                "the models upstream of it reach it only along watch or proxy links (a monitor or a "
                "metric between them), which carry no predictions"
            )
            yield Hit(f"Endpoint {ctx.name(endpoint)} serves no model: {why}", components=(endpoint,))
            continue
        if reached is None:
            reached = reaching(upstream, [e for e in endpoint_ids if e not in served], models)
        if endpoint in reached:
            why = (
                "the models upstream of it reach it only through a training job, a consumer or a "
                "prediction log"
            )
        else:
            why = "no model or baseline is upstream of it"
        yield Hit(f"Endpoint {ctx.name(endpoint)} serves no model: {why}", components=(endpoint,))


_NO_PREDICTIONS = ("watch", "proxy")  # a monitor watching, a metric standing for an objective


def _carried(ctx: RuleContext, models: set[str], stop: set[str]) -> frozenset[str]:
    """What the models' output reaches along links that can carry it (not watch or proxy links,
    nor feedback links), passing no node of `stop` (the models themselves are left). A link
    edit out of a node it never reached keeps it (models and stops are kinds: links leave them)."""

    def compute() -> frozenset[str]:
        seen, frontier = set(models), list(models)
        succ = ctx.succ
        while frontier:
            node = frontier.pop()
            for nxt, data in succ[node].items():
                if nxt in seen or data["feedback"] or data["flow"] in _NO_PREDICTIONS:
                    continue
                seen.add(nxt)
                if nxt not in stop:
                    frontier.append(nxt)
        return frozenset(seen)

    depends = ("links", "feedback", "flow")
    return ctx.shape_memo(
        "r8_carried", compute, depends, keep=lambda kept, _, edit: edit.source not in kept["r8_carried"]
    )


@rule(
    id="R9",
    title="Supervised task without labels",
    stage="data",
    severity="warning",
    kinds=("problem_framing", "training_job"),
    rationale="A supervised model needs a target variable; where it comes from, how noisy and how "
    "delayed it is decides what the model can learn.",
    suggestion="Add a label source (natural labels, annotation, delayed outcomes) upstream of the "
    "training job.",
    sources=dmls(4),
    condition="The task is supervised (binary, multiclass, multilabel, regression, ranking, uplift) "
    "and no label source, and no label link (say from a human review queue), is upstream of a "
    "training job (along links marked feedback too).",
    unset="A framing whose task is unset, in a design with training jobs and no supervised task, is a "
    "warning: set task.",
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
                unknown.note(
                    framing.id,
                    "task",
                    "a supervised task needs a label source for training",
                    "binary, regression, ranking, forecast, ...",
                )
        yield from unknown.hits()
        return
    # Labels enter at a label source, or wherever a label link lands (a review queue's verdicts
    # or outcomes drawn straight into a dataset, often as a feedback link), and are followed
    # along links marked feedback too: outcomes joined into training on the loop's closing link.
    entries = set(ctx.ids_of_kind("label_source"))
    for targets in ctx.succ.values():
        entries.update(t for t, data in targets.items() if data["flow"] == "label")
    labelled = ctx.reach(entries, feedback=True) | entries
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
    kinds=("monitor",),
    rationale="A monitor only protects what it is attached to and what it measures.",
    suggestion="Set what the monitor watches and link it to the components it watches.",
    sources=(*mts("Monitor 1-7"), *roml(10)),
    condition="A monitor watches an empty set of signals, or has no watch link out and no incoming link.",
    unset="A monitor whose watches is unset is a warning: set the signals it watches.",
)
def r10_monitor_watches(ctx: RuleContext) -> Iterator[Hit]:
    unknown = Unspecified(ctx)
    for monitor in ctx.of_kind("monitor"):
        mid = monitor.id
        watches = items(monitor.properties.get("watches"))
        attached = any(d["flow"] == "watch" for d in ctx.succ[mid].values()) or bool(ctx.pred[mid])
        problems = []
        if watches is not None and not watches:
            problems.append("watches no signal")
        if not attached:
            problems.append("has no watch link to any component")
        if problems:
            yield Hit(f"Monitor {ctx.name(mid)} {' and '.join(problems)}", components=(mid,))
        elif watches is None:
            unknown.note(mid, "watches", "which signals does this monitor watch?", "e.g. data_drift, latency")
    yield from unknown.hits()


@rule(
    id="R11",
    title="No monitor alerts",
    stage="monitoring",
    severity="warning",
    kinds=("monitor",),
    rationale="Monitoring that nobody is paged for is discovered after the damage; at least one "
    "monitor must alert a person, through a named channel.",
    suggestion="Turn on alerting for the key monitors and name the channel (Slack, pager, email).",
    sources=(*htd("7"), *roml(10)),
    condition="The design has monitors and none has alerting on.",
    unset="When no monitor alerts and some alerting is unset, each unset alerting is a warning; an "
    "alerting monitor whose channel is unset, when no alerting monitor names one, is info.",
)
def r11_alerting(ctx: RuleContext) -> Iterator[Hit]:
    monitors = ctx.of_kind("monitor")
    if not monitors:
        return
    unknown = Unspecified(ctx)
    alerting = [m.id for m in monitors if m.properties.get("alerting") is True]
    if alerting:
        if not any(str(ctx.prop(m, "channel") or "").strip() for m in alerting):
            for mid in alerting:
                unknown.note(mid, "channel", "its alerts reach nobody named", "Slack, pager, email",
                             severity="info")  # fmt: skip
        yield from unknown.hits()
        return
    unset = [m.id for m in monitors if m.properties.get("alerting") is None]
    if unset:
        for mid in unset:
            unknown.note(mid, "alerting", "no monitor is known to alert anyone", "true to page someone")
        yield from unknown.hits()
        return
    ids = [m.id for m in monitors]
    yield Hit(
        f"None of the monitors alerts anyone ({names(ctx, ids)} have alerting off)"
        if len(ids) > 1
        else f"Monitor {ctx.name(ids[0])} does not alert anyone (alerting off)",
        components=ctx.sorted_ids(ids),
    )
