"""Where labels reach, along links marked feedback too: labels joined back into training, or
into an evaluation, on the link that closes a loop (outcomes of served predictions, reviewers'
verdicts) are the same labels; the mark says the loop is meant, not that they stop there.

`retrained_by` is R45's walk from label sources to the training jobs their labels reach, less
those reached through an importance-weighting strategy; `human_judged` is R53's walk from human
labels to the evaluations and the models they judge.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.model import Component
from app.rules.checks._common import pick, transpose
from app.rules.checks._feedback_reach import reach_bits_across_feedback
from app.rules.checks._signals import weighting
from app.rules.context import RuleContext


def retrained_by(
    ctx: RuleContext, labels: Sequence[Component], jobs: list[str], models: list[str]
) -> dict[str, int]:
    """For each of `labels`, the `jobs` (bit mask) its labels reach, neither through a model nor
    through an importance-weighting sampling strategy.

    One walk up from the jobs, without links marked feedback; then, for the label sources that
    say what their labels are (label_type or delay_hours set: few), one walk down along feedback
    links too. A label source with neither set is not followed across a feedback link: on a
    large design of bare label sources that walk would cost every link edit about a tenth more."""
    stop = set(models)
    above = ctx.reach_bits(jobs, forward=False, stop=stop)
    found = {c.id: above[c.id] for c in labels if above.get(c.id)}
    said = ("label_type", "delay_hours")
    stated = [c.id for c in labels if any(c.properties.get(p) is not None for p in said)]
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
