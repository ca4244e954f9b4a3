"""R51: prompts and pretrained or vendor models swapped into serving without a gate, whether
they reach an endpoint (or a consumer taking a model's output with no endpoint) themselves or
feed a model that does, along links that act at serving.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain

from app.rules.checks._bits import pick
from app.rules.checks._common import LEARNED_ELSEWHERE, items, mts, names
from app.rules.checks._flows import task_of
from app.rules.checks._shortcuts import reaching
from app.rules.checks._signals import CHEN_2023, NIST_RMF, OWASP_LLM, ReachThrough, endpoint_models
from app.rules.checks.nearness import direct_consumers, direct_models, served_view
from app.rules.context import RuleContext
from app.rules.model import Hit
from app.rules.registry import rule

_GENERATION_WATCH = ("groundedness", "safety")


def _swappable(ctx: RuleContext) -> tuple[list[str], list[str]]:
    """(components whose change reaches serving without a training run: prompt templates,
    pretrained, vendor and fine-tuned-elsewhere models; LLMs whose provenance is unset and that
    no training job produces)."""
    jobs = ctx.ids_of_kind("training_job")
    asked = [
        m.id
        for m in ctx.of_kind("model")
        if m.properties.get("provenance") == "fine_tuned"
        or (m.properties.get("provenance") is None and m.properties.get("family") == "llm")
    ]
    # the models asked about that a job produces, also along links marked feedback (the job's
    # output link): walked back from each until a job is met
    trained = reaching(ctx.adjacency(forward=False), asked, jobs)
    rest = [m for m in asked if m not in trained]
    if rest:
        trained |= reaching(ctx.adjacency(forward=False, feedback=True), rest, jobs)

    def untrained(model: str) -> bool:
        return model not in trained

    seeds = [c.id for c in ctx.of_kind("prompt_template")]
    unsure = []
    for model in ctx.of_kind("model"):
        provenance = model.properties.get("provenance")
        if provenance in LEARNED_ELSEWHERE or (provenance == "fine_tuned" and untrained(model.id)):
            seeds.append(model.id)
        elif provenance is None and model.properties.get("family") == "llm" and untrained(model.id):
            seeds.append(model.id)
            unsure.append(model.id)
    return list(ctx.sorted_ids(seeds)), unsure


def _served_models(ctx: RuleContext, direct: Iterable[str]) -> dict[str, list[str]]:
    """The models serving each endpoint and each of the `direct` consumers (`direct_consumers`)."""
    serving = dict(endpoint_models(ctx))
    for consumer in direct:
        serving[consumer] = direct_models(ctx, consumer)
    return serving


def _ungated(way: ReachThrough, points: list[str]) -> tuple[int, bool]:
    """The seeds reaching any of `points` (an endpoint and the models serving it that no seed
    is) past no gate, firmly if any do. A model's gate judges its training run, not a prompt or
    vendor model feeding it at serving: those reach its endpoint ungated unless a gate stands
    on their own way into the model."""
    mask = way.firm_any(points)
    if mask:
        return mask, True
    for point in points:
        mask |= way.loose(point)
    return mask, False


@rule(
    id="R51",
    title="No gate for prompt and model-version swaps",
    stage="serving",
    severity="error",
    kinds=("evaluation", "model", "monitor", "problem_framing", "prompt_template"),
    rationale="A prompt edit, a new pretrained checkpoint or a vendor's model update changes what "
    "users get as much as a retrained model does, but no training run marks the change, so the "
    "training gate never sees it, nor does the gate of a model it feeds at serving: that gate ran "
    "when the model was trained, on the old prompt or version. Vendor models change underneath an "
    "unpinned version; and what a generation endpoint says can only be trusted when its "
    "groundedness and safety are watched.",
    suggestion="Put an evaluation with gate on between each prompt template or pretrained/vendor "
    "model and the endpoint, or the model it feeds (a fixed evaluation set replayed on every prompt "
    "or version change), pin vendor and pretrained model versions (version_pinned), version "
    "prompts, and monitor generation endpoints for groundedness and safety.",
    sources=(
        *mts("Infra 4"),
        f"{OWASP_LLM}, LLM03 Supply Chain and LLM09 Misinformation",
        CHEN_2023,
        f"{NIST_RMF}, MEASURE 2.4 (behaviour monitored in production)",
    ),
    condition="Error: a prompt template, or a model with provenance pretrained or vendor_api (or "
    "fine_tuned with no training job upstream, along links marked feedback too), reaches an "
    "endpoint without passing an evaluation with gate on (training jobs end the path: R28 gates "
    "what they train), or reaches "
    "without one a model trained here that serves the endpoint (feeding it at serving, also over "
    "its own output link marked feedback): that "
    "model's gate judges its training run, not a swap of what feeds it, so only a gate on the "
    "swappable component's own way into the model counts. Only links of the serve or both phase "
    "carry a swap: one of the train phase (an LLM labelling or generating training data, a "
    "teacher distilled in training) changes nothing served when its source changes. A consumer "
    "taking a model's output with no endpoint on the way (batch generation, an embedded model) "
    "is held to the same as an endpoint; one behind an endpoint, or fed by a model that serves "
    "an endpoint, is judged at the endpoint. Warning: such a pretrained or vendor model has "
    "version_pinned off; a prompt template has versioned off; an endpoint served by an LLM "
    "(family llm, or any model when a framing's task is generation), or a consumer taking an "
    "LLM's output with no endpoint, has no monitor near it watching groundedness and safety.",
    unset="An LLM with provenance unset and no training job counts as pretrained; an evaluation with "
    "gate unset does not gate; version_pinned, versioned and a nearby monitor's watches unset fire "
    "as the warning cases.",
)
def r51_swap_gate(ctx: RuleContext) -> Iterator[Hit]:
    endpoints = [c.id for c in ctx.of_kind("endpoint")]
    seeds, unsure_models = _swappable(ctx)
    direct = direct_consumers(ctx) if seeds else {}
    if seeds and (endpoints or direct):
        gates = ctx.of_kind("evaluation")
        gated = {g.id for g in gates if g.properties.get("gate") is True}
        unsure_gates = {g.id for g in gates if g.properties.get("gate") is None}
        way = ReachThrough(ctx, seeds, gated | ctx.ids_of_kind("training_job"), unsure_gates, serve=True)
        swappable, serving = set(seeds), _served_models(ctx, direct)
        for endpoint in [*endpoints, *direct]:
            fed = [m for m in serving.get(endpoint, ()) if m not in swappable]
            mask, firm = _ungated(way, [endpoint, *fed])
            if not mask:
                continue
            ungated = pick(seeds, mask)
            unset = [f"{m}.provenance" for m in ungated if m in unsure_models]
            tail = ""
            if not firm:
                on_way = list(
                    dict.fromkeys(chain.from_iterable(way.first_unsure(p) for p in [endpoint, *fed]))
                )
                unset += [f"{g}.gate" for g in on_way]
                tail = f" ({names(ctx, on_way, ordered=True)} on the way has gate unset)"
            reach = way.firm if firm else way.loose
            beyond = mask & ~reach(endpoint)  # the seeds reaching a serving model but not the endpoint
            through = [m for m in fed if reach(m) & beyond] if beyond else []
            if through:
                one = len(through) == 1
                tail += (
                    f" (through {names(ctx, through, ordered=True)} at serving, whose gate judges "
                    f"{'its' if one else 'their'} training, not what feeds {'it' if one else 'them'})"
                )
            point = (
                f"consumer {ctx.name(endpoint)} (with no endpoint)"
                if endpoint in direct
                else f"endpoint {ctx.name(endpoint)}"
            )
            yield Hit(
                f"{names(ctx, ungated, ordered=True)} {'reaches' if len(ungated) == 1 else 'reach'} "
                f"{point} without an evaluation gate{tail}: a prompt edit or a "
                "model version swap ships untested",
                components=ctx.sorted_ids([*ungated, endpoint, *through]),
                unset=tuple(unset),
            )
    for model in ctx.of_kind("model"):
        provenance = model.properties.get("provenance")
        if provenance not in LEARNED_ELSEWHERE:
            continue
        pinned = model.properties.get("version_pinned")
        if pinned is True:
            continue
        who = "its vendor" if provenance == "vendor_api" else "its publisher"
        state = "is not pinned" if pinned is False else "may float (version_pinned unset)"
        yield Hit(
            f"{ctx.name(model.id)} ({provenance}) {state}: {who} can change it underneath the "
            "system, with no evaluation run",
            components=(model.id,),
            severity="warning",
            unset=(f"{model.id}.version_pinned",) if pinned is None else (),
        )
    for prompt in ctx.of_kind("prompt_template"):
        versioned = prompt.properties.get("versioned")
        if versioned is not True:
            state = "is not versioned" if versioned is False else "has versioned unset"
            yield Hit(
                f"Prompt template {ctx.name(prompt.id)} {state}: a prompt change can be neither "
                "compared with the previous one nor rolled back",
                components=(prompt.id,),
                severity="warning",
                unset=(f"{prompt.id}.versioned",) if versioned is None else (),
            )
    yield from _generation_monitoring(ctx, endpoints)


def _generation_monitoring(ctx: RuleContext, endpoints: list[str]) -> Iterator[Hit]:
    """Served points (endpoints, then consumers taking a model's output with no endpoint)
    generating with an LLM and no monitor near them watching groundedness and safety."""
    direct = direct_consumers(ctx)
    if not endpoints and not direct:
        return
    serving = _served_models(ctx, direct)
    generation = "generation" in task_of(ctx)
    view = None
    covers: dict[str, int] = {}
    unsure: list[tuple[str, int]] = []
    served = set(chain.from_iterable(serving.values()))
    llm = {m for m in served if ctx.prop(m, "family") == "llm"}
    for endpoint in [*endpoints, *direct]:
        models = serving.get(endpoint, ())
        llms = [m for m in models if m in llm] or (list(models) if generation else [])
        if not llms:
            continue
        if view is None:  # which served points each signal is watched near, once for all
            view = served_view(ctx)
            for monitor in ctx.of_kind("monitor"):
                watches = items(monitor.properties.get("watches"))
                if watches is None:
                    unsure.append((monitor.id, view.near(monitor.id)))
                    continue
                for signal in _GENERATION_WATCH:
                    if signal in watches:
                        covers[signal] = covers.get(signal, 0) | view.near(monitor.id)
        bit = view.bit[endpoint]
        missing = [w for w in _GENERATION_WATCH if not covers.get(w, 0) & bit]
        if not missing:
            continue
        nearby = [m for m, mask in unsure if mask & bit]
        tail = f" ({names(ctx, nearby, ordered=True)} nearby has watches unset)" if nearby else ""
        point = (
            f"Consumer {ctx.name(endpoint)} takes what {names(ctx, llms, ordered=True)} "
            f"{'generates' if len(llms) == 1 else 'generate'} with no endpoint,"
            if endpoint in direct
            else f"Endpoint {ctx.name(endpoint)} generates with {names(ctx, llms, ordered=True)}"
        )
        yield Hit(
            f"{point} and no monitor watches its {' or '.join(missing)}{tail}: hallucinated or "
            "unsafe answers go unnoticed",
            components=ctx.sorted_ids([endpoint, *llms]),
            severity="warning",
            unset=tuple(f"{m}.watches" for m in nearby),
        )
