"""Where labels reach, along links marked feedback too: labels joined back into training, or
into an evaluation, on the link that closes a loop (outcomes of served predictions, reviewers'
verdicts) are the same labels; the mark says the loop is meant, not that they stop there.

`retrained_by` is R45's walk from label sources to the training jobs their labels reach, less
those reached through an importance-weighting strategy; `human_judged` is R53's walk from human
labels to the evaluations and the models they judge; `ranking_signals_near` places R44's ranking
signals by the labels of the models they concern, following across feedback links only the
label sources that state label_type (`_signals.stated_reach_bits`).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress

from app.domain.model import Component
from app.rules.checks._bits import bit_row, pick, transpose
from app.rules.checks._feedback_reach import reach_bits_across_feedback
from app.rules.checks._signals import model_ids, stated_reach_bits, weighting
from app.rules.context import RuleContext


def retrained_by(
    ctx: RuleContext, labels: Sequence[Component], jobs: list[str], models: list[str]
) -> dict[str, int]:
    """For each of `labels`, the `jobs` (bit mask) its labels reach, neither through a model nor
    through an importance-weighting sampling strategy.

    One walk up from the jobs, without links marked feedback; then, for the label sources that
    say what their labels are (label_type or delay_hours set: few), one walk down along feedback
    links too. A label source with neither set crosses only its own output links marked feedback
    (labels joined into training on the loop's closing link: outcomes of served predictions, the
    labels most likely to mature late), read off the walk up from the jobs at the link's target:
    its walk down across every feedback link costs, on a large design of bare label sources, a
    full check +2.9 % and link edits +5.0 % (+1.8 % and +3.6 % with R44's walk shared under one
    key), beyond the +1.5 % allowed."""
    stop = set(models)
    above = ctx.reach_bits(jobs, forward=False, stop=stop)
    found = {c.id: above[c.id] for c in labels if above.get(c.id)}
    said = ("label_type", "delay_hours")
    stated = [c.id for c in labels if any(c.properties.get(p) is not None for p in said)]
    if len(stated) < len(labels) and ctx.feedback_links():
        bare = {c.id for c in labels}.difference(stated)
        job_bit = {job: 1 << i for i, job in enumerate(jobs)}
        for label, target in ctx.feedback_links():
            if label in bare and target not in stop:
                mask = above.get(target, 0) | job_bit.get(target, 0)
                if mask:
                    found[label] = found.get(label, 0) | mask
    if stated and ctx.feedback_links():
        down = reach_bits_across_feedback(ctx, stated, stop)
        columns = transpose([down.get(job, 0) for job in jobs], len(stated))
        for label, mask in zip(stated, columns, strict=True):
            if mask:
                found[label] = found.get(label, 0) | mask
    weighting_ids = weighting(ctx)
    strategies = [c.id for c in ctx.of_kind("sampling_strategy") if c.id in weighting_ids]
    if strategies and found:
        ids = [c.id for c in labels]
        down = reach_bits_across_feedback(ctx, ids, stop)
        onward = reach_bits_across_feedback(ctx, strategies, stop)
        after = transpose([onward.get(job, 0) for job in jobs], len(strategies))  # per strategy
        for strategy, corrected in zip(strategies, after, strict=True):
            for label in pick(ids, down.get(strategy, 0)):
                if label in found:
                    found[label] &= ~corrected
    return found


def human_labels(ctx: RuleContext, labels: Sequence[Component]) -> list[str]:
    """The human_annotation label sources, then the evaluations and datasets a human review's
    label link goes into (reviewers' verdicts are human labels too), on links marked feedback
    or not."""
    human = [c.id for c in labels if c.properties.get("label_type") == "human_annotation"]
    for review in ctx.ids_of_kind("human_review"):
        for target, data in ctx.succ[review].items():
            if data["flow"] == "label" and ctx.kind_of.get(target) in ("evaluation", "dataset"):
                if target not in human:
                    human.append(target)
    return human


def human_judged(ctx: RuleContext, labels: Sequence[Component], models: list[str]) -> set[str]:
    """The models an evaluation checks against human labels: human labels (`human_labels`)
    reach the evaluation, and the model feeds it, neither through a model, along links marked
    feedback too."""
    human = human_labels(ctx, labels)
    evaluations = [c.id for c in ctx.of_kind("evaluation")]
    if not human or not evaluations:
        return set()
    stop = set(models)
    from_human = reach_bits_across_feedback(ctx, human, stop)
    judging = [e for e in evaluations if e in human or from_human.get(e)]
    if not judging:
        return set()
    # few evaluations, and only where weak labels train a model: the walk with feedback links in
    above = ctx.reach_bits(judging, forward=False, stop=stop, feedback=True)
    return {m for m in models if above.get(m)}


def ranking_signals_near(ctx: RuleContext, labels: list[str], signals: list[str]) -> dict[str, list[str]]:
    """For each label source that trains models, the ranking signals of what it trains (all of
    them: `signals` itself, else in design order): a
    retriever or re-ranker its models feed or are fed by, or linked to nothing; a ranking metric
    linked into what its labels reach (up to their models and what those feed), or into what no
    label reaches (a metric of the whole design). Each signal is placed by its bit mask of labels.
    Label sources that set label_type are followed to their models along feedback links too."""
    models = model_ids(ctx)
    stop = set(models)
    below = stated_reach_bits(ctx, labels, stop, ("label_type",))  # as far as the models they train
    trainers = {m: below[m] for m in models if below.get(m)}  # model -> the labels (bits) training it
    training = 0
    for mask in trainers.values():
        training |= mask
    # What those models feed and are fed by, up to the next model or training job, carries the
    # bits of the labels that train them: the models' own walks (kept in the shape cache, so a
    # link edit grows them in place), their bits turned into their labels' where asked, through
    # the models trained by each set of labels (a few sets: most models share theirs).
    ends = frozenset(stop | ctx.ids_of_kind("training_job"))
    fed = ctx.reach_bits(list(trainers), stop=ends)
    fed_by = ctx.reach_bits(list(trainers), forward=False, stop=ends)
    trained_by: dict[int, int] = {}  # a set of labels (bits) -> the models (bits) it trains
    for i, labels_mask in enumerate(trainers.values()):
        trained_by[labels_mask] = trained_by.get(labels_mask, 0) | 1 << i

    def near_labels(node: str) -> int:
        mask = below.get(node, 0) | trainers.get(node, 0)
        models_mask = fed.get(node, 0) | fed_by.get(node, 0)
        if models_mask:
            for labels_mask, models in trained_by.items():
                if models_mask & models:
                    mask |= labels_mask
        return mask

    masks = []  # per signal, the labels (bits) it concerns
    everyone = (1 << len(labels)) - 1
    for s in signals:
        if ctx.kind_of.get(s) == "metric":
            mask = 0
            for target in ctx.succ.get(s, {}):
                mask |= near_labels(target)
            masks.append(mask or everyone)
        else:
            masks.append(near_labels(s) or (0 if ctx.neighbours(s) else everyone))
    found: dict[str, list[str]] = {}
    if not signals:
        return {label: signals for i, label in enumerate(labels) if training >> i & 1}
    order = ctx.order
    placed = sorted(zip(signals, masks, strict=True), key=lambda pair: order[pair[0]])
    in_order = [s for s, _ in placed]
    # column i of the signals' rows of label bits: which signals concern label i
    columns = zip(*(bit_row(mask, len(labels)) for _, mask in placed), strict=True)
    for i, (label, column) in enumerate(zip(labels, columns, strict=True)):
        if training >> i & 1:
            near = list(compress(in_order, column))
            found[label] = signals if len(near) == len(signals) else near
    return found
